//! The search keys projection: `search_keys` holds one row per case summary, its family name
//! lower-cased by Rust's `str::to_lowercase` (SQL's `lower()` folds ASCII only in SQLite and
//! follows the locale in PostgreSQL, so neither can compute it), for `search_people`
//! ([`crate::search`]). Written in the same transaction as the summary, filled in for older
//! stores when they are opened, and compared by `check`.

use crate::StoreError;
use crate::db::{PostgresStore, SqliteStore, Value};
use domain::ids::Crn;
use std::collections::BTreeMap;

/// The key a family name is found by: what a search query is compared with.
pub(crate) fn family_key(family_name: &str) -> String {
    family_name.to_lowercase()
}

fn key_values(rows: &[(Crn, String)]) -> Vec<Vec<Value>> {
    rows.iter().map(|(c, k)| vec![Value::Text(c.to_string()), Value::Text(k.clone())]).collect()
}

macro_rules! impl_search_keys {
    ($store:ty, $conn:ty) => {
        impl $store {
            /// Writes the search key of a case summary just written (in its transaction).
            pub(crate) async fn put_search_key(
                conn: &mut $conn,
                crn: &Crn,
                family_name: &str,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO search_keys (crn, family_key) VALUES ($1, $2) \
                     ON CONFLICT (crn) DO UPDATE SET family_key = excluded.family_key",
                )
                .bind(crn.as_str())
                .bind(family_key(family_name))
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            /// Writes the keys of cases new to the projection: (CRN, key).
            pub(crate) async fn search_keys_write(conn: &mut $conn, rows: &[(Crn, String)]) -> Result<(), StoreError> {
                Self::insert_rows(conn, "search_keys", "crn, family_key", 2, &key_values(rows)).await
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

            /// How the live search keys differ from `want`, the keys a fold of the log gives.
            pub(crate) async fn search_keys_check_against(
                &self,
                want: &[(Crn, String)],
            ) -> Result<Vec<String>, StoreError> {
                let live: Vec<(String, String)> =
                    sqlx::query_as("SELECT crn, family_key FROM search_keys").fetch_all(self.pool()).await?;
                let mut live: BTreeMap<String, String> = live.into_iter().collect();
                let mut differences = Vec::new();
                for (crn, want) in want {
                    match live.remove(crn.as_str()) {
                        None => differences.push(format!("search_keys: {crn} is missing")),
                        Some(k) if k != *want => {
                            differences.push(format!("search_keys: {crn} is `{k}`, its family name gives `{want}`"))
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
