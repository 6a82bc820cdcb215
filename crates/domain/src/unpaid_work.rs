//! Unpaid work (UPW) facts on the case record (docs/rules/practice.md#unpaid-work): what the person can
//! attend (recorded by the officer) and the supervisor's timesheet for a session, with the
//! credit rule. The weekly scheduler and the rest of UPW live in the `upw` crate.

use crate::contact::{ContactKind, Outcome};
use crate::ids::{InvalidValue, LocalId};
use crate::sentence::RequirementKind;
pub use crate::state::unpaid_work::{
    ADJUSTMENT_CAP_MINUTES, BusyPeriod, BusyReason, Timesheet, UnpaidWorkNeeds, UnpaidWorkRecord, WorkDay,
};
use crate::state::{CaseState, Rejected};

fn invalid(e: InvalidValue) -> Rejected {
    Rejected { field: e.field, problem: e.problem }
}

/// The gate for `UnpaidWorkNeedsRecorded`: the requirement must be unpaid work on this case.
pub fn record_needs(state: &mut CaseState, requirement: &LocalId, needs: &UnpaidWorkNeeds) -> Result<(), Rejected> {
    needs.validate().map_err(invalid)?;
    let is_upw = state
        .sentences
        .iter()
        .flat_map(|s| &s.sentence.requirements)
        .any(|r| &r.id == requirement && matches!(r.kind, RequirementKind::UnpaidWork { .. }));
    if !is_upw {
        return Err(invalid(InvalidValue::new(
            "requirement",
            format!("no unpaid work requirement {requirement} on this case"),
        )));
    }
    let record = &mut state.unpaid_work;
    record.needs.retain(|(r, _)| r != requirement);
    record.needs.push((requirement.clone(), needs.clone()));
    Ok(())
}

/// The gate for `UnpaidWorkTimeRecorded`: an unpaid work appointment whose outcome is an
/// attended one (credit is for attended outcomes only), and a valid timesheet.
pub fn record_time(state: &mut CaseState, appointment: &LocalId, timesheet: &Timesheet) -> Result<(), Rejected> {
    timesheet.validate().map_err(invalid)?;
    let Some(a) = state.appointments.iter().find(|a| &a.appointment.id == appointment) else {
        return Err(invalid(InvalidValue::new("appointment", format!("no appointment {appointment} on this case"))));
    };
    if a.appointment.kind != ContactKind::UnpaidWork {
        return Err(invalid(InvalidValue::new("appointment", format!("{appointment} is not an unpaid work session"))));
    }
    if !a.outcome.is_some_and(Outcome::attended) {
        return Err(invalid(InvalidValue::new(
            "appointment",
            format!("{appointment} has no attended outcome: record the attendance first"),
        )));
    }
    let record = &mut state.unpaid_work;
    record.timesheets.retain(|(x, _)| x != appointment);
    record.timesheets.push((appointment.clone(), *timesheet));
    Ok(())
}

/// Minutes credited so far towards a requirement: each attended session's timesheet, or its
/// booked length when the supervisor recorded attendance without adjustments.
pub fn credited_minutes(state: &CaseState, requirement: &LocalId) -> u32 {
    state
        .appointments
        .iter()
        .filter(|a| {
            a.appointment.kind == ContactKind::UnpaidWork && a.appointment.requirement.as_ref() == Some(requirement)
        })
        .filter_map(|a| {
            let outcome = a.outcome?;
            Some(match state.unpaid_work.timesheet(&a.appointment.id) {
                Some(t) => t.credited_minutes(outcome),
                None if outcome.attended() => u32::from(a.appointment.minutes),
                None => 0,
            })
        })
        .sum()
}
