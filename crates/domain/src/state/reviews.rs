//! The review facts of a case (triggers and completed reviews) and the trigger a review
//! event names. When a review is due is `practice::reviews`.

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
