//! The tables a backup copies are every table of the schema but the ones it leaves out on
//! purpose, with the schema's columns, kinds and nullability, on both engines: a migration
//! that adds a table or a column fails here until the backup copies it or says why not.

use store::backup::{Kind, NOT_COPIED, TABLES};
use store::testing::{postgres, sqlite};

/// (table, [(column, declared type, nullable)]) for every table of the schema, by name.
type Schema = Vec<(String, Vec<(String, String, bool)>)>;

fn check(schema: Schema, type_of: impl Fn(Kind) -> &'static [&'static str], nullability: bool) {
    let listed: Vec<&str> = TABLES.iter().map(|t| t.name).chain(NOT_COPIED.iter().map(|(t, _)| *t)).collect();
    for (table, _) in &schema {
        assert!(listed.contains(&table.as_str()), "table {table} is neither copied by a backup nor in NOT_COPIED");
    }
    for name in &listed {
        assert!(schema.iter().any(|(t, _)| t == name), "{name} is listed but not in the schema");
    }
    for t in TABLES {
        let (_, columns) = schema.iter().find(|(n, _)| n == t.name).unwrap();
        let names: Vec<&str> = columns.iter().map(|(c, _, _)| c.as_str()).collect();
        assert_eq!(names, t.column_names(), "{}: the columns, in order", t.name);
        for (c, (_, declared, nullable)) in t.columns.iter().zip(columns) {
            assert!(
                type_of(c.kind).contains(&declared.as_str()),
                "{}.{}: {declared} is not {:?}",
                t.name,
                c.name,
                c.kind
            );
            if nullability {
                assert_eq!(c.nullable, *nullable, "{}.{}: nullable", t.name, c.name);
            }
        }
        for o in t.order {
            assert!(t.columns.iter().any(|c| c.name == *o), "{}: orders by {o}, not a column", t.name);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_tables_are_all_accounted_for() {
    let (store, _dir) = sqlite().await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut schema = Schema::new();
    for t in tables {
        let columns: Vec<(String, String, bool)> =
            sqlx::query_as("SELECT name, type, \"notnull\" = 0 FROM pragma_table_info($1) ORDER BY cid")
                .bind(&t)
                .fetch_all(store.pool())
                .await
                .unwrap();
        schema.push((t, columns));
    }
    // SQLite does not say NOT NULL of every primary key column, so nullability is checked on
    // PostgreSQL only.
    check(
        schema,
        |k| match k {
            Kind::Text => &["TEXT"],
            Kind::Int => &["INTEGER", "BIGINT"],
            Kind::Bool => &["BOOLEAN"],
            Kind::Real => &["REAL"],
        },
        false,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_tables_are_all_accounted_for() {
    let Some(store) = postgres().await else { return };
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE '_sqlx%' \
         ORDER BY table_name",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut schema = Schema::new();
    for t in tables {
        let columns: Vec<(String, String, bool)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text, is_nullable = 'YES' FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(&t)
        .fetch_all(store.pool())
        .await
        .unwrap();
        schema.push((t, columns));
    }
    check(
        schema,
        |k| match k {
            Kind::Text => &["text"],
            Kind::Int => &["bigint", "integer"],
            Kind::Bool => &["boolean"],
            Kind::Real => &["double precision"],
        },
        true,
    );
}
