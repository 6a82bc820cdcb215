//! How often a placement repeats. Its own module, below both `policy` (whose
//! `SCHEDULER_RECURRENCE` names it) and `allocate` (which carries placements by it).

use serde::{Deserialize, Serialize};

use domain::ids::InvalidValue;

/// How often a placement repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    /// This session only.
    Once,
    /// The same session every week while hours are outstanding.
    #[default]
    Weekly,
    /// The same session every other week while hours are outstanding.
    Fortnightly,
}

impl Recurrence {
    pub const ALL: [Recurrence; 3] = [Recurrence::Once, Recurrence::Weekly, Recurrence::Fortnightly];

    pub fn as_str(self) -> &'static str {
        match self {
            Recurrence::Once => "once",
            Recurrence::Weekly => "weekly",
            Recurrence::Fortnightly => "fortnightly",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Recurrence::Once => "Once",
            Recurrence::Weekly => "Every week",
            Recurrence::Fortnightly => "Every other week",
        }
    }

    pub fn parse(s: &str) -> Result<Recurrence, InvalidValue> {
        Recurrence::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| InvalidValue::new("recurrence", format!("`{s}` is not once, weekly or fortnightly")))
    }

    /// Weeks from one session to the next; `None` for a placement that does not recur.
    pub fn interval_weeks(self) -> Option<i64> {
        match self {
            Recurrence::Once => None,
            Recurrence::Weekly => Some(1),
            Recurrence::Fortnightly => Some(2),
        }
    }
}
