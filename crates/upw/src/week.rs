//! The week's instance from projects, sessions and orders, and what a new schedule changes
//! against the last one (RULES.md, "The scheduling problem"; issue 5: "re-running after a
//! change moves as few people as possible").

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;
use serde::Serialize;

use domain::ids::LocalId;

use crate::model::{Assignment, Id, Instance, InstanceError, Person, Session, Travel};
use crate::people::{UpwOrder, person_for_week};
use crate::policy::{TRAVEL_COST_HOME_BOROUGH, TRAVEL_COST_OTHER_BOROUGH};
use crate::project::{PlannedSession, Project};
use crate::solve::{Solution, eligible_given_travel, profit, solve};

/// Builds the week's instance. `scheduled` are the appointment ids of the scheduler's own
/// bookings this week (not clashes); `previous` the current allocations (person = CRN,
/// session = session id), which the solver keeps where it can.
pub fn build_instance(
    monday: Date,
    projects: &[Project],
    sessions: &[PlannedSession],
    orders: &[UpwOrder],
    scheduled: &HashSet<LocalId>,
    previous: Vec<Assignment>,
) -> Result<Instance, InstanceError> {
    let borough: HashMap<String, &domain::ids::Code> =
        projects.iter().map(|p| (p.code.to_string(), &p.borough)).collect();
    let mut with_sessions: Vec<&str> = sessions.iter().map(|s| s.project.as_str()).collect();
    with_sessions.sort_unstable();
    with_sessions.dedup();
    // One order per person: a second concurrent UPW requirement is worked after the first.
    let mut seen = HashSet::new();
    let orders: Vec<&UpwOrder> = orders.iter().filter(|o| seen.insert(o.crn.clone())).collect();
    let people = orders.iter().map(|o| person_for_week(o, monday, scheduled)).collect();
    let mut travel = Vec::new();
    for o in &orders {
        for &project in &with_sessions {
            let home = o.home_borough.as_ref().is_some_and(|b| borough.get(project) == Some(&b));
            travel.push(Travel {
                person: Id::Text(o.crn.to_string()),
                project: Id::Text(project.to_string()),
                cost: if home { TRAVEL_COST_HOME_BOROUGH } else { TRAVEL_COST_OTHER_BOROUGH },
            });
        }
    }
    Instance::new(
        monday.to_string(),
        people,
        sessions.iter().map(PlannedSession::to_session).collect(),
        travel,
        previous,
    )
}

/// What a new schedule changes against the previous one.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Changes {
    pub kept: Vec<Assignment>,
    pub added: Vec<Assignment>,
    pub removed: Vec<Assignment>,
}

pub fn changes(previous: &[Assignment], solution: &Solution) -> Changes {
    let new: HashSet<&Assignment> = solution.assignments.iter().collect();
    let old: HashSet<&Assignment> = previous.iter().collect();
    Changes {
        kept: solution.assignments.iter().filter(|a| old.contains(a)).cloned().collect(),
        added: solution.assignments.iter().filter(|a| !old.contains(a)).cloned().collect(),
        removed: previous.iter().filter(|a| !new.contains(a)).cloned().collect(),
    }
}

/// Solves the week keeping every previous allocation that is still feasible (the session
/// still runs with room, the person still suits it, can come that day, has no clash, has
/// sessions left this week, and it is still worth the journey), then fills the places left
/// optimally. Only allocations a change made infeasible move: people keep the placements
/// they were told about (issue 5: "re-running after a change moves as few people as
/// possible"). With no previous schedule this is exactly `solve`.
pub fn solve_keeping(instance: &Instance) -> Solution {
    let people = instance.people();
    let sessions = instance.sessions();
    let person_index: HashMap<&Id, usize> = people.iter().enumerate().map(|(i, p)| (&p.id, i)).collect();
    let session_index: HashMap<&Id, usize> = sessions.iter().enumerate().map(|(j, s)| (&s.id, j)).collect();
    let cost: HashMap<(&Id, &Id), f64> = instance.travel().iter().map(|t| ((&t.person, &t.project), t.cost)).collect();
    let mut load = vec![0u32; sessions.len()];
    let mut taken = vec![0u32; people.len()];
    let mut days: HashSet<(usize, u8)> = HashSet::new();
    let mut kept = Vec::new();
    let mut objective = 0.0;
    for a in instance.previous() {
        let (i, j) = (person_index[&a.person], session_index[&a.session]);
        let (p, s) = (&people[i], &sessions[j]);
        let Some(&c) = cost.get(&(&p.id, &s.project)) else { continue };
        let feasible = eligible_given_travel(p, s)
            && taken[i] < p.max_sessions
            && load[j] < s.capacity
            && !days.contains(&(i, s.day().0))
            && profit(p, s, c) > 0.0;
        if feasible {
            load[j] += 1;
            taken[i] += 1;
            days.insert((i, s.day().0));
            objective += profit(p, s, c);
            kept.push(a.clone());
        }
    }
    if kept.is_empty() {
        return solve(instance);
    }
    // The rest of the week: places left, sessions left per person, kept days blocked.
    let rest_people: Vec<Person> = people
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut p = p.clone();
            p.max_sessions -= taken[i];
            for s in sessions.iter().filter(|s| days.contains(&(i, s.day().0))) {
                let midnight = s.start.date().to_datetime(jiff::civil::Time::midnight());
                p.busy.push((midnight, midnight + jiff::Span::new().days(1)));
            }
            p
        })
        .collect();
    let rest_sessions: Vec<Session> =
        sessions.iter().enumerate().map(|(j, s)| Session { capacity: s.capacity - load[j], ..s.clone() }).collect();
    let rest = Instance::new(instance.week(), rest_people, rest_sessions, instance.travel().to_vec(), vec![])
        .expect("the same instance with less room is valid");
    let more = solve(&rest);
    let placed: HashSet<&Id> = kept.iter().map(|a| &a.person).collect();
    let mut assignments = kept.clone();
    assignments.extend(more.assignments);
    assignments.sort_by_key(|a| (person_index[&a.person], session_index[&a.session]));
    Solution {
        objective: objective + more.objective,
        assignments,
        unplaced: more.unplaced.into_iter().filter(|u| !placed.contains(&u.person)).collect(),
    }
}
