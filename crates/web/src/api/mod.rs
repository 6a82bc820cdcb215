//! The JSON API under `/api`. Handlers only unwrap the request and wrap the answer; the work
//! is in `services` (`services::cases`). The router is built from one table, [`api_routes`] lists it, and
//! a test checks every entry against the OpenAPI document, so a route cannot ship
//! undocumented.

mod body;
mod openapi;

use crate::AppState;
use crate::error::{ErrorResponse, WebError};
use crate::kit::SignedIn;
use crate::kit::{self, Route, build, route};
use crate::view::{CaseRecord, Caseload, RecordEvents, Recorded, Worklist};
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use axum::{Json, Router};
use serde::Deserialize;
use std::sync::OnceLock;

pub const CASELOAD: &str = "/api/officers/{code}/caseload";
pub const WORKLIST: &str = "/api/officers/{code}/worklist";
pub const CASE: &str = "/api/cases/{crn}";
pub const CASE_EVENTS: &str = "/api/cases/{crn}/events";
pub const OPENAPI: &str = "/api/openapi.json";

/// The one list of API routes: the router is built from it and the tests read it.
fn table() -> Vec<Route> {
    vec![
        route(Method::GET, CASELOAD, officer_caseload),
        route(Method::GET, WORKLIST, officer_worklist),
        route(Method::GET, CASE, case_record),
        route(Method::POST, CASE_EVENTS, record_events),
        route(Method::GET, OPENAPI, openapi_document),
    ]
}

/// Every API route as (method, path template), in the OpenAPI document's path syntax.
pub fn api_routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

pub(crate) fn router() -> Router<AppState> {
    build(table())
}

/// A path parameter, or a 400 naming it.
fn param(p: Result<Path<String>, PathRejection>, field: &str) -> Result<String, WebError> {
    p.map(|Path(v)| v).map_err(|e| WebError::bad_request(field, format!("{field}: {}", e.body_text())))
}

#[derive(Debug, Deserialize)]
pub struct TimelineQuery {
    /// Only events of this type.
    #[serde(rename = "type")]
    pub event_type: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct WorklistQuery {
    /// The date to work the worklist out for (`YYYY-MM-DD`); today when absent.
    pub on: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/officers/{code}/caseload",
    tag = "caseloads",
    summary = "An officer's active caseload",
    description = "Each active case with its supervision phase today, RoSH, next appointment, the date \
                   contact is due by, and whether contact is overdue.",
    params(("code" = String, Path, description = "The responsible officer's staff code", example = "N07P001")),
    responses(
        (status = 200, description = "The caseload (empty when the officer holds no active cases)", body = Caseload),
        (status = 400, description = "`code` is not a staff code", body = ErrorResponse),
        (status = 401, description = "Not signed in", body = ErrorResponse),
        (status = 403, description = "Signed in, but this user may not see or change this", body = ErrorResponse),
        (status = 500, description = "Something went wrong on our side", body = ErrorResponse)
    )
)]
pub async fn officer_caseload(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    code: Result<Path<String>, PathRejection>,
) -> Result<Json<Caseload>, WebError> {
    let officer = kit::parse_officer(&param(code, "code")?)?;
    let c = services::cases::caseload(&app.stores, who.actor(), app.clock.now(), &officer).await?;
    Ok(Json(Caseload::new(c.officer, c.officer_name, &c.cases, c.on)))
}

#[utoipa::path(
    get,
    path = "/api/officers/{code}/worklist",
    tag = "caseloads",
    summary = "An officer's worklist",
    description = "Everything due or overdue across the officer's active cases (first appointments, contact, \
                   missing outcomes, evidence awaited, warning and breach decisions, breach packs, sentence plans, \
                   plan gaps, and cases with no contact planned), ordered by risk then lateness, each with the \
                   action that clears it and the policy rule that set its deadline.",
    params(
        ("code" = String, Path, description = "The responsible officer's staff code", example = "N07P001"),
        ("on" = Option<String>, Query, format = Date, example = "2026-04-13",
            description = "The worklist as at this date (`YYYY-MM-DD`): what is due and overdue on that day, \
                           from everything recorded so far. Default: today by the server's clock.")
    ),
    responses(
        (status = 200, description = "The worklist (empty when nothing is due)", body = Worklist),
        (status = 400, description = "`code` is not a staff code, or `on` is not a `YYYY-MM-DD` date", body = ErrorResponse),
        (status = 401, description = "Not signed in", body = ErrorResponse),
        (status = 403, description = "Signed in, but this user may not see or change this", body = ErrorResponse),
        (status = 500, description = "Something went wrong on our side", body = ErrorResponse)
    )
)]
pub async fn officer_worklist(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    code: Result<Path<String>, PathRejection>,
    query: Result<Query<WorklistQuery>, QueryRejection>,
) -> Result<Json<Worklist>, WebError> {
    let code = param(code, "code")?;
    let Query(query) = query.map_err(|e| WebError::bad_request("on", e.body_text()))?;
    let officer = kit::parse_officer(&code)?;
    let on = kit::parse_on(query.on.as_deref())?;
    let (caseload, items) = services::cases::worklist(&app.stores, who.actor(), app.clock.now(), &officer, on).await?;
    Ok(Json(Worklist::new(caseload.officer, &items, caseload.on)))
}

#[utoipa::path(
    get,
    path = "/api/cases/{crn}",
    tag = "cases",
    summary = "A case and its timeline",
    description = "The case as it stands, and every event on it in order, with when it happened, when it \
                   was recorded, who recorded it, and whether it was recorded more than two business days late.",
    params(
        ("crn" = String, Path, description = "Case reference number", example = "X123456"),
        ("type" = Option<String>, Query, description = "Only events of this type (e.g. `appointment_booked`)")
    ),
    responses(
        (status = 200, description = "The case record", body = CaseRecord),
        (status = 400, description = "`crn` is not a CRN, or `type` is not an event type", body = ErrorResponse),
        (status = 404, description = "No case has this CRN", body = ErrorResponse),
        (status = 401, description = "Not signed in", body = ErrorResponse),
        (status = 403, description = "Signed in, but this user may not see or change this", body = ErrorResponse),
        (status = 500, description = "Something went wrong on our side", body = ErrorResponse)
    )
)]
pub async fn case_record(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
    query: Result<Query<TimelineQuery>, QueryRejection>,
) -> Result<Json<CaseRecord>, WebError> {
    let crn = param(crn, "crn")?;
    let Query(query) = query.map_err(|e| WebError::bad_request("type", e.body_text()))?;
    let crn = kit::parse_crn(&crn)?;
    let event_type = kit::parse_event_type(query.event_type.as_deref())?;
    let now = app.clock.now();
    let record = services::cases::case_record(&app.stores, who.actor(), now, &crn, CASE).await?;
    Ok(Json(CaseRecord::new(&record.summary, &record.events, event_type, domain::case::uk_date(now))))
}

#[utoipa::path(
    post,
    path = "/api/cases/{crn}/events",
    tag = "cases",
    summary = "Record events on a case",
    description = "Appends the events to the case if it is still at `expected_version` (0 opens a new case). \
                   All of them are recorded or none.",
    params(("crn" = String, Path, description = "Case reference number", example = "X123456")),
    request_body(content = RecordEvents, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded; the body has the case's new version", body = Recorded,
            headers(("location" = String, description = "The case's URL"))),
        (status = 400, description = "The body or `crn` is malformed; `field` names the part at fault", body = ErrorResponse),
        (status = 409, description = "The case has changed since `expected_version`: reload it and try again", body = ErrorResponse),
        (status = 415, description = "The body is not `application/json`", body = ErrorResponse),
        (status = 422, description = "The case's state does not allow an event; `field` names the event and field", body = ErrorResponse),
        (status = 401, description = "Not signed in", body = ErrorResponse),
        (status = 403, description = "Signed in, but this user may not see or change this", body = ErrorResponse),
        (status = 500, description = "Something went wrong on our side", body = ErrorResponse)
    )
)]
pub async fn record_events(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    crn: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let crn = param(crn, "crn")?;
    let crn = kit::parse_crn(&crn)?;
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(WebError::UnsupportedMediaType("Send the events as `application/json`.".into()));
    }
    // Refused before the body is read: a user who may not record learns nothing from it.
    services::cases::may_record_on(&app.stores, who.actor(), app.clock.now(), &crn).await?;
    // Who recorded the events, and their follow-on, is the signed-in user, never the body's word.
    let RecordEvents { expected_version, events } = body::record_events(&body, &who.user.recorder())?;
    let version =
        services::cases::record_events(&app.stores, who.actor(), app.clock.now(), &crn, expected_version, &events)
            .await?;
    let recorded = Recorded { crn, version };
    let location = format!("/api/cases/{}", recorded.crn);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(recorded)).into_response())
}

#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    summary = "This OpenAPI document",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"),
        (status = 401, description = "Not signed in", body = ErrorResponse)
    )
)]
pub async fn openapi_document() -> Json<&'static serde_json::Value> {
    static DOC: OnceLock<serde_json::Value> = OnceLock::new();
    Json(DOC.get_or_init(|| serde_json::to_value(openapi::document()).expect("the document serialises")))
}
