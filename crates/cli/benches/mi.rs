//! A dashboard's worth of MI figures from the projection: every measure for every team over
//! 12 months (by month), each figure one SQL query, on a generated provider in SQLite; p50,
//! p99 and max per figure, against a full recompute of every case's facts from the log as the
//! same-run reference. (docs/design.md#performance-targets: any dashboard figure p99 under 50 ms.)
//!
//! `cargo bench -p probity --bench mi -- [--cases 30000]`

use analytics::measures::{Grouping, MeasureId, Scope};
use std::time::Instant;
use store::{CaseStore, MiStore};

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let cases: u64 =
        argv.iter().position(|a| a == "--cases").map_or(30_000, |i| argv[i + 1].parse().expect("--cases: a number"));
    let as_of: jiff::civil::Date = "2026-11-26".parse().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store = store::SqliteStore::open(dir.path().join("mi.db").to_str().unwrap()).await.unwrap();
        let opts = synth::GenerateOptions::new(cases, 1, as_of);
        let t = Instant::now();
        services::generate::generate(&store, &opts, &|_| {}).await.unwrap();
        let load = t.elapsed();
        let org = store.organisation().await.unwrap();

        let t = Instant::now();
        let facts = store.mi_recompute().await.unwrap();
        let recompute = t.elapsed();

        let (from, to) = ("2025-12-01".parse().unwrap(), "2026-11-30".parse().unwrap());
        let mut times = Vec::new();
        for team in &org.teams {
            let scope = Scope::Team(team.code.clone());
            for measure in MeasureId::ALL {
                let t = Instant::now();
                let figures = store.mi_figures(measure, &scope, from, to, Grouping::Month).await.unwrap();
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                std::hint::black_box(figures);
            }
        }
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).saturating_sub(1).min(times.len() - 1)];
        println!(
            "mi dashboard: {cases} cases, {} facts, {} teams x {} measures = {} figures over 12 months by month: \
             p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms per figure (target p99 < 50 ms); all figures {:.0} ms; \
             reference: full recompute of every fact from the log {:.0} ms; generate and load (with MI) {:.1} s",
            facts.len(),
            org.teams.len(),
            MeasureId::ALL.len(),
            times.len(),
            at(0.5),
            at(0.99),
            at(1.0),
            times.iter().sum::<f64>(),
            recompute.as_secs_f64() * 1000.0,
            load.as_secs_f64()
        );
    });
}
