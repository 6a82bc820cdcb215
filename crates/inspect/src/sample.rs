//! Drawing a case sample, the way HMI Probation's case sampler does (docs/rules/practice.md#sampling).
//!
//! The sample decides which work the inspectors read, so it must be fair (proportional to
//! the long list, spread across officers so that no one officer's practice dominates) and
//! reproducible (a seed gives the same sample, so a provider can check it).
//!
//! # Decisions where docs/rules/practice.md#sampling leaves room
//!
//! - **Target** = requested + buffer, the buffer being `requested × buffer% / 100` rounded
//!   half up (148 at 20% gives 29.6, so 30, target 178).
//! - **Per-stratum buffer**: each stratum's base size (`requested × population / eligible`,
//!   rounded half up, capped) gets `base × buffer% / 100` rounded half up, then the sum is
//!   capped again; the rounding correction then brings the total to the target.
//! - **"Capped at the stratum's size"** uses the number of cases the stratum can actually
//!   supply within the officer cap (Σ over officers of min(cases, cap)); without a binding
//!   cap that is the stratum's population, as docs/rules/practice.md#sampling says. This keeps a shortfall for
//!   genuine lack of cases only, and moves cases an officer cap refuses to other strata.
//! - **"Smallest" and "largest" strata** are by eligible population; ties go to the
//!   stratum listed first (FEMALE, MALE_COMMUNITY_NON_LOW, ...). The correction walks the
//!   strata in that order, one case each, and walks them again until the total is right
//!   (so two missing cases go to the two smallest strata, not both to the smallest).
//! - **The officer cap is sample-wide**, not per stratum: no officer is asked about more
//!   than `max_per_officer` cases in all. Strata are allocated in the listed order
//!   (FEMALE first, as women's cases are concentrated with fewer officers); a stratum that
//!   cannot reach its size because its officers are used up keeps what it got, and the
//!   missing cases go to the other strata by the same smallest-first correction.
//! - **An officer** is identified by name within their cluster and LDU (the long list
//!   carries names, and two officers of one name in different boroughs are different
//!   people); the "unit" that takes an officer's excess is the LDU.
//! - **Below the stratum** the split runs cluster → LDU → officer with the same rule:
//!   proportional to population, rounded half up, capped at what the node can supply,
//!   then corrected smallest-first / largest-first.
//! - **Exclusions** are judged in the order redacted, not_started, gender, duplicate, and a
//!   case gets the first reason that applies. Duplicates are found among cases that
//!   survive the first three (a redacted or out-of-scope case does not displace a person's
//!   sampleable case). "Not started" means start_date after `as_of` (a case starting on
//!   `as_of` has started).
//! - **The same person** is matched by the same CRN (a person's reference in the case
//!   management system), the same PNC (non-empty, case-insensitive), or the same first
//!   name, family name (both non-empty, case-insensitive) and date of birth (present).
//!   Matches chain (A~B by PNC, B~C by name make one person). The earliest start_date is
//!   kept; on a tie, the earlier row.
//! - **Shortfall** = target − cases drawn (never negative).
//! - **Randomness**: `rand::rngs::StdRng` seeded with `seed`; within each officer's cases
//!   (in long-list row order) a partial Fisher-Yates shuffle picks the allocated number.
//!   Officers are visited in sorted order, so a seed reproduces a sample for a given
//!   long list and crate version (StdRng's algorithm may change between rand releases).
//! - **Output order**: strata in the listed order, then cluster, LDU, officer, CRN;
//!   `excluded` in long-list row order.

use std::borrow::Cow;
use std::collections::BTreeMap;

use jiff::civil::Date;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::Serialize;

use crate::error::InputError;
use crate::fnv::{self, FnvMap};
use crate::longlist::{self, Gender, LonglistCase, Rosh, SentenceType};

/// The five strata of HMI Probation's sampler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stratum {
    Female,
    MaleCommunityNonLow,
    MaleCommunityLow,
    MalePostCustodyNonLow,
    MalePostCustodyLow,
}

impl Stratum {
    /// In the order the output lists them (and allocation visits them).
    pub const ALL: [Stratum; 5] = [
        Stratum::Female,
        Stratum::MaleCommunityNonLow,
        Stratum::MaleCommunityLow,
        Stratum::MalePostCustodyNonLow,
        Stratum::MalePostCustodyLow,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stratum::Female => "FEMALE",
            Stratum::MaleCommunityNonLow => "MALE_COMMUNITY_NON_LOW",
            Stratum::MaleCommunityLow => "MALE_COMMUNITY_LOW",
            Stratum::MalePostCustodyNonLow => "MALE_POST_CUSTODY_NON_LOW",
            Stratum::MalePostCustodyLow => "MALE_POST_CUSTODY_LOW",
        }
    }

    /// The stratum of an eligible case; `None` for gender other or missing (excluded).
    pub fn of(case: &LonglistCase) -> Option<Stratum> {
        let low = case.rosh == Rosh::Low;
        match (case.gender, case.sentence_type) {
            (Gender::Female, _) => Some(Stratum::Female),
            (Gender::Male, SentenceType::Community) if low => Some(Stratum::MaleCommunityLow),
            (Gender::Male, SentenceType::Community) => Some(Stratum::MaleCommunityNonLow),
            (Gender::Male, SentenceType::PostCustody) if low => Some(Stratum::MalePostCustodyLow),
            (Gender::Male, SentenceType::PostCustody) => Some(Stratum::MalePostCustodyNonLow),
            (Gender::Other | Gender::Missing, _) => None,
        }
    }
}

/// Why a case on the long list cannot be sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    /// Sensitive case: the name is redacted with `*`.
    Redacted,
    /// Starts after the as-of date.
    NotStarted,
    /// Gender other or missing: the strata are by gender.
    Gender,
    /// A later case of a person already on the list.
    Duplicate,
    /// Started outside the window a scheme samples from (the report's own scheme only).
    OutsideWindow,
}

/// Options of `probity inspect sample`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleOptions {
    /// Cases the inspectors want to read (`--size`).
    pub size: usize,
    /// Spare cases, as a percentage of `size`, to replace cases that turn out unusable
    /// (`--buffer`, default 20).
    pub buffer_percent: u32,
    /// At most this many cases per responsible officer (`--max-per-officer`, default 6).
    pub max_per_officer: usize,
    /// Seed for the random picks (`--seed`).
    pub seed: u64,
    /// "Not started" is judged against this date (`--as-of`, the CLI defaults to today).
    pub as_of: Date,
}

impl SampleOptions {
    /// The documented defaults: 20% buffer, 6 per officer, seed 0.
    pub fn new(size: usize, as_of: Date) -> Self {
        SampleOptions { size, buffer_percent: 20, max_per_officer: 6, seed: 0, as_of }
    }

    /// The total to draw: requested plus its buffer, rounded half up.
    pub fn target(&self) -> usize {
        self.size + round_half_up(self.size as u128 * u128::from(self.buffer_percent), 100)
    }

    pub(crate) fn validate(&self) -> Result<(), InputError> {
        if self.max_per_officer == 0 {
            return Err(InputError::new("options", "must be at least 1").field("max-per-officer"));
        }
        if self.buffer_percent > 1000 {
            return Err(InputError::new("options", "must be between 0 and 1000").field("buffer"));
        }
        Ok(())
    }
}

/// `probity inspect sample` output; serialises to the JSON in docs/rules/practice.md#file-formats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SampleOutput {
    pub requested: usize,
    pub buffer_percent: u32,
    pub target: usize,
    pub strata: Vec<StratumSize>,
    pub cases: Vec<SampledCase>,
    pub shortfall: usize,
    pub excluded: Vec<Exclusion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StratumSize {
    pub name: String,
    /// Eligible cases in the stratum.
    pub population: usize,
    /// Cases drawn from it.
    pub size: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SampledCase {
    pub crn: String,
    pub stratum: String,
    pub cluster: String,
    pub ldu: String,
    pub responsible_officer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exclusion {
    pub crn: String,
    pub reason: ExclusionReason,
}

/// Parse the long list and draw the sample.
pub fn draw(longlist_csv: &str, options: &SampleOptions) -> Result<SampleOutput, InputError> {
    options.validate()?;
    let cases = longlist::parse(longlist_csv)?;
    Ok(draw_from(&cases, options))
}

/// Draw the sample from parsed cases (options assumed valid; see [`draw`]).
pub fn draw_from(cases: &[LonglistCase], options: &SampleOptions) -> SampleOutput {
    let reasons = exclusions(cases, options.as_of);
    let excluded = cases
        .iter()
        .zip(&reasons)
        .filter_map(|(case, reason)| reason.map(|reason| Exclusion { crn: case.crn.clone(), reason }))
        .collect();
    let eligible: Vec<usize> = (0..cases.len()).filter(|&i| reasons[i].is_none()).collect();
    draw_hmip(cases, &eligible, options, excluded)
}

/// The exclusion reason of each case (index-aligned), `None` for an eligible case.
pub fn exclusions(cases: &[LonglistCase], as_of: Date) -> Vec<Option<ExclusionReason>> {
    let mut reasons: Vec<Option<ExclusionReason>> = cases
        .iter()
        .map(|case| {
            if case.is_redacted() {
                Some(ExclusionReason::Redacted)
            } else if case.start_date > as_of {
                Some(ExclusionReason::NotStarted)
            } else if Stratum::of(case).is_none() {
                Some(ExclusionReason::Gender)
            } else {
                None
            }
        })
        .collect();

    // Group the remaining cases into people (union-find over shared identifiers).
    let mut parent: Vec<usize> = (0..cases.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    // Identifier → first case seen with it. Hash maps are only looked up, never iterated,
    // so their order cannot leak into the result.
    let mut by_crn: FnvMap<Cow<'_, str>, usize> = fnv::map(cases.len());
    let mut by_pnc: FnvMap<Cow<'_, str>, usize> = fnv::map(cases.len());
    let mut by_name: FnvMap<(String, Date), usize> = fnv::map(cases.len());
    let union = |parent: &mut [usize], i: usize, j: usize| {
        let (a, b) = (root(parent, i), root(parent, j));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    };
    for (i, case) in cases.iter().enumerate() {
        if reasons[i].is_some() {
            continue;
        }
        if let Some(j) = by_crn.insert(upper(&case.crn), i) {
            union(&mut parent, i, j);
        }
        if !case.pnc.is_empty()
            && let Some(j) = by_pnc.insert(upper(&case.pnc), i)
        {
            union(&mut parent, i, j);
        }
        if let Some(dob) = case.dob
            && !case.first_name.is_empty()
            && !case.family_name.is_empty()
        {
            // One lower-cased string for both names, joined by a unit separator.
            let mut names = String::with_capacity(case.first_name.len() + case.family_name.len() + 1);
            push_lowercase(&mut names, &case.first_name);
            names.push('\u{1f}');
            push_lowercase(&mut names, &case.family_name);
            if let Some(j) = by_name.insert((names, dob), i) {
                union(&mut parent, i, j);
            }
        }
    }
    // Keep the earliest case of each person: earliest start_date, then earliest row.
    let mut keep: Vec<Option<usize>> = vec![None; cases.len()];
    for i in 0..cases.len() {
        if reasons[i].is_some() {
            continue;
        }
        let r = root(&mut parent, i);
        match keep[r] {
            Some(best) if (cases[best].start_date, cases[best].row) <= (cases[i].start_date, cases[i].row) => {}
            _ => keep[r] = Some(i),
        }
    }
    for i in 0..cases.len() {
        if reasons[i].is_none() && keep[root(&mut parent, i)] != Some(i) {
            reasons[i] = Some(ExclusionReason::Duplicate);
        }
    }
    reasons
}

/// Upper-cased, borrowing when it already is (most identifiers are). ASCII takes a fast
/// path: Unicode case tables are slow enough to matter on a 30,000-case list.
fn upper(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_lowercase()) { Cow::Owned(s.to_ascii_uppercase()) } else { Cow::Borrowed(s) }
    } else {
        Cow::Owned(s.to_uppercase())
    }
}

fn push_lowercase(out: &mut String, s: &str) {
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_lowercase();
    } else {
        out.extend(s.chars().flat_map(char::to_lowercase));
    }
}

/// `round(num / den)` with halves rounded up, exactly, in integers.
pub(crate) fn round_half_up(num: u128, den: u128) -> usize {
    if den == 0 {
        return 0;
    }
    ((2 * num + den) / (2 * den)) as usize
}

/// Bring `sizes` to `target` one case at a time: add to the items with the smallest
/// `populations` first (where `sizes < caps`), remove from the largest first (where
/// `sizes > 0`), walking the items again until the total is right or nothing can move.
/// Ties go to the item listed first.
pub fn correct_rounding(sizes: &mut [usize], target: usize, populations: &[usize], caps: &[usize]) {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    let mut total: usize = sizes.iter().sum();
    if total < target {
        order.sort_by_key(|&i| (populations[i], i));
        while total < target {
            let before = total;
            for &i in &order {
                if total == target {
                    break;
                }
                if sizes[i] < caps[i] {
                    sizes[i] += 1;
                    total += 1;
                }
            }
            if total == before {
                break;
            }
        }
    } else if total > target {
        order.sort_by_key(|&i| (std::cmp::Reverse(populations[i]), i));
        while total > target {
            for &i in &order {
                if total == target {
                    break;
                }
                if sizes[i] > 0 {
                    sizes[i] -= 1;
                    total -= 1;
                }
            }
        }
    }
}

/// Split `k` cases across items in proportion to `populations`, each rounded half up and
/// capped at `caps`, then corrected (see [`correct_rounding`]). The result sums to
/// `min(k, Σ caps)`.
pub fn apportion(k: usize, populations: &[usize], caps: &[usize]) -> Vec<usize> {
    let total: usize = populations.iter().sum();
    let mut sizes: Vec<usize> = populations
        .iter()
        .zip(caps)
        .map(|(&p, &cap)| round_half_up(k as u128 * p as u128, total as u128).min(cap))
        .collect();
    correct_rounding(&mut sizes, k, populations, caps);
    sizes
}

/// The stratum sizes of docs/rules/practice.md#sampling before officer caps across strata are applied:
/// base = requested × population / eligible (rounded half up, capped), plus the buffer on
/// each base (rounded half up), capped again, then corrected to the target.
/// Returns (target, sizes).
pub fn plan_strata(
    requested: usize,
    buffer_percent: u32,
    populations: &[usize],
    caps: &[usize],
) -> (usize, Vec<usize>) {
    let target = requested + round_half_up(requested as u128 * u128::from(buffer_percent), 100);
    let eligible: usize = populations.iter().sum();
    let mut sizes: Vec<usize> = populations
        .iter()
        .zip(caps)
        .map(|(&p, &cap)| {
            let base = round_half_up(requested as u128 * p as u128, eligible as u128).min(cap);
            let buffer = round_half_up(base as u128 * u128::from(buffer_percent), 100);
            (base + buffer).min(cap)
        })
        .collect();
    correct_rounding(&mut sizes, target, populations, caps);
    (target, sizes)
}

/// One responsible officer's eligible cases within one stratum.
#[derive(Debug, Clone)]
pub(crate) struct OfficerCases {
    /// Index into the sample-wide officer list (for the cap).
    pub(crate) officer: usize,
    /// Indices into the long list, in row order.
    pub(crate) cases: Vec<usize>,
}

/// A stratum's cases as cluster → LDU → officer, each level in sorted order.
#[derive(Debug, Clone, Default)]
pub(crate) struct StratumTree {
    pub(crate) clusters: Vec<Vec<Vec<OfficerCases>>>,
}

impl StratumTree {
    pub(crate) fn population(&self) -> usize {
        self.officers().map(|o| o.cases.len()).sum()
    }

    pub(crate) fn officers(&self) -> impl Iterator<Item = &OfficerCases> {
        self.clusters.iter().flatten().flatten()
    }

    /// Cases the stratum can supply given each officer's remaining quota.
    pub(crate) fn capacity(&self, quota: &[usize]) -> usize {
        self.officers().map(|o| o.cases.len().min(quota[o.officer])).sum()
    }

    /// Allocate `k` cases down cluster, LDU and officer, using up officers' quota.
    /// Returns the count per officer (in [`StratumTree::officers`] order); the counts sum
    /// to min(k, capacity).
    pub(crate) fn allocate(&self, k: usize, quota: &mut [usize]) -> Vec<usize> {
        let cap = |o: &OfficerCases, quota: &[usize]| o.cases.len().min(quota[o.officer]);
        let mut counts = Vec::new();
        let cluster_pops: Vec<usize> =
            self.clusters.iter().map(|c| c.iter().flatten().map(|o| o.cases.len()).sum()).collect();
        let cluster_caps: Vec<usize> =
            self.clusters.iter().map(|c| c.iter().flatten().map(|o| cap(o, quota)).sum()).collect();
        let cluster_sizes = apportion(k, &cluster_pops, &cluster_caps);
        for (cluster, &cluster_size) in self.clusters.iter().zip(&cluster_sizes) {
            let ldu_pops: Vec<usize> = cluster.iter().map(|l| l.iter().map(|o| o.cases.len()).sum()).collect();
            let ldu_caps: Vec<usize> = cluster.iter().map(|l| l.iter().map(|o| cap(o, quota)).sum()).collect();
            let ldu_sizes = apportion(cluster_size, &ldu_pops, &ldu_caps);
            for (ldu, &ldu_size) in cluster.iter().zip(&ldu_sizes) {
                let pops: Vec<usize> = ldu.iter().map(|o| o.cases.len()).collect();
                let caps: Vec<usize> = ldu.iter().map(|o| cap(o, quota)).collect();
                let sizes = apportion(ldu_size, &pops, &caps);
                for (officer, &n) in ldu.iter().zip(&sizes) {
                    quota[officer.officer] -= n;
                    counts.push(n);
                }
            }
        }
        counts
    }
}

/// The number of sample-wide officers (an officer is a (cluster, LDU, name)), and the
/// cluster → LDU → officer hierarchy of each group of cases (a stratum, or any other
/// grouping a scheme uses), every level in sorted order and each officer's cases in row
/// order.
pub(crate) fn build_trees<K: Ord + Copy>(
    cases: &[LonglistCase],
    eligible: &[usize],
    group_of: impl Fn(&LonglistCase) -> K,
) -> (usize, BTreeMap<K, StratumTree>) {
    // Each officer (cluster, LDU, name) gets an id once; its rank in sorted order lets the
    // cases be sorted by integers rather than by three strings each time.
    let mut officer_ids: FnvMap<(&str, &str, &str), u32> = fnv::map(1024);
    let mut officer_keys: Vec<(&str, &str, &str)> = Vec::new();
    let mut order: Vec<(K, u32, usize)> = eligible
        .iter()
        .map(|&i| {
            let c = &cases[i];
            let key = (c.cluster.as_str(), c.ldu.as_str(), c.responsible_officer.as_str());
            let id = *officer_ids.entry(key).or_insert_with(|| {
                officer_keys.push(key);
                officer_keys.len() as u32 - 1
            });
            (group_of(c), id, i)
        })
        .collect();
    let mut by_key: Vec<u32> = (0..officer_keys.len() as u32).collect();
    by_key.sort_unstable_by_key(|&id| officer_keys[id as usize]);
    let mut rank = vec![0u32; officer_keys.len()];
    for (r, &id) in by_key.iter().enumerate() {
        rank[id as usize] = r as u32;
    }
    order.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(rank[a.1 as usize].cmp(&rank[b.1 as usize])).then(a.2.cmp(&b.2)));

    let mut trees: BTreeMap<K, StratumTree> = BTreeMap::new();
    let mut previous: Option<(K, u32)> = None;
    for (group, officer, i) in order {
        let key = officer_keys[officer as usize];
        let tree = trees.entry(group).or_default();
        let (new_cluster, new_ldu, new_officer) = match previous {
            Some((g, p)) if g == group => {
                let p = officer_keys[p as usize];
                (p.0 != key.0, p.0 != key.0 || p.1 != key.1, p != key)
            }
            _ => (true, true, true),
        };
        if new_cluster {
            tree.clusters.push(Vec::new());
        }
        let cluster = tree.clusters.last_mut().expect("pushed");
        if new_ldu {
            cluster.push(Vec::new());
        }
        let ldu = cluster.last_mut().expect("pushed");
        if new_officer {
            ldu.push(OfficerCases { officer: officer as usize, cases: Vec::new() });
        }
        ldu.last_mut().expect("pushed").cases.push(i);
        previous = Some((group, officer));
    }
    (officer_ids.len(), trees)
}

/// Pick `count` cases at random from each officer's cases (partial Fisher-Yates), visiting
/// officers in tree order. Returns long-list indices.
pub(crate) fn pick(tree: &StratumTree, counts: &[usize], rng: &mut StdRng) -> Vec<usize> {
    let mut picked = Vec::new();
    for (officer, &n) in tree.officers().zip(counts) {
        if n == 0 {
            continue;
        }
        let mut pool = officer.cases.clone();
        for i in 0..n {
            let j = rng.random_range(i..pool.len());
            pool.swap(i, j);
        }
        picked.extend_from_slice(&pool[..n]);
    }
    picked
}

/// Allocate sizes to groups processed in order with a shared officer quota, moving cases
/// that a group cannot get (its officers used up by earlier groups) to other groups by
/// the smallest-first correction. Returns the per-officer counts of each group.
///
/// Terminates: every round either ends, or finds a group newly short (at most one round
/// per group), or adds cases to groups with room (after which the next round ends or
/// finds a group short).
pub(crate) fn allocate_with_quota(
    trees: &[&StratumTree],
    sizes: &mut [usize],
    target: usize,
    max_per_officer: usize,
    officer_count: usize,
) -> Vec<Vec<usize>> {
    let full_quota = vec![max_per_officer; officer_count];
    let populations: Vec<usize> = trees.iter().map(|t| t.population()).collect();
    let own_caps: Vec<usize> = trees.iter().map(|t| t.capacity(&full_quota)).collect();
    let mut short = vec![false; trees.len()];
    loop {
        let mut quota = full_quota.clone();
        let counts: Vec<Vec<usize>> =
            trees.iter().zip(sizes.iter()).map(|(tree, &k)| tree.allocate(k, &mut quota)).collect();
        let got: Vec<usize> = counts.iter().map(|c| c.iter().sum()).collect();
        for g in 0..trees.len() {
            if got[g] < sizes[g] {
                sizes[g] = got[g];
                short[g] = true;
            }
        }
        let total: usize = got.iter().sum();
        let caps: Vec<usize> = (0..trees.len()).map(|g| if short[g] { sizes[g] } else { own_caps[g] }).collect();
        let before: usize = sizes.iter().sum();
        if total < target {
            correct_rounding(sizes, target, &populations, &caps);
        }
        // Nothing moved: the counts of this round match the sizes.
        if sizes.iter().sum::<usize>() == before {
            return counts;
        }
    }
}

fn draw_hmip(
    cases: &[LonglistCase],
    eligible: &[usize],
    options: &SampleOptions,
    excluded: Vec<Exclusion>,
) -> SampleOutput {
    let (officers, mut trees) = build_trees(cases, eligible, |c| Stratum::of(c).expect("eligible"));
    for stratum in Stratum::ALL {
        trees.entry(stratum).or_default();
    }
    let trees: Vec<&StratumTree> = Stratum::ALL.iter().map(|s| &trees[s]).collect();
    let populations: Vec<usize> = trees.iter().map(|t| t.population()).collect();
    let full_quota = vec![options.max_per_officer; officers];
    let caps: Vec<usize> = trees.iter().map(|t| t.capacity(&full_quota)).collect();
    let (target, mut sizes) = plan_strata(options.size, options.buffer_percent, &populations, &caps);
    let counts = allocate_with_quota(&trees, &mut sizes, target, options.max_per_officer, officers);

    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut sampled = Vec::new();
    for (stratum, (tree, counts)) in Stratum::ALL.iter().zip(trees.iter().zip(&counts)) {
        let mut picked = pick(tree, counts, &mut rng);
        picked.sort_by(|&a, &b| case_order(&cases[a], &cases[b]));
        sampled.extend(picked.into_iter().map(|i| sampled_case(&cases[i], stratum.name())));
    }
    let strata = Stratum::ALL
        .iter()
        .zip(populations.iter().zip(&sizes))
        .map(|(s, (&population, &size))| StratumSize { name: s.name().to_string(), population, size })
        .collect();
    SampleOutput {
        requested: options.size,
        buffer_percent: options.buffer_percent,
        target,
        strata,
        shortfall: target.saturating_sub(sampled.len()),
        cases: sampled,
        excluded,
    }
}

pub(crate) fn case_order(a: &LonglistCase, b: &LonglistCase) -> std::cmp::Ordering {
    (&a.cluster, &a.ldu, &a.responsible_officer, &a.crn).cmp(&(&b.cluster, &b.ldu, &b.responsible_officer, &b.crn))
}

pub(crate) fn sampled_case(case: &LonglistCase, stratum: &str) -> SampledCase {
    SampledCase {
        crn: case.crn.clone(),
        stratum: stratum.to_string(),
        cluster: case.cluster.clone(),
        ldu: case.ldu.clone(),
        responsible_officer: case.responsible_officer.clone(),
    }
}
