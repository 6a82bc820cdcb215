//! `probity user add` / `probity user disable`. Values are validated by `services::access`
//! (role, place, username, password) before anything is written.

use crate::common::{DbArgs, generated_password, user_record};
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use domain::ids::Code;
use services::access::{PlaceScope, Role, Username};
use services::clock::Clock;
use std::io::BufRead;
use std::process::ExitCode;
use store::auth::UserRecord;
use store::{AccessStore, CaseStore, with_store};

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
    let username = Username::parse(&a.username).map_err(anyhow::Error::msg)?;
    let role = Role::parse(&a.role).map_err(anyhow::Error::msg)?;
    let scope = PlaceScope::parse(&a.scope).map_err(anyhow::Error::msg)?;
    let officer = a.officer.as_deref().map(Code::parse).transpose().map_err(|e| anyhow::anyhow!("officer: {e}"))?;
    let (password, made) = if a.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("password: cannot read standard input")?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (generated_password(username.as_str()), true)
    };
    services::access::check_password_strength("password", &password, username.as_str()).map_err(anyhow::Error::msg)?;
    with_store!(a.db.url()?, |s| {
        let org = s.organisation().await?;
        services::access::check_scope_exists("scope", &scope, &org).map_err(anyhow::Error::msg)?;
        if let Some(o) = &officer
            && !org.staff.iter().any(|st| &st.code == o)
        {
            bail!("officer: there is no member of staff {o}");
        }
        s.add_user(&user_record(&username, role, &scope, officer.as_ref(), &password, clock.now())?).await?;
    });
    println!("added {username} ({}, {scope})", role.label());
    if made {
        println!("password: {password}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn disable(a: DisableArgs) -> anyhow::Result<ExitCode> {
    with_store!(a.db.url()?, |s| {
        let Some(user) = s.user(&a.username).await? else {
            bail!("username: there is no user `{}`", a.username);
        };
        let disabled = UserRecord { disabled: true, ..user };
        services::access::keeps_an_administrator(&s.users().await?, &disabled, "username")
            .map_err(anyhow::Error::msg)?;
        s.update_user(&disabled).await?;
    });
    println!("disabled {}", a.username);
    Ok(ExitCode::SUCCESS)
}
