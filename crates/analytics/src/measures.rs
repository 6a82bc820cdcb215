//! Management information measures (docs/rules/practice.md#performance-measures,
//! docs/rules/practice.md#contact-compliance-and-enforcement, docs/rules/practice.md#unpaid-work,
//! docs/rules/practice.md#plans-reviews-interventions), each defined once.
//!
//! A case's record becomes a list of dated [`Fact`]s by [`case_facts`], a pure function of
//! its events that never reads "today". Every figure for any place and any period is then a
//! sum of facts, so the store can keep them as a projection and aggregate them with SQL
//! `GROUP BY`, and [`aggregate`] does the same in memory for tests and full recomputes.
//!
//! Two kinds of measure:
//! - **period** measures: a fact is dated by the day it becomes final (a due date, the last
//!   day of a month, the day a sentence ended) and says whether the standard was `met`;
//!   the figure for a period is met / facts dated in it.
//! - **as-at** measures (overdue, unseen, plan gaps, RAR pace): a fact per case (or RAR
//!   requirement) currently supervised, dated by the first day it counts as failing (`None`:
//!   it does not); the figure as at `today` is failing / facts. Because that day does not
//!   depend on today, a fact stays right until the case's next event replaces it.
//!
//! Facts use the practice engine's own functions (`domain::practice`), so a measure and the
//! officer's worklist cannot disagree. Each fact carries the responsible officer and team on
//! its date, so a case transferred mid-period counts where it was when the fact fell due.

use std::collections::BTreeMap;

use domain::case::{CaseState, Rejected};
use domain::contact::{ContactKind, Outcome, SentHomeReason};
use domain::event::{CaseEvent, RecordedEvent};
use domain::ids::{Code, Crn, LocalId};
use domain::org::Organisation;
use domain::practice::contact::{first_appointment_due, first_seen, last_seen, supervision_start};
use domain::practice::interventions::Closure;
use domain::practice::policy::{PLAN_AFTER_ASSESSMENT, Period, RAR_PACE, Rule};
use domain::practice::reviews::reviews_due;
use domain::practice::state::{EnforcementRoute, enforcement_route};
use domain::sentence::{RequirementKind, SentenceKind};
use jiff::civil::Date;
use serde::Serialize;

/// Whether a measure is counted over a period or as at a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    Period,
    AsAt,
}

/// The measures, with stable ids ([`MeasureId::id`]) used by the store, the CLI and URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MeasureId {
    FirstAppointment,
    MonthlyFaceToFace,
    NonAttendanceFollowUp,
    UpwArranged,
    BreachReferral,
    BreachPack,
    CompletionCommunity,
    CompletionLicence,
    Continuity,
    SafeguardingResponse,
    ContactOverdue,
    Unseen,
    PlanGaps,
    ReviewsOverdue,
    RarPace,
    UpwStandDowns,
    UpwHoursCredited,
    ReferralStarted,
    ReferralWaiting,
}

/// A measure as shown to users: what is counted, out of what, and where the standard comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Measure {
    #[serde(serialize_with = "serialize_id")]
    pub id: MeasureId,
    pub name: &'static str,
    pub kind: MeasureKind,
    /// Plain English, for the page that shows the figure.
    pub definition: &'static str,
    pub numerator: &'static str,
    pub denominator: &'static str,
    pub source: &'static str,
    /// Whether a higher figure is better (a service level) or worse (overdue work).
    pub higher_is_better: bool,
    /// For a measure that is also a total: what each fact's weight counts (the figure's
    /// `weight` is their sum). `None` for a plain share.
    pub weight: Option<&'static str>,
}

fn serialize_id<S: serde::Serializer>(id: &MeasureId, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(id.id())
}

const SERVICE_LEVELS: &str = "docs/rules/practice.md#performance-measures: CRC service levels (2014-2021)";

/// Follow-up of a non-attendance (docs/rules/practice.md#contact: "a non-attendance is followed up within
/// 5 business days").
pub const NON_ATTENDANCE_FOLLOW_UP: Rule = Rule {
    key: "measure.non_attendance_follow_up",
    period: Period::BusinessDays(5),
    source: "docs/rules/practice.md#contact: a non-attendance is followed up within 5 business days",
};

/// UPW arranged (docs/rules/practice.md#unpaid-work: "arrange UPW within 7 business days of allocation").
pub const UPW_ARRANGED: Rule = Rule {
    key: "measure.upw_arranged",
    period: Period::BusinessDays(7),
    source: "docs/rules/practice.md#unpaid-work and docs/rules/practice.md#performance-measures: UPW arranged within 7 \
             business days of allocation",
};

/// Unseen: no face-to-face contact for more than a month (docs/rules/practice.md#contact: everyone
/// supervised for a whole month is offered at least one face-to-face appointment that month).
pub const UNSEEN_AFTER: Rule = Rule {
    key: "measure.unseen",
    period: Period::Months(1),
    source: "docs/rules/practice.md#contact: at least one face-to-face contact a month; nobody may go unseen",
};

/// A referral's service should start within 4 weeks of the referral. docs/rules/practice.md#interventions
/// names the stages but no timescale, so this is a Probity default.
pub const REFERRAL_START: Rule = Rule {
    key: "measure.referral_start",
    period: Period::Weeks(4),
    source: "Probity default (docs/rules/practice.md#interventions lists the referral stages and the waiting lists for \
             programmes but gives no timescale): a service starts within 4 weeks of the referral, about the time a \
             sentence plan takes to settle after the first appointment",
};

impl MeasureId {
    pub const ALL: [MeasureId; 19] = [
        MeasureId::FirstAppointment,
        MeasureId::MonthlyFaceToFace,
        MeasureId::NonAttendanceFollowUp,
        MeasureId::UpwArranged,
        MeasureId::BreachReferral,
        MeasureId::BreachPack,
        MeasureId::CompletionCommunity,
        MeasureId::CompletionLicence,
        MeasureId::Continuity,
        MeasureId::SafeguardingResponse,
        MeasureId::ContactOverdue,
        MeasureId::Unseen,
        MeasureId::PlanGaps,
        MeasureId::ReviewsOverdue,
        MeasureId::RarPace,
        MeasureId::UpwStandDowns,
        MeasureId::UpwHoursCredited,
        MeasureId::ReferralStarted,
        MeasureId::ReferralWaiting,
    ];

    pub fn id(self) -> &'static str {
        match self {
            MeasureId::FirstAppointment => "first_appointment",
            MeasureId::MonthlyFaceToFace => "monthly_face_to_face",
            MeasureId::NonAttendanceFollowUp => "non_attendance_follow_up",
            MeasureId::UpwArranged => "upw_arranged",
            MeasureId::BreachReferral => "breach_referral",
            MeasureId::BreachPack => "breach_pack",
            MeasureId::CompletionCommunity => "completion_community",
            MeasureId::CompletionLicence => "completion_licence",
            MeasureId::Continuity => "continuity",
            MeasureId::SafeguardingResponse => "safeguarding_response",
            MeasureId::ContactOverdue => "contact_overdue",
            MeasureId::Unseen => "unseen",
            MeasureId::PlanGaps => "plan_gaps",
            MeasureId::ReviewsOverdue => "reviews_overdue",
            MeasureId::RarPace => "rar_pace",
            MeasureId::UpwStandDowns => "upw_stand_downs",
            MeasureId::UpwHoursCredited => "upw_hours_credited",
            MeasureId::ReferralStarted => "referral_started",
            MeasureId::ReferralWaiting => "referral_waiting",
        }
    }

    pub fn parse(text: &str) -> Option<MeasureId> {
        MeasureId::ALL.into_iter().find(|m| m.id() == text)
    }

    pub fn measure(self) -> &'static Measure {
        MEASURES.iter().find(|m| m.id == self).expect("every measure id is defined in MEASURES")
    }

    pub fn kind(self) -> MeasureKind {
        self.measure().kind
    }
}

/// Every measure, defined once. Pages, the CLI and the store read these.
pub const MEASURES: [Measure; 19] = [
    Measure {
        id: MeasureId::FirstAppointment,
        name: "First appointment on time",
        kind: MeasureKind::Period,
        definition: "Of first appointments that fell due in the period, the share where the person was seen face to \
                     face by the due date: 5 business days after allocation for a community or suspended sentence \
                     order, 1 business day after release for a licence.",
        numerator: "first appointments attended on or before the due date",
        denominator: "first appointments due in the period",
        source: SERVICE_LEVELS,
        higher_is_better: true,
        weight: None,
    },
    Measure {
        id: MeasureId::MonthlyFaceToFace,
        name: "Seen face to face every month",
        kind: MeasureKind::Period,
        definition: "Of calendar months in which a person was supervised in the community for the whole month, the \
                     share in which they attended at least one face-to-face appointment. Counted where the case \
                     was at the month's end.",
        numerator: "whole months supervised with a face-to-face contact attended",
        denominator: "whole months supervised in the community (by month end)",
        source: SERVICE_LEVELS,
        higher_is_better: true,
        weight: None,
    },
    Measure {
        id: MeasureId::NonAttendanceFollowUp,
        name: "Non-attendance followed up",
        kind: MeasureKind::Period,
        definition: "Of missed appointments (unacceptable absence, or failed to attend), the share followed up \
                     within 5 business days by a warning letter or a new appointment booked.",
        numerator: "non-attendances followed up within 5 business days",
        denominator: "non-attendances whose follow-up fell due in the period",
        source: NON_ATTENDANCE_FOLLOW_UP.source,
        higher_is_better: true,
        weight: None,
    },
    Measure {
        id: MeasureId::UpwArranged,
        name: "Unpaid work arranged on time",
        kind: MeasureKind::Period,
        definition: "Of unpaid work requirements, the share with a first unpaid work session booked within 7 \
                     business days of allocation (or of the sentence, if later).",
        numerator: "requirements with a session booked by the due date",
        denominator: "unpaid work requirements due to be arranged in the period",
        source: UPW_ARRANGED.source,
        higher_is_better: true,
        weight: None,
    },
    Measure {
        id: MeasureId::BreachReferral,
        name: "Breach referred on time",
        kind: MeasureKind::Period,
        definition: "Of alleged breaches of a community sentence or post-sentence supervision, the share referred \
                     within 8 business days of the provider becoming aware of the failure. A mandatory breach \
                     never referred counts as late.",
        numerator: "breaches referred on or before the due date",
        denominator: "breach referrals due in the period",
        source: SERVICE_LEVELS,
        higher_is_better: true,
        weight: None,
    },
    Measure {
        id: MeasureId::BreachPack,
        name: "Breach pack complete on time",
        kind: MeasureKind::Period,
        definition: "Of breach packs due in the period, the share completed (every checklist item present) within \
                     10 working days of the referral. The inspection found about 1 in 4 packs returned as poorly \
                     prepared.",
        numerator: "packs complete on or before the due date",
        denominator: "breach packs due in the period",
        source: "docs/rules/practice.md#enforcement: breach pack due within 10 working days and complete; the report \
                 on returned packs",
        higher_is_better: true,
        weight: None,
    },
    Measure {
        id: MeasureId::CompletionCommunity,
        name: "Community sentences completed successfully",
        kind: MeasureKind::Period,
        definition: "Of community and suspended sentence orders that ended in the period, the share that ended by \
                     completion or early termination for good progress. Deaths and transfers out are left out.",
        numerator: "orders completed successfully",
        denominator: "orders ended in the period (excluding deaths and transfers out)",
        source: "docs/rules/practice.md#performance-measures: successful completion of community sentences (report: \
                 78%)",
        higher_is_better: true,
        weight: None,
    },
    Measure {
        id: MeasureId::CompletionLicence,
        name: "Licences and PSS completed successfully",
        kind: MeasureKind::Period,
        definition: "Of licences and post-sentence supervision periods that ended in the period, the share that \
                     ended without recall or revocation. Deaths and transfers out are left out.",
        numerator: "licences and PSS completed successfully",
        denominator: "licences and PSS ended in the period (excluding deaths and transfers out)",
        source: "docs/rules/practice.md#performance-measures: successful completion of licences/PSS (report: 80%)",
        higher_is_better: true,
        weight: None,
    },
    Measure {
        id: MeasureId::Continuity,
        name: "Same responsible officer throughout",
        kind: MeasureKind::Period,
        definition: "Of sentences that ended in the period, the share supervised by one responsible officer from \
                     start to end.",
        numerator: "sentences with one responsible officer throughout",
        denominator: "sentences ended in the period",
        source: "docs/rules/practice.md#organisation-and-people: 59% of inspected cases kept the same responsible \
                 officer (national 48%); the inspection question AS.D5",
        higher_is_better: true,
        weight: None,
    },
    Measure {
        id: MeasureId::SafeguardingResponse,
        name: "Safeguarding checks answered, by local authority",
        kind: MeasureKind::Period,
        definition: "Of safeguarding checks requested in the period, the share the agency has answered, for each \
                     local authority.",
        numerator: "checks answered",
        denominator: "checks requested in the period",
        source: "docs/rules/practice.md#safeguarding: safeguarding checks (report: local authorities answered about \
                 60% of requests)",
        higher_is_better: true,
        weight: None,
    },
    Measure {
        id: MeasureId::ContactOverdue,
        name: "Contact overdue",
        kind: MeasureKind::AsAt,
        definition: "Of people supervised in the community, the share whose next face-to-face contact (or first \
                     appointment) is past its due date, by the contact rules the worklist uses.",
        numerator: "people whose contact is overdue",
        denominator: "people supervised in the community",
        source: "docs/rules/practice.md#contact: first appointment and contact frequency",
        higher_is_better: false,
        weight: None,
    },
    Measure {
        id: MeasureId::Unseen,
        name: "People unseen for over a month",
        kind: MeasureKind::AsAt,
        definition: "Of people supervised in the community, the share not seen face to face for more than a month \
                     (since their last attended face-to-face contact, or since supervision began).",
        numerator: "people not seen face to face for more than a month",
        denominator: "people supervised in the community",
        source: UNSEEN_AFTER.source,
        higher_is_better: false,
        weight: None,
    },
    Measure {
        id: MeasureId::PlanGaps,
        name: "Sentence plans with gaps",
        kind: MeasureKind::AsAt,
        definition: "Of people on an active sentence with an assessment, the share whose sentence plan leaves an \
                     offending-related need or a medium-or-above risk neither addressed nor explained, 15 \
                     business days after the assessment.",
        numerator: "people with an unexplained plan gap past its deadline",
        denominator: "people on an active sentence with an assessment",
        source: PLAN_AFTER_ASSESSMENT.source,
        higher_is_better: false,
        weight: None,
    },
    Measure {
        id: MeasureId::ReviewsOverdue,
        name: "Reviews overdue",
        kind: MeasureKind::AsAt,
        definition: "Of people on an active sentence, the share with a scheduled or triggered sentence plan review \
                     past its due date.",
        numerator: "people with a review overdue",
        denominator: "people on an active sentence",
        source: "docs/rules/practice.md#reviews: scheduled and triggered reviews",
        higher_is_better: false,
        weight: None,
    },
    Measure {
        id: MeasureId::RarPace,
        name: "RAR days behind pace",
        kind: MeasureKind::AsAt,
        definition: "Of RAR requirements on active sentences, the share whose days left no longer fit at one a \
                     week before the sentence ends.",
        numerator: "RAR requirements behind pace",
        denominator: "RAR requirements on active sentences",
        source: RAR_PACE.source,
        higher_is_better: false,
        weight: None,
    },
    Measure {
        id: MeasureId::UpwStandDowns,
        name: "Unpaid work stand-downs",
        kind: MeasureKind::Period,
        definition: "Of unpaid work sessions people attended in the period, the share where the person was stood \
                     down: came to the session and was sent home by the service (no supervisor, over-booked). \
                     Counted where the case was on the day of the session.",
        numerator: "sessions attended where the person was stood down",
        denominator: "unpaid work sessions attended",
        source: "docs/rules/practice.md#unpaid-work: at most 10 people per supervisor (the report: people over that \
                 were sent home, \"stood down\"); docs/design.md#roles: no stand-downs",
        higher_is_better: false,
        weight: None,
    },
    Measure {
        id: MeasureId::UpwHoursCredited,
        name: "Unpaid work hours credited",
        kind: MeasureKind::Period,
        definition: "Minutes of unpaid work credited for sessions in the period: (end - start) - penalty, plus \
                     capped travel and other adjustments, for attended sessions only; a session with no timesheet \
                     is credited its booked length. The share is of attended sessions that earned any credit. \
                     Counted where the case was on the day of the session.",
        numerator: "attended sessions credited with some time",
        denominator: "unpaid work sessions attended",
        source: "docs/rules/practice.md#unpaid-work: credited time for a session = (end - start) - penalty minutes, \
                 for attended outcomes only; adjustments capped at 180 minutes each",
        higher_is_better: true,
        weight: Some("minutes credited"),
    },
    Measure {
        id: MeasureId::ReferralStarted,
        name: "Referrals started within 4 weeks, by intervention",
        kind: MeasureKind::Period,
        definition: "Of referrals to an intervention whose 4 weeks from referral ended in the period, the share \
                     whose service started within those 4 weeks. A referral cancelled before it started and \
                     within the 4 weeks is left out; one cancelled later counts as not started. By service.",
        numerator: "referrals started within 4 weeks",
        denominator: "referrals whose 4 weeks ended in the period",
        source: REFERRAL_START.source,
        higher_is_better: true,
        weight: None,
    },
    Measure {
        id: MeasureId::ReferralWaiting,
        name: "Referrals waiting over 4 weeks, by intervention",
        kind: MeasureKind::AsAt,
        definition: "Of referrals on active sentences still waiting for their service to start (referred or \
                     accepted, not started, cancelled or ended), the share referred more than 4 weeks ago. By \
                     service.",
        numerator: "referrals waiting more than 4 weeks",
        denominator: "referrals waiting to start",
        source: REFERRAL_START.source,
        higher_is_better: false,
        weight: None,
    },
];

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

/// Where figures are counted: the whole provider or one unit of its organisation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Provider,
    Area(Code),
    Borough(Code),
    Office(Code),
    Team(Code),
    Officer(Code),
}

/// A scope that does not parse, naming what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ScopeError(String);

impl std::str::FromStr for Scope {
    type Err = ScopeError;

    /// `provider`, or `area:CODE`, `borough:CODE`, `office:CODE`, `team:CODE`, `officer:CODE`.
    fn from_str(text: &str) -> Result<Self, ScopeError> {
        if text == "provider" {
            return Ok(Scope::Provider);
        }
        let Some((level, code)) = text.split_once(':') else {
            return Err(ScopeError(format!(
                "{text:?} is not a scope: expected provider, or area:, borough:, office:, team: or officer: and a code"
            )));
        };
        let code = Code::parse(code).map_err(|e| ScopeError(format!("{text:?}: {e}")))?;
        Ok(match level {
            "area" => Scope::Area(code),
            "borough" => Scope::Borough(code),
            "office" => Scope::Office(code),
            "team" => Scope::Team(code),
            "officer" => Scope::Officer(code),
            _ => {
                return Err(ScopeError(format!(
                    "{level:?} is not a level: expected area, borough, office, team or officer"
                )));
            }
        })
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Provider => write!(f, "provider"),
            Scope::Area(c) => write!(f, "area:{c}"),
            Scope::Borough(c) => write!(f, "borough:{c}"),
            Scope::Office(c) => write!(f, "office:{c}"),
            Scope::Team(c) => write!(f, "team:{c}"),
            Scope::Officer(c) => write!(f, "officer:{c}"),
        }
    }
}

/// A team's place in the organisation: (office, borough, area).
pub fn team_place(org: &Organisation, team: &Code) -> (Option<Code>, Option<Code>, Option<Code>) {
    let office = org.teams.iter().find(|t| &t.code == team).map(|t| t.office.clone());
    let borough = office.as_ref().and_then(|o| org.offices.iter().find(|x| &x.code == o)).map(|o| o.borough.clone());
    let area = borough.as_ref().and_then(|b| org.boroughs.iter().find(|x| &x.code == b)).map(|b| b.area.clone());
    (office, borough, area)
}

impl Scope {
    /// Whether a fact held by `officer` in `team` counts in this scope.
    pub fn contains(&self, org: &Organisation, officer: Option<&Code>, team: Option<&Code>) -> bool {
        let place = || team.map(|t| team_place(org, t)).unwrap_or((None, None, None));
        match self {
            Scope::Provider => true,
            Scope::Officer(c) => officer == Some(c),
            Scope::Team(c) => team == Some(c),
            Scope::Office(c) => place().0.as_ref() == Some(c),
            Scope::Borough(c) => place().1.as_ref() == Some(c),
            Scope::Area(c) => place().2.as_ref() == Some(c),
        }
    }
}

/// How a period is divided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    Month,
    Quarter,
}

impl Grouping {
    /// The label of the period holding `on`: "2025-03" or "2025-Q1".
    pub fn label(self, on: Date) -> String {
        match self {
            Grouping::Month => format!("{:04}-{:02}", on.year(), on.month()),
            Grouping::Quarter => format!("{:04}-Q{}", on.year(), (on.month() - 1) / 3 + 1),
        }
    }

    /// The label of the period of a "YYYY-MM" month label.
    pub fn of_month(self, month: &str) -> String {
        match self {
            Grouping::Month => month.to_owned(),
            Grouping::Quarter => {
                let m: i8 = month.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
                format!("{}-Q{}", &month[..4], (m - 1) / 3 + 1)
            }
        }
    }
}

/// One figure: a measure over one period (or as at one day) for one scope and key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub measure: &'static str,
    pub scope: String,
    /// "2025-03", "2025-Q1", or the as-at day.
    pub period: String,
    /// The breakdown key (local authority), empty when none.
    pub key: String,
    pub numerator: u64,
    pub denominator: u64,
    /// numerator / denominator x 100, to one decimal place; `None` when the denominator is 0.
    pub percent: Option<f64>,
    /// For a measure that is also a total ([`Measure::weight`]): the sum of its facts'
    /// weights (minutes credited); `None` for a plain share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u64>,
}

impl Figure {
    pub fn new(
        measure: MeasureId,
        scope: &Scope,
        period: String,
        key: String,
        numerator: u64,
        denominator: u64,
    ) -> Self {
        let percent = (denominator > 0).then(|| (numerator as f64 / denominator as f64 * 1000.0).round() / 10.0);
        let weight = measure.measure().weight.map(|_| 0);
        Figure { measure: measure.id(), scope: scope.to_string(), period, key, numerator, denominator, percent, weight }
    }

    /// The same figure carrying the sum of its facts' weights, when the measure is a total.
    pub fn with_weight(mut self, weight: u64) -> Self {
        if self.weight.is_some() {
            self.weight = Some(weight);
        }
        self
    }
}

/// The figures of a measure for a scope, from facts in memory: the reference the store's SQL
/// must match. Period measures count facts dated `from` to `to` (inclusive) by `grouping`;
/// as-at measures give one figure as at `to`.
pub fn aggregate<'a>(
    facts: impl IntoIterator<Item = &'a Fact>,
    org: &Organisation,
    measure: MeasureId,
    scope: &Scope,
    from: Date,
    to: Date,
    grouping: Grouping,
) -> Vec<Figure> {
    let mut sums: BTreeMap<(String, String), (u64, u64, u64)> = BTreeMap::new();
    for f in facts {
        if f.measure != measure || !scope.contains(org, f.officer.as_ref(), f.team.as_ref()) {
            continue;
        }
        let key = f.key.clone().unwrap_or_default();
        match measure.kind() {
            MeasureKind::Period => {
                let Some(on) = f.on.filter(|d| (from..=to).contains(d)) else { continue };
                let sum = sums.entry((grouping.label(on), key)).or_default();
                sum.0 += u64::from(f.met);
                sum.1 += 1;
                sum.2 += f.weight;
            }
            MeasureKind::AsAt => {
                let sum = sums.entry((to.to_string(), key)).or_default();
                sum.0 += u64::from(f.on.is_some_and(|d| d <= to));
                sum.1 += 1;
                sum.2 += f.weight;
            }
        }
    }
    sums.into_iter()
        .map(|((period, key), (n, d, w))| Figure::new(measure, scope, period, key, n, d).with_weight(w))
        .collect()
}

#[cfg(test)]
mod tests;
