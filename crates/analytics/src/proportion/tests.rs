use super::*;
use proptest::prelude::*;

fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
    (actual - expected).abs() <= tolerance
}

/// Wilson intervals worked by hand (z = 1.959964, z² = 3.841459), checked against the
/// published values in Newcombe (1998), "Two-sided confidence intervals for the single
/// proportion", Table I, method 3.
///
/// 81/263: p = 0.307985; z²/n = 0.014606; centre = (0.307985 + 0.007303) / 1.014606
///   = 0.310749; p(1-p)/n = 0.00081038, z²/4n² = 0.00001388, sqrt(sum) = 0.028710;
///   half = 1.959964 x 0.028710 / 1.014606 = 0.055462; interval 0.2553 to 0.3662.
/// 56/70: p = 0.8; z²/n = 0.054878; centre = 0.827439 / 1.054878 = 0.784393;
///   p(1-p)/n = 0.0022857, z²/4n² = 0.00019599, sqrt = 0.049817; half = 0.092561;
///   interval 0.6918 to 0.8770.
/// 48/80: p = 0.6; centre = 0.624009 / 1.048018 = 0.595418; sqrt(0.003 + 0.00015006)
///   = 0.056126; half = 0.104965; interval 0.4905 to 0.7004.
/// 0/20: centre = 0.096046 / 1.192073 = 0.080571 = half; interval 0 to 0.1611.
#[test]
fn wilson_by_hand() {
    let cases = [
        // (successes, trials, low, high)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (56, 70, 0.6918, 0.8770),
        (48, 80, 0.4905, 0.7004),
        (20, 20, 0.8389, 1.0),
        (1, 1, 0.2065, 1.0),
    ];
    for (x, n, low, high) in cases {
        let interval = wilson_interval(x, n).unwrap();
        assert!(close(interval.low, low, 0.00006), "{x}/{n}: low {}", interval.low);
        assert!(close(interval.high, high, 0.00006), "{x}/{n}: high {}", interval.high);
    }
}

#[test]
fn wilson_refuses_impossible_counts() {
    assert_eq!(wilson_interval(0, 0), Err(ProportionError::NoTrials));
    assert_eq!(wilson_interval(3, 2), Err(ProportionError::SuccessesExceedTrials { successes: 3, trials: 2 }));
}

/// Newcombe's hybrid score interval, by hand, from the Wilson intervals above, and
/// against Newcombe (1998), "Interval estimation for the difference between independent
/// proportions", Table II, method 10.
///
/// 56/70 - 48/80: d = 0.2;
///   low  = 0.2 - sqrt((0.8 - 0.691832)² + (0.700383 - 0.6)²)
///        = 0.2 - sqrt(0.011700 + 0.010077) = 0.2 - 0.147571 = 0.0524
///   high = 0.2 + sqrt((0.876954 - 0.8)² + (0.6 - 0.490453)²)
///        = 0.2 + sqrt(0.005922 + 0.012001) = 0.2 + 0.133875 = 0.3339
/// 6/7 - 2/7: d = 0.571429; Wilson 6/7 = (0.486872, 0.974322), 2/7 = (0.082219, 0.641065)
///   low  = 0.571429 - sqrt(0.370271² + 0.355351²) = 0.571429 - 0.513201 = 0.0582
///   high = 0.571429 + sqrt(0.117179² + 0.203495²) = 0.571429 + 0.234822 = 0.8062 (0.80625)
#[test]
fn newcombe_by_hand() {
    let cases = [
        // (x1, n1, x2, n2, difference, low, high)
        (56, 70, 48, 80, 0.2, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.6, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.5714, 0.0582, 0.8062),
        (5, 56, 0, 29, 0.0893, -0.0381, 0.1926),
        (0, 10, 0, 20, 0.0, -0.1611, 0.2775),
        (10, 10, 0, 20, 1.0, 0.6791, 1.0),
    ];
    for (x1, n1, x2, n2, d, low, high) in cases {
        let estimate = newcombe_difference(x1, n1, x2, n2).unwrap();
        let label = format!("{x1}/{n1} - {x2}/{n2}: {estimate:?}");
        assert!(close(estimate.difference, d, 0.00005), "{label}");
        assert!(close(estimate.interval.low, low, 0.00006), "{label}");
        assert!(close(estimate.interval.high, high, 0.00006), "{label}");
    }
}

/// A breach table. Mixed (8 people) is below the default threshold of 10.
///
/// Black or Black British: 39/125 = 31.2%; everyone else (160 + 13 + 3) / (700 + 92 + 8)
/// = 176/800 = 22.0%; d = 0.092.
///   Wilson 39/125: z²/n = 0.0307317; centre = 0.3273658 / 1.0307317 = 0.317605;
///     sqrt(0.00171725 + 0.00006146) = 0.0421748; half = 0.0801965 -> (0.237409, 0.397802)
///   Wilson 176/800: z²/n = 0.0048018; centre = 0.2224009 / 1.0048018 = 0.221338;
///     sqrt(0.0002145 + 0.0000015) = 0.0146970; half = 0.0286679 -> (0.192670, 0.250006)
///   low  = 0.092 - sqrt(0.074591² + 0.030006²) = 0.092 - 0.080400 = 0.0116
///   high = 0.092 + sqrt(0.085802² + 0.027330²) = 0.092 + 0.090049 = 0.1820
///   The interval excludes 0: significant.
/// White: 160/700 = 22.857% -> 22.9%; rest 55/225 = 24.444% -> 24.4%; d = -0.0159,
///   standard errors about 0.016 and 0.029, so the interval is about +-0.064: spans 0.
/// Asian or Asian British: 13/92 = 14.130% -> 14.1%; rest 202/833 = 24.2497% -> 24.2%;
///   d = -0.1012 with standard errors about 0.036 and 0.015: interval about -0.18 to
///   -0.02, excludes 0.
#[test]
fn breach_table() {
    let groups =
        [("Black or Black British", 125, 39), ("White", 700, 160), ("Asian or Asian British", 92, 13), ("Mixed", 8, 3)]
            .map(|(group, people, with_outcome)| GroupCount { group: group.to_owned(), people, with_outcome });
    let result = disproportionality("Breach", &groups, &SuppressionPolicy::DEFAULT).unwrap();
    let statements: Vec<&str> = result.iter().map(GroupComparison::statement).collect();
    assert_eq!(
        statements,
        [
            "Breach rate for Black or Black British: 31.2% against 22.0% for everyone else; the difference is statistically significant at the 95% level",
            "Breach rate for White: 22.9% against 24.4% for everyone else; the difference is not statistically significant at the 95% level",
            "Breach rate for Asian or Asian British: 14.1% against 24.2% for everyone else; the difference is statistically significant at the 95% level",
            "Breach rate for Mixed: suppressed (fewer than 10 people in the group)",
        ]
    );
    let GroupComparison::Compared { figures, .. } = &result[0] else {
        panic!("Black or Black British should be compared: {:?}", result[0]);
    };
    assert_eq!((figures.rest_people, figures.rest_with_outcome), (800, 176));
    assert!(close(figures.rate, 0.312, 1e-12));
    assert!(close(figures.rest_rate, 0.22, 1e-12));
    assert!(close(figures.difference.difference, 0.092, 1e-12));
    assert!(close(figures.difference.interval.low, 0.0116, 0.00006), "{figures:?}");
    assert!(close(figures.difference.interval.high, 0.1820, 0.00006), "{figures:?}");
    assert!(close(figures.rate_interval.low, 0.237409, 0.000002), "{figures:?}");
    assert!(close(figures.rate_interval.high, 0.397802, 0.000002), "{figures:?}");
    assert!(figures.significant);
    assert_eq!(
        result[3],
        GroupComparison::Suppressed {
            group: "Mixed".to_owned(),
            reason: SuppressionReason::SmallGroup,
            statement: statements[3].to_owned(),
        }
    );
}

type Counts = &'static [(u64, u64)];
type Statuses = &'static [Option<SuppressionReason>];

#[test]
fn suppression_thresholds() {
    // (groups as (people, with_outcome), threshold, expected status per group)
    let cases: [(Counts, u64, Statuses); 6] = [
        (&[(10, 2), (10, 5)], 10, &[None, None]),
        (&[(9, 2), (10, 5)], 10, &[Some(SuppressionReason::SmallGroup), Some(SuppressionReason::SmallRest)]),
        (&[(100, 20), (5, 1)], 10, &[Some(SuppressionReason::SmallRest), Some(SuppressionReason::SmallGroup)]),
        (
            &[(100, 20), (5, 1), (6, 1)],
            10,
            &[None, Some(SuppressionReason::SmallGroup), Some(SuppressionReason::SmallGroup)],
        ),
        (&[(5, 1), (5, 2)], 5, &[None, None]),
        (&[(0, 0), (5, 2)], 0, &[Some(SuppressionReason::SmallGroup), Some(SuppressionReason::SmallRest)]),
    ];
    for (counts, threshold, expected) in cases {
        let groups: Vec<GroupCount> = counts
            .iter()
            .enumerate()
            .map(|(i, &(people, with_outcome))| GroupCount { group: format!("G{i}"), people, with_outcome })
            .collect();
        let policy = SuppressionPolicy { min_group_size: threshold, source: "test" };
        let result = disproportionality("Recall", &groups, &policy).unwrap();
        let statuses: Vec<Option<SuppressionReason>> = result
            .iter()
            .map(|r| match r {
                GroupComparison::Compared { .. } => None,
                GroupComparison::Suppressed { reason, .. } => Some(*reason),
            })
            .collect();
        assert_eq!(statuses, expected, "{counts:?} threshold {threshold}");
    }
}

#[test]
fn suppressed_rest_statement() {
    let groups = [
        GroupCount { group: "Women".into(), people: 40, with_outcome: 30 },
        GroupCount { group: "Men".into(), people: 4, with_outcome: 1 },
    ];
    let result = disproportionality("Completion", &groups, &SuppressionPolicy::default()).unwrap();
    assert_eq!(
        result[0].statement(),
        "Completion rate for Women: suppressed (fewer than 10 people in the rest of the population)"
    );
}

#[test]
fn bad_tables_are_refused() {
    let bad_counts = [GroupCount { group: "A".into(), people: 3, with_outcome: 4 }];
    assert_eq!(
        disproportionality("Breach", &bad_counts, &SuppressionPolicy::DEFAULT),
        Err(DisproportionalityError::BadCounts { group: "A".into(), people: 3, with_outcome: 4 })
    );
    let duplicate = [
        GroupCount { group: "A".into(), people: 30, with_outcome: 4 },
        GroupCount { group: "A".into(), people: 30, with_outcome: 5 },
    ];
    assert_eq!(
        disproportionality("Breach", &duplicate, &SuppressionPolicy::DEFAULT),
        Err(DisproportionalityError::DuplicateGroup { group: "A".into() })
    );
    assert_eq!(disproportionality("Breach", &[], &SuppressionPolicy::DEFAULT), Ok(vec![]));
}

#[test]
fn serialises_with_status() {
    let groups = [
        GroupCount { group: "A".into(), people: 10, with_outcome: 5 },
        GroupCount { group: "B".into(), people: 9, with_outcome: 5 },
    ];
    let json =
        serde_json::to_value(disproportionality("Breach", &groups, &SuppressionPolicy::DEFAULT).unwrap()).unwrap();
    assert_eq!(json[0]["status"], "suppressed");
    assert_eq!(json[0]["reason"], "small_rest");
    assert_eq!(json[1]["reason"], "small_group");
    assert!(json[1].get("figures").is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn wilson_contains_estimate_within_unit_range(n in 1u64..5000, share in 0.0f64..=1.0) {
        let x = ((n as f64) * share).round() as u64;
        let interval = wilson_interval(x, n).unwrap();
        let p = x as f64 / n as f64;
        prop_assert!(0.0 <= interval.low && interval.high <= 1.0, "{interval:?}");
        prop_assert!(interval.contains(p), "{x}/{n}: {interval:?}");
        prop_assert!(interval.width() > 0.0);
    }

    /// The same proportion from more people gives a narrower interval.
    #[test]
    fn wilson_narrows_as_n_grows(b in 1u64..50, a_share in 0.0f64..=1.0, k in 1u64..50) {
        let a = ((b as f64) * a_share).round() as u64;
        let smaller = wilson_interval(a * k, b * k).unwrap();
        let larger = wilson_interval(a * (k + 1), b * (k + 1)).unwrap();
        prop_assert!(larger.width() < smaller.width(), "{smaller:?} {larger:?}");
    }

    #[test]
    fn newcombe_contains_difference(
        n1 in 1u64..2000, s1 in 0.0f64..=1.0, n2 in 1u64..2000, s2 in 0.0f64..=1.0,
    ) {
        let x1 = ((n1 as f64) * s1).round() as u64;
        let x2 = ((n2 as f64) * s2).round() as u64;
        let estimate = newcombe_difference(x1, n1, x2, n2).unwrap();
        prop_assert!(-1.0 <= estimate.interval.low && estimate.interval.high <= 1.0);
        prop_assert!(estimate.interval.contains(estimate.difference), "{estimate:?}");
        // Swapping the groups mirrors the interval.
        let swapped = newcombe_difference(x2, n2, x1, n1).unwrap();
        prop_assert!((swapped.interval.low + estimate.interval.high).abs() < 1e-12);
        prop_assert!((swapped.interval.high + estimate.interval.low).abs() < 1e-12);
    }
}
