//! Sentence plan objectives (docs/rules/practice.md#sentence-plans).

use crate::assessment::{NeedArea, RiskGroup};
use crate::ids::{LocalId, Note};
use serde::{Deserialize, Serialize};

/// Who acts on an objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectiveOwner {
    ResponsibleOfficer,
    Provider,
    Partner,
    Person,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    pub id: LocalId,
    pub description: Note,
    /// The needs this objective addresses.
    #[serde(default)]
    pub needs: Vec<NeedArea>,
    /// The risk groups whose risk this objective manages.
    #[serde(default)]
    pub risk_groups: Vec<RiskGroup>,
    pub owner: ObjectiveOwner,
    /// Whether the person was involved in setting it.
    pub person_involved: bool,
}
