//! What the unpaid work pages show, each read with the actor's access decided first (by
//! [`crate::access`], through [`crate::actor`]): the week's sessions, a session's register,
//! a person's progress and placement notices (those two reads recorded in the read audit like
//! any other read of the record). The pages format; nothing here is presentation.

use jiff::Timestamp;
use jiff::civil::Date;

use super::{UpwError, case, placement_notice, progress_of};
use crate::access::{self, CaseAccess, UpwAccess, User};
use crate::actor::{Actor, Facts, folded};
use crate::error::ServiceError;
use crate::stores::Stores;
use domain::case::{AppointmentRecord, uk_date};
use domain::contact::{ContactKind, Outcome};
use domain::ids::{Crn, LocalId};
use store::upw::StoredSession;
use store::{CaseStore, UpwStore};
use upw::allocate::Recurrence;
use upw::progress::Progress;
use upw::project::{PlannedSession, Project, Supervisor};

/// The most the actor's role allows over UPW sessions anywhere, or `Forbidden`: the week and
/// the registers are for UPW staff (`access::upw_role_access`).
pub fn upw_staff(user: &User) -> Result<UpwAccess, ServiceError> {
    match access::upw_role_access(user) {
        UpwAccess::None => Err(ServiceError::forbidden()),
        a => Ok(a),
    }
}

/// Refuses anyone whose role does not run UPW sessions (scheduling a week): `Forbidden`.
pub fn may_run_sessions(user: &User) -> Result<(), ServiceError> {
    match upw_staff(user)? {
        UpwAccess::Run => Ok(()),
        _ => Err(ServiceError::forbidden()),
    }
}

/// A person's unpaid work as their progress page shows it.
#[derive(Debug, Clone)]
pub struct ProgressView {
    pub crn: Crn,
    /// "First Family", or empty when the record has no person.
    pub name: String,
    /// Each unpaid work requirement's progress (`super::progress`).
    pub progress: Vec<Progress>,
    /// The unpaid work sessions booked on the case, in the record's order.
    pub sessions: Vec<AppointmentRecord>,
}

/// The case's UPW progress, if this actor may see it: `NotFound` when there is no such case,
/// `Forbidden` when they may not (`access::may_see_upw_progress`; a case waiting for
/// allocation has no place here, so only those who see it where it is allocated may). The
/// read is recorded under `route`.
pub async fn progress_view(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    crn: &Crn,
    route: &str,
) -> Result<ProgressView, ServiceError> {
    progress_case(stores, actor, now, crn, route).await?;
    let state = case(stores, crn).await.map_err(not_found)?;
    let progress = progress_of(stores, &state, uk_date(now), &Default::default()).await.map_err(not_found)?;
    let name = state.person.as_ref().map_or_else(String::new, |p| format!("{} {}", p.first_name, p.family_name));
    let sessions = state.appointments.into_iter().filter(|a| a.appointment.kind == ContactKind::UnpaidWork).collect();
    Ok(ProgressView { crn: crn.clone(), name, progress, sessions })
}

/// The placement notice for `appointment` on the case, as plain text, if this actor may see
/// the case's UPW progress (as [`progress_view`], the read recorded under `route`). The
/// appointment id is read only after that, so a refusal says nothing about it: a bad one is
/// `Invalid` (named as [`LocalId`] names it), and one that is not an unpaid work allocation
/// `NotFound`.
pub async fn notice(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    crn: &Crn,
    appointment: &str,
    route: &str,
) -> Result<String, ServiceError> {
    progress_case(stores, actor, now, crn, route).await?;
    let appointment = LocalId::parse(appointment)?;
    // No such appointment, or not an unpaid work allocation: there is no notice to show.
    placement_notice(stores, crn, &appointment).await.map_err(not_found)
}

fn no_case(crn: &Crn) -> ServiceError {
    ServiceError::NotFound(format!("There is no case with CRN {crn}."))
}

/// A refusal of the case or appointment asked for: there is nothing to show.
fn not_found(e: UpwError) -> ServiceError {
    match e {
        UpwError::Invalid { message, .. } => ServiceError::NotFound(message),
        UpwError::Store(e) => ServiceError::Store(e),
    }
}

/// Checks the actor may see the case's UPW progress and records that they read it.
async fn progress_case(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    crn: &Crn,
    route: &str,
) -> Result<(), ServiceError> {
    let Some(case) = stores.cases.summary(crn).await? else { return Err(no_case(crn)) };
    // UPW progress is for cases under way (allocated): a case waiting for allocation has no
    // place here, so it is placed from its summary alone (`Facts::access`).
    let case_access = Facts::load(stores, actor, uk_date(now)).await?.access(&case);
    if case_access == CaseAccess::None || !access::may_see_upw_progress(actor.user, case_access) {
        return Err(ServiceError::forbidden());
    }
    actor.record_read(stores, now, crn, route).await
}

/// A scheduled session and what the actor may do with it.
#[derive(Debug, Clone)]
pub struct SessionAccess {
    pub session: StoredSession,
    pub project: Project,
    /// `View` or `Run`, never `None`.
    pub access: UpwAccess,
}

/// The stored session `id`, its project and what this actor may do with it
/// (`access::upw_access` for the project's borough). `Forbidden` before `NotFound`, so a
/// session id tells someone outside UPW nothing.
pub async fn session_access(stores: &Stores, actor: Actor<'_>, id: &str) -> Result<SessionAccess, ServiceError> {
    upw_staff(actor.user)?;
    let Some(session) = stores.upw.session(id).await? else {
        return Err(ServiceError::NotFound(format!(
            "There is no scheduled unpaid work session {id}. Schedule its week first."
        )));
    };
    let project = stores
        .upw
        .projects()
        .await?
        .into_iter()
        .find(|p| p.code == session.session.project)
        .ok_or_else(|| ServiceError::Internal(format!("session {id}: project missing")))?;
    let snapshot = crate::actor::snapshot(stores, actor).await?;
    let org = &snapshot.org;
    match access::upw_access(actor.user, &project.borough, org) {
        UpwAccess::None => Err(ServiceError::forbidden()),
        access => Ok(SessionAccess { session, project, access }),
    }
}

/// The session `id`, if this actor runs it (records the day, stands it down, places people):
/// as [`session_access`], and `Forbidden` for one who may only look.
pub async fn session_to_run(stores: &Stores, actor: Actor<'_>, id: &str) -> Result<StoredSession, ServiceError> {
    match session_access(stores, actor, id).await? {
        SessionAccess { access: UpwAccess::Run, session, .. } => Ok(session),
        _ => Err(ServiceError::forbidden()),
    }
}

/// The places taken on a session.
async fn places_on(stores: &Stores, s: &StoredSession) -> Result<Vec<store::upw::Allocation>, ServiceError> {
    let on = s.session.start.date();
    Ok(stores.upw.allocations(on, on).await?.into_iter().filter(|a| a.session == s.session.id).collect())
}

/// The people booked on a session, as (CRN, appointment): what the attendance form may name
/// (`super::parse_attendance`).
pub async fn booked_on(stores: &Stores, s: &StoredSession) -> Result<Vec<(Crn, LocalId)>, ServiceError> {
    Ok(places_on(stores, s).await?.into_iter().map(|a| (a.crn, a.appointment)).collect())
}

/// A person booked on a session, as the register shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct BookedPerson {
    pub crn: Crn,
    /// "First Family"; `None` when withheld (a limited-access list bars this actor, or the
    /// record has no person): the register shows them by CRN only.
    pub name: Option<String>,
    pub appointment: LocalId,
    pub recurrence: Recurrence,
    pub outcome: Option<Outcome>,
    /// Minutes credited for the session once its outcome is recorded (the timesheet's, or
    /// the session's length for an attended outcome without one).
    pub credited_minutes: Option<u32>,
    /// On an ETE session: the person's ETE credit for the session's requirement.
    pub ete: Option<EteCredit>,
}

/// ETE credit against its cap (30% of the hours ordered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EteCredit {
    pub credited_minutes: u32,
    pub cap_minutes: u32,
    pub cap_reached: bool,
}

/// A session's register.
#[derive(Debug, Clone)]
pub struct Register {
    pub session: StoredSession,
    pub project: Project,
    /// The project's borough by name, or its code when the organisation does not list it.
    pub borough: String,
    pub supervisor: Option<Supervisor>,
    /// `View` or `Run`: whether the actor records the day.
    pub access: UpwAccess,
    pub booked: Vec<BookedPerson>,
}

/// The register of session `id`, if this actor may see it ([`session_access`]), on `today`.
pub async fn register(stores: &Stores, actor: Actor<'_>, today: Date, id: &str) -> Result<Register, ServiceError> {
    let SessionAccess { session, project, access } = session_access(stores, actor, id).await?;
    let facts = Facts::load(stores, actor, today).await?;
    let s = &session.session;
    let supervisor = stores.upw.supervisors().await?.into_iter().find(|x| x.code == s.supervisor);
    let mut booked = Vec::new();
    for place in places_on(stores, &session).await? {
        booked.push(booked_person(stores, &facts, actor, today, s, place).await?);
    }
    let borough = facts
        .org()
        .boroughs
        .iter()
        .find(|b| b.code == project.borough)
        .map_or_else(|| project.borough.to_string(), |b| b.name.to_string());
    Ok(Register { session, project, borough, supervisor, access, booked })
}

async fn booked_person(
    stores: &Stores,
    facts: &Facts<'_>,
    actor: Actor<'_>,
    today: Date,
    s: &PlannedSession,
    place: store::upw::Allocation,
) -> Result<BookedPerson, ServiceError> {
    let (crn, appointment) = (place.crn, place.appointment);
    let state = folded(stores, &crn).await?;
    let entries = facts.snapshot.limits.get(&crn).map_or(&[][..], Vec::as_slice);
    // A person on a limited-access list barred to this actor is shown by CRN only.
    let name = match (&state.person, access::barred(&actor.user.username, entries, today)) {
        (Some(p), false) => Some(format!("{} {}", p.first_name, p.family_name)),
        _ => None,
    };
    let record = state.appointments.iter().find(|a| a.appointment.id == appointment);
    let outcome = record.and_then(|r| r.outcome);
    let credited_minutes = match (record, outcome) {
        (Some(r), Some(o)) => Some(
            state
                .unpaid_work
                .timesheet(&appointment)
                .map_or(if o.attended() { u32::from(r.appointment.minutes) } else { 0 }, |t| t.credited_minutes(o)),
        ),
        _ => None,
    };
    // On an ETE session, the register says when the person's ETE credit reached its cap.
    let ete = if s.ete {
        let requirement = record.and_then(|r| r.appointment.requirement.clone());
        let progress = progress_of(stores, &state, today, &Default::default()).await.map_err(|e| match e {
            UpwError::Invalid { message, .. } => ServiceError::Internal(message),
            UpwError::Store(e) => ServiceError::Store(e),
        })?;
        progress.into_iter().find(|p| Some(&p.requirement) == requirement.as_ref()).map(|p| EteCredit {
            credited_minutes: p.ete_credited_minutes,
            cap_minutes: p.ete_cap_minutes,
            cap_reached: p.ete_cap_reached,
        })
    } else {
        None
    };
    Ok(BookedPerson { crn, name, appointment, recurrence: place.recurrence, outcome, credited_minutes, ete })
}

/// A session of the week as the week's page lists it.
#[derive(Debug, Clone)]
pub struct WeekSession {
    pub session: PlannedSession,
    /// Whether it runs: `false` when its supervisor does not work that day or is absent.
    pub runs: bool,
    pub project: String,
    /// The project's borough by name, or its code when the organisation does not list it.
    pub borough: String,
    /// The supervisor's name, or their code when unknown.
    pub supervisor: String,
    /// Places taken, from the week's allocations.
    pub taken: u32,
}

/// The week's sessions this actor may see.
#[derive(Debug, Clone)]
pub struct Week {
    /// The most the actor's role allows anywhere (`View` or `Run`): whether they schedule.
    pub access: UpwAccess,
    /// By day, then project name.
    pub sessions: Vec<WeekSession>,
}

/// The week from `monday`, if the actor is UPW staff ([`upw_staff`]): the projects' days for
/// the week (so a session not yet scheduled shows too), only in boroughs the actor's scope
/// covers (`access::upw_access`), with the places taken from the allocations.
pub async fn week(stores: &Stores, actor: Actor<'_>, monday: Date) -> Result<Week, ServiceError> {
    let role_access = upw_staff(actor.user)?;
    let sunday = super::week_end(monday);
    let snapshot = crate::actor::snapshot(stores, actor).await?;
    let org = &snapshot.org;
    let projects = stores.upw.projects().await?;
    let supervisors = stores.upw.supervisors().await?;
    let absences = stores.upw.absences(monday, sunday).await?;
    let allocations = stores.upw.allocations(monday, sunday).await?;
    let planned = upw::project::sessions_for_week(&projects, &supervisors, &absences, monday);
    let running = planned.sessions.into_iter().map(|s| (s, true));
    let not_running = planned.without_supervisor.into_iter().map(|s| (s, false));
    let mut sessions = Vec::new();
    for (s, runs) in running.chain(not_running) {
        let Some(project) = projects.iter().find(|p| p.code == s.project) else { continue };
        if access::upw_access(actor.user, &project.borough, org) == UpwAccess::None {
            continue;
        }
        let borough = org.boroughs.iter().find(|b| b.code == project.borough);
        sessions.push(WeekSession {
            runs,
            project: project.name.to_string(),
            borough: borough.map_or_else(|| project.borough.to_string(), |b| b.name.to_string()),
            supervisor: supervisors
                .iter()
                .find(|x| x.code == s.supervisor)
                .map_or_else(|| s.supervisor.to_string(), |x| x.name.to_string()),
            taken: allocations.iter().filter(|a| a.session == s.id).count() as u32,
            session: s,
        });
    }
    // A session's id ends with its date (`{project}-{YYYYMMDD}`).
    let day = |s: &WeekSession| s.session.id[s.session.id.len() - 8..].to_owned();
    sessions.sort_by(|a, b| (day(a), &a.project).cmp(&(day(b), &b.project)));
    Ok(Week { access: role_access, sessions })
}

/// One person's row of a session's register as typed: what happened and, when they attended,
/// when they started and finished.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterRow {
    pub crn: String,
    pub outcome: String,
    pub reason: String,
    pub started: String,
    pub finished: String,
}

impl RegisterRow {
    /// The name of one of a person's fields on the page: `outcome-X000001`.
    pub fn named(what: &str, crn: &str) -> String {
        format!("{what}-{crn}")
    }

    /// The name of one of this row's fields on the page.
    pub fn field(&self, what: &str) -> String {
        Self::named(what, &self.crn)
    }
}

/// The whole register of a session recorded at once: every row with an outcome chosen (rows
/// left blank are not recorded), each checked as the one-person form checks it
/// (`parse_attendance`) before anything is written, so one bad row writes nothing; each bad
/// field is named on its row (`started-X000001`). An outcome already recorded as chosen (the
/// button pressed twice) is not recorded again. Returns how many were recorded.
pub async fn record_register(
    stores: &Stores,
    actor: Actor<'_>,
    id: &str,
    rows: &[RegisterRow],
    now: Timestamp,
) -> Result<usize, ServiceError> {
    let session = session_to_run(stores, actor, id).await?;
    let booked = booked_on(stores, &session).await?;
    let chosen: Vec<&RegisterRow> = rows.iter().filter(|r| !r.outcome.is_empty()).collect();
    if chosen.is_empty() {
        let name = rows.first().map_or_else(|| "outcome".to_owned(), |r| r.field("outcome"));
        return Err(ServiceError::Invalid(vec![crate::FieldProblem::new(
            &name,
            format!("{name}: choose what happened for at least one person"),
        )]));
    }
    let mut problems = Vec::new();
    let mut ready = Vec::new();
    for row in chosen {
        let form = super::AttendanceForm {
            person: row.crn.clone(),
            outcome: row.outcome.clone(),
            reason: row.reason.clone(),
            started: row.started.clone(),
            finished: row.finished.clone(),
            ..Default::default()
        };
        match super::parse_attendance(&form, &booked) {
            Ok(a) => ready.push(a),
            Err(found) => problems.extend(
                found
                    .into_iter()
                    .map(|p| crate::FieldProblem::new(row.field(&p.field), format!("{}: {}", row.crn, p.message))),
            ),
        }
    }
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let by = actor.recorder();
    let mut recorded = 0;
    for a in ready {
        let state = case(stores, &a.crn).await?;
        let held = state.appointments.iter().find(|r| r.appointment.id == a.appointment);
        if held.is_some_and(|r| r.outcome == Some(a.outcome)) {
            continue;
        }
        super::record_attendance_on(stores, &state, &a.appointment, a.outcome, a.timesheet, &by, now).await?;
        recorded += 1;
    }
    Ok(recorded)
}
