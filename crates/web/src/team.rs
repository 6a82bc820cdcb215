//! The senior probation officer's team view (issue 4 item 5: "team view for SPOs (caseloads,
//! allocation queue, allocate with capacity shown)") and the allocation screen (issue 6
//! item 1: "each candidate officer's capacity and the capacity after taking the case").
//!
//! Who may see and allocate is `services::access::team_access`, applied in
//! `services::team::team_view` and `services::team::allocate`; the workload figures are
//! `analytics::workload`'s; the allocation is recorded through `services::record`, which
//! checks the SPO's evidence against today's grade guidance. Handlers here parse the form and
//! turn the service's answers into display text. A bad form is shown again with a GOV.UK
//! error summary naming each field, keeping what was typed, and nothing is written.

use crate::AppState;
use crate::kit;
use crate::kit::SignedIn;
use crate::kit::{Nav, PageError, capacity, day, html, points};
use crate::kit::{Route, build, route};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::case::CaseState;
use domain::practice::allocation::GradeGuidance;
use domain::sentence::SentenceKind;
use domain::tier::V3Tier;
use services::FieldProblem;
use services::access::TeamAccess;
use services::team::{self, Allocation, AllocationForm, AllocationScreen, TeamView};

pub const TEAM: &str = "/teams/{code}";
pub const ALLOCATE: &str = "/teams/{code}/allocate/{crn}";

fn table() -> Vec<Route> {
    vec![
        route(Method::GET, TEAM, team_page),
        route(Method::GET, ALLOCATE, allocation_page),
        route(Method::POST, ALLOCATE, allocate),
    ]
}

pub(crate) fn router() -> Router<AppState> {
    build(table())
}

pub fn team_routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

/// The points of these reports under the workload policy the team view applies.
fn report_points(kinds: &[analytics::ReportKind]) -> f64 {
    kinds.iter().map(|&k| f64::from(team::WORKLOAD.report_points.points(k))).sum()
}

fn hours(h: f64) -> String {
    format!("{h}")
}

fn sentence(state: &CaseState) -> String {
    let Some(current) = state.current_sentence() else { return "No active sentence".to_owned() };
    let kind = match current.sentence.kind {
        SentenceKind::CommunityOrder => "Community order",
        SentenceKind::SuspendedSentenceOrder => "Suspended sentence order",
        SentenceKind::Custodial => "Custodial sentence",
    };
    format!("{kind}, ends {}", day(current.sentence.end_date))
}

/// The legacy tier (the one workload and the grade guidance read), with the current model's
/// when it gives a level.
fn tier(state: &CaseState) -> String {
    match state.tier {
        Some(t) if matches!(t.v3, V3Tier::Level(_)) => {
            let provisional = if t.provisional { ", provisional" } else { "" };
            format!("{} (current model {}{provisional})", t.legacy, t.v3)
        }
        Some(t) => t.legacy.to_string(),
        None => "Not yet tiered".to_owned(),
    }
}

fn rosh(state: &CaseState) -> String {
    state.rosh().map_or_else(|| "Not assessed".to_owned(), |r| r.label().to_owned())
}

fn guidance_label(g: GradeGuidance) -> &'static str {
    match g {
        GradeGuidance::Po => "A probation officer",
        GradeGuidance::PoOrPso => "A probation officer or a probation services officer",
    }
}

fn name(state: &CaseState) -> String {
    state.person.as_ref().map_or_else(String::new, |p| format!("{} {}", p.first_name, p.family_name))
}

// ---------------------------------------------------------------------------------------
// The team view

struct OfficerLine {
    code: String,
    name: String,
    link: bool,
    grade: &'static str,
    hours: String,
    active_cases: usize,
    untiered: usize,
    /// Reports in preparation today, and the points they carry.
    reports: usize,
    report_points: String,
    points: String,
    available: String,
    capacity: String,
    over: bool,
}

struct QueueLine {
    crn: String,
    name: String,
    tier: String,
    rosh: String,
    sentence: String,
    waiting_since: String,
    days: i64,
    /// "Transfer from <team>" for a case another team is transferring; "New case" otherwise.
    from: String,
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    nav: Option<Nav>,
    code: String,
    name: String,
    place: String,
    borough: String,
    on: String,
    officers: Vec<OfficerLine>,
    total_reports: usize,
    total_report_points: String,
    total_points: String,
    total_available: String,
    total_capacity: String,
    queue: Vec<QueueLine>,
    allocates: bool,
    /// The policy's points per report, for the explanation under the table.
    standard_court_points: u32,
    fast_points: u32,
    parole_points: u32,
}

/// Where a waiting case comes from: another team's transfer, or a new case.
fn transfer_from(q: &team::QueuedCase) -> String {
    q.transfer.as_ref().map_or_else(|| "New case".to_owned(), |(_, from)| format!("Transfer from {from}"))
}

fn days_between(from: jiff::civil::Date, to: jiff::civil::Date) -> i64 {
    from.until(to).map_or(0, |s| i64::from(s.get_days()))
}

fn place(view: &TeamView) -> String {
    let office = view.office.as_ref().map(|o| o.name.to_string());
    let borough = view.borough.as_ref().map(|b| b.name.to_string());
    [Some(format!("Team {}", view.team.code)), office, borough].into_iter().flatten().collect::<Vec<_>>().join(", ")
}

impl TeamPage {
    fn new(view: &TeamView, nav: Option<Nav>) -> Self {
        let officers = view
            .officers
            .iter()
            .map(|o| OfficerLine {
                code: o.staff.code.to_string(),
                name: o.staff.name.to_string(),
                link: o.caseload_link,
                grade: o.staff.grade.label(),
                hours: hours(o.staff.contracted_hours.get()),
                active_cases: o.active_cases,
                untiered: o.untiered,
                reports: o.reports_in_preparation.len(),
                report_points: points(report_points(&o.reports_in_preparation)),
                points: points(o.capacity.points),
                available: points(o.capacity.available_points),
                capacity: capacity(o.capacity.capacity_percent),
                over: o.capacity.capacity_percent.is_some_and(|c| c > 100.0),
            })
            .collect();
        let total = view.capacity();
        let queue = view
            .queue
            .iter()
            .map(|q| QueueLine {
                crn: q.summary.crn.to_string(),
                name: name(&q.state),
                tier: tier(&q.state),
                rosh: rosh(&q.state),
                sentence: sentence(&q.state),
                waiting_since: day(q.waiting_since),
                days: days_between(q.waiting_since, view.today),
                from: transfer_from(q),
            })
            .collect();
        Self {
            nav,
            code: view.team.code.to_string(),
            name: view.team.name.to_string(),
            place: place(view),
            borough: view.borough.as_ref().map_or_else(|| "its borough".to_owned(), |b| b.name.to_string()),
            on: day(view.today),
            total_reports: view.officers.iter().map(|o| o.reports_in_preparation.len()).sum(),
            total_report_points: points(view.officers.iter().map(|o| report_points(&o.reports_in_preparation)).sum()),
            officers,
            total_points: points(total.points),
            total_available: points(total.available_points),
            total_capacity: capacity(total.capacity_percent),
            queue,
            allocates: view.access == TeamAccess::Allocate,
            standard_court_points: team::WORKLOAD.report_points.standard_court,
            fast_points: team::WORKLOAD.report_points.fast,
            parole_points: team::WORKLOAD.report_points.parole,
        }
    }
}

async fn team_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let code = kit::parse_code("code", &code)?;
    let view = team::team_view(&app.stores, who.actor(), app.clock.now(), &code).await?;
    html(TeamPage::new(&view, Nav::of(&who))).map(IntoResponse::into_response)
}

// ---------------------------------------------------------------------------------------
// The allocation screen

struct SummaryRow {
    key: &'static str,
    value: String,
}

struct CandidateLine {
    code: String,
    name: String,
    grade: &'static str,
    within: bool,
    now: String,
    after: String,
    over_now: bool,
    over_after: bool,
    checked: bool,
}

#[derive(Template)]
#[template(path = "allocate.html")]
struct AllocatePage {
    nav: Option<Nav>,
    code: String,
    team: String,
    crn: String,
    name: String,
    rows: Vec<SummaryRow>,
    guidance: &'static str,
    because: String,
    candidates: Vec<CandidateLine>,
    allocates: bool,
    version: u64,
    form_complete: bool,
    safeguarding_complete: bool,
    reason: String,
    /// For a reallocation: the case's officer now, and why it moves, as offered and chosen.
    reallocating: Option<String>,
    whys: Vec<(&'static str, &'static str, bool)>,
    errors: Vec<FieldProblem>,
}

impl AllocatePage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::kit::error_for(&self.errors, field)
    }
}

fn render_allocation(
    screen: &AllocationScreen,
    who: &SignedIn,
    form: &AllocationForm,
    errors: Vec<FieldProblem>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let state = &screen.case.state;
    let today = screen.view.today;
    let reallocating = screen.reallocating.as_ref().map(|o| {
        let name = screen.view.officers.iter().find(|x| &x.staff.code == o).map(|x| x.staff.name.to_string());
        name.map_or_else(|| o.to_string(), |n| format!("{n} ({o})"))
    });
    let since = format!("{} ({} days)", day(screen.case.waiting_since), days_between(screen.case.waiting_since, today));
    let mut rows = vec![
        SummaryRow { key: "CRN", value: screen.case.summary.crn.to_string() },
        SummaryRow { key: "Tier", value: tier(state) },
        SummaryRow { key: "Risk of serious harm", value: rosh(state) },
        SummaryRow { key: "Sentence", value: sentence(state) },
        match &reallocating {
            Some(o) => SummaryRow { key: "Responsible officer", value: format!("{o}, since {since}") },
            None => SummaryRow { key: "Waiting since", value: since },
        },
    ];
    if let Some((t, from)) = &screen.case.transfer {
        rows.push(SummaryRow { key: "Transfer from", value: format!("{from}, asked for because: {}", t.reason) });
    }
    let candidates = screen
        .candidates
        .iter()
        .map(|c| CandidateLine {
            code: c.staff.code.to_string(),
            name: c.staff.name.to_string(),
            grade: c.staff.grade.label(),
            within: c.within_guidance,
            now: capacity(c.now.capacity_percent),
            after: c
                .after
                .map_or_else(|| "Not known: the case has no tier yet".to_owned(), |a| capacity(a.capacity_percent)),
            over_now: c.now.capacity_percent.is_some_and(|p| p > 100.0),
            over_after: c.after.and_then(|a| a.capacity_percent).is_some_and(|p| p > 100.0),
            checked: c.staff.code.as_str() == form.officer.trim(),
        })
        .collect();
    let page = AllocatePage {
        nav: Nav::of(who),
        code: screen.view.team.code.to_string(),
        team: screen.view.team.name.to_string(),
        crn: screen.case.summary.crn.to_string(),
        name: name(state),
        rows,
        guidance: guidance_label(screen.guidance),
        because: screen.because.clone(),
        candidates,
        allocates: screen.view.access == TeamAccess::Allocate,
        version: state.version,
        form_complete: form.allocation_form_complete,
        safeguarding_complete: form.safeguarding_checks_complete,
        reason: form.reason.clone(),
        whys: team::REALLOCATION_REASONS.iter().map(|(_, v, l)| (*v, *l, form.why.trim() == *v)).collect(),
        reallocating,
        errors,
    };
    Ok((status, html(page)?).into_response())
}

async fn allocation_page(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path((code, crn)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (code, crn) = (kit::parse_code("code", &code)?, kit::parse_crn(&crn)?);
    let screen = team::allocation_screen(&app.stores, who.actor(), app.clock.now(), &code, &crn, ALLOCATE).await?;
    render_allocation(&screen, &who, &AllocationForm::default(), Vec::new(), StatusCode::OK)
}

fn form_of(body: &[u8]) -> AllocationForm {
    let field = |name: &str| kit::form_field(body, name).unwrap_or_default();
    AllocationForm {
        officer: field("officer").trim().to_owned(),
        why: field("why").trim().to_owned(),
        allocation_form_complete: field("allocation_form_complete") == "yes",
        safeguarding_checks_complete: field("safeguarding_checks_complete") == "yes",
        reason: field("reason"),
        version: field("version"),
    }
}

/// Allocates the case, then back to the team's view, where it has left the queue; or the
/// screen again with every problem named and what was typed kept.
async fn allocate(
    State(app): State<AppState>,
    Extension(who): Extension<SignedIn>,
    Path((code, crn)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = form_of(&body);
    let (code, crn) = (kit::parse_code("code", &code)?, kit::parse_crn(&crn)?);
    let now = app.clock.now();
    let (problems, status) = match team::allocate(&app.stores, who.actor(), now, &code, &crn, &form, ALLOCATE).await? {
        Allocation::Allocated(_) => {
            return Ok(Redirect::to(&format!("/teams/{}", kit::percent_encode(code.as_str()))).into_response());
        }
        Allocation::Refused(problems) => (problems, StatusCode::BAD_REQUEST),
        // No field is at fault: the summary says what changed.
        Allocation::Changed(message) => (vec![FieldProblem::new("changed", message)], StatusCode::CONFLICT),
    };
    // The screen as it stands now (a changed case shows its new version), with the form as typed.
    let screen = team::allocation_screen(&app.stores, who.actor(), now, &code, &crn, ALLOCATE).await?;
    render_allocation(&screen, &who, &form, problems, status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::assessment::{Percent, RoshLevel};
    use domain::event::CaseEvent;
    use domain::example::{assessment, community_order, date, new_event, person};
    use domain::practice::allocation::grade_guidance;
    use domain::practice::tiering::TierFactor;
    use domain::tier::LegacyTier;

    fn case(tier: Option<&str>, rsr: f64, level: RoshLevel) -> CaseState {
        let on = date("2026-03-02");
        let mut a = assessment("AS1", on, level, &[]);
        a.rsr = Some(Percent::new(rsr).unwrap());
        let mut events = vec![
            CaseEvent::PersonRegistered { person: person("Ada", "Lovelace") },
            CaseEvent::SentenceImposed { sentence: community_order("S1", on) },
            CaseEvent::AssessmentCompleted { assessment: a },
        ];
        if let Some(t) = tier {
            events.push(CaseEvent::TierCalculated {
                legacy: t.parse().unwrap(),
                v3: V3Tier::Missing,
                provisional: false,
                because: vec![TierFactor::Assessment],
                missing: vec![],
            });
        }
        let mut state = CaseState::new(domain::Crn::parse("X000001").unwrap());
        for e in events {
            state.apply(&new_event(on, e).event, on).unwrap();
        }
        state
    }

    /// The explanation of the guidance agrees with the guidance itself for every tier, at an
    /// RSR each side of the 3% line and every RoSH level.
    #[test]
    fn the_guidance_is_explained_as_it_is_decided() {
        let tiers: Vec<Option<String>> =
            std::iter::once(None).chain(LegacyTier::all().map(|t| Some(t.to_string()))).collect();
        for t in &tiers {
            for rsr in [2.9, 3.0] {
                for level in [RoshLevel::Low, RoshLevel::Medium, RoshLevel::High, RoshLevel::VeryHigh] {
                    let state = case(t.as_deref(), rsr, level);
                    let guidance = grade_guidance(state.tier.map(|x| x.legacy), Some(rsr), state.rosh(), &[]);
                    let because = team::guidance_because(&state);
                    let says_pso = because.contains("a probation services officer may hold it");
                    assert_eq!(says_pso, guidance == GradeGuidance::PoOrPso, "{t:?} {rsr} {level:?}: {because}");
                }
            }
        }
        let high = team::guidance_because(&case(Some("C2"), 1.0, RoshLevel::High));
        assert_eq!(high, "Tier C2, but RoSH is high (high or above): a probation officer is required.");
    }

    #[test]
    fn figures_read_as_whole_points_and_a_percentage() {
        assert_eq!(points(229.6), "230");
        assert_eq!(capacity(Some(10.569)), "10.6%");
        assert_eq!(capacity(None), "No points available");
        assert_eq!(hours(18.5), "18.5");
        assert_eq!(hours(37.0), "37");
    }
}
