//! Properties every sample must have, over generated long lists.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{Row, csv, row};
use inspect::longlist;
use inspect::sample::{SampleOptions, Stratum, draw, exclusions, plan_strata};
use jiff::civil::date;
use proptest::prelude::*;

/// gender, sentence, rosh, officer, identity, start, redacted, ldu (small codes).
type RowSpec = (u8, u8, u8, u8, u8, u8, u8, u8);

fn arb_row() -> impl Strategy<Value = RowSpec> {
    // gender, sentence, rosh, officer, identity, start, redacted, ldu
    (0..10u8, 0..2u8, 0..4u8, 0..5u8, 0..40u8, 0..20u8, 0..30u8, 0..3u8)
}

fn build(spec: &[RowSpec]) -> Vec<Row> {
    spec.iter()
        .enumerate()
        .map(|(i, &(g, s, r, o, id, start, red, ldu))| {
            row(i + 1).with(|row| {
                row.gender = match g {
                    0 => "other".into(),
                    1 => String::new(),
                    2..=4 => "F".into(),
                    _ => "M".into(),
                };
                row.sentence_type = ["community", "post_custody"][s as usize].into();
                row.rosh = ["low", "medium", "high", "very_high"][r as usize].into();
                let (cluster, ldu) = [("North", "Barnet"), ("North", "Brent"), ("South", "Sutton")][ldu as usize];
                row.cluster = cluster.into();
                row.ldu = ldu.into();
                row.officer = format!("Officer {o}");
                // A small pool of identities makes duplicates common.
                row.pnc = if id % 3 == 0 { String::new() } else { format!("P{id}") };
                row.first_name = format!("F{}", id / 2);
                row.family_name = "Smith".into();
                row.start_date = format!("2017-09-{:02}", 10 + start); // up to 2017-09-29
                if start >= 18 {
                    row.start_date = "2017-11-01".into(); // after the as-of date
                }
                if red == 0 {
                    row.first_name = "*****".into();
                }
            })
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn samples_keep_every_rule(
        spec in prop::collection::vec(arb_row(), 0..70),
        size in 0usize..40,
        buffer in 0u32..50,
        cap in 1usize..8,
        seed in any::<u64>(),
    ) {
        let rows = build(&spec);
        let text = csv(&rows);
        let opts = SampleOptions {
            buffer_percent: buffer,
            max_per_officer: cap,
            seed,
            ..SampleOptions::new(size, date(2017, 10, 1))
        };
        let out = draw(&text, &opts).unwrap();

        // Same seed, same sample.
        prop_assert_eq!(&out, &draw(&text, &opts).unwrap());

        let cases = longlist::parse(&text).unwrap();
        let reasons = exclusions(&cases, opts.as_of);
        let excluded: BTreeSet<&str> = out.excluded.iter().map(|e| e.crn.as_str()).collect();
        let sampled: BTreeSet<&str> = out.cases.iter().map(|c| c.crn.as_str()).collect();
        prop_assert_eq!(sampled.len(), out.cases.len(), "a case sampled twice");
        prop_assert!(sampled.is_disjoint(&excluded), "an excluded case was sampled");

        // No officer above the cap (officer = cluster, LDU, name).
        let mut per_officer: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
        for c in &out.cases {
            *per_officer.entry((&c.cluster, &c.ldu, &c.responsible_officer)).or_default() += 1;
        }
        prop_assert!(per_officer.values().all(|&n| n <= cap));

        // Each case in its stratum; sizes add up and fit the population.
        let by_crn: BTreeMap<&str, &longlist::LonglistCase> =
            cases.iter().map(|c| (c.crn.as_str(), c)).collect();
        for c in &out.cases {
            prop_assert_eq!(Stratum::of(by_crn[c.crn.as_str()]).unwrap().name(), c.stratum.as_str());
        }
        for s in &out.strata {
            prop_assert!(s.size <= s.population);
            prop_assert_eq!(out.cases.iter().filter(|c| c.stratum == s.name).count(), s.size);
        }

        // Total = min(target, what the officers can supply); without a binding cap that is
        // min(target, eligible).
        let mut eligible_per_officer: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
        for (c, r) in cases.iter().zip(&reasons) {
            if r.is_none() {
                *eligible_per_officer
                    .entry((&c.cluster, &c.ldu, &c.responsible_officer))
                    .or_default() += 1;
            }
        }
        let eligible: usize = eligible_per_officer.values().sum();
        let supply: usize = eligible_per_officer.values().map(|&n| n.min(cap)).sum();
        prop_assert_eq!(out.target, opts.target());
        prop_assert_eq!(out.cases.len(), out.target.min(supply));
        prop_assert_eq!(out.shortfall, out.target - out.cases.len());
        if eligible_per_officer.values().all(|&n| n <= cap) {
            prop_assert_eq!(out.cases.len(), out.target.min(eligible));
            // Stratum sizes exactly as specified when no officer cap binds.
            let populations: Vec<usize> = out.strata.iter().map(|s| s.population).collect();
            let (_, planned) = plan_strata(size, buffer, &populations, &populations);
            let sizes: Vec<usize> = out.strata.iter().map(|s| s.size).collect();
            prop_assert_eq!(sizes, planned);
        }
        prop_assert_eq!(out.excluded.len() + eligible, cases.len());
    }

    #[test]
    fn apportion_sums_to_what_can_be_supplied(
        items in prop::collection::vec((0usize..30, 0usize..30), 1..8),
        k in 0usize..100,
    ) {
        let populations: Vec<usize> = items.iter().map(|i| i.0).collect();
        let caps: Vec<usize> = items.iter().map(|i| i.0.min(i.1)).collect();
        let sizes = inspect::sample::apportion(k, &populations, &caps);
        prop_assert_eq!(sizes.iter().sum::<usize>(), k.min(caps.iter().sum()));
        prop_assert!(sizes.iter().zip(&caps).all(|(s, c)| s <= c));
    }
}
