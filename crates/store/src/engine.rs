//! The two engines. The SQL is written once (in `impl_case_store!`) and compiled for each
//! engine's driver; only connecting and bulk loading differ.

use crate::backup::{RestoreError, TABLES, TableRows};
use crate::codec::{
    EVENT_COLUMNS, EventRow, LoadCase, SUMMARY_COLUMNS, SummaryRow, timestamp_text, to_stored_precision,
};
use crate::corrupt;
use crate::{CaseStore, CheckReport, Engine, StoreError};
use domain::case::{CaseState, uk_date};
use domain::event::{NewEvent, RecordedEvent};
use domain::ids::{Code, Crn, Name};
use domain::org::{Area, Borough, ContractedHours, Office, Organisation, Staff, Team};
use domain::projection::{CaseSummary, caseload_counts};
use futures_util::TryStreamExt;
use sqlx::AssertSqlSafe;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The embedded default: one SQLite file in WAL mode.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    readers: Arc<DirectReaders>,
}

/// Read-only connections of the store's own to its file, for a point read that every request
/// makes (the session check). sqlx runs each SQLite statement on a connection thread of its
/// own, and handing the statement over and the row back cost more than the read itself (a
/// futex wake each way; a sixth of a caseload page under load). These run the read on the
/// calling thread instead: tens of microseconds on pages in memory. WAL lets them read beside
/// sqlx's writer, and each read sees every append committed before it began.
#[derive(Debug)]
struct DirectReaders {
    path: std::path::PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

/// How many idle read connections are kept; more are opened when more requests read at once.
const DIRECT_READERS_KEPT: usize = 8;

impl DirectReaders {
    fn open(&self) -> Result<rusqlite::Connection, StoreError> {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let db = rusqlite::Connection::open_with_flags(&self.path, flags)?;
        db.busy_timeout(Duration::from_secs(30))?;
        Ok(db)
    }
}

impl SqliteStore {
    /// Runs `read` on one of the store's direct read connections ([`DirectReaders`]).
    pub(crate) fn direct_read<T>(
        &self,
        read: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let kept = self.readers.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let db = match kept {
            Some(db) => db,
            None => self.readers.open()?,
        };
        let out = read(&db)?;
        let mut idle = self.readers.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < DIRECT_READERS_KEPT {
            idle.push(db);
        }
        Ok(out)
    }
}

/// PostgreSQL, for a national deployment.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
}

impl SqliteStore {
    /// Opens (creating if needed) the store in a file and brings its schema up to date.
    pub async fn open(path: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a committed append survives a killed process and a power cut.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true)
            // 64 MiB of pages per connection (the default is 2 MiB): at national scale a
            // caseload's summaries sit on pages all over the file, and re-reading them from
            // the operating system was a fifth of a caseload page's cost.
            .pragma("cache_size", "-65536");
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        let readers = Arc::new(DirectReaders { path: path.into(), idle: Mutex::new(Vec::new()) });
        let store = Self { pool, readers };
        store.fill_search_keys().await?;
        Ok(store)
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// SQLite takes at most 32,766 parameters a statement; 200 rows of 18 columns is safe.
    pub(crate) async fn insert_rows(
        conn: &mut sqlx::SqliteConnection,
        table: &str,
        columns: &str,
        width: usize,
        rows: &[Vec<Value>],
    ) -> Result<(), StoreError> {
        for chunk in rows.chunks(200) {
            let mut sql = format!("INSERT INTO {table} ({columns}) VALUES ");
            let mut n = 0;
            for (i, _) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push('(');
                for j in 0..width {
                    if j > 0 {
                        sql.push(',');
                    }
                    n += 1;
                    sql.push_str(&format!("${n}"));
                }
                sql.push(')');
            }
            let mut q = sqlx::query(AssertSqlSafe(sql.as_str()));
            for row in chunk {
                for v in row {
                    q = match v {
                        Value::Text(s) => q.bind(s.as_str()),
                        Value::OptText(s) => q.bind(s.as_deref()),
                        Value::Int(i) => q.bind(*i),
                        Value::Real(f) => q.bind(*f),
                        Value::Bool(b) => q.bind(*b),
                        Value::Null => q.bind(None::<String>),
                    };
                }
            }
            q.execute(&mut *conn).await?;
        }
        Ok(())
    }
}

impl PostgresStore {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new().max_connections(16).connect(url).await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        let store = Self { pool };
        store.fill_search_keys().await?;
        Ok(store)
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Bulk rows go through COPY, PostgreSQL's own loader.
    pub(crate) async fn insert_rows(
        conn: &mut sqlx::PgConnection,
        table: &str,
        columns: &str,
        _width: usize,
        rows: &[Vec<Value>],
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut copy = conn.copy_in_raw(&format!("COPY {table} ({columns}) FROM STDIN (FORMAT csv)")).await?;
        let mut buf = String::with_capacity(1 << 20);
        for row in rows {
            for (j, v) in row.iter().enumerate() {
                if j > 0 {
                    buf.push(',');
                }
                match v {
                    Value::Text(s) => csv_quote(&mut buf, s),
                    Value::OptText(Some(s)) => csv_quote(&mut buf, s),
                    Value::OptText(None) | Value::Null => {}
                    Value::Int(i) => buf.push_str(&i.to_string()),
                    Value::Real(f) => buf.push_str(&f.to_string()),
                    Value::Bool(b) => buf.push_str(if *b { "t" } else { "f" }),
                }
            }
            buf.push('\n');
            if buf.len() > (1 << 20) {
                copy.send(buf.as_bytes()).await?;
                buf.clear();
            }
        }
        if !buf.is_empty() {
            copy.send(buf.as_bytes()).await?;
        }
        copy.finish().await?;
        Ok(())
    }
}

/// In CSV for COPY, an empty unquoted field is NULL and a quoted one is an empty string.
fn csv_quote(buf: &mut String, s: &str) {
    buf.push('"');
    for c in s.chars() {
        if c == '"' {
            buf.push('"');
        }
        buf.push(c);
    }
    buf.push('"');
}

/// A column value for bulk loading.
pub(crate) enum Value {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    Real(f64),
    Bool(bool),
    Null,
}

fn event_values(r: &EventRow) -> Vec<Value> {
    vec![
        Value::Text(r.crn.clone()),
        Value::Int(r.seq),
        Value::Text(r.event_type.clone()),
        Value::Int(r.schema_version),
        Value::Text(r.occurred_at.clone()),
        Value::Text(r.recorded_at.clone()),
        Value::Text(r.recorded_by.clone()),
        Value::Text(r.payload.clone()),
    ]
}

fn summary_values(s: &CaseSummary) -> Vec<Value> {
    let r = SummaryRow::from_summary(s);
    vec![
        Value::Text(r.crn),
        Value::Text(r.first_name),
        Value::Text(r.family_name),
        Value::Text(r.date_of_birth),
        Value::Text(r.gender),
        Value::OptText(r.officer),
        Value::OptText(r.team),
        Value::Bool(r.active),
        Value::OptText(r.sentence_kind),
        Value::OptText(r.sentence_end),
        Value::OptText(r.released_on),
        Value::OptText(r.licence_end),
        Value::OptText(r.rosh),
        Value::OptText(r.next_appointment),
        Value::OptText(r.last_face_to_face),
        Value::OptText(r.contact_due_by),
        Value::Int(r.officer_count),
        Value::OptText(r.legacy_tier),
        Value::OptText(r.v3_tier),
        Value::Bool(r.tier_provisional),
        Value::Int(r.version),
    ]
}

fn org_tables(org: &Organisation) -> Vec<(&'static str, &'static str, usize, Vec<Vec<Value>>)> {
    let t = |s: &dyn ToString| Value::Text(s.to_string());
    vec![
        ("areas", "code, name", 2, org.areas.iter().map(|a| vec![t(&a.code), t(&a.name)]).collect()),
        (
            "boroughs",
            "code, area, name",
            3,
            org.boroughs.iter().map(|b| vec![t(&b.code), t(&b.area), t(&b.name)]).collect(),
        ),
        (
            "offices",
            "code, borough, name",
            3,
            org.offices.iter().map(|o| vec![t(&o.code), t(&o.borough), t(&o.name)]).collect(),
        ),
        (
            "teams",
            "code, office, name",
            3,
            org.teams.iter().map(|x| vec![t(&x.code), t(&x.office), t(&x.name)]).collect(),
        ),
        (
            "staff",
            "code, team, name, grade, contracted_hours, employment, specialisms",
            7,
            org.staff
                .iter()
                .map(|s| {
                    vec![
                        t(&s.code),
                        t(&s.team),
                        t(&s.name),
                        Value::Text(crate::codec::enum_text(&s.grade)),
                        Value::Real(s.contracted_hours.get()),
                        Value::Text(crate::codec::enum_text(&s.employment)),
                        Value::Text(s.specialisms.iter().map(crate::codec::enum_text).collect::<Vec<_>>().join(";")),
                    ]
                })
                .collect(),
        ),
    ]
}

fn code(s: &str) -> Result<Code, StoreError> {
    Code::parse(s).map_err(|e| corrupt("code", e))
}

fn name(s: &str) -> Result<Name, StoreError> {
    Name::parse(s).map_err(|e| corrupt("name", e))
}

/// Folds every stream in the log, in (crn, seq) order, into what the projections should be.
struct Expected {
    summaries: BTreeMap<Crn, (CaseSummary, u64)>,
    events: u64,
}

impl Expected {
    fn new() -> Self {
        Self { summaries: BTreeMap::new(), events: 0 }
    }

    fn finish_stream(&mut self, crn: Crn, events: &[RecordedEvent]) -> Result<(), StoreError> {
        let state = CaseState::fold(crn.clone(), events).map_err(|r| corrupt(&format!("stream {crn}"), r))?;
        if let Some(s) = CaseSummary::from_state(&state) {
            self.summaries.insert(crn, (s, state.version));
        }
        Ok(())
    }
}

macro_rules! impl_case_store {
    ($store:ty, $engine:expr) => {
        impl $store {
            async fn fold_log(&self) -> Result<Expected, StoreError> {
                let mut expected = Expected::new();
                let mut current: Option<Crn> = None;
                let mut events: Vec<RecordedEvent> = Vec::new();
                let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY crn, seq");
                let mut rows = sqlx::query_as::<_, EventRow>(AssertSqlSafe(sql.as_str())).fetch(&self.pool);
                while let Some(row) = rows.try_next().await? {
                    let e = row.decode().map_err(|(c, p)| corrupt(&format!("event {}#{} {c}", row.crn, row.seq), p))?;
                    if current.as_ref() != Some(&e.crn) {
                        if let Some(c) = current.take() {
                            expected.finish_stream(c, &events)?;
                        }
                        events.clear();
                        current = Some(e.crn.clone());
                    }
                    if e.seq != events.len() as u64 + 1 {
                        return Err(corrupt(&format!("stream {}", e.crn), format!("sequence gap before {}", e.seq)));
                    }
                    expected.events += 1;
                    events.push(e);
                }
                if let Some(c) = current.take() {
                    expected.finish_stream(c, &events)?;
                }
                Ok(expected)
            }

            /// `bulk_load`, and with `tables` a backup's restore ([`crate::backup`]): the
            /// organisation, then the tables' rows, then the cases, in one transaction.
            pub(crate) async fn load_all<T, I>(
                &self,
                org: &Organisation,
                tables: Option<T>,
                cases: I,
                progress: &(dyn Fn(u64) + Sync),
            ) -> Result<u64, RestoreError>
            where
                T: Iterator<Item = Result<TableRows, StoreError>> + Send,
                I: Iterator<Item = Result<Vec<LoadCase>, StoreError>> + Send,
            {
                org.validate().map_err(|e| StoreError::Invalid(e.to_string()))?;
                if !self.is_empty().await? {
                    return Err(StoreError::NotEmpty.into());
                }
                if tables.is_some() {
                    // A backup's tables replace the store's whole, so they must start empty.
                    for t in TABLES {
                        let sql = format!("SELECT COUNT(*) FROM (SELECT 1 FROM {} LIMIT 1) t", t.name);
                        let n: i64 = sqlx::query_scalar(AssertSqlSafe(sql)).fetch_one(&self.pool).await?;
                        if n > 0 {
                            return Err(StoreError::NotEmpty.into());
                        }
                    }
                }
                let mut tx = self.pool.begin().await?;
                for (table, columns, width, rows) in org_tables(org) {
                    Self::insert_rows(&mut tx, table, columns, width, &rows).await?;
                }
                for batch in tables.into_iter().flatten() {
                    let batch = batch?;
                    let t = batch.table;
                    let in_table = |source| RestoreError { table: Some(t.name), source };
                    let values = t.values(&batch.rows).map_err(in_table)?;
                    let columns = t.column_names().join(", ");
                    Self::insert_rows(&mut tx, t.name, &columns, t.columns.len(), &values).await.map_err(in_table)?;
                }
                let mut counts: BTreeMap<Code, u64> = BTreeMap::new();
                let mut loaded = 0u64;
                for batch in cases {
                    let batch = batch?;
                    let mut events = Vec::new();
                    let mut summaries = Vec::new();
                    let mut streams = Vec::new();
                    for case in &batch {
                        let Some(first) = case.rows.first() else { continue };
                        streams.push(vec![Value::Text(first.crn.clone()), Value::Int(case.version as i64)]);
                        events.extend(case.rows.iter().map(event_values));
                        if let Some(s) = &case.summary {
                            if let Some(o) = s.caseload_officer() {
                                *counts.entry(o.clone()).or_insert(0) += 1;
                            }
                            summaries.push(summary_values(s));
                        }
                    }
                    Self::insert_rows(&mut tx, "events", EVENT_COLUMNS, 8, &events).await?;
                    Self::insert_rows(&mut tx, "streams", "crn, version", 2, &streams).await?;
                    Self::insert_rows(&mut tx, "case_summary", SUMMARY_COLUMNS, 21, &summaries).await?;
                    let summarised = batch.iter().filter(|c| !c.rows.is_empty()).filter_map(|c| c.summary.as_ref());
                    Self::load_search_keys(&mut tx, summarised).await?;
                    Self::mi_load(&mut tx, &batch).await?;
                    Self::outcomes_load(&mut tx, &batch).await?;
                    loaded += batch.len() as u64;
                    progress(loaded);
                }
                let caseload: Vec<Vec<Value>> = counts.iter().map(|(o, n)| vec![Value::Text(o.to_string()), Value::Int(*n as i64)]).collect();
                Self::insert_rows(&mut tx, "caseload", "officer, active_cases", 2, &caseload).await?;
                for t in TABLES.iter().filter(|t| t.serial_id) {
                    Self::reset_sequence(&mut tx, t).await.map_err(|source| RestoreError { table: Some(t.name), source })?;
                }
                tx.commit().await?;
                Ok(loaded)
            }
        }

        impl CaseStore for $store {
            fn engine(&self) -> Engine {
                $engine
            }

            async fn append(&self, crn: &Crn, expected_version: u64, events: &[NewEvent]) -> Result<u64, StoreError> {
                if events.is_empty() {
                    return Err(StoreError::field("events", "events: at least one event is needed"));
                }
                let new_version = expected_version + events.len() as u64;
                let mut tx = self.pool.begin().await?;
                // Claim the stream first. This write takes the lock, so a concurrent writer
                // waits here, then finds the version moved on and gets a conflict.
                let claimed = if expected_version == 0 {
                    sqlx::query("INSERT INTO streams (crn, version) VALUES ($1, $2) ON CONFLICT (crn) DO NOTHING")
                        .bind(crn.as_str())
                        .bind(new_version as i64)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                } else {
                    sqlx::query("UPDATE streams SET version = $1 WHERE crn = $2 AND version = $3")
                        .bind(new_version as i64)
                        .bind(crn.as_str())
                        .bind(expected_version as i64)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                };
                if claimed == 0 {
                    drop(tx);
                    let actual: Option<i64> = sqlx::query_scalar("SELECT version FROM streams WHERE crn = $1")
                        .bind(crn.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                    return Err(StoreError::Conflict { crn: crn.clone(), expected: expected_version, actual: actual.unwrap_or(0) as u64 });
                }
                let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE crn = $1 ORDER BY seq");
                let rows: Vec<EventRow> = sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(crn.as_str()).fetch_all(&mut *tx).await?;
                let past: Vec<RecordedEvent> = rows
                    .iter()
                    .map(|r| r.decode().map_err(|(c, p)| corrupt(&format!("event {}#{} {c}", r.crn, r.seq), p)))
                    .collect::<Result<_, _>>()?;
                let mut state = CaseState::fold(crn.clone(), &past).map_err(|r| corrupt(&format!("stream {crn}"), r))?;
                let before = CaseSummary::from_state(&state);
                let recorded_at = to_stored_precision(jiff::Timestamp::now());
                let insert = format!("INSERT INTO events ({EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
                for (i, e) in events.iter().enumerate() {
                    let occurred_at = to_stored_precision(e.occurred_at);
                    state
                        .apply(&e.event, uk_date(occurred_at))
                        .map_err(|r| StoreError::Rejected { index: i, field: r.field, problem: r.problem })?;
                    let seq = expected_version + 1 + i as u64;
                    sqlx::query(AssertSqlSafe(insert.as_str()))
                        .bind(crn.as_str())
                        .bind(seq as i64)
                        .bind(e.event.event_type())
                        .bind(i64::from(e.event.schema_version()))
                        .bind(timestamp_text(occurred_at))
                        .bind(timestamp_text(recorded_at))
                        .bind(e.recorded_by.as_str())
                        .bind(e.event.encode())
                        .execute(&mut *tx)
                        .await?;
                }
                let after = CaseSummary::from_state(&state);
                if let Some(s) = &after {
                    let r = SummaryRow::from_summary(s);
                    let upsert = format!(
                        "INSERT INTO case_summary ({SUMMARY_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21) \
                         ON CONFLICT (crn) DO UPDATE SET first_name = excluded.first_name, family_name = excluded.family_name, \
                         date_of_birth = excluded.date_of_birth, gender = excluded.gender, officer = excluded.officer, team = excluded.team, \
                         active = excluded.active, sentence_kind = excluded.sentence_kind, sentence_end = excluded.sentence_end, \
                         released_on = excluded.released_on, licence_end = excluded.licence_end, rosh = excluded.rosh, \
                         next_appointment = excluded.next_appointment, last_face_to_face = excluded.last_face_to_face, \
                         contact_due_by = excluded.contact_due_by, officer_count = excluded.officer_count, \
                         legacy_tier = excluded.legacy_tier, v3_tier = excluded.v3_tier, \
                         tier_provisional = excluded.tier_provisional, version = excluded.version"
                    );
                    sqlx::query(AssertSqlSafe(upsert.as_str()))
                        .bind(r.crn)
                        .bind(r.first_name)
                        .bind(r.family_name)
                        .bind(r.date_of_birth)
                        .bind(r.gender)
                        .bind(r.officer)
                        .bind(r.team)
                        .bind(r.active)
                        .bind(r.sentence_kind)
                        .bind(r.sentence_end)
                        .bind(r.released_on)
                        .bind(r.licence_end)
                        .bind(r.rosh)
                        .bind(r.next_appointment)
                        .bind(r.last_face_to_face)
                        .bind(r.contact_due_by)
                        .bind(r.officer_count)
                        .bind(r.legacy_tier)
                        .bind(r.v3_tier)
                        .bind(r.tier_provisional)
                        .bind(r.version)
                        .execute(&mut *tx)
                        .await?;
                    Self::put_search_key(&mut tx, crn, &s.family_name).await?;
                }
                // The caseload projection moves by deltas; `check` proves they add up.
                let old_officer = before.as_ref().and_then(|s| s.caseload_officer().cloned());
                let new_officer = after.as_ref().and_then(|s| s.caseload_officer().cloned());
                if old_officer != new_officer {
                    for (officer, delta) in [(old_officer, -1i64), (new_officer, 1i64)] {
                        let Some(officer) = officer else { continue };
                        sqlx::query(
                            "INSERT INTO caseload (officer, active_cases) VALUES ($1, $2) \
                             ON CONFLICT (officer) DO UPDATE SET active_cases = caseload.active_cases + excluded.active_cases",
                        )
                        .bind(officer.as_str())
                        .bind(delta)
                        .execute(&mut *tx)
                        .await?;
                        sqlx::query("DELETE FROM caseload WHERE officer = $1 AND active_cases = 0")
                            .bind(officer.as_str())
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                Self::mi_replace_case(&mut tx, crn, &past, events).await?;
                Self::outcomes_replace_case(&mut tx, crn, &past, events).await?;
                tx.commit().await?;
                Ok(new_version)
            }

            async fn stream(&self, crn: &Crn) -> Result<Vec<RecordedEvent>, StoreError> {
                let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE crn = $1 ORDER BY seq");
                let rows: Vec<EventRow> = sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(crn.as_str()).fetch_all(&self.pool).await?;
                rows.iter()
                    .map(|r| r.decode().map_err(|(c, p)| corrupt(&format!("event {}#{} {c}", r.crn, r.seq), p)))
                    .collect()
            }

            async fn summary(&self, crn: &Crn) -> Result<Option<CaseSummary>, StoreError> {
                let sql = format!("SELECT {SUMMARY_COLUMNS} FROM case_summary WHERE crn = $1");
                let row: Option<SummaryRow> = sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(crn.as_str()).fetch_optional(&self.pool).await?;
                row.map(|r| r.to_summary()).transpose()
            }

            async fn caseload(&self, officer: &Code) -> Result<Vec<CaseSummary>, StoreError> {
                let sql = format!(
                    "SELECT {SUMMARY_COLUMNS} FROM case_summary WHERE officer = $1 AND active ORDER BY family_name, first_name, crn"
                );
                let rows: Vec<SummaryRow> = sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(officer.as_str()).fetch_all(&self.pool).await?;
                rows.iter().map(SummaryRow::to_summary).collect()
            }

            async fn caseload_version(&self, officer: &Code) -> Result<i64, StoreError> {
                let version: Option<i64> = sqlx::query_scalar("SELECT version FROM caseload_versions WHERE officer = $1")
                    .bind(officer.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(version.unwrap_or(0))
            }

            async fn caseload_counts(&self) -> Result<BTreeMap<Code, u64>, StoreError> {
                let rows: Vec<(String, i64)> =
                    sqlx::query_as("SELECT officer, active_cases FROM caseload ORDER BY officer").fetch_all(&self.pool).await?;
                rows.into_iter().map(|(o, n)| Ok((code(&o)?, n.max(0) as u64))).collect()
            }

            async fn all_summaries(&self) -> Result<Vec<CaseSummary>, StoreError> {
                let sql = format!("SELECT {SUMMARY_COLUMNS} FROM case_summary ORDER BY crn");
                let rows: Vec<SummaryRow> = sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(&self.pool).await?;
                rows.iter().map(SummaryRow::to_summary).collect()
            }

            async fn unallocated(&self) -> Result<Vec<CaseSummary>, StoreError> {
                let sql = format!("SELECT {SUMMARY_COLUMNS} FROM case_summary WHERE officer IS NULL AND active ORDER BY crn");
                let rows: Vec<SummaryRow> = sqlx::query_as(AssertSqlSafe(sql.as_str())).fetch_all(&self.pool).await?;
                rows.iter().map(SummaryRow::to_summary).collect()
            }

            async fn organisation(&self) -> Result<Organisation, StoreError> {
                let areas: Vec<(String, String)> = sqlx::query_as("SELECT code, name FROM areas ORDER BY code").fetch_all(&self.pool).await?;
                let boroughs: Vec<(String, String, String)> =
                    sqlx::query_as("SELECT code, area, name FROM boroughs ORDER BY code").fetch_all(&self.pool).await?;
                let offices: Vec<(String, String, String)> =
                    sqlx::query_as("SELECT code, borough, name FROM offices ORDER BY code").fetch_all(&self.pool).await?;
                let teams: Vec<(String, String, String)> =
                    sqlx::query_as("SELECT code, office, name FROM teams ORDER BY code").fetch_all(&self.pool).await?;
                let staff: Vec<(String, String, String, String, f64, String, String)> = sqlx::query_as(
                    "SELECT code, team, name, grade, contracted_hours, employment, specialisms FROM staff ORDER BY code",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(Organisation {
                    areas: areas.iter().map(|(c, n)| Ok(Area { code: code(c)?, name: name(n)? })).collect::<Result<_, StoreError>>()?,
                    boroughs: boroughs
                        .iter()
                        .map(|(c, a, n)| Ok(Borough { code: code(c)?, area: code(a)?, name: name(n)? }))
                        .collect::<Result<_, StoreError>>()?,
                    offices: offices
                        .iter()
                        .map(|(c, b, n)| Ok(Office { code: code(c)?, borough: code(b)?, name: name(n)? }))
                        .collect::<Result<_, StoreError>>()?,
                    teams: teams
                        .iter()
                        .map(|(c, o, n)| Ok(Team { code: code(c)?, office: code(o)?, name: name(n)? }))
                        .collect::<Result<_, StoreError>>()?,
                    staff: staff
                        .iter()
                        .map(|(c, t, n, g, h, e, s)| {
                            Ok(Staff {
                                code: code(c)?,
                                team: code(t)?,
                                name: name(n)?,
                                grade: crate::codec::enum_parse("grade", g)?,
                                contracted_hours: ContractedHours::new(*h).map_err(|e| corrupt("contracted_hours", e))?,
                                employment: crate::codec::enum_parse("employment", e)?,
                                specialisms: s
                                    .split(';')
                                    .filter(|x| !x.is_empty())
                                    .map(|x| crate::codec::enum_parse("specialisms", x))
                                    .collect::<Result<_, _>>()?,
                            })
                        })
                        .collect::<Result<_, StoreError>>()?,
                })
            }

            async fn search_people(&self, query: &str, limit: usize) -> Result<Vec<CaseSummary>, StoreError> {
                self.search_people_by_key(query, limit).await
            }

            async fn organisation_around(&self, staff: &[Code], teams: &[Code]) -> Result<Organisation, StoreError> {
                self.organisation_around_codes(staff, teams).await
            }

            async fn is_empty(&self) -> Result<bool, StoreError> {
                let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 1 FROM events LIMIT 1) e").fetch_one(&self.pool).await?;
                let areas: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 1 FROM areas LIMIT 1) a").fetch_one(&self.pool).await?;
                Ok(events == 0 && areas == 0)
            }

            async fn bulk_load(
                &self,
                org: &Organisation,
                cases: &mut (dyn Iterator<Item = Result<Vec<LoadCase>, StoreError>> + Send),
                progress: &(dyn Fn(u64) + Sync),
            ) -> Result<u64, StoreError> {
                let no_tables = None::<std::iter::Empty<Result<TableRows, StoreError>>>;
                self.load_all(org, no_tables, cases, progress).await.map_err(|e| e.source)
            }

            async fn export_events(&self, sink: &mut (dyn FnMut(EventRow) -> Result<(), StoreError> + Send)) -> Result<u64, StoreError> {
                let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY crn, seq");
                let mut rows = sqlx::query_as::<_, EventRow>(AssertSqlSafe(sql.as_str())).fetch(&self.pool);
                let mut n = 0;
                while let Some(row) = rows.try_next().await? {
                    sink(row)?;
                    n += 1;
                }
                Ok(n)
            }

            async fn rebuild(&self) -> Result<CheckReport, StoreError> {
                let expected = self.fold_log().await?;
                let mut tx = self.pool.begin().await?;
                sqlx::query("DELETE FROM case_summary").execute(&mut *tx).await?;
                sqlx::query("DELETE FROM caseload").execute(&mut *tx).await?;
                sqlx::query("DELETE FROM streams").execute(&mut *tx).await?;
                sqlx::query("DELETE FROM search_keys").execute(&mut *tx).await?;
                let summaries: Vec<Vec<Value>> = expected.summaries.values().map(|(s, _)| summary_values(s)).collect();
                let streams: Vec<Vec<Value>> =
                    expected.summaries.iter().map(|(c, (_, v))| vec![Value::Text(c.to_string()), Value::Int(*v as i64)]).collect();
                let counts = caseload_counts(expected.summaries.values().map(|(s, _)| s));
                let caseload: Vec<Vec<Value>> = counts.iter().map(|(o, n)| vec![Value::Text(o.to_string()), Value::Int(*n as i64)]).collect();
                Self::insert_rows(&mut tx, "case_summary", SUMMARY_COLUMNS, 21, &summaries).await?;
                Self::load_search_keys(&mut tx, expected.summaries.values().map(|(s, _)| s)).await?;
                Self::insert_rows(&mut tx, "streams", "crn, version", 2, &streams).await?;
                Self::insert_rows(&mut tx, "caseload", "officer, active_cases", 2, &caseload).await?;
                Self::mi_rebuild(&mut tx).await?;
                Self::outcomes_rebuild(&mut tx).await?;
                tx.commit().await?;
                Ok(CheckReport { cases: expected.summaries.len() as u64, events: expected.events, differences: Vec::new() })
            }

            async fn check(&self) -> Result<CheckReport, StoreError> {
                let expected = self.fold_log().await?;
                let mut differences = Vec::new();
                let live: BTreeMap<Crn, CaseSummary> = self.all_summaries().await?.into_iter().map(|s| (s.crn.clone(), s)).collect();
                for (crn, (want, _)) in &expected.summaries {
                    match live.get(crn) {
                        None => differences.push(format!("case_summary: {crn} is missing")),
                        Some(got) if got != want => differences.push(format!("case_summary: {crn} differs: live {got:?}, rebuilt {want:?}")),
                        Some(_) => {}
                    }
                }
                for crn in live.keys().filter(|c| !expected.summaries.contains_key(*c)) {
                    differences.push(format!("case_summary: {crn} has no events"));
                }
                let versions: Vec<(String, i64)> = sqlx::query_as("SELECT crn, version FROM streams ORDER BY crn").fetch_all(&self.pool).await?;
                let versions: BTreeMap<String, i64> = versions.into_iter().collect();
                for (crn, (_, v)) in &expected.summaries {
                    if versions.get(crn.as_str()) != Some(&(*v as i64)) {
                        differences.push(format!("streams: {crn} is at {:?}, the log says {v}", versions.get(crn.as_str())));
                    }
                }
                let want = caseload_counts(expected.summaries.values().map(|(s, _)| s));
                let got = self.caseload_counts().await?;
                if want != got {
                    differences.push(format!("caseload: live {got:?}, rebuilt {want:?}"));
                }
                differences.extend(crate::mi::MiStore::mi_check(self).await?);
                differences.extend(crate::mi_outcomes::MiOutcomeStore::mi_outcomes_check(self).await?);
                differences.extend(self.check_search_keys().await?);
                Ok(CheckReport { cases: expected.summaries.len() as u64, events: expected.events, differences })
            }
        }
    };
}

impl_case_store!(SqliteStore, Engine::Sqlite);
impl_case_store!(PostgresStore, Engine::Postgres);
