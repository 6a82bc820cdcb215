//! Pages for unpaid work (UPW) staff (issue 5, "also a page for UPW staff"): the week's
//! sessions and the button that schedules the week, a session's register with the
//! supervisor's record of the day and the supervisor's absence, and a person's progress and
//! placement notices. Who may do what is `services::access::upw_access` and
//! `may_see_upw_progress`; the rules are `services::upw` and the `upw` crate. A bad form is
//! shown again naming each field, keeping what was typed, and nothing is saved from it.

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::kit::{self, ABSENCE_REASONS, Nav, OUTCOMES, PageError, day, hours, html};
use crate::kit::{Route, build, route};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::case::CaseState;
use domain::contact::ContactKind;
use domain::ids::{Code, Crn, LocalId};
use domain::org::Organisation;
use jiff::civil::{Date, Time};
use serde::Deserialize;
use services::FieldProblem;
use services::access::{self, CaseAccess, Place, UpwAccess};
use services::stores::prelude::*;
use services::upw::UpwError;
use store::auth::CaseRead;
use store::upw::StoredSession;
use upw::policy::AbsenceNotice;
use upw::project::Project;

pub const WEEK: &str = "/upw";
pub const SCHEDULE: &str = "/upw/schedule";

fn table() -> Vec<Route> {
    vec![
        route(Method::GET, WEEK, week_page),
        route(Method::POST, SCHEDULE, schedule),
        route(Method::GET, "/upw/sessions/{id}", session_page),
        route(Method::POST, "/upw/sessions/{id}/attendance", attendance),
        route(Method::POST, "/upw/sessions/{id}/absent", absent),
        route(Method::POST, "/upw/sessions/{id}/allocate", allocate),
        route(Method::GET, "/upw/cases/{crn}", progress_page),
        route(Method::GET, "/upw/cases/{crn}/notices/{appointment}", notice),
    ]
}

pub(crate) fn router() -> Router<AppState> {
    build(table())
}

pub fn upw_routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

fn forbidden() -> PageError {
    PageError(WebError::Forbidden(services::error::NO_ACCESS.to_owned()))
}

fn store_error(e: store::StoreError) -> PageError {
    PageError(e.into())
}

/// A service refusal becomes the error of the form's field it concerns (`at`: the page knows
/// which of its fields a refusal of, say, the session is fixed at); the store's failures are
/// the service's.
fn upw_error(e: UpwError, at: &'static str) -> Result<FieldProblem, PageError> {
    match e {
        UpwError::Invalid { message, .. } => Ok(FieldProblem::new(at, message)),
        UpwError::Store(e) => Err(store_error(e)),
    }
}

/// The role's reach over UPW sessions anywhere, or 403: the pages are for UPW staff.
fn upw_staff(who: &SignedIn) -> Result<UpwAccess, PageError> {
    match access::upw_role_access(&who.user) {
        UpwAccess::None => Err(forbidden()),
        a => Ok(a),
    }
}

/// Who recorded it (`User::recorder`).
fn recorded_by(who: &SignedIn) -> Code {
    who.user.recorder()
}

fn field(body: &[u8], name: &str) -> String {
    kit::form_field(body, name).unwrap_or_default().trim().to_owned()
}

fn week_of(d: Date) -> Date {
    d.checked_sub(jiff::Span::new().days(i64::from(d.weekday().to_monday_zero_offset()))).expect("in range")
}

fn iso_week(monday: Date) -> String {
    let w = monday.iso_week_date();
    format!("{:04}-W{:02}", w.year(), w.week())
}

fn hhmm(t: Time) -> String {
    t.strftime("%H:%M").to_string()
}

// ---------------------------------------------------------------------------------------
// The week

#[derive(Debug, Deserialize)]
struct WeekQuery {
    week: Option<String>,
}

struct SessionRow {
    id: String,
    day: String,
    time: String,
    project: String,
    borough: String,
    supervisor: String,
    taken: u32,
    capacity: u32,
    runs: bool,
}

struct Unplaced {
    crn: String,
    why: &'static str,
}

struct Scheduled {
    objective: String,
    people: usize,
    placements: usize,
    kept: usize,
    booked: usize,
    carried: usize,
    moved_off: usize,
    unmet_sessions: u32,
    unplaced: Vec<Unplaced>,
}

impl Scheduled {
    fn of(r: &services::upw::ScheduleReport) -> Scheduled {
        Scheduled {
            objective: format!("{:.2}", r.objective),
            people: r.people,
            placements: r.placements,
            kept: r.kept,
            booked: r.booked,
            carried: r.carried,
            moved_off: r.moved_off,
            unmet_sessions: r.unmet_sessions,
            unplaced: r.unplaced.iter().map(|u| Unplaced { crn: u.crn.clone(), why: u.explanation }).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "upw_week.html")]
struct WeekPage {
    nav: Option<Nav>,
    week: String,
    starts: String,
    rows: Vec<SessionRow>,
    runs: bool,
    errors: Vec<FieldProblem>,
    report: Option<Scheduled>,
}

/// The week's sessions this user may see: the projects' days for the week (so a session not
/// yet scheduled shows too), with the places taken from the allocations.
async fn week_rows(app: &AppState, who: &SignedIn, monday: Date) -> Result<Vec<SessionRow>, PageError> {
    let sunday = monday.checked_add(jiff::Span::new().days(6)).expect("in range");
    let org = app.stores.cases.organisation().await.map_err(store_error)?;
    let projects = app.stores.upw.projects().await.map_err(store_error)?;
    let supervisors = app.stores.upw.supervisors().await.map_err(store_error)?;
    let absences = app.stores.upw.absences(monday, sunday).await.map_err(store_error)?;
    let allocations = app.stores.upw.allocations(monday, sunday).await.map_err(store_error)?;
    let week = upw::project::sessions_for_week(&projects, &supervisors, &absences, monday);
    let mut rows = Vec::new();
    let running = week.sessions.iter().map(|s| (s, true));
    let not_running = week.without_supervisor.iter().map(|s| (s, false));
    for (s, runs) in running.chain(not_running) {
        let Some(project) = projects.iter().find(|p| p.code == s.project) else { continue };
        if access::upw_access(&who.user, &project.borough, &org) == UpwAccess::None {
            continue;
        }
        let borough = org.boroughs.iter().find(|b| b.code == project.borough);
        rows.push(SessionRow {
            id: s.id.clone(),
            day: s.start.date().strftime("%A %-d %B").to_string(),
            time: format!("{} to {}", hhmm(s.start.time()), hhmm(s.end.time())),
            project: project.name.to_string(),
            borough: borough.map_or_else(|| project.borough.to_string(), |b| b.name.to_string()),
            supervisor: supervisors
                .iter()
                .find(|x| x.code == s.supervisor)
                .map_or_else(|| s.supervisor.to_string(), |x| x.name.to_string()),
            taken: allocations.iter().filter(|a| a.session == s.id).count() as u32,
            capacity: s.capacity,
            runs,
        });
    }
    rows.sort_by(|a, b| (&a.id[a.id.len() - 8..], &a.project).cmp(&(&b.id[b.id.len() - 8..], &b.project)));
    Ok(rows)
}

async fn render_week(
    app: &AppState,
    who: &SignedIn,
    monday: Date,
    typed: Option<String>,
    errors: Vec<FieldProblem>,
    report: Option<Scheduled>,
) -> Result<Response, PageError> {
    let access = upw_staff(who)?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let page = WeekPage {
        nav: Nav::of(who),
        week: typed.unwrap_or_else(|| iso_week(monday)),
        starts: day(monday),
        rows: week_rows(app, who, monday).await?,
        runs: access == UpwAccess::Run,
        errors,
        report,
    };
    Ok((status, html(page)?).into_response())
}

async fn week_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Query(q): Query<WeekQuery>,
) -> Result<Response, PageError> {
    upw_staff(&who)?;
    let today = app.clock.today();
    match q.week.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        None => render_week(&app, &who, week_of(today), None, Vec::new(), None).await,
        Some(w) => match upw::project::parse_iso_week(w) {
            Ok(monday) => render_week(&app, &who, monday, None, Vec::new(), None).await,
            Err(e) => {
                let error = FieldProblem::new("week", e.to_string());
                render_week(&app, &who, week_of(today), Some(w.to_owned()), vec![error], None).await
            }
        },
    }
}

/// Schedules the whole week: the solver places people across every borough at once (a person
/// may travel to a project in another borough), keeping everyone whose place still works.
async fn schedule(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    body: Bytes,
) -> Result<Response, PageError> {
    if upw_staff(&who)? != UpwAccess::Run {
        return Err(forbidden());
    }
    let today = app.clock.today();
    let typed = field(&body, "week");
    let monday = match upw::project::parse_iso_week(&typed) {
        Ok(m) => m,
        Err(e) => {
            let error = FieldProblem::new("week", e.to_string());
            return render_week(&app, &who, week_of(today), Some(typed), vec![error], None).await;
        }
    };
    let by = recorded_by(&who);
    match services::upw::schedule_week(&app.stores, monday, today, &by, app.clock.now()).await {
        Ok(r) => render_week(&app, &who, monday, None, Vec::new(), Some(Scheduled::of(&r))).await,
        Err(e) => {
            let error = upw_error(e, "week")?;
            render_week(&app, &who, monday, Some(typed), vec![error], None).await
        }
    }
}

// ---------------------------------------------------------------------------------------
// A session's register, the supervisor's record and absence

/// The attendance form as typed; the rule that checks it is `services::upw::parse_attendance`,
/// which `probity upw attend` calls too.
pub use services::upw::{Attendance, AttendanceForm, outcome_of, parse_attendance};

fn attendance_form(body: &[u8]) -> AttendanceForm {
    AttendanceForm {
        person: field(body, "person"),
        outcome: field(body, "outcome"),
        reason: field(body, "reason"),
        started: field(body, "started"),
        finished: field(body, "finished"),
        penalty: field(body, "penalty"),
        travel: field(body, "travel"),
        other: field(body, "other"),
    }
}

struct BookedRow {
    crn: String,
    name: String,
    appointment: String,
    recurs: &'static str,
    outcome: String,
    credited: String,
    /// On an ETE session: the person's ETE credit against its cap, and whether it is reached.
    ete: Option<(String, bool)>,
    notice: bool,
}

struct SummaryRow {
    key: &'static str,
    value: String,
}

/// A time or minutes field of the attendance form, with what was typed and its error.
struct TimeInput {
    name: &'static str,
    label: &'static str,
    value: String,
    error: Option<String>,
}

struct PersonChoice {
    crn: String,
    label: String,
    selected: bool,
}

struct Choice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "upw_session.html")]
struct SessionPage {
    nav: Option<Nav>,
    id: String,
    title: String,
    rows: Vec<SummaryRow>,
    booked: Vec<BookedRow>,
    runs: bool,
    errors: Vec<FieldProblem>,
    inputs: Vec<TimeInput>,
    people: Vec<PersonChoice>,
    outcomes: Vec<Choice>,
    reasons: Vec<Choice>,
    on_the_day: bool,
    hint: String,
    /// The session is education, training and employment.
    ete: bool,
    /// The allocation form as typed.
    crn: String,
    recurrences: Vec<Choice>,
}

impl SessionPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

/// A stored session, its project and what this user may do with it; 403 before 404, so a
/// session id tells someone outside UPW nothing.
async fn session_for(
    app: &AppState,
    who: &SignedIn,
    id: &str,
) -> Result<(StoredSession, Project, Organisation, UpwAccess), PageError> {
    upw_staff(who)?;
    let Some(session) = app.stores.upw.session(id).await.map_err(store_error)? else {
        return Err(PageError(WebError::NotFound(format!(
            "There is no scheduled unpaid work session {id}. Schedule its week first."
        ))));
    };
    let project = app
        .stores
        .upw
        .projects()
        .await
        .map_err(store_error)?
        .into_iter()
        .find(|p| p.code == session.session.project)
        .ok_or_else(|| PageError(WebError::internal(format!("session {id}: project missing"))))?;
    let org = app.stores.cases.organisation().await.map_err(store_error)?;
    match access::upw_access(&who.user, &project.borough, &org) {
        UpwAccess::None => Err(forbidden()),
        a => Ok((session, project, org, a)),
    }
}

async fn fold(app: &AppState, crn: &Crn) -> Result<CaseState, PageError> {
    let events = app.stores.cases.stream(crn).await.map_err(store_error)?;
    CaseState::fold(crn.clone(), &events).map_err(|e| PageError(WebError::internal(format!("case {crn}: {e}"))))
}

/// The places taken on a session.
async fn places_on(app: &AppState, s: &StoredSession) -> Result<Vec<store::upw::Allocation>, PageError> {
    let on = s.session.start.date();
    Ok(app
        .stores
        .upw
        .allocations(on, on)
        .await
        .map_err(store_error)?
        .into_iter()
        .filter(|a| a.session == s.session.id)
        .collect())
}

/// The people booked on a session, as (CRN, appointment).
async fn booked_on(app: &AppState, s: &StoredSession) -> Result<Vec<(Crn, LocalId)>, PageError> {
    Ok(places_on(app, s).await?.into_iter().map(|a| (a.crn, a.appointment)).collect())
}

async fn render_session(
    app: &AppState,
    who: &SignedIn,
    id: &str,
    typed: Option<(&[u8], Vec<FieldProblem>)>,
) -> Result<Response, PageError> {
    let (session, project, org, access) = session_for(app, who, id).await?;
    let s = &session.session;
    let supervisor =
        app.stores.upw.supervisors().await.map_err(store_error)?.into_iter().find(|x| x.code == s.supervisor);
    let today = app.clock.today();
    let mut booked = Vec::new();
    for place in places_on(app, &session).await? {
        let (crn, appointment) = (place.crn, place.appointment);
        let state = fold(app, &crn).await?;
        let entries = app.stores.access.limited_access_for(&crn).await.map_err(store_error)?;
        // A person on a limited-access list barred to this user is shown by CRN only.
        let name = match (&state.person, access::barred(&who.user.username, &entries, today)) {
            (Some(p), false) => format!("{} {}", p.first_name, p.family_name),
            _ => "Name withheld".to_owned(),
        };
        let record = state.appointments.iter().find(|a| a.appointment.id == appointment);
        let outcome = record.and_then(|r| r.outcome);
        let credited = match (record, outcome) {
            (Some(r), Some(o)) => hours(
                state
                    .unpaid_work
                    .timesheet(&appointment)
                    .map_or(if o.attended() { u32::from(r.appointment.minutes) } else { 0 }, |t| t.credited_minutes(o)),
            ),
            _ => "Not recorded".to_owned(),
        };
        // On an ETE session, the register says when the person's ETE credit reached its cap.
        let ete = if s.ete {
            let requirement = record.and_then(|r| r.appointment.requirement.clone());
            let progress =
                services::upw::progress(&app.stores, &crn, today, &Default::default()).await.map_err(|e| match e {
                    UpwError::Invalid { message, .. } => PageError(WebError::internal(message)),
                    UpwError::Store(e) => store_error(e),
                })?;
            progress.into_iter().find(|p| Some(&p.requirement) == requirement.as_ref()).map(|p| {
                (format!("{} of {}", hours(p.ete_credited_minutes), hours(p.ete_cap_minutes)), p.ete_cap_reached)
            })
        } else {
            None
        };
        booked.push(BookedRow {
            crn: crn.to_string(),
            name,
            appointment: appointment.to_string(),
            recurs: place.recurrence.label(),
            outcome: outcome.map_or_else(|| "Not recorded".to_owned(), |o| o.label().to_owned()),
            credited,
            ete,
            notice: outcome.is_none(),
        });
    }
    let (body, errors): (&[u8], Vec<FieldProblem>) = typed.unwrap_or((b"", Vec::new()));
    let form = attendance_form(body);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let borough = org
        .boroughs
        .iter()
        .find(|b| b.code == project.borough)
        .map_or_else(|| project.borough.to_string(), |b| b.name.to_string());
    let rows = vec![
        SummaryRow { key: "Project", value: format!("{} ({})", project.name, project.kind.as_str()) },
        SummaryRow { key: "Borough", value: borough },
        SummaryRow { key: "Meeting point", value: project.meeting_point.to_string() },
        SummaryRow { key: "Day", value: day(s.start.date()) },
        SummaryRow { key: "Time", value: format!("{} to {}", hhmm(s.start.time()), hhmm(s.end.time())) },
        SummaryRow {
            key: "Supervisor",
            value: supervisor
                .map_or_else(|| s.supervisor.to_string(), |x| format!("{} ({}, {})", x.name, x.code, x.phone.as_str())),
        },
        SummaryRow { key: "Places taken", value: format!("{} of {}", session.booked, s.capacity) },
    ];
    let mut rows = rows;
    if s.ete {
        rows.push(SummaryRow {
            key: "Education, training and employment",
            value: format!(
                "Yes: credit counts toward an order only up to {}% of the hours ordered",
                upw::policy::ETE_MAX_PERCENT
            ),
        });
    }
    let typed_recurrence = field(body, "recurrence");
    let chosen =
        if typed_recurrence.is_empty() { upw::policy::SCHEDULER_RECURRENCE.as_str() } else { &typed_recurrence };
    let recurrences =
        RECURRENCES.iter().map(|(value, label)| Choice { value, label, selected: *value == chosen }).collect();
    let choices = |list: &'static [(&'static str, &'static str)], chosen: &str| {
        list.iter().map(|(value, label)| Choice { value, label, selected: *value == chosen }).collect::<Vec<_>>()
    };
    let people = booked
        .iter()
        .map(|b| PersonChoice {
            crn: b.crn.clone(),
            label: format!("{} ({})", b.name, b.crn),
            selected: b.crn == form.person,
        })
        .collect();
    let page = SessionPage {
        nav: Nav::of(who),
        id: s.id.clone(),
        title: format!("{}, {}", project.name, day(s.start.date())),
        rows,
        runs: access == UpwAccess::Run,
        people,
        outcomes: choices(OUTCOMES, &form.outcome),
        reasons: choices(ABSENCE_REASONS, &form.reason),
        on_the_day: field(body, "notice") == "on_the_day",
        hint: format!("The session runs {} to {}.", hhmm(s.start.time()), hhmm(s.end.time())),
        ete: s.ete,
        crn: field(body, "crn"),
        recurrences,
        inputs: [
            ("started", "Started (HH:MM)", &form.started),
            ("finished", "Finished (HH:MM)", &form.finished),
            ("penalty", "Penalty minutes (late arrival, long breaks)", &form.penalty),
            ("travel", "Travel minutes credited", &form.travel),
            ("other", "Other minutes credited", &form.other),
        ]
        .into_iter()
        .map(|(name, label, value)| TimeInput {
            name,
            label,
            value: value.clone(),
            error: errors.iter().find(|e| e.field == name).map(|e| e.message.clone()),
        })
        .collect(),
        booked,
        errors,
    };
    Ok((status, html(page)?).into_response())
}

async fn session_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    render_session(&app, &who, &id, None).await
}

async fn attendance(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let (session, ..) = match session_for(&app, &who, &id).await? {
        (.., UpwAccess::View) => return Err(forbidden()),
        found => found,
    };
    let booked = booked_on(&app, &session).await?;
    let a = match parse_attendance(&attendance_form(&body), &booked) {
        Ok(a) => a,
        Err(errors) => return render_session(&app, &who, &id, Some((&body, errors))).await,
    };
    let by = recorded_by(&who);
    let now = app.clock.now();
    match services::upw::record_attendance(&app.stores, &a.crn, &a.appointment, a.outcome, a.timesheet, &by, now).await
    {
        Ok(_) => Ok(Redirect::to(&format!("/upw/sessions/{id}")).into_response()),
        Err(e) => {
            let error = upw_error(e, "outcome")?;
            render_session(&app, &who, &id, Some((&body, vec![error]))).await
        }
    }
}

/// How a place made by hand recurs, as the form offers it (docs/rules/practice.md#unpaid-work: "Allocations recur once,
/// weekly or fortnightly until the hours are done").
pub const RECURRENCES: &[(&str, &str)] = &[
    ("once", "Once: this session only"),
    ("weekly", "Every week until the hours are done"),
    ("fortnightly", "Every other week until the hours are done"),
];

/// Adds a person to the session by hand. The form names each bad field and keeps what was
/// typed; a placement the rules refuse (`services::upw::allocate`) writes nothing.
async fn allocate(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    match session_for(&app, &who, &id).await? {
        (.., UpwAccess::View) => return Err(forbidden()),
        found => found,
    };
    let (raw_crn, raw_recurrence) = (field(&body, "crn"), field(&body, "recurrence"));
    let mut errors = Vec::new();
    let crn = match Crn::parse(&raw_crn) {
        Ok(c) => Some(c),
        Err(_) if raw_crn.is_empty() => {
            errors.push(FieldProblem::new("crn", "crn: enter the person's CRN, e.g. X123456"));
            None
        }
        Err(e) => {
            errors.push(FieldProblem::new("crn", format!("crn: {}", e.problem)));
            None
        }
    };
    let recurrence = match upw::allocate::Recurrence::parse(&raw_recurrence) {
        Ok(r) => Some(r),
        Err(e) => {
            errors.push(FieldProblem::new("recurrence", format!("recurrence: {}", e.problem)));
            None
        }
    };
    let (Some(crn), Some(recurrence), true) = (crn, recurrence, errors.is_empty()) else {
        return render_session(&app, &who, &id, Some((&body, errors))).await;
    };
    let by = recorded_by(&who);
    let today = app.clock.today();
    match services::upw::allocate(&app.stores, &crn, &id, recurrence, today, &by, app.clock.now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/upw/sessions/{id}")).into_response()),
        Err(e) => {
            // A refusal about the placement is fixed by choosing someone else: shown at the CRN.
            let error = upw_error(e, "crn")?;
            render_session(&app, &who, &id, Some((&body, vec![error]))).await
        }
    }
}

struct StoodDownRow {
    crn: String,
    outcome: &'static str,
    credited: String,
    notify: &'static str,
}

#[derive(Template)]
#[template(path = "upw_absent.html")]
struct AbsentPage {
    nav: Option<Nav>,
    id: String,
    supervisor: String,
    on: String,
    notice: &'static str,
    stood_down: Vec<StoodDownRow>,
    rescheduled: Option<Scheduled>,
}

/// The session's supervisor cannot work that day: everyone on their sessions that day is
/// stood down by the policy table and the week is scheduled again.
async fn absent(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let (session, ..) = match session_for(&app, &who, &id).await? {
        (.., UpwAccess::View) => return Err(forbidden()),
        found => found,
    };
    let notice = match field(&body, "notice").as_str() {
        "advance" => AbsenceNotice::Advance,
        "on_the_day" => AbsenceNotice::OnTheDay,
        _ => {
            let error =
                FieldProblem::new("notice", "notice: say whether the absence is known in advance or on the day");
            return render_session(&app, &who, &id, Some((&body, vec![error]))).await;
        }
    };
    let s = &session.session;
    let on = s.start.date();
    let by = recorded_by(&who);
    let report =
        match services::upw::supervisor_absent(&app.stores, &s.supervisor, on, notice, &by, app.clock.now()).await {
            Ok(r) => r,
            Err(e) => {
                let error = upw_error(e, "notice")?;
                return render_session(&app, &who, &id, Some((&body, vec![error]))).await;
            }
        };
    let page = AbsentPage {
        nav: Nav::of(&who),
        id: id.clone(),
        supervisor: s.supervisor.to_string(),
        on: day(on),
        notice: match notice {
            AbsenceNotice::Advance => "known in advance",
            AbsenceNotice::OnTheDay => "known on the day",
        },
        stood_down: report
            .stood_down
            .iter()
            .map(|d| StoodDownRow {
                crn: d.crn.to_string(),
                outcome: d.outcome.label(),
                credited: hours(d.credited_minutes),
                notify: match d.notify {
                    upw::policy::Notify::PhoneAndText => "Phone and text message before the session",
                    upw::policy::Notify::InPersonAndText => "In person at the meeting point, confirmed by text",
                },
            })
            .collect(),
        rescheduled: report.rescheduled.as_ref().map(Scheduled::of),
    };
    html(page).map(IntoResponse::into_response)
}

// ---------------------------------------------------------------------------------------
// A person's progress and placement notices

/// The case, if this user may see its UPW progress (403 otherwise, 404 when there is none);
/// the read is recorded like any other read of the record.
async fn progress_case(app: &AppState, who: &SignedIn, raw: &str, route: &str) -> Result<Crn, PageError> {
    let crn = Crn::parse(raw).map_err(|e| PageError(e.into()))?;
    let today = app.clock.today();
    let Some(case) = app.stores.cases.summary(&crn).await.map_err(store_error)? else {
        return Err(PageError(WebError::NotFound(format!("There is no case with CRN {crn}."))));
    };
    let org = app.stores.cases.organisation().await.map_err(store_error)?;
    let granted =
        app.stores.access.granted_cases(who.user.username.as_str()).await.map_err(store_error)?.contains(&crn);
    let entries = app.stores.access.limited_access_for(&crn).await.map_err(store_error)?;
    // UPW progress is for cases under way (allocated): a case waiting for allocation has no place here.
    let index = access::OrgIndex::new(&org);
    let case_access = access::case_access(&who.user, &Place::of_case(&case, &org), granted, &entries, today, &index);
    if case_access == CaseAccess::None || !access::may_see_upw_progress(&who.user, case_access) {
        return Err(forbidden());
    }
    let read = CaseRead {
        crn: crn.clone(),
        username: who.user.username.to_string(),
        at: app.clock.now(),
        route: route.to_owned(),
    };
    app.stores.access.record_read(&read).await.map_err(store_error)?;
    Ok(crn)
}

struct ProgressRow {
    requirement: String,
    ordered: String,
    credited: String,
    /// ETE credit against its cap (30% of the hours ordered).
    ete: String,
    ete_cap_reached: bool,
    remaining: String,
    deadline: String,
    projected: String,
    at_risk: bool,
    first_session: String,
    arranged: &'static str,
}

struct SessionLine {
    appointment: String,
    when: String,
    outcome: String,
    notice: bool,
}

#[derive(Template)]
#[template(path = "upw_progress.html")]
struct ProgressPage {
    nav: Option<Nav>,
    crn: String,
    name: String,
    rows: Vec<ProgressRow>,
    sessions: Vec<SessionLine>,
}

async fn progress_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(crn): Path<String>,
) -> Result<Response, PageError> {
    let crn = progress_case(&app, &who, &crn, "/upw/cases/{crn}").await?;
    let today = app.clock.today();
    let progress =
        services::upw::progress(&app.stores, &crn, today, &Default::default()).await.map_err(|e| match e {
            UpwError::Invalid { message, .. } => PageError(WebError::NotFound(message)),
            UpwError::Store(e) => store_error(e),
        })?;
    let state = fold(&app, &crn).await?;
    let rows = progress
        .iter()
        .map(|p| ProgressRow {
            requirement: p.requirement.to_string(),
            ordered: hours(p.ordered_minutes),
            credited: hours(p.credited_minutes),
            ete: format!("{} of at most {}", hours(p.ete_credited_minutes), hours(p.ete_cap_minutes)),
            ete_cap_reached: p.ete_cap_reached,
            remaining: hours(p.remaining_minutes),
            deadline: day(p.deadline),
            projected: p.projected_completion.map_or_else(|| "Complete".to_owned(), day),
            at_risk: p.at_risk,
            first_session: p.first_session.map_or_else(|| "None booked".to_owned(), day),
            arranged: match p.arranged_in_time {
                Some(true) => "Yes",
                Some(false) => "No",
                None => "Not yet due",
            },
        })
        .collect();
    let sessions = state
        .appointments
        .iter()
        .filter(|a| a.appointment.kind == ContactKind::UnpaidWork)
        .map(|a| SessionLine {
            appointment: a.appointment.id.to_string(),
            when: a.appointment.at.strftime("%-d %B %Y at %H:%M").to_string(),
            outcome: a.outcome.map_or_else(|| "Not recorded".to_owned(), |o| o.label().to_owned()),
            notice: a.outcome.is_none(),
        })
        .collect();
    let name = state.person.as_ref().map_or_else(String::new, |p| format!("{} {}", p.first_name, p.family_name));
    html(ProgressPage { nav: Nav::of(&who), crn: crn.to_string(), name, rows, sessions })
        .map(IntoResponse::into_response)
}

/// The placement notice as plain text, to print or send.
async fn notice(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path((crn, appointment)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let crn = progress_case(&app, &who, &crn, "/upw/cases/{crn}/notices/{appointment}").await?;
    let appointment = LocalId::parse(&appointment).map_err(|e| PageError(e.into()))?;
    let text = services::upw::placement_notice(&app.stores, &crn, &appointment).await.map_err(|e| match e {
        // No such appointment, or not an unpaid work allocation: there is no notice to show.
        UpwError::Invalid { message, .. } => PageError(WebError::NotFound(message)),
        UpwError::Store(e) => store_error(e),
    })?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(person: &str, outcome: &str, times: [&str; 5]) -> AttendanceForm {
        let [started, finished, penalty, travel, other] = times.map(str::to_owned);
        AttendanceForm {
            person: person.into(),
            outcome: outcome.into(),
            reason: String::new(),
            started,
            finished,
            penalty,
            travel,
            other,
        }
    }

    fn booked() -> Vec<(Crn, LocalId)> {
        vec![(Crn::parse("X000001").unwrap(), LocalId::parse("UPW-P1-20261123").unwrap())]
    }

    /// (form, the fields named in error (empty when it is accepted), credited minutes, source)
    #[test]
    fn the_attendance_form_names_every_bad_field() {
        let rows: &[(AttendanceForm, &[&str], u32, &str)] = &[
            (form("X000001", "attended_complied", ["09:00", "16:00", "", "", ""]), &[], 420, "RULES: end - start"),
            (form("X000001", "attended_complied", ["09:00", "16:00", "30", "", ""]), &[], 390, "RULES: less penalty"),
            (form("X000001", "attended_complied", ["09:00", "16:00", "", "180", "180"]), &[], 780, "RULES: caps"),
            (form("X000001", "attended_complied", ["09:00", "16:00", "", "181", ""]), &["travel"], 0, "RULES: cap"),
            (form("X000001", "attended_complied", ["09:00", "16:00", "", "", "200"]), &["other"], 0, "RULES: cap"),
            (form("X000001", "attended_complied", ["16:00", "09:00", "", "", ""]), &["finished"], 0, "issue 5"),
            (form("X000001", "attended_complied", ["09:00", "10:00", "61", "", ""]), &["penalty"], 0, "issue 5"),
            (
                form("X000001", "attended_complied", ["", "9am", "x", "", ""]),
                &["started", "finished", "penalty"],
                0,
                "",
            ),
            (form("X000001", "unacceptable_absence", ["", "", "", "", ""]), &[], 0, "RULES: attended only"),
            (form("X000001", "unacceptable_absence", ["09:00", "", "", "", ""]), &["started"], 0, "attended only"),
            (form("X000002", "attended_complied", ["09:00", "16:00", "", "", ""]), &["person"], 0, "not booked"),
            (form("", "", ["", "", "", "", ""]), &["person", "outcome"], 0, "nothing chosen"),
            (form("X000001", "acceptable_absence", ["", "", "", "", ""]), &["reason"], 0, "a reason is needed"),
        ];
        for (f, fields, credited, source) in rows {
            match parse_attendance(f, &booked()) {
                Ok(a) => {
                    assert!(fields.is_empty(), "{f:?} accepted, expected errors on {fields:?}: {source}");
                    let got = a.timesheet.map_or(0, |t| t.credited_minutes(a.outcome));
                    assert_eq!(got, *credited, "{f:?}: {source}");
                }
                Err(errors) => {
                    let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                    assert_eq!(&named, fields, "{f:?}: {source}");
                    for e in &errors {
                        assert!(e.message.starts_with(&format!("{}:", e.field)), "{}", e.message);
                    }
                }
            }
        }
    }
}
