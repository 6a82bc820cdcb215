//! Property: whatever the projects, people and clashes, the week built from them never puts
//! a session over capacity, never gives anyone two sessions a day, and never books anyone on
//! a day they cannot work or over another appointment.

use std::collections::{HashMap, HashSet};

use domain::example::{code, date, id};
use domain::ids::{Crn, Name, Note};
use domain::unpaid_work::{BusyPeriod, BusyReason, UnpaidWorkNeeds, WorkDay};
use jiff::civil::Time;
use proptest::prelude::*;
use upw::Gender;
use upw::people::UpwOrder;
use upw::project::{Phone, Project, ProjectDay, ProjectKind, Supervisor, sessions_for_week};

fn day(i: u8) -> WorkDay {
    WorkDay::ALL[i as usize % 7]
}

prop_compose! {
    fn arb_project(n: usize)(kind in 0..3u8, cap in 1..=10u32, days in proptest::collection::btree_set(0..7u8, 1..4), start in 8..11i8, women in any::<bool>(), borough in 0..3u8, ete in prop::bool::weighted(0.3)) -> Project {
        let kind = [ProjectKind::Group, ProjectKind::Placement, ProjectKind::Singleton][kind as usize];
        Project {
            code: code(&format!("P{n}")),
            name: Name::parse("Project").unwrap(),
            kind,
            borough: code(&format!("B{borough}")),
            meeting_point: Note::parse("Here").unwrap(),
            directions: Note::parse("There").unwrap(),
            days: days.into_iter().map(|d| ProjectDay { day: day(d), start: Time::new(start, 0, 0, 0).unwrap(), end: Time::new(start + 6, 0, 0, 0).unwrap() }).collect(),
            supervisor: code(&format!("S{n}")),
            capacity: if kind == ProjectKind::Singleton { 1 } else { cap },
            women_only: women,
            accessible: true,
            ete,
            location: None,
        }
    }
}

prop_compose! {
    fn arb_order(n: usize)(days in proptest::collection::btree_set(0..7u8, 0..7), per_week in 1..4u8, female in any::<bool>(), women_only in any::<bool>(), singleton in prop::bool::weighted(0.2), busy_day in 0..7i64, busy_hour in 6..18i8, remaining in 1..200u32, borough in 0..4u8, ete_done in 78..96u32) -> UpwOrder {
        let monday = date("2026-11-23");
        let d = monday.checked_add(jiff::Span::new().days(busy_day)).unwrap();
        UpwOrder {
            crn: Crn::parse(&format!("X{n:06}")).unwrap(),
            requirement: id("S1-UPW"),
            ordered_minutes: 300 * 60,
            credited_minutes: 300 * 60 - remaining * 60,
            // 78 to 95 hours of ETE done against a cap of 90: room for two 6-hour ETE sessions,
            // for one, or for none.
            ete_credited_minutes: ete_done * 60,
            ete_cap_minutes: 90 * 60,
            ete_booked: vec![],
            sentence_date: date("2026-06-01"),
            deadline: date("2027-06-01"),
            gender: if female { Gender::F } else { Gender::M },
            home_borough: Some(code(&format!("B{borough}"))),
            needs: UnpaidWorkNeeds {
                days: days.into_iter().map(day).collect(),
                busy: vec![BusyPeriod { from: d.at(busy_hour, 0, 0, 0), to: d.at(busy_hour + 3, 0, 0, 0), reason: BusyReason::Employment }],
                women_only: female && women_only,
                singleton,
                sessions_per_week: per_week,
            },
            appointments: vec![],
        }
    }
}

fn arb_week() -> impl Strategy<Value = (Vec<Project>, Vec<UpwOrder>)> {
    (1..8usize, 1..40usize).prop_flat_map(|(np, no)| {
        let projects: Vec<_> = (0..np).map(arb_project).collect();
        let orders: Vec<_> = (0..no).map(arb_order).collect();
        (projects, orders)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn no_schedule_overbooks_or_double_books((projects, orders) in arb_week()) {
        let monday = date("2026-11-23");
        let supervisors: Vec<Supervisor> = projects.iter().map(|p| Supervisor {
            code: p.supervisor.clone(),
            name: Name::parse("Sup").unwrap(),
            phone: Phone::parse("07700 900000").unwrap(),
            days: WorkDay::ALL.to_vec(),
        }).collect();
        let week = sessions_for_week(&projects, &supervisors, &[], monday);
        let instance = upw::week::build_instance(monday, &projects, &week.sessions, &orders, &HashSet::new(), vec![]).unwrap();
        let solution = upw::solve(&instance);
        check(&week.sessions, &orders, &solution)?;
        // Re-running with the schedule as previous keeps all of it and the optimum.
        let again = upw::week::solve_keeping(&instance.with_previous(solution.assignments.clone()));
        prop_assert_eq!(again.assignments.iter().collect::<HashSet<_>>(), solution.assignments.iter().collect::<HashSet<_>>());
        prop_assert!((again.objective - solution.objective).abs() < 1e-6);
        // A previous schedule made with more room (now partly infeasible) is cut back safely.
        let roomy: Vec<_> = week.sessions.iter().cloned().map(|mut s| { s.capacity += 2; s }).collect();
        let before = upw::solve(&upw::week::build_instance(monday, &projects, &roomy, &orders, &HashSet::new(), vec![]).unwrap());
        let kept = upw::week::solve_keeping(&instance.with_previous(before.assignments.clone()));
        check(&week.sessions, &orders, &kept)?;
        // Held to the ETE allowance, the schedule keeps every rule and gives nobody more ETE
        // than 30% of their order leaves room for.
        let limits = upw::week::ete_limits(&week.sessions, &orders, &HashSet::new());
        let within = upw::week::solve_within_ete(&instance, &limits);
        check(&week.sessions, &orders, &within)?;
        let minutes: HashMap<String, u32> = week.sessions.iter().map(|s| (s.id.clone(), s.minutes())).collect();
        let ete: HashSet<String> = week.sessions.iter().filter(|s| s.ete).map(|s| s.id.clone()).collect();
        for o in &orders {
            let given: u32 = within.assignments.iter()
                .filter(|a| a.person == upw::Id::Text(o.crn.to_string()))
                .filter_map(|a| match &a.session { upw::Id::Text(s) if ete.contains(s) => Some(minutes[s]), _ => None })
                .sum();
            prop_assert!(given <= o.ete_allowance(&HashSet::new()), "{} given {given} ETE minutes", o.crn);
        }
    }
}

fn check(
    sessions: &[upw::project::PlannedSession],
    orders: &[UpwOrder],
    solution: &upw::Solution,
) -> Result<(), TestCaseError> {
    {
        let sessions: HashMap<String, &upw::project::PlannedSession> =
            sessions.iter().map(|s| (s.id.clone(), s)).collect();
        let people: HashMap<String, &UpwOrder> = orders.iter().map(|o| (o.crn.to_string(), o)).collect();
        let mut load: HashMap<&str, u32> = HashMap::new();
        let mut days: HashSet<(String, jiff::civil::Date)> = HashSet::new();
        let mut per_person: HashMap<String, u32> = HashMap::new();
        for a in &solution.assignments {
            let (upw::Id::Text(p), upw::Id::Text(s)) = (&a.person, &a.session) else { panic!("text ids") };
            let session = sessions[s.as_str()];
            let order = people[p.as_str()];
            *load.entry(s.as_str()).or_default() += 1;
            prop_assert!(days.insert((p.clone(), session.start.date())), "{p} twice on {}", session.start.date());
            *per_person.entry(p.clone()).or_default() += 1;
            prop_assert!(order.needs.days.contains(&day(session.start.date().weekday().to_monday_zero_offset() as u8)));
            for b in &order.needs.busy {
                prop_assert!(!(session.start < b.to && b.from < session.end), "{p} booked over a busy time");
            }
            prop_assert!(!session.women_only || order.gender == Gender::F);
            prop_assert!(!order.needs.women_only || session.women_only);
            prop_assert_eq!(order.needs.singleton, session.singleton);
        }
        for (s, n) in load {
            prop_assert!(n <= sessions[s].capacity, "{s} over capacity");
        }
        for (p, n) in per_person {
            prop_assert!(n <= u32::from(people[p.as_str()].needs.sessions_per_week));
        }
    }
    Ok(())
}
