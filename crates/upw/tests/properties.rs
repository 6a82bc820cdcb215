//! Property tests on random instances, checked against an independent model written
//! here from docs/rules/practice.md#the-scheduling-problem: eligibility recomputed in minutes, the optimum found by
//! exhaustive search (tiny instances) or by a textbook Bellman-Ford min-cost flow (medium ones).

use std::collections::{BTreeMap, HashSet};

use proptest::prelude::*;
use serde_json::{Value, json};

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Debug, Clone)]
struct P {
    female: bool,
    /// Weight in halves.
    weight2: i64,
    max: u32,
    /// Bit d: available on day d.
    days: u8,
    women_only: bool,
    singleton: bool,
    /// (day, start hour, length in hours)
    busy: Vec<(u8, u8, u8)>,
}

#[derive(Debug, Clone)]
struct S {
    project: usize,
    day: u8,
    start: u8,
    len: u8,
    /// Hours credited: `len` or one less (a lunch break).
    hours: i64,
    capacity: u32,
    women_only: bool,
    singleton: bool,
}

#[derive(Debug, Clone)]
struct Tiny {
    people: Vec<P>,
    sessions: Vec<S>,
    /// Travel cost in halves, per (person, project); None = not listed.
    travel: Vec<Vec<Option<i64>>>,
    previous: Vec<(usize, usize)>,
}

fn person(days: u8) -> impl Strategy<Value = P> {
    (
        any::<bool>(),
        0i64..=6,
        prop_oneof![1 => Just(0u32), 4 => 1u32..=3],
        0u8..(1 << days),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.15),
        prop::collection::vec((0..days, 8u8..17, 1u8..=3), 0..=2),
    )
        .prop_map(|(female, weight2, max, days, wo, single, busy)| P {
            female,
            weight2,
            max,
            days,
            women_only: wo,
            singleton: single,
            busy,
        })
}

fn session(days: u8, projects: usize, max_cap: u32) -> impl Strategy<Value = S> {
    (
        0..projects,
        0..days,
        prop::sample::select(vec![9u8, 12, 13]),
        3u8..=4,
        any::<bool>(),
        0..=max_cap,
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(project, day, start, len, lunch, capacity, wo, single)| S {
            project,
            day,
            start,
            len,
            hours: i64::from(len) - i64::from(lunch),
            capacity,
            women_only: wo,
            singleton: single,
        })
}

fn instance(
    people: std::ops::RangeInclusive<usize>,
    sessions: std::ops::RangeInclusive<usize>,
    projects: usize,
    days: u8,
    max_cap: u32,
) -> impl Strategy<Value = Tiny> {
    (prop::collection::vec(person(days), people), prop::collection::vec(session(days, projects, max_cap), sessions))
        .prop_flat_map(move |(people, sessions)| {
            let n = people.len();
            let m = sessions.len();
            (
                Just(people),
                Just(sessions),
                prop::collection::vec(prop::collection::vec(prop::option::weighted(0.75, 0i64..=10), projects), n),
                prop::collection::vec((0..n, 0..m), 0..=n),
            )
        })
        .prop_map(|(people, sessions, travel, previous)| Tiny { people, sessions, travel, previous })
}

fn at(day: u8, hour: u8) -> String {
    format!("2025-03-{:02}T{:02}:00", 3 + day, hour)
}

impl Tiny {
    fn to_json(&self) -> Value {
        let people: Vec<Value> = self
            .people
            .iter()
            .enumerate()
            .map(|(i, p)| {
                json!({
                    "id": format!("p{i}"),
                    "gender": if p.female { "F" } else { "M" },
                    "weight": p.weight2 as f64 / 2.0,
                    "max_sessions": p.max,
                    "available_days": (0..7).filter(|d| p.days & (1 << d) != 0).map(|d| DAYS[d]).collect::<Vec<_>>(),
                    "women_only": p.women_only,
                    "singleton": p.singleton,
                    "busy": p.busy.iter().map(|&(d, h, l)| json!([at(d, h), at(d, h + l)])).collect::<Vec<_>>(),
                })
            })
            .collect();
        let sessions: Vec<Value> = self
            .sessions
            .iter()
            .enumerate()
            .map(|(j, s)| {
                json!({
                    "id": format!("s{j}"),
                    "project": format!("pr{}", s.project),
                    "start": at(s.day, s.start),
                    "end": at(s.day, s.start + s.len),
                    "hours": s.hours as f64,
                    "capacity": s.capacity,
                    "women_only": s.women_only,
                    "singleton": s.singleton,
                })
            })
            .collect();
        let used: HashSet<usize> = self.sessions.iter().map(|s| s.project).collect();
        let mut travel = Vec::new();
        for (i, row) in self.travel.iter().enumerate() {
            for (k, cost) in row.iter().enumerate() {
                // Only projects with a session may be named.
                if let (Some(c), true) = (cost, used.contains(&k)) {
                    travel
                        .push(json!({"person": format!("p{i}"), "project": format!("pr{k}"), "cost": *c as f64 / 2.0}));
                }
            }
        }
        let previous: Vec<Value> = self
            .previous
            .iter()
            .map(|&(i, j)| json!({"person": format!("p{i}"), "session": format!("s{j}")}))
            .collect();
        json!({"week": "2025-03-03", "people": people, "sessions": sessions, "travel": travel, "previous": previous})
    }

    /// docs/rules/practice.md#the-scheduling-problem eligibility, from scratch. Returns the profit in halves if
    /// eligible.
    fn eligible(&self, i: usize, j: usize) -> Option<i64> {
        let (p, s) = (&self.people[i], &self.sessions[j]);
        let cost = self.travel[i][s.project]?;
        let start = u32::from(s.day) * 1440 + u32::from(s.start) * 60;
        let end = start + u32::from(s.len) * 60;
        let clash = p.busy.iter().any(|&(d, h, l)| {
            let bs = u32::from(d) * 1440 + u32::from(h) * 60;
            let be = bs + u32::from(l) * 60;
            start < be && bs < end
        });
        let ok = p.days & (1 << s.day) != 0
            && !clash
            && (!s.women_only || p.female)
            && (!p.women_only || s.women_only)
            && p.singleton == s.singleton;
        ok.then(|| p.weight2 * s.hours - cost)
    }

    /// Positive-profit eligible sessions for each person.
    fn options(&self) -> Vec<Vec<(usize, i64)>> {
        (0..self.people.len())
            .map(|i| {
                (0..self.sessions.len())
                    .filter_map(|j| self.eligible(i, j).filter(|&w| w > 0).map(|w| (j, w)))
                    .collect()
            })
            .collect()
    }

    /// Exhaustive search: the best (profit in halves, previous kept), lexicographically.
    fn brute_force(&self) -> (i64, usize) {
        let options = self.options();
        let previous: HashSet<(usize, usize)> = self.previous.iter().copied().collect();
        let mut load = vec![0u32; self.sessions.len()];
        let mut best = (0, 0);
        self.search(0, &options, &previous, &mut load, (0, 0), &mut best);
        best
    }

    fn search(
        &self,
        i: usize,
        options: &[Vec<(usize, i64)>],
        previous: &HashSet<(usize, usize)>,
        load: &mut Vec<u32>,
        value: (i64, usize),
        best: &mut (i64, usize),
    ) {
        if i == self.people.len() {
            *best = (*best).max(value);
            return;
        }
        let opts = &options[i];
        'subsets: for mask in 0u32..(1 << opts.len()) {
            if mask.count_ones() > self.people[i].max {
                continue;
            }
            let mut days = 0u8;
            let mut v = value;
            for (b, &(j, w)) in opts.iter().enumerate() {
                if mask & (1 << b) != 0 {
                    let d = 1 << self.sessions[j].day;
                    if days & d != 0 || load[j] >= self.sessions[j].capacity {
                        continue 'subsets;
                    }
                    days |= d;
                    v.0 += w;
                    v.1 += usize::from(previous.contains(&(i, j)));
                }
            }
            for (b, &(j, _)) in opts.iter().enumerate() {
                if mask & (1 << b) != 0 {
                    load[j] += 1;
                }
            }
            self.search(i + 1, options, previous, load, v, best);
            for (b, &(j, _)) in opts.iter().enumerate() {
                if mask & (1 << b) != 0 {
                    load[j] -= 1;
                }
            }
        }
    }

    /// Textbook max-profit flow: successive shortest paths with Bellman-Ford over every
    /// eligible pair (any sign), stopping when no path has negative cost. Profit in halves.
    fn bellman_ford_optimum(&self) -> i64 {
        let (n, m) = (self.people.len(), self.sessions.len());
        // Nodes: 0 source, 1..=n people, then 7 day nodes per person, then sessions, sink.
        let day_node = |i: usize, d: u8| 1 + n + i * 7 + d as usize;
        let session_node = |j: usize| 1 + n + 7 * n + j;
        let sink = 1 + n + 7 * n + m;
        let mut edges: Vec<(usize, usize, i64, i64)> = Vec::new(); // from, to, cap, cost
        let add = |edges: &mut Vec<(usize, usize, i64, i64)>, a, b, cap, cost| {
            edges.push((a, b, cap, cost));
            edges.push((b, a, 0, -cost));
        };
        for (i, p) in self.people.iter().enumerate() {
            add(&mut edges, 0, 1 + i, i64::from(p.max), 0);
            for d in 0..7 {
                add(&mut edges, 1 + i, day_node(i, d), 1, 0);
            }
            for (j, s) in self.sessions.iter().enumerate() {
                if let Some(w) = self.eligible(i, j) {
                    add(&mut edges, day_node(i, s.day), session_node(j), 1, -w);
                }
            }
        }
        for (j, s) in self.sessions.iter().enumerate() {
            add(&mut edges, session_node(j), sink, i64::from(s.capacity), 0);
        }
        let nodes = sink + 1;
        let mut total = 0;
        loop {
            let mut dist = vec![i64::MAX; nodes];
            let mut via = vec![usize::MAX; nodes];
            dist[0] = 0;
            for _ in 0..nodes {
                let mut changed = false;
                for (e, &(a, b, cap, cost)) in edges.iter().enumerate() {
                    if cap > 0 && dist[a] != i64::MAX && dist[a] + cost < dist[b] {
                        dist[b] = dist[a] + cost;
                        via[b] = e;
                        changed = true;
                    }
                }
                if !changed {
                    break;
                }
            }
            if dist[sink] >= 0 {
                return total;
            }
            total -= dist[sink];
            let mut v = sink;
            while v != 0 {
                let e = via[v];
                edges[e].2 -= 1;
                edges[e ^ 1].2 += 1;
                v = edges[e].0;
            }
        }
    }
}

/// Every invariant of a solution against the independent model; returns its profit in
/// halves and the number of previous assignments kept.
fn check(t: &Tiny, solution: &upw::Solution) -> (i64, usize) {
    let index = number;
    let mut load = vec![0u32; t.sessions.len()];
    let mut count = vec![0u32; t.people.len()];
    let mut days = vec![0u8; t.people.len()];
    let mut profit = 0;
    let previous: HashSet<(usize, usize)> = t.previous.iter().copied().collect();
    let mut kept = 0;
    for a in &solution.assignments {
        let (i, j) = (index(&a.person, "p"), index(&a.session, "s"));
        let w = t.eligible(i, j);
        assert!(w.is_some(), "p{i} is not eligible for s{j}");
        assert!(w.unwrap() > 0, "p{i}:s{j} has profit {:?}", w);
        profit += w.unwrap();
        kept += usize::from(previous.contains(&(i, j)));
        load[j] += 1;
        count[i] += 1;
        let d = 1 << t.sessions[j].day;
        assert!(days[i] & d == 0, "p{i} has two sessions on day {}", t.sessions[j].day);
        days[i] |= d;
    }
    for (j, s) in t.sessions.iter().enumerate() {
        assert!(load[j] <= s.capacity, "s{j} over capacity");
    }
    for (i, p) in t.people.iter().enumerate() {
        assert!(count[i] <= p.max, "p{i} above max_sessions");
    }
    assert!(
        (solution.objective - profit as f64 / 2.0).abs() < 1e-9,
        "objective {} but assignments sum to {}",
        solution.objective,
        profit as f64 / 2.0
    );

    // Unplaced: exactly the people with no assignment, each once, with the reason the
    // documented order gives.
    let unplaced: BTreeMap<usize, &str> =
        solution.unplaced.iter().map(|u| (index(&u.person, "p"), u.reason.as_str())).collect();
    assert_eq!(unplaced.len(), solution.unplaced.len(), "someone unplaced twice");
    let without: Vec<usize> = (0..t.people.len()).filter(|&i| count[i] == 0).collect();
    assert_eq!(unplaced.keys().copied().collect::<Vec<_>>(), without);
    for (&i, &reason) in &unplaced {
        assert_eq!(reason, expected_reason(t, i, &load), "reason for p{i}");
    }
    (profit, kept)
}

fn expected_reason(t: &Tiny, i: usize, load: &[u32]) -> &'static str {
    let p = &t.people[i];
    if p.max == 0 {
        return "zero_max_sessions";
    }
    let reachable: Vec<usize> =
        (0..t.sessions.len()).filter(|&j| t.travel[i][t.sessions[j].project].is_some()).collect();
    if reachable.is_empty() {
        return "no_travel_option";
    }
    let mut stage = 0;
    for &j in &reachable {
        let s = &t.sessions[j];
        let suits = (!s.women_only || p.female) && (!p.women_only || s.women_only) && p.singleton == s.singleton;
        let on_day = suits && p.days & (1 << s.day) != 0;
        let free = on_day && t.eligible(i, j).is_some();
        let worth = free && t.eligible(i, j).unwrap() > 0;
        stage = stage.max(usize::from(suits) + usize::from(on_day) + usize::from(free) + usize::from(worth));
        if worth {
            // At an optimum, a worthwhile eligible session must be full.
            assert!(load[j] >= s.capacity, "p{i} left out while s{j} has room");
        }
    }
    ["placement_suitability", "no_available_day", "all_sessions_clash", "not_worthwhile", "sessions_full"][stage]
}

fn solve(t: &Tiny) -> upw::Solution {
    let instance = upw::Instance::from_json(&t.to_json().to_string()).expect("valid");
    upw::solve(&instance)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Tiny instances: every invariant, and the optimum and the stability tie-break
    /// equal to exhaustive search.
    #[test]
    fn tiny_instances_match_exhaustive_search(t in instance(1..=4, 1..=4, 2, 2, 2)) {
        let solution = solve(&t);
        let (profit, kept) = check(&t, &solution);
        let (best, best_kept) = t.brute_force();
        prop_assert_eq!(profit, best, "objective is not the optimum");
        prop_assert_eq!(kept, best_kept, "does not keep the most previous assignments");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

    /// Medium instances, with long chains of moves: the optimum equals a textbook
    /// Bellman-Ford min-cost flow, and keeping a previous schedule never changes it.
    #[test]
    fn medium_instances_match_bellman_ford(t in instance(8..=30, 4..=10, 3, 5, 4)) {
        let solution = solve(&t);
        let (profit, _) = check(&t, &solution);
        prop_assert_eq!(profit, t.bellman_ford_optimum());
        let mut without = t.clone();
        without.previous.clear();
        let (plain, _) = check(&without, &solve(&without));
        prop_assert_eq!(profit, plain);
    }

    /// Re-solving with its own schedule as `previous` keeps every assignment, even with
    /// people and sessions listed in reverse (so plain tie-breaking would differ).
    #[test]
    fn an_optimal_previous_schedule_is_kept_whole(t in instance(8..=30, 4..=10, 3, 5, 4)) {
        let first = solve(&t);
        let (n, m) = (t.people.len(), t.sessions.len());
        let mut again = t.clone();
        again.people.reverse();
        again.travel.reverse();
        again.sessions.reverse();
        again.previous = first
            .assignments
            .iter()
            .map(|a| (n - 1 - number(&a.person, "p"), m - 1 - number(&a.session, "s")))
            .collect();
        let second = solve(&again);
        let (_, kept) = check(&again, &second);
        prop_assert_eq!(kept, first.assignments.len());
        prop_assert_eq!(second.assignments.len(), first.assignments.len());
        prop_assert!((second.objective - first.objective).abs() < 1e-9);
    }

    /// Instances full of ties (every profit equal): the tie-break keeps as many previous
    /// assignments as exhaustive search can.
    #[test]
    fn ties_keep_the_most_previous(t in instance(2..=4, 2..=4, 2, 2, 2)) {
        let mut t = t;
        for p in &mut t.people {
            p.weight2 = 2;
        }
        for s in &mut t.sessions {
            (s.start, s.len, s.hours) = (9, 3, 3);
        }
        for row in &mut t.travel {
            for c in row.iter_mut().flatten() {
                *c = 0;
            }
        }
        let solution = solve(&t);
        let (profit, kept) = check(&t, &solution);
        prop_assert_eq!((profit, kept), t.brute_force());
    }
}

fn number(id: &upw::Id, prefix: &str) -> usize {
    match id {
        upw::Id::Text(s) => s.strip_prefix(prefix).unwrap().parse().unwrap(),
        upw::Id::Int(_) => panic!("ids are text"),
    }
}
