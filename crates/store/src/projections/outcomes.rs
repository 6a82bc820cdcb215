//! The outcomes projections: `mi_reoffending`, a case's cohort entries
//! (`analytics::reoffending::case_cohort_entries`), and `mi_outcomes`, a case's breach, recall
//! and completion with its protected characteristics (`analytics::outcomes::case_outcomes`).
//! Both are computed from a case's fold and replaced for the case in each append's
//! transaction; `check` compares the live rows with a recompute from the log.
//!
//! `mi_reoffending_sums` holds the cohort entries summed by cohort and team, for the
//! reoffending page: each append moves it by the difference between the case's stored entries
//! and its new ones, bulk loads and rebuilds add theirs, and `check` compares it with a
//! re-summing of the entries, as `mi_monthly` is kept (`projections::mi_facts`).

use crate::StoreError;
use crate::db::{PostgresStore, SqliteStore, Value};
use crate::fold::FoldedCase;
use analytics::outcomes::case_outcomes;
use analytics::reoffending::case_cohort_entries;
use domain::ids::Crn;
use sqlx::AssertSqlSafe;
use std::collections::BTreeMap;

pub(crate) const REOFFENDING_COLUMNS: &str = "crn, cohort, start_date, start_kind, reoffences, team";
const OUTCOME_COLUMNS: &str =
    "crn, breach, recall, completion, gender, ethnicity, age_band, disability, religion, nationality, team";

/// Every table of the projection, emptied by a rebuild.
pub(crate) const TABLES: &[&str] = &["mi_reoffending", "mi_reoffending_sums", "mi_outcomes"];

/// Cohort entries summed by (cohort, team or ''): people, reoffenders, proven reoffences.
pub(crate) type ReoffendingSums = BTreeMap<(String, String), [i64; 3]>;
const SUM_KEY: [&str; 2] = ["cohort", "team"];
const SUM_COLUMNS: [&str; 3] = ["people", "reoffenders", "reoffences"];

/// Adds `rows` to `sums`, each counted `sign` times (-1 to take them away).
pub(crate) fn sum_reoffending(sums: &mut ReoffendingSums, rows: &[ReoffendingRow], sign: i64) {
    for (_, cohort, _, _, reoffences, team) in rows {
        let s = sums.entry((cohort.clone(), team.clone().unwrap_or_default())).or_default();
        s[0] += sign;
        s[1] += sign * i64::from(*reoffences > 0);
        s[2] += sign * reoffences;
    }
}

/// A projection row in a comparable form: every column as the database returns it.
pub(crate) type ReoffendingRow = (String, String, String, String, i64, Option<String>);
pub(crate) type OutcomeRow =
    (String, Option<i64>, Option<i64>, Option<i64>, String, String, String, String, String, String, Option<String>);

/// Both tables' rows for some cases.
#[derive(Debug, Default)]
pub(crate) struct OutcomeRows {
    pub reoffending: Vec<ReoffendingRow>,
    pub outcomes: Vec<OutcomeRow>,
}

impl OutcomeRows {
    /// Adds a case's rows, from its fold.
    pub fn add(&mut self, case: &FoldedCase<'_>) {
        let (r, o) = case_rows(&case.crn, case);
        self.reoffending.extend(r);
        self.outcomes.extend(o);
    }
}

/// Both tables' rows for one case.
fn case_rows(crn: &Crn, case: &FoldedCase<'_>) -> (Vec<ReoffendingRow>, Vec<OutcomeRow>) {
    let events = case.events.iter().copied();
    let reoffending = case_cohort_entries(events.clone())
        .into_iter()
        .map(|e| {
            (
                crn.to_string(),
                e.cohort.to_string(),
                e.start.to_string(),
                e.kind.id().to_owned(),
                i64::try_from(e.reoffences).unwrap_or(i64::MAX),
                e.team.map(|t| t.to_string()),
            )
        })
        .collect();
    let flag = |b: Option<bool>| b.map(i64::from);
    let outcomes = case_outcomes(events)
        .map(|o| {
            (
                crn.to_string(),
                flag(o.breach),
                flag(o.recall),
                flag(o.completion),
                o.gender,
                o.ethnicity,
                o.age_band,
                o.disability,
                o.religion,
                o.nationality,
                o.team.map(|t| t.to_string()),
            )
        })
        .into_iter()
        .collect();
    (reoffending, outcomes)
}

fn reoffending_values(r: &ReoffendingRow) -> Vec<Value> {
    vec![
        Value::Text(r.0.clone()),
        Value::Text(r.1.clone()),
        Value::Text(r.2.clone()),
        Value::Text(r.3.clone()),
        Value::Int(r.4),
        Value::OptText(r.5.clone()),
    ]
}

fn outcome_values(r: &OutcomeRow) -> Vec<Value> {
    // A nullable flag goes in as text: SQLite stores "1" in an INTEGER column as 1, and
    // PostgreSQL's COPY reads it as a BIGINT; absent is NULL in both.
    let flag = |b: Option<i64>| Value::OptText(b.map(|b| b.to_string()));
    vec![
        Value::Text(r.0.clone()),
        flag(r.1),
        flag(r.2),
        flag(r.3),
        Value::Text(r.4.clone()),
        Value::Text(r.5.clone()),
        Value::Text(r.6.clone()),
        Value::Text(r.7.clone()),
        Value::Text(r.8.clone()),
        Value::Text(r.9.clone()),
        Value::OptText(r.10.clone()),
    ]
}

fn differences<T: Ord + std::fmt::Debug>(table: &str, mut live: Vec<T>, mut want: Vec<T>) -> Vec<String> {
    live.sort();
    want.sort();
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < live.len() || j < want.len() {
        match (live.get(i), want.get(j)) {
            (Some(l), Some(w)) if l == w => {
                i += 1;
                j += 1;
            }
            (Some(l), Some(w)) if l < w => {
                out.push(format!("{table}: {l:?} is live but not in a recompute"));
                i += 1;
            }
            (Some(l), None) => {
                out.push(format!("{table}: {l:?} is live but not in a recompute"));
                i += 1;
            }
            (_, Some(w)) => {
                out.push(format!("{table}: {w:?} is in a recompute but not live"));
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

macro_rules! impl_outcomes {
    ($store:ty, $conn:ty) => {
        impl $store {
            /// Writes the rows of cases new to the projection, and adds them to the sums.
            pub(crate) async fn outcomes_write(conn: &mut $conn, rows: &OutcomeRows) -> Result<(), StoreError> {
                let r: Vec<Vec<Value>> = rows.reoffending.iter().map(reoffending_values).collect();
                Self::insert_rows(conn, "mi_reoffending", REOFFENDING_COLUMNS, 6, &r).await?;
                let mut sums = ReoffendingSums::new();
                sum_reoffending(&mut sums, &rows.reoffending, 1);
                Self::reoffending_add_sums(conn, &sums).await?;
                let o: Vec<Vec<Value>> = rows.outcomes.iter().map(outcome_values).collect();
                Self::insert_rows(conn, "mi_outcomes", OUTCOME_COLUMNS, 11, &o).await
            }

            /// Adds `delta` to `mi_reoffending_sums`, removing rows that fall to nobody.
            async fn reoffending_add_sums(conn: &mut $conn, delta: &ReoffendingSums) -> Result<(), StoreError> {
                let rows: Vec<Vec<Value>> = delta
                    .iter()
                    .filter(|(_, s)| **s != [0; 3])
                    .map(|((cohort, team), s)| {
                        let mut row = vec![Value::Text(cohort.clone()), Value::Text(team.clone())];
                        row.extend(s.iter().map(|n| Value::Int(*n)));
                        row
                    })
                    .collect();
                Self::add_rows(conn, "mi_reoffending_sums", &SUM_KEY, &SUM_COLUMNS, &rows).await?;
                // Only a row that lost people can have fallen to nobody.
                for ((cohort, team), _) in delta.iter().filter(|(_, s)| s[0] < 0) {
                    sqlx::query("DELETE FROM mi_reoffending_sums WHERE cohort = $1 AND team = $2 AND people = 0")
                        .bind(cohort)
                        .bind(team)
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(())
            }

            /// Replaces a case's rows after an append (in the append's transaction), and moves
            /// the reoffending sums by the difference from the entries stored.
            pub(crate) async fn outcomes_replace_case(
                conn: &mut $conn,
                case: &FoldedCase<'_>,
            ) -> Result<(), StoreError> {
                let mut rows = OutcomeRows::default();
                rows.add(case);
                let crn = case.crn.as_str();
                let sql = format!("SELECT {REOFFENDING_COLUMNS} FROM mi_reoffending WHERE crn = $1 ORDER BY cohort");
                let stored: Vec<ReoffendingRow> =
                    sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(crn).fetch_all(&mut *conn).await?;
                let mut delta = ReoffendingSums::new();
                sum_reoffending(&mut delta, &rows.reoffending, 1);
                sum_reoffending(&mut delta, &stored, -1);
                Self::reoffending_add_sums(conn, &delta).await?;
                sqlx::query("DELETE FROM mi_reoffending WHERE crn = $1").bind(crn).execute(&mut *conn).await?;
                sqlx::query("DELETE FROM mi_outcomes WHERE crn = $1").bind(crn).execute(&mut *conn).await?;
                let r: Vec<Vec<Value>> = rows.reoffending.iter().map(reoffending_values).collect();
                let o: Vec<Vec<Value>> = rows.outcomes.iter().map(outcome_values).collect();
                Self::insert_case_rows(conn, "mi_reoffending", REOFFENDING_COLUMNS, 6, &r).await?;
                Self::insert_case_rows(conn, "mi_outcomes", OUTCOME_COLUMNS, 11, &o).await
            }

            /// Each difference between the live rows and `want`, a recompute from the log.
            pub(crate) async fn outcomes_check_against(&self, want: &OutcomeRows) -> Result<Vec<String>, StoreError> {
                let sql = format!("SELECT {REOFFENDING_COLUMNS} FROM mi_reoffending");
                let live_r: Vec<ReoffendingRow> =
                    sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                let sql = format!("SELECT {OUTCOME_COLUMNS} FROM mi_outcomes");
                let live_o: Vec<OutcomeRow> =
                    sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                let mut out = differences("mi_reoffending", live_r, want.reoffending.clone());
                out.extend(differences("mi_outcomes", live_o, want.outcomes.clone()));
                let live_sums: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
                    "SELECT cohort, team, people, reoffenders, reoffences FROM mi_reoffending_sums ORDER BY cohort, team",
                )
                .fetch_all(self.pool())
                .await?;
                let live_sums: Vec<_> = live_sums.into_iter().map(|(c, t, p, r, o)| ((c, t), [p, r, o])).collect();
                let mut resummed = ReoffendingSums::new();
                sum_reoffending(&mut resummed, &want.reoffending, 1);
                let resummed: Vec<_> = resummed.into_iter().filter(|(_, s)| *s != [0; 3]).collect();
                out.extend(differences("mi_reoffending_sums", live_sums, resummed));
                Ok(out)
            }
        }
    };
}

impl_outcomes!(SqliteStore, sqlx::SqliteConnection);
impl_outcomes!(PostgresStore, sqlx::PgConnection);
