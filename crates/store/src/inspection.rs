//! Inspections: a case sample drawn from the store and announced on a date, and the
//! inspectors' answers to the case assessment instrument (issue 7).
//!
//! Invariants kept here (and by the database's triggers, migration 0004):
//! - an announced sample is fixed: its inspection row and its cases are only inserted;
//! - answers are append-only, each with who gave it and when (set by the store); the latest
//!   answer to a question wins and the earlier ones stay as its history;
//! - an answer is only taken for a case in the inspection's sample, and a refused answer
//!   writes nothing.
//!
//! The store checks only what the database can: question ids and answers are validated
//! against the instrument by the caller (`services::inspection`).

use crate::StoreError;
use crate::codec::{parse_timestamp, timestamp_text, to_stored_precision};
use crate::engine::{PostgresStore, SqliteStore};
use domain::ids::{Code, Crn};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;
use std::future::Future;

/// An inspection to record: its sample and when it is announced.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInspection {
    pub id: Code,
    pub announced_on: Date,
    pub fieldwork_on: Date,
    /// `inspectorate` or `report`.
    pub scheme: String,
    pub seed: u64,
    /// The sampler's whole output (JSON), so the sample's composition can be shown later.
    pub sample_json: String,
    pub created_by: Code,
    /// The sampled cases, with their stratum, in the sample's order.
    pub cases: Vec<(Crn, String)>,
}

/// A recorded inspection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InspectionRecord {
    pub id: Code,
    pub announced_on: Date,
    pub fieldwork_on: Date,
    pub scheme: String,
    pub seed: u64,
    pub sample_json: String,
    pub created_at: Timestamp,
    pub created_by: Code,
}

/// A case in an inspection's sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InspectionCase {
    pub crn: Crn,
    pub stratum: String,
    pub position: u64,
}

/// An answer to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnswer {
    pub crn: Crn,
    pub question: String,
    /// `yes`, `no` or `na`.
    pub answer: String,
    pub note: Option<String>,
    pub answered_by: Code,
}

/// An answer as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerRecord {
    pub crn: Crn,
    pub question: String,
    /// 1, 2, ... per (case, question): later answers replace earlier ones.
    pub seq: u64,
    pub answer: String,
    pub note: Option<String>,
    pub answered_by: Code,
    pub answered_at: Timestamp,
}

/// The latest answer to each (case, question); the others are its history.
pub fn latest_answers(history: &[AnswerRecord]) -> BTreeMap<(Crn, String), &AnswerRecord> {
    let mut latest: BTreeMap<(Crn, String), &AnswerRecord> = BTreeMap::new();
    for a in history {
        let key = (a.crn.clone(), a.question.clone());
        if latest.get(&key).is_none_or(|b| b.seq < a.seq) {
            latest.insert(key, a);
        }
    }
    latest
}

/// The inspection contract, for both engines (tested by `tests/inspection_suite.rs`).
pub trait InspectionStore: Clone + Send + Sync + 'static {
    /// Records an inspection and its sample in one transaction. Refused (nothing written)
    /// when the id is taken, the sample is empty or names a case twice.
    fn record_inspection(&self, inspection: &NewInspection) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every inspection, by announcement date then id.
    fn inspections(&self) -> impl Future<Output = Result<Vec<InspectionRecord>, StoreError>> + Send;

    fn inspection(&self, id: &Code) -> impl Future<Output = Result<Option<InspectionRecord>, StoreError>> + Send;

    /// The sampled cases, in the sample's order.
    fn inspection_cases(&self, id: &Code) -> impl Future<Output = Result<Vec<InspectionCase>, StoreError>> + Send;

    /// Appends an answer; the store sets `seq` and `answered_at`. Refused when the
    /// inspection does not exist or the case is not in its sample.
    fn record_answer(
        &self,
        inspection: &Code,
        answer: &NewAnswer,
    ) -> impl Future<Output = Result<AnswerRecord, StoreError>> + Send;

    /// Every answer ever given in the inspection, by case, question and seq.
    fn answer_history(&self, inspection: &Code) -> impl Future<Output = Result<Vec<AnswerRecord>, StoreError>> + Send;
}

type InspectionRow = (String, String, String, String, i64, String, String, String);
type AnswerRow = (String, String, i64, String, Option<String>, String, String);

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn date(field: &str, s: &str) -> Result<Date, StoreError> {
    s.parse().map_err(|e| corrupt(field, e))
}

fn inspection_from_row(r: InspectionRow) -> Result<InspectionRecord, StoreError> {
    Ok(InspectionRecord {
        id: Code::parse(&r.0).map_err(|e| corrupt("inspections.id", e))?,
        announced_on: date("inspections.announced_on", &r.1)?,
        fieldwork_on: date("inspections.fieldwork_on", &r.2)?,
        scheme: r.3,
        seed: r.4 as u64,
        sample_json: r.5,
        created_at: parse_timestamp(&r.6).map_err(|e| corrupt("inspections.created_at", e))?,
        created_by: Code::parse(&r.7).map_err(|e| corrupt("inspections.created_by", e))?,
    })
}

fn answer_from_row(r: AnswerRow) -> Result<AnswerRecord, StoreError> {
    Ok(AnswerRecord {
        crn: Crn::parse(&r.0).map_err(|e| corrupt("inspection_answers.crn", e))?,
        question: r.1,
        seq: r.2 as u64,
        answer: r.3,
        note: r.4,
        answered_by: Code::parse(&r.5).map_err(|e| corrupt("inspection_answers.answered_by", e))?,
        answered_at: parse_timestamp(&r.6).map_err(|e| corrupt("inspection_answers.answered_at", e))?,
    })
}

const INSPECTION_COLUMNS: &str = "id, announced_on, fieldwork_on, scheme, seed, sample_json, created_at, created_by";

macro_rules! impl_inspection_store {
    ($store:ty) => {
        impl InspectionStore for $store {
            async fn record_inspection(&self, i: &NewInspection) -> Result<(), StoreError> {
                if i.cases.is_empty() {
                    return Err(StoreError::Invalid("cases: an inspection needs at least one sampled case".into()));
                }
                let mut seen = std::collections::BTreeSet::new();
                if let Some((crn, _)) = i.cases.iter().find(|(c, _)| !seen.insert(c.clone())) {
                    return Err(StoreError::Invalid(format!("cases: {crn} is in the sample twice")));
                }
                let mut tx = self.pool().begin().await?;
                let taken: Option<String> = sqlx::query_scalar("SELECT id FROM inspections WHERE id = $1")
                    .bind(i.id.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                if taken.is_some() {
                    return Err(StoreError::Invalid(format!("id: inspection {} already exists", i.id)));
                }
                let created_at = timestamp_text(to_stored_precision(Timestamp::now()));
                let sql = format!("INSERT INTO inspections ({INSPECTION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(i.id.as_str())
                    .bind(i.announced_on.to_string())
                    .bind(i.fieldwork_on.to_string())
                    .bind(i.scheme.as_str())
                    .bind(i.seed as i64)
                    .bind(i.sample_json.as_str())
                    .bind(created_at)
                    .bind(i.created_by.as_str())
                    .execute(&mut *tx)
                    .await?;
                for (position, (crn, stratum)) in i.cases.iter().enumerate() {
                    sqlx::query("INSERT INTO inspection_cases (inspection, crn, stratum, position) VALUES ($1, $2, $3, $4)")
                        .bind(i.id.as_str())
                        .bind(crn.as_str())
                        .bind(stratum.as_str())
                        .bind(position as i64 + 1)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn inspections(&self) -> Result<Vec<InspectionRecord>, StoreError> {
                let sql = format!("SELECT {INSPECTION_COLUMNS} FROM inspections ORDER BY announced_on, id");
                let rows: Vec<InspectionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(self.pool()).await?;
                rows.into_iter().map(inspection_from_row).collect()
            }

            async fn inspection(&self, id: &Code) -> Result<Option<InspectionRecord>, StoreError> {
                let sql = format!("SELECT {INSPECTION_COLUMNS} FROM inspections WHERE id = $1");
                let row: Option<InspectionRow> =
                    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.as_str()).fetch_optional(self.pool()).await?;
                row.map(inspection_from_row).transpose()
            }

            async fn inspection_cases(&self, id: &Code) -> Result<Vec<InspectionCase>, StoreError> {
                let rows: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT crn, stratum, position FROM inspection_cases WHERE inspection = $1 ORDER BY position",
                )
                .bind(id.as_str())
                .fetch_all(self.pool())
                .await?;
                rows.into_iter()
                    .map(|(crn, stratum, position)| {
                        Ok(InspectionCase {
                            crn: Crn::parse(&crn).map_err(|e| corrupt("inspection_cases.crn", e))?,
                            stratum,
                            position: position as u64,
                        })
                    })
                    .collect()
            }

            async fn record_answer(&self, inspection: &Code, a: &NewAnswer) -> Result<AnswerRecord, StoreError> {
                if !matches!(a.answer.as_str(), "yes" | "no" | "na") {
                    return Err(StoreError::Invalid(format!("answer: `{}` is not yes, no or na", a.answer)));
                }
                if a.question.is_empty() {
                    return Err(StoreError::Invalid("question: a question id is required".into()));
                }
                let mut tx = self.pool().begin().await?;
                let sampled: Option<String> =
                    sqlx::query_scalar("SELECT crn FROM inspection_cases WHERE inspection = $1 AND crn = $2")
                        .bind(inspection.as_str())
                        .bind(a.crn.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                if sampled.is_none() {
                    return Err(StoreError::Invalid(format!(
                        "crn: {} is not in the sample of inspection {inspection}",
                        a.crn
                    )));
                }
                let last: Option<i64> = sqlx::query_scalar(
                    "SELECT MAX(seq) FROM inspection_answers WHERE inspection = $1 AND crn = $2 AND question = $3",
                )
                .bind(inspection.as_str())
                .bind(a.crn.as_str())
                .bind(a.question.as_str())
                .fetch_one(&mut *tx)
                .await?;
                let seq = last.unwrap_or(0) + 1;
                let answered_at = to_stored_precision(Timestamp::now());
                // Two inspectors answering at once: the primary key refuses the second
                // writer's seq, and its transaction writes nothing.
                sqlx::query(
                    "INSERT INTO inspection_answers (inspection, crn, question, seq, answer, note, answered_by, answered_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(inspection.as_str())
                .bind(a.crn.as_str())
                .bind(a.question.as_str())
                .bind(seq)
                .bind(a.answer.as_str())
                .bind(a.note.as_deref())
                .bind(a.answered_by.as_str())
                .bind(timestamp_text(answered_at))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(AnswerRecord {
                    crn: a.crn.clone(),
                    question: a.question.clone(),
                    seq: seq as u64,
                    answer: a.answer.clone(),
                    note: a.note.clone(),
                    answered_by: a.answered_by.clone(),
                    answered_at,
                })
            }

            async fn answer_history(&self, inspection: &Code) -> Result<Vec<AnswerRecord>, StoreError> {
                let rows: Vec<AnswerRow> = sqlx::query_as(
                    "SELECT crn, question, seq, answer, note, answered_by, answered_at FROM inspection_answers \
                     WHERE inspection = $1 ORDER BY crn, question, seq",
                )
                .bind(inspection.as_str())
                .fetch_all(self.pool())
                .await?;
                rows.into_iter().map(answer_from_row).collect()
            }
        }
    };
}

impl_inspection_store!(SqliteStore);
impl_inspection_store!(PostgresStore);
