//! How a proven reoffence was proven, as a `reoffence_proven` event carries it. Whether one
//! may be recorded is `reoffending`.

use serde::{Deserialize, Serialize};

/// How the offence was proven: only convictions and cautions count as proven reoffending
/// (docs/rules/practice.md#enforcement). A breach of an order is neither, so it is never recorded as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposal {
    /// Convicted at court (the event names the court).
    Conviction,
    /// Cautioned by the police (no court).
    Caution,
}

impl Disposal {
    pub fn label(self) -> &'static str {
        match self {
            Disposal::Conviction => "conviction",
            Disposal::Caution => "caution",
        }
    }
}
