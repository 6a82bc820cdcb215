//! The store as the web layer sees it: only the reads and the append it needs, behind a
//! trait object. Handlers are then plain functions, not generic over the engine, so the
//! route table can be listed (and checked against the OpenAPI document) without a store,
//! and the crate compiles its handlers once rather than once per engine.

use domain::event::{NewEvent, RecordedEvent};
use domain::ids::{Code, Crn};
use domain::org::Organisation;
use domain::projection::CaseSummary;
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use store::auth::{CaseRead, LimitedAccess, SessionRecord, UserRecord};
use store::{AccessStore, CaseStore, StoreError};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The case records a request may read or append to, and who may use them (users, sessions,
/// limited-access lists, granted cases, the audit of reads).
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
    /// Appends `events` with the events that must follow them (a recalculated tier) in the
    /// same append (`services::record`), the follow-on recorded by `recorded_by`.
    fn record<'a>(
        &'a self,
        crn: &'a Crn,
        expected_version: u64,
        events: &'a [NewEvent],
        recorded_by: &'a Code,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<u64, StoreError>>;
    fn summary<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Option<CaseSummary>, StoreError>>;
    fn all_summaries(&self) -> BoxFuture<'_, Result<Vec<CaseSummary>, StoreError>>;
    fn add_user<'a>(&'a self, user: &'a UserRecord) -> BoxFuture<'a, Result<(), StoreError>>;
    fn user<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Option<UserRecord>, StoreError>>;
    fn users(&self) -> BoxFuture<'_, Result<Vec<UserRecord>, StoreError>>;
    fn update_user<'a>(&'a self, user: &'a UserRecord) -> BoxFuture<'a, Result<bool, StoreError>>;
    fn create_session<'a>(&'a self, session: &'a SessionRecord) -> BoxFuture<'a, Result<(), StoreError>>;
    fn session<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<SessionRecord>, StoreError>>;
    fn touch_session<'a>(&'a self, key: &'a str, at: Timestamp) -> BoxFuture<'a, Result<(), StoreError>>;
    fn end_session<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
    fn record_failed_sign_in<'a>(&'a self, username: &'a str, at: Timestamp) -> BoxFuture<'a, Result<(), StoreError>>;
    fn failed_sign_ins<'a>(
        &'a self,
        username: &'a str,
        since: Timestamp,
    ) -> BoxFuture<'a, Result<Vec<Timestamp>, StoreError>>;
    fn clear_failed_sign_ins<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
    fn add_limited_access<'a>(&'a self, entry: &'a LimitedAccess) -> BoxFuture<'a, Result<i64, StoreError>>;
    fn remove_limited_access(&self, id: i64) -> BoxFuture<'_, Result<bool, StoreError>>;
    fn limited_access(&self) -> BoxFuture<'_, Result<Vec<LimitedAccess>, StoreError>>;
    fn limited_access_for<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Vec<LimitedAccess>, StoreError>>;
    fn granted_cases<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Vec<Crn>, StoreError>>;
    fn record_read<'a>(&'a self, read: &'a CaseRead) -> BoxFuture<'a, Result<(), StoreError>>;
    fn reads_of<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Vec<CaseRead>, StoreError>>;
}

impl<S: CaseStore + AccessStore> CaseRecords for S {
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
    fn record<'a>(
        &'a self,
        crn: &'a Crn,
        expected_version: u64,
        events: &'a [NewEvent],
        recorded_by: &'a Code,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(services::record::record_events(self, crn, expected_version, events, recorded_by, now))
    }
    fn summary<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Option<CaseSummary>, StoreError>> {
        Box::pin(CaseStore::summary(self, crn))
    }
    fn all_summaries(&self) -> BoxFuture<'_, Result<Vec<CaseSummary>, StoreError>> {
        Box::pin(CaseStore::all_summaries(self))
    }
    fn add_user<'a>(&'a self, user: &'a UserRecord) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(AccessStore::add_user(self, user))
    }
    fn user<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Option<UserRecord>, StoreError>> {
        Box::pin(AccessStore::user(self, username))
    }
    fn users(&self) -> BoxFuture<'_, Result<Vec<UserRecord>, StoreError>> {
        Box::pin(AccessStore::users(self))
    }
    fn update_user<'a>(&'a self, user: &'a UserRecord) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(AccessStore::update_user(self, user))
    }
    fn create_session<'a>(&'a self, session: &'a SessionRecord) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(AccessStore::create_session(self, session))
    }
    fn session<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<SessionRecord>, StoreError>> {
        Box::pin(AccessStore::session(self, key))
    }
    fn touch_session<'a>(&'a self, key: &'a str, at: Timestamp) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(AccessStore::touch_session(self, key, at))
    }
    fn end_session<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(AccessStore::end_session(self, key))
    }
    fn record_failed_sign_in<'a>(&'a self, username: &'a str, at: Timestamp) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(AccessStore::record_failed_sign_in(self, username, at))
    }
    fn failed_sign_ins<'a>(
        &'a self,
        username: &'a str,
        since: Timestamp,
    ) -> BoxFuture<'a, Result<Vec<Timestamp>, StoreError>> {
        Box::pin(AccessStore::failed_sign_ins(self, username, since))
    }
    fn clear_failed_sign_ins<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(AccessStore::clear_failed_sign_ins(self, username))
    }
    fn add_limited_access<'a>(&'a self, entry: &'a LimitedAccess) -> BoxFuture<'a, Result<i64, StoreError>> {
        Box::pin(AccessStore::add_limited_access(self, entry))
    }
    fn remove_limited_access(&self, id: i64) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(AccessStore::remove_limited_access(self, id))
    }
    fn limited_access(&self) -> BoxFuture<'_, Result<Vec<LimitedAccess>, StoreError>> {
        Box::pin(AccessStore::limited_access(self))
    }
    fn limited_access_for<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Vec<LimitedAccess>, StoreError>> {
        Box::pin(AccessStore::limited_access_for(self, crn))
    }
    fn granted_cases<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Vec<Crn>, StoreError>> {
        Box::pin(AccessStore::granted_cases(self, username))
    }
    fn record_read<'a>(&'a self, read: &'a CaseRead) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(AccessStore::record_read(self, read))
    }
    fn reads_of<'a>(&'a self, crn: &'a Crn) -> BoxFuture<'a, Result<Vec<CaseRead>, StoreError>> {
        Box::pin(AccessStore::reads_of(self, crn))
    }
}
