//! Projects, their supervisors, and the sessions a week of them gives (docs/rules/practice.md#unpaid-work;
//! issue 5, "Projects and sessions").

use jiff::civil::{Date, DateTime, ISOWeekDate, Time, Weekday};
use serde::{Deserialize, Serialize};

use domain::ids::{Code, InvalidValue, Name, Note};
use domain::unpaid_work::WorkDay;

use crate::geo::LatLong;
use crate::model::{Id, Session};
use crate::policy::MAX_GROUP_PER_SUPERVISOR;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectKind {
    /// A supervised group: up to 10 people per supervisor.
    Group,
    /// An individual placement with a host organisation (a charity shop, a food bank).
    Placement,
    /// One person, alone with a supervisor: for people who cannot work in a group.
    Singleton,
}

impl ProjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectKind::Group => "group",
            ProjectKind::Placement => "placement",
            ProjectKind::Singleton => "singleton",
        }
    }

    pub fn parse(s: &str) -> Result<ProjectKind, InvalidValue> {
        match s {
            "group" => Ok(ProjectKind::Group),
            "placement" => Ok(ProjectKind::Placement),
            "singleton" => Ok(ProjectKind::Singleton),
            _ => Err(InvalidValue::new("kind", format!("`{s}` is not group, placement or singleton"))),
        }
    }
}

/// A day the project runs, and its hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectDay {
    pub day: WorkDay,
    pub start: Time,
    pub end: Time,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub code: Code,
    pub name: Name,
    pub kind: ProjectKind,
    pub borough: Code,
    /// Exactly where to meet (an address), and how to get there.
    pub meeting_point: Note,
    pub directions: Note,
    pub days: Vec<ProjectDay>,
    pub supervisor: Code,
    /// People per session.
    pub capacity: u32,
    pub women_only: bool,
    /// Step-free, suitable for people with limited mobility.
    pub accessible: bool,
    /// Education, training and employment (a course, a work placement): credit counts only
    /// up to 30% of the hours ordered (`policy::ETE_MAX_PERCENT`).
    #[serde(default)]
    pub ete: bool,
    /// The meeting point's coordinates, when recorded; otherwise journeys are measured from
    /// the borough's centre (`travel::meeting_place`).
    #[serde(default)]
    pub location: Option<LatLong>,
}

impl Project {
    /// Refuses a project that could over-book a session or run at impossible times.
    pub fn validate(&self) -> Result<(), InvalidValue> {
        let max = match self.kind {
            ProjectKind::Group => MAX_GROUP_PER_SUPERVISOR,
            ProjectKind::Placement => MAX_GROUP_PER_SUPERVISOR,
            ProjectKind::Singleton => 1,
        };
        if !(1..=max).contains(&self.capacity) {
            return Err(InvalidValue::new(
                "capacity",
                format!(
                    "a {} project takes 1 to {max} people per supervisor, not {}",
                    self.kind.as_str(),
                    self.capacity
                ),
            ));
        }
        if self.days.is_empty() {
            return Err(InvalidValue::new("days", "a project runs on at least one day"));
        }
        if let Some(at) = self.location {
            LatLong::new(at.lat, at.long)?;
        }
        for (i, d) in self.days.iter().enumerate() {
            if d.end <= d.start {
                return Err(InvalidValue::new(
                    "days",
                    format!("{:?}: end {} is not after start {}", d.day, d.end, d.start),
                ));
            }
            if self.days[..i].iter().any(|e| e.day == d.day) {
                return Err(InvalidValue::new("days", format!("{:?} is listed twice", d.day)));
            }
        }
        Ok(())
    }

    /// Whether the session takes only singleton placements.
    pub fn singleton(&self) -> bool {
        self.kind == ProjectKind::Singleton
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Supervisor {
    pub code: Code,
    pub name: Name,
    /// The number people call about their session: the supervisor's work mobile.
    pub phone: Phone,
    /// Days the supervisor works.
    pub days: Vec<WorkDay>,
}

/// A UK phone number: digits and spaces, optionally a leading `+`, 10 to 13 digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Phone, InvalidValue> {
        let body = raw.strip_prefix('+').unwrap_or(raw);
        let digits = body.bytes().filter(u8::is_ascii_digit).count();
        if body.bytes().all(|c| c.is_ascii_digit() || c == b' ') && (10..=13).contains(&digits) {
            Ok(Phone(raw.to_string()))
        } else {
            Err(InvalidValue::new("phone", format!("`{raw}` is not a phone number (10 to 13 digits)")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Phone {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Phone::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

/// One session of a project on a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedSession {
    /// `{project}-{YYYYMMDD}`: one session per project per day.
    pub id: String,
    pub project: Code,
    pub supervisor: Code,
    pub start: DateTime,
    pub end: DateTime,
    pub capacity: u32,
    pub women_only: bool,
    pub singleton: bool,
    /// The project is education, training and employment.
    #[serde(default)]
    pub ete: bool,
}

impl PlannedSession {
    pub fn minutes(&self) -> u32 {
        (self.end.duration_since(self.start).as_secs() / 60) as u32
    }

    /// The solver's view of the session; credited hours are the whole session (docs/rules/practice.md#unpaid-work:
    /// credit is end - start less penalties, which only the day can tell).
    pub fn to_session(&self) -> Session {
        Session {
            id: Id::Text(self.id.clone()),
            project: Id::Text(self.project.to_string()),
            start: self.start,
            end: self.end,
            hours: f64::from(self.minutes()) / 60.0,
            capacity: self.capacity,
            women_only: self.women_only,
            singleton: self.singleton,
        }
    }
}

pub fn session_id(project: &Code, on: Date) -> String {
    format!("{project}-{:04}{:02}{:02}", on.year(), on.month(), on.day())
}

/// The date a session id names (`{project}-{YYYYMMDD}`), if it is shaped like one.
pub fn session_date(id: &str) -> Option<Date> {
    let (_, ymd) = id.rsplit_once('-')?;
    if ymd.len() != 8 || !ymd.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Date::new(ymd[0..4].parse().ok()?, ymd[4..6].parse().ok()?, ymd[6..8].parse().ok()?).ok()
}

/// The Monday of the week a date falls in.
pub fn monday_of(d: Date) -> Date {
    d.checked_sub(jiff::Span::new().days(i64::from(d.weekday().to_monday_zero_offset()))).expect("in range")
}

/// Parses an ISO week `YYYY-Www` into its Monday.
pub fn parse_iso_week(s: &str) -> Result<Date, InvalidValue> {
    let bad = || InvalidValue::new("week", format!("`{s}` is not an ISO week like 2026-W48"));
    let (y, w) = s.split_once("-W").ok_or_else(bad)?;
    let year: i16 = y.parse().map_err(|_| bad())?;
    let week: i8 = w.parse().map_err(|_| bad())?;
    if y.len() != 4 || w.len() != 2 {
        return Err(bad());
    }
    ISOWeekDate::new(year, week, Weekday::Monday).map(|d| d.date()).map_err(|_| bad())
}

/// The week's sessions, and the ones that cannot run (supervisor not working or absent).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WeekSessions {
    pub sessions: Vec<PlannedSession>,
    pub without_supervisor: Vec<PlannedSession>,
}

/// Generates the sessions of a week (from its Monday) from the projects' days. A session runs
/// only when its supervisor works that day and is not absent: a session without a supervisor
/// is exactly what got people stood down in 2018.
pub fn sessions_for_week(
    projects: &[Project],
    supervisors: &[Supervisor],
    absences: &[(Code, Date)],
    monday: Date,
) -> WeekSessions {
    let mut week = WeekSessions::default();
    for p in projects {
        let supervisor = supervisors.iter().find(|s| s.code == p.supervisor);
        for d in &p.days {
            let on = monday.checked_add(jiff::Span::new().days(i64::from(d.day.index()))).expect("in range");
            let session = PlannedSession {
                id: session_id(&p.code, on),
                project: p.code.clone(),
                supervisor: p.supervisor.clone(),
                start: on.to_datetime(d.start),
                end: on.to_datetime(d.end),
                capacity: p.capacity,
                women_only: p.women_only,
                singleton: p.singleton(),
                ete: p.ete,
            };
            let staffed = supervisor.is_some_and(|s| s.days.contains(&d.day))
                && !absences.iter().any(|(c, a)| c == &p.supervisor && *a == on);
            if staffed { week.sessions.push(session) } else { week.without_supervisor.push(session) }
        }
    }
    week
}
