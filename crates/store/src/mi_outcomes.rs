//! Proven reoffending and disproportionality from the record: two projections kept beside
//! `mi_facts`, replaced for a case in the same transaction as each append to it (and written
//! by bulk loads and rebuilds), so every figure is a SQL `GROUP BY`, and
//! [`MiOutcomeStore::mi_outcomes_check`] proves the live rows equal a recompute from the log.
//!
//! - `mi_reoffending`: a case's cohort entries (`analytics::reoffending::case_cohort_entries`).
//! - `mi_outcomes`: a case's breach, recall and completion with its protected characteristics
//!   (`analytics::outcomes::case_outcomes`).

use crate::codec::{EVENT_COLUMNS, EventRow, LoadCase, decode_case, each_case, to_stored_precision};
use crate::corrupt;
use crate::engine::Value;
use crate::{PostgresStore, SqliteStore, StoreError};
use analytics::outcomes::{Characteristic, NOT_RECORDED, OutcomeKind, case_outcomes};
use analytics::proportion::{GroupComparison, GroupCount, SuppressionPolicy, disproportionality};
use analytics::reoffending::{CohortFigures, Quarter, case_cohort_entries};
use domain::case::uk_date;
use domain::event::{CaseEvent, NewEvent, RecordedEvent};
use domain::ids::{Code, Crn};
use jiff::civil::Date;
use serde::Serialize;
use sqlx::AssertSqlSafe;
use std::future::Future;

const REOFFENDING_COLUMNS: &str = "crn, cohort, start_date, start_kind, reoffences, team";
const OUTCOME_COLUMNS: &str =
    "crn, breach, recall, completion, gender, ethnicity, age_band, disability, religion, nationality, team";

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
            PlaceLevel::Team => "COALESCE(r.team, '')",
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

/// A projection row in a comparable form: every column as the database returns it.
type ReoffendingRow = (String, String, String, String, i64, Option<String>);
type OutcomeRow =
    (String, Option<i64>, Option<i64>, Option<i64>, String, String, String, String, String, String, Option<String>);

/// Both projections' rows for one case.
fn case_rows<'a>(
    crn: &Crn,
    events: impl IntoIterator<Item = (Date, &'a CaseEvent)> + Clone,
) -> (Vec<ReoffendingRow>, Vec<OutcomeRow>) {
    let reoffending = case_cohort_entries(events.clone())
        .into_iter()
        .map(|e| {
            (
                crn.to_string(),
                e.cohort.to_string(),
                e.start.to_string(),
                e.kind.id().to_owned(),
                i64::try_from(e.reoffences).unwrap_or(i64::MAX),
                e.team.map(|t| t.to_string()),
            )
        })
        .collect();
    let flag = |b: Option<bool>| b.map(i64::from);
    let outcomes = case_outcomes(events)
        .map(|o| {
            (
                crn.to_string(),
                flag(o.breach),
                flag(o.recall),
                flag(o.completion),
                o.gender,
                o.ethnicity,
                o.age_band,
                o.disability,
                o.religion,
                o.nationality,
                o.team.map(|t| t.to_string()),
            )
        })
        .into_iter()
        .collect();
    (reoffending, outcomes)
}

fn recorded_rows(crn: &Crn, events: &[RecordedEvent]) -> (Vec<ReoffendingRow>, Vec<OutcomeRow>) {
    case_rows(crn, events.iter().map(|e| (uk_date(e.occurred_at), &e.event)))
}

fn reoffending_values(r: &ReoffendingRow) -> Vec<Value> {
    vec![
        Value::Text(r.0.clone()),
        Value::Text(r.1.clone()),
        Value::Text(r.2.clone()),
        Value::Text(r.3.clone()),
        Value::Int(r.4),
        Value::OptText(r.5.clone()),
    ]
}

fn outcome_values(r: &OutcomeRow) -> Vec<Value> {
    // A nullable flag goes in as text: SQLite stores "1" in an INTEGER column as 1, and
    // PostgreSQL's COPY reads it as a BIGINT; absent is NULL in both.
    let flag = |b: Option<i64>| Value::OptText(b.map(|b| b.to_string()));
    vec![
        Value::Text(r.0.clone()),
        flag(r.1),
        flag(r.2),
        flag(r.3),
        Value::Text(r.4.clone()),
        Value::Text(r.5.clone()),
        Value::Text(r.6.clone()),
        Value::Text(r.7.clone()),
        Value::Text(r.8.clone()),
        Value::Text(r.9.clone()),
        Value::OptText(r.10.clone()),
    ]
}

fn load_rows(cases: &[LoadCase]) -> Result<(Vec<ReoffendingRow>, Vec<OutcomeRow>), StoreError> {
    let (mut reoffending, mut outcomes) = (Vec::new(), Vec::new());
    for case in cases {
        if let Some((crn, events)) = decode_case(case)? {
            let (r, o) = recorded_rows(&crn, &events);
            reoffending.extend(r);
            outcomes.extend(o);
        }
    }
    Ok((reoffending, outcomes))
}

/// Every case's projection rows, from a stream of event rows in (crn, seq) order.
async fn recompute<S>(rows: S) -> Result<(Vec<ReoffendingRow>, Vec<OutcomeRow>), StoreError>
where
    S: futures_util::Stream<Item = Result<EventRow, sqlx::Error>> + Unpin,
{
    let (mut reoffending, mut outcomes) = (Vec::new(), Vec::new());
    each_case(rows, |crn, events| {
        let (r, o) = recorded_rows(crn, events);
        reoffending.extend(r);
        outcomes.extend(o);
        Ok(())
    })
    .await?;
    Ok((reoffending, outcomes))
}

fn differences<T: Ord + std::fmt::Debug>(table: &str, mut live: Vec<T>, mut want: Vec<T>) -> Vec<String> {
    live.sort();
    want.sort();
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < live.len() || j < want.len() {
        match (live.get(i), want.get(j)) {
            (Some(l), Some(w)) if l == w => {
                i += 1;
                j += 1;
            }
            (Some(l), Some(w)) if l < w => {
                out.push(format!("{table}: {l:?} is live but not in a recompute"));
                i += 1;
            }
            (Some(l), None) => {
                out.push(format!("{table}: {l:?} is live but not in a recompute"));
                i += 1;
            }
            (_, Some(w)) => {
                out.push(format!("{table}: {w:?} is in a recompute but not live"));
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// Groups in display order: by name, with "Not recorded" last.
fn group_order(a: &GroupCount, b: &GroupCount) -> std::cmp::Ordering {
    (a.group == NOT_RECORDED, &a.group).cmp(&(b.group == NOT_RECORDED, &b.group))
}

const PLACE_JOINS: &str = "FROM mi_reoffending r LEFT JOIN teams t ON t.code = r.team \
     LEFT JOIN offices o ON o.code = t.office LEFT JOIN boroughs b ON b.code = o.borough";

macro_rules! impl_mi_outcome_store {
    ($store:ty, $conn:ty) => {
        impl $store {
            async fn outcomes_insert(
                conn: &mut $conn,
                reoffending: &[ReoffendingRow],
                outcomes: &[OutcomeRow],
            ) -> Result<(), StoreError> {
                let r: Vec<Vec<Value>> = reoffending.iter().map(reoffending_values).collect();
                Self::insert_rows(conn, "mi_reoffending", REOFFENDING_COLUMNS, 6, &r).await?;
                let o: Vec<Vec<Value>> = outcomes.iter().map(outcome_values).collect();
                Self::insert_rows(conn, "mi_outcomes", OUTCOME_COLUMNS, 11, &o).await
            }

            /// Replaces a case's rows after an append (called in the append's transaction).
            pub(crate) async fn outcomes_replace_case(
                conn: &mut $conn,
                crn: &Crn,
                past: &[RecordedEvent],
                new: &[NewEvent],
            ) -> Result<(), StoreError> {
                let events = past
                    .iter()
                    .map(|e| (uk_date(e.occurred_at), &e.event))
                    .chain(new.iter().map(|e| (uk_date(to_stored_precision(e.occurred_at)), &e.event)));
                let (reoffending, outcomes) = case_rows(crn, events);
                sqlx::query("DELETE FROM mi_reoffending WHERE crn = $1").bind(crn.as_str()).execute(&mut *conn).await?;
                sqlx::query("DELETE FROM mi_outcomes WHERE crn = $1").bind(crn.as_str()).execute(&mut *conn).await?;
                Self::outcomes_insert(conn, &reoffending, &outcomes).await
            }

            /// Writes the rows of whole cases being bulk loaded.
            pub(crate) async fn outcomes_load(conn: &mut $conn, cases: &[LoadCase]) -> Result<(), StoreError> {
                let (reoffending, outcomes) = load_rows(cases)?;
                Self::outcomes_insert(conn, &reoffending, &outcomes).await
            }

            /// Recomputes both projections from the log, on `conn` (inside a rebuild).
            pub(crate) async fn outcomes_rebuild(conn: &mut $conn) -> Result<(), StoreError> {
                let (reoffending, outcomes) = {
                    let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY crn, seq");
                    let rows = sqlx::query_as::<_, EventRow>(AssertSqlSafe(sql.as_str())).fetch(&mut *conn);
                    recompute(rows).await?
                };
                sqlx::query("DELETE FROM mi_reoffending").execute(&mut *conn).await?;
                sqlx::query("DELETE FROM mi_outcomes").execute(&mut *conn).await?;
                Self::outcomes_insert(conn, &reoffending, &outcomes).await
            }
        }

        impl MiOutcomeStore for $store {
            async fn mi_reoffending(&self, by: PlaceLevel) -> Result<Vec<CohortRates>, StoreError> {
                let sql = format!(
                    "SELECT r.cohort, {}, COUNT(*), \
                     CAST(SUM(CASE WHEN r.reoffences > 0 THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(r.reoffences) AS BIGINT) \
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
                let comparisons = disproportionality(outcome.label(), &groups, policy)
                    .map_err(|e| corrupt("mi_outcomes", e))?;
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
                let sql = format!("SELECT {REOFFENDING_COLUMNS} FROM mi_reoffending");
                let live_r: Vec<ReoffendingRow> =
                    sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                let sql = format!("SELECT {OUTCOME_COLUMNS} FROM mi_outcomes");
                let live_o: Vec<OutcomeRow> =
                    sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
                let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY crn, seq");
                let rows = sqlx::query_as::<_, EventRow>(AssertSqlSafe(sql.as_str())).fetch(self.pool());
                let (want_r, want_o) = recompute(rows).await?;
                let mut out = differences("mi_reoffending", live_r, want_r);
                out.extend(differences("mi_outcomes", live_o, want_o));
                Ok(out)
            }
        }
    };
}

impl_mi_outcome_store!(SqliteStore, sqlx::SqliteConnection);
impl_mi_outcome_store!(PostgresStore, sqlx::PgConnection);
