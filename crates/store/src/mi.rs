//! The management information projection: the dated facts of `analytics::measures`, one set
//! per case, kept in `mi_facts`.
//!
//! The facts of a case are replaced in the same transaction as each append to it (and written
//! by bulk loads and rebuilds), so every figure is a SQL `GROUP BY` over projections, and
//! [`MiStore::mi_check`] proves the live rows equal a full recompute from the log.

use crate::codec::{EVENT_COLUMNS, EventRow, LoadCase, to_stored_precision};
use crate::engine::Value;
use crate::{PostgresStore, SqliteStore, StoreError};
use analytics::measures::{Fact, Figure, Grouping, MeasureId, MeasureKind, Scope, facts_from_record};
use domain::case::uk_date;
use domain::event::{NewEvent, RecordedEvent};
use domain::ids::{Code, Crn};
use futures_util::TryStreamExt;
use jiff::civil::Date;
use sqlx::AssertSqlSafe;
use std::collections::BTreeMap;
use std::future::Future;

pub(crate) const FACT_COLUMNS: &str = "crn, measure, on_date, met, officer, team, fact_key";

/// Management information figures from the projection. (PostgreSQL sums a BIGINT to NUMERIC,
/// hence the casts back to BIGINT in the queries.)
pub trait MiStore {
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

    /// Each difference between the live facts and a recompute from the log, described.
    fn mi_check(&self) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn fact_values(crn: &str, f: &Fact) -> Vec<Value> {
    vec![
        Value::Text(crn.to_owned()),
        Value::Text(f.measure.id().to_owned()),
        Value::OptText(f.on.map(|d| d.to_string())),
        Value::Int(i64::from(f.met)),
        Value::OptText(f.officer.as_ref().map(|c| c.to_string())),
        Value::OptText(f.team.as_ref().map(|c| c.to_string())),
        Value::OptText(f.key.clone()),
    ]
}

fn facts_of(crn: &Crn, events: &[RecordedEvent]) -> Result<Vec<Fact>, StoreError> {
    facts_from_record(crn, events).map_err(|r| corrupt(&format!("stream {crn}"), r))
}

/// The facts of a case after appending `new` to `past`.
pub(crate) fn facts_after_append(crn: &Crn, past: &[RecordedEvent], new: &[NewEvent]) -> Result<Vec<Fact>, StoreError> {
    let events = past
        .iter()
        .map(|e| (uk_date(e.occurred_at), &e.event))
        .chain(new.iter().map(|e| (uk_date(to_stored_precision(e.occurred_at)), &e.event)));
    analytics::measures::case_facts(crn, events).map_err(|r| corrupt(&format!("stream {crn}"), r))
}

fn load_rows(cases: &[LoadCase]) -> Result<Vec<Vec<Value>>, StoreError> {
    let mut rows = Vec::new();
    for case in cases {
        let Some(first) = case.rows.first() else { continue };
        let events: Vec<RecordedEvent> = case
            .rows
            .iter()
            .map(|r| r.decode().map_err(|(c, p)| corrupt(&format!("event {}#{} {c}", r.crn, r.seq), p)))
            .collect::<Result<_, _>>()?;
        let crn = events.first().map(|e| e.crn.clone()).ok_or_else(|| corrupt("case", &first.crn))?;
        rows.extend(facts_of(&crn, &events)?.iter().map(|f| fact_values(crn.as_str(), f)));
    }
    Ok(rows)
}

fn parse_fact(row: FactRow) -> Result<(Crn, Fact), StoreError> {
    let (crn, measure, on, met, officer, team, key) = row;
    let code = |c: Option<String>| c.map(|c| Code::parse(&c).map_err(|e| corrupt("mi_facts code", e))).transpose();
    Ok((
        Crn::parse(&crn).map_err(|e| corrupt("mi_facts crn", e))?,
        Fact {
            measure: MeasureId::parse(&measure).ok_or_else(|| corrupt("mi_facts measure", &measure))?,
            on: on.map(|d| d.parse().map_err(|e| corrupt("mi_facts on_date", e))).transpose()?,
            met: met != 0,
            officer: code(officer)?,
            team: code(team)?,
            key,
        },
    ))
}

type FactRow = (String, String, Option<String>, i64, Option<String>, Option<String>, Option<String>);

/// The WHERE clause and its parameter for a scope; offices, boroughs and areas are resolved
/// through the organisation tables, as `Scope::contains` resolves them through `Organisation`.
fn scope_filter(scope: &Scope) -> (&'static str, Option<String>) {
    match scope {
        Scope::Provider => ("", None),
        Scope::Officer(c) => (" AND f.officer = $4", Some(c.to_string())),
        Scope::Team(c) => (" AND f.team = $4", Some(c.to_string())),
        Scope::Office(c) => (" AND t.office = $4", Some(c.to_string())),
        Scope::Borough(c) => (" AND o.borough = $4", Some(c.to_string())),
        Scope::Area(c) => (" AND b.area = $4", Some(c.to_string())),
    }
}

const PLACE_JOINS: &str = "FROM mi_facts f LEFT JOIN teams t ON t.code = f.team \
     LEFT JOIN offices o ON o.code = t.office LEFT JOIN boroughs b ON b.code = o.borough";

/// Sums by month (and key) folded into the requested periods.
fn figures_from_months(
    measure: MeasureId,
    scope: &Scope,
    grouping: Grouping,
    rows: Vec<(String, String, i64, i64)>,
) -> Vec<Figure> {
    let mut sums: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for (month, key, n, d) in rows {
        let sum = sums.entry((grouping.of_month(&month), key)).or_default();
        sum.0 += n.max(0) as u64;
        sum.1 += d.max(0) as u64;
    }
    sums.into_iter().map(|((period, key), (n, d))| Figure::new(measure, scope, period, key, n, d)).collect()
}

macro_rules! impl_mi_store {
    ($store:ty, $conn:ty) => {
        impl $store {
            /// Replaces a case's facts after an append (called in the append's transaction).
            pub(crate) async fn mi_replace_case(
                conn: &mut $conn,
                crn: &Crn,
                past: &[RecordedEvent],
                new: &[NewEvent],
            ) -> Result<(), StoreError> {
                let facts = facts_after_append(crn, past, new)?;
                sqlx::query("DELETE FROM mi_facts WHERE crn = $1").bind(crn.as_str()).execute(&mut *conn).await?;
                let rows: Vec<Vec<Value>> = facts.iter().map(|f| fact_values(crn.as_str(), f)).collect();
                Self::insert_rows(conn, "mi_facts", FACT_COLUMNS, 7, &rows).await
            }

            /// Writes the facts of whole cases being bulk loaded.
            pub(crate) async fn mi_load(conn: &mut $conn, cases: &[LoadCase]) -> Result<(), StoreError> {
                Self::insert_rows(conn, "mi_facts", FACT_COLUMNS, 7, &load_rows(cases)?).await
            }

            /// Recomputes every case's facts from the log, on `conn` (inside a rebuild).
            pub(crate) async fn mi_rebuild(conn: &mut $conn) -> Result<(), StoreError> {
                let facts = {
                    let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY crn, seq");
                    let rows = sqlx::query_as::<_, EventRow>(AssertSqlSafe(sql.as_str())).fetch(&mut *conn);
                    recompute(rows).await?
                };
                sqlx::query("DELETE FROM mi_facts").execute(&mut *conn).await?;
                let rows: Vec<Vec<Value>> = facts.iter().map(|(c, f)| fact_values(c.as_str(), f)).collect();
                Self::insert_rows(conn, "mi_facts", FACT_COLUMNS, 7, &rows).await
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
                let (filter, param) = scope_filter(scope);
                match measure.kind() {
                    MeasureKind::Period => {
                        let sql = format!(
                            "SELECT substr(f.on_date, 1, 7), COALESCE(f.fact_key, ''), CAST(SUM(f.met) AS BIGINT), COUNT(*) {PLACE_JOINS} \
                             WHERE f.measure = $1 AND f.on_date >= $2 AND f.on_date <= $3{filter} GROUP BY 1, 2 ORDER BY 1, 2"
                        );
                        let mut q = sqlx::query_as::<_, (String, String, i64, i64)>(AssertSqlSafe(sql.as_str()))
                            .bind(measure.id())
                            .bind(from.to_string())
                            .bind(to.to_string());
                        if let Some(p) = param {
                            q = q.bind(p);
                        }
                        let rows = q.fetch_all(self.pool()).await?;
                        Ok(figures_from_months(measure, scope, grouping, rows))
                    }
                    MeasureKind::AsAt => {
                        // $3 is unused but bound, so the scope parameter is always $4.
                        let sql = format!(
                            "SELECT COALESCE(f.fact_key, ''), \
                             CAST(SUM(CASE WHEN f.on_date IS NOT NULL AND f.on_date <= $2 THEN 1 ELSE 0 END) AS BIGINT), COUNT(*) \
                             {PLACE_JOINS} WHERE f.measure = $1 AND $3 = $3{filter} GROUP BY 1 ORDER BY 1"
                        );
                        let mut q = sqlx::query_as::<_, (String, i64, i64)>(AssertSqlSafe(sql.as_str()))
                            .bind(measure.id())
                            .bind(to.to_string())
                            .bind(to.to_string());
                        if let Some(p) = param {
                            q = q.bind(p);
                        }
                        let rows = q.fetch_all(self.pool()).await?;
                        Ok(rows
                            .into_iter()
                            .map(|(key, n, d)| {
                                Figure::new(measure, scope, to.to_string(), key, n.max(0) as u64, d.max(0) as u64)
                            })
                            .collect())
                    }
                }
            }

            async fn mi_facts(&self) -> Result<Vec<(Crn, Fact)>, StoreError> {
                let sql = format!("SELECT {FACT_COLUMNS} FROM mi_facts");
                let rows: Vec<FactRow> = sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                let mut facts: Vec<(Crn, Fact)> = rows.into_iter().map(parse_fact).collect::<Result<_, _>>()?;
                facts.sort();
                Ok(facts)
            }

            async fn mi_recompute(&self) -> Result<Vec<(Crn, Fact)>, StoreError> {
                let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY crn, seq");
                let rows = sqlx::query_as::<_, EventRow>(AssertSqlSafe(sql.as_str())).fetch(self.pool());
                let mut facts = recompute(rows).await?;
                facts.sort();
                Ok(facts)
            }

            async fn mi_check(&self) -> Result<Vec<String>, StoreError> {
                let live = self.mi_facts().await?;
                let want = self.mi_recompute().await?;
                Ok(differences(&live, &want))
            }
        }
    };
}

/// Folds a stream of event rows in (crn, seq) order into every case's facts.
async fn recompute<S>(mut rows: S) -> Result<Vec<(Crn, Fact)>, StoreError>
where
    S: futures_util::Stream<Item = Result<EventRow, sqlx::Error>> + Unpin,
{
    let mut out = Vec::new();
    let mut events: Vec<RecordedEvent> = Vec::new();
    let mut finish = |events: &mut Vec<RecordedEvent>| -> Result<(), StoreError> {
        if let Some(crn) = events.first().map(|e| e.crn.clone()) {
            out.extend(facts_of(&crn, events)?.into_iter().map(|f| (crn.clone(), f)));
        }
        events.clear();
        Ok(())
    };
    while let Some(row) = rows.try_next().await? {
        let e = row.decode().map_err(|(c, p)| corrupt(&format!("event {}#{} {c}", row.crn, row.seq), p))?;
        if events.first().is_some_and(|f| f.crn != e.crn) {
            finish(&mut events)?;
        }
        events.push(e);
    }
    finish(&mut events)?;
    Ok(out)
}

fn differences(live: &[(Crn, Fact)], want: &[(Crn, Fact)]) -> Vec<String> {
    fn count(facts: &[(Crn, Fact)]) -> BTreeMap<&(Crn, Fact), i64> {
        let mut m = BTreeMap::new();
        for f in facts {
            *m.entry(f).or_default() += 1;
        }
        m
    }
    let (live, want) = (count(live), count(want));
    let mut out = Vec::new();
    for (fact, n) in &want {
        let got = live.get(fact).copied().unwrap_or(0);
        if got != *n {
            out.push(format!("mi_facts: {} {:?} appears {got} times live, {n} in a recompute", fact.0, fact.1));
        }
    }
    for (fact, n) in live.iter().filter(|(f, _)| !want.contains_key(*f)) {
        out.push(format!("mi_facts: {} {:?} appears {n} times live and not in a recompute", fact.0, fact.1));
    }
    out
}

impl_mi_store!(SqliteStore, sqlx::SqliteConnection);
impl_mi_store!(PostgresStore, sqlx::PgConnection);
