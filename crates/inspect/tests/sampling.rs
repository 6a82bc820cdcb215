//! Sampling rules (docs/rules/practice.md#sampling), one test per rule, worked by hand.

mod common;

use std::collections::BTreeMap;

use common::{Row, csv, row};
use inspect::sample::{ExclusionReason, SampleOptions, SampleOutput, Stratum, apportion, draw, plan_strata};
use jiff::civil::date;

fn options(size: usize) -> SampleOptions {
    SampleOptions::new(size, date(2017, 10, 1))
}

fn run(rows: &[Row], opts: &SampleOptions) -> SampleOutput {
    draw(&csv(rows), opts).expect("valid long list")
}

fn excluded(out: &SampleOutput) -> Vec<(String, ExclusionReason)> {
    out.excluded.iter().map(|e| (e.crn.clone(), e.reason)).collect()
}

fn crns(out: &SampleOutput) -> Vec<&str> {
    out.cases.iter().map(|c| c.crn.as_str()).collect()
}

#[test]
fn redacted_cases_are_excluded_whichever_name_is_redacted() {
    let rows =
        [row(1).with(|r| r.first_name = "J*****".into()), row(2).with(|r| r.family_name = "*****".into()), row(3)];
    let out = run(&rows, &options(10));
    assert_eq!(
        excluded(&out),
        [("X000001".into(), ExclusionReason::Redacted), ("X000002".into(), ExclusionReason::Redacted)]
    );
    assert_eq!(crns(&out), ["X000003"]);
}

#[test]
fn cases_starting_after_the_as_of_date_are_not_started() {
    let rows = [
        row(1).with(|r| r.start_date = "2017-10-02".into()),
        // Starting on the as-of date counts as started.
        row(2).with(|r| r.start_date = "2017-10-01".into()),
    ];
    let out = run(&rows, &options(10));
    assert_eq!(excluded(&out), [("X000001".into(), ExclusionReason::NotStarted)]);
    assert_eq!(crns(&out), ["X000002"]);
}

#[test]
fn gender_other_or_missing_is_excluded() {
    let rows = [
        row(1).with(|r| r.gender = "other".into()),
        row(2).with(|r| r.gender = String::new()),
        row(3).female(),
        row(4),
    ];
    let out = run(&rows, &options(10));
    assert_eq!(
        excluded(&out),
        [("X000001".into(), ExclusionReason::Gender), ("X000002".into(), ExclusionReason::Gender)]
    );
    assert_eq!(out.cases.len(), 2);
}

#[test]
fn a_case_gets_the_first_reason_that_applies() {
    let rows = [
        row(1).with(|r| {
            r.first_name = "*".into();
            r.start_date = "2018-01-01".into();
            r.gender = "other".into();
        }),
        row(2).with(|r| {
            r.start_date = "2018-01-01".into();
            r.gender = "other".into();
        }),
    ];
    let out = run(&rows, &options(10));
    assert_eq!(
        excluded(&out),
        [("X000001".into(), ExclusionReason::Redacted), ("X000002".into(), ExclusionReason::NotStarted)]
    );
}

#[test]
fn duplicate_by_pnc_keeps_the_earliest_case_even_when_listed_later() {
    let rows = [
        row(1).with(|r| {
            r.pnc = "2001/0000001Z".into();
            r.start_date = "2017-03-01".into();
        }),
        row(2).with(|r| {
            r.pnc = "2001/0000001z".into(); // same PNC, other letter case
            r.start_date = "2017-01-05".into();
        }),
    ];
    let out = run(&rows, &options(10));
    assert_eq!(excluded(&out), [("X000001".into(), ExclusionReason::Duplicate)]);
    assert_eq!(crns(&out), ["X000002"]);
}

#[test]
fn duplicate_by_name_and_date_of_birth() {
    let same_person = |r: &mut Row| {
        r.pnc = String::new();
        r.first_name = "Kwame".into();
        r.family_name = "Mensah".into();
        r.dob = "1985-06-30".into();
    };
    let rows = [
        row(1).with(same_person).with(|r| r.start_date = "2017-02-01".into()),
        row(2).with(same_person).with(|r| {
            r.first_name = "KWAME".into();
            r.start_date = "2017-01-01".into();
        }),
        // Same names, other date of birth: another person.
        row(3).with(same_person).with(|r| r.dob = "1985-06-29".into()),
        // Same date of birth, other first name: another person.
        row(4).with(same_person).with(|r| r.first_name = "Kofi".into()),
    ];
    let out = run(&rows, &options(10));
    assert_eq!(excluded(&out), [("X000001".into(), ExclusionReason::Duplicate)]);
    assert_eq!(out.cases.len(), 3);
}

#[test]
fn duplicates_chain_and_ties_on_start_date_keep_the_earlier_row() {
    let rows = [
        // 1 and 2 share a PNC; 2 and 3 share name and dob: one person.
        row(1).with(|r| r.pnc = "P1".into()),
        row(2).with(|r| {
            r.pnc = "P1".into();
            r.first_name = "Ann".into();
            r.family_name = "Lee".into();
        }),
        row(3).with(|r| {
            r.pnc = String::new();
            r.first_name = "Ann".into();
            r.family_name = "Lee".into();
        }),
    ];
    let out = run(&rows, &options(10));
    assert_eq!(
        excluded(&out),
        [("X000002".into(), ExclusionReason::Duplicate), ("X000003".into(), ExclusionReason::Duplicate)]
    );
    assert_eq!(crns(&out), ["X000001"]);
}

#[test]
fn an_excluded_case_does_not_displace_a_later_sampleable_case() {
    let rows = [
        row(1).with(|r| {
            r.pnc = "P1".into();
            r.first_name = "**".into();
            r.start_date = "2017-01-01".into();
        }),
        row(2).with(|r| {
            r.pnc = "P1".into();
            r.start_date = "2017-02-01".into();
        }),
    ];
    let out = run(&rows, &options(10));
    assert_eq!(excluded(&out), [("X000001".into(), ExclusionReason::Redacted)]);
    assert_eq!(crns(&out), ["X000002"]);
}

#[test]
fn strata_are_by_gender_sentence_type_and_rosh() {
    let cases = [
        (row(1).female().post_custody().rosh("high"), "FEMALE"),
        (row(2).female(), "FEMALE"),
        (row(3).rosh("medium"), "MALE_COMMUNITY_NON_LOW"),
        (row(4).rosh("high"), "MALE_COMMUNITY_NON_LOW"),
        (row(5).rosh("very_high"), "MALE_COMMUNITY_NON_LOW"),
        (row(6), "MALE_COMMUNITY_LOW"),
        (row(7).post_custody().rosh("medium"), "MALE_POST_CUSTODY_NON_LOW"),
        (row(8).post_custody().rosh("very_high"), "MALE_POST_CUSTODY_NON_LOW"),
        (row(9).post_custody(), "MALE_POST_CUSTODY_LOW"),
    ];
    let rows: Vec<Row> = cases.iter().map(|(r, _)| r.clone()).collect();
    let out = run(&rows, &SampleOptions { buffer_percent: 0, ..options(9) });
    let got: BTreeMap<&str, &str> = out.cases.iter().map(|c| (c.crn.as_str(), c.stratum.as_str())).collect();
    for (r, stratum) in &cases {
        assert_eq!(got[r.crn.as_str()], *stratum, "{}", r.crn);
    }
    let names: Vec<&str> = out.strata.iter().map(|s| s.name.as_str()).collect();
    let expected: Vec<&str> = Stratum::ALL.iter().map(|s| s.name()).collect();
    assert_eq!(names, expected);
    let populations: Vec<usize> = out.strata.iter().map(|s| s.population).collect();
    assert_eq!(populations, [2, 3, 1, 2, 1]);
}

/// Populations 7, 50, 23, 11, 9 (100 eligible), 10 requested, 20% buffer: target 12.
/// Base 0.7→1, 5.0→5, 2.3→2, 1.1→1, 0.9→1; buffers 0.2→0, 1.0→1, 0.4→0, 0.2→0, 0.2→0;
/// sizes 1, 6, 2, 1, 1 = 11; one short, added to the smallest stratum (FEMALE, 7).
#[test]
fn rounding_correction_adds_to_the_smallest_stratum_first() {
    let populations = [7, 50, 23, 11, 9];
    let (target, sizes) = plan_strata(10, 20, &populations, &populations);
    assert_eq!(target, 12);
    assert_eq!(sizes, [2, 6, 2, 1, 1]);
}

/// Populations 15, 35, 25, 15, 10, 10 requested, 20% buffer: target 12.
/// Base 1.5→2, 3.5→4, 2.5→3, 1.5→2, 1.0→1 = 12; buffers 0.4→0, 0.8→1, 0.6→1, 0.4→0, 0.2→0;
/// sizes 2, 5, 4, 2, 1 = 14; two over, taken from the largest (35) then the next (25).
#[test]
fn rounding_correction_removes_from_the_largest_stratum_first() {
    let populations = [15, 35, 25, 15, 10];
    let (target, sizes) = plan_strata(10, 20, &populations, &populations);
    assert_eq!(target, 12);
    assert_eq!(sizes, [2, 4, 3, 2, 1]);
}

/// Populations 1, 9, 5, 3, 2 (20 eligible), 18 requested, 20% buffer: target 18 + 3.6→4 = 22.
/// Base 0.9→1, 8.1→8, 4.5→5, 2.7→3, 1.8→2; buffers 0.2→0, 1.6→2, 1.0→1, 0.6→1, 0.4→0;
/// 1, 10, 6, 4, 2 capped at 1, 9, 5, 3, 2 = 20: every case, and a shortfall of 2.
#[test]
fn stratum_sizes_are_capped_at_the_stratum_and_the_rest_is_shortfall() {
    let populations = [1, 9, 5, 3, 2];
    let (target, sizes) = plan_strata(18, 20, &populations, &populations);
    assert_eq!(target, 22);
    assert_eq!(sizes, [1, 9, 5, 3, 2]);

    // The same through the whole draw: one officer per case, so no officer cap binds.
    let mut rows = Vec::new();
    let mut n = 0;
    for (stratum, &count) in populations.iter().enumerate() {
        for _ in 0..count {
            n += 1;
            let r = row(n);
            rows.push(match stratum {
                0 => r.female(),
                1 => r.rosh("medium"),
                2 => r,
                3 => r.post_custody().rosh("high"),
                _ => r.post_custody(),
            });
        }
    }
    let out = run(&rows, &options(18));
    assert_eq!(out.target, 22);
    assert_eq!(out.cases.len(), 20);
    assert_eq!(out.shortfall, 2);
    let drawn: Vec<usize> = out.strata.iter().map(|s| s.size).collect();
    assert_eq!(drawn, [1, 9, 5, 3, 2]);
}

#[test]
fn the_full_draw_gives_the_hand_worked_stratum_sizes() {
    let populations = [7, 50, 23, 11, 9];
    let mut rows = Vec::new();
    let mut n = 0;
    for (stratum, &count) in populations.iter().enumerate() {
        for _ in 0..count {
            n += 1;
            let r = row(n);
            rows.push(match stratum {
                0 => r.female(),
                1 => r.rosh("medium"),
                2 => r,
                3 => r.post_custody().rosh("high"),
                _ => r.post_custody(),
            });
        }
    }
    let out = run(&rows, &options(10));
    let sizes: Vec<usize> = out.strata.iter().map(|s| s.size).collect();
    assert_eq!(sizes, [2, 6, 2, 1, 1]);
    assert_eq!(out.cases.len(), 12);
    for s in &out.strata {
        let in_stratum = out.cases.iter().filter(|c| c.stratum == s.name).count();
        assert_eq!(in_stratum, s.size, "{}", s.name);
    }
}

/// One LDU: officers A (20 cases), B (3), C (2); 10 to draw, cap 6.
/// Proportional 8, 1.2→1, 0.8→1; A capped at 6; the 2 over go to the others, smallest
/// first: C (2 cases) then B (3 cases): A 6, B 2, C 2.
#[test]
fn officer_cap_excess_goes_to_other_officers_in_the_unit_smallest_first() {
    assert_eq!(apportion(10, &[20, 3, 2], &[6, 3, 2]), [6, 2, 2]);

    let mut rows = Vec::new();
    for (officer, count) in [("A", 20), ("B", 3), ("C", 2)] {
        for _ in 0..count {
            let n = rows.len() + 1;
            rows.push(row(n).officer("North", "Barnet", officer));
        }
    }
    let out = run(&rows, &SampleOptions { buffer_percent: 0, ..options(10) });
    let mut per_officer: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &out.cases {
        *per_officer.entry(&c.responsible_officer).or_default() += 1;
    }
    assert_eq!(per_officer, BTreeMap::from([("A", 6), ("B", 2), ("C", 2)]));
    assert_eq!(out.shortfall, 0);
}

/// Two LDUs of 10 cases each: Barnet has one officer, Brent two of 5. 14 to draw: 7 and 7,
/// Barnet capped at 6 (its only officer's cap), so the case left over goes to Brent.
#[test]
fn when_a_unit_runs_out_of_officers_the_excess_goes_to_the_next_unit() {
    let mut rows = Vec::new();
    for (ldu, officer, count) in [("Barnet", "A", 10), ("Brent", "B", 5), ("Brent", "C", 5)] {
        for _ in 0..count {
            let n = rows.len() + 1;
            rows.push(row(n).officer("North", ldu, officer));
        }
    }
    let out = run(&rows, &SampleOptions { buffer_percent: 0, ..options(14) });
    let mut per_officer: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &out.cases {
        *per_officer.entry(&c.responsible_officer).or_default() += 1;
    }
    assert_eq!(per_officer, BTreeMap::from([("A", 6), ("B", 4), ("C", 4)]));
}

#[test]
fn the_officer_cap_holds_across_strata() {
    // One officer with 5 women's and 5 men's cases; the cap is for the whole sample.
    let mut rows = Vec::new();
    for n in 1..=10 {
        let r = row(n).officer("North", "Barnet", "A");
        rows.push(if n <= 5 { r.female() } else { r });
    }
    let out = run(&rows, &SampleOptions { buffer_percent: 0, ..options(10) });
    assert_eq!(out.cases.len(), 6);
    assert_eq!(out.shortfall, 4);
}

/// FEMALE: officer A's 2 cases. MALE_COMMUNITY_NON_LOW: 20 cases of 20 officers.
/// MALE_COMMUNITY_LOW: A's 2 cases and B's 1. Cap 2, 20 to draw, no buffer.
/// Base 20×2/25 = 1.6→2, 16, 20×3/25 = 2.4→2. FEMALE (allocated first) uses A's 2, so
/// MALE_COMMUNITY_LOW gets only B's case; the one case it could not get goes to the
/// smallest stratum with room: FEMALE is full, so MALE_COMMUNITY_NON_LOW: 2, 17, 1.
#[test]
fn cases_an_officer_cap_refuses_are_moved_to_another_stratum() {
    let mut rows = Vec::new();
    for n in 1..=2 {
        rows.push(row(n).officer("North", "Barnet", "A").female());
    }
    for n in 3..=22 {
        rows.push(row(n).officer("North", "Barnet", &format!("O{n}")).rosh("medium"));
    }
    for n in 23..=24 {
        rows.push(row(n).officer("North", "Barnet", "A"));
    }
    rows.push(row(25).officer("North", "Barnet", "B"));
    let opts = SampleOptions { buffer_percent: 0, max_per_officer: 2, ..options(20) };
    let out = run(&rows, &opts);
    let sizes: Vec<usize> = out.strata.iter().map(|s| s.size).collect();
    assert_eq!(sizes, [2, 17, 1, 0, 0]);
    assert_eq!(out.cases.len(), 20);
    assert_eq!(out.shortfall, 0);
    let by_a = out.cases.iter().filter(|c| c.responsible_officer == "A").count();
    assert_eq!(by_a, 2);
}

#[test]
fn shortfall_is_target_minus_cases_drawn() {
    let rows: Vec<Row> = (1..=5).map(row).collect();
    let out = run(&rows, &options(10));
    assert_eq!(out.requested, 10);
    assert_eq!(out.buffer_percent, 20);
    assert_eq!(out.target, 12);
    assert_eq!(out.cases.len(), 5);
    assert_eq!(out.shortfall, 7);
}

#[test]
fn an_empty_long_list_gives_an_empty_sample() {
    let out = run(&[], &options(10));
    assert!(out.cases.is_empty());
    assert_eq!(out.shortfall, 12);
    assert!(out.strata.iter().all(|s| s.population == 0 && s.size == 0));
}

#[test]
fn the_same_seed_gives_the_same_sample_and_seeds_differ() {
    let longlist = inspect::synthetic::synthetic_longlist(2_000, 3);
    let opts = |seed| SampleOptions { seed, ..SampleOptions::new(60, inspect::synthetic::SYNTHETIC_AS_OF) };
    let a = draw(&longlist, &opts(42)).unwrap();
    let b = draw(&longlist, &opts(42)).unwrap();
    assert_eq!(a, b);
    let c = draw(&longlist, &opts(43)).unwrap();
    assert_ne!(crns(&a), crns(&c));
    // The seed changes which cases, not how many per stratum.
    assert_eq!(a.strata, c.strata);
}

#[test]
fn output_serialises_to_the_documented_json() {
    let rows = [row(1), row(2).with(|r| r.first_name = "*".into())];
    let out = run(&rows, &options(1));
    let json = serde_json::to_string(&out).unwrap();
    assert_eq!(
        json,
        r#"{"requested":1,"buffer_percent":20,"target":1,"strata":[{"name":"FEMALE","population":0,"size":0},{"name":"MALE_COMMUNITY_NON_LOW","population":0,"size":0},{"name":"MALE_COMMUNITY_LOW","population":1,"size":1},{"name":"MALE_POST_CUSTODY_NON_LOW","population":0,"size":0},{"name":"MALE_POST_CUSTODY_LOW","population":0,"size":0}],"cases":[{"crn":"X000001","stratum":"MALE_COMMUNITY_LOW","cluster":"North","ldu":"Barnet","responsible_officer":"Officer 1"}],"shortfall":0,"excluded":[{"crn":"X000002","reason":"redacted"}]}"#
    );
}
