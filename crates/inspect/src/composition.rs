//! The sample's composition against the population it was drawn from (issue 7, item 5:
//! "methodology with the sample's composition against the population"; the report's
//! Appendix 1 describes its sample by gender, ethnicity, sentence type, office and risk).
//!
//! Percentages are of each group's total, rounded half up to one decimal exactly, so a
//! reader can check them by hand; a dimension's rows are in a fixed order (the levels'
//! own order, then alphabetical for ethnicity and office) so two reports compare line by line.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::longlist::{Gender, LonglistCase, SentenceType};
use crate::report::percent;

/// One value of a dimension: how many cases have it in the population and in the sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompositionRow {
    pub value: String,
    pub population: usize,
    pub population_percent: Option<f64>,
    pub sample: usize,
    pub sample_percent: Option<f64>,
}

/// One characteristic the sample is described by.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dimension {
    pub id: &'static str,
    pub title: &'static str,
    pub rows: Vec<CompositionRow>,
}

type Key = fn(&LonglistCase) -> (usize, String);

fn gender(c: &LonglistCase) -> (usize, String) {
    let (rank, label) = match c.gender {
        Gender::Female => (0, "Female"),
        Gender::Male => (1, "Male"),
        Gender::Other => (2, "Other"),
        Gender::Missing => (3, "Not recorded"),
    };
    (rank, label.to_string())
}

fn ethnicity(c: &LonglistCase) -> (usize, String) {
    match c.ethnicity.as_str() {
        "" | "not_stated" => (1, "Not stated".to_string()),
        e => (0, e.to_string()),
    }
}

fn sentence(c: &LonglistCase) -> (usize, String) {
    match c.sentence_type {
        SentenceType::Community => (0, "Community".to_string()),
        SentenceType::PostCustody => (1, "Post-custody".to_string()),
    }
}

fn office(c: &LonglistCase) -> (usize, String) {
    if c.office.is_empty() { (1, "No office".to_string()) } else { (0, c.office.clone()) }
}

fn rosh(c: &LonglistCase) -> (usize, String) {
    (c.rosh as usize, c.rosh.id().replace('_', " "))
}

const DIMENSIONS: [(&str, &str, Key); 5] = [
    ("gender", "Gender", gender),
    ("ethnicity", "Ethnicity", ethnicity),
    ("sentence_type", "Sentence type", sentence),
    ("office", "Office", office),
    ("rosh", "Risk of serious harm", rosh),
];

/// The composition of `sample` against `population`, dimension by dimension. A value found
/// only in the sample (a case whose record changed since the draw) still gets its row.
pub fn composition(population: &[LonglistCase], sample: &[LonglistCase]) -> Vec<Dimension> {
    DIMENSIONS
        .iter()
        .map(|&(id, title, key)| {
            let mut counts: BTreeMap<(usize, String), (usize, usize)> = BTreeMap::new();
            for c in population {
                counts.entry(key(c)).or_default().0 += 1;
            }
            for c in sample {
                counts.entry(key(c)).or_default().1 += 1;
            }
            let rows = counts
                .into_iter()
                .map(|((_, value), (p, s))| CompositionRow {
                    value,
                    population: p,
                    population_percent: percent(p as u64, population.len() as u64),
                    sample: s,
                    sample_percent: percent(s as u64, sample.len() as u64),
                })
                .collect();
            Dimension { id, title, rows }
        })
        .collect()
}
