//! The part of a case's state that the practice rules keep, one record per concern.

use super::allocation::PendingTransfer;
use super::enforcement::Enforcement;
use super::interventions::Referral;
use super::oversight::OversightRecord;
use super::plan_gaps::PlanGapReason;
use super::reviews::Reviews;
use super::safeguarding::Safeguarding;
use crate::ids::LocalId;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Facts the practice rules need that the core state does not keep.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PracticeState {
    /// The first time any officer was allocated: the first-appointment clock starts here.
    pub first_allocated_on: Option<Date>,
    /// When each objective was agreed: a sentence plan exists once one is agreed during
    /// the current sentence.
    pub objectives_agreed_on: Vec<(LocalId, Date)>,
    pub enforcement: Enforcement,
    pub plan_gap_reasons: Vec<PlanGapReason>,
    pub reviews: Reviews,
    pub safeguarding: Safeguarding,
    /// Since when the case has belonged with the NPS (high RoSH or MAPPA), if it does.
    pub nps_required_since: Option<Date>,
    /// When the case was escalated to the NPS.
    pub escalated_on: Option<Date>,
    /// Referrals to interventions, in the order made (`practice::interventions`).
    pub referrals: Vec<Referral>,
    /// Management oversight records (`practice::oversight`).
    pub oversight: Vec<OversightRecord>,
    /// A transfer to another team waiting for that team to allocate the case
    /// (`practice::allocation::request_transfer`).
    pub transfer: Option<PendingTransfer>,
}
