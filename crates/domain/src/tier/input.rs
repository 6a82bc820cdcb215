//! The tiering input vocabulary (docs/rules/tiering.md#1-input) and its JSON form.
//!
//! Every field has a type that admits only the documented values, so the calculations
//! never see an "extreme" RoSH or a MAPPA level 4. Missing fields and explicit `null`s take
//! the documented defaults (docs/rules/tiering.md#0-the-command). Unknown field *names* are rejected too,
//! not ignored: a misspelt `mapa_level` silently defaulting to "no MAPPA" would understate
//! risk, which is worse than refusing the row.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use super::reader::InputError;
use super::reader::{ObjectReader, join, kind, leaf};

/// A finite number. JSON cannot carry NaN or infinity, and a programmatic caller must not
/// either: every comparison in the models assumes a total order.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Finite(f64);

impl Finite {
    /// `None` for NaN and the infinities.
    pub fn new(value: f64) -> Option<Self> {
        value.is_finite().then_some(Self(value))
    }

    /// The number.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// The error of [`Finite::try_from`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("expected a finite number")]
pub struct NotFinite;

impl TryFrom<f64> for Finite {
    type Error = NotFinite;
    fn try_from(value: f64) -> Result<Self, NotFinite> {
        Self::new(value).ok_or(NotFinite)
    }
}

impl From<Finite> for f64 {
    fn from(value: Finite) -> f64 {
        value.0
    }
}

/// Gender as the models see it: only "female" matters (docs/rules/tiering.md#11-shared-fields: Delius "female",
/// case-insensitive, is female and anything else is treated as not female). In JSON any
/// string is accepted for that reason; `NotFemale` is written back as `"male"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Gender {
    /// Delius gender "female" (any case).
    Female,
    /// Any other gender value, or none.
    #[default]
    NotFemale,
}

impl Serialize for Gender {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            Gender::Female => "female",
            Gender::NotFemale => "male",
        })
    }
}

/// Risk of serious harm level, from the newest RoSH registration (docs/rules/tiering.md#11-shared-fields): the
/// assessment's own type, ordered by seriousness.
pub use crate::assessment::RoshLevel;

/// MAPPA level 1-3 (Delius M1-M3); used by the legacy model only (docs/rules/tiering.md#213-mappa-points).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum MappaLevel {
    /// Single-agency management.
    One,
    /// Active multi-agency management.
    Two,
    /// Active multi-agency management, senior.
    Three,
}

/// MAPPA category 1-4 (Delius M1-M4); the V3 model only asks whether one is present
/// (docs/rules/tiering.md#12-v3-fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum MappaCategory {
    /// Registered sexual offenders.
    One,
    /// Violent offenders.
    Two,
    /// Other dangerous offenders.
    Three,
    /// Category 4 (terrorism-related).
    Four,
}

/// The error of converting an out-of-range integer to a MAPPA level or category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{value} is not one of {allowed}")]
pub struct OutOfRange {
    value: u8,
    allowed: &'static str,
}

impl TryFrom<u8> for MappaLevel {
    type Error = OutOfRange;
    fn try_from(value: u8) -> Result<Self, OutOfRange> {
        match value {
            1 => Ok(Self::One),
            2 => Ok(Self::Two),
            3 => Ok(Self::Three),
            _ => Err(OutOfRange { value, allowed: "1, 2, 3" }),
        }
    }
}

impl From<MappaLevel> for u8 {
    fn from(level: MappaLevel) -> u8 {
        match level {
            MappaLevel::One => 1,
            MappaLevel::Two => 2,
            MappaLevel::Three => 3,
        }
    }
}

impl TryFrom<u8> for MappaCategory {
    type Error = OutOfRange;
    fn try_from(value: u8) -> Result<Self, OutOfRange> {
        match value {
            1 => Ok(Self::One),
            2 => Ok(Self::Two),
            3 => Ok(Self::Three),
            4 => Ok(Self::Four),
            _ => Err(OutOfRange { value, allowed: "1, 2, 3, 4" }),
        }
    }
}

impl From<MappaCategory> for u8 {
    fn from(category: MappaCategory) -> u8 {
        match category {
            MappaCategory::One => 1,
            MappaCategory::Two => 2,
            MappaCategory::Three => 3,
            MappaCategory::Four => 4,
        }
    }
}

/// A registration (or the one OASys flag) that a model reads (docs/rules/tiering.md#13-registrations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Registration {
    /// IIOM: integrated offender management nominal.
    IomNominal,
    /// RMDO: mental health issues.
    MentalHealth,
    /// ALSH: self-harm.
    SelfHarm,
    /// RVLN: vulnerability.
    Vulnerability,
    /// RCCO: child concerns.
    ChildConcerns,
    /// RCPR: child protection.
    ChildProtection,
    /// RCHD: risk to children.
    RiskToChildren,
    /// RPIR: public interest.
    PublicInterest,
    /// RVAD: adult at risk.
    AdultAtRisk,
    /// STRG: street gangs.
    StreetGangs,
    /// RTAO: terrorism.
    Terrorism,
    /// ADVP or REG30: domestic abuse.
    DomesticAbuse,
    /// SPO: stalking protection order.
    Stalking,
    /// OASys "ever committed a sexually motivated offence" (not a Delius registration).
    SexualOffenceHistory,
    /// INLL: life or IPP sentence.
    LiferIpp,
}

impl Registration {
    /// Every registration, in declaration order.
    pub const ALL: [Registration; 15] = [
        Self::IomNominal,
        Self::MentalHealth,
        Self::SelfHarm,
        Self::Vulnerability,
        Self::ChildConcerns,
        Self::ChildProtection,
        Self::RiskToChildren,
        Self::PublicInterest,
        Self::AdultAtRisk,
        Self::StreetGangs,
        Self::Terrorism,
        Self::DomesticAbuse,
        Self::Stalking,
        Self::SexualOffenceHistory,
        Self::LiferIpp,
    ];
}

/// The women's additional factors (docs/rules/tiering.md#215-womens-factors). `impulsivity` and `temper_control`
/// are true when the OASys answer is 1 or 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct FemaleFactors {
    /// OASys 6.9 answered Yes (an OASys factor: needs a valid assessment).
    pub parenting_responsibilities: bool,
    /// OASys 11.2 answered 1 or 2 (an OASys factor).
    pub impulsivity: bool,
    /// OASys 11.4 answered 1 or 2 (an OASys factor).
    pub temper_control: bool,
    /// Delius previous enforcement activity (counts without an assessment).
    pub previous_breach_or_recall: bool,
}

/// OASys criminogenic need areas (docs/rules/tiering.md#11-shared-fields and docs/rules/tiering.md#221-change-points):
/// the assessment's own type.
pub use crate::assessment::NeedArea;

/// An OASys need severity (an area with no severity is simply absent from [`Needs`]).
pub use crate::assessment::NeedSeverity;

/// Need severities by area; an absent area has no severity (scores 0).
pub type Needs = BTreeMap<NeedArea, NeedSeverity>;

/// A requirement kind on the current sentence (docs/rules/tiering.md#11-shared-fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementKind {
    /// Unpaid work (Delius main category W): no mandate for change.
    UnpaidWork,
    /// Flagged restrictive (curfew, exclusion...): no mandate for change.
    Restrictive,
    /// Any other requirement: gives a mandate for change.
    Rehabilitative,
}

/// One requirement: `{"kind": ...}` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Requirement {
    /// What kind of requirement.
    pub kind: RequirementKind,
}

/// The current (non-terminated) sentence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Sentence {
    /// Custodial (Delius NC or SC): gives a mandate for change.
    pub custodial: bool,
    /// The requirements, in any order.
    pub requirements: Vec<Requirement>,
    /// Carries the "order extended" requirement (W1), treated like unpaid work.
    pub order_extended: bool,
}

/// Whether an OGRS4 score is static (from offence history only) or dynamic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PredictorType {
    /// Static predictor: the tier may be provisional (docs/rules/tiering.md#33-provisional-flag P1).
    Static,
    /// Dynamic predictor.
    Dynamic,
}

/// The DC-SRP band as computed by OASys (docs/rules/tiering.md#12-v3-fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DcSrpBand {
    /// Low.
    Low,
    /// Medium: the tier depends on the score.
    Medium,
    /// High.
    High,
    /// Very high.
    VeryHigh,
    /// Not applicable: the predictor is not used.
    NotApplicable,
}

/// Everything either model reads about one person (docs/rules/tiering.md#1-input).
///
/// `Default` is the documented default input: not female, nothing registered, no scores,
/// no assessment, no sentence, and an active event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierInput {
    /// Only "female" matters.
    pub gender: Gender,
    /// Newest RoSH registration's level; `None` = no RoSH registration.
    pub rosh: Option<RoshLevel>,
    /// RSR percent; `None` scores as 0.
    pub rsr: Option<Finite>,
    /// OGRS percent; `None` scores as 0.
    pub ogrs: Option<Finite>,
    /// Legacy only: MAPPA level.
    pub mappa_level: Option<MappaLevel>,
    /// Active registrations; a set, because both models ignore repeats.
    pub registrations: BTreeSet<Registration>,
    /// Legacy only: the women's additional factors.
    pub female_factors: FemaleFactors,
    /// Legacy only: OASys need severities.
    pub needs: Needs,
    /// Age in weeks of the latest completed layer-3 assessment; `None` = none.
    pub assessment_completed_weeks_ago: Option<Finite>,
    /// The current sentence; `None` = no current sentence.
    pub sentence: Option<Sentence>,
    /// V3 only: under supervision.
    pub has_active_event: bool,
    /// V3 only: OGRS4 All Reoffending Predictor percent.
    pub arp: Option<Finite>,
    /// V3 only: static or dynamic ARP.
    pub arp_type: Option<PredictorType>,
    /// V3 only: OGRS4 Combined Serious Reoffending Predictor percent.
    pub csrp: Option<Finite>,
    /// V3 only: static or dynamic CSRP.
    pub csrp_type: Option<PredictorType>,
    /// V3 only: Direct Contact Sexual Reoffending Predictor percent.
    pub dcsrp: Option<Finite>,
    /// V3 only: the DC-SRP band.
    pub dcsrp_band: Option<DcSrpBand>,
    /// V3 only: MAPPA category; V3 treats MAPPA as present iff this is `Some`.
    pub mappa_category: Option<MappaCategory>,
    /// V3 only: years since the latest release (see [`released_years_ago`]).
    pub life_or_ipp_released_years_ago: Option<Finite>,
}

impl Default for TierInput {
    fn default() -> Self {
        Self {
            gender: Gender::NotFemale,
            rosh: None,
            rsr: None,
            ogrs: None,
            mappa_level: None,
            registrations: BTreeSet::new(),
            female_factors: FemaleFactors::default(),
            needs: Needs::new(),
            assessment_completed_weeks_ago: None,
            sentence: None,
            has_active_event: true,
            arp: None,
            arp_type: None,
            csrp: None,
            csrp_type: None,
            dcsrp: None,
            dcsrp_band: None,
            mappa_category: None,
            life_or_ipp_released_years_ago: None,
        }
    }
}

/// The fields of a `probity tier` row's `input` object (docs/rules/tiering.md#1-input).
pub const INPUT_FIELDS: &[&str] = &[
    "gender",
    "rosh",
    "rsr",
    "ogrs",
    "mappa_level",
    "registrations",
    "female_factors",
    "needs",
    "assessment_completed_weeks_ago",
    "sentence",
    "has_active_event",
    "arp",
    "arp_type",
    "csrp",
    "csrp_type",
    "dcsrp",
    "dcsrp_band",
    "mappa_category",
    "life_or_ipp_released_years_ago",
];
const FEMALE_FACTOR_FIELDS: &[&str] =
    &["parenting_responsibilities", "impulsivity", "temper_control", "previous_breach_or_recall"];
const SENTENCE_FIELDS: &[&str] = &["custodial", "requirements", "order_extended"];
const REQUIREMENT_FIELDS: &[&str] = &["kind"];

impl TierInput {
    /// Parses the JSON `input` object of one `probity tier` row, applying the defaults of
    /// docs/rules/tiering.md#0-the-command. A missing field and an explicit `null` mean the same.
    pub fn from_json(value: Value) -> Result<Self, InputError> {
        let mut r = ObjectReader::new("", value, INPUT_FIELDS)?;
        let d = TierInput::default();
        let input = TierInput {
            gender: match r.raw("gender") {
                None => d.gender,
                Some(Value::String(s)) if s.eq_ignore_ascii_case("female") => Gender::Female,
                Some(Value::String(_)) => Gender::NotFemale,
                Some(other) => {
                    return Err(InputError::new("gender".into(), format!("expected a string, found {}", kind(&other))));
                }
            },
            rosh: r.field("rosh")?,
            rsr: r.field("rsr")?,
            ogrs: r.field("ogrs")?,
            mappa_level: r.field("mappa_level")?,
            registrations: match r.raw("registrations") {
                None => d.registrations,
                Some(v) => registrations(v)?,
            },
            female_factors: match r.raw("female_factors") {
                None => d.female_factors,
                Some(v) => female_factors(v)?,
            },
            needs: match r.raw("needs") {
                None => d.needs,
                Some(v) => needs(v)?,
            },
            assessment_completed_weeks_ago: r.field("assessment_completed_weeks_ago")?,
            sentence: r.raw("sentence").map(sentence).transpose()?,
            has_active_event: r.field("has_active_event")?.unwrap_or(d.has_active_event),
            arp: r.field("arp")?,
            arp_type: r.field("arp_type")?,
            csrp: r.field("csrp")?,
            csrp_type: r.field("csrp_type")?,
            dcsrp: r.field("dcsrp")?,
            dcsrp_band: r.field("dcsrp_band")?,
            mappa_category: r.field("mappa_category")?,
            life_or_ipp_released_years_ago: r.field("life_or_ipp_released_years_ago")?,
        };
        r.finish()?;
        Ok(input)
    }

    /// True when `registration` is present.
    pub fn has(&self, registration: Registration) -> bool {
        self.registrations.contains(&registration)
    }
}

impl<'de> Deserialize<'de> for TierInput {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        TierInput::from_json(value).map_err(serde::de::Error::custom)
    }
}

fn array(path: &str, value: Value) -> Result<Vec<Value>, InputError> {
    match value {
        Value::Array(items) => Ok(items),
        other => Err(InputError::new(path.to_owned(), format!("expected an array, found {}", kind(&other)))),
    }
}

fn registrations(value: Value) -> Result<BTreeSet<Registration>, InputError> {
    array("registrations", value)?
        .into_iter()
        .enumerate()
        .map(|(i, v)| leaf(&format!("registrations[{i}]"), v))
        .collect()
}

fn female_factors(value: Value) -> Result<FemaleFactors, InputError> {
    let mut r = ObjectReader::new("female_factors", value, FEMALE_FACTOR_FIELDS)?;
    let f = FemaleFactors {
        parenting_responsibilities: r.field("parenting_responsibilities")?.unwrap_or(false),
        impulsivity: r.field("impulsivity")?.unwrap_or(false),
        temper_control: r.field("temper_control")?.unwrap_or(false),
        previous_breach_or_recall: r.field("previous_breach_or_recall")?.unwrap_or(false),
    };
    r.finish()?;
    Ok(f)
}

fn needs(value: Value) -> Result<Needs, InputError> {
    let Value::Object(map) = value else {
        return Err(InputError::new("needs".into(), format!("expected an object, found {}", kind(&value))));
    };
    let mut needs = Needs::new();
    for (key, severity) in map {
        let path = join("needs", &key);
        let area: NeedArea = leaf(&path, Value::String(key))?;
        if !severity.is_null() {
            needs.insert(area, leaf(&path, severity)?);
        }
    }
    Ok(needs)
}

fn sentence(value: Value) -> Result<Sentence, InputError> {
    let mut r = ObjectReader::new("sentence", value, SENTENCE_FIELDS)?;
    let requirements = match r.raw("requirements") {
        None => Vec::new(),
        Some(v) => {
            let base = r.child("requirements");
            array(&base, v)?
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    let path = format!("{base}[{i}]");
                    let mut q = ObjectReader::new(&path, item, REQUIREMENT_FIELDS)?;
                    let kind =
                        q.field("kind")?.ok_or_else(|| InputError::new(join(&path, "kind"), "missing field".into()))?;
                    q.finish()?;
                    Ok(Requirement { kind })
                })
                .collect::<Result<_, InputError>>()?
        }
    };
    let s = Sentence {
        custodial: r.field("custodial")?.unwrap_or(false),
        requirements,
        order_extended: r.field("order_extended")?.unwrap_or(false),
    };
    r.finish()?;
    Ok(s)
}

/// `Y + d/365` years between `release` and `today` (docs/rules/tiering.md#12-v3-fields), for callers that hold
/// dates: `Y` whole calendar years back from `today` (29 February minus a year is 28
/// February) and `d` remaining days. A future release gives the same measure negated.
///
/// Why this exact form: with it, `<= 1` and `<= 5` agree with "released on or after today
/// minus 1 (5) years" on every date, leap days included.
pub fn released_years_ago(release: jiff::civil::Date, today: jiff::civil::Date) -> Finite {
    fn back(from: jiff::civil::Date, to: jiff::civil::Date) -> f64 {
        // Largest y with from - y years >= to; from >= to.
        let shifted = |y: i64| from.saturating_sub(jiff::Span::new().years(y));
        let mut years = i64::from(from.year()) - i64::from(to.year());
        while years > 0 && shifted(years) < to {
            years -= 1;
        }
        while shifted(years + 1) >= to {
            years += 1;
        }
        // Civil dates have no DST: every day is 24 hours.
        let days = shifted(years).duration_since(to).as_hours() / 24;
        let days = days as f64;
        years as f64 + days / 365.0
    }
    let value = if release <= today { back(today, release) } else { -back(release, today) };
    Finite(value)
}

impl Registration {
    /// The JSON string (docs/rules/tiering.md#13-registrations).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IomNominal => "iom_nominal",
            Self::MentalHealth => "mental_health",
            Self::SelfHarm => "self_harm",
            Self::Vulnerability => "vulnerability",
            Self::ChildConcerns => "child_concerns",
            Self::ChildProtection => "child_protection",
            Self::RiskToChildren => "risk_to_children",
            Self::PublicInterest => "public_interest",
            Self::AdultAtRisk => "adult_at_risk",
            Self::StreetGangs => "street_gangs",
            Self::Terrorism => "terrorism",
            Self::DomesticAbuse => "domestic_abuse",
            Self::Stalking => "stalking",
            Self::SexualOffenceHistory => "sexual_offence_history",
            Self::LiferIpp => "lifer_ipp",
        }
    }
}

impl fmt::Display for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_strings_match_serde() {
        for r in Registration::ALL {
            assert_eq!(serde_json::to_value(r).unwrap(), Value::String(r.as_str().into()));
        }
    }
}
