//! Unpaid work: supervisors and their absences, projects, the sessions of each week, the
//! allocations of people to sessions, and stand-downs for MI. Kept apart from
//! [`crate::CaseStore`]: the case log holds each person's appointments and outcomes; these
//! tables are the schedule those appointments come from.
//!
//! Invariants kept here: no session is ever over capacity (an allocation takes a place with
//! a guarded `UPDATE` in its transaction, and a `CHECK` backs it); nobody has two sessions on
//! one day; a project that could over-book (a group over 10 per supervisor) is refused.

use crate::corrupt;
use crate::{PostgresStore, SqliteStore, StoreError};
use domain::ids::{Code, Crn, LocalId, Name, Note};
use domain::unpaid_work::WorkDay;
use jiff::civil::{Date, DateTime};
use std::future::Future;
use upw::allocate::Recurrence;
use upw::policy::AbsenceNotice;
use upw::project::{Phone, PlannedSession, Project, ProjectDay, ProjectKind, Supervisor};
use upw::travel::LatLong;

/// A person's place on a session.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Allocation {
    pub session: String,
    pub crn: Crn,
    /// The `AppointmentBooked` on the case that this allocation made.
    pub appointment: LocalId,
    pub on: Date,
    /// Whether the place carries into later weeks (`upw::week` carries it when scheduling).
    pub recurrence: Recurrence,
}

/// A stand-down, for MI: who, which session, what they were credited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandDownRecord {
    pub session: String,
    pub crn: Crn,
    pub appointment: LocalId,
    pub on: Date,
    pub notice: AbsenceNotice,
    pub credited_minutes: u32,
}

/// A session as stored, with its places taken.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSession {
    pub session: PlannedSession,
    pub booked: u32,
}

#[dynosaur::dynosaur(pub DynUpwStore = dyn(box) UpwStore)]
pub trait UpwStore: Send + Sync {
    fn put_supervisor(&self, s: &Supervisor) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn supervisors(&self) -> impl Future<Output = Result<Vec<Supervisor>, StoreError>> + Send;
    /// Records that a supervisor cannot work on a date (idempotent).
    fn record_absence(&self, supervisor: &Code, on: Date) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Absences from `from` to `to` inclusive.
    fn absences(&self, from: Date, to: Date) -> impl Future<Output = Result<Vec<(Code, Date)>, StoreError>> + Send;
    /// Adds or replaces a project; refused (naming the field) if it is invalid or its
    /// supervisor is unknown.
    fn put_project(&self, p: &Project) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn projects(&self) -> impl Future<Output = Result<Vec<Project>, StoreError>> + Send;
    /// Adds sessions, or updates their times and capacity. Refused (whole) if a capacity
    /// would fall below the places already taken: release people first.
    fn put_sessions(&self, sessions: &[PlannedSession]) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn session(&self, id: &str) -> impl Future<Output = Result<Option<StoredSession>, StoreError>> + Send;
    /// Sessions from `from` to `to` inclusive (by their start), with places taken.
    fn sessions_between(
        &self,
        from: Date,
        to: Date,
    ) -> impl Future<Output = Result<Vec<StoredSession>, StoreError>> + Send;
    /// Takes a place, in one transaction; refused when the session is full or the person
    /// already has a session that day.
    fn allocate(&self, a: &Allocation) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Gives a place back; false when there was no such allocation.
    fn release(&self, session: &str, crn: &Crn) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Allocations on sessions from `from` to `to` inclusive, by date, session, CRN.
    fn allocations(&self, from: Date, to: Date) -> impl Future<Output = Result<Vec<Allocation>, StoreError>> + Send;
    fn record_stand_down(&self, r: &StandDownRecord) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn stand_downs(&self) -> impl Future<Output = Result<Vec<StandDownRecord>, StoreError>> + Send;
    /// The appointments made on sessions of education, training and employment projects
    /// (places held, and places stood down), of one person or of everyone: their credit
    /// counts only up to 30% of the hours ordered (`upw::credit`).
    fn ete_appointments(
        &self,
        crn: Option<&Crn>,
    ) -> impl Future<Output = Result<Vec<(Crn, LocalId)>, StoreError>> + Send;
    /// The active cases whose sentence carries an unpaid work requirement: the only case
    /// histories the weekly schedule needs to read. A superset (an order whose hours are all
    /// done is listed until its sentence ends); never misses a case.
    fn upw_cases(&self) -> impl Future<Output = Result<Vec<Crn>, StoreError>> + Send;
}

fn days_text(days: &[WorkDay]) -> String {
    serde_json::to_string(days).expect("days serialise")
}

fn days_parse(s: &str) -> Result<Vec<WorkDay>, StoreError> {
    serde_json::from_str(s).map_err(|e| corrupt("upw days", e))
}

fn date(s: &str) -> Result<Date, StoreError> {
    s.parse().map_err(|e| corrupt("upw date", e))
}

fn datetime(s: &str) -> Result<DateTime, StoreError> {
    s.parse().map_err(|e| corrupt("upw time", e))
}

fn recurrence(s: &str) -> Result<Recurrence, StoreError> {
    Recurrence::parse(s).map_err(|e| corrupt("upw_allocations recurrence", e))
}

fn notice_text(n: AbsenceNotice) -> &'static str {
    match n {
        AbsenceNotice::Advance => "advance",
        AbsenceNotice::OnTheDay => "on_the_day",
    }
}

/// Sortable local time text, `YYYY-MM-DDTHH:MM:SS`.
fn time_text(t: DateTime) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

#[derive(sqlx::FromRow)]
struct SupervisorRow {
    code: String,
    name: String,
    phone: String,
    days: String,
}

impl SupervisorRow {
    fn decode(self) -> Result<Supervisor, StoreError> {
        Ok(Supervisor {
            code: Code::parse(&self.code).map_err(|e| corrupt("upw_supervisors", e))?,
            name: Name::parse(&self.name).map_err(|e| corrupt("upw_supervisors", e))?,
            phone: Phone::parse(&self.phone).map_err(|e| corrupt("upw_supervisors", e))?,
            days: days_parse(&self.days)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ProjectRow {
    code: String,
    name: String,
    kind: String,
    borough: String,
    meeting_point: String,
    directions: String,
    days: String,
    supervisor: String,
    capacity: i64,
    women_only: bool,
    accessible: bool,
    ete: bool,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

impl ProjectRow {
    fn decode(self) -> Result<Project, StoreError> {
        let c = |e| corrupt(&format!("upw_projects {}", self.code), e);
        Ok(Project {
            code: Code::parse(&self.code).map_err(c)?,
            name: Name::parse(&self.name).map_err(c)?,
            kind: ProjectKind::parse(&self.kind).map_err(c)?,
            borough: Code::parse(&self.borough).map_err(c)?,
            meeting_point: Note::parse(&self.meeting_point).map_err(c)?,
            directions: Note::parse(&self.directions).map_err(c)?,
            days: serde_json::from_str::<Vec<ProjectDay>>(&self.days).map_err(|e| corrupt("upw_projects days", e))?,
            supervisor: Code::parse(&self.supervisor).map_err(c)?,
            capacity: self.capacity as u32,
            women_only: self.women_only,
            accessible: self.accessible,
            ete: self.ete,
            location: match (self.latitude, self.longitude) {
                (Some(lat), Some(long)) => Some(LatLong::new(lat, long).map_err(c)?),
                _ => None,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: String,
    project: String,
    supervisor: String,
    starts_at: String,
    ends_at: String,
    capacity: i64,
    booked: i64,
    women_only: bool,
    kind: String,
    ete: bool,
}

impl SessionRow {
    fn decode(self) -> Result<StoredSession, StoreError> {
        let c = |e| corrupt(&format!("upw_sessions {}", self.id), e);
        Ok(StoredSession {
            session: PlannedSession {
                id: self.id.clone(),
                project: Code::parse(&self.project).map_err(c)?,
                supervisor: Code::parse(&self.supervisor).map_err(c)?,
                start: datetime(&self.starts_at)?,
                end: datetime(&self.ends_at)?,
                capacity: self.capacity as u32,
                women_only: self.women_only,
                singleton: ProjectKind::parse(&self.kind).map_err(c)? == ProjectKind::Singleton,
                ete: self.ete,
            },
            booked: self.booked as u32,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AllocationRow {
    session: String,
    crn: String,
    appointment: String,
    on_date: String,
    recurrence: String,
}

impl AllocationRow {
    fn decode(self) -> Result<Allocation, StoreError> {
        Ok(Allocation {
            session: self.session,
            crn: Crn::parse(&self.crn).map_err(|e| corrupt("upw_allocations", e))?,
            appointment: LocalId::parse(&self.appointment).map_err(|e| corrupt("upw_allocations", e))?,
            on: date(&self.on_date)?,
            recurrence: recurrence(&self.recurrence)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct StandDownRow {
    session: String,
    crn: String,
    appointment: String,
    on_date: String,
    notice: String,
    credited_minutes: i64,
}

macro_rules! impl_upw_store {
    ($store:ty) => {
        impl UpwStore for $store {
            async fn put_supervisor(&self, s: &Supervisor) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO upw_supervisors (code, name, phone, days) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, phone = excluded.phone, days = excluded.days",
                )
                .bind(s.code.as_str())
                .bind(s.name.as_str())
                .bind(s.phone.as_str())
                .bind(days_text(&s.days))
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn supervisors(&self) -> Result<Vec<Supervisor>, StoreError> {
                let rows: Vec<SupervisorRow> =
                    sqlx::query_as("SELECT code, name, phone, days FROM upw_supervisors ORDER BY code")
                        .fetch_all(self.pool())
                        .await?;
                rows.into_iter().map(SupervisorRow::decode).collect()
            }

            async fn record_absence(&self, supervisor: &Code, on: Date) -> Result<(), StoreError> {
                let known: Option<String> = sqlx::query_scalar("SELECT code FROM upw_supervisors WHERE code = $1")
                    .bind(supervisor.as_str())
                    .fetch_optional(self.pool())
                    .await?;
                if known.is_none() {
                    return Err(StoreError::field("supervisor", format!("supervisor: no unpaid work supervisor {supervisor}")));
                }
                sqlx::query(
                    "INSERT INTO upw_supervisor_absences (supervisor, on_date) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(supervisor.as_str())
                .bind(on.to_string())
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn absences(&self, from: Date, to: Date) -> Result<Vec<(Code, Date)>, StoreError> {
                let rows: Vec<(String, String)> = sqlx::query_as(
                    "SELECT supervisor, on_date FROM upw_supervisor_absences WHERE on_date >= $1 AND on_date <= $2 \
                     ORDER BY on_date, supervisor",
                )
                .bind(from.to_string())
                .bind(to.to_string())
                .fetch_all(self.pool())
                .await?;
                rows.into_iter()
                    .map(|(c, d)| Ok((Code::parse(&c).map_err(|e| corrupt("upw_supervisor_absences", e))?, date(&d)?)))
                    .collect()
            }

            async fn put_project(&self, p: &Project) -> Result<(), StoreError> {
                p.validate().map_err(|e| StoreError::Invalid(format!("project {}: {e}", p.code)))?;
                let known: Option<String> = sqlx::query_scalar("SELECT code FROM upw_supervisors WHERE code = $1")
                    .bind(p.supervisor.as_str())
                    .fetch_optional(self.pool())
                    .await?;
                if known.is_none() {
                    return Err(StoreError::Invalid(format!(
                        "project {}: supervisor: no unpaid work supervisor {}",
                        p.code, p.supervisor
                    )));
                }
                sqlx::query(
                    "INSERT INTO upw_projects (code, name, kind, borough, meeting_point, directions, days, supervisor, \
                     capacity, women_only, accessible, ete, latitude, longitude) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, \
                     borough = excluded.borough, meeting_point = excluded.meeting_point, \
                     directions = excluded.directions, days = excluded.days, supervisor = excluded.supervisor, \
                     capacity = excluded.capacity, women_only = excluded.women_only, accessible = excluded.accessible, \
                     ete = excluded.ete, latitude = excluded.latitude, longitude = excluded.longitude",
                )
                .bind(p.code.as_str())
                .bind(p.name.as_str())
                .bind(p.kind.as_str())
                .bind(p.borough.as_str())
                .bind(p.meeting_point.as_str())
                .bind(p.directions.as_str())
                .bind(serde_json::to_string(&p.days).expect("days serialise"))
                .bind(p.supervisor.as_str())
                .bind(i64::from(p.capacity))
                .bind(p.women_only)
                .bind(p.accessible)
                .bind(p.ete)
                .bind(p.location.map(|l| l.lat))
                .bind(p.location.map(|l| l.long))
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn projects(&self) -> Result<Vec<Project>, StoreError> {
                let rows: Vec<ProjectRow> = sqlx::query_as(
                    "SELECT code, name, kind, borough, meeting_point, directions, days, supervisor, capacity, \
                     women_only, accessible, ete, latitude, longitude FROM upw_projects ORDER BY code",
                )
                .fetch_all(self.pool())
                .await?;
                rows.into_iter().map(ProjectRow::decode).collect()
            }

            async fn put_sessions(&self, sessions: &[PlannedSession]) -> Result<(), StoreError> {
                let mut tx = self.pool().begin().await?;
                for s in sessions {
                    let booked: Option<i64> = sqlx::query_scalar("SELECT booked FROM upw_sessions WHERE id = $1")
                        .bind(s.id.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                    if booked.is_some_and(|b| b > i64::from(s.capacity)) {
                        return Err(StoreError::Invalid(format!(
                            "session {}: capacity {} is below the {} places taken",
                            s.id,
                            s.capacity,
                            booked.unwrap_or_default()
                        )));
                    }
                    sqlx::query(
                        "INSERT INTO upw_sessions (id, project, supervisor, starts_at, ends_at, capacity) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET supervisor = excluded.supervisor, \
                         starts_at = excluded.starts_at, ends_at = excluded.ends_at, capacity = excluded.capacity",
                    )
                    .bind(s.id.as_str())
                    .bind(s.project.as_str())
                    .bind(s.supervisor.as_str())
                    .bind(time_text(s.start))
                    .bind(time_text(s.end))
                    .bind(i64::from(s.capacity))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn session(&self, id: &str) -> Result<Option<StoredSession>, StoreError> {
                let row: Option<SessionRow> = sqlx::query_as(
                    "SELECT s.id, s.project, s.supervisor, s.starts_at, s.ends_at, s.capacity, s.booked, \
                     p.women_only, p.kind, p.ete FROM upw_sessions s JOIN upw_projects p ON p.code = s.project \
                     WHERE s.id = $1",
                )
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
                row.map(SessionRow::decode).transpose()
            }

            async fn sessions_between(&self, from: Date, to: Date) -> Result<Vec<StoredSession>, StoreError> {
                let end = to.checked_add(jiff::Span::new().days(1)).map_err(|e| corrupt("upw date", e))?;
                let rows: Vec<SessionRow> = sqlx::query_as(
                    "SELECT s.id, s.project, s.supervisor, s.starts_at, s.ends_at, s.capacity, s.booked, \
                     p.women_only, p.kind, p.ete FROM upw_sessions s JOIN upw_projects p ON p.code = s.project \
                     WHERE s.starts_at >= $1 AND s.starts_at < $2 ORDER BY s.starts_at, s.id",
                )
                .bind(from.to_string())
                .bind(end.to_string())
                .fetch_all(self.pool())
                .await?;
                rows.into_iter().map(SessionRow::decode).collect()
            }

            async fn allocate(&self, a: &Allocation) -> Result<(), StoreError> {
                let mut tx = self.pool().begin().await?;
                // Taking the place first locks the session row, so two allocators of the last
                // place cannot both pass.
                let taken = sqlx::query("UPDATE upw_sessions SET booked = booked + 1 WHERE id = $1 AND booked < capacity")
                    .bind(a.session.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if taken == 0 {
                    let capacity: Option<i64> = sqlx::query_scalar("SELECT capacity FROM upw_sessions WHERE id = $1")
                        .bind(a.session.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                    return Err(StoreError::field("session", match capacity {
                        None => format!("session: no unpaid work session {}", a.session),
                        Some(c) => format!("session: {} is full ({c} places); {} is not allocated", a.session, a.crn),
                    }));
                }
                let same_day: Option<String> =
                    sqlx::query_scalar("SELECT session FROM upw_allocations WHERE crn = $1 AND on_date = $2")
                        .bind(a.crn.as_str())
                        .bind(a.on.to_string())
                        .fetch_optional(&mut *tx)
                        .await?;
                if let Some(other) = same_day {
                    return Err(StoreError::field(
                        "crn",
                        format!("crn: {} already has session {other} on {}; one session a day",
                        a.crn, a.on
                    )));
                }
                sqlx::query(
                    "INSERT INTO upw_allocations (session, crn, appointment, on_date, recurrence) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(a.session.as_str())
                .bind(a.crn.as_str())
                .bind(a.appointment.as_str())
                .bind(a.on.to_string())
                .bind(a.recurrence.as_str())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn release(&self, session: &str, crn: &Crn) -> Result<bool, StoreError> {
                let mut tx = self.pool().begin().await?;
                let gone = sqlx::query("DELETE FROM upw_allocations WHERE session = $1 AND crn = $2")
                    .bind(session)
                    .bind(crn.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if gone > 0 {
                    sqlx::query("UPDATE upw_sessions SET booked = booked - 1 WHERE id = $1")
                        .bind(session)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(gone > 0)
            }

            async fn allocations(&self, from: Date, to: Date) -> Result<Vec<Allocation>, StoreError> {
                let rows: Vec<AllocationRow> = sqlx::query_as(
                    "SELECT session, crn, appointment, on_date, recurrence FROM upw_allocations \
                     WHERE on_date >= $1 AND on_date <= $2 ORDER BY on_date, session, crn",
                )
                .bind(from.to_string())
                .bind(to.to_string())
                .fetch_all(self.pool())
                .await?;
                rows.into_iter().map(AllocationRow::decode).collect()
            }

            async fn record_stand_down(&self, r: &StandDownRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO upw_stand_downs (session, crn, appointment, on_date, notice, credited_minutes) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                )
                .bind(r.session.as_str())
                .bind(r.crn.as_str())
                .bind(r.appointment.as_str())
                .bind(r.on.to_string())
                .bind(notice_text(r.notice))
                .bind(i64::from(r.credited_minutes))
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn stand_downs(&self) -> Result<Vec<StandDownRecord>, StoreError> {
                let rows: Vec<StandDownRow> = sqlx::query_as(
                    "SELECT session, crn, appointment, on_date, notice, credited_minutes FROM upw_stand_downs \
                     ORDER BY on_date, session, crn",
                )
                .fetch_all(self.pool())
                .await?;
                rows.into_iter()
                    .map(|r| {
                        Ok(StandDownRecord {
                            crn: Crn::parse(&r.crn).map_err(|e| corrupt("upw_stand_downs", e))?,
                            appointment: LocalId::parse(&r.appointment).map_err(|e| corrupt("upw_stand_downs", e))?,
                            on: date(&r.on_date)?,
                            notice: match r.notice.as_str() {
                                "advance" => AbsenceNotice::Advance,
                                "on_the_day" => AbsenceNotice::OnTheDay,
                                other => return Err(corrupt("upw_stand_downs notice", other)),
                            },
                            credited_minutes: r.credited_minutes as u32,
                            session: r.session,
                        })
                    })
                    .collect()
            }

            async fn ete_appointments(&self, crn: Option<&Crn>) -> Result<Vec<(Crn, LocalId)>, StoreError> {
                // `$1 IS NULL` would need a typed NULL on PostgreSQL: an empty text means everyone.
                let who = crn.map_or("", |c| c.as_str());
                let rows: Vec<(String, String)> = sqlx::query_as(
                    "SELECT a.crn, a.appointment FROM upw_allocations a \
                     JOIN upw_sessions s ON s.id = a.session JOIN upw_projects p ON p.code = s.project \
                     WHERE p.ete AND (a.crn = $1 OR $1 = '') \
                     UNION \
                     SELECT d.crn, d.appointment FROM upw_stand_downs d \
                     JOIN upw_sessions s ON s.id = d.session JOIN upw_projects p ON p.code = s.project \
                     WHERE p.ete AND (d.crn = $1 OR $1 = '') \
                     ORDER BY 1, 2",
                )
                .bind(who)
                .fetch_all(self.pool())
                .await?;
                rows.into_iter()
                    .map(|(c, a)| {
                        Ok((
                            Crn::parse(&c).map_err(|e| corrupt("upw_allocations", e))?,
                            LocalId::parse(&a).map_err(|e| corrupt("upw_allocations", e))?,
                        ))
                    })
                    .collect()
            }

            async fn upw_cases(&self) -> Result<Vec<Crn>, StoreError> {
                // Requirements arrive only with `sentence_imposed`; its payload names the kind
                // `unpaid_work`. Matching the text may list a case too many (the word elsewhere
                // in the payload), which the fold then drops; it cannot miss one.
                let rows: Vec<String> = sqlx::query_scalar(
                    "SELECT c.crn FROM case_summary c WHERE c.active AND EXISTS (SELECT 1 FROM events e \
                     WHERE e.crn = c.crn AND e.event_type = 'sentence_imposed' AND e.payload LIKE '%unpaid_work%') \
                     ORDER BY c.crn",
                )
                .fetch_all(self.pool())
                .await?;
                rows.iter().map(|c| Crn::parse(c).map_err(|e| corrupt("case_summary", e))).collect()
            }
        }
    };
}

impl_upw_store!(SqliteStore);
impl_upw_store!(PostgresStore);
