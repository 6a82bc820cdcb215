//! Unpaid work use cases over any store that is both a [`CaseStore`] and an [`UpwStore`]:
//! scheduling a week (`probity upw schedule`, and later the UPW staff page), a supervisor's
//! absence, the supervisor's record of the day, progress and the placement notice.
//!
//! The rules are pure and live in the `upw` crate; here they meet the store. The case log
//! holds every appointment and outcome; the UPW tables hold the schedule and refuse an
//! allocation over a session's capacity in their own transaction.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::stores::Stores;
use domain::case::CaseState;
use domain::contact::{Appointment, ContactKind, Outcome, RescheduledBy};
use domain::event::{CaseEvent, NewEvent};
use domain::ids::{Code, Crn, LocalId};
use domain::unpaid_work::Timesheet;
use store::upw::{Allocation, StandDownRecord};
use store::{CaseStore, StoreError, UpwStore};
use upw::allocate::{Placement, Recurrence};
use upw::policy::{AbsenceNotice, IncentivePolicy};
use upw::progress::Progress;
use upw::project::{PlannedSession, sessions_for_week};
use upw::{Assignment, Id, UnplacedReason};

mod attendance;
pub mod view;
pub use attendance::{Attendance, AttendanceForm, outcome_named, outcome_of, parse_attendance};

#[derive(Debug, thiserror::Error)]
pub enum UpwError {
    /// A value that cannot be accepted: `field` names it (a form's field, a CLI flag's name);
    /// `message` is a sentence beginning with it.
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<UpwError> for crate::error::ServiceError {
    fn from(e: UpwError) -> Self {
        match e {
            UpwError::Invalid { field, message } => crate::error::ServiceError::field(field, message),
            UpwError::Store(e) => crate::error::ServiceError::Store(e),
        }
    }
}

/// A person the schedule could not place, and why in plain words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnplacedPerson {
    pub crn: String,
    pub reason: UnplacedReason,
    pub explanation: &'static str,
}

/// What `schedule_week` did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScheduleReport {
    pub week: String,
    pub objective: f64,
    pub people: usize,
    pub sessions: usize,
    pub placements: usize,
    /// Sessions people could have taken this week (their limit) that they were not given.
    pub unmet_sessions: u32,
    pub kept: usize,
    pub booked: usize,
    /// Of the places booked, those recurring from an earlier week.
    pub carried: usize,
    pub moved_off: usize,
    pub unplaced: Vec<UnplacedPerson>,
    /// Sessions with no supervisor this week (not working that day, or absent).
    pub without_supervisor: Vec<String>,
}

pub fn explain(reason: UnplacedReason) -> &'static str {
    match reason {
        UnplacedReason::ZeroMaxSessions => "not to be scheduled this week",
        UnplacedReason::NoTravelOption => "no project within reach has a session this week",
        UnplacedReason::PlacementSuitability => "no session suits the placement needed (women-only or singleton)",
        UnplacedReason::NoAvailableDay => "no suitable session falls on a day the person can work",
        UnplacedReason::AllSessionsClash => "every suitable session clashes with another appointment or commitment",
        UnplacedReason::NotWorthwhile => "the travel would cost more than the session is worth",
        UnplacedReason::SessionsFull => "the suitable sessions are full with people whose hours are more urgent",
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> UpwError {
    UpwError::Invalid { field, message: message.into() }
}

fn week_end(monday: Date) -> Date {
    monday.checked_add(jiff::Span::new().days(6)).expect("in range")
}

fn rejected(crn: &Crn, e: StoreError) -> UpwError {
    match e {
        StoreError::Rejected { field, problem, .. } => invalid("crn", format!("{crn}: {field}: {problem}")),
        other => UpwError::Store(other),
    }
}

async fn case(stores: &Stores, crn: &Crn) -> Result<CaseState, UpwError> {
    let events = stores.cases.stream(crn).await?;
    if events.is_empty() {
        return Err(invalid("crn", format!("crn: no case {crn}")));
    }
    CaseState::fold(crn.clone(), &events).map_err(|e| UpwError::Store(StoreError::Corrupt(e.to_string())))
}

async fn append(
    stores: &Stores,
    state: &CaseState,
    events: Vec<CaseEvent>,
    by: &Code,
    now: Timestamp,
) -> Result<u64, UpwError> {
    let new: Vec<NewEvent> =
        events.into_iter().map(|event| NewEvent { occurred_at: now, recorded_by: by.clone(), event }).collect();
    stores.cases.append(&state.crn, state.version, &new, now).await.map_err(|e| rejected(&state.crn, e))
}

/// A free appointment id for a session on a case: `UPW-{session}`, suffixed if a previous
/// booking of the same session (since moved) holds it.
fn appointment_id(state: &CaseState, session: &str) -> LocalId {
    let taken = |id: &str| state.appointments.iter().any(|a| a.appointment.id.as_str() == id);
    let base = format!("UPW-{session}");
    let mut id = base.clone();
    let mut n = 2;
    while taken(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    LocalId::parse(&id).expect("session ids make valid appointment ids")
}

/// The case, folded; `None` when the CRN has no events.
async fn case_if_any(stores: &Stores, crn: &Crn) -> Result<Option<CaseState>, UpwError> {
    let events = stores.cases.stream(crn).await?;
    if events.is_empty() {
        return Ok(None);
    }
    CaseState::fold(crn.clone(), &events).map(Some).map_err(|e| UpwError::Store(StoreError::Corrupt(e.to_string())))
}

/// The appointments made on education, training and employment sessions, by person.
async fn ete_by_person(stores: &Stores, crn: Option<&Crn>) -> Result<HashMap<Crn, HashSet<LocalId>>, UpwError> {
    let mut out: HashMap<Crn, HashSet<LocalId>> = HashMap::new();
    for (c, a) in stores.upw.ete_appointments(crn).await? {
        out.entry(c).or_default().insert(a);
    }
    Ok(out)
}

/// Schedules the week starting `monday`: builds the instance from the store, keeps every
/// current allocation that is still feasible, then the placements recurring from earlier
/// weeks (weekly from last week, fortnightly from the week before: `upw::allocate::carried`),
/// and fills the places left with the exact solver (`upw::week::solve_keeping`, held to each
/// person's 30% ETE allowance by `solve_within_ete`), then records the changes: a moved-off
/// person's appointment gets `Rescheduled (service)`, and each new place is allocated (the
/// store refuses it if the session is full) and booked on the case as an `UnpaidWork`
/// appointment linked to the requirement. The scheduler's own new places recur weekly
/// (`policy::SCHEDULER_RECURRENCE`); a carried place keeps its recurrence. Sessions before
/// `today` are left as they are.
///
/// Only the histories of people with an unpaid work requirement are read
/// (`UpwStore::upw_cases`), and of anyone holding a place this week.
pub async fn schedule_week(
    stores: &Stores,
    monday: Date,
    today: Date,
    by: &Code,
    now: Timestamp,
) -> Result<ScheduleReport, UpwError> {
    if monday.weekday() != jiff::civil::Weekday::Monday {
        return Err(invalid("week", format!("week: {monday} is not a Monday")));
    }
    let sunday = week_end(monday);
    let projects = stores.upw.projects().await?;
    let supervisors = stores.upw.supervisors().await?;
    let absences = stores.upw.absences(monday, sunday).await?;
    let week = sessions_for_week(&projects, &supervisors, &absences, monday);
    let open: Vec<PlannedSession> = week.sessions.iter().filter(|s| s.start.date() >= today).cloned().collect();
    let open_ids: HashSet<&str> = open.iter().map(|s| s.id.as_str()).collect();

    let allocations = stores.upw.allocations(monday, sunday).await?;
    let mut crns: Vec<Crn> = stores.upw.upw_cases().await?;
    crns.extend(allocations.iter().map(|a| a.crn.clone()));
    crns.sort();
    crns.dedup();
    let mut states: Vec<CaseState> = Vec::with_capacity(crns.len());
    for crn in &crns {
        states.extend(case_if_any(stores, crn).await?);
    }
    // An allocation is made before its booking is appended to the case (two stores, two
    // transactions). If a run died between the two, the place has no booking: give it back
    // so this run can place the person properly.
    let booked: HashSet<(&Crn, &LocalId)> =
        states.iter().flat_map(|s| s.appointments.iter().map(move |a| (&s.crn, &a.appointment.id))).collect();
    let mut current = Vec::new();
    for a in allocations {
        if booked.contains(&(&a.crn, &a.appointment)) {
            current.push(a);
        } else {
            stores.upw.release(&a.session, &a.crn).await?;
        }
    }
    let scheduled: HashSet<LocalId> = current.iter().map(|a| a.appointment.clone()).collect();
    // Allocations on past (or cancelled) sessions stay as history; they use up the week.
    let mut used: HashMap<String, u32> = HashMap::new();
    for a in current.iter().filter(|a| !open_ids.contains(a.session.as_str())) {
        *used.entry(a.crn.to_string()).or_default() += 1;
    }
    let previous: Vec<Assignment> = current
        .iter()
        .filter(|a| open_ids.contains(a.session.as_str()))
        .map(|a| Assignment { person: Id::Text(a.crn.to_string()), session: Id::Text(a.session.clone()) })
        .collect();

    // Placements recurring from the two weeks before, after this week's own in `previous`:
    // where both want the same day, the place the person already holds wins.
    let earlier_from = monday.checked_sub(jiff::Span::new().days(14)).expect("in range");
    let earlier_to = monday.checked_sub(jiff::Span::new().days(1)).expect("in range");
    let earlier_sessions: HashMap<String, PlannedSession> = stores
        .upw
        .sessions_between(earlier_from, earlier_to)
        .await?
        .into_iter()
        .map(|s| (s.session.id.clone(), s.session))
        .collect();
    let earlier_allocations = stores.upw.allocations(earlier_from, earlier_to).await?;
    let placements: Vec<Placement<'_>> = earlier_allocations
        .iter()
        .filter_map(|a| {
            earlier_sessions.get(&a.session).map(|session| Placement {
                person: Id::Text(a.crn.to_string()),
                session,
                recurrence: a.recurrence,
            })
        })
        .collect();
    let carried_list: Vec<(Assignment, Recurrence)> =
        upw::allocate::carried(monday, &placements, &open).into_iter().filter(|(a, _)| !previous.contains(a)).collect();
    let mut wanted = previous.clone();
    wanted.extend(carried_list.iter().map(|(a, _)| a.clone()));
    let carried: HashMap<Assignment, Recurrence> = carried_list.into_iter().collect();

    let ete = ete_by_person(stores, None).await?;
    let none = HashSet::new();
    let orders: Vec<_> = states
        .iter()
        .filter(|s| s.is_active())
        .flat_map(|s| upw::people::upw_orders_with_ete(s, ete.get(&s.crn).unwrap_or(&none)))
        .collect();
    let instance = upw::week::build_instance(monday, &projects, &open, &orders, &scheduled, wanted)
        .map_err(|e| invalid("instance", format!("instance: {e}")))?;
    // Sessions already held this week count against the person's weekly limit.
    let people: Vec<upw::Person> = instance
        .people()
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p.max_sessions = p.max_sessions.saturating_sub(used.get(&id_text(&p.id)).copied().unwrap_or(0));
            p
        })
        .collect();
    let instance = upw::Instance::new(
        instance.week(),
        people,
        instance.sessions().to_vec(),
        instance.travel().to_vec(),
        instance.previous().to_vec(),
    )
    .map_err(|e| invalid("instance", format!("instance: {e}")))?;
    let limits = upw::week::ete_limits(&open, &orders, &scheduled);
    let solution = upw::week::solve_within_ete(&instance, &limits);
    let changes = upw::week::changes(&previous, &solution);

    // Moves off first, so their places are free for the new bookings.
    for a in &changes.removed {
        let crn = Crn::parse(&id_text(&a.person)).map_err(|e| invalid(e.field, e.to_string()))?;
        let session = id_text(&a.session);
        let allocation = current.iter().find(|c| c.crn == crn && c.session == session).expect("from current");
        stores.upw.release(&session, &crn).await?;
        let state = case(stores, &crn).await?;
        let open = state.appointments.iter().any(|r| r.appointment.id == allocation.appointment && r.outcome.is_none());
        if open {
            let event = CaseEvent::OutcomeRecorded {
                appointment: allocation.appointment.clone(),
                outcome: Outcome::Rescheduled { by: RescheduledBy::Service },
                note: None,
                sensitive: false,
            };
            append(stores, &state, vec![event], by, now).await?;
        }
    }
    stores.upw.put_sessions(&open).await?;
    let sessions: HashMap<&str, &PlannedSession> = open.iter().map(|s| (s.id.as_str(), s)).collect();
    let requirement: HashMap<String, LocalId> =
        orders.iter().map(|o| (o.crn.to_string(), o.requirement.clone())).collect();
    // A person's new places are booked on their case together: one append each.
    let mut carried_in = 0;
    let mut by_person: Vec<(String, Vec<(&PlannedSession, Recurrence)>)> = Vec::new();
    for a in &changes.added {
        let crn_text = id_text(&a.person);
        let session = sessions[id_text(&a.session).as_str()];
        let recurrence = match carried.get(a) {
            Some(&r) => {
                carried_in += 1;
                r
            }
            None => upw::policy::SCHEDULER_RECURRENCE,
        };
        match by_person.last_mut() {
            Some((c, list)) if *c == crn_text => list.push((session, recurrence)),
            _ => by_person.push((crn_text, vec![(session, recurrence)])),
        }
    }
    for (crn_text, places) in &by_person {
        let crn = Crn::parse(crn_text).map_err(|e| invalid(e.field, e.to_string()))?;
        book(stores, &crn, places, requirement.get(crn_text).cloned(), by, now).await?;
    }

    let unmet_sessions = {
        let placed: HashMap<&Id, u32> = solution.assignments.iter().fold(HashMap::new(), |mut m, a| {
            *m.entry(&a.person).or_default() += 1;
            m
        });
        instance.people().iter().map(|p| p.max_sessions.saturating_sub(placed.get(&p.id).copied().unwrap_or(0))).sum()
    };
    Ok(ScheduleReport {
        week: monday.to_string(),
        objective: solution.objective,
        people: instance.people().len(),
        sessions: instance.sessions().len(),
        placements: solution.assignments.len(),
        unmet_sessions,
        kept: changes.kept.len(),
        booked: changes.added.len(),
        carried: carried_in,
        moved_off: changes.removed.len(),
        unplaced: solution
            .unplaced
            .iter()
            .map(|u| UnplacedPerson { crn: id_text(&u.person), reason: u.reason, explanation: explain(u.reason) })
            .collect(),
        without_supervisor: week.without_supervisor.iter().map(|s| s.id.clone()).collect(),
    })
}

/// Takes the places (each guarded by the store) and books them on the case in one append; if
/// a place cannot be taken or the case refuses the bookings, every place taken here is given
/// back so the schedule stays true. Returns the appointments and the case's version.
async fn book(
    stores: &Stores,
    crn: &Crn,
    places: &[(&PlannedSession, Recurrence)],
    requirement: Option<LocalId>,
    by: &Code,
    now: Timestamp,
) -> Result<(Vec<LocalId>, u64), UpwError> {
    let state = case(stores, crn).await?;
    let mut events = Vec::new();
    let mut taken: Vec<&str> = Vec::new();
    for &(session, recurrence) in places {
        let appointment = Appointment {
            id: appointment_id(&state, &session.id),
            at: session.start,
            minutes: u16::try_from(session.minutes()).unwrap_or(u16::MAX),
            kind: ContactKind::UnpaidWork,
            requirement: requirement.clone(),
        };
        let allocation = Allocation {
            session: session.id.clone(),
            crn: crn.clone(),
            appointment: appointment.id.clone(),
            on: session.start.date(),
            recurrence,
        };
        if let Err(e) = stores.upw.allocate(&allocation).await {
            for t in taken {
                stores.upw.release(t, crn).await?;
            }
            return Err(e.into());
        }
        taken.push(&session.id);
        events.push(CaseEvent::AppointmentBooked { appointment });
    }
    let ids = events
        .iter()
        .filter_map(|e| match e {
            CaseEvent::AppointmentBooked { appointment } => Some(appointment.id.clone()),
            _ => None,
        })
        .collect();
    match append(stores, &state, events, by, now).await {
        Ok(version) => Ok((ids, version)),
        Err(e) => {
            for t in taken {
                stores.upw.release(t, crn).await?;
            }
            Err(e)
        }
    }
}

/// A person placed by hand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Allocated {
    pub crn: String,
    pub session: String,
    pub appointment: String,
    pub recurrence: Recurrence,
    /// The case's version after the booking.
    pub version: u64,
}

/// The session `id` with its places taken and whether its supervisor is absent: as stored, or
/// as its project plans it for that week (so a person can be placed before the week is
/// scheduled).
async fn find_session(stores: &Stores, id: &str) -> Result<(PlannedSession, u32, bool, bool), UpwError> {
    let unknown = || invalid("session", format!("session: no unpaid work session {id}"));
    let stored = stores.upw.session(id).await?;
    let on = match &stored {
        Some(s) => s.session.start.date(),
        None => upw::project::session_date(id).ok_or_else(unknown)?,
    };
    let projects = stores.upw.projects().await?;
    let supervisors = stores.upw.supervisors().await?;
    let absences = stores.upw.absences(on, on).await?;
    let week = sessions_for_week(&projects, &supervisors, &absences, upw::project::monday_of(on));
    let booked = stored.as_ref().map_or(0, |s| s.booked);
    if let Some(s) = week.sessions.into_iter().find(|s| s.id == id) {
        return Ok((s, booked, false, stored.is_some()));
    }
    if let Some(s) = week.without_supervisor.into_iter().find(|s| s.id == id) {
        return Ok((s, booked, true, stored.is_some()));
    }
    stored.map(|s| (s.session, s.booked, false, true)).ok_or_else(unknown)
}

/// Places one person on one session by hand, recurring as asked (`probity upw allocate` and
/// the register page). Refused, naming the field and writing nothing, when the CRN or session
/// is unknown, the person has no unpaid work hours outstanding, or the placement breaks a rule
/// (`upw::allocate::check_allocation`: suitability, a day they cannot work, another session
/// that day, a clash with any booked appointment or a time they cannot work, the ETE
/// allowance, a full session, a past session, an absent supervisor).
pub async fn allocate(
    stores: &Stores,
    crn: &Crn,
    session: &str,
    recurrence: Recurrence,
    today: Date,
    by: &Code,
    now: Timestamp,
) -> Result<Allocated, UpwError> {
    let Some(state) = case_if_any(stores, crn).await? else {
        return Err(invalid("crn", format!("crn: no case {crn}")));
    };
    let (session, booked, supervisor_absent, stored) = find_session(stores, session).await?;
    let ete = ete_by_person(stores, Some(crn)).await?.remove(crn).unwrap_or_default();
    let orders = if state.is_active() { upw::people::upw_orders_with_ete(&state, &ete) } else { Vec::new() };
    let Some(order) = orders.first() else {
        return Err(invalid("crn", format!("crn: {crn} has no unpaid work hours outstanding")));
    };
    let on = session.start.date();
    let same_day = stores.upw.allocations(on, on).await?.into_iter().find(|a| &a.crn == crn).map(|a| a.session);
    let holding = upw::allocate::Holding { booked, same_day: same_day.as_deref(), supervisor_absent };
    upw::allocate::check_allocation(order, &session, &holding, order.ete_allowance(&HashSet::new()), today)
        .map_err(|r| invalid(r.field, r.to_string()))?;
    if !stored {
        stores.upw.put_sessions(std::slice::from_ref(&session)).await?;
    }
    let (appointments, version) =
        book(stores, crn, &[(&session, recurrence)], Some(order.requirement.clone()), by, now).await.map_err(|e| {
            match e {
                // Another allocator took the last place first.
                UpwError::Store(StoreError::Field { field, problem }) if field == "session" => {
                    invalid("session", problem)
                }
                other => other,
            }
        })?;
    Ok(Allocated {
        crn: crn.to_string(),
        session: session.id.clone(),
        appointment: appointments.first().map(ToString::to_string).unwrap_or_default(),
        recurrence,
        version,
    })
}

fn id_text(id: &Id) -> String {
    match id {
        Id::Text(s) => s.clone(),
        Id::Int(n) => n.to_string(),
    }
}

/// What a supervisor's absence did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbsenceReport {
    pub stood_down: Vec<upw::attendance::StandDown>,
    /// The re-run of the week, when the policy reschedules.
    pub rescheduled: Option<ScheduleReport>,
}

/// A supervisor cannot work on `on`: everyone booked on their sessions that day is stood
/// down per the policy table (outcome, credit, notification), counted for MI, and the week
/// is re-scheduled so they are placed elsewhere where possible.
pub async fn supervisor_absent(
    stores: &Stores,
    supervisor: &Code,
    on: Date,
    notice: AbsenceNotice,
    by: &Code,
    now: Timestamp,
) -> Result<AbsenceReport, UpwError> {
    stores.upw.record_absence(supervisor, on).await?;
    let mut stood_down = Vec::new();
    let allocations = stores.upw.allocations(on, on).await?;
    let mut sessions: Vec<String> = allocations.iter().map(|a| a.session.clone()).collect();
    sessions.dedup();
    for id in sessions {
        let Some(stored) = stores.upw.session(&id).await? else { continue };
        if &stored.session.supervisor != supervisor {
            continue;
        }
        let booked: Vec<(Crn, LocalId)> =
            allocations.iter().filter(|a| a.session == id).map(|a| (a.crn.clone(), a.appointment.clone())).collect();
        for s in upw::attendance::stand_down(&stored.session, &booked, notice) {
            let state = case(stores, &s.crn).await?;
            let mut events = vec![CaseEvent::OutcomeRecorded {
                appointment: s.appointment.clone(),
                outcome: s.outcome,
                note: None,
                sensitive: false,
            }];
            if let Some(t) = s.timesheet {
                events.push(CaseEvent::UnpaidWorkTimeRecorded { appointment: s.appointment.clone(), timesheet: t });
            }
            append(stores, &state, events, by, now).await?;
            stores.upw.release(&id, &s.crn).await?;
            stores
                .upw
                .record_stand_down(&StandDownRecord {
                    session: id.clone(),
                    crn: s.crn.clone(),
                    appointment: s.appointment.clone(),
                    on,
                    notice,
                    credited_minutes: s.credited_minutes,
                })
                .await?;
            stood_down.push(s);
        }
    }
    let reschedule = upw::policy::stand_down_rule(notice).reschedule;
    let rescheduled = if reschedule {
        let monday =
            on.checked_sub(jiff::Span::new().days(i64::from(on.weekday().to_monday_zero_offset()))).expect("in range");
        Some(schedule_week(stores, monday, on, by, now).await?)
    } else {
        None
    };
    Ok(AbsenceReport { stood_down, rescheduled })
}

/// The supervisor's record of the day for one person: the outcome and, for an attended
/// outcome, the timesheet, appended together (one transaction) so hours are never lost.
pub async fn record_attendance(
    stores: &Stores,
    crn: &Crn,
    appointment: &LocalId,
    outcome: Outcome,
    timesheet: Option<Timesheet>,
    by: &Code,
    now: Timestamp,
) -> Result<u64, UpwError> {
    record_attendance_on(stores, &case(stores, crn).await?, appointment, outcome, timesheet, by, now).await
}

/// [`record_attendance`] on a case the caller has just read.
pub(crate) async fn record_attendance_on(
    stores: &Stores,
    state: &CaseState,
    appointment: &LocalId,
    outcome: Outcome,
    timesheet: Option<Timesheet>,
    by: &Code,
    now: Timestamp,
) -> Result<u64, UpwError> {
    if timesheet.is_some() && !outcome.attended() {
        return Err(invalid("timesheet", "timesheet: hours are credited for attended outcomes only"));
    }
    let mut events =
        vec![CaseEvent::OutcomeRecorded { appointment: appointment.clone(), outcome, note: None, sensitive: false }];
    if let Some(t) = timesheet {
        events.push(CaseEvent::UnpaidWorkTimeRecorded { appointment: appointment.clone(), timesheet: t });
    }
    append(stores, state, events, by, now).await
}

/// Progress of each unpaid work requirement on the case, ETE credit counted up to its cap.
pub async fn progress(
    stores: &Stores,
    crn: &Crn,
    today: Date,
    incentive: &IncentivePolicy,
) -> Result<Vec<Progress>, UpwError> {
    let state = case(stores, crn).await?;
    progress_of(stores, &state, today, incentive).await
}

/// As [`progress`], for a case already folded.
async fn progress_of(
    stores: &Stores,
    state: &CaseState,
    today: Date,
    incentive: &IncentivePolicy,
) -> Result<Vec<Progress>, UpwError> {
    let crn = &state.crn;
    let ete = ete_by_person(stores, Some(crn)).await?.remove(crn).unwrap_or_default();
    let mut out = Vec::new();
    for s in &state.sentences {
        for r in &s.sentence.requirements {
            if matches!(r.kind, domain::sentence::RequirementKind::UnpaidWork { .. }) {
                let per_week = state
                    .unpaid_work
                    .needs_for(&r.id)
                    .map_or(upw::policy::DEFAULT_SESSIONS_PER_WEEK, |n| n.sessions_per_week);
                out.extend(upw::progress::progress_with_ete(state, &r.id, per_week, today, incentive, &ete));
            }
        }
    }
    Ok(out)
}

/// The placement notice for an allocated appointment.
pub async fn placement_notice(stores: &Stores, crn: &Crn, appointment: &LocalId) -> Result<String, UpwError> {
    let state = case(stores, crn).await?;
    let Some(record) = state.appointments.iter().find(|a| &a.appointment.id == appointment) else {
        return Err(invalid("appointment", format!("appointment: no appointment {appointment} on {crn}")));
    };
    let on = record.appointment.at.date();
    let allocation = stores
        .upw
        .allocations(on, on)
        .await?
        .into_iter()
        .find(|a| &a.crn == crn && &a.appointment == appointment)
        .ok_or_else(|| {
            invalid("appointment", format!("appointment: {appointment} is not an unpaid work allocation"))
        })?;
    let session = stores
        .upw
        .session(&allocation.session)
        .await?
        .ok_or_else(|| UpwError::Store(StoreError::Corrupt(format!("session {} missing", allocation.session))))?;
    let project =
        stores.upw.projects().await?.into_iter().find(|p| p.code == session.session.project).ok_or_else(|| {
            UpwError::Store(StoreError::Corrupt(format!("project {} missing", session.session.project)))
        })?;
    let supervisor =
        stores.upw.supervisors().await?.into_iter().find(|s| s.code == session.session.supervisor).ok_or_else(
            || UpwError::Store(StoreError::Corrupt(format!("supervisor {} missing", session.session.supervisor))),
        )?;
    let person = state.person.as_ref().expect("a case always has a person");
    let name = format!("{} {}", person.first_name, person.family_name);
    // The first session starts with an induction (health and safety, the rules of the site).
    let first = !state
        .appointments
        .iter()
        .any(|a| a.appointment.kind == ContactKind::UnpaidWork && a.outcome.is_some_and(Outcome::attended));
    Ok(upw::notice::placement_notice(&upw::notice::NoticeFor {
        name: &name,
        crn: crn.as_str(),
        project: &project,
        supervisor: &supervisor,
        start: session.session.start,
        end: session.session.end,
        induction: first,
        journey: Some(upw::travel::journey(person.home_borough.as_ref(), &project)),
    }))
}

/// Loads the synthetic projects and supervisors for the store's organisation (for the demo):
/// `per_borough` projects in each borough. Returns how many projects were written.
pub async fn seed_synthetic_projects(stores: &Stores, seed: u64, per_borough: usize) -> Result<usize, UpwError> {
    let org = stores.cases.organisation().await?;
    let boroughs: Vec<Code> = org.boroughs.iter().map(|b| b.code.clone()).collect();
    let (projects, supervisors) = upw::synthetic_projects(seed, &boroughs, per_borough);
    for s in &supervisors {
        stores.upw.put_supervisor(s).await?;
    }
    for p in &projects {
        stores.upw.put_project(p).await?;
    }
    Ok(projects.len())
}
