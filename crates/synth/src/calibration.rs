//! The figures the generator is calibrated to, each naming its source.
//!
//! Two kinds of value live here. **Report figures** come from HM Inspectorate of Probation,
//! *An inspection of probation services in London: the London Community Rehabilitation
//! Company* (2018), `reference/london-crc-inspection-2018.md`: the generator aims at them
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
//! | RoSH | low and medium only | RULES.md: the NPS keeps high and very high risk cases |

use domain::assessment::NeedArea;

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

/// Unpaid work hours by band (RULES.md: low 40-80, medium 80-150, high 150-300), percent of
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
