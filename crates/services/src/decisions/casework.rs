//! The officer's everyday casework (docs/rules/practice.md#contact,
//! docs/rules/practice.md#sentence-plans): booking an appointment, once or repeating (refused
//! when any of them clashes with another, naming it), cancelling or moving one (recorded as rescheduled, by the person or the
//! service, so its time is free to book again), completing an assessment (RoSH by group, needs by severity, OGRS and
//! RSR), and agreeing an objective of the sentence plan linked to the needs and risks it
//! addresses.

use super::reviews::value_of;
use super::{Choice, Decided, Decision, Input, Question, Reader};
use domain::assessment::{Assessment, NeedArea, NeedSeverity, Percent, RiskGroup, RoshLevel};
use domain::case::CaseState;
use domain::contact::{Appointment, ContactKind, Outcome, RescheduledBy};
use domain::event::CaseEvent;
use domain::ids::Code;
use domain::ids::LocalId;
use domain::plan::{Objective, ObjectiveOwner};
use domain::practice::contact::clash;
use domain::practice::plan_gaps::{PlanSubject, plan_subjects};
use jiff::civil::{Date, Time};
use std::collections::BTreeMap;

/// What an officer books from the appointments page; unpaid work sessions are placed by the
/// unpaid work pages.
const BOOKABLE: [ContactKind; 6] = [
    ContactKind::OfficeVisit,
    ContactKind::HomeVisit,
    ContactKind::Telephone,
    ContactKind::Video,
    ContactKind::RarActivity,
    ContactKind::Programme,
];

/// How often a booking may repeat, with the days between its appointments. Probity default:
/// the intervals of the contact frequency rules (docs/rules/practice.md#contact: weekly,
/// fortnightly, four-weekly).
const REPEATS: [(&str, &str, i64); 4] = [
    ("once", "It does not repeat", 0),
    ("weekly", "Every week", 7),
    ("fortnightly", "Every 2 weeks", 14),
    ("four_weekly", "Every 4 weeks", 28),
];

/// How many appointments one repeating booking may make, the first included. Probity default:
/// twelve, a quarter of weekly contact or most of a year four-weekly, so a series is booked in
/// view of the plan's next review rather than to the end of the order.
const SERIES: std::ops::RangeInclusive<u8> = 2..=12;

/// The shortest and longest contact a booking may be (Probity default: a quarter-hour check-in
/// to a full working day).
const MINUTES: std::ops::RangeInclusive<u16> = 15..=480;

/// Each group's RoSH question, by its field name.
const ROSH: [(&str, RiskGroup, &str); 5] = [
    ("rosh_public", RiskGroup::Public, "Risk of serious harm to the public"),
    ("rosh_known_adult", RiskGroup::KnownAdult, "Risk to a known adult"),
    ("rosh_children", RiskGroup::Children, "Risk to children"),
    ("rosh_staff", RiskGroup::Staff, "Risk to staff"),
    ("rosh_prisoners", RiskGroup::Prisoners, "Risk to prisoners"),
];

/// Each need area's question, by its field name.
const NEEDS: [(&str, NeedArea); 10] = [
    ("need_accommodation", NeedArea::Accommodation),
    ("need_education_training_employability", NeedArea::EducationTrainingEmployability),
    ("need_financial", NeedArea::Financial),
    ("need_relationships", NeedArea::Relationships),
    ("need_lifestyle_associates", NeedArea::LifestyleAssociates),
    ("need_drug_misuse", NeedArea::DrugMisuse),
    ("need_alcohol_misuse", NeedArea::AlcoholMisuse),
    ("need_emotional_wellbeing", NeedArea::EmotionalWellbeing),
    ("need_thinking_behaviour", NeedArea::ThinkingBehaviour),
    ("need_attitudes", NeedArea::Attitudes),
];

const SEVERITIES: [(NeedSeverity, &str); 3] =
    [(NeedSeverity::NoNeed, "No need"), (NeedSeverity::Standard, "Standard"), (NeedSeverity::Severe, "Severe")];

const OWNERS: [(ObjectiveOwner, &str); 4] = [
    (ObjectiveOwner::ResponsibleOfficer, "The responsible officer"),
    (ObjectiveOwner::Provider, "A commissioned provider"),
    (ObjectiveOwner::Partner, "A partner agency"),
    (ObjectiveOwner::Person, "The person themselves"),
];

/// A new id for something this decision adds, unique in the case: its kind's letter and the
/// version it is added at (the form carries it, so a second press names the same thing).
fn next_id(prefix: &str, state: &CaseState) -> String {
    format!("{prefix}{}", state.version + 1)
}

/// Who moves an appointment: the person, or the service (a cancelled appointment is recorded
/// as rescheduled, and no longer holds its time).
const RESCHEDULED_BY: [(RescheduledBy, &str); 2] =
    [(RescheduledBy::Person, "The person asked"), (RescheduledBy::Service, "We need to move it")];

/// Appointments without an outcome from today on: those that can still be cancelled.
fn booked_ahead(state: &CaseState, today: Date) -> impl Iterator<Item = &Appointment> {
    state
        .appointments
        .iter()
        .filter(move |a| a.outcome.is_none() && a.appointment.at.date() >= today)
        .map(|a| &a.appointment)
}

fn yes_no() -> Vec<Choice> {
    vec![Choice::new("yes", "Yes"), Choice::new("no", "No")]
}

pub(super) fn questions(decision: Decision, state: &CaseState, _today: Date) -> Result<Vec<Question>, String> {
    let Some(current) = state.current_sentence() else {
        return Err("There is no active sentence on this case.".into());
    };
    Ok(match decision {
        Decision::AppointmentBooking => {
            let kinds = BOOKABLE.iter().map(|k| Choice::new(value_of(k), k.label())).collect();
            let requirements: Vec<Choice> = current
                .sentence
                .requirements
                .iter()
                .map(|r| Choice::new(r.id.as_str(), format!("{} ({})", r.kind.label(), r.id)))
                .collect();
            let mut qs = vec![
                Question::new("kind", "What kind of contact is it?", Input::Radios(kinds)),
                Question::new("on", "What day is it?", Input::DateAhead),
                Question::new("time", "What time does it start?", Input::Text { width: 5 })
                    .hint("Use the 24-hour clock, for example 14:30"),
                Question {
                    initial: Some("45".into()),
                    ..Question::new("minutes", "How long is it, in minutes?", Input::Text { width: 3 })
                },
            ];
            let repeats = REPEATS.iter().map(|(v, l, _)| Choice::new(*v, *l)).collect();
            qs.push(Question {
                initial: Some("once".into()),
                ..Question::new("repeat", "Does it repeat?", Input::Radios(repeats))
            });
            let (lo, hi) = (SERIES.start(), SERIES.end());
            qs.push(
                Question::new("times", "How many appointments in all, this one included?", Input::Text { width: 2 })
                    .hint(format!("Only for an appointment that repeats: from {lo} to {hi}."))
                    .optional(),
            );
            if !requirements.is_empty() {
                qs.push(
                    Question::new("requirement", "Which requirement does it deliver?", Input::Radios(requirements))
                        .hint("Leave this unselected for a supervision contact.")
                        .optional(),
                );
            }
            qs.push(Question::hidden("id", next_id("C", state)));
            qs
        }
        Decision::AppointmentCancellation => {
            let ahead: Vec<Choice> = booked_ahead(state, _today)
                .map(|a| {
                    let when = a.at.strftime("%-d %B %Y at %H:%M");
                    Choice::new(a.id.as_str(), format!("{} on {when} ({})", a.kind.label(), a.id))
                })
                .collect();
            if ahead.is_empty() {
                return Err("No appointment is booked ahead on this case.".into());
            }
            let who = RESCHEDULED_BY.iter().map(|(b, l)| Choice::new(value_of(b), *l)).collect();
            vec![
                Question::new("appointment", "Which appointment is cancelled?", Input::Radios(ahead)),
                Question::new("by", "Who asked for it to be moved?", Input::Radios(who)),
            ]
        }
        Decision::AssessmentCompletion => {
            let levels = || RoshLevel::ALL.iter().map(|l| Choice::new(value_of(l), l.label())).collect();
            let mut qs = vec![Question::new("completed_on", "When was the assessment completed?", Input::Date)];
            for (i, (name, _, label)) in ROSH.iter().enumerate() {
                let q = Question::new(name, *label, Input::Radios(levels())).inline();
                qs.push(if i == 0 { q } else { q.hint("Leave unselected if this group is not at risk.").optional() });
            }
            for (name, label) in [("ogrs", "OGRS score (%)"), ("rsr", "RSR score (%)")] {
                qs.push(Question::new(name, label, Input::Text { width: 4 }).hint("A number from 0 to 100").optional());
            }
            for (name, area) in NEEDS {
                let severities = SEVERITIES.iter().map(|(s, l)| Choice::new(value_of(s), *l)).collect();
                qs.push(Question::new(name, area.label(), Input::Radios(severities)).inline());
            }
            qs.push(Question::hidden("id", next_id("AS", state)));
            qs
        }
        Decision::ObjectiveAgreement => {
            let subjects = plan_subjects(state);
            if state.assessment.is_none() {
                return Err("Complete an assessment first: each objective answers its needs and risks.".into());
            }
            let needs: Vec<Choice> = subjects
                .iter()
                .filter_map(|(s, _)| match s {
                    PlanSubject::Need(n) => Some(Choice::new(value_of(n), n.label())),
                    PlanSubject::RiskGroup(_) => None,
                })
                .collect();
            let risks: Vec<Choice> = subjects
                .iter()
                .filter_map(|(s, _)| match s {
                    PlanSubject::RiskGroup(g) => Some(Choice::new(value_of(g), s.label())),
                    PlanSubject::Need(_) => None,
                })
                .collect();
            let owners = OWNERS.iter().map(|(o, l)| Choice::new(value_of(o), *l)).collect();
            let mut qs = vec![Question::new("description", "What is the objective?", Input::Paragraph)];
            if !needs.is_empty() {
                qs.push(
                    Question::new("needs", "Which assessed needs does it address?", Input::Checkboxes(needs))
                        .optional(),
                );
            }
            if !risks.is_empty() {
                qs.push(Question::new("risks", "Which risks does it address?", Input::Checkboxes(risks)).optional());
            }
            qs.push(Question::new("owner", "Who acts on it?", Input::Radios(owners)));
            qs.push(
                Question::new("involved", "Did the person take part in setting it?", Input::Radios(yes_no())).inline(),
            );
            qs.push(Question::hidden("id", next_id("O", state)));
            qs
        }
        _ => unreachable!("casework::questions is only asked about casework decisions"),
    })
}

/// How often a booking repeats and how many appointments it makes: `(days between, count)`,
/// `(0, 1)` for one that does not repeat, or when the question is not answered at all (a client
/// that does not ask books one). A count typed beside "It does not repeat" is ignored (the page
/// shows both questions together without script).
fn read_series(read: &mut Reader) -> Option<(i64, u8)> {
    if read.answers.one("repeat").is_empty() {
        return Some((0, 1));
    }
    let repeat = read.choice("repeat", "whether it repeats")?;
    let every = REPEATS.iter().find(|(v, ..)| *v == repeat).map(|(.., d)| *d)?;
    if every == 0 {
        return Some((0, 1));
    }
    let raw = read.answers.one("times");
    if raw.is_empty() {
        read.problem("times", "enter how many appointments to book in all, as it repeats");
        return None;
    }
    match raw.parse::<u8>() {
        Ok(n) if SERIES.contains(&n) => Some((every, n)),
        _ => {
            let (lo, hi) = (SERIES.start(), SERIES.end());
            read.problem("times", format!("`{raw}` is not a number of appointments from {lo} to {hi}"));
            None
        }
    }
}

pub(super) fn decide(decision: Decision, read: &mut Reader, state: &CaseState, _by: &Code) -> Option<Decided> {
    let today = read.today;
    match decision {
        Decision::AppointmentBooking => {
            let kind: Option<ContactKind> = read.chosen("kind", "the kind of contact");
            let on = read.date_ahead("on", "of the appointment");
            let time = read.text("time", "the start time", false).and_then(|raw| match raw.parse::<Time>() {
                Ok(t) if raw.len() == 5 => Some(t),
                _ => {
                    read.problem("time", format!("`{raw}` is not a time on the 24-hour clock, such as 14:30"));
                    None
                }
            });
            let minutes = read.text("minutes", "how long it is", false).and_then(|raw| match raw.parse::<u16>() {
                Ok(m) if MINUTES.contains(&m) => Some(m),
                _ => {
                    let (lo, hi) = (MINUTES.start(), MINUTES.end());
                    read.problem("minutes", format!("`{raw}` is not a number of minutes from {lo} to {hi}"));
                    None
                }
            });
            let requirement = match read.answers.one("requirement") {
                "" => None,
                _ => read.id("requirement", "the requirement"),
            };
            let series = read_series(read);
            let id = read.hidden_id("id");
            let (at, minutes, (every, times)) = (on?.at(time?.hour(), time?.minute(), 0, 0), minutes?, series?);
            let (id, kind) = (id?, kind?);
            let mut booked = Vec::new();
            for n in 0..i64::from(times) {
                let at = at.saturating_add(jiff::Span::new().days(every * n));
                if let Some(other) = clash(state, at, minutes) {
                    let when = other.at.strftime("%-d %B %Y at %H:%M");
                    let which =
                        if n == 0 { "it".to_owned() } else { format!("the one on {}", at.strftime("%-d %B %Y")) };
                    read.problem(
                        "time",
                        format!(
                            "{which} clashes with {} {} on {when} for {} minutes",
                            other.kind.label(),
                            other.id,
                            other.minutes
                        ),
                    );
                    return None;
                }
                // The first keeps the form's id; the rest are numbered after it, so a second
                // press of the button names the same series.
                let id = if n == 0 { id.clone() } else { LocalId::parse(&format!("{id}-{}", n + 1)).ok()? };
                let appointment = Appointment { id, at, minutes, kind, requirement: requirement.clone() };
                booked.push(CaseEvent::AppointmentBooked { appointment });
            }
            let event = booked.remove(0);
            Some(Decided { event, on: today, more: booked })
        }
        Decision::AppointmentCancellation => {
            let appointment = read.choice("appointment", "the appointment to cancel");
            let by: Option<RescheduledBy> = read.chosen("by", "who asked for it to be moved");
            let appointment = booked_ahead(state, today).find(|a| Some(a.id.as_str()) == appointment.as_deref())?;
            let outcome = Outcome::Rescheduled { by: by? };
            Some(Decided {
                event: CaseEvent::OutcomeRecorded {
                    appointment: appointment.id.clone(),
                    outcome,
                    note: None,
                    sensitive: false,
                },
                on: today,
                more: Vec::new(),
            })
        }
        Decision::AssessmentCompletion => {
            let completed_on = read.date("completed_on", "the assessment was completed");
            let mut rosh = BTreeMap::new();
            for (i, (name, group, label)) in ROSH.iter().enumerate() {
                let what = label.to_lowercase();
                let level = if i == 0 || !read.answers.one(name).is_empty() { read.chosen(name, &what) } else { None };
                if let Some(level) = level {
                    rosh.insert(*group, level);
                }
            }
            let mut score = |name: &'static str| {
                let raw = read.text(name, "a score", true)?;
                match raw.trim_end_matches('%').trim().parse::<f64>().ok().and_then(|v| Percent::new(v).ok()) {
                    Some(p) => Some(p),
                    None => {
                        read.problem(name, format!("`{raw}` is not a score from 0 to 100"));
                        None
                    }
                }
            };
            let (ogrs, rsr) = (score("ogrs"), score("rsr"));
            let mut needs = BTreeMap::new();
            for (name, area) in NEEDS {
                if let Some(s) = read.chosen(name, &format!("the need for {}", area.label().to_lowercase())) {
                    needs.insert(area, s);
                }
            }
            let id = read.hidden_id("id");
            let completed_on = completed_on?;
            if !read.problems.is_empty() {
                return None;
            }
            let assessment = Assessment { id: id?, completed_on, rosh, ogrs, rsr, needs, ogrs4: None };
            Some(Decided { event: CaseEvent::AssessmentCompleted { assessment }, on: completed_on, more: Vec::new() })
        }
        Decision::ObjectiveAgreement => {
            let description = read.note("description", "the objective", false);
            let needs: Vec<NeedArea> = read.all_chosen("needs");
            let risk_groups: Vec<RiskGroup> = read.all_chosen("risks");
            if needs.is_empty() && risk_groups.is_empty() {
                let field = if read.form.questions.iter().any(|q| q.name == "needs") { "needs" } else { "risks" };
                read.problem(field, "select the needs or risks the objective addresses");
            }
            let owner: Option<ObjectiveOwner> = read.chosen("owner", "who acts on it");
            let involved = read.choice("involved", "whether the person took part");
            let id: Option<LocalId> = read.hidden_id("id");
            let objective = Objective {
                id: id?,
                description: description?,
                needs,
                risk_groups,
                owner: owner?,
                person_involved: involved? == "yes",
            };
            if !read.problems.is_empty() {
                return None;
            }
            Some(Decided { event: CaseEvent::ObjectiveAgreed { objective }, on: today, more: Vec::new() })
        }
        _ => unreachable!("casework::decide is only asked about casework decisions"),
    }
}
