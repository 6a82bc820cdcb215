//! RAR days as a budget (docs/rules/practice.md#rar-days: each RAR activity is a
//! contact linked to the requirement; if an attended contact is later changed to an
//! absence, its RAR day is given back).
//!
//! * Used: distinct dates of `rar_activity` appointments linked to the requirement whose
//!   *current* outcome is attended. Derived from the latest outcome, so a correction to an
//!   absence gives the day back with no event of its own.
//! * Booking: a RAR activity is refused (`appointment.requirement`) when the distinct dates
//!   used or booked (no outcome yet), with the new one, would exceed `max_days`.
//! * Pace ([`RAR_PACE`], [`RAR_PACE_NOTICE`]): at most one RAR day a week is assumed
//!   deliverable, so the days left and not yet booked must start no later than that many
//!   weeks before the sentence ends. That date is the item's due date; the warning appears 4
//!   weeks before it and is overdue once those days can no longer fit at one a week. Booking
//!   them ahead answers it.
//!
//! Known limit: correcting an absence back to attended is not refused even if the budget is
//! then exceeded; `used` reports it honestly and `left` stays at 0.

use super::policy::{RAR_PACE, RAR_PACE_NOTICE};
use crate::contact::{Appointment, ContactKind, Outcome};
use crate::ids::LocalId;
use crate::sentence::RequirementKind;
use crate::state::{AppointmentRecord, CaseState, Rejected};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RarProgress {
    pub requirement: LocalId,
    pub max_days: u16,
    pub used: u16,
    pub left: u16,
    pub sentence_end: Date,
}

fn rar_dates<'a>(
    case: &'a CaseState,
    requirement: &'a LocalId,
    keep: impl Fn(&AppointmentRecord) -> bool + 'a,
) -> BTreeSet<Date> {
    case.appointments
        .iter()
        .filter(|a| {
            a.appointment.kind == ContactKind::RarActivity && a.appointment.requirement.as_ref() == Some(requirement)
        })
        .filter(|a| keep(a))
        .map(|a| a.appointment.at.date())
        .collect()
}

fn count(dates: &BTreeSet<Date>) -> u16 {
    u16::try_from(dates.len()).unwrap_or(u16::MAX)
}

/// The RAR requirements of the active sentences with days used and left.
pub fn rar_progress(case: &CaseState) -> Vec<RarProgress> {
    case.sentences
        .iter()
        .filter(|s| s.is_active())
        .flat_map(|s| s.sentence.requirements.iter().map(move |r| (s, r)))
        .filter_map(|(s, r)| match r.kind {
            RequirementKind::Rar { max_days } => {
                let used = count(&rar_dates(case, &r.id, |a| a.outcome.is_some_and(Outcome::attended)));
                Some(RarProgress {
                    requirement: r.id.clone(),
                    max_days,
                    used,
                    left: max_days.saturating_sub(used),
                    sentence_end: s.sentence.end_date,
                })
            }
            _ => None,
        })
        .collect()
}

/// The gate for booking a RAR activity against a RAR requirement's budget.
pub(crate) fn check_booking(case: &CaseState, appointment: &Appointment) -> Result<(), Rejected> {
    if appointment.kind != ContactKind::RarActivity {
        return Ok(());
    }
    let Some(req) = &appointment.requirement else { return Ok(()) };
    let max_days = case.sentences.iter().flat_map(|s| &s.sentence.requirements).find_map(|r| match r.kind {
        RequirementKind::Rar { max_days } if &r.id == req => Some(max_days),
        _ => None,
    });
    let Some(max_days) = max_days else { return Ok(()) };
    let mut committed = rar_dates(case, req, |a| a.outcome.is_none_or(Outcome::attended));
    committed.insert(appointment.at.date());
    if count(&committed) > max_days {
        return Err(Rejected {
            field: "appointment.requirement",
            problem: format!(
                "RAR requirement {req} has {max_days} days and all are used or booked: this booking would exceed it"
            ),
        });
    }
    Ok(())
}

/// A RAR pace warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RarPace {
    pub requirement: LocalId,
    pub left: u16,
    /// Of the days left, those booked from today on (no outcome yet).
    pub booked: u16,
    /// The last date the days left and not yet booked can start and still fit at one a week.
    pub latest_start: Date,
}

/// RAR requirements whose days left and not yet booked are close to (or past) not fitting at
/// one a week before the sentence ends. Booking the days ahead answers the warning: it asks
/// the officer to plan them, and they are planned (whether they are delivered is the MI
/// measure's question, which counts days used).
pub fn rar_pace(case: &CaseState, today: Date) -> Vec<RarPace> {
    rar_progress(case)
        .into_iter()
        .filter(|p| p.left > 0 && today <= p.sentence_end)
        .filter_map(|p| {
            let ahead = |a: &AppointmentRecord| a.outcome.is_none() && a.appointment.at.date() >= today;
            let booked = count(&rar_dates(case, &p.requirement, ahead)).min(p.left);
            let unbooked = p.left - booked;
            // One RAR day per RAR_PACE period: `unbooked` periods back from the sentence end.
            let latest_start = (0..unbooked).fold(p.sentence_end, |d, _| RAR_PACE.period.before(d));
            (unbooked > 0 && today >= RAR_PACE_NOTICE.period.before(latest_start)).then_some(RarPace {
                requirement: p.requirement,
                left: p.left,
                booked,
                latest_start,
            })
        })
        .collect()
}
