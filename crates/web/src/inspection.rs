//! The inspector's workspace (issue 7): an inspection's sampled cases, each case's questions
//! with the prefill suggested from the record and its evidence, one page per answer, and the
//! findings as the answers come in. Only roles that assess cases reach it, and only for the
//! sampled cases they may read (`services::access`, via `services::workspace`); the inspector's
//! answer always wins over the suggestion, and every answer is kept with who and when.

use crate::AppState;
use crate::error::WebError;
use crate::kit;
use crate::kit::SignedIn;
use crate::kit::{Nav, PageError, html, instant};
use crate::kit::{Route, build, route};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Extension, Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::ids::Code;
use services::ServiceError;
use services::inspection::QuestionView;
use services::workspace;

fn table() -> Vec<Route> {
    vec![
        route(Method::GET, "/inspections", inspections),
        route(Method::GET, "/inspections/{id}", inspection),
        route(Method::GET, "/inspections/{id}/findings", findings),
        route(Method::GET, "/inspections/{id}/cases/{crn}", case),
        route(Method::GET, "/inspections/{id}/cases/{crn}/questions/{question}", question),
        route(Method::POST, "/inspections/{id}/cases/{crn}/questions/{question}", answer),
    ]
}

pub(crate) fn router() -> Router<AppState> {
    build(table())
}

pub fn inspection_routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

fn path_error(e: PathRejection) -> PageError {
    PageError(WebError::bad_request("path", format!("path: {}", e.body_text())))
}

/// The inspection a path names.
fn inspection_param(p: Result<Path<String>, PathRejection>) -> Result<Code, PageError> {
    let Path(id) = p.map_err(path_error)?;
    Ok(kit::parse_code("inspection", &id)?)
}

struct InspectionRow {
    id: String,
    announced_on: String,
    fieldwork_on: String,
    scheme: String,
    cases: usize,
}

#[derive(Template)]
#[template(path = "inspections.html")]
struct InspectionsPage {
    nav: Option<Nav>,
    rows: Vec<InspectionRow>,
}

async fn inspections(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
) -> Result<Html<String>, PageError> {
    let rows = workspace::inspections(&app.stores, who.actor(), app.clock.now())
        .await?
        .into_iter()
        .map(|(i, cases)| InspectionRow {
            id: i.id.to_string(),
            announced_on: i.announced_on.to_string(),
            fieldwork_on: i.fieldwork_on.to_string(),
            scheme: i.scheme,
            cases,
        })
        .collect();
    html(InspectionsPage { nav: Nav::of(&who), rows })
}

struct SampleRow {
    crn: String,
    name: String,
    officer: String,
    rosh: String,
    answered: usize,
    after_announcement: usize,
    backdated: usize,
}

#[derive(Template)]
#[template(path = "inspection.html")]
struct InspectionPage {
    nav: Option<Nav>,
    id: String,
    rows: Vec<SampleRow>,
    questions: usize,
}

async fn inspection(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let id = inspection_param(id)?;
    let cases = workspace::inspection_cases(&app.stores, who.actor(), app.clock.now(), &id).await?;
    let rows = cases
        .into_iter()
        .map(|c| SampleRow {
            crn: c.crn,
            name: c.name.unwrap_or_default(),
            officer: c.officer.unwrap_or_default(),
            rosh: c.rosh.map(|r| r.label().to_owned()).unwrap_or_else(|| "Not assessed".into()),
            answered: c.answered,
            after_announcement: c.records_after_announcement,
            backdated: c.backdated,
        })
        .collect();
    html(InspectionPage {
        nav: Nav::of(&who),
        id: id.to_string(),
        rows,
        questions: inspect::instrument::questions().len(),
    })
}

/// A question as the case page lists it.
struct QuestionRow {
    id: String,
    domain: &'static str,
    text: String,
    suggestion: Option<(String, String)>,
    answer: Option<String>,
}

impl QuestionRow {
    fn of(q: &QuestionView) -> Self {
        QuestionRow {
            id: q.id.clone(),
            domain: q.domain,
            text: q.text.clone(),
            suggestion: q.suggestion.as_ref().map(|s| (answer_label(s.answer.id()).to_owned(), s.evidence.clone())),
            answer: q.answer.as_ref().map(|a| answer_label(&a.answer).to_owned()),
        }
    }
}

fn answer_label(id: &str) -> &'static str {
    match id {
        "yes" => "Yes",
        "no" => "No",
        _ => "Not applicable",
    }
}

struct LookBehindRow {
    what: String,
    happened_on: String,
    recorded_on: String,
    recorded_by: String,
    flags: String,
}

#[derive(Template)]
#[template(path = "inspection_case.html")]
struct CasePage {
    nav: Option<Nav>,
    id: String,
    crn: String,
    announced_on: String,
    questions: Vec<QuestionRow>,
    look_behind: Vec<LookBehindRow>,
}

async fn case(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let Path((id, crn)) = p.map_err(path_error)?;
    let (id, crn) = (kit::parse_code("inspection", &id)?, kit::parse_crn(&crn)?);
    let w = workspace::inspection_case(
        &app.stores,
        who.actor(),
        app.clock.now(),
        &id,
        &crn,
        "/inspections/{id}/cases/{crn}",
    )
    .await?;
    let look_behind = w
        .look_behind
        .records
        .iter()
        .map(|r| LookBehindRow {
            what: r.summary.clone(),
            happened_on: r.happened_on.to_string(),
            recorded_on: r.recorded_on.to_string(),
            recorded_by: r.recorded_by.clone(),
            flags: match (r.after_announcement, r.recorded_after_business_days) {
                (true, d) if d > 0 => format!("after the announcement; {d} business days late"),
                (true, _) => "after the announcement".to_owned(),
                (false, d) => format!("{d} business days late"),
            },
        })
        .collect();
    html(CasePage {
        nav: Nav::of(&who),
        id: w.inspection,
        crn: w.crn,
        announced_on: w.announced_on.to_string(),
        questions: w.questions.iter().map(QuestionRow::of).collect(),
        look_behind,
    })
}

struct HistoryRow {
    answer: &'static str,
    note: String,
    by: String,
    at: String,
}

#[derive(Template)]
#[template(path = "inspection_question.html")]
struct QuestionPage {
    nav: Option<Nav>,
    id: String,
    crn: String,
    question: String,
    text: String,
    suggestion: Option<(String, String)>,
    /// The answer to show selected: what was typed on a failed submit, else the last answer.
    chosen: String,
    note: String,
    history: Vec<HistoryRow>,
    error: Option<String>,
}

async fn question_page(
    app: &AppState,
    who: &SignedIn,
    (id, crn, question): (String, String, String),
    typed: Option<(String, String, String)>,
) -> Result<QuestionPage, PageError> {
    let (id, crn) = (kit::parse_code("inspection", &id)?, kit::parse_crn(&crn)?);
    let route = "/inspections/{id}/cases/{crn}/questions/{question}";
    let w = workspace::inspection_case(&app.stores, who.actor(), app.clock.now(), &id, &crn, route).await?;
    let q = w.questions.iter().find(|q| q.id == question).ok_or_else(|| {
        PageError(WebError::NotFound(format!("{question} is not a question of the case assessment instrument.")))
    })?;
    let history = q
        .history
        .iter()
        .rev()
        .map(|a| HistoryRow {
            answer: answer_label(&a.answer),
            note: a.note.clone().unwrap_or_default(),
            by: a.answered_by.to_string(),
            at: instant(a.answered_at),
        })
        .collect();
    let (chosen, note, error) = match typed {
        Some((answer, note, error)) => (answer, note, Some(error)),
        None => (
            q.answer.as_ref().map(|a| a.answer.clone()).unwrap_or_default(),
            q.answer.as_ref().and_then(|a| a.note.clone()).unwrap_or_default(),
            None,
        ),
    };
    Ok(QuestionPage {
        nav: Nav::of(who),
        id: id.to_string(),
        crn: crn.to_string(),
        question: q.id.clone(),
        text: q.text.clone(),
        suggestion: QuestionRow::of(q).suggestion,
        chosen,
        note,
        history,
        error,
    })
}

async fn question(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    p: Result<Path<(String, String, String)>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let Path(p) = p.map_err(path_error)?;
    html(question_page(&app, &who, p, None).await?)
}

/// Records the answer and returns to the case; a bad answer shows the form again with the
/// error named and the note kept, and nothing is written.
async fn answer(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    p: Result<Path<(String, String, String)>, PathRejection>,
    body: Bytes,
) -> Result<Response, PageError> {
    let Path((id, crn, question)) = p.map_err(path_error)?;
    let chosen = kit::form_field(&body, "answer").unwrap_or_default();
    let note = kit::form_field(&body, "note").unwrap_or_default();
    let (code, crn_code) = (kit::parse_code("inspection", &id)?, kit::parse_crn(&crn)?);
    let result = if chosen.is_empty() {
        Err(ServiceError::field("answer", "answer: choose yes, no or not applicable"))
    } else {
        let now = app.clock.now();
        workspace::answer_question(&app.stores, who.actor(), now, &code, &crn_code, &question, &chosen, Some(&note))
            .await
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/inspections/{id}/cases/{crn}#{question}")).into_response()),
        Err(ServiceError::Invalid(problems)) => {
            let message = problems.into_iter().map(|p| p.message).next().unwrap_or_default();
            let page = question_page(&app, &who, (id, crn, question), Some((chosen, note, message))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html(page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

struct FindingRow {
    id: String,
    text: String,
    yes: u64,
    no: u64,
    na: u64,
    percent: String,
    interval: String,
}

#[derive(Template)]
#[template(path = "inspection_findings.html")]
struct FindingsPage {
    nav: Option<Nav>,
    id: String,
    cases: usize,
    rows: Vec<FindingRow>,
}

async fn findings(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let id = inspection_param(id)?;
    let report = workspace::findings(&app.stores, who.actor(), app.clock.now(), &id).await?;
    let texts: std::collections::BTreeMap<String, String> =
        inspect::instrument::questions().into_iter().map(|q| (q.id, q.text)).collect();
    let rows = report
        .questions
        .iter()
        .filter(|q| q.yes + q.no + q.na > 0)
        .map(|q| FindingRow {
            id: q.id.clone(),
            text: texts.get(&q.id).cloned().unwrap_or_default(),
            yes: q.yes,
            no: q.no,
            na: q.na,
            percent: q.percent.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "no relevant cases".into()),
            interval: match (q.ci_low, q.ci_high) {
                (Some(l), Some(h)) => format!("{l:.1}% to {h:.1}%"),
                _ => String::new(),
            },
        })
        .collect();
    html(FindingsPage { nav: Nav::of(&who), id: id.to_string(), cases: report.cases, rows })
}
