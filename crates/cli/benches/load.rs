//! Generate-and-load at national scale against each engine's own bulk load of the same rows.
//!
//! `cargo bench -p probity --bench load -- [--cases 262000] [--engines sqlite,postgres]`
//!
//! For each engine: (1) `probity generate`'s path — generate the synthetic provider, fold
//! every case into its projections, load events and projections in one transaction — timed;
//! (2) the same rows — every table the load wrote, the projections and MI tables included,
//! as the store's schema lists them — read back, then loaded into a fresh store by the
//! engine's own bulk loader (SQLite: one transaction of prepared single-row inserts;
//! PostgreSQL: COPY) — timed. Prints both and the ratio (target: under 3x). PostgreSQL is taken from
//! `PROBITY_TEST_DATABASE_URL` or the local server.

use futures_util::TryStreamExt;
use sqlx::{AssertSqlSafe, Row};
use std::io::{BufRead, Write};
use std::time::Instant;

/// Every table the load wrote and its columns, as the generated store's own schema lists
/// them: the case log, the organisation and every projection (summaries, caseloads, search
/// keys, workload, the MI facts and their sums, reoffending and outcomes); not sqlx's record
/// of migrations. `$list` lists the tables; `$columns` gives a table's columns in order.
macro_rules! tables_of {
    ($pool:expr, $list:expr, $columns:expr) => {{
        let names: Vec<String> = sqlx::query_scalar($list).fetch_all($pool).await.unwrap();
        let mut out: Vec<(String, String)> = Vec::new();
        for table in names {
            let sql: String = $columns(&table);
            let columns: Vec<String> = sqlx::query_scalar(AssertSqlSafe(sql)).fetch_all($pool).await.unwrap();
            out.push((table, columns.join(", ")));
        }
        out
    }};
}

const SQLITE_TABLES: &str = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' \
     AND name <> '_sqlx_migrations' ORDER BY rowid";
fn sqlite_columns(table: &str) -> String {
    format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")
}
const POSTGRES_TABLES: &str = "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' \
     ORDER BY table_name";
fn postgres_columns(table: &str) -> String {
    format!(
        "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
    )
}

/// Tables a fresh store already holds rows in are kept by its own triggers and seeds (the
/// caseload versions, the access generation): loading rows into them again would collide.
macro_rules! without_seeded {
    ($tables:expr, $fresh:expr) => {{
        let mut kept = Vec::new();
        for (table, columns) in $tables {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            let seeded: i64 = sqlx::query_scalar(AssertSqlSafe(sql)).fetch_one($fresh).await.unwrap();
            if seeded == 0 {
                kept.push((table, columns));
            } else {
                println!("  {table}: kept by the fresh store itself, not loaded");
            }
        }
        kept
    }};
}

fn cast(table: &str, columns: &str) -> String {
    // Read every column as text so one loader serves all tables.
    let cols: Vec<String> = columns.split(", ").map(|c| format!("CAST({c} AS TEXT) AS {c}")).collect();
    format!("SELECT {} FROM {table}", cols.join(", "))
}

fn csv_cell(buf: &mut String, v: Option<&str>) {
    // In COPY's CSV an unquoted empty field is NULL; a quoted one is text.
    if let Some(s) = v {
        buf.push('"');
        buf.push_str(&s.replace('"', "\"\""));
        buf.push('"');
    }
}

fn args() -> (u64, Vec<String>) {
    let mut cases = 262_000;
    let mut engines = vec!["sqlite".to_owned(), "postgres".to_owned()];
    let argv: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < argv.len() {
        match argv[i].as_str() {
            "--cases" => {
                cases = argv[i + 1].parse().expect("--cases: a number");
                i += 1;
            }
            "--engines" => {
                engines = argv[i + 1].split(',').map(str::to_owned).collect();
                i += 1;
            }
            _ => {} // cargo bench passes --bench
        }
        i += 1;
    }
    (cases, engines)
}

fn report(engine: &str, cases: u64, events: usize, ours: f64, reference: f64) {
    println!(
        "{engine:<9} cases {cases:>7}  events {events:>9}  generate+load {ours:>8.1} s  bulk load of the same rows {reference:>8.1} s  ratio {:.2}x (target < 3x)",
        ours / reference
    );
}

#[tokio::main]
async fn main() {
    let (cases, engines) = args();
    let opts = synth::GenerateOptions::new(cases, 1, "2026-11-26".parse().unwrap());
    for engine in engines {
        match engine.as_str() {
            "sqlite" => {
                let (ours, _d1) = store::testing::sqlite().await;
                let t = Instant::now();
                services::generate::generate(&ours, &opts, &|_| {}).await.unwrap();
                let ours_s = t.elapsed().as_secs_f64();
                let (fresh, _d2) = store::testing::sqlite().await;
                let tables = tables_of!(ours.pool(), SQLITE_TABLES, sqlite_columns);
                let tables = without_seeded!(tables, fresh.pool());
                let mut tx = fresh.pool().begin().await.unwrap();
                // Only the inserts are timed; rows stream from the generated store meanwhile.
                let mut inserting = std::time::Duration::ZERO;
                let mut events = 0usize;
                for (table, columns) in &tables {
                    let n = columns.split(", ").count();
                    let params: Vec<String> = (1..=n).map(|k| format!("${k}")).collect();
                    let sql = format!("INSERT INTO {table} ({columns}) VALUES ({})", params.join(", "));
                    let select = cast(table, columns);
                    let mut rows = sqlx::query(AssertSqlSafe(select.as_str())).fetch(ours.pool());
                    while let Some(r) = rows.try_next().await.unwrap() {
                        let mut q = sqlx::query(AssertSqlSafe(sql.as_str()));
                        for j in 0..n {
                            q = q.bind(r.get::<Option<String>, _>(j));
                        }
                        let t = Instant::now();
                        q.execute(&mut *tx).await.unwrap();
                        inserting += t.elapsed();
                        events += usize::from(table == "events");
                    }
                }
                let t = Instant::now();
                tx.commit().await.unwrap();
                inserting += t.elapsed();
                let reference = inserting.as_secs_f64();
                report("sqlite", cases, events, ours_s, reference);
            }
            "postgres" => {
                let ours = store::testing::postgres().await.expect("PostgreSQL is needed for this benchmark");
                let t = Instant::now();
                services::generate::generate(&ours, &opts, &|_| {}).await.unwrap();
                let ours_s = t.elapsed().as_secs_f64();
                // The same rows as CSV files, written before the clock starts.
                let dir = tempfile::tempdir().unwrap();
                let mut events = 0usize;
                let fresh = store::testing::postgres().await.unwrap();
                let tables = tables_of!(ours.pool(), POSTGRES_TABLES, postgres_columns);
                let tables = without_seeded!(tables, fresh.pool());
                for (table, columns) in &tables {
                    let n = columns.split(", ").count();
                    let mut out =
                        std::io::BufWriter::new(std::fs::File::create(dir.path().join(table.as_str())).unwrap());
                    let select = cast(table, columns);
                    let mut rows = sqlx::query(AssertSqlSafe(select.as_str())).fetch(ours.pool());
                    let mut line = String::new();
                    while let Some(r) = rows.try_next().await.unwrap() {
                        line.clear();
                        for j in 0..n {
                            if j > 0 {
                                line.push(',');
                            }
                            csv_cell(&mut line, r.get::<Option<String>, _>(j).as_deref());
                        }
                        line.push('\n');
                        out.write_all(line.as_bytes()).unwrap();
                        events += usize::from(table == "events");
                    }
                    out.flush().unwrap();
                }
                let t = Instant::now();
                let mut tx = fresh.pool().begin().await.unwrap();
                for (table, columns) in &tables {
                    let mut copy =
                        tx.copy_in_raw(&format!("COPY {table} ({columns}) FROM STDIN (FORMAT csv)")).await.unwrap();
                    let mut file = std::io::BufReader::with_capacity(
                        1 << 20,
                        std::fs::File::open(dir.path().join(table.as_str())).unwrap(),
                    );
                    loop {
                        let chunk = file.fill_buf().unwrap();
                        if chunk.is_empty() {
                            break;
                        }
                        let len = chunk.len();
                        copy.send(chunk).await.unwrap();
                        file.consume(len);
                    }
                    copy.finish().await.unwrap();
                }
                tx.commit().await.unwrap();
                report("postgres", cases, events, ours_s, t.elapsed().as_secs_f64());
            }
            other => panic!("--engines: unknown engine {other}"),
        }
    }
}
