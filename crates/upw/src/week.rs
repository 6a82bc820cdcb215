//! The week's instance from projects, sessions and orders, and what a new schedule changes
//! against the last one (docs/rules/practice.md#the-scheduling-problem; issue 5: "re-running after a
//! change moves as few people as possible").

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;
use serde::Serialize;

use domain::ids::LocalId;

use crate::model::{Assignment, Id, Instance, InstanceError, Person, Session, Travel};
use crate::people::{UpwOrder, person_for_week};
use crate::project::{PlannedSession, Project};
use crate::solve::{Solution, eligible_given_travel, profit, solve};
use crate::travel::{Journey, journey};

/// Builds the week's instance. `scheduled` are the appointment ids of the scheduler's own
/// bookings this week (not clashes); `previous` the current allocations (person = CRN,
/// session = session id), which the solver keeps where it can.
///
/// Travel: each person is offered the projects within the longest journey
/// (`policy::TRAVEL.max_minutes`) from their home borough, costed by distance
/// (`travel::journey`). An education, training and employment (ETE) project is offered only
/// while the person's ETE allowance covers its longest session this week (docs/rules/practice.md#unpaid-work: "Up to
/// 30% of hours").
pub fn build_instance(
    monday: Date,
    projects: &[Project],
    sessions: &[PlannedSession],
    orders: &[UpwOrder],
    scheduled: &HashSet<LocalId>,
    previous: Vec<Assignment>,
) -> Result<Instance, InstanceError> {
    // The projects with sessions this week, with the longest ETE session of each.
    let mut with_sessions: Vec<(&Project, u32)> = Vec::new();
    for p in projects {
        let mut mine = sessions.iter().filter(|s| s.project == p.code).peekable();
        if mine.peek().is_some() {
            let longest_ete = mine.filter(|s| s.ete).map(PlannedSession::minutes).max().unwrap_or(0);
            with_sessions.push((p, longest_ete));
        }
    }
    // One order per person: a second concurrent UPW requirement is worked after the first.
    let mut seen = HashSet::new();
    let orders: Vec<&UpwOrder> = orders.iter().filter(|o| seen.insert(o.crn.clone())).collect();
    let people = orders.iter().map(|o| person_for_week(o, monday, scheduled)).collect();
    // Journeys depend only on the home borough: work them out once per borough.
    let mut journeys: HashMap<Option<&domain::ids::Code>, Vec<Journey>> = HashMap::new();
    let mut travel = Vec::new();
    for o in &orders {
        let home = o.home_borough.as_ref();
        let js = journeys.entry(home).or_insert_with(|| with_sessions.iter().map(|(p, _)| journey(home, p)).collect());
        let ete_allowance = o.ete_allowance(scheduled);
        for (&(project, longest_ete), j) in with_sessions.iter().zip(js.iter()) {
            if !j.offered() || (project.ete && ete_allowance < longest_ete) {
                continue;
            }
            travel.push(Travel {
                person: Id::Text(o.crn.to_string()),
                project: Id::Text(project.code.to_string()),
                cost: j.cost,
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

/// What each person may still be given on education, training and employment sessions this
/// week (minutes), and the length of each ETE session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EteLimits {
    pub allowance: HashMap<Id, u32>,
    pub sessions: HashMap<Id, u32>,
}

pub fn ete_limits(sessions: &[PlannedSession], orders: &[UpwOrder], scheduled: &HashSet<LocalId>) -> EteLimits {
    EteLimits {
        allowance: orders.iter().map(|o| (Id::Text(o.crn.to_string()), o.ete_allowance(scheduled))).collect(),
        sessions: sessions.iter().filter(|s| s.ete).map(|s| (Id::Text(s.id.clone()), s.minutes())).collect(),
    }
}

/// `solve_keeping`, then held to each person's ETE allowance for the week. The instance offers
/// an ETE project only when the allowance covers one of its sessions, but the solver may give
/// someone two ETE sessions that together go over. Then the later ETE sessions beyond the
/// allowance are closed to that person (as a busy time) and the week solved again keeping
/// everything else, until nobody is over: at most once per ETE session. (Someone left with
/// no place by this is reported as having every session clash.)
pub fn solve_within_ete(instance: &Instance, limits: &EteLimits) -> Solution {
    let mut current = instance.clone();
    loop {
        let solution = solve_keeping(&current);
        let over = over_ete(&current, &solution, limits);
        if over.is_empty() {
            return solution;
        }
        let sessions: HashMap<&Id, &Session> = current.sessions().iter().map(|s| (&s.id, s)).collect();
        let people = current
            .people()
            .iter()
            .map(|p| {
                let mut p = p.clone();
                for a in over.iter().filter(|a| a.person == p.id) {
                    let s = sessions[&a.session];
                    p.busy.push((s.start, s.end));
                }
                p
            })
            .collect();
        let keep = solution.assignments.iter().filter(|a| !over.contains(a)).cloned().collect();
        current = Instance::new(current.week(), people, current.sessions().to_vec(), current.travel().to_vec(), keep)
            .expect("the same instance with more busy times is valid");
    }
}

/// The assignments that take a person past their ETE allowance, in session order.
fn over_ete(instance: &Instance, solution: &Solution, limits: &EteLimits) -> Vec<Assignment> {
    let start: HashMap<&Id, jiff::civil::DateTime> = instance.sessions().iter().map(|s| (&s.id, s.start)).collect();
    let mut ete: Vec<&Assignment> =
        solution.assignments.iter().filter(|a| limits.sessions.contains_key(&a.session)).collect();
    ete.sort_by_key(|a| (&a.person, start[&a.session]));
    let mut used: HashMap<&Id, u32> = HashMap::new();
    let mut over = Vec::new();
    for a in ete {
        let minutes = limits.sessions[&a.session];
        let allowance = limits.allowance.get(&a.person).copied().unwrap_or(0);
        let u = used.entry(&a.person).or_default();
        if *u + minutes > allowance {
            over.push(a.clone());
        } else {
            *u += minutes;
        }
    }
    over
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
    // Summed in the order `solve` sums, so the same schedule has the same objective to the
    // last bit however it was reached.
    let objective = assignments
        .iter()
        .map(|a| {
            let (p, s) = (&people[person_index[&a.person]], &sessions[session_index[&a.session]]);
            profit(p, s, cost[&(&p.id, &s.project)])
        })
        .fold(0.0, |sum, x| sum + x);
    Solution {
        objective,
        assignments,
        unplaced: more.unplaced.into_iter().filter(|u| !placed.contains(&u.person)).collect(),
    }
}
