//! Projects and sessions, the day's record and credit, stand-downs, progress and the notice:
//! the pure UPW rules around the solver (docs/rules/practice.md#unpaid-work; issue 5).

use domain::case::CaseState;
use domain::contact::{AbsenceReason, Appointment, ContactKind, Outcome, RescheduledBy, SentHomeReason};
use domain::event::CaseEvent;
use domain::example::{self, code, date, id};
use domain::ids::{Crn, Name, Note};
use domain::unpaid_work::{Timesheet, UnpaidWorkNeeds, WorkDay};
use jiff::civil::{Date, DateTime, Time};
use upw::policy::{AbsenceNotice, IncentivePolicy, Notify};
use upw::progress::incentive_reduction;
use upw::project::{Phone, Project, ProjectDay, ProjectKind, Supervisor, parse_iso_week, sessions_for_week};

fn t(h: i8, m: i8) -> Time {
    Time::new(h, m, 0, 0).unwrap()
}

fn dt(s: &str) -> DateTime {
    s.parse().unwrap()
}

fn project(code_: &str, kind: ProjectKind, capacity: u32, days: &[WorkDay]) -> Project {
    Project {
        code: code(code_),
        name: Name::parse("Park clearance").unwrap(),
        kind,
        borough: code("CAMDEN"),
        meeting_point: Note::parse("Gate 2, Regent's Park, Outer Circle, NW1 4NR").unwrap(),
        directions: Note::parse("Great Portland Street station, then 5 minutes north").unwrap(),
        days: days.iter().map(|&day| ProjectDay { day, start: t(9, 0), end: t(16, 0) }).collect(),
        supervisor: code("SUP1"),
        capacity,
        women_only: false,
        accessible: true,
        ete: false,
        location: None,
    }
}

fn supervisor(days: &[WorkDay]) -> Supervisor {
    Supervisor {
        code: code("SUP1"),
        name: Name::parse("Sam Okafor").unwrap(),
        phone: Phone::parse("07700 900123").unwrap(),
        days: days.to_vec(),
    }
}

#[test]
fn project_capacity_follows_the_ten_per_supervisor_rule() {
    // docs/rules/practice.md#unpaid-work: at most 10 people per supervisor in a group; a singleton is one.
    let check = |kind, capacity, ok: bool| {
        let r = project("P1", kind, capacity, &[WorkDay::Sat]).validate();
        assert_eq!(r.is_ok(), ok, "{kind:?} {capacity}: {r:?}");
        if let Err(e) = r {
            assert_eq!(e.field, "capacity");
        }
    };
    check(ProjectKind::Group, 10, true);
    check(ProjectKind::Group, 11, false);
    check(ProjectKind::Group, 0, false);
    check(ProjectKind::Placement, 2, true);
    check(ProjectKind::Singleton, 1, true);
    check(ProjectKind::Singleton, 2, false);
}

#[test]
fn project_times_and_days_are_checked() {
    let mut p = project("P1", ProjectKind::Group, 10, &[WorkDay::Sat]);
    p.days[0].end = t(8, 0);
    assert_eq!(p.validate().unwrap_err().field, "days");
    let p = project("P1", ProjectKind::Group, 10, &[WorkDay::Sat, WorkDay::Sat]);
    assert_eq!(p.validate().unwrap_err().field, "days");
    let p = project("P1", ProjectKind::Group, 10, &[]);
    assert_eq!(p.validate().unwrap_err().field, "days");
}

#[test]
fn phone_numbers_are_validated() {
    for (raw, ok) in
        [("07700 900123", true), ("+44 7700 900123", true), ("020 7946 0000", true), ("999", false), ("call me", false)]
    {
        assert_eq!(Phone::parse(raw).is_ok(), ok, "{raw}");
    }
}

#[test]
fn iso_weeks_parse_to_their_monday() {
    assert_eq!(parse_iso_week("2026-W48").unwrap(), date("2026-11-23"));
    assert_eq!(parse_iso_week("2026-W01").unwrap(), date("2025-12-29"));
    for bad in ["2026-48", "2026-W54", "26-W01", "2026-W1"] {
        assert_eq!(parse_iso_week(bad).unwrap_err().field, "week", "{bad}");
    }
}

#[test]
fn sessions_run_only_when_the_supervisor_works_and_is_not_absent() {
    let monday = date("2026-11-23");
    let p = project("P1", ProjectKind::Group, 10, &[WorkDay::Tue, WorkDay::Sat, WorkDay::Sun]);
    // The supervisor does not work Sundays and is absent on Tuesday.
    let s = supervisor(&[WorkDay::Tue, WorkDay::Sat]);
    let week = sessions_for_week(&[p], &[s], &[(code("SUP1"), date("2026-11-24"))], monday);
    let ids: Vec<&str> = week.sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["P1-20261128"]);
    let off: Vec<&str> = week.without_supervisor.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(off, ["P1-20261124", "P1-20261129"]);
    let sat = &week.sessions[0];
    assert_eq!(
        (sat.start, sat.end, sat.capacity, sat.minutes()),
        (dt("2026-11-28T09:00"), dt("2026-11-28T16:00"), 10, 420)
    );
    assert!(!sat.singleton);
}

#[test]
fn credited_minutes_follow_the_rule() {
    // docs/rules/practice.md#unpaid-work: (end - start) - penalty, attended outcomes only; travel and
    // other adjustments capped at 180 minutes each.
    let sheet = |start, end, penalty, travel, other| Timesheet {
        started: start,
        finished: end,
        penalty_minutes: penalty,
        travel_minutes: travel,
        other_minutes: other,
    };
    let attended = Outcome::AttendedComplied;
    let cases: [(Timesheet, Outcome, u32); 7] = [
        (sheet(t(9, 0), t(16, 0), 0, 0, 0), attended, 420),
        (sheet(t(9, 0), t(16, 0), 60, 0, 0), attended, 360),
        (sheet(t(9, 0), t(16, 0), 30, 90, 15), attended, 495),
        (sheet(t(9, 0), t(16, 0), 0, 0, 0), Outcome::AttendedFailedToComply, 420),
        (sheet(t(9, 0), t(16, 0), 0, 0, 0), Outcome::AttendedSentHome { reason: SentHomeReason::ServiceIssue }, 420),
        (sheet(t(9, 0), t(16, 0), 0, 0, 0), Outcome::UnacceptableAbsence, 0),
        (sheet(t(9, 0), t(16, 0), 0, 0, 0), Outcome::AcceptableAbsence { reason: AbsenceReason::Medical }, 0),
    ];
    for (s, outcome, expect) in cases {
        assert!(s.validate().is_ok());
        assert_eq!(s.credited_minutes(outcome), expect, "{s:?} {outcome:?}");
    }
}

#[test]
fn bad_timesheets_are_refused_naming_the_field() {
    // Issue 5, Bad input: an end before the start, a penalty longer than the session,
    // adjustments above the cap.
    let base =
        Timesheet { started: t(9, 0), finished: t(16, 0), penalty_minutes: 0, travel_minutes: 0, other_minutes: 0 };
    let cases = [
        (Timesheet { finished: t(8, 0), ..base }, "timesheet.finished"),
        (Timesheet { finished: t(9, 0), ..base }, "timesheet.finished"),
        (Timesheet { penalty_minutes: 421, ..base }, "timesheet.penalty_minutes"),
        (Timesheet { travel_minutes: 181, ..base }, "timesheet.travel_minutes"),
        (Timesheet { other_minutes: 181, ..base }, "timesheet.other_minutes"),
    ];
    for (s, field) in cases {
        assert_eq!(s.validate().unwrap_err().field, field, "{s:?}");
    }
    assert!(Timesheet { penalty_minutes: 420, travel_minutes: 180, other_minutes: 180, ..base }.validate().is_ok());
}

#[test]
fn a_stand_down_follows_the_policy_table() {
    let monday = date("2026-11-23");
    let week = sessions_for_week(
        &[project("P1", ProjectKind::Group, 10, &[WorkDay::Sat])],
        &[supervisor(&[WorkDay::Sat])],
        &[],
        monday,
    );
    let session = &week.sessions[0];
    let booked = vec![(Crn::parse("X000001").unwrap(), id("UPW-P1-20261128"))];
    let advance = upw::attendance::stand_down(session, &booked, AbsenceNotice::Advance);
    assert_eq!(advance[0].outcome, Outcome::Rescheduled { by: RescheduledBy::Service });
    assert_eq!(
        (advance[0].credited_minutes, advance[0].notify, advance[0].reschedule),
        (0, Notify::PhoneAndText, true)
    );
    assert!(advance[0].timesheet.is_none());
    let on_the_day = upw::attendance::stand_down(session, &booked, AbsenceNotice::OnTheDay);
    let s = &on_the_day[0];
    // They came: the whole session is credited, and it is not enforceable.
    assert_eq!(s.outcome, Outcome::AttendedSentHome { reason: SentHomeReason::ServiceIssue });
    assert!(!s.outcome.is_enforceable());
    assert_eq!((s.credited_minutes, s.notify), (420, Notify::InPersonAndText));
}

#[test]
fn the_incentive_is_off_by_default_and_capped_when_on() {
    // Issue 5, Progress: after 25% worked without an enforceable failure, 30 minutes off
    // per hour worked, at most 25% of the order; off by default.
    let on = IncentivePolicy { enabled: true, ..IncentivePolicy::default() };
    let ordered = 100 * 60;
    let cases = [
        (IncentivePolicy::default(), 50 * 60, 0, 0),
        (on, 24 * 60, 0, 0),
        (on, 25 * 60, 0, 25 * 30),
        (on, 40 * 60, 0, 20 * 60),
        (on, 40 * 60, 1, 0),
        (on, 80 * 60, 0, 25 * 60),
    ];
    for (policy, credited, failures, expect) in cases {
        assert_eq!(
            incentive_reduction(&policy, ordered, credited, failures),
            expect,
            "{policy:?} {credited} {failures}"
        );
    }
}

fn upw_case(on: Date) -> CaseState {
    let crn = Crn::parse("X000001").unwrap();
    let mut state = CaseState::new(crn);
    for e in example::opening("Ada", "Lovelace", on, "OFF1", "TEAM1") {
        state.apply(&e.event, on).unwrap();
    }
    state
}

fn book(state: &mut CaseState, appointment: &str, at: &str, on: Date) {
    let a = Appointment {
        id: id(appointment),
        at: dt(at),
        minutes: 420,
        kind: ContactKind::UnpaidWork,
        requirement: Some(id("S1-UPW")),
    };
    state.apply(&CaseEvent::AppointmentBooked { appointment: a }, on).unwrap();
}

#[test]
fn progress_counts_credit_and_warns_when_the_hours_cannot_fit() {
    // Sentenced 2026-01-05 to 120 hours: deadline 12 months on.
    let on = date("2026-01-05");
    let mut state = upw_case(on);
    book(&mut state, "U1", "2026-01-10T09:00", on);
    state
        .apply(
            &CaseEvent::OutcomeRecorded {
                appointment: id("U1"),
                outcome: Outcome::AttendedComplied,
                note: None,
                sensitive: false,
            },
            on,
        )
        .unwrap();
    let p = upw::progress::progress(&state, &id("S1-UPW"), 2, date("2026-01-12"), &IncentivePolicy::default()).unwrap();
    assert_eq!((p.ordered_minutes, p.credited_minutes, p.remaining_minutes), (7200, 420, 6780));
    assert_eq!(p.deadline, date("2027-01-05"));
    // 6780 minutes at two 7-hour sessions a week: 9 weeks.
    assert_eq!(p.projected_completion, Some(date("2026-03-16")));
    assert!(!p.at_risk);
    // First session on Saturday 10 January: within 7 business days of allocation on 5 January.
    assert_eq!(p.arranged_in_time, Some(true));
    // In December, with 113 hours left at one session a week, it cannot fit.
    let late =
        upw::progress::progress(&state, &id("S1-UPW"), 1, date("2026-12-01"), &IncentivePolicy::default()).unwrap();
    assert!(late.at_risk);
}

#[test]
fn upw_not_arranged_within_seven_business_days_is_shown() {
    let on = date("2026-01-05");
    let mut state = upw_case(on);
    let p = upw::progress::progress(&state, &id("S1-UPW"), 2, date("2026-01-09"), &IncentivePolicy::default()).unwrap();
    assert_eq!(p.arranged_in_time, None, "not yet due");
    book(&mut state, "U1", "2026-01-20T09:00", on);
    let p = upw::progress::progress(&state, &id("S1-UPW"), 2, date("2026-01-21"), &IncentivePolicy::default()).unwrap();
    assert_eq!(p.arranged_in_time, Some(false), "due 14 January");
}

#[test]
fn a_timesheet_needs_an_attended_unpaid_work_session() {
    let on = date("2026-01-05");
    let mut state = upw_case(on);
    book(&mut state, "U1", "2026-01-10T09:00", on);
    let sheet =
        Timesheet { started: t(9, 0), finished: t(16, 0), penalty_minutes: 30, travel_minutes: 0, other_minutes: 0 };
    let time = CaseEvent::UnpaidWorkTimeRecorded { appointment: id("U1"), timesheet: sheet };
    assert_eq!(state.apply(&time, on).unwrap_err().field, "appointment", "no outcome yet");
    state
        .apply(
            &CaseEvent::OutcomeRecorded {
                appointment: id("U1"),
                outcome: Outcome::AttendedComplied,
                note: None,
                sensitive: false,
            },
            on,
        )
        .unwrap();
    let version = state.version;
    let bad = CaseEvent::UnpaidWorkTimeRecorded {
        appointment: id("U1"),
        timesheet: Timesheet { travel_minutes: 200, ..sheet },
    };
    assert_eq!(state.apply(&bad, on).unwrap_err().field, "timesheet.travel_minutes");
    assert_eq!(state.version, version, "a refused event changes nothing");
    state.apply(&time, on).unwrap();
    assert_eq!(domain::unpaid_work::credited_minutes(&state, &id("S1-UPW")), 390);
    // Needs for a requirement that is not unpaid work are refused.
    let needs = UnpaidWorkNeeds {
        days: vec![WorkDay::Sat],
        busy: vec![],
        women_only: false,
        singleton: false,
        sessions_per_week: 1,
    };
    let wrong = CaseEvent::UnpaidWorkNeedsRecorded { requirement: id("S1-RAR"), needs: needs.clone() };
    assert_eq!(state.apply(&wrong, on).unwrap_err().field, "requirement");
    let zero = CaseEvent::UnpaidWorkNeedsRecorded {
        requirement: id("S1-UPW"),
        needs: UnpaidWorkNeeds { sessions_per_week: 0, ..needs },
    };
    assert_eq!(state.apply(&zero, on).unwrap_err().field, "needs.sessions_per_week");
}

#[test]
fn the_notice_says_where_when_what_to_bring_and_who_to_call() {
    let p = project("P1", ProjectKind::Group, 10, &[WorkDay::Sat]);
    let s = supervisor(&[WorkDay::Sat]);
    let text = upw::notice::placement_notice(&upw::notice::NoticeFor {
        name: "Ada Lovelace",
        crn: "X000001",
        project: &p,
        supervisor: &s,
        start: dt("2026-11-28T09:00"),
        end: dt("2026-11-28T16:00"),
        induction: true,
        journey: Some(upw::travel::journey_for_km(5.0, true)),
    });
    for needle in [
        "Ada Lovelace",
        "Saturday 28 November 2026",
        "arrive by 09:00",
        "ends at 16:00",
        "Gate 2, Regent's Park, Outer Circle, NW1 4NR",
        "Great Portland Street",
        "sturdy shoes",
        "Sam Okafor on 07700 900123",
        "induction",
        // 10 + 5 km x 4 = 30 minutes (policy::TRAVEL).
        "Journey: about 30 minutes by public transport from your home borough",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    assert!(text.is_ascii(), "printable plain text");
}

#[test]
fn people_are_read_from_the_case_record() {
    let on = date("2026-01-05");
    let mut state = upw_case(on);
    // A zero-hours worker: any day, with this week's shift as a busy time.
    let needs = UnpaidWorkNeeds {
        days: vec![WorkDay::Mon, WorkDay::Sat],
        busy: vec![domain::unpaid_work::BusyPeriod {
            from: dt("2026-01-12T08:00"),
            to: dt("2026-01-12T14:00"),
            reason: domain::unpaid_work::BusyReason::Employment,
        }],
        women_only: false,
        singleton: true,
        sessions_per_week: 2,
    };
    state.apply(&CaseEvent::UnpaidWorkNeedsRecorded { requirement: id("S1-UPW"), needs }, on).unwrap();
    let review = Appointment {
        id: id("DRR1"),
        at: dt("2026-01-17T10:00"),
        minutes: 60,
        kind: ContactKind::OfficeVisit,
        requirement: None,
    };
    state.apply(&CaseEvent::AppointmentBooked { appointment: review }, on).unwrap();
    let orders = upw::people::upw_orders(&state);
    assert_eq!(orders.len(), 1);
    let person = upw::people::person_for_week(&orders[0], date("2026-01-12"), &Default::default());
    assert_eq!(person.available_days, upw::Day::mask([upw::Day(0), upw::Day(5)]));
    assert!(person.singleton && !person.women_only);
    assert_eq!(person.max_sessions, 2);
    assert_eq!(
        person.busy,
        vec![(dt("2026-01-12T08:00"), dt("2026-01-12T14:00")), (dt("2026-01-17T10:00"), dt("2026-01-17T11:00"))]
    );
    assert!(person.weight > 0.0);
}
