//! The tiering facts of a case (MAPPA, the recorded tier) and the types a `tier_calculated`
//! event carries. Building the models' input and recomputing the tier is `practice::tiering`.

use crate::tier::{LegacyTier, MappaCategory, MappaLevel, Registration, V3Tier};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The case's MAPPA registration: a category always, a level once set (docs/rules/tiering.md#11-shared-fields and
/// docs/rules/tiering.md#12-v3-fields: V3 reads the category only, the legacy model the level only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mappa {
    pub category: MappaCategory,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<MappaLevel>,
}

/// What kind of event made the tier worth recomputing (issue 3, item 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierFactor {
    Assessment,
    Registration,
    Mappa,
    Sentence,
}

/// An input the models wanted and the case does not have: why a V3 tier is `MISSING` or
/// provisional, or the legacy change level defaulted (docs/rules/tiering.md#222-valid-assessment,
/// docs/rules/tiering.md#31-outcomes, docs/rules/tiering.md#33-provisional-flag).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingInput {
    /// No assessment: no needs, OGRS or RSR (legacy change level 2, docs/rules/tiering.md#22-change-axis).
    Assessment,
    /// No RoSH (V3 provisional unless other factors are high enough, docs/rules/tiering.md#33-provisional-flag P2).
    Rosh,
    /// No OGRS4 ARP/CSRP scores (V3 `MISSING`, docs/rules/tiering.md#31-outcomes).
    Ogrs4Predictors,
    /// OGRS4 scores are static (V3 provisional unless other factors are high, docs/rules/tiering.md#33-provisional-flag
    /// P1).
    DynamicPredictors,
}

/// The tier the case record holds: both models, from the last `TierCalculated` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseTier {
    pub legacy: LegacyTier,
    pub v3: V3Tier,
    pub provisional: bool,
    pub on: Date,
}

impl CaseTier {
    /// Whether `other` is the same tier (dates aside).
    pub fn same_as(&self, legacy: LegacyTier, v3: V3Tier, provisional: bool) -> bool {
        self.legacy == legacy && self.v3 == v3 && self.provisional == provisional
    }
}

/// How a registration reads on a timeline.
pub fn registration_label(r: Registration) -> &'static str {
    match r {
        Registration::IomNominal => "IOM nominal",
        Registration::MentalHealth => "mental health issues",
        Registration::SelfHarm => "self-harm",
        Registration::Vulnerability => "vulnerability",
        Registration::ChildConcerns => "child concerns",
        Registration::ChildProtection => "child protection",
        Registration::RiskToChildren => "risk to children",
        Registration::PublicInterest => "public interest",
        Registration::AdultAtRisk => "adult at risk",
        Registration::StreetGangs => "street gangs",
        Registration::Terrorism => "terrorism",
        Registration::DomesticAbuse => "domestic abuse",
        Registration::Stalking => "stalking",
        Registration::SexualOffenceHistory => "sexual offence history",
        Registration::LiferIpp => "life or IPP sentence",
    }
}
