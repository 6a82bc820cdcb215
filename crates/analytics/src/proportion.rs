//! Proportions with honest uncertainty, and disproportionality by group.
//!
//! Rates for small groups swing widely by chance, so every comparison carries a 95%
//! confidence interval, and groups too small to publish are suppressed rather than shown.
//!
//! - [`wilson_interval`]: the Wilson score interval for one proportion. Chosen over the
//!   textbook normal ("Wald") interval because it stays inside [0, 1] and behaves at 0%
//!   and 100% and for small groups (Newcombe 1998, *Statistics in Medicine* 17:857-872).
//!   The inspection report uses the same interval.
//! - [`newcombe_difference`]: Newcombe's hybrid score interval for a difference of two
//!   independent proportions (method 10 in Newcombe 1998, *Statistics in Medicine*
//!   17:873-890), built from the two Wilson intervals.
//! - [`disproportionality`]: each group's rate against everyone else's.

use std::collections::HashSet;

use serde::Serialize;

use crate::rounding::percent_one_decimal;

/// The standard normal quantile for a two-sided 95% interval (1.959963985 to 10 s.f.).
pub const Z_95: f64 = 1.959964;

/// A confidence interval for a proportion or a difference of proportions, as fractions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl Interval {
    /// Whether `value` lies inside the interval, ends included.
    pub fn contains(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }

    pub fn width(&self) -> f64 {
        self.high - self.low
    }
}

/// Why a proportion could not be estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProportionError {
    #[error("a proportion needs at least one trial")]
    NoTrials,
    #[error("{successes} successes out of {trials} trials: successes cannot exceed trials")]
    SuccessesExceedTrials { successes: u64, trials: u64 },
}

/// The 95% Wilson score interval for `successes` out of `trials`.
pub fn wilson_interval(successes: u64, trials: u64) -> Result<Interval, ProportionError> {
    wilson_interval_z(successes, trials, Z_95)
}

/// The Wilson score interval with normal quantile `z` (1.959964 for 95%):
/// centre (p + z²/2n) / (1 + z²/n), half-width z / (1 + z²/n) x sqrt(p(1-p)/n + z²/4n²).
pub fn wilson_interval_z(successes: u64, trials: u64, z: f64) -> Result<Interval, ProportionError> {
    if trials == 0 {
        return Err(ProportionError::NoTrials);
    }
    if successes > trials {
        return Err(ProportionError::SuccessesExceedTrials { successes, trials });
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At 0 and n the exact end is p itself; fix it so rounding cannot exclude p.
    let low = if successes == 0 { 0.0 } else { (centre - half).clamp(0.0, p) };
    let high = if successes == trials { 1.0 } else { (centre + half).clamp(p, 1.0) };
    Ok(Interval { low, high })
}

/// A difference of two proportions, p1 - p2, with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DifferenceEstimate {
    pub difference: f64,
    pub interval: Interval,
}

impl DifferenceEstimate {
    /// Significant at the 95% level when the interval excludes zero.
    pub fn is_significant(&self) -> bool {
        !self.interval.contains(0.0)
    }
}

/// Newcombe's hybrid score interval for x1/n1 - x2/n2, 95%. With Wilson intervals
/// (l1, u1) and (l2, u2): low = d - sqrt((p1-l1)² + (u2-p2)²),
/// high = d + sqrt((u1-p1)² + (p2-l2)²).
pub fn newcombe_difference(x1: u64, n1: u64, x2: u64, n2: u64) -> Result<DifferenceEstimate, ProportionError> {
    let w1 = wilson_interval(x1, n1)?;
    let w2 = wilson_interval(x2, n2)?;
    let p1 = x1 as f64 / n1 as f64;
    let p2 = x2 as f64 / n2 as f64;
    let d = p1 - p2;
    let low = d - ((p1 - w1.low).powi(2) + (w2.high - p2).powi(2)).sqrt();
    let high = d + ((w1.high - p1).powi(2) + (p2 - w2.low).powi(2)).sqrt();
    Ok(DifferenceEstimate { difference: d, interval: Interval { low: low.max(-1.0), high: high.min(1.0) } })
}

/// When a group is too small to publish: a policy table, so a provider sets its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SuppressionPolicy {
    /// Groups (and "everyone else" populations) with fewer people than this are
    /// suppressed.
    pub min_group_size: u64,
    pub source: &'static str,
}

impl SuppressionPolicy {
    /// Default 10 people.
    pub const DEFAULT: SuppressionPolicy = SuppressionPolicy {
        min_group_size: 10,
        source: "The provider's statistical disclosure-control policy. Default 10, following \
                 ONS / Government Statistical Service guidance on disclosure control for \
                 tables produced from administrative sources; set by the provider.",
    };
}

impl Default for SuppressionPolicy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// One group's counts for a binary outcome (e.g. breach, recall, completion), by a
/// protected characteristic (e.g. ethnicity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    pub group: String,
    pub people: u64,
    /// People in the group with the outcome.
    pub with_outcome: u64,
}

/// A group's rate against everyone else's. Rates are fractions, unrounded.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ComparisonFigures {
    pub people: u64,
    pub with_outcome: u64,
    pub rate: f64,
    /// The group's own 95% Wilson interval.
    pub rate_interval: Interval,
    pub rest_people: u64,
    pub rest_with_outcome: u64,
    pub rest_rate: f64,
    /// rate - rest_rate with its 95% Newcombe interval.
    pub difference: DifferenceEstimate,
    pub significant: bool,
}

/// Why a group's figures are withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReason {
    /// The group itself is below the threshold.
    SmallGroup,
    /// Everyone else is below the threshold: their rate would reveal a small group.
    SmallRest,
}

/// The result for one group, in the order the groups were given.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum GroupComparison {
    Compared { group: String, figures: ComparisonFigures, statement: String },
    Suppressed { group: String, reason: SuppressionReason, statement: String },
}

impl GroupComparison {
    pub fn group(&self) -> &str {
        match self {
            GroupComparison::Compared { group, .. } | GroupComparison::Suppressed { group, .. } => group,
        }
    }

    pub fn statement(&self) -> &str {
        match self {
            GroupComparison::Compared { statement, .. } | GroupComparison::Suppressed { statement, .. } => statement,
        }
    }
}

/// Why a disproportionality table could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisproportionalityError {
    #[error("group {group:?}: {with_outcome} with the outcome out of {people} people")]
    BadCounts { group: String, people: u64, with_outcome: u64 },
    #[error("group {group:?} is given twice")]
    DuplicateGroup { group: String },
}

/// For each group, its rate of `outcome` (a label such as "Breach") against the rate for
/// everyone else in `groups`, the difference with a 95% Newcombe interval, and a
/// plain-English statement.
///
/// "Everyone else" is the sum of the other groups given, suppressed ones included: pass
/// a "Not recorded" group if people without the characteristic recorded belong to the
/// population. A group is suppressed when it, or everyone else, has fewer people than
/// the policy's threshold (an empty group or population is always suppressed), because
/// a small "everyone else" would reveal a small group's rate. Differencing across rows
/// (secondary suppression) is left to whoever publishes the table.
pub fn disproportionality(
    outcome: &str,
    groups: &[GroupCount],
    policy: &SuppressionPolicy,
) -> Result<Vec<GroupComparison>, DisproportionalityError> {
    let mut seen = HashSet::new();
    for g in groups {
        if g.with_outcome > g.people {
            return Err(DisproportionalityError::BadCounts {
                group: g.group.clone(),
                people: g.people,
                with_outcome: g.with_outcome,
            });
        }
        if !seen.insert(g.group.as_str()) {
            return Err(DisproportionalityError::DuplicateGroup { group: g.group.clone() });
        }
    }
    let total_people: u64 = groups.iter().map(|g| g.people).sum();
    let total_with: u64 = groups.iter().map(|g| g.with_outcome).sum();
    let threshold = policy.min_group_size.max(1);

    let comparisons = groups
        .iter()
        .map(|g| {
            let rest_people = total_people - g.people;
            let rest_with = total_with - g.with_outcome;
            let reason = if g.people < threshold {
                Some(SuppressionReason::SmallGroup)
            } else if rest_people < threshold {
                Some(SuppressionReason::SmallRest)
            } else {
                None
            };
            let suppressed = |reason: SuppressionReason| {
                let why = match reason {
                    SuppressionReason::SmallGroup => "in the group",
                    SuppressionReason::SmallRest => "in the rest of the population",
                };
                GroupComparison::Suppressed {
                    group: g.group.clone(),
                    reason,
                    statement: format!(
                        "{outcome} rate for {}: suppressed (fewer than {threshold} people {why})",
                        g.group
                    ),
                }
            };
            if let Some(reason) = reason {
                return suppressed(reason);
            }
            // Both populations are non-empty and the counts were checked above, so these
            // cannot fail; suppressing is the safe answer if they ever did.
            let (Ok(difference), Ok(rate_interval)) = (
                newcombe_difference(g.with_outcome, g.people, rest_with, rest_people),
                wilson_interval(g.with_outcome, g.people),
            ) else {
                return suppressed(SuppressionReason::SmallGroup);
            };
            let significant = difference.is_significant();
            let statement = format!(
                "{outcome} rate for {}: {}% against {}% for everyone else; the difference is {}statistically significant at the 95% level",
                g.group,
                percent_one_decimal(g.with_outcome, g.people),
                percent_one_decimal(rest_with, rest_people),
                if significant { "" } else { "not " },
            );
            GroupComparison::Compared {
                group: g.group.clone(),
                figures: ComparisonFigures {
                    people: g.people,
                    with_outcome: g.with_outcome,
                    rate: g.with_outcome as f64 / g.people as f64,
                    rate_interval,
                    rest_people,
                    rest_with_outcome: rest_with,
                    rest_rate: rest_with as f64 / rest_people as f64,
                    difference,
                    significant,
                },
                statement,
            }
        })
        .collect();
    Ok(comparisons)
}

#[cfg(test)]
mod tests;
