//! Contact rules (docs/rules/practice.md#contact): when the first
//! appointment, the next face-to-face contact and the sentence plan are due, which
//! failed-to-attend outcomes are waiting for evidence, and the fault of a supervised case
//! with nothing due and nothing booked (nobody is lost).

use super::policy::{
    EVIDENCE_WINDOW, FIRST_APPOINTMENT_COMMUNITY, FIRST_APPOINTMENT_RELEASE, SENTENCE_PLAN, next_face_to_face,
};
use crate::contact::{Appointment, Outcome};
use crate::ids::LocalId;
use crate::sentence::SentenceKind;
use crate::state::{CaseState, SentenceRecord};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The date supervision in the community began for the current sentence: the sentence date
/// for a community sentence, the release for a custodial one (`None` before release).
pub fn supervision_start(case: &CaseState) -> Option<Date> {
    let current = case.current_sentence()?;
    match current.sentence.kind {
        SentenceKind::Custodial => current.released_on,
        _ => Some(current.sentence.sentence_date),
    }
}

/// Attended face-to-face contacts on or after `from`, by date.
fn seen_since(case: &CaseState, from: Date) -> impl Iterator<Item = Date> + '_ {
    case.appointments
        .iter()
        .filter(move |a| {
            a.appointment.kind.is_face_to_face()
                && a.outcome.is_some_and(Outcome::attended)
                && a.appointment.at.date() >= from
        })
        .map(|a| a.appointment.at.date())
}

/// The first attended face-to-face contact of the current supervision.
pub fn first_seen(case: &CaseState) -> Option<Date> {
    seen_since(case, supervision_start(case)?).min()
}

/// The latest attended face-to-face contact of the current supervision.
pub fn last_seen(case: &CaseState) -> Option<Date> {
    seen_since(case, supervision_start(case)?).max()
}

/// When the first appointment is due: 5 business days from allocation (or the sentence, if
/// later) for a community sentence, 1 business day from release for a custodial one.
pub fn first_appointment_due(case: &CaseState) -> Option<Date> {
    let current: &SentenceRecord = case.current_sentence()?;
    match current.sentence.kind {
        SentenceKind::Custodial => Some(FIRST_APPOINTMENT_RELEASE.after(current.released_on?)),
        _ => {
            let sentenced = current.sentence.sentence_date;
            let allocated = case.practice.first_allocated_on.map_or(sentenced, |a| a.max(sentenced));
            Some(FIRST_APPOINTMENT_COMMUNITY.after(allocated))
        }
    }
}

/// When the next face-to-face contact is due after the last one, by the frequency table
/// (tier and RoSH, and weeks into supervision at the last contact), never beyond the monthly
/// floor.
/// `None` until the first appointment has happened.
pub fn next_face_to_face_due(case: &CaseState) -> Option<Date> {
    let start = supervision_start(case)?;
    let last = last_seen(case)?;
    let days = start.until(last).map_or(0, |s| s.get_days());
    let weeks = u32::try_from(days / 7).unwrap_or(0);
    let tier = case.tier.and_then(|t| match t.v3 {
        crate::tier::V3Tier::Level(level) => Some(level),
        crate::tier::V3Tier::NotSupervised | crate::tier::V3Tier::Missing => None,
    });
    Some(next_face_to_face(last, tier, case.rosh(), weeks))
}

/// The sentence plan is due 15 business days after the first appointment.
pub fn sentence_plan_due(case: &CaseState) -> Option<Date> {
    first_seen(case).map(|d| SENTENCE_PLAN.after(d))
}

/// When the sentence plan for the current supervision was started: the first objective
/// agreed since the sentence began.
pub fn sentence_plan_started(case: &CaseState) -> Option<Date> {
    let from = case.current_sentence()?.sentence.sentence_date;
    case.practice.objectives_agreed_on.iter().map(|(_, d)| *d).filter(|d| *d >= from).min()
}

/// Failed-to-attend outcomes still waiting for evidence, with the date the evidence window
/// closes (5 working days after the appointment).
pub fn evidence_deadlines(case: &CaseState) -> Vec<(&LocalId, Date)> {
    case.appointments
        .iter()
        .filter(|a| a.outcome == Some(Outcome::FailedToAttend))
        .map(|a| (&a.appointment.id, EVIDENCE_WINDOW.after(a.appointment.at.date())))
        .collect()
}

/// The person's appointment a booking at `at` for `minutes` would overlap, if any: unpaid
/// work, a RAR activity, a programme session or any other contact (issue 17: a booking that
/// clashes is refused, naming the clash). One that ended as an acceptable absence or was
/// never attended still holds its time: what was booked is what the person was told. One
/// rescheduled (cancelled, to be booked again) no longer does.
pub fn clash(case: &CaseState, at: jiff::civil::DateTime, minutes: u16) -> Option<&Appointment> {
    let end = |start: jiff::civil::DateTime, m: u16| start.checked_add(jiff::Span::new().minutes(i64::from(m))).ok();
    let this_end = end(at, minutes)?;
    case.appointments
        .iter()
        .filter(|a| !matches!(a.outcome, Some(Outcome::Rescheduled { .. })))
        .map(|a| &a.appointment)
        .find(|a| end(a.at, a.minutes).is_some_and(|other_end| a.at < this_end && at < other_end))
}

/// A face-to-face appointment without an outcome, dated between `from` and `due`: the
/// contact that is due is in hand.
pub fn booked_between(case: &CaseState, from: Date, due: Date) -> Option<&Appointment> {
    case.appointments
        .iter()
        .filter(|a| a.outcome.is_none() && a.appointment.kind.is_face_to_face())
        .map(|a| &a.appointment)
        .filter(|a| a.at.date() >= from && a.at.date() <= due)
        .min_by_key(|a| a.at)
}

/// Any appointment without an outcome on or after `today`.
pub fn anything_booked(case: &CaseState, today: Date) -> bool {
    case.appointments.iter().any(|a| a.outcome.is_none() && a.appointment.at.date() >= today)
}

/// Why a supervised case has no contact due: the explicit fault that keeps anyone from
/// being lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unplanned {
    /// Nobody is responsible for booking contact.
    NoOfficer,
    /// The expected release date has passed with no release recorded: the person may be
    /// in the community, unseen.
    ReleaseNotRecorded,
}

impl Unplanned {
    pub fn label(self) -> &'static str {
        match self {
            Unplanned::NoOfficer => "no responsible officer is allocated",
            Unplanned::ReleaseNotRecorded => "the expected release date has passed with no release recorded",
        }
    }
}

/// The contact position of a case on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ContactDue {
    /// No community contact is required: no active sentence, in custody before the
    /// expected release, or past the end of the sentence.
    NotRequired,
    /// Not yet seen in this supervision.
    FirstAppointment { due: Date, booked: bool },
    /// Seen; the next face-to-face contact by the frequency table.
    FaceToFace { due: Date, last_seen: Date, booked: bool },
    /// Supervised, but no rule gives a due date and nothing is booked: a fault.
    Unplanned { since: Date, why: Unplanned },
}

/// Where contact stands on `today`.
pub fn contact_due(case: &CaseState, today: Date) -> ContactDue {
    let Some(current) = case.current_sentence() else { return ContactDue::NotRequired };
    if today > current.sentence.end_date {
        return ContactDue::NotRequired;
    }
    let booked_ahead = anything_booked(case, today);
    let Some(start) = supervision_start(case) else {
        // In custody: contact starts at release, unless the release should have happened.
        return match &current.sentence.custody {
            Some(c) if c.release_date < today && !booked_ahead => {
                ContactDue::Unplanned { since: c.release_date, why: Unplanned::ReleaseNotRecorded }
            }
            _ => ContactDue::NotRequired,
        };
    };
    if case.officer.is_none() {
        return if booked_ahead {
            ContactDue::NotRequired
        } else {
            ContactDue::Unplanned { since: start, why: Unplanned::NoOfficer }
        };
    }
    // A contact is in hand when one is booked by its due date; once it is overdue, when one
    // is booked from today on: booking is then all the officer can still do, and the lateness
    // stays in the record (the summary's contact due date, the MI measures).
    let in_hand = |from: Date, due: Date| {
        booked_between(case, from, due).is_some() || (due < today && booked_between(case, today, Date::MAX).is_some())
    };
    match (last_seen(case), next_face_to_face_due(case)) {
        (Some(last), Some(due)) => {
            let booked = in_hand(last.tomorrow().unwrap_or(last), due);
            ContactDue::FaceToFace { due, last_seen: last, booked }
        }
        _ => {
            let due = first_appointment_due(case).expect("supervision has started, so a first appointment is due");
            ContactDue::FirstAppointment { due, booked: in_hand(start, due) }
        }
    }
}

// A method of the case, but it is these rules: kept here so that `state` stays below them.
impl CaseState {
    /// The date by which the next face-to-face contact must happen, or `None` when none is
    /// required (no active sentence, or in custody): the first appointment deadline until
    /// the person has been seen, then the contact frequency table. The same rules drive the
    /// worklist (`practice::contact`), so the caseload page and the worklist agree.
    pub fn contact_due_by(&self) -> Option<Date> {
        next_face_to_face_due(self).or_else(|| first_appointment_due(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_booking_clashes_with_any_overlapping_appointment_and_only_those() {
        use crate::contact::ContactKind;
        use crate::example::{appointment, date};
        let mut case = CaseState::new(crate::ids::Crn::parse("X000001").unwrap());
        let mut upw = appointment("U1", date("2026-03-07").at(9, 0, 0, 0), ContactKind::UnpaidWork);
        upw.minutes = 420;
        case.appointments.push(crate::state::AppointmentRecord { appointment: upw, outcome: None });
        let at = |h: i8, m: i8| date("2026-03-07").at(h, m, 0, 0);
        for (start, minutes, clashes) in [
            (at(8, 0), 60, false),
            (at(8, 30), 45, true),
            (at(12, 0), 30, true),
            (at(15, 59), 30, true),
            (at(16, 0), 30, false),
            (date("2026-03-08").at(9, 0, 0, 0), 60, false),
        ] {
            assert_eq!(clash(&case, start, minutes).is_some(), clashes, "{start} for {minutes} minutes");
        }
        // Moved: its time is free again.
        case.appointments[0].outcome = Some(Outcome::Rescheduled { by: crate::contact::RescheduledBy::Person });
        assert!(clash(&case, at(9, 0), 60).is_none());
    }
}
