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

#[derive(Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Number of cases (people under supervision) to generate.
    #[arg(long, default_value_t = 2_000)]
    pub cases: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The date the provider is generated as at (default today).
    #[arg(long)]
    pub as_of: Option<String>,
}

pub async fn generate(a: GenerateArgs) -> anyhow::Result<ExitCode> {
    let as_of = crate::tool_cmds::date_flag("--as-of", a.as_of.as_deref())?;
    let opts = synth::GenerateOptions::new(a.cases, a.seed, as_of);
    with_store!(a.db.url()?, |s| {
        let bar = progress_bar(a.cases, "generating");
        let n = services::generate::generate(&s, &opts, &|n| bar.set_position(n)).await?;
        bar.finish_and_clear();
        eprintln!("generated {n} cases (seed {}, as at {as_of}) into {}", a.seed, a.db.database);
    });
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub async fn stats(a: StatsArgs) -> anyhow::Result<ExitCode> {
    with_store!(a.db.url()?, |s| {
        let stats = services::generate::stats(&s).await?;
        if a.json {
            println!("{}", serde_json::to_string_pretty(&stats)?);
        } else {
            println!("{stats}");
        }
    });
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
}

async fn listen(addr: &str) -> anyhow::Result<tokio::net::TcpListener> {
    let addr: std::net::SocketAddr = addr.parse().map_err(|_| anyhow::anyhow!("--addr: `{addr}` is not host:port"))?;
    tokio::net::TcpListener::bind(addr).await.with_context(|| format!("--addr: cannot listen on {addr}"))
}

pub async fn serve(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let listener = listen(&a.addr).await?;
    with_store!(a.db.url()?, |s| {
        println!("Probity is serving {} at http://{}/", a.db.database, listener.local_addr()?);
        web::serve(s, listener).await?;
    });
    Ok(ExitCode::SUCCESS)
}

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

/// The generator allocates every case it makes (its output is calibrated to the report), so
/// the demo adds a few new cases of people living in the demo SPO's borough, sentenced and
/// assessed (the tier follows) but not yet allocated: the SPO's team view then has a queue.
/// Returns the SPO's team.
async fn seed_allocation_queue<S: CaseStore + store::AccessStore>(
    store: &S,
    org: &domain::org::Organisation,
    today: jiff::civil::Date,
) -> anyhow::Result<Option<domain::ids::Code>> {
    use domain::assessment::{NeedArea, NeedSeverity, RoshLevel};
    use domain::event::CaseEvent;
    use domain::example;
    use domain::person::Gender;
    use domain::sentence::SentenceKind;
    let Some(spo) = store::AccessStore::user(store, "spo").await? else { return Ok(None) };
    let Some(team) = spo.scope_code.as_deref().map(domain::ids::Code::parse).transpose()? else { return Ok(None) };
    let borough = services::access::Place::of_team(Some(&team), None, org).borough;
    let system = domain::ids::Code::parse("SYSTEM")?;
    // (CRN, first name, family name, gender, days waiting, sentence, RoSH): W is the
    // generator's last CRN letter, reached only beyond 25 million cases.
    let waiting = [
        ("W000001", "Aisha", "Khan", Gender::Female, 9, SentenceKind::CommunityOrder, RoshLevel::Medium),
        ("W000002", "Daniel", "Murphy", Gender::Male, 6, SentenceKind::SuspendedSentenceOrder, RoshLevel::High),
        ("W000003", "Tomasz", "Nowak", Gender::Male, 3, SentenceKind::CommunityOrder, RoshLevel::Low),
        ("W000004", "Grace", "Adeyemi", Gender::Female, 1, SentenceKind::CommunityOrder, RoshLevel::Low),
    ];
    for (crn, first, family, gender, days, kind, rosh) in waiting {
        let crn = domain::ids::Crn::parse(crn)?;
        if store.summary(&crn).await?.is_some() {
            continue;
        }
        let on = today.saturating_sub(jiff::Span::new().days(days));
        let mut person = example::person(first, family);
        person.gender = gender;
        person.home_borough = borough.clone();
        let mut sentence = example::community_order("S1", on);
        sentence.kind = kind;
        let needs =
            [(NeedArea::Accommodation, NeedSeverity::Standard), (NeedArea::ThinkingBehaviour, NeedSeverity::Severe)];
        let events: Vec<_> = [
            CaseEvent::PersonRegistered { person },
            CaseEvent::SentenceImposed { sentence },
            CaseEvent::AssessmentCompleted { assessment: example::assessment("AS1", on, rosh, &needs) },
        ]
        .into_iter()
        .map(|e| example::new_event(on, e))
        .collect();
        services::record::record_events(store, &crn, 0, &events, &system, jiff::Timestamp::now()).await?;
    }
    Ok(Some(team))
}

/// Generates a fresh provider into the demo file and serves it.
pub async fn demo(a: DemoArgs) -> anyhow::Result<ExitCode> {
    let listener = listen(&a.addr).await?;
    for suffix in ["", "-wal", "-shm"] {
        let mut p = a.file.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
    let path = a.file.to_str().ok_or_else(|| anyhow::anyhow!("--file: not a UTF-8 path"))?;
    let store = store::SqliteStore::open(path).await?;
    let as_of = domain::case::uk_date(jiff::Timestamp::now());
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
    for (username, password, role) in crate::user_cmds::demo_users(&store, &org).await? {
        println!("  {username:<10} {password}  ({role})");
    }
    if let Some(team) = seed_allocation_queue(&store, &org, as_of).await? {
        println!("The SPO's team, with cases waiting to be allocated: http://{addr}/teams/{team}");
        let reduced = crate::staff_cmds::demo_reductions(&store, &org, &team, as_of).await?;
        let reduced: Vec<String> = reduced.iter().map(ToString::to_string).collect();
        println!("  with reductions of hours for {} (`probity staff reduction list`)", reduced.join(" and "));
        let reporting = crate::staff_cmds::demo_reports(&store, &org, &team, as_of).await?;
        let reporting: Vec<String> = reporting.iter().map(ToString::to_string).collect();
        println!("  and reports in preparation for {} (`probity staff report list`)", reporting.join(" and "));
    }
    println!("Sign-in is required on every page; add users with `probity user add`.");
    println!("The inspector's sample (inspection DEMO, announced today): http://{addr}/inspections/DEMO");
    web::serve(store, listener).await?;
    Ok(ExitCode::SUCCESS)
}
