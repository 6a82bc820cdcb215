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

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::WebError;
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

// ---------------------------------------------------------------------------------------
// The SVG chart: server-rendered, an image with a title and description; the table below it
// carries the same numbers for anyone who cannot see it.

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const SLOT: usize = 84;
const PLOT: f64 = 200.0;
const TOP: f64 = 24.0;
const LEFT: usize = 56;

/// A bar chart of the rows' percentages on a 0 to 100 scale.
pub fn chart(title: &str, rows: &[FigureRow]) -> String {
    let width = LEFT + SLOT * rows.len().max(1) + 16;
    let height = TOP + PLOT + 48.0;
    let y = |p: f64| TOP + PLOT - PLOT * p.clamp(0.0, 100.0) / 100.0;
    let desc: Vec<String> = rows
        .iter()
        .map(|r| match r.percent {
            Some(p) => format!("{}: {p:.1}% ({} of {})", r.period, r.numerator, r.denominator),
            None => format!("{}: no cases", r.period),
        })
        .collect();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"mi-chart\" role=\"img\" width=\"100%\" font-family=\"arial, sans-serif\" \
         viewBox=\"0 0 {width} {height}\" aria-labelledby=\"chart-title chart-desc\">\
         <title id=\"chart-title\">{}</title><desc id=\"chart-desc\">Percentage by period. {}.</desc>",
        xml_escape(title),
        xml_escape(&desc.join("; "))
    );
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let ty = y(tick);
        svg.push_str(&format!(
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{ty}\" y2=\"{ty}\" stroke=\"#b1b4b6\" stroke-width=\"1\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\" fill=\"#0b0c0c\">{tick:.0}%</text>",
            width - 16,
            LEFT - 6,
            ty + 4.0
        ));
    }
    for (i, r) in rows.iter().enumerate() {
        let x = LEFT + SLOT * i + 12;
        let bar = SLOT - 24;
        let centre = x + bar / 2;
        if let Some(p) = r.percent {
            let top = y(p);
            svg.push_str(&format!(
                "<rect x=\"{x}\" y=\"{top}\" width=\"{bar}\" height=\"{}\" fill=\"#1d70b8\"/>\
                 <text x=\"{centre}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#0b0c0c\">{p:.1}%</text>",
                TOP + PLOT - top,
                top - 6.0
            ));
        } else {
            svg.push_str(&format!(
                "<text x=\"{centre}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#0b0c0c\">none</text>",
                TOP + PLOT - 6.0
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{centre}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#0b0c0c\">{}</text>",
            TOP + PLOT + 20.0,
            xml_escape(&r.period)
        ));
    }
    svg.push_str("</svg>");
    svg
}

// ---------------------------------------------------------------------------------------
// The index: every measure with its definition and current figure

struct MeasureLine {
    id: &'static str,
    name: &'static str,
    definition: &'static str,
    figure: String,
    counted: String,
    when: String,
}

#[derive(Template)]
#[template(path = "mi_index.html")]
struct IndexPage {
    nav: Option<Nav>,
    scope_name: String,
    measures: Vec<MeasureLine>,
    /// Whether to link the provider-wide pages (`access::may_see_provider_mi`).
    provider_wide: bool,
}

fn counted(r: &FigureRow) -> String {
    format!("{} of {}", r.numerator, r.denominator)
}

fn when(measure: &Measure, from: Date, to: Date) -> String {
    match measure.kind {
        MeasureKind::Period => format!("{} to {}", day(from), day(to)),
        MeasureKind::AsAt => format!("as at {}", day(to)),
    }
}

async fn index_page(State(app): State<AppState>, Extension(who): Extension<SignedIn>) -> Result<Response, PageError> {
    let scope = widest(&who)?;
    let org = scope_for(&app, &who, &scope).await?;
    let today = app.clock.today();
    let from = default_from(today);
    let mut measures = Vec::new();
    for m in MEASURES.iter() {
        let (total, _) = headline(&app, m, &scope, from, today).await?;
        measures.push(MeasureLine {
            id: m.id.id(),
            name: m.name,
            definition: m.definition,
            figure: percent_text(total.percent),
            counted: counted(&total),
            when: when(m, from, today),
        });
    }
    let page = IndexPage {
        nav: Nav::of(&who),
        scope_name: scope_name(&scope, &org),
        measures,
        provider_wide: access::may_see_provider_mi(&who.user),
    };
    html(page).map(IntoResponse::into_response)
}

// ---------------------------------------------------------------------------------------
// One measure over time, with its breakdown

struct TableRow {
    period: String,
    numerator: u64,
    denominator: u64,
    percent: String,
}

impl From<&FigureRow> for TableRow {
    fn from(r: &FigureRow) -> Self {
        TableRow {
            period: r.period.clone(),
            numerator: r.numerator,
            denominator: r.denominator,
            percent: percent_text(r.percent),
        }
    }
}

struct PartRow {
    name: String,
    scope: String,
    href: Option<String>,
    numerator: u64,
    denominator: u64,
    percent: String,
}

#[derive(Template)]
#[template(path = "mi_measure.html")]
struct MeasurePage {
    nav: Option<Nav>,
    id: &'static str,
    name: &'static str,
    definition: &'static str,
    numerator: &'static str,
    denominator: &'static str,
    source: &'static str,
    higher_is_better: bool,
    as_at: bool,
    /// The form as typed.
    scope: String,
    from: String,
    to: String,
    by: String,
    errors: Vec<FieldProblem>,
    scope_name: String,
    period: String,
    headline: String,
    headline_counted: String,
    chart: String,
    rows: Vec<TableRow>,
    csv: String,
    parts_csv: String,
    keys_csv: String,
    keys: Vec<(String, TableRow)>,
    parts: Vec<PartRow>,
    parts_of: &'static str,
}

impl MeasurePage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
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

fn by_text(g: Grouping) -> &'static str {
    match g {
        Grouping::Month => "month",
        Grouping::Quarter => "quarter",
    }
}

fn blank_page(measure: &'static Measure, who: &SignedIn, query: &MiQuery) -> MeasurePage {
    let typed = |v: &Option<String>| v.clone().unwrap_or_default();
    MeasurePage {
        nav: Nav::of(who),
        id: measure.id.id(),
        name: measure.name,
        definition: measure.definition,
        numerator: measure.numerator,
        denominator: measure.denominator,
        source: measure.source,
        higher_is_better: measure.higher_is_better,
        as_at: measure.kind == MeasureKind::AsAt,
        scope: typed(&query.scope),
        from: typed(&query.from),
        to: typed(&query.to),
        by: typed(&query.by),
        errors: Vec::new(),
        scope_name: String::new(),
        period: String::new(),
        headline: String::new(),
        headline_counted: String::new(),
        chart: String::new(),
        rows: Vec::new(),
        csv: String::new(),
        parts_csv: String::new(),
        keys_csv: String::new(),
        keys: Vec::new(),
        parts: Vec::new(),
        parts_of: "",
    }
}

/// A query as typed, or a 400 naming `query` when it cannot even be read.
pub(crate) fn query_of<Q>(q: Result<Query<Q>, QueryRejection>) -> Result<Q, WebError> {
    q.map(|Query(q)| q).map_err(|e| WebError::bad_request("query", format!("query: {}", e.body_text())))
}

async fn measure_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
    query: Result<Query<MiQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let query = query_of(query)?;
    let measure = measure_of(&id)?;
    let widest = widest(&who)?;
    let today = app.clock.today();
    let mut page = blank_page(measure, &who, &query);
    let req = match parse_request(&query, &widest, today) {
        Ok(req) => req,
        Err(errors) => {
            // The form again with each problem named, and nothing else.
            page.errors = errors;
            return Ok((StatusCode::BAD_REQUEST, html(page)?).into_response());
        }
    };
    let org = match scope_for(&app, &who, &req.scope).await {
        Ok(org) => org,
        Err(e) => return form_again(e, page),
    };
    let rows = series(&app, measure, &req).await?;
    let (total, keys) = headline(&app, measure, &req.scope, req.from, req.to).await?;
    let mut parts = Vec::new();
    for (name, part, figure) in part_figures(&app, measure, &req, &org).await? {
        parts.push(PartRow {
            // A part of a scope within reach is within reach too.
            href: Some(format!("/mi/measures/{}?{}", measure.id.id(), query_string(&part, &req))),
            scope: part.to_string(),
            name,
            numerator: figure.numerator,
            denominator: figure.denominator,
            percent: percent_text(figure.percent),
        });
    }
    let name = scope_name(&req.scope, &org);
    let title = format!("{}: {name}, by {}, {} to {}", measure.name, by_text(req.grouping), req.from, req.to);
    page.scope = req.scope.to_string();
    page.from = req.from.to_string();
    page.to = req.to.to_string();
    page.by = by_text(req.grouping).to_owned();
    page.period = when(measure, req.from, req.to);
    page.headline = percent_text(total.percent);
    page.headline_counted = counted(&total);
    page.chart = chart(&title, &rows);
    page.rows = rows.iter().map(TableRow::from).collect();
    page.csv = format!("/mi/measures/{}/figures.csv?{}", measure.id.id(), query_string(&req.scope, &req));
    page.parts_csv = format!("{}&table=parts", page.csv);
    page.keys_csv = format!("{}&table=keys", page.csv);
    page.keys = keys.iter().map(|(k, r)| (k.clone(), TableRow::from(r))).collect();
    page.parts = parts;
    page.parts_of = parts_label(&req.scope);
    page.scope_name = name;
    html(page).map(IntoResponse::into_response)
}

/// A scope the organisation does not have is named on the form, like any bad value; any
/// other failure (a refusal) is the error page.
fn form_again(e: WebError, mut page: MeasurePage) -> Result<Response, PageError> {
    match e {
        WebError::BadRequest { field: Some(f), message } if f == "scope" => {
            page.errors = vec![FieldProblem::new("scope", message)];
            Ok((StatusCode::BAD_REQUEST, html(page)?).into_response())
        }
        other => Err(other.into()),
    }
}

/// Exactly a table of the measure's page, as CSV: the figures by period, or with `table=parts`
/// the breakdown by place, or with `table=keys` the figures by key; a bad query is a 400
/// naming the field.
async fn measure_csv(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
    query: Result<Query<MiQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let query = query_of(query)?;
    let measure = measure_of(&id)?;
    let widest = widest(&who)?;
    let req = parse_request(&query, &widest, app.clock.today()).map_err(crate::kit::first_problem)?;
    let table = given(&query.table).unwrap_or("periods");
    if !["periods", "parts", "keys"].contains(&table) {
        return Err(WebError::bad_request("table", format!("table: `{table}` is not periods, parts or keys")));
    }
    let org = scope_for(&app, &who, &req.scope).await?;
    let body = match table {
        "parts" => parts_csv(&part_figures(&app, measure, &req, &org).await?),
        "keys" => keys_csv(&headline(&app, measure, &req.scope, req.from, req.to).await?.1),
        _ => figures_csv(&series(&app, measure, &req).await?),
    };
    let scope = req.scope.to_string().replace(':', "-");
    Ok(csv_download(&format!("{}-{table}-{scope}-{}-{}.csv", measure.id.id(), req.from, req.to), body))
}

// ---------------------------------------------------------------------------------------
// Workload by scope

/// Capacity of a place: its officers' points over their available points.
pub struct WorkloadLine {
    pub name: String,
    pub scope: String,
    pub href: Option<String>,
    pub officers: usize,
    pub points: String,
    pub available: String,
    pub capacity: String,
    pub over: bool,
    pub figures: CapacityFigures,
}

#[derive(Template)]
#[template(path = "mi_workload.html")]
struct WorkloadPage {
    nav: Option<Nav>,
    scope: String,
    scope_name: String,
    on: String,
    total: WorkloadLine,
    parts: Vec<WorkloadLine>,
    parts_of: &'static str,
    /// The table as CSV, for this place.
    csv: String,
    errors: Vec<FieldProblem>,
}

impl WorkloadPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct WorkloadQuery {
    pub scope: Option<String>,
}

impl WorkloadQuery {
    /// The place asked for, `widest` when none; the message names `scope` when it is bad.
    fn scope(&self, widest: Scope) -> Result<Scope, String> {
        match given(&self.scope).map(str::parse::<Scope>) {
            None => Ok(widest),
            Some(Ok(s)) => Ok(s),
            Some(Err(e)) => Err(format!("scope: {e}")),
        }
    }
}

fn line(name: String, scope: &Scope, href: Option<String>, each: &[CapacityFigures]) -> WorkloadLine {
    let c = analytics::workload::combined_capacity(each);
    WorkloadLine {
        name,
        scope: scope.to_string(),
        href,
        officers: each.len(),
        points: points(c.points),
        available: points(c.available_points),
        capacity: capacity(c.capacity_percent),
        over: c.capacity_percent.is_some_and(|p| p > 100.0),
        figures: c,
    }
}

/// The workload of a place and of each of its parts (areas of the provider, ..., officers of
/// a team), from every officer's capacity today.
async fn workload_lines(
    app: &AppState,
    scope: &Scope,
    org: &Organisation,
    today: Date,
) -> Result<(WorkloadLine, Vec<WorkloadLine>), WebError> {
    let each = capacities(app, scope, org, today).await?;
    let within = |part: &Scope| -> Vec<CapacityFigures> {
        org.staff
            .iter()
            .filter(|s| part.contains(org, Some(&s.code), Some(&s.team)))
            .filter_map(|s| each.get(&s.code).copied())
            .collect()
    };
    let mut parts = Vec::new();
    for (part, name) in self::parts(scope, org) {
        let figures = within(&part);
        if matches!(part, Scope::Officer(_)) && figures.is_empty() {
            continue;
        }
        let href = (!matches!(part, Scope::Officer(_)))
            .then(|| format!("/mi/workload?scope={}", percent_encode(&part.to_string())));
        parts.push(line(name, &part, href, &figures));
    }
    let total = line(scope_name(scope, org), scope, None, &each.values().copied().collect::<Vec<_>>());
    Ok((total, parts))
}

/// The workload table as CSV: each part, then the place itself; points to one decimal place,
/// capacity empty where an officer has no available points.
pub fn workload_csv_text(total: &WorkloadLine, parts: &[WorkloadLine]) -> String {
    let mut out = String::from("place,scope,officers,workload_points,available_points,capacity_percent\n");
    for l in parts.iter().chain(std::iter::once(total)) {
        let c = &l.figures;
        out.push_str(&format!(
            "{},{},{},{:.1},{:.1},{}\n",
            csv_cell(&l.name),
            csv_cell(&l.scope),
            l.officers,
            c.points,
            c.available_points,
            c.capacity_percent.map(|p| format!("{p:.1}")).unwrap_or_default()
        ));
    }
    out
}

/// Exactly the workload page's table, as CSV; a bad or unreachable scope is refused as on
/// the page (400 naming `scope`, 403).
async fn workload_csv(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    query: Result<Query<WorkloadQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let query = query_of(query)?;
    let widest = widest(&who)?;
    let scope = query.scope(widest).map_err(|message| WebError::bad_request("scope", message))?;
    let org = scope_for(&app, &who, &scope).await?;
    let today = app.clock.today();
    let (total, parts) = workload_lines(&app, &scope, &org, today).await?;
    let file = format!("workload-{}-{today}.csv", scope.to_string().replace(':', "-"));
    Ok(csv_download(&file, workload_csv_text(&total, &parts)))
}

/// Every officer within `scope` with their capacity today, as the team view works it out.
async fn capacities(
    app: &AppState,
    scope: &Scope,
    org: &Organisation,
    today: Date,
) -> Result<BTreeMap<Code, CapacityFigures>, WebError> {
    let mut out = BTreeMap::new();
    let within = |s: &&domain::org::Staff| scope.contains(org, Some(&s.code), Some(&s.team));
    let records = team::officer_records(&app.stores, org.staff.iter().filter(within)).await?;
    let none = team::OfficerRecords::default();
    for staff in org.staff.iter().filter(within) {
        let cases = app.stores.cases.caseload(&staff.code).await?;
        // As on the team view: an SPO counts only when they hold cases themselves.
        if staff.grade == domain::org::Grade::Spo && cases.is_empty() {
            continue;
        }
        let mine = records.get(&staff.code).unwrap_or(&none);
        let (_, _, figures) = team::officer_workload(&app.stores, staff, &cases, mine, today).await?;
        out.insert(staff.code.clone(), figures);
    }
    Ok(out)
}

async fn workload_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    query: Result<Query<WorkloadQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let query = query_of(query)?;
    let widest = widest(&who)?;
    let typed = query.scope.clone().unwrap_or_default();
    let named = |message: String| -> Result<Response, PageError> {
        let page = WorkloadPage {
            nav: Nav::of(&who),
            scope: typed.clone(),
            scope_name: String::new(),
            on: String::new(),
            total: line(String::new(), &widest, None, &[]),
            parts: Vec::new(),
            parts_of: "",
            csv: String::new(),
            errors: vec![FieldProblem::new("scope", message)],
        };
        Ok((StatusCode::BAD_REQUEST, html(page)?).into_response())
    };
    let scope = match query.scope(widest.clone()) {
        Ok(s) => s,
        Err(message) => return named(message),
    };
    let org = match scope_for(&app, &who, &scope).await {
        Ok(org) => org,
        Err(WebError::BadRequest { field: Some(f), message }) if f == "scope" => return named(message),
        Err(e) => return Err(e.into()),
    };
    let today = app.clock.today();
    let (total, parts) = workload_lines(&app, &scope, &org, today).await?;
    let name = total.name.clone();
    let csv = format!("/mi/workload.csv?scope={}", percent_encode(&scope.to_string()));
    let page = WorkloadPage {
        nav: Nav::of(&who),
        scope: scope.to_string(),
        scope_name: name,
        on: day(today),
        total,
        parts,
        parts_of: parts_label(&scope),
        csv,
        errors: Vec::new(),
    };
    html(page).map(IntoResponse::into_response)
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

    #[test]
    fn the_chart_is_an_image_with_the_table_numbers_in_its_description() {
        let rows = vec![
            FigureRow { period: "2026-01".into(), numerator: 1, denominator: 4, percent: Some(25.0) },
            FigureRow { period: "2026-02".into(), numerator: 0, denominator: 0, percent: None },
        ];
        let svg = chart("First appointment <on time> & more", &rows);
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"chart-title\">First appointment &lt;on time&gt; &amp; more</title>"));
        assert!(svg.contains("2026-01: 25.0% (1 of 4); 2026-02: no cases"), "{svg}");
        assert_eq!(figures_csv(&rows), "period,numerator,denominator,percent\n2026-01,1,4,25.0\n2026-02,0,0,\n");
    }
}
