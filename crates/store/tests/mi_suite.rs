//! The management information projection, on both engines: live facts (bulk load, then
//! appends) equal a full recompute from the log, SQL figures equal the in-memory reference
//! (`analytics::measures::aggregate`) for every measure and scope, and a rebuild changes nothing.

use analytics::measures::{Fact, Grouping, MeasureId, Scope, aggregate};
use domain::contact::{ContactKind, Outcome};
use domain::event::{AllocationReason, CaseEvent, NewEvent, RecordedEvent, SentenceOutcome};
use domain::example::{self, code, date, id, new_event};
use domain::ids::Crn;
use domain::org::Organisation;
use store::{CaseStore, LoadCase, MiStore, StoreError};

use store::both_engines;

fn crn(s: &str) -> Crn {
    Crn::parse(s).unwrap()
}

fn org() -> Organisation {
    example::two_team_org()
}

fn booked(on: &str, appointment: &str, kind: ContactKind) -> NewEvent {
    new_event(
        date(on),
        CaseEvent::AppointmentBooked { appointment: example::appointment(appointment, date(on).at(10, 0, 0, 0), kind) },
    )
}

fn outcome(on: &str, appointment: &str, outcome: Outcome) -> NewEvent {
    example::outcome(date(on), appointment, outcome)
}

fn transfer(on: &str, officer: &str, team: &str) -> NewEvent {
    new_event(
        date(on),
        CaseEvent::OfficerAllocated {
            officer: code(officer),
            team: code(team),
            reason: AllocationReason::Transfer,
            evidence: None,
        },
    )
}

/// Stored events of a case made in memory, for the bulk loader.
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

async fn assert_figures_match<S: MiStore + Clone + 'static>(store: &S, facts: &[(Crn, Fact)]) {
    let org = org();
    let facts: Vec<Fact> = facts.iter().map(|(_, f)| f.clone()).collect();
    let scopes = ["provider", "area:AR1", "borough:BR2", "office:OF1", "team:T1", "team:T2", "officer:O2"];
    let (from, to) = (date("2025-01-01"), date("2025-12-31"));
    for measure in MeasureId::ALL {
        for scope in scopes {
            let scope: Scope = scope.parse().unwrap();
            for grouping in [Grouping::Month, Grouping::Quarter] {
                let want = aggregate(&facts, &org, measure, &scope, from, to, grouping);
                let got = store.mi_figures(measure, &scope, from, to, grouping).await.unwrap();
                assert_eq!(got, want, "{} {scope} {grouping:?}", measure.id());
            }
            // Periods that start or end inside a month read their part-months from the facts.
            for (a, b) in [("2025-03-14", "2025-08-20"), ("2025-03-02", "2025-03-30"), ("2025-02-01", "2025-04-15")] {
                let want = aggregate(&facts, &org, measure, &scope, date(a), date(b), Grouping::Month);
                let got = store.mi_figures(measure, &scope, date(a), date(b), Grouping::Month).await.unwrap();
                assert_eq!(got, want, "{} {scope} {a} to {b}", measure.id());
            }
            // As-at measures on days through the year.
            for day in ["2025-03-10", "2025-04-08", "2025-06-30", "2025-11-30"] {
                let want = aggregate(&facts, &org, measure, &scope, date(day), date(day), Grouping::Month);
                let got = store.mi_figures(measure, &scope, date(day), date(day), Grouping::Month).await.unwrap();
                assert_eq!(got, want, "{} {scope} as at {day}", measure.id());
            }
        }
    }
}

async fn live_facts_equal_a_recompute<S: CaseStore + MiStore + Clone + 'static>(store: S) {
    // Bulk load: one case in T1 seen on time, one in T2 never seen.
    let (a, b) = (crn("X000001"), crn("X000002"));
    let mut first = example::opening("Ann", "Smith", date("2025-01-15"), "O1", "T1");
    first.push(booked("2025-01-20", "A1", ContactKind::OfficeVisit));
    first.push(outcome("2025-01-20", "A1", Outcome::AttendedComplied));
    let second = example::opening("Bea", "Jones", date("2025-02-03"), "O2", "T2");
    let loads = vec![
        LoadCase::from_events(a.clone(), &recorded(&a, &first)).unwrap(),
        LoadCase::from_events(b.clone(), &recorded(&b, &second)).unwrap(),
    ];
    store.bulk_load(&org(), &mut std::iter::once(Ok(loads)), &|_| {}).await.unwrap();
    assert!(!store.mi_facts().await.unwrap().is_empty());
    assert_eq!(store.mi_facts().await.unwrap(), store.mi_recompute().await.unwrap(), "after bulk load");

    // Live appends: the first case moves to T2 mid-March and misses an appointment; the
    // second is seen, then its order ends; a third case arrives by append.
    let v = first.len() as u64;
    let v = store.append(&a, v, &[transfer("2025-03-14", "O2", "T2")], jiff::Timestamp::now()).await.unwrap();
    let v = store
        .append(&a, v, &[booked("2025-04-07", "A2", ContactKind::OfficeVisit)], jiff::Timestamp::now())
        .await
        .unwrap();
    store
        .append(&a, v, &[outcome("2025-04-07", "A2", Outcome::UnacceptableAbsence)], jiff::Timestamp::now())
        .await
        .unwrap();
    let v = second.len() as u64;
    let v = store
        .append(&b, v, &[booked("2025-02-07", "B1", ContactKind::HomeVisit)], jiff::Timestamp::now())
        .await
        .unwrap();
    let v = store
        .append(&b, v, &[outcome("2025-02-07", "B1", Outcome::AttendedComplied)], jiff::Timestamp::now())
        .await
        .unwrap();
    let end = new_event(
        date("2025-08-29"),
        CaseEvent::SentenceEnded { sentence: id("S1"), on: date("2025-08-29"), outcome: SentenceOutcome::Completed },
    );
    store.append(&b, v, &[end], jiff::Timestamp::now()).await.unwrap();
    let c = crn("X000003");
    store
        .append(&c, 0, &example::opening("Cal", "Brown", date("2025-05-06"), "O3", "T1"), jiff::Timestamp::now())
        .await
        .unwrap();

    let live = store.mi_facts().await.unwrap();
    assert_eq!(live, store.mi_recompute().await.unwrap(), "after appends");
    assert!(store.mi_check().await.unwrap().is_empty());
    assert!(store.check().await.unwrap().is_consistent());
    assert_figures_match(&store, &live).await;

    // A spot check by hand: March 2025 for team T2 holds the first case (moved on 14 March,
    // not seen in March) and the second (seen 7 February only): 0 of 2.
    let march = store
        .mi_figures(
            MeasureId::MonthlyFaceToFace,
            &"team:T2".parse().unwrap(),
            date("2025-03-01"),
            date("2025-03-31"),
            Grouping::Month,
        )
        .await
        .unwrap();
    assert_eq!(march.iter().map(|f| (f.numerator, f.denominator)).collect::<Vec<_>>(), [(0, 2)]);

    // A refused append changes no fact.
    let refused =
        store.append(&c, 3, &[outcome("2025-05-07", "NOPE", Outcome::AttendedComplied)], jiff::Timestamp::now()).await;
    assert!(matches!(refused, Err(StoreError::Rejected { .. })), "{refused:?}");
    assert_eq!(store.mi_facts().await.unwrap(), live);

    // A rebuild regenerates the same rows.
    store.rebuild().await.unwrap();
    assert_eq!(store.mi_facts().await.unwrap(), live);
}
both_engines!(live_facts_equal_a_recompute_t, live_facts_equal_a_recompute);

async fn march<S: MiStore + Clone + 'static>(
    store: &S,
    measure: MeasureId,
    scope: &str,
) -> Vec<(u64, u64, Option<u64>)> {
    let scope: Scope = scope.parse().unwrap();
    let figures = store.mi_figures(measure, &scope, date("2025-03-01"), date("2025-03-31"), Grouping::Month).await;
    figures.unwrap().into_iter().map(|f| (f.numerator, f.denominator, f.weight)).collect()
}

/// An unpaid work session against the order's UPW requirement, attended with `o` and, when
/// given, the supervisor's timesheet (started, finished, penalty minutes).
fn upw_session(on: &str, appointment: &str, o: Outcome, sheet: Option<(i8, i8, u16)>) -> Vec<NewEvent> {
    let mut a = example::appointment(appointment, date(on).at(10, 0, 0, 0), ContactKind::UnpaidWork);
    a.requirement = Some(id("S1-UPW"));
    let mut events =
        vec![new_event(date(on), CaseEvent::AppointmentBooked { appointment: a }), outcome(on, appointment, o)];
    if let Some((started, finished, penalty_minutes)) = sheet {
        let timesheet = domain::unpaid_work::Timesheet {
            started: jiff::civil::time(started, 0, 0, 0),
            finished: jiff::civil::time(finished, 0, 0, 0),
            penalty_minutes,
            travel_minutes: 0,
            other_minutes: 0,
        };
        events.push(new_event(date(on), CaseEvent::UnpaidWorkTimeRecorded { appointment: id(appointment), timesheet }));
    }
    events
}

/// The pre-summed tables move with every append: a case moves between officers and teams
/// (and back) around unpaid work sessions, a stand-down, a partial credit and a referral;
/// after each append the tables equal a re-summing of the facts, and every figure read from
/// them equals the in-memory sum of the facts. A rebuild writes the same rows.
async fn presummed_figures_follow_appends_that_move_a_case<S: CaseStore + MiStore + Clone + 'static>(store: S) {
    store.bulk_load(&org(), &mut std::iter::empty::<Result<Vec<LoadCase>, StoreError>>(), &|_| {}).await.unwrap();
    let a = crn("X000010");
    let stood_down = Outcome::AttendedSentHome { reason: domain::contact::SentHomeReason::ServiceIssue };
    let assessment = new_event(
        date("2025-02-03"),
        CaseEvent::AssessmentCompleted {
            assessment: example::assessment(
                "AS1",
                date("2025-02-03"),
                domain::assessment::RoshLevel::Low,
                &[(domain::assessment::NeedArea::Accommodation, domain::assessment::NeedSeverity::Severe)],
            ),
        },
    );
    let objective = new_event(
        date("2025-02-03"),
        CaseEvent::ObjectiveAgreed {
            objective: domain::plan::Objective {
                id: id("OB1"),
                description: domain::ids::Note::parse("settled accommodation").unwrap(),
                needs: vec![domain::assessment::NeedArea::Accommodation],
                risk_groups: vec![],
                owner: domain::plan::ObjectiveOwner::Provider,
                person_involved: true,
            },
        },
    );
    let refer = |r: &str, service: &str, on: &str| {
        new_event(
            date(on),
            CaseEvent::InterventionReferred {
                referral: id(r),
                service: example::code(service),
                objectives: vec![id("OB1")],
                needs: vec![domain::assessment::NeedArea::Accommodation],
                on: date(on),
            },
        )
    };
    let steps: Vec<Vec<NewEvent>> = vec![
        example::opening("Dan", "Green", date("2025-02-03"), "O1", "T1"),
        vec![assessment, objective, refer("R1", "ACC1", "2025-02-10")],
        upw_session("2025-02-15", "U1", Outcome::AttendedComplied, Some((9, 16, 0))),
        upw_session("2025-03-01", "U2", stood_down, Some((9, 16, 0))),
        vec![transfer("2025-03-14", "O2", "T2")],
        upw_session("2025-03-15", "U3", Outcome::AttendedComplied, Some((9, 16, 90))),
        vec![new_event(date("2025-03-20"), CaseEvent::ReferralAccepted { referral: id("R1"), on: date("2025-03-20") })],
        vec![refer("R2", "ACC2", "2025-04-02")],
        vec![transfer("2025-05-06", "O1", "T1")],
        upw_session("2025-05-10", "U4", Outcome::AttendedComplied, None),
        vec![new_event(date("2025-05-12"), CaseEvent::ReferralStarted { referral: id("R1"), on: date("2025-05-12") })],
        vec![transfer("2025-06-16", "O3", "T2")],
    ];
    let mut v = 0;
    for (i, events) in steps.iter().enumerate() {
        v = store.append(&a, v, events, jiff::Timestamp::now()).await.unwrap();
        let problems = store.mi_check().await.unwrap();
        assert!(problems.is_empty(), "after step {i}: {problems:#?}");
        assert_eq!(store.mi_monthly().await.unwrap(), store.mi_resum().await.unwrap(), "after step {i}");
        assert_figures_match(&store, &store.mi_facts().await.unwrap()).await;
    }
    // By hand: March's UPW sessions (1 March with O1/T1 stood down, 420 minutes; 15 March with
    // O2/T2, 420 - 90 = 330 minutes), and the referral R1 waiting past its 4 weeks (10 March)
    // until it started on 12 May.
    assert_eq!(march(&store, MeasureId::UpwStandDowns, "team:T1").await, [(1, 1, None)]);
    assert_eq!(march(&store, MeasureId::UpwStandDowns, "officer:O2").await, [(0, 1, None)]);
    assert_eq!(march(&store, MeasureId::UpwHoursCredited, "area:AR1").await, [(2, 2, Some(750))]);
    assert_eq!(march(&store, MeasureId::ReferralStarted, "provider").await, [(0, 1, None)]);
    // Both referrals (R1 started, R2 waiting since 2 April) now sit with O3 in T2.
    let waiting = store
        .mi_figures(
            MeasureId::ReferralWaiting,
            &"team:T2".parse().unwrap(),
            date("2025-05-01"),
            date("2025-05-01"),
            Grouping::Month,
        )
        .await
        .unwrap();
    assert_eq!(
        waiting.iter().map(|f| (f.key.as_str(), f.numerator, f.denominator)).collect::<Vec<_>>(),
        [("ACC2", 1, 1)]
    );

    let monthly = store.mi_monthly().await.unwrap();
    store.rebuild().await.unwrap();
    assert_eq!(store.mi_monthly().await.unwrap(), monthly, "a rebuild writes the same sums");
    assert_eq!(store.mi_rebuild_projection().await.unwrap(), store.mi_facts().await.unwrap().len() as u64);
    assert_eq!(store.mi_monthly().await.unwrap(), monthly);
    assert!(store.mi_check().await.unwrap().is_empty());
}
both_engines!(presummed_figures_follow_appends_that_move_a_case_t, presummed_figures_follow_appends_that_move_a_case);
