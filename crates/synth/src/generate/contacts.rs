//! Appointments and what happened at them: supervision, unpaid work, RAR days and
//! programme sessions, each outcome drawn from the tables below.

use super::{CaseMaker, DAY, HOUR, id};
use crate::calibration as cal;
use crate::draw::{Day, date_of, pick, weekday};
use domain::assessment::RoshLevel;
use domain::contact::{AbsenceReason, Appointment, ContactKind, Outcome, RescheduledBy, SentHomeReason};
use domain::event::CaseEvent;
use domain::ids::{LocalId, Note};
use domain::unpaid_work::{Timesheet, UnpaidWorkNeeds, WorkDay};
use rand::RngExt;

/// What happened at an appointment, before it becomes one or two outcome events.
#[derive(Clone, Copy)]
enum Draw {
    Complied,
    FailedToComply,
    SentHome(SentHomeReason),
    Acceptable,
    Unacceptable,
    /// Failed to attend, later judged acceptable or not.
    Fta(bool),
    Rescheduled(RescheduledBy),
}

/// Outcome shares, per thousand appointments. Assumption: the great majority attend and
/// comply; a case heading for breach or recall fails far more often.
const SUPERVISION: [(Draw, f64); 9] = [
    (Draw::Complied, 820.0),
    (Draw::FailedToComply, 15.0),
    (Draw::SentHome(SentHomeReason::Behaviour), 3.0),
    (Draw::Acceptable, 60.0),
    (Draw::Unacceptable, 45.0),
    (Draw::Fta(true), 12.0),
    (Draw::Fta(false), 15.0),
    (Draw::Rescheduled(RescheduledBy::Person), 18.0),
    (Draw::Rescheduled(RescheduledBy::Service), 12.0),
];
const SUPERVISION_FAILING: [(Draw, f64); 9] = [
    (Draw::Complied, 680.0),
    (Draw::FailedToComply, 30.0),
    (Draw::SentHome(SentHomeReason::Behaviour), 8.0),
    (Draw::Acceptable, 60.0),
    (Draw::Unacceptable, 135.0),
    (Draw::Fta(true), 12.0),
    (Draw::Fta(false), 45.0),
    (Draw::Rescheduled(RescheduledBy::Person), 18.0),
    (Draw::Rescheduled(RescheduledBy::Service), 12.0),
];
/// Unpaid work adds people stood down by the service (the report: sent home, credited an hour).
const UNPAID_WORK: [(Draw, f64); 10] = [
    (Draw::Complied, 760.0),
    (Draw::FailedToComply, 10.0),
    (Draw::SentHome(SentHomeReason::Behaviour), 8.0),
    (Draw::SentHome(SentHomeReason::ServiceIssue), 25.0),
    (Draw::Acceptable, 90.0),
    (Draw::Unacceptable, 60.0),
    (Draw::Fta(true), 10.0),
    (Draw::Fta(false), 15.0),
    (Draw::Rescheduled(RescheduledBy::Person), 14.0),
    (Draw::Rescheduled(RescheduledBy::Service), 8.0),
];
const UNPAID_WORK_FAILING: [(Draw, f64); 10] = [
    (Draw::Complied, 600.0),
    (Draw::FailedToComply, 25.0),
    (Draw::SentHome(SentHomeReason::Behaviour), 20.0),
    (Draw::SentHome(SentHomeReason::ServiceIssue), 25.0),
    (Draw::Acceptable, 90.0),
    (Draw::Unacceptable, 170.0),
    (Draw::Fta(true), 10.0),
    (Draw::Fta(false), 38.0),
    (Draw::Rescheduled(RescheduledBy::Person), 14.0),
    (Draw::Rescheduled(RescheduledBy::Service), 8.0),
];
const ABSENCE_REASONS: [(AbsenceReason, f64); 9] = [
    (AbsenceReason::Medical, 35.0),
    (AbsenceReason::Employment, 20.0),
    (AbsenceReason::FamilyOrChildcare, 15.0),
    (AbsenceReason::CourtOrLegal, 8.0),
    (AbsenceReason::Holiday, 4.0),
    (AbsenceReason::Religious, 2.0),
    (AbsenceReason::RemandedInCustody, 3.0),
    (AbsenceReason::StoodDown, 3.0),
    (AbsenceReason::Other, 10.0),
];
/// Supervision contacts after the first (always an office induction). Assumption.
const CONTACT_KINDS: [(ContactKind, f64); 4] = [
    (ContactKind::OfficeVisit, 78.0),
    (ContactKind::HomeVisit, 5.0),
    (ContactKind::Telephone, 12.0),
    (ContactKind::Video, 5.0),
];

/// Whether an appointment series should go on.
enum Booking {
    Stop,
    /// Booked: the minutes of unpaid work it credited (0 for other contacts), and when it
    /// ended (the next in the series is usually booked then).
    Held {
        credit: u32,
        end: i64,
    },
}

impl CaseMaker<'_> {
    /// Supervision appointments: weekly for the first month, fortnightly to three months
    /// (six for medium RoSH), then every four weeks. Assumption, in line with the report's
    /// criticism of two-monthly contact for a medium-risk case.
    pub(super) fn supervision(&mut self, first_day: Day, floor: i64) {
        // The contact frequency (domain::practice::policy::CONTACT_FREQUENCY and the tier rows):
        // a medium risk case weekly for its first 16 weeks and fortnightly after; a low risk
        // case fortnightly, then every four weeks.
        let medium = self.rosh == RoshLevel::Medium;
        let early_until = first_day + 16 * 7;
        let mut day = first_day;
        let mut n = 0;
        let mut previous = None;
        loop {
            let d = self.g.next_business_day(day);
            if d >= self.stop {
                break;
            }
            let minute = 9 * 60 + 30 * self.days(0, 14);
            let kind = if n == 0 { ContactKind::OfficeVisit } else { pick(self.uniform(), &CONTACT_KINDS) };
            let minutes = match kind {
                ContactKind::HomeVisit => 60,
                ContactKind::Telephone => 20,
                ContactKind::Video => 30,
                _ if n == 0 => 60,
                _ => 45,
            };
            match self.appointment(d, minute, minutes, kind, None, floor, previous, true) {
                Booking::Stop => break,
                Booking::Held { end, .. } => previous = Some(end),
            }
            n += 1;
            // A telephone or video contact is not face to face: the next one comes within a
            // week, so the face-to-face frequency still holds.
            let remote = matches!(kind, ContactKind::Telephone | ContactKind::Video);
            day += match (n < 4 || remote, d < early_until, medium) {
                (true, _, _) | (false, true, true) => 7,
                (false, true, false) | (false, false, true) => 14,
                (false, false, false) => 28,
            };
        }
    }

    /// Unpaid work: weekly sessions of seven hours (twice weekly for high hours), on a
    /// weekday or a Saturday, until the hours are worked or the order ends.
    pub(super) fn unpaid_work(&mut self, req: &LocalId, hours: u16, sd: Day, floor: i64) {
        let g = self.g;
        let target = u32::from(hours) * 60;
        // docs/rules/practice.md#unpaid-work: arranged within 7 business days of allocation.
        let start = g.add_business_days(g.day_after(floor), self.days(2, 7) as u32);
        let saturday = self.rng.random_bool(0.3);
        let per_week = if hours >= 150 { 2 } else { 1 };
        // The officer records what the person can attend at induction, before the first session.
        let mut days = vec![WorkDay::Mon, WorkDay::Tue, WorkDay::Wed, WorkDay::Thu, WorkDay::Fri];
        if saturday {
            days.push(WorkDay::Sat);
        }
        let needs = UnpaidWorkNeeds {
            days,
            busy: Vec::new(),
            women_only: self.female && self.rng.random_bool(0.5),
            singleton: self.rng.random_bool(0.03),
            sessions_per_week: per_week as u8,
        };
        self.push(floor + 30 * 60, CaseEvent::UnpaidWorkNeedsRecorded { requirement: req.clone(), needs });
        let last = self.stop.min(sd + 365);
        let mut credited = 0;
        let mut week = start;
        let mut previous = None;
        while credited < target {
            for s in 0..per_week {
                let d = if saturday && s == 0 {
                    week + (5 - weekday(week)).rem_euclid(7)
                } else {
                    g.next_business_day(week + 2 * s)
                };
                if d >= last {
                    return;
                }
                match self.appointment(d, 9 * 60, 420, ContactKind::UnpaidWork, Some(req), floor, previous, true) {
                    Booking::Stop => return,
                    Booking::Held { credit, end } => {
                        credited += credit;
                        previous = Some(end);
                    }
                }
            }
            week += 7;
        }
    }

    /// RAR activity days, spread over the first three quarters of the order.
    pub(super) fn rar(&mut self, req: &LocalId, max_days: u16, first_day: Day, end: Day, floor: i64) {
        // Most of the days the court set, over the first 60% of the order, so the days
        // left still fit at one a week (`domain::practice::rar::rar_pace`).
        let n = ((f64::from(max_days) * (0.9 + 0.1 * self.uniform())).round() as Day).max(1);
        let start = first_day + 14;
        let span = (((end - start) as f64 * 0.6) as Day).max(n);
        let mut previous = None;
        for i in 0..n {
            let d = self.g.next_business_day(start + span * i / n);
            if d >= self.stop {
                return;
            }
            let minute = 10 * 60 + 30 * self.days(0, 10);
            let minutes = if self.rng.random_bool(0.5) { 60 } else { 90 };
            match self.appointment(d, minute, minutes, ContactKind::RarActivity, Some(req), floor, previous, true) {
                Booking::Stop => return,
                Booking::Held { end, .. } => previous = Some(end),
            }
        }
    }

    /// An accredited programme: weekly group sessions once a place comes up.
    pub(super) fn programme(&mut self, req: &LocalId, sessions: u16, first_day: Day, floor: i64) {
        let start = self.g.next_business_day(first_day + self.days(28, 70));
        let minute = if self.rng.random_bool(0.5) { 14 * 60 } else { 18 * 60 };
        let mut previous = None;
        for i in 0..Day::from(sessions) {
            let d = self.g.next_business_day(start + 7 * i);
            if d >= self.stop {
                return;
            }
            match self.appointment(d, minute, 150, ContactKind::Programme, Some(req), floor, previous, true) {
                Booking::Stop => return,
                Booking::Held { end, .. } => previous = Some(end),
            }
        }
    }

    /// Books an appointment and records what happened. The next of a series is usually
    /// booked as the last one ends (`previous`); otherwise a few days to two weeks ahead.
    #[allow(clippy::too_many_arguments)] // the appointment's own fields, named at each call
    fn appointment(
        &mut self,
        day: Day,
        minute: i32,
        minutes: u16,
        kind: ContactKind,
        req: Option<&LocalId>,
        floor: i64,
        previous: Option<i64>,
        may_reschedule: bool,
    ) -> Booking {
        let g = self.g;
        let at = g.at(day, minute);
        let ended = at + i64::from(minutes) * 60;
        let booked = match previous {
            Some(p) if self.rng.random_bool(0.85) => p + i64::from(self.days(1, 30)) * 60,
            _ => at - i64::from(self.days(1, 14)) * DAY - i64::from(self.days(0, 480)) * 60,
        }
        .max(floor);
        if booked >= g.cutoff {
            return Booking::Stop;
        }
        if booked >= at {
            return Booking::Held { credit: 0, end: ended };
        }
        self.contacts += 1;
        let aid = id(&format!("C{}", self.contacts));
        let appointment = Appointment {
            id: aid.clone(),
            at: date_of(day).at((minute / 60) as i8, (minute % 60) as i8, 0, 0),
            minutes,
            kind,
            requirement: req.cloned(),
        };
        self.push(booked, CaseEvent::AppointmentBooked { appointment });
        if ended >= g.cutoff {
            return Booking::Held { credit: 0, end: ended };
        }
        let upw = kind == ContactKind::UnpaidWork;
        let table: &[(Draw, f64)] = match (upw, self.risky) {
            (false, false) => &SUPERVISION,
            (false, true) => &SUPERVISION_FAILING,
            (true, false) => &UNPAID_WORK,
            (true, true) => &UNPAID_WORK_FAILING,
        };
        let draw = pick(self.uniform(), table);
        let (outcome, credit) = match draw {
            Draw::Complied => (Outcome::AttendedComplied, if upw { u32::from(minutes) } else { 0 }),
            Draw::FailedToComply => (Outcome::AttendedFailedToComply, 0),
            // The report: people stood down from UPW were credited one hour.
            Draw::SentHome(reason) => (
                Outcome::AttendedSentHome { reason },
                if upw && reason == SentHomeReason::ServiceIssue { 60 } else { 0 },
            ),
            Draw::Acceptable => (Outcome::AcceptableAbsence { reason: pick(self.uniform(), &ABSENCE_REASONS) }, 0),
            Draw::Unacceptable => (Outcome::UnacceptableAbsence, 0),
            Draw::Fta(acceptable) => {
                self.outcome(ended, &aid, day, kind, Outcome::FailedToAttend);
                // Evidence arrives (or not) within the five working days.
                let decided = ended + i64::from(self.days(1, 6)) * DAY;
                let outcome = if acceptable {
                    Outcome::AcceptableAbsence { reason: pick(self.uniform(), &ABSENCE_REASONS) }
                } else {
                    Outcome::UnacceptableAbsence
                };
                self.outcome(decided, &aid, day, kind, outcome);
                return Booking::Held { credit: 0, end: ended };
            }
            Draw::Rescheduled(by) => {
                let when = (at - i64::from(self.days(1, 48)) * HOUR).max(booked + 60);
                self.outcome(when, &aid, day, kind, Outcome::Rescheduled { by });
                if may_reschedule {
                    let again = g.add_business_days(day, self.days(2, 5) as u32);
                    if again < self.stop {
                        return self.appointment(again, minute, minutes, kind, req, when + 60, None, false);
                    }
                }
                return Booking::Held { credit: 0, end: when };
            }
        };
        self.outcome(ended, &aid, day, kind, outcome);
        if upw && outcome == Outcome::AttendedComplied && self.chance(cal::UPW_TIMESHEET_PERCENT) && ended < g.cutoff {
            // The supervisor's timesheet for the whole session, as booked: the same credit.
            let start = jiff::civil::Time::new((minute / 60) as i8, (minute % 60) as i8, 0, 0).expect("a working hour");
            let end = start.checked_add(jiff::Span::new().minutes(i64::from(minutes))).expect("within the day");
            let timesheet =
                Timesheet { started: start, finished: end, penalty_minutes: 0, travel_minutes: 0, other_minutes: 0 };
            self.push(ended + 5 * 60, CaseEvent::UnpaidWorkTimeRecorded { appointment: aid, timesheet });
        }
        Booking::Held { credit, end: ended }
    }

    /// Records an outcome of the appointment held on `day`, noting enforceable failures for
    /// the enforcement trail, with the officer's case note on most supervision contacts.
    fn outcome(&mut self, at: i64, appointment: &LocalId, day: Day, kind: ContactKind, outcome: Outcome) {
        if at < self.g.cutoff {
            if outcome.is_enforceable() {
                self.failed(appointment, day, at);
            }
            let (note, sensitive) = case_note(at, appointment, kind, outcome);
            self.push(at, CaseEvent::OutcomeRecorded { appointment: appointment.clone(), outcome, note, sensitive });
        }
    }
}

/// What officers write on a supervision contact, by outcome.
const NOTES_ATTENDED: [&str; 6] = [
    "Reviewed progress against the sentence plan; no new concerns raised.",
    "Discussed the job search and attendance at the job centre; CV to bring next time.",
    "Talked through the housing situation; the referral to the housing team is being followed up.",
    "Explored the triggers for the offence using the thinking skills worksheet; homework set.",
    "Reports stable accommodation and no alcohol use since the last appointment.",
    "Went through the conditions of the order again; understands what is expected.",
];
const NOTES_FAILED: [&str; 2] = [
    "Arrived under the influence; the session was ended and compliance discussed.",
    "Refused to engage with the session and left early.",
];
const NOTES_ABSENT: [&str; 2] =
    ["No contact; a call was attempted and a letter sent.", "Evidence of the reason for the absence requested."];
/// Notes whose subject is marked sensitive (a third party, health, children).
const NOTES_SENSITIVE: [&str; 3] = [
    "Disclosed a new relationship; the partner's details to be checked with the police for domestic abuse call-outs.",
    "Disclosed a mental health crisis over the weekend; GP contacted with consent.",
    "Spoke about contact with the children; children's social care to be told of the new address.",
];

/// The case note on an outcome, chosen from the instant and the appointment rather than the
/// case's random stream, so notes leave every calibrated draw as it was.
fn case_note(at: i64, appointment: &LocalId, kind: ContactKind, outcome: Outcome) -> (Option<Note>, bool) {
    let supervision =
        matches!(kind, ContactKind::OfficeVisit | ContactKind::HomeVisit | ContactKind::Telephone | ContactKind::Video);
    if !supervision || matches!(outcome, Outcome::Rescheduled { .. }) {
        return (None, false);
    }
    let mut h = at as u64 ^ 0x9E37_79B9_7F4A_7C15;
    for b in appointment.as_str().bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
    }
    let h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
    let percent = (h % 10_000) as f64 / 100.0;
    if percent >= cal::CASE_NOTE_PERCENT {
        return (None, false);
    }
    let choose = |list: &[&str]| Note::parse(list[(h / 10_000) as usize % list.len()]).ok();
    if outcome.attended() && percent < cal::SENSITIVE_NOTE_PERCENT {
        return (choose(&NOTES_SENSITIVE), true);
    }
    let note = match outcome {
        Outcome::AttendedComplied | Outcome::AttendedSentHome { .. } => choose(&NOTES_ATTENDED),
        Outcome::AttendedFailedToComply => choose(&NOTES_FAILED),
        _ => choose(&NOTES_ABSENT),
    };
    (note, false)
}
