//! Prefill: for each instrument question the record can speak to, a suggested answer with
//! its evidence in words (issue 7, item 3). The inspector reads the case and answers; the
//! suggestion only says what the record shows, and the inspector's answer always wins.
//!
//! Suggestions come from the folded case (`domain::case::CaseState`) and the practice
//! engine (`domain::practice`) on the date the case is read, so they agree with what the
//! officer's worklist showed. Questions that need judgement the record cannot give (the
//! quality of an assessment's analysis, whether progress was "sufficient") get none.

use domain::assessment::{NeedArea, NeedSeverity, RiskGroup, RoshLevel};
use domain::calendar::business_days_between;
use domain::case::CaseState;
use domain::event::{CaseEvent, RecordedEvent};
use domain::practice::plan_gaps::{PlanSubject, is_addressed, plan_subjects, reason_for};
use domain::practice::{WorkKind, worklist};
use jiff::civil::Date;
use serde::Serialize;

use crate::report::Answer;

/// How long after allocation an assessment is "within an appropriate time" (RR.A1).
pub const ASSESSMENT_TIMELINESS_BUSINESS_DAYS: (u32, &str) = (
    20,
    "Probity default (the report: assessment \"within an appropriate time of allocation\", no figure): the first \
     appointment (5 business days, docs/rules/practice.md#contact) plus the sentence plan deadline (15 business days, \
     docs/rules/practice.md#contact)",
);

/// A suggested answer and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub question: String,
    pub answer: Answer,
    pub evidence: String,
}

/// The instrument's id for a need area (`RR.N.<need>.*`).
pub fn need_id(need: NeedArea) -> &'static str {
    match need {
        NeedArea::Accommodation => "accommodation",
        NeedArea::EducationTrainingEmployability => "ete",
        NeedArea::Financial => "finance",
        NeedArea::Relationships => "relationships",
        NeedArea::LifestyleAssociates => "lifestyle",
        NeedArea::DrugMisuse => "drugs",
        NeedArea::AlcoholMisuse => "alcohol",
        NeedArea::EmotionalWellbeing => "emotional",
        NeedArea::ThinkingBehaviour => "thinking",
        NeedArea::Attitudes => "attitudes",
    }
}

fn need_words(need: NeedArea) -> String {
    need.label().to_lowercase()
}

fn group_words(g: RiskGroup) -> &'static str {
    match g {
        RiskGroup::Public => "the public",
        RiskGroup::KnownAdult => "a known adult",
        RiskGroup::Children => "children",
        RiskGroup::Staff => "staff",
        RiskGroup::Prisoners => "prisoners",
    }
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn number_word(n: u32) -> String {
    const WORDS: [&str; 10] = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
    WORDS.get(n as usize).map_or_else(|| n.to_string(), |w| w.to_string())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

fn suggest(out: &mut Vec<Suggestion>, question: &str, answer: Answer, evidence: String) {
    out.push(Suggestion { question: question.to_string(), answer, evidence });
}

/// Suggestions for one case as read on `today`, in instrument order of the questions
/// they answer. `events` is the case's stream (for the first assessment and changes of
/// officer), `state` its fold.
pub fn prefill(state: &CaseState, events: &[RecordedEvent], today: Date) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let items = worklist(state, today);
    let overdue =
        |kinds: &[WorkKind]| items.iter().filter(|i| i.overdue && kinds.contains(&i.kind)).collect::<Vec<_>>();
    let first_assessment = events.iter().find_map(|e| match &e.event {
        CaseEvent::AssessmentCompleted { assessment } => Some(assessment.completed_on),
        _ => None,
    });
    let allocated = state.practice.first_allocated_on;

    // PP.A1: risk of harm assessed at all, and at what level.
    match &state.assessment {
        Some(a) if !a.rosh.is_empty() => {
            let levels: Vec<String> =
                a.rosh.iter().map(|(g, l)| format!("{} {}", group_words(*g), l.label().to_lowercase())).collect();
            suggest(&mut out, "PP.A1", Answer::Yes, format!("risk of serious harm assessed: {}", and_list(&levels)));
        }
        Some(_) => suggest(&mut out, "PP.A1", Answer::No, "assessment records no risk of serious harm level".into()),
        None => suggest(&mut out, "PP.A1", Answer::No, "no assessment recorded".into()),
    }

    // PP.P1: the plan addresses every group at medium risk or above.
    let subjects = plan_subjects(state);
    let risks: Vec<PlanSubject> =
        subjects.iter().map(|(s, _)| *s).filter(|s| matches!(s, PlanSubject::RiskGroup(_))).collect();
    if state.assessment.is_some() {
        if risks.is_empty() {
            suggest(
                &mut out,
                "PP.P1",
                Answer::NotApplicable,
                "no group at medium risk of serious harm or above".into(),
            );
        } else {
            let missing: Vec<String> = risks
                .iter()
                .filter(|s| !is_addressed(state, **s))
                .map(|s| match s {
                    PlanSubject::RiskGroup(g) => group_words(*g).to_string(),
                    PlanSubject::Need(n) => need_words(*n),
                })
                .collect();
            let addressed = risks.len() - missing.len();
            let answer = if missing.is_empty() { Answer::Yes } else { Answer::No };
            let mut evidence = format!("plan addresses {addressed} of {} assessed risks", risks.len());
            if !missing.is_empty() {
                evidence.push_str(&format!(": risk to {} missing", and_list(&missing)));
            }
            suggest(&mut out, "PP.P1", answer, evidence);
        }
    }

    // PP.D4: safeguarding checks requested and chased where children or domestic abuse are in view.
    let safeguarding = overdue(&[WorkKind::SafeguardingCheck, WorkKind::SafeguardingChase]);
    if domain::practice::safeguarding::in_view_since(state).is_none() {
        suggest(&mut out, "PP.D4", Answer::NotApplicable, "neither children nor domestic abuse in view".into());
    } else if safeguarding.is_empty() {
        let checks = state.practice.safeguarding.checks.len();
        suggest(&mut out, "PP.D4", Answer::Yes, format!("{} made, none overdue", plural(checks, "check", "checks")));
    } else {
        let since = safeguarding.iter().map(|i| i.due).min().expect("not empty");
        suggest(&mut out, "PP.D4", Answer::No, format!("safeguarding check overdue since {since}"));
    }

    // PP.R1: a change in risk answered by a review in time.
    let risk_changes: Vec<_> = state
        .practice
        .reviews
        .triggers
        .iter()
        .filter(|t| t.trigger == domain::practice::reviews::ReviewTrigger::RiskChange)
        .collect();
    if risk_changes.is_empty() {
        suggest(&mut out, "PP.R1", Answer::NotApplicable, "no change in risk recorded".into());
    } else {
        let open = state.practice.reviews.open_triggers(Date::MIN);
        let late: Vec<_> = open
            .iter()
            .filter(|t| t.trigger == domain::practice::reviews::ReviewTrigger::RiskChange)
            .filter(|t| domain::practice::policy::REVIEW_TRIGGERED.after(t.on) < today)
            .collect();
        if late.is_empty() {
            suggest(
                &mut out,
                "PP.R1",
                Answer::Yes,
                format!("{} reviewed", plural(risk_changes.len(), "change in risk", "changes in risk")),
            );
        } else {
            suggest(&mut out, "PP.R1", Answer::No, format!("change in risk on {} not reviewed", late[0].on));
        }
    }

    // RR.A1: the first assessment within the appropriate time of allocation.
    let (limit, _) = ASSESSMENT_TIMELINESS_BUSINESS_DAYS;
    match (allocated, first_assessment) {
        (Some(from), Some(done)) => {
            let days = if done >= from { business_days_between(from, done) } else { 0 };
            let answer = if days <= limit { Answer::Yes } else { Answer::No };
            let evidence = if done < from {
                "assessment completed before allocation".to_string()
            } else {
                format!(
                    "assessment completed {} after allocation",
                    plural(days as usize, "business day", "business days")
                )
            };
            suggest(&mut out, "RR.A1", answer, evidence);
        }
        (Some(from), None) => {
            let days = business_days_between(from, today.max(from));
            let answer = if days <= limit { Answer::NotApplicable } else { Answer::No };
            suggest(
                &mut out,
                "RR.A1",
                answer,
                format!("no assessment {} after allocation", plural(days as usize, "business day", "business days")),
            );
        }
        (None, _) => {}
    }

    // RR.P1 and RR.N.<need>.plan: assessed needs reaching the plan.
    let needs: Vec<NeedArea> = state
        .assessment
        .iter()
        .flat_map(|a| a.needs.iter())
        .filter(|(_, s)| **s != NeedSeverity::NoNeed)
        .map(|(n, _)| *n)
        .collect();
    if state.assessment.is_some() {
        let missing: Vec<NeedArea> =
            needs.iter().copied().filter(|n| !is_addressed(state, PlanSubject::Need(*n))).collect();
        if needs.is_empty() {
            suggest(&mut out, "RR.P1", Answer::NotApplicable, "no offending-related needs assessed".into());
        } else {
            let unexplained = missing.iter().filter(|n| reason_for(state, PlanSubject::Need(**n)).is_none()).count();
            let answer = if unexplained == 0 { Answer::Yes } else { Answer::No };
            let mut evidence =
                format!("plan addresses {} of {} assessed needs", needs.len() - missing.len(), needs.len());
            if !missing.is_empty() {
                let words: Vec<String> = missing.iter().map(|n| need_words(*n)).collect();
                evidence.push_str(&format!(": {} missing", and_list(&words)));
                if unexplained < missing.len() {
                    evidence.push_str(&format!(" ({} with a recorded reason)", missing.len() - unexplained));
                }
            }
            suggest(&mut out, "RR.P1", answer, evidence);
        }
        for need in NeedArea::ALL {
            let id = format!("RR.N.{}.plan", need_id(need));
            if !needs.contains(&need) {
                suggest(&mut out, &id, Answer::NotApplicable, format!("no {} need assessed", need_words(need)));
            } else if is_addressed(state, PlanSubject::Need(need)) {
                suggest(&mut out, &id, Answer::Yes, format!("an objective addresses {}", need_words(need)));
            } else {
                suggest(&mut out, &id, Answer::No, format!("no objective addresses {}", need_words(need)));
            }
        }
    }

    // RR.R1: reviews done when due.
    let reviews_late = overdue(&[WorkKind::Review]);
    let completed = &state.practice.reviews.completed;
    if let Some(late) = reviews_late.first() {
        suggest(&mut out, "RR.R1", Answer::No, format!("review overdue since {}", late.due));
    } else if let Some(last) = completed.iter().map(|r| r.on).max() {
        suggest(
            &mut out,
            "RR.R1",
            Answer::Yes,
            format!("{} completed, the last on {last}", plural(completed.len(), "review", "reviews")),
        );
    } else {
        suggest(&mut out, "RR.R1", Answer::NotApplicable, "no review due yet".into());
    }

    // AS.P1: the person involved in planning.
    if !state.objectives.is_empty() {
        let involved = state.objectives.iter().filter(|o| o.person_involved).count();
        let answer = if involved == state.objectives.len() { Answer::Yes } else { Answer::No };
        suggest(
            &mut out,
            "AS.P1",
            answer,
            format!(
                "{involved} of {} agreed with the person",
                plural(state.objectives.len(), "objective", "objectives")
            ),
        );
    }

    // AS.D3: absence and non-compliance responded to (evidence and warnings in time).
    let failures = state.practice.enforcement.failures.len();
    let unanswered = overdue(&[WorkKind::EvidenceAwaited, WorkKind::WarningDecision, WorkKind::OutcomeMissing]);
    if failures == 0 && unanswered.is_empty() {
        suggest(&mut out, "AS.D3", Answer::NotApplicable, "no absence or non-compliance recorded".into());
    } else if unanswered.is_empty() {
        let warnings = state.practice.enforcement.warnings.len();
        suggest(
            &mut out,
            "AS.D3",
            Answer::Yes,
            format!(
                "{}, {} issued, nothing overdue",
                plural(failures, "unacceptable failure", "unacceptable failures"),
                plural(warnings, "warning", "warnings")
            ),
        );
    } else {
        suggest(
            &mut out,
            "AS.D3",
            Answer::No,
            format!(
                "{} overdue (the first due {})",
                plural(unanswered.len(), "response", "responses"),
                unanswered[0].due
            ),
        );
    }

    // AS.D4: enforcement when it was due.
    let enforcement_late = overdue(&[WorkKind::BreachDecision, WorkKind::RecallDecision, WorkKind::BreachPack]);
    let breaches = state.practice.enforcement.breaches.len();
    let recalls = state.practice.enforcement.recalls.len();
    if let Some(late) = enforcement_late.first() {
        suggest(
            &mut out,
            "AS.D4",
            Answer::No,
            format!("{} overdue since {}", late.action.label.to_lowercase(), late.due),
        );
    } else if breaches + recalls > 0 {
        suggest(
            &mut out,
            "AS.D4",
            Answer::Yes,
            format!(
                "{} and {} taken in time",
                plural(breaches, "breach", "breaches"),
                plural(recalls, "recall", "recalls")
            ),
        );
    } else {
        suggest(&mut out, "AS.D4", Answer::NotApplicable, "no enforcement action was due".into());
    }

    // AS.D5: the same responsible officer throughout.
    let changes = state.officer_count.saturating_sub(1);
    let allocations = events.iter().filter(|e| matches!(e.event, CaseEvent::OfficerAllocated { .. })).count();
    if allocations > 0 {
        let answer = if changes == 0 { Answer::Yes } else { Answer::No };
        let evidence = match changes {
            0 => "one responsible officer throughout".to_string(),
            1 => "one change of responsible officer".to_string(),
            n => format!("{} changes of responsible officer", number_word(n)),
        };
        suggest(&mut out, "AS.D5", answer, evidence);
    }

    // AS.D6: appointments offered often enough (contact by the frequency table).
    if state.is_active() {
        let contact = overdue(&[WorkKind::Contact, WorkKind::FirstAppointment, WorkKind::NoContactPlanned]);
        let offered = state.appointments.len();
        let attended = state.appointments.iter().filter(|a| a.outcome.is_some_and(|o| o.attended())).count();
        match contact.first() {
            Some(late) => suggest(
                &mut out,
                "AS.D6",
                Answer::No,
                format!("contact overdue since {}; {offered} appointments offered, {attended} attended", late.due),
            ),
            None => suggest(
                &mut out,
                "AS.D6",
                Answer::Yes,
                format!("contact kept to the frequency table; {offered} appointments offered, {attended} attended"),
            ),
        }
    }

    // Instrument order.
    let order: Vec<String> = crate::instrument::questions().into_iter().map(|q| q.id).collect();
    out.sort_by_key(|s| order.iter().position(|id| *id == s.question).unwrap_or(usize::MAX));
    out
}

/// The overall RoSH level words, for headers (e.g. "medium").
pub fn rosh_words(level: Option<RoshLevel>) -> &'static str {
    level.map_or("not assessed", |l| match l {
        RoshLevel::Low => "low",
        RoshLevel::Medium => "medium",
        RoshLevel::High => "high",
        RoshLevel::VeryHigh => "very high",
    })
}
