//! The whole inspection report (issue 7, item 5): key facts, the findings per domain with
//! their comparisons, the inspectors' enablers, barriers and recommendations, practice
//! examples attached to sampled cases, and the appendices (methodology with the sample's
//! composition against the population, the look behind, the case data charts).
//!
//! The findings themselves are [`Report`] (the JSON of docs/rules/practice.md#file-formats, unchanged); this wraps it.
//! Pure: the caller reads the store and passes what it read.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::Serialize;

use crate::composition::{Dimension, composition};
use crate::instrument;
use crate::longlist::LonglistCase;
use crate::lookbehind::WorkCounts;
use crate::policy::Rating;
use crate::report::Report;

/// What a narrative entry is (the report's own sections: "enablers", "barriers",
/// "recommendations", and "practice examples" drawn from cases).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NarrativeKind {
    Enabler,
    Barrier,
    Recommendation,
    Example,
}

impl NarrativeKind {
    pub const ALL: [NarrativeKind; 4] =
        [NarrativeKind::Enabler, NarrativeKind::Barrier, NarrativeKind::Recommendation, NarrativeKind::Example];

    pub fn id(self) -> &'static str {
        match self {
            NarrativeKind::Enabler => "enabler",
            NarrativeKind::Barrier => "barrier",
            NarrativeKind::Recommendation => "recommendation",
            NarrativeKind::Example => "example",
        }
    }

    /// Parse an id exactly (`enabler`, `barrier`, `recommendation`, `example`).
    pub fn parse(s: &str) -> Option<NarrativeKind> {
        NarrativeKind::ALL.into_iter().find(|k| k.id() == s)
    }
}

/// The latest version of one narrative entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NarrativeItem {
    pub entry: u64,
    pub version: u64,
    pub kind: NarrativeKind,
    pub crn: Option<String>,
    pub question: Option<String>,
    pub text: String,
    pub written_by: String,
    /// When this version was written (UTC, RFC 3339).
    pub written_at: String,
}

/// The report's first page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyFacts {
    pub inspection: String,
    pub announced_on: Date,
    pub fieldwork_on: Date,
    /// Cases the sample was drawn from (the long list less exclusions).
    pub cases_in_scope: usize,
    pub sampled: usize,
    /// Sampled cases with at least one answer.
    pub inspected: usize,
    pub officers: usize,
    pub offices: usize,
    pub officers_sampled: usize,
    pub offices_sampled: usize,
    /// Cases started in this window (the report's scheme), or started by `to` (the
    /// inspectorate's sampler: `from` is null).
    pub period_from: Option<String>,
    pub period_to: String,
    pub overall: Option<Rating>,
    pub overall_score: Option<u32>,
    pub ratings: Vec<HeadlineRating>,
}

/// A standard's rating as the key facts give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeadlineRating {
    pub standard: String,
    pub rating: Option<Rating>,
}

/// One answered question in a domain's findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainLine {
    pub id: String,
    pub text: String,
    pub relevant: u64,
    pub percent: Option<f64>,
    pub comparison: Option<f64>,
    /// percent - comparison, in percentage points, one decimal.
    pub difference: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainFindings {
    pub domain: &'static str,
    pub questions: Vec<DomainLine>,
}

/// How many cases an exclusion reason took out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExclusionCount {
    pub reason: String,
    pub cases: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StratumLine {
    pub name: String,
    pub population: usize,
    pub size: usize,
}

/// How the sample was drawn, from the sample the store recorded at the announcement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Methodology {
    pub scheme: String,
    pub seed: u64,
    pub requested: usize,
    pub buffer_percent: u64,
    pub target: usize,
    pub shortfall: usize,
    pub strata: Vec<StratumLine>,
    pub exclusions: Vec<ExclusionCount>,
}

/// The whole report; serialises to `probity inspect findings --inspection ID` JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InspectionReport {
    pub key_facts: KeyFacts,
    /// What the comparison figures are ("national average", "previous inspection").
    pub comparison_label: String,
    pub findings: Report,
    pub domains: Vec<DomainFindings>,
    pub enablers: Vec<NarrativeItem>,
    pub barriers: Vec<NarrativeItem>,
    pub recommendations: Vec<NarrativeItem>,
    pub examples: Vec<NarrativeItem>,
    pub methodology: Methodology,
    pub composition: Vec<Dimension>,
    /// Assessments, plans and reviews in the sample recorded on or after the announcement.
    pub recorded_after_announcement: WorkCounts,
    pub cases_with_records_after_announcement: usize,
}

/// What the report is assembled from.
pub struct Sources<'a> {
    pub inspection: &'a str,
    pub announced_on: Date,
    pub fieldwork_on: Date,
    pub scheme: &'a str,
    pub seed: u64,
    /// The sampler's output as recorded at the announcement.
    pub sample_json: &'a str,
    pub population: &'a [LonglistCase],
    pub sample: &'a [LonglistCase],
    pub findings: Report,
    pub narrative: Vec<NarrativeItem>,
    pub recorded_after_announcement: WorkCounts,
    pub cases_with_records_after_announcement: usize,
    pub comparison_label: &'a str,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn methodology(scheme: &str, seed: u64, json: &serde_json::Value) -> Methodology {
    let n = |k: &str| json.get(k).and_then(serde_json::Value::as_u64).unwrap_or(0);
    let mut exclusions: BTreeMap<String, usize> = BTreeMap::new();
    for e in json.get("excluded").and_then(|v| v.as_array()).into_iter().flatten() {
        *exclusions.entry(e.get("reason").and_then(|r| r.as_str()).unwrap_or("unknown").to_string()).or_default() += 1;
    }
    let strata = json
        .get("strata")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .map(|s| StratumLine {
            name: s.get("name").and_then(|v| v.as_str()).unwrap_or("").to_string(),
            population: s.get("population").and_then(|v| v.as_u64()).unwrap_or(0) as usize,
            size: s.get("size").and_then(|v| v.as_u64()).unwrap_or(0) as usize,
        })
        .collect();
    Methodology {
        scheme: scheme.to_string(),
        seed,
        requested: n("requested") as usize,
        buffer_percent: n("buffer_percent"),
        target: n("target") as usize,
        shortfall: n("shortfall") as usize,
        strata,
        exclusions: exclusions.into_iter().map(|(reason, cases)| ExclusionCount { reason, cases }).collect(),
    }
}

/// Assemble the report. A sample JSON that does not parse (it is the store's own record)
/// gives an empty methodology rather than no report.
pub fn assemble(s: Sources<'_>) -> InspectionReport {
    let json: serde_json::Value = serde_json::from_str(s.sample_json).unwrap_or(serde_json::Value::Null);
    let window = json.get("window");
    let period_from = window.and_then(|w| w.get("from")).and_then(|v| v.as_str()).map(str::to_string);
    let period_to = window
        .and_then(|w| w.get("to"))
        .and_then(|v| v.as_str())
        .map_or_else(|| s.fieldwork_on.to_string(), str::to_string);
    let distinct = |cases: &[LonglistCase], f: fn(&LonglistCase) -> &str| {
        cases.iter().map(f).filter(|v| !v.is_empty()).collect::<BTreeSet<_>>().len()
    };
    let key_facts = KeyFacts {
        inspection: s.inspection.to_string(),
        announced_on: s.announced_on,
        fieldwork_on: s.fieldwork_on,
        cases_in_scope: s.population.len(),
        sampled: s.sample.len(),
        inspected: s.findings.cases,
        officers: distinct(s.population, |c| &c.responsible_officer),
        offices: distinct(s.population, |c| &c.office),
        officers_sampled: distinct(s.sample, |c| &c.responsible_officer),
        offices_sampled: distinct(s.sample, |c| &c.office),
        period_from,
        period_to,
        overall: s.findings.overall.as_ref().map(|o| o.rating),
        overall_score: s.findings.overall.as_ref().map(|o| o.score),
        ratings: s
            .findings
            .standards
            .iter()
            .map(|r| HeadlineRating { standard: r.id.clone(), rating: r.rating })
            .collect(),
    };
    let questions = instrument::questions();
    let domains = [
        instrument::Domain::ProtectingThePublic,
        instrument::Domain::ReducingReoffending,
        instrument::Domain::AbidingByTheSentence,
        instrument::Domain::WorkingTogether,
    ]
    .into_iter()
    .map(|d| DomainFindings {
        domain: d.title(),
        questions: questions
            .iter()
            .zip(&s.findings.questions)
            .filter(|(q, f)| q.domain == d && f.yes + f.no + f.na > 0)
            .map(|(q, f)| DomainLine {
                id: q.id.clone(),
                text: q.text.clone(),
                relevant: f.relevant(),
                percent: f.percent,
                comparison: f.comparison,
                difference: f.percent.zip(f.comparison).map(|(p, c)| round1(p - c)),
            })
            .collect(),
    })
    .collect();
    let of = |k: NarrativeKind| s.narrative.iter().filter(|n| n.kind == k).cloned().collect::<Vec<_>>();
    InspectionReport {
        key_facts,
        comparison_label: s.comparison_label.to_string(),
        domains,
        enablers: of(NarrativeKind::Enabler),
        barriers: of(NarrativeKind::Barrier),
        recommendations: of(NarrativeKind::Recommendation),
        examples: of(NarrativeKind::Example),
        methodology: methodology(s.scheme, s.seed, &json),
        composition: composition(s.population, s.sample),
        recorded_after_announcement: s.recorded_after_announcement,
        cases_with_records_after_announcement: s.cases_with_records_after_announcement,
        findings: s.findings,
    }
}
