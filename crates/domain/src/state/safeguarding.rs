//! The safeguarding facts of a case (what is declared in view, the checks with each agency)
//! and the agency its events name. What is due is `practice::safeguarding`.

use crate::ids::{Code, Note};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

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
