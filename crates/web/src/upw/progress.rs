//! A person's progress through their hours and their placement notices.

// What the area's pages share (routes, helpers, imports) is in its mod.rs.
use super::*;

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
    let crn = Crn::parse(&crn).map_err(|e| PageError(e.into()))?;
    let view = view::progress_view(&app.stores, who.actor(), app.clock.now(), &crn, "/upw/cases/{crn}").await?;
    let rows = view
        .progress
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
    let sessions = view
        .sessions
        .iter()
        .map(|a| SessionLine {
            appointment: a.appointment.id.to_string(),
            when: a.appointment.at.strftime("%-d %B %Y at %H:%M").to_string(),
            outcome: a.outcome.map_or_else(|| "Not recorded".to_owned(), |o| o.label().to_owned()),
            notice: a.outcome.is_none(),
        })
        .collect();
    html(ProgressPage { nav: Nav::of(&who), crn: crn.to_string(), name: view.name, rows, sessions })
        .map(IntoResponse::into_response)
}

/// The placement notice as plain text, to print or send.
pub(super) async fn notice(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path((crn, appointment)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let crn = Crn::parse(&crn).map_err(|e| PageError(e.into()))?;
    let route = "/upw/cases/{crn}/notices/{appointment}";
    let text = view::notice(&app.stores, who.actor(), app.clock.now(), &crn, &appointment, route).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}
