//! The report's own sampling scheme (scheme.rs): examples and property tests.

mod common;

use common::{Row, csv as to_csv, row};
use inspect::longlist::{self, LonglistCase};
use inspect::sample::ExclusionReason;
use inspect::scheme::{ReportScheme, draw_report, is_ethnic_minority};
use jiff::civil::{Date, date};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Fieldwork 9 October 2017 (the report: five weeks in October and November 2017); the
/// default window is 9 December 2016 to 9 February 2017.
const FIELDWORK: Date = date(2017, 10, 9);

fn parse(rows: &[Row]) -> Vec<LonglistCase> {
    longlist::parse(&to_csv(rows)).expect("valid long list")
}

fn scheme(size: usize) -> ReportScheme {
    ReportScheme { buffer_percent: 0, ..ReportScheme::new(size, FIELDWORK) }
}

#[test]
fn the_window_is_about_nine_months_before_fieldwork() {
    let s = ReportScheme::new(148, FIELDWORK);
    assert_eq!((s.window_from, s.window_to), (date(2016, 12, 9), date(2017, 2, 9)));
    // Default minimums: 15% and 30% of 148, rounded half up (22.2 → 22, 44.4 → 44).
    assert_eq!((s.min_women, s.min_ethnic_minority), (22, 44));
    assert_eq!(s.target(), 178);
}

#[test]
fn ethnic_minority_is_any_stated_ethnicity_but_white() {
    for (ethnicity, expect) in [
        ("white", Some(false)),
        ("White British", Some(false)),
        ("black", Some(true)),
        ("Asian", Some(true)),
        ("mixed", Some(true)),
        ("other", Some(true)),
        ("not_stated", None),
        ("", None),
    ] {
        assert_eq!(is_ethnic_minority(ethnicity), expect, "{ethnicity:?}");
    }
}

#[test]
fn cases_outside_the_window_are_excluded_and_never_sampled() {
    let rows = vec![
        row(1).with(|r| r.start_date = "2016-12-08".into()), // a day before the window
        row(2).with(|r| r.start_date = "2016-12-09".into()), // first day
        row(3).with(|r| r.start_date = "2017-02-09".into()), // last day
        row(4).with(|r| r.start_date = "2017-02-10".into()), // a day after
        row(5).with(|r| r.start_date = "2017-10-10".into()), // after the fieldwork date
    ];
    let out = draw_report(&parse(&rows), &ReportScheme { min_women: 0, min_ethnic_minority: 0, ..scheme(5) }).unwrap();
    let excluded: Vec<(&str, ExclusionReason)> = out.excluded.iter().map(|e| (e.crn.as_str(), e.reason)).collect();
    assert_eq!(
        excluded,
        [
            ("X000001", ExclusionReason::OutsideWindow),
            ("X000004", ExclusionReason::OutsideWindow),
            ("X000005", ExclusionReason::NotStarted)
        ]
    );
    let sampled: Vec<&str> = out.cases.iter().map(|c| c.crn.as_str()).collect();
    assert_eq!(sampled, ["X000002", "X000003"]);
    assert_eq!(out.shortfall, 3);
}

#[test]
fn minimums_are_met_before_proportions_and_a_shortfall_is_reported() {
    // 20 white men, 3 women (one black), 4 black men; every case its own officer.
    let mut rows: Vec<Row> = (1..=20).map(|n| row(n).with(|r| r.start_date = "2017-01-10".into())).collect();
    rows.extend((21..=23).map(|n| row(n).female().with(|r| r.start_date = "2017-01-10".into())));
    rows[22].ethnicity = "black".into();
    rows.extend((24..=27).map(|n| {
        row(n).with(|r| {
            r.start_date = "2017-01-10".into();
            r.ethnicity = "black".into();
        })
    }));
    let cases = parse(&rows);
    let out = draw_report(&cases, &ReportScheme { min_women: 5, min_ethnic_minority: 4, ..scheme(10) }).unwrap();
    let women = &out.minimums[0];
    assert_eq!((women.group, women.minimum, women.population, women.drawn, women.shortfall), ("women", 5, 3, 3, 2));
    let minority = &out.minimums[1];
    assert_eq!((minority.group, minority.population, minority.shortfall), ("ethnic_minority", 5, 0));
    assert!(minority.drawn >= 4);
    assert_eq!(out.cases.len(), 10);
    assert_eq!(out.shortfall, 0);
}

#[test]
fn every_risk_and_reoffending_level_present_is_drawn() {
    // 30 low-RoSH, low-OGRS men and one case of each rarer level.
    let mut rows: Vec<Row> = (1..=30).map(|n| row(n).with(|r| r.start_date = "2017-01-10".into())).collect();
    for (n, rosh) in [(31, "medium"), (32, "high"), (33, "very_high")] {
        rows.push(row(n).rosh(rosh).with(|r| r.start_date = "2017-01-10".into()));
    }
    let csv = to_csv(&rows).replacen('\n', ",ogrs_band\n", 1);
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let bands = ["low", "medium", "high", "very_high"];
    for (i, line) in lines.iter_mut().enumerate().skip(1) {
        let band = if i > 30 { bands[i - 30] } else { "low" };
        line.push(',');
        line.push_str(band);
    }
    let cases = longlist::parse(&(lines.join("\n") + "\n")).unwrap();
    let out = draw_report(&cases, &ReportScheme { min_women: 0, min_ethnic_minority: 0, ..scheme(8) }).unwrap();
    let drawn = |counts: &[inspect::scheme::LevelCount]| -> Vec<(&str, usize)> {
        counts.iter().filter(|c| c.population > 0).map(|c| (c.level, c.drawn.min(1))).collect()
    };
    assert_eq!(drawn(&out.rosh), [("low", 1), ("medium", 1), ("high", 1), ("very_high", 1)]);
    assert_eq!(drawn(&out.reoffending), [("low", 1), ("medium", 1), ("high", 1), ("very_high", 1)]);
}

#[test]
fn a_bad_configuration_names_its_field() {
    for (json, field) in [
        (r#"{"fieldwork": "2017-13-01"}"#, "fieldwork"),
        (r#"{"fieldwork": "2017-10-09", "max_per_officer": 0}"#, "max_per_officer"),
        (r#"{"fieldwork": "2017-10-09", "min_women": 200}"#, "min_women"),
        (r#"{"fieldwork": "2017-10-09", "window_from": "2017-05-01", "window_to": "2017-04-01"}"#, "window_from"),
        (r#"{"fieldwork": "2017-10-09", "window_to": "2017-11-01"}"#, "window_to"),
        (r#"{"size": 10}"#, "fieldwork"),
    ] {
        let err = ReportScheme::from_config(json, Some(148), None).unwrap_err();
        assert_eq!(err.field.as_deref(), Some(field), "{json}: {err}");
    }
    let err = ReportScheme::from_config(r#"{"fieldwork": "2017-10-09", "min_womne": 3}"#, Some(148), None).unwrap_err();
    assert!(err.message.contains("min_womne"), "{err}");
    let ok = ReportScheme::from_config(r#"{"fieldwork": "2017-10-09", "min_women": 30, "seed": 4}"#, Some(148), None);
    assert_eq!(ok.map(|s| (s.min_women, s.seed, s.size)), Ok((30, 4, 148)));
}

/// A random long list in and around the window: genders, ethnicities, sentence types,
/// offices, officers, RoSH and OGRS bands, some redacted, duplicated or out of the window.
fn arb_longlist() -> impl Strategy<Value = Vec<LonglistCase>> {
    let one = (0u8..10, 0u8..4, 0u8..2, 0u8..3, 0u8..6, 0u8..4, 0u8..5, 0u8..12, 0u8..20);
    prop::collection::vec(one, 0..120).prop_map(|spec| {
        let rows: Vec<(Row, &str)> = spec
            .iter()
            .enumerate()
            .map(|(i, &(g, e, st, office, officer, rosh, band, month, misc))| {
                let n = i + 1;
                let r = row(n).with(|r| {
                    r.gender = ["M", "M", "M", "M", "M", "F", "F", "F", "other", ""][g as usize].into();
                    r.ethnicity = ["white", "black", "asian", "not_stated"][e as usize].into();
                    r.sentence_type = ["community", "post_custody"][st as usize].into();
                    r.office = format!("Office {office}");
                    r.officer = format!("Officer {officer}");
                    r.rosh = ["low", "medium", "high", "very_high"][rosh as usize].into();
                    // Months Nov 2016 to Oct 2017: some before, in and after the window.
                    let (y, m) = if month < 2 { (2016, 11 + month) } else { (2017, month - 1) };
                    r.start_date = format!("{y}-{m:02}-15");
                    if misc == 0 {
                        r.first_name = "J*****".into();
                    }
                    if misc == 1 && n > 1 {
                        r.pnc = format!("2010/{:07}A", n - 1); // the previous row's person
                    }
                });
                (r, ["low", "medium", "high", "very_high", ""][band as usize])
            })
            .collect();
        let mut csv = to_csv(&rows.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>());
        csv = csv.replacen('\n', ",ogrs_band\n", 1);
        let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
        for (line, (_, band)) in lines.iter_mut().skip(1).zip(&rows) {
            line.push(',');
            line.push_str(band);
        }
        longlist::parse(&(lines.join("\n") + "\n")).expect("valid")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn report_samples_keep_every_rule(
        cases in arb_longlist(),
        size in 0usize..40,
        cap in 1usize..5,
        seed in any::<u64>(),
        min_women in 0usize..10,
        min_minority in 0usize..10,
    ) {
        let s = ReportScheme {
            size,
            buffer_percent: 20,
            max_per_officer: cap,
            seed,
            fieldwork: FIELDWORK,
            window_from: date(2016, 12, 9),
            window_to: date(2017, 2, 28),
            min_women: min_women.min(size),
            min_ethnic_minority: min_minority.min(size),
        };
        let out = draw_report(&cases, &s).unwrap();

        // Same seed, same sample.
        prop_assert_eq!(&out, &draw_report(&cases, &s).unwrap());

        // Never an excluded case, never a case twice, never more than the target.
        let excluded: BTreeSet<&str> = out.excluded.iter().map(|e| e.crn.as_str()).collect();
        let sampled: Vec<&str> = out.cases.iter().map(|c| c.crn.as_str()).collect();
        let unique: BTreeSet<&str> = sampled.iter().copied().collect();
        prop_assert_eq!(unique.len(), sampled.len());
        prop_assert!(sampled.iter().all(|c| !excluded.contains(c)));
        prop_assert!(sampled.len() <= s.target());
        prop_assert_eq!(out.shortfall, s.target() - sampled.len());
        let by_crn: BTreeMap<&str, &LonglistCase> = cases.iter().map(|c| (c.crn.as_str(), c)).collect();
        for c in &sampled {
            let case = by_crn[c];
            prop_assert!(case.start_date >= s.window_from && case.start_date <= s.window_to);
        }

        // No officer above the cap.
        let mut per_officer: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
        for c in &out.cases {
            *per_officer.entry((&c.cluster, &c.ldu, &c.responsible_officer)).or_default() += 1;
        }
        prop_assert!(per_officer.values().all(|&n| n <= cap));

        // The sample is short only when no eligible case is left under the cap.
        let eligible: Vec<&LonglistCase> = cases.iter().filter(|c| !excluded.contains(c.crn.as_str())).collect();
        let mut eligible_per_officer: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
        for c in &eligible {
            *eligible_per_officer.entry((&c.cluster, &c.ldu, &c.responsible_officer)).or_default() += 1;
        }
        let capacity: usize = eligible_per_officer.values().map(|&n| n.min(cap)).sum();
        prop_assert_eq!(sampled.len(), s.target().min(capacity));

        // Minimums met when the population allows (within the cap, and within the target);
        // otherwise the shortfall says by how much.
        let women_capacity: usize = {
            let mut m: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
            for c in eligible.iter().filter(|c| c.gender == longlist::Gender::Female) {
                *m.entry((&c.cluster, &c.ldu, &c.responsible_officer)).or_default() += 1;
            }
            m.values().map(|&n| n.min(cap)).sum()
        };
        let women = &out.minimums[0];
        prop_assert_eq!(women.drawn >= s.min_women, women.shortfall == 0);
        prop_assert_eq!(women.shortfall, s.min_women.saturating_sub(women.drawn));
        if women_capacity >= s.min_women {
            prop_assert!(women.drawn >= s.min_women, "women {} < {}", women.drawn, s.min_women);
        }
        let minority = &out.minimums[1];
        prop_assert_eq!(minority.shortfall, s.min_ethnic_minority.saturating_sub(minority.drawn));
        // With a cap that cannot bind, the minority minimum is met whenever there are
        // enough eligible cases and room in the target beside the women's minimum.
        let uncapped = ReportScheme { max_per_officer: usize::MAX, ..s.clone() };
        let free = draw_report(&cases, &uncapped).unwrap();
        let minority = &free.minimums[1];
        if minority.population >= s.min_ethnic_minority && s.min_women + s.min_ethnic_minority <= s.target() {
            prop_assert!(minority.drawn >= s.min_ethnic_minority, "minority {} < {}", minority.drawn, s.min_ethnic_minority);
        }
    }
}
