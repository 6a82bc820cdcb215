//! The tables of record besides the case log and the organisation, copied whole for a backup
//! (`services::transfer`): users, limited access, grants, the read audit, inspections, staff
//! workload and equality records, and the unpaid work schedule.
//!
//! A table is copied as rows of cells, each cell the value's text or `None` for NULL, so one
//! generic reader and writer serves every table on both engines. Rows are read in primary-key
//! order by byte (PostgreSQL's "C" collation, SQLite's BINARY), so both engines give the same
//! rows in the same order. Ids are copied as they are; on PostgreSQL each serial id's sequence
//! is moved past the largest restored id (SQLite's AUTOINCREMENT follows inserted ids itself).
//!
//! Not copied: projections, which a restore rebuilds from the log (case_summary, caseload,
//! streams, search_keys, mi_*, access_generation, caseload_versions), and what is only
//! passing state (sessions, failed_sign_ins): after a restore everyone signs in again.

use crate::codec::LoadCase;
use crate::db::{PostgresStore, SqliteStore, Value};
use crate::{CaseStore, StoreError};
use domain::org::Organisation;
use sqlx::AssertSqlSafe;
use std::future::Future;

/// How a column's value is held and written as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A whole number, written in decimal.
    Int,
    /// `true` or `false`.
    Bool,
    /// A finite double, written as Rust writes it (the shortest text that reads back as the
    /// same number).
    Real,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    pub nullable: bool,
}

/// A table copied by a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [Column],
    /// The columns rows are ordered by: the primary key, or every column when there is none.
    pub order: &'static [&'static str],
    /// Whether `id` is a serial (its sequence is reset after a restore on PostgreSQL).
    pub serial_id: bool,
}

/// A cell: the value as text ([`Kind`] says how), `None` for NULL.
pub type Cell = Option<String>;

/// Some rows of one table, for [`BackupStore::restore`].
#[derive(Debug, Clone, PartialEq)]
pub struct TableRows {
    pub table: &'static Table,
    pub rows: Vec<Vec<Cell>>,
}

const fn text(name: &'static str) -> Column {
    Column { name, kind: Kind::Text, nullable: false }
}
const fn opt_text(name: &'static str) -> Column {
    Column { name, kind: Kind::Text, nullable: true }
}
const fn int(name: &'static str) -> Column {
    Column { name, kind: Kind::Int, nullable: false }
}
const fn opt_int(name: &'static str) -> Column {
    Column { name, kind: Kind::Int, nullable: true }
}
const fn boolean(name: &'static str) -> Column {
    Column { name, kind: Kind::Bool, nullable: false }
}
const fn opt_real(name: &'static str) -> Column {
    Column { name, kind: Kind::Real, nullable: true }
}

const fn table(name: &'static str, columns: &'static [Column], order: &'static [&'static str]) -> Table {
    Table { name, columns, order, serial_id: false }
}
const fn serial(name: &'static str, columns: &'static [Column]) -> Table {
    Table { name, columns, order: &["id"], serial_id: true }
}

/// Every table a backup copies, in an order that restores each after the ones it refers to.
pub const TABLES: &[Table] = &[
    table(
        "users",
        &[
            text("username"),
            text("password_hash"),
            text("role"),
            text("scope_kind"),
            opt_text("scope_code"),
            opt_text("officer"),
            boolean("disabled"),
            text("created_at"),
        ],
        &["username"],
    ),
    serial(
        "limited_access",
        &[
            int("id"),
            text("crn"),
            text("kind"),
            text("username"),
            text("starts_on"),
            opt_text("ends_on"),
            text("reason"),
            text("added_by"),
            text("added_at"),
        ],
    ),
    table("case_grants", &[text("username"), text("crn")], &["username", "crn"]),
    table(
        "case_reads",
        &[text("crn"), text("username"), text("at"), text("route")],
        &["crn", "at", "username", "route"],
    ),
    table(
        "inspections",
        &[
            text("id"),
            text("announced_on"),
            text("fieldwork_on"),
            text("scheme"),
            int("seed"),
            text("sample_json"),
            text("created_at"),
            text("created_by"),
        ],
        &["id"],
    ),
    table(
        "inspection_cases",
        &[text("inspection"), text("crn"), text("stratum"), int("position")],
        &["inspection", "crn"],
    ),
    table(
        "inspection_answers",
        &[
            text("inspection"),
            text("crn"),
            text("question"),
            int("seq"),
            text("answer"),
            opt_text("note"),
            text("answered_by"),
            text("answered_at"),
        ],
        &["inspection", "crn", "question", "seq"],
    ),
    table(
        "inspection_narrative",
        &[
            text("inspection"),
            int("entry"),
            int("version"),
            text("kind"),
            opt_text("crn"),
            opt_text("question"),
            text("body"),
            text("written_by"),
            text("written_at"),
        ],
        &["inspection", "entry", "version"],
    ),
    serial(
        "staff_reductions",
        &[
            int("id"),
            text("staff"),
            text("kind"),
            opt_int("percent"),
            text("starts_on"),
            opt_text("ends_on"),
            opt_text("recorded_at"),
            opt_text("ended_recorded_at"),
        ],
    ),
    serial(
        "staff_reports",
        &[
            int("id"),
            text("staff"),
            text("kind"),
            opt_text("crn"),
            text("requested_on"),
            opt_text("due_on"),
            opt_text("completed_on"),
            opt_text("recorded_at"),
            opt_text("completed_recorded_at"),
        ],
    ),
    table(
        "staff_characteristics",
        &[
            text("staff"),
            opt_text("gender"),
            opt_text("ethnicity"),
            opt_text("date_of_birth"),
            opt_text("disability"),
            opt_text("religion"),
            opt_text("recorded_at"),
        ],
        &["staff"],
    ),
    serial(
        "staff_flags",
        &[
            int("id"),
            text("staff"),
            text("kind"),
            text("starts_on"),
            opt_text("ends_on"),
            text("raised_by"),
            opt_text("recorded_at"),
            opt_text("ended_recorded_at"),
        ],
    ),
    table("upw_supervisors", &[text("code"), text("name"), text("phone"), text("days")], &["code"]),
    table("upw_supervisor_absences", &[text("supervisor"), text("on_date")], &["supervisor", "on_date"]),
    table(
        "upw_projects",
        &[
            text("code"),
            text("name"),
            text("kind"),
            text("borough"),
            text("meeting_point"),
            text("directions"),
            text("days"),
            text("supervisor"),
            int("capacity"),
            boolean("women_only"),
            boolean("accessible"),
            boolean("ete"),
            opt_real("latitude"),
            opt_real("longitude"),
        ],
        &["code"],
    ),
    table(
        "upw_sessions",
        &[
            text("id"),
            text("project"),
            text("supervisor"),
            text("starts_at"),
            text("ends_at"),
            int("capacity"),
            int("booked"),
        ],
        &["id"],
    ),
    table(
        "upw_allocations",
        &[text("session"), text("crn"), text("appointment"), text("on_date"), text("recurrence")],
        &["session", "crn"],
    ),
    table(
        "upw_stand_downs",
        &[text("session"), text("crn"), text("appointment"), text("on_date"), text("notice"), int("credited_minutes")],
        &["session", "crn"],
    ),
];

/// Every other table of the schema, and why a backup leaves it out.
pub const NOT_COPIED: &[(&str, &str)] = &[
    ("events", "the case log: exported and loaded as events.csv"),
    ("areas", "the organisation: areas.csv"),
    ("boroughs", "the organisation: boroughs.csv"),
    ("offices", "the organisation: offices.csv"),
    ("teams", "the organisation: teams.csv"),
    ("staff", "the organisation: staff.csv"),
    ("streams", "projection of the log"),
    ("case_summary", "projection of the log"),
    ("caseload", "projection of the log"),
    ("workload_cases", "projection of the log"),
    ("search_keys", "projection of the log"),
    ("mi_facts", "projection of the log"),
    ("mi_monthly", "projection of the log"),
    ("mi_monthly_team", "projection of the log"),
    ("mi_monthly_provider", "projection of the log"),
    ("mi_reoffending", "projection of the log"),
    ("mi_reoffending_sums", "projection of the log"),
    ("mi_outcomes", "projection of the log"),
    ("caseload_versions", "kept by triggers on case_summary"),
    ("access_generation", "kept by triggers on the organisation, limited access and grants"),
    ("sessions", "passing state: everyone signs in again after a restore"),
    ("failed_sign_ins", "passing state: the count of recent failures starts again"),
];

impl Column {
    /// Checks a cell against the column: `Err` says what is wrong with it.
    pub fn check(&self, cell: &Cell) -> Result<(), String> {
        self.value(cell).map(|_| ())
    }

    pub(crate) fn value(&self, cell: &Cell) -> Result<Value, String> {
        let Some(s) = cell else {
            return if self.nullable { Ok(Value::Null) } else { Err("must have a value (it is empty)".into()) };
        };
        match self.kind {
            Kind::Text => Ok(Value::Text(s.clone())),
            Kind::Int => s.parse().map(Value::Int).map_err(|_| format!("`{s}` is not a whole number")),
            Kind::Bool => match s.as_str() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(format!("`{s}` is not true or false")),
            },
            // SQLite would store a NaN as NULL, so only finite numbers are taken.
            Kind::Real => match s.parse::<f64>() {
                Ok(f) if f.is_finite() && f.to_string() == *s => Ok(Value::Real(f)),
                _ => Err(format!("`{s}` is not a number as an export writes it")),
            },
        }
    }
}

impl Table {
    pub fn column_names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }

    /// The SELECT of every row, in order. Whole numbers are read as 64-bit on both engines
    /// (`percent` is a 32-bit INTEGER on PostgreSQL); `collate` orders text by byte.
    pub(crate) fn select_sql(&self, collate: &str) -> String {
        let columns: Vec<String> = self
            .columns
            .iter()
            .map(|c| match c.kind {
                Kind::Int => format!("CAST({} AS BIGINT)", c.name),
                _ => c.name.to_owned(),
            })
            .collect();
        let order: Vec<String> = self
            .order
            .iter()
            .map(|o| {
                let kind = self.columns.iter().find(|c| c.name == *o).map(|c| c.kind);
                if kind == Some(Kind::Text) { format!("{o}{collate}") } else { (*o).to_owned() }
            })
            .collect();
        format!("SELECT {} FROM {} ORDER BY {}", columns.join(", "), self.name, order.join(", "))
    }

    pub(crate) fn values(&self, rows: &[Vec<Cell>]) -> Result<Vec<Vec<Value>>, StoreError> {
        rows.iter()
            .enumerate()
            .map(|(i, row)| {
                if row.len() != self.columns.len() {
                    return Err(StoreError::Invalid(format!(
                        "{}: row {} has {} cells, not {}",
                        self.name,
                        i + 1,
                        row.len(),
                        self.columns.len()
                    )));
                }
                self.columns
                    .iter()
                    .zip(row)
                    .map(|(c, cell)| {
                        c.value(cell).map_err(|p| StoreError::Invalid(format!("{}.{}: {p}", self.name, c.name)))
                    })
                    .collect()
            })
            .collect()
    }
}

/// An error of a restore, with the table whose rows it came from when it came from one.
#[derive(Debug, thiserror::Error)]
#[error("{}{source}", table.map(|t| format!("{t}: ")).unwrap_or_default())]
pub struct RestoreError {
    pub table: Option<&'static str>,
    #[source]
    pub source: StoreError,
}

impl From<StoreError> for RestoreError {
    fn from(source: StoreError) -> Self {
        Self { table: None, source }
    }
}

impl From<sqlx::Error> for RestoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::from(e).into()
    }
}

/// Reading and restoring the tables of [`TABLES`].
pub trait BackupStore: CaseStore {
    /// Every row of `table` in order, passed to `sink` one at a time. Returns the count.
    fn export_table(
        &self,
        table: &'static Table,
        sink: &mut (dyn FnMut(Vec<Cell>) -> Result<(), StoreError> + Send),
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Loads an organisation, the rows of the tables of [`TABLES`] and whole cases into an
    /// empty store in ONE transaction: all of it lands or none of it does. Every table of
    /// [`TABLES`] must be empty too, since the backup's rows replace them whole. `tables`
    /// yields batches of rows, each table's after those of the tables before it.
    fn restore<T, I>(
        &self,
        org: &Organisation,
        tables: T,
        cases: I,
        progress: &(dyn Fn(u64) + Sync),
    ) -> impl Future<Output = Result<u64, RestoreError>> + Send
    where
        T: Iterator<Item = Result<TableRows, StoreError>> + Send,
        I: Iterator<Item = Result<Vec<LoadCase>, StoreError>> + Send;
}

impl SqliteStore {
    /// AUTOINCREMENT already counts from the largest id inserted.
    pub(crate) async fn reset_sequence(_conn: &mut sqlx::SqliteConnection, _table: &Table) -> Result<(), StoreError> {
        Ok(())
    }
}

impl PostgresStore {
    /// Moves a serial id's sequence past the largest id, so the next row added gets a new one.
    pub(crate) async fn reset_sequence(conn: &mut sqlx::PgConnection, table: &Table) -> Result<(), StoreError> {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false)",
            t = table.name
        );
        sqlx::query(AssertSqlSafe(sql)).execute(&mut *conn).await?;
        Ok(())
    }
}
