//! The unpaid work tables, on both engines: projects and supervisors round-trip, invalid
//! ones are refused, and no allocation can over-book a session or double-book a person.

use domain::event::{CaseEvent, SentenceOutcome};
use domain::example;
use domain::example::{code, date, id};
use domain::ids::{Crn, Name, Note};
use domain::sentence::{RequirementKind, Sentence};
use domain::unpaid_work::WorkDay;
use jiff::civil::Time;
use store::upw::{Allocation, StandDownRecord};
use store::{CaseStore, StoreError, UpwStore};
use upw::allocate::Recurrence;
use upw::policy::AbsenceNotice;
use upw::project::{Phone, Project, ProjectDay, ProjectKind, Supervisor, sessions_for_week};
use upw::travel::LatLong;

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
        ete: false,
        location: None,
    }
}

fn crn(n: u32) -> Crn {
    Crn::parse(&format!("X{n:06}")).unwrap()
}

fn alloc(session: &str, n: u32, on: &str) -> Allocation {
    Allocation {
        session: session.into(),
        crn: crn(n),
        appointment: id(&format!("UPW-{session}")),
        on: date(on),
        recurrence: Recurrence::Weekly,
    }
}

async fn setup<S: UpwStore + Clone + 'static>(store: &S, capacity: u32) {
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

async fn projects_round_trip_and_bad_ones_are_refused<S: UpwStore + Clone + 'static>(store: S) {
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

async fn a_full_session_refuses_the_next_person<S: UpwStore + Clone + 'static>(store: S) {
    setup(&store, 2).await;
    store.allocate(&alloc("P1-20261128", 1, "2026-11-28")).await.unwrap();
    store.allocate(&alloc("P1-20261128", 2, "2026-11-28")).await.unwrap();
    let err = store.allocate(&alloc("P1-20261128", 3, "2026-11-28")).await.unwrap_err();
    assert!(matches!(&err, StoreError::Field { problem: m, .. } if m.contains("full")), "{err}");
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

async fn week_sessions<S: UpwStore + Clone + 'static>(store: &S) -> Vec<upw::project::PlannedSession> {
    sessions_for_week(&store.projects().await.unwrap(), &store.supervisors().await.unwrap(), &[], date("2026-11-23"))
        .sessions
}

async fn concurrent_allocators_cannot_overbook<S: UpwStore + Clone + 'static>(store: S) {
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

async fn absences_and_stand_downs_are_kept<S: UpwStore + Clone + 'static>(store: S) {
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

/// A project's ETE flag and meeting point round-trip; places keep their recurrence; sessions
/// are listed by date; the appointments on ETE sessions (held or stood down) are found.
async fn recurrence_ete_and_meeting_points_are_kept<S: UpwStore + Clone + 'static>(store: S) {
    setup(&store, 10).await;
    let mut course = project(10);
    course.code = code("ETE1");
    course.ete = true;
    course.location = Some(LatLong::new(51.5416, -0.1022).unwrap());
    store.put_project(&course).await.unwrap();
    let mut far_off = course.clone();
    far_off.code = code("BAD");
    far_off.location = Some(LatLong { lat: 120.0, long: 0.0 });
    let err = store.put_project(&far_off).await.unwrap_err();
    assert!(err.to_string().contains("latitude"), "{err}");
    assert_eq!(store.projects().await.unwrap(), vec![course.clone(), project(10)]);
    let week = sessions_for_week(&[course], &[supervisor()], &[], date("2026-11-23"));
    store.put_sessions(&week.sessions).await.unwrap();
    let sessions = store.sessions_between(date("2026-11-28"), date("2026-11-28")).await.unwrap();
    let listed: Vec<(&str, bool)> = sessions.iter().map(|s| (s.session.id.as_str(), s.session.ete)).collect();
    assert_eq!(listed, vec![("ETE1-20261128", true), ("P1-20261128", false)]);
    assert!(store.sessions_between(date("2026-11-30"), date("2026-12-06")).await.unwrap().is_empty());

    for (session, n, on, recurrence) in [
        ("P1-20261128", 1, "2026-11-28", Recurrence::Once),
        ("ETE1-20261129", 1, "2026-11-29", Recurrence::Fortnightly),
        ("ETE1-20261128", 2, "2026-11-28", Recurrence::Weekly),
    ] {
        store.allocate(&Allocation { recurrence, ..alloc(session, n, on) }).await.unwrap();
    }
    let all = store.allocations(date("2026-11-23"), date("2026-11-29")).await.unwrap();
    let kept: Vec<(&str, Recurrence)> = all.iter().map(|a| (a.session.as_str(), a.recurrence)).collect();
    assert_eq!(
        kept,
        vec![
            ("ETE1-20261128", Recurrence::Weekly),
            ("P1-20261128", Recurrence::Once),
            ("ETE1-20261129", Recurrence::Fortnightly)
        ]
    );
    // Stood down from an ETE session, the appointment is still an ETE one.
    store.release("ETE1-20261128", &crn(2)).await.unwrap();
    store
        .record_stand_down(&StandDownRecord {
            session: "ETE1-20261128".into(),
            crn: crn(2),
            appointment: id("UPW-ETE1-20261128"),
            on: date("2026-11-28"),
            notice: AbsenceNotice::OnTheDay,
            credited_minutes: 420,
        })
        .await
        .unwrap();
    assert_eq!(
        store.ete_appointments(None).await.unwrap(),
        vec![(crn(1), id("UPW-ETE1-20261129")), (crn(2), id("UPW-ETE1-20261128"))]
    );
    assert_eq!(store.ete_appointments(Some(&crn(2))).await.unwrap(), vec![(crn(2), id("UPW-ETE1-20261128"))]);
    assert!(store.ete_appointments(Some(&crn(3))).await.unwrap().is_empty());
}
both_engines!(recurrence_and_ete, recurrence_ete_and_meeting_points_are_kept);

/// The schedule reads only the histories of people who may have unpaid work to do: active
/// cases whose sentence carries an unpaid work requirement.
async fn only_cases_with_unpaid_work_are_listed<S: UpwStore + CaseStore + Clone + 'static>(store: S) {
    let on = date("2026-03-02");
    let open = |n: u32, sentence: Sentence| {
        let mut events = example::opening("Ada", "Lovelace", on, "OFF1", "TEAM1");
        events[1] = example::new_event(on, CaseEvent::SentenceImposed { sentence });
        (crn(n), events)
    };
    let with_upw = example::community_order("S1", on);
    let mut without = example::community_order("S1", on);
    without.requirements.retain(|r| !matches!(r.kind, RequirementKind::UnpaidWork { .. }));
    for (c, events) in [open(1, with_upw.clone()), open(2, without), open(3, with_upw)] {
        store.append(&c, 0, &events, jiff::Timestamp::now()).await.unwrap();
    }
    // Case 3's order ends: nothing more to schedule.
    let ended = CaseEvent::SentenceEnded { sentence: id("S1"), on, outcome: SentenceOutcome::Completed };
    store.append(&crn(3), 3, &[example::new_event(on, ended)], jiff::Timestamp::now()).await.unwrap();
    assert_eq!(store.upw_cases().await.unwrap(), vec![crn(1)]);
}
both_engines!(upw_cases, only_cases_with_unpaid_work_are_listed);
