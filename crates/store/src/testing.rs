//! Stores for tests anywhere in the workspace, so every crate's tests open them the same way.
//!
//! PostgreSQL comes from `PROBITY_TEST_DATABASE_URL`; when that is set and the server is
//! unreachable, tests fail (CI sets it, so a missing server fails CI rather than skipping).
//! When it is unset the local server is tried, and PostgreSQL tests skip with a message if
//! there is none. Each call gets a fresh schema, so tests never see each other's data.

use crate::{PostgresStore, SqliteStore};
use std::sync::atomic::{AtomicU32, Ordering};

/// Raw SQL on a store's own pool, for tests that attack the database directly or stand in
/// for an older schema. Each call is one statement, or several on SQLite.
#[allow(async_fn_in_trait)]
pub trait RawSql {
    async fn raw(&self, sql: &str) -> Result<u64, String>;
}
impl RawSql for SqliteStore {
    async fn raw(&self, sql: &str) -> Result<u64, String> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        sqlx::query(sql).execute(self.pool()).await.map(|r| r.rows_affected()).map_err(|e| e.to_string())
    }
}
impl RawSql for PostgresStore {
    async fn raw(&self, sql: &str) -> Result<u64, String> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        sqlx::query(sql).execute(self.pool()).await.map(|r| r.rows_affected()).map_err(|e| e.to_string())
    }
}

static SCHEMA: AtomicU32 = AtomicU32::new(0);

/// A SQLite store in a new temporary directory (kept alive by the returned guard).
pub async fn sqlite() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("probity.db");
    let store = SqliteStore::open(path.to_str().expect("utf-8 temp path")).await.expect("sqlite store opens");
    (store, dir)
}

/// The PostgreSQL URL tests use, and whether it is required.
pub fn postgres_url() -> (String, bool) {
    match std::env::var("PROBITY_TEST_DATABASE_URL") {
        Ok(u) => (u, true),
        Err(_) => ("postgres://postgres@127.0.0.1:5432/test".to_owned(), false),
    }
}

/// The URL of a fresh, empty schema on the test PostgreSQL server, or `None` when no server
/// is configured or running.
pub async fn postgres_fresh_url() -> Option<String> {
    let (url, required) = postgres_url();
    let admin = match sqlx::PgPool::connect(&url).await {
        Ok(p) => p,
        Err(e) if !required => {
            eprintln!("PostgreSQL not reachable at {url} ({e}); its half of this test is skipped");
            return None;
        }
        Err(e) => panic!("PROBITY_TEST_DATABASE_URL={url} is set but unreachable: {e}"),
    };
    let schema = format!(
        "t_{}_{}_{}",
        std::process::id(),
        SCHEMA.fetch_add(1, Ordering::SeqCst),
        // Random per process (std's hasher keys), so a schema left by an earlier run under
        // the same process id is never reused.
        std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), 0u8) % 1_000_000
    );
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&admin).await.expect("create schema");
    admin.close().await;
    let sep = if url.contains('?') { '&' } else { '?' };
    Some(format!("{url}{sep}options=-c%20search_path%3D{schema}"))
}

/// A PostgreSQL store in a fresh schema, or `None` when no server is configured or running.
pub async fn postgres() -> Option<PostgresStore> {
    let url = postgres_fresh_url().await?;
    Some(PostgresStore::connect(&url).await.expect("postgres store in a fresh schema"))
}

/// Defines a module with two tests running the async fn `$body(store)`: one on SQLite, one on
/// PostgreSQL (skipped when no server is configured, failing when one is required). Every
/// suite that must hold for both engines uses it, so they run the same way.
#[macro_export]
macro_rules! both_engines {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (store, _dir) = $crate::testing::sqlite().await;
                super::$body(store).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(store) = $crate::testing::postgres().await {
                    super::$body(store).await;
                }
            }
        }
    };
}
