//! `probity`: the one binary. Each subcommand is a thin shell over a library crate; bad
//! input ends with a one-line message naming the field, and a non-zero exit.

mod inspect_cmds;
mod mi_cmds;
mod mi_outcome_cmds;
mod staff_cmds;
mod staff_equality_cmds;
mod store_cmds;
mod tool_cmds;
mod upw_cmds;
mod user_cmds;

use clap::{Parser, Subcommand};
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
    Demo(store_cmds::DemoArgs),
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
    Rebuild(store_cmds::DbArgs),
    /// Prove the live projections equal a rebuild from the log (exit 1 if not).
    Check(store_cmds::DbArgs),
    /// Tier people: a JSON array of tier inputs on stdin, results on stdout.
    Tier(tool_cmds::TierArgs),
    /// Management information.
    Mi(tool_cmds::MiArgs),
    /// Unpaid work.
    Upw(tool_cmds::UpwArgs),
    /// Inspection: case sampling and findings.
    Inspect(tool_cmds::InspectArgs),
    /// Users who can sign in: add, disable.
    User(user_cmds::UserArgs),
    /// Staff: reductions of an officer's hours (sickness, facility time, trainee, newly qualified),
    /// reports in preparation, declared characteristics and performance-improvement flags.
    Staff(staff_cmds::StaffArgs),
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
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime starts");
    let result = runtime.block_on(async {
        match cli.command {
            Command::Demo(a) => store_cmds::demo(a).await,
            Command::Serve(a) => store_cmds::serve(a).await,
            Command::Generate(a) => store_cmds::generate(a).await,
            Command::Stats(a) => store_cmds::stats(a).await,
            Command::Export(a) => store_cmds::export(a).await,
            Command::Import(a) => store_cmds::import(a).await,
            Command::Rebuild(a) => store_cmds::rebuild(a).await,
            Command::Check(a) => store_cmds::check(a).await,
            Command::Tier(a) => tool_cmds::tier(a),
            Command::Mi(a) => mi_cmds::mi(a).await,
            Command::Upw(a) => upw_cmds::upw(a).await,
            Command::Inspect(tool_cmds::InspectArgs { command: tool_cmds::InspectCommand::Store(c) }) => {
                inspect_cmds::run(c).await
            }
            Command::Inspect(a) => tool_cmds::inspect(a),
            Command::User(a) => user_cmds::run(a).await,
            Command::Staff(a) => staff_cmds::run(a).await,
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
