//! Inspection from the store (issue 7): the long list built from the case record, a sample
//! drawn from it and announced, the look behind the announcement, prefill with evidence,
//! inspectors' answers, and the findings from the latest answers.
//!
//! These are the functions an inspector workspace calls: [`sample_cases`] lists an
//! inspection's cases, [`case_workspace`] gives one case's questions with prefill, the
//! answer and its history, [`answer`] records an answer, [`findings`] the findings;
//! [`write_narrative`] records the inspectors' enablers, barriers, recommendations and
//! practice examples, and [`inspection_report`] assembles the whole report.

use std::collections::BTreeMap;

use crate::stores::Stores;
use domain::case::CaseState;
use domain::event::RecordedEvent;
use domain::ids::{Code, Crn};
use domain::org::Organisation;
use domain::person::{Ethnicity, Gender};
use domain::sentence::SentenceKind;
use inspect::document::{self, InspectionReport, NarrativeItem, NarrativeKind, Sources};
use inspect::longlist::{self, LonglistCase, ReoffendingBand, Rosh, SentenceType};
use inspect::lookbehind::{self, BACKDATING, CaseLookBehind, LookBehind};
use inspect::policy::{Rating, RatingPolicy};
use inspect::prefill::{Suggestion, prefill};
use inspect::report::{self, Answer, CaseAnswer, Report};
use inspect::scheme::{Drawn, Scheme, draw_with};
use jiff::civil::Date;
use serde::Serialize;
use store::inspection::{
    AnswerRecord, InspectionRecord, InspectionStore, NarrativeRecord, NewAnswer, NewInspection, NewNarrative,
    latest_answers, latest_narrative,
};
use store::{CaseStore, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum InspectionError {
    /// Bad input: names the field.
    #[error("{field}: {problem}")]
    Invalid { field: &'static str, problem: String },
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(field: &'static str, problem: impl Into<String>) -> InspectionError {
    InspectionError::Invalid { field, problem: problem.into() }
}

/// Where each team sits: (cluster = area, LDU = borough, office), by team code.
fn places(org: &Organisation) -> BTreeMap<&str, (&str, &str, &str)> {
    let borough_area: BTreeMap<&str, &str> = org.boroughs.iter().map(|b| (b.code.as_str(), b.area.as_str())).collect();
    let office_borough: BTreeMap<&str, &str> =
        org.offices.iter().map(|o| (o.code.as_str(), o.borough.as_str())).collect();
    org.teams
        .iter()
        .map(|t| {
            let borough = office_borough.get(t.office.as_str()).copied().unwrap_or("");
            let area = borough_area.get(borough).copied().unwrap_or("");
            (t.code.as_str(), (area, borough, t.office.as_str()))
        })
        .collect()
}

fn ethnicity_id(e: Ethnicity) -> &'static str {
    match e {
        Ethnicity::White => "white",
        Ethnicity::Mixed => "mixed",
        Ethnicity::Asian => "asian",
        Ethnicity::Black => "black",
        Ethnicity::Other => "other",
        Ethnicity::NotStated => "not_stated",
    }
}

/// A case's long-list row, from its folded state. The case is its latest sentence (active
/// or not); `None` for a case without a person or a sentence.
///
/// Supervision starts on the sentence date for a community sentence and on release for a
/// custodial one (the expected release date until a release is recorded, so a person still
/// in custody is "not started"). A case never assessed is listed at low RoSH, as it has no
/// level to stratify by; its prefill says it was not assessed.
pub fn longlist_case(
    state: &CaseState,
    places: &BTreeMap<&str, (&str, &str, &str)>,
    row: usize,
) -> Option<LonglistCase> {
    let person = state.person.as_ref()?;
    let record = state.sentences.last()?;
    let sentence = &record.sentence;
    let (sentence_type, start_date) = match sentence.kind {
        SentenceKind::Custodial => (
            SentenceType::PostCustody,
            record.released_on.or(sentence.custody.as_ref().map(|c| c.release_date)).unwrap_or(sentence.sentence_date),
        ),
        _ => (SentenceType::Community, sentence.sentence_date),
    };
    let end_date = record.ended.map(|(d, _)| d).unwrap_or(sentence.end_date).max(start_date);
    let (officer, team) = state.officer.as_ref().map_or(("", ""), |a| (a.officer.as_str(), a.team.as_str()));
    let (cluster, ldu, office) = places.get(team).copied().unwrap_or(("", "", ""));
    let rosh = match state.rosh() {
        None | Some(domain::assessment::RoshLevel::Low) => Rosh::Low,
        Some(domain::assessment::RoshLevel::Medium) => Rosh::Medium,
        Some(domain::assessment::RoshLevel::High) => Rosh::High,
        Some(domain::assessment::RoshLevel::VeryHigh) => Rosh::VeryHigh,
    };
    Some(LonglistCase {
        row,
        crn: state.crn.to_string(),
        pnc: person.pnc.as_ref().map_or(String::new(), |p| p.to_string()),
        first_name: person.first_name.to_string(),
        family_name: person.family_name.to_string(),
        dob: Some(person.date_of_birth),
        gender: match person.gender {
            Gender::Male => longlist::Gender::Male,
            Gender::Female => longlist::Gender::Female,
            Gender::Other => longlist::Gender::Other,
        },
        sentence_type,
        rosh,
        start_date,
        end_date: Some(end_date),
        cluster: cluster.to_string(),
        ldu: ldu.to_string(),
        team: team.to_string(),
        responsible_officer: officer.to_string(),
        ethnicity: person.ethnicity.map_or("", ethnicity_id).to_string(),
        office: office.to_string(),
        reoffending: state.assessment.as_ref().and_then(|a| a.ogrs).map(|p| ReoffendingBand::of_ogrs(p.get())),
    })
}

/// The long list of every case in the store.
pub async fn long_list(stores: &Stores) -> Result<Vec<LonglistCase>, InspectionError> {
    let org = stores.cases.organisation().await?;
    let places = places(&org);
    let states = crate::generate::case_states(&*stores.cases).await?;
    Ok(states
        .iter()
        .filter_map(|s| longlist_case(s, &places, 0))
        .enumerate()
        .map(|(i, mut c)| {
            c.row = i + 1;
            c
        })
        .collect())
}

/// Draw a sample from the store's cases.
pub async fn draw_sample(stores: &Stores, scheme: &Scheme) -> Result<Drawn, InspectionError> {
    let cases = long_list(stores).await?;
    draw_with(&cases, scheme).map_err(|e| invalid("scheme", e.to_string()))
}

/// What `announce` needs besides the scheme.
#[derive(Debug, Clone)]
pub struct Announcement {
    pub id: Code,
    pub announced_on: Date,
    pub fieldwork_on: Date,
    pub by: Code,
    /// When it is recorded (`services::clock`).
    pub at: jiff::Timestamp,
}

/// Draw a sample from the store and record it with its announcement date. Nothing is
/// written when the sample is empty or the id is taken.
pub async fn announce(stores: &Stores, announcement: &Announcement, scheme: &Scheme) -> Result<Drawn, InspectionError> {
    if announcement.announced_on > announcement.fieldwork_on {
        return Err(invalid(
            "announce",
            format!("{} is after the fieldwork date {}", announcement.announced_on, announcement.fieldwork_on),
        ));
    }
    let drawn = draw_sample(stores, scheme).await?;
    let seed = match scheme {
        Scheme::Inspectorate(o) => o.seed,
        Scheme::Report(r) => r.seed,
    };
    let cases = drawn
        .cases()
        .iter()
        .map(|c| Ok((Crn::parse(&c.crn).map_err(|e| invalid("crn", e.to_string()))?, c.stratum.clone())))
        .collect::<Result<Vec<_>, InspectionError>>()?;
    if cases.is_empty() {
        return Err(invalid("scheme", "the sample is empty: no case in the store is eligible"));
    }
    let record = NewInspection {
        id: announcement.id.clone(),
        announced_on: announcement.announced_on,
        fieldwork_on: announcement.fieldwork_on,
        scheme: drawn.scheme_name().to_string(),
        seed,
        sample_json: serde_json::to_string(&drawn).expect("a sample serialises"),
        created_by: announcement.by.clone(),
        created_at: announcement.at,
        cases,
    };
    stores.inspections.record_inspection(&record).await?;
    Ok(drawn)
}

async fn inspection_of(stores: &Stores, id: &Code) -> Result<InspectionRecord, InspectionError> {
    stores
        .inspections
        .inspection(id)
        .await?
        .ok_or_else(|| InspectionError::NotFound(format!("inspection: no inspection {id}")))
}

/// A sampled case as an inspector's list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleCaseView {
    pub crn: String,
    pub stratum: String,
    pub name: Option<String>,
    pub officer: Option<String>,
    pub rosh: Option<domain::assessment::RoshLevel>,
    /// Questions answered so far (latest answers).
    pub answered: usize,
    pub records_after_announcement: usize,
    pub backdated: usize,
}

/// An inspection's sampled cases, in the sample's order.
pub async fn sample_cases(stores: &Stores, id: &Code) -> Result<Vec<SampleCaseView>, InspectionError> {
    let inspection = inspection_of(stores, id).await?;
    let history = stores.inspections.answer_history(id).await?;
    let latest = latest_answers(&history);
    let sample = stores.inspections.inspection_cases(id).await?;
    let crns: Vec<Crn> = sample.iter().map(|c| c.crn.clone()).collect();
    // The sample's summaries and streams, each in one query rather than two per case.
    let summaries = stores.cases.summaries(&crns).await?;
    let mut streams = stores.cases.streams(&crns).await?;
    let mut out = Vec::new();
    for c in sample {
        let summary = summaries.get(&c.crn);
        let events = streams.remove(&c.crn).unwrap_or_default();
        let lb = lookbehind::look_behind_case(c.crn.as_str(), &events, inspection.announced_on, BACKDATING);
        out.push(SampleCaseView {
            crn: c.crn.to_string(),
            stratum: c.stratum,
            name: summary.as_ref().map(|s| format!("{} {}", s.first_name, s.family_name)),
            officer: summary.as_ref().and_then(|s| s.officer.as_ref().map(|o| o.to_string())),
            rosh: summary.as_ref().and_then(|s| s.rosh),
            answered: latest.keys().filter(|(crn, _)| *crn == c.crn).count(),
            records_after_announcement: lb.after_announcement,
            backdated: lb.backdated,
        });
    }
    Ok(out)
}

/// One question of one case in the workspace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionView {
    pub id: String,
    pub domain: &'static str,
    pub text: String,
    pub suggestion: Option<Suggestion>,
    /// The inspector's latest answer: it always wins over the suggestion.
    pub answer: Option<AnswerRecord>,
    /// Every answer given, oldest first.
    pub history: Vec<AnswerRecord>,
}

/// One sampled case's workspace: questions with prefill and answers, and its look behind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseWorkspace {
    pub inspection: String,
    pub crn: String,
    pub announced_on: Date,
    pub questions: Vec<QuestionView>,
    pub look_behind: CaseLookBehind,
}

fn parse_crn(crn: &str) -> Result<Crn, InspectionError> {
    Crn::parse(crn).map_err(|e| invalid("crn", e.to_string()))
}

async fn sampled(stores: &Stores, id: &Code, crn: &Crn) -> Result<(), InspectionError> {
    if stores.inspections.inspection_cases(id).await?.iter().any(|c| &c.crn == crn) {
        Ok(())
    } else {
        Err(invalid("crn", format!("{crn} is not in the sample of inspection {id}")))
    }
}

/// The workspace for a sampled case read on `today`. Prefill reads the record as it was
/// before the announcement would be wrong (the inspector judges the whole case), so it reads
/// the whole record; the look behind shows what is recent.
pub async fn case_workspace(
    stores: &Stores,
    id: &Code,
    crn: &str,
    today: Date,
) -> Result<CaseWorkspace, InspectionError> {
    let inspection = inspection_of(stores, id).await?;
    let crn = parse_crn(crn)?;
    sampled(stores, id, &crn).await?;
    let events = stores.cases.stream(&crn).await?;
    let state = CaseState::fold(crn.clone(), &events).map_err(|e| StoreError::Corrupt(format!("stream {crn}: {e}")))?;
    let suggestions = prefill(&state, &events, today);
    let history: Vec<AnswerRecord> =
        stores.inspections.answer_history(id).await?.into_iter().filter(|a| a.crn == crn).collect();
    let questions = inspect::instrument::questions()
        .into_iter()
        .map(|q| {
            let mine: Vec<AnswerRecord> = history.iter().filter(|a| a.question == q.id).cloned().collect();
            QuestionView {
                suggestion: suggestions.iter().find(|s| s.question == q.id).cloned(),
                answer: mine.last().cloned(),
                history: mine,
                domain: q.domain.title(),
                text: q.text,
                id: q.id,
            }
        })
        .collect();
    Ok(CaseWorkspace {
        inspection: id.to_string(),
        crn: crn.to_string(),
        announced_on: inspection.announced_on,
        questions,
        look_behind: lookbehind::look_behind_case(crn.as_str(), &events, inspection.announced_on, BACKDATING),
    })
}

/// Record an inspector's answer. The question must be in the instrument, the answer yes,
/// no or na, and the case in the sample; otherwise nothing is written.
#[allow(clippy::too_many_arguments)]
pub async fn answer(
    stores: &Stores,
    now: jiff::Timestamp,
    id: &Code,
    crn: &str,
    question: &str,
    answer: &str,
    note: Option<&str>,
    by: &Code,
) -> Result<AnswerRecord, InspectionError> {
    inspection_of(stores, id).await?;
    let crn = parse_crn(crn)?;
    if !inspect::instrument::questions().iter().any(|q| q.id == question) {
        return Err(invalid("question", format!("{question:?} is not a question of the case assessment instrument")));
    }
    let value = Answer::parse(answer)
        .ok_or_else(|| invalid("answer", format!("{answer:?} is not an answer; expected yes, no or na")))?;
    sampled(stores, id, &crn).await?;
    let note = note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
    Ok(stores
        .inspections
        .record_answer(
            id,
            &NewAnswer {
                crn,
                question: question.to_string(),
                answer: value.id().to_string(),
                note,
                answered_by: by.clone(),
                answered_at: now,
            },
        )
        .await?)
}

/// The look behind every sampled case.
pub async fn look_behind(stores: &Stores, id: &Code) -> Result<LookBehind, InspectionError> {
    let inspection = inspection_of(stores, id).await?;
    let mut cases = Vec::new();
    for c in stores.inspections.inspection_cases(id).await? {
        let events: Vec<RecordedEvent> = stores.cases.stream(&c.crn).await?;
        cases.push(lookbehind::look_behind_case(c.crn.as_str(), &events, inspection.announced_on, BACKDATING));
    }
    Ok(lookbehind::look_behind(cases, inspection.announced_on, BACKDATING))
}

/// The findings from the latest answers recorded for the inspection.
pub async fn findings(
    stores: &Stores,
    id: &Code,
    comparison: &BTreeMap<String, f64>,
    ratings: &BTreeMap<String, Rating>,
) -> Result<Report, InspectionError> {
    inspection_of(stores, id).await?;
    let history = stores.inspections.answer_history(id).await?;
    let answers: Vec<CaseAnswer> = latest_answers(&history)
        .into_values()
        .map(|a| {
            Ok(CaseAnswer {
                crn: a.crn.to_string(),
                question: a.question.clone(),
                answer: Answer::parse(&a.answer)
                    .ok_or_else(|| StoreError::Corrupt(format!("inspection answer `{}`", a.answer)))?,
            })
        })
        .collect::<Result<_, InspectionError>>()?;
    Ok(report::from_answers(&answers, comparison, ratings, &RatingPolicy::default()))
}

/// Write an enabler, barrier, recommendation or practice example for the report, or (with
/// `entry`) the next version of one. The kind, the question (in the instrument) and the
/// case (in the sample, examples only) are checked; a refused entry writes nothing.
#[allow(clippy::too_many_arguments)]
pub async fn write_narrative(
    stores: &Stores,
    now: jiff::Timestamp,
    id: &Code,
    kind: &str,
    crn: Option<&str>,
    question: Option<&str>,
    entry: Option<u64>,
    text: &str,
    by: &Code,
) -> Result<NarrativeRecord, InspectionError> {
    inspection_of(stores, id).await?;
    let kind = NarrativeKind::parse(kind)
        .ok_or_else(|| invalid("kind", format!("{kind:?} is not enabler, barrier, recommendation or example")))?;
    let crn = crn.map(parse_crn).transpose()?;
    match (kind, &crn) {
        (NarrativeKind::Example, None) => {
            return Err(invalid("crn", "a practice example is attached to a sampled case"));
        }
        (NarrativeKind::Example, Some(_)) => {}
        (_, Some(_)) => {
            return Err(invalid("crn", format!("only a practice example names a case, not a {}", kind.id())));
        }
        (_, None) => {}
    }
    if let Some(q) = question {
        if kind != NarrativeKind::Example {
            return Err(invalid("question", "only a practice example names a question"));
        }
        if !inspect::instrument::questions().iter().any(|x| x.id == q) {
            return Err(invalid("question", format!("{q:?} is not a question of the case assessment instrument")));
        }
    }
    if text.trim().is_empty() {
        return Err(invalid("text", "the text is empty"));
    }
    if let Some(crn) = &crn {
        sampled(stores, id, crn).await?;
    }
    Ok(stores
        .inspections
        .record_narrative(
            id,
            &NewNarrative {
                entry,
                kind: kind.id().to_string(),
                crn,
                question: question.map(str::to_string),
                text: text.to_string(),
                written_by: by.clone(),
                written_at: now,
            },
        )
        .await?)
}

/// The whole report of an inspection from the store: the findings from the latest answers,
/// the latest version of each narrative entry, the look behind, and the sample against the
/// population. The population is the store's long list less the cases the recorded draw
/// excluded and less cases starting after the fieldwork date (added since the draw).
pub async fn inspection_report(
    stores: &Stores,
    id: &Code,
    comparison: &BTreeMap<String, f64>,
    ratings: &BTreeMap<String, Rating>,
    comparison_label: &str,
) -> Result<InspectionReport, InspectionError> {
    let inspection = inspection_of(stores, id).await?;
    let findings = findings(stores, id, comparison, ratings).await?;
    let look_behind = look_behind(stores, id).await?;
    let sampled: std::collections::BTreeSet<String> =
        stores.inspections.inspection_cases(id).await?.into_iter().map(|c| c.crn.to_string()).collect();
    let recorded: serde_json::Value = serde_json::from_str(&inspection.sample_json).unwrap_or_default();
    let excluded: std::collections::BTreeSet<&str> = recorded
        .get("excluded")
        .and_then(|e| e.as_array())
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("crn").and_then(|c| c.as_str()))
        .collect();
    let cases = long_list(stores).await?;
    let population: Vec<LonglistCase> = cases
        .iter()
        .filter(|c| !excluded.contains(c.crn.as_str()) && c.start_date <= inspection.fieldwork_on)
        .cloned()
        .collect();
    let sample: Vec<LonglistCase> = cases.into_iter().filter(|c| sampled.contains(&c.crn)).collect();
    let narrative = latest_narrative(&stores.inspections.narrative_history(id).await?)
        .into_iter()
        .map(|n| {
            let kind = NarrativeKind::parse(&n.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("inspection narrative kind `{}`", n.kind)))?;
            Ok(NarrativeItem {
                entry: n.entry,
                version: n.version,
                kind,
                crn: n.crn.as_ref().map(|c| c.to_string()),
                question: n.question.clone(),
                text: n.text.clone(),
                written_by: n.written_by.to_string(),
                written_at: n.written_at.to_string(),
            })
        })
        .collect::<Result<_, InspectionError>>()?;
    Ok(document::assemble(Sources {
        inspection: id.as_str(),
        announced_on: inspection.announced_on,
        fieldwork_on: inspection.fieldwork_on,
        scheme: &inspection.scheme,
        seed: inspection.seed,
        sample_json: &inspection.sample_json,
        population: &population,
        sample: &sample,
        findings,
        narrative,
        recorded_after_announcement: look_behind.after_announcement,
        cases_with_records_after_announcement: look_behind.cases_with_records_after_announcement,
        comparison_label,
    }))
}
