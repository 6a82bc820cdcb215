use super::*;
use jiff::civil::date;

// A hand-built cohort. Each row is worked by hand; the expected figures below follow.
//
// 2024-Q1 cohort (people P1, P2, P3, P4):
// - P1 starts 2024-02-29. 12 months on = 2025-02-28 (no 29 Feb 2025: month end);
//   18 months on = 2025-08-29.
//   - offence 2025-02-28 proven 2025-08-29: exactly on both limits -> counts.
//   - offence 2025-03-01 proven 2025-04-01: committed one day too late -> no.
//   P1: 1 reoffence.
// - P2 starts 2024-03-31. 12 months = 2025-03-31; 18 months = 2025-09-30 (no 31 Sep).
//   - offence 2024-03-31 (the start day: not strictly after) -> no.
//   - offence 2024-05-05 proven 2024-06-06 -> counts.
//   - offence 2024-06-01 proven 2025-09-30 (exactly 18 months, clamped) -> counts.
//   - offence 2024-07-01 proven 2025-10-01: proven one day too late -> no.
//   P2: 2 reoffences.
// - P3 starts 2024-01-15 and again 2024-02-10 (same quarter: the first start counts)
//   and 2024-08-01 (a second cohort, 2024-Q3). From 2024-01-15: 12 months =
//   2025-01-15, 18 months = 2025-07-15.
//   - offence 2024-02-01 proven 2024-02-20: after the first start, before the second
//     -> counts for Q1 (it would not if the later Q1 start were used).
//   - offence 2024-09-01 proven 2024-10-01, carried on the Q3 row: reoffences belong to
//     the person -> counts for Q1 too.
//   P3 in Q1: 2 reoffences.
// - P4 starts 2024-02-01; offence 2024-01-20 proven 2024-03-01 is before the start -> no.
//   P4: 0.
// Q1: people 4, reoffenders 3 (P1, P2, P3), reoffences 1 + 2 + 2 = 5.
//     binary 3/4 x 100 = 75.00; frequency 5/3 = 1.666... -> 1.67.
//
// 2024-Q2: no starts, so no cohort object.
//
// 2024-Q3 cohort (P3, P5, P6, P8, P9, P10, P11):
// - P3 from 2024-08-01: 2024-02-01 is before the start -> no; 2024-09-01 -> counts. 1.
// - P5 starts 2024-08-31. 12 months = 2025-08-31; 18 months = 2026-02-28.
//   - offence 2025-08-31 proven 2026-02-28: exactly on both limits -> counts.
//   - offence 2024-10-10 proven 2024-12-01, on two identical rows: two offences dealt
//     with at one hearing -> 2.
//   P5: 3 reoffences.
// - P6 starts 2024-09-30 and 2025-01-10 (2025-Q1). One reoffence, offence 2025-02-01
//   proven 2025-03-01, is listed under both starts (a join export): it is one
//   reoffence. From 2024-09-30 (12 months = 2025-09-30) it counts. P6: 1.
// - P8, P9, P10, P11: starts with no reoffence. 0 each.
// Q3: people 7, reoffenders 3 (P3, P5, P6), reoffences 1 + 3 + 1 = 5.
//     binary 3/7 x 100 = 42.857... -> 42.86; frequency 5/3 -> 1.67.
//
// 2025-Q1 cohort (P6, P7):
// - P6 from 2025-01-10: offence 2025-02-01 counts once (not twice). 1.
// - P7 starts 2025-03-15, no reoffence. 0.
// Q1 2025: people 2, reoffenders 1, reoffences 1. binary 50.00; frequency 1.00.
//
// 2025-Q2 cohort (P12): starts 2025-04-01, no reoffence.
//     people 1, reoffenders 0, reoffences 0. binary 0.00; frequency null.
const HAND_BUILT: &str = "\
person,start_date,offence_date,proven_date
P1,2024-02-29,2025-02-28,2025-08-29
P1,2024-02-29,2025-03-01,2025-04-01
P2,2024-03-31,2024-03-31,2024-04-15
P2,2024-03-31,2024-05-05,2024-06-06
P2,2024-03-31,2024-06-01,2025-09-30
P2,2024-03-31,2024-07-01,2025-10-01
P3,2024-01-15,2024-02-01,2024-02-20
P3,2024-02-10,,
P3,2024-08-01,2024-09-01,2024-10-01
P4,2024-02-01,2024-01-20,2024-03-01
P5,2024-08-31,2025-08-31,2026-02-28
P5,2024-08-31,2024-10-10,2024-12-01
P5,2024-08-31,2024-10-10,2024-12-01
P6,2024-09-30,2025-02-01,2025-03-01
P6,2025-01-10,2025-02-01,2025-03-01
P7,2025-03-15,,
P8,2024-07-07,,
P9,2024-09-01,,
P10,2024-09-15,,
P11,2024-07-01,,
P12,2025-04-01,,
";

fn figures(
    cohort: (i16, u8),
    people: u64,
    reoffenders: u64,
    reoffences: u64,
    binary_rate: f64,
    frequency_rate: Option<f64>,
) -> CohortFigures {
    CohortFigures {
        cohort: Quarter { year: cohort.0, quarter: cohort.1 },
        people,
        reoffenders,
        reoffences,
        binary_rate,
        frequency_rate,
    }
}

#[test]
fn hand_built_cohort() {
    let expected = vec![
        figures((2024, 1), 4, 3, 5, 75.00, Some(1.67)),
        figures((2024, 3), 7, 3, 5, 42.86, Some(1.67)),
        figures((2025, 1), 2, 1, 1, 50.00, Some(1.00)),
        figures((2025, 2), 1, 0, 0, 0.00, None),
    ];
    assert_eq!(reoffending_from_csv(HAND_BUILT).unwrap(), expected);
}

#[test]
fn hand_built_cohort_as_json() {
    let json = serde_json::to_string(&reoffending_from_csv(HAND_BUILT).unwrap()).unwrap();
    assert_eq!(
        json,
        concat!(
            r#"[{"cohort":"2024-Q1","people":4,"reoffenders":3,"reoffences":5,"binary_rate":75.0,"frequency_rate":1.67},"#,
            r#"{"cohort":"2024-Q3","people":7,"reoffenders":3,"reoffences":5,"binary_rate":42.86,"frequency_rate":1.67},"#,
            r#"{"cohort":"2025-Q1","people":2,"reoffenders":1,"reoffences":1,"binary_rate":50.0,"frequency_rate":1.0},"#,
            r#"{"cohort":"2025-Q2","people":1,"reoffenders":0,"reoffences":0,"binary_rate":0.0,"frequency_rate":null}]"#,
        )
    );
}

#[test]
fn row_order_does_not_matter() {
    let mut lines: Vec<&str> = HAND_BUILT.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    let reversed = format!("{header}\n{}\n", lines.join("\n"));
    assert_eq!(reoffending_from_csv(&reversed).unwrap(), reoffending_from_csv(HAND_BUILT).unwrap());
}

// One start on `start`, one reoffence; does it count?
#[test]
fn window_boundaries() {
    let cases = [
        // (start, offence, proven, counts, why)
        ((2025, 1, 10), (2025, 1, 10), (2025, 2, 1), false, "offence on the start day"),
        ((2025, 1, 10), (2025, 1, 11), (2025, 2, 1), true, "the day after the start"),
        ((2025, 1, 10), (2024, 12, 1), (2025, 2, 1), false, "offence before the start"),
        ((2025, 1, 10), (2026, 1, 10), (2026, 7, 10), true, "both limits exactly"),
        ((2025, 1, 10), (2026, 1, 11), (2026, 2, 1), false, "committed a day late"),
        ((2025, 1, 10), (2025, 6, 1), (2026, 7, 11), false, "proven a day late"),
        ((2024, 2, 29), (2025, 2, 28), (2025, 3, 1), true, "leap day start, 12 months clamped"),
        ((2024, 2, 29), (2025, 3, 1), (2025, 3, 2), false, "leap day start, a day late"),
        ((2023, 8, 31), (2024, 8, 31), (2025, 2, 28), true, "31 Aug: 18 months is 28 Feb"),
        ((2023, 8, 31), (2024, 8, 31), (2025, 3, 1), false, "31 Aug: proven 1 Mar too late"),
        ((2024, 3, 31), (2025, 3, 31), (2025, 9, 30), true, "31 Mar: 18 months is 30 Sep"),
        ((2024, 3, 31), (2025, 3, 31), (2025, 10, 1), false, "31 Mar: 1 Oct too late"),
    ];
    for (start, offence, proven, counts, why) in cases {
        let starts = [Start { person: "X".into(), date: date(start.0, start.1, start.2) }];
        let reoffences = [Reoffence {
            person: "X".into(),
            offence_date: date(offence.0, offence.1, offence.2),
            proven_date: date(proven.0, proven.1, proven.2),
        }];
        let result = proven_reoffending(&starts, &reoffences);
        assert_eq!(result.len(), 1, "{why}");
        assert_eq!(result[0].reoffences, u64::from(counts), "{why}");
        assert_eq!(result[0].reoffenders, u64::from(counts), "{why}");
    }
}

#[test]
fn reoffences_of_other_people_do_not_count() {
    let starts = [Start { person: "A".into(), date: date(2025, 1, 1) }];
    let reoffences = [Reoffence { person: "B".into(), offence_date: date(2025, 2, 1), proven_date: date(2025, 3, 1) }];
    let result = proven_reoffending(&starts, &reoffences);
    assert_eq!(result, vec![figures((2025, 1), 1, 0, 0, 0.0, None)]);
}

#[test]
fn repeated_rows() {
    // (csv body, expected reoffences for the single cohort, why)
    let cases = [
        ("A,2025-01-01,2025-02-01,2025-03-01\n", 1, "one row"),
        (
            "A,2025-01-01,2025-02-01,2025-03-01\nA,2025-01-01,2025-02-01,2025-03-01\n",
            2,
            "identical rows under one start: two offences at one hearing",
        ),
        (
            "A,2025-01-01,2025-02-01,2025-03-01\nA,2025-01-20,2025-02-01,2025-03-01\n",
            1,
            "one reoffence repeated under two starts in one quarter",
        ),
        (
            "A,2025-01-01,2025-02-01,2025-03-01\nA,2025-01-01,2025-02-01,2025-03-01\n\
             A,2025-01-20,2025-02-01,2025-03-01\nA,2025-01-20,2025-02-01,2025-03-01\n",
            2,
            "two reoffences, each repeated under two starts",
        ),
        (
            "A,2025-01-01,2025-02-01,2025-03-01\nA,2025-01-01,2025-02-01,2025-03-02\n",
            2,
            "different proven dates: two reoffences",
        ),
        ("A,2025-01-01,,\nA,2025-01-01,,\n", 0, "repeated bare starts"),
    ];
    for (body, expected, why) in cases {
        let csv = format!("person,start_date,offence_date,proven_date\n{body}");
        let result = reoffending_from_csv(&csv).unwrap();
        assert_eq!(result.len(), 1, "{why}");
        assert_eq!(result[0].people, 1, "{why}");
        assert_eq!(result[0].reoffences, expected, "{why}");
    }
}

#[test]
fn csv_layout_is_flexible_where_harmless() {
    // Columns in another order, an extra column, spaces, a blank line, only a header.
    let cases = [
        (
            "proven_date,extra,person,offence_date,start_date\n2025-03-01,x,A,2025-02-01,2025-01-01\n",
            vec![figures((2025, 1), 1, 1, 1, 100.0, Some(1.0))],
        ),
        (
            "person , start_date,offence_date,proven_date\n A , 2025-01-01 , , \n\n",
            vec![figures((2025, 1), 1, 0, 0, 0.0, None)],
        ),
        ("person,start_date,offence_date,proven_date\n", vec![]),
        (
            "\u{feff}person,start_date,offence_date,proven_date\nA,2025-04-01,,\n",
            vec![figures((2025, 2), 1, 0, 0, 0.0, None)],
        ),
    ];
    for (csv, expected) in cases {
        assert_eq!(reoffending_from_csv(csv).unwrap(), expected, "{csv:?}");
    }
}

#[test]
fn bad_input_is_refused_naming_row_and_column() {
    let header = "person,start_date,offence_date,proven_date\n";
    let ok = "A,2025-01-01,,\n";
    // (csv, expected error message)
    let cases = [
        (String::new(), "missing column person (the header must name person, start_date, offence_date, proven_date)"),
        (
            "person,start_date,offence_date\nA,2025-01-01,\n".to_owned(),
            "missing column proven_date (the header must name person, start_date, offence_date, proven_date)",
        ),
        (
            format!("{header}{ok}A,2025-13-01,,\n"),
            "data row 2 (file line 3): column start_date: \"2025-13-01\" is not a date (YYYY-MM-DD)",
        ),
        (
            format!("{header}{ok}{ok}A,2025-01-01,01/02/2025,2025-03-01\n"),
            "data row 3 (file line 4): column offence_date: \"01/02/2025\" is not a date (YYYY-MM-DD)",
        ),
        (
            format!("{header}A,2025-01-01,2025-02-01,2025-02-30\n"),
            "data row 1 (file line 2): column proven_date: \"2025-02-30\" is not a date (YYYY-MM-DD)",
        ),
        (
            format!("{header}A,2025-01-01,2025-02-01,\n"),
            "data row 1 (file line 2): column proven_date is empty but offence_date is not (give both dates of a reoffence, or neither)",
        ),
        (
            format!("{header}{ok}A,2025-01-01,,2025-02-01\n"),
            "data row 2 (file line 3): column offence_date is empty but proven_date is not (give both dates of a reoffence, or neither)",
        ),
        (format!("{header}A,,,\n"), "data row 1 (file line 2): column start_date is empty"),
        (format!("{header},2025-01-01,,\n"), "data row 1 (file line 2): column person is empty"),
        (
            format!("{header}A,2025-01-01,2025-03-01,2025-02-01\n"),
            "data row 1 (file line 2): column proven_date: 2025-02-01 is before offence_date 2025-03-01",
        ),
        (
            format!("{header}{ok}A,2025-01-01,\n"),
            "data row 2 (file line 3): expected 4 fields as in the header, found 3",
        ),
    ];
    for (csv, expected) in cases {
        let error = reoffending_from_csv(&csv).expect_err(&csv);
        assert_eq!(error.to_string(), expected, "{csv:?}");
    }
}

#[test]
fn quarter_of_each_month() {
    let expected_quarters = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4];
    for (month, quarter) in (1..=12).zip(expected_quarters) {
        let q = Quarter::of(date(2025, month, 28));
        assert_eq!((q.year, q.quarter), (2025, quarter), "month {month}");
        assert_eq!(q.to_string(), format!("2025-Q{quarter}"));
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn day(offset: i32) -> Date {
        date(2024, 1, 1).checked_add(jiff::Span::new().days(offset)).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Invariants any correct computation keeps: counts are consistent, rates lie in
        /// range, and every person appears in at least one cohort.
        #[test]
        fn figures_are_consistent(
            starts in prop::collection::vec((0u8..6, 0i32..800), 1..30),
            reoffences in prop::collection::vec((0u8..6, 0i32..900, 0i32..300), 0..40),
        ) {
            let starts: Vec<Start> = starts
                .into_iter()
                .map(|(p, d)| Start { person: format!("P{p}"), date: day(d) })
                .collect();
            let reoffences: Vec<Reoffence> = reoffences
                .into_iter()
                .map(|(p, o, lag)| Reoffence {
                    person: format!("P{p}"),
                    offence_date: day(o),
                    proven_date: day(o + lag),
                })
                .collect();
            let result = proven_reoffending(&starts, &reoffences);
            let mut previous: Option<Quarter> = None;
            for cohort in &result {
                prop_assert!(previous.is_none_or(|p| p < cohort.cohort));
                previous = Some(cohort.cohort);
                prop_assert!(cohort.people >= 1);
                prop_assert!(cohort.reoffenders <= cohort.people);
                prop_assert!(cohort.reoffences >= cohort.reoffenders);
                prop_assert!((0.0..=100.0).contains(&cohort.binary_rate));
                prop_assert_eq!(cohort.frequency_rate.is_none(), cohort.reoffenders == 0);
                if let Some(f) = cohort.frequency_rate {
                    prop_assert!(f >= 1.0);
                }
            }
            let distinct: std::collections::HashSet<_> =
                starts.iter().map(|s| (Quarter::of(s.date), &s.person)).collect();
            let people: u64 = result.iter().map(|c| c.people).sum();
            prop_assert_eq!(people, distinct.len() as u64);
        }
    }
}

#[test]
fn quarters_parse_and_end_their_follow_up() {
    // (text, parses to, last day, follow-up ends: last day + 18 months, day number kept)
    let cases = [
        ("2025-Q1", Some((2025, 1)), date(2025, 3, 31), date(2026, 9, 30)),
        ("2024-Q4", Some((2024, 4)), date(2024, 12, 31), date(2026, 6, 30)),
        ("2025-Q3", Some((2025, 3)), date(2025, 9, 30), date(2027, 3, 30)),
    ];
    for (text, want, last, ends) in cases {
        let q = Quarter::parse(text).unwrap();
        assert_eq!(Some((q.year, q.quarter)), want);
        assert_eq!(q.to_string(), text);
        assert_eq!((q.last_day(), q.follow_up_ends()), (last, ends), "{text}");
    }
    for bad in ["2025-Q5", "2025-Q0", "2025Q1", "25-Q1", "2025-Q1x"] {
        assert_eq!(Quarter::parse(bad), None, "{bad}");
    }
}

#[test]
fn a_case_record_becomes_cohort_entries() {
    use domain::event::{AllocationReason, CaseEvent};
    use domain::example::{code, community_order, person};
    use domain::reoffending::Disposal;
    let allocated = |team: &str| CaseEvent::OfficerAllocated {
        officer: code("O1"),
        team: code(team),
        reason: AllocationReason::Initial,
        evidence: None,
    };
    let reoffence = |offence, proven| CaseEvent::ReoffenceProven {
        offence_date: offence,
        proven_on: proven,
        disposal: Disposal::Caution,
        court: None,
    };
    let events = [
        (date(2025, 1, 10), CaseEvent::PersonRegistered { person: person("Ann", "Smith") }),
        (date(2025, 1, 10), CaseEvent::SentenceImposed { sentence: community_order("S1", date(2025, 1, 10)) }),
        // Allocated four days after the start: the entry belongs to the first team allocated.
        (date(2025, 1, 14), allocated("T1")),
        // Committed after the first start and before the second: counts for the first only.
        (date(2025, 5, 1), reoffence(date(2025, 4, 1), date(2025, 5, 1))),
        (date(2025, 6, 1), allocated("T2")),
        (date(2025, 7, 2), CaseEvent::SentenceImposed { sentence: community_order("S2", date(2025, 7, 2)) }),
    ];
    let entries = case_cohort_entries(events.iter().map(|(on, e)| (*on, e)));
    let got: Vec<(String, Date, u64, Option<String>)> = entries
        .iter()
        .map(|e| (e.cohort.to_string(), e.start, e.reoffences, e.team.as_ref().map(|t| t.to_string())))
        .collect();
    assert_eq!(
        got,
        [
            ("2025-Q1".to_owned(), date(2025, 1, 10), 1, Some("T1".to_owned())),
            // The second start is after the offence, and the case is with T2 by then.
            ("2025-Q3".to_owned(), date(2025, 7, 2), 0, Some("T2".to_owned())),
        ]
    );
    assert!(entries.iter().all(|e| e.kind == StartKind::CommunitySentence));
}
