//! The caseload page under load: a national-scale store (262,000 cases) behind the real
//! router, 50 clients signed in through the sign-in form, each on its own keep-alive
//! connection, opening caseloads their role lets them open. Target: p99 under 10 ms.
//!
//! `cargo bench -p web --bench caseload`
//!
//! Two phases, each after 20 warm-up requests per client:
//! 1. no think time: each client asks for the next page as soon as the last has arrived, so
//!    50 requests are always waiting; this finds the most pages a second the machine serves;
//! 2. paced: the 50 clients together ask for `PROBITY_BENCH_RATE` pages a second (100: each
//!    client a page every half second, far beyond what people do), each latency counted from
//!    when its request was due, so a slow page also counts against the ones it held up.
//!
//! Environment (all optional):
//! - `PROBITY_BENCH_CASES` (262000) and `PROBITY_BENCH_SEED` (1): the synthetic provider;
//! - `PROBITY_BENCH_CLIENTS` (50): 70% responsible officers (their own caseload half the time,
//!   else a colleague's in their team), 20% SPOs (their team's), 10% area managers (their area's);
//! - `PROBITY_BENCH_REQUESTS` (50000) and `PROBITY_BENCH_PACED_REQUESTS` (10000): measured
//!   requests in each phase; `PROBITY_BENCH_RATE` (100): pages a second in the paced phase;
//! - `PROBITY_BENCH_ENGINES` (`sqlite`): `sqlite`, `postgres` or both, comma-separated.
//!   PostgreSQL is taken from `PROBITY_TEST_DATABASE_URL` or the local server.
//!
//! The store is generated once (`probity generate`'s path, timed) and kept: SQLite under
//! `target/bench-stores/`, PostgreSQL in schema `bench_caseload_<cases>_<seed>`, each keyed by
//! case count and seed; delete them to regenerate. Each run adds its users and a sprinkling of
//! limited-access entries if they are not there yet, and ends its sessions when done.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use store::auth::{LimitKind, LimitedAccess};
use store::{AccessStore, CaseStore};
use support::{
    Pick, Provenance, Provider, cpu_seconds, env_or, load_average, ms, percentile, postgres_store, sign_in,
    signed_in_client, sqlite_store, thousands,
};

const WARM_UP_PER_CLIENT: usize = 20;
/// A user on the limited-access lists who never signs in: every 500th case excludes them.
const EXCLUDED: &str = "bench-excluded";
/// The only user allowed to see every 5,000th case; nobody else sees those cases.
const RESTRICTED_TO: &str = "bench-restricted";

struct Config {
    provider: Provider,
    clients: usize,
    requests: usize,
    rate: f64,
    paced_requests: usize,
    engines: Vec<String>,
}

impl Config {
    fn from_env() -> Self {
        let config = Config {
            provider: Provider::from_env(),
            clients: env_or("PROBITY_BENCH_CLIENTS", 50),
            requests: env_or("PROBITY_BENCH_REQUESTS", 50_000),
            rate: env_or("PROBITY_BENCH_RATE", 100.0),
            paced_requests: env_or("PROBITY_BENCH_PACED_REQUESTS", 10_000),
            engines: support::engines(),
        };
        assert!(config.clients > 0, "PROBITY_BENCH_CLIENTS: at least one client");
        assert!(config.requests >= config.clients, "PROBITY_BENCH_REQUESTS: at least one per client");
        assert!(config.paced_requests >= config.clients, "PROBITY_BENCH_PACED_REQUESTS: at least one per client");
        assert!(config.rate > 0.0, "PROBITY_BENCH_RATE: pages per second, more than 0");
        config
    }
}

/// One client: a user, the caseloads they open, and how often each.
#[derive(Clone)]
struct Role {
    username: String,
    role: &'static str,
    scope: String,
    officer: Option<String>,
    /// Their own caseload, opened half the time when they hold one.
    own: Option<String>,
    others: Vec<String>,
}

/// The users the clients sign in as: responsible officers, SPOs and area managers spread over
/// the provider, each with the caseloads their scope lets them open.
fn choose_users(config: &Config, org: &domain::org::Organisation, counts: &BTreeMap<domain::Code, u64>) -> Vec<Role> {
    use domain::org::Grade;
    let mut pick = Pick(config.provider.seed ^ 0xCA5E_10AD);
    let team_of: BTreeMap<&domain::Code, &domain::Code> = org.staff.iter().map(|s| (&s.code, &s.team)).collect();
    let office_of: BTreeMap<&domain::Code, &domain::Code> = org.teams.iter().map(|t| (&t.code, &t.office)).collect();
    let borough_of: BTreeMap<&domain::Code, &domain::Code> =
        org.offices.iter().map(|o| (&o.code, &o.borough)).collect();
    let area_of: BTreeMap<&domain::Code, &domain::Code> = org.boroughs.iter().map(|b| (&b.code, &b.area)).collect();
    let area_of_team = |t: &domain::Code| area_of[borough_of[office_of[t]]].clone();
    let holders: Vec<&domain::Code> = counts.iter().filter(|(_, n)| **n > 0).map(|(o, _)| o).collect();
    assert!(!holders.is_empty(), "the provider has no officer with active cases");
    let in_team = |team: &domain::Code| -> Vec<String> {
        holders.iter().filter(|o| team_of.get(*o) == Some(&team)).map(|o| o.to_string()).collect()
    };
    let officers = config.clients * 7 / 10;
    let spos = config.clients / 5;
    let managers = config.clients - officers - spos;
    let mut users = Vec::new();
    let mut taken = BTreeSet::new();
    while users.len() < officers {
        let o = holders[pick.below(holders.len())];
        if !taken.insert(o.clone()) && taken.len() < holders.len() {
            continue;
        }
        let team = team_of[o];
        let others: Vec<String> = in_team(team).into_iter().filter(|x| x != o.as_str()).collect();
        users.push(Role {
            username: format!("bench-ro-{}", o.as_str().to_lowercase()),
            role: "responsible_officer",
            scope: format!("team:{team}"),
            officer: Some(o.to_string()),
            own: Some(o.to_string()),
            others,
        });
    }
    let spo_staff: Vec<&domain::org::Staff> =
        org.staff.iter().filter(|s| s.grade == Grade::Spo && !in_team(&s.team).is_empty()).collect();
    for _ in 0..spos {
        let s = spo_staff[pick.below(spo_staff.len())];
        users.push(Role {
            username: format!("bench-spo-{}", s.code.as_str().to_lowercase()),
            role: "spo",
            scope: format!("team:{}", s.team),
            officer: Some(s.code.to_string()),
            own: None,
            others: in_team(&s.team),
        });
    }
    let areas: Vec<&domain::Code> = org.areas.iter().map(|a| &a.code).collect();
    for i in 0..managers {
        let area = areas[pick.below(areas.len())];
        let others: Vec<String> = holders
            .iter()
            .filter(|o| team_of.get(*o).is_some_and(|t| &area_of_team(t) == area))
            .map(|o| o.to_string())
            .collect();
        users.push(Role {
            username: format!("bench-am-{i}-{}", area.as_str().to_lowercase()),
            role: "area_manager",
            scope: format!("area:{area}"),
            officer: None,
            own: None,
            others,
        });
    }
    users
}

/// Adds the users (and the limited-access entries) a run needs, unless an earlier run did.
async fn prepare<S: CaseStore + AccessStore + Clone + 'static>(store: &S, users: &[Role]) {
    let mut all: Vec<(String, &str, String, Option<String>)> =
        users.iter().map(|u| (u.username.clone(), u.role, u.scope.clone(), u.officer.clone())).collect();
    all.push((EXCLUDED.to_owned(), "responsible_officer", "provider".to_owned(), None));
    all.push((RESTRICTED_TO.to_owned(), "area_manager", "provider".to_owned(), None));
    support::add_users(store, &all).await;
    if !store.limited_access().await.unwrap().is_empty() {
        return;
    }
    let starts_on: jiff::civil::Date = "2025-01-01".parse().unwrap();
    for (i, case) in store.all_summaries().await.unwrap().iter().enumerate() {
        let kind = match i {
            i if i % 5_000 == 0 => LimitKind::Restriction,
            i if i % 500 == 0 => LimitKind::Exclusion,
            _ => continue,
        };
        let username = if kind == LimitKind::Restriction { RESTRICTED_TO } else { EXCLUDED };
        let entry = LimitedAccess {
            id: 0,
            crn: case.crn.clone(),
            kind,
            username: username.to_owned(),
            starts_on,
            ends_on: None,
            reason: "Benchmark: a realistic sprinkling of limited access".to_owned(),
            added_by: "bench".to_owned(),
            added_at: jiff::Timestamp::now(),
        };
        store.add_limited_access(&entry).await.unwrap();
    }
}

/// What one client saw: each measured request's latency in microseconds, the cases on the
/// pages it got, and the first failure (a status other than 200, or a page without its table).
#[derive(Default)]
struct Seen {
    latencies: Vec<u32>,
    cases: u64,
    errors: u64,
    first_error: Option<String>,
}

/// How a client sends its requests.
#[derive(Clone, Copy)]
enum Pace {
    /// Each as soon as the previous page has arrived: the most the server can do.
    Flat,
    /// One every `every`, from `from`: a latency is counted from when the request was due,
    /// so a slow page also counts against the requests it held up.
    Every { every: Duration, from: tokio::time::Instant },
}

/// One client's loop: `warm_up` requests (unpaced), then waits for every client to be warm,
/// then `measured` requests at `pace`.
async fn client(http: reqwest::Client, base: String, user: Role, measured: usize, seed: u64, pace: Pace) -> Seen {
    let mut pick = Pick(seed);
    let mut seen = Seen { latencies: Vec::with_capacity(measured), ..Seen::default() };
    for i in 0..measured {
        let officer = match (&user.own, user.others.is_empty()) {
            (Some(own), true) => own,
            (Some(own), false) if pick.below(2) == 0 => own,
            _ => &user.others[pick.below(user.others.len())],
        };
        let due = match pace {
            Pace::Flat => tokio::time::Instant::now(),
            Pace::Every { every, from } => {
                let due = from + every * u32::try_from(i).unwrap_or(u32::MAX);
                tokio::time::sleep_until(due).await;
                due
            }
        };
        // The page is checked as bytes (no UTF-8 decoding) with SIMD search: the clients share
        // the machine's two cores with the server, and decoding and scanning each page as text
        // took a fifth of all the CPU.
        let outcome = match http.get(format!("{base}/officers/{officer}/caseload")).send().await {
            Ok(r) => {
                let status = r.status();
                match r.bytes().await {
                    Ok(page) if status == 200 && memchr::memmem::find(&page, b"Active cases (").is_some() => Ok(page),
                    Ok(page) => Err(format!("{status}: {}", String::from_utf8_lossy(&page[..page.len().min(300)]))),
                    Err(e) => Err(e.to_string()),
                }
            }
            Err(e) => Err(e.to_string()),
        };
        seen.latencies.push(u32::try_from(due.elapsed().as_micros()).unwrap_or(u32::MAX));
        match outcome {
            Ok(page) => seen.cases += memchr::memmem::find_iter(&page, b"href=\"/cases/").count() as u64,
            Err(e) => {
                seen.errors += 1;
                seen.first_error.get_or_insert(format!("{} opening {officer}'s caseload: {e}", user.username));
            }
        }
    }
    seen
}

/// One measured phase: every client's requests, pooled.
struct Phase {
    name: String,
    latencies: Vec<u32>,
    errors: u64,
    cases: u64,
    seconds: f64,
    cpu_seconds: Option<f64>,
    load: String,
    first_error: Option<String>,
}

impl Phase {
    fn row(&self) -> String {
        let requests = self.latencies.len() as u64;
        let cpu = self.cpu_seconds.map_or("n/a".to_owned(), |c| format!("{:.2}", c * 1000.0 / requests as f64));
        format!(
            "| {:<28} | {:>8} | {:>6} | {:>7.1} | {:>6.0} | {:>6.2} | {:>6.2} | {:>6.2} | {:>7.1} | {:>9} | {:>5.1} | {:>4} |",
            self.name,
            requests,
            self.errors,
            self.seconds,
            requests as f64 / self.seconds,
            ms(percentile(&self.latencies, 0.50)),
            ms(percentile(&self.latencies, 0.90)),
            ms(percentile(&self.latencies, 0.99)),
            ms(*self.latencies.last().unwrap_or(&0)),
            cpu,
            self.cases as f64 / (requests - self.errors).max(1) as f64,
            self.load,
        )
    }
}

/// Runs every client at `pace` for `requests` in all, after `WARM_UP_PER_CLIENT` unpaced
/// requests each, and times the whole from when the last client is warm.
async fn phase(
    name: String,
    base: &str,
    users: &[Role],
    sessions: &[String],
    requests: usize,
    paced: Option<f64>,
    seed: u64,
) -> Phase {
    let n = users.len();
    let https: Vec<reqwest::Client> = sessions.iter().map(|s| signed_in_client(s)).collect();
    let mut warming = tokio::task::JoinSet::new();
    for (i, (user, http)) in users.iter().zip(&https).enumerate() {
        let seed = seed.wrapping_mul(1_000_003).wrapping_add(i as u64);
        warming.spawn(client(http.clone(), base.to_owned(), user.clone(), WARM_UP_PER_CLIENT, seed, Pace::Flat));
    }
    while warming.join_next().await.is_some() {}
    let load = load_average();
    let cpu_before = cpu_seconds();
    let started = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (user, http)) in users.iter().zip(&https).enumerate() {
        let measured = requests / n + usize::from(i < requests % n);
        let pace = match paced {
            None => Pace::Flat,
            // Each client at rate / n, the clients evenly out of step with one another.
            Some(rate) => {
                let every = Duration::from_secs_f64(n as f64 / rate);
                Pace::Every { every, from: started + every.mul_f64(i as f64 / n as f64) }
            }
        };
        let seed = seed.wrapping_mul(7_777_777).wrapping_add(i as u64);
        tasks.spawn(client(http.clone(), base.to_owned(), user.clone(), measured, seed, pace));
    }
    let mut seen = Vec::new();
    while let Some(s) = tasks.join_next().await {
        seen.push(s.unwrap());
    }
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = cpu_before.zip(cpu_seconds()).map(|(a, b)| b - a);
    let mut latencies: Vec<u32> = seen.iter().flat_map(|s| s.latencies.iter().copied()).collect();
    latencies.sort_unstable();
    Phase {
        name,
        latencies,
        errors: seen.iter().map(|s| s.errors).sum(),
        cases: seen.iter().map(|s| s.cases).sum(),
        seconds,
        cpu_seconds,
        load,
        first_error: seen.iter().find_map(|s| s.first_error.clone()),
    }
}

/// Sets the store up on the server's runtime, serves it there, and drives it from a runtime
/// of its own, so the clients do not steal the server's worker threads' turns.
fn run<S, F>(engine: &str, config: &Config, open: F)
where
    S: services::stores::AnyStore,
    F: AsyncFnOnce(&Provider) -> (S, Provenance),
{
    let server = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let (store, provenance, users, officers) = server.block_on(async {
        let (store, provenance) = open(&config.provider).await;
        let org = store.organisation().await.unwrap();
        let counts = store.caseload_counts().await.unwrap();
        let users = choose_users(config, &org, &counts);
        prepare(&store, &users).await;
        (store, provenance, users, counts.len())
    });
    let base = support::serve(&server, &store);

    let clients = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let n = users.len();
    let roles: BTreeMap<&str, usize> = users.iter().fold(BTreeMap::new(), |mut m, u| {
        *m.entry(u.role).or_insert(0) += 1;
        m
    });
    let distinct: BTreeSet<&String> = users.iter().flat_map(|u| u.own.iter().chain(&u.others)).collect();
    let distinct = distinct.len();
    let usernames: Vec<String> = users.iter().map(|u| u.username.clone()).collect();
    let (phases, sessions) = clients.block_on(async {
        let mut sessions = Vec::new();
        for u in &usernames {
            sessions.push(sign_in(&base, u).await);
        }
        let flat = phase(
            format!("{n} clients, no think time"),
            &base,
            &users,
            &sessions,
            config.requests,
            None,
            config.provider.seed,
        )
        .await;
        let paced = phase(
            format!("{n} clients, {:.0} pages/s in all", config.rate),
            &base,
            &users,
            &sessions,
            config.paced_requests,
            Some(config.rate),
            config.provider.seed + 1,
        )
        .await;
        (vec![flat, paced], sessions)
    });
    server.block_on(async {
        for s in &sessions {
            store.end_session(&web::auth::session_key(s)).await.unwrap();
        }
    });

    let mix: Vec<String> = roles.iter().map(|(r, k)| format!("{k} {r}")).collect();
    println!();
    println!(
        "Caseload page under load: {engine}, {} cases ({} events), {} officers with active cases",
        thousands(config.provider.cases),
        thousands(provenance.events),
        thousands(officers as u64)
    );
    if provenance.generated_now {
        println!("store: {} (generated in {:.1} s by this run)", provenance.place, provenance.generate_seconds);
    } else {
        println!("store: {} (reused; generating it took {:.1} s)", provenance.place, provenance.generate_seconds);
    }
    println!(
        "clients: {n}, signed in through the form, one keep-alive connection each ({}); {distinct} distinct caseloads; {WARM_UP_PER_CLIENT} warm-up requests each per phase",
        mix.join(", ")
    );
    println!(
        "machine: {} CPUs; `load`: the load average as the phase began (other work on the machine); `CPU ms/page`: this \
         process's (server and clients, and SQLite in it; not a PostgreSQL server's)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!();
    println!(
        "| phase                        | requests | errors | seconds | pages/s | p50 ms | p90 ms | p99 ms | max ms | CPU ms/page | cases | load |"
    );
    println!(
        "|------------------------------|---------:|-------:|--------:|--------:|-------:|-------:|-------:|-------:|------------:|------:|-----:|"
    );
    for p in &phases {
        println!("{}", p.row());
    }
    println!();
    for p in &phases {
        let p99 = ms(percentile(&p.latencies, 0.99));
        println!(
            "{}: p99 {p99:.2} ms, {}",
            p.name,
            if p99 < 10.0 { "under the 10 ms target" } else { "OVER the 10 ms target" }
        );
    }
    println!(
        "(With no think time every client always has a request waiting, so the mean latency is {n} / pages per second \
         (Little's law): under 10 ms needs more than {} pages/s.)",
        n * 100
    );
    for p in &phases {
        if let Some(e) = &p.first_error {
            panic!("{}: {} requests failed; the first: {e}", p.name, p.errors);
        }
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
