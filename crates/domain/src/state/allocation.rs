//! What the fold keeps of an allocation, and the senior probation officer's evidence that an
//! `officer_allocated` event carries. The guidance table and the checks are
//! `practice::allocation`.

use super::tiering::CaseTier;
use crate::assessment::RoshLevel;
use crate::ids::{Code, Note};
use crate::org::Grade;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Cases that always go to a probation officer, whatever the tier (docs/rules/practice.md#allocation-by-tier:
/// "parole report, medium-risk sexual offence and significant
/// safeguarding cases always to a PO").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoOnlyCase {
    ParoleReport,
    MediumRiskSexualOffence,
    SignificantSafeguarding,
}

/// Which grades the guidance allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GradeGuidance {
    /// A qualified probation officer (or their senior).
    Po,
    /// A probation services officer (or trainee) may hold the case.
    PoOrPso,
}

impl GradeGuidance {
    /// Whether an officer of `grade` may hold the case. A trainee (PQiP) is not yet
    /// qualified, so a PO-only case is not theirs (Probity default; docs/rules/practice.md#allocation-by-tier names PO
    /// and PSO only).
    pub fn allows(self, grade: Grade) -> bool {
        match self {
            GradeGuidance::Po => matches!(grade, Grade::Po | Grade::Spo),
            GradeGuidance::PoOrPso => true,
        }
    }
}

/// The SPO's verdict on the grade guidance at allocation: followed, or departed from with a
/// recorded reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum GuidanceVerdict {
    Followed,
    Departed { reason: Note },
}

/// The senior probation officer's evidence on an allocation (docs/rules/practice.md#allocation: a case allocation
/// form and safeguarding checks must be complete before allocation; grade by tier). It
/// carries the guidance as it stood when the SPO allocated, so that a later change to
/// `practice::allocation::GRADE_GUIDANCE` never makes an old stream refuse to fold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AllocationEvidence {
    /// The grade of the officer allocated.
    pub grade: Grade,
    pub allocation_form_complete: bool,
    pub safeguarding_checks_complete: bool,
    /// Features that make the case PO-only whatever its tier.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub po_only: Vec<PoOnlyCase>,
    /// The grade guidance for the case when it was allocated.
    pub guidance: GradeGuidance,
    pub verdict: GuidanceVerdict,
}

impl AllocationEvidence {
    /// Whether the guidance was followed, by the recorded verdict.
    pub fn followed(&self) -> bool {
        matches!(self.verdict, GuidanceVerdict::Followed)
    }
}

/// What the fold keeps of an allocation's evidence: the evidence, and the case's tier and
/// RoSH at that moment, and whether the guidance was followed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AllocationRecord {
    pub evidence: AllocationEvidence,
    pub tier: Option<CaseTier>,
    pub rosh: Option<RoshLevel>,
    pub guidance: GradeGuidance,
    pub guidance_followed: bool,
}

impl<'de> Deserialize<'de> for GradeGuidance {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match String::deserialize(d)?.as_str() {
            "po" => Ok(GradeGuidance::Po),
            "po_or_pso" => Ok(GradeGuidance::PoOrPso),
            other => Err(serde::de::Error::custom(format!("unknown grade guidance `{other}`"))),
        }
    }
}

/// A transfer of a case to another team (another office, borough or area), asked for and not
/// yet taken up: the case stays with its responsible officer until the receiving team
/// allocates it to one of its own (docs/rules/practice.md#transfer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingTransfer {
    /// The team receiving the case.
    pub to: Code,
    /// The team sending it: the responsible officer's when it was asked for.
    pub from: Code,
    pub reason: Note,
    pub requested_on: Date,
}
