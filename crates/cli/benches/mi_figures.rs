//! Dashboard figures from the pre-summed MI tables on a national-scale store, and a full
//! re-summing of every measure's figures from the facts against DuckDB over the same facts.
//!
//! `cargo bench -p probity --bench mi_figures`
//!
//! 1. Every measure for the whole provider, every area, borough, office and team, and up to 300
//!    officers: 12 whole months by month for a period measure, as at the last day for an as-at
//!    one; each request timed alone; p50, p99 and max per scope level (target: p99 < 50 ms).
//! 2. Every measure's figures re-summed from the facts by the store (`MiStore::mi_resum`: on
//!    SQLite, slices of `mi_facts` read side by side on sqlx's own handle and summed in hash
//!    maps, then merged in order; best of three), then the facts exported with `probity mi export-facts`'s
//!    format and summed by DuckDB with the same SQL (`crates/cli/bench/mi_duckdb.py`); both
//!    timings, and a checksum of the sums from each that must match.
//!
//! The store is the caseload benchmark's (`cargo bench -p web --bench caseload`),
//! `target/bench-stores/caseload-sqlite-<cases>-seed<seed>.db` (or `PROBITY_BENCH_STORE`),
//! copied once to `mi-sqlite-<cases>-seed<seed>.db` beside it so that the original is never
//! migrated; the copy is opened (so migrations run) and its MI projection rebuilt if it
//! predates a measure. With neither file, a store is generated as the copy. Environment
//! (optional): `PROBITY_BENCH_CASES` (262000), `PROBITY_BENCH_SEED` (1), `PROBITY_BENCH_STORE`,
//! `PROBITY_BENCH_PYTHON` (python3), and `PROBITY_BENCH_POSTGRES` (a URL): with it, the exported
//! facts are also copied into a PostgreSQL store (schema `bench_mi_<cases>_<seed>`, kept) and
//! re-summed there (`MiStore::mi_resum`), its checksum compared with SQLite's.

use analytics::measures::{Grouping, MeasureId, MeasureKind, Scope};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;
use store::mi::{SumKey, Sums};
use store::{CaseStore, MiStore};

const AS_OF: &str = "2026-11-26";

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| panic!("{name}: `{v}` is not a number")),
        Err(_) => default,
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// The checksum both sides compute over their sums: for each group, a hash of its key
/// ("measure|period|officer|team|key", h = h * 31 + byte from 7) times (met + 3 total +
/// 7 weight), summed, all modulo 1,000,000,007.
const MODULUS: u64 = 1_000_000_007;

fn checksum(sums: &BTreeMap<SumKey, Sums>) -> (usize, i64, i64, i64, u64) {
    let (mut met, mut total, mut weight, mut check) = (0i64, 0i64, 0i64, 0u64);
    for ((m, p, o, t, k), s) in sums {
        let text = format!("{m}|{p}|{o}|{t}|{k}");
        let h = text.bytes().fold(7u64, |h, b| (h * 31 + u64::from(b)) % MODULUS);
        let v = (s.met + 3 * s.total + 7 * s.weight).rem_euclid(MODULUS as i64) as u64;
        check = (check + h * v) % MODULUS;
        met += s.met;
        total += s.total;
        weight += s.weight;
    }
    (sums.len(), met, total, weight, check)
}

fn quantile(times: &mut [f64], q: f64) -> f64 {
    times.sort_by(f64::total_cmp);
    times[((times.len() as f64 * q).ceil() as usize).saturating_sub(1).min(times.len() - 1)]
}

fn main() {
    let cases: u64 = env_or("PROBITY_BENCH_CASES", 262_000);
    let seed: u64 = env_or("PROBITY_BENCH_SEED", 1);
    let python = std::env::var("PROBITY_BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
    let as_of: jiff::civil::Date = AS_OF.parse().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let dir = target_dir().join("bench-stores");
        std::fs::create_dir_all(&dir).unwrap();
        let shared = std::env::var_os("PROBITY_BENCH_STORE")
            .map(PathBuf::from)
            .unwrap_or_else(|| dir.join(format!("caseload-sqlite-{cases}-seed{seed}.db")));
        let path = dir.join(format!("mi-sqlite-{cases}-seed{seed}.db"));
        let t = Instant::now();
        if !path.exists() && shared.exists() {
            copy_store(&shared, &path).await;
            println!("copied {} to {} in {:.1} s", shared.display(), path.display(), t.elapsed().as_secs_f64());
        }
        let fresh = !path.exists();
        let store = store::SqliteStore::open(path.to_str().unwrap()).await.expect("the store opens");
        if fresh {
            let opts = synth::GenerateOptions::new(cases, seed, as_of);
            services::generate::generate(&store, &opts, &|_| {}).await.unwrap();
            println!("generated {cases} cases into {} in {:.1} s", path.display(), t.elapsed().as_secs_f64());
        } else {
            println!("opened {} (migrations run) in {:.1} s", path.display(), t.elapsed().as_secs_f64());
        }
        // A store made before the pre-summed tables or the newest measures is rebuilt once.
        let all_time = ("2000-01-01".parse().unwrap(), "2099-12-31".parse().unwrap());
        let newest = store
            .mi_figures(MeasureId::UpwStandDowns, &Scope::Provider, all_time.0, all_time.1, Grouping::Quarter)
            .await
            .unwrap();
        if newest.is_empty() {
            let t = Instant::now();
            let n = store.mi_rebuild_projection().await.unwrap();
            println!("rebuilt the MI projection ({n} facts) in {:.1} s", t.elapsed().as_secs_f64());
        }
        let org = store.organisation().await.unwrap();

        // 1. Dashboard figures.
        let (from, to): (jiff::civil::Date, jiff::civil::Date) =
            ("2025-12-01".parse().unwrap(), "2026-11-30".parse().unwrap());
        let mut levels: Vec<(&str, Vec<Scope>)> = vec![
            ("provider", vec![Scope::Provider]),
            ("area", org.areas.iter().map(|a| Scope::Area(a.code.clone())).collect()),
            ("borough", org.boroughs.iter().map(|b| Scope::Borough(b.code.clone())).collect()),
            ("office", org.offices.iter().map(|o| Scope::Office(o.code.clone())).collect()),
            ("team", org.teams.iter().map(|t| Scope::Team(t.code.clone())).collect()),
        ];
        let step = (org.staff.len() / 300).max(1);
        levels.push(("officer", org.staff.iter().step_by(step).map(|s| Scope::Officer(s.code.clone())).collect()));
        println!(
            "dashboard: every measure ({}), 12 months by month (as-at: as at {to}), one request at a time",
            MeasureId::ALL.len()
        );
        let mut slowest: Vec<(f64, String)> = Vec::new();
        for (level, scopes) in &levels {
            let mut times = Vec::new();
            for scope in scopes {
                for measure in MeasureId::ALL {
                    let t = Instant::now();
                    let figures = store.mi_figures(measure, scope, from, to, Grouping::Month).await.unwrap();
                    let ms = t.elapsed().as_secs_f64() * 1000.0;
                    times.push(ms);
                    slowest.push((ms, format!("{} {scope}", measure.id())));
                    std::hint::black_box(figures);
                }
            }
            let n = times.len();
            println!(
                "  {level:<8} {:>5} scopes x {} measures = {n:>5} requests: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
                scopes.len(),
                MeasureId::ALL.len(),
                quantile(&mut times, 0.5),
                quantile(&mut times, 0.99),
                quantile(&mut times, 1.0),
            );
        }
        slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
        let top: Vec<String> = slowest.iter().take(3).map(|(ms, what)| format!("{what} {ms:.1} ms")).collect();
        println!("  slowest: {}", top.join("; "));
        // 2. Every measure's figures re-summed from the facts: the store, then DuckDB.
        // Best of three, as the DuckDB script takes its best of three.
        let mut runs = Vec::new();
        let mut ours = BTreeMap::new();
        for _ in 0..3 {
            let t = Instant::now();
            ours = store.mi_resum().await.unwrap();
            runs.push(t.elapsed().as_secs_f64());
        }
        let ours_s = runs.iter().copied().fold(f64::INFINITY, f64::min);
        let runs: Vec<String> = runs.iter().map(|s| format!("{s:.2}")).collect();
        let ours_sum = checksum(&ours);
        let live = store.mi_monthly().await.unwrap();
        assert_eq!(live, ours, "the pre-summed table equals a re-summing of the facts");
        let csv = dir.join(format!("mi-facts-{cases}-seed{seed}.csv"));
        let t = Instant::now();
        let facts = export(&store, &csv).await;
        let export_s = t.elapsed().as_secs_f64();
        println!(
            "re-summing every measure from {facts} facts into {} groups: store (SQLite, rowid slices summed side by side) {:.2} s \
             (best of 3: {} s); export to CSV {:.1} s",
            ours.len(),
            ours_s,
            runs.join(", "),
            export_s
        );
        println!(
            "  store checksum:  groups {} met {} total {} weight {} check {}",
            ours_sum.0, ours_sum.1, ours_sum.2, ours_sum.3, ours_sum.4
        );
        let as_at: Vec<&str> =
            MeasureId::ALL.iter().filter(|m| m.kind() == MeasureKind::AsAt).map(|m| m.id()).collect();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/mi_duckdb.py");
        let out = std::process::Command::new(&python)
            .arg(&script)
            .arg(&csv)
            .arg(as_at.join(","))
            .output();
        match out {
            Ok(o) if o.status.success() => {
                let text = String::from_utf8_lossy(&o.stdout);
                print!("{text}");
                let want = format!(
                    "duckdb checksum: groups {} met {} total {} weight {} check {}",
                    ours_sum.0, ours_sum.1, ours_sum.2, ours_sum.3, ours_sum.4
                );
                let same = text.lines().any(|l| l.trim() == want);
                println!("  checksums {}", if same { "match" } else { "DIFFER" });
                assert!(same, "DuckDB's sums differ from the store's");
            }
            Ok(o) => println!("  DuckDB run failed: {}", String::from_utf8_lossy(&o.stderr)),
            Err(e) => println!("  DuckDB not run ({python}: {e}); `pip install duckdb` and set PROBITY_BENCH_PYTHON"),
        }
        // 3. The same facts in a PostgreSQL store, re-summed by it.
        if let Ok(url) = std::env::var("PROBITY_BENCH_POSTGRES") {
            let (load_s, pg_s, pg) = postgres_resum(&url, &csv, cases, seed).await;
            let sum = checksum(&pg);
            println!(
                "  PostgreSQL store: facts copied in {load_s:.1} s; re-summed (one GROUP BY) {pg_s:.2} s; checksum {}",
                if sum == ours_sum { "matches" } else { "DIFFERS" }
            );
            assert_eq!(sum, ours_sum, "PostgreSQL's sums differ from SQLite's");
        }
    });
}

/// A consistent copy of the caseload benchmark's store (`VACUUM INTO`, safe while it is open
/// elsewhere), so that this benchmark's migrations never touch the original. Migrations the
/// copy records but this tree does not have (a store made by a newer branch) are forgotten in
/// the copy, so that it opens here.
async fn copy_store(from: &std::path::Path, to: &std::path::Path) {
    use sqlx::ConnectOptions;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(from).read_only(true);
    let mut source = options.connect().await.expect("the shared store opens read-only");
    let vacuum = format!("VACUUM INTO '{}'", to.display());
    sqlx::query(sqlx::AssertSqlSafe(vacuum.as_str())).execute(&mut source).await.expect("VACUUM INTO copies the store");
    let known: Vec<i64> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../store/migrations/sqlite"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.split('_').next()?.parse().ok())
        .collect();
    let mut copy = sqlx::sqlite::SqliteConnectOptions::new().filename(to).connect().await.unwrap();
    let list = known.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let forget = format!("DELETE FROM _sqlx_migrations WHERE version NOT IN ({list})");
    sqlx::query(sqlx::AssertSqlSafe(forget.as_str())).execute(&mut copy).await.unwrap();
}

/// The exported facts copied (COPY) into `mi_facts` of a PostgreSQL store in schema
/// `bench_mi_<cases>_<seed>` (made once), then re-summed by the store; (copy s, re-sum s, sums).
async fn postgres_resum(url: &str, csv: &std::path::Path, cases: u64, seed: u64) -> (f64, f64, BTreeMap<SumKey, Sums>) {
    let schema = format!("bench_mi_{cases}_{seed}");
    let admin = sqlx::PgPool::connect(url).await.expect("PROBITY_BENCH_POSTGRES connects");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA IF NOT EXISTS {schema}"))).execute(&admin).await.unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    let store = store::PostgresStore::connect(&format!("{url}{sep}options=-c%20search_path%3D{schema}")).await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM mi_facts").fetch_one(store.pool()).await.unwrap();
    let t = Instant::now();
    if n == 0 {
        let mut conn = store.pool().acquire().await.unwrap();
        let mut copy = conn
            .copy_in_raw("COPY mi_facts (crn, measure, on_date, met, officer, team, fact_key, weight) FROM STDIN (FORMAT csv, HEADER true)")
            .await
            .unwrap();
        let mut file = std::fs::File::open(csv).unwrap();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let read = std::io::Read::read(&mut file, &mut buf).unwrap();
            if read == 0 {
                break;
            }
            copy.send(&buf[..read]).await.unwrap();
        }
        copy.finish().await.unwrap();
        sqlx::query("ANALYZE mi_facts").execute(&mut *conn).await.unwrap();
    }
    let load_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let sums = store.mi_resum().await.unwrap();
    (load_s, t.elapsed().as_secs_f64(), sums)
}

/// Writes every fact as `probity mi export-facts` does; returns how many.
async fn export(store: &store::SqliteStore, path: &std::path::Path) -> u64 {
    let file = std::fs::File::create(path).unwrap();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    writeln!(out, "crn,measure,on_date,met,officer,team,fact_key,weight").unwrap();
    let mut sink = |row: store::mi::FactRow| -> Result<(), store::StoreError> {
        let (crn, measure, on, met, officer, team, key, weight) = row;
        // Codes, ids and dates hold no commas or quotes; a key (a local authority, a
        // requirement or a service code) is quoted in case.
        let key = key.map(|k| format!("\"{}\"", k.replace('"', "\"\""))).unwrap_or_default();
        writeln!(
            out,
            "{crn},{measure},{},{met},{},{},{key},{weight}",
            on.unwrap_or_default(),
            officer.unwrap_or_default(),
            team.unwrap_or_default()
        )
        .map_err(|e| store::StoreError::Invalid(e.to_string()))
    };
    let n = store.mi_export_facts(&mut sink).await.unwrap();
    out.flush().unwrap();
    n
}
