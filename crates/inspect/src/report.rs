//! Findings and ratings from inspectors' case assessments (docs/rules/practice.md#case-assessment,
//! docs/rules/practice.md#ratings and docs/rules/practice.md#file-formats).
//!
//! A finding is the share of *relevant* cases (yes / (yes + no)); `na` answers count in the
//! charts but never in a figure, because a question that does not apply to a case says
//! nothing about the quality of work on it.
//!
//! # Decisions where docs/rules/practice.md#file-formats leaves room
//!
//! - `questions` lists every question of the instrument in its order (83, with
//!   `PP.I.<group>` and `RR.N.<need>.<aspect>` expanded), answered or not, so the JSON has
//!   a stable shape; an unanswered question has zero counts and null figures.
//! - `cases` is the number of distinct CRNs in the assessments file.
//! - The interval is `analytics::wilson_interval` (z = 1.959964), within 0-100; both ends are null when
//!   yes + no = 0. Percent is rounded half up exactly (integer arithmetic); interval ends
//!   are rounded to one decimal half away from zero.
//! - A case supervision standard whose questions all have no relevant cases gets null
//!   `lowest_question`, `percent` and `rating`: there is no evidence to rate it, and an
//!   unrated standard makes `overall` null. Questions without relevant cases are skipped
//!   when finding the lowest; a tie on the share goes to the question listed first.
//! - `standards` lists the four case supervision standards, and also each standard given
//!   in the ratings file (with null `lowest_question` and `percent`), in the report's
//!   order: leadership, staff, services, information_and_facilities, assessment, planning,
//!   delivery, reviewing, then the provider-specific pair.
//! - The ratings file may not rate the four case standards (they come from the cases),
//!   may not name a standard twice, and may not mix the CRC pair (unpaid_work,
//!   through_the_gate) with the NPS pair (court_reports, victim_contact). "All ten rated"
//!   means the four from the cases, the four common ones and one complete pair.
//! - Answers and ratings are accepted in any letter case; question and standard ids are
//!   exact. In the comparison file an empty percent means no comparison; otherwise it
//!   must be a number from 0 to 100, and a question may appear once.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::csvin::Table;
use crate::error::InputError;
use crate::instrument::{self, CASE_STANDARDS, CRC_STANDARDS, INSPECTOR_STANDARDS, NPS_STANDARDS};
use crate::policy::{Rating, RatingPolicy};
use crate::sample::round_half_up;

/// z for a two-sided 95% interval: the one definition, in `analytics`.
pub use analytics::proportion::Z_95;

/// `probity inspect report` output; serialises to the JSON in docs/rules/practice.md#file-formats.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub cases: usize,
    pub questions: Vec<QuestionFinding>,
    pub standards: Vec<StandardRating>,
    pub overall: Option<Overall>,
}

/// Answers to one question across the sampled cases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionFinding {
    pub id: String,
    pub yes: u64,
    pub no: u64,
    pub na: u64,
    /// yes / (yes + no) in percent, one decimal; null without relevant cases.
    pub percent: Option<f64>,
    /// 95% Wilson score interval, percent, one decimal.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// The comparison file's figure for this question (national average, last inspection).
    pub comparison: Option<f64>,
}

impl QuestionFinding {
    /// Cases the question applied to.
    pub fn relevant(&self) -> u64 {
        self.yes + self.no
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StandardRating {
    pub id: String,
    /// The question that set the rating (case supervision standards only).
    pub lowest_question: Option<String>,
    /// That question's percent.
    pub percent: Option<f64>,
    pub rating: Option<Rating>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overall {
    /// Sum of the ten standards' scores, 0-30.
    pub score: u32,
    pub rating: Rating,
}

/// Build the report with HMI Probation's 2018 rating policy.
pub fn build(
    assessments_csv: &str,
    comparison_csv: Option<&str>,
    ratings_csv: Option<&str>,
) -> Result<Report, InputError> {
    build_with_policy(assessments_csv, comparison_csv, ratings_csv, &RatingPolicy::default())
}

/// Build the report with a given rating policy.
pub fn build_with_policy(
    assessments_csv: &str,
    comparison_csv: Option<&str>,
    ratings_csv: Option<&str>,
    policy: &RatingPolicy,
) -> Result<Report, InputError> {
    let questions = instrument::questions();
    let known: BTreeSet<&str> = questions.iter().map(|q| q.id.as_str()).collect();
    let answers = parse_assessments(assessments_csv, &known)?;
    let comparison = match comparison_csv {
        Some(csv) => parse_comparison(csv, &known)?,
        None => BTreeMap::new(),
    };
    let given_ratings = match ratings_csv {
        Some(csv) => parse_ratings(csv)?,
        None => BTreeMap::new(),
    };
    Ok(from_answers(&answers, &comparison, &given_ratings, policy))
}

/// The report from answers already validated (one per case and question), e.g. the latest
/// answers recorded in the store.
pub fn from_answers(
    answers: &[CaseAnswer],
    comparison: &BTreeMap<String, f64>,
    given_ratings: &BTreeMap<String, Rating>,
    policy: &RatingPolicy,
) -> Report {
    let questions = instrument::questions();
    let cases: BTreeSet<&str> = answers.iter().map(|a| a.crn.as_str()).collect();
    let mut counts: BTreeMap<&str, [u64; 3]> = BTreeMap::new();
    for a in answers {
        counts.entry(a.question.as_str()).or_default()[a.answer as usize] += 1;
    }
    let findings: Vec<QuestionFinding> = questions
        .iter()
        .map(|q| {
            let [yes, no, na] = counts.get(q.id.as_str()).copied().unwrap_or_default();
            finding(&q.id, yes, no, na, comparison.get(q.id.as_str()).copied())
        })
        .collect();
    let by_id: BTreeMap<&str, &QuestionFinding> = findings.iter().map(|f| (f.id.as_str(), f)).collect();

    let mut case_ratings: BTreeMap<&str, StandardRating> = BTreeMap::new();
    for (standard, ids) in CASE_STANDARDS {
        case_ratings.insert(standard, rate_standard(standard, ids, &by_id, policy));
    }
    let inspector = |id: &str| StandardRating {
        id: id.to_string(),
        lowest_question: None,
        percent: None,
        rating: given_ratings.get(id).copied(),
    };
    let order = INSPECTOR_STANDARDS
        .iter()
        .chain(CASE_STANDARDS.iter().map(|(id, _)| id))
        .chain(CRC_STANDARDS.iter())
        .chain(NPS_STANDARDS.iter());
    let standards: Vec<StandardRating> = order
        .filter_map(|id| match case_ratings.remove(id) {
            Some(rated) => Some(rated),
            None => given_ratings.contains_key(*id).then(|| inspector(id)),
        })
        .collect();

    let complete_pair = CRC_STANDARDS.iter().all(|id| given_ratings.contains_key(*id))
        || NPS_STANDARDS.iter().all(|id| given_ratings.contains_key(*id));
    let all_rated = complete_pair
        && INSPECTOR_STANDARDS.iter().all(|id| given_ratings.contains_key(*id))
        && standards.iter().all(|s| s.rating.is_some());
    let overall = all_rated.then(|| {
        let score = standards.iter().filter_map(|s| s.rating).map(|r| policy.score(r)).sum();
        Overall { score, rating: policy.rate_score(score) }
    });

    Report { cases: cases.len(), questions: findings, standards, overall }
}

/// The figures for one question.
pub fn finding(id: &str, yes: u64, no: u64, na: u64, comparison: Option<f64>) -> QuestionFinding {
    let relevant = yes + no;
    let interval = wilson_interval(yes, relevant);
    QuestionFinding {
        id: id.to_string(),
        yes,
        no,
        na,
        percent: percent(yes, relevant),
        ci_low: interval.map(|(low, _)| round1(low)),
        ci_high: interval.map(|(_, high)| round1(high)),
        comparison,
    }
}

/// yes / relevant in percent, rounded half up to one decimal exactly; `None` when
/// nothing is relevant.
pub fn percent(yes: u64, relevant: u64) -> Option<f64> {
    (relevant > 0).then(|| round_half_up(u128::from(yes) * 1000, u128::from(relevant)) as f64 / 10.0)
}

/// The 95% Wilson score interval for `yes` out of `n`, in percent, unrounded.
/// Wilson rather than the normal approximation because inspection samples are small and
/// shares often near 0 or 100, where the normal interval leaves 0-100.
/// Computed by `analytics::wilson_interval` (the MI figures use the same one).
pub fn wilson_interval(yes: u64, n: u64) -> Option<(f64, f64)> {
    analytics::wilson_interval(yes, n).ok().map(|i| (i.low * 100.0, i.high * 100.0))
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A case supervision standard takes the band of its lowest question (by unrounded share).
fn rate_standard(
    standard: &str,
    question_ids: &[&str],
    findings: &BTreeMap<&str, &QuestionFinding>,
    policy: &RatingPolicy,
) -> StandardRating {
    let mut lowest: Option<&QuestionFinding> = None;
    for id in question_ids {
        let f = findings[id];
        if f.relevant() == 0 {
            continue;
        }
        // f.yes / f.relevant < l.yes / l.relevant, compared exactly.
        if lowest
            .is_none_or(|l| u128::from(f.yes) * u128::from(l.relevant()) < u128::from(l.yes) * u128::from(f.relevant()))
        {
            lowest = Some(f);
        }
    }
    StandardRating {
        id: standard.to_string(),
        lowest_question: lowest.map(|f| f.id.clone()),
        percent: lowest.and_then(|f| f.percent),
        rating: lowest.and_then(|f| policy.rate_share(f.yes, f.relevant())),
    }
}

/// An answer in the assessments file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    Yes = 0,
    No = 1,
    NotApplicable = 2,
}

impl Answer {
    /// The id in files, JSON and the store: `yes`, `no`, `na`.
    pub fn id(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::NotApplicable => "na",
        }
    }

    /// Parse an answer id, in any letter case.
    pub fn parse(s: &str) -> Option<Answer> {
        match s.to_ascii_lowercase().as_str() {
            "yes" => Some(Answer::Yes),
            "no" => Some(Answer::No),
            "na" => Some(Answer::NotApplicable),
            _ => None,
        }
    }
}

impl Serialize for Answer {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// One row of the assessments file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseAnswer {
    pub crn: String,
    pub question: String,
    pub answer: Answer,
}

/// Parse and validate an assessments file (crn, question, answer).
pub fn parse_assessments(contents: &str, known_questions: &BTreeSet<&str>) -> Result<Vec<CaseAnswer>, InputError> {
    let table = Table::parse("assessments", contents, &["crn", "question", "answer"])?;
    let mut first_seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut answers = Vec::new();
    table.for_each(|r| {
        let crn = r.get("crn");
        if crn.is_empty() {
            return Err(r.error("crn", "a case reference number is required"));
        }
        let question = r.get("question");
        if !known_questions.contains(question) {
            return Err(
                r.error("question", format!("{question:?} is not a question of the case assessment instrument"))
            );
        }
        let text = r.get("answer");
        let Some(answer) = Answer::parse(text) else {
            let other = text.to_ascii_lowercase();
            return Err(r.error("answer", format!("{other:?} is not an answer; expected yes, no or na")));
        };
        if let Some(row) = first_seen.insert((crn.to_string(), question.to_string()), r.row) {
            return Err(r.error("question", format!("{question} is answered twice for {crn} (first in row {row})")));
        }
        answers.push(CaseAnswer { crn: crn.to_string(), question: question.to_string(), answer });
        Ok(())
    })?;
    Ok(answers)
}

/// Parse a comparison file (question, percent).
pub fn parse_comparison(contents: &str, known_questions: &BTreeSet<&str>) -> Result<BTreeMap<String, f64>, InputError> {
    let table = Table::parse("comparison", contents, &["question", "percent"])?;
    let mut out = BTreeMap::new();
    let mut rows: BTreeMap<String, usize> = BTreeMap::new();
    table.for_each(|r| {
        let question = r.get("question");
        if !known_questions.contains(question) {
            return Err(
                r.error("question", format!("{question:?} is not a question of the case assessment instrument"))
            );
        }
        if let Some(row) = rows.insert(question.to_string(), r.row) {
            return Err(r.error("question", format!("{question} is given twice (first in row {row})")));
        }
        let text = r.get("percent");
        if text.is_empty() {
            return Ok(());
        }
        let value: f64 = text
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && (0.0..=100.0).contains(v))
            .ok_or_else(|| r.error("percent", format!("{text:?} is not a percentage from 0 to 100")))?;
        out.insert(question.to_string(), value);
        Ok(())
    })?;
    Ok(out)
}

/// Parse an inspectors' ratings file (standard, rating) for the standards not rated from
/// cases.
pub fn parse_ratings(contents: &str) -> Result<BTreeMap<String, Rating>, InputError> {
    let table = Table::parse("ratings", contents, &["standard", "rating"])?;
    let mut out: BTreeMap<String, Rating> = BTreeMap::new();
    let mut rows: BTreeMap<String, usize> = BTreeMap::new();
    table.for_each(|r| {
        let standard = r.get("standard");
        if CASE_STANDARDS.iter().any(|(id, _)| *id == standard) {
            return Err(r.error("standard", format!("{standard} is rated from the case assessments, not given")));
        }
        let known = INSPECTOR_STANDARDS.iter().chain(&CRC_STANDARDS).chain(&NPS_STANDARDS).any(|id| *id == standard);
        if !known {
            return Err(r.error(
                "standard",
                format!(
                    "{standard:?} is not a standard; expected one of leadership, staff, services, \
                     information_and_facilities, unpaid_work, through_the_gate, court_reports, victim_contact"
                ),
            ));
        }
        if let Some(row) = rows.insert(standard.to_string(), r.row) {
            return Err(r.error("standard", format!("{standard} is rated twice (first in row {row})")));
        }
        let crc = CRC_STANDARDS.contains(&standard) && rows.keys().any(|s| NPS_STANDARDS.contains(&s.as_str()));
        let nps = NPS_STANDARDS.contains(&standard) && rows.keys().any(|s| CRC_STANDARDS.contains(&s.as_str()));
        if crc || nps {
            return Err(r.error(
                "standard",
                format!("{standard} mixes CRC standards (unpaid_work, through_the_gate) with NPS ones (court_reports, victim_contact)"),
            ));
        }
        let text = r.get("rating");
        let rating = Rating::from_id(&text.to_ascii_lowercase()).ok_or_else(|| {
            r.error(
                "rating",
                format!("{text:?} is not a rating; expected outstanding, good, requires_improvement or inadequate"),
            )
        })?;
        out.insert(standard.to_string(), rating);
        Ok(())
    })?;
    Ok(out)
}
