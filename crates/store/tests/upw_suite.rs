//! The unpaid work tables, on both engines: projects and supervisors round-trip, invalid
//! ones are refused, and no allocation can over-book a session or double-book a person.

use domain::example::{code, date, id};
use domain::ids::{Crn, Name, Note};
use domain::unpaid_work::WorkDay;
use jiff::civil::Time;
use store::upw::{Allocation, StandDownRecord};
use store::{StoreError, UpwStore};
use upw::policy::AbsenceNotice;
use upw::project::{Phone, Project, ProjectDay, ProjectKind, Supervisor, sessions_for_week};

use store::both_engines;

fn supervisor() -> Supervisor {
    Supervisor {
        code: code("SUP1"),
        name: Name::parse("Sam Okafor").unwrap(),
        phone: Phone::parse("07700 900123").unwrap(),
        days: vec![WorkDay::Sat, WorkDay::Sun],
    }
}

fn project(capacity: u32) -> Project {
    Project {
        code: code("P1"),
        name: Name::parse("Park clearance").unwrap(),
        kind: ProjectKind::Group,
        borough: code("CAMDEN"),
        meeting_point: Note::parse("Gate 2, Regent's Park").unwrap(),
        directions: Note::parse("Great Portland Street station").unwrap(),
        days: vec![
            ProjectDay { day: WorkDay::Sat, start: Time::constant(9, 0, 0, 0), end: Time::constant(16, 0, 0, 0) },
            ProjectDay { day: WorkDay::Sun, start: Time::constant(9, 0, 0, 0), end: Time::constant(16, 0, 0, 0) },
        ],
        supervisor: code("SUP1"),
        capacity,
        women_only: false,
        accessible: true,
    }
}

fn crn(n: u32) -> Crn {
    Crn::parse(&format!("X{n:06}")).unwrap()
}

fn alloc(session: &str, n: u32, on: &str) -> Allocation {
    Allocation { session: session.into(), crn: crn(n), appointment: id(&format!("UPW-{session}")), on: date(on) }
}

async fn setup<S: UpwStore>(store: &S, capacity: u32) {
    store.put_supervisor(&supervisor()).await.unwrap();
    store.put_project(&project(capacity)).await.unwrap();
    let week = sessions_for_week(
        &store.projects().await.unwrap(),
        &store.supervisors().await.unwrap(),
        &[],
        date("2026-11-23"),
    );
    store.put_sessions(&week.sessions).await.unwrap();
}

async fn projects_round_trip_and_bad_ones_are_refused<S: UpwStore>(store: S) {
    setup(&store, 10).await;
    assert_eq!(store.supervisors().await.unwrap(), vec![supervisor()]);
    assert_eq!(store.projects().await.unwrap(), vec![project(10)]);
    let err = store.put_project(&project(11)).await.unwrap_err();
    assert!(err.to_string().contains("capacity"), "{err}");
    let mut orphan = project(5);
    orphan.code = code("P2");
    orphan.supervisor = code("NOBODY");
    let err = store.put_project(&orphan).await.unwrap_err();
    assert!(err.to_string().contains("supervisor"), "{err}");
    assert_eq!(store.projects().await.unwrap(), vec![project(10)], "nothing written");
    let s = store.session("P1-20261128").await.unwrap().unwrap();
    assert_eq!((s.session.capacity, s.booked, s.session.minutes()), (10, 0, 420));
}
both_engines!(projects_round_trip, projects_round_trip_and_bad_ones_are_refused);

async fn a_full_session_refuses_the_next_person<S: UpwStore>(store: S) {
    setup(&store, 2).await;
    store.allocate(&alloc("P1-20261128", 1, "2026-11-28")).await.unwrap();
    store.allocate(&alloc("P1-20261128", 2, "2026-11-28")).await.unwrap();
    let err = store.allocate(&alloc("P1-20261128", 3, "2026-11-28")).await.unwrap_err();
    assert!(matches!(&err, StoreError::Invalid(m) if m.contains("full")), "{err}");
    assert_eq!(store.session("P1-20261128").await.unwrap().unwrap().booked, 2);
    // One session a day: person 1 cannot also be put on another session that Saturday.
    let mut other = project(2);
    other.code = code("P2");
    store.put_project(&other).await.unwrap();
    let week = sessions_for_week(&[other], &[supervisor()], &[], date("2026-11-23"));
    store.put_sessions(&week.sessions).await.unwrap();
    let err = store.allocate(&alloc("P2-20261128", 1, "2026-11-28")).await.unwrap_err();
    assert!(err.to_string().contains("one session a day"), "{err}");
    assert_eq!(store.session("P2-20261128").await.unwrap().unwrap().booked, 0, "nothing written");
    // A capacity cannot drop below the places taken.
    let mut smaller = week_sessions(&store).await;
    smaller.iter_mut().for_each(|s| s.capacity = 1);
    assert!(store.put_sessions(&smaller).await.is_err());
    // Releasing gives the place back.
    assert!(store.release("P1-20261128", &crn(2)).await.unwrap());
    assert!(!store.release("P1-20261128", &crn(2)).await.unwrap());
    store.allocate(&alloc("P1-20261128", 3, "2026-11-28")).await.unwrap();
    let all = store.allocations(date("2026-11-23"), date("2026-11-29")).await.unwrap();
    assert_eq!(all.iter().map(|a| a.crn.clone()).collect::<Vec<_>>(), vec![crn(1), crn(3)]);
    let err = store.allocate(&alloc("NO-SUCH", 4, "2026-11-28")).await.unwrap_err();
    assert!(err.to_string().contains("no unpaid work session"), "{err}");
}
both_engines!(full_session, a_full_session_refuses_the_next_person);

async fn week_sessions<S: UpwStore>(store: &S) -> Vec<upw::project::PlannedSession> {
    sessions_for_week(&store.projects().await.unwrap(), &store.supervisors().await.unwrap(), &[], date("2026-11-23"))
        .sessions
}

async fn concurrent_allocators_cannot_overbook<S: UpwStore>(store: S) {
    setup(&store, 3).await;
    let mut tasks = Vec::new();
    for n in 1..=12 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move { store.allocate(&alloc("P1-20261129", n, "2026-11-29")).await }));
    }
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap().is_ok() {
            ok += 1;
        }
    }
    assert_eq!(ok, 3);
    assert_eq!(store.session("P1-20261129").await.unwrap().unwrap().booked, 3);
    assert_eq!(store.allocations(date("2026-11-29"), date("2026-11-29")).await.unwrap().len(), 3);
}
both_engines!(concurrent_allocators, concurrent_allocators_cannot_overbook);

async fn absences_and_stand_downs_are_kept<S: UpwStore>(store: S) {
    setup(&store, 10).await;
    store.record_absence(&code("SUP1"), date("2026-11-28")).await.unwrap();
    store.record_absence(&code("SUP1"), date("2026-11-28")).await.unwrap();
    assert_eq!(
        store.absences(date("2026-11-23"), date("2026-11-29")).await.unwrap(),
        vec![(code("SUP1"), date("2026-11-28"))]
    );
    assert!(store.record_absence(&code("NOBODY"), date("2026-11-28")).await.is_err());
    let r = StandDownRecord {
        session: "P1-20261128".into(),
        crn: crn(1),
        appointment: id("UPW-P1-20261128"),
        on: date("2026-11-28"),
        notice: AbsenceNotice::OnTheDay,
        credited_minutes: 420,
    };
    store.record_stand_down(&r).await.unwrap();
    assert_eq!(store.stand_downs().await.unwrap(), vec![r]);
}
both_engines!(absences_and_stand_downs, absences_and_stand_downs_are_kept);
