//! The state of one case, folded from its events, and the rules that decide whether a new
//! event may be appended to it.

use crate::assessment::{Assessment, RoshLevel};
use crate::contact::{Appointment, Outcome};
use crate::event::{CaseEvent, RecordedEvent, SentenceOutcome};
use crate::ids::{Code, Crn, LocalId};
use crate::person::PersonDetails;
use crate::plan::Objective;
use crate::practice::allocation::{AllocationRecord, Provider, check_evidence, provider_for};
use crate::practice::state::{PracticeState, apply_practice_event};
use crate::practice::tiering::{CaseTier, Mappa};
use crate::sentence::{Sentence, SentenceKind, SupervisionPhase};
use crate::tier::{Registration, V3Tier};
use jiff::civil::Date;
use jiff::{Timestamp, tz::TimeZone};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Why an event cannot be appended to a case in its current state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct Rejected {
    pub field: &'static str,
    pub problem: String,
}

fn reject<T>(field: &'static str, problem: impl Into<String>) -> Result<T, Rejected> {
    Err(Rejected { field, problem: problem.into() })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentenceRecord {
    pub sentence: Sentence,
    pub released_on: Option<Date>,
    pub ended: Option<(Date, SentenceOutcome)>,
}

impl SentenceRecord {
    pub fn is_active(&self) -> bool {
        self.ended.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Allocation {
    pub officer: Code,
    pub team: Code,
    pub since: Date,
    /// The senior probation officer's evidence, with the tier and RoSH at allocation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<AllocationRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppointmentRecord {
    pub appointment: Appointment,
    pub outcome: Option<Outcome>,
}

/// Everything known about a case now, folded from its events in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseState {
    pub crn: Crn,
    pub version: u64,
    pub person: Option<PersonDetails>,
    pub sentences: Vec<SentenceRecord>,
    pub officer: Option<Allocation>,
    /// How many responsible officers the case has had.
    pub officer_count: u32,
    pub assessment: Option<Assessment>,
    pub objectives: Vec<Objective>,
    pub appointments: Vec<AppointmentRecord>,
    /// Active registrations the tiering models read (docs/rules/tiering.md#13-registrations).
    #[serde(default)]
    pub registrations: BTreeSet<Registration>,
    #[serde(default)]
    pub mappa: Option<Mappa>,
    /// The tier from the last `TierCalculated` event (`practice::tiering`).
    #[serde(default)]
    pub tier: Option<CaseTier>,
    /// What the practice rules (contact, enforcement, plan gaps) need beyond the above.
    #[serde(default)]
    pub practice: PracticeState,
    /// Unpaid work needs and timesheets (`unpaid_work`).
    #[serde(default)]
    pub unpaid_work: crate::unpaid_work::UnpaidWorkRecord,
}

/// The UK civil date of an instant, for date-based rules.
pub fn uk_date(t: Timestamp) -> Date {
    // Looked up once: the fold calls this for every event. The bundled tz database always
    // has Europe/London, so the UTC fallback never happens in practice.
    static LONDON: std::sync::LazyLock<TimeZone> =
        std::sync::LazyLock::new(|| TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC));
    LONDON.to_datetime(t).date()
}

impl CaseState {
    pub fn new(crn: Crn) -> Self {
        Self {
            crn,
            version: 0,
            person: None,
            sentences: Vec::new(),
            officer: None,
            officer_count: 0,
            assessment: None,
            objectives: Vec::new(),
            appointments: Vec::new(),
            registrations: BTreeSet::new(),
            mappa: None,
            tier: None,
            practice: PracticeState::default(),
            unpaid_work: Default::default(),
        }
    }

    /// Folds a whole stream. Events in the log were checked when appended, so a failure here
    /// means the log itself is damaged.
    pub fn fold<'a>(crn: Crn, events: impl IntoIterator<Item = &'a RecordedEvent>) -> Result<Self, Rejected> {
        let mut state = CaseState::new(crn);
        for e in events {
            state.apply(&e.event, uk_date(e.occurred_at))?;
        }
        Ok(state)
    }

    fn sentence_mut(&mut self, id: &LocalId) -> Result<&mut SentenceRecord, Rejected> {
        match self.sentences.iter_mut().find(|s| &s.sentence.id == id) {
            Some(s) => Ok(s),
            None => reject("sentence", format!("no sentence {id} on this case")),
        }
    }

    /// Applies one event that occurred on `on`, refusing it if the case's state does not
    /// allow it. On error the state is unchanged.
    pub fn apply(&mut self, event: &CaseEvent, on: Date) -> Result<(), Rejected> {
        if self.person.is_none() && !matches!(event, CaseEvent::PersonRegistered { .. }) {
            return reject("type", "the first event of a case must register the person");
        }
        match event {
            CaseEvent::WarningLetterIssued { .. }
            | CaseEvent::EnforcementExceptionRecorded { .. }
            | CaseEvent::BreachReferred { .. }
            | CaseEvent::BreachPackCompleted { .. }
            | CaseEvent::BreachResolved { .. }
            | CaseEvent::RecallRecommended { .. }
            | CaseEvent::RecallDecided { .. }
            | CaseEvent::PlanGapReasonRecorded { .. }
            | CaseEvent::ReviewTriggered { .. }
            | CaseEvent::ReviewCompleted { .. }
            | CaseEvent::SafeguardingInView { .. }
            | CaseEvent::SafeguardingCheckRequested { .. }
            | CaseEvent::SafeguardingCheckChased { .. }
            | CaseEvent::SafeguardingResponseReceived { .. }
            | CaseEvent::InterventionReferred { .. }
            | CaseEvent::ReferralAccepted { .. }
            | CaseEvent::ReferralStarted { .. }
            | CaseEvent::ReferralClosed { .. }
            | CaseEvent::ReferralOutcomesRecorded { .. }
            | CaseEvent::OversightRecorded { .. }
            | CaseEvent::OversightActionCompleted { .. } => {
                let handled = apply_practice_event(self, event, on)?;
                debug_assert!(handled, "every practice event is handled by the practice gate");
            }
            CaseEvent::PersonRegistered { person } => {
                if self.person.is_some() {
                    return reject("type", "the person is already registered");
                }
                self.person = Some(person.clone());
            }
            CaseEvent::PersonalDetailsUpdated { person } => self.person = Some(person.clone()),
            // Nothing in the case's state reads a reoffence; it is checked and kept in the log.
            CaseEvent::ReoffenceProven { offence_date, proven_on, disposal, court } => {
                crate::reoffending::check_reoffence(self, *offence_date, *proven_on, *disposal, court.as_ref(), on)?;
            }
            CaseEvent::SentenceImposed { sentence } => {
                sentence.validate().map_err(|e| Rejected { field: e.field, problem: e.problem })?;
                if self.sentences.iter().any(|s| s.sentence.id == sentence.id) {
                    return reject("sentence.id", format!("sentence {} already exists", sentence.id));
                }
                self.sentences.push(SentenceRecord { sentence: sentence.clone(), released_on: None, ended: None });
            }
            CaseEvent::ReleasedFromCustody { sentence, on } => {
                let s = self.sentence_mut(sentence)?;
                if s.sentence.kind != SentenceKind::Custodial {
                    return reject("sentence", "only a custodial sentence has a release");
                }
                if s.released_on.is_some() {
                    return reject("sentence", "already released on this sentence");
                }
                if *on < s.sentence.sentence_date {
                    return reject("on", "release cannot precede the sentence");
                }
                s.released_on = Some(*on);
            }
            CaseEvent::SentenceEnded { sentence, on, outcome } => {
                let s = self.sentence_mut(sentence)?;
                if s.ended.is_some() {
                    return reject("sentence", "the sentence has already ended");
                }
                if *on < s.sentence.sentence_date {
                    return reject("on", "a sentence cannot end before it was imposed");
                }
                s.ended = Some((*on, *outcome));
            }
            CaseEvent::OfficerAllocated { officer, team, evidence, .. } => {
                if self.officer.as_ref().is_some_and(|a| &a.officer == officer) {
                    return reject("officer", format!("{officer} is already the responsible officer"));
                }
                let record = match evidence {
                    Some(e) => Some(check_evidence(self, e).map_err(|(field, problem)| Rejected { field, problem })?),
                    None => None,
                };
                self.officer = Some(Allocation { officer: officer.clone(), team: team.clone(), since: on, record });
                self.officer_count += 1;
                self.practice.first_allocated_on.get_or_insert(on);
            }
            CaseEvent::AssessmentCompleted { assessment } => {
                if self.assessment.as_ref().is_some_and(|a| a.id == assessment.id) {
                    return reject("assessment.id", "this assessment is already recorded");
                }
                let previous = self.rosh();
                self.assessment = Some(assessment.clone());
                self.note_provider(on);
                // A change of overall RoSH triggers a review (practice::reviews).
                if previous.is_some() && previous != self.rosh() {
                    self.practice.reviews.triggers.push(crate::practice::reviews::TriggerRecord {
                        trigger: crate::practice::reviews::ReviewTrigger::RiskChange,
                        on: assessment.completed_on,
                        note: None,
                        derived: true,
                    });
                }
            }
            CaseEvent::RegistrationAdded { registration } => {
                if !self.registrations.insert(*registration) {
                    return reject(
                        "registration",
                        format!(
                            "{} is already registered",
                            crate::practice::tiering::registration_label(*registration)
                        ),
                    );
                }
            }
            CaseEvent::RegistrationRemoved { registration } => {
                if !self.registrations.remove(registration) {
                    return reject(
                        "registration",
                        format!(
                            "{} is not registered on this case",
                            crate::practice::tiering::registration_label(*registration)
                        ),
                    );
                }
            }
            CaseEvent::MappaSet { category, level } => {
                let Some(category) = category else {
                    let problem =
                        if level.is_some() { "a MAPPA level needs a category" } else { "MAPPA needs a category" };
                    return reject("category", problem);
                };
                self.mappa = Some(Mappa { category: *category, level: *level });
                self.note_provider(on);
            }
            CaseEvent::MappaEnded { .. } => {
                if self.mappa.take().is_none() {
                    return reject("type", "the case has no MAPPA registration to end");
                }
                self.note_provider(on);
            }
            CaseEvent::TierCalculated { legacy, v3, provisional, because, .. } => {
                if *provisional && !matches!(v3, V3Tier::Level(_)) {
                    return reject(
                        "provisional",
                        format!("a {v3} tier is never provisional (docs/rules/tiering.md#33-provisional-flag)"),
                    );
                }
                if because.is_empty() {
                    return reject("because", "name what prompted the tier calculation");
                }
                self.tier = Some(CaseTier { legacy: *legacy, v3: *v3, provisional: *provisional, on });
            }
            CaseEvent::EscalatedToNps { on: escalated, .. } => {
                if self.practice.escalated_on.is_some() {
                    return reject("type", "the case has already been escalated to the NPS");
                }
                if self.current_sentence().is_none() {
                    return reject("type", "no active sentence to escalate");
                }
                self.practice.escalated_on = Some(*escalated);
            }
            CaseEvent::ObjectiveAgreed { objective } => {
                if self.objectives.iter().any(|o| o.id == objective.id) {
                    return reject("objective.id", format!("objective {} already exists", objective.id));
                }
                let assessed: Vec<_> = self.assessment.iter().flat_map(|a| a.offending_related_needs()).collect();
                if let Some(n) = objective.needs.iter().find(|n| !assessed.contains(n)) {
                    return reject(
                        "objective.needs",
                        format!("{} is not an assessed need on the latest assessment", n.label()),
                    );
                }
                self.objectives.push(objective.clone());
                self.practice.objectives_agreed_on.push((objective.id.clone(), on));
            }
            CaseEvent::AppointmentBooked { appointment } => {
                if self.appointments.iter().any(|a| a.appointment.id == appointment.id) {
                    return reject("appointment.id", format!("appointment {} already exists", appointment.id));
                }
                if let Some(req) = &appointment.requirement
                    && !self.sentences.iter().any(|s| s.sentence.requirements.iter().any(|r| &r.id == req))
                {
                    return reject("appointment.requirement", format!("no requirement {req} on this case"));
                }
                crate::practice::rar::check_booking(self, appointment)?;
                self.appointments.push(AppointmentRecord { appointment: appointment.clone(), outcome: None });
            }
            CaseEvent::UnpaidWorkNeedsRecorded { requirement, needs } => {
                crate::unpaid_work::record_needs(self, requirement, needs)?;
            }
            CaseEvent::UnpaidWorkTimeRecorded { appointment, timesheet } => {
                crate::unpaid_work::record_time(self, appointment, timesheet)?;
            }
            CaseEvent::OutcomeRecorded { appointment, outcome, .. } => {
                match self.appointments.iter_mut().find(|a| &a.appointment.id == appointment) {
                    Some(a) => {
                        a.outcome = Some(*outcome);
                        let held_on = a.appointment.at.date();
                        self.practice.enforcement.outcome_changed(appointment, held_on, outcome.is_enforceable(), on);
                    }
                    None => return reject("appointment", format!("no appointment {appointment} on this case")),
                }
            }
        }
        self.version += 1;
        Ok(())
    }

    /// Keeps the date the case came to belong with the NPS (RoSH high or above, or MAPPA),
    /// so the worklist can ask for the escalation until it is recorded.
    fn note_provider(&mut self, on: Date) {
        match provider_for(self.rosh(), self.mappa) {
            Provider::Nps => {
                self.practice.nps_required_since.get_or_insert(on);
            }
            Provider::Crc => self.practice.nps_required_since = None,
        }
    }

    /// The sentence being supervised now: the latest active one.
    pub fn current_sentence(&self) -> Option<&SentenceRecord> {
        self.sentences.iter().rev().find(|s| s.is_active())
    }

    pub fn is_active(&self) -> bool {
        self.current_sentence().is_some()
    }

    pub fn rosh(&self) -> Option<RoshLevel> {
        self.assessment.as_ref().and_then(Assessment::overall_rosh)
    }

    /// The last attended face-to-face contact.
    pub fn last_face_to_face(&self) -> Option<Date> {
        self.appointments
            .iter()
            .filter(|a| a.appointment.kind.is_face_to_face() && a.outcome.is_some_and(Outcome::attended))
            .map(|a| a.appointment.at.date())
            .max()
    }

    /// The earliest appointment still waiting for an outcome.
    pub fn next_appointment(&self) -> Option<&Appointment> {
        self.appointments.iter().filter(|a| a.outcome.is_none()).map(|a| &a.appointment).min_by_key(|a| a.at)
    }

    /// The date by which the next face-to-face contact must happen, or `None` when none is
    /// required (no active sentence, or in custody): the first appointment deadline until
    /// the person has been seen, then the contact frequency table. The same rules drive the
    /// worklist (`practice::contact`), so the caseload page and the worklist agree.
    pub fn contact_due_by(&self) -> Option<Date> {
        crate::practice::contact::next_face_to_face_due(self)
            .or_else(|| crate::practice::contact::first_appointment_due(self))
    }

    /// The supervision phase on a date.
    pub fn phase_on(&self, on: Date) -> Option<SupervisionPhase> {
        let current = self.current_sentence()?;
        current.sentence.phase_on(on, current.released_on).or(Some(
            if current.sentence.kind == SentenceKind::Custodial && current.released_on.is_none() {
                SupervisionPhase::Custody
            } else if current.sentence.kind == SentenceKind::Custodial {
                SupervisionPhase::Licence
            } else {
                SupervisionPhase::Community
            },
        ))
    }
}
