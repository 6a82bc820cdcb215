//! A session's register: the supervisor's record of the day, the supervisor's absence and
//! allocating people to the session.

// What the area's pages share (routes, helpers, imports) is in its mod.rs.
use super::*;

/// The attendance form as typed; the rule that checks it is `services::upw::parse_attendance`,
/// which `probity upw attend` calls too.
use services::upw::view::RegisterRow;
use services::upw::{AttendanceForm, parse_attendance};

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

/// One person's row of the whole-session register: the fields named for them, as typed.
struct RegisterLine {
    crn: String,
    name: String,
    outcome_field: String,
    reason_field: String,
    started_field: String,
    finished_field: String,
    outcomes: Vec<Choice>,
    reasons: Vec<Choice>,
    started: String,
    finished: String,
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
    /// The whole-session register: everyone booked whose outcome is not recorded.
    lines: Vec<RegisterLine>,
}

impl SessionPage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::kit::error_for(&self.errors, field)
    }
}

async fn render_session(
    app: &AppState,
    who: &SignedIn,
    id: &str,
    typed: Option<(&[u8], Vec<FieldProblem>)>,
) -> Result<Response, PageError> {
    let register = view::register(&app.stores, who.actor(), app.clock.today(), id).await?;
    let (session, project) = (&register.session, &register.project);
    let s = &session.session;
    let booked: Vec<BookedRow> = register
        .booked
        .iter()
        .map(|b| BookedRow {
            crn: b.crn.to_string(),
            name: b.name.clone().unwrap_or_else(|| "Name withheld".to_owned()),
            appointment: b.appointment.to_string(),
            recurs: b.recurrence.label(),
            outcome: b.outcome.map_or_else(|| "Not recorded".to_owned(), |o| o.label().to_owned()),
            credited: b.credited_minutes.map_or_else(|| "Not recorded".to_owned(), hours),
            ete: b.ete.map(|e| (format!("{} of {}", hours(e.credited_minutes), hours(e.cap_minutes)), e.cap_reached)),
            notice: b.outcome.is_none(),
        })
        .collect();
    let (body, errors): (&[u8], Vec<FieldProblem>) = typed.unwrap_or((b"", Vec::new()));
    let form = attendance_form(body);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let rows = vec![
        SummaryRow { key: "Project", value: format!("{} ({})", project.name, project.kind.as_str()) },
        SummaryRow { key: "Borough", value: register.borough.clone() },
        SummaryRow { key: "Meeting point", value: project.meeting_point.to_string() },
        SummaryRow { key: "Day", value: day(s.start.date()) },
        SummaryRow { key: "Time", value: format!("{} to {}", hhmm(s.start.time()), hhmm(s.end.time())) },
        SummaryRow {
            key: "Supervisor",
            value: register
                .supervisor
                .as_ref()
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
    // The whole-session register starts from the session's own times.
    let (start, end) = (hhmm(s.start.time()), hhmm(s.end.time()));
    let lines = register
        .booked
        .iter()
        .filter(|b| b.outcome.is_none())
        .map(|b| {
            let named = |what: &str| RegisterRow::named(what, b.crn.as_str());
            // What was typed in this form, or the session's time where it was not sent.
            let typed = |name: &str, blank: &str| {
                kit::form_field(body, name).map_or_else(|| blank.to_owned(), |v| v.trim().to_owned())
            };
            let (outcome_field, reason_field) = (named("outcome"), named("reason"));
            let (started_field, finished_field) = (named("started"), named("finished"));
            RegisterLine {
                crn: b.crn.to_string(),
                name: b.name.clone().unwrap_or_else(|| "Name withheld".to_owned()),
                outcomes: choices(OUTCOMES, &field(body, &outcome_field)),
                reasons: choices(ABSENCE_REASONS, &field(body, &reason_field)),
                started: typed(&started_field, &start),
                finished: typed(&finished_field, &end),
                outcome_field,
                reason_field,
                started_field,
                finished_field,
            }
        })
        .collect();
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
        runs: register.access == UpwAccess::Run,
        people,
        outcomes: choices(OUTCOMES, &form.outcome),
        reasons: choices(ABSENCE_REASONS, &form.reason),
        on_the_day: field(body, "notice") == "on_the_day",
        hint: format!("The session runs {} to {}.", hhmm(s.start.time()), hhmm(s.end.time())),
        ete: s.ete,
        crn: field(body, "crn"),
        recurrences,
        lines,
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

pub(super) async fn session_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    render_session(&app, &who, &id, None).await
}

pub(super) async fn attendance(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let session = view::session_to_run(&app.stores, who.actor(), &id).await?;
    let booked = view::booked_on(&app.stores, &session).await?;
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

/// The whole session's register at once (`services::upw::view::record_register`): one bad
/// row writes nothing and is named on its field; otherwise back to the session.
pub(super) async fn register_all(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let register = view::register(&app.stores, who.actor(), app.clock.today(), &id).await?;
    let rows: Vec<RegisterRow> = register
        .booked
        .iter()
        .map(|b| {
            let typed = |what: &str| field(&body, &RegisterRow::named(what, b.crn.as_str()));
            RegisterRow {
                outcome: typed("outcome"),
                reason: typed("reason"),
                started: typed("started"),
                finished: typed("finished"),
                crn: b.crn.to_string(),
            }
        })
        .collect();
    match view::record_register(&app.stores, who.actor(), &id, &rows, app.clock.now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/upw/sessions/{id}")).into_response()),
        Err(ServiceError::Invalid(errors)) => render_session(&app, &who, &id, Some((&body, errors))).await,
        Err(e) => Err(e.into()),
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
pub(super) async fn allocate(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    view::session_to_run(&app.stores, who.actor(), &id).await?;
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
pub(super) async fn absent(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let session = view::session_to_run(&app.stores, who.actor(), &id).await?;
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
