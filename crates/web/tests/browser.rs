//! Browser tests: the real server on a random port with its own generated store, driven
//! through headless Chromium; every page a role can reach is visited signed in as that role,
//! and must pass axe-core's WCAG 2.2 A/AA rules.

#[path = "browser/harness.rs"]
mod harness;
#[path = "support/mod.rs"]
mod support;
#[path = "browser/worklist_cases.rs"]
mod worklist_cases;

use domain::projection::CaseSummary;
use fantoccini::Locator;
use harness::{Browser, Tools};
use store::UpwStore;
use store::auth::AccessStore;
use store::inspection::InspectionStore;
use store::{CaseStore, SqliteStore};
use tokio::net::TcpListener;

struct App {
    base: String,
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

/// The day the provider is generated as at, and the server's today: every test gives the same
/// answer on whatever day it runs.
const TODAY: &str = "2026-11-20";

fn today() -> jiff::civil::Date {
    TODAY.parse().unwrap()
}

/// An instant on [`TODAY`], as the pinned server records it.
fn now() -> jiff::Timestamp {
    web::Clock::Fixed(today()).now()
}

async fn start_app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("probity.db").to_str().unwrap()).await.unwrap();
    let opts = synth::GenerateOptions::new(60, 7, today());
    services::generate::generate(&store, &opts, &|_| {}).await.unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = web::router_with_clock(store.clone(), web::Clock::Fixed(today()));
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
        assert_ne!(browser.path_after("/sign-in").await, "/sign-in", "{username} is signed in");
    }

    async fn sign_out(&self, browser: &Browser) {
        browser.goto(&format!("{}/", self.base)).await;
        browser.click("form[action='/sign-out'] button").await;
        assert_eq!(browser.path_after("/").await, "/sign-in");
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
    // A locked user, so the users page shows the lock and its Unlock button.
    support::add_user(&app.store, "locked", "spo", &format!("team:{team}"), None).await;
    for _ in 0..services::access::LOCKOUT.failures {
        app.store.record_failed_sign_in("locked", jiff::Timestamp::now()).await.unwrap();
    }
    let browser = Browser::start(&tools).await;

    // Signed out: the sign-in page, and the same page showing an error.
    browser.assert_accessible(&format!("{}/sign-in", app.base)).await;
    browser.fill("#username", "officer").await;
    browser.fill("#password", "not the password").await;
    browser.click("form button[type=submit]").await;
    assert!(browser.shows("There is a problem").await);
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
        ("admin", vec!["/".into(), "/admin/limited-access".into(), "/admin/users".into()]),
    ];
    for (username, paths) in pages {
        app.sign_in(&browser, username).await;
        for path in paths {
            browser.assert_accessible(&format!("{}{path}", app.base)).await;
        }
        if username == "admin" {
            assert!(browser.text("form[action='/admin/users/locked/unlock']").await.contains("Unlock"));
            assert!(browser.shows("Locked until").await, "the users page, checked last, shows the lock");
            // Resetting the locked user's password: the one-time page passes too.
            browser.click("form[action='/admin/users/locked/password'] button").await;
            assert!(browser.shows("Password reset for locked").await);
            assert_no_violations(&browser).await;
        }
        app.sign_out(&browser).await;
    }
}

/// Issue 7's browser test: an inspector opens a sampled case, sees the prefill with its
/// evidence, answers, and the findings page shows the answer; every page passes axe-core.
#[tokio::test]
async fn an_inspector_answers_a_sampled_case_and_the_findings_update() {
    let Some(tools) = Tools::find() else { return };
    let app = start_app().await;
    let as_of = today();
    let id = domain::ids::Code::parse("INS1").unwrap();
    let announcement = services::inspection::Announcement {
        id: id.clone(),
        announced_on: as_of,
        fieldwork_on: "2026-12-04".parse().unwrap(),
        by: domain::ids::Code::parse("HMI").unwrap(),
        at: web::Clock::Fixed(as_of).now(),
    };
    let scheme = inspect::scheme::Scheme::Inspectorate(inspect::sample::SampleOptions::new(8, as_of));
    services::inspection::announce(&services::Stores::new(app.store.clone()), &announcement, &scheme).await.unwrap();
    let sampled: Vec<_> = app.store.inspection_cases(&id).await.unwrap().into_iter().map(|c| c.crn).collect();
    assert!(!sampled.is_empty());
    support::add_user(&app.store, "inspector", "inspector", "provider", None).await;
    app.store.grant_cases("inspector", &sampled).await.unwrap();
    let browser = Browser::start(&tools).await;
    app.sign_in(&browser, "inspector").await;

    browser.assert_accessible(&format!("{}/inspections", app.base)).await;
    browser.click("a[href='/inspections/INS1']").await;
    assert!(browser.shows("Sampled cases").await);
    assert_no_violations(&browser).await;
    // The first sampled case whose record gives a suggestion with evidence.
    let mut opened = None;
    for crn in &sampled {
        browser.goto(&format!("{}/inspections/INS1/cases/{crn}", app.base)).await;
        if browser.client.find(Locator::Css("tr .prefill-evidence")).await.is_ok() {
            opened = Some(crn.clone());
            break;
        }
    }
    let crn = opened.expect("a sampled case with a prefill suggestion");
    assert_no_violations(&browser).await;
    let evidence = browser.text("tr .prefill-evidence").await;
    assert!(!evidence.trim().is_empty(), "the suggestion carries its evidence");
    browser.click("tr:has(.prefill-evidence) a").await;
    let case_path = format!("/inspections/INS1/cases/{crn}");
    let question = browser.path_after(&case_path).await.rsplit('/').next().unwrap().to_owned();
    assert!(browser.text("#suggestion").await.contains(evidence.trim()), "the question page shows the evidence");
    assert_no_violations(&browser).await;

    // Saving without an answer: the error summary names it, and the page still passes.
    browser.click("form button.govuk-button").await;
    assert!(browser.shows("There is a problem").await);
    assert_no_violations(&browser).await;

    browser.click("#answer-no").await;
    browser.fill("#note", "The plan was not reviewed after the arrest.").await;
    let on_question = browser.current_path().await;
    browser.click("form button.govuk-button").await;
    assert_eq!(browser.path_after(&on_question).await, format!("/inspections/INS1/cases/{crn}"));
    let row = browser.text(&format!("tr[id='{question}']")).await;
    assert!(row.contains("No"), "the case page shows the answer: {row}");

    browser.goto(&format!("{}/inspections/INS1/findings", app.base)).await;
    let finding = browser.text(&format!("tr[id='finding-{question}']")).await;
    assert!(finding.contains(&question), "{finding}");
    assert_eq!(browser.text(&format!("tr[id='finding-{question}'] td:nth-child(3)")).await, "1", "one 'no'");
    assert!(browser.shows("Cases with answers: 1.").await);
    assert_no_violations(&browser).await;
}

/// The unpaid-work pages, as a UPW supervisor runs them: the week, scheduling it, a session's
/// register, the register's error state, an absence, and a person's progress.
#[tokio::test]
async fn unpaid_work_pages_pass_axe() {
    let Some(tools) = Tools::find() else { return };
    let app = start_app().await;
    services::upw::seed_synthetic_projects(&services::Stores::new(app.store.clone()), 1, 2).await.unwrap();
    support::add_user(&app.store, "upw", "upw_supervisor", "provider", None).await;
    let browser = Browser::start(&tools).await;
    app.sign_in(&browser, "upw").await;

    browser.assert_accessible(&format!("{}/upw?week=2026-W48", app.base)).await;
    browser.click("form[action='/upw/schedule'] button").await;
    assert!(browser.shows("The week is scheduled").await);
    assert_no_violations(&browser).await;
    let (monday, sunday) = ("2026-11-23".parse().unwrap(), "2026-11-29".parse().unwrap());
    let allocations = app.store.allocations(monday, sunday).await.unwrap();
    let one = allocations.first().expect("someone is placed in week 2026-W48");

    browser.assert_accessible(&format!("{}/upw/sessions/{}", app.base, one.session)).await;
    browser.click(&format!("form[action='/upw/sessions/{}/attendance'] button", one.session)).await;
    assert!(browser.shows("There is a problem").await, "an empty record is refused");
    assert_no_violations(&browser).await;
    // The whole session at once: refused with nothing chosen, named on the first row.
    browser.goto(&format!("{}/upw/sessions/{}", app.base, one.session)).await;
    browser.click(&format!("form[action='/upw/sessions/{}/register'] button", one.session)).await;
    assert!(browser.shows("choose what happened for at least one person").await);
    assert_no_violations(&browser).await;
    browser.assert_accessible(&format!("{}/upw/cases/{}", app.base, one.crn)).await;
    browser.goto(&format!("{}/upw/sessions/{}", app.base, one.session)).await;
    browser.click(&format!("form[action='/upw/sessions/{}/absent'] button", one.session)).await;
    assert!(browser.shows("absent on").await, "the absence is recorded");
    assert_no_violations(&browser).await;
}

/// Issue 4's "allocate a case as an SPO": the SPO opens their team's view, picks a waiting
/// case, sees each officer's capacity now and with the case, is told what the form lacks, then
/// allocates it and finds it on the officer's caseload; every page passes axe-core.
#[tokio::test]
async fn an_spo_allocates_a_waiting_case_from_the_team_view() {
    let Some(tools) = Tools::find() else { return };
    let app = start_app().await;
    let case = allocated_case(&app.store).await;
    let (officer, team) = (case.officer.clone().unwrap(), case.team.clone().unwrap());
    // The generator allocates every case it makes, so the queue gets one of its own: a person
    // living in the team's borough, sentenced and assessed (the tier follows), not allocated.
    let org = app.store.organisation().await.unwrap();
    let borough = services::access::Place::of_team(Some(&team), None, &org).borough;
    let on: jiff::civil::Date = "2026-11-16".parse().unwrap();
    let waiting = domain::ids::Crn::parse("Q000001").unwrap();
    let mut person = domain::example::person("Mary", "Seacole");
    person.home_borough = borough;
    let events: Vec<_> = [
        domain::event::CaseEvent::PersonRegistered { person },
        domain::event::CaseEvent::SentenceImposed { sentence: domain::example::community_order("S1", on) },
        domain::event::CaseEvent::AssessmentCompleted {
            assessment: domain::example::assessment("AS1", on, domain::assessment::RoshLevel::Low, &[]),
        },
    ]
    .into_iter()
    .map(|e| domain::example::new_event(on, e))
    .collect();
    let system = domain::ids::Code::parse("SYSTEM").unwrap();
    services::record::record_events(&app.store, &waiting, 0, &events, &system, now()).await.unwrap();
    support::add_user(&app.store, "spo", "spo", &format!("team:{team}"), None).await;
    let browser = Browser::start(&tools).await;
    app.sign_in(&browser, "spo").await;

    browser.assert_accessible(&format!("{}/", app.base)).await;
    browser.click(&format!("#teams a[href='/teams/{team}']")).await;
    assert!(browser.shows("Waiting to be allocated").await);
    assert_no_violations(&browser).await;
    assert!(browser.text("#officers").await.contains("Capacity"));
    save_screenshot(&browser, "team-view").await;

    browser.click(&format!("tr[id='waiting-{waiting}'] a")).await;
    assert!(browser.shows("Grade guidance").await);
    assert_no_violations(&browser).await;
    let candidate = browser.text(&format!("tr[id='candidate-{officer}']")).await;
    assert!(candidate.contains('%'), "capacity now and with the case: {candidate}");
    save_screenshot(&browser, "team-allocation-screen").await;

    // Without an officer or the evidence: refused, each field named, and the page still passes.
    browser.click("form button.govuk-button").await;
    assert!(browser.shows("There is a problem").await);
    assert!(browser.text(".govuk-error-summary").await.contains("officer:"));
    assert_no_violations(&browser).await;
    save_screenshot(&browser, "team-allocation-errors").await;

    browser.click(&format!("input[name='officer'][value='{officer}']")).await;
    browser.click("#allocation_form_complete").await;
    browser.click("#safeguarding_checks_complete").await;
    if !candidate.contains("Yes") {
        browser.fill("#reason", "Continuity: the officer knows the family.").await;
    }
    let screen = browser.current_path().await;
    browser.click("form button.govuk-button").await;
    assert_eq!(browser.path_after(&screen).await, format!("/teams/{team}"));
    assert!(browser.shows("Waiting to be allocated").await);
    assert!(!browser.body().await.contains(waiting.as_str()), "off the queue");
    assert_no_violations(&browser).await;

    browser.assert_accessible(&format!("{}/officers/{officer}/caseload", app.base)).await;
    assert!(browser.shows(waiting.as_str()).await, "on the officer's caseload");
    save_screenshot(&browser, "team-allocated-on-caseload").await;
    let summary = app.store.summary(&waiting).await.unwrap().unwrap();
    assert_eq!(summary.officer.as_ref(), Some(&officer));

    // The case's summary offers its reallocation; the screen asks why, and passes too.
    browser.assert_accessible(&format!("{}/cases/{waiting}", app.base)).await;
    browser.click(&format!("a[href='/teams/{team}/allocate/{waiting}']")).await;
    assert!(browser.shows("Why is the case reallocated?").await);
    assert_no_violations(&browser).await;
    browser.click("form button.govuk-button").await;
    assert!(browser.text(".govuk-error-summary").await.contains("why:"));
    assert_no_violations(&browser).await;

    // It offers a transfer to another team too: the form names what it lacks, then the request
    // is recorded and the page says so; each page passes.
    browser.goto(&format!("{}/cases/{waiting}", app.base)).await;
    browser.click(&format!("a[href='/teams/{team}/transfer/{waiting}']")).await;
    assert!(browser.shows("Which team should take the case?").await);
    assert_no_violations(&browser).await;
    browser.click("form button.govuk-button").await;
    assert!(browser.text(".govuk-error-summary").await.contains("to:"));
    assert_no_violations(&browser).await;
    let other = org.teams.iter().find(|t| t.code != team).expect("another team").code.clone();
    browser.click(&format!("#to option[value='{other}']")).await;
    browser.fill("#reason", "The person has moved to another borough.").await;
    browser.click("form button.govuk-button").await;
    assert!(browser.shows("Transfer asked for").await);
    assert_no_violations(&browser).await;
    save_screenshot(&browser, "team-transfer-asked-for").await;
    assert_eq!(app.store.summary(&waiting).await.unwrap().unwrap().transfer_to, Some(other));
}

/// Issue 4's "an inspector denied a case outside the sample": the inspector signs in, opens a
/// case of their sample from the start page (allowed, read-only), then a case outside it and
/// gets the 403 page, which says so without saying whether the case exists; both pass axe-core.
#[tokio::test]
async fn an_inspector_is_denied_a_case_outside_the_sample() {
    let Some(tools) = Tools::find() else { return };
    let app = start_app().await;
    let as_of = today();
    let id = domain::ids::Code::parse("INS1").unwrap();
    let announcement = services::inspection::Announcement {
        id: id.clone(),
        announced_on: as_of,
        fieldwork_on: "2026-12-04".parse().unwrap(),
        by: domain::ids::Code::parse("HMI").unwrap(),
        at: web::Clock::Fixed(as_of).now(),
    };
    let scheme = inspect::scheme::Scheme::Inspectorate(inspect::sample::SampleOptions::new(8, as_of));
    services::inspection::announce(&services::Stores::new(app.store.clone()), &announcement, &scheme).await.unwrap();
    let sampled: Vec<_> = app.store.inspection_cases(&id).await.unwrap().into_iter().map(|c| c.crn).collect();
    support::add_user(&app.store, "inspector", "inspector", "provider", None).await;
    app.store.grant_cases("inspector", &sampled).await.unwrap();
    let inside = sampled.first().expect("a sampled case").clone();
    let outside = app
        .store
        .all_summaries()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.crn)
        .find(|c| !sampled.contains(c))
        .expect("a case outside the sample");
    // The status itself, which a browser does not expose: allowed, then forbidden.
    let http = support::sign_in(&app.base, "inspector").await.http;
    for (crn, status) in [(&inside, 200), (&outside, 403)] {
        let got = http.get(format!("{}/cases/{crn}", app.base)).send().await.unwrap().status();
        assert_eq!(got.as_u16(), status, "{crn}");
    }

    let browser = Browser::start(&tools).await;
    app.sign_in(&browser, "inspector").await;
    browser.assert_accessible(&format!("{}/", app.base)).await;
    browser.click(&format!("a[href='/cases/{inside}']")).await;
    assert_eq!(browser.path_after("/").await, format!("/cases/{inside}"));
    assert!(browser.text("h1").await.trim().len() > 1, "the sampled case opens");
    assert!(browser.shows(&format!("CRN {inside}")).await);
    assert!(
        browser.client.find(Locator::Css("form[action$='/outcome']")).await.is_err(),
        "read-only: no form to record on the case"
    );
    assert_no_violations(&browser).await;
    save_screenshot(&browser, "inspector-sampled-case").await;

    browser.goto(&format!("{}/cases/{outside}", app.base)).await;
    assert_eq!(browser.text("h1").await, "You do not have access to this");
    let body = browser.body().await;
    assert!(body.contains("ask your manager") && !body.contains(outside.as_str()), "{body}");
    assert_no_violations(&browser).await;
    save_screenshot(&browser, "inspector-denied-case-outside-sample").await;
}

/// Issue 6's dashboards: an MI analyst and an SPO open the measures, a measure's chart,
/// table and breakdown, drill down a level, meet a bad query named on the form, and see
/// workload by place; every page passes axe-core.
#[tokio::test]
async fn mi_pages_pass_axe_for_an_analyst_and_an_spo() {
    let Some(tools) = Tools::find() else { return };
    let app = start_app().await;
    let case = allocated_case(&app.store).await;
    let team = case.team.clone().unwrap();
    support::add_user(&app.store, "analyst", "mi_analyst", "provider", None).await;
    support::add_user(&app.store, "spo", "spo", &format!("team:{team}"), None).await;
    let browser = Browser::start(&tools).await;
    for username in ["analyst", "spo"] {
        app.sign_in(&browser, username).await;
        browser.click("header a[href='/mi']").await;
        assert_eq!(browser.path_after("/").await, "/mi");
        assert_no_violations(&browser).await;
        assert!(browser.text("#measures").await.contains("First appointment on time"));
        browser.click("#measure-first_appointment a").await;
        assert!(browser.shows("Figures by month").await);
        assert_no_violations(&browser).await;
        save_screenshot(&browser, &format!("mi-measure-{username}")).await;
        // Drill down one level from the breakdown.
        browser.click("#parts tbody tr a").await;
        assert!(browser.shows("Figures by month").await);
        assert_no_violations(&browser).await;
        browser.assert_accessible(&format!("{}/mi/measures/unseen?by=quarter", app.base)).await;
        browser.assert_accessible(&format!("{}/mi/measures/first_appointment?from=yesterday", app.base)).await;
        assert!(browser.text(".govuk-error-summary").await.contains("from:"));
        browser.assert_accessible(&format!("{}/mi/workload", app.base)).await;
        assert!(browser.text("#workload").await.contains('%'));
        save_screenshot(&browser, &format!("mi-workload-{username}")).await;
        // Proven reoffending and disproportionality (issue 6 items 3 and 4), from the index.
        browser.assert_accessible(&format!("{}/mi", app.base)).await;
        browser.click("a[href='/mi/reoffending']").await;
        assert_eq!(browser.path_after("/mi").await, "/mi/reoffending");
        assert!(browser.shows("Proven reoffending").await);
        assert_no_violations(&browser).await;
        save_screenshot(&browser, &format!("mi-reoffending-{username}")).await;
        browser.assert_accessible(&format!("{}/mi/reoffending?by=team", app.base)).await;
        browser.assert_accessible(&format!("{}/mi/reoffending?by=street", app.base)).await;
        assert!(browser.text(".govuk-error-summary").await.contains("by:"));
        if username == "analyst" {
            browser.assert_accessible(&format!("{}/mi/disproportionality", app.base)).await;
            assert!(browser.shows("Breach rate by ethnicity").await);
            save_screenshot(&browser, "mi-disproportionality-analyst").await;
            let bad = "/mi/disproportionality?outcome=recall&characteristic=height";
            browser.assert_accessible(&format!("{}{bad}", app.base)).await;
            assert!(browser.text(".govuk-error-summary").await.contains("characteristic:"));
            // The staff process, with its period, and a period that runs backwards.
            let staff = "/mi/disproportionality?outcome=performance-improvement&characteristic=gender";
            browser.assert_accessible(&format!("{}{staff}", app.base)).await;
            assert!(browser.shows("Performance-improvement flag rate by gender").await);
            save_screenshot(&browser, "mi-disproportionality-staff-analyst").await;
            browser.assert_accessible(&format!("{}{staff}&from=2026-06-30&to=2026-01-01", app.base)).await;
            assert!(browser.text(".govuk-error-summary").await.contains("from:"));
        }
        app.sign_out(&browser).await;
    }
}

/// Changing one's password from the header link: the form, its error state and the
/// confirmation all pass axe-core.
#[tokio::test]
async fn changing_a_password_passes_axe() {
    let Some(tools) = Tools::find() else { return };
    let app = start_app().await;
    support::add_user(&app.store, "admin", "admin", "provider", None).await;
    let browser = Browser::start(&tools).await;
    app.sign_in(&browser, "admin").await;
    browser.click("header a[href='/account/password']").await;
    assert!(browser.shows("Change your password").await);
    assert_no_violations(&browser).await;

    browser.fill("#current_password", "not the password").await;
    browser.fill("#new_password", "short").await;
    browser.click("form button.govuk-button").await;
    assert!(browser.shows("There is a problem").await);
    let summary = browser.text(".govuk-error-summary").await;
    for field in ["current_password:", "new_password:", "confirm_password:"] {
        assert!(summary.contains(field), "{field} {summary}");
    }
    assert_no_violations(&browser).await;
    save_screenshot(&browser, "account-password-errors").await;

    browser.fill("#current_password", support::PASSWORD).await;
    browser.fill("#new_password", "a brand new passphrase").await;
    browser.fill("#confirm_password", "a brand new passphrase").await;
    browser.click("form button.govuk-button").await;
    assert!(browser.shows("Your password has been changed").await);
    assert_no_violations(&browser).await;
    save_screenshot(&browser, "account-password-changed").await;
}

/// A PNG of the page as the browser shows it, under `target/screenshots/`.
/// Saves the page as `target/screenshots/{name}.png`, for a reader to look at.
async fn save_screenshot(browser: &Browser, name: &str) {
    let png = browser.client.screenshot().await.expect("a screenshot");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

async fn assert_no_violations(browser: &Browser) {
    let violations = browser.accessibility_violations().await;
    let path = browser.current_path().await;
    assert!(violations.is_empty(), "{path} fails WCAG 2.2 AA checks:\n{}", violations.join("\n"));
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

/// Issue 4's "record an unacceptable absence and see the warning task appear": an officer
/// opens their worklist, goes through the case's sections, records the absence with the
/// outcome form (after it refuses an empty form), and the worklist then asks for the warning
/// letter; every page passes axe-core.
#[tokio::test]
async fn an_officer_records_an_unacceptable_absence_and_the_warning_task_appears() {
    let Some(tools) = Tools::find() else { return };
    let app = start_app().await;
    let case = allocated_case(&app.store).await;
    let (officer, team) = (case.officer.clone().unwrap(), case.team.clone().unwrap());
    // A case of the officer's own, sentenced last week, with yesterday's office visit still
    // without an outcome.
    let today = today();
    let days = |n: i64| today.checked_sub(jiff::Span::new().days(n)).unwrap();
    let crn = domain::ids::Crn::parse("Z999001").unwrap();
    let mut events = domain::example::opening("Ada", "Lovelace", days(7), officer.as_str(), team.as_str());
    let visit = domain::example::appointment("B1", days(1).at(10, 0, 0, 0), domain::contact::ContactKind::OfficeVisit);
    let booked = domain::event::CaseEvent::AppointmentBooked { appointment: visit };
    events.push(domain::example::new_event(days(7), booked));
    let system = domain::ids::Code::parse("SYSTEM").unwrap();
    services::record::record_events(&app.store, &crn, 0, &events, &system, now()).await.unwrap();
    let scope = format!("team:{team}");
    support::add_user(&app.store, "officer", "responsible_officer", &scope, Some(officer.as_str())).await;
    let browser = Browser::start(&tools).await;
    app.sign_in(&browser, "officer").await;

    // The start page and the caseload lead to the worklist, which asks for the outcome.
    browser.assert_accessible(&format!("{}/officers/{officer}/caseload", app.base)).await;
    browser.click(&format!("a[href='/officers/{officer}/worklist']")).await;
    assert!(browser.shows("Record the outcome (appointment B1)").await);
    assert!(!browser.body().await.contains("Issue a warning letter (appointment B1)"));
    assert_no_violations(&browser).await;
    save_screenshot(&browser, "case-pages-worklist-before").await;

    // Every section of this case and of a generated one with a fuller record.
    for c in [crn.to_string(), case.crn.to_string()] {
        for section in web::case::Section::ALL {
            browser.assert_accessible(&format!("{}{}", app.base, section.href(&c))).await;
        }
    }
    browser.goto(&format!("{}{}", app.base, web::case::Section::Sentence.href(case.crn.as_str()))).await;
    save_screenshot(&browser, "case-pages-sentence").await;
    browser.assert_accessible(&format!("{}/cases/{}?type=outcome_recorded&from=nonsense", app.base, case.crn)).await;
    assert!(browser.shows("There is a problem").await, "a bad timeline filter is named");

    // The outcome form: refused empty, then the unacceptable absence is recorded.
    browser.goto(&format!("{}/cases/{crn}/appointments", app.base)).await;
    browser.click(&format!("a[href='/cases/{crn}/appointments/B1/outcome']")).await;
    assert!(browser.shows("What happened?").await);
    assert_no_violations(&browser).await;
    browser.click("form button.govuk-button").await;
    assert!(browser.shows("There is a problem").await, "an empty outcome is refused");
    assert_no_violations(&browser).await;
    save_screenshot(&browser, "case-pages-outcome-form-error").await;
    browser.click("#outcome-unacceptable_absence").await;
    let on_form = browser.current_path().await;
    browser.click("form button.govuk-button").await;
    assert_eq!(browser.path_after(&on_form).await, format!("/cases/{crn}/appointments"));
    assert!(browser.text("tbody").await.contains("Unacceptable absence"));
    assert_no_violations(&browser).await;

    // The worklist now asks for the warning letter, and it leads to the form that issues it.
    browser.goto(&format!("{}/officers/{officer}/worklist", app.base)).await;
    assert!(browser.shows("Issue a warning letter (appointment B1)").await);
    assert_no_violations(&browser).await;
    let task = "for (const a of document.querySelectorAll('a')) { \
                if (a.textContent.includes('Issue a warning letter (appointment B1)')) { a.scrollIntoView(); break; } }";
    browser.client.execute(task, vec![]).await.unwrap();
    save_screenshot(&browser, "case-pages-worklist-after").await;
    let form = format!("/cases/{crn}/decisions/warning-letter");
    browser.click(&format!("a[href='{form}?appointment=B1']")).await;
    assert!(browser.path_after(&format!("/officers/{officer}/worklist")).await.starts_with(&form));
    assert!(browser.shows("Which failure does the letter warn about?").await);
    assert_no_violations(&browser).await;

    // The warning letter: refused without its date, named on the field, then recorded; the
    // confirmation leads back, and the worklist no longer asks for it.
    browser.click("form button.govuk-button").await;
    assert!(browser.shows("There is a problem").await && browser.shows("on: enter the date").await);
    assert_no_violations(&browser).await;
    save_screenshot(&browser, "decision-form-error").await;
    let (d, m, y) = (today.day().to_string(), today.month().to_string(), today.year().to_string());
    browser.fill("#on", &d).await;
    browser.fill("#on-month", &m).await;
    browser.fill("#on-year", &y).await;
    browser.click("form button.govuk-button").await;
    assert_eq!(browser.path_after(&form).await, format!("{form}/done"));
    assert!(browser.shows("Warning letter recorded").await);
    assert_no_violations(&browser).await;
    save_screenshot(&browser, "decision-confirmation").await;
    browser.goto(&format!("{}/officers/{officer}/worklist", app.base)).await;
    assert!(!browser.body().await.contains("Issue a warning letter (appointment B1)"), "resolved");

    // A consequential decision shows the answers to check before it is recorded.
    let breach = format!("/cases/{crn}/decisions/breach");
    browser.goto(&format!("{}{breach}", app.base)).await;
    assert_no_violations(&browser).await;
    browser.click("input[name='failures'][value='B1']").await;
    browser.fill("#reason", "Threatened the receptionist at the appointment").await;
    browser.click("form button.govuk-button").await;
    assert!(browser.shows("Check your answers").await);
    assert_no_violations(&browser).await;
    save_screenshot(&browser, "decision-check-answers").await;
    browser.click("form button[value='yes']").await;
    assert_eq!(browser.path_after(&breach).await, format!("{breach}/done"));
    assert!(browser.shows("Breach referred").await && browser.shows("Complete and send the breach pack").await);
    assert_no_violations(&browser).await;
}

/// Issue 17's journey: an officer runs a new case entirely through the pages, from
/// registration and sentence through the first appointment, an assessment, a plan, a missed
/// appointment, a warning, a breach with a complete pack, to a review; every page passes
/// axe-core.
#[tokio::test]
async fn an_officer_runs_a_new_case_from_registration_to_review_through_the_pages() {
    let Some(tools) = Tools::find() else { return };
    let app = start_app().await;
    let case = allocated_case(&app.store).await;
    let (officer, team) = (case.officer.clone().unwrap(), case.team.clone().unwrap());
    support::add_user(&app.store, "officer", "responsible_officer", &format!("team:{team}"), Some(officer.as_str()))
        .await;
    let browser = Browser::start(&tools).await;
    app.sign_in(&browser, "officer").await;
    let today = today();
    let (d, m, y) = (today.day().to_string(), today.month().to_string(), today.year().to_string());
    let fill_date = async |name: &str| {
        browser.fill(&format!("#{name}"), &d).await;
        browser.fill(&format!("#{name}-month"), &m).await;
        browser.fill(&format!("#{name}-year"), &y).await;
    };
    let submit = async || browser.click("form button.govuk-button").await;

    // Registration, from the start page.
    browser.goto(&format!("{}/", app.base)).await;
    browser.click("a[href='/cases/new']").await;
    assert!(browser.shows("Register a person and their sentence").await);
    assert_no_violations(&browser).await;
    submit().await;
    assert!(browser.shows("There is a problem").await, "an empty registration is refused");
    assert_no_violations(&browser).await;
    browser.fill("#first_name", "Mary").await;
    browser.fill("#family_name", "Seacole").await;
    browser.fill("#date_of_birth", "23").await;
    browser.fill("#date_of_birth-month", "11").await;
    browser.fill("#date_of_birth-year", "1985").await;
    browser.click("#gender-2").await;
    browser.click("#home_borough").await;
    browser.click("#sentence_kind").await;
    fill_date("sentence_date").await;
    browser.fill("#months", "12").await;
    browser.fill("#rar_days", "10").await;
    save_screenshot(&browser, "register-a-person").await;
    submit().await;
    let summary = browser.path_after("/cases/new").await;
    let crn = summary.trim_start_matches("/cases/").to_owned();
    assert!(browser.shows("Mary Seacole").await, "{summary}");
    assert_no_violations(&browser).await;
    let section = |s: web::case::Section| format!("{}{}", app.base, s.href(&crn));
    let form = |slug: &str| format!("/cases/{crn}/decisions/{slug}");

    // The first appointment, booked for this morning.
    browser.goto(&section(web::case::Section::Appointments)).await;
    browser.click(&format!("a[href='{}']", form("book-appointment"))).await;
    assert_no_violations(&browser).await;
    browser.click("#kind").await;
    fill_date("on").await;
    browser.fill("#time", "09:00").await;
    submit().await;
    assert!(browser.shows("Appointment booked").await);
    assert_no_violations(&browser).await;

    // The assessment: medium risk to the public, an accommodation need.
    browser.goto(&section(web::case::Section::Assessment)).await;
    browser.click(&format!("a[href='{}']", form("assessment"))).await;
    assert_no_violations(&browser).await;
    fill_date("completed_on").await;
    browser.click("#rosh_public-2").await;
    for need in [
        "accommodation",
        "education_training_employability",
        "financial",
        "relationships",
        "lifestyle_associates",
        "drug_misuse",
        "alcohol_misuse",
        "emotional_wellbeing",
        "thinking_behaviour",
        "attitudes",
    ] {
        let choice = if need == "accommodation" { format!("#need_{need}-2") } else { format!("#need_{need}") };
        browser.click(&choice).await;
    }
    save_screenshot(&browser, "record-an-assessment").await;
    submit().await;
    assert!(browser.shows("Assessment recorded").await);
    assert_no_violations(&browser).await;

    // The plan: an objective for the accommodation need, set with the person.
    browser.goto(&section(web::case::Section::Plan)).await;
    browser.click(&format!("a[href='{}']", form("objective"))).await;
    assert_no_violations(&browser).await;
    browser.fill("#description", "Find settled accommodation with the housing team").await;
    browser.click("#needs").await;
    browser.click("#owner").await;
    browser.click("#involved").await;
    submit().await;
    assert!(browser.shows("Objective agreed").await);
    assert_no_violations(&browser).await;

    // The appointment is missed.
    browser.goto(&section(web::case::Section::Appointments)).await;
    browser.click("a[href$='/outcome']").await;
    browser.click("#outcome-unacceptable_absence").await;
    submit().await;
    assert!(browser.text("tbody").await.contains("Unacceptable absence"));

    // A warning letter, from the enforcement section's to-do list.
    browser.goto(&section(web::case::Section::Enforcement)).await;
    browser.click(&format!("a[href^='{}?appointment=']", form("warning-letter"))).await;
    assert_no_violations(&browser).await;
    fill_date("on").await;
    submit().await;
    assert!(browser.shows("Warning letter recorded").await);

    // A breach, with its answers checked, then its complete pack.
    browser.goto(&section(web::case::Section::Enforcement)).await;
    browser.click(&format!("a[href='{}']", form("breach"))).await;
    browser.click("#failures").await;
    browser.fill("#reason", "Missed the first appointment and refused to engage").await;
    submit().await;
    assert!(browser.shows("Check your answers").await);
    assert_no_violations(&browser).await;
    browser.click("form button[value='yes']").await;
    assert!(browser.shows("Breach referred").await);
    browser.click(&format!("a[href='{}']", form("breach-pack"))).await;
    assert_no_violations(&browser).await;
    browser.click("#pack").await;
    for i in 2..=8 {
        browser.click(&format!("#pack-{i}")).await;
    }
    submit().await;
    assert!(browser.shows("Check your answers").await);
    browser.click("form button[value='yes']").await;
    assert!(browser.shows("Breach pack sent").await);
    assert_no_violations(&browser).await;

    // And the review the breach calls for.
    browser.goto(&section(web::case::Section::Reviews)).await;
    browser.click(&format!("a[href='{}']", form("review"))).await;
    fill_date("on").await;
    submit().await;
    assert!(browser.shows("Review recorded").await);
    assert_no_violations(&browser).await;

    // The compliance summary counts the missed appointment and the warning.
    browser.goto(&section(web::case::Section::Enforcement)).await;
    assert!(browser.shows("Compliance with sentence").await);
    assert_no_violations(&browser).await;

    // Her details change: the form starts from the record.
    browser.goto(&section(web::case::Section::Summary)).await;
    browser.click(&format!("a[href='{}']", form("personal-details"))).await;
    assert_no_violations(&browser).await;
    browser.fill("#family_name", "Seacole-Grant").await;
    submit().await;
    assert!(browser.shows("Personal details updated").await);
    assert!(browser.shows("Seacole-Grant").await);

    // An appointment booked for this evening, then cancelled at her request.
    browser.goto(&section(web::case::Section::Appointments)).await;
    browser.click(&format!("a[href='{}']", form("book-appointment"))).await;
    browser.click("#kind").await;
    fill_date("on").await;
    browser.fill("#time", "17:00").await;
    submit().await;
    assert!(browser.shows("Appointment booked").await);
    browser.goto(&section(web::case::Section::Appointments)).await;
    browser.click(&format!("a[href='{}']", form("cancel-appointment"))).await;
    assert_no_violations(&browser).await;
    browser.click("#appointment").await;
    browser.click("#by").await;
    submit().await;
    assert!(browser.shows("Appointment cancelled").await);
    assert_no_violations(&browser).await;

    // Her officer's caseload, filtered to contact overdue.
    browser.goto(&format!("{}/officers/{officer}/caseload?show=contact-overdue&sort=name", app.base)).await;
    assert!(browser.shows("Contact overdue").await);
    assert_no_violations(&browser).await;

    // Every step is on the record, recorded by the officer.
    let crn = domain::ids::Crn::parse(&crn).unwrap();
    let stream = app.store.stream(&crn).await.unwrap();
    let kinds: Vec<&str> = stream.iter().map(|e| e.event.event_type()).filter(|t| *t != "tier_calculated").collect();
    assert_eq!(
        kinds,
        [
            "person_registered",
            "sentence_imposed",
            "appointment_booked",
            "assessment_completed",
            "objective_agreed",
            "outcome_recorded",
            "warning_letter_issued",
            "breach_referred",
            "breach_pack_completed",
            "review_completed",
            "personal_details_updated",
            "appointment_booked",
            "outcome_recorded",
        ]
    );
    assert!(stream.iter().all(|e| e.recorded_by == officer || e.event.event_type() == "tier_calculated"));
}

/// Fills what a decision form still asks after its link's answers: today in every date, the
/// first choice where none is made, a sentence in every paragraph, `time` in a time; optional
/// questions are left as they are. Per-action answers are set before it runs.
const FILL_THE_REST: &str = r#"
const [d, m, y, time] = arguments;
const form = document.querySelector("form[action*='/decisions/']");
if (!form) return;
for (const g of form.querySelectorAll(':scope > .govuk-form-group')) {
  const label = g.querySelector('legend, label');
  if (label && label.textContent.includes('(optional)')) continue;
  const dates = g.querySelectorAll('.govuk-date-input__input');
  if (dates.length === 3) { [d, m, y].forEach((v, i) => { if (!dates[i].value) dates[i].value = v; }); continue; }
  const radios = [...g.querySelectorAll('input[type=radio]')];
  if (radios.length) { if (!radios.some(r => r.checked)) radios[0].click(); continue; }
  const boxes = [...g.querySelectorAll('input[type=checkbox]')];
  if (boxes.length) { if (!boxes.some(b => b.checked)) boxes[0].click(); continue; }
  const text = g.querySelector('textarea');
  if (text) { if (!text.value) text.value = 'Recorded from the worklist'; continue; }
  const input = g.querySelector('input[type=text]');
  if (input && !input.value) input.value = input.name === 'time' ? time : '1';
}
"#;

/// The link of a worklist row: the row of case `crn` whose action reads `label`.
const WORKLIST_LINK: &str = r#"
const [crn, label] = arguments;
for (const tr of document.querySelectorAll('tbody tr')) {
  const a = tr.querySelector('a');
  if (a && tr.textContent.includes(crn) && a.textContent.includes(label)) return a.getAttribute('href');
}
return null;
"#;

/// Issue 17: every kind of worklist item is resolved through its link. Each case is made in
/// the state that puts one item on the officer's worklist; the officer (the SPO for a recall
/// decision) follows the item's link from the worklist page to the form that resolves it,
/// answers it, checks the answers where asked, and the item is gone from the worklist. Every
/// page visited passes axe-core, and the steps between them cover all nineteen kinds.
#[tokio::test]
async fn each_kind_of_worklist_item_is_resolved_through_its_link() {
    use domain::practice::WorkKind;
    let Some(tools) = Tools::find() else { return };
    let app = start_app().await;
    let case = allocated_case(&app.store).await;
    let (officer, team) = (case.officer.clone().unwrap(), case.team.clone().unwrap());
    let scope = format!("team:{team}");
    support::add_user(&app.store, "officer", "responsible_officer", &scope, Some(officer.as_str())).await;
    support::add_user(&app.store, "spo", "spo", &scope, None).await;
    let system = domain::ids::Code::parse("SYSTEM").unwrap();
    let spo_code = domain::ids::Code::parse("SPO").unwrap();
    let org = app.store.organisation().await.unwrap();
    let office = &org.teams.iter().find(|t| t.code == team).unwrap().office;
    let borough = org.offices.iter().find(|o| &o.code == office).unwrap().borough.clone();
    for (crn, events) in worklist_cases::cases(today(), &officer, &team, &borough, &spo_code) {
        services::record::record_events(&app.store, &crn, 0, &events, &system, now())
            .await
            .unwrap_or_else(|e| panic!("{crn}: {e}"));
    }
    let items = async |crn: &domain::ids::Crn| {
        let state = domain::case::CaseState::fold(crn.clone(), &app.store.stream(crn).await.unwrap()).unwrap();
        domain::practice::worklist(&state, today())
    };
    let browser = Browser::start(&tools).await;
    let worklist = format!("{}/officers/{officer}/worklist", app.base);
    let (d, m, y) = (today().day().to_string(), today().month().to_string(), today().year().to_string());
    // The link of the worklist page's row for `crn` whose action reads `label`, if any.
    let worklist_link = async |crn: &str, label: &str| -> Option<String> {
        let found = browser.client.execute(WORKLIST_LINK, vec![crn.into(), label.into()]).await.unwrap();
        serde_json::from_value(found).unwrap()
    };
    let mut signed_in = "";
    let mut resolved = std::collections::BTreeSet::new();
    for step in worklist_cases::STEPS {
        let who = if step.by_spo { "spo" } else { "officer" };
        if who != signed_in {
            if !signed_in.is_empty() {
                app.sign_out(&browser).await;
            }
            app.sign_in(&browser, who).await;
            signed_in = who;
        }
        let crn = domain::ids::Crn::parse(step.crn).unwrap();
        let before = items(&crn).await;
        let item = before
            .iter()
            .find(|i| i.action.key == step.action)
            .unwrap_or_else(|| panic!("{}: no {} on the worklist: {before:#?}", step.crn, step.action));
        let label = item.action.label;
        browser.assert_accessible(&worklist).await;
        let href = worklist_link(step.crn, label).await;
        let href = href.unwrap_or_else(|| panic!("{}: the worklist has no link for {label}", step.crn));
        let outcome_form = href.ends_with("/outcome");
        assert!(href.contains("/decisions/") || outcome_form, "{}: {label} leads to {href}, not its form", step.crn);
        browser.goto(&format!("{}{href}", app.base)).await;
        assert_no_violations(&browser).await;

        // What each form needs beyond its link and the defaults.
        match step.action {
            "outcome.record" => browser.click("#outcome-attended_complied").await,
            "plan.agree" => browser.click("input[name='needs']").await,
            "referral.record_outcomes" => browser.click("input[name='outcome_1']").await,
            "outcome.decide_absence" => {
                browser.click("#outcome-acceptable_absence").await;
                browser.click("#reason-medical").await;
            }
            "breach.complete_pack" => {
                browser.client.execute("document.querySelectorAll(\"input[name='pack']\").forEach(b => { if (!b.checked) b.click(); });", vec![]).await.unwrap();
            }
            "rar.book" => {
                browser.click("input[name='requirement'][value='S1-RAR']").await;
                browser.click("input[name='repeat'][value='weekly']").await;
                browser.fill("#times", "4").await;
            }
            _ => {}
        }
        if !outcome_form {
            browser
                .client
                .execute(FILL_THE_REST, vec![d.clone().into(), m.clone().into(), y.clone().into(), "15:00".into()])
                .await
                .unwrap();
        }
        let on_form = browser.current_path().await;
        let has_form = browser
            .client
            .execute("return document.querySelector('main form button.govuk-button') !== null", vec![])
            .await
            .unwrap();
        if has_form != serde_json::Value::Bool(true) {
            panic!("{}: {label}: {href} offers no form: {}", step.crn, browser.text("main").await);
        }
        browser.click("main form button.govuk-button").await;
        // Recorded (a new address), or answered on the same address: the answers to check,
        // or a problem.
        let settled = async || {
            for _ in 0..50 {
                let (path, body) = (browser.current_path().await, browser.body().await);
                if path != on_form || body.contains("Check your answers") || body.contains("There is a problem") {
                    return (path, body.contains("Check your answers"));
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            (on_form.clone(), false)
        };
        let (mut path, check) = settled().await;
        if check {
            assert_no_violations(&browser).await;
            browser.click("form button[value='yes']").await;
            path = browser.path_after(&path).await;
        }
        assert!(
            path.ends_with("/done") || (outcome_form && path.ends_with("/appointments")),
            "{}: {label}: not recorded, still at {path}: {}",
            step.crn,
            browser.text("main").await
        );
        assert_no_violations(&browser).await;

        // Resolved: gone, or (a chase, which recurs until the answer comes) due again later.
        let after = items(&crn).await;
        let next = after.iter().find(|i| i.action.key == step.action && i.subject == item.subject);
        assert!(next.is_none_or(|n| n.due > item.due), "{}: {label} is still on the worklist: {next:#?}", step.crn);
        browser.goto(&worklist).await;
        assert_no_violations(&browser).await;
        let link = worklist_link(step.crn, label).await;
        match next {
            None => assert_eq!(link, None, "{}: the worklist page still offers {label}", step.crn),
            Some(n) => {
                let due = n.due.strftime("%-d %B %Y").to_string();
                assert!(browser.text("main").await.contains(&due), "{}: {label} is not due again on {due}", step.crn);
            }
        }
        resolved.insert(item.kind);
    }
    let every = [
        WorkKind::NoContactPlanned,
        WorkKind::FirstAppointment,
        WorkKind::Contact,
        WorkKind::OutcomeMissing,
        WorkKind::EvidenceAwaited,
        WorkKind::WarningDecision,
        WorkKind::BreachDecision,
        WorkKind::RecallDecision,
        WorkKind::BreachPack,
        WorkKind::SentencePlan,
        WorkKind::PlanGap,
        WorkKind::Review,
        WorkKind::SafeguardingCheck,
        WorkKind::SafeguardingChase,
        WorkKind::RarPace,
        WorkKind::Escalation,
        WorkKind::ReferralAcceptance,
        WorkKind::ReferralOutcomes,
        WorkKind::OversightAction,
    ];
    let missing: Vec<_> = every.iter().filter(|k| !resolved.contains(k)).collect();
    assert!(missing.is_empty(), "kinds never resolved: {missing:?}");

    // The day's outcomes page lists today's bookings made above; choosing none is named.
    let day = format!("{}/officers/{officer}/day", app.base);
    browser.assert_accessible(&day).await;
    assert!(browser.shows("Fola Adeyemi").await && browser.shows("Rhys Evans").await);
    browser.click("main form button.govuk-button").await;
    assert!(browser.shows("choose the outcome of at least one appointment").await);
    assert_no_violations(&browser).await;
}
