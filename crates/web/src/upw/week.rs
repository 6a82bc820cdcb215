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

pub(super) async fn week_page(
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
pub(super) async fn schedule(
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
