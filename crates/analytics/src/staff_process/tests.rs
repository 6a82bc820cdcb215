use super::*;
use crate::proportion::SuppressionReason;
use domain::person::{Ethnicity, Gender};
use domain::staff::Religion;
use jiff::civil::date;

fn member(ethnicity: Option<Ethnicity>, flag_starts: &[Date]) -> StaffMember {
    StaffMember {
        characteristics: StaffCharacteristics { ethnicity, ..Default::default() },
        flag_starts: flag_starts.to_vec(),
    }
}

fn close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() < 5e-6, "{what}: {got} is not {want}");
}

/// A hand-built provider of 48 staff, by ethnicity, over the 12 months to 2026-11-20
/// (2025-11-21 to 2026-11-20, both days counted):
///
/// - White, 30 staff, 1 flagged: one has two flags in the period (counted once); one's flag
///   started the day before the period and one's the day after it (neither counts).
/// - Black, 12 staff, 6 flagged: one flag on the period's first day, one on its last.
/// - Asian, 4 staff, 1 flagged: fewer than 10, suppressed.
/// - Not recorded, 2 staff, none flagged: suppressed.
///
/// Worked by hand with z = 1.959964, z² = 3.841459. Wilson for x of n: with p = x/n and
/// d = 1 + z²/n, centre = (p + z²/2n)/d, half = (z/d)·sqrt(p(1-p)/n + z²/4n²).
///
/// White against the rest (18 staff: 12 + 4 + 2, of whom 6 + 1 + 0 = 7 flagged):
/// - p1 = 1/30 = 0.033333; d = 1.128049; centre = (0.033333 + 0.064024)/1.128049 = 0.086306;
///   half = 1.737482 · sqrt(0.001074 + 0.001067) = 1.737482 · 0.046273 = 0.080398;
///   interval 0.005909 to 0.166704.
/// - p2 = 7/18 = 0.388889; d = 1.213414; centre = (0.388889 + 0.106707)/1.213414 = 0.408431;
///   half = 1.615247 · sqrt(0.013203 + 0.002964) = 1.615247 · 0.127150 = 0.205379;
///   interval 0.203052 to 0.613810.
/// - Newcombe: difference = 0.033333 - 0.388889 = -0.355556;
///   low = -0.355556 - sqrt(0.027425² + 0.224921²) = -0.355556 - 0.226586 = -0.582142;
///   high = -0.355556 + sqrt(0.133371² + 0.185836²) = -0.355556 + 0.228742 = -0.126814.
///   Zero is outside: significant. Statement: 3.3% against 38.9%.
///
/// Black against the rest (36 staff: 30 + 4 + 2, of whom 1 + 1 + 0 = 2 flagged):
/// - p1 = 6/12 = 0.5; d = 1.320122; centre = (0.5 + 0.160061)/1.320122 = 0.5;
///   half = 1.484684 · sqrt(0.020833 + 0.006669) = 1.484684 · 0.165839 = 0.246218;
///   interval 0.253782 to 0.746218.
/// - p2 = 2/36 = 0.055556; d = 1.106707; centre = (0.055556 + 0.053354)/1.106707 = 0.098408;
///   half = 1.770987 · sqrt(0.001457 + 0.000741) = 1.770987 · 0.046888 = 0.083038;
///   interval 0.015370 to 0.181447.
/// - Newcombe: difference = 0.5 - 0.055556 = 0.444444;
///   low = 0.444444 - sqrt(0.246218² + 0.125891²) = 0.444444 - 0.276535 = 0.167909;
///   high = 0.444444 + sqrt(0.246218² + 0.040186²) = 0.444444 + 0.249476 = 0.693921.
///   Zero is outside: significant. Statement: 50.0% against 5.6%.
#[test]
fn flag_rates_by_ethnicity_match_the_hand_worked_figures() {
    let period = Period::twelve_months_to(date(2026, 11, 20));
    assert_eq!(period, Period { from: date(2025, 11, 21), to: date(2026, 11, 20) });
    let mut staff = Vec::new();
    let white = Some(Ethnicity::White);
    staff.push(member(white, &[date(2026, 2, 10), date(2026, 6, 1)]));
    staff.push(member(white, &[date(2025, 11, 20)]));
    staff.push(member(white, &[date(2026, 11, 21)]));
    staff.extend((0..27).map(|_| member(white, &[])));
    let black = Some(Ethnicity::Black);
    for start in [
        date(2025, 11, 21),
        date(2026, 11, 20),
        date(2026, 1, 15),
        date(2026, 3, 1),
        date(2026, 5, 5),
        date(2026, 7, 7),
    ] {
        staff.push(member(black, &[start]));
    }
    staff.extend((0..6).map(|_| member(black, &[])));
    staff.push(member(Some(Ethnicity::Asian), &[date(2026, 4, 1)]));
    staff.extend((0..3).map(|_| member(Some(Ethnicity::Asian), &[])));
    staff.extend((0..2).map(|_| member(None, &[])));

    let t = staff_process_rates(
        FlagKind::PerformanceImprovement,
        &staff,
        Characteristic::Ethnicity,
        period,
        &SuppressionPolicy::DEFAULT,
    )
    .unwrap();
    assert_eq!((t.people, t.with_outcome), (48, 8));
    assert_eq!(t.period, period);
    let groups: Vec<&str> = t.groups.iter().map(GroupComparison::group).collect();
    assert_eq!(
        groups,
        ["Asian or Asian British", "Black, Black British, Caribbean or African", "White", NOT_RECORDED],
        "by name, not recorded last"
    );

    // (group index, people, flagged, rate, rate interval, rest people, rest flagged,
    //  difference and its interval, statement)
    let compared = [
        (
            2,
            30,
            1,
            (0.033333, 0.005909, 0.166704),
            (18, 7),
            (-0.355556, -0.582142, -0.126814),
            "Performance-improvement flag rate for White: 3.3% against 38.9% for everyone else; \
             the difference is statistically significant at the 95% level",
        ),
        (
            1,
            12,
            6,
            (0.5, 0.253782, 0.746218),
            (36, 2),
            (0.444444, 0.167909, 0.693921),
            "Performance-improvement flag rate for Black, Black British, Caribbean or African: 50.0% against \
             5.6% for everyone else; the difference is statistically significant at the 95% level",
        ),
    ];
    for (i, people, flagged, rate, rest, diff, want_statement) in compared {
        let GroupComparison::Compared { figures: f, statement, .. } = &t.groups[i] else {
            panic!("{} should be compared: {:?}", groups[i], t.groups[i])
        };
        assert_eq!((f.people, f.with_outcome), (people, flagged), "{}", groups[i]);
        assert_eq!((f.rest_people, f.rest_with_outcome), rest, "{}", groups[i]);
        close(f.rate, rate.0, "rate");
        close(f.rate_interval.low, rate.1, "rate low");
        close(f.rate_interval.high, rate.2, "rate high");
        close(f.difference.difference, diff.0, "difference");
        close(f.difference.interval.low, diff.1, "difference low");
        close(f.difference.interval.high, diff.2, "difference high");
        assert!(f.significant);
        assert_eq!(statement, want_statement);
    }
    for i in [0, 3] {
        let GroupComparison::Suppressed { reason, statement, .. } = &t.groups[i] else {
            panic!("{} should be suppressed", groups[i])
        };
        assert_eq!(*reason, SuppressionReason::SmallGroup);
        assert!(statement.ends_with("suppressed (fewer than 10 people in the group)"), "{statement}");
    }
}

#[test]
fn groups_come_from_the_declaration_with_the_age_on_the_periods_last_day() {
    let period = Period::new(date(2026, 1, 1), date(2026, 11, 20)).unwrap();
    let declared = |born: Option<Date>| StaffCharacteristics {
        gender: Some(Gender::Female),
        ethnicity: Some(Ethnicity::NotStated),
        date_of_birth: born,
        disability: Some(true),
        religion: Some(Religion::NoReligion),
    };
    let d = declared(Some(date(2008, 11, 20)));
    // (characteristic, group): 18 on the period's last day.
    for (c, want) in [
        (Characteristic::Gender, "Female"),
        (Characteristic::Ethnicity, "Not stated"),
        (Characteristic::AgeBand, "18 to 20"),
        (Characteristic::Disability, "Disabled"),
        (Characteristic::Religion, "No religion"),
    ] {
        assert_eq!(staff_group(&d, c, period.to), Some(want), "{c:?}");
    }
    assert_eq!(staff_group(&declared(Some(date(2008, 11, 21))), Characteristic::AgeBand, period.to), Some("Under 18"));
    let nothing = StaffCharacteristics::default();
    for c in STAFF_CHARACTERISTICS {
        assert_eq!(staff_group(&nothing, c, period.to), Some(NOT_RECORDED), "{c:?}");
    }
    assert_eq!(staff_group(&d, Characteristic::Nationality, period.to), None);

    // Counted by group, "Not recorded" last; a flag outside the period does not count.
    let staff = [
        StaffMember { characteristics: declared(None), flag_starts: vec![date(2025, 12, 31)] },
        StaffMember { characteristics: declared(None), flag_starts: vec![date(2026, 1, 1)] },
        StaffMember {
            characteristics: StaffCharacteristics { gender: Some(Gender::Male), ..Default::default() },
            flag_starts: vec![],
        },
        StaffMember { characteristics: nothing.clone(), flag_starts: vec![date(2026, 11, 20)] },
    ];
    let groups = staff_process_groups(&staff, Characteristic::Gender, period).unwrap();
    let seen: Vec<(&str, u64, u64)> = groups.iter().map(|g| (g.group.as_str(), g.people, g.with_outcome)).collect();
    assert_eq!(seen, [("Female", 2, 1), ("Male", 1, 0), (NOT_RECORDED, 1, 1)]);

    assert_eq!(
        staff_process_groups(&staff, Characteristic::Nationality, period),
        Err(StaffProcessError::NotForStaff(Characteristic::Nationality))
    );
    assert_eq!(
        staff_process_groups(&[], Characteristic::Nationality, period),
        Err(StaffProcessError::NotForStaff(Characteristic::Nationality)),
        "refused even with no staff"
    );
    let empty = staff_process_rates(
        FlagKind::PerformanceImprovement,
        &[],
        Characteristic::Religion,
        period,
        &SuppressionPolicy::DEFAULT,
    )
    .unwrap();
    assert_eq!((empty.people, empty.with_outcome, empty.groups.len()), (0, 0, 0));
}

#[test]
fn periods_run_forwards_and_default_to_the_twelve_months_to_today() {
    assert_eq!(
        Period::new(date(2026, 2, 1), date(2026, 1, 31)),
        Err(StaffProcessError::PeriodBackwards { from: date(2026, 2, 1), to: date(2026, 1, 31) })
    );
    let one_day = Period::new(date(2026, 2, 1), date(2026, 2, 1)).unwrap();
    assert!(one_day.contains(date(2026, 2, 1)) && !one_day.contains(date(2026, 2, 2)));
    // A leap day: the year before has no 29th of February, so the period starts on 1 March.
    assert_eq!(Period::twelve_months_to(date(2028, 2, 29)).from, date(2027, 3, 1));
    assert_eq!(Period::twelve_months_to(date(2026, 1, 1)).from, date(2025, 1, 2));
}

#[test]
fn the_outcome_choice_covers_every_outcome_and_staff_process() {
    for o in OutcomeKind::ALL {
        assert!(OutcomeChoice::ALL.contains(&OutcomeChoice::Case(o)), "{o:?}");
    }
    for k in FlagKind::ALL {
        assert!(OutcomeChoice::ALL.contains(&OutcomeChoice::Staff(k)), "{k:?}");
    }
    for o in OutcomeChoice::ALL {
        assert_eq!(OutcomeChoice::parse(o.id()), Some(o));
    }
    assert_eq!(
        OutcomeChoice::parse("performance-improvement"),
        Some(OutcomeChoice::Staff(FlagKind::PerformanceImprovement))
    );
    assert_eq!(OutcomeChoice::parse("performance_improvement"), None);
    assert_eq!(OutcomeChoice::ids_in_words(), "breach, recall, completion or performance-improvement");
    assert_eq!(
        OutcomeChoice::Staff(FlagKind::PerformanceImprovement).label(),
        "Performance-improvement flag (staff process)"
    );
    let staff = OutcomeChoice::Staff(FlagKind::PerformanceImprovement).characteristics();
    assert!(!staff.contains(&Characteristic::Nationality) && staff.len() == 5);
    assert_eq!(OutcomeChoice::Case(OutcomeKind::Breach).characteristics(), Characteristic::ALL);
}
