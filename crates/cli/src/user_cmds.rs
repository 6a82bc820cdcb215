//! `probity user add` / `probity user disable`, and the demo's one login per role. Values are
//! validated by `services::access` (role, place, username) before anything is written.

use crate::store_cmds::DbArgs;
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use domain::ids::Code;
use domain::org::Organisation;
use services::access::{PlaceScope, Role, Username};
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

pub async fn run(a: UserArgs) -> anyhow::Result<ExitCode> {
    match a.command {
        UserCommand::Add(a) => add(a).await,
        UserCommand::Disable(a) => disable(a).await,
    }
}

/// A user record from validated values, with the password hashed (argon2id).
fn record(
    username: &Username,
    role: Role,
    scope: &PlaceScope,
    officer: Option<&Code>,
    password: &str,
) -> anyhow::Result<UserRecord> {
    Ok(UserRecord {
        username: username.to_string(),
        password_hash: web::auth::hash_password(password).map_err(|e| anyhow::anyhow!("{e}"))?,
        role: role.as_str().to_owned(),
        scope_kind: scope.kind().as_str().to_owned(),
        scope_code: scope.code().map(|c| c.to_string()),
        officer: officer.map(|c| c.to_string()),
        disabled: false,
        created_at: jiff::Timestamp::now(),
    })
}

async fn add(a: AddArgs) -> anyhow::Result<ExitCode> {
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
        s.add_user(&record(&username, role, &scope, officer.as_ref(), &password)?).await?;
    });
    println!("added {username} ({}, {scope})", role.label());
    if made {
        println!("password: {password}");
    }
    Ok(ExitCode::SUCCESS)
}

/// A random password that meets the policy (`services::access::generated_password`).
fn generated_password(username: &str) -> String {
    services::access::generated_password(username, &mut web::auth::new_token)
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

/// One demo login per role, placed around the officer with the largest caseload, each with a
/// fresh random password. Returns (username, password, role) to print.
pub async fn demo_users<S: services::stores::AnyStore>(
    store: &S,
    org: &Organisation,
) -> anyhow::Result<Vec<(String, String, &'static str)>> {
    let counts = store.caseload_counts().await?;
    let Some((officer, _)) = counts.iter().max_by_key(|(code, n)| (**n, std::cmp::Reverse((*code).clone()))) else {
        bail!("the demo store has no caseloads");
    };
    let place = services::access::Place::of_officer(officer, org);
    let team = place.team.clone().context("the demo officer has a team")?;
    let borough = place.borough.clone().context("the demo team has a borough")?;
    let area = place.area.clone().context("the demo team has an area")?;
    let logins = [
        ("officer", Role::ResponsibleOfficer, PlaceScope::Team(team.clone()), Some(officer)),
        ("spo", Role::SeniorProbationOfficer, PlaceScope::Team(team), None),
        ("manager", Role::AreaManager, PlaceScope::Area(area), None),
        ("upw", Role::UpwSupervisor, PlaceScope::Borough(borough), None),
        ("inspector", Role::Inspector, PlaceScope::Provider, None),
        ("analyst", Role::MiAnalyst, PlaceScope::Provider, None),
        ("admin", Role::Admin, PlaceScope::Provider, None),
    ];
    let mut out = Vec::new();
    for (name, role, scope, officer) in logins {
        let username = Username::parse(name).map_err(anyhow::Error::msg)?;
        let password = generated_password(name);
        store.add_user(&record(&username, role, &scope, officer, &password)?).await?;
        out.push((name.to_owned(), password, role.label()));
    }
    // The demo inspector's cases are an inspection's sample, drawn from the store by the
    // inspectorate's sampler and announced today, fieldwork in two weeks.
    let today = domain::case::uk_date(jiff::Timestamp::now());
    let announcement = services::inspection::Announcement {
        id: Code::parse("DEMO").map_err(anyhow::Error::msg)?,
        announced_on: today,
        fieldwork_on: today.saturating_add(jiff::Span::new().days(14)),
        by: Code::parse("HMI").map_err(anyhow::Error::msg)?,
    };
    let scheme = inspect::scheme::Scheme::Inspectorate(inspect::sample::SampleOptions::new(20, today));
    // A provider too small to sample still gets its demo; the inspector then has no cases.
    match services::inspection::announce(&services::Stores::new(store.clone()), &announcement, &scheme).await {
        Ok(_) => {
            let sample: Vec<_> = store.inspection_cases(&announcement.id).await?.into_iter().map(|c| c.crn).collect();
            store.grant_cases("inspector", &sample).await?;
        }
        Err(e) => eprintln!("probity: no inspection sample for the demo inspector: {e}"),
    }
    Ok(out)
}
