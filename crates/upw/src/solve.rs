//! Eligibility, the flow network, and the solution with reasons for the unplaced.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::flow::{Arc, CostInt, Network};
use crate::model::{Assignment, Gender, Id, Instance, Person, Session};

/// Profits are rounded to integer micro-units (1e-6 of a weight-hour) before
/// optimising, so the optimisation is exact integer arithmetic with no float drift.
/// Each assignment's profit moves by at most 0.5e-6, so the schedule found is optimal
/// for the given data to within 1e-6 per assignment; `objective` itself is summed from
/// the unrounded values.
pub const PROFIT_SCALE: f64 = 1.0e6;

/// Why a person has no session this week. Checks are applied in this order and the
/// first one that leaves the person with no candidate session is reported, so the
/// reason names the most fundamental obstacle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnplacedReason {
    /// `max_sessions` is 0: the person is not to be scheduled this week.
    ZeroMaxSessions,
    /// No `travel` pair links the person to any project with a session this week.
    NoTravelOption,
    /// Sessions are in reach but none suits the placement: women-only (a woman needing a
    /// women-only placement, or a man and only women-only sessions) or singleton (the
    /// person needs one and none is in reach, or only singleton sessions are in reach).
    PlacementSuitability,
    /// Suitable sessions are in reach but none falls on a day the person can work.
    NoAvailableDay,
    /// Every suitable session on an available day overlaps a `busy` interval.
    AllSessionsClash,
    /// Every eligible session is worth no more than its travel cost
    /// (`weight x hours - cost <= 0`); placing the person would lower the objective.
    NotWorthwhile,
    /// Worthwhile eligible sessions exist, but at the optimum they are full with people
    /// whose placements are worth more (or they have capacity 0).
    SessionsFull,
}

impl UnplacedReason {
    pub const ALL: [UnplacedReason; 7] = [
        UnplacedReason::ZeroMaxSessions,
        UnplacedReason::NoTravelOption,
        UnplacedReason::PlacementSuitability,
        UnplacedReason::NoAvailableDay,
        UnplacedReason::AllSessionsClash,
        UnplacedReason::NotWorthwhile,
        UnplacedReason::SessionsFull,
    ];

    /// The name used in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            UnplacedReason::ZeroMaxSessions => "zero_max_sessions",
            UnplacedReason::NoTravelOption => "no_travel_option",
            UnplacedReason::PlacementSuitability => "placement_suitability",
            UnplacedReason::NoAvailableDay => "no_available_day",
            UnplacedReason::AllSessionsClash => "all_sessions_clash",
            UnplacedReason::NotWorthwhile => "not_worthwhile",
            UnplacedReason::SessionsFull => "sessions_full",
        }
    }
}

/// A person with no assignment and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unplaced {
    pub person: Id,
    pub reason: UnplacedReason,
}

/// The weekly schedule, in the docs/rules/practice.md#the-scheduling-problem output format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    /// Sum over assignments of `weight x hours - cost`.
    pub objective: f64,
    /// In input order of people, then of sessions.
    pub assignments: Vec<Assignment>,
    /// Every person with no assignment, in input order.
    pub unplaced: Vec<Unplaced>,
}

impl Solution {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a solution always serialises")
    }

    /// How many of `previous` this solution keeps.
    pub fn kept(&self, previous: &[Assignment]) -> usize {
        let mine: HashSet<&Assignment> = self.assignments.iter().collect();
        previous.iter().filter(|a| mine.contains(a)).count()
    }
}

/// The suitability rules: women-only and singleton, in both directions.
pub fn suitable(person: &Person, session: &Session) -> bool {
    (!session.women_only || person.gender == Gender::F)
        && (!person.women_only || session.women_only)
        && person.singleton == session.singleton
}

/// Whether `person` may take `session` given a travel option exists: suitability,
/// available day, and no clash with a busy interval. (Travel is looked up by the caller.)
pub fn eligible_given_travel(person: &Person, session: &Session) -> bool {
    suitable(person, session)
        && person.available_on(session.day())
        && !person.busy.iter().any(|&(s, e)| session.overlaps(s, e))
}

/// The profit of one assignment, as in the objective.
pub fn profit(person: &Person, session: &Session, cost: f64) -> f64 {
    person.weight * session.hours - cost
}

/// A candidate assignment that passed every rule and is worth making.
struct Candidate {
    person: usize,
    session: usize,
    profit: i64,
    kept: bool,
}

/// Solves the weekly schedule exactly.
///
/// The problem is a max-profit flow: person (capacity `max_sessions`) -> person-day
/// (capacity 1) -> session (capacity 1, profit `weight x hours - cost`) -> sink
/// (capacity `capacity`). That network is totally unimodular, so an integral min-cost
/// flow is an optimal schedule.
///
/// Only assignments with strictly positive profit are offered: a negative one lowers
/// the objective, and a zero one (travel cost exactly equal to the value of the work)
/// changes nothing, so we do not ask someone to travel for it.
///
/// Stability: assignments in `instance.previous()` get a bonus of 1 on a cost scale
/// where one micro-unit of profit is worth `K = (most previous pairs any schedule can
/// keep) + 1`. Profits are integers on that scale, so two schedules differing in profit
/// differ by at least `K`, more than any difference in bonus: the tie-break can only
/// choose among schedules of equal (maximal) profit, never lower the objective, and among
/// those it keeps as many previous assignments as possible.
pub fn solve(instance: &Instance) -> Solution {
    let people = instance.people();
    let sessions = instance.sessions();

    let mut by_project: HashMap<&Id, Vec<usize>> = HashMap::new();
    for (j, s) in sessions.iter().enumerate() {
        by_project.entry(&s.project).or_default().push(j);
    }
    let person_index: HashMap<&Id, usize> = people.iter().enumerate().map(|(i, p)| (&p.id, i)).collect();
    // Each person's travel options: (project, cost).
    let mut travel: Vec<Vec<(&Id, f64)>> = vec![Vec::new(); people.len()];
    for t in instance.travel() {
        travel[person_index[&t.person]].push((&t.project, t.cost));
    }
    let session_index: HashMap<&Id, usize> = sessions.iter().enumerate().map(|(j, s)| (&s.id, j)).collect();
    let previous: HashSet<(usize, usize)> =
        instance.previous().iter().map(|a| (person_index[&a.person], session_index[&a.session])).collect();

    // Eligibility, with the first failing check recorded for people left with nothing.
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut reasons: Vec<Option<UnplacedReason>> = vec![None; people.len()];
    for (i, p) in people.iter().enumerate() {
        if p.max_sessions == 0 {
            reasons[i] = Some(UnplacedReason::ZeroMaxSessions);
            continue;
        }
        // Furthest check any session passes: 0 none suits, 1 suits, 2 on an available
        // day, 3 no clash, 4 worthwhile.
        let mut stage = 0;
        for &(project, cost) in &travel[i] {
            // A validated instance names only projects that have sessions.
            for &j in by_project.get(project).map(Vec::as_slice).unwrap_or_default() {
                let s = &sessions[j];
                if !suitable(p, s) {
                    continue;
                }
                stage = stage.max(1);
                if !p.available_on(s.day()) {
                    continue;
                }
                stage = stage.max(2);
                if p.busy.iter().any(|&(a, b)| s.overlaps(a, b)) {
                    continue;
                }
                stage = stage.max(3);
                let scaled = (profit(p, s, cost) * PROFIT_SCALE).round() as i64;
                if scaled <= 0 {
                    continue;
                }
                stage = 4;
                if s.capacity > 0 {
                    candidates.push(Candidate {
                        person: i,
                        session: j,
                        profit: scaled,
                        kept: previous.contains(&(i, j)),
                    });
                }
            }
        }
        reasons[i] = Some(match (travel[i].is_empty(), stage) {
            (true, _) => UnplacedReason::NoTravelOption,
            (false, 0) => UnplacedReason::PlacementSuitability,
            (false, 1) => UnplacedReason::NoAvailableDay,
            (false, 2) => UnplacedReason::AllSessionsClash,
            (false, 3) => UnplacedReason::NotWorthwhile,
            _ => UnplacedReason::SessionsFull,
        });
    }

    let chosen = optimise(people, sessions, &candidates, previous.len());

    let mut placed = vec![false; people.len()];
    let mut assignments = Vec::with_capacity(chosen.len());
    let mut objective = 0.0;
    let costs: HashMap<(usize, &Id), f64> =
        instance.travel().iter().map(|t| ((person_index[&t.person], &t.project), t.cost)).collect();
    for &k in &chosen {
        let c = &candidates[k];
        let (p, s) = (&people[c.person], &sessions[c.session]);
        placed[c.person] = true;
        objective += profit(p, s, costs[&(c.person, &s.project)]);
        assignments.push(Assignment { person: p.id.clone(), session: s.id.clone() });
    }
    let unplaced = people
        .iter()
        .enumerate()
        .filter(|&(i, _)| !placed[i])
        .map(|(i, p)| Unplaced { person: p.id.clone(), reason: reasons[i].unwrap_or(UnplacedReason::SessionsFull) })
        .collect();
    Solution { objective, assignments, unplaced }
}

/// Builds the network over the candidates and returns the chosen candidate indices,
/// sorted by person then session.
fn optimise(people: &[Person], sessions: &[Session], candidates: &[Candidate], previous: usize) -> Vec<usize> {
    if candidates.is_empty() {
        return Vec::new();
    }
    // Most previous pairs any schedule can keep; K exceeds it (see `solve`).
    let keepable = candidates.iter().filter(|c| c.kept).count().min(previous);
    let k = keepable as i128 + 1;
    let max_profit = candidates.iter().map(|c| c.profit).max().unwrap_or(0) as i128;
    let bound = (max_profit * k + 1) * 16;
    if bound < i64::MAX as i128 {
        optimise_with::<i64>(people, sessions, candidates, k)
    } else {
        optimise_with::<i128>(people, sessions, candidates, k)
    }
}

fn optimise_with<C: CostInt>(people: &[Person], sessions: &[Session], candidates: &[Candidate], k: i128) -> Vec<usize> {
    let np = people.len();
    let ns = sessions.len();
    // Nodes: people, sessions, person-days (only where needed), sink.
    let session_node = |j: usize| (np + j) as u32;
    let mut nodes = np + ns;
    let mut arcs: Vec<Arc> = Vec::with_capacity(candidates.len() * 2 + ns);
    // Input arc index of each candidate's person->session (or day->session) arc.
    let mut candidate_arc = vec![0usize; candidates.len()];
    let mut supply = vec![0u32; np];
    let mut best = vec![0i128; np];

    // Candidates come grouped by person (built person by person).
    let mut start = 0;
    while start < candidates.len() {
        let i = candidates[start].person;
        let mut end = start;
        while end < candidates.len() && candidates[end].person == i {
            end += 1;
        }
        let mut by_day: [Vec<usize>; 7] = Default::default();
        for (c, cand) in candidates.iter().enumerate().take(end).skip(start) {
            by_day[sessions[cand.session].day().0 as usize].push(c);
            best[i] = best[i].max(cand.profit as i128);
        }
        let days = by_day.iter().filter(|d| !d.is_empty()).count() as u32;
        supply[i] = people[i].max_sessions.min(days);
        for list in &by_day {
            // A day node is only needed to stop two sessions on one day, which can only
            // happen if the person may take more than one session and has two that day.
            let from = if supply[i] > 1 && list.len() > 1 {
                let d = nodes as u32;
                nodes += 1;
                arcs.push(Arc { from: i as u32, to: d, cap: 1, cost: 0 });
                d
            } else {
                i as u32
            };
            for &c in list {
                let cand = &candidates[c];
                candidate_arc[c] = arcs.len();
                arcs.push(Arc {
                    from,
                    to: session_node(cand.session),
                    cap: 1,
                    cost: -(cand.profit as i128 * k + i128::from(cand.kept)),
                });
            }
        }
        start = end;
    }
    let sink = nodes;
    nodes += 1;
    for (j, s) in sessions.iter().enumerate() {
        arcs.push(Arc { from: session_node(j), to: sink as u32, cap: s.capacity, cost: 0 });
    }

    // Initial potentials: the layered shortest distances, so every reduced cost is >= 0.
    let mut pot = vec![0i128; nodes];
    for a in &arcs {
        let v = a.to as usize;
        if v >= np && v < np + ns {
            pot[v] = pot[v].min(a.cost);
        }
    }
    let lowest = pot.iter().copied().min().unwrap_or(0).min(0);
    pot[sink] = lowest;

    let mut network = Network::<C>::new(nodes, np, sink, &arcs, pot);
    // Most valuable people first: their choices are rarely undone, so searches stay short.
    let mut order: Vec<usize> = (0..np).filter(|&i| supply[i] > 0).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(best[i]), i));
    network.run(&order, &supply);

    let mut chosen: Vec<usize> = (0..candidates.len()).filter(|&c| network.flow(candidate_arc[c]) > 0).collect();
    chosen.sort_by_key(|&c| (candidates[c].person, candidates[c].session));
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic_instance;

    /// The i128 path (chosen only for enormous weights) gives the same schedule as i64.
    #[test]
    fn wide_and_narrow_costs_agree() {
        let instance = synthetic_instance(2, 300, 30);
        let people = instance.people();
        let sessions = instance.sessions();
        let mut candidates = Vec::new();
        for (i, p) in people.iter().enumerate() {
            for t in instance.travel().iter().filter(|t| t.person == p.id) {
                for (j, s) in sessions.iter().enumerate() {
                    if s.project == t.project && eligible_given_travel(p, s) {
                        let scaled = (profit(p, s, t.cost) * PROFIT_SCALE).round() as i64;
                        if scaled > 0 {
                            candidates.push(Candidate {
                                person: i,
                                session: j,
                                profit: scaled,
                                kept: (i + j) % 5 == 0,
                            });
                        }
                    }
                }
            }
        }
        let k = candidates.len() as i128 + 1;
        let narrow = optimise_with::<i64>(people, sessions, &candidates, k);
        let wide = optimise_with::<i128>(people, sessions, &candidates, k);
        assert!(!narrow.is_empty());
        assert_eq!(narrow, wide);
    }
}
