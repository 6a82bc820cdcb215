//! The week's sessions and the button that schedules the week.

// What the area's pages share (routes, helpers, imports) is in its mod.rs.
use super::*;

#[derive(Debug, Deserialize)]
pub(super) struct WeekQuery {
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

/// The week's sessions as rows, with what the actor's role allows (`View` or `Run`).
fn week_rows(week: view::Week) -> (UpwAccess, Vec<SessionRow>) {
    let rows = week
        .sessions
        .into_iter()
        .map(|w| {
            let s = &w.session;
            SessionRow {
                id: s.id.clone(),
                day: s.start.date().strftime("%A %-d %B").to_string(),
                time: format!("{} to {}", hhmm(s.start.time()), hhmm(s.end.time())),
                project: w.project,
                borough: w.borough,
                supervisor: w.supervisor,
                taken: w.taken,
                capacity: s.capacity,
                runs: w.runs,
            }
        })
        .collect();
    (week.access, rows)
}

async fn render_week(
    app: &AppState,
    who: &SignedIn,
    monday: Date,
    typed: Option<String>,
    errors: Vec<FieldProblem>,
    report: Option<Scheduled>,
) -> Result<Response, PageError> {
    let (access, rows) = week_rows(view::week(&app.stores, who.actor(), monday).await?);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let page = WeekPage {
        nav: Nav::of(who),
        week: typed.unwrap_or_else(|| iso_week(monday)),
        starts: day(monday),
        rows,
        runs: access == UpwAccess::Run,
        errors,
        report,
    };
    Ok((status, html(page)?).into_response())
}

pub(super) async fn week_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Query(q): Query<WeekQuery>,
) -> Result<Response, PageError> {
    view::upw_staff(&who.user)?;
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
pub(super) async fn schedule(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    body: Bytes,
) -> Result<Response, PageError> {
    view::may_run_sessions(&who.user)?;
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
