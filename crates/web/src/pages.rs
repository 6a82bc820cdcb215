//! Server-rendered pages in the GOV.UK design system's patterns. Handlers fetch through
//! [`crate::service`] (the same calls as the API) and turn the read models into display text;
//! templates only lay it out, and askama escapes everything they print.

use crate::AppState;
use crate::error::WebError;
use crate::service;
use crate::view::{self, CaseRecord, Caseload, EVENT_TYPES, OfficerRow};
use askama::Template;
use axum::Router;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(start))
        .route("/officers/{code}/caseload", get(caseload))
        .route("/cases/{crn}", get(case))
        .route(STYLESHEET, get(stylesheet))
}

pub const STYLESHEET: &str = "/assets/probity.css";

/// A subset of govuk-frontend's styles, shipped in the binary so nothing needs installing.
async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../assets/probity.css"),
    )
}

/// An error shown as a page rather than JSON.
#[derive(Debug)]
pub struct PageError(pub WebError);

impl From<WebError> for PageError {
    fn from(e: WebError) -> Self {
        PageError(e)
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        PageError(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: &'static str,
    message: String,
    field: Option<String>,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        let title = match &e {
            WebError::NotFound(_) => "Page not found",
            WebError::Internal => "Sorry, there is a problem with the service",
            _ => "There is a problem",
        };
        let page = ErrorPage { title, message: e.message(), field: e.field().map(str::to_owned) };
        match page.render() {
            Ok(html) => (e.status(), Html(html)).into_response(),
            Err(render) => {
                tracing::error!(error = %render, "the error page failed to render");
                (e.status(), e.message()).into_response()
            }
        }
    }
}

fn html(page: impl Template) -> Result<Html<String>, PageError> {
    Ok(Html(page.render()?))
}

fn param(p: Result<Path<String>, PathRejection>, field: &str) -> Result<String, PageError> {
    p.map(|Path(v)| v).map_err(|e| PageError(WebError::bad_request(field, format!("{field}: {}", e.body_text()))))
}

/// "2 March 2026", the GOV.UK date style.
fn day(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

fn day_or(d: Option<Date>, none: &str) -> String {
    d.map_or_else(|| none.to_owned(), day)
}

fn local_time(t: DateTime) -> String {
    t.strftime("%-d %B %Y at %H:%M").to_string()
}

fn instant(t: jiff::Timestamp) -> String {
    let tz = TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC);
    local_time(tz.to_datetime(t))
}

fn label<T>(v: Option<T>, f: impl Fn(T) -> &'static str, none: &str) -> String {
    v.map_or_else(|| none.to_owned(), |v| f(v).to_owned())
}

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    officers: Vec<OfficerRow>,
}

async fn start(State(app): State<AppState>) -> Result<Html<String>, PageError> {
    html(StartPage { officers: service::officers(&app).await? })
}

struct CaseloadRow {
    crn: String,
    name: String,
    phase: String,
    rosh: String,
    next_appointment: String,
    contact_due_by: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadPage {
    officer: String,
    officer_name: String,
    on: String,
    rows: Vec<CaseloadRow>,
    overdue: usize,
}

impl CaseloadPage {
    fn new(c: Caseload) -> Self {
        let rows: Vec<CaseloadRow> = c
            .cases
            .into_iter()
            .map(|e| CaseloadRow {
                name: format!("{} {}", e.first_name, e.family_name),
                crn: e.crn.to_string(),
                phase: label(e.phase, |p| p.label(), "None"),
                rosh: label(e.rosh, |r| r.label(), "Not assessed"),
                next_appointment: e.next_appointment.map_or_else(|| "None booked".to_owned(), local_time),
                contact_due_by: day_or(e.contact_due_by, "Not required"),
                overdue: e.overdue,
            })
            .collect();
        Self {
            officer_name: c.officer_name.unwrap_or_else(|| c.officer.to_string()),
            officer: c.officer.to_string(),
            on: day(c.on),
            overdue: rows.iter().filter(|r| r.overdue).count(),
            rows,
        }
    }
}

async fn caseload(
    State(app): State<AppState>,
    code: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let caseload = service::caseload(&app, &param(code, "code")?).await?;
    html(CaseloadPage::new(caseload))
}

struct SummaryRow {
    key: &'static str,
    value: String,
    overdue: bool,
}

struct FilterOption {
    value: &'static str,
    label: String,
    selected: bool,
}

struct EventRow {
    seq: u64,
    occurred: String,
    recorded: String,
    recorded_by: String,
    kind: String,
    summary: String,
    late: bool,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    crn: String,
    name: String,
    officer: Option<String>,
    rows: Vec<SummaryRow>,
    options: Vec<FilterOption>,
    filtered_to: Option<String>,
    events: Vec<EventRow>,
}

impl CasePage {
    fn new(r: CaseRecord) -> Self {
        let c = &r.case;
        let kind = |k: domain::sentence::SentenceKind| match k {
            domain::sentence::SentenceKind::CommunityOrder => "Community order",
            domain::sentence::SentenceKind::SuspendedSentenceOrder => "Suspended sentence order",
            domain::sentence::SentenceKind::Custodial => "Custodial sentence",
        };
        let row = |key, value: String| SummaryRow { key, value, overdue: false };
        let rows = vec![
            row("CRN", c.crn.to_string()),
            row("Date of birth", day(c.date_of_birth)),
            row(
                "Responsible officer",
                c.officer.as_ref().map_or_else(|| "Not allocated".to_owned(), |o| o.to_string()),
            ),
            row("Team", c.team.as_ref().map_or_else(|| "Not allocated".to_owned(), |t| t.to_string())),
            row("Sentence", label(c.sentence_kind, kind, "No active sentence")),
            row("Sentence ends", day_or(c.sentence_end, "Not applicable")),
            row("Supervision phase", label(c.phase, |p| p.label(), "None")),
            row("Risk of serious harm", label(c.rosh, |r| r.label(), "Not assessed")),
            row("Next appointment", c.next_appointment.map_or_else(|| "None booked".to_owned(), local_time)),
            row("Last face-to-face contact", day_or(c.last_face_to_face, "None recorded")),
            SummaryRow { key: "Contact due by", value: day_or(c.contact_due_by, "Not required"), overdue: c.overdue },
            row("Responsible officers so far", c.officer_count.to_string()),
            row("Record version", c.version.to_string()),
        ];
        let options = EVENT_TYPES
            .iter()
            .map(|t| FilterOption {
                value: t,
                label: view::event_type_label(t),
                selected: r.event_type.as_deref() == Some(*t),
            })
            .collect();
        let events = r
            .timeline
            .iter()
            .map(|e| EventRow {
                seq: e.seq,
                occurred: instant(e.occurred_at),
                recorded: instant(e.recorded_at),
                recorded_by: e.recorded_by.to_string(),
                kind: view::event_type_label(&e.event_type),
                summary: e.summary.clone(),
                late: e.recorded_late,
            })
            .collect();
        Self {
            crn: c.crn.to_string(),
            name: format!("{} {}", c.first_name, c.family_name),
            officer: c.officer.as_ref().map(|o| o.to_string()),
            rows,
            options,
            filtered_to: r.event_type.as_deref().map(view::event_type_label),
            events,
        }
    }
}

async fn case(
    State(app): State<AppState>,
    crn: Result<Path<String>, PathRejection>,
    query: Result<Query<crate::api::TimelineQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let crn = param(crn, "crn")?;
    let Query(query) = query.map_err(|e| PageError(WebError::bad_request("type", e.body_text())))?;
    let record = service::case_record(&app, &crn, query.event_type.as_deref()).await?;
    html(CasePage::new(record))
}

/// The page for a route that does not exist.
pub(crate) async fn not_found() -> PageError {
    PageError(WebError::NotFound("If you typed the web address, check it is correct.".into()))
}
