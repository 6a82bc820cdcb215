//! Every deadline and frequency of supervision practice, in one place, each naming its
//! source, so a provider can audit or change them without touching the rules.
//!
//! Two kinds of source appear: a section of docs/rules/practice.md (which restates the
//! national standards, CRC service levels and the law) and "Probity default", a value docs/rules/practice.md
//! does not fix, chosen here and meant to be set by the provider.

use crate::assessment::RoshLevel;
use crate::calendar::add_business_days;
use crate::tier::V3Level;
use jiff::civil::Date;

/// A length of time as the rules state it: business (working) days skip weekends and bank
/// holidays; days, weeks and months are calendar ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    BusinessDays(u32),
    Days(u32),
    Weeks(u32),
    Months(u32),
}

impl Period {
    /// The date this period after `from` (`from` itself is day 0).
    pub fn after(self, from: Date) -> Date {
        let span = match self {
            Period::BusinessDays(n) => return add_business_days(from, n),
            Period::Days(n) => jiff::Span::new().days(i64::from(n)),
            Period::Weeks(n) => jiff::Span::new().weeks(i64::from(n)),
            Period::Months(n) => jiff::Span::new().months(i64::from(n)),
        };
        from.checked_add(span).expect("practice dates stay in range")
    }

    /// The date this period before `to`. Business days are not needed backwards, and are
    /// counted as calendar days here.
    pub fn before(self, to: Date) -> Date {
        let span = match self {
            Period::BusinessDays(n) | Period::Days(n) => jiff::Span::new().days(i64::from(n)),
            Period::Weeks(n) => jiff::Span::new().weeks(i64::from(n)),
            Period::Months(n) => jiff::Span::new().months(i64::from(n)),
        };
        to.checked_sub(span).expect("practice dates stay in range")
    }
}

/// One policy value: a stable key, the period, and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub key: &'static str,
    pub period: Period,
    pub source: &'static str,
}

impl Rule {
    pub fn after(&self, from: Date) -> Date {
        self.period.after(from)
    }
}

pub const FIRST_APPOINTMENT_COMMUNITY: Rule = Rule {
    key: "first_appointment.community",
    period: Period::BusinessDays(5),
    source: "docs/rules/practice.md#contact: first appointment within 5 business days of allocation for a community or \
             suspended sentence order (CRC service level)",
};

pub const FIRST_APPOINTMENT_RELEASE: Rule = Rule {
    key: "first_appointment.release",
    period: Period::BusinessDays(1),
    source: "docs/rules/practice.md#contact: first appointment within 1 business day of release for a licence (and \
             post-sentence supervision)",
};

pub const SENTENCE_PLAN: Rule = Rule {
    key: "sentence_plan",
    period: Period::BusinessDays(15),
    source: "docs/rules/practice.md#contact: sentence plan within 15 business days of the first appointment",
};

/// The national floor under every row of [`CONTACT_FREQUENCY`].
pub const FACE_TO_FACE_MINIMUM: Rule = Rule {
    key: "face_to_face.minimum",
    period: Period::Months(1),
    source: "docs/rules/practice.md#contact: everyone supervised for a whole month is offered at least one \
             face-to-face appointment that month",
};

pub const OUTCOME_RECORDING: Rule = Rule {
    key: "outcome.recording",
    period: Period::BusinessDays(1),
    source: "Probity default (docs/rules/practice.md#appointment-outcomes is silent): an appointment's outcome is \
             recorded by the next business day, so enforcement clocks start on time",
};

pub const EVIDENCE_WINDOW: Rule = Rule {
    key: "failed_to_attend.evidence",
    period: Period::BusinessDays(5),
    source: "docs/rules/practice.md#appointment-outcomes: failed to attend is a holding state while evidence is \
             awaited, 5 working days; a non-attendance is followed up within 5 business days",
};

pub const WARNING_LETTER: Rule = Rule {
    key: "warning.issue",
    period: Period::BusinessDays(2),
    source: "Probity default (docs/rules/practice.md#enforcement: each unacceptable failure gets a warning letter, no \
             deadline given): issued within 2 business days of the failure being recorded",
};

pub const WARNING_RESPONSE: Rule = Rule {
    key: "warning.response",
    period: Period::Days(7),
    source: "docs/rules/practice.md#enforcement: the person has 7 days to respond to a warning",
};

pub const BREACH_WINDOW: Rule = Rule {
    key: "breach.window",
    period: Period::Months(12),
    source: "docs/rules/practice.md#enforcement: a second unacceptable failure within 12 months means breach \
             (community sentence) or a recall decision (licence)",
};

pub const BREACH_REFERRAL: Rule = Rule {
    key: "breach.referral",
    period: Period::BusinessDays(8),
    source: "docs/rules/practice.md#enforcement: alleged breaches are referred within 8 business days of the provider \
             becoming aware",
};

pub const BREACH_PACK: Rule = Rule {
    key: "breach.pack",
    period: Period::BusinessDays(10),
    source: "docs/rules/practice.md#enforcement: the breach pack is due within 10 working days and must be complete \
             (the report: about 1 in 4 packs returned as poorly prepared)",
};

pub const RECALL_RECOMMENDATION: Rule = Rule {
    key: "recall.recommendation",
    period: Period::BusinessDays(1),
    source: "Probity default (docs/rules/practice.md#enforcement gives no recall timescale): a licence failure that \
             makes a recall decision mandatory is put to a manager within 1 business day of becoming aware",
};

pub const RECALL_DECISION: Rule = Rule {
    key: "recall.decision",
    period: Period::BusinessDays(1),
    source: "Probity default (docs/rules/practice.md#enforcement gives no recall timescale): the manager decides \
             within 1 business day of the recommendation",
};

pub const PLAN_AFTER_ASSESSMENT: Rule = Rule {
    key: "plan.after_assessment",
    period: Period::BusinessDays(15),
    source: "Probity default, mirroring the sentence plan deadline: a need or risk in a new assessment is planned for \
             (or a reason recorded) within 15 business days (docs/rules/practice.md#sentence-plans: every \
             offending-related need and medium-or-above risk is addressed or carries a reason)",
};

pub const REVIEW_SCHEDULED: Rule = Rule {
    key: "review.scheduled",
    period: Period::Months(6),
    source: "Probity default (docs/rules/practice.md#reviews: reviews are scheduled, interval not given): the sentence \
             plan is reviewed every 6 months from the plan (or the last review), for community, licence and \
             post-sentence supervision cases alike",
};

/// How far ahead a scheduled review shows on the worklist.
pub const REVIEW_NOTICE: Rule = Rule {
    key: "review.notice",
    period: Period::Weeks(4),
    source: "Probity default: a scheduled review shows on the worklist 4 weeks before it is due (its date is \
             known from the plan; listing it for six months would crowd out what is due now)",
};

pub const REVIEW_TRIGGERED: Rule = Rule {
    key: "review.triggered",
    period: Period::BusinessDays(10),
    source: "Probity default (docs/rules/practice.md#reviews: reviews are triggered by a change in risk, a new offence \
             or arrest, a change of address or circumstances, a recall, a safeguarding concern, a transfer; no \
             timescale given): a triggered review within 10 business days",
};

pub const SAFEGUARDING_REQUEST: Rule = Rule {
    key: "safeguarding.request",
    period: Period::BusinessDays(5),
    source: "Probity default (docs/rules/practice.md#safeguarding: where children or domestic abuse are in view, \
             checks with children's social care and the police are requested; docs/rules/practice.md#allocation: \
             safeguarding checks complete before allocation): requested within 5 business days of coming into view",
};

pub const SAFEGUARDING_CHASE: Rule = Rule {
    key: "safeguarding.chase",
    period: Period::BusinessDays(10),
    source: "Probity default (docs/rules/practice.md#safeguarding: checks are requested, chased and their answers \
             recorded; the report: local authorities answered about 60% of requests): an unanswered check is chased 10 \
             business days after the request or the last chase",
};

/// The pace of RAR days: at most one a week is assumed deliverable (see `practice::rar`).
pub const RAR_PACE: Rule = Rule {
    key: "rar.pace",
    period: Period::Weeks(1),
    source: "Probity default (docs/rules/practice.md#sentences-and-requirements: RAR is a maximum number of days the \
             court sets, to be used within the order; docs/rules/practice.md#rar-days: RAR days are a budget): at most \
             one RAR day a week is planned for, so the days left must fit in the weeks left before the sentence ends",
};

/// How far ahead of the last date the RAR days can still fit the pace warning appears.
pub const RAR_PACE_NOTICE: Rule = Rule {
    key: "rar.pace_notice",
    period: Period::Weeks(4),
    source: "Probity default: the RAR pace warning appears 4 weeks before the days left stop fitting at one a \
             week, so there is time to book them",
};

pub const ESCALATION: Rule = Rule {
    key: "escalation.nps",
    period: Period::BusinessDays(1),
    source: "Probity default (docs/rules/practice.md#allocation: a CRC case whose risk rises to high goes back to the \
             NPS, and the NPS keeps all MAPPA cases; no timescale given): the escalation is made within 1 business day \
             of the assessment or MAPPA registration that calls for it",
};

pub const REFERRAL_ACCEPTANCE: Rule = Rule {
    key: "referral.acceptance",
    period: Period::BusinessDays(10),
    source: "Probity default (docs/rules/practice.md#interventions lists the referral stages but gives no timescale): \
             a referral not accepted within 10 business days is chased with the provider. Two working weeks leaves a \
             provider time to triage while the sentence plan, due 15 business days after the first appointment, is \
             still fresh",
};

pub const REFERRAL_OUTCOMES: Rule = Rule {
    key: "referral.outcomes",
    period: Period::BusinessDays(5),
    source: "Probity default (docs/rules/practice.md#interventions: an end-of-service outcome per objective; no \
             timescale given): outcomes are recorded within 5 business days of the service completing or ending, while \
             the provider's end-of-service report is to hand and before the next plan review",
};

pub const OVERSIGHT_ACTION: Rule = Rule {
    key: "oversight.action",
    period: Period::Days(0),
    source: "Probity default (the due date is the one the senior probation officer sets; the report, \
             docs/rules/practice.md#management-oversight, found management oversight had a positive impact on public \
             protection in only one third of relevant cases): an oversight action returns to the officer's worklist \
             once overdue",
};

/// Every named deadline, for listing and for tests that every one names a source.
pub const RULES: [&Rule; 25] = [
    &FIRST_APPOINTMENT_COMMUNITY,
    &FIRST_APPOINTMENT_RELEASE,
    &SENTENCE_PLAN,
    &FACE_TO_FACE_MINIMUM,
    &OUTCOME_RECORDING,
    &EVIDENCE_WINDOW,
    &WARNING_LETTER,
    &WARNING_RESPONSE,
    &BREACH_WINDOW,
    &BREACH_REFERRAL,
    &BREACH_PACK,
    &RECALL_RECOMMENDATION,
    &RECALL_DECISION,
    &PLAN_AFTER_ASSESSMENT,
    &REVIEW_SCHEDULED,
    &REVIEW_NOTICE,
    &REVIEW_TRIGGERED,
    &SAFEGUARDING_REQUEST,
    &SAFEGUARDING_CHASE,
    &RAR_PACE,
    &RAR_PACE_NOTICE,
    &ESCALATION,
    &REFERRAL_ACCEPTANCE,
    &REFERRAL_OUTCOMES,
    &OVERSIGHT_ACTION,
];

/// One row of the contact frequency table: face-to-face contact every `early` for the first
/// `early_weeks` of supervision, then every `later`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactFrequency {
    /// `None`: no assessment yet.
    pub rosh: Option<RoshLevel>,
    pub early_weeks: u32,
    pub early: Period,
    pub later: Period,
}

/// Where the contact frequency table comes from. docs/rules/practice.md#contact sets only the monthly floor and
/// says frequency beyond it is a provider's table by tier and RoSH.
pub const CONTACT_FREQUENCY_SOURCE: &str = "Probity defaults, for the provider to set (docs/rules/practice.md#contact: \
                                            frequency beyond the monthly minimum is a policy table by tier and RoSH). \
                                            The report criticises appointments every two months for a medium risk of \
                                            harm case (\"This was not enough to manage the risk\"), so medium risk is \
                                            seen fortnightly for the first 16 weeks and never less than monthly. A \
                                            case not yet assessed is treated as medium until it is.";

/// The contact frequency table by RoSH (see [`CONTACT_FREQUENCY_SOURCE`]); applied with the
/// tier rows of [`TIER_CONTACT_FREQUENCY`]. Every interval is
/// capped by [`FACE_TO_FACE_MINIMUM`] when applied, so no row can go below the national floor.
pub const CONTACT_FREQUENCY: [ContactFrequency; 5] = [
    ContactFrequency {
        rosh: Some(RoshLevel::VeryHigh),
        early_weeks: 0,
        early: Period::Weeks(1),
        later: Period::Weeks(1),
    },
    ContactFrequency { rosh: Some(RoshLevel::High), early_weeks: 0, early: Period::Weeks(1), later: Period::Weeks(1) },
    ContactFrequency {
        rosh: Some(RoshLevel::Medium),
        early_weeks: 16,
        early: Period::Weeks(2),
        later: Period::Months(1),
    },
    ContactFrequency { rosh: Some(RoshLevel::Low), early_weeks: 8, early: Period::Weeks(2), later: Period::Months(1) },
    ContactFrequency { rosh: None, early_weeks: 16, early: Period::Weeks(2), later: Period::Months(1) },
];

/// The interval to the next face-to-face contact for a case at `rosh`, `weeks_supervised`
/// weeks into supervision (counted at the last contact).
pub fn contact_interval(rosh: Option<RoshLevel>, weeks_supervised: u32) -> Period {
    let row = CONTACT_FREQUENCY.iter().find(|r| r.rosh == rosh).expect("the table covers every RoSH level and none");
    if weeks_supervised < row.early_weeks { row.early } else { row.later }
}

/// One row of the contact frequency table by tier (the current model's A-G level).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierContactFrequency {
    pub tier: V3Level,
    pub early_weeks: u32,
    pub early: Period,
    pub later: Period,
}

/// Where the tier rows come from.
pub const TIER_CONTACT_FREQUENCY_SOURCE: &str = "Probity defaults, for the provider to set \
                                                 (docs/rules/practice.md#contact: frequency beyond the monthly minimum \
                                                 is a policy table by tier and RoSH; the current model's tier sets \
                                                 supervision levels, docs/rules/tiering.md#3-v3-model). The more \
                                                 frequent of the tier row and the RoSH row applies, so a low tier \
                                                 never hides a medium risk of harm (the report: appointments every two \
                                                 months were not enough for a medium risk case) and a low RoSH never \
                                                 hides a high likelihood of serious reoffending. A case without a tier \
                                                 (or with a MISSING one) follows its RoSH row alone.";

/// The contact frequency table by tier (see [`TIER_CONTACT_FREQUENCY_SOURCE`]); like the RoSH
/// rows, every interval is capped by [`FACE_TO_FACE_MINIMUM`] when applied.
pub const TIER_CONTACT_FREQUENCY: [TierContactFrequency; 7] = [
    TierContactFrequency { tier: V3Level::A, early_weeks: 0, early: Period::Weeks(1), later: Period::Weeks(1) },
    TierContactFrequency { tier: V3Level::B, early_weeks: 16, early: Period::Weeks(1), later: Period::Weeks(2) },
    TierContactFrequency { tier: V3Level::C, early_weeks: 16, early: Period::Weeks(2), later: Period::Months(1) },
    TierContactFrequency { tier: V3Level::D, early_weeks: 8, early: Period::Weeks(2), later: Period::Months(1) },
    TierContactFrequency { tier: V3Level::E, early_weeks: 0, early: Period::Months(1), later: Period::Months(1) },
    TierContactFrequency { tier: V3Level::F, early_weeks: 0, early: Period::Months(1), later: Period::Months(1) },
    TierContactFrequency { tier: V3Level::G, early_weeks: 0, early: Period::Months(1), later: Period::Months(1) },
];

/// The tier row's interval, `weeks_supervised` weeks into supervision.
pub fn tier_contact_interval(tier: V3Level, weeks_supervised: u32) -> Period {
    let row = TIER_CONTACT_FREQUENCY.iter().find(|r| r.tier == tier).expect("the table covers A-G");
    if weeks_supervised < row.early_weeks { row.early } else { row.later }
}

/// The next face-to-face due date after a contact on `last_seen`: the sooner of the RoSH
/// row and the tier row (when the case has a tier), never later than the monthly minimum.
pub fn next_face_to_face(
    last_seen: Date,
    tier: Option<V3Level>,
    rosh: Option<RoshLevel>,
    weeks_supervised: u32,
) -> Date {
    let by_rosh = contact_interval(rosh, weeks_supervised).after(last_seen);
    let by_tier = tier.map_or(by_rosh, |t| tier_contact_interval(t, weeks_supervised).after(last_seen));
    by_rosh.min(by_tier).min(FACE_TO_FACE_MINIMUM.after(last_seen))
}
