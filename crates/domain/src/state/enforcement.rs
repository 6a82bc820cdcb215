//! The enforcement facts of a case (warnings, breach, recall) and the types their events
//! carry. What they mean on a date (counts, what is due) is `practice::enforcement`.

use crate::ids::{Code, LocalId, Note};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The required contents of a breach pack. docs/rules/practice.md#enforcement says only that it must be complete (the
/// report: about 1 in 4 packs were returned as poorly prepared); the items are Probity's
/// checklist of what a court or enforcement officer needs, for the provider to adjust.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct BreachPack {
    /// The officer's breach report setting out each failure.
    pub breach_report: bool,
    /// A copy of the order (or licence) with its requirements.
    pub order_copy: bool,
    /// The instructions (appointment letters) the person failed to keep.
    pub instructions: bool,
    /// Copies of the warning letters given, or a statement that none was.
    pub warning_letters: bool,
    /// The contact log showing compliance to date.
    pub contact_log: bool,
    /// Previous convictions (PNC print).
    pub previous_convictions: bool,
    /// A current risk of serious harm summary.
    pub risk_summary: bool,
    /// Countersigned by a manager.
    pub manager_countersigned: bool,
}

impl BreachPack {
    /// A pack with every item present.
    pub const COMPLETE: BreachPack = BreachPack {
        breach_report: true,
        order_copy: true,
        instructions: true,
        warning_letters: true,
        contact_log: true,
        previous_convictions: true,
        risk_summary: true,
        manager_countersigned: true,
    };

    /// The fields (as `pack.<item>`) still missing, in checklist order.
    pub fn missing(&self) -> Vec<&'static str> {
        let items = [
            (self.breach_report, "pack.breach_report"),
            (self.order_copy, "pack.order_copy"),
            (self.instructions, "pack.instructions"),
            (self.warning_letters, "pack.warning_letters"),
            (self.contact_log, "pack.contact_log"),
            (self.previous_convictions, "pack.previous_convictions"),
            (self.risk_summary, "pack.risk_summary"),
            (self.manager_countersigned, "pack.manager_countersigned"),
        ];
        items.into_iter().filter(|(present, _)| !present).map(|(_, f)| f).collect()
    }

    pub fn is_complete(&self) -> bool {
        self.missing().is_empty()
    }
}

/// How a breach ended at court (or before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachOutcome {
    ProvenOrderContinued,
    ProvenOrderAmended,
    ProvenRevokedAndResentenced,
    NotProven,
    Withdrawn,
}

/// Recall types (docs/rules/practice.md#recall): standard, fixed-term (28 days), or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecallKind {
    Standard,
    FixedTerm,
    NoRecall,
}

/// Why recall is recommended (docs/rules/practice.md#recall; `further_offence` and `other` are Probity's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecallReason {
    RiskIncreased,
    ContactBrokenDown,
    FurtherOffence,
    Other,
}

/// Alternatives to recall already tried (docs/rules/practice.md#recall).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecallAlternative {
    WarningLetter,
    DrugTesting,
    IncreasedContact,
    AdditionalLicenceConditions,
    ApprovedPremises,
}

/// An appointment whose current outcome is an enforceable failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub appointment: LocalId,
    /// The appointment's date: the 12-month window and the resets run on it.
    pub on: Date,
    /// When the outcome was recorded as enforceable: the provider became aware, and the
    /// referral clock starts.
    pub aware_on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub appointment: LocalId,
    pub on: Date,
    pub response_due: Date,
}

/// A manager's recorded decision not to breach (or recall) on a failure that made it
/// mandatory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    pub appointment: LocalId,
    pub on: Date,
    pub reason: Note,
    pub by_manager: Code,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breach {
    pub referred_on: Date,
    pub failures: Vec<LocalId>,
    pub reason: Option<Note>,
    /// 8 business days from the latest listed failure becoming known; `None` when breached
    /// without a failure. Kept to show late referrals.
    pub referral_due: Option<Date>,
    pub pack: BreachPack,
    pub pack_due: Date,
    pub pack_completed_on: Option<Date>,
    pub resolved: Option<(Date, BreachOutcome)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallDecision {
    pub on: Date,
    pub by_manager: Code,
    pub decision: RecallKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recall {
    pub recommended_on: Date,
    pub kind: RecallKind,
    pub reasons: Vec<RecallReason>,
    pub alternatives_tried: Vec<RecallAlternative>,
    pub failures: Vec<LocalId>,
    pub decided: Option<RecallDecision>,
}

/// The enforcement facts of a case, kept by the fold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Enforcement {
    /// Appointments whose *current* outcome is enforceable. A correction to an acceptable
    /// outcome removes the failure (docs/rules/practice.md#enforcement: an outcome corrected later stops counting).
    pub failures: Vec<Failure>,
    pub warnings: Vec<Warning>,
    pub exceptions: Vec<Exception>,
    pub breaches: Vec<Breach>,
    pub recalls: Vec<Recall>,
}

impl Enforcement {
    /// Keeps `failures` in step with an appointment's outcome (called by the fold).
    pub(crate) fn outcome_changed(&mut self, appointment: &LocalId, on: Date, enforceable: bool, recorded_on: Date) {
        let existing = self.failures.iter().position(|f| &f.appointment == appointment);
        match (existing, enforceable) {
            (None, true) => self.failures.push(Failure { appointment: appointment.clone(), on, aware_on: recorded_on }),
            (Some(i), false) => {
                self.failures.remove(i);
            }
            // Still enforceable (e.g. corrected from one failure kind to another): awareness
            // dates from the first recording.
            _ => {}
        }
    }

    pub fn failure(&self, appointment: &LocalId) -> Option<&Failure> {
        self.failures.iter().find(|f| &f.appointment == appointment)
    }

    pub fn open_breach(&self) -> Option<&Breach> {
        self.breaches.iter().find(|b| b.resolved.is_none())
    }

    pub(crate) fn open_breach_mut(&mut self) -> Option<&mut Breach> {
        self.breaches.iter_mut().find(|b| b.resolved.is_none())
    }

    pub fn open_recall(&self) -> Option<&Recall> {
        self.recalls.iter().find(|r| r.decided.is_none())
    }

    pub(crate) fn open_recall_mut(&mut self) -> Option<&mut Recall> {
        self.recalls.iter_mut().find(|r| r.decided.is_none())
    }

    /// The start of the open enforcement episode (a breach referred or a recall
    /// recommended and not yet resolved or decided).
    pub fn open_episode_since(&self) -> Option<Date> {
        self.open_breach().map(|b| b.referred_on).or_else(|| self.open_recall().map(|r| r.recommended_on))
    }

    /// The last date an enforcement episode ended: a breach resolved or a recall decided.
    /// The failure count resets there (docs/rules/practice.md#enforcement).
    pub fn last_resolution(&self) -> Option<Date> {
        let breaches = self.breaches.iter().filter_map(|b| b.resolved.map(|(d, _)| d));
        let recalls = self.recalls.iter().filter_map(|r| r.decided.as_ref().map(|d| d.on));
        breaches.chain(recalls).max()
    }

    /// Failures that count towards warnings and breach: after the last resolution and not
    /// during an open breach or recall, in date order.
    pub fn counted_failures(&self) -> Vec<&Failure> {
        let reset = self.last_resolution();
        let episode = self.open_episode_since();
        let mut out: Vec<&Failure> = self
            .failures
            .iter()
            .filter(|f| reset.is_none_or(|r| f.on > r) && episode.is_none_or(|e| f.on < e))
            .collect();
        out.sort_by(|a, b| (a.on, &a.appointment).cmp(&(b.on, &b.appointment)));
        out
    }

    pub fn warned(&self, appointment: &LocalId) -> bool {
        self.warnings.iter().any(|w| &w.appointment == appointment)
    }

    pub fn excepted(&self, appointment: &LocalId) -> bool {
        self.exceptions.iter().any(|e| &e.appointment == appointment)
    }
}
