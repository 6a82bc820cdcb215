//! Proven reoffending and disproportionality from the record, on both engines: reoffences are
//! recorded through the normal append path (and refused with a named field when wrong), the
//! projections follow appends and bulk loads, a rebuild and `check` agree with them, and the
//! figures are those worked out by hand below.

use analytics::outcomes::{Characteristic, OutcomeKind};
use analytics::proportion::{GroupComparison, GroupCount, SuppressionPolicy, SuppressionReason, disproportionality};
use analytics::reoffending::Quarter;
use domain::event::{CaseEvent, NewEvent, RecordedEvent, SentenceOutcome};
use domain::example::{self, date, id, new_event};
use domain::ids::{Crn, Name, Note};
use domain::org::Organisation;
use domain::person::Ethnicity;
use domain::reoffending::Disposal;
use domain::sentence::{CustodyTerms, LicenceCondition, Sentence, SentenceKind};
use store::mi_outcomes::{CohortRates, PlaceLevel};
use store::testing::RawSql;
use store::{CaseStore, LoadCase, MiOutcomeStore, StoreError, both_engines};

fn crn(s: &str) -> Crn {
    Crn::parse(s).unwrap()
}

fn org() -> Organisation {
    example::two_team_org()
}

/// A conviction at court, recorded on the day it was proven.
fn convicted(offence: &str, proven: &str) -> NewEvent {
    new_event(
        date(proven),
        CaseEvent::ReoffenceProven {
            offence_date: date(offence),
            proven_on: date(proven),
            disposal: Disposal::Conviction,
            court: Some(Name::parse("Highbury Corner Magistrates").unwrap()),
        },
    )
}

fn cautioned(offence: &str, proven: &str) -> NewEvent {
    new_event(
        date(proven),
        CaseEvent::ReoffenceProven {
            offence_date: date(offence),
            proven_on: date(proven),
            disposal: Disposal::Caution,
            court: None,
        },
    )
}

fn community(sentence: &str, on: &str) -> NewEvent {
    new_event(date(on), CaseEvent::SentenceImposed { sentence: example::community_order(sentence, date(on)) })
}

/// A custodial sentence with a licence and no post-sentence supervision, released on `release`.
fn custody_then_release(sentenced: &str, release: &str, officer: &str, team: &str) -> Vec<NewEvent> {
    let (sd, r) = (date(sentenced), date(release));
    let licence_end = r.checked_add(jiff::Span::new().months(6)).unwrap();
    let sentence = Sentence {
        id: id("S1"),
        kind: SentenceKind::Custodial,
        sentence_date: sd,
        end_date: licence_end,
        requirements: vec![],
        licence_conditions: vec![LicenceCondition::Standard],
        custody: Some(CustodyTerms { release_date: r, licence_end, pss_end: None }),
    };
    let mut events = example::opening("Cal", "Brown", sd, officer, team);
    events[1] = new_event(sd, CaseEvent::SentenceImposed { sentence });
    events.push(new_event(r, CaseEvent::ReleasedFromCustody { sentence: id("S1"), on: r }));
    events
}

fn breach(on: &str) -> NewEvent {
    new_event(
        date(on),
        CaseEvent::BreachReferred {
            failures: vec![],
            reason: Some(Note::parse("Serious failure: threatened staff").unwrap()),
            pack: Default::default(),
        },
    )
}

/// Appends a whole case one event at a time, as officers record it.
async fn record<S: CaseStore + Clone + 'static>(store: &S, c: &Crn, events: &[NewEvent]) {
    for (i, e) in events.iter().enumerate() {
        store
            .append(c, i as u64, std::slice::from_ref(e), jiff::Timestamp::now())
            .await
            .unwrap_or_else(|e| panic!("{c} event {i}: {e}"));
    }
}

fn quarter(s: &str) -> Quarter {
    Quarter::parse(s).unwrap()
}

/// (cohort, place, people, reoffenders, reoffences, binary rate, frequency rate)
type Row = (Quarter, Option<String>, u64, u64, u64, f64, Option<f64>);

fn rows(rates: &[CohortRates]) -> Vec<Row> {
    rates
        .iter()
        .map(|r| {
            let f = &r.figures;
            (
                f.cohort,
                r.place.as_ref().map(|p| p.to_string()),
                f.people,
                f.reoffenders,
                f.reoffences,
                f.binary_rate,
                f.frequency_rate,
            )
        })
        .collect()
}

// The hand-built cohorts. Limits: an offence counts when committed strictly after the start
// and no later than 12 months after it, and proven no later than 18 months after it.
//
// 2025-Q1:
// - A (T1), community order 2025-01-15 (12 months: 2026-01-15; 18 months: 2026-07-15).
//   - offence 2025-03-01 proven 2025-05-01 -> counts.
//   - offence 2025-06-10 proven 2025-09-01 (a caution) -> counts.
//   - offence 2026-01-16 proven 2026-02-01: committed a day after 12 months -> no.
//   A: 2.
// - B (T1), community order 2025-02-01 (12 months 2026-02-01; 18 months 2026-08-01).
//   - a breach referred 2025-06-02, during the follow-up: not a reoffence.
//   - offence 2025-12-01 proven 2026-08-02: proven a day after the waiting period -> no.
//   B: 0.
// - C (T2), released from custody 2025-03-31 (12 months 2026-03-31; 18 months 2026-09-30).
//   - offence 2025-03-31, the release day itself (not strictly after) proven 2025-04-10 -> no.
//   - offence 2026-03-31 proven 2026-09-30: exactly on both limits -> counts.
//   C: 1.
// - D (T2), community order 2025-03-10, no reoffence. D: 0.
// Q1: people 4, reoffenders 2 (A, C), reoffences 3: binary 2/4 = 50.00%, frequency 3/2 = 1.50.
//   T1: A, B: people 2, reoffenders 1, reoffences 2: 50.00%, 2.00.
//   T2: C, D: people 2, reoffenders 1, reoffences 1: 50.00%, 1.00.
//
// 2025-Q2:
// - A again: a second community order 2025-04-20 (12 months 2026-04-20; 18 months
//   2026-10-20). Reoffences belong to the person: 2025-03-01 is before this start -> no;
//   2025-06-10 -> counts; 2026-01-16 proven 2026-02-01 -> counts now. A: 2.
// - E (T1), community order 2025-05-05: two offences on 2025-07-01 dealt with at one hearing
//   on 2025-08-01 -> 2.
// - F (T2), community order 2025-06-30, no reoffence. 0.
// Q2: people 3, reoffenders 2 (A, E), reoffences 4: binary 2/3 = 66.666... -> 66.67%,
//   frequency 4/2 = 2.00.
//   T1: A, E: 2 people, 2 reoffenders, 4 reoffences: 100.00%, 2.00.  T2: F: 1, 0, 0: 0.00%, none.
async fn reoffending_from_the_record<S: CaseStore + MiOutcomeStore + Clone + 'static + RawSql>(store: S) {
    store.bulk_load(&org(), &mut std::iter::empty::<Result<Vec<LoadCase>, StoreError>>(), &|_| {}).await.unwrap();
    let (a, b, c, d, e, f) =
        (crn("X000001"), crn("X000002"), crn("X000003"), crn("X000004"), crn("X000005"), crn("X000006"));

    let mut events_a = example::opening("Ann", "Smith", date("2025-01-15"), "O1", "T1");
    events_a.push(community("S2", "2025-04-20"));
    events_a.push(convicted("2025-03-01", "2025-05-01"));
    events_a.push(cautioned("2025-06-10", "2025-09-01"));
    events_a.push(convicted("2026-01-16", "2026-02-01"));
    record(&store, &a, &events_a).await;

    let mut events_b = example::opening("Bea", "Jones", date("2025-02-01"), "O1", "T1");
    events_b.push(breach("2025-06-02"));
    events_b.push(convicted("2025-12-01", "2026-08-02"));
    record(&store, &b, &events_b).await;

    let mut events_c = custody_then_release("2024-12-01", "2025-03-31", "O2", "T2");
    events_c.push(convicted("2025-03-31", "2025-04-10"));
    events_c.push(convicted("2026-03-31", "2026-09-30"));
    record(&store, &c, &events_c).await;

    record(&store, &d, &example::opening("Dan", "Green", date("2025-03-10"), "O2", "T2")).await;

    let mut events_e = example::opening("Eve", "White", date("2025-05-05"), "O1", "T1");
    events_e.push(convicted("2025-07-01", "2025-08-01"));
    events_e.push(convicted("2025-07-01", "2025-08-01"));
    record(&store, &e, &events_e).await;

    record(&store, &f, &example::opening("Fay", "Black", date("2025-06-30"), "O2", "T2")).await;

    let (q1, q2) = (quarter("2025-Q1"), quarter("2025-Q2"));
    let provider = store.mi_reoffending(PlaceLevel::Provider).await.unwrap();
    assert_eq!(rows(&provider), [(q1, None, 4, 2, 3, 50.0, Some(1.5)), (q2, None, 3, 2, 4, 66.67, Some(2.0))]);
    assert_eq!(provider[0].follow_up_ends, date("2026-09-30"), "Q1's last start, 31 March, plus 18 months");
    let t = |s: &str| Some(s.to_owned());
    let by_team = store.mi_reoffending(PlaceLevel::Team).await.unwrap();
    assert_eq!(
        rows(&by_team),
        [
            (q1, t("T1"), 2, 1, 2, 50.0, Some(2.0)),
            (q1, t("T2"), 2, 1, 1, 50.0, Some(1.0)),
            (q2, t("T1"), 2, 2, 4, 100.0, Some(2.0)),
            (q2, t("T2"), 1, 0, 0, 0.0, None),
        ]
    );
    let by_area = store.mi_reoffending(PlaceLevel::Area).await.unwrap();
    assert_eq!(
        rows(&by_area).iter().map(|r| (r.1.clone(), r.2, r.4)).collect::<Vec<_>>(),
        [(t("AR1"), 4, 3), (t("AR1"), 3, 4)]
    );

    // The store and the analysts' CSV give the same figures for the same starts and offences.
    let csv = "person,start_date,offence_date,proven_date\n\
        A,2025-01-15,2025-03-01,2025-05-01\nA,2025-04-20,2025-06-10,2025-09-01\nA,2025-04-20,2026-01-16,2026-02-01\n\
        B,2025-02-01,2025-12-01,2026-08-02\nC,2025-03-31,2025-03-31,2025-04-10\nC,2025-03-31,2026-03-31,2026-09-30\n\
        D,2025-03-10,,\nE,2025-05-05,2025-07-01,2025-08-01\nE,2025-05-05,2025-07-01,2025-08-01\nF,2025-06-30,,\n";
    let from_csv = analytics::reoffending::reoffending_from_csv(csv).unwrap();
    assert_eq!(provider.iter().map(|r| r.figures.clone()).collect::<Vec<_>>(), from_csv);

    // Live rows equal a recompute, and a rebuild changes nothing.
    assert_eq!(store.mi_outcomes_check().await.unwrap(), Vec::<String>::new());
    // The sums a store from before migration 0025 is given agree with those appends keep.
    let migration = include_str!("../migrations/sqlite/0025_mi_reoffending_sums.sql");
    let fill = &migration[migration.find("INSERT INTO").unwrap()..];
    assert_eq!(store.raw("DELETE FROM mi_reoffending_sums").await, Ok(4));
    assert!(store.mi_outcomes_check().await.unwrap().iter().all(|d| d.starts_with("mi_reoffending_sums: ")));
    assert_eq!(store.raw(fill).await, Ok(4));
    assert_eq!(store.mi_outcomes_check().await.unwrap(), Vec::<String>::new());
    assert!(store.check().await.unwrap().is_consistent());
    store.rebuild().await.unwrap();
    assert_eq!(rows(&store.mi_reoffending(PlaceLevel::Team).await.unwrap()), rows(&by_team));
}
both_engines!(reoffending_from_the_record_t, reoffending_from_the_record);

/// A reoffence is checked at the edge: each mistake is refused naming its field, and nothing
/// is written.
async fn a_wrong_reoffence_is_refused<S: CaseStore + MiOutcomeStore + Clone + 'static>(store: S) {
    let a = crn("X000001");
    let opening = example::opening("Ann", "Smith", date("2025-01-15"), "O1", "T1");
    store.append(&a, 0, &opening, jiff::Timestamp::now()).await.unwrap();
    let v = opening.len() as u64;
    let before = store.mi_reoffending(PlaceLevel::Provider).await.unwrap();
    let court = || Some(Name::parse("Highbury Corner Magistrates").unwrap());
    let reoffence = |offence: &str, proven: &str, recorded: &str, disposal, court| {
        new_event(
            date(recorded),
            CaseEvent::ReoffenceProven { offence_date: date(offence), proven_on: date(proven), disposal, court },
        )
    };
    let cases = [
        // (event, field, why)
        (
            reoffence("2025-05-01", "2025-04-01", "2025-05-02", Disposal::Conviction, court()),
            "proven_on",
            "before the offence",
        ),
        (
            reoffence("2025-03-01", "2025-04-01", "2025-03-20", Disposal::Conviction, court()),
            "proven_on",
            "after the day recorded",
        ),
        (
            reoffence("1980-03-01", "2025-04-01", "2025-04-01", Disposal::Conviction, court()),
            "offence_date",
            "before birth",
        ),
        (
            reoffence("2025-03-01", "2025-04-01", "2025-04-01", Disposal::Conviction, None),
            "court",
            "a conviction without a court",
        ),
        (
            reoffence("2025-03-01", "2025-04-01", "2025-04-01", Disposal::Caution, court()),
            "court",
            "a caution with a court",
        ),
    ];
    for (event, field, why) in cases {
        match store.append(&a, v, &[event], jiff::Timestamp::now()).await {
            Err(StoreError::Rejected { field: got, .. }) => assert_eq!(got, field, "{why}"),
            other => panic!("{why}: expected a refusal naming {field}, got {other:?}"),
        }
    }
    assert_eq!(store.stream(&a).await.unwrap().len() as u64, v, "nothing was written");
    assert_eq!(store.mi_reoffending(PlaceLevel::Provider).await.unwrap(), before);
    // The same reoffence, put right, is accepted.
    store
        .append(
            &a,
            v,
            &[reoffence("2025-03-01", "2025-04-01", "2025-04-01", Disposal::Caution, None)],
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    assert_eq!(store.mi_reoffending(PlaceLevel::Provider).await.unwrap()[0].figures.reoffences, 1);
}
both_engines!(a_wrong_reoffence_is_refused_t, a_wrong_reoffence_is_refused);

fn recorded(c: &Crn, events: &[NewEvent]) -> Vec<RecordedEvent> {
    events
        .iter()
        .enumerate()
        .map(|(i, e)| RecordedEvent {
            crn: c.clone(),
            seq: i as u64 + 1,
            occurred_at: e.occurred_at,
            recorded_at: e.occurred_at,
            recorded_by: e.recorded_by.clone(),
            event: e.event.clone(),
        })
        .collect()
}

/// A community case with the given ethnicity, breached or not.
fn community_case(n: u32, ethnicity: Option<Ethnicity>, breached: bool) -> (Crn, Vec<NewEvent>) {
    let c = crn(&format!("X{n:06}"));
    let mut events = example::opening("Pat", "Case", date("2025-01-06"), "O1", "T1");
    let mut person = example::person("Pat", "Case");
    person.ethnicity = ethnicity;
    events[0] = new_event(date("2025-01-06"), CaseEvent::PersonRegistered { person });
    if breached {
        events.push(breach("2025-04-01"));
    }
    (c, events)
}

// Breach by ethnicity, hand-built:
// - White: 20 people on community orders, 2 breached (10%).
// - Black: 20 people, 14 breached (70%).
// - Asian: 3 people, 1 breached: fewer than 10, suppressed.
// - Not recorded: 1 person, not breached: suppressed.
// - One person released on licence only (no community order, no post-sentence supervision):
//   not in the breach population at all, but in the recall population.
// Population 44, breached 17. White against the rest: 2/20 against 15/24 (62.5%): significant.
// Black against the rest: 14/20 against 3/24 (12.5%): significant.
async fn disproportionality_from_the_record<S: CaseStore + MiOutcomeStore + Clone + 'static>(store: S) {
    let mut cases = Vec::new();
    let mut n = 0;
    let mut add = |ethnicity, people, breached| {
        for i in 0..people {
            n += 1;
            cases.push(community_case(n, ethnicity, i < breached));
        }
    };
    add(Some(Ethnicity::White), 20, 2);
    add(Some(Ethnicity::Black), 20, 14);
    add(Some(Ethnicity::Asian), 3, 1);
    add(None, 1, 0);
    let licence = crn("X000999");
    let mut licence_events = custody_then_release("2024-12-01", "2025-03-31", "O2", "T2");
    licence_events.push(new_event(
        date("2025-06-01"),
        CaseEvent::SentenceEnded { sentence: id("S1"), on: date("2025-06-01"), outcome: SentenceOutcome::Recalled },
    ));
    // Half the cases by bulk load, the rest (and the licence case) by appends.
    let loads: Vec<LoadCase> =
        cases.iter().step_by(2).map(|(c, e)| LoadCase::from_events(c.clone(), &recorded(c, e)).unwrap()).collect();
    store.bulk_load(&org(), &mut std::iter::once(Ok(loads)), &|_| {}).await.unwrap();
    for (c, e) in cases.iter().skip(1).step_by(2) {
        record(&store, c, e).await;
    }
    record(&store, &licence, &licence_events).await;

    let policy = SuppressionPolicy::DEFAULT;
    let table = store.mi_disproportionality(OutcomeKind::Breach, Characteristic::Ethnicity, &policy).await.unwrap();
    assert_eq!((table.people, table.with_outcome), (44, 17));
    let groups = |g: &[(&str, u64, u64)]| -> Vec<GroupCount> {
        g.iter()
            .map(|(group, people, with)| GroupCount { group: group.to_string(), people: *people, with_outcome: *with })
            .collect()
    };
    let want = groups(&[
        (Ethnicity::Asian.label(), 3, 1),
        (Ethnicity::Black.label(), 20, 14),
        (Ethnicity::White.label(), 20, 2),
        ("Not recorded", 1, 0),
    ]);
    assert_eq!(table.groups, disproportionality("Breach", &want, &policy).unwrap());
    let status: Vec<(&str, Option<bool>)> = table
        .groups
        .iter()
        .map(|g| match g {
            GroupComparison::Compared { group, figures, .. } => (group.as_str(), Some(figures.significant)),
            GroupComparison::Suppressed { group, reason, .. } => {
                assert_eq!(*reason, SuppressionReason::SmallGroup);
                (group.as_str(), None)
            }
        })
        .collect();
    assert_eq!(
        status,
        [
            (Ethnicity::Asian.label(), None),
            (Ethnicity::Black.label(), Some(true)),
            (Ethnicity::White.label(), Some(true)),
            ("Not recorded", None)
        ]
    );
    assert!(
        table.groups[1].statement().contains("70.0% against 12.5% for everyone else"),
        "{}",
        table.groups[1].statement()
    );

    // Recall: only the released person is in the population, and one person is too few to show.
    let recall = store.mi_disproportionality(OutcomeKind::Recall, Characteristic::Gender, &policy).await.unwrap();
    assert_eq!((recall.people, recall.with_outcome), (1, 1));
    assert!(matches!(recall.groups[..], [GroupComparison::Suppressed { .. }]));
    // Completion: the recalled licence is the only ended sentence, and it failed.
    let done = store.mi_disproportionality(OutcomeKind::Completion, Characteristic::AgeBand, &policy).await.unwrap();
    assert_eq!((done.people, done.with_outcome), (1, 0));

    assert_eq!(store.mi_outcomes_check().await.unwrap(), Vec::<String>::new());
    store.rebuild().await.unwrap();
    let again = store.mi_disproportionality(OutcomeKind::Breach, Characteristic::Ethnicity, &policy).await.unwrap();
    assert_eq!(again, table);
}
both_engines!(disproportionality_from_the_record_t, disproportionality_from_the_record);
