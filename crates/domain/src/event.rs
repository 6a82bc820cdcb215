//! Case events: everything that happens to a case is one of these, appended to the case's
//! stream and never changed. A correction is a new event.

use crate::assessment::Assessment;
use crate::assessment::NeedArea;
use crate::contact::{Appointment, Outcome};
use crate::ids::{Code, Crn, LocalId, Note};
use crate::person::PersonDetails;
use crate::plan::Objective;
use crate::sentence::Sentence;
pub use crate::sentence::SentenceOutcome;
// Payload types sit beside the records their concern keeps, below the rules that read them.
use crate::state::allocation::AllocationEvidence;
use crate::state::enforcement::{BreachOutcome, BreachPack, RecallAlternative, RecallKind, RecallReason};
use crate::state::interventions::{Closure, ObjectiveOutcome};
use crate::state::oversight::{Judgement, OversightAction};
use crate::state::plan_gaps::PlanSubject;
use crate::state::reoffending::Disposal;
use crate::state::reviews::ReviewTrigger;
use crate::state::safeguarding::Agency;
use crate::state::tiering::{MissingInput, TierFactor, registration_label};
use crate::state::unpaid_work::{Timesheet, UnpaidWorkNeeds};
use crate::tier::{LegacyTier, MappaCategory, MappaLevel, Registration, V3Tier};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

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
    /// `evidence` is the senior probation officer's (absent on allocations recorded before
    /// it was asked for): the guidance as it stood and the verdict on it; a departure needs a
    /// recorded reason.
    OfficerAllocated {
        officer: Code,
        team: Code,
        reason: AllocationReason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence: Option<AllocationEvidence>,
    },
    AssessmentCompleted {
        assessment: Assessment,
    },
    /// A registration (domestic abuse, stalking, child protection, ...) the tiering models
    /// read (docs/rules/tiering.md#13-registrations). Refused if already registered.
    RegistrationAdded {
        registration: Registration,
    },
    /// Refused unless the registration is on the case.
    RegistrationRemoved {
        registration: Registration,
    },
    /// MAPPA category and (once set) level; replaces the previous ones. Refused without a
    /// category.
    MappaSet {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<MappaCategory>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        level: Option<MappaLevel>,
    },
    /// Refused unless the case has MAPPA.
    MappaEnded {
        on: Date,
    },
    /// The case's tier recomputed (both models, docs/rules/tiering.md): `because` names the kinds of
    /// event that prompted it, `missing` the inputs the models lacked.
    TierCalculated {
        legacy: LegacyTier,
        v3: V3Tier,
        provisional: bool,
        #[serde(default)]
        because: Vec<TierFactor>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        missing: Vec<MissingInput>,
    },
    /// A CRC case handed back to the NPS (docs/rules/practice.md#allocation: a CRC case whose risk rises to high goes
    /// back to the NPS), with why.
    EscalatedToNps {
        on: Date,
        reason: Note,
    },
    /// The case handed to another team (docs/rules/practice.md#transfer): it stays with its
    /// responsible officer until that team allocates it (`officer_allocated` to `to`), or the
    /// transfer is withdrawn. Refused unless the case is active and allocated, to its own
    /// team, or while another transfer waits.
    TransferRequested {
        to: Code,
        reason: Note,
    },
    /// A waiting transfer withdrawn by the sending team or declined by the receiving one,
    /// with why. Refused unless a transfer waits.
    TransferWithdrawn {
        reason: Note,
    },
    ObjectiveAgreed {
        objective: Objective,
    },
    AppointmentBooked {
        appointment: Appointment,
    },
    /// Recording an outcome again for the same appointment corrects it, note and all.
    OutcomeRecorded {
        appointment: LocalId,
        outcome: Outcome,
        /// The case note on the contact.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<Note>,
        /// The note is sensitive: only those who manage the case read it
        /// (docs/rules/practice.md#case-notes; `services::access::SENSITIVE_NOTES`).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        sensitive: bool,
    },
    /// A warning letter for an enforceable failure; the person has 7 days to respond
    /// (docs/rules/practice.md#enforcement). Refused unless the appointment's outcome is enforceable.
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
    /// Something that calls for a sentence plan review (docs/rules/practice.md#reviews).
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
    /// What the person can attend for unpaid work (days, one-off busy times, women-only or
    /// singleton placement); replaces the previous record for the requirement.
    UnpaidWorkNeedsRecorded {
        requirement: LocalId,
        needs: UnpaidWorkNeeds,
    },
    /// The supervisor's timesheet for an attended unpaid work session, made on the day.
    UnpaidWorkTimeRecorded {
        appointment: LocalId,
        timesheet: Timesheet,
    },
    /// A referral to a rate-card service, linked to sentence plan objectives and the needs
    /// they address (docs/rules/practice.md#interventions and docs/rules/practice.md#sentence-plans).
    InterventionReferred {
        referral: LocalId,
        service: Code,
        objectives: Vec<LocalId>,
        needs: Vec<NeedArea>,
        on: Date,
    },
    /// The provider accepted the referral.
    ReferralAccepted {
        referral: LocalId,
        on: Date,
    },
    /// The service started.
    ReferralStarted {
        referral: LocalId,
        on: Date,
    },
    /// Completed (from started), cancelled (before it started) or ended (early, once
    /// started); a cancellation or early end needs a reason.
    ReferralClosed {
        referral: LocalId,
        on: Date,
        closure: Closure,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<Note>,
    },
    /// End-of-service outcomes for linked objectives; recording one again corrects it.
    ReferralOutcomesRecorded {
        referral: LocalId,
        outcomes: Vec<ObjectiveOutcome>,
    },
    /// A senior probation officer's oversight of the case, on the day it occurred.
    OversightRecorded {
        oversight: LocalId,
        by_manager: Code,
        reviewed: Note,
        judgement: Judgement,
        #[serde(default)]
        actions: Vec<OversightAction>,
    },
    OversightActionCompleted {
        action: LocalId,
        on: Date,
    },
    /// A further offence committed on `offence_date` and proven on `proven_on` by a
    /// conviction (at `court`) or a caution: what the proven reoffending measure counts
    /// (docs/rules/practice.md#proven-reoffending; `reoffending::check_reoffence`). A breach is not one.
    ReoffenceProven {
        offence_date: Date,
        proven_on: Date,
        disposal: Disposal,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        court: Option<crate::ids::Name>,
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
            CaseEvent::RegistrationAdded { .. } => "registration_added",
            CaseEvent::RegistrationRemoved { .. } => "registration_removed",
            CaseEvent::MappaSet { .. } => "mappa_set",
            CaseEvent::MappaEnded { .. } => "mappa_ended",
            CaseEvent::TierCalculated { .. } => "tier_calculated",
            CaseEvent::EscalatedToNps { .. } => "escalated_to_nps",
            CaseEvent::TransferRequested { .. } => "transfer_requested",
            CaseEvent::TransferWithdrawn { .. } => "transfer_withdrawn",
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
            CaseEvent::UnpaidWorkNeedsRecorded { .. } => "unpaid_work_needs_recorded",
            CaseEvent::UnpaidWorkTimeRecorded { .. } => "unpaid_work_time_recorded",
            CaseEvent::InterventionReferred { .. } => "intervention_referred",
            CaseEvent::ReferralAccepted { .. } => "referral_accepted",
            CaseEvent::ReferralStarted { .. } => "referral_started",
            CaseEvent::ReferralClosed { .. } => "referral_closed",
            CaseEvent::ReferralOutcomesRecorded { .. } => "referral_outcomes_recorded",
            CaseEvent::OversightRecorded { .. } => "oversight_recorded",
            CaseEvent::OversightActionCompleted { .. } => "oversight_action_completed",
            CaseEvent::ReoffenceProven { .. } => "reoffence_proven",
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
            CaseEvent::OfficerAllocated { officer, team, reason, evidence } => match evidence {
                Some(e @ AllocationEvidence { grade, .. }) if !e.followed() => format!(
                    "Allocated to {officer} ({team}, {}), reason: {reason:?}; grade guidance departed from",
                    grade.label()
                ),
                _ => format!("Allocated to {officer} ({team}), reason: {reason:?}"),
            },
            CaseEvent::AssessmentCompleted { assessment } => match assessment.overall_rosh() {
                Some(r) => format!("Assessment completed: RoSH {}", r.label()),
                None => "Assessment completed".into(),
            },
            CaseEvent::RegistrationAdded { registration } => {
                format!("Registered: {}", registration_label(*registration))
            }
            CaseEvent::RegistrationRemoved { registration } => {
                format!("Registration removed: {}", registration_label(*registration))
            }
            CaseEvent::MappaSet { category, level } => match (category, level) {
                (Some(c), Some(l)) => format!("MAPPA category {} level {}", u8::from(*c), u8::from(*l)),
                (Some(c), None) => format!("MAPPA category {}", u8::from(*c)),
                _ => "MAPPA set".into(),
            },
            CaseEvent::MappaEnded { on } => format!("MAPPA ended on {on}"),
            CaseEvent::TierCalculated { legacy, v3, provisional, .. } => {
                format!(
                    "Tier {legacy} (legacy), {v3}{} (current model)",
                    if *provisional { " provisional" } else { "" }
                )
            }
            CaseEvent::EscalatedToNps { on, .. } => format!("Escalated to the NPS on {on}"),
            CaseEvent::TransferRequested { to, reason } => format!("Transfer to team {to} asked for: {reason}"),
            CaseEvent::TransferWithdrawn { reason } => format!("Transfer withdrawn: {reason}"),
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
            CaseEvent::UnpaidWorkNeedsRecorded { .. } => "Unpaid work availability recorded".into(),
            CaseEvent::UnpaidWorkTimeRecorded { appointment, timesheet } => {
                format!("Unpaid work time recorded for {appointment}: {} to {}", timesheet.started, timesheet.finished)
            }
            CaseEvent::InterventionReferred { referral, service, on, .. } => {
                format!("Referral {referral} to service {service} on {on}")
            }
            CaseEvent::ReferralAccepted { referral, on } => format!("Referral {referral} accepted on {on}"),
            CaseEvent::ReferralStarted { referral, on } => format!("Referral {referral} started on {on}"),
            CaseEvent::ReferralClosed { referral, on, closure, .. } => {
                let how = match closure {
                    Closure::Completed => "completed",
                    Closure::Cancelled => "cancelled",
                    Closure::Ended => "ended early",
                };
                format!("Referral {referral} {how} on {on}")
            }
            CaseEvent::ReferralOutcomesRecorded { referral, outcomes } => {
                format!("Outcomes recorded for referral {referral} ({} objectives)", outcomes.len())
            }
            CaseEvent::OversightRecorded { by_manager, judgement, actions, .. } => {
                let j = match judgement {
                    Judgement::Sufficient => "sufficient",
                    Judgement::Insufficient => "insufficient",
                };
                format!("Management oversight by {by_manager}: {j}, {} actions", actions.len())
            }
            CaseEvent::OversightActionCompleted { action, on } => {
                format!("Oversight action {action} completed on {on}")
            }
            CaseEvent::ReoffenceProven { offence_date, proven_on, disposal, court } => match court {
                Some(court) => {
                    format!("Reoffence on {offence_date} proven on {proven_on} by {} at {court}", disposal.label())
                }
                None => format!("Reoffence on {offence_date} proven on {proven_on} by {}", disposal.label()),
            },
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
