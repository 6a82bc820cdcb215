//! A person's progress through their hours and their placement notices.

// What the area's pages share (routes, helpers, imports) is in its mod.rs.
use super::*;

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

pub(super) async fn progress_page(
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
pub(super) async fn notice(
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
