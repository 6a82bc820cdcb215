//! The case event log and its projections, on SQLite (embedded default) or PostgreSQL.
//!
//! Invariants kept here:
//! - events are only ever inserted; the database itself refuses UPDATE and DELETE on them;
//! - an append names the version it expects, and a stale writer gets [`StoreError::Conflict`]
//!   with nothing written;
//! - projections change in the same transaction as the events they derive from, and a
//!   rebuild from the log gives the same rows ([`CaseStore::check`]).

pub mod auth;
pub mod backup;
mod codec;
mod db;
mod engine;
mod fold;
pub mod inspection;
pub mod mi;
pub mod mi_outcomes;
mod projections;
mod reworded;
mod search;
pub mod staff_equality;
mod staff_rows;
pub mod testing;
pub mod upw;
pub mod workload;

pub use crate::upw::{DynUpwStore, UpwStore};
pub use auth::{AccessStore, DynAccessStore};
pub use backup::BackupStore;
pub use codec::{EventRow, LoadCase, enum_text, parse_timestamp, timestamp_text, to_stored_precision};
pub use db::{PostgresStore, SqliteStore};
pub use inspection::{DynInspectionStore, InspectionStore};
pub use mi::{DynMiStore, MiStore};
pub use mi_outcomes::{DynMiOutcomeStore, MiOutcomeStore};
pub use projections::workload::OfficerWorkloads;
pub use search::SearchReach;
pub use staff_equality::{DynStaffEqualityStore, StaffEqualityStore};
pub use workload::{DynWorkloadStore, WorkloadStore};

use domain::event::{NewEvent, RecordedEvent};
use domain::ids::{Code, Crn, Pnc};
use domain::org::Organisation;
use domain::projection::CaseSummary;
use std::collections::BTreeMap;
use std::future::Future;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "case {crn} has changed: you expected version {expected} but it is at version {actual}; reload the case and try again"
    )]
    Conflict { crn: Crn, expected: u64, actual: u64 },
    /// The case's state does not allow the event at `index`; `field` is the path within the
    /// event, `problem` says why (without the field, which the message adds).
    #[error("event {index}: {field}: {problem}")]
    Rejected { index: usize, field: &'static str, problem: String },
    #[error("{0}")]
    Invalid(String),
    /// Bad input at a named place in the request (`events[0].occurred_at`): refused, nothing
    /// written. The field is data, for the page's error summary; the problem names it too.
    #[error("{problem}")]
    Field { field: String, problem: String },
    #[error("the store is not empty: import and generate load into an empty store only")]
    NotEmpty,
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// From a read made on SQLite directly, not through sqlx (`SqliteStore`'s session check
    /// and MI re-summing).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Stored data that cannot be read back: `what` it was and why.
impl StoreError {
    /// Bad input at `field`: `problem` is a sentence that begins with the field's name.
    pub fn field(field: impl Into<String>, problem: impl Into<String>) -> Self {
        StoreError::Field { field: field.into(), problem: problem.into() }
    }
}

pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// What a consistency check found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckReport {
    pub cases: u64,
    pub events: u64,
    /// Each difference between the live projections and a rebuild, described.
    pub differences: Vec<String>,
}

impl CheckReport {
    pub fn is_consistent(&self) -> bool {
        self.differences.is_empty()
    }
}

/// The storage contract. Both engines implement it with the same SQL, and one test suite
/// runs against both (`tests/store_suite.rs`).
#[dynosaur::dynosaur(pub DynCaseStore = dyn(box) CaseStore)]
pub trait CaseStore: Send + Sync {
    fn engine(&self) -> Engine;

    /// Appends `events` to the case's stream if it is at `expected_version` (0 for a new
    /// case), checking each against the case's state, and updates the projections in the
    /// same transaction. Returns the new version.
    /// `recorded_at` is when they are written, from the caller's clock (`services::clock`):
    /// the store reads no clock of its own, so a pinned clock pins the record too.
    fn append(
        &self,
        crn: &Crn,
        expected_version: u64,
        events: &[NewEvent],
        recorded_at: jiff::Timestamp,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// [`append`](Self::append) for a caller that has just read the case's stream (`past`,
    /// as [`stream`](Self::stream) or [`streams`](Self::streams) returned it): the append
    /// expects the version `past` is at, and folds `past` instead of reading it again. A
    /// writer since the read gets `Conflict`, as with `append`: the stream is append-only, so
    /// a case still at that version still holds exactly those events.
    fn append_to(
        &self,
        crn: &Crn,
        past: &[RecordedEvent],
        events: &[NewEvent],
        recorded_at: jiff::Timestamp,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// The whole stream of a case, in order.
    fn stream(&self, crn: &Crn) -> impl Future<Output = Result<Vec<RecordedEvent>, StoreError>> + Send;

    /// The whole streams of these cases, each in order, in one query for up to 500 of them (a
    /// worklist folds every case of a caseload); a case with no events is absent.
    fn streams(
        &self,
        crns: &[Crn],
    ) -> impl Future<Output = Result<BTreeMap<Crn, Vec<RecordedEvent>>, StoreError>> + Send;

    fn summary(&self, crn: &Crn) -> impl Future<Output = Result<Option<CaseSummary>, StoreError>> + Send;

    /// The summaries of these cases, by CRN, in one query for up to 500 of them (an
    /// inspection's sample); a case with no summary is absent.
    fn summaries(&self, crns: &[Crn]) -> impl Future<Output = Result<BTreeMap<Crn, CaseSummary>, StoreError>> + Send;

    /// An officer's active caseload, by family name.
    fn caseload(&self, officer: &Code) -> impl Future<Output = Result<Vec<CaseSummary>, StoreError>> + Send;

    /// A number that changes in the same transaction as any change to a case summary that is
    /// or was on `officer`'s caseload (database triggers, migration 0013); 0 before the first.
    /// A caseload read after reading it is at least as new as it.
    fn caseload_version(&self, officer: &Code) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// Active cases per officer, from the caseload projection.
    fn caseload_counts(&self) -> impl Future<Output = Result<BTreeMap<Code, u64>, StoreError>> + Send;

    /// As [`CaseStore::caseload_counts`], for these officers only (those with no active case
    /// are absent): a few rows of the projection's key rather than every officer's.
    fn caseload_counts_of(
        &self,
        officers: &[Code],
    ) -> impl Future<Output = Result<BTreeMap<Code, u64>, StoreError>> + Send;

    /// Officers' active cases counted by how the workload model weighs them (the workload
    /// projection): these officers', or every officer's with cases when `None`. An officer
    /// with no active case has no entry.
    fn officer_workloads(
        &self,
        officers: Option<&[Code]>,
    ) -> impl Future<Output = Result<OfficerWorkloads, StoreError>> + Send;

    /// Every case summary (for reports and statistics).
    fn all_summaries(&self) -> impl Future<Output = Result<Vec<CaseSummary>, StoreError>> + Send;

    /// Active cases with no responsible officer yet (awaiting their first allocation), by
    /// CRN. Served by the case summary's officer index, so it costs the queue, not the store.
    fn unallocated(&self) -> impl Future<Output = Result<Vec<CaseSummary>, StoreError>> + Send;

    /// Active cases waiting to be transferred to `team` (`CaseSummary::transfer_to`), by CRN.
    /// Served by an index of the waiting transfers alone.
    fn transfers_to(&self, team: &Code) -> impl Future<Output = Result<Vec<CaseSummary>, StoreError>> + Send;

    fn organisation(&self) -> impl Future<Output = Result<Organisation, StoreError>> + Send;

    /// People whose CRN is `query` or whose family name starts with it, both ignoring case as
    /// `str::to_lowercase` does, by family name, first name and CRN (byte order), at most
    /// `limit`, and within `reach` when one is given. Reads only the matching names (an
    /// index), never every summary.
    fn search_people(
        &self,
        query: &str,
        limit: usize,
        reach: Option<&SearchReach>,
    ) -> impl Future<Output = Result<Vec<CaseSummary>, StoreError>> + Send;

    /// People whose PNC is `pnc`, however it was written (`Pnc::key`), by CRN. Reads only
    /// the matching rows (an index).
    fn people_with_pnc(&self, pnc: &Pnc) -> impl Future<Output = Result<Vec<CaseSummary>, StoreError>> + Send;

    /// The part of the organisation around `staff` and `teams`: those staff, those teams and
    /// the staff's teams, and the offices, boroughs and areas above them. Enough to place a
    /// few cases and officers without reading every member of staff.
    fn organisation_around(
        &self,
        staff: &[Code],
        teams: &[Code],
    ) -> impl Future<Output = Result<Organisation, StoreError>> + Send;

    /// Whether the store holds no events and no organisation.
    fn is_empty(&self) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Loads an organisation and whole cases into an EMPTY store in one transaction: all of
    /// it lands or none of it does. `cases` yields batches; `progress` is told how many
    /// cases have been written so far.
    fn bulk_load(
        &self,
        org: &Organisation,
        cases: &mut (dyn Iterator<Item = Result<Vec<LoadCase>, StoreError>> + Send),
        progress: &(dyn Fn(u64) + Sync),
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Every event row in (crn, seq) order, passed to `sink` one at a time.
    fn export_events(
        &self,
        sink: &mut (dyn FnMut(EventRow) -> Result<(), StoreError> + Send),
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Recomputes every projection from the log, in one transaction.
    fn rebuild(&self) -> impl Future<Output = Result<CheckReport, StoreError>> + Send;

    /// Compares the live projections with a rebuild from the log, changing nothing.
    fn check(&self) -> impl Future<Output = Result<CheckReport, StoreError>> + Send;
}

/// A parsed `--database` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("database: `sqlite://` needs a file path, e.g. sqlite://probity.db".into());
            }
            Ok(Self::Sqlite(path.to_owned()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else {
            Err(format!("database: `{url}` is not a sqlite:// or postgres:// URL"))
        }
    }
}

/// Runs `$body` with `$store` bound to the store the URL names, whichever engine it is, so
/// callers write their code once against [`CaseStore`].
#[macro_export]
macro_rules! with_store {
    ($url:expr, |$store:ident| $body:expr) => {
        match $url {
            $crate::DatabaseUrl::Sqlite(path) => {
                let $store = $crate::SqliteStore::open(&path).await?;
                $body
            }
            $crate::DatabaseUrl::Postgres(url) => {
                let $store = $crate::PostgresStore::connect(&url).await?;
                $body
            }
        }
    };
}
