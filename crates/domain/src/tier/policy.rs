//! Every policy value of both tiering models, in one place.
//!
//! Source for all of them: `docs/rules/tiering.md` (section named per item), which
//! restates the public repository ministryofjustice/hmpps-tier (its calculators, enums and
//! scenario tests, snapshot of August 2026). Enum-keyed values are exhaustive `match`es, so
//! the compiler proves every level has a value; ordered thresholds are arrays scanned from
//! the top, first match wins.

use super::input::{DcSrpBand, MappaLevel, NeedArea, NeedSeverity, Registration, RoshLevel};
use super::level::{ChangeLevel, ProtectLevel, V3Level};

// ---------------------------------------------------------------------------------------
// Legacy model, protect axis (docs/rules/tiering.md#21-protect-axis; hmpps-tier ProtectLevelCalculator)
// ---------------------------------------------------------------------------------------

/// An inclusive RSR band. The bounds are compared as the *exact binary values* of these
/// doubles against the decimal score (upstream: `BigDecimal(double)`), see
/// docs/rules/tiering.md#211-rsr-points: 99.99 itself is above 99.9899999999999948... and 6.99 is below
/// 6.9900000000000002..., so a score strictly between 6.99 and 7.00 scores nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RsrBand {
    /// Inclusive lower bound (exact binary value).
    pub lower: f64,
    /// Inclusive upper bound (exact binary value).
    pub upper: f64,
    /// Protect points for a score in the band.
    pub points: u32,
}

/// RSR bands, docs/rules/tiering.md#211-rsr-points (hmpps-tier `RsrThresholds`). Anything outside scores 0.
pub const RSR_BANDS: [RsrBand; 2] =
    [RsrBand { lower: 7.00, upper: 99.99, points: 20 }, RsrBand { lower: 3.00, upper: 6.99, points: 10 }];

/// RoSH protect points, docs/rules/tiering.md#212-rosh-points.
pub const fn rosh_protect_points(rosh: Option<RoshLevel>) -> u32 {
    match rosh {
        Some(RoshLevel::VeryHigh) => 150,
        Some(RoshLevel::High) => 20,
        Some(RoshLevel::Medium) => 10,
        Some(RoshLevel::Low) | None => 0,
    }
}

/// MAPPA protect points by level, docs/rules/tiering.md#213-mappa-points.
pub const fn mappa_protect_points(level: Option<MappaLevel>) -> u32 {
    match level {
        Some(MappaLevel::Three | MappaLevel::Two) => 150,
        Some(MappaLevel::One) => 5,
        None => 0,
    }
}

/// Points per distinct complexity factor, docs/rules/tiering.md#214-complexity-factors.
pub const COMPLEXITY_FACTOR_POINTS: u32 = 2;

/// Whether a registration is a complexity factor, docs/rules/tiering.md#214-complexity-factors and
/// docs/rules/tiering.md#13-registrations (10 types; `iom_nominal` is not one).
pub const fn is_complexity_factor(registration: Registration) -> bool {
    match registration {
        Registration::MentalHealth
        | Registration::SelfHarm
        | Registration::Vulnerability
        | Registration::ChildConcerns
        | Registration::ChildProtection
        | Registration::RiskToChildren
        | Registration::PublicInterest
        | Registration::AdultAtRisk
        | Registration::StreetGangs
        | Registration::Terrorism => true,
        Registration::IomNominal
        | Registration::DomesticAbuse
        | Registration::Stalking
        | Registration::SexualOffenceHistory
        | Registration::LiferIpp => false,
    }
}

/// Women's factor points, docs/rules/tiering.md#215-womens-factors: parenting, self-control (impulsivity or
/// temper, counted once) and breach/recall, each worth this.
pub const WOMEN_FACTOR_POINTS: u32 = 2;

/// Protect level thresholds, docs/rules/tiering.md#216-protect-level: the first row whose minimum is reached.
pub const PROTECT_LEVEL_THRESHOLDS: [(u32, ProtectLevel); 4] =
    [(150, ProtectLevel::A), (20, ProtectLevel::B), (10, ProtectLevel::C), (0, ProtectLevel::D)];

// ---------------------------------------------------------------------------------------
// Legacy model, change axis (docs/rules/tiering.md#22-change-axis; hmpps-tier ChangeLevelCalculator)
// ---------------------------------------------------------------------------------------

/// Change level thresholds, docs/rules/tiering.md#22-change-axis rule 3: the first row whose minimum is reached.
pub const CHANGE_LEVEL_THRESHOLDS: [(u32, ChangeLevel); 3] =
    [(20, ChangeLevel::Three), (10, ChangeLevel::Two), (0, ChangeLevel::One)];

/// Change level when there is no mandate for change, docs/rules/tiering.md#22-change-axis rule 1 (0 points).
pub const NO_MANDATE_CHANGE_LEVEL: ChangeLevel = ChangeLevel::Zero;

/// Change level when there is no valid assessment, docs/rules/tiering.md#22-change-axis rule 2 (0 points).
pub const NO_ASSESSMENT_CHANGE_LEVEL: ChangeLevel = ChangeLevel::Two;

/// Need weighting, docs/rules/tiering.md#221-change-points (hmpps-tier `Need`).
pub const fn need_weight(area: NeedArea) -> u32 {
    match area {
        NeedArea::Accommodation
        | NeedArea::EducationTrainingEmployability
        | NeedArea::Relationships
        | NeedArea::LifestyleAssociates
        | NeedArea::DrugMisuse
        | NeedArea::AlcoholMisuse => 1,
        NeedArea::ThinkingBehaviour | NeedArea::Attitudes => 2,
        NeedArea::Financial | NeedArea::EmotionalWellbeing => 0,
    }
}

/// Need severity score, docs/rules/tiering.md#221-change-points (hmpps-tier `NeedSeverity`).
pub const fn need_severity_score(severity: NeedSeverity) -> u32 {
    match severity {
        NeedSeverity::NoNeed => 0,
        NeedSeverity::Standard => 1,
        NeedSeverity::Severe => 2,
    }
}

/// OGRS points are `floor(ogrs / OGRS_DIVISOR)`, uncapped, docs/rules/tiering.md#221-change-points.
pub const OGRS_DIVISOR: f64 = 10.0;

/// Change points for an IOM nominal registration, docs/rules/tiering.md#221-change-points.
pub const IOM_CHANGE_POINTS: u32 = 2;

/// An assessment is valid when completed no more than this many weeks ago (inclusive),
/// docs/rules/tiering.md#222-valid-assessment.
pub const ASSESSMENT_VALID_WEEKS: f64 = 55.0;

// ---------------------------------------------------------------------------------------
// V3 model (docs/rules/tiering.md#32-steps; hmpps-tier TierCalculator)
// ---------------------------------------------------------------------------------------

/// Step 1 row thresholds on CSRP (>=), docs/rules/tiering.md#32-steps. Decimal bounds: compared as
/// doubles, which equals decimal comparison for the scores Delius/ARNS send.
pub const CSRP_ROW_THRESHOLDS: [f64; 5] = [6.9, 3.0, 1.0, 0.5, 0.0];

/// Step 1 column thresholds on ARP (>=), docs/rules/tiering.md#32-steps.
pub const ARP_COLUMN_THRESHOLDS: [f64; 6] = [90.0, 75.0, 50.0, 25.0, 15.0, 0.0];

/// Step 1 table, docs/rules/tiering.md#32-steps: `REOFFENDING_TABLE[csrp_row][arp_column]`.
pub const REOFFENDING_TABLE: [[V3Level; 6]; 5] = {
    use V3Level::*;
    [
        // ARP:  >=90 >=75 >=50 >=25 >=15 >=0
        [A, A, B, B, B, B], // CSRP >= 6.9
        [A, B, C, C, C, C], // CSRP >= 3.0
        [B, C, D, E, E, E], // CSRP >= 1.0
        [C, D, E, E, F, F], // CSRP >= 0.5
        [D, D, E, F, F, G], // CSRP >= 0.0
    ]
};

/// Step 2 tier by DC-SRP band, docs/rules/tiering.md#32-steps; `None` for medium (decided by score, see
/// [`DCSRP_MEDIUM_SCALE`]) and for not applicable (the step yields nothing).
pub const fn dcsrp_band_tier(band: DcSrpBand) -> Option<V3Level> {
    match band {
        DcSrpBand::VeryHigh => Some(V3Level::A),
        DcSrpBand::High => Some(V3Level::B),
        DcSrpBand::Low => Some(V3Level::E),
        DcSrpBand::Medium | DcSrpBand::NotApplicable => None,
    }
}

/// Step 2, band medium: the first minimum score reached, docs/rules/tiering.md#32-steps. Two scales
/// (without, then with risk reduction), hence C, D, C, D: not monotonic in score. A score
/// below the last minimum is an error.
pub const DCSRP_MEDIUM_SCALE: [(f64, V3Level); 4] =
    [(3.36, V3Level::C), (2.11, V3Level::D), (1.12, V3Level::C), (0.60, V3Level::D)];

/// Step 3 with MAPPA present, docs/rules/tiering.md#32-steps.
pub const fn mappa_rosh_tier_with_mappa(rosh: Option<RoshLevel>) -> V3Level {
    match rosh {
        Some(RoshLevel::VeryHigh) => V3Level::A,
        Some(RoshLevel::High) => V3Level::C,
        Some(RoshLevel::Medium) => V3Level::D,
        Some(RoshLevel::Low) | None => V3Level::E,
    }
}

/// Step 3 without MAPPA, docs/rules/tiering.md#32-steps.
pub const fn rosh_tier_without_mappa(rosh: Option<RoshLevel>) -> Option<V3Level> {
    match rosh {
        Some(RoshLevel::VeryHigh) => Some(V3Level::C),
        Some(RoshLevel::High) => Some(V3Level::D),
        Some(RoshLevel::Medium | RoshLevel::Low) | None => None,
    }
}

/// Step 4, life/IPP: the first row whose maximum years since release is not exceeded
/// (inclusive); beyond the last row, [`LIFE_IPP_LATER_TIER`]. docs/rules/tiering.md#32-steps.
pub const LIFE_IPP_RELEASE_YEARS: [(f64, V3Level); 2] = [(1.0, V3Level::B), (5.0, V3Level::D)];

/// Step 4, released more than the last row's years ago, docs/rules/tiering.md#32-steps.
pub const LIFE_IPP_LATER_TIER: V3Level = V3Level::E;

/// Steps 5-8: registrations that give a tier on their own, docs/rules/tiering.md#32-steps and
/// docs/rules/tiering.md#13-registrations.
pub const fn registration_tier(registration: Registration) -> Option<V3Level> {
    match registration {
        Registration::DomesticAbuse | Registration::SexualOffenceHistory => Some(V3Level::E),
        Registration::Stalking | Registration::ChildProtection => Some(V3Level::F),
        Registration::IomNominal
        | Registration::MentalHealth
        | Registration::SelfHarm
        | Registration::Vulnerability
        | Registration::ChildConcerns
        | Registration::RiskToChildren
        | Registration::PublicInterest
        | Registration::AdultAtRisk
        | Registration::StreetGangs
        | Registration::Terrorism
        | Registration::LiferIpp => None,
    }
}

/// P2 (RoSH missing), docs/rules/tiering.md#33-provisional-flag: the tier that the considered steps must reach for
/// the case to be firm, with and without MAPPA.
pub const P2_FIRM_WITH_MAPPA: V3Level = V3Level::A;
/// See [`P2_FIRM_WITH_MAPPA`].
pub const P2_FIRM_WITHOUT_MAPPA: V3Level = V3Level::C;

#[cfg(test)]
mod tests {
    use super::super::exact::exact_cmp_same_double;
    use super::*;

    #[test]
    fn rsr_bounds_are_comparable_exactly() {
        // The exact comparison must not overflow for any policy bound.
        for band in RSR_BANDS {
            assert!(exact_cmp_same_double(band.lower).is_some());
            assert!(exact_cmp_same_double(band.upper).is_some());
        }
    }

    #[test]
    fn threshold_tables_descend_and_end_at_zero() {
        fn descending(xs: &[f64]) -> bool {
            xs.windows(2).all(|w| w[0] > w[1])
        }
        assert!(descending(&CSRP_ROW_THRESHOLDS) && CSRP_ROW_THRESHOLDS[4] == 0.0);
        assert!(descending(&ARP_COLUMN_THRESHOLDS) && ARP_COLUMN_THRESHOLDS[5] == 0.0);
        assert!(descending(&DCSRP_MEDIUM_SCALE.map(|(s, _)| s)));
        assert_eq!(PROTECT_LEVEL_THRESHOLDS[3].0, 0);
        assert_eq!(CHANGE_LEVEL_THRESHOLDS[2].0, 0);
    }

    #[test]
    fn ten_complexity_factors() {
        let n = Registration::ALL.iter().filter(|r| is_complexity_factor(**r)).count();
        assert_eq!(n, 10);
    }
}
