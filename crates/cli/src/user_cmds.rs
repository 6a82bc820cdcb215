//! `probity user add` / `probity user disable`: the administrator's use cases
//! (`services::accounts`), run by the operator; every bad value is refused by its field before
//! anything is written.

use crate::common::{DbArgs, generated_password};
use anyhow::Context;
use clap::{Args, Subcommand};
use services::access::Administrator;
use services::accounts::{self, UserForm};
use services::clock::Clock;
use services::{ServiceError, Stores};
use std::io::BufRead;
use std::process::ExitCode;
use store::with_store;

#[derive(Args)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user who can sign in. Without --password-stdin a password is made and printed once.
    Add(AddArgs),
    /// Disable a user: they cannot sign in, and their sessions end now.
    Disable(DisableArgs),
}

#[derive(Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub username: String,
    /// responsible_officer, spo, area_manager, upw_supervisor, inspector, mi_analyst or admin.
    #[arg(long)]
    pub role: String,
    /// The place they work over: team:CODE, office:CODE, borough:CODE, area:CODE or provider.
    #[arg(long)]
    pub scope: String,
    /// Their staff code, when they hold a caseload.
    #[arg(long)]
    pub officer: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Args)]
pub struct DisableArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub username: String,
}

pub async fn run(a: UserArgs, clock: Clock) -> anyhow::Result<ExitCode> {
    match a.command {
        UserCommand::Add(a) => add(a, clock).await,
        UserCommand::Disable(a) => disable(a).await,
    }
}

async fn add(a: AddArgs, clock: Clock) -> anyhow::Result<ExitCode> {
    let (password, made) = if a.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("password: cannot read standard input")?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (generated_password(a.username.trim()), true)
    };
    let form = UserForm {
        username: &a.username,
        password: Some(&password),
        role: &a.role,
        scope: &a.scope,
        officer: a.officer.as_deref().unwrap_or_default(),
    };
    let added = with_store!(a.db.url()?, |s| {
        accounts::add_user(&Stores::new(s.clone()), Administrator::Operator, clock.now(), form).await
    })
    .map_err(refused)?;
    println!("added {} ({}, {})", added.username, added.role.label(), added.scope);
    if made {
        println!("password: {password}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn disable(a: DisableArgs) -> anyhow::Result<ExitCode> {
    with_store!(a.db.url()?, |s| {
        accounts::disable_user(&Stores::new(s.clone()), Administrator::Operator, a.username.trim()).await
    })
    .map_err(refused)?;
    println!("disabled {}", a.username.trim());
    Ok(ExitCode::SUCCESS)
}

/// A refusal as the operator reads it: every bad field, one a line.
fn refused(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Invalid(problems) => {
            anyhow::Error::msg(problems.into_iter().map(|p| p.message).collect::<Vec<_>>().join("\n"))
        }
        ServiceError::NotFound(_) => anyhow::Error::msg("username: there is no such user"),
        e => e.into(),
    }
}
