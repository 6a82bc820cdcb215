//! Every projection of the case log, in one list ([`Projection::ALL`]): what an append moves
//! in its transaction, what a bulk load and a rebuild write, and what `check` compares with a
//! fold of the log. Each projection's rows for a case are computed from the case's one fold
//! ([`crate::fold::FoldedCase`]) by the same function on every path, so a difference can only
//! come from the store's bookkeeping, which is what `check` looks for.
//!
//! Adding a projection is adding an entry to the list: each operation below matches on it,
//! so the compiler names every place that must say what the new projection does.

pub(crate) mod cases;
pub(crate) mod mi_facts;
mod mi_resum;
pub(crate) mod outcomes;
pub(crate) mod search_keys;
pub(crate) mod workload;

use crate::codec::{EVENT_COLUMNS, EventRow};
use crate::db::{PostgresStore, SqliteStore};
use crate::fold::{FoldedCase, each_case};
use crate::{CheckReport, StoreError};
use analytics::measures::Fact;
use domain::ids::{Code, Crn};
use domain::projection::CaseSummary;
use outcomes::OutcomeRows;
use search_keys::{SearchKey, family_key, pnc_key};
use sqlx::AssertSqlSafe;
use std::collections::BTreeMap;

/// Declares the projections and the list of them together, so none is left off the list.
macro_rules! projection_list {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// A projection of the log.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Projection {
            $($(#[$doc])* $name,)*
        }

        impl Projection {
            /// Every projection: append, bulk load, rebuild and check each go through all of them.
            pub(crate) const ALL: &[Projection] = &[$(Projection::$name,)*];
        }
    };
}

projection_list! {
    /// `streams`: the version of each case (claimed first by an append, as its lock).
    Streams,
    /// `case_summary`: one row per case.
    CaseSummary,
    /// `search_keys`: each summary's family name as a search compares it, and its PNC as the
    /// duplicate check does.
    SearchKeys,
    /// `caseload`: active cases per officer.
    Caseload,
    /// `workload_cases`: each officer's active cases by how the workload model weighs them.
    Workload,
    /// `mi_facts` and the three pre-summed `mi_monthly*` tables.
    MiFacts,
    /// `mi_reoffending` and `mi_outcomes`.
    Outcomes,
}

impl Projection {
    /// The tables it writes, emptied by a rebuild.
    pub(crate) fn tables(self) -> &'static [&'static str] {
        match self {
            Projection::Streams => &["streams"],
            Projection::CaseSummary => &["case_summary"],
            Projection::SearchKeys => &["search_keys"],
            Projection::Caseload => &["caseload"],
            Projection::Workload => &["workload_cases"],
            Projection::MiFacts => mi_facts::TABLES,
            Projection::Outcomes => outcomes::TABLES,
        }
    }
}

/// Some cases' rows in the projections asked for, each computed from a case's fold: what a
/// bulk load or a rebuild writes, and what `check` compares the live tables with.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    pub cases: u64,
    pub events: u64,
    pub versions: Vec<(Crn, u64)>,
    pub summaries: Vec<CaseSummary>,
    pub search_keys: Vec<SearchKey>,
    /// Officers' counts, to add to the live ones.
    pub caseload: BTreeMap<Code, i64>,
    /// Officers' workload counts, to add to the live ones.
    pub workload: BTreeMap<workload::Key, i64>,
    pub facts: Vec<(Crn, Fact)>,
    pub outcomes: OutcomeRows,
}

impl Rows {
    /// Adds a folded case's rows in each of `only`.
    pub(crate) fn add(&mut self, case: &FoldedCase<'_>, only: &[Projection]) {
        self.cases += 1;
        let summary = case.summary();
        for p in only {
            match p {
                Projection::Streams => self.versions.push((case.crn.clone(), case.state.version)),
                Projection::CaseSummary => self.summaries.extend(summary.clone()),
                Projection::SearchKeys => {
                    let pnc = pnc_key(case.state.person.as_ref().and_then(|p| p.pnc.as_ref()));
                    let key = summary.as_ref().map(|s| (case.crn.clone(), family_key(&s.family_name), pnc));
                    self.search_keys.extend(key);
                }
                Projection::Caseload => {
                    if let Some(o) = summary.as_ref().and_then(|s| s.caseload_officer()) {
                        *self.caseload.entry(o.clone()).or_insert(0) += 1;
                    }
                }
                Projection::Workload => workload::count(&mut self.workload, summary.as_ref(), 1),
                Projection::MiFacts => self.facts.extend(case.facts.iter().map(|f| (case.crn.clone(), f.clone()))),
                Projection::Outcomes => self.outcomes.add(case),
            }
        }
    }
}

macro_rules! impl_projections {
    ($store:ty, $conn:ty) => {
        impl $store {
            /// Moves every projection to a case's fold after an append, in the append's
            /// transaction. `before` is the case's summary before the new events.
            pub(crate) async fn project_append(
                conn: &mut $conn,
                before: Option<&CaseSummary>,
                case: &FoldedCase<'_>,
            ) -> Result<(), StoreError> {
                let after = case.summary();
                for p in Projection::ALL {
                    match p {
                        // Already at the new version: the append claimed it first.
                        Projection::Streams => {}
                        Projection::CaseSummary => {
                            if let Some(s) = &after {
                                Self::upsert_summary(conn, s).await?;
                            }
                        }
                        Projection::SearchKeys => {
                            if let Some(s) = &after {
                                let pnc = case.state.person.as_ref().and_then(|p| p.pnc.as_ref());
                                Self::put_search_key(conn, &case.crn, &s.family_name, pnc).await?;
                            }
                        }
                        Projection::Caseload => {
                            Self::caseload_add(conn, &cases::caseload_delta(before, after.as_ref())).await?
                        }
                        Projection::Workload => {
                            Self::workload_add(conn, &workload::delta(before, after.as_ref())).await?
                        }
                        Projection::MiFacts => Self::mi_replace_case(conn, &case.crn, &case.facts).await?,
                        Projection::Outcomes => Self::outcomes_replace_case(conn, case).await?,
                    }
                }
                Ok(())
            }

            /// Writes the rows of cases new to the projections of `only` (a bulk load's batch,
            /// or a rebuild after [`Self::project_clear`]).
            pub(crate) async fn project_write(
                conn: &mut $conn,
                rows: &Rows,
                only: &[Projection],
            ) -> Result<(), StoreError> {
                for p in only {
                    match p {
                        Projection::Streams => Self::streams_write(conn, &rows.versions).await?,
                        Projection::CaseSummary => Self::summaries_write(conn, &rows.summaries).await?,
                        Projection::SearchKeys => Self::search_keys_write(conn, &rows.search_keys).await?,
                        Projection::Caseload => Self::caseload_add(conn, &rows.caseload).await?,
                        Projection::Workload => Self::workload_add(conn, &rows.workload).await?,
                        Projection::MiFacts => Self::mi_write_facts(conn, &rows.facts).await?,
                        Projection::Outcomes => Self::outcomes_write(conn, &rows.outcomes).await?,
                    }
                }
                Ok(())
            }

            /// Empties the tables of `only`.
            pub(crate) async fn project_clear(conn: &mut $conn, only: &[Projection]) -> Result<(), StoreError> {
                for table in only.iter().flat_map(|p| p.tables()) {
                    let sql = format!("DELETE FROM {table}");
                    sqlx::query(AssertSqlSafe(sql.as_str())).execute(&mut *conn).await?;
                }
                Ok(())
            }

            /// Every case of the log folded once, with its rows in each of `only`.
            pub(crate) async fn project_log(&self, only: &[Projection]) -> Result<Rows, StoreError> {
                let mut out = Rows::default();
                let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY crn, seq");
                let rows = sqlx::query_as::<_, EventRow>(AssertSqlSafe(sql.as_str())).fetch(self.pool());
                let events = each_case(rows, |case| {
                    out.add(case, only);
                    Ok(())
                })
                .await?;
                out.events = events;
                Ok(out)
            }

            /// Recomputes the projections of `only` from the log, in one transaction.
            pub(crate) async fn project_rebuild(&self, only: &[Projection]) -> Result<Rows, StoreError> {
                let rows = self.project_log(only).await?;
                let mut tx = self.pool().begin().await?;
                Self::project_clear(&mut tx, only).await?;
                Self::project_write(&mut tx, &rows, only).await?;
                tx.commit().await?;
                Ok(rows)
            }

            /// Each difference between the live projections of `only` and `want`.
            pub(crate) async fn project_check(
                &self,
                want: &Rows,
                only: &[Projection],
            ) -> Result<Vec<String>, StoreError> {
                let mut out = Vec::new();
                for p in only {
                    out.extend(match p {
                        Projection::Streams => self.streams_check_against(&want.versions).await?,
                        Projection::CaseSummary => self.summaries_check_against(&want.summaries).await?,
                        Projection::SearchKeys => self.search_keys_check_against(&want.search_keys).await?,
                        Projection::Caseload => self.caseload_check_against(&want.caseload).await?,
                        Projection::Workload => self.workload_check_against(&want.workload).await?,
                        Projection::MiFacts => self.mi_check_against(&want.facts).await?,
                        Projection::Outcomes => self.outcomes_check_against(&want.outcomes).await?,
                    });
                }
                Ok(out)
            }

            /// Compares every projection with a fold of the log, changing nothing.
            pub(crate) async fn project_check_all(&self) -> Result<CheckReport, StoreError> {
                let want = self.project_log(Projection::ALL).await?;
                let differences = self.project_check(&want, Projection::ALL).await?;
                Ok(CheckReport { cases: want.cases, events: want.events, differences })
            }
        }
    };
}

impl_projections!(SqliteStore, sqlx::SqliteConnection);
impl_projections!(PostgresStore, sqlx::PgConnection);
