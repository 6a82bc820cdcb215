//! Unpaid work end to end over a store: scheduling weeks from the case record, re-runs that
//! keep people where they are, a supervisor's absence, the day's record, and the scenario of
//! issue 5 (a zero-hours worker with DRR reviews completes the order before the deadline).

use domain::contact::{Appointment, ContactKind, Outcome};
use domain::event::CaseEvent;
use domain::example::{code, date, id, new_event, noon, opening};
use domain::ids::{Crn, Name, Note};
use domain::person::EmploymentStatus;
use domain::practice::worklist::{WorkKind, worklist};
use domain::unpaid_work::{BusyPeriod, BusyReason, Timesheet, UnpaidWorkNeeds, WorkDay};
use jiff::civil::{Date, DateTime, Time};
use services::upw::{record_attendance, schedule_week, supervisor_absent};
use store::{CaseStore, UpwStore};
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

async fn add_project<S: UpwStore>(store: &S, code_: &str, supervisor: &str, on: &[WorkDay], capacity: u32) {
    store
        .put_supervisor(&Supervisor {
            code: code(supervisor),
            name: Name::parse("Sam Okafor").unwrap(),
            phone: Phone::parse("07700 900123").unwrap(),
            days: WorkDay::ALL.to_vec(),
        })
        .await
        .unwrap();
    store
        .put_project(&Project {
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
        })
        .await
        .unwrap();
}

/// A person sentenced on `on` to a community order with 120 hours of unpaid work.
async fn sentenced<S: CaseStore>(store: &S, n: u32, on: Date, employment: Option<EmploymentStatus>) -> Crn {
    let crn = Crn::parse(&format!("X{n:06}")).unwrap();
    let mut events = opening("Ada", "Lovelace", on, "OFF1", "TEAM1");
    if let CaseEvent::PersonRegistered { person } = &mut events[0].event {
        person.employment = employment;
        person.home_borough = Some(code("CAMDEN"));
    }
    store.append(&crn, 0, &events).await.unwrap();
    crn
}

async fn append<S: CaseStore>(store: &S, crn: &Crn, on: Date, event: CaseEvent) {
    let v = store.stream(crn).await.unwrap().len() as u64;
    store.append(crn, v, &[new_event(on, event)]).await.unwrap();
}

async fn state<S: CaseStore>(store: &S, crn: &Crn) -> domain::case::CaseState {
    domain::case::CaseState::fold(crn.clone(), &store.stream(crn).await.unwrap()).unwrap()
}

/// The scenario of issue 5: a zero-hours worker whose shifts change weekly and who has DRR
/// reviews is placed only on sessions they can attend, and works the whole order before the
/// 12-month deadline.
async fn zero_hours_worker_with_drr_reviews_completes_in_time<S: CaseStore + UpwStore>(store: S) {
    add_project(&store, "P1", "SUP1", &[WorkDay::Sat, WorkDay::Sun], 10).await;
    add_project(&store, "P2", "SUP2", &[WorkDay::Mon, WorkDay::Wed], 10).await;
    let sentenced_on = date("2026-11-20");
    let crn = sentenced(&store, 1, sentenced_on, Some(EmploymentStatus::ZeroHours)).await;
    let mut week = date("2026-11-23");
    let mut weeks = 0;
    loop {
        let s = state(&store, &crn).await;
        let p = services::upw::progress(&store, &crn, week, &IncentivePolicy::default()).await.unwrap();
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
        let report = schedule_week(&store, week, week, &by(), noon(week)).await.unwrap();
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
            record_attendance(&store, &crn, &a.id, Outcome::AttendedComplied, Some(sheet), &by(), noon(a.at.date()))
                .await
                .unwrap();
        }
        week = days(week, 7);
    }
    let p = services::upw::progress(&store, &crn, week, &IncentivePolicy::default()).await.unwrap();
    assert!(p[0].credited_minutes >= 120 * 60);
    assert!(week <= p[0].deadline, "finished {week}, deadline {}", p[0].deadline);
    assert_eq!(p[0].arranged_in_time, Some(true));
    // Done: nobody is scheduled any more.
    let report = schedule_week(&store, week, week, &by(), noon(week)).await.unwrap();
    assert_eq!(report.people, 0);
}
both_engines!(zero_hours_scenario, zero_hours_worker_with_drr_reviews_completes_in_time);

/// Re-running changes nothing; a supervisor absent on the day stands people down with full
/// credit, counts it for MI, and re-schedules them elsewhere where there is room.
async fn reruns_keep_people_and_absences_reschedule<S: CaseStore + UpwStore>(store: S) {
    add_project(&store, "P1", "SUP1", &[WorkDay::Sat], 10).await;
    add_project(&store, "P2", "SUP2", &[WorkDay::Sun], 4).await;
    let week = date("2026-11-23");
    let mut crns = Vec::new();
    for n in 1..=12 {
        crns.push(sentenced(&store, n, date("2026-11-02"), None).await);
    }
    let first = schedule_week(&store, week, week, &by(), noon(week)).await.unwrap();
    assert_eq!((first.people, first.placements), (12, 14));
    assert_eq!(store.session("P1-20261128").await.unwrap().unwrap().booked, 10);
    assert_eq!(store.session("P2-20261129").await.unwrap().unwrap().booked, 4);
    let again = schedule_week(&store, week, week, &by(), noon(week)).await.unwrap();
    assert_eq!((again.kept, again.booked, again.moved_off), (14, 0, 0));
    assert!((again.objective - first.objective).abs() < 1e-9);
    // Saturday's project loses three places: only three people move off, the rest stay.
    add_project(&store, "P1", "SUP1", &[WorkDay::Sat], 7).await;
    let smaller = schedule_week(&store, week, week, &by(), noon(week)).await.unwrap();
    assert_eq!((smaller.kept, smaller.booked, smaller.moved_off), (11, 0, 3));
    assert_eq!(store.session("P1-20261128").await.unwrap().unwrap().booked, 7);

    let saturday = date("2026-11-28");
    let report = supervisor_absent(&store, &code("SUP1"), saturday, AbsenceNotice::OnTheDay, &by(), noon(saturday))
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
async fn enforceable_outcomes_feed_enforcement<S: CaseStore + UpwStore>(store: S) {
    add_project(&store, "P1", "SUP1", &[WorkDay::Sat], 10).await;
    let week = date("2026-11-23");
    let crn = sentenced(&store, 1, date("2026-11-02"), None).await;
    schedule_week(&store, week, week, &by(), noon(week)).await.unwrap();
    let appointment = id("UPW-P1-20261128");
    let saturday = date("2026-11-28");
    // The notice for the booking names the place, the time and who to call.
    let text = services::upw::placement_notice(&store, &crn, &appointment).await.unwrap();
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
    assert!(services::upw::placement_notice(&store, &crn, &id("NOPE")).await.is_err());
    // A place taken without its booking reaching the case (a run that died in between) is
    // given back and the person booked properly on the next run.
    let second = sentenced(&store, 2, date("2026-11-02"), None).await;
    let orphan = store::upw::Allocation {
        session: "P1-20261128".into(),
        crn: second.clone(),
        appointment: id("UPW-P1-20261128"),
        on: date("2026-11-28"),
    };
    store.allocate(&orphan).await.unwrap();
    schedule_week(&store, week, week, &by(), noon(week)).await.unwrap();
    assert_eq!(store.session("P1-20261128").await.unwrap().unwrap().booked, 2);
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
        &store,
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
        &store,
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

    record_attendance(&store, &crn, &appointment, Outcome::UnacceptableAbsence, None, &by(), noon(saturday))
        .await
        .unwrap();
    let s = state(&store, &crn).await;
    let items = worklist(&s, date("2026-11-30"));
    assert!(items.iter().any(|w| w.kind == WorkKind::WarningDecision), "{items:?}");
    assert_eq!(domain::unpaid_work::credited_minutes(&s, &id("S1-UPW")), 0);
}
both_engines!(enforceable_outcomes, enforceable_outcomes_feed_enforcement);
