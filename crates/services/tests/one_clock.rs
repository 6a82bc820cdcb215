//! One clock: every kind of write carries the time its caller's clock gives, never one the
//! store or a use case reads for itself. With the clock pinned to a day, a case event, an
//! allocation, a supervisor's record of unpaid work, an inspector's answer, an inspection's
//! announcement, and the staff records (a reduction of hours and its end, a report and its
//! completion, a declaration of characteristics, a flag and its end) are all recorded at that
//! clock's instant, on both engines.
//! (The tidy test `no_system_time_outside_the_clock` keeps anything else from reading it.)

use domain::contact::{Appointment, ContactKind, Outcome};
use domain::event::{AllocationReason, CaseEvent};
use domain::example::{self, code, date, new_event};
use domain::ids::{Crn, Name};
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Staff, Team};
use services::access::{PlaceScope, Role, User, Username};
use services::clock::Clock;
use services::staff::{DeclarationForm, FlagForm, ReductionForm, ReportForm};
use services::stores::AnyStore;
use services::team::{Allocation, AllocationForm};
use services::{Actor, Stores};
use store::inspection::NewInspection;
use store::testing::{postgres, sqlite};

fn organisation() -> Organisation {
    let name = |s: &str| Name::parse(s).unwrap();
    let staff = |c: &str, n: &str, grade: Grade| Staff {
        code: code(c),
        team: code("TEAM1"),
        name: name(n),
        grade,
        contracted_hours: ContractedHours::new(37.0).unwrap(),
        employment: Employment::Permanent,
        specialisms: vec![],
    };
    Organisation {
        areas: vec![Area { code: code("LDN"), name: name("London") }],
        boroughs: vec![Borough { code: code("CAM"), area: code("LDN"), name: name("Camden") }],
        offices: vec![Office { code: code("CAM1"), borough: code("CAM"), name: name("Camden office") }],
        teams: vec![Team { code: code("TEAM1"), office: code("CAM1"), name: name("Camden North") }],
        staff: vec![staff("OFF1", "Priya Shah", Grade::Po), staff("SPO1", "Jo Bloggs", Grade::Spo)],
    }
}

fn user(name: &str, role: Role, officer: Option<&str>) -> User {
    User {
        username: Username::parse(name).unwrap(),
        role,
        scope: PlaceScope::Team(code("TEAM1")),
        officer: officer.map(code),
        disabled: false,
    }
}

async fn every_write_carries_the_pinned_time<S: AnyStore>(store: S) {
    store.bulk_load(&organisation(), &mut std::iter::empty(), &|_| {}).await.unwrap();
    let stores = Stores::new(store.clone());
    let day = date("2026-11-20");
    let clock = Clock::Fixed(day);
    let pinned = store::to_stored_precision(clock.now());
    let opened = date("2026-11-02");

    // An allocated case, with an unpaid work session booked.
    let crn = Crn::parse("X000001").unwrap();
    let mut events = example::opening("Ada", "Lovelace", opened, "OFF1", "TEAM1");
    let session: Appointment = example::appointment("UPW1", day.at(9, 0, 0, 0), ContactKind::UnpaidWork);
    events.push(new_event(opened, CaseEvent::AppointmentBooked { appointment: session }));
    store.append(&crn, 0, &events, example::noon(opened)).await.unwrap();
    // A case waiting for allocation in the team's borough.
    let waiting = Crn::parse("X000002").unwrap();
    let mut person = example::person("Mary", "Seacole");
    person.home_borough = Some(code("CAM"));
    let queued = [
        new_event(opened, CaseEvent::PersonRegistered { person }),
        new_event(opened, CaseEvent::SentenceImposed { sentence: example::community_order("S1", opened) }),
    ];
    store.append(&waiting, 0, &queued, example::noon(opened)).await.unwrap();

    let officer = user("priya", Role::ResponsibleOfficer, Some("OFF1"));
    let spo = user("joanne", Role::SeniorProbationOfficer, None);

    // A case event recorded by an officer.
    let at = example::noon(day);
    let booked = domain::event::NewEvent {
        occurred_at: at,
        recorded_by: code("OFF1"),
        event: CaseEvent::AppointmentBooked {
            appointment: example::appointment("A9", day.at(15, 0, 0, 0), ContactKind::OfficeVisit),
        },
    };
    let version = store.stream(&crn).await.unwrap().len() as u64;
    services::cases::record_events(&stores, Actor::new(&officer), clock.now(), &crn, version, &[booked]).await.unwrap();
    let last = store.stream(&crn).await.unwrap().pop().unwrap();
    assert_eq!(last.recorded_at, pinned, "a case event");

    // The supervisor's record of the unpaid work session.
    services::upw::record_attendance(
        &stores,
        &crn,
        &example::id("UPW1"),
        Outcome::UnacceptableAbsence,
        None,
        &code("UPW1"),
        clock.now(),
    )
    .await
    .unwrap();
    let last = store.stream(&crn).await.unwrap().pop().unwrap();
    assert_eq!((last.occurred_at, last.recorded_at), (pinned, pinned), "unpaid work attendance");

    // An allocation from the team's queue.
    let state = store.stream(&waiting).await.unwrap().len();
    let form = AllocationForm {
        officer: "OFF1".into(),
        allocation_form_complete: true,
        safeguarding_checks_complete: true,
        reason: String::new(),
        version: state.to_string(),
        why: String::new(),
    };
    let done =
        services::team::allocate(&stores, Actor::new(&spo), clock.now(), &code("TEAM1"), &waiting, &form, "/test")
            .await
            .unwrap();
    assert_eq!(done, Allocation::Allocated(code("OFF1")));
    let allocated = store.stream(&waiting).await.unwrap();
    let allocation = allocated.iter().find(|e| matches!(e.event, CaseEvent::OfficerAllocated { .. })).unwrap();
    assert_eq!((allocation.occurred_at, allocation.recorded_at), (pinned, pinned), "an allocation");
    assert!(matches!(&allocation.event, CaseEvent::OfficerAllocated { reason: AllocationReason::Initial, .. }));

    // An inspection recorded, and an inspector's answer on its sampled case.
    let id = code("INS1");
    store
        .record_inspection(&NewInspection {
            id: id.clone(),
            announced_on: day,
            fieldwork_on: day,
            scheme: "inspectorate".into(),
            seed: 1,
            sample_json: "{}".into(),
            created_by: code("HMI"),
            created_at: clock.now(),
            cases: vec![(crn.clone(), "all".into())],
        })
        .await
        .unwrap();
    let question = inspect::instrument::questions().into_iter().next().unwrap().id;
    services::inspection::answer(&stores, clock.now(), &id, crn.as_str(), &question, "yes", None, &code("HMI"))
        .await
        .unwrap();
    let answers = store.answer_history(&id).await.unwrap();
    assert_eq!(answers.last().unwrap().answered_at, pinned, "an inspector's answer");
    let inspection = store.inspection(&id).await.unwrap().unwrap();
    assert_eq!(inspection.created_at, pinned, "an inspection");

    // Staff records, each through its use case: given the pinned instant, kept to the
    // microsecond as it was given.
    let off1 = [code("OFF1")];
    let form =
        ReductionForm { staff: "OFF1", kind: "facility-time", percent: Some("20"), from: "2026-11-02", to: None };
    let added = services::staff::add_reduction(&stores, clock.now(), form).await.unwrap();
    assert_eq!(added.recorded_at, Some(pinned));
    let stored = store.reductions_for(&off1).await.unwrap();
    assert_eq!((stored[0].recorded_at, stored[0].ended_recorded_at), (Some(pinned), None), "a reduction");
    services::staff::end_reduction(&stores, clock.now(), &added.id.to_string(), "2026-11-30").await.unwrap();
    let stored = store.reductions_for(&off1).await.unwrap();
    assert_eq!(stored[0].ended_recorded_at, Some(pinned), "a reduction's end");

    let form = ReportForm { staff: "OFF1", kind: "fast", crn: None, requested_on: "2026-11-19", due_on: None };
    let added = services::staff::add_report(&stores, clock.now(), form).await.unwrap();
    services::staff::complete_report(&stores, clock.now(), &added.id.to_string(), "2026-11-20").await.unwrap();
    let stored = store.reports_for(&off1).await.unwrap();
    assert_eq!((stored[0].recorded_at, stored[0].completed_recorded_at), (Some(pinned), Some(pinned)), "a report");

    let form = DeclarationForm {
        staff: "OFF1",
        gender: Some("female"),
        ethnicity: None,
        date_of_birth: Some("1984-07-09"),
        disability: None,
        religion: None,
    };
    services::staff::declare_characteristics(&stores, clock.now(), form).await.unwrap();
    assert_eq!(store.staff_declaration(&code("OFF1")).await.unwrap().recorded_at, Some(pinned), "a declaration");

    let form = FlagForm { staff: "OFF1", kind: "performance-improvement", from: "2026-11-02", to: None };
    let added = services::staff::add_flag(&stores, clock.now(), form, "SPO1").await.unwrap();
    services::staff::end_flag(&stores, clock.now(), &added.id.to_string(), "2026-11-20").await.unwrap();
    let stored = store.staff_flags_for(&off1).await.unwrap();
    assert_eq!((stored[0].recorded_at, stored[0].ended_recorded_at), (Some(pinned), Some(pinned)), "a flag");
}

#[tokio::test]
async fn every_write_carries_the_pinned_time_sqlite() {
    let (store, _dir) = sqlite().await;
    every_write_carries_the_pinned_time(store).await;
}

#[tokio::test]
async fn every_write_carries_the_pinned_time_postgres() {
    if let Some(store) = postgres().await {
        every_write_carries_the_pinned_time(store).await;
    }
}
