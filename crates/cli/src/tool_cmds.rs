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

/// Exit 0 when every row computed, 1 when any row failed, 2 on a usage error (docs/rules/tiering.md#0-the-command).
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
    /// Proven reoffending by quarterly cohort: from a CSV of starts and reoffences (--input),
    /// or from the store's record (--database).
    Reoffending(crate::mi_outcome_cmds::ReoffendingArgs),
    /// One outcome's rate for each group of a protected characteristic against everyone
    /// else's, with 95% intervals, from the store (CSV, or JSON with --json).
    Disproportionality(crate::mi_outcome_cmds::DisproportionalityArgs),
    /// One measure's figures for a scope and period, from the store (CSV, or JSON with --json).
    Measure(crate::mi_cmds::MeasureArgs),
    /// Every measure with its definition, numerator, denominator and source.
    Measures(crate::mi_cmds::MeasuresArgs),
    /// Every stored MI fact as CSV, for analysts and the DuckDB comparison in the benchmark.
    ExportFacts(crate::mi_cmds::ExportFactsArgs),
}

/// `probity mi reoffending` (dispatched by `mi_cmds::mi`).
pub fn reoffending(input: PathBuf) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&input).with_context(|| format!("--input: {}", input.display()))?;
    let figures =
        analytics::reoffending::reoffending_from_csv(&text).map_err(|e| anyhow::anyhow!("{}: {e}", input.display()))?;
    println!("{}", serde_json::to_string_pretty(&figures)?);
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct UpwArgs {
    #[command(subcommand)]
    pub command: UpwCommand,
}

#[derive(Subcommand)]
pub enum UpwCommand {
    /// Solve a weekly unpaid-work scheduling instance (docs/rules/practice.md#the-scheduling-problem format) exactly;
    /// JSON on stdout.
    Solve {
        #[arg(long)]
        instance: PathBuf,
    },
    #[command(flatten)]
    Store(crate::upw_cmds::UpwStoreCommand),
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
        // Store commands are async; main dispatches them to `upw_cmds`.
        UpwCommand::Store(_) => anyhow::bail!("upw: store commands run through upw_cmds::upw"),
    }
}

#[derive(Args)]
pub struct InspectArgs {
    #[command(subcommand)]
    pub command: InspectCommand,
}

#[derive(Subcommand)]
pub enum InspectCommand {
    /// Draw an inspection case sample from a long-list CSV (docs/rules/practice.md#file-formats); JSON on stdout.
    Sample {
        #[arg(long)]
        longlist: PathBuf,
        /// Cases requested, before the buffer.
        #[arg(long)]
        size: usize,
        /// Buffer per stratum, percent.
        #[arg(long, default_value_t = 20)]
        buffer: u32,
        #[arg(long, default_value_t = 6)]
        max_per_officer: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// "Not started" is judged against this date (default today); the report's scheme
        /// takes it as the fieldwork date.
        #[arg(long)]
        as_of: Option<String>,
        /// `inspectorate`, `report`, or a JSON configuration of the report's scheme.
        #[arg(long, default_value = "inspectorate")]
        scheme: String,
    },
    /// Findings from case assessments: per-question figures, intervals, ratings.
    Report {
        #[arg(long)]
        assessments: PathBuf,
        #[arg(long)]
        comparison: Option<PathBuf>,
        #[arg(long)]
        ratings: Option<PathBuf>,
        /// `json` or `html`.
        #[arg(long, default_value = "json")]
        format: String,
    },
    /// Inspections in a store: announce a sample, answer, look behind, findings.
    #[command(flatten)]
    Store(crate::inspect_cmds::StoreInspectCommand),
}

fn read(flag: &str, path: &std::path::Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("{flag}: {}", path.display()))
}

/// Parses a `YYYY-MM-DD` flag, naming it on error.
pub fn date_flag(flag: &str, value: Option<&str>) -> anyhow::Result<jiff::civil::Date> {
    match value {
        None => Ok(domain::case::uk_date(jiff::Timestamp::now())),
        Some(v) => v.parse().map_err(|_| anyhow::anyhow!("{flag}: `{v}` is not a date (YYYY-MM-DD)")),
    }
}

pub fn inspect(a: InspectArgs) -> anyhow::Result<ExitCode> {
    match a.command {
        InspectCommand::Sample { longlist, size, buffer, max_per_officer, seed, as_of, scheme }
            if scheme != "inspectorate" =>
        {
            let text = read("--longlist", &longlist)?;
            let cases = inspect::longlist::parse(&text)
                .map_err(|e| anyhow::anyhow!("{}", e.in_file(longlist.display().to_string())))?;
            let args = crate::inspect_cmds::SchemeArgs { scheme, size, seed };
            let mut scheme = crate::inspect_cmds::scheme(&args, date_flag("--as-of", as_of.as_deref())?)?;
            // A configuration file's own values win over the flags' defaults.
            if let inspect::scheme::Scheme::Report(r) = &mut scheme
                && args.scheme == "report"
            {
                r.buffer_percent = buffer;
                r.max_per_officer = max_per_officer;
            }
            let out = inspect::scheme::draw_with(&cases, &scheme).map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", serde_json::to_string_pretty(&out)?);
            Ok(ExitCode::SUCCESS)
        }
        InspectCommand::Sample { longlist, size, buffer, max_per_officer, seed, as_of, .. } => {
            let text = read("--longlist", &longlist)?;
            let mut opts = inspect::sample::SampleOptions::new(size, date_flag("--as-of", as_of.as_deref())?);
            opts.buffer_percent = buffer;
            opts.max_per_officer = max_per_officer;
            opts.seed = seed;
            let out = inspect::sample::draw(&text, &opts)
                .map_err(|e| anyhow::anyhow!("{}", e.in_file(longlist.display().to_string())))?;
            println!("{}", serde_json::to_string_pretty(&out)?);
            Ok(ExitCode::SUCCESS)
        }
        InspectCommand::Report { assessments, comparison, ratings, format } => {
            if format != "json" && format != "html" {
                anyhow::bail!("--format: `{format}` is not json or html");
            }
            let a_text = read("--assessments", &assessments)?;
            let c_text = comparison.as_deref().map(|p| read("--comparison", p)).transpose()?;
            let r_text = ratings.as_deref().map(|p| read("--ratings", p)).transpose()?;
            let report = inspect::report::build(&a_text, c_text.as_deref(), r_text.as_deref())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if format == "html" {
                println!("{}", inspect::html::render_html(&report));
            } else {
                println!("{}", serde_json::to_string_pretty(&report)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        InspectCommand::Store(_) => unreachable!("main dispatches the store commands to inspect_cmds"),
    }
}
