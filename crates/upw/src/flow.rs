//! Min-cost flow on the scheduling network, by successive shortest paths from one
//! supply node at a time (the "row by row" Hungarian / Jonker-Volgenant scheme).
//!
//! Why this scheme: the network is bipartite-like and sparse, and almost every
//! augmentation is short (a person takes a session with room, or bumps one person who
//! moves elsewhere). Dijkstra from the single person being added stops as soon as the
//! sink is settled, and a virtual zero-cost "stay unplaced" arc from every person to the
//! sink caps the search radius at the reduced cost of doing nothing. So each search
//! touches a small neighbourhood instead of the whole graph, which is what makes London
//! scale run in well under a second.
//!
//! Correctness (standard SSP argument): think of every person `v` as a supply node with
//! `supply[v]` units and an uncapacitated null arc `v -> sink` of cost 0 (unit left unused).
//! Potentials `pot` keep every residual arc's reduced cost `c(u,v) + pot[u] - pot[v]`
//! non-negative, so the flow is optimal for what has been shipped so far. Each search is
//! Dijkstra on reduced costs from the person being processed; after it, settled nodes move
//! by `dist - D` (`D` = distance of the sink), which keeps reduced costs non-negative and
//! makes the found path tight. Successive shortest-path costs from one source never
//! decrease, so once a person's best option is the null arc, all their remaining units are
//! null too and the search for that person ends. Flow on null arcs is not stored: its
//! reverse arcs leave the sink, and no search ever continues past the sink; their reduced
//! cost `pot[sink] - pot[v]` stays non-negative because `pot[sink]` is constant and
//! potentials only ever decrease.
//!
//! Magnitudes: with `C` the largest |arc cost|, every node has a residual path of at most
//! four arcs and real cost at most `C` to the sink, so `|pot[v] - pot[sink]| <= C`, and
//! every distance stays within a small multiple of `C`. The caller picks `i64` when
//! `16 C` fits and `i128` otherwise, so arithmetic never overflows.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt::Debug;
use std::ops::{Add, Sub};

/// The integer type of costs: `i64`, or `i128` for instances with huge weights.
pub(crate) trait CostInt: Copy + Ord + Debug + Add<Output = Self> + Sub<Output = Self> + 'static {
    const ZERO: Self;
    const MAX: Self;
    fn from_i128(v: i128) -> Self;
}

impl CostInt for i64 {
    const ZERO: Self = 0;
    const MAX: Self = i64::MAX;
    fn from_i128(v: i128) -> Self {
        i64::try_from(v).expect("cost bound checked by the caller")
    }
}

impl CostInt for i128 {
    const ZERO: Self = 0;
    const MAX: Self = i128::MAX;
    fn from_i128(v: i128) -> Self {
        v
    }
}

const NONE: u32 = u32::MAX;

/// An arc to add: `from -> to` with capacity and (integer) cost.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arc {
    pub from: u32,
    pub to: u32,
    pub cap: u32,
    pub cost: i128,
}

/// A residual network in compressed adjacency form. Nodes `0..people` are the supply
/// nodes (people); `sink` is the single demand node.
pub(crate) struct Network<C: CostInt> {
    people: usize,
    sink: usize,
    first: Vec<u32>,
    to: Vec<u32>,
    cap: Vec<u32>,
    cost: Vec<C>,
    rev: Vec<u32>,
    /// Position of each input arc (in input order) in the adjacency arrays.
    forward: Vec<u32>,
    pot: Vec<C>,
}

impl<C: CostInt> Network<C> {
    /// Builds the network. `pot` must make every arc's reduced cost non-negative, with
    /// `pot[v] >= pot[sink]` for every person (the null arcs).
    pub fn new(nodes: usize, people: usize, sink: usize, arcs: &[Arc], pot: Vec<i128>) -> Self {
        let mut degree = vec![0u32; nodes + 1];
        for a in arcs {
            degree[a.from as usize] += 1;
            degree[a.to as usize] += 1;
        }
        let mut first = vec![0u32; nodes + 1];
        for v in 0..nodes {
            first[v + 1] = first[v] + degree[v];
        }
        let m = first[nodes] as usize;
        let mut next = first.clone();
        let mut to = vec![0u32; m];
        let mut cap = vec![0u32; m];
        let mut cost = vec![C::ZERO; m];
        let mut rev = vec![0u32; m];
        let mut forward = Vec::with_capacity(arcs.len());
        for a in arcs {
            let i = next[a.from as usize];
            next[a.from as usize] += 1;
            let j = next[a.to as usize];
            next[a.to as usize] += 1;
            to[i as usize] = a.to;
            cap[i as usize] = a.cap;
            cost[i as usize] = C::from_i128(a.cost);
            rev[i as usize] = j;
            to[j as usize] = a.from;
            cap[j as usize] = 0;
            cost[j as usize] = C::from_i128(-a.cost);
            rev[j as usize] = i;
            forward.push(i);
        }
        Network { people, sink, first, to, cap, cost, rev, forward, pot: pot.into_iter().map(C::from_i128).collect() }
    }

    /// Flow on input arc `k` (capacity used).
    pub fn flow(&self, k: usize) -> u32 {
        let i = self.forward[k] as usize;
        self.cap[self.rev[i] as usize]
    }

    /// Ships up to `supply[v]` units from each person in `order`, each unit along a
    /// shortest path, stopping a person's units when leaving them unused is cheapest.
    pub fn run(&mut self, order: &[usize], supply: &[u32]) {
        let n = self.pot.len();
        let mut dist = vec![C::MAX; n];
        let mut parent = vec![NONE; n];
        let mut touched: Vec<u32> = Vec::new();
        let mut settled: Vec<u32> = Vec::new();
        let mut heap: BinaryHeap<Reverse<(C, u32)>> = BinaryHeap::new();
        let sink = self.sink;

        for &src in order {
            for _ in 0..supply[src] {
                // Dijkstra on reduced costs from `src`, stopping at the sink.
                // `null_from` is the person whose null arc reached the sink, if any.
                let mut null_from = NONE;
                dist[src] = C::ZERO;
                touched.push(src as u32);
                heap.push(Reverse((C::ZERO, src as u32)));
                let mut reached = C::MAX;
                while let Some(Reverse((d, u))) = heap.pop() {
                    let u = u as usize;
                    if d > dist[u] {
                        continue;
                    }
                    if u == sink {
                        reached = d;
                        break;
                    }
                    settled.push(u as u32);
                    let pu = self.pot[u];
                    if u < self.people {
                        let nd = d + pu - self.pot[sink];
                        if nd < dist[sink] {
                            if dist[sink] == C::MAX {
                                touched.push(sink as u32);
                            }
                            dist[sink] = nd;
                            parent[sink] = NONE;
                            null_from = u as u32;
                            heap.push(Reverse((nd, sink as u32)));
                        }
                    }
                    let bound = dist[sink];
                    for a in self.first[u] as usize..self.first[u + 1] as usize {
                        if self.cap[a] == 0 {
                            continue;
                        }
                        let v = self.to[a] as usize;
                        let nd = d + self.cost[a] + pu - self.pot[v];
                        // Nodes at or beyond the sink's tentative distance cannot lie on
                        // a shorter path to it; skipping them keeps the search local.
                        if nd < dist[v] && (v == sink || nd < bound) {
                            if dist[v] == C::MAX {
                                touched.push(v as u32);
                            }
                            dist[v] = nd;
                            parent[v] = a as u32;
                            if v == sink {
                                null_from = NONE;
                            }
                            heap.push(Reverse((nd, v as u32)));
                        }
                    }
                }
                heap.clear();
                debug_assert!(reached != C::MAX, "the null arc always reaches the sink");

                for &v in &settled {
                    let v = v as usize;
                    self.pot[v] = self.pot[v] + dist[v] - reached;
                }
                let stop = null_from == src as u32;
                if !stop {
                    // Augment one unit: walk back from the sink (or from the person whose
                    // unit is released to the null arc).
                    let mut v = if null_from == NONE { sink } else { null_from as usize };
                    while v != src {
                        let a = parent[v] as usize;
                        self.cap[a] -= 1;
                        self.cap[self.rev[a] as usize] += 1;
                        v = self.to[self.rev[a] as usize] as usize;
                    }
                }
                for &v in &touched {
                    dist[v as usize] = C::MAX;
                    parent[v as usize] = NONE;
                }
                touched.clear();
                settled.clear();
                if stop {
                    break;
                }
            }
        }
    }
}
