//! Credit toward an order, with education, training and employment (ETE) capped (docs/rules/practice.md#unpaid-work:
//! "Up to 30% of hours may be spent on education, training and employment").
//!
//! Whether a session was ETE is a fact of the schedule (its project), not of the case record,
//! so the caller passes the ids of the appointments made on ETE sessions.

use std::collections::HashSet;

use serde::Serialize;

use domain::case::CaseState;
use domain::contact::ContactKind;
use domain::ids::LocalId;

use crate::policy::ete_cap_minutes;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Credit {
    /// Every minute credited on the day, ETE included (`domain::unpaid_work::credited_minutes`).
    pub worked_minutes: u32,
    /// Of those, minutes on ETE sessions.
    pub ete_minutes: u32,
    /// 30% of the hours ordered.
    pub ete_cap_minutes: u32,
    /// What counts toward the order: everything else, plus ETE up to the cap.
    pub counted_minutes: u32,
}

impl Credit {
    /// ETE credit has reached the cap: further ETE hours do not count.
    pub fn ete_cap_reached(&self) -> bool {
        self.ete_minutes >= self.ete_cap_minutes
    }

    /// ETE minutes that did not count because the cap was reached.
    pub fn ete_over_cap(&self) -> u32 {
        self.ete_minutes.saturating_sub(self.ete_cap_minutes)
    }

    /// ETE minutes the order still has room for.
    pub fn ete_left(&self) -> u32 {
        self.ete_cap_minutes.saturating_sub(self.ete_minutes)
    }
}

/// Credit toward the UPW requirement `requirement` of `ordered_minutes`; `ete` holds the
/// appointments made on ETE sessions.
pub fn credit(state: &CaseState, requirement: &LocalId, ordered_minutes: u32, ete: &HashSet<LocalId>) -> Credit {
    let (mut worked, mut on_ete) = (0u32, 0u32);
    for a in state.appointments.iter().filter(|a| {
        a.appointment.kind == ContactKind::UnpaidWork && a.appointment.requirement.as_ref() == Some(requirement)
    }) {
        let Some(outcome) = a.outcome else { continue };
        // The same rule as `domain::unpaid_work::credited_minutes`, one appointment at a time.
        let minutes = match state.unpaid_work.timesheet(&a.appointment.id) {
            Some(t) => t.credited_minutes(outcome),
            None if outcome.attended() => u32::from(a.appointment.minutes),
            None => 0,
        };
        worked += minutes;
        if ete.contains(&a.appointment.id) {
            on_ete += minutes;
        }
    }
    let cap = ete_cap_minutes(ordered_minutes);
    Credit {
        worked_minutes: worked,
        ete_minutes: on_ete,
        ete_cap_minutes: cap,
        counted_minutes: worked - on_ete.saturating_sub(cap),
    }
}
