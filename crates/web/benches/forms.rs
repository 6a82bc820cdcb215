//! Decision forms under load at national scale (issue 17): `PROBITY_BENCH_CLIENTS` (50) signed-in
//! officers, each on their own caseload, open a decision form and submit it, one after
//! another: a review trigger, then the review that answers it, in turn over their cases.
//! What is timed is the submission (the POST: reading the case, checking the answers against
//! its rules, the append and every projection, and the redirect), not the form's GET. Each
//! officer opens a case's form once and keeps it, as the version after a recorded submission
//! is one more (these decisions move no tier); with `PROBITY_BENCH_FORM_REOPEN=1` they open
//! the form again before every submission, so the server also draws a page each time.
//!
//! `cargo bench -p web --bench forms`
//!
//! Two phases: paced at `PROBITY_BENCH_FORM_RATE` (100) submissions a second in all for
//! `PROBITY_BENCH_FORM_SECONDS` (20) seconds, target p99 under 25 ms; then unpaced, every
//! officer submitting as fast as the server answers, for as long, to find the most
//! submissions a second the engine sustains. Afterwards the store's own check must find every
//! projection equal to a rebuild, and the log must hold exactly one event per accepted
//! submission: none lost, none doubled.
//!
//! The store is the caseload benchmark's (`PROBITY_BENCH_CASES`, `PROBITY_BENCH_SEED`,
//! `PROBITY_BENCH_ENGINES`); the officers are the `clients` with the largest caseloads, each
//! given a user once.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::CaseStore;
use support::{
    AS_OF, Provenance, Provider, env_or, load_average, ms, percentile, sign_in, signed_in_client, thousands,
};

struct Config {
    provider: Provider,
    reopen: bool,
    clients: usize,
    rate: f64,
    seconds: Duration,
    engines: Vec<String>,
}

impl Config {
    fn from_env() -> Self {
        let config = Config {
            provider: Provider::from_env(),
            reopen: env_or("PROBITY_BENCH_FORM_REOPEN", 0) == 1,
            clients: env_or("PROBITY_BENCH_CLIENTS", 50),
            rate: env_or("PROBITY_BENCH_FORM_RATE", 100.0),
            seconds: Duration::from_secs(env_or("PROBITY_BENCH_FORM_SECONDS", 20)),
            engines: support::engines(),
        };
        assert!(config.clients > 0, "PROBITY_BENCH_CLIENTS: at least one client");
        assert!(config.rate > 0.0, "PROBITY_BENCH_FORM_RATE: above zero");
        config
    }
}

/// What one officer's submissions saw.
#[derive(Default)]
struct Seen {
    latencies: Vec<u32>,
    accepted: u64,
    errors: u64,
    first_error: Option<String>,
}

impl Seen {
    fn add(&mut self, other: Seen) {
        self.latencies.extend(other.latencies);
        self.accepted += other.accepted;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}

/// The value of a hidden field on a page.
fn hidden(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page.find(&marker)? + marker.len();
    page[at..].split('"').next().map(str::to_owned)
}

/// One officer: for each turn, open the form on the next case and submit it. `every` paces
/// the submissions (none: as fast as answered).
async fn officer(
    http: reqwest::Client,
    base: String,
    crns: Arc<Vec<String>>,
    start: usize,
    every: Option<Duration>,
    until: Instant,
    reopen: bool,
) -> Seen {
    let mut seen = Seen::default();
    let (day, month, year) = {
        let d: jiff::civil::Date = AS_OF.parse().unwrap();
        (d.day().to_string(), d.month().to_string(), d.year().to_string())
    };
    let mut next = Instant::now();
    let mut turn = 0usize;
    // Each case's form as last opened: its version and token.
    let mut open: BTreeMap<String, (u64, String)> = BTreeMap::new();
    while Instant::now() < until {
        if let Some(every) = every {
            tokio::time::sleep_until(next.into()).await;
            next += every;
        }
        let crn = &crns[(start + turn / 2) % crns.len()];
        // A trigger, then the review that answers it, on each case in turn.
        let (slug, answers): (&str, Vec<(&str, &str)>) = if turn.is_multiple_of(2) {
            ("review-trigger", vec![("trigger", "change_of_address_or_circumstances"), ("note", "Moved house")])
        } else {
            ("review", vec![])
        };
        turn += 1;
        let url = format!("{base}/cases/{crn}/decisions/{slug}");
        if reopen || !open.contains_key(crn) {
            let form = match http.get(&url).send().await {
                Ok(r) => r.text().await.unwrap_or_default(),
                Err(e) => {
                    seen.errors += 1;
                    seen.first_error.get_or_insert(format!("{url}: {e}"));
                    continue;
                }
            };
            let version = hidden(&form, "version").and_then(|v| v.parse::<u64>().ok());
            let (Some(version), Some(csrf)) = (version, hidden(&form, "csrf_token")) else {
                seen.errors += 1;
                seen.first_error.get_or_insert(format!("{url}: no form: {}", &form[..form.len().min(300)]));
                continue;
            };
            open.insert(crn.clone(), (version, csrf));
        }
        let (version, csrf) = open[crn].clone();
        let version = version.to_string();
        let mut fields = answers;
        fields.extend([("on-day", day.as_str()), ("on-month", month.as_str()), ("on-year", year.as_str())]);
        fields.extend([("version", version.as_str()), ("csrf_token", csrf.as_str())]);
        let t = Instant::now();
        let outcome = http.post(&url).form(&fields).send().await;
        seen.latencies.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
        match outcome {
            Ok(r) if r.status() == 303 => {
                seen.accepted += 1;
                if let Some(form) = open.get_mut(crn) {
                    form.0 += 1;
                }
            }
            Ok(r) => {
                seen.errors += 1;
                let status = r.status();
                let body = r.text().await.unwrap_or_default();
                seen.first_error.get_or_insert(format!("{url}: {status}: {}", &body[..body.len().min(300)]));
            }
            Err(e) => {
                seen.errors += 1;
                seen.first_error.get_or_insert(format!("{url}: {e}"));
            }
        }
    }
    seen
}

/// Every case's version summed: how many events the log holds.
async fn events<S: CaseStore>(store: &S) -> u64 {
    store.all_summaries().await.unwrap().iter().map(|s| s.version).sum()
}

struct Phase {
    name: String,
    seen: Seen,
    seconds: f64,
}

fn run<S, F>(engine: &str, config: &Config, open: F)
where
    S: services::stores::AnyStore,
    F: AsyncFnOnce(&Provider) -> (S, Provenance),
{
    let server = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let (store, provenance, officers) = server.block_on(async {
        let (store, provenance) = open(&config.provider).await;
        let org = store.organisation().await.unwrap();
        let counts = store.caseload_counts().await.unwrap();
        let mut ranked: Vec<(&domain::Code, &u64)> = counts.iter().collect();
        ranked.sort_by_key(|(code, n)| (std::cmp::Reverse(**n), (*code).clone()));
        let mut officers = Vec::new();
        for (code, _) in ranked.into_iter().take(config.clients) {
            let Some(staff) = org.staff.iter().find(|s| &s.code == code) else { continue };
            let crns: Vec<String> = store.caseload(code).await.unwrap().iter().map(|c| c.crn.to_string()).collect();
            officers.push((
                format!("bench-form-{}", code.as_str().to_lowercase()),
                staff.team.to_string(),
                code.to_string(),
                crns,
            ));
        }
        let users: Vec<_> = officers
            .iter()
            .map(|(u, team, code, _)| (u.clone(), "responsible_officer", format!("team:{team}"), Some(code.clone())))
            .collect();
        support::add_users(&store, &users).await;
        (store, provenance, officers)
    });
    let base = support::serve(&server, &store);

    let events_before = server.block_on(events(&store));
    let clients = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let load = load_average();
    let n = officers.len();
    let phases = clients.block_on(async {
        let mut sessions = BTreeMap::new();
        for (username, ..) in &officers {
            sessions.insert(username.clone(), sign_in(&base, username).await);
        }
        let mut phases = Vec::new();
        let paced = Duration::from_secs_f64(n as f64 / config.rate);
        for (name, every) in
            [(format!("paced, {} a second in all", config.rate), Some(paced)), ("unpaced".to_owned(), None)]
        {
            let until = Instant::now() + config.seconds;
            let started = Instant::now();
            let mut tasks = tokio::task::JoinSet::new();
            for (i, (username, _, _, crns)) in officers.iter().enumerate() {
                let http = signed_in_client(&sessions[username]);
                let crns = Arc::new(crns.clone());
                // Staggered, so the paced phase spreads its submissions over each interval.
                let offset = paced.mul_f64(i as f64 / n as f64);
                let start = if name == "unpaced" { crns.len() / 2 } else { 0 };
                let base = base.clone();
                let reopen = config.reopen;
                tasks.spawn(async move {
                    tokio::time::sleep(if every.is_some() { offset } else { Duration::ZERO }).await;
                    officer(http, base, crns, start, every, until, reopen).await
                });
            }
            let mut seen = Seen::default();
            while let Some(s) = tasks.join_next().await {
                seen.add(s.unwrap());
            }
            eprintln!("{name}: done");
            phases.push(Phase { name, seen, seconds: started.elapsed().as_secs_f64() });
        }
        for s in sessions.values() {
            store.end_session(&web::auth::session_key(s)).await.unwrap();
        }
        phases
    });
    let (events_after, consistent) =
        server.block_on(async { (events(&store).await, store.check().await.unwrap().is_consistent()) });
    let accepted: u64 = phases.iter().map(|p| p.seen.accepted).sum();

    println!();
    println!(
        "Decision forms: {engine}, {} cases ({} events); {n} officers, each submitting on their own caseload; {}",
        thousands(config.provider.cases),
        thousands(provenance.events),
        if config.reopen { "the form opened again before every submission" } else { "each form opened once and kept" },
    );
    println!("{}", support::machine_line(&provenance.place, &load));
    println!();
    println!("| phase | submissions | p50 ms | p99 ms | max ms | submissions/s | errors | p99 target 25 ms |");
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    for mut p in phases {
        p.seen.latencies.sort_unstable();
        let l = &p.seen.latencies;
        let q = |x: f64| if l.is_empty() { "-".to_owned() } else { format!("{:.1}", ms(percentile(l, x))) };
        let p99 = if l.is_empty() { f64::INFINITY } else { ms(percentile(l, 0.99)) };
        println!(
            "| {} | {} | {} | {} | {} | {:.0} | {} | {} |",
            p.name,
            l.len(),
            q(0.5),
            q(0.99),
            q(1.0),
            p.seen.accepted as f64 / p.seconds.max(f64::EPSILON),
            p.seen.errors,
            if p.name == "unpaced" {
                "(throughput)"
            } else if p99 < 25.0 {
                "met"
            } else {
                "**NOT MET**"
            },
        );
        if let Some(e) = &p.seen.first_error {
            println!("first failure ({}): {e}", p.name);
        }
    }
    println!();
    println!(
        "Events before {}, after {}: {} added for {} accepted submissions ({}); check: {}.",
        thousands(events_before),
        thousands(events_after),
        thousands(events_after - events_before),
        thousands(accepted),
        if events_after - events_before == accepted { "none lost, none doubled" } else { "**MISMATCH**" },
        if consistent { "every projection equals a rebuild" } else { "**INCONSISTENT**" },
    );
    server.shutdown_timeout(Duration::from_secs(1));
}

fn main() {
    let config = Config::from_env();
    for engine in config.engines.clone() {
        match engine.as_str() {
            "sqlite" => run("SQLite", &config, support::sqlite_store),
            "postgres" => run("PostgreSQL", &config, support::postgres_store),
            other => panic!("PROBITY_BENCH_ENGINES: `{other}` is not sqlite or postgres"),
        }
    }
}
