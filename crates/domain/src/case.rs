//! How a case's state folds from its events: [`CaseState::fold`] and [`CaseState::apply`], the
//! single gate that decides whether an event may be appended.
//!
//! The state itself and the records it composes are in `state`, below the rules; `apply`
//! hands each event to its concern (the core record here, the practice rules in
//! `practice::*`, `unpaid_work`, `reoffending`), which checks everything before it changes
//! anything, so a refused event leaves the state as it was.

use crate::assessment::Assessment;
use crate::contact::{Appointment, Outcome};
use crate::event::{CaseEvent, RecordedEvent};
use crate::ids::{Crn, LocalId};
use crate::person::PersonDetails;
use crate::plan::Objective;
use crate::practice::reviews::{ReviewTrigger, TriggerRecord};
use crate::practice::{
    allocation, enforcement, interventions, oversight, plan_gaps, rar, reviews, safeguarding, tiering,
};
use crate::sentence::{Sentence, SentenceKind, SentenceOutcome};
use crate::state::reject;
pub use crate::state::{Allocation, AppointmentRecord, CaseState, Rejected, SentenceRecord, uk_date};
use jiff::civil::Date;

impl CaseState {
    /// Folds a whole stream. Events in the log were checked when appended, so a failure here
    /// means the log itself is damaged.
    pub fn fold<'a>(crn: Crn, events: impl IntoIterator<Item = &'a RecordedEvent>) -> Result<Self, Rejected> {
        let mut state = CaseState::new(crn);
        for e in events {
            state.apply(&e.event, uk_date(e.occurred_at))?;
        }
        Ok(state)
    }

    /// Applies one event that occurred on `on`, refusing it if the case's state does not
    /// allow it. On error the state is unchanged.
    pub fn apply(&mut self, event: &CaseEvent, on: Date) -> Result<(), Rejected> {
        if self.person.is_none() && !matches!(event, CaseEvent::PersonRegistered { .. }) {
            return reject("type", "the first event of a case must register the person");
        }
        // The one dispatch: each event goes to the concern that owns it.
        match event {
            CaseEvent::PersonRegistered { person } => self.register_person(person)?,
            CaseEvent::PersonalDetailsUpdated { person } => self.person = Some(person.clone()),
            CaseEvent::SentenceImposed { sentence } => self.impose_sentence(sentence)?,
            CaseEvent::ReleasedFromCustody { sentence, on: released } => self.release(sentence, *released)?,
            CaseEvent::SentenceEnded { sentence, on: ended, outcome } => {
                self.end_sentence(sentence, *ended, *outcome)?;
            }
            CaseEvent::OfficerAllocated { officer, team, evidence, .. } => {
                allocation::allocate(self, officer, team, evidence.as_ref(), on)?;
            }
            CaseEvent::EscalatedToNps { on: escalated, .. } => allocation::escalate(self, *escalated)?,
            CaseEvent::TransferRequested { to, reason } => allocation::request_transfer(self, to, reason, on)?,
            CaseEvent::TransferWithdrawn { .. } => allocation::withdraw_transfer(self)?,
            CaseEvent::AssessmentCompleted { assessment } => self.record_assessment(assessment, on)?,
            CaseEvent::RegistrationAdded { registration } => tiering::add_registration(self, *registration)?,
            CaseEvent::RegistrationRemoved { registration } => tiering::remove_registration(self, *registration)?,
            CaseEvent::MappaSet { category, level } => tiering::set_mappa(self, *category, *level, on)?,
            CaseEvent::MappaEnded { .. } => tiering::end_mappa(self, on)?,
            CaseEvent::TierCalculated { legacy, v3, provisional, because, .. } => {
                tiering::record_tier(self, *legacy, *v3, *provisional, because, on)?;
            }
            CaseEvent::ObjectiveAgreed { objective } => self.agree_objective(objective, on)?,
            CaseEvent::AppointmentBooked { appointment } => self.book_appointment(appointment)?,
            CaseEvent::OutcomeRecorded { appointment, outcome, .. } => {
                self.record_outcome(appointment, *outcome, on)?;
            }
            CaseEvent::WarningLetterIssued { appointment, on: issued, response_due } => {
                enforcement::issue_warning(self, appointment, *issued, *response_due)?;
            }
            CaseEvent::EnforcementExceptionRecorded { appointment, reason, by_manager } => {
                enforcement::record_exception(self, appointment, reason, by_manager, on)?;
            }
            CaseEvent::BreachReferred { failures, reason, pack } => {
                enforcement::refer_breach(self, failures, reason.as_ref(), *pack, on)?;
            }
            CaseEvent::BreachPackCompleted { pack } => enforcement::complete_breach_pack(self, *pack, on)?,
            CaseEvent::BreachResolved { on: resolved, outcome } => {
                enforcement::resolve_breach(self, *resolved, *outcome)?;
            }
            CaseEvent::RecallRecommended { kind, reasons, alternatives_tried, failures } => {
                enforcement::recommend_recall(self, *kind, reasons, alternatives_tried, failures, on)?;
            }
            CaseEvent::RecallDecided { by_manager, decision, .. } => {
                enforcement::decide_recall(self, by_manager, *decision, on)?;
            }
            CaseEvent::PlanGapReasonRecorded { subject, reason } => {
                plan_gaps::record_gap_reason(self, *subject, reason, on)?;
            }
            CaseEvent::ReviewTriggered { trigger, on: triggered, note } => {
                reviews::trigger_review(self, *trigger, *triggered, note.as_ref())?;
            }
            CaseEvent::ReviewCompleted { on: reviewed, triggers_addressed } => {
                reviews::complete_review(self, *reviewed, triggers_addressed.as_deref())?;
            }
            CaseEvent::SafeguardingInView { children, domestic_abuse } => {
                self.practice.safeguarding.declare(*children, *domestic_abuse, on);
            }
            CaseEvent::SafeguardingCheckRequested { agency, local_authority, on: requested } => {
                safeguarding::request_check(self, *agency, local_authority, *requested)?;
            }
            CaseEvent::SafeguardingCheckChased { agency, on: chased } => {
                safeguarding::chase_check(self, *agency, *chased)?;
            }
            CaseEvent::SafeguardingResponseReceived { agency, on: answered, outcome } => {
                safeguarding::record_response(self, *agency, *answered, outcome)?;
            }
            CaseEvent::UnpaidWorkNeedsRecorded { requirement, needs } => {
                crate::unpaid_work::record_needs(self, requirement, needs)?;
            }
            CaseEvent::UnpaidWorkTimeRecorded { appointment, timesheet } => {
                crate::unpaid_work::record_time(self, appointment, timesheet)?;
            }
            CaseEvent::InterventionReferred { referral, service, objectives, needs, on: referred } => {
                interventions::refer(self, referral, service, objectives, needs, *referred)?;
            }
            CaseEvent::ReferralAccepted { referral, on: accepted } => interventions::accept(self, referral, *accepted)?,
            CaseEvent::ReferralStarted { referral, on: started } => interventions::start(self, referral, *started)?,
            CaseEvent::ReferralClosed { referral, on: closed, closure, reason } => {
                interventions::close(self, referral, *closure, reason.as_ref(), *closed)?;
            }
            CaseEvent::ReferralOutcomesRecorded { referral, outcomes } => {
                interventions::record_outcomes(self, referral, outcomes)?;
            }
            CaseEvent::OversightRecorded { oversight, by_manager, reviewed, judgement, actions } => {
                oversight::record(self, oversight, by_manager, reviewed, *judgement, actions, on)?;
            }
            CaseEvent::OversightActionCompleted { action, on: completed } => {
                oversight::complete(self, action, *completed)?;
            }
            // Nothing in the case's state reads a reoffence; it is checked and kept in the log.
            CaseEvent::ReoffenceProven { offence_date, proven_on, disposal, court } => {
                crate::reoffending::check_reoffence(self, *offence_date, *proven_on, *disposal, court.as_ref(), on)?;
            }
        }
        self.version += 1;
        Ok(())
    }

    // The core record's own concerns: the person, sentences, assessment, plan and contact.

    fn register_person(&mut self, person: &PersonDetails) -> Result<(), Rejected> {
        if self.person.is_some() {
            return reject("type", "the person is already registered");
        }
        self.person = Some(person.clone());
        Ok(())
    }

    fn impose_sentence(&mut self, sentence: &Sentence) -> Result<(), Rejected> {
        sentence.validate().map_err(|e| Rejected { field: e.field, problem: e.problem })?;
        if self.sentences.iter().any(|s| s.sentence.id == sentence.id) {
            return reject("sentence.id", format!("sentence {} already exists", sentence.id));
        }
        self.sentences.push(SentenceRecord { sentence: sentence.clone(), released_on: None, ended: None });
        Ok(())
    }

    fn release(&mut self, sentence: &LocalId, on: Date) -> Result<(), Rejected> {
        let s = self.sentence_mut(sentence)?;
        if s.sentence.kind != SentenceKind::Custodial {
            return reject("sentence", "only a custodial sentence has a release");
        }
        if s.released_on.is_some() {
            return reject("sentence", "already released on this sentence");
        }
        if on < s.sentence.sentence_date {
            return reject("on", "release cannot precede the sentence");
        }
        s.released_on = Some(on);
        Ok(())
    }

    fn end_sentence(&mut self, sentence: &LocalId, on: Date, outcome: SentenceOutcome) -> Result<(), Rejected> {
        let s = self.sentence_mut(sentence)?;
        if s.ended.is_some() {
            return reject("sentence", "the sentence has already ended");
        }
        if on < s.sentence.sentence_date {
            return reject("on", "a sentence cannot end before it was imposed");
        }
        s.ended = Some((on, outcome));
        // A case that has ended is not handed to anyone.
        if self.current_sentence().is_none() {
            self.practice.transfer = None;
        }
        Ok(())
    }

    fn record_assessment(&mut self, assessment: &Assessment, on: Date) -> Result<(), Rejected> {
        if self.assessment.as_ref().is_some_and(|a| a.id == assessment.id) {
            return reject("assessment.id", "this assessment is already recorded");
        }
        let previous = self.rosh();
        self.assessment = Some(assessment.clone());
        allocation::note_provider(self, on);
        // A change of overall RoSH triggers a review (practice::reviews).
        if previous.is_some() && previous != self.rosh() {
            self.practice.reviews.triggers.push(TriggerRecord {
                trigger: ReviewTrigger::RiskChange,
                on: assessment.completed_on,
                note: None,
                derived: true,
            });
        }
        Ok(())
    }

    fn agree_objective(&mut self, objective: &Objective, on: Date) -> Result<(), Rejected> {
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
        Ok(())
    }

    fn book_appointment(&mut self, appointment: &Appointment) -> Result<(), Rejected> {
        if self.appointments.iter().any(|a| a.appointment.id == appointment.id) {
            return reject("appointment.id", format!("appointment {} already exists", appointment.id));
        }
        if let Some(req) = &appointment.requirement
            && !self.sentences.iter().any(|s| s.sentence.requirements.iter().any(|r| &r.id == req))
        {
            return reject("appointment.requirement", format!("no requirement {req} on this case"));
        }
        rar::check_booking(self, appointment)?;
        self.appointments.push(AppointmentRecord { appointment: appointment.clone(), outcome: None });
        Ok(())
    }

    /// Recording an outcome again corrects it; enforcement keeps its failures in step.
    fn record_outcome(&mut self, appointment: &LocalId, outcome: Outcome, on: Date) -> Result<(), Rejected> {
        let Some(a) = self.appointments.iter_mut().find(|a| &a.appointment.id == appointment) else {
            return reject("appointment", format!("no appointment {appointment} on this case"));
        };
        a.outcome = Some(outcome);
        let held_on = a.appointment.at.date();
        self.practice.enforcement.outcome_changed(appointment, held_on, outcome.is_enforceable(), on);
        Ok(())
    }
}
