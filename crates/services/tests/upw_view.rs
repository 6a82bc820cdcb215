//! What the unpaid work pages read, with the actor's access decided by the use case
//! (`services::upw::view`): the week and a session's register only in boroughs the actor's
//! scope covers (403 before 404), runners apart from those who only look, a person barred by
//! a limited-access list shown by CRN only, and a person's progress and placement notice only
//! to those who may see their record, each such read recorded in the read audit.

use domain::contact::{ContactKind, Outcome};
use domain::event::CaseEvent;
use domain::example::{self, code, date, new_event, noon};
use domain::ids::{Crn, Name, Note};
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Staff, Team};
use domain::unpaid_work::WorkDay;
use jiff::civil::Time;
use services::access::{PlaceScope, Role, UpwAccess, User, Username};
use services::stores::AnyStore;
use services::upw::view;
use services::{Actor, ServiceError, Stores};
use store::auth::{LimitKind, LimitedAccess, UserRecord};
use store::both_engines;
use upw::allocate::Recurrence;
use upw::project::{Phone, Project, ProjectDay, ProjectKind, Supervisor};

/// Monday of the week the tests look at; its Saturday has a session in each borough.
const MONDAY: &str = "2026-11-23";
const CAMDEN_SESSION: &str = "P1-20261128";
const ISLINGTON_SESSION: &str = "P2-20261128";

fn organisation() -> Organisation {
    let name = |s: &str| Name::parse(s).unwrap();
    Organisation {
        areas: vec![Area { code: code("LDN"), name: name("London") }],
        boroughs: vec![
            Borough { code: code("CAM"), area: code("LDN"), name: name("Camden") },
            Borough { code: code("ISL"), area: code("LDN"), name: name("Islington") },
        ],
        offices: vec![Office { code: code("CAM1"), borough: code("CAM"), name: name("Camden office") }],
        teams: vec![Team { code: code("TEAM1"), office: code("CAM1"), name: name("Camden North") }],
        staff: vec![Staff {
            code: code("OFF1"),
            team: code("TEAM1"),
            name: name("Priya Shah"),
            grade: Grade::Po,
            contracted_hours: ContractedHours::new(37.0).unwrap(),
            employment: Employment::Permanent,
            specialisms: vec![],
        }],
    }
}

fn user(name: &str, role: Role, scope: PlaceScope, officer: Option<&str>) -> User {
    User { username: Username::parse(name).unwrap(), role, scope, officer: officer.map(code), disabled: false }
}

/// UPW staff in Camden and in Islington, a manager of the area, Camden's officer, an inspector.
struct People {
    camden: User,
    islington: User,
    manager: User,
    officer: User,
    inspector: User,
}

fn people() -> People {
    People {
        camden: user("upw-camden", Role::UpwSupervisor, PlaceScope::Borough(code("CAM")), None),
        islington: user("upw-islington", Role::UpwSupervisor, PlaceScope::Borough(code("ISL")), None),
        manager: user("manager", Role::AreaManager, PlaceScope::Area(code("LDN")), None),
        officer: user("priya", Role::ResponsibleOfficer, PlaceScope::Team(code("TEAM1")), Some("OFF1")),
        inspector: user("inspector", Role::Inspector, PlaceScope::Provider, None),
    }
}

/// A Saturday group project in `borough`, run by `supervisor`.
async fn project<S: AnyStore>(store: &S, project: &str, supervisor: &str, borough: &str) {
    store
        .put_supervisor(&Supervisor {
            code: code(supervisor),
            name: Name::parse("Sam Okafor").unwrap(),
            phone: Phone::parse("07700 900123").unwrap(),
            days: WorkDay::ALL.to_vec(),
        })
        .await
        .unwrap();
    let project = Project {
        code: code(project),
        name: Name::parse(&format!("Garden {project}")).unwrap(),
        kind: ProjectKind::Group,
        borough: code(borough),
        meeting_point: Note::parse("Gate 2").unwrap(),
        directions: Note::parse("By the station").unwrap(),
        days: vec![ProjectDay {
            day: WorkDay::Sat,
            start: Time::constant(9, 0, 0, 0),
            end: Time::constant(16, 0, 0, 0),
        }],
        supervisor: code(supervisor),
        capacity: 10,
        women_only: false,
        accessible: true,
        ete: false,
        location: None,
    };
    store.put_project(&project).await.unwrap();
}

/// The organisation, a project in each borough, and Ada Lovelace (X000001, Camden's officer)
/// with 120 hours of unpaid work, placed on the Camden session; she also has an office visit.
async fn setting<S: AnyStore>(store: &S) -> Crn {
    store.bulk_load(&organisation(), &mut std::iter::empty(), &|_| {}).await.unwrap();
    project(store, "P1", "SUP1", "CAM").await;
    project(store, "P2", "SUP2", "ISL").await;
    let crn = Crn::parse("X000001").unwrap();
    let opened = date("2026-11-02");
    let mut events = example::opening("Ada", "Lovelace", opened, "OFF1", "TEAM1");
    if let CaseEvent::PersonRegistered { person } = &mut events[0].event {
        person.home_borough = Some(code("CAM"));
    }
    let visit = example::appointment("A1", date("2026-11-24").at(10, 0, 0, 0), ContactKind::OfficeVisit);
    events.push(new_event(opened, CaseEvent::AppointmentBooked { appointment: visit }));
    store.append(&crn, 0, &events, noon(opened)).await.unwrap();
    let today = date(MONDAY);
    let stores = Stores::new(store.clone());
    services::upw::allocate(&stores, &crn, CAMDEN_SESSION, Recurrence::Once, today, &code("UPWS1"), noon(today))
        .await
        .unwrap();
    crn
}

fn forbidden<T: std::fmt::Debug>(r: Result<T, ServiceError>) -> bool {
    matches!(r, Err(ServiceError::Forbidden(_)))
}

fn not_found<T: std::fmt::Debug>(r: Result<T, ServiceError>) -> bool {
    matches!(r, Err(ServiceError::NotFound(_)))
}

async fn week_and_register_are_for_upw_staff_within_their_borough<S: AnyStore>(store: S) {
    setting(&store).await;
    let stores = Stores::new(store.clone());
    let p = people();
    let (monday, today) = (date(MONDAY), date(MONDAY));

    // The week: each member of UPW staff sees their own borough's sessions only.
    let week = view::week(&stores, Actor::new(&p.camden), monday).await.unwrap();
    assert_eq!(week.access, UpwAccess::Run);
    let ids: Vec<&str> = week.sessions.iter().map(|s| s.session.id.as_str()).collect();
    assert_eq!(ids, [CAMDEN_SESSION]);
    assert_eq!((week.sessions[0].borough.as_str(), week.sessions[0].taken), ("Camden", 1));
    let week = view::week(&stores, Actor::new(&p.islington), monday).await.unwrap();
    let ids: Vec<&str> = week.sessions.iter().map(|s| s.session.id.as_str()).collect();
    assert_eq!(ids, [ISLINGTON_SESSION]);
    let week = view::week(&stores, Actor::new(&p.manager), monday).await.unwrap();
    assert_eq!((week.access, week.sessions.len()), (UpwAccess::View, 2), "the area's manager looks at both");
    assert!(forbidden(view::week(&stores, Actor::new(&p.officer), monday).await), "not UPW staff");
    assert!(forbidden(view::week(&stores, Actor::new(&p.inspector), monday).await));
    assert!(view::may_run_sessions(&p.camden).is_ok());
    assert!(forbidden(view::may_run_sessions(&p.manager)), "a manager looks, and does not schedule");
    assert!(forbidden(view::may_run_sessions(&p.officer)));

    // The register: the borough's UPW staff see who is booked, by name.
    let register = view::register(&stores, Actor::new(&p.camden), today, CAMDEN_SESSION).await.unwrap();
    assert_eq!((register.access, register.borough.as_str()), (UpwAccess::Run, "Camden"));
    assert_eq!(register.supervisor.as_ref().map(|s| s.code.as_str()), Some("SUP1"));
    let [ada] = &register.booked[..] else { panic!("one booked: {:?}", register.booked) };
    assert_eq!((ada.crn.as_str(), ada.name.as_deref()), ("X000001", Some("Ada Lovelace")));
    assert_eq!((ada.outcome, ada.credited_minutes, ada.ete), (None, None, None));
    let booked = view::booked_on(&stores, &register.session).await.unwrap();
    assert_eq!(booked, [(ada.crn.clone(), ada.appointment.clone())]);

    // Outside the borough: refused, as is someone outside UPW; 403 before 404, so a session
    // id tells them nothing.
    assert!(forbidden(view::register(&stores, Actor::new(&p.islington), today, CAMDEN_SESSION).await));
    assert!(forbidden(view::session_to_run(&stores, Actor::new(&p.islington), CAMDEN_SESSION).await));
    assert!(forbidden(view::register(&stores, Actor::new(&p.officer), today, CAMDEN_SESSION).await));
    assert!(forbidden(view::register(&stores, Actor::new(&p.officer), today, "P9-20261128").await));
    assert!(not_found(view::register(&stores, Actor::new(&p.camden), today, "P9-20261128").await));
    assert!(not_found(view::session_to_run(&stores, Actor::new(&p.camden), "P9-20261128").await));

    // Running the session (the day's record, an absence, placing people) is for runners: a
    // manager sees the register but does not run it.
    let run = view::session_to_run(&stores, Actor::new(&p.camden), CAMDEN_SESSION).await.unwrap();
    assert_eq!(run.session.id, CAMDEN_SESSION);
    let looked = view::register(&stores, Actor::new(&p.manager), today, CAMDEN_SESSION).await.unwrap();
    assert_eq!(looked.access, UpwAccess::View);
    assert!(forbidden(view::session_to_run(&stores, Actor::new(&p.manager), CAMDEN_SESSION).await));

    // Once the day is recorded, the register shows the outcome and the minutes credited.
    services::upw::record_attendance(
        &stores,
        &ada.crn,
        &ada.appointment,
        Outcome::AttendedComplied,
        None,
        &code("UPWS1"),
        noon(date("2026-11-28")),
    )
    .await
    .unwrap();
    let register = view::register(&stores, Actor::new(&p.camden), today, CAMDEN_SESSION).await.unwrap();
    let ada = &register.booked[0];
    assert_eq!((ada.outcome, ada.credited_minutes), (Some(Outcome::AttendedComplied), Some(420)));
}
both_engines!(week_and_register, week_and_register_are_for_upw_staff_within_their_borough);

async fn a_person_barred_by_limited_access_is_withheld_on_the_register<S: AnyStore>(store: S) {
    let crn = setting(&store).await;
    let p = people();
    let today = date(MONDAY);
    // Only her officer may see Ada's record.
    let priya = UserRecord {
        username: "priya".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        role: "responsible_officer".into(),
        scope_kind: "team".into(),
        scope_code: Some("TEAM1".into()),
        officer: Some("OFF1".into()),
        disabled: false,
        created_at: noon(today),
    };
    store.add_user(&priya).await.unwrap();
    let entry = LimitedAccess {
        id: 0,
        crn: crn.clone(),
        kind: LimitKind::Restriction,
        username: "priya".into(),
        starts_on: date("2026-11-01"),
        ends_on: None,
        reason: "Works at the probation office".into(),
        added_by: "admin".into(),
        added_at: noon(today),
    };
    store.add_limited_access(&entry).await.unwrap();
    let stores = Stores::new(store.clone());
    let register = view::register(&stores, Actor::new(&p.camden), today, CAMDEN_SESSION).await.unwrap();
    let [ada] = &register.booked[..] else { panic!("one booked: {:?}", register.booked) };
    assert_eq!((ada.crn.as_str(), ada.name.as_deref()), ("X000001", None), "shown by CRN only");
    // Nor may they see her progress or notices; nothing is recorded as read.
    let appointment = ada.appointment.to_string();
    let now = noon(today);
    assert!(forbidden(view::progress_view(&stores, Actor::new(&p.camden), now, &crn, "/test").await));
    assert!(forbidden(view::notice(&stores, Actor::new(&p.camden), now, &crn, &appointment, "/test").await));
    assert!(store.reads_of(&crn).await.unwrap().is_empty());
    // Her officer still sees her progress.
    let progress = view::progress_view(&stores, Actor::new(&p.officer), now, &crn, "/test").await.unwrap();
    assert_eq!(progress.name, "Ada Lovelace");
}
both_engines!(limited_access_withheld, a_person_barred_by_limited_access_is_withheld_on_the_register);

async fn progress_and_notices_are_audited_reads_of_the_record<S: AnyStore>(store: S) {
    let crn = setting(&store).await;
    let stores = Stores::new(store.clone());
    let p = people();
    let now = noon(date(MONDAY));
    let appointment = format!("UPW-{CAMDEN_SESSION}");

    // Camden's UPW staff see the progress of a Camden case; the read is recorded.
    let seen = view::progress_view(&stores, Actor::new(&p.camden), now, &crn, "/upw/cases/{crn}").await.unwrap();
    assert_eq!((seen.crn.as_str(), seen.name.as_str()), ("X000001", "Ada Lovelace"));
    assert_eq!(seen.progress.len(), 1, "one unpaid work requirement");
    assert_eq!(seen.progress[0].ordered_minutes, 120 * 60);
    let sessions: Vec<String> = seen.sessions.iter().map(|a| a.appointment.id.to_string()).collect();
    assert_eq!(sessions, std::slice::from_ref(&appointment), "only unpaid work sessions, not the office visit");
    let reads = store.reads_of(&crn).await.unwrap();
    let read: Vec<(&str, &str)> = reads.iter().map(|r| (r.username.as_str(), r.route.as_str())).collect();
    assert_eq!(read, [("upw-camden", "/upw/cases/{crn}")]);

    // The notice too.
    let route = "/upw/cases/{crn}/notices/{appointment}";
    let text = view::notice(&stores, Actor::new(&p.officer), now, &crn, &appointment, route).await.unwrap();
    assert!(text.contains("UNPAID WORK: YOUR PLACEMENT"), "{text}");
    let reads = store.reads_of(&crn).await.unwrap();
    assert_eq!((reads.len(), reads[1].username.as_str(), reads[1].route.as_str()), (2, "priya", route));

    // Outside the case's borough, or a role that does not see UPW progress: refused, unread.
    assert!(forbidden(view::progress_view(&stores, Actor::new(&p.islington), now, &crn, "/test").await));
    assert!(forbidden(view::notice(&stores, Actor::new(&p.islington), now, &crn, "not an id!", "/test").await));
    assert!(forbidden(view::progress_view(&stores, Actor::new(&p.inspector), now, &crn, "/test").await));
    assert_eq!(store.reads_of(&crn).await.unwrap().len(), 2, "refusals are not reads");

    // No such case; no such notice (an appointment that is not an allocation); a bad id.
    let nobody = Crn::parse("X999999").unwrap();
    assert!(not_found(view::progress_view(&stores, Actor::new(&p.camden), now, &nobody, "/test").await));
    assert!(not_found(view::notice(&stores, Actor::new(&p.camden), now, &crn, "A1", "/test").await));
    match view::notice(&stores, Actor::new(&p.camden), now, &crn, "not an id!", "/test").await {
        // Named as `LocalId` names it, as the page always has.
        Err(ServiceError::Invalid(problems)) => assert_eq!(problems[0].field, "id"),
        other => panic!("a bad appointment id: {other:?}"),
    }
}
both_engines!(progress_and_notices, progress_and_notices_are_audited_reads_of_the_record);
