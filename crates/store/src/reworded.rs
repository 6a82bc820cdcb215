//! Migrations whose opening comment was reworded after stores had applied them: 0009, 0014 and
//! 0016 cited a rule book kept outside the repository, and now cite the sections of
//! `docs/rules/practice.md` that hold those rules. Their SQL is unchanged.
//!
//! sqlx records a checksum of each applied file, comments included, and refuses to open a store
//! whose files no longer match. So before migrating, a store that recorded one of these files
//! as it was is moved to the file's new checksum, for exactly those versions and only where the
//! recorded checksum is the old text's: any other difference is still refused.

use crate::StoreError;
use sqlx::migrate::Migrator;

/// (version, SHA-384 of the old SQLite file, of the old PostgreSQL file), in hex.
const REWORDED: [(i64, &str, &str); 3] = [
    (
        9,
        "fe03a62ddf8806aea586da1c1f617ccf614652a841788df5981a9a9e29b53a4c956ca48d42633abf94a1832e4ac8b062",
        "2bba614a4c552545fb633459159bc15f6b72b3b26d95d85b5fa09cd3d341fec40c00cf558e60e98aa8bacd03b8492aad",
    ),
    (
        14,
        "3fd0ab2a6aca2468b9e0c37c27b5d79ec8678e6afa4e4d7075b9e508d03570fdc44e4819dcfdd86fc5064c8c92905e72",
        "62acd10518fe22a6089d042ad24857fa2bd469cddc27773ff3d36621e06dd2e9bae5a629bfd58740d4e76e7900dc8507",
    ),
    (
        16,
        "170f34211d2eaac287b9cece543d3d496aea8aa0c666e93e2ddf6069fe4d22124cfb6cfa4ddf856aa06b151615935487",
        "259747ca97b29b55eb75f7d7b20a04c775c3bddb272906363a23eaea6d13a4ef7a3c68c1b03d9dc4fc6a3d54422c27cb",
    ),
];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// For each reworded version the store recorded with the old text's checksum: the new one.
fn moves(migrator: &Migrator, recorded: &[(i64, Vec<u8>)], postgres: bool) -> Vec<(i64, Vec<u8>)> {
    REWORDED
        .iter()
        .filter_map(|row| {
            let (_, had) = recorded.iter().find(|(v, _)| *v == row.0)?;
            let now = migrator.iter().find(|m| m.version == row.0)?;
            let old = if postgres { row.2 } else { row.1 };
            (hex(had) == old).then(|| (row.0, now.checksum.to_vec()))
        })
        .collect()
}

const RECORDED: &str = "SELECT version, checksum FROM _sqlx_migrations WHERE version IN (9, 14, 16)";
const MOVE: &str = "UPDATE _sqlx_migrations SET checksum = $1 WHERE version = $2";

pub(crate) async fn adopt_sqlite(pool: &sqlx::SqlitePool, migrator: &Migrator) -> Result<(), StoreError> {
    let exists: Option<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
            .fetch_optional(pool)
            .await?;
    if exists.is_none() {
        return Ok(());
    }
    let recorded: Vec<(i64, Vec<u8>)> = sqlx::query_as(RECORDED).fetch_all(pool).await?;
    for (version, checksum) in moves(migrator, &recorded, false) {
        sqlx::query(MOVE).bind(checksum).bind(version).execute(pool).await?;
    }
    Ok(())
}

pub(crate) async fn adopt_postgres(pool: &sqlx::PgPool, migrator: &Migrator) -> Result<(), StoreError> {
    let exists: Option<String> =
        sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations')::text").fetch_one(pool).await?;
    if exists.is_none() {
        return Ok(());
    }
    let recorded: Vec<(i64, Vec<u8>)> = sqlx::query_as(RECORDED).fetch_all(pool).await?;
    for (version, checksum) in moves(migrator, &recorded, true) {
        sqlx::query(MOVE).bind(checksum).bind(version).execute(pool).await?;
    }
    Ok(())
}
