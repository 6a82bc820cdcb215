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

use domain::case::CaseState;
use domain::contact::{Appointment, ContactKind, Outcome, RescheduledBy};
use domain::event::{CaseEvent, NewEvent};
use domain::ids::{Code, Crn, LocalId};
use domain::unpaid_work::Timesheet;
use store::upw::{Allocation, StandDownRecord};
use store::{CaseStore, StoreError, UpwStore};
use upw::policy::{AbsenceNotice, IncentivePolicy};
use upw::progress::Progress;
use upw::project::{PlannedSession, sessions_for_week};
use upw::{Assignment, Id, UnplacedReason};

#[derive(Debug, thiserror::Error)]
pub enum UpwError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
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

fn week_end(monday: Date) -> Date {
    monday.checked_add(jiff::Span::new().days(6)).expect("in range")
}

fn rejected(crn: &Crn, e: StoreError) -> UpwError {
    match e {
        StoreError::Rejected { problem, .. } => UpwError::Invalid(format!("{crn}: {problem}")),
        other => UpwError::Store(other),
    }
}

async fn case<S: CaseStore>(store: &S, crn: &Crn) -> Result<CaseState, UpwError> {
    let events = store.stream(crn).await?;
    if events.is_empty() {
        return Err(UpwError::Invalid(format!("crn: no case {crn}")));
    }
    CaseState::fold(crn.clone(), &events).map_err(|e| UpwError::Store(StoreError::Corrupt(e.to_string())))
}

async fn append<S: CaseStore>(
    store: &S,
    state: &CaseState,
    events: Vec<CaseEvent>,
    by: &Code,
    now: Timestamp,
) -> Result<u64, UpwError> {
    let new: Vec<NewEvent> =
        events.into_iter().map(|event| NewEvent { occurred_at: now, recorded_by: by.clone(), event }).collect();
    store.append(&state.crn, state.version, &new).await.map_err(|e| rejected(&state.crn, e))
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

/// Schedules the week starting `monday`: builds the instance from the store, keeps every
/// current allocation that is still feasible and fills the places left with the exact solver
/// (`upw::week::solve_keeping`: a re-run moves only people a change made infeasible), then
/// records the changes: a moved-off person's appointment gets
/// `Rescheduled (service)`, and each new place is allocated (the store refuses it if the
/// session is full) and booked on the case as an `UnpaidWork` appointment linked to the
/// requirement. Sessions before `today` are left as they are.
pub async fn schedule_week<S: CaseStore + UpwStore>(
    store: &S,
    monday: Date,
    today: Date,
    by: &Code,
    now: Timestamp,
) -> Result<ScheduleReport, UpwError> {
    if monday.weekday() != jiff::civil::Weekday::Monday {
        return Err(UpwError::Invalid(format!("week: {monday} is not a Monday")));
    }
    let sunday = week_end(monday);
    let projects = UpwStore::projects(store).await?;
    let supervisors = store.supervisors().await?;
    let absences = store.absences(monday, sunday).await?;
    let week = sessions_for_week(&projects, &supervisors, &absences, monday);
    let open: Vec<PlannedSession> = week.sessions.iter().filter(|s| s.start.date() >= today).cloned().collect();
    let open_ids: HashSet<&str> = open.iter().map(|s| s.id.as_str()).collect();

    let states = crate::generate::case_states(store).await?;
    // An allocation is made before its booking is appended to the case (two stores, two
    // transactions). If a run died between the two, the place has no booking: give it back
    // so this run can place the person properly.
    let booked: HashSet<(String, &str)> = states
        .iter()
        .flat_map(|s| s.appointments.iter().map(move |a| (s.crn.to_string(), a.appointment.id.as_str())))
        .collect();
    let mut current = Vec::new();
    for a in store.allocations(monday, sunday).await? {
        if booked.contains(&(a.crn.to_string(), a.appointment.as_str())) {
            current.push(a);
        } else {
            store.release(&a.session, &a.crn).await?;
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

    let orders: Vec<_> = states.iter().filter(|s| s.is_active()).flat_map(upw::people::upw_orders).collect();
    let instance = upw::week::build_instance(monday, &projects, &open, &orders, &scheduled, previous.clone())
        .map_err(|e| UpwError::Invalid(format!("instance: {e}")))?;
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
    .map_err(|e| UpwError::Invalid(format!("instance: {e}")))?;
    let solution = upw::week::solve_keeping(&instance);
    let changes = upw::week::changes(&previous, &solution);

    // Moves off first, so their places are free for the new bookings.
    for a in &changes.removed {
        let crn = Crn::parse(&id_text(&a.person)).map_err(|e| UpwError::Invalid(e.to_string()))?;
        let session = id_text(&a.session);
        let allocation = current.iter().find(|c| c.crn == crn && c.session == session).expect("from current");
        store.release(&session, &crn).await?;
        let state = case(store, &crn).await?;
        let open = state.appointments.iter().any(|r| r.appointment.id == allocation.appointment && r.outcome.is_none());
        if open {
            let event = CaseEvent::OutcomeRecorded {
                appointment: allocation.appointment.clone(),
                outcome: Outcome::Rescheduled { by: RescheduledBy::Service },
                note: None,
            };
            append(store, &state, vec![event], by, now).await?;
        }
    }
    store.put_sessions(&open).await?;
    let sessions: HashMap<&str, &PlannedSession> = open.iter().map(|s| (s.id.as_str(), s)).collect();
    let requirement: HashMap<String, LocalId> =
        orders.iter().map(|o| (o.crn.to_string(), o.requirement.clone())).collect();
    for a in &changes.added {
        let crn_text = id_text(&a.person);
        let crn = Crn::parse(&crn_text).map_err(|e| UpwError::Invalid(e.to_string()))?;
        let session = sessions[id_text(&a.session).as_str()];
        let state = case(store, &crn).await?;
        let appointment = Appointment {
            id: appointment_id(&state, &session.id),
            at: session.start,
            minutes: u16::try_from(session.minutes()).unwrap_or(u16::MAX),
            kind: ContactKind::UnpaidWork,
            requirement: requirement.get(&crn_text).cloned(),
        };
        let allocation = Allocation {
            session: session.id.clone(),
            crn: crn.clone(),
            appointment: appointment.id.clone(),
            on: session.start.date(),
        };
        store.allocate(&allocation).await?;
        if let Err(e) = append(store, &state, vec![CaseEvent::AppointmentBooked { appointment }], by, now).await {
            // The case refused the booking: give the place back so the schedule stays true.
            store.release(&session.id, &crn).await?;
            return Err(e);
        }
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
        moved_off: changes.removed.len(),
        unplaced: solution
            .unplaced
            .iter()
            .map(|u| UnplacedPerson { crn: id_text(&u.person), reason: u.reason, explanation: explain(u.reason) })
            .collect(),
        without_supervisor: week.without_supervisor.iter().map(|s| s.id.clone()).collect(),
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
pub async fn supervisor_absent<S: CaseStore + UpwStore>(
    store: &S,
    supervisor: &Code,
    on: Date,
    notice: AbsenceNotice,
    by: &Code,
    now: Timestamp,
) -> Result<AbsenceReport, UpwError> {
    store.record_absence(supervisor, on).await?;
    let mut stood_down = Vec::new();
    let allocations = store.allocations(on, on).await?;
    let mut sessions: Vec<String> = allocations.iter().map(|a| a.session.clone()).collect();
    sessions.dedup();
    for id in sessions {
        let Some(stored) = store.session(&id).await? else { continue };
        if &stored.session.supervisor != supervisor {
            continue;
        }
        let booked: Vec<(Crn, LocalId)> =
            allocations.iter().filter(|a| a.session == id).map(|a| (a.crn.clone(), a.appointment.clone())).collect();
        for s in upw::attendance::stand_down(&stored.session, &booked, notice) {
            let state = case(store, &s.crn).await?;
            let mut events =
                vec![CaseEvent::OutcomeRecorded { appointment: s.appointment.clone(), outcome: s.outcome, note: None }];
            if let Some(t) = s.timesheet {
                events.push(CaseEvent::UnpaidWorkTimeRecorded { appointment: s.appointment.clone(), timesheet: t });
            }
            append(store, &state, events, by, now).await?;
            store.release(&id, &s.crn).await?;
            store
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
        Some(schedule_week(store, monday, on, by, now).await?)
    } else {
        None
    };
    Ok(AbsenceReport { stood_down, rescheduled })
}

/// The supervisor's record of the day for one person: the outcome and, for an attended
/// outcome, the timesheet, appended together (one transaction) so hours are never lost.
pub async fn record_attendance<S: CaseStore>(
    store: &S,
    crn: &Crn,
    appointment: &LocalId,
    outcome: Outcome,
    timesheet: Option<Timesheet>,
    by: &Code,
    now: Timestamp,
) -> Result<u64, UpwError> {
    let state = case(store, crn).await?;
    if timesheet.is_some() && !outcome.attended() {
        return Err(UpwError::Invalid("timesheet: hours are credited for attended outcomes only".into()));
    }
    let mut events = vec![CaseEvent::OutcomeRecorded { appointment: appointment.clone(), outcome, note: None }];
    if let Some(t) = timesheet {
        events.push(CaseEvent::UnpaidWorkTimeRecorded { appointment: appointment.clone(), timesheet: t });
    }
    append(store, &state, events, by, now).await
}

/// Progress of each unpaid work requirement on the case.
pub async fn progress<S: CaseStore>(
    store: &S,
    crn: &Crn,
    today: Date,
    incentive: &IncentivePolicy,
) -> Result<Vec<Progress>, UpwError> {
    let state = case(store, crn).await?;
    let mut out = Vec::new();
    for s in &state.sentences {
        for r in &s.sentence.requirements {
            if matches!(r.kind, domain::sentence::RequirementKind::UnpaidWork { .. }) {
                let per_week = state
                    .unpaid_work
                    .needs_for(&r.id)
                    .map_or(upw::policy::DEFAULT_SESSIONS_PER_WEEK, |n| n.sessions_per_week);
                out.extend(upw::progress::progress(&state, &r.id, per_week, today, incentive));
            }
        }
    }
    Ok(out)
}

/// The placement notice for an allocated appointment.
pub async fn placement_notice<S: CaseStore + UpwStore>(
    store: &S,
    crn: &Crn,
    appointment: &LocalId,
) -> Result<String, UpwError> {
    let state = case(store, crn).await?;
    let Some(record) = state.appointments.iter().find(|a| &a.appointment.id == appointment) else {
        return Err(UpwError::Invalid(format!("appointment: no appointment {appointment} on {crn}")));
    };
    let on = record.appointment.at.date();
    let allocation = store
        .allocations(on, on)
        .await?
        .into_iter()
        .find(|a| &a.crn == crn && &a.appointment == appointment)
        .ok_or_else(|| UpwError::Invalid(format!("appointment: {appointment} is not an unpaid work allocation")))?;
    let session = store
        .session(&allocation.session)
        .await?
        .ok_or_else(|| UpwError::Store(StoreError::Corrupt(format!("session {} missing", allocation.session))))?;
    let project =
        UpwStore::projects(store).await?.into_iter().find(|p| p.code == session.session.project).ok_or_else(|| {
            UpwError::Store(StoreError::Corrupt(format!("project {} missing", session.session.project)))
        })?;
    let supervisor =
        store.supervisors().await?.into_iter().find(|s| s.code == session.session.supervisor).ok_or_else(|| {
            UpwError::Store(StoreError::Corrupt(format!("supervisor {} missing", session.session.supervisor)))
        })?;
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
    }))
}

/// Loads the synthetic projects and supervisors for the store's organisation (for the demo):
/// `per_borough` projects in each borough. Returns how many projects were written.
pub async fn seed_synthetic_projects<S: CaseStore + UpwStore>(
    store: &S,
    seed: u64,
    per_borough: usize,
) -> Result<usize, UpwError> {
    let org = store.organisation().await?;
    let boroughs: Vec<Code> = org.boroughs.iter().map(|b| b.code.clone()).collect();
    let (projects, supervisors) = upw::synthetic_projects(seed, &boroughs, per_borough);
    for s in &supervisors {
        store.put_supervisor(s).await?;
    }
    for p in &projects {
        store.put_project(p).await?;
    }
    Ok(projects.len())
}
