//! The search keys projection: `search_keys` holds one row per case summary, its family name
//! lower-cased by Rust's `str::to_lowercase` (SQL's `lower()` folds ASCII only in SQLite and
//! follows the locale in PostgreSQL, so neither can compute it), for `search_people`, and the
//! person's PNC as a duplicate check compares it (`Pnc::key`, '' for none), for
//! `people_with_pnc` ([`crate::search`]). Written in the same transaction as the summary,
//! filled in for older stores when they are opened, and compared by `check`.

use crate::StoreError;
use crate::db::{PostgresStore, SqliteStore, Value};
use domain::event::CaseEvent;
use domain::ids::{Crn, Pnc};
use std::collections::BTreeMap;

/// One case's keys: its CRN, its family name's key and its PNC's key ('' for none).
pub(crate) type SearchKey = (Crn, String, String);

/// The key a family name is found by: what a search query is compared with.
pub(crate) fn family_key(family_name: &str) -> String {
    family_name.to_lowercase()
}

/// The key a PNC is found by, '' when the person has none.
pub(crate) fn pnc_key(pnc: Option<&Pnc>) -> String {
    pnc.map(Pnc::key).unwrap_or_default()
}

fn key_values(rows: &[SearchKey]) -> Vec<Vec<Value>> {
    rows.iter()
        .map(|(c, k, p)| vec![Value::Text(c.to_string()), Value::Text(k.clone()), Value::Text(p.clone())])
        .collect()
}

/// A PNC key not yet computed: rows written before migration 0022.
const PENDING: &str = "?";

macro_rules! impl_search_keys {
    ($store:ty, $conn:ty) => {
        impl $store {
            /// Writes the search keys of a case summary just written (in its transaction).
            pub(crate) async fn put_search_key(
                conn: &mut $conn,
                crn: &Crn,
                family_name: &str,
                pnc: Option<&Pnc>,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO search_keys (crn, family_key, pnc_key) VALUES ($1, $2, $3) \
                     ON CONFLICT (crn) DO UPDATE SET family_key = excluded.family_key, pnc_key = excluded.pnc_key",
                )
                .bind(crn.as_str())
                .bind(family_key(family_name))
                .bind(pnc_key(pnc))
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            /// Writes the keys of cases new to the projection.
            pub(crate) async fn search_keys_write(conn: &mut $conn, rows: &[SearchKey]) -> Result<(), StoreError> {
                Self::insert_rows(conn, "search_keys", "crn, family_key, pnc_key", 3, &key_values(rows)).await
            }

            /// Gives every case summary without a search key its key: the summaries written
            /// before the keys existed (migration 0008). Nothing to do on later opens.
            pub(crate) async fn fill_search_keys(&self) -> Result<(), StoreError> {
                let missing: Vec<(String, String)> = sqlx::query_as(
                    "SELECT crn, family_name FROM case_summary cs \
                     WHERE NOT EXISTS (SELECT 1 FROM search_keys k WHERE k.crn = cs.crn)",
                )
                .fetch_all(self.pool())
                .await?;
                if missing.is_empty() {
                    return Ok(());
                }
                let rows: Vec<Vec<Value>> =
                    missing.iter().map(|(c, f)| vec![Value::Text(c.clone()), Value::Text(family_key(f))]).collect();
                let mut tx = self.pool().begin().await?;
                Self::insert_rows(&mut tx, "search_keys", "crn, family_key", 2, &rows).await?;
                tx.commit().await?;
                Ok(())
            }

            /// Computes the PNC key of every row that has none yet (written before migration
            /// 0022) from the person's latest details in the log. Nothing to do on later opens.
            pub(crate) async fn fill_pnc_keys(&self) -> Result<(), StoreError> {
                let (pending,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM search_keys WHERE pnc_key = $1")
                    .bind(PENDING)
                    .fetch_one(self.pool())
                    .await?;
                if pending == 0 {
                    return Ok(());
                }
                let people: Vec<(String, String, i64, String)> = sqlx::query_as(
                    "SELECT e.crn, e.event_type, e.schema_version, e.payload FROM events e \
                     WHERE e.event_type IN ('person_registered', 'personal_details_updated') \
                     AND e.crn IN (SELECT crn FROM search_keys WHERE pnc_key = $1) ORDER BY e.crn, e.seq",
                )
                .bind(PENDING)
                .fetch_all(self.pool())
                .await?;
                // The latest details of each person win, as the fold has them.
                let mut latest: BTreeMap<String, String> = BTreeMap::new();
                for (crn, event_type, version, payload) in &people {
                    let version = u32::try_from(*version).map_err(|e| crate::corrupt("schema_version", e))?;
                    let event = domain::event::decode(event_type, version, payload)
                        .map_err(|e| crate::corrupt("payload", format!("case {crn}: {e}")))?;
                    if let CaseEvent::PersonRegistered { person } | CaseEvent::PersonalDetailsUpdated { person } = event {
                        latest.insert(crn.clone(), pnc_key(person.pnc.as_ref()));
                    }
                }
                let mut tx = self.pool().begin().await?;
                for (crn, key) in latest.iter().filter(|(_, k)| !k.is_empty()) {
                    sqlx::query("UPDATE search_keys SET pnc_key = $1 WHERE crn = $2")
                        .bind(key)
                        .bind(crn)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("UPDATE search_keys SET pnc_key = '' WHERE pnc_key = $1").bind(PENDING).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            /// How the live search keys differ from `want`, the keys a fold of the log gives.
            pub(crate) async fn search_keys_check_against(&self, want: &[SearchKey]) -> Result<Vec<String>, StoreError> {
                let live: Vec<(String, String, String)> =
                    sqlx::query_as("SELECT crn, family_key, pnc_key FROM search_keys").fetch_all(self.pool()).await?;
                let mut live: BTreeMap<String, (String, String)> =
                    live.into_iter().map(|(c, k, p)| (c, (k, p))).collect();
                let mut differences = Vec::new();
                for (crn, want_family, want_pnc) in want {
                    match live.remove(crn.as_str()) {
                        None => differences.push(format!("search_keys: {crn} is missing")),
                        Some((k, _)) if k != *want_family => differences
                            .push(format!("search_keys: {crn} is `{k}`, its family name gives `{want_family}`")),
                        Some((_, p)) if p != *want_pnc => {
                            differences.push(format!("search_keys: {crn}'s PNC key is `{p}`, its PNC gives `{want_pnc}`"))
                        }
                        Some(_) => {}
                    }
                }
                differences.extend(live.into_keys().map(|c| format!("search_keys: {c} has no case summary")));
                Ok(differences)
            }
        }
    };
}

impl_search_keys!(SqliteStore, sqlx::SqliteConnection);
impl_search_keys!(PostgresStore, sqlx::PgConnection);
