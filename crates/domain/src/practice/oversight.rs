//! Management oversight (issue 3, item 10): a senior probation officer's record of what they
//! reviewed on a case, whether the work was sufficient, and the actions that follow, each with
//! an owner and a due date. The report found management oversight had a positive impact on
//! public protection in only one third of relevant cases (docs/rules/practice.md#management-oversight), so
//! an action not done by its date comes back on the officer's worklist.

use crate::ids::{Code, LocalId, Note};
pub use crate::state::oversight::{Judgement, OversightAction, OversightRecord};
use crate::state::{CaseState, Rejected};
use jiff::civil::Date;
use std::collections::BTreeSet;

fn reject<T>(field: &'static str, problem: impl Into<String>) -> Result<T, Rejected> {
    Err(Rejected { field, problem: problem.into() })
}

/// Actions still open on the case, with their record.
pub fn open_actions(case: &CaseState) -> impl Iterator<Item = &OversightAction> {
    case.practice.oversight.iter().flat_map(|r| r.actions.iter().filter(move |a| !r.is_done(&a.id)))
}

/// Open actions past their due date on `today`.
pub fn overdue_actions(case: &CaseState, today: Date) -> impl Iterator<Item = &OversightAction> {
    open_actions(case).filter(move |a| a.due < today)
}

fn action_exists(case: &CaseState, id: &LocalId) -> bool {
    case.practice.oversight.iter().any(|r| r.actions.iter().any(|a| &a.id == id))
}

/// Records oversight. Refused: a second record with the same id; an insufficient judgement
/// without an action (something must follow it); an action id already used on the case or
/// twice in the record; an owner who is neither the responsible officer nor the recording
/// manager (nobody else is known to the case); a due date before the oversight.
pub(crate) fn record(
    case: &mut CaseState,
    id: &LocalId,
    by_manager: &Code,
    reviewed: &Note,
    judgement: Judgement,
    actions: &[OversightAction],
    on: Date,
) -> Result<(), Rejected> {
    if case.practice.oversight.iter().any(|r| &r.id == id) {
        return reject("oversight", format!("oversight {id} is already recorded"));
    }
    if judgement == Judgement::Insufficient && actions.is_empty() {
        return reject("actions", "insufficient work needs at least one action");
    }
    let officer = case.officer.as_ref().map(|a| &a.officer);
    let mut seen = BTreeSet::new();
    for a in actions {
        if !seen.insert(&a.id) || action_exists(case, &a.id) {
            return reject("actions.id", format!("action {} already exists", a.id));
        }
        if Some(&a.owner) != officer && &a.owner != by_manager {
            return reject(
                "actions.owner",
                format!("{} is not known to this case: the owner is the responsible officer or the manager", a.owner),
            );
        }
        if a.due < on {
            return reject("actions.due", format!("action {} is due before the oversight ({on})", a.id));
        }
    }
    case.practice.oversight.push(OversightRecord {
        id: id.clone(),
        on,
        by_manager: by_manager.clone(),
        reviewed: reviewed.clone(),
        judgement,
        actions: actions.to_vec(),
        completed: Vec::new(),
    });
    Ok(())
}

/// Completes an open action, on or after the oversight that set it.
pub(crate) fn complete(case: &mut CaseState, action: &LocalId, on: Date) -> Result<(), Rejected> {
    let Some(record) = case.practice.oversight.iter_mut().find(|r| r.actions.iter().any(|a| &a.id == action)) else {
        return reject("action", format!("no oversight action {action} on this case"));
    };
    if record.is_done(action) {
        return reject("action", format!("action {action} is already complete"));
    }
    if on < record.on {
        return reject("on", "an action cannot be completed before the oversight that set it");
    }
    record.completed.push((action.clone(), on));
    Ok(())
}
