//! The reasons recorded for not planning a need or risk, and the subject a
//! `plan_gap_reason_recorded` event names. Which subjects are gaps is `practice::plan_gaps`.

use crate::assessment::{NeedArea, RiskGroup};
use crate::ids::{LocalId, Note};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Something in an assessment the plan must answer: a need area or a group at risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanSubject {
    Need(NeedArea),
    RiskGroup(RiskGroup),
}

impl PlanSubject {
    pub fn label(self) -> String {
        match self {
            PlanSubject::Need(n) => format!("need: {}", n.label()),
            PlanSubject::RiskGroup(g) => format!(
                "risk to {}",
                match g {
                    RiskGroup::Public => "the public",
                    RiskGroup::KnownAdult => "a known adult",
                    RiskGroup::Children => "children",
                    RiskGroup::Staff => "staff",
                    RiskGroup::Prisoners => "prisoners",
                }
            ),
        }
    }
}

/// A reason recorded for not planning a subject. It answers one assessment: a
/// reassessment is the moment to look at the plan again, so older reasons do not carry over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanGapReason {
    pub assessment: LocalId,
    pub subject: PlanSubject,
    pub reason: Note,
    pub on: Date,
}
