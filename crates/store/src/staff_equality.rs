//! Staff equality: a member of staff's self-declared protected characteristics and the flags
//! of staff processes recorded against them (the performance-improvement flag), and the
//! disproportionality of a process over them (`analytics::staff_process`). Kept apart from
//! [`crate::CaseStore`]: none of it is case history. Migration 0017.
//!
//! Invariants kept here: a declaration or a flag names a member of staff who exists, and a
//! flag is raised by another who exists; a flag never ends before it starts; values are the
//! closed lists of `domain::person` and `domain::staff`. Refused input names the field and
//! writes nothing (checks here, backed by `CHECK`s and foreign keys in migration 0017).
//! Every write is given the time it is recorded at by its caller (migration 0020); the store
//! reads no clock.
//!
//! The characteristics are sensitive: besides the aggregate table, the only reads are of one
//! member of staff's own declaration and of flags by staff code, for the operator's CLI.

use crate::db::Value;
use crate::staff_rows::{recorded_text, recorded_time, unknown_staff};
use crate::{PostgresStore, SqliteStore, StoreError};
use analytics::outcomes::Characteristic;
use analytics::proportion::SuppressionPolicy;
use analytics::staff_process::{Period, StaffMember, StaffProcessError, StaffProcessTable, staff_process_rates};
use domain::ids::Code;
use domain::person::{Ethnicity, Gender};
use domain::staff::{FlagKind, Religion, StaffCharacteristics, StaffFlag};
use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

/// A flag as recorded against a member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedFlag {
    pub id: i64,
    pub staff: Code,
    pub flag: StaffFlag,
    /// When it was recorded; `None` for one recorded before times were kept (migration 0020).
    pub recorded_at: Option<Timestamp>,
    /// When its end was recorded; `None` while it is open (or not kept).
    pub ended_recorded_at: Option<Timestamp>,
}

/// A member of staff's declaration as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StaffDeclaration {
    pub characteristics: StaffCharacteristics,
    /// When it was last recorded; `None` when nothing is declared, or for a declaration
    /// recorded before times were kept (migration 0020).
    pub recorded_at: Option<Timestamp>,
}

/// The storage contract for staff equality, implemented for both engines from one SQL text.
#[dynosaur::dynosaur(pub DynStaffEqualityStore = dyn(box) StaffEqualityStore)]
pub trait StaffEqualityStore: Send + Sync {
    /// Records `staff`'s declaration at `recorded_at`, replacing any earlier one (all not
    /// recorded removes it). Refused, naming `staff`, when there is no such member of staff.
    fn set_staff_characteristics(
        &self,
        staff: &Code,
        declared: &StaffCharacteristics,
        recorded_at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// `staff`'s declaration (all not recorded when they have made none). Refused, naming
    /// `staff`, when there is no such member of staff.
    fn staff_characteristics(
        &self,
        staff: &Code,
    ) -> impl Future<Output = Result<StaffCharacteristics, StoreError>> + Send;
    /// `staff`'s declaration with the time it was recorded (nothing declared when they have
    /// made none). Refused, naming `staff`, when there is no such member of staff.
    fn staff_declaration(&self, staff: &Code) -> impl Future<Output = Result<StaffDeclaration, StoreError>> + Send;
    /// Records a flag on `staff` at `recorded_at` and returns its id. Refused, naming the
    /// field, when either member of staff is unknown, it is raised by the member of staff it
    /// is on, or it ends before it starts.
    fn add_staff_flag(
        &self,
        staff: &Code,
        flag: &StaffFlag,
        recorded_at: Timestamp,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Ends a flag, recorded at `recorded_at`: `on` is its last day (a later call corrects
    /// it). `false` when there is no such flag; refused, naming `on`, when that is before it
    /// starts.
    fn end_staff_flag(
        &self,
        id: i64,
        on: Date,
        recorded_at: Timestamp,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Every flag on these members of staff, by staff code, start and id.
    fn staff_flags_for(&self, staff: &[Code]) -> impl Future<Output = Result<Vec<RecordedFlag>, StoreError>> + Send;
    /// Writes many declarations and flags (a generated provider's) in one transaction, all
    /// recorded at `recorded_at`: all of them land or, if any is refused as the single writes
    /// would refuse it, none does.
    fn load_staff_equality(
        &self,
        declared: &[(Code, StaffCharacteristics)],
        flags: &[(Code, StaffFlag)],
        recorded_at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// For one staff process and one characteristic over `period`, among staff in post,
    /// each group's rate of staff with a flag started in the period against the rest's,
    /// with 95% intervals and a plain statement, small groups suppressed under `policy`.
    /// Refused, naming `characteristic`, for one not recorded for staff.
    fn staff_disproportionality(
        &self,
        process: FlagKind,
        characteristic: Characteristic,
        period: Period,
        policy: &SuppressionPolicy,
    ) -> impl Future<Output = Result<StaffProcessTable, StoreError>> + Send;
}

/// A declaration's columns as stored: gender, ethnicity, date_of_birth, disability, religion.
type CharacteristicColumns = (Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);

fn characteristic_columns(c: &StaffCharacteristics) -> CharacteristicColumns {
    (
        c.gender.map(|g| g.id().to_owned()),
        c.ethnicity.map(|e| e.id().to_owned()),
        c.date_of_birth.map(|d| d.to_string()),
        c.disability.map(|d| if d { "yes" } else { "no" }.to_owned()),
        c.religion.map(|r| r.id().to_owned()),
    )
}

fn decode_characteristics(staff: &str, row: CharacteristicColumns) -> Result<StaffCharacteristics, StoreError> {
    let bad = |what: &str, v: &str| StoreError::Corrupt(format!("staff_characteristics {staff}: {what} `{v}`"));
    let (gender, ethnicity, born, disability, religion) = row;
    Ok(StaffCharacteristics {
        gender: gender.map(|g| Gender::parse(&g).ok_or_else(|| bad("gender", &g))).transpose()?,
        ethnicity: ethnicity.map(|e| Ethnicity::parse(&e).ok_or_else(|| bad("ethnicity", &e))).transpose()?,
        date_of_birth: born.map(|d| d.parse().map_err(|_| bad("date_of_birth", &d))).transpose()?,
        disability: disability
            .map(|d| match d.as_str() {
                "yes" => Ok(true),
                "no" => Ok(false),
                _ => Err(bad("disability", &d)),
            })
            .transpose()?,
        religion: religion.map(|r| Religion::parse(&r).ok_or_else(|| bad("religion", &r))).transpose()?,
    })
}

/// Checks a flag on `staff` before it is written, naming the field.
pub fn check_flag(staff: &Code, flag: &StaffFlag) -> Result<(), StoreError> {
    flag.check(staff).map_err(|e| StoreError::field(e.field, e.to_string()))
}

#[derive(sqlx::FromRow)]
struct FlagRow {
    id: i64,
    staff: String,
    kind: String,
    starts_on: String,
    ends_on: Option<String>,
    raised_by: String,
    recorded_at: Option<String>,
    ended_recorded_at: Option<String>,
}

impl FlagRow {
    fn decode(self) -> Result<RecordedFlag, StoreError> {
        let bad = |what: &str, v: &str| StoreError::Corrupt(format!("staff_flags {}: {what} `{v}`", self.id));
        let id = self.id.to_string();
        Ok(RecordedFlag {
            id: self.id,
            staff: Code::parse(&self.staff).map_err(|_| bad("staff", &self.staff))?,
            flag: StaffFlag {
                kind: FlagKind::parse(&self.kind).ok_or_else(|| bad("kind", &self.kind))?,
                start: self.starts_on.parse().map_err(|_| bad("starts_on", &self.starts_on))?,
                end: self.ends_on.as_deref().map(|d| d.parse().map_err(|_| bad("ends_on", d))).transpose()?,
                raised_by: Code::parse(&self.raised_by).map_err(|_| bad("raised_by", &self.raised_by))?,
            },
            recorded_at: recorded_time("staff_flags", &id, "recorded_at", self.recorded_at.as_deref())?,
            ended_recorded_at: recorded_time(
                "staff_flags",
                &id,
                "ended_recorded_at",
                self.ended_recorded_at.as_deref(),
            )?,
        })
    }
}

const FLAG_COLUMNS: &str = "id, staff, kind, starts_on, ends_on, raised_by, recorded_at, ended_recorded_at";

fn flag_values(staff: &Code, f: &StaffFlag, recorded_at: &str) -> Vec<Value> {
    vec![
        Value::Text(staff.to_string()),
        Value::Text(f.kind.id().to_owned()),
        Value::Text(f.start.to_string()),
        Value::OptText(f.end.map(|d| d.to_string())),
        Value::Text(f.raised_by.to_string()),
        Value::Text(recorded_at.to_owned()),
        Value::OptText(f.end.map(|_| recorded_at.to_owned())),
    ]
}

fn characteristic_values(staff: &Code, c: &StaffCharacteristics, recorded_at: &str) -> Vec<Value> {
    let (gender, ethnicity, born, disability, religion) = characteristic_columns(c);
    vec![
        Value::Text(staff.to_string()),
        Value::OptText(gender),
        Value::OptText(ethnicity),
        Value::OptText(born),
        Value::OptText(disability),
        Value::OptText(religion),
        Value::Text(recorded_at.to_owned()),
    ]
}

fn table_error(e: StaffProcessError) -> StoreError {
    match e {
        StaffProcessError::NotForStaff(_) => StoreError::field("characteristic", e.to_string()),
        StaffProcessError::PeriodBackwards { .. } => StoreError::field("from", e.to_string()),
        StaffProcessError::Counts(e) => StoreError::Corrupt(format!("staff_flags: {e}")),
    }
}

macro_rules! impl_staff_equality_store {
    ($store:ty) => {
        impl StaffEqualityStore for $store {
            async fn set_staff_characteristics(
                &self,
                staff: &Code,
                declared: &StaffCharacteristics,
                recorded_at: Timestamp,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool().begin().await?;
                if !Self::staff_known(&mut *tx, staff).await? {
                    return Err(unknown_staff("staff", staff));
                }
                sqlx::query("DELETE FROM staff_characteristics WHERE staff = $1")
                    .bind(staff.as_str())
                    .execute(&mut *tx)
                    .await?;
                if !declared.is_empty() {
                    let (gender, ethnicity, born, disability, religion) = characteristic_columns(declared);
                    sqlx::query(
                        "INSERT INTO staff_characteristics \
                         (staff, gender, ethnicity, date_of_birth, disability, religion, recorded_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(staff.as_str())
                    .bind(gender)
                    .bind(ethnicity)
                    .bind(born)
                    .bind(disability)
                    .bind(religion)
                    .bind(recorded_text(recorded_at))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn staff_characteristics(&self, staff: &Code) -> Result<StaffCharacteristics, StoreError> {
                Ok(self.staff_declaration(staff).await?.characteristics)
            }

            async fn staff_declaration(&self, staff: &Code) -> Result<StaffDeclaration, StoreError> {
                type Row =
                    (Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);
                if !Self::staff_known(self.pool(), staff).await? {
                    return Err(unknown_staff("staff", staff));
                }
                let row: Option<Row> = sqlx::query_as(
                    "SELECT gender, ethnicity, date_of_birth, disability, religion, recorded_at \
                     FROM staff_characteristics WHERE staff = $1",
                )
                .bind(staff.as_str())
                .fetch_optional(self.pool())
                .await?;
                let Some((gender, ethnicity, born, disability, religion, at)) = row else {
                    return Ok(StaffDeclaration::default());
                };
                Ok(StaffDeclaration {
                    characteristics: decode_characteristics(
                        staff.as_str(),
                        (gender, ethnicity, born, disability, religion),
                    )?,
                    recorded_at: recorded_time("staff_characteristics", staff.as_str(), "recorded_at", at.as_deref())?,
                })
            }

            async fn add_staff_flag(
                &self,
                staff: &Code,
                flag: &StaffFlag,
                recorded_at: Timestamp,
            ) -> Result<i64, StoreError> {
                check_flag(staff, flag)?;
                let mut tx = self.pool().begin().await?;
                if !Self::staff_known(&mut *tx, staff).await? {
                    return Err(unknown_staff("staff", staff));
                }
                if !Self::staff_known(&mut *tx, &flag.raised_by).await? {
                    return Err(unknown_staff("raised_by", &flag.raised_by));
                }
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO staff_flags \
                     (staff, kind, starts_on, ends_on, raised_by, recorded_at, ended_recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(staff.as_str())
                .bind(flag.kind.id())
                .bind(flag.start.to_string())
                .bind(flag.end.map(|d| d.to_string()))
                .bind(flag.raised_by.as_str())
                .bind(recorded_text(recorded_at))
                .bind(flag.end.map(|_| recorded_text(recorded_at)))
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn end_staff_flag(&self, id: i64, on: Date, recorded_at: Timestamp) -> Result<bool, StoreError> {
                let mut tx = self.pool().begin().await?;
                let sql = format!("SELECT {FLAG_COLUMNS} FROM staff_flags WHERE id = $1");
                let row: Option<FlagRow> =
                    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *tx).await?;
                let Some(found) = row.map(FlagRow::decode).transpose()? else {
                    return Ok(false);
                };
                if on < found.flag.start {
                    return Err(StoreError::field(
                        "on",
                        format!("on: flag {id} starts on {}, so it cannot end on {on}", found.flag.start),
                    ));
                }
                sqlx::query("UPDATE staff_flags SET ends_on = $2, ended_recorded_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(on.to_string())
                    .bind(recorded_text(recorded_at))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn staff_flags_for(&self, staff: &[Code]) -> Result<Vec<RecordedFlag>, StoreError> {
                let rows: Vec<FlagRow> =
                    self.rows_for_staff(FLAG_COLUMNS, "staff_flags", "starts_on, id", staff).await?;
                rows.into_iter().map(FlagRow::decode).collect()
            }

            async fn load_staff_equality(
                &self,
                declared: &[(Code, StaffCharacteristics)],
                flags: &[(Code, StaffFlag)],
                recorded_at: Timestamp,
            ) -> Result<(), StoreError> {
                let at = recorded_text(recorded_at);
                for (staff, flag) in flags {
                    check_flag(staff, flag)?;
                }
                let mut tx = self.pool().begin().await?;
                let known: Vec<(String,)> = sqlx::query_as("SELECT code FROM staff").fetch_all(&mut *tx).await?;
                let known: BTreeSet<String> = known.into_iter().map(|(c,)| c).collect();
                let is_known = |c: &Code| known.contains(c.as_str());
                let mut seen = BTreeSet::new();
                for (staff, _) in declared {
                    if !is_known(staff) {
                        return Err(unknown_staff("staff", staff));
                    }
                    if !seen.insert(staff) {
                        return Err(StoreError::field("staff", format!("staff: {staff} is declared twice")));
                    }
                }
                for (staff, flag) in flags {
                    if !is_known(staff) {
                        return Err(unknown_staff("staff", staff));
                    }
                    if !is_known(&flag.raised_by) {
                        return Err(unknown_staff("raised_by", &flag.raised_by));
                    }
                }
                let rows: Vec<Vec<Value>> = declared
                    .iter()
                    .filter(|(_, c)| !c.is_empty())
                    .map(|(staff, c)| characteristic_values(staff, c, &at))
                    .collect();
                if !declared.is_empty() {
                    let codes: Vec<&str> = declared.iter().map(|(s, _)| s.as_str()).collect();
                    for chunk in codes.chunks(500) {
                        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
                        let sql = format!("DELETE FROM staff_characteristics WHERE staff IN ({})", marks.join(", "));
                        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                        for c in chunk {
                            q = q.bind(*c);
                        }
                        q.execute(&mut *tx).await?;
                    }
                }
                Self::insert_rows(
                    &mut *tx,
                    "staff_characteristics",
                    "staff, gender, ethnicity, date_of_birth, disability, religion, recorded_at",
                    7,
                    &rows,
                )
                .await?;
                let rows: Vec<Vec<Value>> = flags.iter().map(|(staff, f)| flag_values(staff, f, &at)).collect();
                Self::insert_rows(
                    &mut *tx,
                    "staff_flags",
                    "staff, kind, starts_on, ends_on, raised_by, recorded_at, ended_recorded_at",
                    7,
                    &rows,
                )
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn staff_disproportionality(
                &self,
                process: FlagKind,
                characteristic: Characteristic,
                period: Period,
                policy: &SuppressionPolicy,
            ) -> Result<StaffProcessTable, StoreError> {
                type Row = (String, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);
                let rows: Vec<Row> = sqlx::query_as(
                    "SELECT s.code, c.gender, c.ethnicity, c.date_of_birth, c.disability, c.religion \
                     FROM staff s LEFT JOIN staff_characteristics c ON c.staff = s.code ORDER BY s.code",
                )
                .fetch_all(self.pool())
                .await?;
                let flags: Vec<(String, String)> =
                    sqlx::query_as("SELECT staff, starts_on FROM staff_flags WHERE kind = $1")
                        .bind(process.id())
                        .fetch_all(self.pool())
                        .await?;
                let mut starts: BTreeMap<String, Vec<Date>> = BTreeMap::new();
                for (staff, start) in flags {
                    let day = start
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("staff_flags {staff}: starts_on `{start}`")))?;
                    starts.entry(staff).or_default().push(day);
                }
                let staff = rows
                    .into_iter()
                    .map(|(code, gender, ethnicity, born, disability, religion)| {
                        let characteristics =
                            decode_characteristics(&code, (gender, ethnicity, born, disability, religion))?;
                        Ok(StaffMember { characteristics, flag_starts: starts.remove(&code).unwrap_or_default() })
                    })
                    .collect::<Result<Vec<_>, StoreError>>()?;
                staff_process_rates(process, &staff, characteristic, period, policy).map_err(table_error)
            }
        }
    };
}

impl_staff_equality_store!(SqliteStore);
impl_staff_equality_store!(PostgresStore);
