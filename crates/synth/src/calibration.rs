//! The figures the generator is calibrated to, each naming its source.
//!
//! Two kinds of value live here. **Report figures** come from HM Inspectorate of Probation,
//! *An inspection of probation services in London: the London Community Rehabilitation
//! Company* (2018), docs/rules/README.md#the-inspection-report: the generator aims at them
//! and [`crate::stats`] measures them. **Assumptions** fill in what the report does not
//! give (requirement mix, appointment outcomes, ethnicity ...); they are plausible for a
//! London CRC and are marked as such, so that nobody mistakes them for published figures.
//!
//! | figure | value | source |
//! |---|---|---|
//! | areas | 5 | report, "Organisational arrangements": "divided into five areas" |
//! | boroughs (local delivery units) | 33 | report: "32 boroughs and the City of London" |
//! | offices | 25 | report, Appendix 1: "22 of the 25 CRC offices" |
//! | mean caseload per officer | 57 | report, "Leadership": "the average caseload ... was 57" (57.2, Sep-Nov 2017) |
//! | custodial % of the caseload | 41 | report, key facts (MoJ caseload statistics, 30 June 2017) |
//! | licence/PSS completed successfully | 80% | report, key facts |
//! | community sentences completed successfully | 78% | report, key facts |
//! | same responsible officer throughout | 59% | report, "Abiding by the sentence" (national 48%) |
//! | needs, most to least common | thinking and behaviour, alcohol, emotional well-being, relationships, ETE, drugs, accommodation | report, "Reducing reoffending" |
//! | RoSH | low and medium only | docs/rules/practice.md#allocation: the NPS keeps high and very high risk cases |
//! | breach packs incomplete when sent | about 25% | report: about 1 in 4 breach packs returned as poorly prepared |
//! | plan reviews done when due | 70% | report, "Reviewing progress": "In 70% of cases, responsible officers had reviewed progress" |
//! | local authorities answering safeguarding checks | about 60% | report, "Public protection": "local authorities' response rate ... is around 60%" |
//! | objectives agreed with the person involved | just over half (55%) | report: "Service users were included in planning ... in just over half of the cases" |
//!
//! Practice assumptions (see "Practice" below): the report found enforcement mostly done and
//! needs assessed well but too few reaching the plan; it gives no shares, so Probity assumes
//! these, and `tests/worklist.rs` checks that the worklist finds the residue they leave.
//!
//! | practice figure | share | meaning |
//! |---|---|---|
//! | warning letter never issued | 4% of first failures | residue: a warning decision the worklist finds |
//! | warning letter late | 10% of letters | issued 3-10 business days after the failure, not within 2 |
//! | mandatory breach or recall decision never made | 3% | residue: a breach decision the worklist finds |
//! | manager's exception instead | 8% | recorded in place of a breach or recall |
//! | breach referral late | 8% of referrals | 9-14 business days after the failure, not within 8 |
//! | breach pack incomplete when referred | 25% | completed 2-15 business days later |
//! | new plans with at least one unexplained gap | 10% | 15% of gaps closed at each review |
//! | active plans with at least one gap | about 7% | residue: plan gaps the worklist finds |
//! | needs given an objective | 80% of those not left as gaps | the rest carry a recorded reason |
//! | overdue worklist items per active case | under 0.35 | the bound `tests/worklist.rs` checks: about 17 for a caseload of 57 |

use domain::assessment::NeedArea;
use domain::practice::enforcement::{BreachOutcome, RecallKind};

/// The report every figure below is checked against.
pub const REPORT: &str = "HMI Probation, London CRC inspection (2018)";

// ---- Report figures -------------------------------------------------------------------

pub const AREAS: usize = 5;
/// 32 London boroughs and the City of London.
pub const BOROUGHS: usize = 33;
pub const OFFICES: usize = 25;
/// Average active cases per case-holding officer (the CRC's own target was 55).
pub const MEAN_CASELOAD: f64 = 57.0;
/// Share of active cases on a custodial sentence, before or after release.
pub const CUSTODIAL_PERCENT: f64 = 41.0;
/// Share of cases that kept one responsible officer throughout.
pub const ONE_OFFICER_PERCENT: f64 = 59.0;
/// Community orders and suspended sentence orders ended successfully, of those ended.
pub const COMMUNITY_COMPLETION_PERCENT: f64 = 78.0;
/// Licences and post-sentence supervision ended successfully, of those ended.
pub const LICENCE_COMPLETION_PERCENT: f64 = 80.0;

/// The report's order of offending-related needs, most common first ("offending-related
/// issues were most commonly rooted in poor thinking and behaviour, alcohol misuse,
/// emotional and mental health needs, difficult relationships, lack of education, training
/// and employment, drugs misuse and accommodation needs").
pub const NEEDS_ORDER: [NeedArea; 7] = [
    NeedArea::ThinkingBehaviour,
    NeedArea::AlcoholMisuse,
    NeedArea::EmotionalWellbeing,
    NeedArea::Relationships,
    NeedArea::EducationTrainingEmployability,
    NeedArea::DrugMisuse,
    NeedArea::Accommodation,
];

// ---- Assumptions ----------------------------------------------------------------------

/// Share of generated cases still under supervision on the reference date; the rest ended
/// within the ten years before it. Assumption: most of a generated provider is its live
/// caseload, with enough ended sentences to measure completion.
pub const ACTIVE_PERCENT: f64 = 80.0;

/// Share of cases with one earlier sentence that ended before the current one began.
/// Assumption: most histories are one sentence; some people come back.
pub const PRIOR_SENTENCE_PERCENT: f64 = 12.0;

/// Share of women among people supervised. Assumption: about 15% nationally (MoJ Offender
/// Management Statistics); the report gives no London figure.
pub const FEMALE_PERCENT: f64 = 15.0;
/// Gender recorded as other. Assumption: very rare in records.
pub const OTHER_GENDER_PERCENT: f64 = 0.2;

/// Share of cases assessed at medium RoSH (the rest low). Assumption: a little over half
/// of a CRC caseload is medium risk.
pub const MEDIUM_ROSH_PERCENT: f64 = 55.0;

/// Suspended sentence orders among community sentences (the rest are community orders).
/// Assumption, after MoJ sentencing statistics for 2016-17.
pub const SSO_PERCENT: f64 = 42.0;

/// How many responsible officers a case has over its life: one (the report's 59%), or one
/// to three reallocations. The split of the other 41% is an assumption.
pub const OFFICER_COUNTS: [(u32, f64); 4] = [(1, 59.0), (2, 23.0), (3, 12.0), (4, 6.0)];

/// Prevalence of each need at the first assessment, percent of assessed cases (standard or
/// severe). Assumption, ordered as the report orders them; the three needs the report does
/// not rank sit among them. Each at least 6 points from the next so that the order holds
/// within each area of a few thousand cases.
pub const NEED_PREVALENCE: [(NeedArea, f64); 10] = [
    (NeedArea::ThinkingBehaviour, 80.0),
    (NeedArea::AlcoholMisuse, 64.0),
    (NeedArea::EmotionalWellbeing, 56.0),
    (NeedArea::Relationships, 48.0),
    (NeedArea::EducationTrainingEmployability, 40.0),
    (NeedArea::DrugMisuse, 32.0),
    (NeedArea::Accommodation, 24.0),
    (NeedArea::LifestyleAssociates, 45.0),
    (NeedArea::Attitudes, 36.0),
    (NeedArea::Financial, 28.0),
];

/// Of needs present, the share assessed as severe. Assumption.
pub const SEVERE_NEED_PERCENT: f64 = 30.0;

/// Percent of community sentences carrying each requirement. Assumption, after MoJ Offender
/// Management Statistics (requirements commenced): RAR and unpaid work dominate.
pub const REQUIREMENT_PERCENT: [(RequirementName, f64); 11] = [
    (RequirementName::Rar, 55.0),
    (RequirementName::UnpaidWork, 45.0),
    (RequirementName::Curfew, 16.0),
    (RequirementName::Programme, 7.0),
    (RequirementName::DrugRehabilitation, 5.0),
    (RequirementName::AlcoholTreatment, 4.0),
    (RequirementName::AlcoholAbstinenceMonitoring, 2.0),
    (RequirementName::ProhibitedActivity, 2.0),
    (RequirementName::MentalHealthTreatment, 1.0),
    (RequirementName::Residence, 1.0),
    (RequirementName::Exclusion, 1.0),
];

/// The requirement kinds, without their parameters, for tables and statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementName {
    UnpaidWork,
    Rar,
    DrugRehabilitation,
    AlcoholTreatment,
    AlcoholAbstinenceMonitoring,
    Curfew,
    Programme,
    MentalHealthTreatment,
    Residence,
    Exclusion,
    ProhibitedActivity,
}

impl RequirementName {
    pub const ALL: [RequirementName; 11] = [
        RequirementName::UnpaidWork,
        RequirementName::Rar,
        RequirementName::DrugRehabilitation,
        RequirementName::AlcoholTreatment,
        RequirementName::AlcoholAbstinenceMonitoring,
        RequirementName::Curfew,
        RequirementName::Programme,
        RequirementName::MentalHealthTreatment,
        RequirementName::Residence,
        RequirementName::Exclusion,
        RequirementName::ProhibitedActivity,
    ];

    pub fn of(kind: &domain::sentence::RequirementKind) -> Self {
        use domain::sentence::RequirementKind as K;
        match kind {
            K::UnpaidWork { .. } => Self::UnpaidWork,
            K::Rar { .. } => Self::Rar,
            K::DrugRehabilitation { .. } => Self::DrugRehabilitation,
            K::AlcoholTreatment { .. } => Self::AlcoholTreatment,
            K::AlcoholAbstinenceMonitoring { .. } => Self::AlcoholAbstinenceMonitoring,
            K::Curfew { .. } => Self::Curfew,
            K::Programme { .. } => Self::Programme,
            K::MentalHealthTreatment { .. } => Self::MentalHealthTreatment,
            K::Residence => Self::Residence,
            K::Exclusion { .. } => Self::Exclusion,
            K::ProhibitedActivity => Self::ProhibitedActivity,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::UnpaidWork => "Unpaid work",
            Self::Rar => "Rehabilitation activity requirement",
            Self::DrugRehabilitation => "Drug rehabilitation",
            Self::AlcoholTreatment => "Alcohol treatment",
            Self::AlcoholAbstinenceMonitoring => "Alcohol abstinence monitoring",
            Self::Curfew => "Curfew",
            Self::Programme => "Accredited programme",
            Self::MentalHealthTreatment => "Mental health treatment",
            Self::Residence => "Residence",
            Self::Exclusion => "Exclusion",
            Self::ProhibitedActivity => "Prohibited activity",
        }
    }
}

/// Unpaid work hours by band (docs/rules/practice.md#unpaid-work: low 40-80, medium 80-150, high 150-300), percent of
/// orders in each. Assumption.
pub const UPW_BANDS: [((u16, u16), f64); 3] = [((40, 80), 35.0), ((80, 150), 45.0), ((150, 300), 20.0)];

/// RAR days set by the court, with their share. Assumption: short RARs are the norm.
pub const RAR_DAYS: [(u16, f64); 9] =
    [(5, 8.0), (10, 18.0), (15, 14.0), (20, 22.0), (25, 8.0), (30, 14.0), (40, 7.0), (50, 5.0), (60, 4.0)];

/// Community order length in months. Assumption.
pub const COMMUNITY_ORDER_MONTHS: [(u32, f64); 5] = [(6, 8.0), (12, 45.0), (18, 22.0), (24, 20.0), (36, 5.0)];
/// Supervision period of a suspended sentence order in months. Assumption.
pub const SSO_MONTHS: [(u32, f64); 4] = [(6, 5.0), (12, 40.0), (18, 25.0), (24, 30.0)];
/// Custodial term in months for the CRC's custodial cases: mostly short sentences, which
/// carry post-sentence supervision. Assumption.
pub const CUSTODY_MONTHS: [(u32, f64); 11] = [
    (2, 10.0),
    (3, 14.0),
    (4, 14.0),
    (6, 18.0),
    (8, 10.0),
    (10, 6.0),
    (12, 10.0),
    (18, 7.0),
    (24, 5.0),
    (36, 4.0),
    (48, 2.0),
];

/// Ethnicity of people supervised, percent; `None` is "not recorded". Assumption for
/// London, where the supervised population is more diverse than the 2011 census (the report,
/// Appendix 2: 44.9% of Londoners are white British).
pub const ETHNICITY: [(Option<domain::person::Ethnicity>, f64); 7] = {
    use domain::person::Ethnicity as E;
    [
        (Some(E::White), 50.0),
        (Some(E::Black), 25.0),
        (Some(E::Asian), 11.0),
        (Some(E::Mixed), 6.0),
        (Some(E::Other), 3.5),
        (Some(E::NotStated), 2.5),
        (None, 2.0),
    ]
};

/// Grades of case-holding officers. Assumption: the report found PSOs "made up the bulk".
pub const GRADES: [(domain::org::Grade, f64); 3] =
    [(domain::org::Grade::Pso, 55.0), (domain::org::Grade::Po, 35.0), (domain::org::Grade::Pqip, 10.0)];

/// Officers per team (plus one SPO); teams per office follow from it.
pub const OFFICERS_PER_TEAM: u64 = 7;

/// Ended sentences that neither succeed nor fail (died, transferred out), percent.
/// Completion rates leave them out (`SentenceOutcome::completion`).
pub const NEUTRAL_ENDING_PERCENT: f64 = 1.5;

// ---- Practice (assumptions) ------------------------------------------------------------
//
// How officers answer enforceable failures and assessed needs. The report describes the
// practice (enforcement mostly done, needs assessed well but too few reaching the plan,
// 1 in 4 breach packs poorly prepared) without counting it, so these shares are Probity's
// assumptions. Each leaves a residue of failings on purpose: the worklist should find some.

/// Enforceable failures that needed a warning letter (a first failure, or one not within 12
/// months of another) and never got one. Assumption: a few percent, for the worklist to find.
pub const WARNING_MISSED_PERCENT: f64 = 4.0;
/// Warning letters issued late: 3 to 10 business days after the failure was recorded, past
/// the 2-business-day deadline (`domain::practice::policy::WARNING_LETTER`). Assumption.
pub const WARNING_LATE_PERCENT: f64 = 10.0;
/// Mandatory breach or recall decisions (a second failure within 12 months) left unmade.
/// Assumption: a small residue for the worklist to find.
pub const ENFORCEMENT_MISSED_PERCENT: f64 = 3.0;
/// Mandatory decisions answered by a manager's recorded exception instead of a breach or a
/// recall recommendation. Assumption.
pub const ENFORCEMENT_EXCEPTION_PERCENT: f64 = 8.0;
/// Breach referrals made after the 8-business-day deadline (9 to 14 business days).
/// Assumption.
pub const BREACH_REFERRAL_LATE_PERCENT: f64 = 8.0;
/// Breach packs not complete when the breach is referred, completed (`BreachPackCompleted`)
/// 2 to 15 business days later. After the report: about 1 in 4 packs were returned as poorly
/// prepared.
pub const BREACH_PACK_INCOMPLETE_PERCENT: f64 = 25.0;
/// Share of incomplete packs completed after the 10-business-day pack deadline. Assumption.
pub const BREACH_PACK_LATE_PERCENT: f64 = 15.0;
/// How breaches end when the order goes on (a breach that ends the order is
/// `ProvenRevokedAndResentenced`, on the day the sentence ends `RevokedForBreach`). Percent.
/// Assumption.
pub const BREACH_OUTCOMES: [(BreachOutcome, f64); 4] = [
    (BreachOutcome::ProvenOrderContinued, 45.0),
    (BreachOutcome::ProvenOrderAmended, 35.0),
    (BreachOutcome::NotProven, 8.0),
    (BreachOutcome::Withdrawn, 12.0),
];
/// Days from a breach referral to its hearing. Assumption: three to ten weeks.
pub const BREACH_HEARING_DAYS: (i32, i32) = (21, 70);
/// The recall a licence that ends `Recalled` gets, percent. Assumption, after MoJ recall
/// statistics (fixed-term recalls are common for short sentences).
pub const RECALL_KINDS: [(RecallKind, f64); 2] = [(RecallKind::Standard, 65.0), (RecallKind::FixedTerm, 35.0)];
/// New sentence plans that leave at least one offending-related need or medium-or-above
/// risk neither planned for nor explained. Assumption, after the report's finding that
/// needs were assessed well but too few reached the plan; at a review the gap is closed
/// with probability [`PLAN_GAP_CLOSED_AT_REVIEW_PERCENT`].
pub const PLAN_GAP_PERCENT: f64 = 10.0;
/// Active cases whose sentence plan has at least one gap on the reference date, after new
/// plans' gaps ([`PLAN_GAP_PERCENT`]) are partly closed at reviews or outlived by the need.
/// Assumption; `tests/worklist.rs` checks it within 5 points.
pub const PLANS_WITH_GAP_PERCENT: f64 = 7.0;
/// Gaps closed (an objective added) at a review. Assumption.
pub const PLAN_GAP_CLOSED_AT_REVIEW_PERCENT: f64 = 15.0;
/// Of the needs a plan does not leave as gaps, the share given an objective; the rest carry
/// a recorded reason (`PlanGapReasonRecorded`). Assumption.
pub const NEED_OBJECTIVE_PERCENT: f64 = 80.0;
/// Medium-or-above risks a plan does not leave as gaps that get a risk objective (the rest
/// carry a recorded reason). Assumption.
pub const RISK_OBJECTIVE_PERCENT: f64 = 85.0;
/// The bound on overdue worklist items per active case as at the reference date that the
/// shares above keep generated cases within (`tests/worklist.rs`). Probity's own target: a
/// caseload of 57 shows its officer a handful of overdue items of each kind (under 20 in all),
/// each a real residue of late or missed practice, not years of historic items.
pub const MAX_OVERDUE_PER_ACTIVE_CASE: f64 = 0.35;

// ---- Reviews, safeguarding, oversight and referrals ----------------------------------------
//
// The practice that follows a plan. The report gives three figures (reviews, local
// authorities' answers, oversight's reach); the rest are Probity's assumptions, each leaving a
// small residue for the worklist to find.

/// Scheduled plan reviews done by the date they fell due (6 months from the plan or the last
/// review, `domain::practice::policy::REVIEW_SCHEDULED`); the rest are done 1 to 9 weeks late.
/// Report ("Reviewing progress"): "In 70% of cases, responsible officers had reviewed
/// progress in the case"; Probity reads that as reviews done when due.
pub const REVIEW_ON_TIME_PERCENT: f64 = 70.0;
/// Sentences on which reviews stop after the plan (the report: "plans were not always
/// reviewed"). Assumption: a small residue, which the worklist finds.
pub const REVIEWS_LAPSE_PERCENT: f64 = 2.0;
/// Review intervals in which something triggers an early review (a change of address or
/// circumstances, an arrest), reviewed within 2 to 9 business days. Assumption.
pub const REVIEW_TRIGGERED_PERCENT: f64 = 6.0;
/// Requests to children's social care that the local authority answers. Report ("Public
/// protection"): "local authorities' response rate to requests for information is around 60%".
pub const LOCAL_AUTHORITY_ANSWER_PERCENT: f64 = 60.0;
/// Police domestic-abuse checks answered. Assumption: the police answer nearly all.
pub const POLICE_ANSWER_PERCENT: f64 = 92.0;
/// Checks requested after the 5-business-day deadline (6 to 12 business days). Assumption.
pub const SAFEGUARDING_LATE_PERCENT: f64 = 10.0;
/// At each chase of an unanswered check, the share of officers who chase again when the next
/// chase falls due; the others stop (the residue the worklist finds). Assumption.
pub const SAFEGUARDING_CHASE_KEPT_PERCENT: f64 = 95.0;
/// Cases whose officer declares domestic abuse in view (so checks are needed) when an
/// assessment rates the risk to a known adult medium or above. Assumption.
pub const DOMESTIC_ABUSE_DECLARED_PERCENT: f64 = 60.0;
/// Sentences whose SPO records oversight of the assessment and plan, for medium-risk cases and
/// for low-risk ones. Assumption.
pub const OVERSIGHT_MEDIUM_PERCENT: f64 = 50.0;
pub const OVERSIGHT_LOW_PERCENT: f64 = 15.0;
/// Oversight judging the work insufficient, with an action for the officer. Assumption, after
/// the report's finding that oversight had a positive effect on public protection in only a
/// third of relevant cases.
pub const OVERSIGHT_INSUFFICIENT_PERCENT: f64 = 35.0;
/// Oversight actions done by their due date; late ones within five weeks; the rest never
/// (the residue). Assumption.
pub const OVERSIGHT_ACTION_ON_TIME_PERCENT: f64 = 80.0;
pub const OVERSIGHT_ACTION_NEVER_PERCENT: f64 = 4.0;
/// Objectives linked to a need that are referred to a rate-card service. Assumption: the
/// report found every accredited programme had a waiting list and the rate card little used.
pub const REFERRAL_PERCENT: f64 = 20.0;
/// How a started referral closes: completed, or ended early with a reason. Assumption, after
/// the report: sufficient progress delivering interventions in around 40% of cases.
pub const REFERRAL_COMPLETED_PERCENT: f64 = 65.0;
/// End-of-service outcomes recorded within the 5-business-day deadline; the rest later.
/// Assumption.
pub const REFERRAL_OUTCOMES_ON_TIME_PERCENT: f64 = 88.0;
/// Objectives agreed with the person involved. Report ("Engaging people on probation"):
/// "Service users were included in planning supervision work in just over half of the cases".
pub const PERSON_INVOLVED_PERCENT: f64 = 55.0;

/// Cases that leave the CRC by transfer (a neutral ending) because they came under MAPPA:
/// registered (category 2, level 1) and escalated to the NPS, which manages every MAPPA case
/// (docs/rules/practice.md#allocation). Assumption.
pub const MAPPA_TRANSFER_PERCENT: f64 = 50.0;
/// Active cases registered under MAPPA in the last two months, awaiting their transfer.
/// Assumption: a handful in a provider of thousands.
pub const MAPPA_ACTIVE_PERCENT: f64 = 0.4;
/// Of those, the registration ended when the panel decided it need not manage the case.
/// Assumption.
pub const MAPPA_ENDED_PERCENT: f64 = 25.0;
/// MAPPA registrations escalated to the NPS within a business day; the rest not yet (the
/// residue the worklist finds). Assumption.
pub const MAPPA_ESCALATED_PERCENT: f64 = 85.0;
/// The OGRS score (percent) from which the police and the provider select a person as an
/// integrated offender management (IOM) nominal. Assumption: the most prolific few percent.
pub const IOM_OGRS: f64 = 90.0;
/// Attended unpaid work sessions whose supervisor records a timesheet on the day (the rest
/// are credited at their booked length). Assumption.
pub const UPW_TIMESHEET_PERCENT: f64 = 60.0;
/// Supervision contacts (office, home, telephone, video) whose outcome carries the officer's
/// case note. Assumption: most do; some outcomes are recorded without one.
pub const CASE_NOTE_PERCENT: f64 = 70.0;
/// Attended supervision contacts whose note is marked sensitive (a disclosure about a third
/// party, health or children). Assumption: a few percent.
pub const SENSITIVE_NOTE_PERCENT: f64 = 3.0;

// ---- Staff equality (assumptions) ------------------------------------------------------
//
// The report gives no figures for the workforce's protected characteristics or its
// performance processes. These are Probity's assumptions, so that the staff process table
// (`probity mi disproportionality --outcome performance-improvement`) has something to show;
// none is a published figure, and no group is flagged more often than another on purpose.

/// Staff who leave a characteristic undeclared ("not recorded"), percent, for each
/// characteristic apart. Assumption.
pub const STAFF_UNDECLARED_PERCENT: f64 = 5.0;

/// Ethnicity of staff who declare it, percent. Assumption for London, whose probation
/// workforce is more diverse than the country's.
pub const STAFF_ETHNICITY: [(domain::person::Ethnicity, f64); 6] = {
    use domain::person::Ethnicity as E;
    [(E::White, 58.0), (E::Black, 20.0), (E::Asian, 12.0), (E::Mixed, 5.0), (E::Other, 3.0), (E::NotStated, 2.0)]
};

/// Age on the reference date of staff who declare a date of birth: (youngest, oldest) years,
/// percent. Assumption.
pub const STAFF_AGES: [((i16, i16), f64); 4] = [((22, 29), 20.0), ((30, 39), 30.0), ((40, 49), 25.0), ((50, 64), 25.0)];

/// Staff who declare a disability, percent of those who answer. Assumption.
pub const STAFF_DISABLED_PERCENT: f64 = 10.0;

/// Religion of staff who declare it, percent. Assumption, after the shape of London's answers
/// to the census question.
pub const STAFF_RELIGION: [(domain::staff::Religion, f64); 9] = {
    use domain::staff::Religion as R;
    [
        (R::Christian, 40.0),
        (R::NoReligion, 30.0),
        (R::Muslim, 12.0),
        (R::Hindu, 5.0),
        (R::Jewish, 2.0),
        (R::Sikh, 2.0),
        (R::Buddhist, 1.0),
        (R::Other, 2.0),
        (R::NotStated, 6.0),
    ]
};

/// Staff given a performance-improvement flag that started in the two years before the
/// reference date, percent, whatever their characteristics. Assumption.
pub const STAFF_FLAG_PERCENT: f64 = 12.0;

/// How long a flag lasts, days (first and last day counted): it has ended by the reference
/// date if its last day is before it. Assumption.
pub const STAFF_FLAG_DAYS: (i32, i32) = (60, 120);
