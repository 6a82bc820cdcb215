//! Plan gaps (docs/rules/practice.md#sentence-plans): every offending-related need and
//! every medium-or-above risk of serious harm in the latest assessment is addressed by an
//! objective or carries a recorded reason why not. The report found needs assessed
//! accurately but too few reaching the plan; this makes each one that did not visible.

use crate::assessment::{NeedArea, NeedSeverity, RiskGroup, RoshLevel};
use crate::case::CaseState;
use crate::ids::{LocalId, Note};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Something in an assessment the plan must answer: a need area or a group at risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanSubject {
    Need(NeedArea),
    RiskGroup(RiskGroup),
}

impl PlanSubject {
    pub fn label(self) -> String {
        match self {
            PlanSubject::Need(n) => format!("need: {}", n.label()),
            PlanSubject::RiskGroup(g) => format!(
                "risk to {}",
                match g {
                    RiskGroup::Public => "the public",
                    RiskGroup::KnownAdult => "a known adult",
                    RiskGroup::Children => "children",
                    RiskGroup::Staff => "staff",
                    RiskGroup::Prisoners => "prisoners",
                }
            ),
        }
    }
}

/// How the latest assessment rated a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assessed {
    Need(NeedSeverity),
    Risk(RoshLevel),
}

/// A reason recorded for not planning a subject. It answers one assessment: a
/// reassessment is the moment to look at the plan again, so older reasons do not carry over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanGapReason {
    pub assessment: LocalId,
    pub subject: PlanSubject,
    pub reason: Note,
    pub on: Date,
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
