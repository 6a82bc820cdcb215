use super::*;
use jiff::civil::date;

const POLICY: WorkloadPolicy = WorkloadPolicy::DEFAULT;

fn tier(text: &str) -> LegacyTier {
    text.parse().unwrap()
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 1e-9
}

/// The table's rows follow `LegacyTier::all()` (A3, A2, ... D0), the order docs/rules/practice.md#workload lists.
#[test]
fn table_rows_follow_the_domain_tier_order() {
    let rows: Vec<usize> = LegacyTier::all().map(row).collect();
    assert_eq!(rows, (0..16).collect::<Vec<_>>());
}

/// Every row of the table, checked against the table in docs/rules/practice.md#workload.
#[test]
fn case_points_match_rules() {
    let rules = "A3 206/219/75, A2 158/175/60, A1 146/163/59, A0 110/0/0; \
                 B3 146/161/59, B2 115/132/48, B1 102/119/47, B0 72/0/0; \
                 C3 79/77/30, C2 63/65/24, C1 50/52/23, C0 35/0/0; \
                 D3 51/51/17, D2 41/43/14, D1 29/31/13, D0 29/0/0.";
    let entries: Vec<&str> = rules.split([',', ';', '.']).map(str::trim).filter(|e| !e.is_empty()).collect();
    assert_eq!(entries.len(), 16);
    for entry in entries {
        let (name, points) = entry.split_once(' ').unwrap();
        let expected: Vec<u32> = points.split('/').map(|p| p.parse().unwrap()).collect();
        let actual: Vec<u32> = [CaseType::Community, CaseType::Licence, CaseType::Custody]
            .into_iter()
            .map(|t| POLICY.case_points.points(tier(name), t))
            .collect();
        assert_eq!(actual, expected, "tier {name}");
    }
}

#[test]
fn report_points() {
    let cases = [(ReportKind::StandardCourt, 138), (ReportKind::Fast, 65), (ReportKind::Parole, 120)];
    for (kind, points) in cases {
        assert_eq!(POLICY.report_points.points(kind), points, "{kind:?}");
    }
}

#[test]
fn specialist_weighting() {
    let cases = [
        // (tier, type, iom, women, points)
        ("A3", CaseType::Community, false, false, 206.0),
        ("A3", CaseType::Community, true, false, 257.5), // 206 x 1.25
        ("A3", CaseType::Community, false, true, 236.9), // 206 x 1.15
        ("A3", CaseType::Community, true, true, 288.4),  // 206 x 1.40
        ("C2", CaseType::Licence, true, false, 81.25),   // 65 x 1.25
        ("B0", CaseType::Custody, true, true, 0.0),      // no points to weight
    ];
    for (t, case_type, iom, women, expected) in cases {
        let case = Case { tier: tier(t), case_type, iom, women };
        let points = POLICY.case_points(&case);
        assert!(close(points, expected), "{case:?}: {points}");
    }
    assert!(POLICY.specialist.source.contains("Probity's own assumption"));
    assert!(POLICY.specialist.source.contains("provider must set"));
}

fn reduction(kind: ReductionKind, start: Date, end: Option<Date>) -> Reduction {
    Reduction { kind, start, end }
}

#[test]
fn reductions_at_boundary_dates() {
    let sickness = reduction(ReductionKind::LongTermSickness, date(2025, 3, 3), Some(date(2025, 3, 14)));
    let facility = reduction(ReductionKind::FacilityTime { percent: 50 }, date(2025, 1, 1), None);
    // Training starts 31 Aug 2024: 6 months on = 28 Feb 2025, 12 = 31 Aug 2025,
    // 18 = 28 Feb 2026 (month ends clamp).
    let trainee = reduction(ReductionKind::TraineeProbationOfficer, date(2024, 8, 31), None);
    // Left the course early: the reduction ends on 30 Jun 2025.
    let trainee_left = reduction(ReductionKind::TraineeProbationOfficer, date(2024, 8, 31), Some(date(2025, 6, 30)));
    // Qualified 15 May 2025: 9 months on = 15 Feb 2026.
    let newly_qualified = reduction(ReductionKind::NewlyQualified, date(2025, 5, 15), None);

    let cases = [
        // (reduction, day, percent, why)
        (sickness, date(2025, 3, 2), 0, "day before sickness"),
        (sickness, date(2025, 3, 3), 100, "first day of sickness"),
        (sickness, date(2025, 3, 14), 100, "last day of sickness"),
        (sickness, date(2025, 3, 15), 0, "back at work"),
        (facility, date(2024, 12, 31), 0, "before facility time"),
        (facility, date(2025, 1, 1), 50, "facility time"),
        (facility, date(2030, 1, 1), 50, "open-ended"),
        (trainee, date(2024, 8, 30), 0, "before training"),
        (trainee, date(2024, 8, 31), 80, "month 0"),
        (trainee, date(2025, 2, 27), 80, "last day of months 0-6"),
        (trainee, date(2025, 2, 28), 60, "6 months on"),
        (trainee, date(2025, 8, 30), 60, "last day of months 6-12"),
        (trainee, date(2025, 8, 31), 40, "12 months on"),
        (trainee, date(2026, 2, 27), 40, "last day of months 12-18"),
        (trainee, date(2026, 2, 28), 0, "18 months on: trained"),
        (trainee_left, date(2025, 6, 30), 60, "last day before leaving"),
        (trainee_left, date(2025, 7, 1), 0, "left the course"),
        (newly_qualified, date(2025, 5, 14), 0, "before qualifying"),
        (newly_qualified, date(2025, 5, 15), 20, "qualifying day"),
        (newly_qualified, date(2026, 2, 14), 20, "last day of 9 months"),
        (newly_qualified, date(2026, 2, 15), 0, "9 months on"),
    ];
    for (r, day, expected, why) in cases {
        assert_eq!(POLICY.reduction_percent(&r, day), Ok(expected), "{why}");
    }
}

#[test]
fn available_points() {
    let at = date(2025, 6, 1);
    let since = |kind| reduction(kind, date(2025, 1, 1), None);
    let trainee_from = |start| reduction(ReductionKind::TraineeProbationOfficer, start, None);
    let cases = [
        // (contracted hours, reductions, expected available points, arithmetic)
        (37.0, vec![], 2176.0, "2176 x 37/37 x 37/37"),
        (22.5, vec![], 1_323.243_243_243_243, "2176 x 22.5/37 = 48960/37"),
        (37.0, vec![since(ReductionKind::FacilityTime { percent: 50 })], 1088.0, "2176 x (37 - 18.5)/37"),
        (37.0, vec![since(ReductionKind::FacilityTime { percent: 10 })], 1958.4, "2176 x (37 - 3.7)/37"),
        (37.0, vec![trainee_from(date(2025, 5, 1))], 435.2, "80%: 2176 x 7.4/37"),
        (37.0, vec![trainee_from(date(2024, 11, 1))], 870.4, "60%: 2176 x 14.8/37"),
        (37.0, vec![trainee_from(date(2024, 5, 1))], 1305.6, "40%: 2176 x 22.2/37"),
        (37.0, vec![since(ReductionKind::NewlyQualified)], 1740.8, "20%: 2176 x 29.6/37"),
        (
            30.0,
            vec![since(ReductionKind::NewlyQualified)],
            1_411.459_459_459_459,
            "2176 x 30/37 x (30 - 6)/30 = 2176 x 24/37",
        ),
        (37.0, vec![since(ReductionKind::LongTermSickness)], 0.0, "100%"),
        (
            37.0,
            vec![since(ReductionKind::FacilityTime { percent: 50 }), trainee_from(date(2025, 5, 1))],
            0.0,
            "50% + 80% capped at 100%",
        ),
        (
            37.0,
            vec![since(ReductionKind::FacilityTime { percent: 20 }), since(ReductionKind::NewlyQualified)],
            1305.6,
            "20% + 20% = 40%",
        ),
    ];
    for (hours, reductions, expected, why) in cases {
        let available = POLICY.available_points(hours, &reductions, at).unwrap();
        assert!((available - expected).abs() < 1e-6, "{why}: {available}");
    }
}

/// Sickness from 1 to 15 June ends mid-month: 15 of June's 30 days at 0 points and 15 at
/// 2176, so the month's mean is 1088.
#[test]
fn reduction_ending_mid_period() {
    let sickness = [reduction(ReductionKind::LongTermSickness, date(2025, 6, 1), Some(date(2025, 6, 15)))];
    let cases = [
        // (from, to, expected mean available points)
        (date(2025, 6, 1), date(2025, 6, 30), 1088.0),
        (date(2025, 6, 1), date(2025, 6, 15), 0.0),
        (date(2025, 6, 16), date(2025, 6, 30), 2176.0),
        (date(2025, 6, 15), date(2025, 6, 16), 1088.0),
        (date(2025, 6, 10), date(2025, 6, 10), 0.0),
    ];
    for (from, to, expected) in cases {
        let mean = POLICY.available_points_over(37.0, &sickness, from, to).unwrap();
        assert!(close(mean, expected), "{from} to {to}: {mean}");
    }
    let at = |day| POLICY.capacity(&[], &[ReportKind::Fast], 37.0, &sickness, day).unwrap();
    assert_eq!(at(date(2025, 6, 15)).capacity_percent, None);
    assert_eq!(at(date(2025, 6, 15)).reduction_hours, 37.0);
    // 65 / 2176 x 100
    let back = at(date(2025, 6, 16)).capacity_percent.unwrap();
    assert!(close(back, 6500.0 / 2176.0), "{back}");
}

/// A worked caseload: A3 community IOM 257.5 (206 x 1.25), B2 licence 132, C1 custody 23,
/// D0 community 29, a standard court report 138 and a parole report 120: 699.5 points.
/// A full-time officer, newly qualified 20%: available 2176 x 29.6/37 = 1740.8;
/// capacity 699.5 / 1740.8 x 100 = 40.1827...%.
#[test]
fn capacity_worked_example() {
    let case = |t: &str, case_type, iom| Case { tier: tier(t), case_type, iom, women: false };
    let cases = [
        case("A3", CaseType::Community, true),
        case("B2", CaseType::Licence, false),
        case("C1", CaseType::Custody, false),
        case("D0", CaseType::Community, false),
    ];
    let reports = [ReportKind::StandardCourt, ReportKind::Parole];
    let reductions = [reduction(ReductionKind::NewlyQualified, date(2025, 1, 6), None)];
    let figures = POLICY.capacity(&cases, &reports, 37.0, &reductions, date(2025, 3, 1)).unwrap();
    assert!(close(figures.points, 699.5), "{figures:?}");
    assert!(close(figures.reduction_hours, 7.4), "{figures:?}");
    assert!(close(figures.available_points, 1740.8), "{figures:?}");
    assert!(close(figures.capacity_percent.unwrap(), 699.5 / 1740.8 * 100.0));
    assert!((figures.capacity_percent.unwrap() - 40.1827).abs() < 0.0001);
}

#[test]
fn bad_inputs_are_refused() {
    let at = date(2025, 1, 1);
    let cases = [
        (0.0, vec![], "contracted hours 0 must be more than 0 and at most a week (168)"),
        (-1.0, vec![], "contracted hours -1 must be more than 0 and at most a week (168)"),
        (f64::NAN, vec![], "contracted hours NaN must be more than 0 and at most a week (168)"),
        (169.0, vec![], "contracted hours 169 must be more than 0 and at most a week (168)"),
        (
            37.0,
            vec![reduction(ReductionKind::FacilityTime { percent: 51 }, at, None)],
            "facility time 51% is over the maximum of 50%",
        ),
        (
            37.0,
            vec![reduction(ReductionKind::LongTermSickness, at, Some(date(2024, 12, 31)))],
            "reduction ends on 2024-12-31, before it starts on 2025-01-01",
        ),
    ];
    for (hours, reductions, expected) in cases {
        let error = POLICY.available_points(hours, &reductions, at).unwrap_err();
        assert_eq!(error.to_string(), expected);
    }
    assert_eq!(
        POLICY.available_points_over(37.0, &[], date(2025, 2, 1), date(2025, 1, 31)).unwrap_err().to_string(),
        "period ends on 2025-01-31, before it starts on 2025-02-01"
    );
}

#[test]
fn policy_tables_name_their_sources() {
    for source in [
        POLICY.case_points.source,
        POLICY.report_points.source,
        POLICY.specialist.source,
        POLICY.reductions.source,
        POLICY.source,
    ] {
        assert!(!source.trim().is_empty());
    }
    assert_eq!(WorkloadPolicy::default(), POLICY);
}

/// The allocation screen: a full-time officer (2,176 points available) carrying two B2
/// community cases (115 each) takes a C1 licence case (52): 230 / 2176 = 10.570% now,
/// 282 / 2176 = 12.960% after.
#[test]
fn capacity_now_and_after_taking_a_case() {
    let b2 = Case { tier: tier("B2"), case_type: CaseType::Community, iom: false, women: false };
    let c1 = Case { tier: tier("C1"), case_type: CaseType::Licence, iom: false, women: false };
    let got = POLICY.capacity_with(&[b2, b2], &[], 37.0, &[], date(2025, 3, 3), &c1).unwrap();
    assert!(close(got.now.points, 230.0) && close(got.after.points, 282.0), "{got:?}");
    assert!((got.now.capacity_percent.unwrap() - 10.5699).abs() < 0.0001, "{got:?}");
    assert!((got.after.capacity_percent.unwrap() - 12.9596).abs() < 0.0001, "{got:?}");
    // A team of that officer and a half-time one preparing four court reports (552 points): (230 + 544) / (2176 + 1088).
    let half = POLICY.capacity(&[], &[ReportKind::StandardCourt; 4], 18.5, &[], date(2025, 3, 3)).unwrap();
    assert!(close(half.points, 552.0));
    let team = combined_capacity(&[got.now, half]);
    assert!(close(team.capacity_percent.unwrap(), (230.0 + 552.0) / (2176.0 + 1088.0) * 100.0), "{team:?}");
}

/// The case's legacy tier comes from its record (`TierCalculated`), its type from the phase.
#[test]
fn a_case_from_its_record() {
    use domain::event::CaseEvent;
    use domain::example::{code, date as d, opening};
    use domain::org::{ContractedHours, Employment, Grade};
    use domain::tier::V3Tier;
    let mut case = domain::case::CaseState::new(domain::Crn::parse("X123456").unwrap());
    for e in opening("Ann", "Smith", d("2025-03-03"), "O1", "T1") {
        case.apply(&e.event, d("2025-03-03")).unwrap();
    }
    let officer = Staff {
        code: code("O1"),
        team: code("T1"),
        name: domain::Name::parse("Officer One").unwrap(),
        grade: Grade::Po,
        contracted_hours: ContractedHours::FULL_TIME,
        employment: Employment::Permanent,
        specialisms: vec![Specialism::Iom],
    };
    assert_eq!(case_from_record(&case, &officer), None, "no tier yet");
    let tiered = CaseEvent::TierCalculated {
        legacy: tier("B2"),
        v3: V3Tier::Missing,
        provisional: false,
        because: vec![domain::practice::tiering::TierFactor::Assessment],
        missing: vec![],
    };
    case.apply(&tiered, d("2025-03-04")).unwrap();
    let got = case_from_record(&case, &officer).unwrap();
    assert_eq!(got, Case { tier: tier("B2"), case_type: CaseType::Community, iom: true, women: false });
    // IOM uplift of 25% on 115 points.
    assert!(close(POLICY.case_points(&got), 143.75));
}

fn report(kind: ReportKind, requested: Date, completed: Option<Date>) -> Report {
    Report { kind, crn: None, requested, due: None, completed }
}

/// A report is in preparation from the day it is requested up to the day before it is
/// completed; the due date does not matter.
#[test]
fn reports_in_preparation_at_boundary_dates() {
    let open = report(ReportKind::StandardCourt, date(2025, 3, 3), None);
    let done = report(ReportKind::Fast, date(2025, 3, 3), Some(date(2025, 3, 10)));
    let overdue = Report {
        crn: Some(domain::Crn::parse("X123456").unwrap()),
        due: Some(date(2025, 3, 5)),
        ..report(ReportKind::Parole, date(2025, 3, 3), None)
    };
    let same_day = report(ReportKind::Fast, date(2025, 3, 3), Some(date(2025, 3, 3)));
    let cases = [
        (&open, date(2025, 3, 2), false, "the day before it is requested"),
        (&open, date(2025, 3, 3), true, "the day it is requested"),
        (&open, date(2026, 3, 3), true, "not completed"),
        (&done, date(2025, 3, 9), true, "the day before it is completed"),
        (&done, date(2025, 3, 10), false, "the day it is completed"),
        (&done, date(2025, 3, 11), false, "after it is completed"),
        (&overdue, date(2025, 3, 20), true, "past its due date, still being prepared"),
        (&same_day, date(2025, 3, 3), false, "requested and completed the same day"),
    ];
    for (r, at, expected, why) in cases {
        assert_eq!(r.in_preparation(at), expected, "{why}: {r:?} at {at}");
    }
    let all = [open.clone(), done.clone(), overdue.clone(), same_day];
    assert_eq!(
        reports_in_preparation(&all, date(2025, 3, 9)),
        [ReportKind::StandardCourt, ReportKind::Fast, ReportKind::Parole]
    );
    assert_eq!(reports_in_preparation(&all, date(2025, 3, 10)), [ReportKind::StandardCourt, ReportKind::Parole]);
    assert!(reports_in_preparation(&all, date(2025, 3, 2)).is_empty());
}

/// The reports in preparation weigh on capacity: a full-time officer with one B2 community
/// case (115) and a standard court report (138) carries 253 of 2176 points; once the report
/// is completed, 115.
#[test]
fn reports_in_preparation_weigh_on_capacity() {
    let b2 = Case { tier: tier("B2"), case_type: CaseType::Community, iom: false, women: false };
    let psr = report(ReportKind::StandardCourt, date(2025, 3, 3), Some(date(2025, 3, 17)));
    let points = |at| {
        POLICY.capacity(&[b2], &reports_in_preparation(std::slice::from_ref(&psr), at), 37.0, &[], at).unwrap().points
    };
    assert!(close(points(date(2025, 3, 10)), 253.0));
    assert!(close(points(date(2025, 3, 17)), 115.0));
}
