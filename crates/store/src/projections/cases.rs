//! The projections of a case's state: `streams` (the version of each case), `case_summary`
//! (one row per case, `domain::projection::CaseSummary`) and `caseload` (active cases per
//! officer, moved by deltas on append, so `check` proves they add up).

use crate::StoreError;
use crate::codec::{SUMMARY_COLUMNS, SummaryRow};
use crate::db::{PostgresStore, SqliteStore, Value};
use domain::ids::{Code, Crn};
use domain::projection::CaseSummary;
use sqlx::AssertSqlSafe;
use std::collections::BTreeMap;

pub(crate) fn summary_values(s: &CaseSummary) -> Vec<Value> {
    let r = SummaryRow::from_summary(s);
    vec![
        Value::Text(r.crn),
        Value::Text(r.first_name),
        Value::Text(r.family_name),
        Value::Text(r.date_of_birth),
        Value::Text(r.gender),
        Value::OptText(r.officer),
        Value::OptText(r.team),
        Value::Bool(r.active),
        Value::OptText(r.sentence_kind),
        Value::OptText(r.sentence_end),
        Value::OptText(r.released_on),
        Value::OptText(r.licence_end),
        Value::OptText(r.rosh),
        Value::OptText(r.next_appointment),
        Value::OptText(r.last_face_to_face),
        Value::OptText(r.contact_due_by),
        Value::Int(r.officer_count),
        Value::OptText(r.legacy_tier),
        Value::OptText(r.v3_tier),
        Value::Bool(r.tier_provisional),
        Value::OptText(r.transfer_to),
        Value::Int(r.version),
    ]
}

/// The caseload's change when a case's summary goes from `before` to `after`.
pub(crate) fn caseload_delta(before: Option<&CaseSummary>, after: Option<&CaseSummary>) -> BTreeMap<Code, i64> {
    let mut delta = BTreeMap::new();
    let old = before.and_then(|s| s.caseload_officer());
    let new = after.and_then(|s| s.caseload_officer());
    if old != new {
        for (officer, d) in [(old, -1i64), (new, 1i64)] {
            if let Some(o) = officer {
                *delta.entry(o.clone()).or_insert(0) += d;
            }
        }
    }
    delta
}

fn count_values(counts: &BTreeMap<Code, i64>) -> Vec<Vec<Value>> {
    counts.iter().filter(|(_, n)| **n != 0).map(|(o, n)| vec![Value::Text(o.to_string()), Value::Int(*n)]).collect()
}

macro_rules! impl_cases {
    ($store:ty, $conn:ty) => {
        impl $store {
            /// Writes the versions of cases new to the projection.
            pub(crate) async fn streams_write(conn: &mut $conn, versions: &[(Crn, u64)]) -> Result<(), StoreError> {
                let rows: Vec<Vec<Value>> =
                    versions.iter().map(|(c, v)| vec![Value::Text(c.to_string()), Value::Int(*v as i64)]).collect();
                Self::insert_rows(conn, "streams", "crn, version", 2, &rows).await
            }

            pub(crate) async fn streams_check_against(&self, want: &[(Crn, u64)]) -> Result<Vec<String>, StoreError> {
                let live: Vec<(String, i64)> = sqlx::query_as("SELECT crn, version FROM streams").fetch_all(self.pool()).await?;
                let mut live: BTreeMap<String, i64> = live.into_iter().collect();
                let mut differences = Vec::new();
                for (crn, v) in want {
                    let got = live.remove(crn.as_str());
                    if got != Some(*v as i64) {
                        differences.push(format!("streams: {crn} is at {got:?}, the log says {v}"));
                    }
                }
                differences.extend(live.into_keys().map(|c| format!("streams: {c} has no events")));
                Ok(differences)
            }

            /// Writes a case's summary after an append (in its transaction).
            pub(crate) async fn upsert_summary(conn: &mut $conn, s: &CaseSummary) -> Result<(), StoreError> {
                let r = SummaryRow::from_summary(s);
                let upsert = format!(
                    "INSERT INTO case_summary ({SUMMARY_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22) \
                     ON CONFLICT (crn) DO UPDATE SET first_name = excluded.first_name, family_name = excluded.family_name, \
                     date_of_birth = excluded.date_of_birth, gender = excluded.gender, officer = excluded.officer, team = excluded.team, \
                     active = excluded.active, sentence_kind = excluded.sentence_kind, sentence_end = excluded.sentence_end, \
                     released_on = excluded.released_on, licence_end = excluded.licence_end, rosh = excluded.rosh, \
                     next_appointment = excluded.next_appointment, last_face_to_face = excluded.last_face_to_face, \
                     contact_due_by = excluded.contact_due_by, officer_count = excluded.officer_count, \
                     legacy_tier = excluded.legacy_tier, v3_tier = excluded.v3_tier, \
                     tier_provisional = excluded.tier_provisional, transfer_to = excluded.transfer_to, version = excluded.version"
                );
                sqlx::query(AssertSqlSafe(upsert.as_str()))
                    .bind(r.crn)
                    .bind(r.first_name)
                    .bind(r.family_name)
                    .bind(r.date_of_birth)
                    .bind(r.gender)
                    .bind(r.officer)
                    .bind(r.team)
                    .bind(r.active)
                    .bind(r.sentence_kind)
                    .bind(r.sentence_end)
                    .bind(r.released_on)
                    .bind(r.licence_end)
                    .bind(r.rosh)
                    .bind(r.next_appointment)
                    .bind(r.last_face_to_face)
                    .bind(r.contact_due_by)
                    .bind(r.officer_count)
                    .bind(r.legacy_tier)
                    .bind(r.v3_tier)
                    .bind(r.tier_provisional)
                    .bind(r.transfer_to)
                    .bind(r.version)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }

            /// Writes the summaries of cases new to the projection.
            pub(crate) async fn summaries_write(conn: &mut $conn, summaries: &[CaseSummary]) -> Result<(), StoreError> {
                let rows: Vec<Vec<Value>> = summaries.iter().map(summary_values).collect();
                Self::insert_rows(conn, "case_summary", SUMMARY_COLUMNS, 22, &rows).await
            }

            pub(crate) async fn summaries_check_against(&self, want: &[CaseSummary]) -> Result<Vec<String>, StoreError> {
                let sql = format!("SELECT {SUMMARY_COLUMNS} FROM case_summary");
                let rows: Vec<SummaryRow> = sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                let mut live: BTreeMap<Crn, CaseSummary> =
                    rows.iter().map(|r| r.to_summary().map(|s| (s.crn.clone(), s))).collect::<Result<_, _>>()?;
                let mut differences = Vec::new();
                for want in want {
                    let crn = &want.crn;
                    match live.remove(crn) {
                        None => differences.push(format!("case_summary: {crn} is missing")),
                        Some(got) if got != *want => {
                            differences.push(format!("case_summary: {crn} differs: live {got:?}, rebuilt {want:?}"))
                        }
                        Some(_) => {}
                    }
                }
                differences.extend(live.into_keys().map(|c| format!("case_summary: {c} has no events")));
                Ok(differences)
            }

            /// Adds `delta` to officers' counts, removing counts that fall to nothing.
            pub(crate) async fn caseload_add(conn: &mut $conn, delta: &BTreeMap<Code, i64>) -> Result<(), StoreError> {
                Self::add_rows(conn, "caseload", &["officer"], &["active_cases"], &count_values(delta)).await?;
                for (officer, _) in delta.iter().filter(|(_, n)| **n < 0) {
                    sqlx::query("DELETE FROM caseload WHERE officer = $1 AND active_cases = 0")
                        .bind(officer.as_str())
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(())
            }

            pub(crate) async fn caseload_check_against(&self, want: &BTreeMap<Code, i64>) -> Result<Vec<String>, StoreError> {
                let rows: Vec<(String, i64)> =
                    sqlx::query_as("SELECT officer, active_cases FROM caseload ORDER BY officer").fetch_all(self.pool()).await?;
                let got: BTreeMap<String, i64> = rows.into_iter().collect();
                let want: BTreeMap<String, i64> =
                    want.iter().filter(|(_, n)| **n != 0).map(|(o, n)| (o.to_string(), *n)).collect();
                Ok(if got == want { Vec::new() } else { vec![format!("caseload: live {got:?}, rebuilt {want:?}")] })
            }
        }
    };
}

impl_cases!(SqliteStore, sqlx::SqliteConnection);
impl_cases!(PostgresStore, sqlx::PgConnection);
