//! Management oversight records as the fold keeps them, and the types their events carry.
//! The rules for recording them and what is overdue are `practice::oversight`.

use crate::ids::{Code, LocalId, Note};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    Sufficient,
    Insufficient,
}

/// One action arising from oversight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OversightAction {
    pub id: LocalId,
    pub text: Note,
    /// The responsible officer or the manager who recorded the oversight.
    pub owner: Code,
    pub due: Date,
}

/// An oversight record as the fold keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OversightRecord {
    pub id: LocalId,
    pub on: Date,
    pub by_manager: Code,
    pub reviewed: Note,
    pub judgement: Judgement,
    pub actions: Vec<OversightAction>,
    /// Completed actions: (action id, on).
    #[serde(default)]
    pub completed: Vec<(LocalId, Date)>,
}

impl OversightRecord {
    pub fn is_done(&self, action: &LocalId) -> bool {
        self.completed.iter().any(|(a, _)| a == action)
    }
}
