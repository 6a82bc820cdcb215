//! The current (V3) model: a single tier A-G, the highest given by eight steps, plus a
//! provisional flag (docs/rules/tiering.md#3-v3-model).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::TierError;
use super::input::{DcSrpBand, Finite, PredictorType, Registration, RoshLevel, TierInput};
use super::policy;

pub use super::level::V3Level;

/// The V3 outcome: a level, or one of the two special values (docs/rules/tiering.md#31-outcomes), which are
/// outside the A-G order on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum V3Tier {
    /// A-G.
    Level(V3Level),
    /// No active event: not under supervision.
    NotSupervised,
    /// No usable OGRS4 predictors (ARP or CSRP missing).
    Missing,
}

impl fmt::Display for V3Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            V3Tier::Level(level) => write!(f, "{}", level.letter()),
            V3Tier::NotSupervised => f.write_str("NOT_SUPERVISED"),
            V3Tier::Missing => f.write_str("MISSING"),
        }
    }
}

/// The error of parsing a V3 tier string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a V3 tier (A..G, NOT_SUPERVISED, MISSING)")]
pub struct BadV3Tier(pub String);

impl FromStr for V3Tier {
    type Err = BadV3Tier;
    fn from_str(s: &str) -> Result<Self, BadV3Tier> {
        match s {
            "NOT_SUPERVISED" => Ok(V3Tier::NotSupervised),
            "MISSING" => Ok(V3Tier::Missing),
            _ => V3Level::ALL
                .into_iter()
                .find(|l| s.len() == 1 && s.starts_with(l.letter()))
                .map(V3Tier::Level)
                .ok_or_else(|| BadV3Tier(s.to_owned())),
        }
    }
}

impl Serialize for V3Tier {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for V3Tier {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The V3 result; serialises to the `probity tier --model v3` row (without `id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct V3Result {
    /// The tier.
    pub tier: V3Tier,
    /// Provisional (docs/rules/tiering.md#33-provisional-flag); always false for `NotSupervised` and `Missing`.
    pub provisional: bool,
}

/// What each step of docs/rules/tiering.md#32-steps gave, for a supervised person with predictors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct V3Steps {
    /// Step 1: the ARP x CSRP table (always gives a tier).
    pub reoffending: V3Level,
    /// Step 2: DC-SRP.
    pub sexual_reoffending: Option<V3Level>,
    /// Step 3: MAPPA and RoSH.
    pub mappa_rosh: Option<V3Level>,
    /// Step 4: life/IPP release.
    pub life_ipp: Option<V3Level>,
    /// Step 5: domestic abuse registration.
    pub domestic_abuse: Option<V3Level>,
    /// Step 6: stalking registration.
    pub stalking: Option<V3Level>,
    /// Step 7: child protection registration.
    pub child_protection: Option<V3Level>,
    /// Step 8: sexual offence history.
    pub sexual_offence_history: Option<V3Level>,
}

impl V3Steps {
    /// The tier: the highest of all steps (G if none, which cannot happen once step 1 has
    /// a value, but is the rule).
    pub fn tier(&self) -> V3Level {
        self.others().max(self.reoffending)
    }

    /// The highest of steps 2-8, G if none (`others` in docs/rules/tiering.md#33-provisional-flag P1).
    pub fn others(&self) -> V3Level {
        highest([self.mappa_rosh, self.not_rosh_related()])
    }

    /// The highest of steps 2 and 4-8, G if none: what P2 always considers.
    fn not_rosh_related(&self) -> Option<V3Level> {
        [
            self.sexual_reoffending,
            self.life_ipp,
            self.domestic_abuse,
            self.stalking,
            self.child_protection,
            self.sexual_offence_history,
        ]
        .into_iter()
        .flatten()
        .max()
    }
}

fn highest<const N: usize>(tiers: [Option<V3Level>; N]) -> V3Level {
    tiers.into_iter().flatten().max().unwrap_or(V3Level::G)
}

/// Calculates the V3 tier and provisional flag (docs/rules/tiering.md#3-v3-model).
///
/// Fails for a negative ARP or CSRP, and for a DC-SRP band medium with a score below 0.60
/// (docs/rules/tiering.md#32-steps), but only once the special values are ruled out: a person not under
/// supervision or without predictors gets `NOT_SUPERVISED`/`MISSING` whatever the rest.
pub fn calculate(input: &TierInput) -> Result<V3Result, TierError> {
    super::check_percent("ARP", input.arp, true)?;
    super::check_percent("CSRP", input.csrp, true)?;
    // A negative DC-SRP is unused unless its band needs it (docs/rules/tiering.md#32-steps step 2).
    super::check_percent("DC-SRP", input.dcsrp, true)?;
    let Some(steps) = steps(input)? else {
        let tier = if input.has_active_event { V3Tier::Missing } else { V3Tier::NotSupervised };
        return Ok(V3Result { tier, provisional: false });
    };
    Ok(V3Result {
        tier: V3Tier::Level(steps.tier()),
        provisional: static_predictors_provisional(input, &steps) || rosh_missing_provisional(input, &steps),
    })
}

/// Evaluates every step; `None` for the special values (no active event, or ARP or CSRP
/// missing), checked first in that order (docs/rules/tiering.md#31-outcomes).
pub fn steps(input: &TierInput) -> Result<Option<V3Steps>, TierError> {
    if !input.has_active_event {
        return Ok(None);
    }
    let (Some(arp), Some(csrp)) = (input.arp, input.csrp) else {
        return Ok(None);
    };
    let by_registration = |r: Registration| {
        if input.has(r) { policy::registration_tier(r) } else { None }
    };
    Ok(Some(V3Steps {
        reoffending: reoffending_tier(arp, csrp)?,
        sexual_reoffending: sexual_reoffending_tier(input.dcsrp, input.dcsrp_band)?,
        mappa_rosh: mappa_rosh_tier(input.mappa_category.is_some(), input.rosh),
        life_ipp: if input.has(Registration::LiferIpp) {
            input.life_or_ipp_released_years_ago.map(life_ipp_tier)
        } else {
            None
        },
        domestic_abuse: by_registration(Registration::DomesticAbuse),
        stalking: by_registration(Registration::Stalking),
        child_protection: by_registration(Registration::ChildProtection),
        sexual_offence_history: by_registration(Registration::SexualOffenceHistory),
    }))
}

/// Index of the first threshold reached (>=), or `None` below all of them.
fn band_index(score: f64, thresholds: &[f64]) -> Option<usize> {
    thresholds.iter().position(|t| score >= *t)
}

fn csrp_row(csrp: Finite) -> Result<usize, TierError> {
    band_index(csrp.get(), &policy::CSRP_ROW_THRESHOLDS)
        .ok_or(TierError::NegativePredictor { predictor: "CSRP", score: csrp.get() })
}

fn arp_column(arp: Finite) -> Result<usize, TierError> {
    band_index(arp.get(), &policy::ARP_COLUMN_THRESHOLDS)
        .ok_or(TierError::NegativePredictor { predictor: "ARP", score: arp.get() })
}

/// Step 1: the ARP x CSRP table (docs/rules/tiering.md#32-steps). Negative scores have no row or column.
pub fn reoffending_tier(arp: Finite, csrp: Finite) -> Result<V3Level, TierError> {
    let column = arp_column(arp)?;
    let row = csrp_row(csrp)?;
    Ok(policy::REOFFENDING_TABLE[row][column])
}

/// Step 2: DC-SRP (docs/rules/tiering.md#32-steps). Used only with a score above 0 and a band other than
/// not applicable; band medium is decided by score and fails below 0.60.
pub fn sexual_reoffending_tier(score: Option<Finite>, band: Option<DcSrpBand>) -> Result<Option<V3Level>, TierError> {
    let (Some(score), Some(band)) = (score, band) else {
        return Ok(None);
    };
    let score = score.get();
    if score <= 0.0 || band == DcSrpBand::NotApplicable {
        return Ok(None);
    }
    if band != DcSrpBand::Medium {
        return Ok(policy::dcsrp_band_tier(band));
    }
    policy::DCSRP_MEDIUM_SCALE
        .iter()
        .find(|(min, _)| score >= *min)
        .map(|(_, tier)| Some(*tier))
        .ok_or(TierError::DcSrpMediumScoreTooLow { score })
}

/// Step 3: MAPPA and RoSH (docs/rules/tiering.md#32-steps).
pub fn mappa_rosh_tier(mappa_present: bool, rosh: Option<RoshLevel>) -> Option<V3Level> {
    if mappa_present { Some(policy::mappa_rosh_tier_with_mappa(rosh)) } else { policy::rosh_tier_without_mappa(rosh) }
}

/// Step 4 for a lifer/IPP with a release date (docs/rules/tiering.md#32-steps): inclusive year bounds.
pub fn life_ipp_tier(released_years_ago: Finite) -> V3Level {
    let years = released_years_ago.get();
    policy::LIFE_IPP_RELEASE_YEARS
        .iter()
        .find(|(max, _)| years <= *max)
        .map_or(policy::LIFE_IPP_LATER_TIER, |(_, tier)| *tier)
}

/// P1 (docs/rules/tiering.md#33-provisional-flag): a static score is provisional unless the other steps already reach
/// the best tier that score could become once dynamic.
fn static_predictors_provisional(input: &TierInput, steps: &V3Steps) -> bool {
    let is_static = |t: Option<PredictorType>| t == Some(PredictorType::Static);
    let (arp_static, csrp_static) = (is_static(input.arp_type), is_static(input.csrp_type));
    // Both present: `steps` exists only then, and the indices were validated by step 1.
    let (Some(arp), Some(csrp)) = (input.arp, input.csrp) else {
        return false;
    };
    let best = match (arp_static, csrp_static) {
        (true, true) => V3Level::A,
        // T(+infinity, csrp): the first column of this CSRP's row.
        (true, false) => csrp_row(csrp).map_or(V3Level::A, |r| policy::REOFFENDING_TABLE[r][0]),
        // T(arp, +infinity): this ARP's column in the first row.
        (false, true) => arp_column(arp).map_or(V3Level::A, |c| policy::REOFFENDING_TABLE[0][c]),
        (false, false) => return false,
    };
    steps.others() < best
}

/// P2 (docs/rules/tiering.md#33-provisional-flag): RoSH missing. Step 3 is never considered, step 1 only when both
/// scores are dynamic.
fn rosh_missing_provisional(input: &TierInput, steps: &V3Steps) -> bool {
    if input.rosh.is_some() {
        return false;
    }
    let dynamic = |t: Option<PredictorType>| t == Some(PredictorType::Dynamic);
    let reoffending = (dynamic(input.arp_type) && dynamic(input.csrp_type)).then_some(steps.reoffending);
    let considered = highest([steps.not_rosh_related(), reoffending]);
    let firm_at =
        if input.mappa_category.is_some() { policy::P2_FIRM_WITH_MAPPA } else { policy::P2_FIRM_WITHOUT_MAPPA };
    considered < firm_at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_tier_strings_round_trip() {
        for s in ["A", "B", "C", "D", "E", "F", "G", "NOT_SUPERVISED", "MISSING"] {
            assert_eq!(s.parse::<V3Tier>().unwrap().to_string(), s);
        }
        for bad in ["", "H", "a", "AB", "NA", "missing"] {
            assert!(bad.parse::<V3Tier>().is_err(), "{bad}");
        }
    }
}
