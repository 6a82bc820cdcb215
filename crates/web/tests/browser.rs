//! Browser tests: the real server on a random port with its own generated store, driven
//! through headless Chromium; every page a role can reach is visited signed in as that role,
//! and must pass axe-core's WCAG 2.2 A/AA rules.

#[path = "browser/harness.rs"]
mod harness;
#[path = "support/mod.rs"]
mod support;

use domain::projection::CaseSummary;
use harness::{Browser, Tools};
use store::{CaseStore, SqliteStore};
use tokio::net::TcpListener;

struct App {
    base: String,
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

async fn start_app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("probity.db").to_str().unwrap()).await.unwrap();
    let opts = synth::GenerateOptions::new(60, 7, "2026-11-20".parse().unwrap());
    services::generate::generate(&store, &opts, &|_| {}).await.unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = web::router(store.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    App { base, store, _dir: dir }
}

/// An active, allocated case and its officer and team.
async fn allocated_case(store: &SqliteStore) -> CaseSummary {
    let summaries = store.all_summaries().await.unwrap();
    summaries.into_iter().find(|s| s.active && s.officer.is_some() && s.team.is_some()).expect("an allocated case")
}

impl App {
    /// Signs in through the real form, as a person would.
    async fn sign_in(&self, browser: &Browser, username: &str) {
        browser.goto(&format!("{}/sign-in", self.base)).await;
        browser.fill("#username", username).await;
        browser.fill("#password", support::PASSWORD).await;
        browser.click("form button[type=submit]").await;
        assert_ne!(browser.current_path().await, "/sign-in", "{username} is signed in");
    }

    async fn sign_out(&self, browser: &Browser) {
        browser.goto(&format!("{}/", self.base)).await;
        browser.click("form[action='/sign-out'] button").await;
        assert_eq!(browser.current_path().await, "/sign-in");
    }
}

#[tokio::test]
async fn every_page_passes_axe_for_every_role() {
    let Some(tools) = Tools::find() else { return };
    let app = start_app().await;
    let case = allocated_case(&app.store).await;
    let officer = case.officer.clone().unwrap().to_string();
    let team = case.team.clone().unwrap().to_string();
    support::add_user(&app.store, "officer", "responsible_officer", &format!("team:{team}"), Some(&officer)).await;
    support::add_user(&app.store, "spo", "spo", &format!("team:{team}"), None).await;
    support::add_user(&app.store, "admin", "admin", "provider", None).await;
    let browser = Browser::start(&tools).await;

    // Signed out: the sign-in page, and the same page showing an error.
    browser.assert_accessible(&format!("{}/sign-in", app.base)).await;
    browser.fill("#username", "officer").await;
    browser.fill("#password", "not the password").await;
    browser.click("form button[type=submit]").await;
    assert!(browser.body().await.contains("There is a problem"));
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "sign-in with an error fails WCAG 2.2 AA:\n{}", violations.join("\n"));

    let crn = case.crn.to_string();
    let family = case.family_name.clone();
    let pages: [(&str, Vec<String>); 3] = [
        (
            "officer",
            vec![
                "/".into(),
                format!("/officers/{officer}/caseload"),
                format!("/cases/{crn}"),
                format!("/cases/{crn}/reads"),
                format!("/search?q={family}"),
                "/no-such-page".into(),
            ],
        ),
        ("spo", vec!["/".into(), format!("/officers/{officer}/caseload"), format!("/cases/{crn}")]),
        ("admin", vec!["/".into(), "/admin/users".into(), "/admin/limited-access".into()]),
    ];
    for (username, paths) in pages {
        app.sign_in(&browser, username).await;
        for path in paths {
            browser.assert_accessible(&format!("{}{path}", app.base)).await;
        }
        app.sign_out(&browser).await;
    }
}

/// The accessibility check itself can fail: a page with an unlabelled field and an image
/// without alternative text is reported.
#[tokio::test]
async fn axe_reports_violations() {
    let Some(tools) = Tools::find() else { return };
    let browser = Browser::start(&tools).await;
    browser
        .goto("data:text/html,<!doctype html><html lang=en><title>t</title><main><img src=x.png><input></main></html>")
        .await;
    let violations = browser.accessibility_violations().await;
    assert!(violations.iter().any(|v| v.starts_with("image-alt")), "{violations:?}");
    assert!(violations.iter().any(|v| v.starts_with("label")), "{violations:?}");
}
