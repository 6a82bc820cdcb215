//! The state of one case, folded from its events: [`CaseState`] and the records it composes,
//! one module per concern, beside the types the events of that concern carry.
//!
//! This is data and the queries that read only it: the rules that decide whether an event may
//! be appended are the concerns' own (`practice::*`, `unpaid_work`, `reoffending`), and
//! `case` hands each event to its concern. Keeping the data below the rules is what lets
//! `event` name its payload types without depending on the rules that read them.

pub mod allocation;
pub mod enforcement;
pub mod interventions;
pub mod oversight;
pub mod plan_gaps;
pub mod practice;
pub mod reoffending;
pub mod reviews;
pub mod safeguarding;
pub mod tiering;
pub mod unpaid_work;

use crate::assessment::{Assessment, RoshLevel};
use crate::contact::{Appointment, Outcome};
use crate::ids::{Code, Crn, LocalId};
use crate::person::PersonDetails;
use crate::plan::Objective;
use crate::sentence::{Sentence, SentenceKind, SentenceOutcome, SupervisionPhase};
use crate::tier::Registration;
use allocation::AllocationRecord;
use jiff::civil::Date;
use jiff::{Timestamp, tz::TimeZone};
use practice::PracticeState;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use tiering::{CaseTier, Mappa};
use unpaid_work::UnpaidWorkRecord;

/// Why an event cannot be appended to a case in its current state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct Rejected {
    pub field: &'static str,
    pub problem: String,
}

pub(crate) fn reject<T>(field: &'static str, problem: impl Into<String>) -> Result<T, Rejected> {
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
    pub unpaid_work: UnpaidWorkRecord,
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

    pub(crate) fn sentence_mut(&mut self, id: &LocalId) -> Result<&mut SentenceRecord, Rejected> {
        match self.sentences.iter_mut().find(|s| &s.sentence.id == id) {
            Some(s) => Ok(s),
            None => reject("sentence", format!("no sentence {id} on this case")),
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
