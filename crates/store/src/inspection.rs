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
//! - the report's written parts (enablers, barriers, recommendations, practice examples;
//!   migration 0007) are append-only too: an entry is revised by writing its next version,
//!   the latest version wins, and every version keeps who wrote it and when; an example is
//!   only taken for a case in the sample.
//!
//! The store checks only what the database can: question ids and answers are validated
//! against the instrument by the caller (`services::inspection`).

use crate::StoreError;
use crate::codec::{parse_timestamp, timestamp_text, to_stored_precision};
use crate::corrupt;
use crate::db::{PostgresStore, SqliteStore};
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
    /// When it is recorded, from the caller's clock.
    pub created_at: Timestamp,
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
    /// When it is recorded, from the caller's clock.
    pub answered_at: Timestamp,
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

/// A piece of the report's narrative to record: a new entry, or the next version of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNarrative {
    /// `None` writes a new entry; `Some(n)` revises entry n (same kind).
    pub entry: Option<u64>,
    /// `enabler`, `barrier`, `recommendation` or `example`.
    pub kind: String,
    /// The sampled case an example is attached to (examples only, and required for them).
    pub crn: Option<Crn>,
    /// The instrument question an example illustrates, if any.
    pub question: Option<String>,
    pub text: String,
    pub written_by: Code,
    /// When it is recorded, from the caller's clock.
    pub written_at: Timestamp,
}

/// One version of a narrative entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NarrativeRecord {
    /// 1, 2, ... per inspection.
    pub entry: u64,
    /// 1, 2, ... per entry: later versions replace earlier ones.
    pub version: u64,
    pub kind: String,
    pub crn: Option<Crn>,
    pub question: Option<String>,
    pub text: String,
    pub written_by: Code,
    pub written_at: Timestamp,
}

/// The latest version of each narrative entry, by entry number; the others are history.
pub fn latest_narrative(history: &[NarrativeRecord]) -> Vec<&NarrativeRecord> {
    let mut latest: BTreeMap<u64, &NarrativeRecord> = BTreeMap::new();
    for n in history {
        if latest.get(&n.entry).is_none_or(|l| l.version < n.version) {
            latest.insert(n.entry, n);
        }
    }
    latest.into_values().collect()
}

pub const NARRATIVE_KINDS: [&str; 4] = ["enabler", "barrier", "recommendation", "example"];

/// The inspection contract, for both engines (tested by `tests/inspection_suite.rs`).
#[dynosaur::dynosaur(pub DynInspectionStore = dyn(box) InspectionStore)]
pub trait InspectionStore: Send + Sync {
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

    /// Appends a narrative entry or its next version; the store sets `entry` (for a new
    /// one), `version` and `written_at`. Refused, writing nothing, when the inspection does
    /// not exist, the kind is unknown, the text is empty, an example names no case or a
    /// case not in the sample, a non-example names a case, or a revision names an entry
    /// that does not exist or changes its kind.
    fn record_narrative(
        &self,
        inspection: &Code,
        narrative: &NewNarrative,
    ) -> impl Future<Output = Result<NarrativeRecord, StoreError>> + Send;

    /// Every version of every narrative entry, by entry and version.
    fn narrative_history(
        &self,
        inspection: &Code,
    ) -> impl Future<Output = Result<Vec<NarrativeRecord>, StoreError>> + Send;
}

/// The checks on a narrative entry that need no database.
fn check_narrative(n: &NewNarrative) -> Result<(), StoreError> {
    if !NARRATIVE_KINDS.contains(&n.kind.as_str()) {
        return Err(StoreError::field(
            "kind",
            format!("kind: `{}` is not enabler, barrier, recommendation or example", n.kind),
        ));
    }
    if n.text.trim().is_empty() {
        return Err(StoreError::field("text", "text: the text is empty"));
    }
    match (n.kind == "example", &n.crn) {
        (true, None) => {
            return Err(StoreError::field("crn", "crn: a practice example is attached to a sampled case"));
        }
        (false, Some(_)) => {
            return Err(StoreError::field(
                "crn",
                format!("crn: only a practice example is attached to a case, not a {}", n.kind),
            ));
        }
        _ => {}
    }
    if n.question.as_deref().is_some_and(str::is_empty) {
        return Err(StoreError::field("question", "question: an empty question id"));
    }
    if n.question.is_some() && n.crn.is_none() {
        return Err(StoreError::field("question", "question: only a practice example names a question"));
    }
    if n.entry == Some(0) {
        return Err(StoreError::field("entry", "entry: entries are numbered from 1"));
    }
    Ok(())
}

type InspectionRow = (String, String, String, String, i64, String, String, String);
type AnswerRow = (String, String, i64, String, Option<String>, String, String);
type NarrativeRow = (i64, i64, String, Option<String>, Option<String>, String, String, String);

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

fn narrative_from_row(r: NarrativeRow) -> Result<NarrativeRecord, StoreError> {
    Ok(NarrativeRecord {
        entry: r.0 as u64,
        version: r.1 as u64,
        kind: r.2,
        crn: r.3.map(|c| Crn::parse(&c).map_err(|e| corrupt("inspection_narrative.crn", e))).transpose()?,
        question: r.4,
        text: r.5,
        written_by: Code::parse(&r.6).map_err(|e| corrupt("inspection_narrative.written_by", e))?,
        written_at: parse_timestamp(&r.7).map_err(|e| corrupt("inspection_narrative.written_at", e))?,
    })
}

const INSPECTION_COLUMNS: &str = "id, announced_on, fieldwork_on, scheme, seed, sample_json, created_at, created_by";

macro_rules! impl_inspection_store {
    ($store:ty) => {
        impl InspectionStore for $store {
            async fn record_inspection(&self, i: &NewInspection) -> Result<(), StoreError> {
                if i.cases.is_empty() {
                    return Err(StoreError::field("cases", "cases: an inspection needs at least one sampled case"));
                }
                let mut seen = std::collections::BTreeSet::new();
                if let Some((crn, _)) = i.cases.iter().find(|(c, _)| !seen.insert(c.clone())) {
                    return Err(StoreError::field("cases", format!("cases: {crn} is in the sample twice")));
                }
                let mut tx = self.pool().begin().await?;
                let taken: Option<String> = sqlx::query_scalar("SELECT id FROM inspections WHERE id = $1")
                    .bind(i.id.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                if taken.is_some() {
                    return Err(StoreError::field("id", format!("id: inspection {} already exists", i.id)));
                }
                let created_at = timestamp_text(to_stored_precision(i.created_at));
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
                    return Err(StoreError::field("answer", format!("answer: `{}` is not yes, no or na", a.answer)));
                }
                if a.question.is_empty() {
                    return Err(StoreError::field("question", "question: a question id is required"));
                }
                let mut tx = self.pool().begin().await?;
                let sampled: Option<String> =
                    sqlx::query_scalar("SELECT crn FROM inspection_cases WHERE inspection = $1 AND crn = $2")
                        .bind(inspection.as_str())
                        .bind(a.crn.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                if sampled.is_none() {
                    return Err(StoreError::field(
                        "crn",
                        format!("crn: {} is not in the sample of inspection {inspection}",
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
                let answered_at = to_stored_precision(a.answered_at);
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

            async fn record_narrative(&self, inspection: &Code, n: &NewNarrative) -> Result<NarrativeRecord, StoreError> {
                check_narrative(n)?;
                let mut tx = self.pool().begin().await?;
                let exists: Option<String> = sqlx::query_scalar("SELECT id FROM inspections WHERE id = $1")
                    .bind(inspection.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                if exists.is_none() {
                    return Err(StoreError::field("inspection", format!("inspection: no inspection {inspection}")));
                }
                if let Some(crn) = &n.crn {
                    let sampled: Option<String> =
                        sqlx::query_scalar("SELECT crn FROM inspection_cases WHERE inspection = $1 AND crn = $2")
                            .bind(inspection.as_str())
                            .bind(crn.as_str())
                            .fetch_optional(&mut *tx)
                            .await?;
                    if sampled.is_none() {
                        return Err(StoreError::field(
                            "crn",
                            format!("crn: {crn} is not in the sample of inspection {inspection}"
                        )));
                    }
                }
                let (entry, version) = match n.entry {
                    None => {
                        let last: Option<i64> =
                            sqlx::query_scalar("SELECT MAX(entry) FROM inspection_narrative WHERE inspection = $1")
                                .bind(inspection.as_str())
                                .fetch_one(&mut *tx)
                                .await?;
                        (last.unwrap_or(0) + 1, 1)
                    }
                    Some(entry) => {
                        let last: Option<(i64, String)> = sqlx::query_as(
                            "SELECT version, kind FROM inspection_narrative WHERE inspection = $1 AND entry = $2 \
                             ORDER BY version DESC LIMIT 1",
                        )
                        .bind(inspection.as_str())
                        .bind(entry as i64)
                        .fetch_optional(&mut *tx)
                        .await?;
                        let Some((version, kind)) = last else {
                            return Err(StoreError::field(
                                "entry",
                                format!("entry: inspection {inspection} has no narrative entry {entry}"
                            )));
                        };
                        if kind != n.kind {
                            return Err(StoreError::field(
                                "kind",
                                format!("kind: entry {entry} is a {kind}; a revision cannot make it a {}",
                                n.kind
                            )));
                        }
                        (entry as i64, version + 1)
                    }
                };
                let written_at = to_stored_precision(n.written_at);
                let text = n.text.trim().to_string();
                // Two writers at once: the primary key refuses the second (entry, version),
                // and its transaction writes nothing.
                sqlx::query(
                    "INSERT INTO inspection_narrative \
                     (inspection, entry, version, kind, crn, question, body, written_by, written_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(inspection.as_str())
                .bind(entry)
                .bind(version)
                .bind(n.kind.as_str())
                .bind(n.crn.as_ref().map(|c| c.as_str()))
                .bind(n.question.as_deref())
                .bind(text.as_str())
                .bind(n.written_by.as_str())
                .bind(timestamp_text(written_at))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(NarrativeRecord {
                    entry: entry as u64,
                    version: version as u64,
                    kind: n.kind.clone(),
                    crn: n.crn.clone(),
                    question: n.question.clone(),
                    text,
                    written_by: n.written_by.clone(),
                    written_at,
                })
            }

            async fn narrative_history(&self, inspection: &Code) -> Result<Vec<NarrativeRecord>, StoreError> {
                let rows: Vec<NarrativeRow> = sqlx::query_as(
                    "SELECT entry, version, kind, crn, question, body, written_by, written_at \
                     FROM inspection_narrative WHERE inspection = $1 ORDER BY entry, version",
                )
                .bind(inspection.as_str())
                .fetch_all(self.pool())
                .await?;
                rows.into_iter().map(narrative_from_row).collect()
            }
        }
    };
}

impl_inspection_store!(SqliteStore);
impl_inspection_store!(PostgresStore);
