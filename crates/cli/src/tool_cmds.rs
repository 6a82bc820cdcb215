//! Commands over files and standard input, with no store.

use anyhow::Context;
use clap::{Args, Subcommand};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct TierArgs {
    /// `legacy` (A3..D0 with points) or `v3` (A..G with a provisional flag).
    #[arg(long)]
    pub model: String,
}

/// Exit 0 when every row computed, 1 when any row failed, 2 on a usage error (TIERING.md §0).
pub fn tier(a: TierArgs) -> anyhow::Result<ExitCode> {
    let model: domain::tier::Model = match a.model.parse() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("probity tier: --model: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).context("reading standard input")?;
    match domain::tier::run_command(model, &input) {
        Ok(out) => {
            print!("{}", out.stdout);
            Ok(ExitCode::from(out.exit_code as u8))
        }
        Err(e) => {
            eprintln!("probity tier: {e}");
            Ok(ExitCode::from(2))
        }
    }
}

#[derive(Args)]
pub struct MiArgs {
    #[command(subcommand)]
    pub measure: MiMeasure,
}

#[derive(Subcommand)]
pub enum MiMeasure {
    /// Proven reoffending by quarterly cohort, from a CSV of starts and reoffences.
    Reoffending {
        /// CSV with columns person, start_date, offence_date, proven_date.
        #[arg(long)]
        input: PathBuf,
    },
}

pub fn mi(a: MiArgs) -> anyhow::Result<ExitCode> {
    match a.measure {
        MiMeasure::Reoffending { input } => {
            let text = std::fs::read_to_string(&input).with_context(|| format!("--input: {}", input.display()))?;
            let figures = analytics::reoffending::reoffending_from_csv(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", input.display()))?;
            println!("{}", serde_json::to_string_pretty(&figures)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[derive(Args)]
pub struct UpwArgs {
    #[command(subcommand)]
    pub command: UpwCommand,
}

#[derive(Subcommand)]
pub enum UpwCommand {
    /// Solve a weekly unpaid-work scheduling instance (RULES.md format) exactly; JSON on stdout.
    Solve {
        #[arg(long)]
        instance: PathBuf,
    },
}

pub fn upw(a: UpwArgs) -> anyhow::Result<ExitCode> {
    match a.command {
        UpwCommand::Solve { instance } => {
            let text =
                std::fs::read_to_string(&instance).with_context(|| format!("--instance: {}", instance.display()))?;
            let parsed = upw::Instance::from_json(&text).map_err(|e| anyhow::anyhow!("{}: {e}", instance.display()))?;
            println!("{}", upw::solve(&parsed).to_json());
            Ok(ExitCode::SUCCESS)
        }
    }
}
