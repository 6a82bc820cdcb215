//! Sentence plan reviews (docs/rules/practice.md#reviews): scheduled, and
//! triggered by a change in risk, a new offence or arrest, a change of address or
//! circumstances, a recall, a safeguarding concern or a transfer.
//!
//! * Scheduled: every [`REVIEW_SCHEDULED`] (6 months, Probity default) from the sentence plan
//!   of the current sentence, then from the last completed review (any review, triggered or
//!   not, restarts it). None is due past the sentence end. The worklist shows it from
//!   `REVIEW_NOTICE` (4 weeks) before it is due.
//! * Triggered: a `ReviewTriggered` event, due [`REVIEW_TRIGGERED`] (10 business days,
//!   Probity default) after the trigger's date.
//! * Derived risk change: an assessment whose overall RoSH differs from the previous
//!   assessment's (up or down) adds a `risk_change` trigger dated the new assessment's
//!   `completed_on`. The first assessment on a case is not a change. It is kept with the
//!   triggers (marked `derived`) by the fold, so it needs no event of its own.
//! * `ReviewCompleted` clears every open trigger dated on or before it, or only the kinds
//!   it lists in `triggers_addressed`; either way it restarts the scheduled clock.

use super::contact::sentence_plan_started;
use super::policy::{REVIEW_SCHEDULED, REVIEW_TRIGGERED};
use crate::ids::Note;
pub use crate::state::reviews::{ReviewRecord, ReviewTrigger, Reviews, TriggerRecord};
use crate::state::{CaseState, Rejected, reject};
use jiff::civil::Date;
use serde::Serialize;

/// A review due on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReviewDue {
    /// `None`: the scheduled review.
    pub trigger: Option<ReviewTrigger>,
    pub due: Date,
    pub rule: &'static str,
}

/// Reviews due on the current sentence: the scheduled one (once a plan exists and if it
/// falls before the sentence ends) and, per trigger kind, the earliest open trigger.
pub fn reviews_due(case: &CaseState) -> Vec<ReviewDue> {
    let Some(current) = case.current_sentence() else { return Vec::new() };
    let from = current.sentence.sentence_date;
    let reviews = &case.practice.reviews;
    let mut out = Vec::new();
    if let Some(anchor) = reviews.last_completed(from).or_else(|| sentence_plan_started(case)) {
        let due = REVIEW_SCHEDULED.after(anchor);
        if due <= current.sentence.end_date {
            out.push(ReviewDue { trigger: None, due, rule: REVIEW_SCHEDULED.key });
        }
    }
    let mut open = reviews.open_triggers(from);
    open.sort_by_key(|t| (t.trigger, t.on));
    open.dedup_by_key(|t| t.trigger);
    for t in open {
        out.push(ReviewDue { trigger: Some(t.trigger), due: REVIEW_TRIGGERED.after(t.on), rule: REVIEW_TRIGGERED.key });
    }
    out
}

/// `ReviewTriggered`: during the current sentence.
pub(crate) fn trigger_review(
    case: &mut CaseState,
    trigger: ReviewTrigger,
    triggered_on: Date,
    note: Option<&Note>,
) -> Result<(), Rejected> {
    let Some(current) = case.current_sentence() else {
        return reject("type", "no active sentence to review");
    };
    if triggered_on < current.sentence.sentence_date {
        return reject("on", "a review trigger cannot precede the current sentence");
    }
    case.practice.reviews.triggers.push(TriggerRecord {
        trigger,
        on: triggered_on,
        note: note.cloned(),
        derived: false,
    });
    Ok(())
}

/// `ReviewCompleted`: during the current sentence, addressing only open triggers if it lists any.
pub(crate) fn complete_review(
    case: &mut CaseState,
    reviewed_on: Date,
    triggers_addressed: Option<&[ReviewTrigger]>,
) -> Result<(), Rejected> {
    let Some(current) = case.current_sentence() else {
        return reject("type", "no active sentence to review");
    };
    let from = current.sentence.sentence_date;
    if reviewed_on < from {
        return reject("on", "a review cannot precede the current sentence");
    }
    if let Some(kinds) = triggers_addressed {
        let open = case.practice.reviews.open_triggers(from);
        if kinds.is_empty() {
            return reject("triggers_addressed", "list the triggers addressed, or leave it out for all");
        }
        if let Some(k) = kinds.iter().find(|k| !open.iter().any(|t| t.trigger == **k && t.on <= reviewed_on)) {
            return reject(
                "triggers_addressed",
                format!("no open review trigger for {} on or before {reviewed_on}", k.label()),
            );
        }
    }
    case.practice
        .reviews
        .completed
        .push(ReviewRecord { on: reviewed_on, triggers_addressed: triggers_addressed.map(<[ReviewTrigger]>::to_vec) });
    Ok(())
}
