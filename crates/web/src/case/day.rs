//! An officer's day: every appointment on their caseload on one day, and the outcomes of any
//! of them recorded at once (`services::day`).

// What the sections share (routes, the case header, words and rows, imports) is in mod.rs.
use super::*;
use services::day::{DayAppointment, TypedOutcome};

struct OutcomeChoice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

struct DayRow {
    crn: String,
    name: String,
    time: String,
    contact: String,
    /// The outcome already recorded, in words; `None` offers the choice.
    recorded: Option<&'static str>,
    field: String,
    reason_field: String,
    outcomes: Vec<OutcomeChoice>,
    reasons: Vec<OutcomeChoice>,
    version: u64,
}

#[derive(Template)]
#[template(path = "officer_day.html")]
struct DayPage {
    nav: Option<Nav>,
    officer: String,
    on: String,
    on_iso: String,
    previous: String,
    next: Option<String>,
    rows: Vec<DayRow>,
    open: usize,
    saved: Option<usize>,
    errors: Vec<FieldProblem>,
    check: String,
}

impl DayPage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::kit::error_for(&self.errors, field)
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct DayQuery {
    on: Option<String>,
    saved: Option<String>,
}

fn day_href(officer: &str, on: jiff::civil::Date) -> String {
    format!("{}?on={on}", DAY.replace("{code}", officer))
}

fn officer_of(code: Result<Path<String>, PathRejection>) -> Result<domain::ids::Code, PageError> {
    let code = code
        .map(|Path(v)| v)
        .map_err(|e| PageError(WebError::bad_request("code", format!("code: {}", e.body_text()))))?;
    Ok(kit::parse_officer(&code)?)
}

/// The day's page, with what was typed and what is wrong with it when a submission is shown
/// again (`typed`: field name to value).
async fn render_day(
    app: &AppState,
    who: &SignedIn,
    officer: &domain::ids::Code,
    on: jiff::civil::Date,
    typed: &[(String, String)],
    errors: Vec<FieldProblem>,
    saved: Option<usize>,
) -> Result<Html<String>, PageError> {
    let now = app.clock.now();
    let today = domain::case::uk_date(now);
    let appointments = services::day::officer_day(&app.stores, who.actor(), now, officer, on).await?;
    let value = |name: &str| typed.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str());
    let rows: Vec<DayRow> = appointments
        .iter()
        .map(|d: &DayAppointment| {
            let field = d.field();
            let reason_field = field.replacen("outcome-", "reason-", 1);
            let (chosen, reason) = (value(&field), value(&reason_field));
            DayRow {
                crn: d.crn.to_string(),
                name: d.name.clone(),
                time: d.appointment.at.strftime("%H:%M").to_string(),
                contact: format!("{}, {} minutes", d.appointment.kind.label(), d.appointment.minutes),
                recorded: d.outcome.map(Outcome::label),
                outcomes: OUTCOMES
                    .iter()
                    .map(|(value, label)| OutcomeChoice { value, label, selected: *value == chosen })
                    .collect(),
                reasons: ABSENCE_REASONS
                    .iter()
                    .map(|(value, label)| OutcomeChoice { value, label, selected: *value == reason })
                    .collect(),
                field,
                reason_field,
                version: d.version,
            }
        })
        .collect();
    let code = officer.to_string();
    let previous = on.yesterday().map_or_else(|_| day_href(&code, on), |d| day_href(&code, d));
    let next = on.tomorrow().ok().filter(|d| *d <= today).map(|d| day_href(&code, d));
    html(DayPage {
        nav: Nav::of(who),
        on: day(on),
        on_iso: on.to_string(),
        previous,
        next,
        open: rows.iter().filter(|r| r.recorded.is_none()).count(),
        rows,
        saved,
        check: kit::check_list(&errors),
        errors,
        officer: code,
    })
}

/// The day as at `?on=` (today when absent): outcomes can be recorded for today and before.
fn day_of(raw: Option<&str>, today: jiff::civil::Date) -> Result<jiff::civil::Date, PageError> {
    let on = kit::parse_on(raw)?.unwrap_or(today);
    if on > today {
        return Err(PageError(WebError::bad_request(
            "on",
            format!("on: {on} is after today; outcomes are recorded for what has happened"),
        )));
    }
    Ok(on)
}

pub(super) async fn day_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    code: Result<Path<String>, PathRejection>,
    query: Result<Query<DayQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let officer = officer_of(code)?;
    let Query(q) = query.map_err(|e| PageError(WebError::bad_request("query", format!("query: {}", e.body_text()))))?;
    let on = day_of(q.on.as_deref(), domain::case::uk_date(app.clock.now()))?;
    let saved = q.saved.as_deref().and_then(|s| s.parse().ok());
    render_day(&app, &who, &officer, on, &[], Vec::new(), saved).await
}

/// Records the outcomes chosen; shows the page again naming each bad answer (nothing
/// written), or redirects back to the day saying how many were recorded.
pub(super) async fn record_day(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    code: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, PageError> {
    let officer = officer_of(code)?;
    let now = app.clock.now();
    let pairs = kit::form_pairs(&body);
    let value = |name: &str| pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim());
    let on = day_of(Some(value("on")), domain::case::uk_date(now))?;
    // The rows are the day's appointments as the page showed them: a field for anything else
    // is not an answer.
    let day = services::day::officer_day(&app.stores, who.actor(), now, &officer, on).await?;
    let mut typed = Vec::new();
    // Every row, those recorded since included: a second press names them again and
    // `record_day` records nothing more for them.
    for d in &day {
        let field = d.field();
        typed.push(TypedOutcome {
            crn: d.crn.clone(),
            appointment: d.appointment.id.clone(),
            outcome: value(&field).to_owned(),
            reason: value(&field.replacen("outcome-", "reason-", 1)).to_owned(),
            version: value(&format!("version-{}", d.crn)).to_owned(),
        });
    }
    match services::day::record_day(&app.stores, who.actor(), now, &typed).await {
        Ok(n) => {
            let href = format!("{}&saved={n}", day_href(officer.as_str(), on));
            Ok(Redirect::to(&href).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let page = render_day(&app, &who, &officer, on, &pairs, errors, None).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(ServiceError::Store(StoreError::Conflict { crn, .. })) => {
            let field = typed.iter().find(|t| t.crn == crn).map(|t| format!("outcome-{crn}-{}", t.appointment));
            let field = field.unwrap_or_else(|| "outcome".to_owned());
            let problem = format!(
                "{field}: the case {crn} changed while you were working on it, so nothing was saved; the page now \
                 shows it as it is: choose the outcomes again"
            );
            let page =
                render_day(&app, &who, &officer, on, &pairs, vec![FieldProblem::new(&field, problem)], None).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
