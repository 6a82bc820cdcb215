//! Read models for the API and the pages: what a caseload, a case and its timeline look like
//! to a client. Built by pure functions from domain values, so handlers only fetch and hand
//! over, and the JSON and the HTML can never disagree about a case.

pub mod schema;

use domain::calendar::business_days_between;
use domain::case::uk_date;
use domain::event::{CaseEvent, NewEvent, RecordedEvent};
use domain::ids::Code;
use domain::projection::CaseSummary;
use jiff::civil::Date;
use serde::Serialize;
use utoipa::ToSchema;

/// Every case event type (the `type` tag of `CaseEvent`), in the order a case usually meets
/// them. The domain has no such list; a unit test keeps this one equal to the enum's.
pub const EVENT_TYPES: &[&str] = &[
    "person_registered",
    "personal_details_updated",
    "sentence_imposed",
    "released_from_custody",
    "sentence_ended",
    "officer_allocated",
    "assessment_completed",
    "registration_added",
    "registration_removed",
    "mappa_set",
    "mappa_ended",
    "tier_calculated",
    "escalated_to_nps",
    "transfer_requested",
    "transfer_withdrawn",
    "objective_agreed",
    "appointment_booked",
    "outcome_recorded",
    "warning_letter_issued",
    "enforcement_exception_recorded",
    "breach_referred",
    "breach_pack_completed",
    "breach_resolved",
    "recall_recommended",
    "recall_decided",
    "plan_gap_reason_recorded",
    "review_triggered",
    "review_completed",
    "safeguarding_in_view",
    "safeguarding_check_requested",
    "safeguarding_check_chased",
    "safeguarding_response_received",
    "unpaid_work_needs_recorded",
    "unpaid_work_time_recorded",
    "intervention_referred",
    "referral_accepted",
    "referral_started",
    "referral_closed",
    "referral_outcomes_recorded",
    "oversight_recorded",
    "oversight_action_completed",
    "reoffence_proven",
];

/// Work recorded more than this many business days after it happened is flagged as late:
/// the inspection found records written up long after the event (and reviews back-dated
/// before an inspection), and the timeline should show it.
pub const LATE_RECORDING_BUSINESS_DAYS: u32 = 2;

/// Whether an event was recorded late: more than [`LATE_RECORDING_BUSINESS_DAYS`] business
/// days between the UK date it happened and the UK date it was recorded.
pub fn recorded_late(e: &RecordedEvent) -> bool {
    business_days_between(uk_date(e.occurred_at), uk_date(e.recorded_at)) > LATE_RECORDING_BUSINESS_DAYS
}

/// "outcome_recorded" → "Outcome recorded", for headings and filters.
pub fn event_type_label(event_type: &str) -> String {
    let spaced = event_type.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One case on an officer's caseload.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CaseloadEntry {
    #[schema(value_type = String, example = "X123456")]
    pub crn: domain::Crn,
    pub first_name: String,
    pub family_name: String,
    /// Supervision phase today.
    #[schema(value_type = Option<schema::PhaseSchema>)]
    pub phase: Option<domain::sentence::SupervisionPhase>,
    /// Overall risk of serious harm (none until assessed).
    #[schema(value_type = Option<schema::RoshSchema>)]
    pub rosh: Option<domain::assessment::RoshLevel>,
    /// UK local time (no offset) of the earliest appointment still without an outcome.
    #[schema(value_type = Option<String>, example = "2026-03-04T10:00:00")]
    pub next_appointment: Option<jiff::civil::DateTime>,
    /// The date by which the next face-to-face contact must happen.
    #[schema(value_type = Option<String>, format = Date, example = "2026-03-09")]
    pub contact_due_by: Option<Date>,
    /// Contact is due before today and nothing is booked in time.
    pub overdue: bool,
}

impl CaseloadEntry {
    pub fn new(s: &CaseSummary, today: Date) -> Self {
        Self {
            crn: s.crn.clone(),
            first_name: s.first_name.clone(),
            family_name: s.family_name.clone(),
            phase: s.phase_on(today),
            rosh: s.rosh,
            next_appointment: s.next_appointment,
            contact_due_by: s.contact_due_by,
            overdue: s.contact_overdue(today),
        }
    }
}

/// An officer's active caseload as at a date.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Caseload {
    #[schema(value_type = String, example = "N07P001")]
    pub officer: Code,
    /// The officer's name from the organisation, when the organisation knows them.
    pub officer_name: Option<String>,
    /// The date phases and overdue flags were worked out for.
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    pub cases: Vec<CaseloadEntry>,
}

impl Caseload {
    pub fn new(officer: Code, officer_name: Option<String>, cases: &[CaseSummary], today: Date) -> Self {
        Self { officer, officer_name, on: today, cases: cases.iter().map(|c| CaseloadEntry::new(c, today)).collect() }
    }
}

/// A case as it stands (the case summary read model) with today's phase and overdue flag.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CaseDetail {
    #[schema(value_type = String, example = "X123456")]
    pub crn: domain::Crn,
    pub first_name: String,
    pub family_name: String,
    #[schema(value_type = String, format = Date)]
    pub date_of_birth: Date,
    #[schema(value_type = schema::GenderSchema)]
    pub gender: domain::person::Gender,
    #[schema(value_type = Option<String>)]
    pub officer: Option<Code>,
    #[schema(value_type = Option<String>)]
    pub team: Option<Code>,
    /// Whether a sentence is being supervised.
    pub active: bool,
    #[schema(value_type = Option<schema::SentenceKindSchema>)]
    pub sentence_kind: Option<domain::sentence::SentenceKind>,
    #[schema(value_type = Option<String>, format = Date)]
    pub sentence_end: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub released_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub licence_end: Option<Date>,
    #[schema(value_type = Option<schema::PhaseSchema>)]
    pub phase: Option<domain::sentence::SupervisionPhase>,
    #[schema(value_type = Option<schema::RoshSchema>)]
    pub rosh: Option<domain::assessment::RoshLevel>,
    /// UK local time (no offset).
    #[schema(value_type = Option<String>, example = "2026-03-04T10:00:00")]
    pub next_appointment: Option<jiff::civil::DateTime>,
    #[schema(value_type = Option<String>, format = Date)]
    pub last_face_to_face: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub contact_due_by: Option<Date>,
    pub overdue: bool,
    /// How many responsible officers the case has had.
    pub officer_count: u32,
    /// The case's stream version: send it back as `expected_version` when recording.
    pub version: u64,
}

impl CaseDetail {
    pub fn new(s: &CaseSummary, today: Date) -> Self {
        Self {
            crn: s.crn.clone(),
            first_name: s.first_name.clone(),
            family_name: s.family_name.clone(),
            date_of_birth: s.date_of_birth,
            gender: s.gender,
            officer: s.officer.clone(),
            team: s.team.clone(),
            active: s.active,
            sentence_kind: s.sentence_kind,
            sentence_end: s.sentence_end,
            released_on: s.released_on,
            licence_end: s.licence_end,
            phase: s.phase_on(today),
            rosh: s.rosh,
            next_appointment: s.next_appointment,
            last_face_to_face: s.last_face_to_face,
            contact_due_by: s.contact_due_by,
            overdue: s.contact_overdue(today),
            officer_count: s.officer_count,
            version: s.version,
        }
    }
}

/// One event on a case's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub seq: u64,
    #[serde(rename = "type")]
    #[schema(example = "appointment_booked")]
    pub event_type: String,
    /// When it happened.
    #[schema(value_type = String, format = DateTime, example = "2026-03-02T12:00:00Z")]
    pub occurred_at: jiff::Timestamp,
    /// When it was written down.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: jiff::Timestamp,
    #[schema(value_type = String, example = "N07P001")]
    pub recorded_by: Code,
    pub summary: String,
    /// Recorded more than two business days after it happened.
    pub recorded_late: bool,
    /// The event itself, as recorded.
    #[schema(value_type = schema::CaseEventSchema)]
    pub payload: CaseEvent,
}

impl TimelineEntry {
    pub fn new(e: &RecordedEvent) -> Self {
        Self {
            seq: e.seq,
            event_type: e.event.event_type().to_owned(),
            occurred_at: e.occurred_at,
            recorded_at: e.recorded_at,
            recorded_by: e.recorded_by.clone(),
            summary: e.event.summary(),
            recorded_late: recorded_late(e),
            payload: e.event.clone(),
        }
    }
}

/// A case and its timeline (all of it, or the events of one type).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CaseRecord {
    pub case: CaseDetail,
    /// The event type the timeline was filtered to, if any.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    pub timeline: Vec<TimelineEntry>,
}

impl CaseRecord {
    pub fn new(summary: &CaseSummary, events: &[RecordedEvent], event_type: Option<&str>, today: Date) -> Self {
        Self {
            case: CaseDetail::new(summary, today),
            event_type: event_type.map(str::to_owned),
            timeline: events
                .iter()
                .filter(|e| event_type.is_none_or(|t| e.event.event_type() == t))
                .map(TimelineEntry::new)
                .collect(),
        }
    }
}

/// What a client sends to record events on a case (read by `api::body`, which names the
/// field at fault when it is malformed).
#[derive(Debug, Clone, PartialEq, ToSchema)]
pub struct RecordEvents {
    /// The case version the client last read (0 for a new case). A stale version gets 409.
    pub expected_version: u64,
    /// At least one event; all are recorded or none.
    #[schema(value_type = Vec<schema::NewEventSchema>)]
    pub events: Vec<NewEvent>,
}

/// What recording returns.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Recorded {
    #[schema(value_type = String)]
    pub crn: domain::Crn,
    /// The case's version after the append.
    pub version: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::example::{code, date};

    #[test]
    fn event_types_list_every_case_event_variant() {
        // serde names every variant when it refuses an unknown tag; that is the enum's own
        // list, so a new variant without an entry here fails this test.
        let err = serde_json::from_str::<CaseEvent>(r#"{"type":"no_such_event"}"#).unwrap_err().to_string();
        let expected = err.split("expected one of ").nth(1).expect("serde lists the variants");
        let listed: Vec<&str> =
            expected.split(", ").map(|s| s.trim_matches(|c: char| c == '`' || c.is_whitespace())).collect();
        let listed: Vec<&str> = listed.iter().map(|s| s.split('`').next().unwrap_or(s)).collect();
        assert_eq!(listed, EVENT_TYPES, "a case event type was added or renamed: update EVENT_TYPES ({err})");
    }

    #[test]
    fn late_recording_counts_business_days() {
        let cases = [
            // (occurred, recorded, late, why)
            ("2026-03-02T12:00:00Z", "2026-03-04T09:00:00Z", false, "two business days is in time"),
            ("2026-03-02T12:00:00Z", "2026-03-05T09:00:00Z", true, "three business days is late"),
            ("2026-03-06T12:00:00Z", "2026-03-10T09:00:00Z", false, "a weekend does not count"),
            ("2026-04-02T12:00:00Z", "2026-04-08T09:00:00Z", false, "Good Friday and Easter Monday do not count"),
            ("2026-03-02T12:00:00Z", "2026-03-02T12:00:00Z", false, "recorded at once"),
        ];
        for (occurred, recorded, late, why) in cases {
            let e = RecordedEvent {
                crn: domain::Crn::parse("X123456").unwrap(),
                seq: 1,
                occurred_at: occurred.parse().unwrap(),
                recorded_at: recorded.parse().unwrap(),
                recorded_by: code("OFF1"),
                event: CaseEvent::SentenceEnded {
                    sentence: domain::example::id("S1"),
                    on: date("2026-03-02"),
                    outcome: domain::event::SentenceOutcome::Completed,
                },
            };
            assert_eq!(recorded_late(&e), late, "{why}");
        }
    }

    #[test]
    fn labels_read_as_words() {
        assert_eq!(event_type_label("outcome_recorded"), "Outcome recorded");
        assert_eq!(event_type_label(""), "");
    }
}

/// One thing due or overdue on an officer's cases, with the action that clears it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct WorklistEntry {
    #[schema(value_type = String, example = "X123456")]
    pub crn: domain::Crn,
    /// The kind of work, e.g. `first_appointment`, `warning_decision`, `breach_pack`.
    #[schema(example = "breach_decision")]
    pub kind: String,
    /// What the item is about: `case`, an appointment id, or a plan subject such as `need:drug_misuse`.
    pub subject: String,
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    pub overdue: bool,
    pub overdue_by_business_days: u32,
    #[schema(value_type = Option<schema::RoshSchema>)]
    pub risk: Option<domain::assessment::RoshLevel>,
    /// A stable key for the action that clears the item.
    pub action: String,
    /// What to do, in words.
    pub action_label: String,
    /// The policy rule (in `domain::practice::policy`) that set the due date.
    pub rule: String,
}

/// Everything due or overdue across an officer's active cases, ordered by risk and lateness.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Worklist {
    #[schema(value_type = String, example = "N07P001")]
    pub officer: Code,
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    pub items: Vec<WorklistEntry>,
}

fn plain_text<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(m)) => {
            m.iter().map(|(k, v)| format!("{k}:{}", v.as_str().unwrap_or_default())).collect::<Vec<_>>().join(",")
        }
        other => format!("{other:?}"),
    }
}

impl Worklist {
    pub fn new(officer: Code, items: &[domain::practice::worklist::WorkItem], today: Date) -> Self {
        use domain::practice::worklist::Subject;
        let items = items
            .iter()
            .map(|i| WorklistEntry {
                crn: i.crn.clone(),
                kind: plain_text(&i.kind),
                subject: match &i.subject {
                    Subject::Case => "case".to_owned(),
                    Subject::Appointment(id) | Subject::Referral(id) | Subject::OversightAction(id) => id.to_string(),
                    Subject::Plan(p) => plain_text(p),
                },
                due: i.due,
                overdue: i.overdue,
                overdue_by_business_days: i.overdue_by_business_days,
                risk: i.risk,
                action: i.action.key.to_owned(),
                action_label: i.action.label.to_owned(),
                rule: i.rule.to_owned(),
            })
            .collect();
        Self { officer, on: today, items }
    }
}
