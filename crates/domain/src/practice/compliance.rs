//! A compliance summary of the current sentence, as an officer, a manager and a court read it
//! (Manage People on Probation shows one per order): the failures within the breach window by
//! kind, the acceptable absences, absences still awaiting evidence, the warning letters of this
//! sentence, and a breach or recall in progress. Each count is of outcomes and events on the
//! record, so a page can open the timeline filtered to exactly them.

use super::policy::BREACH_WINDOW;
use crate::contact::{Outcome, SentHomeReason};
use crate::ids::LocalId;
use crate::state::CaseState;
use jiff::civil::Date;
use serde::Serialize;

/// The current sentence's compliance as at a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComplianceSummary {
    pub sentence: LocalId,
    /// The first day the counts cover: 12 months back (`BREACH_WINDOW`), or the sentence date
    /// if later.
    pub since: Date,
    pub unacceptable_absences: usize,
    /// Attended but failed to comply, or sent home for their behaviour.
    pub failed_to_comply: usize,
    pub acceptable_absences: usize,
    /// Failed to attend, the evidence for the absence not yet judged.
    pub awaiting_evidence: usize,
    /// Warning letters issued since the sentence began.
    pub warnings: usize,
    /// The open breach, by the day it was referred.
    pub breach_since: Option<Date>,
    /// A recall recommendation awaiting its decision, by the day it was made.
    pub recall_since: Option<Date>,
}

/// The summary for the current sentence, `None` without one.
pub fn compliance(case: &CaseState, today: Date) -> Option<ComplianceSummary> {
    let current = case.current_sentence()?;
    let sentenced = current.sentence.sentence_date;
    let since = BREACH_WINDOW.period.before(today).max(sentenced);
    let mut summary = ComplianceSummary {
        sentence: current.sentence.id.clone(),
        since,
        unacceptable_absences: 0,
        failed_to_comply: 0,
        acceptable_absences: 0,
        awaiting_evidence: 0,
        warnings: 0,
        breach_since: None,
        recall_since: None,
    };
    for a in &case.appointments {
        let on = a.appointment.at.date();
        if on < since || on > today {
            continue;
        }
        match a.outcome {
            Some(Outcome::UnacceptableAbsence) => summary.unacceptable_absences += 1,
            Some(Outcome::AttendedFailedToComply)
            | Some(Outcome::AttendedSentHome { reason: SentHomeReason::Behaviour }) => summary.failed_to_comply += 1,
            Some(Outcome::AcceptableAbsence { .. }) => summary.acceptable_absences += 1,
            Some(Outcome::FailedToAttend) => summary.awaiting_evidence += 1,
            _ => {}
        }
    }
    let enf = &case.practice.enforcement;
    summary.warnings = enf.warnings.iter().filter(|w| w.on >= sentenced).count();
    summary.breach_since = enf.open_breach().map(|b| b.referred_on);
    summary.recall_since = enf.open_recall().map(|r| r.recommended_on);
    Some(summary)
}
