//! The instance: people, sessions and travel for one week, validated on the way in.
//!
//! The JSON shape is the one in docs/rules/practice.md#the-scheduling-problem. Parsing walks a
//! `serde_json::Value` by hand rather than deriving `Deserialize`, so that every error can
//! name the exact field and index (`sessions[3].end: end before start`): an operator fixing
//! an instance by hand needs the row, not a byte offset.
//!
//! Every field docs/rules/practice.md#the-scheduling-problem lists is required, including the booleans: a misspelt
//! `women_only` must not silently become `false`, because women-only and singleton
//! placements are safeguarding decisions. Fields docs/rules/practice.md#the-scheduling-problem does not list are
//! ignored, so the store can add descriptive fields (a borough, a name) without breaking the solver.

use std::collections::{HashMap, HashSet};
use std::fmt;

use jiff::civil::{Date, DateTime, ISOWeekDate, Time, Weekday};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

/// Upper bound on `weight`: keeps scaled integer profits far from overflow (see `solve`).
pub const MAX_WEIGHT: f64 = 1.0e6;
/// Upper bound on a travel `cost`, for the same reason.
pub const MAX_COST: f64 = 1.0e6;

/// An identifier as it appeared in the input: a string or an integer. Kept as given so
/// the output echoes the caller's ids unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Id {
    Int(i64),
    Text(String),
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Id::Int(n) => write!(f, "{n}"),
            Id::Text(s) => write!(f, "{s:?}"),
        }
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Self {
        Id::Text(s.to_string())
    }
}

impl From<String> for Id {
    fn from(s: String) -> Self {
        Id::Text(s)
    }
}

impl From<i64> for Id {
    fn from(n: i64) -> Self {
        Id::Int(n)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Gender {
    F,
    M,
}

impl Gender {
    fn as_str(self) -> &'static str {
        match self {
            Gender::F => "F",
            Gender::M => "M",
        }
    }
}

/// A day of the week, Monday = 0, as `available_days` spells it (`"mon"`..`"sun"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Day(pub u8);

impl Day {
    pub const NAMES: [&'static str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    pub fn parse(s: &str) -> Option<Day> {
        Self::NAMES.iter().position(|n| *n == s).map(|i| Day(i as u8))
    }

    pub fn name(self) -> &'static str {
        Self::NAMES[self.0 as usize]
    }

    pub fn of(date: Date) -> Day {
        Day(date.weekday().to_monday_zero_offset() as u8)
    }

    /// The `Person::available_days` bit set for a list of days.
    pub fn mask(days: impl IntoIterator<Item = Day>) -> u8 {
        days.into_iter().fold(0, |m, d| m | (1 << (d.0 % 7)))
    }
}

/// A person with an unpaid work requirement who may be placed this week.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: Id,
    pub gender: Gender,
    /// Urgency: how much an hour of this person's work is worth this week.
    pub weight: f64,
    pub max_sessions: u32,
    /// Bit `d` set means the person can work on day `d` (Monday = 0); see `Day::mask`.
    pub available_days: u8,
    /// Needs a women-only placement.
    pub women_only: bool,
    /// Needs a singleton (individual) placement.
    pub singleton: bool,
    /// Other appointments (DRR reviews, work, childcare); half-open `[start, end)`.
    pub busy: Vec<(DateTime, DateTime)>,
}

impl Person {
    pub fn available_on(&self, day: Day) -> bool {
        self.available_days & (1 << day.0) != 0
    }
}

/// One session of a project: a supervised group (or an individual placement) at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: Id,
    pub project: Id,
    pub start: DateTime,
    pub end: DateTime,
    /// Hours credited for attending (may be less than end - start, e.g. a lunch break).
    pub hours: f64,
    pub capacity: u32,
    pub women_only: bool,
    pub singleton: bool,
}

impl Session {
    /// The calendar day the session belongs to: the day it starts.
    pub fn day(&self) -> Day {
        Day::of(self.start.date())
    }

    /// Half-open intervals: a session ending at 12:00 does not clash with a 12:00 review.
    pub fn overlaps(&self, start: DateTime, end: DateTime) -> bool {
        self.start < end && start < self.end
    }
}

/// The cost of a person getting to a project; only listed pairs are feasible.
#[derive(Debug, Clone, PartialEq)]
pub struct Travel {
    pub person: Id,
    pub project: Id,
    pub cost: f64,
}

/// A person-session pair: an assignment in a solution, or a previous one to keep.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Assignment {
    pub person: Id,
    pub session: Id,
}

/// A bad instance: which field (with its index) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InstanceError {
    /// Path of the offending field, e.g. `sessions[3].end`.
    pub field: String,
    pub message: String,
}

fn err<T>(field: impl Into<String>, message: impl Into<String>) -> Result<T, InstanceError> {
    Err(InstanceError { field: field.into(), message: message.into() })
}

/// A validated weekly scheduling instance.
///
/// Only `Instance::new` and `Instance::from_json` build one, so `solve` can rely on ids
/// being unique, references resolving and times being ordered.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    week: String,
    week_start: Date,
    people: Vec<Person>,
    sessions: Vec<Session>,
    travel: Vec<Travel>,
    previous: Vec<Assignment>,
}

impl Instance {
    /// Validates and builds an instance.
    ///
    /// `week` is the first day of the week (`YYYY-MM-DD`) or an ISO week (`YYYY-Www`,
    /// meaning its Monday); every session must start within the 7 days from there.
    /// `previous` is the last published schedule (the stability extension); pairs naming
    /// a person or session no longer in the instance are dropped, since a re-run after a
    /// session is cancelled must still work.
    pub fn new(
        week: impl Into<String>,
        people: Vec<Person>,
        sessions: Vec<Session>,
        travel: Vec<Travel>,
        previous: Vec<Assignment>,
    ) -> Result<Instance, InstanceError> {
        let week = week.into();
        let week_start = parse_week(&week).ok_or_else(|| InstanceError {
            field: "week".into(),
            message: format!("{week:?} is not a date YYYY-MM-DD or an ISO week YYYY-Www"),
        })?;

        let mut person_ids: HashMap<&Id, usize> = HashMap::new();
        for (i, p) in people.iter().enumerate() {
            let f = |name: &str| format!("people[{i}].{name}");
            if let Some(first) = person_ids.insert(&p.id, i) {
                return err(f("id"), format!("duplicate id {} (first at people[{first}])", p.id));
            }
            if !(p.weight.is_finite() && (0.0..=MAX_WEIGHT).contains(&p.weight)) {
                return err(f("weight"), format!("must be a number from 0 to {MAX_WEIGHT}, got {}", p.weight));
            }
            if p.available_days & 0x80 != 0 {
                return err(f("available_days"), "unknown weekday");
            }
            for (k, &(s, e)) in p.busy.iter().enumerate() {
                if e <= s {
                    return err(
                        format!("people[{i}].busy[{k}]"),
                        format!("end {} is not after start {}", fmt_time(e), fmt_time(s)),
                    );
                }
            }
        }

        let mut session_ids: HashMap<&Id, usize> = HashMap::new();
        let mut projects: HashSet<&Id> = HashSet::new();
        for (j, s) in sessions.iter().enumerate() {
            let f = |name: &str| format!("sessions[{j}].{name}");
            if let Some(first) = session_ids.insert(&s.id, j) {
                return err(f("id"), format!("duplicate id {} (first at sessions[{first}])", s.id));
            }
            projects.insert(&s.project);
            if s.end <= s.start {
                return err(
                    f("end"),
                    format!("end before start ({} is not after {})", fmt_time(s.end), fmt_time(s.start)),
                );
            }
            let offset = s.start.date().duration_since(week_start).as_hours() / 24;
            if !(0..7).contains(&offset) {
                return err(f("start"), format!("{} is outside the week starting {week_start}", fmt_time(s.start)));
            }
            let length = s.end.duration_since(s.start).as_secs_f64() / 3600.0;
            if !(s.hours.is_finite() && s.hours > 0.0 && s.hours <= length + 1e-9) {
                return err(
                    f("hours"),
                    format!("must be more than 0 and at most the session length ({length} h), got {}", s.hours),
                );
            }
        }

        let mut pairs: HashMap<(&Id, &Id), usize> = HashMap::new();
        for (k, t) in travel.iter().enumerate() {
            let f = |name: &str| format!("travel[{k}].{name}");
            if !person_ids.contains_key(&t.person) {
                return err(f("person"), format!("unknown person {}", t.person));
            }
            if !projects.contains(&t.project) {
                return err(f("project"), format!("unknown project {} (no session names it)", t.project));
            }
            if !(t.cost.is_finite() && (0.0..=MAX_COST).contains(&t.cost)) {
                return err(f("cost"), format!("must be a number from 0 to {MAX_COST}, got {}", t.cost));
            }
            if let Some(first) = pairs.insert((&t.person, &t.project), k) {
                return err(
                    f("project"),
                    format!("duplicate pair person {} project {} (first at travel[{first}])", t.person, t.project),
                );
            }
        }

        let mut seen = HashSet::new();
        let previous: Vec<Assignment> = previous
            .into_iter()
            .filter(|a| person_ids.contains_key(&a.person) && session_ids.contains_key(&a.session))
            .filter(|a| seen.insert(a.clone()))
            .collect();

        Ok(Instance { week, week_start, people, sessions, travel, previous })
    }

    /// Parses and validates an instance in the docs/rules/practice.md#the-scheduling-problem format (plus optional
    /// `previous`).
    pub fn from_json(text: &str) -> Result<Instance, InstanceError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| InstanceError { field: "instance".into(), message: format!("not valid JSON: {e}") })?;
        Self::from_value(&value)
    }

    /// As `from_json`, from an already parsed JSON value.
    pub fn from_value(value: &Value) -> Result<Instance, InstanceError> {
        let root = object(value, "instance")?;
        let week = string(root, "instance", "week")?.to_string();

        let mut people = Vec::new();
        for (i, v) in array(root, "instance", "people")?.iter().enumerate() {
            people.push(parse_person(v, &format!("people[{i}]"))?);
        }
        let mut sessions = Vec::new();
        for (j, v) in array(root, "instance", "sessions")?.iter().enumerate() {
            sessions.push(parse_session(v, &format!("sessions[{j}]"))?);
        }
        let mut travel = Vec::new();
        for (k, v) in array(root, "instance", "travel")?.iter().enumerate() {
            let at = format!("travel[{k}]");
            let o = object(v, &at)?;
            travel.push(Travel {
                person: id(o, &at, "person")?,
                project: id(o, &at, "project")?,
                cost: number(o, &at, "cost")?,
            });
        }
        let mut previous = Vec::new();
        if let Some(list) = root.get("previous").filter(|v| !v.is_null()) {
            let list = list
                .as_array()
                .ok_or_else(|| InstanceError { field: "previous".into(), message: "must be an array".into() })?;
            for (k, v) in list.iter().enumerate() {
                let at = format!("previous[{k}]");
                let o = object(v, &at)?;
                previous.push(Assignment { person: id(o, &at, "person")?, session: id(o, &at, "session")? });
            }
        }
        Instance::new(week, people, sessions, travel, previous)
    }

    /// The instance as JSON text in the docs/rules/practice.md#the-scheduling-problem format.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an instance always serialises")
    }

    pub fn week(&self) -> &str {
        &self.week
    }

    /// The first day of the week the sessions fall in.
    pub fn week_start(&self) -> Date {
        self.week_start
    }

    pub fn people(&self) -> &[Person] {
        &self.people
    }

    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    pub fn travel(&self) -> &[Travel] {
        &self.travel
    }

    /// Previous assignments still naming people and sessions of this instance, deduplicated.
    pub fn previous(&self) -> &[Assignment] {
        &self.previous
    }

    /// A copy with a different `previous` schedule (e.g. last week's run of this week).
    pub fn with_previous(&self, previous: Vec<Assignment>) -> Instance {
        Instance::new(self.week.clone(), self.people.clone(), self.sessions.clone(), self.travel.clone(), previous)
            .expect("only previous changed, and any previous is valid")
    }
}

fn parse_week(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() == 8 && b[4] == b'-' && b[5] == b'W' {
        let year: i16 = digits(&b[0..4])?.try_into().ok()?;
        let week: i8 = digits(&b[6..8])?.try_into().ok()?;
        return ISOWeekDate::new(year, week, Weekday::Monday).ok().map(|w| w.date());
    }
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        return Date::new(
            digits(&b[0..4])?.try_into().ok()?,
            digits(&b[5..7])?.try_into().ok()?,
            digits(&b[8..10])?.try_into().ok()?,
        )
        .ok();
    }
    None
}

fn digits(b: &[u8]) -> Option<i32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, &d| n * 10 + i32::from(d - b'0')))
}

/// Parses exactly `YYYY-MM-DDTHH:MM`, a local (civil) time with no zone or seconds.
pub fn parse_time(s: &str) -> Option<DateTime> {
    let b = s.as_bytes();
    if b.len() != 16 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    let date = Date::new(
        digits(&b[0..4])?.try_into().ok()?,
        digits(&b[5..7])?.try_into().ok()?,
        digits(&b[8..10])?.try_into().ok()?,
    )
    .ok()?;
    let time = Time::new(digits(&b[11..13])?.try_into().ok()?, digits(&b[14..16])?.try_into().ok()?, 0, 0).ok()?;
    Some(DateTime::from_parts(date, time))
}

/// Formats a time as `YYYY-MM-DDTHH:MM`, the inverse of `parse_time`.
pub fn fmt_time(t: DateTime) -> String {
    format!("{:04}-{:02}-{:02}T{:02}:{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute())
}

fn object<'a>(v: &'a Value, at: &str) -> Result<&'a Map<String, Value>, InstanceError> {
    v.as_object().ok_or_else(|| InstanceError { field: at.into(), message: "must be an object".into() })
}

fn field<'a>(o: &'a Map<String, Value>, at: &str, key: &str) -> Result<&'a Value, InstanceError> {
    o.get(key).ok_or_else(|| InstanceError { field: path(at, key), message: "missing".into() })
}

fn path(at: &str, key: &str) -> String {
    if at == "instance" { key.to_string() } else { format!("{at}.{key}") }
}

fn string<'a>(o: &'a Map<String, Value>, at: &str, key: &str) -> Result<&'a str, InstanceError> {
    field(o, at, key)?
        .as_str()
        .ok_or_else(|| InstanceError { field: path(at, key), message: "must be a string".into() })
}

fn array<'a>(o: &'a Map<String, Value>, at: &str, key: &str) -> Result<&'a [Value], InstanceError> {
    field(o, at, key)?
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| InstanceError { field: path(at, key), message: "must be an array".into() })
}

fn number(o: &Map<String, Value>, at: &str, key: &str) -> Result<f64, InstanceError> {
    field(o, at, key)?
        .as_f64()
        .ok_or_else(|| InstanceError { field: path(at, key), message: "must be a number".into() })
}

fn count(o: &Map<String, Value>, at: &str, key: &str) -> Result<u32, InstanceError> {
    let v = field(o, at, key)?;
    v.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| InstanceError {
        field: path(at, key),
        message: format!("must be a whole number 0 or more, got {v}"),
    })
}

fn boolean(o: &Map<String, Value>, at: &str, key: &str) -> Result<bool, InstanceError> {
    field(o, at, key)?
        .as_bool()
        .ok_or_else(|| InstanceError { field: path(at, key), message: "must be true or false".into() })
}

fn id(o: &Map<String, Value>, at: &str, key: &str) -> Result<Id, InstanceError> {
    match field(o, at, key)? {
        Value::String(s) => Ok(Id::Text(s.clone())),
        Value::Number(n) if n.as_i64().is_some() => Ok(Id::Int(n.as_i64().unwrap_or_default())),
        other => err(path(at, key), format!("must be a string or an integer, got {other}")),
    }
}

fn time(v: &Value, at: &str) -> Result<DateTime, InstanceError> {
    let s = v
        .as_str()
        .ok_or_else(|| InstanceError { field: at.into(), message: "must be a time string YYYY-MM-DDTHH:MM".into() })?;
    parse_time(s).ok_or_else(|| InstanceError {
        field: at.into(),
        message: format!("{s:?} is not a local time YYYY-MM-DDTHH:MM"),
    })
}

fn parse_person(v: &Value, at: &str) -> Result<Person, InstanceError> {
    let o = object(v, at)?;
    let gender = match string(o, at, "gender")? {
        "F" => Gender::F,
        "M" => Gender::M,
        other => return err(path(at, "gender"), format!("must be \"F\" or \"M\", got {other:?}")),
    };
    let mut available_days = 0u8;
    for (d, day) in array(o, at, "available_days")?.iter().enumerate() {
        let here = format!("{at}.available_days[{d}]");
        let name = day.as_str().ok_or_else(|| InstanceError {
            field: here.clone(),
            message: "must be a weekday string \"mon\"..\"sun\"".into(),
        })?;
        let day = Day::parse(name).ok_or_else(|| InstanceError {
            field: here,
            message: format!("unknown weekday {name:?} (expected mon, tue, wed, thu, fri, sat, sun)"),
        })?;
        available_days |= 1 << day.0;
    }
    let mut busy = Vec::new();
    for (k, b) in array(o, at, "busy")?.iter().enumerate() {
        let here = format!("{at}.busy[{k}]");
        let pair = b
            .as_array()
            .filter(|a| a.len() == 2)
            .ok_or_else(|| InstanceError { field: here.clone(), message: "must be a pair [start, end]".into() })?;
        let start = time(&pair[0], &format!("{here}[0]"))?;
        let end = time(&pair[1], &format!("{here}[1]"))?;
        busy.push((start, end));
    }
    Ok(Person {
        id: id(o, at, "id")?,
        gender,
        weight: number(o, at, "weight")?,
        max_sessions: count(o, at, "max_sessions")?,
        available_days,
        women_only: boolean(o, at, "women_only")?,
        singleton: boolean(o, at, "singleton")?,
        busy,
    })
}

fn parse_session(v: &Value, at: &str) -> Result<Session, InstanceError> {
    let o = object(v, at)?;
    Ok(Session {
        id: id(o, at, "id")?,
        project: id(o, at, "project")?,
        start: time(field(o, at, "start")?, &path(at, "start"))?,
        end: time(field(o, at, "end")?, &path(at, "end"))?,
        hours: number(o, at, "hours")?,
        capacity: count(o, at, "capacity")?,
        women_only: boolean(o, at, "women_only")?,
        singleton: boolean(o, at, "singleton")?,
    })
}

struct Days(u8);

impl Serialize for Days {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for d in 0..7u8 {
            if self.0 & (1 << d) != 0 {
                seq.serialize_element(Day(d).name())?;
            }
        }
        seq.end()
    }
}

impl Serialize for Person {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let busy: Vec<[String; 2]> = self.busy.iter().map(|&(a, b)| [fmt_time(a), fmt_time(b)]).collect();
        let mut m = s.serialize_map(Some(8))?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("gender", self.gender.as_str())?;
        m.serialize_entry("weight", &self.weight)?;
        m.serialize_entry("max_sessions", &self.max_sessions)?;
        m.serialize_entry("available_days", &Days(self.available_days))?;
        m.serialize_entry("women_only", &self.women_only)?;
        m.serialize_entry("singleton", &self.singleton)?;
        m.serialize_entry("busy", &busy)?;
        m.end()
    }
}

impl Serialize for Session {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(8))?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("project", &self.project)?;
        m.serialize_entry("start", &fmt_time(self.start))?;
        m.serialize_entry("end", &fmt_time(self.end))?;
        m.serialize_entry("hours", &self.hours)?;
        m.serialize_entry("capacity", &self.capacity)?;
        m.serialize_entry("women_only", &self.women_only)?;
        m.serialize_entry("singleton", &self.singleton)?;
        m.end()
    }
}

impl Serialize for Travel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("person", &self.person)?;
        m.serialize_entry("project", &self.project)?;
        m.serialize_entry("cost", &self.cost)?;
        m.end()
    }
}

impl Serialize for Instance {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("week", &self.week)?;
        m.serialize_entry("people", &self.people)?;
        m.serialize_entry("sessions", &self.sessions)?;
        m.serialize_entry("travel", &self.travel)?;
        if !self.previous.is_empty() {
            m.serialize_entry("previous", &self.previous)?;
        }
        m.end()
    }
}
