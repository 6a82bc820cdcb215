//! One suite, two engines: every test here runs against SQLite and against PostgreSQL.
//!
//! How the two stores are opened (and when PostgreSQL is required) is in `store::testing`.

use domain::assessment::{NeedArea, NeedSeverity, RoshLevel};
use domain::contact::{ContactKind, Outcome};
use domain::event::{AllocationReason, CaseEvent, NewEvent, SentenceOutcome};
use domain::example::{self, code, date, id, new_event};
use domain::ids::Crn;
use domain::org::Organisation;
use proptest::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};
use store::{CaseStore, PostgresStore, SqliteStore, StoreError};

use store::testing::{postgres, sqlite};

use store::both_engines;

fn crn(s: &str) -> Crn {
    Crn::parse(s).unwrap()
}

async fn append_and_read_back<S: CaseStore>(store: S) {
    let c = crn("X000001");
    let on = date("2026-03-02");
    let v = store.append(&c, 0, &example::opening("Ada", "Lovelace", on, "OFF1", "TEAM1")).await.unwrap();
    assert_eq!(v, 3);
    let stream = store.stream(&c).await.unwrap();
    assert_eq!(stream.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert_eq!(stream[0].event.event_type(), "person_registered");
    assert!(stream.iter().all(|e| e.recorded_by == code("SYSTEM")));
    assert!(stream.iter().all(|e| e.recorded_at >= e.occurred_at), "recorded after it happened");
    let summary = store.summary(&c).await.unwrap().unwrap();
    assert_eq!(summary.family_name, "Lovelace");
    assert_eq!(summary.officer, Some(code("OFF1")));
    assert!(summary.active);
    // First appointment due 5 business days after allocation (Monday 2 March 2026).
    assert_eq!(summary.contact_due_by, Some(date("2026-03-09")));
    let caseload = store.caseload(&code("OFF1")).await.unwrap();
    assert_eq!(caseload.len(), 1);
    assert_eq!(store.caseload_counts().await.unwrap().get(&code("OFF1")), Some(&1));
    assert!(store.summary(&crn("X999999")).await.unwrap().is_none());
    assert!(store.check().await.unwrap().is_consistent());
}
both_engines!(append_and_read_back_t, append_and_read_back);

async fn stale_writer_gets_conflict<S: CaseStore>(store: S) {
    let c = crn("X000002");
    let on = date("2026-03-02");
    store.append(&c, 0, &example::opening("Ada", "Lovelace", on, "OFF1", "TEAM1")).await.unwrap();
    let again = store.append(&c, 0, &example::opening("Ada", "Lovelace", on, "OFF1", "TEAM1")).await;
    assert!(matches!(again, Err(StoreError::Conflict { expected: 0, actual: 3, .. })), "{again:?}");
    let booked = new_event(
        on,
        CaseEvent::AppointmentBooked {
            appointment: example::appointment("A1", on.at(10, 0, 0, 0), ContactKind::OfficeVisit),
        },
    );
    let stale = store.append(&c, 2, std::slice::from_ref(&booked)).await;
    assert!(matches!(stale, Err(StoreError::Conflict { expected: 2, actual: 3, .. })), "{stale:?}");
    let ahead = store.append(&c, 7, std::slice::from_ref(&booked)).await;
    assert!(matches!(ahead, Err(StoreError::Conflict { .. })), "{ahead:?}");
    assert_eq!(store.stream(&c).await.unwrap().len(), 3, "nothing written by stale writers");
    assert_eq!(store.append(&c, 3, &[booked]).await.unwrap(), 4);
}
both_engines!(stale_writer_gets_conflict_t, stale_writer_gets_conflict);

async fn concurrent_appends_one_wins<S: CaseStore>(store: S) {
    let c = crn("X000003");
    let on = date("2026-03-02");
    store.append(&c, 0, &example::opening("Ada", "Lovelace", on, "OFF1", "TEAM1")).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let store = store.clone();
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            let e = new_event(
                on,
                CaseEvent::AppointmentBooked {
                    appointment: example::appointment(&format!("A{i}"), on.at(10, 0, 0, 0), ContactKind::OfficeVisit),
                },
            );
            store.append(&c, 3, &[e]).await
        }));
    }
    let mut wins = 0;
    let mut conflicts = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(4) => wins += 1,
            Err(StoreError::Conflict { .. }) => conflicts += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((wins, conflicts), (1, 7));
    let stream = store.stream(&c).await.unwrap();
    assert_eq!(stream.len(), 4, "exactly the winner's event was added");
    assert!(store.check().await.unwrap().is_consistent());
}
both_engines!(concurrent_appends_one_wins_t, concurrent_appends_one_wins);

async fn rejected_events_write_nothing<S: CaseStore>(store: S) {
    let c = crn("X000004");
    let on = date("2026-03-02");
    // The first event must register the person.
    let early = store.append(&c, 0, &[example::outcome(on, "A1", Outcome::AttendedComplied)]).await;
    assert!(matches!(early, Err(StoreError::Rejected { index: 0, field: "type", .. })), "{early:?}");
    assert!(store.stream(&c).await.unwrap().is_empty());
    store.append(&c, 0, &example::opening("Ada", "Lovelace", on, "OFF1", "TEAM1")).await.unwrap();
    // A batch whose second event is bad lands not at all.
    let batch = vec![
        new_event(
            on,
            CaseEvent::AppointmentBooked {
                appointment: example::appointment("A1", on.at(10, 0, 0, 0), ContactKind::OfficeVisit),
            },
        ),
        example::outcome(on, "NOPE", Outcome::AttendedComplied),
    ];
    let err = store.append(&c, 3, &batch).await.unwrap_err();
    assert!(matches!(err, StoreError::Rejected { index: 1, field: "appointment", .. }), "{err:?}");
    assert!(err.to_string().contains("NOPE"));
    assert_eq!(store.stream(&c).await.unwrap().len(), 3);
    assert_eq!(store.summary(&c).await.unwrap().unwrap().version, 3);
    // An objective for a need that was never assessed is refused.
    let objective = domain::plan::Objective {
        id: id("O1"),
        description: domain::Note::parse("Find settled accommodation").unwrap(),
        needs: vec![NeedArea::Accommodation],
        risk_groups: vec![],
        owner: domain::plan::ObjectiveOwner::ResponsibleOfficer,
        person_involved: true,
    };
    let err = store.append(&c, 3, &[new_event(on, CaseEvent::ObjectiveAgreed { objective })]).await.unwrap_err();
    assert!(matches!(err, StoreError::Rejected { field: "objective.needs", .. }), "{err:?}");
    assert!(store.check().await.unwrap().is_consistent());
}
both_engines!(rejected_events_write_nothing_t, rejected_events_write_nothing);

async fn events_refuse_update_and_delete<S: CaseStore + RawSql>(store: S) {
    let c = crn("X000005");
    store.append(&c, 0, &example::opening("Ada", "Lovelace", date("2026-03-02"), "OFF1", "TEAM1")).await.unwrap();
    let update = store.raw("UPDATE events SET payload = '{}' WHERE crn = 'X000005'").await;
    assert!(update.unwrap_err().contains("append-only"));
    let delete = store.raw("DELETE FROM events WHERE crn = 'X000005'").await;
    assert!(delete.unwrap_err().contains("append-only"));
    assert_eq!(store.stream(&c).await.unwrap().len(), 3);
}
both_engines!(events_refuse_update_and_delete_t, events_refuse_update_and_delete);

/// Raw SQL, for tests that attack the database directly.
trait RawSql {
    async fn raw(&self, sql: &'static str) -> Result<u64, String>;
}
impl RawSql for SqliteStore {
    async fn raw(&self, sql: &'static str) -> Result<u64, String> {
        sqlx::query(sql).execute(self.pool()).await.map(|r| r.rows_affected()).map_err(|e| e.to_string())
    }
}
impl RawSql for PostgresStore {
    async fn raw(&self, sql: &'static str) -> Result<u64, String> {
        sqlx::query(sql).execute(self.pool()).await.map(|r| r.rows_affected()).map_err(|e| e.to_string())
    }
}

async fn caseload_follows_reallocation_and_endings<S: CaseStore + RawSql>(store: S) {
    let on = date("2026-01-05");
    for (i, officer) in ["OFF1", "OFF1", "OFF2"].iter().enumerate() {
        let c = crn(&format!("X10000{i}"));
        store.append(&c, 0, &example::opening("Sam", &format!("Case{i}"), on, officer, "TEAM1")).await.unwrap();
    }
    let counts = store.caseload_counts().await.unwrap();
    assert_eq!((counts.get(&code("OFF1")), counts.get(&code("OFF2"))), (Some(&2), Some(&1)));
    let moved = new_event(
        on,
        CaseEvent::OfficerAllocated {
            officer: code("OFF2"),
            team: code("TEAM1"),
            reason: AllocationReason::Workload,
            evidence: None,
        },
    );
    store.append(&crn("X100000"), 3, &[moved]).await.unwrap();
    let ended = new_event(on, CaseEvent::SentenceEnded { sentence: id("S1"), on, outcome: SentenceOutcome::Completed });
    store.append(&crn("X100002"), 3, &[ended]).await.unwrap();
    let counts = store.caseload_counts().await.unwrap();
    assert_eq!((counts.get(&code("OFF1")), counts.get(&code("OFF2"))), (Some(&1), Some(&1)));
    let s = store.summary(&crn("X100000")).await.unwrap().unwrap();
    assert_eq!(s.officer_count, 2);
    assert!(store.check().await.unwrap().is_consistent());
    // Tampering with a projection is caught by check and repaired by rebuild.
    store.raw("UPDATE caseload SET active_cases = 9").await.unwrap();
    store.raw("UPDATE case_summary SET family_name = 'Tampered'").await.unwrap();
    let report = store.check().await.unwrap();
    assert!(report.differences.iter().any(|d| d.starts_with("caseload")), "{report:?}");
    assert!(report.differences.iter().any(|d| d.contains("X100001")), "{report:?}");
    store.rebuild().await.unwrap();
    assert!(store.check().await.unwrap().is_consistent());
    assert_eq!(store.summary(&crn("X100001")).await.unwrap().unwrap().family_name, "Case1");
}
both_engines!(caseload_follows_reallocation_and_endings_t, caseload_follows_reallocation_and_endings);

async fn bulk_load_needs_an_empty_store<S: CaseStore>(store: S) {
    store
        .append(&crn("X000006"), 0, &example::opening("Ada", "Lovelace", date("2026-03-02"), "OFF1", "TEAM1"))
        .await
        .unwrap();
    let r = store.bulk_load(&Organisation::default(), std::iter::empty(), &|_| {}).await;
    assert!(matches!(r, Err(StoreError::NotEmpty)), "{r:?}");
}
both_engines!(bulk_load_needs_an_empty_store_t, bulk_load_needs_an_empty_store);

/// One step a property test may take on one of three cases.
#[derive(Debug, Clone)]
enum Step {
    Open { officer: u8 },
    Book { n: u8, days: u8, kind: u8 },
    Outcome { n: u8, kind: u8 },
    Reallocate { officer: u8 },
    Assess { rosh: u8, need: u8 },
    End,
}

fn step() -> impl Strategy<Value = (u8, Step)> {
    let s = prop_oneof![
        (0u8..3).prop_map(|officer| Step::Open { officer }),
        (0u8..6, 0u8..60, 0u8..3).prop_map(|(n, days, kind)| Step::Book { n, days, kind }),
        (0u8..6, 0u8..5).prop_map(|(n, kind)| Step::Outcome { n, kind }),
        (0u8..3).prop_map(|officer| Step::Reallocate { officer }),
        (0u8..4, 0u8..10).prop_map(|(rosh, need)| Step::Assess { rosh, need }),
        Just(Step::End),
    ];
    (0u8..3, s)
}

fn event_for(step: &Step, n_case: u8) -> Vec<NewEvent> {
    let on = date("2026-02-02");
    let officer = |o: u8| code(&format!("OFF{o}"));
    match step {
        Step::Open { officer: o } => example::opening("Pat", &format!("Case{n_case}"), on, &format!("OFF{o}"), "TEAM1"),
        Step::Book { n, days, kind } => {
            let at = on.checked_add(jiff::Span::new().days(i64::from(*days))).unwrap().at(10, 0, 0, 0);
            let kind = [ContactKind::OfficeVisit, ContactKind::Telephone, ContactKind::HomeVisit][*kind as usize];
            vec![new_event(
                on,
                CaseEvent::AppointmentBooked { appointment: example::appointment(&format!("A{n}"), at, kind) },
            )]
        }
        Step::Outcome { n, kind } => {
            let o = [
                Outcome::AttendedComplied,
                Outcome::UnacceptableAbsence,
                Outcome::FailedToAttend,
                Outcome::AttendedFailedToComply,
                Outcome::Rescheduled { by: domain::contact::RescheduledBy::Service },
            ][*kind as usize];
            vec![example::outcome(on, &format!("A{n}"), o)]
        }
        Step::Reallocate { officer: o } => vec![new_event(
            on,
            CaseEvent::OfficerAllocated {
                officer: officer(*o),
                team: code("TEAM1"),
                reason: AllocationReason::Workload,
                evidence: None,
            },
        )],
        Step::Assess { rosh, need } => {
            let rosh = RoshLevel::ALL[*rosh as usize];
            vec![new_event(
                on,
                CaseEvent::AssessmentCompleted {
                    assessment: example::assessment(
                        &format!("AS{rosh:?}{need}"),
                        on,
                        rosh,
                        &[(NeedArea::ALL[*need as usize], NeedSeverity::Severe)],
                    ),
                },
            )]
        }
        Step::End => vec![new_event(
            on,
            CaseEvent::SentenceEnded { sentence: id("S1"), on, outcome: SentenceOutcome::Completed },
        )],
    }
}

/// Applies random steps through `append` (a refused step is skipped, as a user would be
/// told no), then proves the live projections equal a rebuild from the log.
async fn projections_equal_rebuild<S: CaseStore>(store: S, steps: Vec<(u8, Step)>, prefix: u32) {
    let mut versions = [0u64; 3];
    for (case, step) in &steps {
        let c = crn(&format!("P{prefix:03}{case:03}"));
        match store.append(&c, versions[*case as usize], &event_for(step, *case)).await {
            Ok(v) => versions[*case as usize] = v,
            Err(StoreError::Rejected { .. }) => {}
            Err(e) => panic!("{e}"),
        }
    }
    let report = store.check().await.unwrap();
    assert!(report.is_consistent(), "{:#?}", report.differences);
    let before = store.all_summaries().await.unwrap();
    store.rebuild().await.unwrap();
    assert_eq!(store.all_summaries().await.unwrap(), before);
}

#[test]
fn property_projections_equal_rebuild_on_both_engines() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (sqlite_store, _dir) = rt.block_on(sqlite());
    let pg_store = rt.block_on(postgres());
    let counter = AtomicU32::new(0);
    let config = ProptestConfig { cases: 48, ..ProptestConfig::default() };
    proptest!(config, |(steps in proptest::collection::vec(step(), 1..40))| {
        let prefix = counter.fetch_add(1, Ordering::SeqCst);
        rt.block_on(projections_equal_rebuild(sqlite_store.clone(), steps.clone(), prefix));
        if let Some(pg) = &pg_store {
            rt.block_on(projections_equal_rebuild(pg.clone(), steps, prefix));
        }
    });
}
