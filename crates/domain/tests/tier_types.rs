//! The public tiering types: parsing, display, defaults, and the release-date helper.

use domain::tier::{
    ChangeLevel, Finite, Gender, LegacyTier, ProtectLevel, Registration, TierInput, V3Level, V3Tier, legacy,
    released_years_ago, v3,
};
use jiff::civil::{Date, date};
use proptest::prelude::*;
use serde_json::json;

#[test]
fn default_input_is_the_documented_default() {
    // docs/rules/tiering.md#0-the-command: male, nothing registered, no scores, no sentence, active event.
    let d = TierInput::default();
    assert_eq!(d.gender, Gender::NotFemale);
    assert!(d.has_active_event);
    assert!(d.registrations.is_empty() && d.needs.is_empty());
    assert_eq!(d.sentence, None);
    assert_eq!(TierInput::from_json(json!({})).unwrap(), d);
}

#[test]
fn finite_rejects_nan_and_infinity() {
    assert!(Finite::new(f64::NAN).is_none());
    assert!(Finite::new(f64::INFINITY).is_none());
    assert!(Finite::new(f64::NEG_INFINITY).is_none());
    assert_eq!(Finite::new(-0.5).map(Finite::get), Some(-0.5));
}

#[test]
fn tier_input_deserialises_through_serde_with_field_paths() {
    #[derive(serde::Deserialize, Debug)]
    struct Wrapper {
        #[allow(dead_code)]
        input: TierInput,
    }
    let ok: Wrapper = serde_json::from_value(json!({"input": {"rosh": "high"}})).unwrap();
    assert_eq!(ok.input.rosh, Some(domain::tier::RoshLevel::High));
    let err =
        serde_json::from_value::<Wrapper>(json!({"input": {"needs": {"attitudes": "x"}}})).unwrap_err().to_string();
    assert!(err.contains("field needs.attitudes"), "{err}");
}

#[test]
fn input_error_names_the_field() {
    let e = TierInput::from_json(json!({"sentence": {"requirements": [{"kind": "x"}]}})).unwrap_err();
    assert_eq!(e.field, "sentence.requirements[0].kind");
    let e = TierInput::from_json(json!(5)).unwrap_err();
    assert_eq!(e.to_string(), "field input: expected an object, found a number");
}

#[test]
fn tier_serialisation() {
    let t: LegacyTier = "C2".parse().unwrap();
    assert_eq!(t.protect, ProtectLevel::C);
    assert_eq!(t.change, ChangeLevel::Two);
    assert_eq!(serde_json::to_value(t).unwrap(), json!("C2"));
    assert_eq!(serde_json::from_value::<LegacyTier>(json!("A3")).unwrap().to_string(), "A3");
    assert!(serde_json::from_value::<LegacyTier>(json!("A4")).is_err());
    assert_eq!(serde_json::to_value(ChangeLevel::Three).unwrap(), json!(3));
    assert_eq!(serde_json::to_value(ProtectLevel::B).unwrap(), json!("B"));
    assert_eq!(serde_json::to_value(V3Tier::NotSupervised).unwrap(), json!("NOT_SUPERVISED"));
    assert_eq!(serde_json::to_value(V3Tier::Level(V3Level::E)).unwrap(), json!("E"));
    assert_eq!(serde_json::from_value::<V3Tier>(json!("MISSING")).unwrap(), V3Tier::Missing);
    assert_eq!(Registration::DomesticAbuse.to_string(), "domestic_abuse");
}

#[test]
fn orders_are_by_seriousness() {
    assert!(ProtectLevel::A > ProtectLevel::B && ProtectLevel::C > ProtectLevel::D);
    assert!(V3Level::A > V3Level::B && V3Level::F > V3Level::G);
    assert!(ChangeLevel::Three > ChangeLevel::Zero);
}

#[test]
fn legacy_change_basis_explains_the_rule() {
    // docs/rules/tiering.md#22-change-axis: which rule decided, and the component points.
    let input = TierInput::from_json(json!({
        "sentence": {"custodial": true}, "assessment_completed_weeks_ago": 3,
        "ogrs": 45, "needs": {"attitudes": "standard"}, "registrations": ["iom_nominal"]
    }))
    .unwrap();
    assert_eq!(legacy::change_basis(&input), Ok(legacy::ChangeBasis::Scored { needs: 2, ogrs: 4, iom: 2 }));
    let b = legacy::protect_breakdown(&TierInput::from_json(json!({"rsr": 50, "rosh": "medium"})).unwrap());
    assert_eq!((b.rsr, b.rosh, b.total()), (20, 10, 20));
}

fn years(release: Date, today: Date) -> f64 {
    released_years_ago(release, today).get()
}

#[test]
fn released_years_ago_boundaries() {
    // docs/rules/tiering.md#12-v3-fields and docs/rules/tiering.md#32-steps step 4: Y + d/365; boundary days inclusive.
    let today = date(2026, 8, 1);
    assert_eq!(years(date(2025, 8, 1), today), 1.0);
    assert_eq!(years(date(2025, 7, 31), today), 1.0 + 1.0 / 365.0);
    assert_eq!(years(date(2021, 8, 1), today), 5.0);
    assert_eq!(years(date(2021, 7, 31), today), 5.0 + 1.0 / 365.0);
    assert_eq!(years(today, today), 0.0);
    assert_eq!(years(date(2026, 8, 2), today), -1.0 / 365.0);
    assert_eq!(years(date(2027, 8, 2), today), -(1.0 + 1.0 / 365.0));
    // 29 February minus one year is 28 February.
    assert_eq!(years(date(2023, 2, 28), date(2024, 2, 29)), 1.0);
    assert_eq!(years(date(2023, 2, 27), date(2024, 2, 29)), 1.0 + 1.0 / 365.0);
    // Released on a leap day, today 28 Feb next year: still within the year (B).
    let t = released_years_ago(date(2024, 2, 29), date(2025, 2, 28));
    assert_eq!(v3::life_ipp_tier(t), V3Level::B);
    let t = released_years_ago(date(2024, 2, 28), date(2025, 3, 1));
    assert_eq!(v3::life_ipp_tier(t), V3Level::D);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `<= 1` and `<= 5` on the measure agree with "released on or after today minus 1 (5)
    /// calendar years" (docs/rules/tiering.md#32-steps step 4) on every pair of dates.
    #[test]
    fn released_years_ago_agrees_with_calendar_rule(
        today_offset in 0i64..20_000,
        back in -800i64..2_500,
    ) {
        let today = date(1990, 1, 1).checked_add(jiff::Span::new().days(today_offset)).unwrap();
        let release = today.checked_sub(jiff::Span::new().days(back)).unwrap();
        let y = years(release, today);
        for n in [1i64, 5] {
            let bound = today.checked_sub(jiff::Span::new().years(n)).unwrap();
            prop_assert_eq!(y <= n as f64, release >= bound, "n={} release={} today={}", n, release, today);
        }
        prop_assert_eq!(y < 0.0, release > today);
    }
}
