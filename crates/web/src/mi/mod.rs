//! Management information pages (issue 6 items 2, 3 and 5): every measure with its
//! definition and current figure, one measure over time as an SVG chart with the same numbers
//! in a table (and that table as CSV), the scope broken into its parts to drill down, and
//! workload capacity by place.
//!
//! Each page's figures are one use case of `services::mi`, which decides who may see which
//! scope (`services::access::may_see_mi`, `mi_scope_within`) before any figure is read; the
//! figures are the MI projection, and the workload is `analytics::workload` through the same
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
use analytics::measures::{Grouping, MEASURES, Measure, MeasureKind, Scope};
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
use services::mi::MeasureTable;
pub use services::mi::{FigureRow, MeasureRequest, parts, periods, scope_name};

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

/// The first day of the month eleven months before `today`'s: the default period is the
/// twelve calendar months to today.
pub fn default_from(today: Date) -> Date {
    today.first_of_month().checked_sub(jiff::Span::new().months(11)).unwrap_or(today)
}

pub(crate) fn given(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub(crate) fn parse_day(field: &'static str, raw: &str) -> Result<Date, FieldProblem> {
    // `raw` is never empty here (`given` drops empty values).
    services::input::parse_date(field, raw)?.ok_or_else(|| FieldProblem::new(field, format!("{field}: enter a date")))
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

/// The widest scope this user may see MI for, or 403.
pub(crate) fn widest(who: &SignedIn) -> Result<Scope, WebError> {
    Ok(services::mi::widest(&who.user)?)
}

// ---------------------------------------------------------------------------------------
// Figures

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
}
