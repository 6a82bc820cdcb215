//! The two engines' case stores. The SQL is written once (in `impl_case_store!`) and compiled
//! for each engine's driver; only connecting and bulk loading differ. An append, a bulk load,
//! a rebuild and a check fold each case once ([`crate::fold`]) and move every projection of
//! [`crate::projections`] from that fold.

use crate::backup::{BackupStore, Cell, Kind, RestoreError, TABLES, Table, TableRows};
use crate::codec::{
    EVENT_COLUMNS, EventRow, LoadCase, SUMMARY_COLUMNS, SummaryRow, decode_case, timestamp_text, to_stored_precision,
};
use crate::db::{DirectReaders, PostgresStore, SqliteStore, Value};
use crate::fold::{Folding, fold_stored};
use crate::projections::{Projection, Rows};
use crate::{CaseStore, CheckReport, Engine, StoreError, corrupt};
use domain::case::uk_date;
use domain::event::{NewEvent, RecordedEvent};
use domain::ids::{Code, Crn, Name, Pnc};
use domain::org::{Area, Borough, ContractedHours, Office, Organisation, Staff, Team};
use domain::projection::CaseSummary;
use futures_util::TryStreamExt;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, Row};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

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
            .pragma("cache_size", "-65536")
            // The store checkpoints on a task of its own (`db::checkpoint_in_background`), off
            // every append's path; SQLite's own, in the committing append, is only a backstop
            // should that task fall behind (64 MiB of WAL, not the default 4 MiB).
            .pragma("wal_autocheckpoint", "16384");
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        crate::reworded::adopt_sqlite(&pool, &SQLITE_MIGRATIONS).await?;
        SQLITE_MIGRATIONS.run(&pool).await?;
        let readers = Arc::new(DirectReaders::new(path));
        crate::db::checkpoint_in_background(pool.clone(), Arc::downgrade(&readers));
        let store = Self { pool, readers };
        store.fill_search_keys().await?;
        store.fill_pnc_keys().await?;
        Ok(store)
    }
}

impl PostgresStore {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with_statement_limit(url, None).await
    }

    /// As [`connect`](Self::connect), with every statement of every connection stopped by the
    /// server after `limit` (PostgreSQL's `statement_timeout`). The web server uses its page
    /// time limit here: a request dropped by its client or by that limit cannot leave a query
    /// running, holding its connection, past the limit (sqlx returns a connection to the pool
    /// only once the server has answered what was sent on it). The command line sets none:
    /// a rebuild or a national load runs statements longer than any page should.
    pub async fn connect_with_statement_limit(url: &str, limit: Option<Duration>) -> Result<Self, StoreError> {
        let mut options: sqlx::postgres::PgConnectOptions = url.parse()?;
        if let Some(limit) = limit {
            options = options.options([("statement_timeout", format!("{}ms", limit.as_millis().max(1)))]);
        }
        let pool = PgPoolOptions::new().max_connections(16).connect_with(options).await?;
        crate::reworded::adopt_postgres(&pool, &POSTGRES_MIGRATIONS).await?;
        POSTGRES_MIGRATIONS.run(&pool).await?;
        let store = Self { pool };
        store.fill_search_keys().await?;
        store.fill_pnc_keys().await?;
        Ok(store)
    }
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

macro_rules! impl_case_store {
    ($store:ty, $engine:expr) => {
        impl $store {
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
                let mut written = vec!["events"];
                for (table, columns, width, rows) in org_tables(org) {
                    Self::insert_rows(&mut tx, table, columns, width, &rows).await?;
                    written.push(table);
                }
                for batch in tables.into_iter().flatten() {
                    let batch = batch?;
                    let t = batch.table;
                    let in_table = |source| RestoreError { table: Some(t.name), source };
                    let values = t.values(&batch.rows).map_err(in_table)?;
                    let columns = t.column_names().join(", ");
                    Self::insert_rows(&mut tx, t.name, &columns, t.columns.len(), &values).await.map_err(in_table)?;
                }
                let mut loaded = 0u64;
                for batch in cases {
                    let batch = batch?;
                    let events: Vec<Vec<Value>> = batch.iter().flat_map(|c| c.rows.iter().map(event_values)).collect();
                    Self::insert_rows(&mut tx, "events", EVENT_COLUMNS, 8, &events).await?;
                    // Each case decoded and folded once, and every projection's rows computed
                    // from that fold, as an append computes them.
                    let mut rows = Rows::default();
                    for case in &batch {
                        if let Some((crn, events)) = decode_case(case)? {
                            rows.add(&fold_stored(&crn, &events)?, Projection::ALL);
                        }
                    }
                    Self::project_write(&mut tx, &rows, Projection::ALL).await?;
                    loaded += batch.len() as u64;
                    progress(loaded);
                }
                for t in TABLES.iter().filter(|t| t.serial_id) {
                    Self::reset_sequence(&mut tx, t).await.map_err(|source| RestoreError { table: Some(t.name), source })?;
                }
                tx.commit().await?;
                // PostgreSQL plans by statistics that tables loaded in one transaction lack
                // until autovacuum reaches them: without them a national load served forms
                // at a second a submission instead of 3 ms (the forms benchmark). Gathered
                // now for every table the load wrote, with a VACUUM that marks their pages
                // all-visible: until then an index-only scan (the caseload's and the MI
                // figures' covering indexes) still visits the table for every row.
                if crate::CaseStore::engine(self) == Engine::Postgres {
                    let written: Vec<String> = written
                        .into_iter()
                        .chain(Projection::ALL.iter().flat_map(|p| p.tables().iter().copied()))
                        .chain(TABLES.iter().map(|t| t.name))
                        .map(|table| format!("VACUUM (ANALYZE) {table}"))
                        .collect();
                    for sql in &written {
                        sqlx::query(AssertSqlSafe(sql.as_str())).execute(&self.pool).await?;
                    }
                }
                Ok(loaded)
            }
        }

        impl CaseStore for $store {
            fn engine(&self) -> Engine {
                $engine
            }

            async fn append(
                &self,
                crn: &Crn,
                expected_version: u64,
                events: &[NewEvent],
                recorded_at: jiff::Timestamp,
            ) -> Result<u64, StoreError> {
                if events.is_empty() {
                    return Err(StoreError::field("events", "events: at least one event is needed"));
                }
                // Read before the transaction: the claim below proves nothing was added since.
                let past = self.stream(crn).await?;
                if past.len() as u64 != expected_version {
                    return Err(StoreError::Conflict { crn: crn.clone(), expected: expected_version, actual: past.len() as u64 });
                }
                self.append_to(crn, &past, events, recorded_at).await
            }

            async fn append_to(
                &self,
                crn: &Crn,
                past: &[RecordedEvent],
                events: &[NewEvent],
                recorded_at: jiff::Timestamp,
            ) -> Result<u64, StoreError> {
                if events.is_empty() {
                    return Err(StoreError::field("events", "events: at least one event is needed"));
                }
                let expected_version = past.len() as u64;
                if past.iter().enumerate().any(|(i, e)| &e.crn != crn || e.seq != i as u64 + 1) {
                    return Err(StoreError::field("past", format!("past: not the stream of case {crn} as stored")));
                }
                // The stream folded once and the new events applied to that state, all before
                // the transaction, so the write lock is held only for the writes: the claim
                // proves the case is still at the version the stream was read at, and its
                // events cannot have changed (the log is append-only).
                let mut folding = Folding::new(crn.clone());
                for e in past {
                    folding.stored(e)?;
                }
                let before = folding.summary();
                let recorded_at = to_stored_precision(recorded_at);
                for (i, e) in events.iter().enumerate() {
                    folding.new_event(i, &e.event, uk_date(to_stored_precision(e.occurred_at)))?;
                }
                let folded = folding.finish();
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
                let insert = format!("INSERT INTO events ({EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
                for (i, e) in events.iter().enumerate() {
                    let occurred_at = to_stored_precision(e.occurred_at);
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
                Self::project_append(&mut tx, before.as_ref(), &folded).await?;
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

            async fn streams(&self, crns: &[Crn]) -> Result<BTreeMap<Crn, Vec<RecordedEvent>>, StoreError> {
                let rows: Vec<EventRow> = self.rows_where_in(EVENT_COLUMNS, "events", "crn", "seq", crns.iter().map(Crn::as_str)).await?;
                let mut out: BTreeMap<Crn, Vec<RecordedEvent>> = BTreeMap::new();
                for r in &rows {
                    let event = r.decode().map_err(|(c, p)| corrupt(&format!("event {}#{} {c}", r.crn, r.seq), p))?;
                    let crn = Crn::parse(&r.crn).map_err(|e| corrupt(&format!("event {}#{} crn", r.crn, r.seq), e))?;
                    out.entry(crn).or_default().push(event);
                }
                Ok(out)
            }

            async fn summary(&self, crn: &Crn) -> Result<Option<CaseSummary>, StoreError> {
                let sql = format!("SELECT {SUMMARY_COLUMNS} FROM case_summary WHERE crn = $1");
                let row: Option<SummaryRow> = sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(crn.as_str()).fetch_optional(&self.pool).await?;
                row.map(|r| r.to_summary()).transpose()
            }

            async fn summaries(&self, crns: &[Crn]) -> Result<BTreeMap<Crn, CaseSummary>, StoreError> {
                let rows: Vec<SummaryRow> =
                    self.rows_where_in(SUMMARY_COLUMNS, "case_summary", "crn", "crn", crns.iter().map(Crn::as_str)).await?;
                rows.iter().map(|r| r.to_summary().map(|s| (s.crn.clone(), s))).collect()
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

            async fn caseload_counts_of(&self, officers: &[Code]) -> Result<BTreeMap<Code, u64>, StoreError> {
                let rows: Vec<(String, i64)> = self
                    .rows_where_in("officer, active_cases", "caseload", "officer", "active_cases", officers.iter().map(Code::as_str))
                    .await?;
                rows.into_iter().map(|(o, n)| Ok((code(&o)?, n.max(0) as u64))).collect()
            }

            async fn officer_workloads(&self, officers: Option<&[Code]>) -> Result<crate::OfficerWorkloads, StoreError> {
                self.workload_read(officers).await
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

            async fn transfers_to(&self, team: &Code) -> Result<Vec<CaseSummary>, StoreError> {
                let sql = format!(
                    "SELECT {SUMMARY_COLUMNS} FROM case_summary WHERE transfer_to = $1 AND transfer_to IS NOT NULL AND active ORDER BY crn"
                );
                let rows: Vec<SummaryRow> = sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(team.as_str()).fetch_all(&self.pool).await?;
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

            async fn search_people(
                &self,
                query: &str,
                limit: usize,
                reach: Option<&crate::SearchReach>,
            ) -> Result<Vec<CaseSummary>, StoreError> {
                self.search_people_by_key(query, limit, reach).await
            }

            async fn people_with_pnc(&self, pnc: &Pnc) -> Result<Vec<CaseSummary>, StoreError> {
                self.people_with_pnc_key(&pnc.key()).await
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
                let rows = self.project_rebuild(Projection::ALL).await?;
                Ok(CheckReport { cases: rows.cases, events: rows.events, differences: Vec::new() })
            }

            async fn check(&self) -> Result<CheckReport, StoreError> {
                self.project_check_all().await
            }
        }
    };
}

impl_case_store!(SqliteStore, Engine::Sqlite);
impl_case_store!(PostgresStore, Engine::Postgres);

macro_rules! impl_backup_store {
    ($store:ty, $collate:expr) => {
        impl BackupStore for $store {
            async fn export_table(
                &self,
                table: &'static Table,
                sink: &mut (dyn FnMut(Vec<Cell>) -> Result<(), StoreError> + Send),
            ) -> Result<u64, StoreError> {
                let sql = table.select_sql($collate);
                let mut rows = sqlx::query(AssertSqlSafe(sql.as_str())).fetch(self.pool());
                let mut n = 0;
                while let Some(row) = rows.try_next().await? {
                    let mut cells = Vec::with_capacity(table.columns.len());
                    for (i, c) in table.columns.iter().enumerate() {
                        cells.push(match c.kind {
                            Kind::Text => row.try_get::<Option<String>, _>(i)?,
                            Kind::Int => row.try_get::<Option<i64>, _>(i)?.map(|v| v.to_string()),
                            Kind::Bool => row.try_get::<Option<bool>, _>(i)?.map(|v| v.to_string()),
                            Kind::Real => row.try_get::<Option<f64>, _>(i)?.map(|v| v.to_string()),
                        });
                    }
                    sink(cells)?;
                    n += 1;
                }
                Ok(n)
            }

            async fn restore<T, I>(
                &self,
                org: &Organisation,
                tables: T,
                cases: I,
                progress: &(dyn Fn(u64) + Sync),
            ) -> Result<u64, RestoreError>
            where
                T: Iterator<Item = Result<TableRows, StoreError>> + Send,
                I: Iterator<Item = Result<Vec<LoadCase>, StoreError>> + Send,
            {
                self.load_all(org, Some(tables), cases, progress).await
            }
        }
    };
}

impl_backup_store!(SqliteStore, "");
impl_backup_store!(PostgresStore, " COLLATE \"C\"");
