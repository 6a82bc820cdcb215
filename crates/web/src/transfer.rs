//! Transferring a case to another team (issue 17: "reallocation and transfer"): the sending
//! SPO asks another team to take the case, either SPO may end a waiting transfer, and the
//! receiving SPO allocates it from their queue (`crate::team`). The rules and who may are
//! `services::case_transfer`'s; handlers here parse the form and render. A bad form is shown
//! again with a GOV.UK error summary naming each field and what was typed kept; a case
//! changed meanwhile is refused with what changed (409).

use crate::AppState;
use crate::error::WebError;
use crate::kit::{self, Nav, PageError, Route, SignedIn, build, day, html, route};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use services::FieldProblem;
use services::case_transfer::{self, Side, TransferForm, TransferOutcome, TransferScreen};

pub const TRANSFER: &str = "/teams/{code}/transfer/{crn}";
pub const WITHDRAW: &str = "/teams/{code}/transfer/{crn}/withdraw";

fn table() -> Vec<Route> {
    vec![
        route(Method::GET, TRANSFER, transfer_page),
        route(Method::POST, TRANSFER, request),
        route(Method::POST, WITHDRAW, withdraw),
    ]
}

pub(crate) fn router() -> Router<AppState> {
    build(table())
}

pub fn transfer_routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

struct Row {
    key: &'static str,
    value: String,
}

/// A team the case could go to, as the select offers it, grouped by borough.
struct TeamChoice {
    code: String,
    label: String,
    selected: bool,
}

struct Group {
    label: String,
    teams: Vec<TeamChoice>,
}

#[derive(Template)]
#[template(path = "transfer.html")]
struct TransferPage {
    nav: Option<Nav>,
    code: String,
    team: String,
    crn: String,
    name: String,
    rows: Vec<Row>,
    /// The receiving team's page (it declines), not the sending one's (it withdraws).
    receiving: bool,
    pending: bool,
    may_act: bool,
    groups: Vec<Group>,
    reason: String,
    version: u64,
    /// What was just done, for the confirmation banner.
    done: Option<&'static str>,
    changes: Vec<String>,
    errors: Vec<FieldProblem>,
}

impl TransferPage {
    fn error(&self, field: &str) -> Option<&str> {
        kit::error_for(&self.errors, field)
    }
}

fn render(
    screen: &TransferScreen,
    who: &SignedIn,
    form: &TransferForm,
    done: Option<&'static str>,
    changes: Vec<String>,
    errors: Vec<FieldProblem>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let s = &screen.summary;
    let officer = s.officer.as_ref().map_or_else(String::new, |o| match &screen.officer_name {
        Some(n) => format!("{n} ({o})"),
        None => o.to_string(),
    });
    let mut rows = vec![
        Row { key: "CRN", value: s.crn.to_string() },
        Row { key: "Responsible officer", value: officer },
        Row { key: "Team", value: s.team.as_ref().map(ToString::to_string).unwrap_or_default() },
    ];
    if let Some(p) = &screen.pending {
        let to = screen.pending_to_name.as_ref().map_or_else(|| p.to.to_string(), |n| format!("{n} ({})", p.to));
        rows.push(Row { key: "Transfer waiting", value: format!("To {to}, asked for on {}", day(p.requested_on)) });
        rows.push(Row { key: "Why", value: p.reason.to_string() });
    }
    let mut groups: Vec<Group> = Vec::new();
    for d in &screen.destinations {
        let label = format!("{}, {}", d.borough, d.area);
        let option = TeamChoice {
            label: format!("{} ({}, {})", d.team.name, d.team.code, d.office),
            selected: form.to.trim() == d.team.code.as_str(),
            code: d.team.code.to_string(),
        };
        match groups.last_mut() {
            Some(g) if g.label == label => g.teams.push(option),
            _ => groups.push(Group { label, teams: vec![option] }),
        }
    }
    let page = TransferPage {
        nav: Nav::of(who),
        code: screen.team.code.to_string(),
        team: screen.team.name.to_string(),
        crn: s.crn.to_string(),
        name: format!("{} {}", s.first_name, s.family_name),
        rows,
        receiving: screen.side == Side::Receiving,
        pending: screen.pending.is_some(),
        may_act: screen.may_act,
        groups,
        reason: form.reason.clone(),
        version: screen.state.version,
        done,
        changes,
        errors,
    };
    Ok((status, html(page)?).into_response())
}

#[derive(Debug, Default, Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

fn done_text(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "requested" => Some("Transfer asked for: the case is on the receiving team's queue"),
        "withdrawn" => Some("Transfer withdrawn: the case stays with the team"),
        _ => None,
    }
}

fn parse(code: &str, crn: &str) -> Result<(domain::ids::Code, domain::ids::Crn), PageError> {
    Ok((kit::parse_code("code", code)?, kit::parse_crn(crn)?))
}

async fn transfer_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path((code, crn)): Path<(String, String)>,
    query: Result<Query<DoneQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let (code, crn) = parse(&code, &crn)?;
    let Query(q) = query.map_err(|e| PageError(WebError::bad_request("query", format!("query: {}", e.body_text()))))?;
    let screen =
        case_transfer::transfer_screen(&app.stores, who.actor(), app.clock.now(), &code, &crn, TRANSFER).await?;
    let done = done_text(q.done.as_deref());
    render(&screen, &who, &TransferForm::default(), done, Vec::new(), Vec::new(), StatusCode::OK)
}

fn form_of(body: &[u8]) -> TransferForm {
    let field = |name: &str| kit::form_field(body, name).unwrap_or_default();
    TransferForm { to: field("to").trim().to_owned(), reason: field("reason"), version: field("version") }
}

/// The page again after a refusal: the case as it stands now, with the form as typed.
async fn refused(
    app: &AppState,
    who: &SignedIn,
    (code, crn): (&domain::ids::Code, &domain::ids::Crn),
    form: &TransferForm,
    outcome: TransferOutcome,
) -> Result<Response, PageError> {
    let (changes, errors, status) = match outcome {
        TransferOutcome::Refused(problems) => (Vec::new(), problems, StatusCode::BAD_REQUEST),
        TransferOutcome::Changed(changes) => {
            let why = "This case changed while you were working on it: check what changed below and submit again";
            (changes, vec![FieldProblem::new("changed", why)], StatusCode::CONFLICT)
        }
        TransferOutcome::Done => (Vec::new(), Vec::new(), StatusCode::OK),
    };
    let screen = case_transfer::transfer_screen(&app.stores, who.actor(), app.clock.now(), code, crn, TRANSFER).await?;
    render(&screen, who, form, None, changes, errors, status)
}

fn back_to_transfer(code: &domain::ids::Code, crn: &domain::ids::Crn, done: &str) -> Response {
    let path = TRANSFER.replace("{code}", &kit::percent_encode(code.as_str())).replace("{crn}", crn.as_str());
    Redirect::to(&format!("{path}?done={done}")).into_response()
}

/// Asks the chosen team to take the case, then the page again saying so.
async fn request(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path((code, crn)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = form_of(&body);
    let (code, crn) = parse(&code, &crn)?;
    let now = app.clock.now();
    match case_transfer::request_transfer(&app.stores, who.actor(), now, &code, &crn, &form, TRANSFER).await? {
        TransferOutcome::Done => Ok(back_to_transfer(&code, &crn, "requested")),
        outcome => refused(&app, &who, (&code, &crn), &form, outcome).await,
    }
}

/// Withdraws (sending team) or declines (receiving team) the waiting transfer: the sending
/// team's page again, or the receiving team's queue, which the case has left.
async fn withdraw(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path((code, crn)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = form_of(&body);
    let (code, crn) = parse(&code, &crn)?;
    let now = app.clock.now();
    match case_transfer::withdraw_transfer(&app.stores, who.actor(), now, &code, &crn, &form, WITHDRAW).await? {
        (Side::Receiving, TransferOutcome::Done) => {
            Ok(Redirect::to(&format!("/teams/{}", kit::percent_encode(code.as_str()))).into_response())
        }
        (Side::Sending, TransferOutcome::Done) => Ok(back_to_transfer(&code, &crn, "withdrawn")),
        (_, outcome) => refused(&app, &who, (&code, &crn), &form, outcome).await,
    }
}
