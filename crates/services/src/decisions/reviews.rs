//! The plan's decisions (docs/rules/practice.md#reviews, docs/rules/practice.md#sentence-plans):
//! a review completed, something that calls for one, and the reason a need or risk is not
//! planned.

use super::{Choice, Decided, Decision, Input, Question, Reader};
use domain::case::CaseState;
use domain::event::CaseEvent;
use domain::ids::Code;
use domain::practice::plan_gaps;
use domain::practice::plan_gaps::PlanSubject;
use domain::practice::reviews::ReviewTrigger;
use jiff::civil::Date;

const TRIGGERS: [ReviewTrigger; 6] = [
    ReviewTrigger::RiskChange,
    ReviewTrigger::NewOffenceOrArrest,
    ReviewTrigger::ChangeOfAddressOrCircumstances,
    ReviewTrigger::Recall,
    ReviewTrigger::SafeguardingConcern,
    ReviewTrigger::Transfer,
];

/// A domain value as a form value: its serde name (`risk_change`), or for a subject its kind
/// and name (`need:accommodation`).
pub(super) fn value_of<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(m)) => {
            m.iter().next().map(|(k, v)| format!("{k}:{}", v.as_str().unwrap_or_default())).unwrap_or_default()
        }
        _ => String::new(),
    }
}

fn subject_of(value: &str) -> Option<PlanSubject> {
    let (kind, name) = value.split_once(':')?;
    serde_json::from_value(serde_json::json!({ kind: name })).ok()
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

pub(super) fn questions(decision: Decision, state: &CaseState, _today: Date) -> Result<Vec<Question>, String> {
    let Some(current) = state.current_sentence() else {
        return Err("There is no active sentence on this case.".into());
    };
    Ok(match decision {
        Decision::ReviewCompletion => {
            let open = state.practice.reviews.open_triggers(current.sentence.sentence_date);
            let mut triggers: Vec<Choice> = Vec::new();
            for t in open {
                let value = value_of(&t.trigger);
                if !triggers.iter().any(|c| c.value == value) {
                    triggers.push(
                        Choice::new(value, capitalised(t.trigger.label()))
                            .hint(format!("Raised {}", t.on.strftime("%-d %B %Y"))),
                    );
                }
            }
            let mut qs = vec![Question::new("on", "When was the plan reviewed?", Input::Date)];
            if !triggers.is_empty() {
                qs.push(
                    Question::new(
                        "triggers",
                        "Which of the changes waiting for a review did it address?",
                        Input::Checkboxes(triggers),
                    )
                    .hint("Leave all unticked if the review addressed every one.")
                    .optional(),
                );
            }
            qs
        }
        Decision::ReviewTrigger => {
            let triggers = TRIGGERS.iter().map(|t| Choice::new(value_of(t), capitalised(t.label()))).collect();
            vec![
                Question::new("trigger", "What has changed?", Input::Radios(triggers)),
                Question::new("on", "When did it happen?", Input::Date),
                Question::new("note", "What happened", Input::Paragraph).optional(),
            ]
        }
        Decision::PlanGapReason => {
            let gaps: Vec<Choice> = plan_gaps(state)
                .iter()
                .map(|g| Choice::new(value_of(&g.subject), capitalised(&g.subject.label())))
                .collect();
            if gaps.is_empty() {
                return Err(
                    "Every need and risk in the latest assessment is addressed by the plan or has a reason.".into()
                );
            }
            vec![
                Question::new("subject", "Which need or risk is not addressed by an objective?", Input::Radios(gaps)),
                Question::new("reason", "Why not?", Input::Paragraph)
                    .hint("For example: addressed by another agency, or the person is not ready to work on it yet."),
            ]
        }
        _ => unreachable!("reviews::questions is only asked about the plan's decisions"),
    })
}

pub(super) fn decide(decision: Decision, read: &mut Reader, _state: &CaseState, _by: &Code) -> Option<Decided> {
    match decision {
        Decision::ReviewCompletion => {
            let on = read.date("on", "the plan was reviewed")?;
            let ticked: Vec<ReviewTrigger> = read.all_chosen("triggers");
            let triggers_addressed = (!ticked.is_empty()).then_some(ticked);
            Some(Decided { event: CaseEvent::ReviewCompleted { on, triggers_addressed }, on, more: Vec::new() })
        }
        Decision::ReviewTrigger => {
            let trigger = read.chosen("trigger", "what has changed");
            let on = read.date("on", "it happened");
            let note = read.note("note", "what happened", true);
            let on = on?;
            Some(Decided { event: CaseEvent::ReviewTriggered { trigger: trigger?, on, note }, on, more: Vec::new() })
        }
        Decision::PlanGapReason => {
            let subject = read.choice("subject", "the need or risk").and_then(|v| subject_of(&v));
            let reason = read.note("reason", "why the plan does not address it", false);
            Some(Decided {
                event: CaseEvent::PlanGapReasonRecorded { subject: subject?, reason: reason? },
                on: read.today,
                more: Vec::new(),
            })
        }
        _ => unreachable!("reviews::decide is only asked about the plan's decisions"),
    }
}
