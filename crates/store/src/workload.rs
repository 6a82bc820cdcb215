//! Reductions of officers' contracted hours (long-term sickness, facility time, trainee and
//! newly qualified protection), with their dates: what `analytics::workload` takes off an
//! officer's available points; and the reports officers are preparing (standard court, fast
//! and parole reports), which add to their workload points while in preparation. Kept apart
//! from [`crate::CaseStore`]: none of it is case history.
//!
//! Invariants kept here: a reduction or a report names a member of staff who exists; only
//! facility time carries a percent, from 1 up to the workload policy's maximum; a reduction
//! never ends before it starts; a report is never due or completed before it is requested,
//! and the CRN it names, if any, is a valid one (it need not be a case yet: a pre-sentence
//! report may come first). Refused input names the field and writes nothing (checks here,
//! backed by `CHECK`s in migrations 0014 and 0016). Every write is given the time it is
//! recorded at by its caller (migration 0020); the store reads no clock.

use crate::staff_rows::{recorded_text, recorded_time, unknown_staff};
use crate::{PostgresStore, SqliteStore, StoreError};
use analytics::workload::{Reduction, ReductionKind, Report, ReportKind, WorkloadPolicy};
use domain::ids::{Code, Crn};
use jiff::Timestamp;
use jiff::civil::Date;
use std::future::Future;

/// A reduction as recorded against a member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffReduction {
    pub id: i64,
    pub staff: Code,
    pub reduction: Reduction,
    /// When it was recorded; `None` for one recorded before times were kept (migration 0020).
    pub recorded_at: Option<Timestamp>,
    /// When its end was recorded; `None` while it is open-ended (or not kept).
    pub ended_recorded_at: Option<Timestamp>,
}

/// A report as recorded against the member of staff preparing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffReport {
    pub id: i64,
    pub staff: Code,
    pub report: Report,
    /// When it was recorded; `None` for one recorded before times were kept (migration 0020).
    pub recorded_at: Option<Timestamp>,
    /// When its completion was recorded; `None` while it is in preparation (or not kept).
    pub completed_recorded_at: Option<Timestamp>,
}

/// The storage contract for reductions and reports, implemented for both engines from one
/// SQL text.
#[dynosaur::dynosaur(pub DynWorkloadStore = dyn(box) WorkloadStore)]
pub trait WorkloadStore: Send + Sync {
    /// Records a reduction of `staff`'s hours at `recorded_at` and returns its id. Refused,
    /// naming the field, when the member of staff is unknown, the percent is outside 1 up to
    /// the policy's maximum or given for a kind that takes none, or it ends before it starts.
    fn add_reduction(
        &self,
        staff: &Code,
        reduction: &Reduction,
        recorded_at: Timestamp,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Ends a reduction, recorded at `recorded_at`: `on` is its last day. `false` when there
    /// is no such reduction; refused, naming `on`, when that is before it starts.
    fn end_reduction(
        &self,
        id: i64,
        on: Date,
        recorded_at: Timestamp,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Every reduction of these members of staff, whatever its dates, by staff code, start
    /// and id.
    fn reductions_for(&self, staff: &[Code]) -> impl Future<Output = Result<Vec<StaffReduction>, StoreError>> + Send;
    /// Records a report `staff` is to prepare, at `recorded_at`, and returns its id. Refused,
    /// naming the field, when the member of staff is unknown or it is due or completed before
    /// it is requested.
    fn add_report(
        &self,
        staff: &Code,
        report: &Report,
        recorded_at: Timestamp,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Records a report as completed on `on`, at `recorded_at` (a later call corrects the
    /// day). `false` when there is no such report; refused, naming `on`, when that is before
    /// it was requested.
    fn complete_report(
        &self,
        id: i64,
        on: Date,
        recorded_at: Timestamp,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Every report of these members of staff, in preparation or completed, by staff code,
    /// day requested and id.
    fn reports_for(&self, staff: &[Code]) -> impl Future<Output = Result<Vec<StaffReport>, StoreError>> + Send;
}

/// The stored text of a kind, and its percent column (only facility time has one).
fn kind_text(kind: ReductionKind) -> (&'static str, Option<i32>) {
    match kind {
        ReductionKind::LongTermSickness => ("long_term_sickness", None),
        ReductionKind::FacilityTime { percent } => ("facility_time", Some(i32::try_from(percent).unwrap_or(i32::MAX))),
        ReductionKind::TraineeProbationOfficer => ("trainee", None),
        ReductionKind::NewlyQualified => ("newly_qualified", None),
    }
}

/// Checks a reduction before it is written. The facility time maximum is the workload
/// policy's (docs/rules/practice.md#workload), so a stored reduction is always one the model can apply.
pub fn check_reduction(reduction: &Reduction) -> Result<(), StoreError> {
    let max = WorkloadPolicy::DEFAULT.reductions.facility_time_max_percent;
    if let ReductionKind::FacilityTime { percent } = reduction.kind
        && !(1..=max).contains(&percent)
    {
        return Err(StoreError::field(
            "percent",
            format!("percent: facility time of {percent}% must be from 1% to {max}% of contracted hours"),
        ));
    }
    if let Some(end) = reduction.end
        && end < reduction.start
    {
        return Err(StoreError::field(
            "to",
            format!("to: the reduction ends on {end}, before it starts on {}", reduction.start),
        ));
    }
    Ok(())
}

/// The stored text of a report's kind.
fn report_kind_text(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::StandardCourt => "standard_court",
        ReportKind::Fast => "fast",
        ReportKind::Parole => "parole",
    }
}

/// Checks a report before it is written: it is not due, nor completed, before it is
/// requested.
pub fn check_report(report: &Report) -> Result<(), StoreError> {
    if let Some(due) = report.due
        && due < report.requested
    {
        return Err(StoreError::field(
            "due_on",
            format!("due_on: the report is due on {due}, before it is requested on {}", report.requested),
        ));
    }
    if let Some(done) = report.completed
        && done < report.requested
    {
        return Err(StoreError::field(
            "completed_on",
            format!("completed_on: the report is completed on {done}, before it is requested on {}", report.requested),
        ));
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: i64,
    staff: String,
    kind: String,
    crn: Option<String>,
    requested_on: String,
    due_on: Option<String>,
    completed_on: Option<String>,
    recorded_at: Option<String>,
    completed_recorded_at: Option<String>,
}

impl ReportRow {
    fn decode(self) -> Result<StaffReport, StoreError> {
        let bad = |what: &str, v: &str| StoreError::Corrupt(format!("staff_reports {}: {what} `{v}`", self.id));
        let day = |what: &str, v: &Option<String>| -> Result<Option<Date>, StoreError> {
            v.as_deref().map(|d| d.parse().map_err(|_| bad(what, d))).transpose()
        };
        let id = self.id.to_string();
        let kind = match self.kind.as_str() {
            "standard_court" => ReportKind::StandardCourt,
            "fast" => ReportKind::Fast,
            "parole" => ReportKind::Parole,
            other => return Err(bad("kind", other)),
        };
        Ok(StaffReport {
            id: self.id,
            staff: Code::parse(&self.staff).map_err(|_| bad("staff", &self.staff))?,
            report: Report {
                kind,
                crn: self.crn.as_deref().map(|c| Crn::parse(c).map_err(|_| bad("crn", c))).transpose()?,
                requested: self.requested_on.parse().map_err(|_| bad("requested_on", &self.requested_on))?,
                due: day("due_on", &self.due_on)?,
                completed: day("completed_on", &self.completed_on)?,
            },
            recorded_at: recorded_time("staff_reports", &id, "recorded_at", self.recorded_at.as_deref())?,
            completed_recorded_at: recorded_time(
                "staff_reports",
                &id,
                "completed_recorded_at",
                self.completed_recorded_at.as_deref(),
            )?,
        })
    }
}

const REPORT_COLUMNS: &str =
    "id, staff, kind, crn, requested_on, due_on, completed_on, recorded_at, completed_recorded_at";

#[derive(sqlx::FromRow)]
struct ReductionRow {
    id: i64,
    staff: String,
    kind: String,
    percent: Option<i32>,
    starts_on: String,
    ends_on: Option<String>,
    recorded_at: Option<String>,
    ended_recorded_at: Option<String>,
}

impl ReductionRow {
    fn decode(self) -> Result<StaffReduction, StoreError> {
        let bad = |what: &str, v: &str| StoreError::Corrupt(format!("staff_reductions {}: {what} `{v}`", self.id));
        let percent = || {
            self.percent
                .and_then(|p| u32::try_from(p).ok())
                .ok_or_else(|| bad("percent", &format!("{:?}", self.percent)))
        };
        let id = self.id.to_string();
        let kind = match self.kind.as_str() {
            "long_term_sickness" => ReductionKind::LongTermSickness,
            "facility_time" => ReductionKind::FacilityTime { percent: percent()? },
            "trainee" => ReductionKind::TraineeProbationOfficer,
            "newly_qualified" => ReductionKind::NewlyQualified,
            other => return Err(bad("kind", other)),
        };
        Ok(StaffReduction {
            id: self.id,
            staff: Code::parse(&self.staff).map_err(|_| bad("staff", &self.staff))?,
            reduction: Reduction {
                kind,
                start: self.starts_on.parse().map_err(|_| bad("starts_on", &self.starts_on))?,
                end: match &self.ends_on {
                    Some(d) => Some(d.parse().map_err(|_| bad("ends_on", d))?),
                    None => None,
                },
            },
            recorded_at: recorded_time("staff_reductions", &id, "recorded_at", self.recorded_at.as_deref())?,
            ended_recorded_at: recorded_time(
                "staff_reductions",
                &id,
                "ended_recorded_at",
                self.ended_recorded_at.as_deref(),
            )?,
        })
    }
}

const COLUMNS: &str = "id, staff, kind, percent, starts_on, ends_on, recorded_at, ended_recorded_at";

macro_rules! impl_workload_store {
    ($store:ty) => {
        impl WorkloadStore for $store {
            async fn add_reduction(
                &self,
                staff: &Code,
                r: &Reduction,
                recorded_at: Timestamp,
            ) -> Result<i64, StoreError> {
                check_reduction(r)?;
                let mut tx = self.pool().begin().await?;
                if !Self::staff_known(&mut *tx, staff).await? {
                    return Err(unknown_staff("staff", staff));
                }
                let (kind, percent) = kind_text(r.kind);
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO staff_reductions \
                     (staff, kind, percent, starts_on, ends_on, recorded_at, ended_recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(staff.as_str())
                .bind(kind)
                .bind(percent)
                .bind(r.start.to_string())
                .bind(r.end.map(|d| d.to_string()))
                .bind(recorded_text(recorded_at))
                .bind(r.end.map(|_| recorded_text(recorded_at)))
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn end_reduction(&self, id: i64, on: Date, recorded_at: Timestamp) -> Result<bool, StoreError> {
                let mut tx = self.pool().begin().await?;
                let sql = format!("SELECT {COLUMNS} FROM staff_reductions WHERE id = $1");
                let row: Option<ReductionRow> =
                    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *tx).await?;
                let Some(found) = row.map(ReductionRow::decode).transpose()? else {
                    return Ok(false);
                };
                if on < found.reduction.start {
                    return Err(StoreError::field(
                        "on",
                        format!("on: reduction {id} starts on {}, so it cannot end on {on}", found.reduction.start),
                    ));
                }
                sqlx::query("UPDATE staff_reductions SET ends_on = $2, ended_recorded_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(on.to_string())
                    .bind(recorded_text(recorded_at))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn reductions_for(&self, staff: &[Code]) -> Result<Vec<StaffReduction>, StoreError> {
                let rows: Vec<ReductionRow> =
                    self.rows_for_staff(COLUMNS, "staff_reductions", "starts_on, id", staff).await?;
                rows.into_iter().map(ReductionRow::decode).collect()
            }

            async fn add_report(&self, staff: &Code, r: &Report, recorded_at: Timestamp) -> Result<i64, StoreError> {
                check_report(r)?;
                let mut tx = self.pool().begin().await?;
                if !Self::staff_known(&mut *tx, staff).await? {
                    return Err(unknown_staff("staff", staff));
                }
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO staff_reports \
                     (staff, kind, crn, requested_on, due_on, completed_on, recorded_at, completed_recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(staff.as_str())
                .bind(report_kind_text(r.kind))
                .bind(r.crn.as_ref().map(Crn::as_str))
                .bind(r.requested.to_string())
                .bind(r.due.map(|d| d.to_string()))
                .bind(r.completed.map(|d| d.to_string()))
                .bind(recorded_text(recorded_at))
                .bind(r.completed.map(|_| recorded_text(recorded_at)))
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn complete_report(&self, id: i64, on: Date, recorded_at: Timestamp) -> Result<bool, StoreError> {
                let mut tx = self.pool().begin().await?;
                let sql = format!("SELECT {REPORT_COLUMNS} FROM staff_reports WHERE id = $1");
                let row: Option<ReportRow> =
                    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *tx).await?;
                let Some(found) = row.map(ReportRow::decode).transpose()? else {
                    return Ok(false);
                };
                if on < found.report.requested {
                    return Err(StoreError::field(
                        "on",
                        format!(
                            "on: report {id} was requested on {}, so it cannot be completed on {on}",
                            found.report.requested
                        ),
                    ));
                }
                sqlx::query("UPDATE staff_reports SET completed_on = $2, completed_recorded_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(on.to_string())
                    .bind(recorded_text(recorded_at))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn reports_for(&self, staff: &[Code]) -> Result<Vec<StaffReport>, StoreError> {
                let rows: Vec<ReportRow> =
                    self.rows_for_staff(REPORT_COLUMNS, "staff_reports", "requested_on, id", staff).await?;
                rows.into_iter().map(ReportRow::decode).collect()
            }
        }
    };
}

impl_workload_store!(SqliteStore);
impl_workload_store!(PostgresStore);
