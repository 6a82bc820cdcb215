//! Proven reoffending and disproportionality, read from the outcomes projections
//! ([`crate::projections`]: `mi_reoffending` and `mi_outcomes`, replaced for a case in the
//! same transaction as each append to it), so every figure is a SQL `GROUP BY`, and
//! [`MiOutcomeStore::mi_outcomes_check`] proves the live rows equal a recompute from the log.

use crate::db::{PostgresStore, SqliteStore};
use crate::projections::Projection;
use crate::{StoreError, corrupt};
use analytics::outcomes::{Characteristic, NOT_RECORDED, OutcomeKind};
use analytics::proportion::{GroupComparison, GroupCount, SuppressionPolicy, disproportionality};
use analytics::reoffending::{CohortFigures, Quarter};
use domain::ids::Code;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::AssertSqlSafe;
use std::future::Future;

/// The one projection these figures read.
const ONLY: &[Projection] = &[Projection::Outcomes];

/// The level of the organisation reoffending figures are broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceLevel {
    Provider,
    Area,
    Borough,
    Office,
    Team,
}

impl PlaceLevel {
    pub const ALL: [PlaceLevel; 5] =
        [PlaceLevel::Provider, PlaceLevel::Area, PlaceLevel::Borough, PlaceLevel::Office, PlaceLevel::Team];

    pub fn id(self) -> &'static str {
        match self {
            PlaceLevel::Provider => "provider",
            PlaceLevel::Area => "area",
            PlaceLevel::Borough => "borough",
            PlaceLevel::Office => "office",
            PlaceLevel::Team => "team",
        }
    }

    pub fn parse(text: &str) -> Option<PlaceLevel> {
        Self::ALL.into_iter().find(|p| p.id() == text)
    }

    /// The SQL giving a row's place code ('' for none), over `PLACE_JOINS`.
    fn column(self) -> &'static str {
        match self {
            PlaceLevel::Provider => "''",
            PlaceLevel::Area => "COALESCE(b.area, '')",
            PlaceLevel::Borough => "COALESCE(o.borough, '')",
            PlaceLevel::Office => "COALESCE(t.office, '')",
            PlaceLevel::Team => "r.team",
        }
    }
}

/// One cohort's proven reoffending for one place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortRates {
    /// The area, borough, office or team (by code); `None` for the whole provider, or for
    /// cases with no team at that level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<Code>,
    #[serde(flatten)]
    pub figures: CohortFigures,
    /// The last day the cohort's figures can change (the waiting period of its last start);
    /// the figures are final, and comparable with published ones, after it.
    pub follow_up_ends: Date,
}

/// One outcome's rates for each group of one characteristic, each against everyone else.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisproportionalityTable {
    pub outcome: OutcomeKind,
    pub characteristic: Characteristic,
    /// The outcome's definition, to show with the figures.
    pub definition: &'static str,
    /// Everyone in the outcome's population, and how many had it.
    pub people: u64,
    pub with_outcome: u64,
    /// Groups by name ("Not recorded" last): compared, or suppressed as too small.
    pub groups: Vec<GroupComparison>,
    pub suppression: SuppressionPolicy,
}

/// Proven reoffending and disproportionality from the projections.
#[dynosaur::dynosaur(pub DynMiOutcomeStore = dyn(box) MiOutcomeStore)]
pub trait MiOutcomeStore: Send + Sync {
    /// Proven reoffending by quarterly cohort, oldest first, for the provider or each place
    /// at `by` (then by place code within a cohort). Cohorts still inside their follow-up
    /// are included; see [`CohortRates::follow_up_ends`].
    fn mi_reoffending(&self, by: PlaceLevel) -> impl Future<Output = Result<Vec<CohortRates>, StoreError>> + Send;

    /// For one outcome and one characteristic, each group's rate against everyone else's
    /// with 95% intervals and a plain statement, small groups suppressed under `policy`.
    fn mi_disproportionality(
        &self,
        outcome: OutcomeKind,
        characteristic: Characteristic,
        policy: &SuppressionPolicy,
    ) -> impl Future<Output = Result<DisproportionalityTable, StoreError>> + Send;

    /// Each difference between the live rows of both projections and a recompute from the
    /// log, described.
    fn mi_outcomes_check(&self) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;
}

/// Groups in display order: by name, with "Not recorded" last.
fn group_order(a: &GroupCount, b: &GroupCount) -> std::cmp::Ordering {
    (a.group == NOT_RECORDED, &a.group).cmp(&(b.group == NOT_RECORDED, &b.group))
}

/// The pre-summed entries (`projections::outcomes`) placed in the organisation: a team of ''
/// (an entry with none) joins nothing, as a missing team did, and its places fall to ''.
const PLACE_JOINS: &str = "FROM mi_reoffending_sums r LEFT JOIN teams t ON t.code = r.team \
     LEFT JOIN offices o ON o.code = t.office LEFT JOIN boroughs b ON b.code = o.borough";

macro_rules! impl_mi_outcome_store {
    ($store:ty) => {
        impl MiOutcomeStore for $store {
            async fn mi_reoffending(&self, by: PlaceLevel) -> Result<Vec<CohortRates>, StoreError> {
                let sql = format!(
                    "SELECT r.cohort, {}, CAST(SUM(r.people) AS BIGINT), \
                     CAST(SUM(r.reoffenders) AS BIGINT), CAST(SUM(r.reoffences) AS BIGINT) \
                     {PLACE_JOINS} GROUP BY 1, 2 ORDER BY 1, 2",
                    by.column()
                );
                let rows: Vec<(String, String, i64, i64, i64)> =
                    sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                rows.into_iter()
                    .map(|(cohort, place, people, reoffenders, reoffences)| {
                        let cohort =
                            Quarter::parse(&cohort).ok_or_else(|| corrupt("mi_reoffending cohort", &cohort))?;
                        let place = match place.as_str() {
                            "" => None,
                            p => Some(Code::parse(p).map_err(|e| corrupt("mi_reoffending place", e))?),
                        };
                        let count = |n: i64| n.max(0) as u64;
                        Ok(CohortRates {
                            place,
                            figures: CohortFigures::from_counts(
                                cohort,
                                count(people),
                                count(reoffenders),
                                count(reoffences),
                            ),
                            follow_up_ends: cohort.follow_up_ends(),
                        })
                    })
                    .collect()
            }

            async fn mi_disproportionality(
                &self,
                outcome: OutcomeKind,
                characteristic: Characteristic,
                policy: &SuppressionPolicy,
            ) -> Result<DisproportionalityTable, StoreError> {
                // Both names come from closed enums, never from input.
                let (group, flag) = (characteristic.id(), outcome.id());
                let sql = format!(
                    "SELECT {group}, COUNT(*), CAST(SUM({flag}) AS BIGINT) FROM mi_outcomes \
                     WHERE {flag} IS NOT NULL GROUP BY 1"
                );
                let rows: Vec<(String, i64, i64)> =
                    sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                let mut groups: Vec<GroupCount> = rows
                    .into_iter()
                    .map(|(group, people, with)| GroupCount {
                        group,
                        people: people.max(0) as u64,
                        with_outcome: with.max(0) as u64,
                    })
                    .collect();
                groups.sort_by(group_order);
                let comparisons =
                    disproportionality(outcome.label(), &groups, policy).map_err(|e| corrupt("mi_outcomes", e))?;
                Ok(DisproportionalityTable {
                    outcome,
                    characteristic,
                    definition: outcome.definition(),
                    people: groups.iter().map(|g| g.people).sum(),
                    with_outcome: groups.iter().map(|g| g.with_outcome).sum(),
                    groups: comparisons,
                    suppression: *policy,
                })
            }

            async fn mi_outcomes_check(&self) -> Result<Vec<String>, StoreError> {
                let want = self.project_log(ONLY).await?;
                self.project_check(&want, ONLY).await
            }
        }
    };
}

impl_mi_outcome_store!(SqliteStore);
impl_mi_outcome_store!(PostgresStore);
