//! Safeguarding checks (docs/rules/practice.md#safeguarding): where children or
//! domestic abuse are in view, checks with children's social care and the police are
//! requested, chased and their answers recorded (the report: local authorities answered
//! about 60% of requests).
//!
//! In view, derived (never stored as a flag of its own):
//! * the latest assessment rates RoSH to children medium or above (from its `completed_on`), or
//! * the latest `SafeguardingInView` event says children or domestic abuse (from the date it
//!   first said so; a later event with both false takes it out of view, but cannot override
//!   the assessment).
//!
//! While in view, each agency needs a check requested during the current sentence, due
//! [`SAFEGUARDING_REQUEST`] after the case came into view (or the sentence, if later). An
//! unanswered check is chased [`SAFEGUARDING_CHASE`] after the request or the last chase,
//! whether or not the case is still in view. One check per agency is open at a time.

use super::policy::{SAFEGUARDING_CHASE, SAFEGUARDING_REQUEST};
use crate::assessment::{RiskGroup, RoshLevel};
use crate::ids::{Code, Note};
pub use crate::state::safeguarding::{Agency, Check, Declared, Safeguarding};
use crate::state::{CaseState, Rejected, reject};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// Since when children or domestic abuse are in view, or `None`.
pub fn in_view_since(case: &CaseState) -> Option<Date> {
    let by_assessment = case
        .assessment
        .as_ref()
        .filter(|a| a.rosh.get(&RiskGroup::Children).is_some_and(|l| *l >= RoshLevel::Medium))
        .map(|a| a.completed_on);
    let declared = case.practice.safeguarding.declared.map(|d| d.since);
    match (by_assessment, declared) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A safeguarding action due on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SafeguardingDue {
    Request { agency: Agency, due: Date },
    Chase { agency: Agency, due: Date },
}

/// Checks to request and checks to chase on the current sentence.
pub fn safeguarding_due(case: &CaseState) -> Vec<SafeguardingDue> {
    let Some(current) = case.current_sentence() else { return Vec::new() };
    let from = current.sentence.sentence_date;
    let sg = &case.practice.safeguarding;
    let view = in_view_since(case);
    let mut out = Vec::new();
    for agency in Agency::ALL {
        let requested = sg.checks.iter().any(|c| c.agency == agency && c.requested_on >= from);
        if let Some(since) = view
            && !requested
        {
            out.push(SafeguardingDue::Request { agency, due: SAFEGUARDING_REQUEST.after(since.max(from)) });
        }
        if let Some(c) = sg.open_check(agency) {
            out.push(SafeguardingDue::Chase { agency, due: SAFEGUARDING_CHASE.after(c.last_contact()) });
        }
    }
    out
}

/// Requests and answers for one local authority (management information).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ResponseRate {
    pub requested: u32,
    pub answered: u32,
}

impl ResponseRate {
    /// Answered as a share of requested, `None` when nothing was requested.
    pub fn rate(self) -> Option<f64> {
        (self.requested > 0).then(|| f64::from(self.answered) / f64::from(self.requested))
    }
}

/// Every check ever requested on the cases, by local authority: how many, and how many were
/// answered (the report: about 60%).
pub fn response_rate<'a>(cases: impl IntoIterator<Item = &'a CaseState>) -> BTreeMap<Code, ResponseRate> {
    let mut out: BTreeMap<Code, ResponseRate> = BTreeMap::new();
    for case in cases {
        for c in &case.practice.safeguarding.checks {
            let row = out.entry(c.local_authority.clone()).or_default();
            row.requested += 1;
            row.answered += u32::from(c.response.is_some());
        }
    }
    out
}

/// `SafeguardingCheckRequested`: one open check per agency.
pub(crate) fn request_check(
    case: &mut CaseState,
    agency: Agency,
    local_authority: &Code,
    requested_on: Date,
) -> Result<(), Rejected> {
    if case.practice.safeguarding.open_check(agency).is_some() {
        return reject("agency", format!("a check with {} is already awaiting an answer", agency.label()));
    }
    case.practice.safeguarding.checks.push(Check {
        agency,
        local_authority: local_authority.clone(),
        requested_on,
        chased_on: Vec::new(),
        response: None,
    });
    Ok(())
}

/// `SafeguardingCheckChased`: an open check, no earlier than its last contact.
pub(crate) fn chase_check(case: &mut CaseState, agency: Agency, chased_on: Date) -> Result<(), Rejected> {
    let sg = &case.practice.safeguarding;
    let Some(check) = sg.open_check(agency) else {
        return match sg.latest_check(agency) {
            Some(_) => reject("agency", format!("{} has already answered: nothing to chase", agency.label())),
            None => reject("agency", format!("no check was requested from {}", agency.label())),
        };
    };
    if chased_on < check.last_contact() {
        return reject("on", "a chase cannot precede the request or the last chase");
    }
    let check = case.practice.safeguarding.open_check_mut(agency).expect("checked above");
    check.chased_on.push(chased_on);
    Ok(())
}

/// `SafeguardingResponseReceived`: an open check, no earlier than its request.
pub(crate) fn record_response(
    case: &mut CaseState,
    agency: Agency,
    answered_on: Date,
    outcome: &Note,
) -> Result<(), Rejected> {
    let sg = &case.practice.safeguarding;
    let Some(check) = sg.open_check(agency) else {
        return match sg.latest_check(agency) {
            Some(_) => reject("agency", format!("{} has already answered the last check", agency.label())),
            None => reject("agency", format!("no check was requested from {}", agency.label())),
        };
    };
    if answered_on < check.requested_on {
        return reject("on", "a response cannot precede the request");
    }
    let check = case.practice.safeguarding.open_check_mut(agency).expect("checked above");
    check.response = Some((answered_on, outcome.clone()));
    Ok(())
}
