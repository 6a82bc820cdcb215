//! Placing by hand, recurrence, the 30% ETE share and journeys by distance: the pure rules
//! (docs/rules/practice.md#unpaid-work), each as a table of cases.

use std::collections::HashSet;

use domain::case::CaseState;
use domain::contact::{Appointment, ContactKind, Outcome};
use domain::event::CaseEvent;
use domain::example::{self, code, date, id};
use domain::ids::{Crn, Name, Note};
use domain::unpaid_work::{BusyPeriod, BusyReason, UnpaidWorkNeeds, WorkDay};
use jiff::civil::{DateTime, Time};
use upw::Gender;
use upw::allocate::{Holding, Placement, Recurrence, carried, check_allocation};
use upw::people::UpwOrder;
use upw::project::{PlannedSession, Project, ProjectDay, ProjectKind, sessions_for_week};
use upw::travel::{BOROUGH_CENTRES, LatLong, borough_centre, journey, journey_for_km};

fn dt(s: &str) -> DateTime {
    s.parse().unwrap()
}

/// Saturday 28 November 2026, 09:00 to 16:00, a group of 10.
fn session(id: &str) -> PlannedSession {
    PlannedSession {
        id: id.into(),
        project: code("P1"),
        supervisor: code("SUP1"),
        start: dt("2026-11-28T09:00"),
        end: dt("2026-11-28T16:00"),
        capacity: 10,
        women_only: false,
        singleton: false,
        ete: false,
    }
}

/// A man with 100 hours left of 120, who can work Saturdays and Sundays.
fn order() -> UpwOrder {
    UpwOrder {
        crn: Crn::parse("X000001").unwrap(),
        requirement: id("S1-UPW"),
        ordered_minutes: 120 * 60,
        credited_minutes: 20 * 60,
        ete_credited_minutes: 0,
        ete_cap_minutes: 36 * 60,
        ete_booked: vec![],
        sentence_date: date("2026-06-01"),
        deadline: date("2027-06-01"),
        gender: Gender::M,
        home_borough: Some(code("CMD")),
        needs: UnpaidWorkNeeds {
            days: vec![WorkDay::Sat, WorkDay::Sun],
            busy: vec![],
            women_only: false,
            singleton: false,
            sessions_per_week: 2,
        },
        appointments: vec![],
    }
}

#[test]
fn a_placement_by_hand_is_refused_when_it_breaks_a_rule() {
    let today = date("2026-11-23");
    let ok = Holding::default();
    type Case = (&'static str, UpwOrder, PlannedSession, Holding<'static>, u32, Option<&'static str>);
    let cases: Vec<Case> = vec![
        ("a good placement", order(), session("P1-20261128"), ok.clone(), 0, None),
        (
            "the session is full (docs/rules/practice.md#unpaid-work: at most 10 per supervisor)",
            order(),
            session("P1-20261128"),
            Holding { booked: 10, ..ok.clone() },
            0,
            Some("is full (10 places)"),
        ),
        (
            "already placed that day",
            order(),
            session("P1-20261128"),
            Holding { same_day: Some("P2-20261128"), ..ok.clone() },
            0,
            Some("already has session P2-20261128"),
        ),
        (
            "a day they cannot work",
            UpwOrder { needs: UnpaidWorkNeeds { days: vec![WorkDay::Sun], ..order().needs }, ..order() },
            session("P1-20261128"),
            ok.clone(),
            0,
            Some("cannot work on Saturdays"),
        ),
        (
            "a clash with a DRR review",
            UpwOrder { appointments: vec![(id("DRR-1"), dt("2026-11-28T15:00"), dt("2026-11-28T16:00"))], ..order() },
            session("P1-20261128"),
            ok.clone(),
            0,
            Some("clashes with X000001's appointment DRR-1"),
        ),
        (
            "a review ending as the session starts does not clash",
            UpwOrder { appointments: vec![(id("DRR-1"), dt("2026-11-28T08:00"), dt("2026-11-28T09:00"))], ..order() },
            session("P1-20261128"),
            ok.clone(),
            0,
            None,
        ),
        (
            "a zero-hours shift",
            UpwOrder {
                needs: UnpaidWorkNeeds {
                    busy: vec![BusyPeriod {
                        from: dt("2026-11-28T06:00"),
                        to: dt("2026-11-28T10:00"),
                        reason: BusyReason::Employment,
                    }],
                    ..order().needs
                },
                ..order()
            },
            session("P1-20261128"),
            ok.clone(),
            0,
            Some("cannot work (work,"),
        ),
        (
            "a man on a women-only session",
            order(),
            PlannedSession { women_only: true, ..session("P1-20261128") },
            ok.clone(),
            0,
            Some("is women-only"),
        ),
        (
            "a woman who needs a women-only placement on a mixed one",
            UpwOrder { gender: Gender::F, needs: UnpaidWorkNeeds { women_only: true, ..order().needs }, ..order() },
            session("P1-20261128"),
            ok.clone(),
            0,
            Some("needs a women-only placement"),
        ),
        (
            "someone who needs a singleton placement in a group",
            UpwOrder { needs: UnpaidWorkNeeds { singleton: true, ..order().needs }, ..order() },
            session("P1-20261128"),
            ok.clone(),
            0,
            Some("needs a singleton placement"),
        ),
        (
            "a singleton placement for someone who can work in a group",
            order(),
            PlannedSession { singleton: true, capacity: 1, ..session("P1-20261128") },
            ok.clone(),
            0,
            Some("is a singleton placement"),
        ),
        (
            "an ETE session beyond the allowance",
            order(),
            PlannedSession { ete: true, ..session("P1-20261128") },
            ok.clone(),
            419,
            Some("30% ETE allowance"),
        ),
        (
            "an ETE session within the allowance",
            order(),
            PlannedSession { ete: true, ..session("P1-20261128") },
            ok.clone(),
            420,
            None,
        ),
        (
            "a session in the past",
            order(),
            PlannedSession { start: dt("2026-11-21T09:00"), end: dt("2026-11-21T16:00"), ..session("P1-20261121") },
            ok.clone(),
            0,
            Some("choose a session from today on"),
        ),
        (
            "the supervisor is absent",
            order(),
            session("P1-20261128"),
            Holding { supervisor_absent: true, ..ok.clone() },
            0,
            Some("no supervisor"),
        ),
    ];
    for (what, order, session, holding, allowance, refused) in cases {
        match (check_allocation(&order, &session, &holding, allowance, today), refused) {
            (Ok(()), None) => {}
            (Err(r), Some(needle)) => {
                assert_eq!(r.field, "session", "{what}");
                assert!(r.message.contains(needle), "{what}: {needle:?} not in {}", r.message);
                assert!(r.to_string().starts_with("session: "), "{what}: names the field");
            }
            (got, want) => panic!("{what}: got {got:?}, expected refusal {want:?}"),
        }
    }
}

#[test]
fn recurrence_parses_and_names_its_interval() {
    for (text, r, weeks) in [
        ("once", Recurrence::Once, None),
        ("weekly", Recurrence::Weekly, Some(1)),
        ("fortnightly", Recurrence::Fortnightly, Some(2)),
    ] {
        assert_eq!(Recurrence::parse(text).unwrap(), r);
        assert_eq!(r.as_str(), text);
        assert_eq!(r.interval_weeks(), weeks);
    }
    let e = Recurrence::parse("monthly").unwrap_err();
    assert_eq!(e.field, "recurrence");
    assert_eq!(upw::policy::SCHEDULER_RECURRENCE, Recurrence::Weekly);
}

fn project(code_: &str, days: &[WorkDay], start: i8) -> Project {
    Project {
        code: code(code_),
        name: Name::parse("Park clearance").unwrap(),
        kind: ProjectKind::Group,
        borough: code("CMD"),
        meeting_point: Note::parse("Gate 2").unwrap(),
        directions: Note::parse("Bus 88").unwrap(),
        days: days
            .iter()
            .map(|&day| ProjectDay {
                day,
                start: Time::new(start, 0, 0, 0).unwrap(),
                end: Time::new(start + 7, 0, 0, 0).unwrap(),
            })
            .collect(),
        supervisor: code("SUP1"),
        capacity: 10,
        women_only: false,
        accessible: true,
        ete: false,
        location: None,
    }
}

fn supervisors() -> Vec<upw::project::Supervisor> {
    vec![upw::project::Supervisor {
        code: code("SUP1"),
        name: Name::parse("Sam").unwrap(),
        phone: upw::project::Phone::parse("07700 900123").unwrap(),
        days: WorkDay::ALL.to_vec(),
    }]
}

/// docs/rules/practice.md#unpaid-work: "Allocations recur once, weekly or fortnightly until the hours are done".
#[test]
fn weekly_places_recur_next_week_fortnightly_ones_the_week_after_and_once_never() {
    let p1 = project("P1", &[WorkDay::Sat], 9);
    let w46 = sessions_for_week(std::slice::from_ref(&p1), &supervisors(), &[], date("2026-11-09")).sessions;
    let w47 = sessions_for_week(std::slice::from_ref(&p1), &supervisors(), &[], date("2026-11-16")).sessions;
    let w48 = sessions_for_week(std::slice::from_ref(&p1), &supervisors(), &[], date("2026-11-23")).sessions;
    fn place<'a>(who: &str, s: &'a PlannedSession, r: Recurrence) -> Placement<'a> {
        Placement { person: upw::Id::Text(who.into()), session: s, recurrence: r }
    }
    let earlier = vec![
        place("weekly-last-week", &w47[0], Recurrence::Weekly),
        place("once-last-week", &w47[0], Recurrence::Once),
        place("fortnightly-last-week", &w47[0], Recurrence::Fortnightly),
        place("fortnightly-two-weeks-ago", &w46[0], Recurrence::Fortnightly),
        place("weekly-two-weeks-ago", &w46[0], Recurrence::Weekly),
    ];
    let got: Vec<(String, String, Recurrence)> = carried(date("2026-11-23"), &earlier, &w48)
        .into_iter()
        .map(|(a, r)| (a.person.to_string(), a.session.to_string(), r))
        .collect();
    assert_eq!(
        got,
        vec![
            ("\"fortnightly-two-weeks-ago\"".into(), "\"P1-20261128\"".into(), Recurrence::Fortnightly),
            ("\"weekly-last-week\"".into(), "\"P1-20261128\"".into(), Recurrence::Weekly),
        ]
    );
    // A project whose start time changed does not carry its people: they are placed afresh.
    let moved = project("P1", &[WorkDay::Sat], 10);
    let w48_later = sessions_for_week(&[moved], &supervisors(), &[], date("2026-11-23")).sessions;
    assert!(carried(date("2026-11-23"), &earlier, &w48_later).is_empty());
    // Nor does one that no longer runs that weekday.
    let sunday = project("P1", &[WorkDay::Sun], 9);
    let w48_sunday = sessions_for_week(&[sunday], &supervisors(), &[], date("2026-11-23")).sessions;
    assert!(carried(date("2026-11-23"), &earlier, &w48_sunday).is_empty());
}

fn case_with_upw() -> CaseState {
    let on = date("2026-01-05");
    let mut state = CaseState::new(Crn::parse("X000001").unwrap());
    for e in example::opening("Ada", "Lovelace", on, "OFF1", "TEAM1") {
        state.apply(&e.event, on).unwrap();
    }
    assert!(state.sentences[0].sentence.requirements.iter().any(|r| r.id == id("S1-UPW")));
    state
}

/// Books and attends a 7-hour session.
fn attend(state: &mut CaseState, appointment: &str, day: &str) {
    let on = date("2026-01-05");
    let a = Appointment {
        id: id(appointment),
        at: dt(&format!("{day}T09:00")),
        minutes: 420,
        kind: ContactKind::UnpaidWork,
        requirement: Some(id("S1-UPW")),
    };
    state.apply(&CaseEvent::AppointmentBooked { appointment: a }, on).unwrap();
    let outcome = CaseEvent::OutcomeRecorded {
        appointment: id(appointment),
        outcome: Outcome::AttendedComplied,
        note: None,
        sensitive: false,
    };
    state.apply(&outcome, on).unwrap();
}

/// docs/rules/practice.md#unpaid-work: "Up to 30% of hours may be spent on education, training and employment".
#[test]
fn ete_credit_counts_only_up_to_thirty_percent_of_the_hours_ordered() {
    let mut state = case_with_upw();
    let ordered = upw::people::upw_orders(&state)[0].ordered_minutes;
    assert_eq!(upw::policy::ete_cap_minutes(ordered), ordered * 30 / 100);
    let cap = upw::policy::ete_cap_minutes(ordered);
    let mut ete = HashSet::new();
    // Eight 7-hour ETE sessions (56 hours) and two ordinary ones (14 hours).
    for n in 0..10 {
        let appointment = format!("U{n}");
        attend(&mut state, &appointment, &format!("2026-02-{:02}", 2 + n));
        if n < 8 {
            ete.insert(id(&appointment));
        }
    }
    let c = upw::credit::credit(&state, &id("S1-UPW"), ordered, &ete);
    assert_eq!(c.worked_minutes, 10 * 420);
    assert_eq!(c.worked_minutes, domain::unpaid_work::credited_minutes(&state, &id("S1-UPW")));
    assert_eq!(c.ete_minutes, 8 * 420);
    assert_eq!(c.counted_minutes, 2 * 420 + cap, "ETE beyond the cap does not count");
    assert!(c.ete_cap_reached());
    assert_eq!(c.ete_over_cap(), 8 * 420 - cap);
    // The order and progress both count it so.
    let o = &upw::people::upw_orders_with_ete(&state, &ete)[0];
    assert_eq!((o.credited_minutes, o.ete_credited_minutes, o.ete_cap_minutes), (2 * 420 + cap, 8 * 420, cap));
    assert_eq!(o.ete_allowance(&HashSet::new()), 0);
    let p = upw::progress::progress_with_ete(&state, &id("S1-UPW"), 2, date("2026-03-01"), &Default::default(), &ete)
        .unwrap();
    assert_eq!((p.credited_minutes, p.ete_credited_minutes, p.ete_cap_minutes), (2 * 420 + cap, 8 * 420, cap));
    assert!(p.ete_cap_reached);
    assert_eq!(p.remaining_minutes, ordered - 2 * 420 - cap);
    // Below the cap, everything counts.
    let two: HashSet<_> = [id("U0"), id("U1")].into();
    let c = upw::credit::credit(&state, &id("S1-UPW"), ordered, &two);
    assert_eq!((c.counted_minutes, c.ete_left()), (10 * 420, cap - 840));
    assert!(!c.ete_cap_reached());
}

#[test]
fn ete_projects_are_offered_only_while_the_allowance_covers_a_session() {
    let monday = date("2026-11-23");
    let mut course = project("ETE1", &[WorkDay::Sat], 9);
    course.ete = true;
    let garden = project("P1", &[WorkDay::Sun], 9);
    let projects = vec![course, garden];
    let week = sessions_for_week(&projects, &supervisors(), &[], monday).sessions;
    assert!(week.iter().any(|s| s.ete) && week.iter().any(|s| !s.ete));
    for (ete_done, booked, offered) in [
        (0, vec![], true),
        (36 * 60 - 420, vec![], true),
        (36 * 60 - 419, vec![], false),
        // An ETE session booked in another week counts against the allowance...
        (36 * 60 - 840, vec![(id("UPW-ETE1-20261205"), 420)], true),
        (36 * 60 - 839, vec![(id("UPW-ETE1-20261205"), 420)], false),
    ] {
        let o = UpwOrder { ete_credited_minutes: ete_done, ete_booked: booked, ..order() };
        let instance = upw::week::build_instance(monday, &projects, &week, &[o], &HashSet::new(), vec![]).unwrap();
        let to_ete = instance.travel().iter().any(|t| t.project == upw::Id::Text("ETE1".into()));
        assert_eq!(to_ete, offered, "ETE done {ete_done}");
        assert!(instance.travel().iter().any(|t| t.project == upw::Id::Text("P1".into())));
    }
    // ...but not this week's own booking, which the schedule decides again.
    let o =
        UpwOrder { ete_credited_minutes: 36 * 60 - 420, ete_booked: vec![(id("UPW-ETE1-20261128"), 420)], ..order() };
    let scheduled: HashSet<_> = [id("UPW-ETE1-20261128")].into();
    let instance = upw::week::build_instance(monday, &projects, &week, &[o], &scheduled, vec![]).unwrap();
    assert!(instance.travel().iter().any(|t| t.project == upw::Id::Text("ETE1".into())));
}

#[test]
fn two_ete_sessions_beyond_the_allowance_are_cut_to_what_fits() {
    let monday = date("2026-11-23");
    let mut course = project("ETE1", &[WorkDay::Sat, WorkDay::Sun], 9);
    course.ete = true;
    let projects = vec![course];
    let week = sessions_for_week(&projects, &supervisors(), &[], monday).sessions;
    // Room for one 7-hour ETE session, two sessions a week, and only ETE sessions to take.
    let o = UpwOrder { ete_credited_minutes: 36 * 60 - 500, ..order() };
    let orders = [o];
    let instance = upw::week::build_instance(monday, &projects, &week, &orders, &HashSet::new(), vec![]).unwrap();
    assert_eq!(upw::solve(&instance).assignments.len(), 2, "unchecked, the solver gives both");
    let limits = upw::week::ete_limits(&week, &orders, &HashSet::new());
    let held = upw::week::solve_within_ete(&instance, &limits);
    assert_eq!(held.assignments.len(), 1);
    assert_eq!(held.assignments[0].session, upw::Id::Text("ETE1-20261128".into()), "the earlier one is kept");
}

/// Journeys by distance (`policy::TRAVEL`): monotone, capped, and from the borough table.
#[test]
fn travel_costs_rise_with_distance_and_far_projects_are_not_offered() {
    let mut last = journey_for_km(0.0, true);
    for tenth in 1..600 {
        let j = journey_for_km(f64::from(tenth) / 10.0, true);
        assert!(j.minutes >= last.minutes && j.cost >= last.cost, "{j:?} after {last:?}");
        last = j;
    }
    // The stated model: minutes = 10 + km x 4 (3 km at least), cost 0.05 a minute.
    assert_eq!(journey_for_km(5.0, true).minutes, 30);
    assert!((journey_for_km(5.0, true).cost - 1.5).abs() < 1e-9);
    assert_eq!(journey_for_km(0.0, true).minutes, 22);
    assert!(journey_for_km(20.0, true).offered() && !journey_for_km(20.5, true).offered());
    assert_eq!(journey_for_km(5.0, true).about(), "about 30 minutes");
    assert_eq!(journey_for_km(17.0, true).about(), "about 1 hour 20 minutes");

    let at = |borough: &str| Project { borough: code(borough), ..project("P1", &[WorkDay::Sat], 9) };
    let camden = Some(code("CMD"));
    let (near, far, farthest) = (
        journey(camden.as_ref(), &at("ISL")),
        journey(camden.as_ref(), &at("CRY")),
        journey(camden.as_ref(), &at("HAV")),
    );
    assert!(near.known && far.known);
    assert!(near.km < far.km && near.cost < far.cost, "{near:?} {far:?}");
    assert!(far.km < farthest.km && far.cost <= farthest.cost);
    assert!(!journey(Some(&code("HIL")), &at("HAV")).offered(), "Hillingdon to Havering is too far");
    // The meeting point's own coordinates win over its borough's centre.
    let mut here = at("CRY");
    here.location = Some(borough_centre(&code("ISL")).unwrap());
    assert_eq!(journey(camden.as_ref(), &here).minutes, near.minutes);
    // Unknown places: the same borough is local; otherwise a cross-London guess.
    assert_eq!(journey(Some(&code("B1")), &at("B1")).minutes, 22);
    let unknown = journey(Some(&code("B1")), &at("B2"));
    assert!(!unknown.known && unknown.minutes == 70, "{unknown:?}");
    assert!(!journey(None, &at("CMD")).known);
    // The table covers the 32 boroughs and the City, each once, all within London.
    let codes: HashSet<&str> = BOROUGH_CENTRES.iter().map(|b| b.0).collect();
    assert_eq!(codes.len(), 33);
    let charing_cross = LatLong::new(51.5080, -0.1247).unwrap();
    for (c, name, lat, long) in BOROUGH_CENTRES {
        let d = LatLong::new(lat, long).unwrap().distance_km(charing_cross);
        assert!(d < 30.0, "{c} {name} is {d} km from Charing Cross");
    }
    assert_eq!(LatLong::new(91.0, 0.0).unwrap_err().field, "latitude");
}

#[test]
fn the_instance_costs_travel_by_distance_and_keeps_the_rules_format() {
    let monday = date("2026-11-23");
    let mut near = project("NEAR", &[WorkDay::Sat], 9);
    near.borough = code("ISL");
    let mut far = project("FAR", &[WorkDay::Sat], 9);
    far.borough = code("LEW");
    let mut too_far = project("TOOFAR", &[WorkDay::Sun], 9);
    too_far.borough = code("HIL");
    too_far.location = Some(LatLong::new(51.55, -0.50).unwrap());
    let projects = vec![near, far, too_far];
    let week = sessions_for_week(&projects, &supervisors(), &[], monday).sessions;
    let instance = upw::week::build_instance(monday, &projects, &week, &[order()], &HashSet::new(), vec![]).unwrap();
    let cost = |p: &str| instance.travel().iter().find(|t| t.project == upw::Id::Text(p.into())).map(|t| t.cost);
    assert!(cost("NEAR").unwrap() < cost("FAR").unwrap());
    assert_eq!(cost("TOOFAR"), None, "beyond 90 minutes");
    // The same instance round-trips through the docs/rules/practice.md#the-scheduling-problem JSON.
    let again = upw::Instance::from_json(&instance.to_json()).unwrap();
    assert_eq!(again.travel(), instance.travel());
    let solution = upw::solve(&instance);
    assert_eq!(solution.assignments.len(), 1);
    assert_eq!(solution.assignments[0].session, upw::Id::Text("NEAR-20261128".into()), "the nearer of two");
}
