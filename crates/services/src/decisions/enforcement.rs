//! Enforcement decisions (docs/rules/practice.md#enforcement, docs/rules/practice.md#recall):
//! a warning letter, a manager's exception, a breach referral with its pack and its outcome,
//! and a recall recommendation with a manager's decision.

use super::{Choice, Decided, Decision, Input, Question, Reader};
use domain::case::CaseState;
use domain::event::CaseEvent;
use domain::ids::Code;
use domain::practice::enforcement::{BreachPack, Failure, RecallKind};
use domain::practice::policy::WARNING_RESPONSE;
use domain::practice::state::{EnforcementRoute, enforcement_route};
use jiff::civil::Date;

/// The breach pack's checklist, in the order of `BreachPack::missing` (its field names).
pub const PACK_ITEMS: [(&str, &str); 8] = [
    ("breach_report", "The breach report, setting out each failure"),
    ("order_copy", "A copy of the order or licence with its requirements"),
    ("instructions", "The instructions (appointment letters) the person failed to keep"),
    ("warning_letters", "Copies of the warning letters, or a statement that none was given"),
    ("contact_log", "The contact log showing compliance to date"),
    ("previous_convictions", "Previous convictions (PNC print)"),
    ("risk_summary", "A current risk of serious harm summary"),
    ("manager_countersigned", "Countersigned by a manager"),
];

const BREACH_OUTCOMES: [(&str, &str); 5] = [
    ("proven_order_continued", "Proven: the order continues"),
    ("proven_order_amended", "Proven: the order is amended"),
    ("proven_revoked_and_resentenced", "Proven: the order is revoked and the person resentenced"),
    ("not_proven", "Not proven"),
    ("withdrawn", "Withdrawn"),
];

const RECALL_KINDS: [(&str, &str, &str); 3] = [
    ("standard", "Standard recall", "Back to custody until the Parole Board or the sentence's end releases them."),
    ("fixed_term", "Fixed-term recall", "Back to custody for 28 days."),
    ("no_recall", "No recall", "Supervision continues in the community."),
];

const RECALL_REASONS: [(&str, &str); 4] = [
    ("risk_increased", "Risk of serious harm has increased"),
    ("contact_broken_down", "Contact has broken down"),
    ("further_offence", "A further offence is alleged"),
    ("other", "Another reason"),
];

const RECALL_ALTERNATIVES: [(&str, &str); 5] = [
    ("warning_letter", "A warning letter"),
    ("drug_testing", "Drug testing"),
    ("increased_contact", "More contact"),
    ("additional_licence_conditions", "Extra licence conditions"),
    ("approved_premises", "Approved premises"),
];

fn choices(table: &[(&str, &str)]) -> Vec<Choice> {
    table.iter().map(|(v, l)| Choice::new(*v, *l)).collect()
}

/// A failure as a choice: the appointment, its day and what happened.
fn failure_choice(state: &CaseState, f: &Failure) -> Choice {
    let what = state
        .appointments
        .iter()
        .find(|a| a.appointment.id == f.appointment)
        .map(|a| {
            let outcome = a.outcome.map_or("no outcome", |o| o.label());
            format!("{} on {}: {outcome}", a.appointment.kind.label(), a.appointment.at.date().strftime("%-d %B %Y"))
        })
        .unwrap_or_default();
    Choice::new(f.appointment.as_str(), format!("Appointment {}", f.appointment)).hint(what)
}

pub(super) fn questions(decision: Decision, state: &CaseState, today: Date) -> Result<Vec<Question>, String> {
    let enf = &state.practice.enforcement;
    let counted = enf.counted_failures();
    let route = enforcement_route(state, today);
    let no_episode = || match (enf.open_breach(), enf.open_recall()) {
        (Some(_), _) => Err("A breach is already open on this case.".to_owned()),
        (_, Some(_)) => Err("A recall recommendation is already waiting for a manager's decision.".to_owned()),
        _ => Ok(()),
    };
    let failures_question = |label: &str| {
        Question::new("failures", label, Input::Checkboxes(counted.iter().map(|f| failure_choice(state, f)).collect()))
            .optional()
    };
    Ok(match decision {
        Decision::WarningLetter => {
            let open: Vec<Choice> =
                counted.iter().filter(|f| !enf.warned(&f.appointment)).map(|f| failure_choice(state, f)).collect();
            if open.is_empty() {
                return Err("There is no enforceable failure without a warning letter on this case.".into());
            }
            vec![
                Question::new("appointment", "Which failure does the letter warn about?", Input::Radios(open)),
                Question::new("on", "When was the letter issued?", Input::Date)
                    .hint("The person has 7 days from this date to respond."),
            ]
        }
        Decision::EnforcementException => {
            let pending: Vec<Choice> = enf.pending_mandatory().into_iter().map(|f| failure_choice(state, f)).collect();
            if pending.is_empty() {
                return Err("No mandatory breach or recall decision is pending on this case.".into());
            }
            vec![
                Question::new("appointment", "Which failure is the exception for?", Input::Radios(pending)),
                Question::new("reason", "Why is the case not being breached or recalled?", Input::Paragraph).hint(
                    "The law requires breach after a second failure within 12 months; record the exceptional reason.",
                ),
            ]
        }
        Decision::BreachReferral => {
            match route {
                Some(EnforcementRoute::Breach) => {}
                Some(EnforcementRoute::Recall) => {
                    return Err("A licence is enforced by recall: recommend recall instead.".into());
                }
                None => return Err("Nothing can be breached: there is no active community sentence.".into()),
            }
            no_episode()?;
            vec![
                failures_question("Which failures are alleged?"),
                Question::new("reason", "Why is the case being breached?", Input::Paragraph)
                    .hint("Needed unless a failure listed is a second one within 12 months (a serious first failure).")
                    .optional(),
                Question::new(
                    "pack",
                    "Which parts of the breach pack are ready now?",
                    Input::Checkboxes(choices(&PACK_ITEMS)),
                )
                .hint("The pack is due within 10 working days; complete it from the enforcement page.")
                .optional(),
            ]
        }
        Decision::BreachPack => {
            let Some(breach) = enf.open_breach() else { return Err("No breach is open on this case.".into()) };
            if breach.pack_completed_on.is_some() {
                return Err("The breach pack is already complete and sent.".into());
            }
            let missing = breach.pack.missing();
            let items = PACK_ITEMS
                .iter()
                .map(|(v, l)| {
                    let c = Choice::new(*v, *l);
                    if missing.contains(&format!("pack.{v}").as_str()) { c } else { c.hint("Ready at referral.") }
                })
                .collect();
            vec![
                Question::new("pack", "Tick each part of the pack that is ready", Input::Checkboxes(items))
                    .hint("Every part is required before the pack is sent: an incomplete pack is returned."),
            ]
        }
        Decision::BreachResolution => {
            if enf.open_breach().is_none() {
                return Err("No breach is open on this case.".into());
            }
            vec![
                Question::new("outcome", "How did the breach end?", Input::Radios(choices(&BREACH_OUTCOMES))),
                Question::new("on", "When was it decided?", Input::Date),
            ]
        }
        Decision::RecallRecommendation => {
            match route {
                Some(EnforcementRoute::Recall) => {}
                Some(EnforcementRoute::Breach) => {
                    return Err("Recall applies to a licence: this case is breached instead.".into());
                }
                None => return Err("Nothing to recall from: the person is not on licence.".into()),
            }
            no_episode()?;
            let kinds = RECALL_KINDS[..2].iter().map(|(v, l, h)| Choice::new(*v, *l).hint(*h)).collect();
            vec![
                Question::new("kind", "Which recall do you recommend?", Input::Radios(kinds)),
                Question::new("reasons", "Why?", Input::Checkboxes(choices(&RECALL_REASONS)))
                    .hint("Select all that apply."),
                Question::new(
                    "alternatives",
                    "What was tried first?",
                    Input::Checkboxes(choices(&RECALL_ALTERNATIVES)),
                )
                .optional(),
                failures_question("Which failures led to it?"),
            ]
        }
        Decision::RecallDecision => {
            let Some(recall) = enf.open_recall() else {
                return Err("No recall recommendation is waiting for a decision.".into());
            };
            let recommended =
                RECALL_KINDS.iter().find(|(v, ..)| serde_json::to_value(recall.kind).ok() == Some((*v).into()));
            let hint = recommended.map(|(_, l, _)| format!("The officer recommended: {l}."));
            let kinds = RECALL_KINDS.iter().map(|(v, l, h)| Choice::new(*v, *l).hint(*h)).collect();
            let q = Question::new("decision", "What is your decision?", Input::Radios(kinds));
            vec![
                match hint {
                    Some(h) => q.hint(h),
                    None => q,
                },
                Question::new("note", "Note for the record", Input::Paragraph).optional(),
            ]
        }
        _ => unreachable!("enforcement::questions is only asked about enforcement decisions"),
    })
}

pub(super) fn decide(decision: Decision, read: &mut Reader, state: &CaseState, by: &Code) -> Option<Decided> {
    let today = read.today;
    match decision {
        Decision::WarningLetter => {
            let appointment = read.id("appointment", "the failure the letter warns about");
            let on = read.date("on", "the letter was issued");
            let (appointment, on) = (appointment?, on?);
            let response_due = WARNING_RESPONSE.after(on);
            Some(Decided {
                event: CaseEvent::WarningLetterIssued { appointment, on, response_due },
                on,
                more: Vec::new(),
            })
        }
        Decision::EnforcementException => {
            let appointment = read.id("appointment", "the failure the exception is for");
            let reason = read.note("reason", "why the case is not being breached or recalled", false);
            let event = CaseEvent::EnforcementExceptionRecorded {
                appointment: appointment?,
                reason: reason?,
                by_manager: by.clone(),
            };
            Some(Decided { event, on: today, more: Vec::new() })
        }
        Decision::BreachReferral => {
            let failures = read.ids("failures");
            let reason = read.note("reason", "why the case is being breached", true);
            let pack = pack_of(&read.ticked("pack"));
            Some(Decided { event: CaseEvent::BreachReferred { failures, reason, pack }, on: today, more: Vec::new() })
        }
        Decision::BreachPack => {
            let ticked = read.ticked("pack");
            let pack = pack_of(&ticked);
            let missing: Vec<&str> = PACK_ITEMS
                .iter()
                .filter(|(v, _)| pack.missing().contains(&format!("pack.{v}").as_str()))
                .map(|(_, l)| *l)
                .collect();
            if !missing.is_empty() {
                let first = missing[0].to_lowercase();
                read.problem(
                    "pack",
                    format!(
                        "every part is required before the pack is sent; not ready: {first}{}",
                        if missing.len() > 1 { format!(" and {} more", missing.len() - 1) } else { String::new() }
                    ),
                );
                return None;
            }
            let _ = state;
            Some(Decided { event: CaseEvent::BreachPackCompleted { pack }, on: today, more: Vec::new() })
        }
        Decision::BreachResolution => {
            let outcome = read.chosen("outcome", "how the breach ended");
            let on = read.date("on", "it was decided");
            let on = on?;
            Some(Decided { event: CaseEvent::BreachResolved { on, outcome: outcome? }, on, more: Vec::new() })
        }
        Decision::RecallRecommendation => {
            let kind: Option<RecallKind> = read.chosen("kind", "the recall you recommend");
            let reasons = read.all_chosen("reasons");
            if reasons.is_empty() {
                read.problem("reasons", "select at least one reason for recall");
            }
            let alternatives_tried = read.all_chosen("alternatives");
            let failures = read.ids("failures");
            Some(Decided {
                event: CaseEvent::RecallRecommended { kind: kind?, reasons, alternatives_tried, failures },
                on: today,
                more: Vec::new(),
            })
        }
        Decision::RecallDecision => {
            let decision = read.chosen("decision", "your decision");
            let note = read.note("note", "a note", true);
            Some(Decided {
                event: CaseEvent::RecallDecided { by_manager: by.clone(), decision: decision?, note },
                on: today,
                more: Vec::new(),
            })
        }
        _ => unreachable!("enforcement::decide is only asked about enforcement decisions"),
    }
}

fn pack_of(ticked: &[String]) -> BreachPack {
    let has = |item: &str| ticked.iter().any(|t| t == item);
    BreachPack {
        breach_report: has("breach_report"),
        order_copy: has("order_copy"),
        instructions: has("instructions"),
        warning_letters: has("warning_letters"),
        contact_log: has("contact_log"),
        previous_convictions: has("previous_convictions"),
        risk_summary: has("risk_summary"),
        manager_countersigned: has("manager_countersigned"),
    }
}
