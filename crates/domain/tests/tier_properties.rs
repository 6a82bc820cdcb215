//! Invariants of both tiering models over generated inputs (docs/rules/tiering.md#2-legacy-model and
//! docs/rules/tiering.md#3-v3-model). Generators lean on the documented boundary values so edges are hit often.

use std::collections::BTreeSet;

use domain::tier::{
    ChangeLevel, DcSrpBand, FemaleFactors, Finite, Gender, MappaCategory, MappaLevel, Model, NeedArea, NeedSeverity,
    PredictorType, ProtectLevel, Registration, Requirement, RequirementKind, RoshLevel, Sentence, TierInput, V3Tier,
    legacy, run_command, v3,
};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};

fn num(edges: &'static [f64], lo: f64, hi: f64) -> impl Strategy<Value = Option<Finite>> {
    prop_oneof![
        1 => Just(None),
        2 => select(edges).prop_map(Finite::new),
        2 => (lo..hi).prop_map(Finite::new),
    ]
}

fn opt<T: Clone + std::fmt::Debug + 'static>(values: Vec<T>) -> impl Strategy<Value = Option<T>> {
    prop::option::of(select(values))
}

fn rosh() -> impl Strategy<Value = Option<RoshLevel>> {
    use RoshLevel::*;
    opt(vec![Low, Medium, High, VeryHigh])
}

fn predictor_type() -> impl Strategy<Value = Option<PredictorType>> {
    opt(vec![PredictorType::Static, PredictorType::Dynamic])
}

fn sentence() -> impl Strategy<Value = Option<Sentence>> {
    use RequirementKind::*;
    let kinds = prop::collection::vec(select(vec![UnpaidWork, Restrictive, Rehabilitative]), 0..3);
    prop::option::of((any::<bool>(), kinds, any::<bool>()).prop_map(|(custodial, kinds, order_extended)| Sentence {
        custodial,
        requirements: kinds.into_iter().map(|kind| Requirement { kind }).collect(),
        order_extended,
    }))
}

fn input() -> impl Strategy<Value = TierInput> {
    use NeedSeverity::*;
    let shared = (
        prop_oneof![Just(Gender::Female), Just(Gender::NotFemale)],
        rosh(),
        num(&[0.0, 2.99, 3.0, 6.99, 6.995, 7.0, 99.98, 99.99, 100.0, -1.0], -5.0, 120.0),
        num(&[0.0, 9.0, 10.0, 59.9, 100.0, 150.0, -1.0], 0.0, 120.0),
        opt(vec![MappaLevel::One, MappaLevel::Two, MappaLevel::Three]),
        prop::collection::btree_set(select(Registration::ALL.to_vec()), 0..6),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        prop::collection::btree_map(select(NeedArea::ALL.to_vec()), select(vec![NoNeed, Standard, Severe]), 0..10),
        num(&[0.0, 55.0, 55.01, 56.0], -1.0, 80.0),
        sentence(),
    );
    let v3_only = (
        prop::bool::weighted(0.9),
        num(&[0.0, 15.0, 25.0, 50.0, 75.0, 90.0, 100.0, -0.5], 0.0, 100.0),
        predictor_type(),
        num(&[0.0, 0.5, 1.0, 3.0, 6.9, -0.5], 0.0, 10.0),
        predictor_type(),
        num(&[0.0, 0.59, 0.6, 1.12, 2.11, 3.36, -1.0], 0.0, 5.0),
        opt(vec![DcSrpBand::Low, DcSrpBand::Medium, DcSrpBand::High, DcSrpBand::VeryHigh, DcSrpBand::NotApplicable]),
        opt(vec![MappaCategory::One, MappaCategory::Two, MappaCategory::Three, MappaCategory::Four]),
        num(&[-1.0, 0.0, 1.0, 5.0, 5.01], -2.0, 20.0),
    );
    (shared, v3_only).prop_map(|(s, v)| TierInput {
        gender: s.0,
        rosh: s.1,
        rsr: s.2,
        ogrs: s.3,
        mappa_level: s.4,
        registrations: s.5,
        female_factors: FemaleFactors {
            parenting_responsibilities: s.6.0,
            impulsivity: s.6.1,
            temper_control: s.6.2,
            previous_breach_or_recall: s.6.3,
        },
        needs: s.7,
        assessment_completed_weeks_ago: s.8,
        sentence: s.9,
        has_active_event: v.0,
        arp: v.1,
        arp_type: v.2,
        csrp: v.3,
        csrp_type: v.4,
        dcsrp: v.5,
        dcsrp_band: v.6,
        mappa_category: v.7,
        life_or_ipp_released_years_ago: v.8,
    })
}

/// The V3 tier as a comparable level; `None` for the special values.
fn level(t: V3Tier) -> Option<domain::tier::V3Level> {
    match t {
        V3Tier::Level(l) => Some(l),
        V3Tier::NotSupervised | V3Tier::Missing => None,
    }
}

fn cfg() -> ProptestConfig {
    ProptestConfig::with_cases(256)
}

proptest! {
    #![proptest_config(cfg())]

    /// docs/rules/tiering.md#216-protect-level and docs/rules/tiering.md#22-change-axis: more points never give a lower
    /// level.
    #[test]
    fn levels_are_monotone_in_points(a in 0u32..400, b in 0u32..400) {
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(ProtectLevel::from_points(lo) <= ProtectLevel::from_points(hi));
        prop_assert!(ChangeLevel::from_points(lo) <= ChangeLevel::from_points(hi));
        prop_assert!(ChangeLevel::from_points(lo) >= ChangeLevel::One);
    }

    /// docs/rules/tiering.md#216-protect-level (its note) and docs/rules/tiering.md#23-tier-string: the output fields
    /// agree with each other, only MAPPA level 1 makes the total odd, and 151/153 never occur.
    #[test]
    fn legacy_result_is_self_consistent(input in input()) {
        if let Ok(r) = legacy::calculate(&input) {
            prop_assert_eq!(r.protect_level, ProtectLevel::from_points(r.protect_points));
            prop_assert_eq!(r.tier.protect, r.protect_level);
            prop_assert_eq!(r.tier.change, r.change_level);
            prop_assert_eq!(
                r.tier.to_string(),
                format!("{}{}", r.protect_level, r.change_level.digit())
            );
            prop_assert_eq!(r.protect_points % 2 == 1, input.mappa_level == Some(MappaLevel::One));
            prop_assert!(r.protect_points != 151 && r.protect_points != 153);
            if r.change_level == ChangeLevel::Zero {
                prop_assert_eq!(r.change_points, 0);
            }
        }
    }

    /// docs/rules/tiering.md#215-womens-factors: the women's component is 0 for anyone not female, and 0, 2, 4 or
    /// 6 for women.
    #[test]
    fn women_factors_add_0_to_6_for_women_only(input in input()) {
        let mut without = input.clone();
        without.female_factors = FemaleFactors::default();
        if let (Ok(with), Ok(without)) = (legacy::calculate(&input), legacy::calculate(&without)) {
            let extra = with.protect_points - without.protect_points;
            if input.gender == Gender::Female {
                prop_assert!([0, 2, 4, 6].contains(&extra));
            } else {
                prop_assert_eq!(extra, 0);
            }
            prop_assert_eq!(with.change_points, without.change_points);
        }
    }

    /// docs/rules/tiering.md#214-complexity-factors and docs/rules/tiering.md#221-change-points: a registration only
    /// ever adds points.
    #[test]
    fn adding_a_registration_never_lowers_the_legacy_tier(
        input in input(),
        extra in select(Registration::ALL.to_vec()),
    ) {
        let mut more = input.clone();
        more.registrations.insert(extra);
        if let (Ok(a), Ok(b)) = (legacy::calculate(&input), legacy::calculate(&more)) {
            prop_assert!(b.protect_points >= a.protect_points);
            prop_assert!(b.change_points >= a.change_points);
            prop_assert!(b.protect_level >= a.protect_level);
            prop_assert!(b.change_level >= a.change_level);
        }
    }

    /// docs/rules/tiering.md#31-outcomes: the special values come first and are never provisional.
    #[test]
    fn special_values(input in input()) {
        let r = v3::calculate(&input);
        if !input.has_active_event {
            prop_assert_eq!(r.map(|r| (r.tier, r.provisional)), Ok((V3Tier::NotSupervised, false)));
        } else if input.arp.is_none() || input.csrp.is_none() {
            prop_assert_eq!(r.map(|r| (r.tier, r.provisional)), Ok((V3Tier::Missing, false)));
        } else if let Ok(r) = r {
            prop_assert!(level(r.tier).is_some());
        }
    }

    /// docs/rules/tiering.md#32-steps: the tier is the highest of the steps. Checked independently by
    /// running each factor alone (on top of ARP = CSRP = 0, which gives G) and taking the
    /// maximum of those tiers.
    #[test]
    fn v3_tier_is_the_max_over_single_factor_inputs(input in input()) {
        prop_assume!(input.has_active_event && input.arp.is_some() && input.csrp.is_some());
        let zero = Finite::new(0.0);
        let base = TierInput { arp: zero, csrp: zero, rosh: Some(RoshLevel::Low), ..TierInput::default() };
        let singles = [
            TierInput { arp: input.arp, csrp: input.csrp, ..base.clone() },
            TierInput { dcsrp: input.dcsrp, dcsrp_band: input.dcsrp_band, ..base.clone() },
            TierInput { rosh: input.rosh, mappa_category: input.mappa_category, ..base.clone() },
            TierInput {
                registrations: input.registrations.clone(),
                life_or_ipp_released_years_ago: input.life_or_ipp_released_years_ago,
                ..base.clone()
            },
        ];
        let parts: Result<Vec<_>, _> = singles.iter().map(v3::calculate).collect();
        match (v3::calculate(&input), parts) {
            (Ok(whole), Ok(parts)) => {
                let max = parts.iter().filter_map(|p| level(p.tier)).max();
                prop_assert_eq!(level(whole.tier), max);
            }
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            (whole, parts) => prop_assert!(false, "whole {:?} vs parts {:?}", whole, parts),
        }
    }

    /// docs/rules/tiering.md#32-steps: "steps never lower a tier": adding a registration, adding MAPPA or
    /// raising RoSH never lowers the V3 tier.
    #[test]
    fn more_risk_never_lowers_the_v3_tier(
        input in input(),
        extra in select(Registration::ALL.to_vec()),
        rosh in select(vec![RoshLevel::Low, RoshLevel::Medium, RoshLevel::High, RoshLevel::VeryHigh]),
    ) {
        let Ok(before) = v3::calculate(&input) else { return Ok(()) };
        let mut with_reg = input.clone();
        with_reg.registrations.insert(extra);
        let mut with_mappa = input.clone();
        with_mappa.mappa_category = Some(MappaCategory::Two);
        let mut higher_rosh = input.clone();
        higher_rosh.rosh = Some(input.rosh.map_or(rosh, |r| r.max(rosh)));
        for after in [&with_reg, &with_mappa, &higher_rosh].map(v3::calculate) {
            let after = after.expect("these changes cannot introduce an error");
            match (level(before.tier), level(after.tier)) {
                (Some(b), Some(a)) => prop_assert!(a >= b),
                _ => prop_assert_eq!(before.tier, after.tier),
            }
        }
    }

    /// docs/rules/tiering.md#32-steps and docs/rules/tiering.md#33-provisional-flag: static/dynamic changes only the
    /// provisional flag, and with RoSH present and no static score the tier is firm.
    #[test]
    fn predictor_types_only_affect_provisional(
        input in input(),
        arp_type in predictor_type(),
        csrp_type in predictor_type(),
    ) {
        let mut other = input.clone();
        other.arp_type = arp_type;
        other.csrp_type = csrp_type;
        if let (Ok(a), Ok(b)) = (v3::calculate(&input), v3::calculate(&other)) {
            prop_assert_eq!(a.tier, b.tier);
            let any_static = [input.arp_type, input.csrp_type].contains(&Some(PredictorType::Static));
            if input.rosh.is_some() && !any_static {
                prop_assert!(!a.provisional);
            }
        }
    }

    /// The JSON form round-trips: what `TierInput` serialises, `from_json` reads back.
    #[test]
    fn input_json_round_trips(input in input()) {
        let value = serde_json::to_value(&input).unwrap();
        prop_assert_eq!(TierInput::from_json(value).unwrap(), input);
    }

    /// docs/rules/tiering.md#0-the-command: the command gives, row by row and in order, what the calculations give.
    #[test]
    fn command_matches_the_calculations(inputs in prop::collection::vec(input(), 0..6)) {
        let stdin = Value::Array(
            inputs.iter().enumerate().map(|(i, input)| json!({"id": i, "input": input})).collect(),
        ).to_string();
        for model in [Model::Legacy, Model::V3] {
            let out = run_command(model, &stdin).unwrap();
            let rows: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
            prop_assert_eq!(rows.len(), inputs.len());
            let mut failed = false;
            for (i, (row, input)) in rows.iter().zip(&inputs).enumerate() {
                let mut want = match model {
                    Model::Legacy => legacy::calculate(input).map(|r| serde_json::to_value(r).unwrap()),
                    Model::V3 => v3::calculate(input).map(|r| serde_json::to_value(r).unwrap()),
                }
                .unwrap_or_else(|e| { failed = true; json!({"error": e.to_string()}) });
                want["id"] = json!(i);
                prop_assert_eq!(row, &want);
            }
            prop_assert_eq!(out.exit_code, i32::from(failed));
        }
    }
}

#[test]
fn registrations_are_a_set() {
    // Duplicates in the JSON list collapse (complexity factors are de-duplicated, 2.1.4).
    let input = TierInput::from_json(json!({"registrations": ["self_harm", "self_harm"]})).unwrap();
    assert_eq!(input.registrations, BTreeSet::from([Registration::SelfHarm]));
}
