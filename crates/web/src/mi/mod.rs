//! Management information pages (issue 6 items 2, 3 and 5): every measure with its
//! definition and current figure, one measure over time as an SVG chart with the same numbers
//! in a table (and that table as CSV), the scope broken into its parts to drill down, and
//! workload capacity by place.
//!
//! Who may see which scope is `services::access::may_see_mi` and `mi_scope_within`, applied
//! in [`scope_for`] before any figure is read; the figures are `store::MiStore::mi_figures`
//! (the MI projection), and the workload is `analytics::workload` through the same
//! `services::team::officer_workload` the team view uses. Measures are listed from
//! `analytics::measures::MEASURES`, so a measure added there appears here by itself. Figures
//! are aggregates: no page here names a person on probation.

mod chart;
mod figures;
pub mod outcomes;
mod workload;

use crate::AppState;
use crate::error::WebError;
use crate::kit::SignedIn;
use crate::kit::csv_cell;
use crate::kit::percent_encode;
use crate::kit::{Nav, PageError, csv_download, day, html};
use crate::kit::{Route, build, route};
use crate::kit::{capacity, points};
use analytics::CapacityFigures;
use analytics::measures::{Figure, Grouping, MEASURES, Measure, MeasureId, MeasureKind, Scope};
use askama::Template;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::ids::Code;
use domain::org::Organisation;
use jiff::civil::Date;
use serde::Deserialize;
use services::FieldProblem;
use services::access;
use services::error::NO_ACCESS;
use services::stores::prelude::*;
use services::team;
use std::collections::BTreeMap;

pub const MI: &str = "/mi";
pub const MEASURE: &str = "/mi/measures/{id}";
pub const MEASURE_CSV: &str = "/mi/measures/{id}/figures.csv";
pub const WORKLOAD: &str = "/mi/workload";
pub const WORKLOAD_CSV: &str = "/mi/workload.csv";

use figures::{index_page, measure_csv, measure_page};
use workload::{workload_csv, workload_page};

fn table() -> Vec<Route> {
    vec![
        route(Method::GET, MI, index_page),
        route(Method::GET, MEASURE, measure_page),
        route(Method::GET, MEASURE_CSV, measure_csv),
        route(Method::GET, WORKLOAD, workload_page),
        route(Method::GET, WORKLOAD_CSV, workload_csv),
    ]
}

pub(crate) fn router() -> Router<AppState> {
    build(table())
}

pub fn mi_routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

// ---------------------------------------------------------------------------------------
// The request: scope, period and grouping, each validated naming its field

/// The query of the measure pages, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct MiQuery {
    pub scope: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub by: Option<String>,
    /// Which table of the page the CSV is: `periods` (the default), `parts` or `keys`.
    pub table: Option<String>,
}

/// A validated request for one measure's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureRequest {
    pub scope: Scope,
    pub from: Date,
    pub to: Date,
    pub grouping: Grouping,
}

/// The first day of the month eleven months before `today`'s: the default period is the
/// twelve calendar months to today.
pub fn default_from(today: Date) -> Date {
    today.first_of_month().checked_sub(jiff::Span::new().months(11)).unwrap_or(today)
}

pub(crate) fn given(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub(crate) fn parse_day(field: &'static str, raw: &str) -> Result<Date, FieldProblem> {
    let bad = |why: &str| FieldProblem::new(field, format!("{field}: `{raw}` {why}"));
    let shaped = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return Err(bad("is not a date written YYYY-MM-DD (e.g. 2026-04-13)"));
    }
    raw.parse::<Date>().map_err(|_| bad("is not a calendar date"))
}

/// Parses the query; absent values take their defaults: the user's widest scope, the twelve
/// months to today, by month. Every bad field is reported, not just the first.
pub fn parse_request(query: &MiQuery, widest: &Scope, today: Date) -> Result<MeasureRequest, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let scope = match given(&query.scope) {
        None => Some(widest.clone()),
        Some(raw) => {
            raw.parse::<Scope>().map_err(|e| problems.push(FieldProblem::new("scope", format!("scope: {e}")))).ok()
        }
    };
    let mut day_of = |field: &'static str, raw: &Option<String>, default: Date| match given(raw) {
        None => Some(default),
        Some(raw) => parse_day(field, raw).map_err(|p| problems.push(p)).ok(),
    };
    let to = day_of("to", &query.to, today);
    let from = day_of("from", &query.from, default_from(to.unwrap_or(today)));
    let grouping = match given(&query.by) {
        None | Some("month") => Some(Grouping::Month),
        Some("quarter") => Some(Grouping::Quarter),
        Some(other) => {
            problems.push(FieldProblem::new("by", format!("by: `{other}` is not month or quarter")));
            None
        }
    };
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        problems.push(FieldProblem::new("from", format!("from: {f} is after to ({t})")));
    }
    match (scope, from, to, grouping, problems.is_empty()) {
        (Some(scope), Some(from), Some(to), Some(grouping), true) => Ok(MeasureRequest { scope, from, to, grouping }),
        _ => Err(problems),
    }
}

fn forbidden() -> WebError {
    WebError::Forbidden(NO_ACCESS.to_owned())
}

/// The widest scope this user may see MI for, or 403.
pub(crate) fn widest(who: &SignedIn) -> Result<Scope, WebError> {
    access::may_see_mi(&who.user).ok_or_else(forbidden)
}

/// Whether the organisation has the unit a scope names.
fn known(scope: &Scope, org: &Organisation) -> bool {
    match scope {
        Scope::Provider => true,
        Scope::Area(c) => org.areas.iter().any(|x| &x.code == c),
        Scope::Borough(c) => org.boroughs.iter().any(|x| &x.code == c),
        Scope::Office(c) => org.offices.iter().any(|x| &x.code == c),
        Scope::Team(c) => org.teams.iter().any(|x| &x.code == c),
        Scope::Officer(c) => org.staff.iter().any(|x| &x.code == c),
    }
}

/// The organisation, once `scope` is known to be within this user's reach (403 otherwise;
/// a unit the organisation does not have is a bad `scope`).
async fn scope_for(app: &AppState, who: &SignedIn, scope: &Scope) -> Result<Organisation, WebError> {
    widest(who)?;
    let org = app.stores.cases.organisation().await?;
    if !access::mi_scope_within(&who.user, scope, &org) {
        return Err(forbidden());
    }
    if !known(scope, &org) {
        return Err(WebError::bad_request("scope", format!("scope: the organisation has no {scope}")));
    }
    Ok(org)
}

// ---------------------------------------------------------------------------------------
// Figures

/// One row of a measure's table: a period (or as-at day), or a part of the scope.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureRow {
    pub period: String,
    pub numerator: u64,
    pub denominator: u64,
    pub percent: Option<f64>,
}

fn row(measure: MeasureId, scope: &Scope, period: String, n: u64, d: u64) -> FigureRow {
    let f = Figure::new(measure, scope, period, String::new(), n, d);
    FigureRow { period: f.period, numerator: f.numerator, denominator: f.denominator, percent: f.percent }
}

/// Figures summed over their keys (a breakdown within the measure, such as the local
/// authority), by period.
fn by_period(figures: &[Figure]) -> BTreeMap<String, (u64, u64)> {
    let mut sums: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for f in figures {
        let s = sums.entry(f.period.clone()).or_default();
        s.0 += f.numerator;
        s.1 += f.denominator;
    }
    sums
}

/// The periods from `from` to `to`: each label with its last day (capped at `to`).
pub fn periods(from: Date, to: Date, grouping: Grouping) -> Vec<(String, Date)> {
    let mut out: Vec<(String, Date)> = Vec::new();
    let mut month = from.first_of_month();
    while month <= to {
        let label = grouping.label(month);
        let end = month.last_of_month().min(to);
        match out.last_mut() {
            Some((l, e)) if *l == label => *e = end,
            _ => out.push((label, end)),
        }
        let Ok(next) = month.checked_add(jiff::Span::new().months(1)) else { break };
        month = next;
    }
    out
}

/// A measure's figure for each period of the request, every period shown (0 of 0 where
/// nothing fell due). A period measure counts the facts dated in each period; an as-at
/// measure is counted as at the last day of each period, from the record as it stands.
pub async fn series(app: &AppState, measure: &Measure, req: &MeasureRequest) -> Result<Vec<FigureRow>, WebError> {
    let id = measure.id;
    match measure.kind {
        MeasureKind::Period => {
            let figures = app.stores.mi.mi_figures(id, &req.scope, req.from, req.to, req.grouping).await?;
            let sums = by_period(&figures);
            Ok(periods(req.from, req.to, req.grouping)
                .into_iter()
                .map(|(label, _)| {
                    let (n, d) = sums.get(&label).copied().unwrap_or_default();
                    row(id, &req.scope, label, n, d)
                })
                .collect())
        }
        MeasureKind::AsAt => {
            let mut rows = Vec::new();
            for (_, end) in periods(req.from, req.to, req.grouping) {
                let figures = app.stores.mi.mi_figures(id, &req.scope, end, end, req.grouping).await?;
                let (n, d) = by_period(&figures).into_values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
                rows.push(row(id, &req.scope, end.to_string(), n, d));
            }
            Ok(rows)
        }
    }
}

/// A measure's one figure for a scope: over the whole period for a period measure, as at
/// its last day for an as-at one; with the same figure for each key of the measure.
async fn headline(
    app: &AppState,
    measure: &Measure,
    scope: &Scope,
    from: Date,
    to: Date,
) -> Result<(FigureRow, Vec<(String, FigureRow)>), WebError> {
    let (from, label) = match measure.kind {
        MeasureKind::Period => (from, format!("{from} to {to}")),
        MeasureKind::AsAt => (to, to.to_string()),
    };
    let figures = app.stores.mi.mi_figures(measure.id, scope, from, to, Grouping::Quarter).await?;
    let mut keys: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for f in &figures {
        let s = keys.entry(f.key.clone()).or_default();
        s.0 += f.numerator;
        s.1 += f.denominator;
    }
    let (n, d) = keys.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let total = row(measure.id, scope, label.clone(), n, d);
    let keyed = keys
        .into_iter()
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, (n, d))| (k, row(measure.id, scope, label.clone(), n, d)))
        .collect();
    Ok((total, keyed))
}

/// The parts a scope breaks into, each with its name: the provider into areas, an area into
/// boroughs, a borough into offices, an office into teams, a team into its officers.
pub fn parts(scope: &Scope, org: &Organisation) -> Vec<(Scope, String)> {
    let mut out: Vec<(Scope, String)> = match scope {
        Scope::Provider => org.areas.iter().map(|a| (Scope::Area(a.code.clone()), a.name.to_string())).collect(),
        Scope::Area(c) => org
            .boroughs
            .iter()
            .filter(|b| &b.area == c)
            .map(|b| (Scope::Borough(b.code.clone()), b.name.to_string()))
            .collect(),
        Scope::Borough(c) => org
            .offices
            .iter()
            .filter(|o| &o.borough == c)
            .map(|o| (Scope::Office(o.code.clone()), o.name.to_string()))
            .collect(),
        Scope::Office(c) => org
            .teams
            .iter()
            .filter(|t| &t.office == c)
            .map(|t| (Scope::Team(t.code.clone()), t.name.to_string()))
            .collect(),
        Scope::Team(c) => org
            .staff
            .iter()
            .filter(|s| &s.team == c)
            .map(|s| (Scope::Officer(s.code.clone()), s.name.to_string()))
            .collect(),
        Scope::Officer(_) => Vec::new(),
    };
    out.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    out
}

/// "Camden North (team TEAM1)", "the whole provider".
pub fn scope_name(scope: &Scope, org: &Organisation) -> String {
    let named = |kind: &str, code: &Code, name: Option<String>| match name {
        Some(n) => format!("{n} ({kind} {code})"),
        None => format!("{kind} {code}"),
    };
    match scope {
        Scope::Provider => "The whole provider".to_owned(),
        Scope::Area(c) => named("area", c, org.areas.iter().find(|x| &x.code == c).map(|x| x.name.to_string())),
        Scope::Borough(c) => {
            named("borough", c, org.boroughs.iter().find(|x| &x.code == c).map(|x| x.name.to_string()))
        }
        Scope::Office(c) => named("office", c, org.offices.iter().find(|x| &x.code == c).map(|x| x.name.to_string())),
        Scope::Team(c) => named("team", c, org.teams.iter().find(|x| &x.code == c).map(|x| x.name.to_string())),
        Scope::Officer(c) => named("officer", c, org.staff.iter().find(|x| &x.code == c).map(|x| x.name.to_string())),
    }
}

/// A percentage as shown, or why there is none.
pub fn percent_text(p: Option<f64>) -> String {
    p.map_or_else(|| "No cases".to_owned(), |p| format!("{p:.1}%"))
}

/// The table as CSV: the same rows and columns the page's table shows.
pub fn figures_csv(rows: &[FigureRow]) -> String {
    let mut out = String::from("period,numerator,denominator,percent\n");
    for r in rows {
        out.push_str(&format!("{},{}\n", csv_cell(&r.period), counts_csv(r)));
    }
    out
}

fn counts_csv(r: &FigureRow) -> String {
    let percent = r.percent.map_or(String::new(), |p| format!("{p:.1}"));
    format!("{},{},{percent}", r.numerator, r.denominator)
}

/// The breakdown table as CSV: each part's name, scope and figure.
pub fn parts_csv(parts: &[(String, Scope, FigureRow)]) -> String {
    let mut out = String::from("place,scope,numerator,denominator,percent\n");
    for (name, scope, r) in parts {
        out.push_str(&format!("{},{},{}\n", csv_cell(name), scope, counts_csv(r)));
    }
    out
}

/// The table by key (local authority, requirement) as CSV.
pub fn keys_csv(keys: &[(String, FigureRow)]) -> String {
    let mut out = String::from("key,numerator,denominator,percent\n");
    for (key, r) in keys {
        out.push_str(&format!("{},{}\n", csv_cell(key), counts_csv(r)));
    }
    out
}

/// Each part of the request's scope with its figure over the request's period.
async fn part_figures(
    app: &AppState,
    measure: &Measure,
    req: &MeasureRequest,
    org: &Organisation,
) -> Result<Vec<(String, Scope, FigureRow)>, WebError> {
    let mut out = Vec::new();
    for (part, name) in parts(&req.scope, org) {
        let (figure, _) = headline(app, measure, &part, req.from, req.to).await?;
        out.push((name, part, figure));
    }
    Ok(out)
}

fn measure_of(id: &str) -> Result<&'static Measure, WebError> {
    MEASURES.iter().find(|m| m.id.id() == id).ok_or_else(|| WebError::NotFound(format!("There is no measure {id}.")))
}

fn query_string(scope: &Scope, req: &MeasureRequest) -> String {
    let by = match req.grouping {
        Grouping::Month => "month",
        Grouping::Quarter => "quarter",
    };
    format!("scope={}&from={}&to={}&by={by}", percent_encode(&scope.to_string()), req.from, req.to)
}

/// A query as typed, or a 400 naming `query` when it cannot even be read.
pub(super) fn query_of<Q>(q: Result<Query<Q>, QueryRejection>) -> Result<Q, WebError> {
    q.map(|Query(q)| q).map_err(|e| WebError::bad_request("query", format!("query: {}", e.body_text())))
}

fn parts_label(scope: &Scope) -> &'static str {
    match scope {
        Scope::Provider => "By area",
        Scope::Area(_) => "By borough",
        Scope::Borough(_) => "By office",
        Scope::Office(_) => "By team",
        Scope::Team(_) => "By officer",
        Scope::Officer(_) => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn q(scope: Option<&str>, from: Option<&str>, to: Option<&str>, by: Option<&str>) -> MiQuery {
        let s = |v: Option<&str>| v.map(str::to_owned);
        MiQuery { scope: s(scope), from: s(from), to: s(to), by: s(by), table: None }
    }

    #[test]
    fn a_request_takes_defaults_and_names_every_bad_field() {
        let today = date("2026-03-20");
        let widest = Scope::Provider;
        let ok = parse_request(&q(None, None, None, None), &widest, today).unwrap();
        assert_eq!(
            ok,
            MeasureRequest { scope: Scope::Provider, from: date("2025-04-01"), to: today, grouping: Grouping::Month }
        );
        let ok = parse_request(&q(Some("team:T1"), Some("2026-01-01"), Some(""), Some("quarter")), &widest, today);
        assert_eq!(ok.unwrap().grouping, Grouping::Quarter);
        // (query, the fields named)
        let rows: &[(MiQuery, &[&str])] = &[
            (q(Some("street:X"), None, None, None), &["scope"]),
            (q(Some("team"), None, None, None), &["scope"]),
            (q(None, Some("1/1/2026"), None, None), &["from"]),
            (q(None, None, Some("2026-02-30"), None), &["to"]),
            (q(None, None, None, Some("week")), &["by"]),
            (q(None, Some("2026-03-01"), Some("2026-02-01"), None), &["from"]),
            (q(Some("x:"), Some("x"), Some("y"), Some("z")), &["scope", "to", "from", "by"]),
        ];
        for (query, fields) in rows {
            let problems = parse_request(query, &widest, today).unwrap_err();
            let named: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
            assert_eq!(&named, fields, "{query:?}");
            for p in &problems {
                assert!(p.message.starts_with(&format!("{}:", p.field)), "{}", p.message);
            }
        }
    }

    #[test]
    fn periods_cover_the_range_and_end_at_to() {
        let got = periods(date("2025-11-15"), date("2026-02-10"), Grouping::Month);
        let want = [
            ("2025-11", "2025-11-30"),
            ("2025-12", "2025-12-31"),
            ("2026-01", "2026-01-31"),
            ("2026-02", "2026-02-10"),
        ];
        assert_eq!(got, want.map(|(l, d)| (l.to_owned(), date(d))).to_vec());
        let got = periods(date("2025-11-15"), date("2026-02-10"), Grouping::Quarter);
        assert_eq!(got, vec![("2025-Q4".to_owned(), date("2025-12-31")), ("2026-Q1".to_owned(), date("2026-02-10"))]);
    }
}
