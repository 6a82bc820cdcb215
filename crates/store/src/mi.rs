//! Management information figures, read from the MI facts projection
//! ([`crate::projections`]: `mi_facts`, and the same facts pre-summed in `mi_monthly`,
//! `mi_monthly_team` and `mi_monthly_provider`).
//!
//! The whole provider's figure reads `mi_monthly_provider`; a team's, office's, borough's or
//! area's reads the `mi_monthly_team` rows of its teams (found through the organisation as it
//! is now, so a team that moves takes its figures with it); an officer's reads `mi_monthly`;
//! and only the part-months at the ends of a period that does not start and end on month
//! boundaries read the facts. [`MiStore::mi_check`] proves the live facts equal a full
//! recompute from the log and the pre-summed tables equal a re-summing of the facts.

use crate::StoreError;
use crate::db::{PostgresStore, SqliteStore};
use crate::projections::Projection;
use crate::projections::mi_facts::FACT_COLUMNS;
use analytics::measures::{Fact, Figure, Grouping, MeasureId, MeasureKind, Scope};
use domain::ids::{Code, Crn};
use futures_util::TryStreamExt;
use jiff::civil::Date;
use sqlx::AssertSqlSafe;
use std::collections::BTreeMap;
use std::future::Future;

pub use crate::projections::mi_facts::{FactRow, SumKey, Sums, by_provider, by_team, period_of, sum_facts};

/// The one projection these figures read.
const ONLY: &[Projection] = &[Projection::MiFacts];

/// Management information figures from the projection. (PostgreSQL sums a BIGINT to NUMERIC,
/// hence the casts back to BIGINT in the queries.)
#[dynosaur::dynosaur(pub DynMiStore = dyn(box) MiStore)]
pub trait MiStore: Send + Sync {
    /// A measure's figures for a scope: by `grouping` over facts dated `from` to `to` for a
    /// period measure, as at `to` for an as-at one (from the record as it stands).
    fn mi_figures(
        &self,
        measure: MeasureId,
        scope: &Scope,
        from: Date,
        to: Date,
        grouping: Grouping,
    ) -> impl Future<Output = Result<Vec<Figure>, StoreError>> + Send;

    /// Every stored fact, by case, in a stable order.
    fn mi_facts(&self) -> impl Future<Output = Result<Vec<(Crn, Fact)>, StoreError>> + Send;

    /// The facts a full recompute from the log gives, in the same order as [`MiStore::mi_facts`].
    fn mi_recompute(&self) -> impl Future<Output = Result<Vec<(Crn, Fact)>, StoreError>> + Send;

    /// Each difference between the live facts and a recompute from the log, and between the
    /// pre-summed tables and a re-summing of the facts, described.
    fn mi_check(&self) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// The pre-summed rows as stored in `mi_monthly`.
    fn mi_monthly(&self) -> impl Future<Output = Result<BTreeMap<SumKey, Sums>, StoreError>> + Send;

    /// Every fact re-summed (PostgreSQL: one `GROUP BY` over `mi_facts`; SQLite: slices read
    /// side by side and merged, as its `GROUP BY` sorts and spills): what
    /// `mi_monthly` must hold, and every figure of every measure in one pass.
    fn mi_resum(&self) -> impl Future<Output = Result<BTreeMap<SumKey, Sums>, StoreError>> + Send;

    /// Recomputes the MI projection (facts and pre-summed tables) from the log, in one
    /// transaction; returns how many facts it wrote. For a store opened after the projection
    /// gained a measure or a table.
    fn mi_rebuild_projection(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Streams every stored fact to `sink`, by case; returns how many.
    fn mi_export_facts(
        &self,
        sink: &mut (dyn FnMut(FactRow) -> Result<(), StoreError> + Send),
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// The WHERE clause and its parameter for a scope over facts. As over the pre-summed tables
/// ([`summed_from`]), an office's, borough's or area's facts are its teams' as the
/// organisation stands now, the teams a subquery, so each team's facts of the measure and days
/// are one range of `mi_facts_by_team` (migration 0024) rather than every team's facts of
/// those days joined to the organisation and filtered afterwards.
fn scope_filter(scope: &Scope) -> (&'static str, Option<String>) {
    match scope {
        Scope::Provider => ("", None),
        Scope::Officer(c) => (" AND f.officer = $4", Some(c.to_string())),
        Scope::Team(c) => (" AND f.team = $4", Some(c.to_string())),
        Scope::Office(c) => (" AND f.team IN (SELECT t.code FROM teams t WHERE t.office = $4)", Some(c.to_string())),
        Scope::Borough(c) => (
            " AND f.team IN (SELECT t.code FROM teams t JOIN offices o ON o.code = t.office WHERE o.borough = $4)",
            Some(c.to_string()),
        ),
        Scope::Area(c) => (
            " AND f.team IN (SELECT t.code FROM teams t JOIN offices o ON o.code = t.office \
             JOIN boroughs b ON b.code = o.borough WHERE b.area = $4)",
            Some(c.to_string()),
        ),
    }
}

/// The FROM and WHERE of a scope over the pre-summed tables: the provider's roll-up, an
/// officer's own rows, else the rows of the scope's teams. The teams are a subquery, so the
/// database reads each team's rows from `mi_monthly_team_covering` rather than every team's
/// rows of the measure joined to the organisation and filtered afterwards.
fn summed_from(scope: &Scope) -> (&'static str, &'static str, Option<String>) {
    let code = |c: &Code| Some(c.to_string());
    match scope {
        Scope::Provider => ("mi_monthly_provider m", "", None),
        Scope::Officer(c) => ("mi_monthly m", " AND m.officer = $4", code(c)),
        Scope::Team(c) => ("mi_monthly_team m", " AND m.team = $4", code(c)),
        Scope::Office(c) => {
            ("mi_monthly_team m", " AND m.team IN (SELECT t.code FROM teams t WHERE t.office = $4)", code(c))
        }
        Scope::Borough(c) => (
            "mi_monthly_team m",
            " AND m.team IN (SELECT t.code FROM teams t JOIN offices o ON o.code = t.office WHERE o.borough = $4)",
            code(c),
        ),
        Scope::Area(c) => (
            "mi_monthly_team m",
            " AND m.team IN (SELECT t.code FROM teams t JOIN offices o ON o.code = t.office \
             JOIN boroughs b ON b.code = o.borough WHERE b.area = $4)",
            code(c),
        ),
    }
}

/// Sums by month (and key) folded into the requested periods.
fn figures_from_months(
    measure: MeasureId,
    scope: &Scope,
    grouping: Grouping,
    rows: Vec<(String, String, i64, i64, i64)>,
) -> Vec<Figure> {
    let mut sums: BTreeMap<(String, String), Sums> = BTreeMap::new();
    for (month, key, met, total, weight) in rows {
        sums.entry((grouping.of_month(&month), key)).or_default().add(Sums { met, total, weight });
    }
    sums.into_iter()
        .map(|((period, key), s)| {
            let n = |v: i64| u64::try_from(v.max(0)).unwrap_or(0);
            Figure::new(measure, scope, period, key, n(s.met), n(s.total)).with_weight(n(s.weight))
        })
        .collect()
}

type DayRanges = Vec<(Date, Date)>;

/// A period split into whole months (read pre-summed) and the part-months at either end
/// (read from the facts): (whole months as first and last "YYYY-MM", part-month day ranges).
fn split_months(from: Date, to: Date) -> (Option<(String, String)>, DayRanges) {
    let first = if from.day() == 1 { Some(from) } else { from.last_of_month().tomorrow().ok() };
    let last = if to == to.last_of_month() { Some(to) } else { to.first_of_month().yesterday().ok() };
    match (first, last) {
        (Some(first), Some(last)) if first <= last => {
            let mut parts = Vec::new();
            if let Ok(before) = first.yesterday()
                && from <= before
            {
                parts.push((from, before));
            }
            if let Ok(after) = last.tomorrow()
                && after <= to
            {
                parts.push((after, to));
            }
            (Some((Grouping::Month.label(first), Grouping::Month.label(last))), parts)
        }
        _ => (None, vec![(from, to)]),
    }
}

macro_rules! impl_mi_store {
    ($store:ty) => {
        impl $store {
            /// A period measure's sums by month and key, for whole months from the pre-summed
            /// rows and for part-months from the facts.
            async fn mi_month_rows(
                &self,
                measure: MeasureId,
                scope: &Scope,
                from: Date,
                to: Date,
            ) -> Result<Vec<(String, String, i64, i64, i64)>, StoreError> {
                let (months, parts) = split_months(from, to);
                let mut out = Vec::new();
                if let Some((first, last)) = months {
                    let (tables, filter, param) = summed_from(scope);
                    let sql = format!(
                        "SELECT m.period, m.fact_key, CAST(SUM(m.met) AS BIGINT), CAST(SUM(m.total) AS BIGINT), \
                         CAST(SUM(m.weight) AS BIGINT) FROM {tables} \
                         WHERE m.measure = $1 AND m.period >= $2 AND m.period <= $3{filter} GROUP BY 1, 2"
                    );
                    let mut q = sqlx::query_as::<_, (String, String, i64, i64, i64)>(AssertSqlSafe(sql.as_str()))
                        .bind(measure.id())
                        .bind(first)
                        .bind(last);
                    if let Some(p) = param {
                        q = q.bind(p);
                    }
                    out.extend(q.fetch_all(self.pool()).await?);
                }
                let (filter, param) = scope_filter(scope);
                for (a, b) in parts {
                    let sql = format!(
                        "SELECT substr(f.on_date, 1, 7), COALESCE(f.fact_key, ''), CAST(SUM(f.met) AS BIGINT), COUNT(*), \
                         CAST(SUM(f.weight) AS BIGINT) FROM mi_facts f \
                         WHERE f.measure = $1 AND f.on_date >= $2 AND f.on_date <= $3{filter} GROUP BY 1, 2"
                    );
                    let mut q = sqlx::query_as::<_, (String, String, i64, i64, i64)>(AssertSqlSafe(sql.as_str()))
                        .bind(measure.id())
                        .bind(a.to_string())
                        .bind(b.to_string());
                    if let Some(p) = &param {
                        q = q.bind(p.as_str());
                    }
                    out.extend(q.fetch_all(self.pool()).await?);
                }
                Ok(out)
            }
        }

        impl MiStore for $store {
            async fn mi_figures(
                &self,
                measure: MeasureId,
                scope: &Scope,
                from: Date,
                to: Date,
                grouping: Grouping,
            ) -> Result<Vec<Figure>, StoreError> {
                match measure.kind() {
                    MeasureKind::Period => {
                        let rows = self.mi_month_rows(measure, scope, from, to).await?;
                        Ok(figures_from_months(measure, scope, grouping, rows))
                    }
                    MeasureKind::AsAt => {
                        // An as-at row's period is its first failing day ('' for never), so the
                        // figure as at `to` is the rows failing by then over all rows. $3 is
                        // unused but bound, so the scope parameter is always $4.
                        let (tables, filter, param) = summed_from(scope);
                        let sql = format!(
                            "SELECT m.fact_key, \
                             CAST(SUM(CASE WHEN m.period <> '' AND m.period <= $2 THEN m.total ELSE 0 END) AS BIGINT), \
                             CAST(SUM(m.total) AS BIGINT), CAST(SUM(m.weight) AS BIGINT) \
                             FROM {tables} WHERE m.measure = $1 AND $3 = $3{filter} GROUP BY 1 ORDER BY 1"
                        );
                        let mut q = sqlx::query_as::<_, (String, i64, i64, i64)>(AssertSqlSafe(sql.as_str()))
                            .bind(measure.id())
                            .bind(to.to_string())
                            .bind(to.to_string());
                        if let Some(p) = param {
                            q = q.bind(p);
                        }
                        let rows = q.fetch_all(self.pool()).await?;
                        let n = |v: i64| u64::try_from(v.max(0)).unwrap_or(0);
                        Ok(rows
                            .into_iter()
                            .filter(|(_, _, d, _)| *d > 0)
                            .map(|(key, failing, d, w)| {
                                Figure::new(measure, scope, to.to_string(), key, n(failing), n(d)).with_weight(n(w))
                            })
                            .collect())
                    }
                }
            }

            async fn mi_facts(&self) -> Result<Vec<(Crn, Fact)>, StoreError> {
                self.mi_live_facts().await
            }

            async fn mi_recompute(&self) -> Result<Vec<(Crn, Fact)>, StoreError> {
                let mut facts = self.project_log(ONLY).await?.facts;
                facts.sort();
                Ok(facts)
            }

            async fn mi_check(&self) -> Result<Vec<String>, StoreError> {
                let want = self.project_log(ONLY).await?;
                self.project_check(&want, ONLY).await
            }

            async fn mi_monthly(&self) -> Result<BTreeMap<SumKey, Sums>, StoreError> {
                self.mi_live_monthly().await
            }

            async fn mi_resum(&self) -> Result<BTreeMap<SumKey, Sums>, StoreError> {
                self.mi_resum_facts().await
            }

            async fn mi_rebuild_projection(&self) -> Result<u64, StoreError> {
                Ok(self.project_rebuild(ONLY).await?.facts.len() as u64)
            }

            async fn mi_export_facts(
                &self,
                sink: &mut (dyn FnMut(FactRow) -> Result<(), StoreError> + Send),
            ) -> Result<u64, StoreError> {
                let sql = format!("SELECT {FACT_COLUMNS} FROM mi_facts ORDER BY crn");
                let mut rows = sqlx::query_as::<_, FactRow>(AssertSqlSafe(sql.as_str())).fetch(self.pool());
                let mut n = 0;
                while let Some(row) = rows.try_next().await? {
                    sink(row)?;
                    n += 1;
                }
                Ok(n)
            }
        }
    };
}

impl_mi_store!(SqliteStore);
impl_mi_store!(PostgresStore);
