//! Referrals to interventions as the fold keeps them, and the types their events carry. The
//! rate card, programme groups and the rules for each step are `practice::interventions`.

use crate::assessment::NeedArea;
use crate::ids::{Code, LocalId, Note};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// How a referral closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Closure {
    /// The service was delivered in full.
    Completed,
    /// Withdrawn before the service started.
    Cancelled,
    /// Stopped after it started, before completion.
    Ended,
}

/// The end-of-service outcome for one linked objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Achievement {
    Achieved,
    Partly,
    NotAchieved,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectiveOutcome {
    pub objective: LocalId,
    pub achievement: Achievement,
}

/// Where a referral stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    Referred,
    Accepted,
    Started,
    Closed(Closure),
}

/// A referral as the fold keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Referral {
    pub id: LocalId,
    pub service: Code,
    pub objectives: Vec<LocalId>,
    pub needs: Vec<NeedArea>,
    pub referred_on: Date,
    pub accepted_on: Option<Date>,
    pub started_on: Option<Date>,
    pub closed: Option<(Date, Closure)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_reason: Option<Note>,
    /// One per linked objective once recorded; recording again corrects it.
    #[serde(default)]
    pub outcomes: Vec<ObjectiveOutcome>,
}

impl Referral {
    pub fn status(&self) -> ReferralStatus {
        match (self.closed, self.started_on, self.accepted_on) {
            (Some((_, c)), _, _) => ReferralStatus::Closed(c),
            (None, Some(_), _) => ReferralStatus::Started,
            (None, None, Some(_)) => ReferralStatus::Accepted,
            (None, None, None) => ReferralStatus::Referred,
        }
    }

    /// Linked objectives with no outcome yet, once the service is over (completed or ended).
    pub fn outcomes_missing(&self) -> Vec<&LocalId> {
        match self.closed {
            Some((_, Closure::Completed | Closure::Ended)) => {
                self.objectives.iter().filter(|o| !self.outcomes.iter().any(|x| &x.objective == *o)).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The date of the latest step so far: a later step cannot precede it.
    pub(crate) fn last_step(&self) -> Date {
        [Some(self.referred_on), self.accepted_on, self.started_on, self.closed.map(|(d, _)| d)]
            .into_iter()
            .flatten()
            .max()
            .expect("referred_on is always set")
    }
}
