//! The pages that belong to no one area: start, caseload (and its CSV), search, a case's
//! reads, signing in and out, and the public routes (health, the stylesheet). Like every page,
//! in the GOV.UK design system's patterns: handlers call the use cases of `services` (the same
//! calls as the API) and turn the read models into display text; templates only lay it out,
//! and askama escapes everything they print.

use crate::AppState;
use crate::auth::{self, SIGN_IN_COOKIE};
use crate::error::WebError;
use crate::kit::SignedIn;
use crate::kit::{self, Nav, PageError, csv_download, day, day_or, html, html_sized, instant, local_time};
use crate::kit::{Route, build, route};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, Extension, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::ids::Crn;
use services::accounts::SignInRefused;

use serde::Deserialize;
use services::caseload_query::{CaseloadPage as CaseloadList, CaseloadQuery, Show, Sort, caseload_page};
use services::cases::{CaseloadCases, OfficerRow};
use services::stores::prelude::*;

pub const STYLESHEET: &str = "/assets/probity.css";
pub const SIGN_IN: &str = "/sign-in";
pub const HEALTH: &str = "/health";

/// The pages that need a signed-in user.
fn table() -> Vec<Route> {
    vec![
        route(Method::GET, "/", start),
        route(Method::GET, "/officers/{code}/caseload", caseload),
        route(Method::GET, "/officers/{code}/caseload.csv", caseload_csv),
        route(Method::GET, "/cases/{crn}/reads", case_reads),
        route(Method::GET, "/search", search),
        route(Method::POST, "/sign-out", sign_out),
    ]
}

/// The routes anyone may reach: signing in, the stylesheet, the health check.
fn public_table() -> Vec<Route> {
    vec![
        route(Method::GET, SIGN_IN, sign_in_page),
        route(Method::POST, SIGN_IN, sign_in),
        route(Method::GET, STYLESHEET, stylesheet),
        route(Method::GET, HEALTH, health),
    ]
}

pub(crate) fn router() -> Router<AppState> {
    build(table())
}

pub(crate) fn public_router() -> Router<AppState> {
    build(public_table())
}

pub fn page_routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

pub fn public_routes() -> Vec<(Method, &'static str)> {
    public_table().into_iter().map(|r| (r.method, r.path)).collect()
}

async fn health() -> &'static str {
    "ok"
}

/// A subset of govuk-frontend's styles, shipped in the binary so nothing needs installing.
async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../assets/probity.css"),
    )
}

fn param(p: Result<Path<String>, PathRejection>, field: &str) -> Result<String, PageError> {
    p.map(|Path(v)| v).map_err(|e| PageError(WebError::bad_request(field, format!("{field}: {}", e.body_text()))))
}

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    nav: Option<Nav>,
    officers: Vec<OfficerRow>,
    /// Whether the officers' names link to their caseloads (an MI analyst sees counts only).
    links: bool,
    granted: Vec<GrantedRow>,
    /// The teams whose views (caseloads, workload, allocation queue) this user may open.
    teams: Vec<domain::org::Team>,
    /// The signed-in officer's own day, when they hold a caseload.
    my_day: Option<services::cases::MyDay>,
}

struct GrantedRow {
    crn: String,
    name: String,
}

async fn start(State(app): State<AppState>, Extension(who): Extension<SignedIn>) -> Result<Html<String>, PageError> {
    let now = app.clock.now();
    let officers = services::cases::officers(&app.stores, who.actor(), now).await?;
    let granted = services::cases::granted(&app.stores, who.actor(), now)
        .await?
        .into_iter()
        .map(|c| GrantedRow { crn: c.crn.to_string(), name: format!("{} {}", c.first_name, c.family_name) })
        .collect();
    let links = services::access::links_caseloads(&who.user);
    let teams = services::team::teams(&app.stores, who.actor()).await?;
    let my_day = services::cases::my_day(&app.stores, who.actor(), now).await?;
    html(StartPage { nav: Nav::of(&who), officers, links, granted, teams, my_day })
}

struct CaseloadRow<'a> {
    crn: &'a Crn,
    first_name: &'a str,
    family_name: &'a str,
    phase: &'static str,
    rosh: &'static str,
    next_appointment: String,
    contact_due_by: String,
    overdue: bool,
}

/// One choice of a select on the caseload page: (key, label, chosen).
type Choice = (&'static str, &'static str, bool);

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadPage<'a> {
    nav: Option<Nav>,
    officer: String,
    officer_name: String,
    on: String,
    rows: Vec<CaseloadRow<'a>>,
    /// Cases on the whole caseload, and of those with contact overdue.
    active: usize,
    overdue: usize,
    /// Cases the filter keeps over every page.
    matching: usize,
    show: Vec<Choice>,
    sort: Vec<Choice>,
    /// The show and sort of this page, as a query string for the page links.
    chosen: String,
    page: usize,
    pages: usize,
}

impl<'a> CaseloadPage<'a> {
    /// Rows borrow the summaries: the page officers open most copies no case to show it.
    fn new(c: &'a CaseloadCases, q: &CaseloadQuery, listed: CaseloadList<'a>, nav: Option<Nav>) -> Self {
        let rows: Vec<CaseloadRow> = listed
            .cases
            .iter()
            .map(|s| CaseloadRow {
                crn: &s.crn,
                first_name: &s.first_name,
                family_name: &s.family_name,
                phase: s.phase_on(c.on).map_or("None", |p| p.label()),
                rosh: s.rosh.map_or("Not assessed", |r| r.label()),
                next_appointment: s.next_appointment.map_or_else(|| "None booked".to_owned(), local_time),
                contact_due_by: day_or(s.contact_due_by, "Not required"),
                overdue: s.contact_overdue(c.on),
            })
            .collect();
        Self {
            nav,
            officer_name: c.officer_name.clone().unwrap_or_else(|| c.officer.to_string()),
            officer: c.officer.to_string(),
            on: day(c.on),
            active: c.cases.len(),
            overdue: c.cases.iter().filter(|s| s.contact_overdue(c.on)).count(),
            matching: listed.matching,
            show: Show::ALL.iter().map(|x| (x.key(), x.label(), *x == q.show)).collect(),
            sort: Sort::ALL.iter().map(|x| (x.key(), x.label(), *x == q.sort)).collect(),
            chosen: format!("show={}&sort={}", q.show.key(), q.sort.key()),
            page: listed.page,
            pages: listed.pages,
            rows,
        }
    }
}

#[derive(Debug, Deserialize)]
struct CaseloadParams {
    show: Option<String>,
    sort: Option<String>,
    page: Option<String>,
}

async fn caseload(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    code: Result<Path<String>, PathRejection>,
    params: Result<Query<CaseloadParams>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let officer = kit::parse_officer(&param(code, "code")?)?;
    let Query(p) = params.map_err(|e| PageError(WebError::bad_request("show", e.body_text())))?;
    let q = CaseloadQuery::parse(p.show.as_deref(), p.sort.as_deref(), p.page.as_deref())?;
    let caseload = services::cases::caseload(&app.stores, who.actor(), app.clock.now(), &officer).await?;
    let listed = caseload_page(&caseload.cases, caseload.on, &q)?;
    let page = CaseloadPage::new(&caseload, &q, listed, Nav::of(&who));
    // About 900 bytes a row besides the layout: one buffer, not one regrown as it fills.
    html_sized(&page, 16 * 1024 + 900 * page.rows.len())
}

/// The caseload as a CSV download: the same cases the page shows this user.
async fn caseload_csv(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    code: Result<Path<String>, PathRejection>,
) -> Result<Response, PageError> {
    let code = param(code, "code")?;
    let officer = kit::parse_officer(&code)?;
    let c = services::cases::caseload(&app.stores, who.actor(), app.clock.now(), &officer).await?;
    let csv = kit::caseload_csv(&crate::view::Caseload::new(c.officer, c.officer_name, &c.cases, c.on));
    Ok(csv_download(&format!("caseload-{code}.csv"), csv))
}

struct ReadRow {
    at: String,
    username: String,
    route: String,
}

#[derive(Template)]
#[template(path = "reads.html")]
struct ReadsPage {
    nav: Option<Nav>,
    crn: String,
    reads: Vec<ReadRow>,
}

/// Who has looked at this record.
async fn case_reads(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let crn = param(crn, "crn")?;
    let crn = kit::parse_crn(&crn)?;
    let reads =
        services::cases::case_reads(&app.stores, who.actor(), app.clock.now(), &crn, "/cases/{crn}/reads").await?;
    let reads =
        reads.into_iter().rev().map(|r| ReadRow { at: instant(r.at), username: r.username, route: r.route }).collect();
    html(ReadsPage { nav: Nav::of(&who), crn: crn.to_string(), reads })
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    q: Option<String>,
}

struct SearchRow {
    crn: String,
    name: String,
    date_of_birth: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    nav: Option<Nav>,
    q: String,
    searched: bool,
    rows: Vec<SearchRow>,
}

/// Find a person by CRN or family name, among the people this user may see.
async fn search(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let Query(query) = query.map_err(|e| PageError(WebError::bad_request("q", e.body_text())))?;
    let q = query.q.unwrap_or_default();
    let found = services::cases::search(&app.stores, who.actor(), app.clock.now(), &q).await?;
    let rows = found
        .into_iter()
        .map(|c| SearchRow {
            crn: c.crn.to_string(),
            name: format!("{} {}", c.first_name, c.family_name),
            date_of_birth: day(c.date_of_birth),
        })
        .collect();
    html(SearchPage { nav: Nav::of(&who), searched: !q.trim().is_empty(), q, rows })
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    nav: Option<Nav>,
    username: String,
    next: String,
    token: String,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// The sign-in form. It carries a one-off token that must match its cookie, so another site
/// cannot sign a browser in under someone else's name.
async fn sign_in_page(
    headers: HeaderMap,
    query: Result<Query<NextQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    match auth::safe_next(query.as_ref().ok().and_then(|q| q.next.as_deref())) {
        Ok(next) => sign_in_form(&headers, StatusCode::OK, String::new(), next, None),
        Err(refused) => {
            sign_in_form(&headers, StatusCode::BAD_REQUEST, String::new(), "/".into(), Some(refused.message()))
        }
    }
}

fn sign_in_form(
    headers: &HeaderMap,
    status: StatusCode,
    username: String,
    next: String,
    error: Option<String>,
) -> Result<Response, PageError> {
    let token = auth::new_token();
    let cookie = auth::set_cookie(headers, SIGN_IN_COOKIE, &token, None);
    let page = html(SignInPage { nav: None, username, next, token, error })?;
    Ok((status, [(header::SET_COOKIE, cookie)], page).into_response())
}

async fn sign_in(
    State(app): State<AppState>,
    peer: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let field = |name: &str| kit::form_field(&body, name).unwrap_or_default();
    let (username, password, next) = (field("username").trim().to_owned(), field("password"), field("next"));
    let next = match auth::safe_next(Some(&next)) {
        Ok(next) => next,
        Err(refused) => {
            return sign_in_form(&headers, StatusCode::BAD_REQUEST, username, "/".into(), Some(refused.message()));
        }
    };
    let expected = auth::cookie(&headers, SIGN_IN_COOKIE);
    if expected.is_none() || expected.as_deref() != Some(field(auth::CSRF_FIELD).as_str()) {
        let why = "The sign-in form had expired. Enter your details again.".to_owned();
        return sign_in_form(&headers, StatusCode::FORBIDDEN, username, next, Some(why));
    }
    if username.is_empty() || password.is_empty() {
        let why = "Enter your username and password.".to_owned();
        return sign_in_form(&headers, StatusCode::BAD_REQUEST, username, next, Some(why));
    }
    let previous = auth::cookie(&headers, auth::SESSION_COOKIE);
    let from = peer.map(|Extension(ConnectInfo(addr))| addr.ip());
    match auth::sign_in(&app, from, &username, &password, previous.as_deref()).await? {
        Ok(id) => {
            let session = auth::set_cookie(&headers, auth::SESSION_COOKIE, &id, None);
            let spent = auth::set_cookie(&headers, SIGN_IN_COOKIE, "", Some(0));
            let mut response = Redirect::to(&next).into_response();
            let h = response.headers_mut();
            for c in [session, spent] {
                if let Ok(v) = c.parse() {
                    h.append(header::SET_COOKIE, v);
                }
            }
            Ok(response)
        }
        Err(SignInRefused::Wrong) => {
            let why = "The username or password is not right.".to_owned();
            sign_in_form(&headers, StatusCode::UNAUTHORIZED, username, next, Some(why))
        }
        Err(SignInRefused::Locked { until }) => {
            let why = format!(
                "There have been too many attempts to sign in as this user. Try again after {}.",
                instant(until)
            );
            sign_in_form(&headers, StatusCode::TOO_MANY_REQUESTS, username, next, Some(why))
        }
        Err(SignInRefused::Throttled) => {
            let why = "There have been too many attempts to sign in from your network. Wait a minute and try again."
                .to_owned();
            sign_in_form(&headers, StatusCode::TOO_MANY_REQUESTS, username, next, Some(why))
        }
    }
}

/// Ends the session here and in the store, so the cookie is worthless even if kept.
async fn sign_out(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    app.stores.access.end_session(&who.session_key).await.map_err(WebError::from)?;
    let gone = auth::set_cookie(&headers, auth::SESSION_COOKIE, "", Some(0));
    Ok(([(header::SET_COOKIE, gone)], Redirect::to(SIGN_IN)).into_response())
}

/// The page for a route that does not exist.
pub(crate) async fn not_found() -> PageError {
    PageError(WebError::NotFound("If you typed the web address, check it is correct.".into()))
}
