//! The workload projection, `workload_cases` (migration 0021): each officer's active cases
//! counted by how the workload model weighs them (`analytics::workload::WeighedCase`: legacy
//! tier or none yet, case type, and whether the person is a woman). Moved by deltas on append,
//! like the caseload, so the team view, the allocation screen and the MI workload page read an
//! officer's workload in one query and never replay a case; `check` proves the counts equal a
//! count of the rebuilt summaries.

use crate::StoreError;
use crate::db::{PostgresStore, SqliteStore, Value};
use analytics::workload::{CaseType, WeighedCase};
use domain::ids::Code;
use domain::projection::CaseSummary;
use std::collections::BTreeMap;

/// A row's key: officer, tier (`""` while none), case type and whether the person is a woman.
pub(crate) type Key = (String, String, &'static str, bool);

/// Each officer's cases by how they weigh, as the store reads them back.
pub type OfficerWorkloads = BTreeMap<Code, Vec<(WeighedCase, u64)>>;

const KEY: &[&str] = &["officer", "tier", "case_type", "female"];

fn key(summary: &CaseSummary) -> Option<Key> {
    let (officer, w) = WeighedCase::of(summary)?;
    Some((officer.to_string(), w.tier.map(|t| t.to_string()).unwrap_or_default(), w.case_type.id(), w.female))
}

/// Adds a case's summary to `counts` with weight `by` (1 when it arrives, -1 when it leaves).
pub(crate) fn count(counts: &mut BTreeMap<Key, i64>, summary: Option<&CaseSummary>, by: i64) {
    if let Some(k) = summary.and_then(key) {
        *counts.entry(k).or_insert(0) += by;
    }
}

/// The projection's change when a case's summary goes from `before` to `after`.
pub(crate) fn delta(before: Option<&CaseSummary>, after: Option<&CaseSummary>) -> BTreeMap<Key, i64> {
    let mut delta = BTreeMap::new();
    count(&mut delta, before, -1);
    count(&mut delta, after, 1);
    delta.retain(|_, n| *n != 0);
    delta
}

fn values(counts: &BTreeMap<Key, i64>) -> Vec<Vec<Value>> {
    counts
        .iter()
        .filter(|(_, n)| **n != 0)
        .map(|((o, t, c, f), n)| {
            vec![
                Value::Text(o.clone()),
                Value::Text(t.clone()),
                Value::Text((*c).to_owned()),
                Value::Bool(*f),
                Value::Int(*n),
            ]
        })
        .collect()
}

/// One stored row, decoded.
fn decode(
    officer: &str,
    tier: &str,
    case_type: &str,
    female: bool,
    cases: i64,
) -> Result<(Code, WeighedCase, u64), StoreError> {
    let bad = |column: &str, v: &str| StoreError::Corrupt(format!("workload_cases: {column}: `{v}`"));
    let officer = Code::parse(officer).map_err(|_| bad("officer", officer))?;
    let tier = if tier.is_empty() { None } else { Some(tier.parse().map_err(|_| bad("tier", tier))?) };
    let case_type = CaseType::from_id(case_type).ok_or_else(|| bad("case_type", case_type))?;
    let cases = u64::try_from(cases).map_err(|_| bad("cases", &cases.to_string()))?;
    Ok((officer, WeighedCase { tier, case_type, female }, cases))
}

macro_rules! impl_workload_projection {
    ($store:ty, $conn:ty) => {
        impl $store {
            /// Adds `delta` to the counts, removing those that fall to nothing.
            pub(crate) async fn workload_add(conn: &mut $conn, delta: &BTreeMap<Key, i64>) -> Result<(), StoreError> {
                Self::add_rows(conn, "workload_cases", KEY, &["cases"], &values(delta)).await?;
                for ((o, t, c, f), _) in delta.iter().filter(|(_, n)| **n < 0) {
                    sqlx::query(
                        "DELETE FROM workload_cases WHERE officer = $1 AND tier = $2 AND case_type = $3 AND female = $4 AND cases = 0",
                    )
                    .bind(o.as_str())
                    .bind(t.as_str())
                    .bind(*c)
                    .bind(*f)
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(())
            }

            /// The counts of these officers (every officer with cases when `officers` is
            /// `None`), each officer's rows in one list.
            pub(crate) async fn workload_read(&self, officers: Option<&[Code]>) -> Result<OfficerWorkloads, StoreError> {
                type Row = (String, String, String, bool, i64);
                const COLUMNS: &str = "officer, tier, case_type, female, cases";
                let mut rows: Vec<Row> = match officers {
                    None => {
                        sqlx::query_as("SELECT officer, tier, case_type, female, cases FROM workload_cases")
                            .fetch_all(self.pool())
                            .await?
                    }
                    Some(officers) => {
                        self.rows_where_in(COLUMNS, "workload_cases", "officer", "tier, case_type, female", officers.iter().map(Code::as_str)).await?
                    }
                };
                // One order whatever the engine's collation: by the stored key, byte-wise.
                rows.sort_unstable_by(|a, b| (&a.0, &a.1, &a.2, a.3).cmp(&(&b.0, &b.1, &b.2, b.3)));
                let mut out = OfficerWorkloads::new();
                for (officer, tier, case_type, female, cases) in rows {
                    let (officer, weighed, cases) = decode(&officer, &tier, &case_type, female, cases)?;
                    out.entry(officer).or_default().push((weighed, cases));
                }
                Ok(out)
            }

            pub(crate) async fn workload_check_against(&self, want: &BTreeMap<Key, i64>) -> Result<Vec<String>, StoreError> {
                let rows: Vec<(String, String, String, bool, i64)> =
                    sqlx::query_as("SELECT officer, tier, case_type, female, cases FROM workload_cases").fetch_all(self.pool()).await?;
                let mut live: BTreeMap<(String, String, String, bool), i64> =
                    rows.into_iter().map(|(o, t, c, f, n)| ((o, t, c, f), n)).collect();
                let mut differences = Vec::new();
                for ((o, t, c, f), n) in want.iter().filter(|(_, n)| **n != 0) {
                    let got = live.remove(&(o.clone(), t.clone(), (*c).to_owned(), *f));
                    if got != Some(*n) {
                        differences.push(format!(
                            "workload_cases: officer {o}, tier `{t}`, {c}, female {f}: live {got:?}, rebuilt {n}"
                        ));
                    }
                }
                differences.extend(
                    live.into_iter()
                        .map(|((o, t, c, f), n)| format!("workload_cases: officer {o}, tier `{t}`, {c}, female {f}: live {n}, rebuilt none")),
                );
                Ok(differences)
            }
        }
    };
}

impl_workload_projection!(SqliteStore, sqlx::SqliteConnection);
impl_workload_projection!(PostgresStore, sqlx::PgConnection);
