//! Every kind of page at national scale, as the role that uses it: the start page, the
//! caseload and worklist, each section of a case, search, the team view and the allocation
//! screen, each MI page, the unpaid-work week and a person's progress, the inspection pages
//! and the administrator's. Targets: p99 under 100 ms for every kind, the caseload under 10 ms.
//!
//! `cargo bench -p web --bench pages`
//!
//! For each kind of page, after 5 warm-up requests: one client asking for one page after
//! another (`PROBITY_BENCH_PAGE_REQUESTS`, 50), then `PROBITY_BENCH_CLIENTS` clients (50) at
//! once with no think time (`PROBITY_BENCH_PAGE_LOADED_REQUESTS`, 500, in all). A kind stops
//! early after `PROBITY_BENCH_PAGE_SECONDS` (20) seconds a phase, so one slow page cannot hold
//! up the table: its row says how many requests it managed. Pages of a case cycle over the
//! officer's caseload, so they are not one case read again and again.
//!
//! `PROBITY_BENCH_PAGE_KINDS` (say `worklist,search`) measures only the kinds whose name
//! contains one of its comma-separated words.
//!
//! The store is the caseload benchmark's (`PROBITY_BENCH_CASES`, `PROBITY_BENCH_SEED`,
//! `PROBITY_BENCH_ENGINES`; generated once and kept). Each run adds, once: a user for each role
//! around the officer with the largest caseload (their SPO, named `spo`, their area manager, the
//! borough's unpaid-work supervisor, an MI analyst, an administrator, an inspector), four cases
//! waiting for allocation in that team's borough (as the demo has), and an inspection
//! (`BENCH`) whose sample is granted to the inspector.

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use store::CaseStore;
use store::inspection::InspectionStore;
use support::{
    AS_OF, Provenance, Provider, env_or, load_average, ms, percentile, postgres_store, sign_in, signed_in_client,
    sqlite_store, thousands,
};

const WARM_UP: usize = 5;
const INSPECTION: &str = "BENCH";

struct Config {
    provider: Provider,
    clients: usize,
    single: usize,
    loaded: usize,
    seconds: Duration,
    engines: Vec<String>,
    /// Only the kinds whose name contains one of these (`PROBITY_BENCH_PAGE_KINDS`, comma
    /// separated); every kind when empty.
    only: Vec<String>,
}

impl Config {
    fn from_env() -> Self {
        let config = Config {
            provider: Provider::from_env(),
            clients: env_or("PROBITY_BENCH_CLIENTS", 50),
            single: env_or("PROBITY_BENCH_PAGE_REQUESTS", 50),
            loaded: env_or("PROBITY_BENCH_PAGE_LOADED_REQUESTS", 500),
            seconds: Duration::from_secs(env_or("PROBITY_BENCH_PAGE_SECONDS", 20)),
            engines: support::engines(),
            only: std::env::var("PROBITY_BENCH_PAGE_KINDS")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        assert!(config.clients > 0, "PROBITY_BENCH_CLIENTS: at least one client");
        assert!(config.single > 0, "PROBITY_BENCH_PAGE_REQUESTS: at least one");
        assert!(config.loaded >= config.clients, "PROBITY_BENCH_PAGE_LOADED_REQUESTS: at least one per client");
        config
    }
}

/// A kind of page: who asks for it and the paths it cycles through.
struct Kind {
    name: String,
    user: &'static str,
    paths: Vec<String>,
    /// p99 target in milliseconds.
    target: f64,
}

/// The users of the run, by role, placed around the officer with the largest caseload.
struct Cast {
    officer: domain::Code,
    team: domain::Code,
    area: domain::Code,
    borough: domain::Code,
    users: Vec<(String, &'static str, String, Option<String>)>,
}

fn cast(org: &domain::org::Organisation, counts: &BTreeMap<domain::Code, u64>) -> Cast {
    let (officer, _) =
        counts.iter().max_by_key(|(code, n)| (**n, std::cmp::Reverse((*code).clone()))).expect("an officer with cases");
    let staff = org.staff.iter().find(|s| &s.code == officer).expect("the officer is on the staff list");
    let team = staff.team.clone();
    let place = services::access::Place::of_team(Some(&team), None, org);
    let (borough, area) = (place.borough.expect("the team's borough"), place.area.expect("the team's area"));
    let spo =
        org.staff.iter().find(|s| s.team == team && s.grade == domain::org::Grade::Spo).map(|s| s.code.to_string());
    let users = vec![
        ("bench-page-ro".to_owned(), "responsible_officer", format!("team:{team}"), Some(officer.to_string())),
        // Named `spo`: the demo's allocation queue is seeded for the user of that name.
        ("spo".to_owned(), "spo", format!("team:{team}"), spo),
        ("bench-page-am".to_owned(), "area_manager", format!("area:{area}"), None),
        ("bench-page-upw".to_owned(), "upw_supervisor", format!("borough:{borough}"), None),
        ("bench-page-analyst".to_owned(), "mi_analyst", "provider".to_owned(), None),
        ("bench-page-admin".to_owned(), "admin", "provider".to_owned(), None),
        ("bench-page-inspector".to_owned(), "inspector", "provider".to_owned(), None),
    ];
    Cast { officer: officer.clone(), team, area, borough, users }
}

/// Adds what the pages need that generating the provider does not: the users, the allocation
/// queue and the inspection with its sample granted to the inspector.
async fn prepare<S: services::stores::AnyStore>(store: &S, org: &domain::org::Organisation, cast: &Cast) {
    support::add_users(store, &cast.users).await;
    let now: jiff::Timestamp = format!("{AS_OF}T12:00:00Z").parse().unwrap();
    services::generate::seed_allocation_queue(store, org, now).await.unwrap();
    let id = domain::Code::parse(INSPECTION).unwrap();
    if store.inspection(&id).await.unwrap().is_none() {
        let today: jiff::civil::Date = AS_OF.parse().unwrap();
        let announcement = services::inspection::Announcement {
            id: id.clone(),
            announced_on: today,
            fieldwork_on: today.saturating_add(jiff::Span::new().days(14)),
            by: domain::Code::parse("HMI").unwrap(),
            at: now,
        };
        let scheme = inspect::scheme::Scheme::Inspectorate(inspect::sample::SampleOptions::new(20, today));
        services::inspection::announce(&services::Stores::new(store.clone()), &announcement, &scheme).await.unwrap();
        let sample: Vec<_> = store.inspection_cases(&id).await.unwrap().into_iter().map(|c| c.crn).collect();
        store.grant_cases("bench-page-inspector", &sample).await.unwrap();
    }
}

/// Every kind of page, with the paths each cycles through.
async fn kinds<S: CaseStore + InspectionStore>(store: &S, cast: &Cast) -> Vec<Kind> {
    let caseload = store.caseload(&cast.officer).await.unwrap();
    let crns: Vec<String> = caseload.iter().map(|c| c.crn.to_string()).collect();
    let each_case = |suffix: &str| -> Vec<String> { crns.iter().map(|c| format!("/cases/{c}{suffix}")).collect() };
    let (o, t, a) = (&cast.officer, &cast.team, &cast.area);
    let one = |p: String| vec![p];
    let kind =
        |name: &str, user: &'static str, paths: Vec<String>| Kind { name: name.to_owned(), user, paths, target: 100.0 };
    let mut out = vec![
        kind("start page", "bench-page-ro", one("/".into())),
        kind("start page", "spo", one("/".into())),
        kind("start page", "bench-page-am", one("/".into())),
        Kind { target: 10.0, ..kind("caseload", "bench-page-ro", one(format!("/officers/{o}/caseload"))) },
        kind("caseload CSV", "bench-page-ro", one(format!("/officers/{o}/caseload.csv"))),
        kind("worklist", "bench-page-ro", one(format!("/officers/{o}/worklist"))),
    ];
    for (name, suffix) in [
        ("case: summary", ""),
        ("case: sentence", "/sentence"),
        ("case: assessment", "/assessment"),
        ("case: plan", "/plan"),
        ("case: appointments", "/appointments"),
        ("case: enforcement", "/enforcement"),
        ("case: reviews", "/reviews"),
        ("case: safeguarding", "/safeguarding"),
        ("case: referrals", "/referrals"),
        ("case: who has read it", "/reads"),
    ] {
        out.push(kind(name, "bench-page-ro", each_case(suffix)));
    }
    let families: Vec<String> =
        caseload.iter().map(|c| format!("/search?q={}", c.family_name.replace(' ', "+"))).collect();
    out.push(kind("search", "bench-page-ro", families));
    out.push(kind("team view", "spo", one(format!("/teams/{t}"))));
    let waiting: Vec<String> = store
        .unallocated()
        .await
        .unwrap()
        .iter()
        .filter(|c| c.crn.as_str().starts_with('W'))
        .map(|c| format!("/teams/{t}/allocate/{}", c.crn))
        .collect();
    out.push(kind("allocation screen", "spo", waiting));
    out.push(kind("MI: every measure", "bench-page-am", one("/mi".into())));
    out.push(kind("MI: every measure", "spo", one("/mi".into())));
    out.push(kind(
        "MI: a measure by month",
        "bench-page-am",
        one(format!("/mi/measures/first_appointment?scope=area:{a}")),
    ));
    out.push(kind("MI: workload", "bench-page-am", one("/mi/workload".into())));
    out.push(kind("MI: workload", "spo", one("/mi/workload".into())));
    out.push(kind("MI: reoffending", "bench-page-am", one("/mi/reoffending?by=team".into())));
    out.push(kind(
        "MI: disproportionality",
        "bench-page-analyst",
        one("/mi/disproportionality?outcome=recall&characteristic=gender".into()),
    ));
    out.push(kind("UPW: the week", "bench-page-upw", one("/upw".into())));
    out.push(kind(
        "UPW: a person's progress",
        "bench-page-ro",
        crns.iter().map(|c| format!("/upw/cases/{c}")).collect(),
    ));
    let id = domain::Code::parse(INSPECTION).unwrap();
    let sample: Vec<String> = store.inspection_cases(&id).await.unwrap().iter().map(|c| c.crn.to_string()).collect();
    out.push(kind("inspections", "bench-page-inspector", one("/inspections".into())));
    out.push(kind("inspection: its sample", "bench-page-inspector", one(format!("/inspections/{INSPECTION}"))));
    out.push(kind(
        "inspection: a case",
        "bench-page-inspector",
        sample.iter().map(|c| format!("/inspections/{INSPECTION}/cases/{c}")).collect(),
    ));
    out.push(kind(
        "inspection: a question",
        "bench-page-inspector",
        sample.iter().map(|c| format!("/inspections/{INSPECTION}/cases/{c}/questions/PP.A1")).collect(),
    ));
    out.push(kind("inspection: findings", "bench-page-inspector", one(format!("/inspections/{INSPECTION}/findings"))));
    out.push(kind("admin: users", "bench-page-admin", one("/admin/users".into())));
    out.push(kind("admin: limited access", "bench-page-admin", one("/admin/limited-access".into())));
    out
}

/// What one phase of one kind saw.
#[derive(Default)]
struct Seen {
    latencies: Vec<u32>,
    errors: u64,
    first_error: Option<String>,
}

impl Seen {
    fn add(&mut self, other: Seen) {
        self.latencies.extend(other.latencies);
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}

/// `count` requests for `paths` in turn from `start`, one after another, until `deadline`.
async fn ask(
    http: reqwest::Client,
    base: String,
    paths: std::sync::Arc<Vec<String>>,
    start: usize,
    count: usize,
    deadline: Instant,
) -> Seen {
    let mut seen = Seen::default();
    for i in 0..count {
        if Instant::now() >= deadline {
            break;
        }
        let path = &paths[(start + i) % paths.len()];
        let t = Instant::now();
        let outcome = match http.get(format!("{base}{path}")).send().await {
            Ok(r) => {
                let status = r.status();
                match r.bytes().await {
                    Ok(_) if status == 200 => Ok(()),
                    Ok(page) => Err(format!("{status}: {}", String::from_utf8_lossy(&page[..page.len().min(300)]))),
                    Err(e) => Err(e.to_string()),
                }
            }
            Err(e) => Err(e.to_string()),
        };
        seen.latencies.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
        if let Err(e) = outcome {
            seen.errors += 1;
            seen.first_error.get_or_insert(format!("{path}: {e}"));
        }
    }
    seen
}

struct Row {
    kind: String,
    user: &'static str,
    target: f64,
    single: Seen,
    loaded: Seen,
    loaded_seconds: f64,
}

fn run<S, F>(engine: &str, config: &Config, open: F)
where
    S: services::stores::AnyStore,
    F: AsyncFnOnce(&Provider) -> (S, Provenance),
{
    let server = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let (store, provenance, cast, kinds) = server.block_on(async {
        let (store, provenance) = open(&config.provider).await;
        let org = store.organisation().await.unwrap();
        let counts = store.caseload_counts().await.unwrap();
        let cast = cast(&org, &counts);
        prepare(&store, &org, &cast).await;
        let mut kinds = kinds(&store, &cast).await;
        if !config.only.is_empty() {
            kinds.retain(|k| config.only.iter().any(|o| k.name.contains(o.as_str())));
        }
        (store, provenance, cast, kinds)
    });
    let base = support::serve(&server, &store);

    let clients = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let load = load_average();
    let (mut rows, sessions) = clients.block_on(async {
        let mut sessions: BTreeMap<&str, String> = BTreeMap::new();
        for (username, ..) in &cast.users {
            sessions.insert(username.as_str(), sign_in(&base, username).await);
        }
        let mut rows = Vec::new();
        for kind in &kinds {
            let session = &sessions[kind.user];
            if kind.paths.is_empty() {
                let empty = Seen {
                    errors: 1,
                    first_error: Some(format!("{}: nothing to ask for in this store", kind.name)),
                    ..Seen::default()
                };
                rows.push(Row {
                    kind: kind.name.clone(),
                    user: kind.user,
                    target: kind.target,
                    single: empty,
                    loaded: Seen::default(),
                    loaded_seconds: 0.0,
                });
                continue;
            }
            let paths = std::sync::Arc::new(kind.paths.clone());
            let http = signed_in_client(session);
            let far = Instant::now() + Duration::from_secs(3600);
            ask(http.clone(), base.clone(), paths.clone(), 0, WARM_UP, far).await;
            let single =
                ask(http, base.clone(), paths.clone(), WARM_UP, config.single, Instant::now() + config.seconds).await;
            let deadline = Instant::now() + config.seconds;
            let started = Instant::now();
            let mut tasks = tokio::task::JoinSet::new();
            for i in 0..config.clients {
                let count = config.loaded / config.clients + usize::from(i < config.loaded % config.clients);
                let start = i * 7 % paths.len().max(1);
                tasks.spawn(ask(signed_in_client(session), base.clone(), paths.clone(), start, count, deadline));
            }
            let mut loaded = Seen::default();
            while let Some(s) = tasks.join_next().await {
                loaded.add(s.unwrap());
            }
            let loaded_seconds = started.elapsed().as_secs_f64();
            eprintln!("{} ({}): done", kind.name, kind.user);
            rows.push(Row {
                kind: kind.name.clone(),
                user: kind.user,
                target: kind.target,
                single,
                loaded,
                loaded_seconds,
            });
        }
        (rows, sessions)
    });
    server.block_on(async {
        for s in sessions.values() {
            store.end_session(&web::auth::session_key(s)).await.unwrap();
        }
    });

    println!();
    println!(
        "Every page: {engine}, {} cases ({} events); the officer {} holds {} active cases, team {}, area {}, borough {}",
        thousands(config.provider.cases),
        thousands(provenance.events),
        cast.officer,
        kinds.iter().find(|k| k.name == "case: summary").map_or(0, |k| k.paths.len()),
        cast.team,
        cast.area,
        cast.borough,
    );
    println!("{}", support::machine_line(&provenance.place, &load));
    println!();
    println!(
        "| page | as | 1 client: n | p50 ms | p99 ms | {} clients: n | p50 ms | p99 ms | pages/s | errors | p99 target |",
        config.clients
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    let mut over = Vec::new();
    let mut failed = Vec::new();
    for r in &mut rows {
        r.single.latencies.sort_unstable();
        r.loaded.latencies.sort_unstable();
        let p = |l: &[u32], q: f64| if l.is_empty() { "-".to_owned() } else { format!("{:.1}", ms(percentile(l, q))) };
        let worst = [&r.single.latencies, &r.loaded.latencies]
            .iter()
            .filter(|l| !l.is_empty())
            .map(|l| ms(percentile(l, 0.99)))
            .fold(0.0, f64::max);
        let met = worst < r.target && r.single.errors + r.loaded.errors == 0;
        if !met {
            over.push(format!("{} ({})", r.kind, r.user));
        }
        if let Some(e) = r.single.first_error.as_ref().or(r.loaded.first_error.as_ref()) {
            failed.push(format!("{} ({}): {e}", r.kind, r.user));
        }
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.0} | {} | {} ms {} |",
            r.kind,
            r.user,
            r.single.latencies.len(),
            p(&r.single.latencies, 0.5),
            p(&r.single.latencies, 0.99),
            r.loaded.latencies.len(),
            p(&r.loaded.latencies, 0.5),
            p(&r.loaded.latencies, 0.99),
            r.loaded.latencies.len() as f64 / r.loaded_seconds.max(f64::EPSILON),
            r.single.errors + r.loaded.errors,
            r.target,
            if met { "met" } else { "**NOT MET**" },
        );
    }
    println!();
    if over.is_empty() {
        println!("Every kind of page met its target.");
    } else {
        println!("Over target or failing: {}", over.join(", "));
    }
    for f in &failed {
        println!("first failure: {f}");
    }
    server.shutdown_timeout(Duration::from_secs(1));
}

fn main() {
    let config = Config::from_env();
    for engine in config.engines.clone() {
        match engine.as_str() {
            "sqlite" => run("SQLite", &config, sqlite_store),
            "postgres" => run("PostgreSQL", &config, postgres_store),
            other => panic!("PROBITY_BENCH_ENGINES: `{other}` is not sqlite or postgres"),
        }
    }
}
