//! The practice part of a case's folded state ([`PracticeState`], kept in `state::practice`
//! beside the other records) and the enforcement route the rules share.
//!
//! [`CaseState::apply`](crate::state::CaseState::apply) is the single gate: it hands each practice
//! event to its concern's module (`enforcement`, `plan_gaps`, `reviews`, `safeguarding`,
//! `interventions`, `oversight`), which checks everything before it changes anything, so a
//! refused event leaves the state as it was.

use crate::sentence::SupervisionPhase;
use crate::state::CaseState;
pub use crate::state::practice::PracticeState;
use jiff::civil::Date;

/// How non-compliance is enforced in a phase: breach at court for a community sentence and
/// post-sentence supervision (Offender Rehabilitation Act 2014: PSS breaches go to the
/// magistrates, not recall), recall for a licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnforcementRoute {
    Breach,
    Recall,
}

/// The route for the case's current sentence on `on`, or `None` when nothing is enforced
/// (no active sentence, or in custody).
pub fn enforcement_route(case: &CaseState, on: Date) -> Option<EnforcementRoute> {
    match case.phase_on(on)? {
        SupervisionPhase::Community | SupervisionPhase::PostSentenceSupervision => Some(EnforcementRoute::Breach),
        SupervisionPhase::Licence => Some(EnforcementRoute::Recall),
        SupervisionPhase::Custody => None,
    }
}
