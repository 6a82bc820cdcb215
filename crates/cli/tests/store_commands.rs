//! The store commands as a user runs them: generate, stats, check, export/import across
//! engines, and the demo serving pages and the OpenAPI document.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};

fn probity(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_probity")).args(args).output().expect("probity runs")
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    services::transfer::FILES.iter().map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap())).collect()
}

#[test]
fn generate_stats_check_and_a_lossless_round_trip_through_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let a = format!("sqlite://{}", dir.path().join("a.db").display());
    let gen_args = ["generate", "--cases", "2500", "--seed", "7", "--as-of", "2026-11-26", "--database"];
    ok(probity(&[&gen_args[..], &[a.as_str()]].concat()));

    // Calibration figures within ±2 points of the report (mean caseload within ±2 of 57).
    let stats: serde_json::Value = serde_json::from_str(&ok(probity(&["stats", "--json", "--database", &a]))).unwrap();
    let figure = |k: &str| stats[k].as_f64().unwrap_or_else(|| panic!("stats has no {k}: {stats}"));
    for (key, target) in [
        ("mean_caseload", 57.0),
        ("custodial_percent", 41.0),
        ("one_officer_percent", 59.0),
        ("community_completion_percent", 78.0),
        ("licence_completion_percent", 80.0),
    ] {
        assert!((figure(key) - target).abs() <= 2.0, "{key} = {} against {target}", figure(key));
    }
    assert_eq!((figure("areas"), figure("boroughs"), figure("offices")), (5.0, 33.0, 25.0));
    assert_eq!(stats["needs_in_report_order"], true, "needs prevalence in the report's order");
    assert!(ok(probity(&["check", "--database", &a])).starts_with("ok"));

    // The same seed gives the same provider.
    let b = format!("sqlite://{}", dir.path().join("b.db").display());
    ok(probity(&[&gen_args[..], &[b.as_str()]].concat()));
    ok(probity(&["export", "--database", &a, "--dir", dir.path().join("ea").to_str().unwrap()]));
    ok(probity(&["export", "--database", &b, "--dir", dir.path().join("eb").to_str().unwrap()]));
    assert_eq!(files(&dir.path().join("ea")), files(&dir.path().join("eb")), "deterministic for a seed");
    // Generating into a store that is not empty is refused.
    let again = probity(&[&gen_args[..], &[a.as_str()]].concat());
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));

    // SQLite -> PostgreSQL -> SQLite, exporting after each import: identical files.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let middle = rt
        .block_on(store::testing::postgres_fresh_url())
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("m.db").display()));
    ok(probity(&["import", "--database", &middle, "--dir", dir.path().join("ea").to_str().unwrap()]));
    assert!(ok(probity(&["check", "--database", &middle])).starts_with("ok"));
    ok(probity(&["export", "--database", &middle, "--dir", dir.path().join("em").to_str().unwrap()]));
    assert_eq!(files(&dir.path().join("ea")), files(&dir.path().join("em")));
    let c = format!("sqlite://{}", dir.path().join("c.db").display());
    ok(probity(&["import", "--database", &c, "--dir", dir.path().join("em").to_str().unwrap()]));
    ok(probity(&["export", "--database", &c, "--dir", dir.path().join("ec").to_str().unwrap()]));
    assert_eq!(files(&dir.path().join("ea")), files(&dir.path().join("ec")));

    // A bad row is refused naming file, row and field, and the target stays empty.
    let events = std::fs::read_to_string(dir.path().join("ea/events.csv")).unwrap();
    std::fs::write(dir.path().join("ea/events.csv"), events.replacen("X000003,1,", "X00003,1,", 1)).unwrap();
    let d = format!("sqlite://{}", dir.path().join("d.db").display());
    let bad = probity(&["import", "--database", &d, "--dir", dir.path().join("ea").to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("events.csv row") && err.contains("crn"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let after = dir.path().join("ed");
    ok(probity(&["export", "--database", &d, "--dir", after.to_str().unwrap()]));
    assert_eq!(std::fs::read_to_string(after.join("events.csv")).unwrap().lines().count(), 1, "only the header");
}

/// A provider whose one officer's name would run as a formula in a spreadsheet, with users
/// and a limited-access exclusion: what a move between stores must keep.
async fn provider_with_access(
    path: &std::path::Path,
) -> (Vec<store::auth::UserRecord>, Vec<store::auth::LimitedAccess>) {
    use domain::example::{code, date};
    use domain::ids::{Crn, Name};
    use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Staff, Team};
    use store::auth::{LimitKind, LimitedAccess, UserRecord};
    use store::{AccessStore, CaseStore};
    let n = |s: &str| Name::parse(s).unwrap();
    let org = Organisation {
        areas: vec![Area { code: code("A1"), name: n("North") }],
        boroughs: vec![Borough { code: code("B1"), area: code("A1"), name: n("Camden") }],
        offices: vec![Office { code: code("O1"), borough: code("B1"), name: n("Camden Town") }],
        teams: vec![Team { code: code("TEAM1"), office: code("O1"), name: n("Camden 1") }],
        staff: vec![Staff {
            code: code("OFF1"),
            team: code("TEAM1"),
            name: n(FORMULA_NAME),
            grade: Grade::Po,
            contracted_hours: ContractedHours::new(37.0).unwrap(),
            employment: Employment::Permanent,
            specialisms: vec![],
        }],
    };
    let store = store::SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    store.bulk_load(&org, &mut std::iter::empty(), &|_| {}).await.unwrap();
    let crn = Crn::parse("X000001").unwrap();
    let on = date("2026-02-02");
    let events = domain::example::opening("Ann", "Smith", on, "OFF1", "TEAM1");
    store.append(&crn, 0, &events, jiff::Timestamp::now()).await.unwrap();
    for (username, role, scope_kind, scope_code) in
        [("admin", "admin", "provider", None), ("priya", "responsible_officer", "team", Some("TEAM1".to_owned()))]
    {
        let user = UserRecord {
            username: username.into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            role: role.into(),
            scope_kind: scope_kind.into(),
            scope_code,
            officer: None,
            disabled: false,
            created_at: "2026-02-01T09:00:00Z".parse().unwrap(),
        };
        store.add_user(&user).await.unwrap();
    }
    let exclusion = LimitedAccess {
        id: 0,
        crn,
        kind: LimitKind::Exclusion,
        username: "priya".into(),
        starts_on: on,
        ends_on: None,
        reason: "her relative".into(),
        added_by: "admin".into(),
        added_at: "2026-02-02T10:00:00Z".parse().unwrap(),
    };
    store.add_limited_access(&exclusion).await.unwrap();
    let kept = (store.users().await.unwrap(), store.limited_access().await.unwrap());
    store.pool().close().await;
    kept
}

const FORMULA_NAME: &str = "=HYPERLINK(\"http://example.invalid\",\"Jo\")";

#[test]
fn export_then_import_keeps_users_and_limited_access_and_defuses_names() {
    use store::{AccessStore, CaseStore};
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (users, limits) = rt.block_on(provider_with_access(&dir.path().join("a.db")));
    assert_eq!(limits.len(), 1);
    let a = format!("sqlite://{}", dir.path().join("a.db").display());
    let out = dir.path().join("out");
    ok(probity(&["export", "--database", &a, "--dir", out.to_str().unwrap()]));

    let staff = std::fs::read_to_string(out.join("staff.csv")).unwrap();
    let row = staff.lines().nth(1).unwrap();
    assert!(row.starts_with("OFF1,TEAM1,\"'=HYPERLINK("), "the name is defused: {row}");
    assert!(std::fs::read_to_string(out.join("users.csv")).unwrap().contains("\npriya,"));

    // Into PostgreSQL when there is one, and into SQLite.
    let pg = rt.block_on(store::testing::postgres_fresh_url());
    let b = format!("sqlite://{}", dir.path().join("b.db").display());
    for target in [Some(b.clone()), pg].into_iter().flatten() {
        ok(probity(&["import", "--database", &target, "--dir", out.to_str().unwrap()]));
        let (got_users, got_limits, staff_name) = rt
            .block_on(async {
                store::with_store!(store::DatabaseUrl::parse(&target).unwrap(), |s| {
                    let org = s.organisation().await?;
                    Ok::<_, store::StoreError>((
                        s.users().await?,
                        s.limited_access().await?,
                        org.staff[0].name.to_string(),
                    ))
                })
            })
            .unwrap();
        assert_eq!(got_users, users, "{target}: users kept");
        assert_eq!(got_limits, limits, "{target}: the exclusion still hides the case");
        assert_eq!(staff_name, FORMULA_NAME, "{target}: the name comes back exactly");
    }
}

fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    let status = response.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, response)
}

#[test]
fn demo_serves_pages_and_the_openapi_document() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.db");
    let mut demo = Command::new(env!("CARGO_BIN_EXE_probity"))
        .args(["demo", "--cases", "120", "--addr", "127.0.0.1:0", "--file", file.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(demo.stdout.take().unwrap());
    let mut addr = None;
    let mut officer_page = None;
    let mut logins = 0;
    let mut upw_weeks = Vec::new();
    let mut line = String::new();
    while out.read_line(&mut line).unwrap() > 0 {
        if let Some(rest) = line.trim().strip_prefix("Open http://") {
            addr = Some(rest.trim_end_matches('/').to_owned());
        }
        if officer_page.is_none() && line.contains("/caseload") {
            officer_page = line
                .split_whitespace()
                .next()
                .map(|u| u.split_once("//").unwrap().1.split_once('/').unwrap().1.to_owned());
        }
        let roles = ["Responsible officer", "Senior probation officer", "Area manager", "Unpaid work supervisor"];
        let roles = [&roles[..], &["Inspector", "MI analyst", "Administrator"]].concat();
        if roles.iter().any(|r| line.trim_end().ends_with(&format!("({r})"))) {
            logins += 1;
        }
        if let Some(rest) = line.strip_prefix("Unpaid work, week of ") {
            let placed: usize = rest.split_once(": ").unwrap().1.split_whitespace().next().unwrap().parse().unwrap();
            upw_weeks.push(placed);
        }
        if line.starts_with("Sign-in") {
            break;
        }
        line.clear();
    }
    let addr = addr.expect("the demo prints its URL");
    assert_eq!(logins, 7, "one login per role");
    // The supervisor's role at work: this week and next scheduled, with people placed.
    assert_eq!(upw_weeks.len(), 2, "two weeks of unpaid work scheduled");
    assert!(upw_weeks.iter().sum::<usize>() > 0, "nobody placed on unpaid work: {upw_weeks:?}");
    // Every page needs a signed-in user (signing in is tested in crates/web/tests/access.rs).
    let (status, body) = get(&addr, "/");
    assert_eq!(status, 303, "{body}");
    assert!(body.contains("location: /sign-in"), "{body}");
    let (status, body) = get(&addr, "/sign-in");
    assert_eq!(status, 200);
    assert!(body.contains("<html"));
    let (status, body) = get(&addr, &format!("/{}", officer_page.expect("an officer's caseload link")));
    assert_eq!(status, 303, "{body}");
    let (status, _) = get(&addr, "/api/openapi.json");
    assert_eq!(status, 401);
    demo.kill().unwrap();
    demo.wait().unwrap();
}
