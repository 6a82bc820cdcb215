//! `probity tier`: tiering over standard input, with no store.

use anyhow::Context;
use clap::Args;
use std::io::Read;
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
