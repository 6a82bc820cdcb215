//! A case's tier, recomputed as an event (issue 3, item 1; docs/rules/tiering.md).
//!
//! The tier is a decision the record must show, not a figure worked out on every read: when
//! an assessment, a registration, MAPPA or a sentence event arrives, [`follow_on`] builds the
//! tiering input from the case's state after the batch, runs both models and, if the tier
//! differs from the case's current one, yields a `TierCalculated` event to append with the
//! batch. Folding then only reads the recorded tier, so a later change to the tiering
//! tables never rewrites history.

use crate::case::CaseState;
use crate::event::{CaseEvent, NewEvent};
use crate::person::Gender as PersonGender;
use crate::sentence::{RequirementKind as SentenceRequirement, SentenceKind};
use crate::tier::{
    self, Finite, Gender, LegacyTier, MappaCategory, MappaLevel, PredictorType, Registration, Requirement,
    RequirementKind, TierInput, V3Tier,
};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The case's MAPPA registration: a category always, a level once set (docs/rules/tiering.md#11-shared-fields and
/// docs/rules/tiering.md#12-v3-fields: V3 reads the category only, the legacy model the level only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mappa {
    pub category: MappaCategory,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<MappaLevel>,
}

/// What kind of event made the tier worth recomputing (issue 3, item 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierFactor {
    Assessment,
    Registration,
    Mappa,
    Sentence,
}

impl TierFactor {
    /// The factor an event changes, if it changes one.
    pub fn of(event: &CaseEvent) -> Option<TierFactor> {
        match event {
            CaseEvent::AssessmentCompleted { .. } => Some(TierFactor::Assessment),
            CaseEvent::RegistrationAdded { .. } | CaseEvent::RegistrationRemoved { .. } => {
                Some(TierFactor::Registration)
            }
            CaseEvent::MappaSet { .. } | CaseEvent::MappaEnded { .. } => Some(TierFactor::Mappa),
            CaseEvent::SentenceImposed { .. }
            | CaseEvent::ReleasedFromCustody { .. }
            | CaseEvent::SentenceEnded { .. } => Some(TierFactor::Sentence),
            _ => None,
        }
    }
}

/// An input the models wanted and the case does not have: why a V3 tier is `MISSING` or
/// provisional, or the legacy change level defaulted (docs/rules/tiering.md#222-valid-assessment,
/// docs/rules/tiering.md#31-outcomes, docs/rules/tiering.md#33-provisional-flag).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingInput {
    /// No assessment: no needs, OGRS or RSR (legacy change level 2, docs/rules/tiering.md#22-change-axis).
    Assessment,
    /// No RoSH (V3 provisional unless other factors are high enough, docs/rules/tiering.md#33-provisional-flag P2).
    Rosh,
    /// No OGRS4 ARP/CSRP scores (V3 `MISSING`, docs/rules/tiering.md#31-outcomes).
    Ogrs4Predictors,
    /// OGRS4 scores are static (V3 provisional unless other factors are high, docs/rules/tiering.md#33-provisional-flag
    /// P1).
    DynamicPredictors,
}

/// The tier the case record holds: both models, from the last `TierCalculated` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseTier {
    pub legacy: LegacyTier,
    pub v3: V3Tier,
    pub provisional: bool,
    pub on: Date,
}

impl CaseTier {
    /// Whether `other` is the same tier (dates aside).
    pub fn same_as(&self, legacy: LegacyTier, v3: V3Tier, provisional: bool) -> bool {
        self.legacy == legacy && self.v3 == v3 && self.provisional == provisional
    }
}

fn finite(p: crate::assessment::Percent) -> Option<Finite> {
    Finite::new(p.get())
}

/// Restrictive requirements in the sense of docs/rules/tiering.md#11-shared-fields ("a requirement flagged
/// restrictive, e.g. curfew/exclusion"); unpaid work is its own kind; the rest rehabilitate.
fn requirement_kind(kind: &SentenceRequirement) -> RequirementKind {
    match kind {
        SentenceRequirement::UnpaidWork { .. } => RequirementKind::UnpaidWork,
        SentenceRequirement::Curfew { .. }
        | SentenceRequirement::Exclusion { .. }
        | SentenceRequirement::ProhibitedActivity => RequirementKind::Restrictive,
        _ => RequirementKind::Rehabilitative,
    }
}

/// The tiering input for a case as at `on` (docs/rules/tiering.md#1-input): the latest assessment's RoSH,
/// predictors and needs, the case's registrations and MAPPA, the current sentence, gender,
/// and previous enforcement (a breach or recall on the record). The women's OASys factors
/// (6.9, 11.2, 11.4) and DC-SRP are not assessed in Probity yet, so they count as absent.
pub fn tier_input(case: &CaseState, on: Date) -> TierInput {
    let a = case.assessment.as_ref();
    let predictors = a.and_then(|a| a.ogrs4);
    let kind = |p: Option<crate::assessment::Ogrs4>| {
        p.map(|p| if p.dynamic { PredictorType::Dynamic } else { PredictorType::Static })
    };
    let enforcement = &case.practice.enforcement;
    let latest_release = case.sentences.iter().filter_map(|s| s.released_on).max();
    TierInput {
        gender: match case.person.as_ref().map(|p| p.gender) {
            Some(PersonGender::Female) => Gender::Female,
            _ => Gender::NotFemale,
        },
        rosh: case.rosh(),
        rsr: a.and_then(|a| a.rsr).and_then(finite),
        ogrs: a.and_then(|a| a.ogrs).and_then(finite),
        mappa_level: case.mappa.and_then(|m| m.level),
        registrations: case.registrations.clone(),
        female_factors: tier::FemaleFactors {
            previous_breach_or_recall: !enforcement.breaches.is_empty() || !enforcement.recalls.is_empty(),
            ..Default::default()
        },
        needs: a.map(|a| a.needs.clone()).unwrap_or_default(),
        assessment_completed_weeks_ago: a.and_then(|a| {
            let days = a.completed_on.until(on).ok()?.get_days();
            Finite::new(f64::from(days) / 7.0)
        }),
        sentence: case.current_sentence().map(|s| tier::Sentence {
            custodial: s.sentence.kind == SentenceKind::Custodial,
            requirements: s
                .sentence
                .requirements
                .iter()
                .map(|r| Requirement { kind: requirement_kind(&r.kind) })
                .collect(),
            order_extended: false,
        }),
        has_active_event: case.is_active(),
        arp: predictors.and_then(|p| finite(p.arp)),
        arp_type: kind(predictors),
        csrp: predictors.and_then(|p| finite(p.csrp)),
        csrp_type: kind(predictors),
        dcsrp: None,
        dcsrp_band: None,
        mappa_category: case.mappa.map(|m| m.category),
        life_or_ipp_released_years_ago: latest_release.map(|r| tier::released_years_ago(r, on)),
    }
}

/// What the models were missing for this case (see [`MissingInput`]).
pub fn missing_inputs(case: &CaseState) -> Vec<MissingInput> {
    let mut missing = Vec::new();
    match &case.assessment {
        None => missing.extend([MissingInput::Assessment, MissingInput::Rosh, MissingInput::Ogrs4Predictors]),
        Some(a) => {
            if a.overall_rosh().is_none() {
                missing.push(MissingInput::Rosh);
            }
            match a.ogrs4 {
                None => missing.push(MissingInput::Ogrs4Predictors),
                Some(p) if !p.dynamic => missing.push(MissingInput::DynamicPredictors),
                Some(_) => {}
            }
        }
    }
    missing
}

/// Both models on the case as at `on`, as the event that would record them. `None` only if a
/// model refuses the input, which Probity's validated inputs (percentages, no DC-SRP) rule out.
pub fn calculate(case: &CaseState, on: Date, because: Vec<TierFactor>) -> Option<CaseEvent> {
    let input = tier_input(case, on);
    let legacy = tier::legacy::calculate(&input).ok()?;
    let v3 = tier::v3::calculate(&input).ok()?;
    Some(CaseEvent::TierCalculated {
        legacy: legacy.tier,
        v3: v3.tier,
        provisional: v3.provisional,
        because,
        missing: missing_inputs(case),
    })
}

/// The `TierCalculated` event that should follow `batch` on a case whose state after the
/// batch is `case`, recomputed as at `on`: `None` when nothing in the batch bears on the
/// tier, or the tier is unchanged.
pub fn follow_on_events<'a>(
    case: &CaseState,
    batch: impl IntoIterator<Item = &'a CaseEvent>,
    on: Date,
) -> Option<CaseEvent> {
    let mut because: Vec<TierFactor> = batch.into_iter().filter_map(TierFactor::of).collect();
    because.sort_unstable();
    because.dedup();
    if because.is_empty() || case.person.is_none() {
        return None;
    }
    let event = calculate(case, on, because)?;
    let CaseEvent::TierCalculated { legacy, v3, provisional, .. } = &event else { unreachable!("calculate") };
    match &case.tier {
        Some(t) if t.same_as(*legacy, *v3, *provisional) => None,
        _ => Some(event),
    }
}

/// [`follow_on_events`] for a batch about to be appended, as at the UK date of its latest
/// event.
pub fn follow_on(case: &CaseState, batch: &[NewEvent]) -> Option<CaseEvent> {
    let on = batch.iter().map(|e| crate::case::uk_date(e.occurred_at)).max()?;
    follow_on_events(case, batch.iter().map(|e| &e.event), on)
}

/// How a registration reads on a timeline.
pub fn registration_label(r: Registration) -> &'static str {
    match r {
        Registration::IomNominal => "IOM nominal",
        Registration::MentalHealth => "mental health issues",
        Registration::SelfHarm => "self-harm",
        Registration::Vulnerability => "vulnerability",
        Registration::ChildConcerns => "child concerns",
        Registration::ChildProtection => "child protection",
        Registration::RiskToChildren => "risk to children",
        Registration::PublicInterest => "public interest",
        Registration::AdultAtRisk => "adult at risk",
        Registration::StreetGangs => "street gangs",
        Registration::Terrorism => "terrorism",
        Registration::DomesticAbuse => "domestic abuse",
        Registration::Stalking => "stalking",
        Registration::SexualOffenceHistory => "sexual offence history",
        Registration::LiferIpp => "life or IPP sentence",
    }
}
