//! Reads kept in memory, each checked against a number the store moves in the same
//! transaction as any change to what was read (database triggers), so a change by any process
//! is seen by the very next request and nothing here can go stale:
//! - [`AccessSnapshot`]: what deciding access reads besides the case and the user (the
//!   organisation, the limited-access lists, the grants), checked against the access
//!   generation each request reads with its session (`store::auth::SignedInRecord`);
//! - [`CaseloadCache`]: recently opened caseloads, checked against the officer's caseload
//!   version (`store::CaseStore::caseload_version`).
//!
//! The caseload page is the page officers open most; with both, an unchanged caseload costs
//! one one-row query (the session and the caseload's version together, read by the web's
//! session check) instead of one per case and eight others.
//!
//! Both are held by `Stores`, so every use case of a process shares them.

use crate::access::OrgIndex;
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
    pub org: Organisation,
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
        let fresh = Arc::new(AccessSnapshot { generation: lists.generation, org, index, limits, grants });
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
