//! `probity`: the one binary. Each subcommand is a thin shell over a library crate; bad
//! input ends with a one-line message naming the field, and a non-zero exit.
//!
//! This file is the only one that knows every command module: it parses, makes the one
//! clock, and dispatches. The command modules share only `common`, below them all.

mod common;
mod demo_cmds;
mod inspect_cmds;
mod mi_cmds;
mod mi_outcome_cmds;
mod staff_cmds;
mod staff_equality_cmds;
mod store_cmds;
mod tier_cmds;
mod upw_cmds;
mod user_cmds;

use clap::{Args, Parser, Subcommand};
use services::clock::Clock;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "probity", version, about = "Probation case management and quality, from one record")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a demo provider into an embedded SQLite file and serve it.
    Demo(demo_cmds::DemoArgs),
    /// Serve an existing store.
    Serve(store_cmds::ServeArgs),
    /// Generate a synthetic provider, deterministic for a seed, into an empty store.
    Generate(store_cmds::GenerateArgs),
    /// Print a store's calibration figures against the report's.
    Stats(store_cmds::StatsArgs),
    /// Export the store to CSV files, one per entity.
    Export(store_cmds::ExportArgs),
    /// Import CSV files (from `export`) into an empty store: all or nothing.
    Import(store_cmds::ImportArgs),
    /// Recompute every projection from the event log.
    Rebuild(common::DbArgs),
    /// Prove the live projections equal a rebuild from the log (exit 1 if not).
    Check(common::DbArgs),
    /// Tier people: a JSON array of tier inputs on stdin, results on stdout.
    Tier(tier_cmds::TierArgs),
    /// Management information.
    Mi(MiArgs),
    /// Unpaid work.
    Upw(upw_cmds::UpwArgs),
    /// Inspection: case sampling and findings.
    Inspect(inspect_cmds::InspectArgs),
    /// Users who can sign in: add, disable.
    User(user_cmds::UserArgs),
    /// Staff: reductions of an officer's hours (sickness, facility time, trainee, newly qualified),
    /// reports in preparation, declared characteristics and performance-improvement flags.
    Staff(StaffArgs),
}

/// `probity mi`: its measures span two modules (the store's MI facts, and outcomes), so the
/// choice between them is made here.
#[derive(Args)]
struct MiArgs {
    #[command(subcommand)]
    measure: MiMeasure,
}

#[derive(Subcommand)]
enum MiMeasure {
    /// Proven reoffending by quarterly cohort: from a CSV of starts and reoffences (--input),
    /// or from the store's record (--database).
    Reoffending(mi_outcome_cmds::ReoffendingArgs),
    /// One outcome's rate for each group of a protected characteristic against everyone
    /// else's, with 95% intervals, from the store (CSV, or JSON with --json).
    Disproportionality(mi_outcome_cmds::DisproportionalityArgs),
    /// One measure's figures for a scope and period, from the store (CSV, or JSON with --json).
    Measure(mi_cmds::MeasureArgs),
    /// Every measure with its definition, numerator, denominator and source.
    Measures(mi_cmds::MeasuresArgs),
    /// Every stored MI fact as CSV, for analysts and the DuckDB comparison in the benchmark.
    ExportFacts(mi_cmds::ExportFactsArgs),
}

/// `probity staff`: workload (reductions, reports) and equality (declarations, flags) are
/// modules of their own, so the choice between them is made here.
#[derive(Args)]
struct StaffArgs {
    #[command(subcommand)]
    command: StaffCommand,
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Reductions of an officer's hours, which lower the points available to them.
    #[command(subcommand)]
    Reduction(staff_cmds::ReductionCommand),
    /// Reports an officer is preparing, which add to their workload points.
    #[command(subcommand)]
    Report(staff_cmds::ReportCommand),
    /// A member of staff's self-declared protected characteristics, for disproportionality.
    #[command(subcommand)]
    Equality(staff_equality_cmds::EqualityCommand),
    /// Flags of staff processes (performance improvement) on a member of staff.
    #[command(subcommand)]
    Flag(staff_equality_cmds::FlagCommand),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,sqlx=error,probity=info,web=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    // The one clock of the process: every command that needs "now" or "today" is given it.
    let clock = Clock::System;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime starts");
    let result = runtime.block_on(async {
        match cli.command {
            Command::Demo(a) => demo_cmds::demo(a, clock).await,
            Command::Serve(a) => store_cmds::serve(a).await,
            Command::Generate(a) => store_cmds::generate(a, clock).await,
            Command::Stats(a) => store_cmds::stats(a).await,
            Command::Export(a) => store_cmds::export(a).await,
            Command::Import(a) => store_cmds::import(a).await,
            Command::Rebuild(a) => store_cmds::rebuild(a).await,
            Command::Check(a) => store_cmds::check(a).await,
            Command::Tier(a) => tier_cmds::tier(a),
            Command::Mi(a) => match a.measure {
                MiMeasure::Reoffending(r) => mi_outcome_cmds::reoffending(r).await,
                MiMeasure::Disproportionality(d) => mi_outcome_cmds::disproportionality(d, clock).await,
                MiMeasure::Measure(m) => mi_cmds::measure(m, clock).await,
                MiMeasure::Measures(m) => mi_cmds::measures(m),
                MiMeasure::ExportFacts(e) => mi_cmds::export_facts(e).await,
            },
            Command::Upw(a) => upw_cmds::upw(a, clock).await,
            Command::Inspect(a) => inspect_cmds::inspect(a, clock).await,
            Command::User(a) => user_cmds::run(a, clock).await,
            Command::Staff(a) => match a.command {
                StaffCommand::Reduction(c) => staff_cmds::reduction(c, clock).await,
                StaffCommand::Report(c) => staff_cmds::report(c, clock).await,
                StaffCommand::Equality(c) => staff_equality_cmds::equality(c, clock).await,
                StaffCommand::Flag(c) => staff_equality_cmds::flag(c, clock).await,
            },
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("probity: {e:#}");
            ExitCode::FAILURE
        }
    }
}
