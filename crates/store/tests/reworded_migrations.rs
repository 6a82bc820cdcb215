//! A store that applied migrations 0009, 0014 and 0016 before their opening comments were
//! reworded (they cited a rule book outside the repository) still opens, on both engines: its
//! recorded checksums move to the new text's. Any other mismatch is still refused.

use store::{PostgresStore, SqliteStore};

/// SHA-384 of the old text of migration 0009, as each engine's store recorded it.
const OLD_0009_SQLITE: &str =
    "fe03a62ddf8806aea586da1c1f617ccf614652a841788df5981a9a9e29b53a4c956ca48d42633abf94a1832e4ac8b062";
const OLD_0009_POSTGRES: &str =
    "2bba614a4c552545fb633459159bc15f6b72b3b26d95d85b5fa09cd3d341fec40c00cf558e60e98aa8bacd03b8492aad";

fn bytes(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

const SET: &str = "UPDATE _sqlx_migrations SET checksum = $1 WHERE version = $2";
const GET: &str = "SELECT checksum FROM _sqlx_migrations WHERE version = $1";

#[tokio::test]
async fn a_store_that_applied_the_old_comments_opens_and_any_other_change_is_still_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let path = path.to_str().unwrap();
    let store = SqliteStore::open(path).await.unwrap();
    let new: Vec<u8> = sqlx::query_scalar(GET).bind(9i64).fetch_one(store.pool()).await.unwrap();
    sqlx::query(SET).bind(bytes(OLD_0009_SQLITE)).bind(9i64).execute(store.pool()).await.unwrap();
    store.pool().close().await;
    let store = SqliteStore::open(path).await.expect("the old text's checksum is adopted");
    let now: Vec<u8> = sqlx::query_scalar(GET).bind(9i64).fetch_one(store.pool()).await.unwrap();
    assert_eq!(now, new);
    // A checksum that is neither the old text's nor the new one: refused as before.
    sqlx::query(SET).bind(vec![0u8; 48]).bind(14i64).execute(store.pool()).await.unwrap();
    store.pool().close().await;
    assert!(SqliteStore::open(path).await.is_err(), "an unknown change to an applied migration is refused");

    let Some(url) = store::testing::postgres_fresh_url().await else { return };
    let store = PostgresStore::connect(&url).await.unwrap();
    let new: Vec<u8> = sqlx::query_scalar(GET).bind(9i64).fetch_one(store.pool()).await.unwrap();
    sqlx::query(SET).bind(bytes(OLD_0009_POSTGRES)).bind(9i64).execute(store.pool()).await.unwrap();
    store.pool().close().await;
    let store = PostgresStore::connect(&url).await.expect("the old text's checksum is adopted");
    let now: Vec<u8> = sqlx::query_scalar(GET).bind(9i64).fetch_one(store.pool()).await.unwrap();
    assert_eq!(now, new);
    sqlx::query(SET).bind(vec![0u8; 48]).bind(14i64).execute(store.pool()).await.unwrap();
    store.pool().close().await;
    assert!(PostgresStore::connect(&url).await.is_err(), "an unknown change to an applied migration is refused");
}
