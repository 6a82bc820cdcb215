//! Read models derived from case state. The store keeps them beside the log, updated in the
//! same transaction as each append, and can rebuild them from the log at any time; both
//! paths go through these functions, so they cannot disagree about what a row means.

use crate::assessment::RoshLevel;
use crate::case::CaseState;
use crate::ids::{Code, Crn};
use crate::person::Gender;
use crate::sentence::{SentenceKind, SupervisionPhase};
use crate::tier::{LegacyTier, V3Tier};
use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One row per case: what a caseload page and a worklist need without reading the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub crn: Crn,
    pub first_name: String,
    pub family_name: String,
    pub date_of_birth: Date,
    pub gender: Gender,
    pub officer: Option<Code>,
    pub team: Option<Code>,
    pub active: bool,
    pub sentence_kind: Option<SentenceKind>,
    pub sentence_end: Option<Date>,
    pub released_on: Option<Date>,
    pub licence_end: Option<Date>,
    pub rosh: Option<RoshLevel>,
    pub next_appointment: Option<DateTime>,
    pub last_face_to_face: Option<Date>,
    pub contact_due_by: Option<Date>,
    pub officer_count: u32,
    /// The case's tier as last calculated (`practice::tiering`): legacy, current, and
    /// whether the current one is provisional.
    #[serde(default)]
    pub legacy_tier: Option<LegacyTier>,
    #[serde(default)]
    pub v3_tier: Option<V3Tier>,
    #[serde(default)]
    pub tier_provisional: bool,
    /// The team a transfer of this active case waits for (`practice::allocation::request_transfer`).
    #[serde(default)]
    pub transfer_to: Option<Code>,
    pub version: u64,
}

impl CaseSummary {
    /// `None` for a case whose person is not registered (an empty stream).
    pub fn from_state(state: &CaseState) -> Option<Self> {
        let person = state.person.as_ref()?;
        let current = state.current_sentence();
        Some(Self {
            crn: state.crn.clone(),
            first_name: person.first_name.to_string(),
            family_name: person.family_name.to_string(),
            date_of_birth: person.date_of_birth,
            gender: person.gender,
            officer: state.officer.as_ref().map(|a| a.officer.clone()),
            team: state.officer.as_ref().map(|a| a.team.clone()),
            active: current.is_some(),
            sentence_kind: current.map(|s| s.sentence.kind),
            sentence_end: current.map(|s| s.sentence.end_date),
            released_on: current.and_then(|s| s.released_on),
            licence_end: current.and_then(|s| s.sentence.custody.as_ref().map(|c| c.licence_end)),
            rosh: state.rosh(),
            next_appointment: state.next_appointment().map(|a| a.at),
            last_face_to_face: state.last_face_to_face(),
            contact_due_by: state.contact_due_by(),
            officer_count: state.officer_count,
            legacy_tier: state.tier.map(|t| t.legacy),
            v3_tier: state.tier.map(|t| t.v3),
            tier_provisional: state.tier.is_some_and(|t| t.provisional),
            transfer_to: state.practice.transfer.as_ref().map(|t| t.to.clone()),
            version: state.version,
        })
    }

    /// The supervision phase on `today` (phases move with the calendar, not with events).
    pub fn phase_on(&self, today: Date) -> Option<SupervisionPhase> {
        if !self.active {
            return None;
        }
        Some(match self.sentence_kind? {
            SentenceKind::Custodial => match (self.released_on, self.licence_end) {
                (Some(r), Some(end)) if r <= today && today <= end => SupervisionPhase::Licence,
                (Some(r), _) if r <= today => SupervisionPhase::PostSentenceSupervision,
                _ => SupervisionPhase::Custody,
            },
            _ => SupervisionPhase::Community,
        })
    }

    /// Contact is overdue when its due date has passed and nothing is booked before it.
    pub fn contact_overdue(&self, today: Date) -> bool {
        match self.contact_due_by {
            Some(due) if due < today => self.next_appointment.is_none_or(|a| a.date() > due),
            _ => false,
        }
    }

    /// The officer's caseload this case counts towards, if any.
    pub fn caseload_officer(&self) -> Option<&Code> {
        if self.active { self.officer.as_ref() } else { None }
    }
}

/// Active cases per responsible officer, computed from scratch.
pub fn caseload_counts<'a>(summaries: impl IntoIterator<Item = &'a CaseSummary>) -> BTreeMap<Code, u64> {
    let mut counts = BTreeMap::new();
    for s in summaries {
        if let Some(o) = s.caseload_officer() {
            *counts.entry(o.clone()).or_insert(0) += 1;
        }
    }
    counts
}
