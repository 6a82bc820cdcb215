//! Running the day: the supervisor's record, and what a supervisor's absence does to the
//! people booked (docs/rules/practice.md#unpaid-work; issue 5, "Running the day").

use serde::Serialize;

use domain::contact::{Outcome, RescheduledBy, SentHomeReason};
use domain::ids::{Crn, LocalId};
pub use domain::unpaid_work::{ADJUSTMENT_CAP_MINUTES, Timesheet};

use crate::policy::{AbsenceNotice, Notify, StandDownCredit, stand_down_rule};
use crate::project::PlannedSession;

/// What to record for one person booked on a session whose supervisor is absent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StandDown {
    pub crn: Crn,
    pub appointment: LocalId,
    pub session: String,
    pub outcome: Outcome,
    /// The timesheet to record when the policy credits the session.
    pub timesheet: Option<Timesheet>,
    pub credited_minutes: u32,
    pub notify: Notify,
    pub reschedule: bool,
}

/// Applies the stand-down policy table to everyone booked on `session`.
pub fn stand_down(session: &PlannedSession, booked: &[(Crn, LocalId)], notice: AbsenceNotice) -> Vec<StandDown> {
    let rule = stand_down_rule(notice);
    booked
        .iter()
        .map(|(crn, appointment)| {
            let (outcome, timesheet) = match rule.credit {
                StandDownCredit::None => (Outcome::Rescheduled { by: RescheduledBy::Service }, None),
                StandDownCredit::FullSession => (
                    // They came and were sent home by the service: attended, not enforceable.
                    Outcome::AttendedSentHome { reason: SentHomeReason::ServiceIssue },
                    Some(Timesheet {
                        started: session.start.time(),
                        finished: session.end.time(),
                        penalty_minutes: 0,
                        travel_minutes: 0,
                        other_minutes: 0,
                    }),
                ),
            };
            StandDown {
                crn: crn.clone(),
                appointment: appointment.clone(),
                session: session.id.clone(),
                outcome,
                credited_minutes: timesheet.map_or(0, |t| t.credited_minutes(outcome)),
                timesheet,
                notify: rule.notify,
                reschedule: rule.reschedule,
            }
        })
        .collect()
}
