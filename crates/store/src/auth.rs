//! Who may use Probity and what they have looked at: users, sessions, failed sign-ins,
//! limited-access lists, cases granted outside a user's place (an inspector's sample), and
//! the audit of reads. Kept apart from [`crate::CaseStore`]: none of it is case history.
//!
//! Rows are plain values; what a role or a scope means is decided by `services::access`.
//! Invariants kept here: a username is unique; disabling a user ends their sessions in the
//! same transaction; the read audit is only ever inserted (database triggers refuse the rest).

use crate::{PostgresStore, SqliteStore, StoreError, parse_timestamp, timestamp_text};
use domain::ids::Crn;
use jiff::Timestamp;
use jiff::civil::Date;
use std::future::Future;

/// A user as stored. `password_hash` is a PHC string (argon2id); never a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub scope_kind: String,
    pub scope_code: Option<String>,
    /// The staff code of the user when they hold a caseload.
    pub officer: Option<String>,
    pub disabled: bool,
    pub created_at: Timestamp,
}

/// A signed-in session, keyed by a hash of its id (the id itself is only in the cookie).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id_hash: String,
    pub username: String,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LimitKind {
    /// The named user is barred from the person's record.
    Exclusion,
    /// Only the named users (one row each) may see the person's record.
    Restriction,
}

impl LimitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LimitKind::Exclusion => "exclusion",
            LimitKind::Restriction => "restriction",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "exclusion" => Some(LimitKind::Exclusion),
            "restriction" => Some(LimitKind::Restriction),
            _ => None,
        }
    }
}

/// One entry of a limited-access list, in force from `starts_on` to `ends_on` inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitedAccess {
    pub id: i64,
    pub crn: Crn,
    pub kind: LimitKind,
    pub username: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub reason: String,
    pub added_by: String,
    pub added_at: Timestamp,
}

/// A live session's row with its user's and the store's access generation, read in one
/// statement: what every signed-in request needs before it can decide anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedInRecord {
    pub session: SessionRecord,
    pub user: UserRecord,
    /// Changes with any change to the organisation, the limited-access lists or the grants
    /// (database triggers, migration 0010), so a copy of those kept in memory can be checked
    /// against it.
    pub access_generation: i64,
    /// The version of the caseload asked for with the session (`CaseStore::caseload_version`),
    /// when one was: the caseload page's one other read, answered by the same statement.
    pub caseload_version: Option<i64>,
}

/// What deciding access reads besides the case and the user, as at `generation`: every
/// limited-access entry and every grant. The generation is read first, so what follows is
/// at least as new as it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccessLists {
    pub generation: i64,
    pub limits: Vec<LimitedAccess>,
    /// (username, CRN), by username then CRN.
    pub grants: Vec<(String, Crn)>,
}

/// One read of a case record: who, when, and through which route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRead {
    pub crn: Crn,
    pub username: String,
    pub at: Timestamp,
    pub route: String,
}

/// Whether a name's failed sign-ins lock it (the policy is the caller's: `services::access`).
pub type LockRule = dyn Fn(&[Timestamp]) -> bool + Sync;

/// The storage contract for access control, implemented for both engines from one SQL text.
#[dynosaur::dynosaur(pub DynAccessStore = dyn(box) AccessStore)]
pub trait AccessStore: Send + Sync {
    /// Adds a user; a taken username is refused naming `username`, and nothing is written.
    fn add_user(&self, user: &UserRecord) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn user(&self, username: &str) -> impl Future<Output = Result<Option<UserRecord>, StoreError>> + Send;
    /// Every user, by username.
    fn users(&self) -> impl Future<Output = Result<Vec<UserRecord>, StoreError>> + Send;
    /// Replaces a user's password hash, role, scope, officer and disabled flag; a disabled
    /// user's sessions end in the same transaction. `false` when there is no such user.
    fn update_user(&self, user: &UserRecord) -> impl Future<Output = Result<bool, StoreError>> + Send;

    fn create_session(&self, session: &SessionRecord) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn session(&self, id_hash: &str) -> impl Future<Output = Result<Option<SessionRecord>, StoreError>> + Send;
    fn touch_session(&self, id_hash: &str, at: Timestamp) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Deletes every session last seen before `idle_before` or created before
    /// `absolute_before` (expired, whoever's they are); returns how many.
    fn sweep_sessions(
        &self,
        idle_before: Timestamp,
        absolute_before: Timestamp,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// The session with its user and the access generation and, with `caseload_of`, that
    /// officer's caseload version, in one statement; `None` when there is no such session (or,
    /// which cannot happen while users are never deleted, no such user).
    fn signed_in(
        &self,
        id_hash: &str,
        caseload_of: Option<&str>,
    ) -> impl Future<Output = Result<Option<SignedInRecord>, StoreError>> + Send;
    /// The access generation, then every limited-access entry and grant.
    fn access_lists(&self) -> impl Future<Output = Result<AccessLists, StoreError>> + Send;
    fn end_session(&self, id_hash: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Replaces a user's password hash, ends every session of theirs and starts `session` in
    /// their place, in one transaction: after a change of password the only way in is the
    /// session of whoever changed it, under a new id. `false`, with nothing written, when
    /// there is no such user or `session` belongs to someone else.
    fn change_password(
        &self,
        username: &str,
        password_hash: &str,
        session: &SessionRecord,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// An administrator's reset: a new password hash, every session of the user ended and their
    /// failed sign-ins cleared, at once. `false`, with nothing written, when there is no such user.
    fn reset_password(
        &self,
        username: &str,
        password_hash: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Claims a sign-in attempt for `username` at `at`, atomically with every other claim for
    /// that name, on any server: in one transaction, the failures since `since` are read and,
    /// unless `locked` says they lock the name, the attempt is recorded as a failure (until
    /// [`clear_failed_sign_ins`](Self::clear_failed_sign_ins) says it succeeded). `Err` gives
    /// the failures that lock it, with nothing written. Failures older than `since`, for any
    /// name, are swept in the same transaction: the lockout never reads them again.
    fn claim_sign_in_attempt(
        &self,
        username: &str,
        at: Timestamp,
        since: Timestamp,
        locked: &LockRule,
    ) -> impl Future<Output = Result<Result<(), Vec<Timestamp>>, StoreError>> + Send;
    /// Every failed sign-in at or after `since`, for every name, by name then time: what the
    /// users page shows as locks, in one read.
    fn failed_sign_ins_since(
        &self,
        since: Timestamp,
    ) -> impl Future<Output = Result<Vec<(String, Timestamp)>, StoreError>> + Send;

    fn record_failed_sign_in(
        &self,
        username: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The times of a username's failed sign-ins at or after `since`, oldest first.
    fn failed_sign_ins(
        &self,
        username: &str,
        since: Timestamp,
    ) -> impl Future<Output = Result<Vec<Timestamp>, StoreError>> + Send;
    fn clear_failed_sign_ins(&self, username: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Adds an entry (its `id` is ignored) and returns the id given to it.
    fn add_limited_access(&self, entry: &LimitedAccess) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Removes an entry; `false` when there is none with that id.
    fn remove_limited_access(&self, id: i64) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Every entry, whatever its dates, by CRN then id.
    fn limited_access(&self) -> impl Future<Output = Result<Vec<LimitedAccess>, StoreError>> + Send;
    fn limited_access_for(&self, crn: &Crn) -> impl Future<Output = Result<Vec<LimitedAccess>, StoreError>> + Send;
    /// Every entry for these cases, whatever its dates, by CRN then id: what deciding on a
    /// page of cases needs, read through the CRN index rather than the whole list.
    fn limited_access_for_cases(
        &self,
        crns: &[Crn],
    ) -> impl Future<Output = Result<Vec<LimitedAccess>, StoreError>> + Send;

    /// Grants cases to a user beyond their place scope (an inspector's sample); granting a
    /// case twice is harmless.
    fn grant_cases(&self, username: &str, crns: &[Crn]) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn granted_cases(&self, username: &str) -> impl Future<Output = Result<Vec<Crn>, StoreError>> + Send;

    fn record_read(&self, read: &CaseRead) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Every read of a case, oldest first.
    fn reads_of(&self, crn: &Crn) -> impl Future<Output = Result<Vec<CaseRead>, StoreError>> + Send;
}

#[derive(sqlx::FromRow)]
struct UserRow {
    username: String,
    password_hash: String,
    role: String,
    scope_kind: String,
    scope_code: Option<String>,
    officer: Option<String>,
    disabled: bool,
    created_at: String,
}

impl UserRow {
    fn decode(self) -> Result<UserRecord, StoreError> {
        Ok(UserRecord {
            created_at: time(&self.created_at)?,
            username: self.username,
            password_hash: self.password_hash,
            role: self.role,
            scope_kind: self.scope_kind,
            scope_code: self.scope_code,
            officer: self.officer,
            disabled: self.disabled,
        })
    }
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id_hash: String,
    username: String,
    csrf_token: String,
    created_at: String,
    last_seen: String,
}

#[derive(sqlx::FromRow)]
struct SignedInRow {
    id_hash: String,
    username: String,
    csrf_token: String,
    created_at: String,
    last_seen: String,
    password_hash: String,
    role: String,
    scope_kind: String,
    scope_code: Option<String>,
    officer: Option<String>,
    disabled: bool,
    user_created_at: String,
    access_generation: i64,
    caseload_version: Option<i64>,
}

impl SignedInRow {
    fn decode(self) -> Result<SignedInRecord, StoreError> {
        let user = UserRow {
            username: self.username.clone(),
            password_hash: self.password_hash,
            role: self.role,
            scope_kind: self.scope_kind,
            scope_code: self.scope_code,
            officer: self.officer,
            disabled: self.disabled,
            created_at: self.user_created_at,
        };
        let session = SessionRow {
            id_hash: self.id_hash,
            username: self.username,
            csrf_token: self.csrf_token,
            created_at: self.created_at,
            last_seen: self.last_seen,
        };
        Ok(SignedInRecord {
            session: session.decode()?,
            user: user.decode()?,
            access_generation: self.access_generation,
            caseload_version: self.caseload_version,
        })
    }
}

impl SessionRow {
    fn decode(self) -> Result<SessionRecord, StoreError> {
        Ok(SessionRecord {
            created_at: time(&self.created_at)?,
            last_seen: time(&self.last_seen)?,
            id_hash: self.id_hash,
            username: self.username,
            csrf_token: self.csrf_token,
        })
    }
}

#[derive(sqlx::FromRow)]
struct LimitRow {
    id: i64,
    crn: String,
    kind: String,
    username: String,
    starts_on: String,
    ends_on: Option<String>,
    reason: String,
    added_by: String,
    added_at: String,
}

impl LimitRow {
    fn decode(self) -> Result<LimitedAccess, StoreError> {
        let bad = |what: &str, v: &str| StoreError::Corrupt(format!("limited_access {}: {what} `{v}`", self.id));
        Ok(LimitedAccess {
            id: self.id,
            crn: crn(&self.crn)?,
            kind: LimitKind::parse(&self.kind).ok_or_else(|| bad("kind", &self.kind))?,
            starts_on: self.starts_on.parse().map_err(|_| bad("starts_on", &self.starts_on))?,
            ends_on: match &self.ends_on {
                Some(d) => Some(d.parse().map_err(|_| bad("ends_on", d))?),
                None => None,
            },
            added_at: time(&self.added_at)?,
            username: self.username,
            reason: self.reason,
            added_by: self.added_by,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ReadRow {
    crn: String,
    username: String,
    at: String,
    route: String,
}

fn time(s: &str) -> Result<Timestamp, StoreError> {
    parse_timestamp(s).map_err(StoreError::Corrupt)
}

fn crn(s: &str) -> Result<Crn, StoreError> {
    Crn::parse(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

const USER_COLUMNS: &str = "username, password_hash, role, scope_kind, scope_code, officer, disabled, created_at";
const LIMIT_COLUMNS: &str = "id, crn, kind, username, starts_on, ends_on, reason, added_by, added_at";

fn unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// The session, its user, the access generation and, when asked for, a caseload's version:
/// the one read every signed-in request makes. The session's username is the user's, so one
/// column serves both halves. An officer with no caseload version row is at version 0.
const SIGNED_IN: &str = "SELECT s.id_hash, s.username, s.csrf_token, s.created_at, s.last_seen, u.password_hash, \
     u.role, u.scope_kind, u.scope_code, u.officer, u.disabled, u.created_at AS user_created_at, \
     g.generation AS access_generation, \
     CASE WHEN CAST($2 AS TEXT) IS NULL THEN NULL ELSE \
       COALESCE((SELECT v.version FROM caseload_versions v WHERE v.officer = $2), 0) END AS caseload_version \
     FROM sessions s JOIN users u ON u.username = s.username CROSS JOIN access_generation g \
     WHERE s.id_hash = $1";

impl PostgresStore {
    async fn signed_in_row(&self, id_hash: &str, caseload_of: Option<&str>) -> Result<Option<SignedInRow>, StoreError> {
        Ok(sqlx::query_as(SIGNED_IN).bind(id_hash).bind(caseload_of).fetch_optional(self.pool()).await?)
    }
}

impl SqliteStore {
    /// On one of the store's own read connections, on the calling thread (`DirectReaders`).
    async fn signed_in_row(&self, id_hash: &str, caseload_of: Option<&str>) -> Result<Option<SignedInRow>, StoreError> {
        use rusqlite::OptionalExtension;
        self.direct_read(|db| {
            db.prepare_cached(SIGNED_IN)?
                // By name: SQLite numbers `$N` parameters in the order they first appear.
                .query_row(rusqlite::named_params! { "$1": id_hash, "$2": caseload_of }, |r| {
                    Ok(SignedInRow {
                        id_hash: r.get(0)?,
                        username: r.get(1)?,
                        csrf_token: r.get(2)?,
                        created_at: r.get(3)?,
                        last_seen: r.get(4)?,
                        password_hash: r.get(5)?,
                        role: r.get(6)?,
                        scope_kind: r.get(7)?,
                        scope_code: r.get(8)?,
                        officer: r.get(9)?,
                        disabled: r.get(10)?,
                        user_created_at: r.get(11)?,
                        access_generation: r.get(12)?,
                        caseload_version: r.get(13)?,
                    })
                })
                .optional()
        })
    }
}

macro_rules! impl_access_store {
    ($store:ty, $serialise:expr) => {
        impl AccessStore for $store {
            async fn add_user(&self, u: &UserRecord) -> Result<(), StoreError> {
                let sql = format!("INSERT INTO users ({USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
                let done = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(&u.username)
                    .bind(&u.password_hash)
                    .bind(&u.role)
                    .bind(&u.scope_kind)
                    .bind(&u.scope_code)
                    .bind(&u.officer)
                    .bind(u.disabled)
                    .bind(timestamp_text(u.created_at))
                    .execute(self.pool())
                    .await;
                match done {
                    Ok(_) => Ok(()),
                    Err(e) if unique_violation(&e) => {
                        Err(StoreError::field("username", format!("username: `{}` is already taken", u.username)))
                    }
                    Err(e) => Err(e.into()),
                }
            }

            async fn user(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
                let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
                let row: Option<UserRow> =
                    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(username).fetch_optional(self.pool()).await?;
                row.map(UserRow::decode).transpose()
            }

            async fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
                let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
                let rows: Vec<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(self.pool()).await?;
                rows.into_iter().map(UserRow::decode).collect()
            }

            async fn update_user(&self, u: &UserRecord) -> Result<bool, StoreError> {
                let mut tx = self.pool().begin().await?;
                let done = sqlx::query(
                    "UPDATE users SET password_hash = $2, role = $3, scope_kind = $4, scope_code = $5, \
                     officer = $6, disabled = $7 WHERE username = $1",
                )
                .bind(&u.username)
                .bind(&u.password_hash)
                .bind(&u.role)
                .bind(&u.scope_kind)
                .bind(&u.scope_code)
                .bind(&u.officer)
                .bind(u.disabled)
                .execute(&mut *tx)
                .await?;
                if u.disabled {
                    sqlx::query("DELETE FROM sessions WHERE username = $1").bind(&u.username).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(done.rows_affected() == 1)
            }

            async fn create_session(&self, s: &SessionRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO sessions (id_hash, username, csrf_token, created_at, last_seen) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&s.id_hash)
                .bind(&s.username)
                .bind(&s.csrf_token)
                .bind(timestamp_text(s.created_at))
                .bind(timestamp_text(s.last_seen))
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
                let row: Option<SessionRow> = sqlx::query_as(
                    "SELECT id_hash, username, csrf_token, created_at, last_seen FROM sessions WHERE id_hash = $1",
                )
                .bind(id_hash)
                .fetch_optional(self.pool())
                .await?;
                row.map(SessionRow::decode).transpose()
            }

            async fn signed_in(
                &self,
                id_hash: &str,
                caseload_of: Option<&str>,
            ) -> Result<Option<SignedInRecord>, StoreError> {
                self.signed_in_row(id_hash, caseload_of).await?.map(SignedInRow::decode).transpose()
            }

            async fn access_lists(&self) -> Result<AccessLists, StoreError> {
                let generation: i64 =
                    sqlx::query_scalar("SELECT generation FROM access_generation").fetch_one(self.pool()).await?;
                let limits = self.limited_access().await?;
                let rows: Vec<(String, String)> =
                    sqlx::query_as("SELECT username, crn FROM case_grants ORDER BY username, crn")
                        .fetch_all(self.pool())
                        .await?;
                let grants = rows.into_iter().map(|(u, c)| Ok((u, crn(&c)?))).collect::<Result<_, StoreError>>()?;
                Ok(AccessLists { generation, limits, grants })
            }

            async fn touch_session(&self, id_hash: &str, at: Timestamp) -> Result<(), StoreError> {
                sqlx::query("UPDATE sessions SET last_seen = $2 WHERE id_hash = $1")
                    .bind(id_hash)
                    .bind(timestamp_text(at))
                    .execute(self.pool())
                    .await?;
                Ok(())
            }

            async fn sweep_sessions(
                &self,
                idle_before: Timestamp,
                absolute_before: Timestamp,
            ) -> Result<u64, StoreError> {
                // Times are canonical fixed-width UTC text: text order is time order.
                let done = sqlx::query("DELETE FROM sessions WHERE last_seen < $1 OR created_at < $2")
                    .bind(timestamp_text(idle_before))
                    .bind(timestamp_text(absolute_before))
                    .execute(self.pool())
                    .await?;
                Ok(done.rows_affected())
            }

            async fn end_session(&self, id_hash: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(self.pool()).await?;
                Ok(())
            }

            async fn change_password(
                &self,
                username: &str,
                password_hash: &str,
                s: &SessionRecord,
            ) -> Result<bool, StoreError> {
                if s.username != username {
                    return Ok(false);
                }
                let mut tx = self.pool().begin().await?;
                let done = sqlx::query("UPDATE users SET password_hash = $2 WHERE username = $1")
                    .bind(username)
                    .bind(password_hash)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                sqlx::query("DELETE FROM sessions WHERE username = $1").bind(username).execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO sessions (id_hash, username, csrf_token, created_at, last_seen) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&s.id_hash)
                .bind(&s.username)
                .bind(&s.csrf_token)
                .bind(timestamp_text(s.created_at))
                .bind(timestamp_text(s.last_seen))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn reset_password(&self, username: &str, password_hash: &str) -> Result<bool, StoreError> {
                let mut tx = self.pool().begin().await?;
                let done = sqlx::query("UPDATE users SET password_hash = $2 WHERE username = $1")
                    .bind(username)
                    .bind(password_hash)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                for table in ["sessions", "failed_sign_ins"] {
                    let sql = format!("DELETE FROM {table} WHERE username = $1");
                    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(username).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn record_failed_sign_in(&self, username: &str, at: Timestamp) -> Result<(), StoreError> {
                sqlx::query("INSERT INTO failed_sign_ins (username, at) VALUES ($1, $2)")
                    .bind(username)
                    .bind(timestamp_text(at))
                    .execute(self.pool())
                    .await?;
                Ok(())
            }

            async fn failed_sign_ins(&self, username: &str, since: Timestamp) -> Result<Vec<Timestamp>, StoreError> {
                // Canonical fixed-width UTC text: text order is time order.
                let rows: Vec<(String,)> =
                    sqlx::query_as("SELECT at FROM failed_sign_ins WHERE username = $1 AND at >= $2 ORDER BY at")
                        .bind(username)
                        .bind(timestamp_text(since))
                        .fetch_all(self.pool())
                        .await?;
                rows.iter().map(|(t,)| time(t)).collect()
            }

            async fn claim_sign_in_attempt(
                &self,
                username: &str,
                at: Timestamp,
                since: Timestamp,
                locked: &LockRule,
            ) -> Result<Result<(), Vec<Timestamp>>, StoreError> {
                let mut tx = self.pool().begin().await?;
                // PostgreSQL: claims for one name queue here until the holder commits. SQLite:
                // the insert below takes the single write lock before the read.
                if let Some(sql) = $serialise {
                    sqlx::query(sql).bind(username).execute(&mut *tx).await?;
                }
                sqlx::query("DELETE FROM failed_sign_ins WHERE at < $1")
                    .bind(timestamp_text(since))
                    .execute(&mut *tx)
                    .await?;
                let claim = timestamp_text(at);
                sqlx::query("INSERT INTO failed_sign_ins (username, at) VALUES ($1, $2)")
                    .bind(username)
                    .bind(&claim)
                    .execute(&mut *tx)
                    .await?;
                let rows: Vec<(String,)> =
                    sqlx::query_as("SELECT at FROM failed_sign_ins WHERE username = $1 AND at >= $2 ORDER BY at")
                        .bind(username)
                        .bind(timestamp_text(since))
                        .fetch_all(&mut *tx)
                        .await?;
                let mut before = Vec::with_capacity(rows.len());
                let mut own = false;
                for (t,) in &rows {
                    if !own && *t == claim {
                        own = true;
                        continue;
                    }
                    before.push(time(t)?);
                }
                if locked(&before) {
                    tx.rollback().await?;
                    return Ok(Err(before));
                }
                tx.commit().await?;
                Ok(Ok(()))
            }

            async fn failed_sign_ins_since(&self, since: Timestamp) -> Result<Vec<(String, Timestamp)>, StoreError> {
                let rows: Vec<(String, String)> =
                    sqlx::query_as("SELECT username, at FROM failed_sign_ins WHERE at >= $1 ORDER BY username, at")
                        .bind(timestamp_text(since))
                        .fetch_all(self.pool())
                        .await?;
                rows.into_iter().map(|(u, t)| Ok((u, time(&t)?))).collect()
            }

            async fn clear_failed_sign_ins(&self, username: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM failed_sign_ins WHERE username = $1")
                    .bind(username)
                    .execute(self.pool())
                    .await?;
                Ok(())
            }

            async fn add_limited_access(&self, e: &LimitedAccess) -> Result<i64, StoreError> {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO limited_access (crn, kind, username, starts_on, ends_on, reason, added_by, added_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(e.crn.as_str())
                .bind(e.kind.as_str())
                .bind(&e.username)
                .bind(e.starts_on.to_string())
                .bind(e.ends_on.map(|d| d.to_string()))
                .bind(&e.reason)
                .bind(&e.added_by)
                .bind(timestamp_text(e.added_at))
                .fetch_one(self.pool())
                .await
                .map_err(|err| match &err {
                    sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                        StoreError::field("username", format!("username: there is no user `{}`", e.username))
                    }
                    _ => err.into(),
                })?;
                Ok(id)
            }

            async fn remove_limited_access(&self, id: i64) -> Result<bool, StoreError> {
                let done =
                    sqlx::query("DELETE FROM limited_access WHERE id = $1").bind(id).execute(self.pool()).await?;
                Ok(done.rows_affected() == 1)
            }

            async fn limited_access(&self) -> Result<Vec<LimitedAccess>, StoreError> {
                let sql = format!("SELECT {LIMIT_COLUMNS} FROM limited_access ORDER BY crn, id");
                let rows: Vec<LimitRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(self.pool()).await?;
                rows.into_iter().map(LimitRow::decode).collect()
            }

            async fn limited_access_for(&self, crn: &Crn) -> Result<Vec<LimitedAccess>, StoreError> {
                let sql = format!("SELECT {LIMIT_COLUMNS} FROM limited_access WHERE crn = $1 ORDER BY id");
                let rows: Vec<LimitRow> =
                    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(crn.as_str()).fetch_all(self.pool()).await?;
                rows.into_iter().map(LimitRow::decode).collect()
            }

            async fn limited_access_for_cases(&self, crns: &[Crn]) -> Result<Vec<LimitedAccess>, StoreError> {
                let rows: Vec<LimitRow> = self
                    .rows_where_in(LIMIT_COLUMNS, "limited_access", "crn", "id", crns.iter().map(Crn::as_str))
                    .await?;
                rows.into_iter().map(LimitRow::decode).collect()
            }

            async fn grant_cases(&self, username: &str, crns: &[Crn]) -> Result<(), StoreError> {
                let mut tx = self.pool().begin().await?;
                for c in crns {
                    sqlx::query("INSERT INTO case_grants (username, crn) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(username)
                        .bind(c.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn granted_cases(&self, username: &str) -> Result<Vec<Crn>, StoreError> {
                let rows: Vec<(String,)> =
                    sqlx::query_as("SELECT crn FROM case_grants WHERE username = $1 ORDER BY crn")
                        .bind(username)
                        .fetch_all(self.pool())
                        .await?;
                rows.iter().map(|(c,)| crn(c)).collect()
            }

            async fn record_read(&self, r: &CaseRead) -> Result<(), StoreError> {
                sqlx::query("INSERT INTO case_reads (crn, username, at, route) VALUES ($1, $2, $3, $4)")
                    .bind(r.crn.as_str())
                    .bind(&r.username)
                    .bind(timestamp_text(r.at))
                    .bind(&r.route)
                    .execute(self.pool())
                    .await?;
                Ok(())
            }

            async fn reads_of(&self, c: &Crn) -> Result<Vec<CaseRead>, StoreError> {
                let rows: Vec<ReadRow> =
                    sqlx::query_as("SELECT crn, username, at, route FROM case_reads WHERE crn = $1 ORDER BY at")
                        .bind(c.as_str())
                        .fetch_all(self.pool())
                        .await?;
                rows.into_iter()
                    .map(|r| Ok(CaseRead { crn: crn(&r.crn)?, at: time(&r.at)?, username: r.username, route: r.route }))
                    .collect()
            }
        }
    };
}

impl_access_store!(SqliteStore, None::<&'static str>);
impl_access_store!(PostgresStore, Some("SELECT pg_advisory_xact_lock(hashtext($1))"));
