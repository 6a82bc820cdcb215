//! Commands that work on a store.

use anyhow::{Context, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::ExitCode;
use store::{CaseStore, DatabaseUrl, with_store};

#[derive(Args)]
pub struct DbArgs {
    /// `sqlite://path` or `postgres://...`
    #[arg(long, default_value = "sqlite://probity.db")]
    pub database: String,
}

impl DbArgs {
    pub fn url(&self) -> anyhow::Result<DatabaseUrl> {
        DatabaseUrl::parse(&self.database).map_err(anyhow::Error::msg)
    }
}

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

/// A progress bar on stderr for long loads (hidden when stderr is not a terminal).
#[allow(dead_code)] // used by `generate` once the generator lands
pub fn progress_bar(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} cases ({per_sec}, eta {eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
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
