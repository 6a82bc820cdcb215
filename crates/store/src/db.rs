//! The two stores' connections and the one way rows are written in bulk: what every other
//! module of the crate builds on. Nothing here knows a table but the one it is told.

use crate::StoreError;
use sqlx::AssertSqlSafe;
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The embedded default: one SQLite file in WAL mode.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
    pub(crate) readers: Arc<DirectReaders>,
}

/// Read-only connections of the store's own to its file, for a point read that every request
/// makes (the session check). sqlx runs each SQLite statement on a connection thread of its
/// own, and handing the statement over and the row back cost more than the read itself (a
/// futex wake each way; a sixth of a caseload page under load). These run the read on the
/// calling thread instead: tens of microseconds on pages in memory. WAL lets them read beside
/// sqlx's writer, and each read sees every append committed before it began.
#[derive(Debug)]
pub(crate) struct DirectReaders {
    path: std::path::PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

/// How many idle read connections are kept; more are opened when more requests read at once.
const DIRECT_READERS_KEPT: usize = 8;

impl DirectReaders {
    pub(crate) fn new(path: &str) -> Self {
        Self { path: path.into(), idle: Mutex::new(Vec::new()) }
    }

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

/// How often a store's own task checkpoints its WAL ([`checkpoint_in_background`]).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// Checkpoints the store's WAL on a task of its own every [`CHECKPOINT_EVERY`], for as long as
/// the store is held anywhere (`alive`), so no append pays for one. SQLite's own checkpoint
/// runs in the commit that crosses its threshold, which then copies pages into the database
/// file (10 GB at national scale) and syncs it: a slow tail of submissions. Since this task,
/// the forms benchmark's national p99 is within its target. A PASSIVE checkpoint waits for no
/// reader or writer; what it cannot copy yet is copied at a later tick.
pub(crate) fn checkpoint_in_background(pool: SqlitePool, alive: std::sync::Weak<DirectReaders>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if alive.strong_count() == 0 || pool.is_closed() {
                break;
            }
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
                tracing::warn!(error = %e, "the WAL checkpoint failed; it is tried again at the next tick");
            }
        }
    });
}

/// PostgreSQL, for a national deployment.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pub(crate) pool: PgPool,
}

impl SqliteStore {
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

impl SqliteStore {
    /// [`PostgresStore::insert_case_rows`]'s twin: SQLite's INSERT is already one statement.
    pub(crate) async fn insert_case_rows(
        conn: &mut sqlx::SqliteConnection,
        table: &str,
        columns: &str,
        width: usize,
        rows: &[Vec<Value>],
    ) -> Result<(), StoreError> {
        Self::insert_rows(conn, table, columns, width, rows).await
    }
}

impl PostgresStore {
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

    /// An append's few projection rows of one case, whose values have their columns' types:
    /// one INSERT when they are few, since COPY costs several round trips whatever its size
    /// (about 40 ms each here, which dominated a form's submission); COPY otherwise.
    pub(crate) async fn insert_case_rows(
        conn: &mut sqlx::PgConnection,
        table: &str,
        columns: &str,
        width: usize,
        rows: &[Vec<Value>],
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        if rows.len() * width <= SMALL_INSERT_VALUES {
            Self::insert_few(conn, table, columns, rows).await
        } else {
            Self::insert_rows(conn, table, columns, width, rows).await
        }
    }

    /// One multi-row INSERT. Text is written as an escaped literal and NULL as the keyword, so
    /// PostgreSQL reads each into its column's type as COPY would (a parameter would carry
    /// the type `text`, which a number column refuses).
    async fn insert_few(
        conn: &mut sqlx::PgConnection,
        table: &str,
        columns: &str,
        rows: &[Vec<Value>],
    ) -> Result<(), StoreError> {
        let mut sql = format!("INSERT INTO {table} ({columns}) VALUES ");
        let mut n = 0;
        for (i, row) in rows.iter().enumerate() {
            sql.push_str(if i == 0 { "(" } else { ",(" });
            for (j, v) in row.iter().enumerate() {
                if j > 0 {
                    sql.push(',');
                }
                match v {
                    Value::Null | Value::OptText(None) => sql.push_str("NULL"),
                    Value::Text(t) | Value::OptText(Some(t)) => escaped_literal(&mut sql, t),
                    _ => {
                        n += 1;
                        sql.push_str(&format!("${n}"));
                    }
                }
            }
            sql.push(')');
        }
        let mut q = sqlx::query(AssertSqlSafe(sql.as_str()));
        for v in rows.iter().flatten() {
            q = match v {
                Value::Int(i) => q.bind(*i),
                Value::Real(f) => q.bind(*f),
                Value::Bool(b) => q.bind(*b),
                Value::Text(_) | Value::OptText(_) | Value::Null => q,
            };
        }
        q.execute(&mut *conn).await?;
        Ok(())
    }
}

/// `s` as a PostgreSQL escape-string literal (`E'...'`): backslashes and quotes doubled, which
/// reads back as `s` whatever `standard_conforming_strings` is.
fn escaped_literal(sql: &mut String, s: &str) {
    sql.push_str("E'");
    for c in s.chars() {
        match c {
            '\\' => sql.push_str("\\\\"),
            '\'' => sql.push_str("''"),
            c => sql.push(c),
        }
    }
    sql.push('\'');
}

/// Up to how many values a PostgreSQL write sends as one INSERT rather than by COPY.
const SMALL_INSERT_VALUES: usize = 2000;

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
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    Real(f64),
    Bool(bool),
    Null,
}

macro_rules! impl_add_rows {
    ($store:ty, $conn:ty) => {
        impl $store {
            /// Multi-row INSERT of rows keyed by `key` whose `sums` columns are added to those of
            /// a row already there: how the summed projections move by deltas.
            pub(crate) async fn add_rows(
                conn: &mut $conn,
                table: &str,
                key: &[&str],
                sums: &[&str],
                rows: &[Vec<Value>],
            ) -> Result<(), StoreError> {
                let width = key.len() + sums.len();
                let columns = format!("{}, {}", key.join(", "), sums.join(", "));
                let added: Vec<String> = sums.iter().map(|c| format!("{c} = {table}.{c} + excluded.{c}")).collect();
                let conflict = format!(" ON CONFLICT ({}) DO UPDATE SET {}", key.join(", "), added.join(", "));
                for chunk in rows.chunks(100) {
                    let mut sql = format!("INSERT INTO {table} ({columns}) VALUES ");
                    let mut n = 0;
                    for (i, _) in chunk.iter().enumerate() {
                        sql.push_str(if i > 0 { ",(" } else { "(" });
                        for j in 0..width {
                            n += 1;
                            sql.push_str(&format!("{}${n}", if j > 0 { "," } else { "" }));
                        }
                        sql.push(')');
                    }
                    sql.push_str(&conflict);
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
    };
}

impl_add_rows!(SqliteStore, sqlx::SqliteConnection);
impl_add_rows!(PostgresStore, sqlx::PgConnection);

#[cfg(test)]
mod tests {
    #[test]
    fn text_is_written_as_a_literal_that_reads_back_whole() {
        let mut sql = String::new();
        super::escaped_literal(&mut sql, r"O'Brien \ co");
        assert_eq!(sql, r"E'O''Brien \\ co'");
    }
}
