//! The stores a use case works on, as one bundle: every store trait of `store`, each behind
//! its object-safe twin (`store::DynCaseStore`, ...), all over the same database. The web
//! server and the CLI build one from whichever engine they opened ([`Stores::new`]); the use
//! cases take it by reference, so they are compiled once, not once per engine, and a new
//! query is one edit in `store` (the trait and its SQL), with nothing to forward by hand.

use crate::snapshot::{CaseStateCache, CaseloadCache, SnapshotCache};
use std::sync::Arc;
use store::{
    AccessStore, CaseStore, DynAccessStore, DynCaseStore, DynInspectionStore, DynMiOutcomeStore, DynMiStore,
    DynStaffEqualityStore, DynUpwStore, DynWorkloadStore, InspectionStore, MiOutcomeStore, MiStore, StaffEqualityStore,
    UpwStore, WorkloadStore,
};

/// Every store of one database.
#[derive(Clone)]
pub struct Stores {
    /// The case event log and its projections (summaries, caseloads).
    pub cases: Arc<DynCaseStore<'static>>,
    /// Users, sessions, sign-in failures, limited access, grants and the read audit.
    pub access: Arc<DynAccessStore<'static>>,
    pub upw: Arc<DynUpwStore<'static>>,
    pub inspections: Arc<DynInspectionStore<'static>>,
    /// Officers' reductions of hours and the reports they prepare.
    pub workload: Arc<DynWorkloadStore<'static>>,
    pub mi: Arc<DynMiStore<'static>>,
    pub outcomes: Arc<DynMiOutcomeStore<'static>>,
    pub equality: Arc<DynStaffEqualityStore<'static>>,
    /// What deciding access reads, kept in memory and never stale (`snapshot`).
    pub access_snapshot: Arc<SnapshotCache>,
    /// Recently opened caseloads, kept in memory and never stale (`snapshot`).
    pub caseloads: Arc<CaseloadCache>,
    /// Recently folded cases, kept in memory and never stale (`snapshot`).
    pub case_states: Arc<CaseStateCache>,
}

/// A database engine's store: every trait, for both engines.
pub trait AnyStore:
    CaseStore
    + AccessStore
    + UpwStore
    + InspectionStore
    + WorkloadStore
    + MiStore
    + MiOutcomeStore
    + StaffEqualityStore
    + Clone
    + 'static
{
}

impl<S> AnyStore for S where
    S: CaseStore
        + AccessStore
        + UpwStore
        + InspectionStore
        + WorkloadStore
        + MiStore
        + MiOutcomeStore
        + StaffEqualityStore
        + Clone
        + 'static
{
}

impl Stores {
    /// The bundle over one engine's store (each member a handle on the same pool).
    pub fn new<S: AnyStore>(store: S) -> Self {
        Stores {
            cases: Arc::from(DynCaseStore::new_box(store.clone())),
            access: Arc::from(DynAccessStore::new_box(store.clone())),
            upw: Arc::from(DynUpwStore::new_box(store.clone())),
            inspections: Arc::from(DynInspectionStore::new_box(store.clone())),
            workload: Arc::from(DynWorkloadStore::new_box(store.clone())),
            mi: Arc::from(DynMiStore::new_box(store.clone())),
            outcomes: Arc::from(DynMiOutcomeStore::new_box(store.clone())),
            equality: Arc::from(DynStaffEqualityStore::new_box(store)),
            access_snapshot: Arc::default(),
            caseloads: Arc::default(),
            case_states: Arc::default(),
        }
    }
}

/// The store traits, for calling their methods on a [`Stores`] member (`stores.cases.stream(..)`).
pub mod prelude {
    pub use store::{
        AccessStore, CaseStore, InspectionStore, MiOutcomeStore, MiStore, StaffEqualityStore, UpwStore, WorkloadStore,
    };
}
