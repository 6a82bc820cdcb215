//! `probity demo`: a fresh synthetic provider in its own SQLite file, with a login per role,
//! a queue of cases waiting for the SPO, reductions and reports on the SPO's team and an
//! inspection sample, then served. The data comes from `services::generate`; this module
//! only makes the logins and prints where to look.

use crate::common::{generated_password, listen, progress_bar};
use anyhow::{Context, bail};
use clap::Args;
use domain::ids::Code;
use domain::org::Organisation;
use services::access::Administrator;
use services::access::{PlaceScope, Role};
use services::accounts::UserForm;
use services::clock::Clock;
use std::path::PathBuf;
use std::process::ExitCode;
use store::CaseStore;

#[derive(Args)]
pub struct DemoArgs {
    /// Number of cases in the demo provider.
    #[arg(long, default_value_t = 1_500)]
    pub cases: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// The demo's own SQLite file; it is recreated on every run.
    #[arg(long, default_value = "probity-demo.db")]
    pub file: PathBuf,
}

/// Generates a fresh provider into the demo file and serves it.
pub async fn demo(a: DemoArgs, clock: Clock) -> anyhow::Result<ExitCode> {
    let listener = listen(&a.addr).await?;
    for suffix in ["", "-wal", "-shm"] {
        let mut p = a.file.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
    let path = a.file.to_str().ok_or_else(|| anyhow::anyhow!("--file: not a UTF-8 path"))?;
    let store = store::SqliteStore::open(path).await?;
    // One instant for the whole demo, so everything it makes is as at the same day.
    let now = clock.now();
    let as_of = domain::case::uk_date(now);
    let opts = synth::GenerateOptions::new(a.cases, a.seed, as_of);
    let bar = progress_bar(a.cases, "generating the demo provider");
    services::generate::generate(&store, &opts, &|n| bar.set_position(n)).await?;
    bar.finish_and_clear();
    let counts = store.caseload_counts().await?;
    let org = store.organisation().await?;
    let addr = listener.local_addr()?;
    println!("Probity demo: {} cases of a London-like provider in {}", a.cases, a.file.display());
    println!("Open http://{addr}/");
    println!("Some officers' caseloads to try:");
    for (officer, n) in counts.iter().take(5) {
        let name = org.staff.iter().find(|s| &s.code == officer).map(|s| s.name.to_string()).unwrap_or_default();
        println!("  http://{addr}/officers/{officer}/caseload  ({name}, {n} cases)");
    }
    println!("Sign in with one of these logins (one per role; passwords are new on every run):");
    for (username, password, role) in demo_users(&store, &org, now).await? {
        println!("  {username:<10} {password}  ({role})");
    }
    if let Some(team) = services::generate::seed_allocation_queue(&store, &org, now).await? {
        println!("The SPO's team, with cases waiting to be allocated: http://{addr}/teams/{team}");
        let stores = services::Stores::new(store.clone());
        let reduced = services::generate::demo_reductions(&stores, &org, &team, now).await?;
        let reduced: Vec<String> = reduced.iter().map(ToString::to_string).collect();
        println!("  with reductions of hours for {} (`probity staff reduction list`)", reduced.join(" and "));
        let reporting = services::generate::demo_reports(&stores, &org, &team, now).await?;
        let reporting: Vec<String> = reporting.iter().map(ToString::to_string).collect();
        println!("  and reports in preparation for {} (`probity staff report list`)", reporting.join(" and "));
    }
    // The supervisor's week: projects in every borough and this week and next scheduled,
    // as the team's SPO (or the first SPO of the provider).
    let spo = org.staff.iter().find(|s| s.grade == domain::org::Grade::Spo).map(|s| s.code.clone());
    if let Some(spo) = spo {
        let stores = services::Stores::new(store.clone());
        for r in services::generate::demo_unpaid_work(&stores, a.seed, &spo, now).await? {
            println!(
                "Unpaid work, week of {}: {} placements on {} sessions (http://{addr}/upw)",
                r.week, r.placements, r.sessions
            );
        }
    }
    println!("Sign-in is required on every page; add users with `probity user add`.");
    println!("The inspector's sample (inspection DEMO, announced today): http://{addr}/inspections/DEMO");
    web::serve(store, listener, web::TIME_LIMIT).await?;
    Ok(ExitCode::SUCCESS)
}

/// One demo login per role, placed around the officer with the largest caseload, each with a
/// fresh random password, made at `now`. Returns (username, password, role) to print.
async fn demo_users<S: services::stores::AnyStore>(
    store: &S,
    org: &Organisation,
    now: jiff::Timestamp,
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
    let stores = services::Stores::new(store.clone());
    for (name, role, scope, officer) in logins {
        let password = generated_password(name);
        let (scope, officer) = (scope.to_string(), officer.map(ToString::to_string).unwrap_or_default());
        let form = UserForm {
            username: name,
            password: Some(&password),
            role: role.as_str(),
            scope: &scope,
            officer: &officer,
        };
        services::accounts::add_user(&stores, Administrator::Operator, now, form).await?;
        out.push((name.to_owned(), password, role.label()));
    }
    // The demo inspector's cases are an inspection's sample, drawn from the store by the
    // inspectorate's sampler and announced today, fieldwork in two weeks.
    let today = domain::case::uk_date(now);
    let announcement = services::inspection::Announcement {
        id: Code::parse("DEMO").map_err(anyhow::Error::msg)?,
        announced_on: today,
        fieldwork_on: today.saturating_add(jiff::Span::new().days(14)),
        by: Code::parse("HMI").map_err(anyhow::Error::msg)?,
        at: now,
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
