//! How domain values are written to and read from columns. Both engines store times and
//! enums as text in one canonical form, so an export from either is byte-identical.

use crate::StoreError;
use domain::case::{CaseState, uk_date};
use domain::event::{RecordedEvent, decode};
use domain::ids::{Code, Crn};
use domain::projection::CaseSummary;
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A stored event row, exactly as in the database and in `events.csv`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct EventRow {
    pub crn: String,
    pub seq: i64,
    pub event_type: String,
    pub schema_version: i64,
    pub occurred_at: String,
    pub recorded_at: String,
    pub recorded_by: String,
    pub payload: String,
}

impl EventRow {
    pub fn from_event(e: &RecordedEvent) -> Self {
        Self {
            crn: e.crn.to_string(),
            seq: e.seq as i64,
            event_type: e.event.event_type().to_owned(),
            schema_version: i64::from(e.event.schema_version()),
            occurred_at: timestamp_text(e.occurred_at),
            recorded_at: timestamp_text(e.recorded_at),
            recorded_by: e.recorded_by.to_string(),
            payload: e.event.encode(),
        }
    }

    /// Decodes and validates the row; the error names the column at fault.
    pub fn decode(&self) -> Result<RecordedEvent, (&'static str, String)> {
        let crn = Crn::parse(&self.crn).map_err(|e| ("crn", e.problem))?;
        let seq = u64::try_from(self.seq)
            .ok()
            .filter(|s| *s > 0)
            .ok_or(("seq", format!("{} is not a positive sequence number", self.seq)))?;
        let version = u32::try_from(self.schema_version)
            .map_err(|_| ("schema_version", format!("{} is not a version", self.schema_version)))?;
        let event = decode(&self.event_type, version, &self.payload).map_err(|e| ("payload", e.to_string()))?;
        Ok(RecordedEvent {
            crn,
            seq,
            occurred_at: parse_timestamp(&self.occurred_at).map_err(|p| ("occurred_at", p))?,
            recorded_at: parse_timestamp(&self.recorded_at).map_err(|p| ("recorded_at", p))?,
            recorded_by: Code::parse(&self.recorded_by).map_err(|e| ("recorded_by", e.problem))?,
            event,
        })
    }
}

/// Canonical timestamp text: UTC, microseconds, fixed width, so text order is time order.
pub fn timestamp_text(t: Timestamp) -> String {
    let dt = TimeZone::UTC.to_datetime(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.subsec_nanosecond() / 1000
    )
}

/// Truncates to the stored precision (microseconds).
pub fn to_stored_precision(t: Timestamp) -> Timestamp {
    let micros = t.as_microsecond();
    Timestamp::from_microsecond(micros).expect("a timestamp truncated to microseconds is in range")
}

/// Parses canonical timestamp text, refusing any other form so that round trips are exact.
pub fn parse_timestamp(s: &str) -> Result<Timestamp, String> {
    let t: Timestamp = s.parse().map_err(|e| format!("`{s}` is not a timestamp: {e}"))?;
    if timestamp_text(t) != s {
        return Err(format!("`{s}` is not in the canonical form YYYY-MM-DDTHH:MM:SS.ffffffZ"));
    }
    Ok(t)
}

pub fn enum_text<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("enum_text used on a value that is not a plain enum: {other:?}"),
    }
}

pub fn enum_parse<T: DeserializeOwned>(column: &'static str, s: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|e| StoreError::Corrupt(format!("{column}: `{s}`: {e}")))
}

fn parse_col<T: std::str::FromStr>(column: &'static str, s: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e| StoreError::Corrupt(format!("{column}: `{s}`: {e}")))
}

fn opt<T>(
    column: &'static str,
    s: &Option<String>,
    f: impl Fn(&'static str, &str) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    s.as_deref().map(|v| f(column, v)).transpose()
}

/// A `case_summary` row.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SummaryRow {
    pub crn: String,
    pub first_name: String,
    pub family_name: String,
    pub date_of_birth: String,
    pub gender: String,
    pub officer: Option<String>,
    pub team: Option<String>,
    pub active: bool,
    pub sentence_kind: Option<String>,
    pub sentence_end: Option<String>,
    pub released_on: Option<String>,
    pub licence_end: Option<String>,
    pub rosh: Option<String>,
    pub next_appointment: Option<String>,
    pub last_face_to_face: Option<String>,
    pub contact_due_by: Option<String>,
    pub officer_count: i64,
    pub legacy_tier: Option<String>,
    pub v3_tier: Option<String>,
    pub tier_provisional: bool,
    pub transfer_to: Option<String>,
    pub version: i64,
}

pub const SUMMARY_COLUMNS: &str = "crn, first_name, family_name, date_of_birth, gender, officer, team, active, sentence_kind, sentence_end, released_on, licence_end, rosh, next_appointment, last_face_to_face, contact_due_by, officer_count, legacy_tier, v3_tier, tier_provisional, transfer_to, version";
pub const EVENT_COLUMNS: &str = "crn, seq, event_type, schema_version, occurred_at, recorded_at, recorded_by, payload";

impl SummaryRow {
    pub fn from_summary(s: &CaseSummary) -> Self {
        Self {
            crn: s.crn.to_string(),
            first_name: s.first_name.clone(),
            family_name: s.family_name.clone(),
            date_of_birth: s.date_of_birth.to_string(),
            gender: enum_text(&s.gender),
            officer: s.officer.as_ref().map(ToString::to_string),
            team: s.team.as_ref().map(ToString::to_string),
            active: s.active,
            sentence_kind: s.sentence_kind.as_ref().map(enum_text),
            sentence_end: s.sentence_end.map(|d| d.to_string()),
            released_on: s.released_on.map(|d| d.to_string()),
            licence_end: s.licence_end.map(|d| d.to_string()),
            rosh: s.rosh.as_ref().map(enum_text),
            next_appointment: s.next_appointment.map(|d| d.to_string()),
            last_face_to_face: s.last_face_to_face.map(|d| d.to_string()),
            contact_due_by: s.contact_due_by.map(|d| d.to_string()),
            officer_count: i64::from(s.officer_count),
            legacy_tier: s.legacy_tier.map(|t| t.to_string()),
            v3_tier: s.v3_tier.map(|t| t.to_string()),
            tier_provisional: s.tier_provisional,
            transfer_to: s.transfer_to.as_ref().map(ToString::to_string),
            version: s.version as i64,
        }
    }

    pub fn to_summary(&self) -> Result<CaseSummary, StoreError> {
        let date = |c, v: &str| parse_col::<Date>(c, v);
        let code = |c: &'static str, v: &str| Code::parse(v).map_err(|e| StoreError::Corrupt(format!("{c}: {e}")));
        Ok(CaseSummary {
            crn: Crn::parse(&self.crn).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            first_name: self.first_name.clone(),
            family_name: self.family_name.clone(),
            date_of_birth: date("date_of_birth", &self.date_of_birth)?,
            gender: enum_parse("gender", &self.gender)?,
            officer: opt("officer", &self.officer, code)?,
            team: opt("team", &self.team, code)?,
            active: self.active,
            sentence_kind: opt("sentence_kind", &self.sentence_kind, enum_parse)?,
            sentence_end: opt("sentence_end", &self.sentence_end, date)?,
            released_on: opt("released_on", &self.released_on, date)?,
            licence_end: opt("licence_end", &self.licence_end, date)?,
            rosh: opt("rosh", &self.rosh, enum_parse)?,
            next_appointment: opt("next_appointment", &self.next_appointment, parse_col::<DateTime>)?,
            last_face_to_face: opt("last_face_to_face", &self.last_face_to_face, date)?,
            contact_due_by: opt("contact_due_by", &self.contact_due_by, date)?,
            officer_count: u32::try_from(self.officer_count)
                .map_err(|_| StoreError::Corrupt("officer_count".into()))?,
            legacy_tier: opt("legacy_tier", &self.legacy_tier, parse_col)?,
            v3_tier: opt("v3_tier", &self.v3_tier, parse_col)?,
            tier_provisional: self.tier_provisional,
            transfer_to: opt("transfer_to", &self.transfer_to, code)?,
            version: u64::try_from(self.version).map_err(|_| StoreError::Corrupt("version".into()))?,
        })
    }
}

/// One case ready to load: its rows and the projection they imply.
#[derive(Debug, Clone)]
pub struct LoadCase {
    pub rows: Vec<EventRow>,
    pub summary: Option<CaseSummary>,
    pub version: u64,
}

impl LoadCase {
    /// From events made in memory (the generator).
    pub fn from_events(crn: Crn, events: &[RecordedEvent]) -> Result<Self, StoreError> {
        let state = CaseState::fold(crn, events).map_err(|r| StoreError::Invalid(r.to_string()))?;
        Ok(Self {
            rows: events.iter().map(EventRow::from_event).collect(),
            summary: CaseSummary::from_state(&state),
            version: state.version,
        })
    }

    /// From rows read from a file: every row is decoded and the stream folded, so a row
    /// that the log would never have accepted is refused. The error gives the row's index
    /// in `rows` and the column.
    pub fn from_rows(rows: Vec<EventRow>) -> Result<Self, (usize, &'static str, String)> {
        let mut events = Vec::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            let e = r.decode().map_err(|(c, p)| (i, c, p))?;
            if e.seq != i as u64 + 1 {
                return Err((
                    i,
                    "seq",
                    format!("expected sequence number {} in stream {}, found {}", i + 1, r.crn, e.seq),
                ));
            }
            if i > 0 && e.crn != events.first().map(|f: &RecordedEvent| f.crn.clone()).expect("non-empty") {
                return Err((i, "crn", "rows of one stream must share a CRN".into()));
            }
            events.push(e);
        }
        let Some(first) = events.first() else {
            return Err((0, "crn", "an empty stream".into()));
        };
        let mut state = CaseState::new(first.crn.clone());
        for (i, e) in events.iter().enumerate() {
            state.apply(&e.event, uk_date(e.occurred_at)).map_err(|r| (i, "payload", r.to_string()))?;
        }
        Ok(Self { rows, summary: CaseSummary::from_state(&state), version: state.version })
    }
}

/// A bulk-loaded case's events, decoded, with its CRN; `None` for a case with no rows.
pub(crate) fn decode_case(case: &LoadCase) -> Result<Option<(Crn, Vec<RecordedEvent>)>, StoreError> {
    let events: Vec<RecordedEvent> = case
        .rows
        .iter()
        .map(|r| r.decode().map_err(|(c, p)| crate::corrupt(&format!("event {}#{} {c}", r.crn, r.seq), p)))
        .collect::<Result<_, _>>()?;
    Ok(events.first().map(|e| e.crn.clone()).map(|crn| (crn, events)))
}
