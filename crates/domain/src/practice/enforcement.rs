//! Enforcement: warnings, breach and recall (docs/rules/practice.md#enforcement and
//! docs/rules/practice.md#recall).
//!
//! Recorded decisions (a warning sent, a breach referred, a recall recommended) are events;
//! what is *due* (a warning decision, a mandatory breach decision) is derived from them here
//! and never stored, so it cannot drift from the facts. The fold keeps the facts in
//! [`Enforcement`]; the queries below answer what they mean on a date.

use super::policy::{BREACH_PACK, BREACH_REFERRAL, BREACH_WINDOW, WARNING_RESPONSE};
use super::state::{EnforcementRoute, enforcement_route};
use crate::ids::{Code, LocalId, Note};
use crate::sentence::SupervisionPhase;
pub use crate::state::enforcement::{
    Breach, BreachOutcome, BreachPack, Enforcement, Exception, Failure, Recall, RecallAlternative, RecallDecision,
    RecallKind, RecallReason, Warning,
};
use crate::state::{CaseState, Rejected, reject};
use jiff::civil::Date;

// The queries that read the policy's windows and deadlines; the plain accessors are beside
// the record in `state::enforcement`.
impl Enforcement {
    /// The failure count on `today`: counted failures in the 12 months up to `today`.
    pub fn failure_count(&self, today: Date) -> usize {
        let from = BREACH_WINDOW.period.before(today);
        self.counted_failures().into_iter().filter(|f| f.on > from && f.on <= today).count()
    }

    /// Whether `failure` is a second (or later) counted failure within 12 months of an
    /// earlier one: breach (or a recall decision) is then mandatory.
    pub fn is_mandatory_trigger(&self, failure: &Failure) -> bool {
        let counted = self.counted_failures();
        if !counted.iter().any(|f| f.appointment == failure.appointment) {
            return false;
        }
        let from = BREACH_WINDOW.period.before(failure.on);
        counted.iter().any(|g| (g.on, &g.appointment) < (failure.on, &failure.appointment) && g.on >= from)
    }

    /// Counted failures still needing a warning decision: not a mandatory trigger (that is a
    /// breach decision instead), not warned, and no enforcement episode open.
    pub fn awaiting_warning(&self) -> Vec<&Failure> {
        if self.open_episode_since().is_some() {
            return Vec::new();
        }
        self.counted_failures()
            .into_iter()
            .filter(|f| !self.warned(&f.appointment) && !self.is_mandatory_trigger(f))
            .collect()
    }

    /// Failures that make a breach or recall decision mandatory and have neither an open
    /// episode nor a manager's exception, in date order.
    pub fn pending_mandatory(&self) -> Vec<&Failure> {
        if self.open_episode_since().is_some() {
            return Vec::new();
        }
        self.counted_failures()
            .into_iter()
            .filter(|f| !self.excepted(&f.appointment) && self.is_mandatory_trigger(f))
            .collect()
    }

    /// The referral deadline for the earliest pending mandatory failure.
    pub fn referral_due(&self) -> Option<(&Failure, Date)> {
        self.pending_mandatory().into_iter().map(|f| (f, BREACH_REFERRAL.after(f.aware_on))).min_by_key(|(_, d)| *d)
    }

    /// The breach pack deadline of the open breach, while its pack is incomplete.
    pub fn pack_due(&self) -> Option<Date> {
        self.open_breach().filter(|b| b.pack_completed_on.is_none()).map(|b| b.pack_due)
    }

    pub(crate) fn pack_due_from(referred_on: Date) -> Date {
        BREACH_PACK.after(referred_on)
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

/// `WarningLetterIssued`: for an enforceable failure not yet warned about, giving the person
/// at least [`WARNING_RESPONSE`] to respond.
pub(crate) fn issue_warning(
    case: &mut CaseState,
    appointment: &LocalId,
    issued: Date,
    response_due: Date,
) -> Result<(), Rejected> {
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
    if issued < record.appointment.at.date() {
        return reject("on", "a warning cannot precede the failure it warns about");
    }
    let earliest = WARNING_RESPONSE.after(issued);
    if response_due < earliest {
        return reject("response_due", format!("the person has 7 days to respond: no earlier than {earliest}"));
    }
    case.practice.enforcement.warnings.push(Warning { appointment: appointment.clone(), on: issued, response_due });
    Ok(())
}

/// `EnforcementExceptionRecorded`: only where a mandatory decision is pending.
pub(crate) fn record_exception(
    case: &mut CaseState,
    appointment: &LocalId,
    reason: &Note,
    by_manager: &Code,
    on: Date,
) -> Result<(), Rejected> {
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
    Ok(())
}

/// `BreachReferred`: on the breach route, with no episode open, listing counted failures.
pub(crate) fn refer_breach(
    case: &mut CaseState,
    failures: &[LocalId],
    reason: Option<&Note>,
    pack: BreachPack,
    on: Date,
) -> Result<(), Rejected> {
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
        failures: failures.to_vec(),
        reason: reason.cloned(),
        referral_due,
        pack,
        pack_due: Enforcement::pack_due_from(on),
        pack_completed_on: None,
        resolved: None,
    });
    Ok(())
}

/// `BreachPackCompleted`: the open breach's pack, with every item present.
pub(crate) fn complete_breach_pack(case: &mut CaseState, pack: BreachPack, on: Date) -> Result<(), Rejected> {
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
    breach.pack = pack;
    breach.pack_completed_on = Some(on);
    Ok(())
}

/// `BreachResolved`: the open breach, no earlier than its referral.
pub(crate) fn resolve_breach(case: &mut CaseState, resolved_on: Date, outcome: BreachOutcome) -> Result<(), Rejected> {
    let Some(breach) = case.practice.enforcement.open_breach() else {
        return reject("type", "no breach is open on this case");
    };
    if resolved_on < breach.referred_on {
        return reject("on", "a breach cannot be resolved before it was referred");
    }
    let breach = case.practice.enforcement.open_breach_mut().expect("checked above");
    breach.resolved = Some((resolved_on, outcome));
    Ok(())
}

/// `RecallRecommended`: on a licence, with no episode open, listing counted failures.
pub(crate) fn recommend_recall(
    case: &mut CaseState,
    kind: RecallKind,
    reasons: &[RecallReason],
    alternatives_tried: &[RecallAlternative],
    failures: &[LocalId],
    on: Date,
) -> Result<(), Rejected> {
    match enforcement_route(case, on) {
        Some(EnforcementRoute::Recall) => {}
        Some(EnforcementRoute::Breach) => {
            return reject(
                "type",
                format!("recall applies to a licence; this case is in {}: breach instead", phase_name(case, on)),
            );
        }
        None => return reject("type", format!("nothing to recall from: {}", phase_name(case, on))),
    }
    let enf = &case.practice.enforcement;
    no_open_episode(enf)?;
    check_failures(enf, failures)?;
    if kind != RecallKind::NoRecall && reasons.is_empty() {
        return reject("reasons", "a recall recommendation needs at least one reason");
    }
    case.practice.enforcement.recalls.push(Recall {
        recommended_on: on,
        kind,
        reasons: reasons.to_vec(),
        alternatives_tried: alternatives_tried.to_vec(),
        failures: failures.to_vec(),
        decided: None,
    });
    Ok(())
}

/// `RecallDecided`: the open recall recommendation.
pub(crate) fn decide_recall(
    case: &mut CaseState,
    by_manager: &Code,
    decision: RecallKind,
    on: Date,
) -> Result<(), Rejected> {
    let Some(recall) = case.practice.enforcement.open_recall_mut() else {
        return reject("type", "no recall recommendation is awaiting a decision");
    };
    recall.decided = Some(RecallDecision { on, by_manager: by_manager.clone(), decision });
    Ok(())
}
