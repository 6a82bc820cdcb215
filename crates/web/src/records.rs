//! The store as the web layer sees it: only the reads and the append it needs, behind a
//! trait object. Handlers are then plain functions, not generic over the engine, so the
//! route table can be listed (and checked against the OpenAPI document) without a store,
//! and the crate compiles its handlers once rather than once per engine.

use domain::event::{NewEvent, RecordedEvent};
use domain::ids::{Code, Crn};
use domain::org::Organisation;
use domain::projection::CaseSummary;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use store::{CaseStore, StoreError};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The case records a request may read or append to.
pub trait CaseRecords: Send + Sync + 'static {
    fn append<'a>(
        &'a self,
        crn: &'a Crn,
        expected_version: u64,
        events: &'a [NewEvent],
    ) -> BoxFuture<'a, Result<u64, StoreError>>;
    fn stream<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Vec<RecordedEvent>, StoreError>>;
    fn caseload<'a>(&'a self, officer: &'a Code) -> BoxFuture<'a, Result<Vec<CaseSummary>, StoreError>>;
    fn caseload_counts(&self) -> BoxFuture<'_, Result<BTreeMap<Code, u64>, StoreError>>;
    fn organisation(&self) -> BoxFuture<'_, Result<Organisation, StoreError>>;
}

impl<S: CaseStore> CaseRecords for S {
    fn append<'a>(
        &'a self,
        crn: &'a Crn,
        expected_version: u64,
        events: &'a [NewEvent],
    ) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(CaseStore::append(self, crn, expected_version, events))
    }
    fn stream<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Vec<RecordedEvent>, StoreError>> {
        Box::pin(CaseStore::stream(self, crn))
    }
    fn caseload<'a>(&'a self, officer: &'a Code) -> BoxFuture<'a, Result<Vec<CaseSummary>, StoreError>> {
        Box::pin(CaseStore::caseload(self, officer))
    }
    fn caseload_counts(&self) -> BoxFuture<'_, Result<BTreeMap<Code, u64>, StoreError>> {
        Box::pin(CaseStore::caseload_counts(self))
    }
    fn organisation(&self) -> BoxFuture<'_, Result<Organisation, StoreError>> {
        Box::pin(CaseStore::organisation(self))
    }
}
