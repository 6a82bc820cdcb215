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
use crate::case::CaseState;
use crate::ids::Note;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Why a review is triggered (docs/rules/practice.md#reviews).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewTrigger {
    RiskChange,
    NewOffenceOrArrest,
    ChangeOfAddressOrCircumstances,
    Recall,
    SafeguardingConcern,
    Transfer,
}

impl ReviewTrigger {
    pub fn label(self) -> &'static str {
        match self {
            ReviewTrigger::RiskChange => "a change in risk",
            ReviewTrigger::NewOffenceOrArrest => "a new offence or arrest",
            ReviewTrigger::ChangeOfAddressOrCircumstances => "a change of address or circumstances",
            ReviewTrigger::Recall => "a recall",
            ReviewTrigger::SafeguardingConcern => "a safeguarding concern",
            ReviewTrigger::Transfer => "a transfer",
        }
    }
}

/// A trigger as the fold keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriggerRecord {
    pub trigger: ReviewTrigger,
    pub on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
    /// Added by the fold from an assessment (a change of overall RoSH), not by an event.
    #[serde(default)]
    pub derived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRecord {
    pub on: Date,
    /// `None`: every open trigger dated on or before `on`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggers_addressed: Option<Vec<ReviewTrigger>>,
}

/// The review facts of a case, kept by the fold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reviews {
    pub triggers: Vec<TriggerRecord>,
    pub completed: Vec<ReviewRecord>,
}

impl Reviews {
    fn addresses(r: &ReviewRecord, t: &TriggerRecord) -> bool {
        r.on >= t.on && r.triggers_addressed.as_ref().is_none_or(|k| k.contains(&t.trigger))
    }

    /// Triggers dated on or after `from` that no later review has addressed.
    pub fn open_triggers(&self, from: Date) -> Vec<&TriggerRecord> {
        self.triggers.iter().filter(|t| t.on >= from && !self.completed.iter().any(|r| Self::addresses(r, t))).collect()
    }

    /// The last review completed on or after `from`.
    pub fn last_completed(&self, from: Date) -> Option<Date> {
        self.completed.iter().map(|r| r.on).filter(|d| *d >= from).max()
    }
}

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
