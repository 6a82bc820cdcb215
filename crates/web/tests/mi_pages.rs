//! The management information pages over real HTTP, on a generated provider (as `probity
//! demo` makes one): every figure on a page, in its chart and in its CSV equals
//! `MiStore::mi_figures` for the same scope and period; a bad query is named and shows nothing
//! else; a scope beyond the user's reach is refused; an MI analyst meets no one's name; the
//! workload by place equals the team view's.

mod support;

use analytics::measures::{Grouping, MEASURES, Measure, MeasureKind, Scope};
use domain::org::Organisation;
use jiff::civil::Date;
use reqwest::StatusCode;
use store::{CaseStore, MiStore, SqliteStore};
use support::{SignedIn, add_user, sign_in};
use tokio::net::TcpListener;
use web::Clock;
use web::mi::{default_from, periods};

const TODAY: &str = "2026-11-20";

struct App {
    base: String,
    store: SqliteStore,
    org: Organisation,
    _dir: tempfile::TempDir,
}

fn today() -> Date {
    TODAY.parse().unwrap()
}

/// A generated provider; users: an MI analyst (provider), a manager of the first area, the
/// SPO of the first team and an officer of that team.
async fn start() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("probity.db").to_str().unwrap()).await.unwrap();
    let opts = synth::GenerateOptions::new(120, 7, today());
    services::generate::generate(&store, &opts, &|_| {}).await.unwrap();
    let org = store.organisation().await.unwrap();
    let team = first_team(&store).await;
    let area = area_of(&org, &team);
    let officer = org.staff.iter().find(|s| s.team == team).unwrap().code.to_string();
    add_user(&store, "analyst", "mi_analyst", "provider", None).await;
    add_user(&store, "manager", "area_manager", &format!("area:{area}"), None).await;
    add_user(&store, "spo", "spo", &format!("team:{team}"), None).await;
    add_user(&store, "officer", "responsible_officer", &format!("team:{team}"), Some(&officer)).await;
    add_user(&store, "upw", "upw_supervisor", "provider", None).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = web::router_with_clock(store.clone(), Clock::Fixed(today()));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    App { base, store, org, _dir: dir }
}

/// The team of the first allocated active case.
async fn first_team(store: &SqliteStore) -> domain::ids::Code {
    let cases = store.all_summaries().await.unwrap();
    cases.into_iter().find(|c| c.active && c.team.is_some()).and_then(|c| c.team).unwrap()
}

fn area_of(org: &Organisation, team: &domain::ids::Code) -> domain::ids::Code {
    services::access::Place::of_team(Some(team), None, org).area.unwrap()
}

impl App {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// (numerator, denominator) of a measure for a scope: summed over the period (period
    /// measures) or as at `to` (as-at measures), over every key, straight from the store.
    async fn total(&self, m: &Measure, scope: &Scope, from: Date, to: Date) -> (u64, u64) {
        let from = if m.kind == MeasureKind::AsAt { to } else { from };
        let figures = self.store.mi_figures(m.id, scope, from, to, Grouping::Month).await.unwrap();
        figures.iter().fold((0, 0), |a, f| (a.0 + f.numerator, a.1 + f.denominator))
    }

    /// The rows the measure's table must show: (period, numerator, denominator), from the store.
    async fn expected_rows(
        &self,
        m: &Measure,
        scope: &Scope,
        from: Date,
        to: Date,
        by: Grouping,
    ) -> Vec<(String, u64, u64)> {
        let mut out = Vec::new();
        match m.kind {
            MeasureKind::Period => {
                let figures = self.store.mi_figures(m.id, scope, from, to, by).await.unwrap();
                for (label, _) in periods(from, to, by) {
                    let (n, d) = figures
                        .iter()
                        .filter(|f| f.period == label)
                        .fold((0, 0), |a, f| (a.0 + f.numerator, a.1 + f.denominator));
                    out.push((label, n, d));
                }
            }
            MeasureKind::AsAt => {
                for (_, end) in periods(from, to, by) {
                    let figures = self.store.mi_figures(m.id, scope, end, end, by).await.unwrap();
                    let (n, d) = figures.iter().fold((0, 0), |a, f| (a.0 + f.numerator, a.1 + f.denominator));
                    out.push((end.to_string(), n, d));
                }
            }
        }
        out
    }
}

async fn get(user: &SignedIn, url: String) -> (StatusCode, String) {
    let r = user.http.get(url).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The HTML of the table row with this id.
fn row<'a>(page: &'a str, id: &str) -> &'a str {
    let at = page.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no row {id} in the page"));
    let end = page[at..].find("</tr>").unwrap();
    &page[at..at + end]
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
        let text = text.replace("&#39;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">");
        out.push(text.replace("&amp;", "&").trim().to_owned());
    }
    out
}

fn percent(n: u64, d: u64) -> String {
    if d == 0 { "No cases".to_owned() } else { format!("{:.1}%", (n as f64 / d as f64 * 1000.0).round() / 10.0) }
}

/// The table of a measure's page: (period, numerator, denominator, percentage text).
fn table_rows(page: &str) -> Vec<Vec<String>> {
    let table = &page[page.find("id=\"figures\"").expect("the figures table")..];
    let body = &table[table.find("<tbody").unwrap()..table.find("</tbody>").unwrap()];
    body.split("<tr").skip(1).map(cells).collect()
}

#[tokio::test]
async fn every_figure_on_the_pages_and_in_the_csv_equals_the_store() {
    let app = start().await;
    let analyst = sign_in(&app.base, "analyst").await;
    let team = first_team(&app.store).await;
    let area = area_of(&app.org, &team);
    let officer = app.org.staff.iter().find(|s| s.team == team).unwrap().code.clone();

    // The index: every measure, its definition and its figure for the provider.
    let (status, index) = get(&analyst, app.url("/mi")).await;
    assert_eq!(status, StatusCode::OK);
    let from = default_from(today());
    for m in MEASURES.iter() {
        let line = row(&index, &format!("measure-{}", m.id.id()));
        let (n, d) = app.total(m, &Scope::Provider, from, today()).await;
        let c = cells(line);
        assert_eq!(c[0], m.name);
        assert_eq!(c[1], m.definition);
        assert_eq!(
            (c[2].as_str(), c[3].as_str()),
            (percent(n, d).as_str(), format!("{n} of {d}").as_str()),
            "{}",
            m.name
        );
    }

    // Each measure over time: the table, the chart's description and the CSV, for several
    // scopes and both groupings.
    let scopes = [Scope::Provider, Scope::Area(area.clone()), Scope::Team(team.clone()), Scope::Officer(officer)];
    let mut nonzero = 0;
    for m in MEASURES.iter() {
        for (i, scope) in scopes.iter().enumerate() {
            let (by, by_text) = if i % 2 == 0 { (Grouping::Month, "month") } else { (Grouping::Quarter, "quarter") };
            let (from, to) = ("2025-12-01".parse().unwrap(), "2026-11-20".parse().unwrap());
            let query = format!("scope={scope}&from={from}&to={to}&by={by_text}");
            let (status, page) = get(&analyst, app.url(&format!("/mi/measures/{}?{query}", m.id.id()))).await;
            assert_eq!(status, StatusCode::OK, "{} {scope}", m.id.id());
            let want = app.expected_rows(m, scope, from, to, by).await;
            let got = table_rows(&page);
            let want_cells: Vec<Vec<String>> =
                want.iter().map(|(p, n, d)| vec![p.clone(), n.to_string(), d.to_string(), percent(*n, *d)]).collect();
            assert_eq!(got, want_cells, "{} {scope} by {by_text}", m.id.id());
            nonzero += want.iter().filter(|r| r.2 > 0).count();
            // The chart carries the same numbers.
            assert!(page.contains("role=\"img\""));
            for (p, n, d) in &want {
                let said =
                    if *d == 0 { format!("{p}: no cases") } else { format!("{p}: {} ({n} of {d})", percent(*n, *d)) };
                assert!(page.contains(&said), "{} {scope}: chart lacks {said}", m.id.id());
            }
            // The CSV is exactly the table.
            let (status, csv) =
                get(&analyst, app.url(&format!("/mi/measures/{}/figures.csv?{query}", m.id.id()))).await;
            assert_eq!(status, StatusCode::OK);
            let mut lines = csv.lines();
            assert_eq!(lines.next(), Some("period,numerator,denominator,percent"));
            let csv_rows: Vec<Vec<String>> = lines
                .map(|l| {
                    let c: Vec<&str> = l.split(',').collect();
                    let p = if c[3].is_empty() { "No cases".to_owned() } else { format!("{}%", c[3]) };
                    vec![c[0].to_owned(), c[1].to_owned(), c[2].to_owned(), p]
                })
                .collect();
            assert_eq!(csv_rows, got, "{} {scope}: the CSV is the table", m.id.id());
            // The figures by key (local authority, requirement), when the measure has keys.
            let url = app.url(&format!("/mi/measures/{}/figures.csv?{query}&table=keys", m.id.id()));
            let (status, csv) = get(&analyst, url).await;
            assert_eq!(status, StatusCode::OK);
            let keyed: Vec<Vec<String>> = csv
                .lines()
                .skip(1)
                .map(|l| {
                    let c: Vec<&str> = l.split(',').collect();
                    let p = if c[3].is_empty() { "No cases".to_owned() } else { format!("{}%", c[3]) };
                    vec![c[0].to_owned(), c[1].to_owned(), c[2].to_owned(), p]
                })
                .collect();
            match page.find("id=\"keys\"") {
                Some(at) => {
                    let table = &page[at..];
                    let body = &table[table.find("<tbody").unwrap()..table.find("</tbody>").unwrap()];
                    let on_page: Vec<Vec<String>> = body.split("<tr").skip(1).map(cells).collect();
                    assert_eq!(keyed, on_page, "{} {scope}: the keys CSV is the keys table", m.id.id());
                }
                None => assert!(keyed.is_empty(), "{} {scope}: keys in the CSV but not on the page", m.id.id()),
            }
            // The breakdown: each part's figure is the store's for that part, linked to drill down.
            // and its CSV is exactly that table.
            if i < 3 {
                let url = app.url(&format!("/mi/measures/{}/figures.csv?{query}&table=parts", m.id.id()));
                let (status, csv) = get(&analyst, url).await;
                assert_eq!(status, StatusCode::OK);
                let mut csv = csv.lines();
                assert_eq!(csv.next(), Some("place,scope,numerator,denominator,percent"));
                for (part, name) in web::mi::parts(scope, &app.org) {
                    let line = row(&page, &format!("part-{part}"));
                    let (n, d) = app.total(m, &part, from, to).await;
                    let c = cells(line);
                    assert_eq!(c[0], name);
                    assert_eq!(c[1..], [n.to_string(), d.to_string(), percent(n, d)], "{} {part}", m.id.id());
                    assert!(line.contains("href=\"/mi/measures/"), "{part} drills down");
                    let p = if d == 0 { String::new() } else { percent(n, d).trim_end_matches('%').to_owned() };
                    let want = format!("{name},{part},{n},{d},{p}");
                    assert_eq!(csv.next(), Some(want.as_str()), "{} parts CSV", m.id.id());
                }
                assert_eq!(csv.next(), None);
            }
        }
    }
    assert!(nonzero > 20, "the generated provider gives figures to compare ({nonzero} non-empty rows)");
}

#[tokio::test]
async fn bad_queries_are_named_and_scopes_beyond_reach_refused() {
    let app = start().await;
    let analyst = sign_in(&app.base, "analyst").await;
    let team = first_team(&app.store).await;
    let other_team = app.org.teams.iter().find(|t| t.code != team).unwrap().code.clone();
    let other_area = app.org.areas.iter().find(|a| a.code != area_of(&app.org, &team)).map(|a| a.code.clone());

    // (query, the field named)
    let bad: &[(&str, &str)] = &[
        ("scope=street:X1", "scope"),
        ("scope=team", "scope"),
        ("scope=team:NOSUCH", "scope"),
        ("scope=provider&from=x&by=week", "from"),
        ("from=1/12/2025", "from"),
        ("to=2026-02-30", "to"),
        ("from=2026-11-01&to=2026-10-01", "from"),
        ("by=week", "by"),
    ];
    for (query, field) in bad {
        let (status, page) = get(&analyst, app.url(&format!("/mi/measures/first_appointment?{query}"))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(page.contains("There is a problem") && page.contains(&format!("href=\"#{field}\"")), "{query}: {page}");
        assert!(!page.contains("id=\"figures\"") && !page.contains("<svg"), "{query}: nothing else is shown");
        let r = analyst.http.get(app.url(&format!("/mi/measures/first_appointment/figures.csv?{query}"))).send();
        let r = r.await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["field"], *field, "{query}");
    }
    let r = analyst.http.get(app.url("/mi/measures/unseen/figures.csv?table=everything")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"]["field"], "table");
    let (status, page) = get(&analyst, app.url("/mi/workload?scope=street:X1")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("href=\"#scope\"") && !page.contains("id=\"workload\""), "{page}");
    let r = analyst.http.get(app.url("/mi/workload.csv?scope=street:X1")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"]["field"], "scope");
    assert_eq!(get(&analyst, app.url("/mi/measures/no_such_measure")).await.0, StatusCode::NOT_FOUND);

    // Beyond reach: 403, for the page, the CSV and the workload alike.
    let spo = sign_in(&app.base, "spo").await;
    let manager = sign_in(&app.base, "manager").await;
    let officer = sign_in(&app.base, "officer").await;
    let upw = sign_in(&app.base, "upw").await;
    let mut refused = vec![
        (&spo, format!("scope=team:{other_team}")),
        (&spo, "scope=provider".to_owned()),
        (&manager, "scope=provider".to_owned()),
        (&officer, format!("scope=team:{team}")),
        (&upw, String::new()),
    ];
    if let Some(a) = other_area {
        refused.push((&manager, format!("scope=area:{a}")));
    }
    for (user, query) in &refused {
        for path in ["/mi/measures/unseen", "/mi/measures/unseen/figures.csv", "/mi/workload", "/mi/workload.csv"] {
            let (status, _) = get(user, app.url(&format!("{path}?{query}"))).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}?{query}");
        }
    }
    // Within reach: the SPO's own team, and the officer's own figures by default.
    assert_eq!(get(&spo, app.url(&format!("/mi/measures/unseen?scope=team:{team}"))).await.0, StatusCode::OK);
    let (status, page) = get(&officer, app.url("/mi/measures/unseen")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("(officer "), "an officer's own figures: {page}");
}

#[tokio::test]
async fn an_mi_analyst_meets_no_one_by_name() {
    let app = start().await;
    let analyst = sign_in(&app.base, "analyst").await;
    let cases = app.store.all_summaries().await.unwrap();
    let team = first_team(&app.store).await;
    let mut paths = vec!["/mi".to_owned(), "/mi/workload".to_owned(), format!("/mi/workload?scope=team:{team}")];
    for m in MEASURES.iter() {
        paths.push(format!("/mi/measures/{}", m.id.id()));
        paths.push(format!("/mi/measures/{}?scope=team:{team}", m.id.id()));
    }
    for path in paths {
        let (status, page) = get(&analyst, app.url(&path)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        for c in &cases {
            let name = format!("{} {}", c.first_name, c.family_name);
            assert!(!page.contains(&name), "{path} names {name}");
            assert!(!page.contains(c.crn.as_str()), "{path} shows the CRN {}", c.crn);
        }
    }
}

#[tokio::test]
async fn workload_by_place_is_the_team_views() {
    let app = start().await;
    let spo = sign_in(&app.base, "spo").await;
    let manager = sign_in(&app.base, "manager").await;
    let team = first_team(&app.store).await;
    let (status, team_page) = get(&spo, app.url(&format!("/teams/{team}"))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, workload) = get(&spo, app.url(&format!("/mi/workload?scope=team:{team}"))).await;
    assert_eq!(status, StatusCode::OK);
    // Each officer: points, available points and capacity as on the team view.
    let mut officers = 0;
    for staff in app.org.staff.iter().filter(|s| s.team == team) {
        let id = format!("officer-{}", staff.code);
        if !team_page.contains(&format!("id=\"{id}\"")) {
            continue;
        }
        officers += 1;
        let on_team = cells(row(&team_page, &id));
        let on_mi = cells(row(&workload, &format!("part-officer:{}", staff.code)));
        assert_eq!(on_mi[2..], on_team[5..], "{}", staff.code);
    }
    assert!(officers > 0);
    let team_total = cells(row(&team_page, "team-total"));
    let mi_total = cells(row(&workload, "total"));
    assert_eq!(mi_total[2..], team_total[5..], "the team's total");
    // One level up, the team's row is the same total.
    let office = services::access::Place::of_team(Some(&team), None, &app.org).office.unwrap();
    let (status, office_page) = get(&manager, app.url(&format!("/mi/workload?scope=office:{office}"))).await;
    assert_eq!(status, StatusCode::OK);
    let team_row = cells(row(&office_page, &format!("part-team:{team}")));
    assert_eq!(team_row[2..], mi_total[2..], "the office page's row for the team");
    assert!(
        row(&office_page, &format!("part-team:{team}")).contains(&format!("href=\"/mi/workload?scope=team%3A{team}\""))
    );
    // The same table as CSV, linked from the page: each team of the office, then the office.
    assert!(office_page.contains(&format!("href=\"/mi/workload.csv?scope=office%3A{office}\"")));
    let r = manager.http.get(app.url(&format!("/mi/workload.csv?scope=office:{office}"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "place,scope,officers,workload_points,available_points,capacity_percent");
    let rows = office_page.matches("id=\"part-").count();
    assert_eq!(lines.len(), 1 + rows + 1, "a line for each part and the office: {csv}");
    // (officers, capacity) of a line, read from its end: a place's name may hold a comma.
    let tail = |scope: &str| -> (String, String) {
        let line = lines.iter().find(|l| l.contains(&format!(",{scope},"))).unwrap_or_else(|| panic!("{scope}: {csv}"));
        let f: Vec<&str> = line.rsplitn(5, ',').collect();
        (f[3].to_owned(), f[0].to_owned())
    };
    assert_eq!(tail(&format!("team:{team}")), (team_row[1].clone(), team_row[4].trim_end_matches('%').to_owned()));
    let office_total = cells(row(&office_page, "total"));
    assert_eq!(
        tail(&format!("office:{office}")),
        (office_total[1].clone(), office_total[4].trim_end_matches('%').to_owned())
    );
    assert!(lines.last().unwrap().contains(&format!(",office:{office},")), "the place itself comes last");
}
