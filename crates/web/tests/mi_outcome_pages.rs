//! The proven reoffending and disproportionality pages over real HTTP, on a generated
//! provider: every row of each table, and each CSV, equals `MiOutcomeStore`'s figures; rows
//! are only those of places within the user's MI scope; disproportionality is refused to
//! anyone whose MI scope is narrower than the provider, and its staff process (the
//! performance-improvement flag) to anyone but an MI analyst or administrator of the
//! provider; a bad value is named (400) and shows no figures.

mod support;

use analytics::measures::Scope;
use analytics::outcomes::{Characteristic, OutcomeKind};
use analytics::proportion::{GroupComparison, SuppressionPolicy};
use analytics::staff_process::{Period, STAFF_CHARACTERISTICS};
use domain::ids::Code;
use domain::org::Organisation;
use domain::staff::FlagKind;
use jiff::civil::Date;
use reqwest::StatusCode;
use store::mi_outcomes::{CohortRates, PlaceLevel};
use store::{CaseStore, MiOutcomeStore, SqliteStore, StaffEqualityStore};
use support::{SignedIn, add_user, sign_in};
use tokio::net::TcpListener;
use web::Clock;

const TODAY: &str = "2026-11-20";

struct App {
    base: String,
    store: SqliteStore,
    org: Organisation,
    area: Code,
    _dir: tempfile::TempDir,
}

fn today() -> Date {
    TODAY.parse().unwrap()
}

/// A generated provider; users: an MI analyst and an administrator (provider), a manager of
/// the first allocated case's area, a manager of the whole provider, the SPO of its team and
/// an officer of that team.
async fn start() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("probity.db").to_str().unwrap()).await.unwrap();
    let opts = synth::GenerateOptions::new(300, 11, today());
    services::generate::generate(&store, &opts, &|_| {}).await.unwrap();
    let org = store.organisation().await.unwrap();
    let cases = store.all_summaries().await.unwrap();
    let team = cases.into_iter().find(|c| c.active && c.team.is_some()).and_then(|c| c.team).unwrap();
    let area = services::access::Place::of_team(Some(&team), None, &org).area.unwrap();
    let officer = org.staff.iter().find(|s| s.team == team).unwrap().code.to_string();
    add_user(&store, "analyst", "mi_analyst", "provider", None).await;
    add_user(&store, "admin2", "admin", "provider", None).await;
    add_user(&store, "manager", "area_manager", &format!("area:{area}"), None).await;
    add_user(&store, "head", "area_manager", "provider", None).await;
    add_user(&store, "spo", "spo", &format!("team:{team}"), None).await;
    add_user(&store, "officer", "responsible_officer", &format!("team:{team}"), Some(&officer)).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = web::router_with_clock(store.clone(), Clock::Fixed(today()));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    App { base, store, org, area, _dir: dir }
}

async fn get(user: &SignedIn, url: String) -> (StatusCode, String) {
    let r = user.http.get(url).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The text of each cell of a row, tags removed.
fn cells(row: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in row.split("</t") {
        let Some(open) = part.rfind("<th").or_else(|| part.rfind("<td")) else { continue };
        let inner = &part[open..];
        let Some(start) = inner.find('>') else { continue };
        let mut text = String::new();
        let mut in_tag = false;
        for c in inner[start + 1..].chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&#34;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">");
        out.push(text.replace("&amp;", "&").trim().to_owned());
    }
    out
}

/// The figures table of a page: its rows of cells, or none when the page has no table.
fn table_rows(page: &str) -> Vec<Vec<String>> {
    let Some(at) = page.find("id=\"figures\"") else { return Vec::new() };
    let table = &page[at..];
    let body = &table[table.find("<tbody").unwrap()..table.find("</tbody>").unwrap()];
    body.split("<tr").skip(1).map(cells).collect()
}

/// A CSV's rows after its header, each cell unquoted.
fn csv_rows(csv: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rows = Vec::new();
    let (mut row, mut cell, mut quoted, mut chars) = (Vec::new(), String::new(), false, csv.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    let header = rows.remove(0);
    (header, rows)
}

fn place_name(level: PlaceLevel, r: &CohortRates, org: &Organisation) -> Option<String> {
    let scope = match (level, r.place.clone()) {
        (PlaceLevel::Provider, _) => Scope::Provider,
        (PlaceLevel::Area, Some(c)) => Scope::Area(c),
        (PlaceLevel::Borough, Some(c)) => Scope::Borough(c),
        (PlaceLevel::Office, Some(c)) => Scope::Office(c),
        (PlaceLevel::Team, Some(c)) => Scope::Team(c),
        (_, None) => return None,
    };
    Some(web::mi::scope_name(&scope, org))
}

/// The rows the reoffending table must show, from the store: for a user who sees the whole
/// provider every row; otherwise only those whose place lies in `area`.
async fn expected_reoffending(app: &App, level: PlaceLevel, area: Option<&Code>) -> Vec<Vec<String>> {
    let rows = app.store.mi_reoffending(level).await.unwrap();
    let in_area = |r: &CohortRates| -> bool {
        let Some(area) = area else { return true };
        let Some(code) = &r.place else { return false };
        let place = match level {
            PlaceLevel::Provider => return false,
            PlaceLevel::Area => return code == area,
            PlaceLevel::Borough => services::access::Place {
                borough: Some(code.clone()),
                area: app.org.boroughs.iter().find(|b| &b.code == code).map(|b| b.area.clone()),
                ..Default::default()
            },
            PlaceLevel::Office => {
                let borough = app.org.offices.iter().find(|o| &o.code == code).map(|o| o.borough.clone());
                services::access::Place {
                    area: borough
                        .as_ref()
                        .and_then(|b| app.org.boroughs.iter().find(|x| &x.code == b))
                        .map(|b| b.area.clone()),
                    ..Default::default()
                }
            }
            PlaceLevel::Team => services::access::Place::of_team(Some(code), None, &app.org),
        };
        place.area.as_ref() == Some(area)
    };
    rows.iter()
        .filter(|r| in_area(r))
        .map(|r| {
            let f = &r.figures;
            let name = place_name(level, r, &app.org).unwrap_or_else(|| format!("No {} recorded", level.id()));
            vec![
                f.cohort.to_string(),
                name,
                f.people.to_string(),
                f.reoffenders.to_string(),
                f.reoffences.to_string(),
                format!("{:.2}", f.binary_rate),
                f.frequency_rate.map_or("No reoffenders".to_owned(), |v| format!("{v:.2}")),
                r.follow_up_ends.to_string(),
                if today() <= r.follow_up_ends { "Provisional" } else { "Final" }.to_owned(),
            ]
        })
        .collect()
}

#[tokio::test]
async fn reoffending_tables_and_csv_equal_the_store_within_the_users_scope() {
    let app = start().await;
    let analyst = sign_in(&app.base, "analyst").await;
    let manager = sign_in(&app.base, "manager").await;
    let mut shown = 0;
    let (mut provisional, mut last) = (0, 0);
    for level in PlaceLevel::ALL {
        for (user, area) in [(&analyst, None), (&manager, Some(&app.area))] {
            let want = expected_reoffending(&app, level, area).await;
            let (status, page) = get(user, format!("{}/mi/reoffending?by={}", app.base, level.id())).await;
            assert_eq!(status, StatusCode::OK, "{}", level.id());
            assert_eq!(table_rows(&page), want, "page by {} for {area:?}", level.id());
            let r = user.http.get(format!("{}/mi/reoffending.csv?by={}", app.base, level.id())).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
            let (header, rows) = csv_rows(&r.text().await.unwrap());
            assert_eq!(header[0], "Cohort");
            assert_eq!(rows, want, "CSV by {} for {area:?}", level.id());
            shown += want.len();
            provisional += want.iter().filter(|r| r[8] == "Provisional").count();
            last += want.iter().filter(|r| r[8] == "Final").count();
            if !want.is_empty() {
                // The chart: an image described by its numbers.
                assert!(page.contains("role=\"img\"") && page.contains("Percentage by period."), "{}", level.id());
            }
        }
    }
    assert!(
        shown > 0 && provisional > 0,
        "the generated provider has cohorts: {shown} rows, {provisional} provisional, {last} final"
    );
    // A manager sees no provider row; their default is their area's level.
    assert!(expected_reoffending(&app, PlaceLevel::Provider, Some(&app.area)).await.is_empty());
    let (_, page) = get(&manager, format!("{}/mi/reoffending", app.base)).await;
    assert_eq!(table_rows(&page), expected_reoffending(&app, PlaceLevel::Area, Some(&app.area)).await);
    // An officer's MI is their own caseload, which is no place: nothing to show.
    let officer = sign_in(&app.base, "officer").await;
    let (status, page) = get(&officer, format!("{}/mi/reoffending?by=team", app.base)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(table_rows(&page).is_empty() && page.contains("no cohorts for places you may see"));
}

#[tokio::test]
async fn disproportionality_tables_and_csv_equal_the_store_for_provider_users_only() {
    let app = start().await;
    let analyst = sign_in(&app.base, "analyst").await;
    let (mut compared, mut suppressed) = (0, 0);
    for outcome in OutcomeKind::ALL {
        for characteristic in Characteristic::ALL {
            let t =
                app.store.mi_disproportionality(outcome, characteristic, &SuppressionPolicy::DEFAULT).await.unwrap();
            let pc = |f: f64| format!("{:.1}", f * 100.0);
            let want: Vec<Vec<String>> = t
                .groups
                .iter()
                .map(|g| match g {
                    GroupComparison::Compared { group, figures: f, statement } => {
                        compared += 1;
                        vec![
                            group.clone(),
                            f.people.to_string(),
                            f.with_outcome.to_string(),
                            pc(f.rate),
                            pc(f.rate_interval.low),
                            pc(f.rate_interval.high),
                            pc(f.rest_rate),
                            pc(f.difference.difference),
                            pc(f.difference.interval.low),
                            pc(f.difference.interval.high),
                            statement.clone(),
                            String::new(),
                        ]
                    }
                    GroupComparison::Suppressed { group, statement, .. } => {
                        suppressed += 1;
                        let mut row = vec![group.clone()];
                        row.extend(std::iter::repeat_n("Suppressed".to_owned(), 9));
                        row.push(statement.clone());
                        row.push(String::new());
                        row
                    }
                })
                .collect();
            let query = format!("outcome={}&characteristic={}", outcome.id(), characteristic.id());
            let (status, page) = get(&analyst, format!("{}/mi/disproportionality?{query}", app.base)).await;
            assert_eq!(status, StatusCode::OK, "{query}");
            assert!(page.contains(&t.definition.split_whitespace().collect::<Vec<_>>().join(" ")[..40]), "{query}");
            assert!(page.contains(&format!("id=\"people\">{}<", t.people)), "{query}");
            let r = analyst.http.get(format!("{}/mi/disproportionality.csv?{query}", app.base)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            let (_, csv) = csv_rows(&r.text().await.unwrap());
            for (got, name) in [(table_rows(&page), "page"), (csv, "CSV")] {
                assert_eq!(got.len(), want.len(), "{name} {query}");
                for (g, w) in got.iter().zip(&want) {
                    // The reason's cell is checked for its threshold below; every other equals.
                    assert_eq!(g[..11], w[..11], "{name} {query}");
                    if w[1] == "Suppressed" {
                        assert!(g[11].contains("Fewer than 10 people"), "{name} {query}: {}", g[11]);
                    } else {
                        assert_eq!(g[11], "");
                    }
                }
            }
        }
    }
    assert!(compared > 0 && suppressed > 0, "{compared} compared, {suppressed} suppressed");
    // An administrator of the provider may; anyone narrower may not, page or CSV.
    let admin = sign_in(&app.base, "admin2").await;
    assert_eq!(get(&admin, format!("{}/mi/disproportionality", app.base)).await.0, StatusCode::OK);
    for username in ["manager", "spo", "officer"] {
        let user = sign_in(&app.base, username).await;
        for path in ["/mi/disproportionality", "/mi/disproportionality.csv?outcome=recall"] {
            let (status, body) = get(&user, format!("{}{path}", app.base)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{username} {path}");
            assert!(!body.contains("id=\"figures\""));
        }
    }
}

/// The rows a disproportionality table must show for these groups: a suppressed group shows
/// "Suppressed" for every figure, never its counts. The reason's cell is left empty (checked
/// apart, for its threshold).
fn expected_rows(groups: &[GroupComparison]) -> Vec<Vec<String>> {
    let pc = |f: f64| format!("{:.1}", f * 100.0);
    groups
        .iter()
        .map(|g| match g {
            GroupComparison::Compared { group, figures: f, statement } => vec![
                group.clone(),
                f.people.to_string(),
                f.with_outcome.to_string(),
                pc(f.rate),
                pc(f.rate_interval.low),
                pc(f.rate_interval.high),
                pc(f.rest_rate),
                pc(f.difference.difference),
                pc(f.difference.interval.low),
                pc(f.difference.interval.high),
                statement.clone(),
                String::new(),
            ],
            GroupComparison::Suppressed { group, statement, .. } => {
                let mut row = vec![group.clone()];
                row.extend(std::iter::repeat_n("Suppressed".to_owned(), 9));
                row.push(statement.clone());
                row.push(String::new());
                row
            }
        })
        .collect()
}

/// A page's or CSV's rows equal `want`, a suppressed row's reason naming the threshold.
fn assert_rows(got: &[Vec<String>], want: &[Vec<String>], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g[..11], w[..11], "{what}");
        if w[1] == "Suppressed" {
            assert!(g[11].contains("Fewer than 10 people"), "{what}: {}", g[11]);
        } else {
            assert_eq!(g[11], "", "{what}");
        }
    }
}

#[tokio::test]
async fn the_staff_process_table_and_csv_equal_the_store_for_analysts_and_administrators_only() {
    let app = start().await;
    let analyst = sign_in(&app.base, "analyst").await;
    let process = FlagKind::PerformanceImprovement;
    let policy = SuppressionPolicy::DEFAULT;
    let staff = app.org.staff.len() as u64;
    let (mut compared, mut suppressed, mut flagged) = (0, 0, 0);
    // The default period, and one given.
    let periods = [
        (String::new(), Period::twelve_months_to(today())),
        (
            "&from=2026-01-01&to=2026-06-30".to_owned(),
            Period::new("2026-01-01".parse().unwrap(), "2026-06-30".parse().unwrap()).unwrap(),
        ),
    ];
    for (given, period) in &periods {
        for characteristic in STAFF_CHARACTERISTICS {
            let t = app.store.staff_disproportionality(process, characteristic, *period, &policy).await.unwrap();
            assert_eq!(t.people, staff, "everyone in post is counted");
            let want = expected_rows(&t.groups);
            compared += t.groups.iter().filter(|g| matches!(g, GroupComparison::Compared { .. })).count();
            suppressed += t.groups.iter().filter(|g| matches!(g, GroupComparison::Suppressed { .. })).count();
            flagged += t.with_outcome;
            let query = format!("outcome=performance-improvement&characteristic={}{given}", characteristic.id());
            let (status, page) = get(&analyst, format!("{}/mi/disproportionality?{query}", app.base)).await;
            assert_eq!(status, StatusCode::OK, "{query}");
            assert!(page.contains("Staff in post") && page.contains(&format!("id=\"people\">{staff}<")), "{query}");
            assert!(page.contains("id=\"period\""), "{query}");
            let link = page.split("href=\"/mi/disproportionality.csv?").nth(1).expect("a CSV link");
            let link = &link[..link.find('"').unwrap()];
            assert!(
                link.contains(&format!("from={}", period.from)) && link.contains(&format!("to={}", period.to)),
                "the CSV link names the period: {query}: {link}"
            );
            assert_rows(&table_rows(&page), &want, &format!("page {query}"));
            let r = analyst.http.get(format!("{}/mi/disproportionality.csv?{query}", app.base)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            let (header, csv) = csv_rows(&r.text().await.unwrap());
            assert_eq!(header[0], "Group");
            assert_rows(&csv, &want, &format!("CSV {query}"));
        }
    }
    assert!(compared > 0 && suppressed > 0 && flagged > 0, "{compared} compared, {suppressed} suppressed, {flagged}");

    // Offered to the analyst and the administrator as a staff process; not to a manager of
    // the whole provider, who sees the outcomes of people on probation but not this.
    let option = "<option value=\"performance-improvement\">Performance-improvement flag (staff process)</option>";
    let (_, page) = get(&analyst, format!("{}/mi/disproportionality", app.base)).await;
    assert!(page.contains(option), "offered to the analyst");
    let admin = sign_in(&app.base, "admin2").await;
    let (status, page) = get(
        &admin,
        format!("{}/mi/disproportionality?outcome=performance-improvement&characteristic=gender", app.base),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"figures\""));
    let head = sign_in(&app.base, "head").await;
    let (status, page) = get(&head, format!("{}/mi/disproportionality", app.base)).await;
    assert_eq!(status, StatusCode::OK, "a manager of the provider sees the outcomes");
    assert!(!page.contains("performance-improvement"), "but is not offered the staff process");
    for username in ["head", "manager", "spo", "officer"] {
        let user = sign_in(&app.base, username).await;
        for path in [
            "/mi/disproportionality?outcome=performance-improvement&characteristic=ethnicity",
            "/mi/disproportionality.csv?outcome=performance-improvement&characteristic=ethnicity",
        ] {
            let (status, body) = get(&user, format!("{}{path}", app.base)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{username} {path}");
            assert!(!body.contains("id=\"figures\"") && !body.contains("Group,"), "{username} {path}");
        }
    }

    // A characteristic not recorded for staff, and a period that runs backwards, are named.
    for (query, field) in [
        ("outcome=performance-improvement&characteristic=nationality", "characteristic"),
        ("outcome=performance-improvement&characteristic=gender&from=2026-06-30&to=2026-01-01", "from"),
        ("outcome=performance-improvement&characteristic=gender&to=2026-02-30", "to"),
    ] {
        let (status, page) = get(&analyst, format!("{}/mi/disproportionality?{query}", app.base)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(page.contains(&format!("href=\"#{field}\">{field}: ")), "{query} names {field}");
        assert!(!page.contains("id=\"figures\""), "{query}");
        let (status, body) = get(&analyst, format!("{}/mi/disproportionality.csv?{query}", app.base)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(body.contains(&format!("{field}: ")) && !body.contains("Group,"), "{query}: {body}");
    }
}

#[tokio::test]
async fn a_bad_value_is_named_and_shows_nothing_else() {
    let app = start().await;
    let analyst = sign_in(&app.base, "analyst").await;
    // (path, status, fields the error summary names)
    let rows: &[(&str, &[&str])] = &[
        ("/mi/reoffending?by=street", &["by"]),
        ("/mi/disproportionality?outcome=arrest", &["outcome"]),
        ("/mi/disproportionality?characteristic=height", &["characteristic"]),
        ("/mi/disproportionality?outcome=x&characteristic=y", &["outcome", "characteristic"]),
    ];
    for (path, fields) in rows {
        let (status, page) = get(&analyst, format!("{}{path}", app.base)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        let summary = &page[page.find("govuk-error-summary").expect("an error summary")..];
        for f in *fields {
            assert!(summary.contains(&format!("href=\"#{f}\">{f}: ")), "{path} names {f}");
        }
        assert!(!page.contains("id=\"figures\"") && !page.contains("role=\"img\""), "{path} shows no figures");
    }
    // (CSV path, the field named)
    for (path, field) in [
        ("/mi/reoffending.csv?by=week", "by"),
        ("/mi/disproportionality.csv?outcome=arrest", "outcome"),
        ("/mi/disproportionality.csv?characteristic=height", "characteristic"),
    ] {
        let (status, body) = get(&analyst, format!("{}{path}", app.base)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(body.contains(&format!("{field}: ")), "{path}: {body}");
        assert!(!body.contains("Cohort,") && !body.contains("Group,"), "{path}");
    }
}
