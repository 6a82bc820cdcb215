//! Commands that work on a whole store: generate, stats, export and import, rebuild and
//! check, serve.

use crate::common::{DbArgs, date_flag, listen, progress_bar};
use anyhow::{Context, bail};
use clap::Args;
use indicatif::ProgressBar;
use services::clock::Clock;
use std::path::PathBuf;
use std::process::ExitCode;
use store::{CaseStore, with_store};

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Directory to write the CSV files into (created if missing).
    #[arg(long)]
    pub dir: PathBuf,
}

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Directory holding the CSV files of an export.
    #[arg(long)]
    pub dir: PathBuf,
}

pub async fn export(a: ExportArgs) -> anyhow::Result<ExitCode> {
    with_store!(a.db.url()?, |s| {
        let n = services::transfer::export(&s, &a.dir).await?;
        eprintln!("exported {n} events to {}", a.dir.display());
    });
    Ok(ExitCode::SUCCESS)
}

pub async fn import(a: ImportArgs) -> anyhow::Result<ExitCode> {
    with_store!(a.db.url()?, |s| {
        let bar = ProgressBar::new_spinner();
        bar.set_message("importing");
        let n = services::transfer::import(&s, &a.dir, &|n| bar.set_position(n)).await?;
        bar.finish_and_clear();
        eprintln!("imported {n} cases from {}", a.dir.display());
    });
    Ok(ExitCode::SUCCESS)
}

pub async fn rebuild(a: DbArgs) -> anyhow::Result<ExitCode> {
    with_store!(a.url()?, |s| {
        let r = s.rebuild().await.context("rebuild")?;
        eprintln!("rebuilt projections of {} cases from {} events", r.cases, r.events);
    });
    Ok(ExitCode::SUCCESS)
}

pub async fn check(a: DbArgs) -> anyhow::Result<ExitCode> {
    with_store!(a.url()?, |s| {
        let r = s.check().await.context("check")?;
        if r.is_consistent() {
            println!("ok: projections of {} cases equal a rebuild from {} events", r.cases, r.events);
            return Ok(ExitCode::SUCCESS);
        }
        for d in r.differences.iter().take(20) {
            println!("{d}");
        }
        bail!("{} differences between the live projections and a rebuild; run `probity rebuild`", r.differences.len());
    })
}

#[derive(Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Number of cases (people under supervision) to generate.
    #[arg(long, default_value_t = 2_000)]
    pub cases: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The date the provider is generated as at (default today).
    #[arg(long)]
    pub as_of: Option<String>,
}

pub async fn generate(a: GenerateArgs, clock: Clock) -> anyhow::Result<ExitCode> {
    let as_of = date_flag("--as-of", a.as_of.as_deref(), clock)?;
    let opts = synth::GenerateOptions::new(a.cases, a.seed, as_of);
    with_store!(a.db.url()?, |s| {
        let bar = progress_bar(a.cases, "generating");
        let n = services::generate::generate(&s, &opts, &|n| bar.set_position(n)).await?;
        bar.finish_and_clear();
        eprintln!("generated {n} cases (seed {}, as at {as_of}) into {}", a.seed, a.db.database);
    });
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub async fn stats(a: StatsArgs) -> anyhow::Result<ExitCode> {
    with_store!(a.db.url()?, |s| {
        let stats = services::generate::stats(&s).await?;
        if a.json {
            println!("{}", serde_json::to_string_pretty(&stats)?);
        } else {
            println!("{stats}");
        }
    });
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Seconds a request may run before it is stopped with a clear error (1 to 600); on
    /// PostgreSQL each statement is held to it too (`web::statement_limit`).
    #[arg(long, value_name = "SECONDS", default_value_t = web::TIME_LIMIT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=600))]
    pub time_limit: u64,
}

pub async fn serve(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let listener = listen(&a.addr).await?;
    let limit = std::time::Duration::from_secs(a.time_limit);
    let addr = listener.local_addr()?;
    let serving = |database: &str| println!("Probity is serving {database} at http://{addr}/");
    match a.db.url()? {
        store::DatabaseUrl::Sqlite(path) => {
            let s = store::SqliteStore::open(&path).await?;
            serving(&a.db.database);
            web::serve(s, listener, limit).await?;
        }
        store::DatabaseUrl::Postgres(url) => {
            let s = store::PostgresStore::connect_with_statement_limit(&url, Some(web::statement_limit(limit))).await?;
            serving(&a.db.database);
            web::serve(s, listener, limit).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
