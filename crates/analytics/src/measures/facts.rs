//! A case's record as dated facts, one per measure per occasion, never reading "today".

use std::collections::BTreeMap;

use domain::case::{CaseState, Rejected};
use domain::contact::{ContactKind, Outcome, SentHomeReason};
use domain::event::{CaseEvent, RecordedEvent};
use domain::ids::{Code, Crn, LocalId};
use domain::practice::contact::{first_appointment_due, first_seen, last_seen, supervision_start};
use domain::practice::interventions::Closure;
use domain::practice::policy::{PLAN_AFTER_ASSESSMENT, RAR_PACE};
use domain::practice::reviews::reviews_due;
use domain::practice::state::{EnforcementRoute, enforcement_route};
use domain::sentence::{RequirementKind, SentenceKind};
use jiff::civil::Date;
use serde::Serialize;

use super::definitions::{
    MeasureId, NON_ATTENDANCE_FOLLOW_UP, REFERRAL_START, UNSEEN_AFTER, UPW_ARRANGED, serialize_id,
};

/// One dated fact about one case. Facts never depend on "today" (module docs).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Fact {
    #[serde(serialize_with = "serialize_id")]
    pub measure: MeasureId,
    /// Period measures: the day the fact became final. As-at measures: the first day the
    /// case counts as failing, or `None`.
    pub on: Option<Date>,
    /// Period measures: whether the standard was met. As-at measures: always false.
    pub met: bool,
    pub officer: Option<Code>,
    pub team: Option<Code>,
    /// A breakdown within the measure: the local authority for safeguarding checks, the
    /// requirement for RAR, the service for referrals.
    pub key: Option<String>,
    /// What the fact adds to a total (minutes credited for UPW hours); 0 for a plain share.
    pub weight: u64,
}

/// Who held the case from when: the allocation history the folded state does not keep.
#[derive(Debug, Clone, Default)]
struct Allocations(Vec<(Date, Code, Code)>);

impl Allocations {
    /// The officer and team on `on`: the latest allocation on or before it, else the first.
    fn on(&self, on: Date) -> (Option<Code>, Option<Code>) {
        let found = self.0.iter().rev().find(|(d, _, _)| *d <= on).or(self.0.first());
        found.map_or((None, None), |(_, o, t)| (Some(o.clone()), Some(t.clone())))
    }

    /// The distinct officers responsible at any time from `from` to `to`.
    fn officers_between(&self, from: Date, to: Date) -> usize {
        let mut officers: Vec<&Code> = Vec::new();
        let at_start = self.0.iter().rev().find(|(d, _, _)| *d <= from).or(self.0.first());
        officers.extend(at_start.map(|(_, o, _)| o));
        for (d, o, _) in &self.0 {
            if *d > from && *d <= to && !officers.contains(&o) {
                officers.push(o);
            }
        }
        officers.len()
    }
}

struct Builder<'a> {
    facts: Vec<Fact>,
    allocations: &'a Allocations,
}

impl Builder<'_> {
    fn period(&mut self, measure: MeasureId, on: Date, met: bool, key: Option<String>) {
        let (officer, team) = self.allocations.on(on);
        self.facts.push(Fact { measure, on: Some(on), met, officer, team, key, weight: 0 });
    }

    fn weighted(&mut self, measure: MeasureId, on: Date, met: bool, weight: u64) {
        let (officer, team) = self.allocations.on(on);
        self.facts.push(Fact { measure, on: Some(on), met, officer, team, key: None, weight });
    }

    fn as_at(&mut self, measure: MeasureId, failing_from: Option<Date>, current: (Option<Code>, Option<Code>)) {
        self.as_at_keyed(measure, failing_from, current, None);
    }

    fn as_at_keyed(
        &mut self,
        measure: MeasureId,
        failing_from: Option<Date>,
        current: (Option<Code>, Option<Code>),
        key: Option<String>,
    ) {
        let (officer, team) = current;
        self.facts.push(Fact { measure, on: failing_from, met: false, officer, team, key, weight: 0 });
    }
}

fn tomorrow(d: Date) -> Date {
    d.tomorrow().unwrap_or(d)
}

fn last_day_of_month(first: Date) -> Date {
    first.last_of_month()
}

/// The facts of one sentence's supervision, read from the state while it is the current one
/// (just before it ends, or at the end of the record).
fn sentence_facts(case: &CaseState, ended_on: Option<Date>, b: &mut Builder<'_>, bookings: &BTreeMap<LocalId, Date>) {
    let Some(current) = case.current_sentence() else { return };
    // First appointment: `first_appointment_due` is the worklist's own deadline.
    if let Some(due) = first_appointment_due(case) {
        b.period(MeasureId::FirstAppointment, due, first_seen(case).is_some_and(|s| s <= due), None);
    }
    // Whole months supervised in the community, to the sentence's end.
    if let Some(start) = supervision_start(case) {
        let end = ended_on.map_or(current.sentence.end_date, |e| e.min(current.sentence.end_date));
        let mut month = start.first_of_month();
        if month < start {
            month = last_day_of_month(month).tomorrow().unwrap_or(month);
        }
        while last_day_of_month(month) <= end {
            let last = last_day_of_month(month);
            let seen = case.appointments.iter().any(|a| {
                a.appointment.kind.is_face_to_face()
                    && a.outcome.is_some_and(Outcome::attended)
                    && (month..=last).contains(&a.appointment.at.date())
            });
            b.period(MeasureId::MonthlyFaceToFace, last, seen, None);
            match last.tomorrow() {
                Ok(next) => month = next,
                Err(_) => break,
            }
        }
    }
    // Unpaid work arranged: first booking against each UPW requirement.
    let sentenced = current.sentence.sentence_date;
    let allocated = case.practice.first_allocated_on.map_or(sentenced, |a| a.max(sentenced));
    for r in &current.sentence.requirements {
        if let RequirementKind::UnpaidWork { .. } = r.kind {
            let due = UPW_ARRANGED.after(allocated);
            let first_booked = case
                .appointments
                .iter()
                .filter(|a| a.appointment.requirement.as_ref() == Some(&r.id))
                .filter_map(|a| bookings.get(&a.appointment.id))
                .min();
            b.period(MeasureId::UpwArranged, due, first_booked.is_some_and(|d| *d <= due), None);
        }
    }
}

/// The facts of a case from its whole record: pure, and independent of "today".
///
/// `events` are the case's events in order, each with the UK date it occurred. Fails only if
/// the record does not fold, which the store never allows.
pub fn case_facts<'a>(
    crn: &Crn,
    events: impl IntoIterator<Item = (Date, &'a CaseEvent)>,
) -> Result<Vec<Fact>, Rejected> {
    let mut case = CaseState::new(crn.clone());
    let mut trail = FactTrail::default();
    for (on, event) in events {
        trail.observe(&case, on, event);
        case.apply(event, on)?;
    }
    Ok(trail.facts(&case))
}

/// What a case's facts need of its record besides its final state, noted event by event as
/// the case folds: so a caller that folds the case anyway (the store's append) gets its facts
/// without folding it again. [`case_facts`] is this over a fold of its own.
#[derive(Debug, Clone, Default)]
pub struct FactTrail {
    allocations: Allocations,
    bookings: BTreeMap<LocalId, Date>,
    /// Recorded actions that follow up a missed appointment: new bookings and warning letters.
    follow_ups: Vec<(Option<LocalId>, Date)>,
    /// Sentence facts are read from the state just before each sentence ends.
    ended: Vec<(CaseState, Date)>,
}

impl FactTrail {
    /// Notes `event`, dated `on`, which is about to be applied to `case`.
    pub fn observe(&mut self, case: &CaseState, on: Date, event: &CaseEvent) {
        match event {
            CaseEvent::SentenceEnded { sentence, on: ended_on, .. }
                if case.current_sentence().is_some_and(|s| &s.sentence.id == sentence) =>
            {
                self.ended.push((case.clone(), *ended_on));
            }
            CaseEvent::OfficerAllocated { officer, team, .. } => {
                self.allocations.0.push((on, officer.clone(), team.clone()));
            }
            CaseEvent::AppointmentBooked { appointment } => {
                self.bookings.insert(appointment.id.clone(), on);
                self.follow_ups.push((Some(appointment.id.clone()), on));
            }
            CaseEvent::WarningLetterIssued { on: issued, .. } => self.follow_ups.push((None, *issued)),
            _ => {}
        }
    }

    /// The facts of the case whose every event was observed and whose state is now `case`.
    pub fn facts(&self, case: &CaseState) -> Vec<Fact> {
        let FactTrail { allocations, bookings, follow_ups, ended } = self;
        let mut b = Builder { facts: Vec::new(), allocations };
        for (state, ended_on) in ended {
            sentence_facts(state, Some(*ended_on), &mut b, bookings);
        }
        sentence_facts(case, None, &mut b, bookings);

        // Non-attendance: followed up when a warning letter or a new booking is recorded within
        // the window.
        for a in &case.appointments {
            if matches!(a.outcome, Some(Outcome::UnacceptableAbsence | Outcome::FailedToAttend)) {
                let missed = a.appointment.at.date();
                let due = NON_ATTENDANCE_FOLLOW_UP.after(missed);
                let followed = follow_ups
                    .iter()
                    .any(|(booked, d)| booked.as_ref() != Some(&a.appointment.id) && *d >= missed && *d <= due);
                b.period(MeasureId::NonAttendanceFollowUp, due, followed, None);
            }
        }
        // Breach referral and pack.
        let enf = &case.practice.enforcement;
        for breach in &enf.breaches {
            if let Some(due) = breach.referral_due {
                b.period(MeasureId::BreachReferral, due, breach.referred_on <= due, None);
            }
            let complete = breach.pack_completed_on.is_some_and(|d| d <= breach.pack_due);
            b.period(MeasureId::BreachPack, breach.pack_due, complete, None);
        }
        // A mandatory breach never referred is late from its due date.
        for failure in enf.pending_mandatory() {
            if enforcement_route(case, failure.on) == Some(EnforcementRoute::Breach) {
                let due = domain::practice::policy::BREACH_REFERRAL.after(failure.aware_on);
                b.period(MeasureId::BreachReferral, due, false, None);
            }
        }
        // Completions and continuity, for each sentence that ended.
        for s in &case.sentences {
            let Some((end, outcome)) = s.ended else { continue };
            if let Some(success) = outcome.completion() {
                let measure = match s.sentence.kind {
                    SentenceKind::CommunityOrder | SentenceKind::SuspendedSentenceOrder => {
                        MeasureId::CompletionCommunity
                    }
                    SentenceKind::Custodial => MeasureId::CompletionLicence,
                };
                // A custodial sentence counts only once the person was released onto licence.
                if s.sentence.kind != SentenceKind::Custodial || s.released_on.is_some() {
                    b.period(measure, end, success, None);
                }
            }
            let from = s.released_on.unwrap_or(s.sentence.sentence_date);
            if !allocations.0.is_empty() {
                b.period(MeasureId::Continuity, end, allocations.officers_between(from, end) == 1, None);
            }
        }
        // Safeguarding checks, by local authority.
        for check in &case.practice.safeguarding.checks {
            let key = Some(check.local_authority.to_string());
            b.period(MeasureId::SafeguardingResponse, check.requested_on, check.response.is_some(), key);
        }
        upw_session_facts(case, &mut b);
        // Referrals started within 4 weeks, by service. A referral withdrawn before it started and
        // within its 4 weeks never fell due.
        for r in &case.practice.referrals {
            let due = REFERRAL_START.after(r.referred_on);
            let started = r.started_on.is_some_and(|s| s <= due);
            let withdrawn_in_time = matches!(r.closed, Some((on, Closure::Cancelled)) if on <= due);
            if started || !withdrawn_in_time {
                b.period(MeasureId::ReferralStarted, due, started, Some(r.service.to_string()));
            }
        }
        as_at_facts(case, &mut b);
        b.facts.sort();
        b.facts
    }
}

/// Unpaid work sessions attended, each dated by the session's day: whether the person was
/// stood down (sent home by the service), and the minutes credited by the same rule as
/// `domain::unpaid_work::credited_minutes`.
fn upw_session_facts(case: &CaseState, b: &mut Builder<'_>) {
    for a in &case.appointments {
        if a.appointment.kind != ContactKind::UnpaidWork {
            continue;
        }
        let Some(outcome) = a.outcome.filter(|o| o.attended()) else { continue };
        let on = a.appointment.at.date();
        let stood_down = outcome == Outcome::AttendedSentHome { reason: SentHomeReason::ServiceIssue };
        b.period(MeasureId::UpwStandDowns, on, stood_down, None);
        let minutes = match case.unpaid_work.timesheet(&a.appointment.id) {
            Some(t) => t.credited_minutes(outcome),
            None => u32::from(a.appointment.minutes),
        };
        b.weighted(MeasureId::UpwHoursCredited, on, minutes > 0, u64::from(minutes));
    }
}

/// As-at facts: one per case (or RAR requirement) under supervision now, dated by the first
/// day it counts as failing.
fn as_at_facts(case: &CaseState, b: &mut Builder<'_>) {
    let Some(current) = case.current_sentence() else { return };
    let place = (case.officer.as_ref().map(|a| a.officer.clone()), case.officer.as_ref().map(|a| a.team.clone()));
    let end = current.sentence.end_date;
    // Nothing is overdue after the sentence's end date.
    let within = |d: Date| (d <= end).then_some(d);
    if let Some(start) = supervision_start(case) {
        let overdue_from = case.contact_due_by().map(tomorrow).and_then(within);
        b.as_at(MeasureId::ContactOverdue, overdue_from, place.clone());
        let since = last_seen(case).unwrap_or(start);
        let unseen_from = tomorrow(UNSEEN_AFTER.after(since));
        b.as_at(MeasureId::Unseen, within(unseen_from), place.clone());
    }
    if let Some(assessment) = &case.assessment {
        let gaps = domain::practice::plan_gaps(case);
        let failing = (!gaps.is_empty()).then(|| tomorrow(PLAN_AFTER_ASSESSMENT.after(assessment.completed_on)));
        b.as_at(MeasureId::PlanGaps, failing.and_then(within), place.clone());
    }
    let review = reviews_due(case).iter().map(|r| r.due).min();
    b.as_at(MeasureId::ReviewsOverdue, review.map(tomorrow).and_then(within), place.clone());
    // Referrals waiting for their service to start: failing from the day after their 4 weeks.
    for r in case.practice.referrals.iter().filter(|r| r.started_on.is_none() && r.closed.is_none()) {
        let failing = tomorrow(REFERRAL_START.after(r.referred_on));
        b.as_at_keyed(MeasureId::ReferralWaiting, Some(failing), place.clone(), Some(r.service.to_string()));
    }
    for p in domain::practice::rar_progress(case) {
        // Behind pace from the day after the last day the days left can start at one a week,
        // the same arithmetic as `practice::rar::rar_pace`.
        let behind = (p.left > 0).then(|| {
            let latest_start = (0..p.left).fold(p.sentence_end, |d, _| RAR_PACE.period.before(d));
            tomorrow(latest_start)
        });
        let (officer, team) = place.clone();
        b.facts.push(Fact {
            measure: MeasureId::RarPace,
            on: behind.filter(|d| *d <= p.sentence_end),
            met: false,
            officer,
            team,
            key: Some(p.requirement.to_string()),
            weight: 0,
        });
    }
}

/// [`case_facts`] from stored events.
pub fn facts_from_record(crn: &Crn, events: &[RecordedEvent]) -> Result<Vec<Fact>, Rejected> {
    case_facts(crn, events.iter().map(|e| (domain::case::uk_date(e.occurred_at), &e.event)))
}
