//! What the web benchmarks share: the national-scale store, generated once and cached
//! (SQLite under `target/bench-stores/`, PostgreSQL in a schema of its own, each keyed by case
//! count and seed), signing in through the real form, and the arithmetic of their tables.
#![allow(dead_code)]

use reqwest::header::{COOKIE, HeaderMap, HeaderValue};
use std::path::PathBuf;
use std::time::Instant;
use store::auth::UserRecord;
use store::{AccessStore, CaseStore};

/// The date the benchmarks' provider is generated for and served at.
pub const AS_OF: &str = "2026-11-26";
pub const PASSWORD: &str = "a long benchmark password";

pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| panic!("{name}: `{v}` is not a number")),
        Err(_) => default,
    }
}

/// The engines to run, from `PROBITY_BENCH_ENGINES` (`sqlite` unless set).
pub fn engines() -> Vec<String> {
    let engines = std::env::var("PROBITY_BENCH_ENGINES").unwrap_or_else(|_| "sqlite".into());
    engines.split(',').map(|e| e.trim().to_owned()).filter(|e| !e.is_empty()).collect()
}

/// The synthetic provider: `cases` cases from `seed`, as at [`AS_OF`].
#[derive(Clone, Copy)]
pub struct Provider {
    pub cases: u64,
    pub seed: u64,
}

impl Provider {
    /// From `PROBITY_BENCH_CASES` (262000) and `PROBITY_BENCH_SEED` (1).
    pub fn from_env() -> Self {
        Provider { cases: env_or("PROBITY_BENCH_CASES", 262_000), seed: env_or("PROBITY_BENCH_SEED", 1) }
    }

    fn opts(&self) -> synth::GenerateOptions {
        synth::GenerateOptions::new(self.cases, self.seed, AS_OF.parse().unwrap())
    }
}

/// How the store came to be: generated now (and how long it took), or reused.
pub struct Provenance {
    pub place: String,
    pub generated_now: bool,
    pub generate_seconds: f64,
    pub events: u64,
}

/// What is kept beside a cached store: how long generating it took and how many events it
/// holds, as `SECONDS EVENTS`.
pub fn generated_note(seconds: f64, events: u64) -> String {
    format!("{seconds} {events}")
}

pub fn read_note(note: Option<&str>) -> (f64, u64) {
    let mut parts = note.unwrap_or("").split_whitespace();
    let seconds = parts.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
    (seconds, parts.next().and_then(|s| s.parse().ok()).unwrap_or(0))
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// The cached SQLite store, generating it first when there is none. It is generated under a
/// temporary name and renamed when whole, so an interrupted run never leaves half a store.
pub async fn sqlite_store(config: &Provider) -> (store::SqliteStore, Provenance) {
    let dir = target_dir().join("bench-stores");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("caseload-sqlite-{}-seed{}.db", config.cases, config.seed));
    let note = path.with_extension("generated");
    let place = path.display().to_string();
    if path.exists() {
        let (generate_seconds, events) = read_note(std::fs::read_to_string(&note).ok().as_deref());
        let store = store::SqliteStore::open(path.to_str().unwrap()).await.expect("the cached store opens");
        return (store, Provenance { place, generated_now: false, generate_seconds, events });
    }
    let partial = path.with_extension("partial");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
    }
    eprintln!("generating {} cases into {place} (once; later runs reuse it)", config.cases);
    let store = store::SqliteStore::open(partial.to_str().unwrap()).await.unwrap();
    let t = Instant::now();
    services::generate::generate(&store, &config.opts(), &|_| {}).await.expect("the provider generates");
    let seconds = t.elapsed().as_secs_f64();
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(store.pool()).await.unwrap();
    let events = events as u64;
    store.pool().close().await;
    std::fs::rename(&partial, &path).unwrap();
    std::fs::write(&note, generated_note(seconds, events)).unwrap();
    let store = store::SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    (store, Provenance { place, generated_now: true, generate_seconds: seconds, events })
}

/// The cached PostgreSQL store, in a schema of its own; generated (in one transaction) when
/// the schema is empty.
pub async fn postgres_store(config: &Provider) -> (store::PostgresStore, Provenance) {
    let (url, _) = store::testing::postgres_url();
    let schema = format!("bench_caseload_{}_{}", config.cases, config.seed);
    let admin = sqlx::PgPool::connect(&url).await.expect("PostgreSQL is needed for PROBITY_BENCH_ENGINES=postgres");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA IF NOT EXISTS {schema}"))).execute(&admin).await.unwrap();
    let note: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT CAST(obj_description(oid, 'pg_namespace') AS TEXT) FROM pg_namespace WHERE nspname = '{schema}'"
    )))
    .fetch_one(&admin)
    .await
    .unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    let store = store::PostgresStore::connect(&format!("{url}{sep}options=-c%20search_path%3D{schema}")).await.unwrap();
    let place = format!("schema {schema} at {url}");
    if !store.is_empty().await.unwrap() {
        let (generate_seconds, events) = read_note(note.as_deref());
        return (store, Provenance { place, generated_now: false, generate_seconds, events });
    }
    eprintln!("generating {} cases into {place} (once; later runs reuse it)", config.cases);
    let t = Instant::now();
    services::generate::generate(&store, &config.opts(), &|_| {}).await.expect("the provider generates");
    let seconds = t.elapsed().as_secs_f64();
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(store.pool()).await.unwrap();
    let events = events as u64;
    let note = generated_note(seconds, events);
    sqlx::query(sqlx::AssertSqlSafe(format!("COMMENT ON SCHEMA {schema} IS '{note}'"))).execute(&admin).await.unwrap();
    (store, Provenance { place, generated_now: true, generate_seconds: seconds, events })
}

/// A deterministic choice of users and caseloads (splitmix64), so runs are comparable.
pub struct Pick(pub u64);

impl Pick {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub fn set_cookie(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{name}=")).map(|rest| rest.split(';').next().unwrap_or("").to_owned()))
}

/// Signs in through the real form and returns the session id.
pub async fn sign_in(base: &str, username: &str) -> String {
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = plain.get(format!("{base}/sign-in")).send().await.unwrap();
    let cookie = set_cookie(&form, "probity_sign_in").expect("the sign-in form sets its cookie");
    let html = form.text().await.unwrap();
    let marker = "name=\"csrf_token\" value=\"";
    let at = html.find(marker).expect("the sign-in form carries its token") + marker.len();
    let token = html[at..].split('"').next().unwrap().to_owned();
    let r = plain
        .post(format!("{base}/sign-in"))
        .header(COOKIE, format!("probity_sign_in={cookie}"))
        .form(&[("username", username), ("password", PASSWORD), ("csrf_token", &token), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{username} signs in");
    set_cookie(&r, "probity_session").expect("a session cookie")
}

/// A client carrying a session's cookie on one keep-alive connection.
pub fn signed_in_client(session: &str) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert(COOKIE, HeaderValue::from_str(&format!("probity_session={session}")).unwrap());
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .tcp_nodelay(true)
        .build()
        .unwrap()
}

/// This process's CPU time so far (user and system, every thread), where Linux tells it.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at field 3; utime and
    // stime are fields 14 and 15, in clock ticks (100 a second on Linux).
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The machine's load average over the last minute: how much else was running.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

pub fn ms(micros: u32) -> f64 {
    f64::from(micros) / 1000.0
}

/// The value at or below which `p` of the sorted sample lies (nearest rank).
pub fn percentile(sorted: &[u32], p: f64) -> u32 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Adds each (username, role, `KIND:CODE` scope or `provider`, officer) with [`PASSWORD`],
/// unless an earlier run did.
pub async fn add_users<S: AccessStore>(store: &S, users: &[(String, &str, String, Option<String>)]) {
    let hash = web::auth::hash_password(PASSWORD).unwrap();
    for (username, role, scope, officer) in users {
        if store.user(username).await.unwrap().is_some() {
            continue;
        }
        let (kind, code) = match scope.split_once(':') {
            Some((k, c)) => (k.to_owned(), Some(c.to_owned())),
            None => (scope.clone(), None),
        };
        let user = UserRecord {
            username: username.clone(),
            password_hash: hash.clone(),
            role: (*role).to_owned(),
            scope_kind: kind,
            scope_code: code,
            officer: officer.clone(),
            disabled: false,
            created_at: jiff::Timestamp::now(),
        };
        store.add_user(&user).await.unwrap();
    }
}

/// Serves the real router over `store` on a free port of this machine, on `server`'s threads,
/// with the clock fixed at [`AS_OF`]; returns its base address.
pub fn serve<S: services::stores::AnyStore>(server: &tokio::runtime::Runtime, store: &S) -> String {
    let listener = server.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = web::router_with_clock(store.clone(), web::Clock::Fixed(AS_OF.parse().unwrap()));
    server.spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// The line under a table's title: where the store is, how loaded the machine was, its CPUs.
pub fn machine_line(place: &str, load: &str) -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("store: {place}; load average {load} as the run began; {cpus} CPUs")
}
