//! Assessment of risk and need (OASys): risk of serious harm per group, predictors and
//! criminogenic needs (docs/rules/practice.md#risk-needs-and-tiering).

use crate::ids::{InvalidValue, LocalId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Risk of serious harm level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoshLevel {
    Low,
    Medium,
    High,
    VeryHigh,
}

impl RoshLevel {
    pub const ALL: [RoshLevel; 4] = [RoshLevel::Low, RoshLevel::Medium, RoshLevel::High, RoshLevel::VeryHigh];
    pub fn label(self) -> &'static str {
        match self {
            RoshLevel::Low => "Low",
            RoshLevel::Medium => "Medium",
            RoshLevel::High => "High",
            RoshLevel::VeryHigh => "Very high",
        }
    }
}

/// The groups a person may pose a risk of serious harm to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskGroup {
    Public,
    KnownAdult,
    Children,
    Staff,
    Prisoners,
}

impl RiskGroup {
    pub const ALL: [RiskGroup; 5] =
        [RiskGroup::Public, RiskGroup::KnownAdult, RiskGroup::Children, RiskGroup::Staff, RiskGroup::Prisoners];
}

/// Criminogenic need areas (OASys sections).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedArea {
    Accommodation,
    EducationTrainingEmployability,
    Financial,
    Relationships,
    LifestyleAssociates,
    DrugMisuse,
    AlcoholMisuse,
    EmotionalWellbeing,
    ThinkingBehaviour,
    Attitudes,
}

impl NeedArea {
    pub const ALL: [NeedArea; 10] = [
        NeedArea::Accommodation,
        NeedArea::EducationTrainingEmployability,
        NeedArea::Financial,
        NeedArea::Relationships,
        NeedArea::LifestyleAssociates,
        NeedArea::DrugMisuse,
        NeedArea::AlcoholMisuse,
        NeedArea::EmotionalWellbeing,
        NeedArea::ThinkingBehaviour,
        NeedArea::Attitudes,
    ];
    pub fn label(self) -> &'static str {
        match self {
            NeedArea::Accommodation => "Accommodation",
            NeedArea::EducationTrainingEmployability => "Education, training and employability",
            NeedArea::Financial => "Financial management and income",
            NeedArea::Relationships => "Relationships",
            NeedArea::LifestyleAssociates => "Lifestyle and associates",
            NeedArea::DrugMisuse => "Drug misuse",
            NeedArea::AlcoholMisuse => "Alcohol misuse",
            NeedArea::EmotionalWellbeing => "Emotional well-being",
            NeedArea::ThinkingBehaviour => "Thinking and behaviour",
            NeedArea::Attitudes => "Attitudes",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedSeverity {
    NoNeed,
    Standard,
    Severe,
}

/// A percentage score between 0 and 100 (OGRS, RSR).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Percent(f64);

impl Percent {
    pub fn new(v: f64) -> Result<Self, InvalidValue> {
        if v.is_finite() && (0.0..=100.0).contains(&v) {
            Ok(Self(v))
        } else {
            Err(InvalidValue::new("percent", format!("{v} is not between 0 and 100")))
        }
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Percent {
    type Error = InvalidValue;
    fn try_from(v: f64) -> Result<Self, InvalidValue> {
        Self::new(v)
    }
}

impl From<Percent> for f64 {
    fn from(p: Percent) -> f64 {
        p.0
    }
}

/// A completed assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: LocalId,
    pub completed_on: Date,
    /// RoSH per group; a group not listed was not assessed as at risk.
    #[serde(default)]
    pub rosh: BTreeMap<RiskGroup, RoshLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ogrs: Option<Percent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rsr: Option<Percent>,
    #[serde(default)]
    pub needs: BTreeMap<NeedArea, NeedSeverity>,
    /// The OGRS4 predictors the current tiering model reads (docs/rules/tiering.md#12-v3-fields). Older
    /// assessments have none, and their V3 tier is then `MISSING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ogrs4: Option<Ogrs4>,
}

/// OGRS4 scores: all reoffending (ARP) and combined serious reoffending (CSRP), both static
/// (from criminal history alone) or both dynamic (with the assessment's dynamic items); a
/// static score makes a V3 tier provisional (docs/rules/tiering.md#33-provisional-flag).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ogrs4 {
    pub arp: Percent,
    pub csrp: Percent,
    pub dynamic: bool,
}

impl Assessment {
    /// The overall RoSH: the highest level over all groups.
    pub fn overall_rosh(&self) -> Option<RoshLevel> {
        self.rosh.values().copied().max()
    }

    /// Needs linked to offending: standard or severe.
    pub fn offending_related_needs(&self) -> impl Iterator<Item = NeedArea> + '_ {
        self.needs.iter().filter(|(_, s)| **s != NeedSeverity::NoNeed).map(|(a, _)| *a)
    }
}
