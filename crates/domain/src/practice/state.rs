//! The practice part of a case's folded state, and the gate for the practice events.
//!
//! [`CaseState::apply`] stays the single gate: it hands the practice events to
//! [`apply_practice_event`], which checks everything before it changes anything, so a
//! refused event leaves the state as it was.

use super::enforcement::{Breach, Enforcement, Exception, Failure, Recall, RecallDecision, RecallKind, Warning};
use super::plan_gaps::{PlanGapReason, plan_subjects};
use super::policy::{BREACH_REFERRAL, WARNING_RESPONSE};
use super::reviews::{ReviewRecord, Reviews, TriggerRecord};
use super::safeguarding::{Check, Safeguarding};
use crate::case::{CaseState, Rejected};
use crate::event::CaseEvent;
use crate::ids::LocalId;
use crate::sentence::SupervisionPhase;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Facts the practice rules need that the core state does not keep.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PracticeState {
    /// The first time any officer was allocated: the first-appointment clock starts here.
    pub first_allocated_on: Option<Date>,
    /// When each objective was agreed: a sentence plan exists once one is agreed during
    /// the current sentence.
    pub objectives_agreed_on: Vec<(LocalId, Date)>,
    pub enforcement: Enforcement,
    pub plan_gap_reasons: Vec<PlanGapReason>,
    pub reviews: Reviews,
    pub safeguarding: Safeguarding,
    /// Since when the case has belonged with the NPS (high RoSH or MAPPA), if it does.
    pub nps_required_since: Option<Date>,
    /// When the case was escalated to the NPS.
    pub escalated_on: Option<Date>,
    /// Referrals to interventions, in the order made (`practice::interventions`).
    pub referrals: Vec<super::interventions::Referral>,
    /// Management oversight records (`practice::oversight`).
    pub oversight: Vec<super::oversight::OversightRecord>,
}

fn reject<T>(field: &'static str, problem: impl Into<String>) -> Result<T, Rejected> {
    Err(Rejected { field, problem: problem.into() })
}

/// How non-compliance is enforced in a phase: breach at court for a community sentence and
/// post-sentence supervision (Offender Rehabilitation Act 2014: PSS breaches go to the
/// magistrates, not recall), recall for a licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnforcementRoute {
    Breach,
    Recall,
}

/// The route for the case's current sentence on `on`, or `None` when nothing is enforced
/// (no active sentence, or in custody).
pub fn enforcement_route(case: &CaseState, on: Date) -> Option<EnforcementRoute> {
    match case.phase_on(on)? {
        SupervisionPhase::Community | SupervisionPhase::PostSentenceSupervision => Some(EnforcementRoute::Breach),
        SupervisionPhase::Licence => Some(EnforcementRoute::Recall),
        SupervisionPhase::Custody => None,
    }
}

fn phase_name(case: &CaseState, on: Date) -> &'static str {
    case.phase_on(on).map_or("no active sentence", SupervisionPhase::label)
}

fn check_failures(enf: &Enforcement, failures: &[LocalId]) -> Result<(), Rejected> {
    let mut seen: Vec<&LocalId> = Vec::new();
    for id in failures {
        if seen.contains(&id) {
            return reject("failures", format!("appointment {id} is listed twice"));
        }
        seen.push(id);
        if enf.failure(id).is_none() {
            return reject("failures", format!("appointment {id} has no enforceable outcome"));
        }
        if !enf.counted_failures().iter().any(|f| &f.appointment == id) {
            return reject(
                "failures",
                format!("appointment {id} was dealt with by an earlier breach or recall (the count reset)"),
            );
        }
    }
    Ok(())
}

fn no_open_episode(enf: &Enforcement) -> Result<(), Rejected> {
    if enf.open_breach().is_some() {
        return reject("type", "a breach is already open on this case");
    }
    if enf.open_recall().is_some() {
        return reject("type", "a recall recommendation is already awaiting a decision");
    }
    Ok(())
}

/// Checks and applies one practice event (those added for the practice engine). Returns
/// `Ok(false)` for any other event, which the caller handles.
pub(crate) fn apply_practice_event(case: &mut CaseState, event: &CaseEvent, on: Date) -> Result<bool, Rejected> {
    match event {
        CaseEvent::WarningLetterIssued { appointment, on: issued, response_due } => {
            let Some(record) = case.appointments.iter().find(|a| &a.appointment.id == appointment) else {
                return reject("appointment", format!("no appointment {appointment} on this case"));
            };
            match record.outcome {
                Some(o) if o.is_enforceable() => {}
                Some(o) => {
                    return reject(
                        "appointment",
                        format!("appointment {appointment} has no enforceable outcome (it is {})", o.label()),
                    );
                }
                None => return reject("appointment", format!("appointment {appointment} has no outcome yet")),
            }
            if case.practice.enforcement.warned(appointment) {
                return reject("appointment", format!("a warning was already issued for appointment {appointment}"));
            }
            if *issued < record.appointment.at.date() {
                return reject("on", "a warning cannot precede the failure it warns about");
            }
            let earliest = WARNING_RESPONSE.after(*issued);
            if *response_due < earliest {
                return reject("response_due", format!("the person has 7 days to respond: no earlier than {earliest}"));
            }
            case.practice.enforcement.warnings.push(Warning {
                appointment: appointment.clone(),
                on: *issued,
                response_due: *response_due,
            });
        }
        CaseEvent::EnforcementExceptionRecorded { appointment, reason, by_manager } => {
            let enf = &case.practice.enforcement;
            if !enf.pending_mandatory().iter().any(|f| &f.appointment == appointment) {
                return reject(
                    "appointment",
                    format!("no mandatory breach or recall decision is pending for appointment {appointment}"),
                );
            }
            case.practice.enforcement.exceptions.push(Exception {
                appointment: appointment.clone(),
                on,
                reason: reason.clone(),
                by_manager: by_manager.clone(),
            });
        }
        CaseEvent::BreachReferred { failures, reason, pack } => {
            match enforcement_route(case, on) {
                Some(EnforcementRoute::Breach) => {}
                Some(EnforcementRoute::Recall) => {
                    return reject("type", "a licence is enforced by a recall decision, not a breach");
                }
                None => return reject("type", format!("nothing to breach: {}", phase_name(case, on))),
            }
            let enf = &case.practice.enforcement;
            no_open_episode(enf)?;
            check_failures(enf, failures)?;
            let listed: Vec<&Failure> = failures.iter().filter_map(|id| enf.failure(id)).collect();
            let mandatory = listed.iter().any(|f| enf.is_mandatory_trigger(f));
            if !mandatory && reason.is_none() {
                let problem = if failures.is_empty() {
                    "a breach without an enforceable failure needs a recorded reason"
                } else {
                    "breaching without a second failure within 12 months needs a recorded reason (serious failure)"
                };
                return reject("reason", problem);
            }
            let referral_due = listed.iter().map(|f| f.aware_on).max().map(|d| BREACH_REFERRAL.after(d));
            case.practice.enforcement.breaches.push(Breach {
                referred_on: on,
                failures: failures.clone(),
                reason: reason.clone(),
                referral_due,
                pack: *pack,
                pack_due: Enforcement::pack_due_from(on),
                pack_completed_on: None,
                resolved: None,
            });
        }
        CaseEvent::BreachPackCompleted { pack } => {
            let Some(breach) = case.practice.enforcement.open_breach() else {
                return reject("type", "no breach is open on this case");
            };
            if breach.pack_completed_on.is_some() {
                return reject("type", "the breach pack is already complete");
            }
            if let Some(field) = pack.missing().first() {
                return reject(field, "the breach pack is incomplete: every item is required before it is sent");
            }
            let breach = case.practice.enforcement.open_breach_mut().expect("checked above");
            breach.pack = *pack;
            breach.pack_completed_on = Some(on);
        }
        CaseEvent::BreachResolved { on: resolved_on, outcome } => {
            let Some(breach) = case.practice.enforcement.open_breach() else {
                return reject("type", "no breach is open on this case");
            };
            if *resolved_on < breach.referred_on {
                return reject("on", "a breach cannot be resolved before it was referred");
            }
            let breach = case.practice.enforcement.open_breach_mut().expect("checked above");
            breach.resolved = Some((*resolved_on, *outcome));
        }
        CaseEvent::RecallRecommended { kind, reasons, alternatives_tried, failures } => {
            match enforcement_route(case, on) {
                Some(EnforcementRoute::Recall) => {}
                Some(EnforcementRoute::Breach) => {
                    return reject(
                        "type",
                        format!(
                            "recall applies to a licence; this case is in {}: breach instead",
                            phase_name(case, on)
                        ),
                    );
                }
                None => return reject("type", format!("nothing to recall from: {}", phase_name(case, on))),
            }
            let enf = &case.practice.enforcement;
            no_open_episode(enf)?;
            check_failures(enf, failures)?;
            if *kind != RecallKind::NoRecall && reasons.is_empty() {
                return reject("reasons", "a recall recommendation needs at least one reason");
            }
            case.practice.enforcement.recalls.push(Recall {
                recommended_on: on,
                kind: *kind,
                reasons: reasons.clone(),
                alternatives_tried: alternatives_tried.clone(),
                failures: failures.clone(),
                decided: None,
            });
        }
        CaseEvent::RecallDecided { by_manager, decision, .. } => {
            let Some(recall) = case.practice.enforcement.open_recall_mut() else {
                return reject("type", "no recall recommendation is awaiting a decision");
            };
            recall.decided = Some(RecallDecision { on, by_manager: by_manager.clone(), decision: *decision });
        }
        CaseEvent::PlanGapReasonRecorded { subject, reason } => {
            let Some(assessment) = &case.assessment else {
                return reject("subject", "there is no assessment to plan from");
            };
            if !plan_subjects(case).iter().any(|(s, _)| s == subject) {
                return reject(
                    "subject",
                    format!(
                        "{} is not an offending-related need or a medium-or-above risk in the latest assessment",
                        subject.label()
                    ),
                );
            }
            let assessment = assessment.id.clone();
            case.practice.plan_gap_reasons.push(PlanGapReason {
                assessment,
                subject: *subject,
                reason: reason.clone(),
                on,
            });
        }
        CaseEvent::ReviewTriggered { trigger, on: triggered_on, note } => {
            let Some(current) = case.current_sentence() else {
                return reject("type", "no active sentence to review");
            };
            if *triggered_on < current.sentence.sentence_date {
                return reject("on", "a review trigger cannot precede the current sentence");
            }
            case.practice.reviews.triggers.push(TriggerRecord {
                trigger: *trigger,
                on: *triggered_on,
                note: note.clone(),
                derived: false,
            });
        }
        CaseEvent::ReviewCompleted { on: reviewed_on, triggers_addressed } => {
            let Some(current) = case.current_sentence() else {
                return reject("type", "no active sentence to review");
            };
            let from = current.sentence.sentence_date;
            if *reviewed_on < from {
                return reject("on", "a review cannot precede the current sentence");
            }
            if let Some(kinds) = triggers_addressed {
                let open = case.practice.reviews.open_triggers(from);
                if kinds.is_empty() {
                    return reject("triggers_addressed", "list the triggers addressed, or leave it out for all");
                }
                if let Some(k) = kinds.iter().find(|k| !open.iter().any(|t| t.trigger == **k && t.on <= *reviewed_on)) {
                    return reject(
                        "triggers_addressed",
                        format!("no open review trigger for {} on or before {reviewed_on}", k.label()),
                    );
                }
            }
            case.practice
                .reviews
                .completed
                .push(ReviewRecord { on: *reviewed_on, triggers_addressed: triggers_addressed.clone() });
        }
        CaseEvent::SafeguardingInView { children, domestic_abuse } => {
            case.practice.safeguarding.declare(*children, *domestic_abuse, on);
        }
        CaseEvent::SafeguardingCheckRequested { agency, local_authority, on: requested_on } => {
            if case.practice.safeguarding.open_check(*agency).is_some() {
                return reject("agency", format!("a check with {} is already awaiting an answer", agency.label()));
            }
            case.practice.safeguarding.checks.push(Check {
                agency: *agency,
                local_authority: local_authority.clone(),
                requested_on: *requested_on,
                chased_on: Vec::new(),
                response: None,
            });
        }
        CaseEvent::SafeguardingCheckChased { agency, on: chased_on } => {
            let sg = &case.practice.safeguarding;
            let Some(check) = sg.open_check(*agency) else {
                return match sg.latest_check(*agency) {
                    Some(_) => reject("agency", format!("{} has already answered: nothing to chase", agency.label())),
                    None => reject("agency", format!("no check was requested from {}", agency.label())),
                };
            };
            if *chased_on < check.last_contact() {
                return reject("on", "a chase cannot precede the request or the last chase");
            }
            let check = case.practice.safeguarding.open_check_mut(*agency).expect("checked above");
            check.chased_on.push(*chased_on);
        }
        CaseEvent::SafeguardingResponseReceived { agency, on: answered_on, outcome } => {
            let sg = &case.practice.safeguarding;
            let Some(check) = sg.open_check(*agency) else {
                return match sg.latest_check(*agency) {
                    Some(_) => reject("agency", format!("{} has already answered the last check", agency.label())),
                    None => reject("agency", format!("no check was requested from {}", agency.label())),
                };
            };
            if *answered_on < check.requested_on {
                return reject("on", "a response cannot precede the request");
            }
            let check = case.practice.safeguarding.open_check_mut(*agency).expect("checked above");
            check.response = Some((*answered_on, outcome.clone()));
        }
        CaseEvent::InterventionReferred { referral, service, objectives, needs, on: referred_on } => {
            super::interventions::refer(case, referral, service, objectives, needs, *referred_on)?;
        }
        CaseEvent::ReferralAccepted { referral, on: accepted_on } => {
            super::interventions::accept(case, referral, *accepted_on)?;
        }
        CaseEvent::ReferralStarted { referral, on: started_on } => {
            super::interventions::start(case, referral, *started_on)?;
        }
        CaseEvent::ReferralClosed { referral, on: closed_on, closure, reason } => {
            super::interventions::close(case, referral, *closure, reason.as_ref(), *closed_on)?;
        }
        CaseEvent::ReferralOutcomesRecorded { referral, outcomes } => {
            super::interventions::record_outcomes(case, referral, outcomes)?;
        }
        CaseEvent::OversightRecorded { oversight, by_manager, reviewed, judgement, actions } => {
            super::oversight::record(case, oversight, by_manager, reviewed, *judgement, actions, on)?;
        }
        CaseEvent::OversightActionCompleted { action, on: completed_on } => {
            super::oversight::complete(case, action, *completed_on)?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}
