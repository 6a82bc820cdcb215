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
use crate::case::CaseState;
use crate::ids::{Code, Note};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Agency {
    ChildrensSocialCare,
    Police,
}

impl Agency {
    pub const ALL: [Agency; 2] = [Agency::ChildrensSocialCare, Agency::Police];

    pub fn label(self) -> &'static str {
        match self {
            Agency::ChildrensSocialCare => "children's social care",
            Agency::Police => "the police",
        }
    }
}

/// What the officer has declared in view (the latest `SafeguardingInView`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declared {
    pub children: bool,
    pub domestic_abuse: bool,
    /// When it (last) came into view by declaration.
    pub since: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub agency: Agency,
    pub local_authority: Code,
    pub requested_on: Date,
    #[serde(default)]
    pub chased_on: Vec<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<(Date, Note)>,
}

impl Check {
    /// The request or the last chase.
    pub fn last_contact(&self) -> Date {
        self.chased_on.iter().copied().max().unwrap_or(self.requested_on).max(self.requested_on)
    }
}

/// The safeguarding facts of a case, kept by the fold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Safeguarding {
    /// `None` when nothing is declared in view (never, or the latest declaration was none).
    pub declared: Option<Declared>,
    pub checks: Vec<Check>,
}

impl Safeguarding {
    /// The open (unanswered) check with an agency.
    pub fn open_check(&self, agency: Agency) -> Option<&Check> {
        self.checks.iter().find(|c| c.agency == agency && c.response.is_none())
    }

    pub(crate) fn open_check_mut(&mut self, agency: Agency) -> Option<&mut Check> {
        self.checks.iter_mut().find(|c| c.agency == agency && c.response.is_none())
    }

    /// The latest check with an agency (open or answered).
    pub fn latest_check(&self, agency: Agency) -> Option<&Check> {
        self.checks.iter().rev().find(|c| c.agency == agency)
    }

    /// Applies a `SafeguardingInView` declaration on `on`.
    pub(crate) fn declare(&mut self, children: bool, domestic_abuse: bool, on: Date) {
        self.declared = if children || domestic_abuse {
            let since = self.declared.map_or(on, |d| d.since);
            Some(Declared { children, domestic_abuse, since })
        } else {
            None
        };
    }
}

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
