//! Case events: everything that happens to a case is one of these, appended to the case's
//! stream and never changed. A correction is a new event.

use crate::assessment::Assessment;
use crate::contact::{Appointment, Outcome};
use crate::ids::{Code, Crn, LocalId, Note};
use crate::person::PersonDetails;
use crate::plan::Objective;
use crate::sentence::Sentence;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// How a sentence ended. Completion rates count `Completed` and `EarlyTerminationGoodProgress`
/// as successful (RULES.md, Performance measures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentenceOutcome {
    Completed,
    EarlyTerminationGoodProgress,
    RevokedForBreach,
    RevokedForNewOffence,
    /// Licence revoked and the person recalled to custody.
    Recalled,
    Died,
    TransferredOut,
}

impl SentenceOutcome {
    /// Whether the ending counts in the completion measure at all, and if so whether it was a
    /// success. Deaths and transfers out are neither.
    pub fn completion(self) -> Option<bool> {
        match self {
            SentenceOutcome::Completed | SentenceOutcome::EarlyTerminationGoodProgress => Some(true),
            SentenceOutcome::RevokedForBreach | SentenceOutcome::RevokedForNewOffence | SentenceOutcome::Recalled => {
                Some(false)
            }
            SentenceOutcome::Died | SentenceOutcome::TransferredOut => None,
        }
    }
}

/// Why a responsible officer was (re)allocated; continuity of officer is measured from these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationReason {
    Initial,
    OfficerLeft,
    Workload,
    Transfer,
    RiskChange,
    Other,
}

/// What happened. The JSON form (tag `type`) is the stored payload, version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CaseEvent {
    PersonRegistered {
        person: PersonDetails,
    },
    PersonalDetailsUpdated {
        person: PersonDetails,
    },
    SentenceImposed {
        sentence: Sentence,
    },
    ReleasedFromCustody {
        sentence: LocalId,
        on: Date,
    },
    SentenceEnded {
        sentence: LocalId,
        on: Date,
        outcome: SentenceOutcome,
    },
    OfficerAllocated {
        officer: Code,
        team: Code,
        reason: AllocationReason,
    },
    AssessmentCompleted {
        assessment: Assessment,
    },
    ObjectiveAgreed {
        objective: Objective,
    },
    AppointmentBooked {
        appointment: Appointment,
    },
    /// Recording an outcome again for the same appointment corrects it.
    OutcomeRecorded {
        appointment: LocalId,
        outcome: Outcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<Note>,
    },
}

impl CaseEvent {
    /// The stored `event_type`: the serde tag.
    pub fn event_type(&self) -> &'static str {
        match self {
            CaseEvent::PersonRegistered { .. } => "person_registered",
            CaseEvent::PersonalDetailsUpdated { .. } => "personal_details_updated",
            CaseEvent::SentenceImposed { .. } => "sentence_imposed",
            CaseEvent::ReleasedFromCustody { .. } => "released_from_custody",
            CaseEvent::SentenceEnded { .. } => "sentence_ended",
            CaseEvent::OfficerAllocated { .. } => "officer_allocated",
            CaseEvent::AssessmentCompleted { .. } => "assessment_completed",
            CaseEvent::ObjectiveAgreed { .. } => "objective_agreed",
            CaseEvent::AppointmentBooked { .. } => "appointment_booked",
            CaseEvent::OutcomeRecorded { .. } => "outcome_recorded",
        }
    }

    /// The payload schema version. Bump it when a variant's shape changes and teach
    /// [`decode`] to upcast the old version, so old events stay readable for ever.
    pub fn schema_version(&self) -> u32 {
        1
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("case events always serialise")
    }

    /// A one-line description for timelines.
    pub fn summary(&self) -> String {
        match self {
            CaseEvent::PersonRegistered { person } => {
                format!("Registered {} {}", person.first_name, person.family_name)
            }
            CaseEvent::PersonalDetailsUpdated { .. } => "Personal details updated".into(),
            CaseEvent::SentenceImposed { sentence } => {
                let reqs: Vec<&str> = sentence.requirements.iter().map(|r| r.kind.label()).collect();
                let kind = match sentence.kind {
                    crate::sentence::SentenceKind::CommunityOrder => "Community order",
                    crate::sentence::SentenceKind::SuspendedSentenceOrder => "Suspended sentence order",
                    crate::sentence::SentenceKind::Custodial => "Custodial sentence",
                };
                if reqs.is_empty() {
                    format!("{kind} to {}", sentence.end_date)
                } else {
                    format!("{kind} to {} with {}", sentence.end_date, reqs.join(", "))
                }
            }
            CaseEvent::ReleasedFromCustody { on, .. } => format!("Released from custody on {on}"),
            CaseEvent::SentenceEnded { on, outcome, .. } => format!("Sentence ended on {on}: {outcome:?}"),
            CaseEvent::OfficerAllocated { officer, team, reason } => {
                format!("Allocated to {officer} ({team}), reason: {reason:?}")
            }
            CaseEvent::AssessmentCompleted { assessment } => match assessment.overall_rosh() {
                Some(r) => format!("Assessment completed: RoSH {}", r.label()),
                None => "Assessment completed".into(),
            },
            CaseEvent::ObjectiveAgreed { objective } => format!("Objective agreed: {}", objective.description),
            CaseEvent::AppointmentBooked { appointment } => {
                format!("{} booked for {}", appointment.kind.label(), appointment.at)
            }
            CaseEvent::OutcomeRecorded { outcome, .. } => format!("Outcome: {}", outcome.label()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown event type `{0}`")]
    UnknownType(String),
    #[error("event type `{event_type}` has no schema version {version}")]
    UnknownVersion { event_type: String, version: u32 },
    #[error("payload does not match `{event_type}`: {source}")]
    Payload { event_type: String, source: serde_json::Error },
}

/// Reads a stored payload of any known version.
pub fn decode(event_type: &str, version: u32, payload: &str) -> Result<CaseEvent, DecodeError> {
    if version != 1 {
        return Err(DecodeError::UnknownVersion { event_type: event_type.into(), version });
    }
    let event: CaseEvent = serde_json::from_str(payload)
        .map_err(|source| DecodeError::Payload { event_type: event_type.into(), source })?;
    if event.event_type() != event_type {
        return Err(DecodeError::UnknownType(event_type.into()));
    }
    Ok(event)
}

/// An event to append: what happened, when, and who is recording it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    pub occurred_at: Timestamp,
    pub recorded_by: Code,
    pub event: CaseEvent,
}

/// An event as stored: its place in the stream and both times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedEvent {
    pub crn: Crn,
    pub seq: u64,
    pub occurred_at: Timestamp,
    pub recorded_at: Timestamp,
    pub recorded_by: Code,
    pub event: CaseEvent,
}
