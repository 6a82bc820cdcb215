//! The legacy model: protect level A-D by change level 0-3, e.g. `B2` (docs/rules/tiering.md#2-legacy-model).
//!
//! Still needed because workload points are keyed on the legacy tier (docs/rules/practice.md#workload).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::TierError;
use super::exact::cmp_decimal_to_binary;
use super::input::{Finite, Gender, Registration, RequirementKind, TierInput};
use super::policy;

pub use super::level::{BadChangeLevel, ChangeLevel, ProtectLevel};

// The levels are defined in `level` so that `policy` can name them without depending on
// this model; their readings of the policy tables stay here.
impl ProtectLevel {
    /// The level for a protect points total (docs/rules/tiering.md#216-protect-level).
    pub fn from_points(points: u32) -> Self {
        policy::PROTECT_LEVEL_THRESHOLDS
            .iter()
            .find(|(min, _)| points >= *min)
            .map_or(ProtectLevel::D, |(_, level)| *level)
    }

    fn from_letter(c: char) -> Option<Self> {
        match c {
            'A' => Some(ProtectLevel::A),
            'B' => Some(ProtectLevel::B),
            'C' => Some(ProtectLevel::C),
            'D' => Some(ProtectLevel::D),
            _ => None,
        }
    }
}

impl ChangeLevel {
    /// The level for a change points total when there is a mandate and a valid assessment
    /// (docs/rules/tiering.md#22-change-axis rule 3; never `Zero`).
    pub fn from_points(points: u32) -> Self {
        policy::CHANGE_LEVEL_THRESHOLDS
            .iter()
            .find(|(min, _)| points >= *min)
            .map_or(ChangeLevel::One, |(_, level)| *level)
    }
}

/// A legacy tier such as `B2`: one of the 16 values A0..D3 (docs/rules/tiering.md#23-tier-string).
///
/// The upstream `S` suffix (unsupervised PRC registration) is not part of this type: the
/// input cannot express it and the workload table is keyed on the 16 plain values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LegacyTier {
    /// The letter.
    pub protect: ProtectLevel,
    /// The digit.
    pub change: ChangeLevel,
}

impl LegacyTier {
    /// All 16 tiers, A3 first and D0 last.
    pub fn all() -> impl Iterator<Item = LegacyTier> {
        use ChangeLevel::*;
        use ProtectLevel::*;
        [A, B, C, D]
            .into_iter()
            .flat_map(|protect| [Three, Two, One, Zero].into_iter().map(move |change| LegacyTier { protect, change }))
    }
}

impl fmt::Display for LegacyTier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.protect, self.change)
    }
}

/// The error of parsing a legacy tier string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a legacy tier (A0..D3)")]
pub struct BadLegacyTier(pub String);

impl FromStr for LegacyTier {
    type Err = BadLegacyTier;
    fn from_str(s: &str) -> Result<Self, BadLegacyTier> {
        let bad = || BadLegacyTier(s.to_owned());
        let mut chars = s.chars();
        let (Some(letter), Some(digit), None) = (chars.next(), chars.next(), chars.next()) else {
            return Err(bad());
        };
        let protect = ProtectLevel::from_letter(letter).ok_or_else(bad)?;
        let digit = digit.to_digit(10).ok_or_else(bad)?;
        let change = u8::try_from(digit).ok().and_then(|d| ChangeLevel::try_from(d).ok()).ok_or_else(bad)?;
        Ok(LegacyTier { protect, change })
    }
}

impl Serialize for LegacyTier {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LegacyTier {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The legacy result; serialises to the `probity tier --model legacy` row (without `id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct LegacyResult {
    /// e.g. `B2`.
    pub tier: LegacyTier,
    /// Same as `tier.protect`, reported separately in the output.
    pub protect_level: ProtectLevel,
    /// Protect points total.
    pub protect_points: u32,
    /// Same as `tier.change`.
    pub change_level: ChangeLevel,
    /// Change points total (0 when rule 1 or 2 of docs/rules/tiering.md#22-change-axis applies).
    pub change_points: u32,
}

/// Protect points by component (docs/rules/tiering.md#21-protect-axis), so a tier can be explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct ProtectBreakdown {
    /// RSR band points (2.1.1).
    pub rsr: u32,
    /// RoSH points (2.1.2).
    pub rosh: u32,
    /// MAPPA level points (2.1.3).
    pub mappa: u32,
    /// Complexity factor points (2.1.4).
    pub complexity: u32,
    /// Women's additional factor points (2.1.5).
    pub women: u32,
}

impl ProtectBreakdown {
    /// The total: RSR and RoSH are alternatives, only the higher counts (2.1).
    pub fn total(&self) -> u32 {
        self.rsr.max(self.rosh) + self.mappa + self.complexity + self.women
    }
}

/// Why the change level is what it is (docs/rules/tiering.md#22-change-axis).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum ChangeBasis {
    /// Rule 1: no custodial sentence and no rehabilitative requirement.
    NoMandate,
    /// Rule 2: no assessment completed within 55 weeks.
    NoValidAssessment,
    /// Rule 3: scored.
    Scored {
        /// Weighted need points.
        needs: u32,
        /// OGRS points.
        ogrs: u32,
        /// IOM nominal points.
        iom: u32,
    },
}

impl ChangeBasis {
    /// Change points: 0 unless scored.
    pub fn points(&self) -> u32 {
        match *self {
            ChangeBasis::NoMandate | ChangeBasis::NoValidAssessment => 0,
            ChangeBasis::Scored { needs, ogrs, iom } => needs + ogrs + iom,
        }
    }

    /// The change level this basis gives.
    pub fn level(&self) -> ChangeLevel {
        match self {
            ChangeBasis::NoMandate => policy::NO_MANDATE_CHANGE_LEVEL,
            ChangeBasis::NoValidAssessment => policy::NO_ASSESSMENT_CHANGE_LEVEL,
            ChangeBasis::Scored { .. } => ChangeLevel::from_points(self.points()),
        }
    }
}

/// Calculates the legacy tier (docs/rules/tiering.md#2-legacy-model).
///
/// Fails only for a negative OGRS score that would be scored: docs/rules/tiering.md defines OGRS as a
/// percent 0-100 and its floor rule gives no meaning to negatives, and section 0 lists a
/// negative predictor as a row failure. (A negative RSR is defined: it scores 0.)
pub fn calculate(input: &TierInput) -> Result<LegacyResult, TierError> {
    super::check_percent("RSR", input.rsr, false)?;
    super::check_percent("OGRS", input.ogrs, true)?;
    let protect_points = protect_breakdown(input).total();
    let change = change_basis(input)?;
    let protect_level = ProtectLevel::from_points(protect_points);
    let change_level = change.level();
    Ok(LegacyResult {
        tier: LegacyTier { protect: protect_level, change: change_level },
        protect_level,
        protect_points,
        change_level,
        change_points: change.points(),
    })
}

/// Protect points by component (docs/rules/tiering.md#21-protect-axis).
pub fn protect_breakdown(input: &TierInput) -> ProtectBreakdown {
    let complexity_count = input.registrations.iter().filter(|r| policy::is_complexity_factor(**r)).count();
    ProtectBreakdown {
        rsr: rsr_points(input.rsr),
        rosh: policy::rosh_protect_points(input.rosh),
        mappa: policy::mappa_protect_points(input.mappa_level),
        // At most 10 distinct factors: the set already de-duplicates.
        complexity: policy::COMPLEXITY_FACTOR_POINTS * complexity_count as u32,
        women: women_points(input),
    }
}

/// RSR points (docs/rules/tiering.md#211-rsr-points): inclusive bands on the exact binary bounds.
pub fn rsr_points(rsr: Option<Finite>) -> u32 {
    let Some(rsr) = rsr else { return 0 };
    let x = rsr.get();
    policy::RSR_BANDS
        .iter()
        .find(|band| {
            cmp_decimal_to_binary(x, band.lower) != Ordering::Less
                && cmp_decimal_to_binary(x, band.upper) != Ordering::Greater
        })
        .map_or(0, |band| band.points)
}

fn women_points(input: &TierInput) -> u32 {
    if input.gender != Gender::Female {
        return 0;
    }
    let f = input.female_factors;
    // The OASys-derived factors need a valid assessment; the Delius breach flag does not.
    let oasys = has_valid_assessment(input);
    let factors = [
        oasys && f.parenting_responsibilities,
        oasys && (f.impulsivity || f.temper_control),
        f.previous_breach_or_recall,
    ];
    policy::WOMEN_FACTOR_POINTS * factors.iter().filter(|b| **b).count() as u32
}

/// Mandate for change (docs/rules/tiering.md#22-change-axis rule 1): a current sentence that is custodial or
/// carries a rehabilitative requirement. Unpaid work, order extended and restrictive
/// requirements do not count.
pub fn has_mandate_for_change(input: &TierInput) -> bool {
    input
        .sentence
        .as_ref()
        .is_some_and(|s| s.custodial || s.requirements.iter().any(|r| r.kind == RequirementKind::Rehabilitative))
}

/// A valid assessment (docs/rules/tiering.md#222-valid-assessment): completed no more than 55 weeks ago, inclusive.
pub fn has_valid_assessment(input: &TierInput) -> bool {
    input.assessment_completed_weeks_ago.is_some_and(|w| w.get() <= policy::ASSESSMENT_VALID_WEEKS)
}

/// The change axis (docs/rules/tiering.md#22-change-axis), rules in order.
pub fn change_basis(input: &TierInput) -> Result<ChangeBasis, TierError> {
    if !has_mandate_for_change(input) {
        return Ok(ChangeBasis::NoMandate);
    }
    if !has_valid_assessment(input) {
        return Ok(ChangeBasis::NoValidAssessment);
    }
    let needs = input
        .needs
        .iter()
        .map(|(area, severity)| policy::need_weight(*area) * policy::need_severity_score(*severity))
        .sum();
    Ok(ChangeBasis::Scored {
        needs,
        ogrs: ogrs_points(input.ogrs)?,
        iom: if input.has(Registration::IomNominal) { policy::IOM_CHANGE_POINTS } else { 0 },
    })
}

/// OGRS points (docs/rules/tiering.md#221-change-points): `floor(ogrs / 10)`, exactly (no float rounding up just
/// below a multiple of ten), uncapped; `None` is 0; negative is an error.
pub fn ogrs_points(ogrs: Option<Finite>) -> Result<u32, TierError> {
    let Some(ogrs) = ogrs else { return Ok(0) };
    let x = ogrs.get();
    if x < 0.0 {
        return Err(TierError::NegativePredictor { predictor: "OGRS", score: x });
    }
    let d = policy::OGRS_DIVISOR;
    let mut q = (x / d).floor();
    // x / d is rounded; correct by one so that q * d <= x < (q + 1) * d holds exactly.
    if q * d > x {
        q -= 1.0;
    } else if (q + 1.0) * d <= x {
        q += 1.0;
    }
    // Saturates for absurd scores (above ~4e10), which no source can produce.
    Ok(q as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ogrs_floor_is_exact_just_below_a_multiple_of_ten() {
        let below_30 = f64::from_bits(30.0f64.to_bits() - 1);
        assert_eq!(ogrs_points(Finite::new(below_30)), Ok(2));
        assert_eq!(ogrs_points(Finite::new(30.0)), Ok(3));
    }

    #[test]
    fn legacy_tier_strings_round_trip() {
        let all: Vec<String> = LegacyTier::all().map(|t| t.to_string()).collect();
        assert_eq!(all.len(), 16);
        assert_eq!(all[0], "A3");
        assert_eq!(all[15], "D0");
        for s in &all {
            assert_eq!(&s.parse::<LegacyTier>().unwrap().to_string(), s);
        }
        for bad in ["", "A", "A4", "E1", "a1", "B2S", "B22", "1B"] {
            assert!(bad.parse::<LegacyTier>().is_err(), "{bad}");
        }
    }
}
