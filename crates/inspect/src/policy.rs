//! Rating policy: the bands HMI Probation uses from 2018 onward.
//!
//! These are policy, not logic, so they live in tables that name their source and that a
//! provider can change (e.g. when the inspectorate revises its framework) without touching
//! the code that applies them.

use serde::{Deserialize, Serialize};

/// The four ratings, worst first, so that `Ord` ranks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Inadequate,
    RequiresImprovement,
    Good,
    Outstanding,
}

impl Rating {
    /// The id used in files and JSON.
    pub fn id(self) -> &'static str {
        match self {
            Rating::Inadequate => "inadequate",
            Rating::RequiresImprovement => "requires_improvement",
            Rating::Good => "good",
            Rating::Outstanding => "outstanding",
        }
    }

    /// The label shown to readers.
    pub fn label(self) -> &'static str {
        match self {
            Rating::Inadequate => "Inadequate",
            Rating::RequiresImprovement => "Requires improvement",
            Rating::Good => "Good",
            Rating::Outstanding => "Outstanding",
        }
    }

    /// Parse a rating id as written in a ratings file.
    pub fn from_id(s: &str) -> Option<Rating> {
        [Rating::Inadequate, Rating::RequiresImprovement, Rating::Good, Rating::Outstanding]
            .into_iter()
            .find(|r| r.id() == s)
    }
}

/// A case supervision standard's band from the share of relevant cases judged sufficient
/// on its lowest question: a row applies when the share is at least `min_percent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareBand {
    pub min_percent: u32,
    pub rating: Rating,
}

/// The overall rating from the sum of the ten standards' scores: a row applies when the
/// score is at least `min_score`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreBand {
    pub min_score: u32,
    pub rating: Rating,
}

/// The whole rating policy, with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingPolicy {
    pub source: &'static str,
    /// Highest threshold first.
    pub share_bands: Vec<ShareBand>,
    /// Points each rating scores towards the overall rating.
    pub scores: Vec<(Rating, u32)>,
    /// Highest threshold first.
    pub score_bands: Vec<ScoreBand>,
}

impl Default for RatingPolicy {
    fn default() -> Self {
        RatingPolicy::hmip_2018()
    }
}

impl RatingPolicy {
    /// HMI Probation's standards framework and rules for rating, 2018 onward: 80% or more
    /// of relevant cases sufficient is a "large majority" (outstanding), under 50% a
    /// "minority" (inadequate); the overall rating sums 0-3 points over ten standards.
    pub fn hmip_2018() -> Self {
        use Rating::*;
        RatingPolicy {
            source: "HM Inspectorate of Probation, standards framework and rules for rating, 2018 \
                     (docs/rules/practice.md#ratings)",
            share_bands: vec![
                ShareBand { min_percent: 80, rating: Outstanding },
                ShareBand { min_percent: 65, rating: Good },
                ShareBand { min_percent: 50, rating: RequiresImprovement },
                ShareBand { min_percent: 0, rating: Inadequate },
            ],
            scores: vec![(Inadequate, 0), (RequiresImprovement, 1), (Good, 2), (Outstanding, 3)],
            score_bands: vec![
                ScoreBand { min_score: 26, rating: Outstanding },
                ScoreBand { min_score: 16, rating: Good },
                ScoreBand { min_score: 6, rating: RequiresImprovement },
                ScoreBand { min_score: 0, rating: Inadequate },
            ],
        }
    }

    /// The band for `yes` sufficient out of `relevant` cases, on the unrounded share
    /// (compared exactly in integers, so 79.96% is good, not outstanding).
    /// `None` when there are no relevant cases: no evidence, no rating.
    pub fn rate_share(&self, yes: u64, relevant: u64) -> Option<Rating> {
        if relevant == 0 {
            return None;
        }
        self.share_bands.iter().find(|band| yes * 100 >= u64::from(band.min_percent) * relevant).map(|band| band.rating)
    }

    /// Points a rating scores towards the overall rating.
    pub fn score(&self, rating: Rating) -> u32 {
        self.scores.iter().find(|(r, _)| *r == rating).map_or(0, |(_, points)| *points)
    }

    /// The overall band for a total score.
    pub fn rate_score(&self, score: u32) -> Rating {
        self.score_bands.iter().find(|band| score >= band.min_score).map_or(Rating::Inadequate, |band| band.rating)
    }
}
