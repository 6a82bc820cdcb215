//! Registering a person with the sentence that brings them to probation, community or
//! custodial with its licence (issue 17 item 1): one form, checked for someone already registered with the same name and date of
//! birth before anything is written, then the person and the sentence in one append under a
//! new CRN. The case then waits for allocation in the person's home borough
//! (docs/rules/practice.md#allocation), where the officer who registered it still reaches it.

use super::reviews::value_of;
use super::{Answers, Choice, Form, Input, Question, Reader};
use crate::access::{self, CaseAccess, OrgIndex, Place};
use crate::{Actor, FieldProblem, ServiceError, Stores};
use domain::case::{CaseState, uk_date};
use domain::event::{CaseEvent, NewEvent};
use domain::ids::{Code, Crn, LocalId, Name, Pnc};
use domain::person::{Gender, PersonDetails};
use domain::projection::CaseSummary;
use domain::sentence::{CustodyTerms, LicenceCondition, Requirement, RequirementKind, Sentence, SentenceKind};
use jiff::Timestamp;
use jiff::civil::Date;
use store::{CaseStore, StoreError};

pub(super) const GENDERS: [(Gender, &str); 3] =
    [(Gender::Male, "Male"), (Gender::Female, "Female"), (Gender::Other, "Other")];

/// The sentences a case is registered with: community sentences, and custody with its
/// release and licence dates as the prison gives them.
const SENTENCES: [(SentenceKind, &str); 3] = [
    (SentenceKind::CommunityOrder, "Community order"),
    (SentenceKind::SuspendedSentenceOrder, "Suspended sentence order"),
    (SentenceKind::Custodial, "Custodial sentence, followed by licence"),
];

/// Additional licence conditions an officer may tick at registration, besides the standard
/// conditions every licence carries. Probity default: the conditions most often set from the
/// national list of additional licence conditions (Criminal Justice Act 2003, s. 250; the
/// Licence Conditions Policy Framework), in words that fit the record.
const LICENCE_CONDITIONS: [(&str, &str); 7] = [
    ("residence", "Reside at an address approved by the supervising officer"),
    ("approved_premises", "Reside at approved premises"),
    ("curfew", "Keep to a curfew"),
    ("exclusion_zone", "Not enter an exclusion zone"),
    ("non_contact", "No contact with a named person"),
    ("drug_testing", "Submit to drug testing"),
    ("programme", "Attend an accredited programme as directed"),
];

/// Post-sentence supervision ends at most 12 months after release (Criminal Justice Act
/// 2003, s. 256AA, for sentences of more than a day and under two years).
const PSS_MONTHS: i64 = 12;

/// A community order lasts at most 3 years, a suspended sentence's supervision at most 2
/// (Sentencing Act 2020, ss. 209 and 288).
fn longest_months(kind: SentenceKind) -> u16 {
    if kind == SentenceKind::SuspendedSentenceOrder { 24 } else { 36 }
}

/// The boroughs where this user may register a case: those whose waiting cases they may
/// record on.
async fn boroughs(stores: &Stores, actor: Actor<'_>, today: Date) -> Result<Vec<(Code, Name)>, ServiceError> {
    let snapshot = crate::actor::snapshot(stores, actor).await?;
    let org = &snapshot.org;
    let index = OrgIndex::new(org);
    Ok(org
        .boroughs
        .iter()
        .filter(|b| {
            let place = Place::awaiting_allocation(Some(&b.code), org);
            access::case_access(actor.user, &place, false, &[], today, &index) == CaseAccess::ReadWrite
        })
        .map(|b| (b.code.clone(), b.name.clone()))
        .collect())
}

/// The registration form for this user: refused to a role that does not record on cases, or
/// one whose place holds no borough.
pub async fn form(stores: &Stores, actor: Actor<'_>, now: Timestamp) -> Result<Form, ServiceError> {
    if !access::may_record_kind(actor.user, "person_registered") {
        return Err(ServiceError::forbidden());
    }
    let places = boroughs(stores, actor, uk_date(now)).await?;
    if places.is_empty() {
        return Err(ServiceError::forbidden());
    }
    let place_choices = places.iter().map(|(c, n)| Choice::new(c.as_str(), format!("{n} ({c})"))).collect();
    let genders = GENDERS.iter().map(|(g, l)| Choice::new(value_of(g), *l)).collect();
    let spec = super::Decision::Registration.spec();
    Ok(Form {
        spec,
        questions: vec![
            Question::new("first_name", "First name", Input::Text { width: 20 }),
            Question::new("family_name", "Family name", Input::Text { width: 20 }),
            Question::new("date_of_birth", "Date of birth", Input::Date).hint("For example, 27 3 1990"),
            Question::new("gender", "Gender", Input::Radios(genders)).inline(),
            Question::new("pnc", "PNC number", Input::Text { width: 20 }).hint("For example, 2012/0034567A").optional(),
            Question::new("home_borough", "Which local authority do they live in?", Input::Radios(place_choices)),
        ]
        .into_iter()
        .chain(sentence_questions(&SENTENCES))
        .chain(custody_questions())
        .collect(),
    })
}

/// The community sentences alone: what a new sentence on a case under supervision is.
pub(super) const COMMUNITY_SENTENCES: [(SentenceKind, &str); 2] = [SENTENCES[0], SENTENCES[1]];

/// The questions of a sentence of one of `kinds`: its kind, date, length and requirements,
/// within their statutory bounds. Asked at registration (where custody's own questions
/// follow) and for a new community sentence on a case.
pub(super) fn sentence_questions(kinds: &[(SentenceKind, &str)]) -> Vec<Question> {
    let custody = kinds.iter().any(|(k, _)| *k == SentenceKind::Custodial);
    let kinds = kinds.iter().map(|(k, l)| Choice::new(value_of(k), *l)).collect();
    let months = Question::new("months", "How long is it, in months?", Input::Text { width: 3 })
        .hint("Up to 36 months for a community order, 24 for a suspended sentence");
    vec![
        Question::new("sentence_kind", "What sentence did the court pass?", Input::Radios(kinds)),
        Question::new("sentence_date", "When was it passed?", Input::Date),
        if custody {
            Question { optional: true, ..months.hint("For a community or suspended sentence: up to 36 months for a community order, 24 for a suspended sentence") }
        } else {
            months
        },
        Question::new("upw_hours", "Unpaid work hours", Input::Text { width: 3 })
            .hint("40 to 300 hours; leave blank if there is no unpaid work requirement")
            .optional(),
        Question::new("rar_days", "Rehabilitation activity requirement days", Input::Text { width: 3 })
            .hint("1 to 365 days; leave blank if there is no RAR")
            .optional(),
    ]
}

/// The sentence as typed, as sentence `id` (its requirements `{id}-UPW`, `{id}-RAR`); `None`
/// with every problem noted on `read`.
pub(super) fn read_sentence(read: &mut Reader, id: &str) -> Option<Sentence> {
    let kind: Option<SentenceKind> = read.chosen("sentence_kind", "the sentence");
    let sentence_date = read.date("sentence_date", "the sentence was passed");
    if kind == Some(SentenceKind::Custodial) {
        return read_custody(read, id, sentence_date);
    }
    let months = number(read, "months", "how long it is", (1, kind.map_or(36, longest_months)), false);
    let upw = number(read, "upw_hours", "", (40, 300), true);
    let rar = number(read, "rar_days", "", (1, 365), true);
    let (kind, on, months) = (kind?, sentence_date?, months?);
    let mut requirements = Vec::new();
    if let Some(hours) = upw {
        requirements.push(Requirement { id: local(&format!("{id}-UPW")), kind: RequirementKind::UnpaidWork { hours } });
    }
    if let Some(max_days) = rar {
        requirements.push(Requirement { id: local(&format!("{id}-RAR")), kind: RequirementKind::Rar { max_days } });
    }
    let Ok(end_date) = on.checked_add(jiff::Span::new().months(i64::from(months))) else {
        read.problem("months", "the sentence would end beyond the calendar's range");
        return None;
    };
    Some(Sentence {
        id: local(id),
        kind,
        sentence_date: on,
        end_date,
        requirements,
        licence_conditions: Vec::new(),
        custody: None,
    })
}

/// The questions only a custodial sentence answers: release, licence and post-sentence
/// supervision dates as the prison gives them, and the licence's additional conditions.
pub(super) fn custody_questions() -> Vec<Question> {
    let conditions = LICENCE_CONDITIONS.iter().map(|(v, l)| Choice::new(*v, *l)).collect();
    let only = "For a custodial sentence only";
    vec![
        Question::new("release_date", "When is (or was) the release from custody?", Input::AnyDate)
            .hint(format!("{only}: the release date the prison gives"))
            .optional(),
        Question::new("licence_end", "When does the licence end?", Input::AnyDate)
            .hint(format!("{only}: the licence expiry date"))
            .optional(),
        Question::new("pss_end", "When does post-sentence supervision end?", Input::AnyDate)
            .hint(format!("{only}, where the sentence carries post-sentence supervision"))
            .optional(),
        Question::new(
            "licence_conditions",
            "Which additional licence conditions were set?",
            Input::Checkboxes(conditions),
        )
        .hint(format!("{only}: the standard conditions are always part of the licence"))
        .optional(),
    ]
}

/// A custodial sentence as typed: its dates in order within their statutory bounds, no
/// community requirements, the standard licence conditions and those ticked.
fn read_custody(read: &mut Reader, id: &str, sentence_date: Option<Date>) -> Option<Sentence> {
    if read.form.questions.iter().all(|q| q.name != "release_date") {
        read.problem("sentence_kind", "a custodial sentence is registered with the person, not added to a case");
        return None;
    }
    for (field, what) in [("months", "its length"), ("upw_hours", "unpaid work"), ("rar_days", "RAR days")] {
        if !read.answers.one(field).is_empty() {
            read.problem(field, format!("a custodial sentence has licence conditions, not {what}: leave this blank"));
        }
    }
    let release = read.any_date_or_blank("release_date", "of release");
    let licence_end = read.any_date_or_blank("licence_end", "the licence ends");
    let pss_end = read.any_date_or_blank("pss_end", "post-sentence supervision ends");
    let mut conditions = vec![LicenceCondition::Standard];
    for ticked in read.ticked("licence_conditions") {
        if let Some((_, label)) = LICENCE_CONDITIONS.iter().find(|(v, _)| *v == ticked)
            && let Ok(text) = Name::parse(label)
        {
            conditions.push(LicenceCondition::Additional { text });
        }
    }
    let blank = |read: &Reader, name: &str| {
        ["day", "month", "year"].iter().all(|p| read.answers.one(&format!("{name}-{p}")).is_empty())
    };
    if blank(read, "release_date") {
        read.problem("release_date", "enter the release date the prison gives");
    }
    if blank(read, "licence_end") {
        read.problem("licence_end", "enter the date the licence ends");
    }
    let (on, release, licence_end) = (sentence_date?, release?, licence_end?);
    if release < on {
        read.problem("release_date", "the release cannot be before the sentence");
    }
    if licence_end <= release {
        read.problem("licence_end", "the licence must end after the release");
    }
    if let Some(pss) = pss_end {
        let longest = release.checked_add(jiff::Span::new().months(PSS_MONTHS)).unwrap_or(Date::MAX);
        if pss <= licence_end || pss > longest {
            read.problem(
                "pss_end",
                format!("post-sentence supervision ends after the licence and within {PSS_MONTHS} months of release"),
            );
        }
    }
    if !read.problems.is_empty() {
        return None;
    }
    Some(Sentence {
        id: local(id),
        kind: SentenceKind::Custodial,
        sentence_date: on,
        end_date: pss_end.unwrap_or(licence_end),
        requirements: Vec::new(),
        licence_conditions: conditions,
        custody: Some(CustodyTerms { release_date: release, licence_end, pss_end }),
    })
}

/// A number typed in a field, within its bounds, or `None` when blank and optional.
pub(super) fn number(
    read: &mut Reader,
    name: &'static str,
    what: &str,
    bounds: (u16, u16),
    optional: bool,
) -> Option<u16> {
    let raw = read.text(name, what, optional)?;
    match raw.parse::<u16>() {
        Ok(n) if (bounds.0..=bounds.1).contains(&n) => Some(n),
        _ => {
            read.problem(name, format!("`{raw}` is not a whole number from {} to {}", bounds.0, bounds.1));
            None
        }
    }
}

pub(super) fn name(read: &mut Reader, field: &'static str, what: &str) -> Option<Name> {
    let raw = read.text(field, what, false)?;
    Name::parse(&raw).map_err(|e| read.problem(field, e.problem)).ok()
}

/// The person and the sentence as typed, every bad answer named.
fn read_registration(
    form: &Form,
    answers: &Answers,
    today: Date,
) -> Result<(PersonDetails, Sentence), Vec<FieldProblem>> {
    let mut read = Reader { answers, form, today, problems: Vec::new() };
    let first_name = name(&mut read, "first_name", "their first name");
    let family_name = name(&mut read, "family_name", "their family name");
    let date_of_birth = read.date("date_of_birth", "of birth");
    let gender: Option<Gender> = read.chosen("gender", "their gender");
    let pnc =
        read.text("pnc", "", true).and_then(|raw| Pnc::parse(&raw).map_err(|e| read.problem("pnc", e.problem)).ok());
    let home_borough = read.choice("home_borough", "where they live").and_then(|c| Code::parse(&c).ok());
    let sentence = read_sentence(&mut read, "S1");
    if let (Some(born), Some(sentence)) = (date_of_birth, &sentence)
        && born >= sentence.sentence_date
    {
        read.problem("date_of_birth", "the date of birth must be before the sentence");
    }
    let (Some(first_name), Some(family_name), Some(date_of_birth), Some(gender), Some(sentence)) =
        (first_name, family_name, date_of_birth, gender, sentence)
    else {
        return Err(read.problems);
    };
    if !read.problems.is_empty() || home_borough.is_none() {
        return Err(read.problems);
    }
    let person = PersonDetails {
        first_name,
        family_name,
        date_of_birth,
        gender,
        pnc,
        ethnicity: None,
        nationality: None,
        religion: None,
        disability: None,
        employment: None,
        home_borough,
    };
    Ok((person, sentence))
}

fn local(raw: &str) -> LocalId {
    LocalId::parse(raw).expect("a sentence id and its requirements' are valid")
}

/// What a registration did.
#[derive(Debug, Clone, PartialEq)]
pub enum Registered {
    /// Recorded under this CRN.
    Created(Crn),
    /// Someone already registered has the same name and date of birth, or the same PNC:
    /// nothing written until the user says this is a different person.
    PossibleDuplicates(Vec<CaseSummary>),
}

/// How many people with the family name are looked through for a duplicate.
const DUPLICATE_SEARCH: usize = 500;

/// Registers the person and their sentence under a new CRN, unless someone with the same name
/// and date of birth, or the same PNC, is already registered and `different_person` is not
/// said.
pub async fn register(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    answers: &Answers,
    different_person: bool,
) -> Result<Registered, ServiceError> {
    let form = form(stores, actor, now).await?;
    let today = uk_date(now);
    let (person, sentence) = read_registration(&form, answers, today).map_err(ServiceError::Invalid)?;
    if !different_person {
        let same = |s: &CaseSummary| {
            s.first_name.eq_ignore_ascii_case(person.first_name.as_str())
                && s.family_name.eq_ignore_ascii_case(person.family_name.as_str())
                && s.date_of_birth == person.date_of_birth
        };
        let mut found: Vec<CaseSummary> = stores
            .cases
            .search_people(person.family_name.as_str(), DUPLICATE_SEARCH, None)
            .await?
            .into_iter()
            .filter(same)
            .collect();
        // The same PNC is the same person whatever the name they give now.
        if let Some(pnc) = &person.pnc {
            for s in stores.cases.people_with_pnc(pnc).await? {
                if !found.iter().any(|f| f.crn == s.crn) {
                    found.push(s);
                }
            }
        }
        if !found.is_empty() {
            return Ok(Registered::PossibleDuplicates(found));
        }
    }
    let recorded_by = actor.recorder();
    let on = sentence.sentence_date;
    let occurred_at = jiff::tz::TimeZone::UTC.to_timestamp(on.at(12, 0, 0, 0)).unwrap_or(now).min(now);
    let events = vec![
        NewEvent { occurred_at, recorded_by: recorded_by.clone(), event: CaseEvent::PersonRegistered { person } },
        NewEvent { occurred_at, recorded_by, event: CaseEvent::SentenceImposed { sentence } },
    ];
    // The events checked as the log will check them, before a CRN is spent.
    let mut state = CaseState::new(Crn::parse("X000000").expect("a valid CRN"));
    for e in &events {
        state
            .apply(&e.event, on)
            .map_err(|r| ServiceError::field("sentence_kind", format!("sentence_kind: {}", r.problem)))?;
    }
    // A new CRN: the next free one after the largest in use would race another registration;
    // a random one that is not taken, appended at version 0, cannot be taken twice (a second
    // writer gets a conflict and tries another).
    for attempt in 0..8u64 {
        let crn = candidate_crn(now, attempt, &state);
        if stores.cases.summary(&crn).await?.is_some() {
            continue;
        }
        match crate::cases::record_events(stores, actor, now, &crn, 0, &events).await {
            Ok(_) => return Ok(Registered::Created(crn)),
            Err(ServiceError::Store(StoreError::Conflict { .. })) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(ServiceError::Busy("No free CRN was found; try again.".into()))
}

/// A CRN for a new case: `N` and six digits drawn from the time, the attempt and what was
/// typed, so two registrations in the same instant differ.
fn candidate_crn(now: Timestamp, attempt: u64, state: &CaseState) -> Crn {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (now.as_nanosecond(), attempt, format!("{:?}", state.person)).hash(&mut h);
    Crn::parse(&format!("N{:06}", h.finish() % 1_000_000)).expect("one capital and six digits")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        Answers::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    fn test_form() -> Form {
        Form {
            spec: super::super::Decision::Registration.spec(),
            questions: [
                Question::new("first_name", "", Input::Text { width: 20 }),
                Question::new("family_name", "", Input::Text { width: 20 }),
                Question::new("date_of_birth", "", Input::Date),
                Question::new(
                    "gender",
                    "",
                    Input::Radios(GENDERS.iter().map(|(g, l)| Choice::new(value_of(g), *l)).collect()),
                ),
                Question::new("pnc", "", Input::Text { width: 20 }).optional(),
                Question::new("home_borough", "", Input::Radios(vec![Choice::new("CAM", "Camden")])),
            ]
            .into_iter()
            .chain(sentence_questions(&SENTENCES))
            .chain(custody_questions())
            .collect(),
        }
    }

    const GOOD: [(&str, &str); 14] = [
        ("first_name", "Ada"),
        ("family_name", "Lovelace"),
        ("date_of_birth-day", "10"),
        ("date_of_birth-month", "12"),
        ("date_of_birth-year", "1990"),
        ("gender", "female"),
        ("home_borough", "CAM"),
        ("sentence_kind", "community_order"),
        ("sentence_date-day", "2"),
        ("sentence_date-month", "3"),
        ("sentence_date-year", "2026"),
        ("months", "12"),
        ("upw_hours", "120"),
        ("rar_days", "20"),
    ];

    /// A change to the good answers, and the fields it gets named.
    type Row<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);

    /// Each row's change made to `base` is refused naming exactly its fields (none: accepted).
    fn assert_rows_named(base: &[(&str, &str)], rows: &[Row], today: Date) {
        for (change, named) in rows {
            let pairs: Vec<(&str, &str)> = base
                .iter()
                .filter(|(k, _)| !change.iter().any(|(c, _)| c == k))
                .copied()
                .chain(change.iter().copied())
                .collect();
            let got = read_registration(&test_form(), &answers(&pairs), today);
            let fields: Vec<String> =
                got.as_ref().err().map_or_else(Vec::new, |p| p.iter().map(|p| p.field.clone()).collect());
            assert_eq!(fields, named.to_vec(), "{change:?}: {got:?}");
        }
    }

    #[test]
    fn registration_names_every_bad_answer_and_keeps_the_statutory_bounds() {
        let today = domain::example::date("2026-03-20");
        let (person, sentence) = read_registration(&test_form(), &answers(&GOOD), today).unwrap();
        assert_eq!((person.first_name.as_str(), person.home_borough.as_ref().map(Code::as_str)), ("Ada", Some("CAM")));
        assert_eq!(sentence.end_date, domain::example::date("2027-03-02"));
        assert_eq!(sentence.requirements.len(), 2);
        let rows: &[Row] = &[
            (&[("first_name", "")], &["first_name"]),
            (&[("upw_hours", "20")], &["upw_hours"]),
            (&[("upw_hours", "301")], &["upw_hours"]),
            (&[("upw_hours", "")], &[]),
            (&[("rar_days", "0")], &["rar_days"]),
            (&[("months", "37")], &["months"]),
            (&[("sentence_kind", "suspended_sentence_order"), ("months", "25")], &["months"]),
            (&[("pnc", "2012-12")], &["pnc"]),
            (&[("home_borough", "ISL")], &["home_borough"]),
            (&[("date_of_birth-year", "2027")], &["date_of_birth"]),
            (
                &[("date_of_birth-year", "2026"), ("date_of_birth-month", "3"), ("date_of_birth-day", "5")],
                &["date_of_birth"],
            ),
            (&[("gender", ""), ("sentence_date-day", "")], &["gender", "sentence_date"]),
        ];
        assert_rows_named(&GOOD, rows, today);
    }

    /// A custodial registration: the licence's dates in order and within the law's bounds, no
    /// community requirements; what each bad answer is named on.
    #[test]
    fn a_custodial_registration_takes_its_licence_dates_and_conditions() {
        let today = domain::example::date("2026-03-20");
        let custody: [(&str, &str); 11] = [
            ("sentence_kind", "custodial"),
            ("months", ""),
            ("upw_hours", ""),
            ("rar_days", ""),
            ("release_date-day", "1"),
            ("release_date-month", "6"),
            ("release_date-year", "2026"),
            ("licence_end-day", "1"),
            ("licence_end-month", "12"),
            ("licence_end-year", "2026"),
            ("licence_conditions", "curfew"),
        ];
        // The good answers with the custodial sentence's in place of the community one's.
        let base: Vec<(&str, &str)> =
            GOOD.iter().filter(|(k, _)| !custody.iter().any(|(c, _)| c == k)).chain(custody.iter()).copied().collect();
        let (_, sentence) = read_registration(&test_form(), &answers(&base), today).unwrap();
        assert_eq!(sentence.kind, SentenceKind::Custodial);
        assert_eq!(sentence.end_date, domain::example::date("2026-12-01"));
        assert!(sentence.requirements.is_empty());
        assert_eq!(sentence.licence_conditions.len(), 2, "standard and curfew");
        assert_eq!(sentence.custody.as_ref().map(|c| c.release_date), Some(domain::example::date("2026-06-01")));
        assert!(sentence.validate().is_ok());
        let rows: &[Row] = &[
            (&[("release_date-day", ""), ("release_date-month", ""), ("release_date-year", "")], &["release_date"]),
            (&[("licence_end-year", "2025")], &["licence_end"]),
            (&[("release_date-year", "2025")], &["release_date"]),
            (&[("upw_hours", "100")], &["upw_hours"]),
            (&[("months", "12")], &["months"]),
            (&[("pss_end-day", "2"), ("pss_end-month", "6"), ("pss_end-year", "2027")], &["pss_end"]),
            (&[("pss_end-day", "1"), ("pss_end-month", "5"), ("pss_end-year", "2027")], &[]),
            (&[("release_date-day", "31"), ("release_date-month", "2")], &["release_date"]),
        ];
        assert_rows_named(&base, rows, today);
    }
}
