//! One suite, two engines: every test here runs against SQLite and against PostgreSQL.
//!
//! How the two stores are opened (and when PostgreSQL is required) is in `store::testing`.

use domain::assessment::{NeedArea, NeedSeverity, RoshLevel};
use domain::contact::{ContactKind, Outcome};
use domain::event::{AllocationReason, CaseEvent, NewEvent, SentenceOutcome};
use domain::example::{self, code, date, id, new_event};
use domain::ids::{Crn, Note};
use domain::org::Organisation;
use proptest::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};
use store::auth::{AccessStore, SessionRecord, UserRecord};
use store::{CaseStore, PostgresStore, SearchReach, SqliteStore, StoreError, to_stored_precision};

use store::testing::{RawSql, postgres, sqlite};

use store::both_engines;

fn crn(s: &str) -> Crn {
    Crn::parse(s).unwrap()
}

async fn append_and_read_back<S: CaseStore + Clone + 'static>(store: S) {
    let c = crn("X000001");
    let on = date("2026-03-02");
    let v = store
        .append(&c, 0, &example::opening("Ada", "Lovelace", on, "OFF1", "TEAM1"), jiff::Timestamp::now())
        .await
        .unwrap();
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

/// Many streams in one read are each case's stream as `stream` reads it; a case with no
/// events is absent, and a CRN asked for twice is read once.
async fn streams_read_together_are_each_stream<S: CaseStore + Clone + 'static>(store: S) {
    let on = date("2026-03-02");
    for (c, family) in [("X000002", "Hopper"), ("X000001", "Lovelace"), ("X000010", "Turing")] {
        store
            .append(&crn(c), 0, &example::opening("Ada", family, on, "OFF1", "TEAM1"), jiff::Timestamp::now())
            .await
            .unwrap();
    }
    let booked = new_event(
        on,
        CaseEvent::AppointmentBooked {
            appointment: example::appointment("A1", on.at(10, 0, 0, 0), ContactKind::OfficeVisit),
        },
    );
    store.append(&crn("X000001"), 3, &[booked], jiff::Timestamp::now()).await.unwrap();
    let asked = [crn("X000010"), crn("X000001"), crn("X999999"), crn("X000001")];
    let read = store.streams(&asked).await.unwrap();
    assert_eq!(read.keys().map(Crn::as_str).collect::<Vec<_>>(), ["X000001", "X000010"]);
    for (c, events) in &read {
        assert_eq!(events, &store.stream(c).await.unwrap(), "{c}");
    }
    assert_eq!(read[&crn("X000001")].len(), 4);
    assert!(store.streams(&[]).await.unwrap().is_empty());
}
both_engines!(streams_read_together_are_each_stream_t, streams_read_together_are_each_stream);

async fn stale_writer_gets_conflict<S: CaseStore + Clone + 'static>(store: S) {
    let c = crn("X000002");
    let on = date("2026-03-02");
    store
        .append(&c, 0, &example::opening("Ada", "Lovelace", on, "OFF1", "TEAM1"), jiff::Timestamp::now())
        .await
        .unwrap();
    let again =
        store.append(&c, 0, &example::opening("Ada", "Lovelace", on, "OFF1", "TEAM1"), jiff::Timestamp::now()).await;
    assert!(matches!(again, Err(StoreError::Conflict { expected: 0, actual: 3, .. })), "{again:?}");
    let booked = new_event(
        on,
        CaseEvent::AppointmentBooked {
            appointment: example::appointment("A1", on.at(10, 0, 0, 0), ContactKind::OfficeVisit),
        },
    );
    let stale = store.append(&c, 2, std::slice::from_ref(&booked), jiff::Timestamp::now()).await;
    assert!(matches!(stale, Err(StoreError::Conflict { expected: 2, actual: 3, .. })), "{stale:?}");
    let ahead = store.append(&c, 7, std::slice::from_ref(&booked), jiff::Timestamp::now()).await;
    assert!(matches!(ahead, Err(StoreError::Conflict { .. })), "{ahead:?}");
    assert_eq!(store.stream(&c).await.unwrap().len(), 3, "nothing written by stale writers");
    assert_eq!(store.append(&c, 3, &[booked], jiff::Timestamp::now()).await.unwrap(), 4);
}
both_engines!(stale_writer_gets_conflict_t, stale_writer_gets_conflict);

async fn concurrent_appends_one_wins<S: CaseStore + Clone + 'static>(store: S) {
    let c = crn("X000003");
    let on = date("2026-03-02");
    store
        .append(&c, 0, &example::opening("Ada", "Lovelace", on, "OFF1", "TEAM1"), jiff::Timestamp::now())
        .await
        .unwrap();
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
            store.append(&c, 3, &[e], jiff::Timestamp::now()).await
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

async fn rejected_events_write_nothing<S: CaseStore + Clone + 'static>(store: S) {
    let c = crn("X000004");
    let on = date("2026-03-02");
    // The first event must register the person.
    let early =
        store.append(&c, 0, &[example::outcome(on, "A1", Outcome::AttendedComplied)], jiff::Timestamp::now()).await;
    assert!(matches!(early, Err(StoreError::Rejected { index: 0, field: "type", .. })), "{early:?}");
    assert!(store.stream(&c).await.unwrap().is_empty());
    store
        .append(&c, 0, &example::opening("Ada", "Lovelace", on, "OFF1", "TEAM1"), jiff::Timestamp::now())
        .await
        .unwrap();
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
    let err = store.append(&c, 3, &batch, jiff::Timestamp::now()).await.unwrap_err();
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
    let err = store
        .append(&c, 3, &[new_event(on, CaseEvent::ObjectiveAgreed { objective })], jiff::Timestamp::now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Rejected { field: "objective.needs", .. }), "{err:?}");
    assert!(store.check().await.unwrap().is_consistent());
}
both_engines!(rejected_events_write_nothing_t, rejected_events_write_nothing);

async fn events_refuse_update_and_delete<S: CaseStore + Clone + 'static + RawSql>(store: S) {
    let c = crn("X000005");
    store
        .append(
            &c,
            0,
            &example::opening("Ada", "Lovelace", date("2026-03-02"), "OFF1", "TEAM1"),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    let update = store.raw("UPDATE events SET payload = '{}' WHERE crn = 'X000005'").await;
    assert!(update.unwrap_err().contains("append-only"));
    let delete = store.raw("DELETE FROM events WHERE crn = 'X000005'").await;
    assert!(delete.unwrap_err().contains("append-only"));
    assert_eq!(store.stream(&c).await.unwrap().len(), 3);
}
both_engines!(events_refuse_update_and_delete_t, events_refuse_update_and_delete);

async fn caseload_follows_reallocation_and_endings<S: CaseStore + Clone + 'static + RawSql>(store: S) {
    let on = date("2026-01-05");
    for (i, officer) in ["OFF1", "OFF1", "OFF2"].iter().enumerate() {
        let c = crn(&format!("X10000{i}"));
        store
            .append(&c, 0, &example::opening("Sam", &format!("Case{i}"), on, officer, "TEAM1"), jiff::Timestamp::now())
            .await
            .unwrap();
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
    store.append(&crn("X100000"), 3, &[moved], jiff::Timestamp::now()).await.unwrap();
    let ended = new_event(on, CaseEvent::SentenceEnded { sentence: id("S1"), on, outcome: SentenceOutcome::Completed });
    store.append(&crn("X100002"), 3, &[ended], jiff::Timestamp::now()).await.unwrap();
    let counts = store.caseload_counts().await.unwrap();
    assert_eq!((counts.get(&code("OFF1")), counts.get(&code("OFF2"))), (Some(&1), Some(&1)));
    let some = store.caseload_counts_of(&[code("OFF2"), code("OFF9")]).await.unwrap();
    assert_eq!(some.into_iter().collect::<Vec<_>>(), [(code("OFF2"), 1)], "those asked for that have cases");
    assert!(store.caseload_counts_of(&[]).await.unwrap().is_empty());
    let asked = [crn("X100002"), crn("X100000"), crn("X999999")];
    let found = store.summaries(&asked).await.unwrap();
    assert_eq!(found.keys().cloned().collect::<Vec<_>>(), [crn("X100000"), crn("X100002")], "those with a summary");
    for (c, s) in &found {
        assert_eq!(Some(s), store.summary(c).await.unwrap().as_ref(), "{c}: as read one at a time");
    }
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

/// A caseload's version moves with every change to a case on it, for the officer who had the
/// case and the one who has it now after a reallocation, and not with changes elsewhere. The
/// session read answers the same version when asked for a caseload, and none when not.
async fn caseload_versions_move_with_their_cases<S: CaseStore + AccessStore + Clone + 'static + RawSql>(store: S) {
    let on = date("2026-01-05");
    store.add_user(&session_user()).await.unwrap();
    store.create_session(&session()).await.unwrap();
    let versions = |store: S| async move {
        let mut out = Vec::new();
        for officer in ["OFF1", "OFF2", "OFF3"] {
            let version = store.caseload_version(&code(officer)).await.unwrap();
            let with_session = store.signed_in(&session().id_hash, Some(officer)).await.unwrap().unwrap();
            assert_eq!(with_session.caseload_version, Some(version), "{officer}");
            out.push(version);
        }
        let without = store.signed_in(&session().id_hash, None).await.unwrap().unwrap();
        assert_eq!(without.caseload_version, None, "no caseload asked for");
        (out[0], out[1], out[2])
    };
    assert_eq!(versions(store.clone()).await, (0, 0, 0), "no case yet");
    store
        .append(&crn("X200001"), 0, &example::opening("Sam", "One", on, "OFF1", "TEAM1"), jiff::Timestamp::now())
        .await
        .unwrap();
    let (a1, b1, c1) = versions(store.clone()).await;
    assert!(a1 > 0 && b1 == 0 && c1 == 0, "only OFF1's caseload changed: {:?}", (a1, b1, c1));
    store
        .append(&crn("X200002"), 0, &example::opening("Sam", "Two", on, "OFF2", "TEAM1"), jiff::Timestamp::now())
        .await
        .unwrap();
    let (a2, b2, _) = versions(store.clone()).await;
    assert!(a2 == a1 && b2 > 0, "OFF2's case leaves OFF1's caseload alone");
    let moved = new_event(
        on,
        CaseEvent::OfficerAllocated {
            officer: code("OFF2"),
            team: code("TEAM1"),
            reason: AllocationReason::Workload,
            evidence: None,
        },
    );
    store.append(&crn("X200001"), 3, &[moved], jiff::Timestamp::now()).await.unwrap();
    let (a3, b3, c3) = versions(store.clone()).await;
    assert!(a3 > a2 && b3 > b2 && c3 == 0, "a reallocation changes both caseloads");
    let ended = new_event(on, CaseEvent::SentenceEnded { sentence: id("S1"), on, outcome: SentenceOutcome::Completed });
    store.append(&crn("X200002"), 3, &[ended], jiff::Timestamp::now()).await.unwrap();
    let (a4, b4, _) = versions(store.clone()).await;
    assert!(a4 == a3 && b4 > b3, "a case leaving the caseload changes it");
    store.rebuild().await.unwrap();
    let (a5, b5, _) = versions(store.clone()).await;
    assert!(a5 == a4 && b5 > b4, "a rebuild rewrites every summary: OFF2's caseload moves, empty OFF1's does not");
}
both_engines!(caseload_versions_move_with_their_cases_t, caseload_versions_move_with_their_cases);

fn session_user() -> UserRecord {
    UserRecord {
        username: "priya".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        role: "spo".into(),
        scope_kind: "team".into(),
        scope_code: Some("TEAM1".into()),
        officer: None,
        disabled: false,
        created_at: to_stored_precision("2026-01-05T09:00:00Z".parse().unwrap()),
    }
}

fn session() -> SessionRecord {
    let at = to_stored_precision("2026-01-05T09:00:00Z".parse().unwrap());
    SessionRecord {
        id_hash: "abc".into(),
        username: "priya".into(),
        csrf_token: "tok".into(),
        created_at: at,
        last_seen: at,
    }
}

async fn bulk_load_needs_an_empty_store<S: CaseStore + Clone + 'static>(store: S) {
    store
        .append(
            &crn("X000006"),
            0,
            &example::opening("Ada", "Lovelace", date("2026-03-02"), "OFF1", "TEAM1"),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    let r = store.bulk_load(&Organisation::default(), &mut std::iter::empty(), &|_| {}).await;
    assert!(matches!(r, Err(StoreError::NotEmpty)), "{r:?}");
}
both_engines!(bulk_load_needs_an_empty_store_t, bulk_load_needs_an_empty_store);

/// The allocation queue's query: active cases with no responsible officer, leaving out
/// allocated cases, a registered person with no sentence, and a case whose sentence ended.
async fn unallocated_lists_active_cases_awaiting_an_officer<S: CaseStore + Clone + 'static>(store: S) {
    let on = date("2026-03-02");
    let sentenced = |first: &str, family: &str| {
        vec![
            new_event(on, CaseEvent::PersonRegistered { person: example::person(first, family) }),
            new_event(on, CaseEvent::SentenceImposed { sentence: example::community_order("S1", on) }),
        ]
    };
    store.append(&crn("X200003"), 0, &sentenced("Mary", "Seacole"), jiff::Timestamp::now()).await.unwrap();
    store.append(&crn("X200001"), 0, &sentenced("Ada", "Lovelace"), jiff::Timestamp::now()).await.unwrap();
    store
        .append(&crn("X200002"), 0, &example::opening("Grace", "Hopper", on, "OFF1", "TEAM1"), jiff::Timestamp::now())
        .await
        .unwrap();
    let registered = new_event(on, CaseEvent::PersonRegistered { person: example::person("Alan", "Turing") });
    store.append(&crn("X200004"), 0, &[registered], jiff::Timestamp::now()).await.unwrap();
    store.append(&crn("X200005"), 0, &sentenced("Edith", "Cavell"), jiff::Timestamp::now()).await.unwrap();
    let ended = new_event(on, CaseEvent::SentenceEnded { sentence: id("S1"), on, outcome: SentenceOutcome::Died });
    store.append(&crn("X200005"), 2, &[ended], jiff::Timestamp::now()).await.unwrap();

    let queue: Vec<String> = store.unallocated().await.unwrap().iter().map(|s| s.crn.to_string()).collect();
    assert_eq!(queue, ["X200001", "X200003"], "active and unallocated, by CRN");

    // Allocating takes the case off the queue.
    let allocated = new_event(
        on,
        CaseEvent::OfficerAllocated {
            officer: code("OFF2"),
            team: code("TEAM1"),
            reason: AllocationReason::Initial,
            evidence: None,
        },
    );
    store.append(&crn("X200001"), 2, &[allocated], jiff::Timestamp::now()).await.unwrap();
    let queue: Vec<String> = store.unallocated().await.unwrap().iter().map(|s| s.crn.to_string()).collect();
    assert_eq!(queue, ["X200003"]);
    assert_eq!(store.unallocated().await.unwrap()[0], store.summary(&crn("X200003")).await.unwrap().unwrap());
}
both_engines!(unallocated_lists_active_cases_awaiting_an_officer_t, unallocated_lists_active_cases_awaiting_an_officer);

/// The receiving team's side of a transfer: cases waiting to be transferred to a team, by CRN,
/// leaving out other teams' and those taken up, withdrawn or ended; `check` agrees throughout.
async fn transfers_to_lists_the_cases_waiting_for_a_team<S: CaseStore + Clone + 'static>(store: S) {
    let on = date("2026-03-02");
    let asked = |to: &str| {
        new_event(on, CaseEvent::TransferRequested { to: code(to), reason: Note::parse("Moved house.").unwrap() })
    };
    for (c, family) in [("X200013", "Seacole"), ("X200011", "Lovelace"), ("X200012", "Hopper")] {
        store
            .append(&crn(c), 0, &example::opening("Ada", family, on, "OFF1", "TEAM1"), jiff::Timestamp::now())
            .await
            .unwrap();
    }
    let version = |c: &'static str| {
        let store = store.clone();
        async move { store.summary(&crn(c)).await.unwrap().unwrap().version }
    };
    store.append(&crn("X200013"), version("X200013").await, &[asked("TEAM2")], jiff::Timestamp::now()).await.unwrap();
    store.append(&crn("X200011"), version("X200011").await, &[asked("TEAM2")], jiff::Timestamp::now()).await.unwrap();
    store.append(&crn("X200012"), version("X200012").await, &[asked("TEAM3")], jiff::Timestamp::now()).await.unwrap();
    let waiting = |team: &'static str| {
        let store = store.clone();
        async move { store.transfers_to(&code(team)).await.unwrap().iter().map(|s| s.crn.to_string()).collect::<Vec<_>>() }
    };
    assert_eq!(waiting("TEAM2").await, ["X200011", "X200013"], "by CRN, only this team's");
    assert_eq!(waiting("TEAM3").await, ["X200012"]);
    assert!(waiting("TEAM1").await.is_empty(), "the sending team receives nothing");
    let summary = store.summary(&crn("X200011")).await.unwrap().unwrap();
    assert_eq!((summary.team, summary.transfer_to), (Some(code("TEAM1")), Some(code("TEAM2"))));

    // Taken up, withdrawn, ended: off the list.
    let taken = new_event(
        on,
        CaseEvent::OfficerAllocated {
            officer: code("OFF9"),
            team: code("TEAM2"),
            reason: AllocationReason::Transfer,
            evidence: None,
        },
    );
    store.append(&crn("X200011"), version("X200011").await, &[taken], jiff::Timestamp::now()).await.unwrap();
    let withdrawn =
        new_event(on, CaseEvent::TransferWithdrawn { reason: Note::parse("The move fell through.").unwrap() });
    store.append(&crn("X200012"), version("X200012").await, &[withdrawn], jiff::Timestamp::now()).await.unwrap();
    let ended = new_event(on, CaseEvent::SentenceEnded { sentence: id("S1"), on, outcome: SentenceOutcome::Died });
    store.append(&crn("X200013"), version("X200013").await, &[ended], jiff::Timestamp::now()).await.unwrap();
    assert!(waiting("TEAM2").await.is_empty() && waiting("TEAM3").await.is_empty());
    let report = store.check().await.unwrap();
    assert!(report.differences.is_empty(), "{:?}", report.differences);
}
both_engines!(transfers_to_lists_the_cases_waiting_for_a_team_t, transfers_to_lists_the_cases_waiting_for_a_team);

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
async fn projections_equal_rebuild<S: CaseStore + Clone + 'static>(store: S, steps: Vec<(u8, Step)>, prefix: u32) {
    let mut versions = [0u64; 3];
    for (case, step) in &steps {
        let c = crn(&format!("P{prefix:03}{case:03}"));
        match store.append(&c, versions[*case as usize], &event_for(step, *case), jiff::Timestamp::now()).await {
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

// --- Finding people (issue 4): search through the index of family names, on both engines ---

/// Family names that Rust and SQL lower-case differently (SQLite folds ASCII only; the
/// Kelvin sign and a dotted capital I fold to ASCII in Rust), or that sort differently by
/// bytes and by a locale's rules.
const PEOPLE: [(&str, &str, &str); 10] = [
    ("X100001", "Ada", "Lovelace"),
    ("X100002", "Bob", "love"),
    ("X100003", "Cy", "LOVETT"),
    ("X100004", "Dee", "Ólafsdóttir"),
    ("X100005", "Eve", "İpek"),
    ("X100006", "Fay", "\u{212A}han"),
    ("X100007", "Gus", "Khan"),
    ("X100008", "Hal", "Lovelace"),
    ("X100009", "Ida", "de Souza"),
    ("X100010", "Jo", "Ødegaard"),
];

const QUERIES: [&str; 21] = [
    "love",
    "LOVE",
    "l",
    "ó",
    "Ó",
    "ÓLAFS",
    "i",
    "İ",
    "i\u{307}p",
    "k",
    "kh",
    "x100003",
    "X100003",
    "x10000",
    "de s",
    "DE S",
    "ø",
    "",
    "zz",
    "\u{10FFFF}",
    "d",
];

/// What the search page did before the index: every summary, filtered and sorted in Rust.
fn search_oracle(all: &[domain::projection::CaseSummary], query: &str, limit: usize) -> Vec<String> {
    let q = query.to_lowercase();
    let mut found: Vec<_> = all
        .iter()
        .filter(|c| c.crn.as_str().to_lowercase() == q || c.family_name.to_lowercase().starts_with(&q))
        .collect();
    found.sort_by(|a, b| (&a.family_name, &a.first_name, &a.crn).cmp(&(&b.family_name, &b.first_name, &b.crn)));
    found.into_iter().take(limit).map(|c| c.crn.to_string()).collect()
}

async fn assert_search_matches_oracle<S: CaseStore + Clone + 'static>(store: &S) {
    let all = store.all_summaries().await.unwrap();
    for q in QUERIES {
        for limit in [50, 2, 0] {
            let got: Vec<String> =
                store.search_people(q, limit, None).await.unwrap().iter().map(|c| c.crn.to_string()).collect();
            assert_eq!(got, search_oracle(&all, q, limit), "query {q:?}, limit {limit}");
        }
    }
}

async fn search_people_finds_by_crn_or_family_name_prefix_ignoring_case<S: CaseStore + Clone + 'static>(store: S) {
    let on = date("2026-03-02");
    for (c, first, family) in PEOPLE {
        store
            .append(&crn(c), 0, &example::opening(first, family, on, "OFF1", "TEAM1"), jiff::Timestamp::now())
            .await
            .unwrap();
    }
    let found = |q: &'static str| {
        let store = store.clone();
        async move { store.search_people(q, 50, None).await.unwrap().iter().map(|c| c.crn.to_string()).collect::<Vec<_>>() }
    };
    // By family name in byte order (capitals first), then first name.
    assert_eq!(found("love").await, ["X100003", "X100001", "X100008", "X100002"]);
    assert_eq!(found("k").await, ["X100007", "X100006"], "the Kelvin sign is a k to Rust");
    assert_eq!(found("i").await, ["X100005"], "İ lower-cases to i and a combining dot");
    assert_eq!(found("ólafs").await, ["X100004"]);
    assert_eq!(found("x100009").await, ["X100009"], "a CRN, whatever its case");
    assert_search_matches_oracle(&store).await;
    assert!(store.check().await.unwrap().is_consistent());
    store.rebuild().await.unwrap();
    assert_search_matches_oracle(&store).await;
    assert!(store.check().await.unwrap().is_consistent());
}
both_engines!(
    search_people_finds_by_crn_or_family_name_prefix_ignoring_case_t,
    search_people_finds_by_crn_or_family_name_prefix_ignoring_case
);

/// A search within a reach finds exactly the matches whose team, waiting transfer, officer or
/// CRN it names (or that have no team), in the same order as the search without it.
async fn a_search_within_a_reach_finds_only_the_cases_it_names<S: CaseStore + Clone + 'static>(store: S) {
    let on = date("2026-03-02");
    let teams = ["TEAM1", "TEAM2", "TEAM3"];
    for n in 0..30u32 {
        let (team, officer) = (teams[n as usize % 3], format!("OFF{}", n % 5));
        let family = ["Love", "Lovell", "Lowe"][n as usize % 3];
        let events = example::opening(&format!("P{n}"), family, on, &officer, team);
        store.append(&crn(&format!("X2{n:05}")), 0, &events, jiff::Timestamp::now()).await.unwrap();
    }
    // A transfer waiting for TEAM3, from TEAM1.
    let transfer =
        new_event(on, CaseEvent::TransferRequested { to: code("TEAM3"), reason: Note::parse("moved house").unwrap() });
    let version = store.summary(&crn("X200000")).await.unwrap().unwrap().version;
    store.append(&crn("X200000"), version, &[transfer], jiff::Timestamp::now()).await.unwrap();
    let all = store.all_summaries().await.unwrap();
    let reaches = [
        SearchReach { teams: vec![code("TEAM2")], ..SearchReach::default() },
        SearchReach { teams: vec![code("TEAM3")], ..SearchReach::default() },
        SearchReach { officer: Some(code("OFF1")), ..SearchReach::default() },
        SearchReach { crns: vec![crn("X200004"), crn("X200007")], ..SearchReach::default() },
        SearchReach {
            teams: vec![code("TEAM1"), code("TEAM2")],
            officer: Some(code("OFF4")),
            crns: vec![crn("X200002")],
        },
        SearchReach::default(),
    ];
    for reach in &reaches {
        let within = |c: &domain::projection::CaseSummary| {
            c.team.is_none()
                || c.team.as_ref().is_some_and(|t| reach.teams.contains(t))
                || c.transfer_to.as_ref().is_some_and(|t| reach.teams.contains(t))
                || (c.officer.is_some() && c.officer == reach.officer)
                || reach.crns.contains(&c.crn)
        };
        let mine: Vec<_> = all.iter().filter(|c| within(c)).cloned().collect();
        assert!(mine.len() < all.len() || reach.teams.len() == 3, "each reach leaves some out");
        for q in ["lo", "love", "lowe", "x200004", "l", "zz"] {
            for limit in [50, 3] {
                let got: Vec<String> = store
                    .search_people(q, limit, Some(reach))
                    .await
                    .unwrap()
                    .iter()
                    .map(|c| c.crn.to_string())
                    .collect();
                assert_eq!(got, search_oracle(&mine, q, limit), "query {q:?}, limit {limit}, {reach:?}");
            }
        }
    }
    assert!(
        store.search_people("lo", 50, Some(&reaches[1])).await.unwrap().iter().any(|c| c.crn.as_str() == "X200000"),
        "a transfer waiting for the team is within its reach"
    );
}
both_engines!(
    a_search_within_a_reach_finds_only_the_cases_it_names_t,
    a_search_within_a_reach_finds_only_the_cases_it_names
);

/// People are found by PNC however it was written, by the person's latest details; a rebuild
/// and a check agree; a store whose keys predate migration 0022 computes them on opening.
async fn people_are_found_by_pnc_as_their_latest_details_give_it<S: CaseStore + Clone + 'static>(store: S) {
    let on = date("2026-03-02");
    let with_pnc = |first: &str, family: &str, pnc: Option<&str>| {
        let mut events = example::opening(first, family, on, "OFF1", "TEAM1");
        if let CaseEvent::PersonRegistered { person } = &mut events[0].event {
            person.pnc = pnc.map(|p| domain::ids::Pnc::parse(p).unwrap());
        }
        events
    };
    let now = jiff::Timestamp::now();
    store.append(&crn("X200001"), 0, &with_pnc("Ada", "Lovelace", Some("2012/0034567A")), now).await.unwrap();
    store.append(&crn("X200002"), 0, &with_pnc("Ada", "King", Some("99/1Z")), now).await.unwrap();
    let v = store.append(&crn("X200003"), 0, &with_pnc("Mary", "Seacole", None), now).await.unwrap();
    let found = |pnc: &'static str| {
        let store = store.clone();
        async move {
            let pnc = domain::ids::Pnc::parse(pnc).unwrap();
            store.people_with_pnc(&pnc).await.unwrap().iter().map(|c| c.crn.to_string()).collect::<Vec<_>>()
        }
    };
    assert_eq!(found("12/34567A").await, ["X200001"], "two-digit year, no leading zeros");
    assert_eq!(found("1999/0000001Z").await, ["X200002"]);
    assert!(found("2013/0034567A").await.is_empty());
    // Mary's PNC recorded later, in her details: found by it.
    let mut mary = example::person("Mary", "Seacole");
    mary.pnc = Some(domain::ids::Pnc::parse("2001/0000042B").unwrap());
    let update = new_event(on, CaseEvent::PersonalDetailsUpdated { person: mary });
    store.append(&crn("X200003"), v, &[update], now).await.unwrap();
    assert_eq!(found("01/42B").await, ["X200003"]);
    assert!(store.check().await.unwrap().is_consistent());
    store.rebuild().await.unwrap();
    assert_eq!(found("01/42B").await, ["X200003"]);
    assert!(store.check().await.unwrap().is_consistent());
}
both_engines!(
    people_are_found_by_pnc_as_their_latest_details_give_it_t,
    people_are_found_by_pnc_as_their_latest_details_give_it
);

/// A small organisation: two areas, three boroughs and offices, four teams, five staff.
fn small_organisation() -> Organisation {
    use domain::ids::Name;
    use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Staff, Team};
    let name = |s: &str| Name::parse(s).unwrap();
    let areas = ["A1", "A2"].map(|a| Area { code: code(a), name: name(a) }).to_vec();
    let boroughs = [("B1", "A1"), ("B2", "A1"), ("B3", "A2")]
        .map(|(b, a)| Borough { code: code(b), area: code(a), name: name(b) })
        .to_vec();
    let offices = [("O1", "B1"), ("O2", "B2"), ("O3", "B3")]
        .map(|(o, b)| Office { code: code(o), borough: code(b), name: name(o) })
        .to_vec();
    let teams = [("TEAM1", "O1"), ("TEAM2", "O1"), ("TEAM3", "O2"), ("TEAM4", "O3")]
        .map(|(t, o)| Team { code: code(t), office: code(o), name: name(t) })
        .to_vec();
    let staff = [("OFF1", "TEAM1"), ("OFF2", "TEAM2"), ("OFF3", "TEAM3"), ("OFF4", "TEAM4"), ("SPO1", "TEAM1")]
        .map(|(s, t)| Staff {
            code: code(s),
            team: code(t),
            name: name(&format!("Staff {s}")),
            grade: if s.starts_with("SPO") { Grade::Spo } else { Grade::Po },
            contracted_hours: ContractedHours::new(37.0).unwrap(),
            employment: Employment::Permanent,
            specialisms: Vec::new(),
        })
        .to_vec();
    Organisation { areas, boroughs, offices, teams, staff }
}

/// The cases of [`PEOPLE`] as a bulk load gets them.
fn people_to_load() -> Vec<store::LoadCase> {
    PEOPLE
        .iter()
        .map(|(c, first, family)| {
            let events: Vec<domain::event::RecordedEvent> =
                example::opening(first, family, date("2026-03-02"), "OFF1", "TEAM1")
                    .into_iter()
                    .enumerate()
                    .map(|(i, e)| domain::event::RecordedEvent {
                        crn: crn(c),
                        seq: i as u64 + 1,
                        occurred_at: store::to_stored_precision(e.occurred_at),
                        recorded_at: store::to_stored_precision(e.occurred_at),
                        recorded_by: e.recorded_by,
                        event: e.event,
                    })
                    .collect();
            store::LoadCase::from_events(crn(c), &events).unwrap()
        })
        .collect()
}

/// The part of the organisation around some staff and teams is exactly the rows of the whole
/// that place them; a bulk load writes the search keys with the summaries.
async fn organisation_around_and_search_after_a_bulk_load<S: CaseStore + Clone + 'static>(store: S) {
    let org = small_organisation();
    store.bulk_load(&org, &mut std::iter::once(Ok(people_to_load())), &|_| {}).await.unwrap();
    assert_search_matches_oracle(&store).await;
    assert!(store.check().await.unwrap().is_consistent());

    let sorted = |mut o: Organisation| {
        o.areas.sort_by(|a, b| a.code.cmp(&b.code));
        o.boroughs.sort_by(|a, b| a.code.cmp(&b.code));
        o.offices.sort_by(|a, b| a.code.cmp(&b.code));
        o.teams.sort_by(|a, b| a.code.cmp(&b.code));
        o.staff.sort_by(|a, b| a.code.cmp(&b.code));
        o
    };
    // What the rows of the whole organisation give for these staff and teams.
    let expected = |staff: &[&str], teams: &[&str]| {
        let staff: Vec<_> = org.staff.iter().filter(|s| staff.contains(&s.code.as_str())).cloned().collect();
        let teams: Vec<_> = org
            .teams
            .iter()
            .filter(|t| teams.contains(&t.code.as_str()) || staff.iter().any(|s| s.team == t.code))
            .cloned()
            .collect();
        let offices: Vec<_> =
            org.offices.iter().filter(|o| teams.iter().any(|t| t.office == o.code)).cloned().collect();
        let boroughs: Vec<_> =
            org.boroughs.iter().filter(|b| offices.iter().any(|o| o.borough == b.code)).cloned().collect();
        let areas: Vec<_> = org.areas.iter().filter(|a| boroughs.iter().any(|b| b.area == a.code)).cloned().collect();
        sorted(Organisation { areas, boroughs, offices, teams, staff })
    };
    for (staff, teams) in [
        (vec!["OFF1"], vec![]),
        (vec![], vec!["TEAM3"]),
        (vec!["OFF4", "SPO1"], vec!["TEAM2", "TEAM2"]),
        (vec!["NOBODY"], vec!["NO-TEAM", "TEAM4"]),
        (vec![], vec![]),
    ] {
        let codes = |xs: &[&str]| xs.iter().map(|x| code(x)).collect::<Vec<_>>();
        let got = store.organisation_around(&codes(&staff), &codes(&teams)).await.unwrap();
        assert_eq!(sorted(got), expected(&staff, &teams), "staff {staff:?}, teams {teams:?}");
    }
}
both_engines!(organisation_around_and_search_after_a_bulk_load_t, organisation_around_and_search_after_a_bulk_load);

/// A store whose summaries were written before the search keys existed gets its keys when it
/// is next opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_an_older_store_fills_in_its_search_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("older.db");
    let path = path.to_str().unwrap();
    let older = SqliteStore::open(path).await.unwrap();
    fill_and_forget_keys(&older).await;
    older.pool().close().await;
    let reopened = SqliteStore::open(path).await.unwrap();
    assert!(reopened.check().await.unwrap().is_consistent());
    assert_search_matches_oracle(&reopened).await;

    if let Some(url) = store::testing::postgres_fresh_url().await {
        let older = PostgresStore::connect(&url).await.unwrap();
        fill_and_forget_keys(&older).await;
        older.pool().close().await;
        let reopened = PostgresStore::connect(&url).await.unwrap();
        assert!(reopened.check().await.unwrap().is_consistent());
        assert_search_matches_oracle(&reopened).await;
    }
}

/// Writes the people, then removes their search keys as a store from before migration 0008
/// would be; `check` sees each one missing.
async fn fill_and_forget_keys<S: CaseStore + Clone + 'static + RawSql>(store: &S) {
    for (c, first, family) in PEOPLE {
        store
            .append(
                &crn(c),
                0,
                &example::opening(first, family, date("2026-03-02"), "OFF1", "TEAM1"),
                jiff::Timestamp::now(),
            )
            .await
            .unwrap();
    }
    assert_eq!(store.raw("DELETE FROM search_keys").await, Ok(PEOPLE.len() as u64));
    let report = store.check().await.unwrap();
    assert_eq!(report.differences.len(), PEOPLE.len(), "{:#?}", report.differences);
    assert!(report.differences.iter().all(|d| d.starts_with("search_keys: ") && d.ends_with(" is missing")));
}

/// An append after the caller's own read: the version the read is at is expected, a writer
/// in between gets `Conflict` with nothing written, and a stream that is not this case's as
/// stored is refused naming `past`.
async fn append_to_a_stream_read_before<S: CaseStore + Clone + 'static>(store: S) {
    let c = crn("X400001");
    let on = date("2026-03-02");
    let now = jiff::Timestamp::now();
    store.append(&c, 0, &example::opening("Ada", "Lovelace", on, "OFF1", "TEAM1"), now).await.unwrap();
    let read = store.stream(&c).await.unwrap();
    let trigger = |n: &str| {
        new_event(
            on,
            CaseEvent::ReviewTriggered {
                trigger: domain::practice::reviews::ReviewTrigger::ChangeOfAddressOrCircumstances,
                on,
                note: Some(domain::ids::Note::parse(n).unwrap()),
            },
        )
    };
    assert_eq!(store.append_to(&c, &read, &[trigger("first")], now).await.unwrap(), 4);
    // The same read again: the case moved on since.
    let err = store.append_to(&c, &read, &[trigger("second")], now).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { expected: 3, actual: 4, .. }), "{err:?}");
    assert_eq!(store.stream(&c).await.unwrap().len(), 4, "nothing written");
    // Another case's stream is not this one's.
    let other = crn("X400002");
    store.append(&other, 0, &example::opening("Grace", "Hopper", on, "OFF1", "TEAM1"), now).await.unwrap();
    let theirs = store.stream(&other).await.unwrap();
    let err = store.append_to(&c, &theirs, &[trigger("third")], now).await.unwrap_err();
    assert!(matches!(&err, StoreError::Field { field, .. } if field == "past"), "{err:?}");
    assert!(store.check().await.unwrap().is_consistent());
}
both_engines!(append_to_a_stream_read_before_t, append_to_a_stream_read_before);

/// PostgreSQL has statistics for what a bulk load wrote as soon as it returns (a table never
/// analysed has `reltuples` -1): its queries are planned for the rows loaded, not guessed; and
/// the tables are vacuumed, so covering indexes are read without visiting the table.
#[tokio::test]
async fn a_bulk_load_leaves_postgresql_with_statistics_and_vacuumed() {
    let Some(store) = postgres().await else { return };
    let org = small_organisation();
    store.bulk_load(&org, &mut std::iter::once(Ok(people_to_load())), &|_| {}).await.unwrap();
    for table in ["events", "case_summary", "search_keys", "mi_facts", "staff"] {
        let sql = format!("SELECT CAST(reltuples AS FLOAT8) FROM pg_class WHERE oid = CAST('{table}' AS regclass)");
        let tuples: f64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(store.pool()).await.unwrap();
        assert!(tuples > 0.0, "{table}: {tuples}");
        // Vacuumed (what marks pages all-visible once no older transaction needs them; other
        // tests' transactions may, so the count of vacuums is what is checked). The server's
        // statistics reach other sessions within seconds.
        let sql = format!("SELECT pg_stat_get_vacuum_count(CAST('{table}' AS regclass))");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let vacuums: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())).fetch_one(store.pool()).await.unwrap();
            if vacuums > 0 {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "{table} was not vacuumed after the load");
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }
}

/// The SQLite store checkpoints its WAL on a task of its own, so no append pays for a
/// checkpoint: appends far below SQLite's own threshold (64 MiB of WAL) still see the WAL
/// restarted, which SQLite does only once a checkpoint has copied all of it. The WAL header's
/// checkpoint sequence number (bytes 12 to 16) counts the restarts.
#[tokio::test]
async fn sqlite_checkpoints_its_wal_off_the_appends_path() {
    let (store, dir) = sqlite().await;
    let wal = dir.path().join("probity.db-wal");
    let restarts = || {
        let header = std::fs::read(&wal).unwrap_or_default();
        header.get(12..16).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let on = date("2026-03-02");
    store
        .append(&crn("X300001"), 0, &example::opening("Ada", "Lovelace", on, "OFF1", "TEAM1"), jiff::Timestamp::now())
        .await
        .unwrap();
    let first = restarts();
    let mut version = store.summary(&crn("X300001")).await.unwrap().unwrap().version;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while restarts() == first {
        assert!(std::time::Instant::now() < deadline, "no checkpoint let the WAL restart ({first:?})");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let review = new_event(
            on,
            CaseEvent::ReviewTriggered {
                trigger: domain::practice::reviews::ReviewTrigger::ChangeOfAddressOrCircumstances,
                on,
                note: None,
            },
        );
        version = store.append(&crn("X300001"), version, &[review], jiff::Timestamp::now()).await.unwrap();
    }
}
