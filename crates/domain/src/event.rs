//! Case events: everything that happens to a case is one of these, appended to the case's
//! stream and never changed. A correction is a new event.

use crate::assessment::Assessment;
use crate::contact::{Appointment, Outcome};
use crate::ids::{Code, Crn, LocalId, Note};
use crate::person::PersonDetails;
use crate::plan::Objective;
use crate::practice::enforcement::{BreachOutcome, BreachPack, RecallAlternative, RecallKind, RecallReason};
use crate::practice::plan_gaps::PlanSubject;
use crate::practice::reviews::ReviewTrigger;
use crate::practice::safeguarding::Agency;
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
    /// A warning letter for an enforceable failure; the person has 7 days to respond
    /// (RULES.md, Enforcement). Refused unless the appointment's outcome is enforceable.
    WarningLetterIssued {
        appointment: LocalId,
        on: Date,
        response_due: Date,
    },
    /// A manager's recorded exception to a mandatory breach or recall decision on the
    /// failure at `appointment`.
    EnforcementExceptionRecorded {
        appointment: LocalId,
        reason: Note,
        by_manager: Code,
    },
    /// An alleged breach of a community sentence (or post-sentence supervision) referred for
    /// court action. `reason` is required unless a listed failure is a second one within 12
    /// months (a serious first failure breached at once). `pack` records what is ready so far.
    BreachReferred {
        #[serde(default)]
        failures: Vec<LocalId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<Note>,
        #[serde(default)]
        pack: BreachPack,
    },
    /// The breach pack is complete and sent: refused unless every checklist item is present.
    BreachPackCompleted {
        pack: BreachPack,
    },
    /// The open breach ended; the failure count resets.
    BreachResolved {
        on: Date,
        outcome: BreachOutcome,
    },
    /// The officer's recall recommendation on a licence.
    RecallRecommended {
        kind: RecallKind,
        #[serde(default)]
        reasons: Vec<RecallReason>,
        #[serde(default)]
        alternatives_tried: Vec<RecallAlternative>,
        #[serde(default)]
        failures: Vec<LocalId>,
    },
    /// A manager's decision on the open recall recommendation; the failure count resets.
    RecallDecided {
        by_manager: Code,
        decision: RecallKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<Note>,
    },
    /// Why a need or risk in the latest assessment is not addressed by an objective.
    PlanGapReasonRecorded {
        subject: PlanSubject,
        reason: Note,
    },
    /// Something that calls for a sentence plan review (RULES.md, Plans, reviews).
    ReviewTriggered {
        trigger: ReviewTrigger,
        on: Date,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<Note>,
    },
    /// A review of the sentence plan: clears the open triggers dated on or before `on` (only
    /// the kinds listed, if `triggers_addressed` is given) and restarts the scheduled clock.
    ReviewCompleted {
        on: Date,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        triggers_addressed: Option<Vec<ReviewTrigger>>,
    },
    /// The officer's declaration that children or domestic abuse are (or are no longer) in
    /// view; safeguarding checks are then required.
    SafeguardingInView {
        children: bool,
        domestic_abuse: bool,
    },
    SafeguardingCheckRequested {
        agency: Agency,
        local_authority: Code,
        on: Date,
    },
    /// Refused without an open (unanswered) check with the agency.
    SafeguardingCheckChased {
        agency: Agency,
        on: Date,
    },
    /// Refused without an open (unanswered) check with the agency.
    SafeguardingResponseReceived {
        agency: Agency,
        on: Date,
        outcome: Note,
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
            CaseEvent::WarningLetterIssued { .. } => "warning_letter_issued",
            CaseEvent::EnforcementExceptionRecorded { .. } => "enforcement_exception_recorded",
            CaseEvent::BreachReferred { .. } => "breach_referred",
            CaseEvent::BreachPackCompleted { .. } => "breach_pack_completed",
            CaseEvent::BreachResolved { .. } => "breach_resolved",
            CaseEvent::RecallRecommended { .. } => "recall_recommended",
            CaseEvent::RecallDecided { .. } => "recall_decided",
            CaseEvent::PlanGapReasonRecorded { .. } => "plan_gap_reason_recorded",
            CaseEvent::ReviewTriggered { .. } => "review_triggered",
            CaseEvent::ReviewCompleted { .. } => "review_completed",
            CaseEvent::SafeguardingInView { .. } => "safeguarding_in_view",
            CaseEvent::SafeguardingCheckRequested { .. } => "safeguarding_check_requested",
            CaseEvent::SafeguardingCheckChased { .. } => "safeguarding_check_chased",
            CaseEvent::SafeguardingResponseReceived { .. } => "safeguarding_response_received",
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
            CaseEvent::WarningLetterIssued { appointment, response_due, .. } => {
                format!("Warning letter for {appointment}, response due {response_due}")
            }
            CaseEvent::EnforcementExceptionRecorded { appointment, by_manager, .. } => {
                format!("Enforcement exception for {appointment} recorded by {by_manager}")
            }
            CaseEvent::BreachReferred { failures, .. } if failures.is_empty() => "Breach referred".into(),
            CaseEvent::BreachReferred { failures, .. } => {
                let ids: Vec<&str> = failures.iter().map(LocalId::as_str).collect();
                format!("Breach referred for {}", ids.join(", "))
            }
            CaseEvent::BreachPackCompleted { .. } => "Breach pack completed".into(),
            CaseEvent::BreachResolved { on, outcome } => format!("Breach resolved on {on}: {outcome:?}"),
            CaseEvent::RecallRecommended { kind, .. } => format!("Recall recommended: {kind:?}"),
            CaseEvent::RecallDecided { decision, by_manager, .. } => {
                format!("Recall decided by {by_manager}: {decision:?}")
            }
            CaseEvent::PlanGapReasonRecorded { subject, .. } => {
                format!("Reason recorded for not planning {}", subject.label())
            }
            CaseEvent::ReviewTriggered { trigger, on, .. } => {
                format!("Review triggered by {} on {on}", trigger.label())
            }
            CaseEvent::ReviewCompleted { on, .. } => format!("Review completed on {on}"),
            CaseEvent::SafeguardingInView { children, domestic_abuse } => match (children, domestic_abuse) {
                (true, true) => "Safeguarding: children and domestic abuse in view".into(),
                (true, false) => "Safeguarding: children in view".into(),
                (false, true) => "Safeguarding: domestic abuse in view".into(),
                (false, false) => "Safeguarding: nothing in view".into(),
            },
            CaseEvent::SafeguardingCheckRequested { agency, local_authority, on } => {
                format!("Safeguarding check requested from {} ({local_authority}) on {on}", agency.label())
            }
            CaseEvent::SafeguardingCheckChased { agency, on } => {
                format!("Safeguarding check with {} chased on {on}", agency.label())
            }
            CaseEvent::SafeguardingResponseReceived { agency, on, .. } => {
                format!("Safeguarding response from {} received on {on}", agency.label())
            }
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
