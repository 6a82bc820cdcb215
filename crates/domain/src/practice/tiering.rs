//! A case's tier, recomputed as an event (issue 3, item 1; docs/rules/tiering.md).
//!
//! The tier is a decision the record must show, not a figure worked out on every read: when
//! an assessment, a registration, MAPPA or a sentence event arrives, [`follow_on`] builds the
//! tiering input from the case's state after the batch, runs both models and, if the tier
//! differs from the case's current one, yields a `TierCalculated` event to append with the
//! batch. Folding then only reads the recorded tier, so a later change to the tiering
//! tables never rewrites history.

use super::allocation::note_provider;
use crate::event::{CaseEvent, NewEvent};
use crate::person::Gender as PersonGender;
use crate::sentence::{RequirementKind as SentenceRequirement, SentenceKind};
pub use crate::state::tiering::{CaseTier, Mappa, MissingInput, TierFactor, registration_label};
use crate::state::{CaseState, Rejected, reject};
use crate::tier::{
    self, Finite, Gender, LegacyTier, MappaCategory, MappaLevel, PredictorType, Registration, Requirement,
    RequirementKind, TierInput, V3Tier,
};
use jiff::civil::Date;

// Here rather than beside the type: it reads an event, and `state` sits below `event`.
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
    let on = batch.iter().map(|e| crate::state::uk_date(e.occurred_at)).max()?;
    follow_on_events(case, batch.iter().map(|e| &e.event), on)
}

/// `RegistrationAdded`: refused if already registered.
pub(crate) fn add_registration(case: &mut CaseState, registration: Registration) -> Result<(), Rejected> {
    if !case.registrations.insert(registration) {
        return reject("registration", format!("{} is already registered", registration_label(registration)));
    }
    Ok(())
}

/// `RegistrationRemoved`: refused unless the registration is on the case.
pub(crate) fn remove_registration(case: &mut CaseState, registration: Registration) -> Result<(), Rejected> {
    if !case.registrations.remove(&registration) {
        return reject("registration", format!("{} is not registered on this case", registration_label(registration)));
    }
    Ok(())
}

/// `MappaSet`: replaces the category and level; refused without a category.
pub(crate) fn set_mappa(
    case: &mut CaseState,
    category: Option<MappaCategory>,
    level: Option<MappaLevel>,
    on: Date,
) -> Result<(), Rejected> {
    let Some(category) = category else {
        let problem = if level.is_some() { "a MAPPA level needs a category" } else { "MAPPA needs a category" };
        return reject("category", problem);
    };
    case.mappa = Some(Mappa { category, level });
    note_provider(case, on);
    Ok(())
}

/// `MappaEnded`: refused unless the case has MAPPA.
pub(crate) fn end_mappa(case: &mut CaseState, on: Date) -> Result<(), Rejected> {
    if case.mappa.take().is_none() {
        return reject("type", "the case has no MAPPA registration to end");
    }
    note_provider(case, on);
    Ok(())
}

/// `TierCalculated`: the recorded tier, read as it is (never recomputed by the fold).
pub(crate) fn record_tier(
    case: &mut CaseState,
    legacy: LegacyTier,
    v3: V3Tier,
    provisional: bool,
    because: &[TierFactor],
    on: Date,
) -> Result<(), Rejected> {
    if provisional && !matches!(v3, V3Tier::Level(_)) {
        return reject(
            "provisional",
            format!("a {v3} tier is never provisional (docs/rules/tiering.md#33-provisional-flag)"),
        );
    }
    if because.is_empty() {
        return reject("because", "name what prompted the tier calculation");
    }
    case.tier = Some(CaseTier { legacy, v3, provisional, on });
    Ok(())
}
