//! A whole day's appointments at once: an officer's appointments on their caseload on one day, and the outcomes of any of them recorded in one submission (as Manage People on
//! Probation lets an officer clear the day's contacts; docs/rules/practice.md#contact-compliance-and-enforcement).
//!
//! Nothing lost, nothing doubled: each case's row carries the version it was read at; every
//! answer is checked (the outcome's value, then the case's own rules on a copy) before anything
//! is written, so a bad answer or a case changed meanwhile writes nothing at all.

use crate::cases::{caseload, fold_all};
use crate::upw::outcome_named;
use crate::{Actor, FieldProblem, ServiceError, Stores};
use domain::case::{CaseState, uk_date};
use domain::contact::{Appointment, Outcome};
use domain::event::{CaseEvent, NewEvent};
use domain::ids::{Code, Crn, LocalId};
use jiff::Timestamp;
use jiff::civil::Date;
use store::{CaseStore, StoreError};

/// One appointment of the day.
#[derive(Debug, Clone, PartialEq)]
pub struct DayAppointment {
    pub crn: Crn,
    pub name: String,
    pub appointment: Appointment,
    pub outcome: Option<Outcome>,
    /// The case's version when read: what a submission from this page is checked against.
    pub version: u64,
}

impl DayAppointment {
    /// The name of this row's outcome field on the page (`outcome-X000001-C12`); its reason
    /// is `reason-` the same.
    pub fn field(&self) -> String {
        field("outcome", &self.crn, &self.appointment.id)
    }
}

fn field(what: &str, crn: &Crn, id: &LocalId) -> String {
    format!("{what}-{crn}-{id}")
}

/// An officer's day: every appointment dated `on` on the cases of their caseload this actor
/// may see, in time order (access as for the caseload itself).
pub async fn officer_day(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    officer: &Code,
    on: Date,
) -> Result<Vec<DayAppointment>, ServiceError> {
    let cases = caseload(stores, actor, now, officer).await?.cases;
    let states = fold_all(stores, &cases).await?;
    let mut day: Vec<DayAppointment> = cases
        .iter()
        .zip(&states)
        .flat_map(|(summary, state)| {
            state.appointments.iter().filter(|a| a.appointment.at.date() == on).map(|a| DayAppointment {
                crn: summary.crn.clone(),
                name: format!("{} {}", summary.first_name, summary.family_name),
                appointment: a.appointment.clone(),
                outcome: a.outcome,
                version: state.version,
            })
        })
        .collect();
    day.sort_by(|a, b| (a.appointment.at, &a.crn).cmp(&(b.appointment.at, &b.crn)));
    Ok(day)
}

/// One outcome as typed on the day's page: the appointment it is for, the outcome's value and
/// reason as the outcome form spells them, and the case version the page was read at (as
/// typed: the page carries it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedOutcome {
    pub crn: Crn,
    pub appointment: LocalId,
    pub outcome: String,
    pub reason: String,
    pub version: String,
}

/// Records the outcomes chosen on the day's page; rows left blank are not recorded. Every bad
/// answer is `ServiceError::Invalid` naming its row's field; a case changed since the page was
/// read is `StoreError::Conflict`. In both cases nothing is written. An outcome already
/// recorded as chosen (the button pressed twice) is not recorded again. Returns how many were
/// recorded.
pub async fn record_day(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    typed: &[TypedOutcome],
) -> Result<usize, ServiceError> {
    if !crate::access::may_record_kind(actor.user, "outcome_recorded") {
        return Err(ServiceError::Forbidden(crate::access::who_records("outcome_recorded")));
    }
    let chosen: Vec<&TypedOutcome> = typed.iter().filter(|t| !t.outcome.is_empty()).collect();
    if chosen.is_empty() {
        let name = typed.first().map_or_else(|| "outcome".to_owned(), |t| field("outcome", &t.crn, &t.appointment));
        return Err(ServiceError::Invalid(vec![FieldProblem::new(
            &name,
            format!("{name}: choose the outcome of at least one appointment"),
        )]));
    }
    // Each case once, in the order first met, with the version its rows carry and its outcomes.
    let mut problems = Vec::new();
    let mut by_case: Vec<(Crn, u64, Vec<&TypedOutcome>)> = Vec::new();
    for t in &chosen {
        let Ok(version) = t.version.parse::<u64>() else {
            let name = field("outcome", &t.crn, &t.appointment);
            problems.push(FieldProblem::new(
                &name,
                format!("{name}: the page did not say which version of the case it was read at; reload it"),
            ));
            continue;
        };
        match by_case.iter_mut().find(|(crn, ..)| crn == &t.crn) {
            Some((_, _, list)) => list.push(t),
            None => by_case.push((t.crn.clone(), version, vec![t])),
        }
    }
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    for (crn, ..) in &by_case {
        crate::cases::writable_case(stores, actor, now, crn).await?;
    }
    let crns: Vec<Crn> = by_case.iter().map(|(crn, ..)| crn.clone()).collect();
    let mut streams = stores.cases.streams(&crns).await?;
    let by = actor.recorder();
    let today = uk_date(now);
    let (mut ready, mut changed) = (Vec::new(), None);
    for (crn, version, list) in &by_case {
        let events = streams.remove(crn).unwrap_or_default();
        let state =
            CaseState::fold(crn.clone(), &events).map_err(|e| ServiceError::Internal(format!("case {crn}: {e}")))?;
        let mut after = state.clone();
        let mut new = Vec::new();
        for t in list {
            let name = field("outcome", crn, &t.appointment);
            let outcome = match outcome_named(&t.outcome, &t.reason) {
                Ok(o) => o,
                Err((part, why)) => {
                    // The reason's own field when it is the reason that is missing.
                    let named = if part == "reason" { field("reason", crn, &t.appointment) } else { name };
                    problems.push(FieldProblem::new(&named, format!("{named}: {why}")));
                    continue;
                }
            };
            // Already recorded so (a second press of the button, or a colleague): not again.
            let held = state.appointments.iter().find(|a| a.appointment.id == t.appointment);
            if held.is_some_and(|a| a.outcome == Some(outcome)) {
                continue;
            }
            let event = CaseEvent::OutcomeRecorded {
                appointment: t.appointment.clone(),
                outcome,
                note: None,
                sensitive: false,
            };
            match after.apply(&event, today) {
                Ok(()) => new.push(NewEvent { occurred_at: now, recorded_by: by.clone(), event }),
                Err(r) => problems.push(FieldProblem::new(&name, format!("{name}: {}", r.problem))),
            }
        }
        if !new.is_empty() && state.version != *version && changed.is_none() {
            changed = Some(StoreError::Conflict { crn: crn.clone(), expected: *version, actual: state.version });
        }
        if !new.is_empty() {
            ready.push((events, state, new));
        }
    }
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    if let Some(conflict) = changed {
        return Err(conflict.into());
    }
    // Every answer is good and every case as the page saw it: record them, case by case.
    let mut recorded = 0;
    for (past, state, new) in ready {
        crate::record::record_on(&*stores.cases, &past, state, &new, &by, now).await?;
        recorded += new.len();
    }
    Ok(recorded)
}
