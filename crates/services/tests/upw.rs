//! Unpaid work end to end over a store: scheduling weeks from the case record, re-runs that
//! keep people where they are, a supervisor's absence, the day's record, and the scenario of
//! issue 5 (a zero-hours worker with DRR reviews completes the order before the deadline);
//! placing by hand and its refusals, places that recur, the 30% ETE cap, the journey.

use domain::contact::{Appointment, ContactKind, Outcome};
use domain::event::CaseEvent;
use domain::example::{code, date, id, new_event, noon, opening};
use domain::ids::{Crn, Name, Note};
use domain::person::EmploymentStatus;
use domain::practice::worklist::{WorkKind, worklist};
use domain::unpaid_work::{BusyPeriod, BusyReason, Timesheet, UnpaidWorkNeeds, WorkDay};
use jiff::civil::{Date, DateTime, Time};
use services::upw::{UpwError, allocate, record_attendance, schedule_week, supervisor_absent};
use store::{CaseStore, UpwStore};
use upw::allocate::Recurrence;
use upw::policy::{AbsenceNotice, IncentivePolicy};
use upw::project::{Phone, Project, ProjectDay, ProjectKind, Supervisor};

use store::both_engines;

fn by() -> domain::ids::Code {
    code("UPWS1")
}

fn days(week: Date, offset: i64) -> Date {
    week.checked_add(jiff::Span::new().days(offset)).unwrap()
}

fn at(d: Date, h: i8) -> DateTime {
    d.at(h, 0, 0, 0)
}

async fn add_project<S: UpwStore + Clone + 'static>(
    store: &S,
    code_: &str,
    supervisor: &str,
    on: &[WorkDay],
    capacity: u32,
) {
    put_project(store, code_, supervisor, on, capacity, |_| {}).await;
}

/// A group project in Camden, 09:00 to 16:00 on `on`, changed by `edit`.
async fn put_project<S: UpwStore + Clone + 'static>(
    store: &S,
    code_: &str,
    supervisor: &str,
    on: &[WorkDay],
    capacity: u32,
    edit: impl FnOnce(&mut Project),
) {
    store
        .put_supervisor(&Supervisor {
            code: code(supervisor),
            name: Name::parse("Sam Okafor").unwrap(),
            phone: Phone::parse("07700 900123").unwrap(),
            days: WorkDay::ALL.to_vec(),
        })
        .await
        .unwrap();
    let mut project = Project {
        code: code(code_),
        name: Name::parse("Community garden").unwrap(),
        kind: ProjectKind::Group,
        borough: code("CAMDEN"),
        meeting_point: Note::parse("Gate 2, Regent's Park").unwrap(),
        directions: Note::parse("Great Portland Street station").unwrap(),
        days: on
            .iter()
            .map(|&day| ProjectDay { day, start: Time::constant(9, 0, 0, 0), end: Time::constant(16, 0, 0, 0) })
            .collect(),
        supervisor: code(supervisor),
        capacity,
        women_only: false,
        accessible: true,
        ete: false,
        location: None,
    };
    edit(&mut project);
    store.put_project(&project).await.unwrap();
}

/// A person sentenced on `on` to a community order with 120 hours of unpaid work.
async fn sentenced<S: CaseStore + Clone + 'static>(
    store: &S,
    n: u32,
    on: Date,
    employment: Option<EmploymentStatus>,
) -> Crn {
    let crn = Crn::parse(&format!("X{n:06}")).unwrap();
    let mut events = opening("Ada", "Lovelace", on, "OFF1", "TEAM1");
    if let CaseEvent::PersonRegistered { person } = &mut events[0].event {
        person.employment = employment;
        person.home_borough = Some(code("CAMDEN"));
    }
    store.append(&crn, 0, &events, jiff::Timestamp::now()).await.unwrap();
    crn
}

async fn append<S: CaseStore + Clone + 'static>(store: &S, crn: &Crn, on: Date, event: CaseEvent) {
    let v = store.stream(crn).await.unwrap().len() as u64;
    store.append(crn, v, &[new_event(on, event)], jiff::Timestamp::now()).await.unwrap();
}

async fn state<S: CaseStore + Clone + 'static>(store: &S, crn: &Crn) -> domain::case::CaseState {
    domain::case::CaseState::fold(crn.clone(), &store.stream(crn).await.unwrap()).unwrap()
}

/// The scenario of issue 5: a zero-hours worker whose shifts change weekly and who has DRR
/// reviews is placed only on sessions they can attend, and works the whole order before the
/// 12-month deadline.
async fn zero_hours_worker_with_drr_reviews_completes_in_time<S: services::stores::AnyStore>(store: S) {
    add_project(&store, "P1", "SUP1", &[WorkDay::Sat, WorkDay::Sun], 10).await;
    add_project(&store, "P2", "SUP2", &[WorkDay::Mon, WorkDay::Wed], 10).await;
    let sentenced_on = date("2026-11-20");
    let crn = sentenced(&store, 1, sentenced_on, Some(EmploymentStatus::ZeroHours)).await;
    let mut week = date("2026-11-23");
    let mut weeks = 0;
    loop {
        let s = state(&store, &crn).await;
        let p = services::upw::progress(&services::Stores::new(store.clone()), &crn, week, &IncentivePolicy::default())
            .await
            .unwrap();
        if p[0].remaining_minutes == 0 {
            break;
        }
        weeks += 1;
        assert!(weeks < 30, "not finished after 30 weeks");
        // This week's shift moves around (zero hours), and a DRR review every other Monday.
        let shift_day = days(week, [5, 2, 0, 6][weeks % 4]);
        let needs = UnpaidWorkNeeds {
            days: vec![WorkDay::Mon, WorkDay::Wed, WorkDay::Sat],
            busy: vec![BusyPeriod { from: at(shift_day, 8), to: at(shift_day, 14), reason: BusyReason::Employment }],
            women_only: false,
            singleton: false,
            sessions_per_week: 2,
        };
        let requirement = id("S1-UPW");
        append(&store, &crn, days(week, -3), CaseEvent::UnpaidWorkNeedsRecorded { requirement, needs: needs.clone() })
            .await;
        if weeks % 2 == 1 {
            let review = Appointment {
                id: id(&format!("DRR-{weeks}")),
                at: at(week, 10),
                minutes: 60,
                kind: ContactKind::OfficeVisit,
                requirement: None,
            };
            append(&store, &crn, days(week, -3), CaseEvent::AppointmentBooked { appointment: review }).await;
        }
        let report = schedule_week(&services::Stores::new(store.clone()), week, week, &by(), noon(week)).await.unwrap();
        assert!(report.unplaced.is_empty(), "week {week}: {:?}", report.unplaced);

        let booked: Vec<Appointment> = state(&store, &crn)
            .await
            .appointments
            .iter()
            .filter(|a| a.appointment.kind == ContactKind::UnpaidWork && a.outcome.is_none())
            .map(|a| a.appointment.clone())
            .collect();
        assert!(!booked.is_empty() && booked.len() <= 2, "week {week}: {booked:?}");
        let others: Vec<(DateTime, DateTime)> = s
            .appointments
            .iter()
            .filter(|a| a.appointment.kind != ContactKind::UnpaidWork)
            .map(|a| (a.appointment.at, a.appointment.at + jiff::Span::new().minutes(i64::from(a.appointment.minutes))))
            .chain([(at(shift_day, 8), at(shift_day, 14))])
            .collect();
        for a in &booked {
            let end = a.at + jiff::Span::new().minutes(i64::from(a.minutes));
            let day = WorkDay::ALL[a.at.date().weekday().to_monday_zero_offset() as usize];
            assert!(needs.days.contains(&day), "booked on {day:?}");
            for &(s, e) in &others {
                assert!(!(a.at < e && s < end), "{} clashes with {s}..{e}", a.at);
            }
            assert_eq!(a.requirement, Some(id("S1-UPW")));
            // The supervisor records the day.
            let sheet = Timesheet {
                started: Time::constant(9, 0, 0, 0),
                finished: Time::constant(16, 0, 0, 0),
                penalty_minutes: 0,
                travel_minutes: 0,
                other_minutes: 0,
            };
            record_attendance(
                &services::Stores::new(store.clone()),
                &crn,
                &a.id,
                Outcome::AttendedComplied,
                Some(sheet),
                &by(),
                noon(a.at.date()),
            )
            .await
            .unwrap();
        }
        week = days(week, 7);
    }
    let p = services::upw::progress(&services::Stores::new(store.clone()), &crn, week, &IncentivePolicy::default())
        .await
        .unwrap();
    assert!(p[0].credited_minutes >= 120 * 60);
    assert!(week <= p[0].deadline, "finished {week}, deadline {}", p[0].deadline);
    assert_eq!(p[0].arranged_in_time, Some(true));
    // Done: nobody is scheduled any more.
    let report = schedule_week(&services::Stores::new(store.clone()), week, week, &by(), noon(week)).await.unwrap();
    assert_eq!(report.people, 0);
}
both_engines!(zero_hours_scenario, zero_hours_worker_with_drr_reviews_completes_in_time);

/// Re-running changes nothing; a supervisor absent on the day stands people down with full
/// credit, counts it for MI, and re-schedules them elsewhere where there is room.
async fn reruns_keep_people_and_absences_reschedule<S: services::stores::AnyStore>(store: S) {
    add_project(&store, "P1", "SUP1", &[WorkDay::Sat], 10).await;
    add_project(&store, "P2", "SUP2", &[WorkDay::Sun], 4).await;
    let week = date("2026-11-23");
    let mut crns = Vec::new();
    for n in 1..=12 {
        crns.push(sentenced(&store, n, date("2026-11-02"), None).await);
    }
    let first = schedule_week(&services::Stores::new(store.clone()), week, week, &by(), noon(week)).await.unwrap();
    assert_eq!((first.people, first.placements), (12, 14));
    assert_eq!(UpwStore::session(&store, "P1-20261128").await.unwrap().unwrap().booked, 10);
    assert_eq!(UpwStore::session(&store, "P2-20261129").await.unwrap().unwrap().booked, 4);
    let again = schedule_week(&services::Stores::new(store.clone()), week, week, &by(), noon(week)).await.unwrap();
    assert_eq!((again.kept, again.booked, again.moved_off), (14, 0, 0));
    assert!((again.objective - first.objective).abs() < 1e-9);
    // Saturday's project loses three places: only three people move off, the rest stay.
    add_project(&store, "P1", "SUP1", &[WorkDay::Sat], 7).await;
    let smaller = schedule_week(&services::Stores::new(store.clone()), week, week, &by(), noon(week)).await.unwrap();
    assert_eq!((smaller.kept, smaller.booked, smaller.moved_off), (11, 0, 3));
    assert_eq!(UpwStore::session(&store, "P1-20261128").await.unwrap().unwrap().booked, 7);

    let saturday = date("2026-11-28");
    let report = supervisor_absent(
        &services::Stores::new(store.clone()),
        &code("SUP1"),
        saturday,
        AbsenceNotice::OnTheDay,
        &by(),
        noon(saturday),
    )
    .await
    .unwrap();
    assert_eq!(report.stood_down.len(), 7);
    assert!(report.stood_down.iter().all(|s| s.credited_minutes == 420));
    let mi = store.stand_downs().await.unwrap();
    assert_eq!(mi.len(), 7);
    assert!(mi.iter().all(|r| r.session == "P1-20261128" && r.credited_minutes == 420));
    // Sunday is full already, so the re-run moves nobody there, and keeps Sunday's people.
    let rerun = report.rescheduled.unwrap();
    assert_eq!((rerun.kept, rerun.moved_off), (4, 0));
    assert!(rerun.without_supervisor.contains(&"P1-20261128".to_string()));
    // Each stood-down person was credited the whole session: not enforceable.
    let s = state(&store, &crns[0]).await;
    let upw = domain::unpaid_work::credited_minutes(&s, &id("S1-UPW"));
    assert!(upw == 420 || upw == 0, "{upw}");
    assert!(worklist(&s, saturday).iter().all(|w| w.kind != WorkKind::WarningDecision));
}
both_engines!(reruns_and_absences, reruns_keep_people_and_absences_reschedule);

/// An unacceptable absence from unpaid work feeds the practice engine: a warning is due.
/// Bad input on the day is refused and writes nothing.
async fn enforceable_outcomes_feed_enforcement<S: services::stores::AnyStore>(store: S) {
    add_project(&store, "P1", "SUP1", &[WorkDay::Sat], 10).await;
    let week = date("2026-11-23");
    let crn = sentenced(&store, 1, date("2026-11-02"), None).await;
    schedule_week(&services::Stores::new(store.clone()), week, week, &by(), noon(week)).await.unwrap();
    let appointment = id("UPW-P1-20261128");
    let saturday = date("2026-11-28");
    // The notice for the booking names the place, the time and who to call.
    let text =
        services::upw::placement_notice(&services::Stores::new(store.clone()), &crn, &appointment).await.unwrap();
    for needle in [
        "Ada Lovelace",
        "Saturday 28 November 2026",
        "arrive by 09:00",
        "Gate 2, Regent's Park",
        "07700 900123",
        "induction",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from\n{text}");
    }
    assert!(services::upw::placement_notice(&services::Stores::new(store.clone()), &crn, &id("NOPE")).await.is_err());
    // A place taken without its booking reaching the case (a run that died in between) is
    // given back and the person booked properly on the next run.
    let second = sentenced(&store, 2, date("2026-11-02"), None).await;
    let orphan = store::upw::Allocation {
        session: "P1-20261128".into(),
        crn: second.clone(),
        appointment: id("UPW-P1-20261128"),
        on: date("2026-11-28"),
        recurrence: upw::allocate::Recurrence::Weekly,
    };
    store.allocate(&orphan).await.unwrap();
    schedule_week(&services::Stores::new(store.clone()), week, week, &by(), noon(week)).await.unwrap();
    assert_eq!(UpwStore::session(&store, "P1-20261128").await.unwrap().unwrap().booked, 2);
    assert!(state(&store, &second).await.appointments.iter().any(|a| a.appointment.id == orphan.appointment));
    let before = store.stream(&crn).await.unwrap().len();
    let long_penalty = Timesheet {
        started: Time::constant(9, 0, 0, 0),
        finished: Time::constant(16, 0, 0, 0),
        penalty_minutes: 500,
        travel_minutes: 0,
        other_minutes: 0,
    };
    let err = record_attendance(
        &services::Stores::new(store.clone()),
        &crn,
        &appointment,
        Outcome::AttendedComplied,
        Some(long_penalty),
        &by(),
        noon(saturday),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("penalty_minutes"), "{err}");
    let err = record_attendance(
        &services::Stores::new(store.clone()),
        &crn,
        &appointment,
        Outcome::UnacceptableAbsence,
        Some(long_penalty),
        &by(),
        noon(saturday),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("attended outcomes only"), "{err}");
    assert_eq!(store.stream(&crn).await.unwrap().len(), before, "nothing written");

    record_attendance(
        &services::Stores::new(store.clone()),
        &crn,
        &appointment,
        Outcome::UnacceptableAbsence,
        None,
        &by(),
        noon(saturday),
    )
    .await
    .unwrap();
    let s = state(&store, &crn).await;
    let items = worklist(&s, date("2026-11-30"));
    assert!(items.iter().any(|w| w.kind == WorkKind::WarningDecision), "{items:?}");
    assert_eq!(domain::unpaid_work::credited_minutes(&s, &id("S1-UPW")), 0);
}
both_engines!(enforceable_outcomes, enforceable_outcomes_feed_enforcement);

/// What a refused placement must leave alone: every case's events, every place, and the
/// places taken on the session.
async fn snapshot<S: services::stores::AnyStore>(
    store: &S,
    crns: &[Crn],
    session: &str,
) -> (Vec<usize>, Vec<store::upw::Allocation>, Option<u32>) {
    let mut events = Vec::new();
    for c in crns {
        events.push(store.stream(c).await.unwrap().len());
    }
    let places = store.allocations(date("2026-01-01"), date("2027-12-31")).await.unwrap();
    (events, places, UpwStore::session(store, session).await.unwrap().map(|s| s.booked))
}

async fn refused<S: services::stores::AnyStore>(store: &S, crn: &Crn, session: &str, needle: &str, everyone: &[Crn]) {
    let before = snapshot(store, everyone, session).await;
    let today = date("2026-11-23");
    let err =
        allocate(&services::Stores::new(store.clone()), crn, session, Recurrence::Weekly, today, &by(), noon(today))
            .await
            .unwrap_err();
    assert!(matches!(err, UpwError::Invalid { .. }), "{err:?}");
    assert!(err.to_string().contains(needle), "{needle:?} not in {err}");
    assert!(err.to_string().starts_with("crn: ") || err.to_string().starts_with("session: "), "{err}");
    assert_eq!(snapshot(store, everyone, session).await, before, "{needle}: nothing written");
}

/// Placing by hand (`probity upw allocate`, the register's form): each rule refuses with the
/// field named and nothing written; a good placement is booked on the case with its recurrence.
async fn placing_by_hand_refuses_bad_placements<S: services::stores::AnyStore>(store: S) {
    add_project(&store, "P1", "SUP1", &[WorkDay::Sat], 2).await;
    add_project(&store, "P2", "SUP2", &[WorkDay::Sat, WorkDay::Sun], 10).await;
    put_project(&store, "W1", "SUP3", &[WorkDay::Sun], 10, |p| p.women_only = true).await;
    let on = date("2026-11-02");
    let mut people = Vec::new();
    for n in 1..=6 {
        people.push(sentenced(&store, n, on, None).await);
    }
    let [ada, sunday_only, reviewed, d, e, f] = [0, 1, 2, 3, 4, 5].map(|i| people[i].clone());
    // Registered, never sentenced: no unpaid work to do.
    let nobody = Crn::parse("X000009").unwrap();
    store
        .append(&nobody, 0, &opening("Ada", "Lovelace", on, "OFF1", "TEAM1")[..1], jiff::Timestamp::now())
        .await
        .unwrap();
    let needs = UnpaidWorkNeeds {
        days: vec![WorkDay::Sun],
        busy: vec![],
        women_only: false,
        singleton: false,
        sessions_per_week: 2,
    };
    append(&store, &sunday_only, on, CaseEvent::UnpaidWorkNeedsRecorded { requirement: id("S1-UPW"), needs }).await;
    let review = Appointment {
        id: id("DRR-1"),
        at: date("2026-11-28").at(10, 0, 0, 0),
        minutes: 60,
        kind: ContactKind::OfficeVisit,
        requirement: None,
    };
    append(&store, &reviewed, on, CaseEvent::AppointmentBooked { appointment: review }).await;
    let mut everyone = people.clone();
    everyone.push(nobody.clone());

    // A good placement, before the week is scheduled: the session is made from its project.
    assert!(UpwStore::session(&store, "P2-20261128").await.unwrap().is_none());
    let today = date("2026-11-23");
    let placed = allocate(
        &services::Stores::new(store.clone()),
        &ada,
        "P2-20261128",
        Recurrence::Fortnightly,
        today,
        &by(),
        noon(today),
    )
    .await
    .unwrap();
    assert_eq!((placed.session.as_str(), placed.appointment.as_str()), ("P2-20261128", "UPW-P2-20261128"));
    assert_eq!(UpwStore::session(&store, "P2-20261128").await.unwrap().unwrap().booked, 1);
    let place = store.allocations(date("2026-11-28"), date("2026-11-28")).await.unwrap();
    assert_eq!((place.len(), place[0].recurrence), (1, Recurrence::Fortnightly));
    let booking =
        state(&store, &ada).await.appointments.iter().find(|a| a.appointment.id == id("UPW-P2-20261128")).cloned();
    assert_eq!(booking.unwrap().appointment.requirement, Some(id("S1-UPW")));
    for p in [&d, &e] {
        allocate(&services::Stores::new(store.clone()), p, "P1-20261128", Recurrence::Once, today, &by(), noon(today))
            .await
            .unwrap();
    }

    refused(&store, &Crn::parse("X999999").unwrap(), "P2-20261129", "crn: no case X999999", &everyone).await;
    refused(&store, &ada, "P9-20261128", "session: no unpaid work session P9-20261128", &everyone).await;
    refused(&store, &ada, "garden", "session: no unpaid work session garden", &everyone).await;
    refused(&store, &nobody, "P2-20261129", "crn: X000009 has no unpaid work hours outstanding", &everyone).await;
    refused(&store, &f, "P1-20261128", "is full (2 places)", &everyone).await;
    refused(&store, &reviewed, "P2-20261128", "clashes with X000003's appointment DRR-1", &everyone).await;
    refused(&store, &sunday_only, "P2-20261128", "cannot work on Saturdays", &everyone).await;
    refused(&store, &ada, "W1-20261129", "W1-20261129 is women-only", &everyone).await;
    refused(&store, &d, "P2-20261128", "already has session P1-20261128", &everyone).await;
    refused(&store, &ada, "P2-20261122", "choose a session from today on", &everyone).await;
    // A supervisor absent that day: no session to place anyone on.
    store.record_absence(&code("SUP2"), date("2026-11-29")).await.unwrap();
    refused(&store, &sunday_only, "P2-20261129", "no supervisor", &everyone).await;
}
both_engines!(placing_by_hand, placing_by_hand_refuses_bad_placements);

async fn record_needs<S: CaseStore + Clone + 'static>(store: &S, crn: &Crn, days: Vec<WorkDay>, per_week: u8) {
    let needs =
        UnpaidWorkNeeds { days, busy: vec![], women_only: false, singleton: false, sessions_per_week: per_week };
    append(store, crn, date("2026-11-02"), CaseEvent::UnpaidWorkNeedsRecorded { requirement: id("S1-UPW"), needs })
        .await;
}

/// Each person's Saturday session in a week, with how it recurs.
async fn saturdays<S: UpwStore + Clone + 'static>(store: &S, saturday: &str) -> Vec<(String, String, Recurrence)> {
    let on = date(saturday);
    store
        .allocations(on, on)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.crn.to_string(), a.session, a.recurrence))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// docs/rules/practice.md#unpaid-work: "Allocations recur once, weekly or fortnightly until the hours are done". A
/// weekly place carries into the next week and a fortnightly one into the week after, even
/// onto a dearer project than the scheduler would choose; a once place does not; the
/// scheduler's own places recur weekly; an order that ends carries nothing.
async fn places_recur_weekly_fortnightly_or_once<S: services::stores::AnyStore>(store: S) {
    // P1 is further from home (its borough is not the people's) than P2.
    put_project(&store, "P1", "SUP1", &[WorkDay::Sat], 10, |p| p.borough = code("FAR")).await;
    add_project(&store, "P2", "SUP2", &[WorkDay::Sat], 10).await;
    let mut people = Vec::new();
    for n in 1..=3 {
        let crn = sentenced(&store, n, date("2026-11-02"), None).await;
        record_needs(&store, &crn, vec![WorkDay::Sat], 1).await;
        people.push(crn);
    }
    let w47 = date("2026-11-16");
    for (crn, r) in people.iter().zip([Recurrence::Weekly, Recurrence::Fortnightly, Recurrence::Once]) {
        allocate(&services::Stores::new(store.clone()), crn, "P1-20261121", r, w47, &by(), noon(w47)).await.unwrap();
    }
    let (a, b, c) = ("X000001".to_string(), "X000002".to_string(), "X000003".to_string());
    let row = |who: &String, s: &str, r| (who.clone(), s.to_string(), r);

    let w48 = date("2026-11-23");
    let report = schedule_week(&services::Stores::new(store.clone()), w48, w48, &by(), noon(w48)).await.unwrap();
    assert_eq!((report.booked, report.carried), (3, 1));
    assert_eq!(
        saturdays(&store, "2026-11-28").await,
        vec![
            row(&a, "P1-20261128", Recurrence::Weekly),
            row(&b, "P2-20261128", Recurrence::Weekly),
            row(&c, "P2-20261128", Recurrence::Weekly),
        ]
    );
    let w49 = date("2026-11-30");
    let report = schedule_week(&services::Stores::new(store.clone()), w49, w49, &by(), noon(w49)).await.unwrap();
    assert_eq!((report.booked, report.carried), (3, 3));
    // B's fortnightly place comes round again, and wins the day over last week's weekly one.
    assert_eq!(
        saturdays(&store, "2026-12-05").await,
        vec![
            row(&a, "P1-20261205", Recurrence::Weekly),
            row(&b, "P1-20261205", Recurrence::Fortnightly),
            row(&c, "P2-20261205", Recurrence::Weekly),
        ]
    );
    // C's order ends: nothing of theirs recurs.
    let ended = CaseEvent::SentenceEnded {
        sentence: id("S1"),
        on: date("2026-12-01"),
        outcome: domain::event::SentenceOutcome::Completed,
    };
    append(&store, &people[2], date("2026-12-01"), ended).await;
    let w50 = date("2026-12-07");
    let report = schedule_week(&services::Stores::new(store.clone()), w50, w50, &by(), noon(w50)).await.unwrap();
    assert_eq!((report.people, report.booked, report.carried), (2, 2, 1));
    assert_eq!(
        saturdays(&store, "2026-12-12").await,
        vec![row(&a, "P1-20261212", Recurrence::Weekly), row(&b, "P2-20261212", Recurrence::Weekly)]
    );
    // A re-run keeps everything and carries nothing new.
    let again = schedule_week(&services::Stores::new(store.clone()), w50, w50, &by(), noon(w50)).await.unwrap();
    assert_eq!((again.kept, again.booked, again.carried, again.moved_off), (2, 0, 0, 0));
}
both_engines!(recurrence, places_recur_weekly_fortnightly_or_once);

/// docs/rules/practice.md#unpaid-work: "Up to 30% of hours may be spent on education, training and employment". The
/// scheduler offers the ETE course while the person's allowance covers a session; credit past
/// the cap does not count; a placement by hand past it is refused.
async fn ete_hours_are_capped_at_thirty_percent<S: services::stores::AnyStore>(store: S) {
    put_project(&store, "ETE1", "SUP1", &[WorkDay::Sat], 10, |p| p.ete = true).await;
    add_project(&store, "P1", "SUP2", &[WorkDay::Sun], 10).await;
    let crn = sentenced(&store, 1, date("2026-11-02"), None).await;
    record_needs(&store, &crn, vec![WorkDay::Sat, WorkDay::Sun], 2).await;
    let mut week = date("2026-11-23");
    let mut ete_weeks = Vec::new();
    for n in 1..=5 {
        let report = schedule_week(&services::Stores::new(store.clone()), week, week, &by(), noon(week)).await.unwrap();
        assert!(report.unplaced.is_empty(), "week {n}: {:?}", report.unplaced);
        let sunday = days(week, 6);
        let places = store.allocations(week, sunday).await.unwrap();
        ete_weeks.push(places.iter().any(|a| a.session.starts_with("ETE1")));
        if n > 1 && ete_weeks[n - 2] && ete_weeks[n - 1] {
            assert!(report.carried >= 1, "week {n}: the weekly ETE place recurs");
        }
        for a in places {
            // 09:00 to 16:00 with 150 minutes' credited travel: 570 minutes a session.
            let travel = if a.session.starts_with("ETE1") { 150 } else { 0 };
            let sheet = Timesheet {
                started: Time::constant(9, 0, 0, 0),
                finished: Time::constant(16, 0, 0, 0),
                penalty_minutes: 0,
                travel_minutes: travel,
                other_minutes: 0,
            };
            record_attendance(
                &services::Stores::new(store.clone()),
                &crn,
                &a.appointment,
                Outcome::AttendedComplied,
                Some(sheet),
                &by(),
                noon(a.on),
            )
            .await
            .unwrap();
        }
        week = days(week, 7);
    }
    // The cap is 36 hours (2,160 minutes): after three courses (1,710) a fourth (420) still
    // fits; after the fourth (2,280) there is no room, and 120 minutes do not count.
    assert_eq!(ete_weeks, vec![true, true, true, true, false]);
    let p = &services::upw::progress(&services::Stores::new(store.clone()), &crn, week, &IncentivePolicy::default())
        .await
        .unwrap()[0];
    assert_eq!((p.ete_credited_minutes, p.ete_cap_minutes, p.ete_cap_reached), (4 * 570, 2160, true));
    assert_eq!(p.credited_minutes, 5 * 420 + 2160);
    assert_eq!(p.remaining_minutes, 120 * 60 - 5 * 420 - 2160);
    let course = format!("ETE1-{}", week.checked_add(jiff::Span::new().days(5)).unwrap().strftime("%Y%m%d"));
    refused(&store, &crn, &course, "30% ETE allowance", std::slice::from_ref(&crn)).await;
}
both_engines!(ete_cap, ete_hours_are_capped_at_thirty_percent);

/// The notice says how long the journey is, by distance from the home borough.
async fn the_notice_gives_the_journey<S: services::stores::AnyStore>(store: S) {
    put_project(&store, "P1", "SUP1", &[WorkDay::Sat], 10, |p| p.borough = code("ISL")).await;
    let crn = Crn::parse("X000001").unwrap();
    let mut events = opening("Ada", "Lovelace", date("2026-11-02"), "OFF1", "TEAM1");
    if let CaseEvent::PersonRegistered { person } = &mut events[0].event {
        person.home_borough = Some(code("CMD"));
    }
    store.append(&crn, 0, &events, jiff::Timestamp::now()).await.unwrap();
    let today = date("2026-11-23");
    allocate(&services::Stores::new(store.clone()), &crn, "P1-20261128", Recurrence::Once, today, &by(), noon(today))
        .await
        .unwrap();
    let text = services::upw::placement_notice(&services::Stores::new(store.clone()), &crn, &id("UPW-P1-20261128"))
        .await
        .unwrap();
    // Camden to Islington's centre is about 4 km: 10 + 4 x 4 = 26 minutes, "about 25".
    assert!(text.contains("Journey: about 25 minutes by public transport from your home borough"), "{text}");
}
both_engines!(notice_journey, the_notice_gives_the_journey);
