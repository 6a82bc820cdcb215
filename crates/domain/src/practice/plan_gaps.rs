//! Plan gaps (docs/rules/practice.md#sentence-plans): every offending-related need and
//! every medium-or-above risk of serious harm in the latest assessment is addressed by an
//! objective or carries a recorded reason why not. The report found needs assessed
//! accurately but too few reaching the plan; this makes each one that did not visible.

use crate::assessment::{NeedSeverity, RoshLevel};
use crate::ids::Note;
pub use crate::state::plan_gaps::{PlanGapReason, PlanSubject};
use crate::state::{CaseState, Rejected, reject};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// How the latest assessment rated a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assessed {
    Need(NeedSeverity),
    Risk(RoshLevel),
}

/// A subject of the latest assessment with neither an objective nor a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PlanGap {
    pub subject: PlanSubject,
    pub assessed: Assessed,
}

/// What the latest assessment asks the plan to answer: offending-related needs (standard or
/// severe) and risk groups at medium RoSH or above.
pub fn plan_subjects(case: &CaseState) -> Vec<(PlanSubject, Assessed)> {
    let Some(a) = &case.assessment else { return Vec::new() };
    let needs = a
        .needs
        .iter()
        .filter(|(_, s)| **s != NeedSeverity::NoNeed)
        .map(|(n, s)| (PlanSubject::Need(*n), Assessed::Need(*s)));
    let risks = a
        .rosh
        .iter()
        .filter(|(_, l)| **l >= RoshLevel::Medium)
        .map(|(g, l)| (PlanSubject::RiskGroup(*g), Assessed::Risk(*l)));
    needs.chain(risks).collect()
}

/// Whether an objective addresses the subject.
pub fn is_addressed(case: &CaseState, subject: PlanSubject) -> bool {
    case.objectives.iter().any(|o| match subject {
        PlanSubject::Need(n) => o.needs.contains(&n),
        PlanSubject::RiskGroup(g) => o.risk_groups.contains(&g),
    })
}

/// The reason recorded against the latest assessment for not planning `subject`, if any
/// (the latest one wins).
pub fn reason_for(case: &CaseState, subject: PlanSubject) -> Option<&PlanGapReason> {
    let a = case.assessment.as_ref()?;
    case.practice.plan_gap_reasons.iter().rev().find(|r| r.assessment == a.id && r.subject == subject)
}

/// Every subject of the latest assessment that the plan neither addresses nor explains.
pub fn plan_gaps(case: &CaseState) -> Vec<PlanGap> {
    plan_subjects(case)
        .into_iter()
        .filter(|(s, _)| !is_addressed(case, *s) && reason_for(case, *s).is_none())
        .map(|(subject, assessed)| PlanGap { subject, assessed })
        .collect()
}

/// `PlanGapReasonRecorded`: for a subject the latest assessment asks the plan to answer.
pub(crate) fn record_gap_reason(
    case: &mut CaseState,
    subject: PlanSubject,
    reason: &Note,
    on: Date,
) -> Result<(), Rejected> {
    let Some(assessment) = &case.assessment else {
        return reject("subject", "there is no assessment to plan from");
    };
    if !plan_subjects(case).iter().any(|(s, _)| *s == subject) {
        return reject(
            "subject",
            format!(
                "{} is not an offending-related need or a medium-or-above risk in the latest assessment",
                subject.label()
            ),
        );
    }
    let assessment = assessment.id.clone();
    case.practice.plan_gap_reasons.push(PlanGapReason { assessment, subject, reason: reason.clone(), on });
    Ok(())
}
