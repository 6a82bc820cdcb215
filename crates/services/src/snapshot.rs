//! Reads kept in memory, each checked against a number the store moves in the same
//! transaction as any change to what was read (database triggers), so a change by any process
//! is seen by the very next request and nothing here can go stale:
//! - [`AccessSnapshot`]: what deciding access reads besides the case and the user (the
//!   organisation, the limited-access lists, the grants), checked against the access
//!   generation each request reads with its session (`store::auth::SignedInRecord`);
//! - [`CaseloadCache`]: recently opened caseloads, checked against the officer's caseload
//!   version (`store::CaseStore::caseload_version`);
//! - [`CaseStateCache`]: recently folded cases, each checked against the version its summary
//!   carries (the summary is rewritten in every append's transaction), so the worklist and the
//!   start page fold only the cases that changed since they were last read.
//!
//! The caseload page is the page officers open most; with both, an unchanged caseload costs
//! one one-row query (the session and the caseload's version together, read by the web's
//! session check) instead of one per case and eight others.
//!
//! Both are held by `Stores`, so every use case of a process shares them.

use crate::access::OrgIndex;
use domain::case::CaseState;
use domain::ids::{Code, Crn};
use domain::org::Organisation;
use domain::projection::CaseSummary;
use std::collections::HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use store::StoreError;
use store::auth::LimitedAccess;
use store::{AccessStore, CaseStore};

/// The organisation, the limited-access entries by case and the grants by user, as at
/// `generation`.
#[derive(Debug, Default)]
pub struct AccessSnapshot {
    pub generation: i64,
    /// Shared, so a use case that hands the organisation to its page copies nothing.
    pub org: Arc<Organisation>,
    /// `org`'s places and staff by code.
    pub index: OrgIndex,
    pub limits: BTreeMap<Crn, Vec<LimitedAccess>>,
    pub grants: BTreeMap<String, BTreeSet<Crn>>,
}

/// The newest snapshot loaded, shared by every request.
#[derive(Default)]
pub struct SnapshotCache(RwLock<Option<Arc<AccessSnapshot>>>);

impl SnapshotCache {
    /// A snapshot at least as new as `generation`: the kept one, or a fresh load.
    pub async fn at_least(
        &self,
        cases: &(impl CaseStore + ?Sized),
        access: &(impl AccessStore + ?Sized),
        generation: i64,
    ) -> Result<Arc<AccessSnapshot>, StoreError> {
        if let Some(kept) = self.kept()
            && kept.generation >= generation
        {
            return Ok(kept);
        }
        // The generation is read before the lists and the organisation, so the snapshot is
        // never older than the number it carries.
        let lists = access.access_lists().await?;
        let org = cases.organisation().await?;
        let mut limits: BTreeMap<Crn, Vec<LimitedAccess>> = BTreeMap::new();
        for e in lists.limits {
            limits.entry(e.crn.clone()).or_default().push(e);
        }
        let mut grants: BTreeMap<String, BTreeSet<Crn>> = BTreeMap::new();
        for (username, crn) in lists.grants {
            grants.entry(username).or_default().insert(crn);
        }
        let index = OrgIndex::new(&org);
        let fresh =
            Arc::new(AccessSnapshot { generation: lists.generation, org: Arc::new(org), index, limits, grants });
        let mut slot = self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if slot.as_ref().is_none_or(|s| s.generation < fresh.generation) {
            *slot = Some(fresh.clone());
        }
        Ok(fresh)
    }

    fn kept(&self) -> Option<Arc<AccessSnapshot>> {
        self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

/// How many caseloads are kept: past it, the least recently used is dropped. A national
/// provider has about 4,500 officers with caseloads; 2,048 of about 60 cases each is some
/// 40 MB.
pub const CASELOADS_KEPT: usize = 2_048;

struct KeptCaseload {
    version: i64,
    cases: Arc<Vec<CaseSummary>>,
    /// When it was last used, on [`CaseloadCache`]'s own counter.
    used: AtomicU64,
}

/// Recently opened caseloads with the version each was read at.
#[derive(Default)]
pub struct CaseloadCache {
    kept: RwLock<HashMap<Code, KeptCaseload>>,
    clock: AtomicU64,
}

impl CaseloadCache {
    /// `officer`'s active cases, by family name: the kept copy when the caseload has not
    /// changed since it was read, else a fresh read (`CaseStore::caseload`). `version` is the
    /// caseload's version if the request has read it already (with its session).
    pub async fn caseload(
        &self,
        store: &(impl CaseStore + ?Sized),
        officer: &Code,
        version: Option<i64>,
    ) -> Result<Arc<Vec<CaseSummary>>, StoreError> {
        let version = match version {
            Some(v) => v,
            None => store.caseload_version(officer).await?,
        };
        let tick = self.clock.fetch_add(1, Ordering::Relaxed);
        if let Some(hit) = self.read().get(officer)
            && hit.version == version
        {
            // Recency only guides eviction, so relaxed ordering is enough.
            hit.used.store(tick, Ordering::Relaxed);
            return Ok(hit.cases.clone());
        }
        // Read after the version, so the cases are at least as new as the version kept.
        let cases = Arc::new(store.caseload(officer).await?);
        let mut kept = self.kept.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.len() >= CASELOADS_KEPT && !kept.contains_key(officer) {
            let oldest = kept.iter().min_by_key(|(_, k)| k.used.load(Ordering::Relaxed)).map(|(code, _)| code.clone());
            if let Some(oldest) = oldest {
                kept.remove(&oldest);
            }
        }
        let newer_kept = kept.get(officer).is_some_and(|k| k.version > version);
        if !newer_kept {
            kept.insert(officer.clone(), KeptCaseload { version, cases: cases.clone(), used: AtomicU64::new(tick) });
        }
        Ok(cases)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<Code, KeptCaseload>> {
        self.kept.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// How many folded cases are kept: past it, the least recently used eighth is dropped at once
/// (so an eviction's scan is paid once per many folds, not on each). At national scale an
/// active case's log is about 106 events and 15 KB of JSON (measured on the benchmark's
/// 262,000-case store), and its fold holds what those events say; 8,192 folds, the caseloads
/// of some 130 officers, is of the order of 100 to 150 MB. A fold not kept is read and folded
/// again, as before there was a cache.
pub const CASE_STATES_KEPT: usize = 8_192;

struct KeptState {
    state: Arc<CaseState>,
    used: AtomicU64,
}

/// Recently folded cases, each at the stream version it was folded to (`CaseState::version`).
#[derive(Default)]
pub struct CaseStateCache {
    kept: RwLock<HashMap<Crn, KeptState>>,
    clock: AtomicU64,
}

impl CaseStateCache {
    /// The kept fold of `crn` when it is at least at `version` (the version of a summary read
    /// this request): events are only ever appended, so a fold at that version or later is
    /// the case as it stands.
    pub fn get(&self, crn: &Crn, version: u64) -> Option<Arc<CaseState>> {
        let tick = self.clock.fetch_add(1, Ordering::Relaxed);
        let kept = self.kept.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        let hit = kept.get(crn).filter(|k| k.state.version >= version)?;
        hit.used.store(tick, Ordering::Relaxed);
        Some(hit.state.clone())
    }

    /// Keeps a fresh fold, unless a later one of the same case is kept already.
    pub fn keep(&self, state: Arc<CaseState>) {
        let tick = self.clock.fetch_add(1, Ordering::Relaxed);
        let mut kept = self.kept.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.get(&state.crn).is_some_and(|k| k.state.version >= state.version) {
            return;
        }
        if kept.len() >= CASE_STATES_KEPT && !kept.contains_key(&state.crn) {
            evict_oldest_eighth(&mut kept);
        }
        kept.insert(state.crn.clone(), KeptState { state, used: AtomicU64::new(tick) });
    }

    /// How many folds are kept.
    pub fn len(&self) -> usize {
        self.kept.read().unwrap_or_else(|poisoned| poisoned.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn evict_oldest_eighth(kept: &mut HashMap<Crn, KeptState>) {
    let mut ticks: Vec<u64> = kept.values().map(|k| k.used.load(Ordering::Relaxed)).collect();
    let nth = ticks.len() / 8;
    let (_, cut, _) = ticks.select_nth_unstable(nth);
    let cut = *cut;
    kept.retain(|_, k| k.used.load(Ordering::Relaxed) > cut);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crn(raw: &str) -> Crn {
        Crn::parse(raw).expect("a CRN")
    }

    fn folded(n: u32, version: u64) -> Arc<CaseState> {
        let mut state = CaseState::new(crn(&format!("X{n:06}")));
        state.version = version;
        Arc::new(state)
    }

    #[test]
    fn a_kept_fold_serves_its_version_and_earlier_summaries_not_later_ones() {
        let cache = CaseStateCache::default();
        cache.keep(folded(1, 5));
        let case = crn("X000001");
        assert_eq!(cache.get(&case, 5).map(|s| s.version), Some(5));
        assert_eq!(cache.get(&case, 4).map(|s| s.version), Some(5), "appends only: a later fold is the case now");
        assert!(cache.get(&case, 6).is_none(), "a summary newer than the fold means the case changed");
        cache.keep(folded(1, 3));
        assert_eq!(cache.get(&case, 5).map(|s| s.version), Some(5), "an older fold never replaces a newer one");
        cache.keep(folded(1, 7));
        assert_eq!(cache.get(&case, 7).map(|s| s.version), Some(7));
    }

    #[test]
    fn past_its_bound_the_least_recently_used_go_first() {
        let cache = CaseStateCache::default();
        for n in 0..CASE_STATES_KEPT as u32 {
            cache.keep(folded(n, 1));
        }
        // Case 0 is read again, so it is the most recently used of all.
        assert!(cache.get(&crn("X000000"), 1).is_some());
        cache.keep(folded(CASE_STATES_KEPT as u32, 1));
        assert!(cache.len() <= CASE_STATES_KEPT, "the bound holds");
        assert!(cache.len() > CASE_STATES_KEPT * 7 / 8 - 2, "an eighth goes, not everything");
        assert!(cache.get(&crn("X000000"), 1).is_some(), "the one read again stays");
        assert!(cache.get(&crn("X000001"), 1).is_none(), "the oldest unread goes");
        assert!(cache.get(&crn(&format!("X{:06}", CASE_STATES_KEPT)), 1).is_some(), "the new one is kept");
    }
}
