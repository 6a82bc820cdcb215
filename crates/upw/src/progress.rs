//! Progress of an unpaid work requirement (issue 5, "Progress"): hours done against ordered,
//! the projected completion against the 12-month deadline, and the 7-business-day service
//! level for arranging the first session.

use std::collections::HashSet;

use jiff::civil::Date;
use serde::Serialize;

use domain::calendar::add_business_days;
use domain::case::CaseState;
use domain::contact::ContactKind;
use domain::ids::LocalId;

use crate::credit::credit;
use crate::people::{UpwOrder, deadline};
use crate::policy::{ARRANGE_WITHIN_BUSINESS_DAYS, IncentivePolicy, TYPICAL_SESSION_MINUTES};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    pub requirement: LocalId,
    pub ordered_minutes: u32,
    /// Credit that counts toward the order (ETE only up to its cap).
    pub credited_minutes: u32,
    /// Credit on education, training and employment sessions, against its cap (30% of the
    /// hours ordered); past the cap, ETE hours do not count.
    pub ete_credited_minutes: u32,
    pub ete_cap_minutes: u32,
    pub ete_cap_reached: bool,
    /// Minutes taken off the order by the incentive (0 when the policy is off).
    pub incentive_minutes: u32,
    pub remaining_minutes: u32,
    pub deadline: Date,
    /// At the person's planned rate (sessions a week x a 7-hour session), from `today`.
    pub projected_completion: Option<Date>,
    /// The remaining hours cannot be worked before the deadline at that rate.
    pub at_risk: bool,
    pub first_session: Option<Date>,
    /// First session within 7 business days of allocation; `None` while not yet due.
    pub arranged_in_time: Option<bool>,
    pub enforceable_failures: u32,
}

/// Progress of the UPW requirement `requirement` on `today`, as if no session were ETE.
/// `sessions_per_week` is the person's planned rate (from their needs record or the default).
pub fn progress(
    state: &CaseState,
    requirement: &LocalId,
    sessions_per_week: u8,
    today: Date,
    incentive: &IncentivePolicy,
) -> Option<Progress> {
    progress_with_ete(state, requirement, sessions_per_week, today, incentive, &HashSet::new())
}

/// As `progress`, where `ete` holds the appointments made on education, training and
/// employment sessions: their credit counts only up to 30% of the hours ordered.
pub fn progress_with_ete(
    state: &CaseState,
    requirement: &LocalId,
    sessions_per_week: u8,
    today: Date,
    incentive: &IncentivePolicy,
    ete: &HashSet<LocalId>,
) -> Option<Progress> {
    let (sentence, hours) = state.sentences.iter().find_map(|s| {
        s.sentence.requirements.iter().find(|r| &r.id == requirement).and_then(|r| match r.kind {
            domain::sentence::RequirementKind::UnpaidWork { hours } => Some((&s.sentence, hours)),
            _ => None,
        })
    })?;
    let ordered = u32::from(hours) * 60;
    let credit = credit(state, requirement, ordered, ete);
    let credited = credit.counted_minutes;
    let upw: Vec<_> = state
        .appointments
        .iter()
        .filter(|a| {
            a.appointment.kind == ContactKind::UnpaidWork && a.appointment.requirement.as_ref() == Some(requirement)
        })
        .collect();
    let enforceable_failures = upw.iter().filter(|a| a.outcome.is_some_and(|o| o.is_enforceable())).count() as u32;
    let incentive_minutes = incentive_reduction(incentive, ordered, credited, enforceable_failures);
    let remaining = ordered.saturating_sub(credited + incentive_minutes);
    let deadline = deadline(sentence.sentence_date, sentence.end_date);
    let rate = u32::from(sessions_per_week.max(1)) * TYPICAL_SESSION_MINUTES;
    let projected_completion = if remaining == 0 {
        None
    } else {
        let weeks = remaining.div_ceil(rate);
        today.checked_add(jiff::Span::new().weeks(i64::from(weeks))).ok()
    };
    let at_risk = projected_completion.is_some_and(|d| d > deadline);
    let first_session = upw.iter().map(|a| a.appointment.at.date()).min();
    let allocated = state.practice.first_allocated_on.unwrap_or(sentence.sentence_date);
    let due = add_business_days(allocated, ARRANGE_WITHIN_BUSINESS_DAYS);
    let arranged_in_time = match first_session {
        Some(d) => Some(d <= due),
        None if today > due => Some(false),
        None => None,
    };
    Some(Progress {
        requirement: requirement.clone(),
        ordered_minutes: ordered,
        credited_minutes: credited,
        ete_credited_minutes: credit.ete_minutes,
        ete_cap_minutes: credit.ete_cap_minutes,
        ete_cap_reached: credit.ete_minutes > 0 && credit.ete_cap_reached(),
        incentive_minutes,
        remaining_minutes: remaining,
        deadline,
        projected_completion,
        at_risk,
        first_session,
        arranged_in_time,
        enforceable_failures,
    })
}

/// Minutes off the order under the incentive: none until `after_share` of the order is
/// worked with no enforceable failure, then `minutes_off_per_hour` per hour worked, capped
/// at `max_share` of the order.
pub fn incentive_reduction(policy: &IncentivePolicy, ordered: u32, credited: u32, enforceable_failures: u32) -> u32 {
    if !policy.enabled || enforceable_failures > 0 || f64::from(credited) < policy.after_share * f64::from(ordered) {
        return 0;
    }
    let earned = credited / 60 * policy.minutes_off_per_hour;
    let cap = (policy.max_share * f64::from(ordered)).floor() as u32;
    earned.min(cap)
}

/// Progress of an order as the scheduler sees it (no incentive).
pub fn order_progress(state: &CaseState, order: &UpwOrder, today: Date) -> Option<Progress> {
    progress(state, &order.requirement, order.needs.sessions_per_week, today, &IncentivePolicy::default())
}
