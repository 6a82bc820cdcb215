//! The measures themselves: ids, definitions shown to users, and the timescales the facts
//! are judged by. The lowest layer of `measures`: facts and figures name these.

use domain::practice::policy::{PLAN_AFTER_ASSESSMENT, Period, RAR_PACE, Rule};
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

pub(super) fn serialize_id<S: serde::Serializer>(id: &MeasureId, s: S) -> Result<S::Ok, S::Error> {
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
