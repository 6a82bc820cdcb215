//! Allocation and escalation (docs/rules/practice.md#allocation; issue 3,
//! item 2): which provider keeps a case, which grade of officer the guidance allows, the
//! senior probation officer's evidence, and the escalation of a CRC case whose risk rises.

use crate::assessment::RoshLevel;
use crate::ids::{Code, Note};
use crate::org::Grade;
pub use crate::state::allocation::{
    AllocationEvidence, AllocationRecord, GradeGuidance, GuidanceVerdict, PendingTransfer, PoOnlyCase,
};
use crate::state::tiering::Mappa;
use crate::state::{Allocation, CaseState, Rejected, reject};
use crate::tier::{LegacyTier, ProtectLevel};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The provider that supervises a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// The National Probation Service: high and very high risk, and all MAPPA cases.
    Nps,
    /// A Community Rehabilitation Company: everyone else.
    Crc,
}

pub const PROVIDER_SOURCE: &str = "docs/rules/practice.md#allocation: the NPS keeps people assessed as high or very \
     high risk of serious harm and all MAPPA cases; CRCs supervise the rest. Escalation: a CRC case whose risk rises \
     to high goes back to the NPS.";

/// The provider by RoSH (see [`PROVIDER_SOURCE`]); an unassessed case stays where it is
/// allocated (CRC) until an assessment says otherwise.
pub const PROVIDER_BY_ROSH: [(Option<RoshLevel>, Provider); 5] = [
    (None, Provider::Crc),
    (Some(RoshLevel::Low), Provider::Crc),
    (Some(RoshLevel::Medium), Provider::Crc),
    (Some(RoshLevel::High), Provider::Nps),
    (Some(RoshLevel::VeryHigh), Provider::Nps),
];

/// The provider a case belongs with: NPS for any MAPPA case, else by RoSH.
pub fn provider_for(rosh: Option<RoshLevel>, mappa: Option<Mappa>) -> Provider {
    if mappa.is_some() {
        return Provider::Nps;
    }
    PROVIDER_BY_ROSH.iter().find(|(r, _)| *r == rosh).map(|(_, p)| *p).expect("the table covers every RoSH level")
}

/// One row of the grade guidance: for a legacy protect letter, whether a PSO may hold the
/// case, and the RSR and RoSH at or above which it must go to a PO after all.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradeRow {
    pub protect: ProtectLevel,
    pub pso_allowed: bool,
    /// RSR (percent) at or above which a PO is required.
    pub po_if_rsr_at_least: Option<f64>,
    /// RoSH at or above which a PO is required.
    pub po_if_rosh_at_least: Option<RoshLevel>,
}

pub const GRADE_GUIDANCE_SOURCE: &str = "docs/rules/practice.md#allocation-by-tier (Probation Service guidance): tier \
     A must go to a PO; B and C may go to a PSO unless the serious reoffending predictor is 3% or more or RoSH is high \
     or above; D to a PSO unless RoSH is high. The tier letter is the legacy protect level.";

/// The grade guidance by tier (see [`GRADE_GUIDANCE_SOURCE`]).
pub const GRADE_GUIDANCE: [GradeRow; 4] = [
    GradeRow { protect: ProtectLevel::A, pso_allowed: false, po_if_rsr_at_least: None, po_if_rosh_at_least: None },
    GradeRow {
        protect: ProtectLevel::B,
        pso_allowed: true,
        po_if_rsr_at_least: Some(3.0),
        po_if_rosh_at_least: Some(RoshLevel::High),
    },
    GradeRow {
        protect: ProtectLevel::C,
        pso_allowed: true,
        po_if_rsr_at_least: Some(3.0),
        po_if_rosh_at_least: Some(RoshLevel::High),
    },
    GradeRow {
        protect: ProtectLevel::D,
        pso_allowed: true,
        po_if_rsr_at_least: None,
        po_if_rosh_at_least: Some(RoshLevel::High),
    },
];

/// The guidance for a case at tier `tier` with `rsr` and `rosh`, and any PO-only features.
/// Without a tier the guidance is a PO: missing information never lowers the grade.
pub fn grade_guidance(
    tier: Option<LegacyTier>,
    rsr: Option<f64>,
    rosh: Option<RoshLevel>,
    po_only: &[PoOnlyCase],
) -> GradeGuidance {
    let Some(tier) = tier else { return GradeGuidance::Po };
    if !po_only.is_empty() {
        return GradeGuidance::Po;
    }
    let row = GRADE_GUIDANCE.iter().find(|r| r.protect == tier.protect).expect("the table covers A-D");
    let rsr_high = row.po_if_rsr_at_least.is_some_and(|t| rsr.is_some_and(|r| r >= t));
    let rosh_high = row.po_if_rosh_at_least.is_some_and(|t| rosh.is_some_and(|r| r >= t));
    if row.pso_allowed && !rsr_high && !rosh_high { GradeGuidance::PoOrPso } else { GradeGuidance::Po }
}

fn grade_name(grade: Grade) -> String {
    grade.label().to_lowercase()
}

/// Checks that an allocation's evidence is complete and agrees with itself, and returns the
/// record the fold keeps. This is all `CaseState::apply` asks, so the fold never depends on
/// today's guidance table. Refused: an incomplete allocation form or safeguarding checks
/// (docs/rules/practice.md#allocation: both complete before allocation), PO-only features with guidance that allows a
/// PSO, a verdict of "followed" for a grade the stated guidance does not allow, or of
/// "departed" for one it does.
pub fn check_evidence(
    case: &CaseState,
    evidence: &AllocationEvidence,
) -> Result<AllocationRecord, (&'static str, String)> {
    if !evidence.allocation_form_complete {
        return Err((
            "evidence.allocation_form_complete",
            "the case allocation form must be complete before allocation".into(),
        ));
    }
    if !evidence.safeguarding_checks_complete {
        return Err((
            "evidence.safeguarding_checks_complete",
            "safeguarding checks must be complete before allocation".into(),
        ));
    }
    if !evidence.po_only.is_empty() && evidence.guidance != GradeGuidance::Po {
        return Err((
            "evidence.guidance",
            "a case with PO-only features (parole report, medium-risk sexual offence, significant safeguarding) \
             is always guided to a probation officer"
                .into(),
        ));
    }
    let allowed = evidence.guidance.allows(evidence.grade);
    match (&evidence.verdict, allowed) {
        (GuidanceVerdict::Followed, false) => {
            return Err((
                "evidence.verdict",
                format!(
                    "the stated guidance is a probation officer, not a {}: record the reason for departing from it",
                    grade_name(evidence.grade)
                ),
            ));
        }
        (GuidanceVerdict::Departed { .. }, true) => {
            return Err((
                "evidence.verdict",
                format!("a {} is within the stated guidance: nothing was departed from", grade_name(evidence.grade)),
            ));
        }
        _ => {}
    }
    Ok(AllocationRecord {
        evidence: evidence.clone(),
        tier: case.tier,
        rosh: case.rosh(),
        guidance: evidence.guidance,
        guidance_followed: allowed,
    })
}

/// The guidance for the case as it stands, by today's [`GRADE_GUIDANCE`] table.
pub fn current_guidance(case: &CaseState, po_only: &[PoOnlyCase]) -> GradeGuidance {
    let rsr = case.assessment.as_ref().and_then(|a| a.rsr).map(|p| p.get());
    grade_guidance(case.tier.map(|t| t.legacy), rsr, case.rosh(), po_only)
}

/// Checks a new allocation's evidence against the case as it stands and today's guidance
/// table: the evidence must state the guidance the table gives now. Called when an allocation
/// is recorded (`services::record::record_events`), never by the fold; then
/// [`check_evidence`] checks the rest.
pub fn check_allocation(case: &CaseState, evidence: &AllocationEvidence) -> Result<(), (&'static str, String)> {
    let guidance = current_guidance(case, &evidence.po_only);
    if evidence.guidance != guidance {
        let tier_text = case.tier.map_or_else(|| "no tier yet".to_owned(), |t| format!("tier {}", t.legacy));
        let wanted = match guidance {
            GradeGuidance::Po => "a probation officer",
            GradeGuidance::PoOrPso => "a probation officer or a probation services officer",
        };
        return Err(("evidence.guidance", format!("the guidance for this case ({tier_text}) is {wanted}")));
    }
    check_evidence(case, evidence).map(|_| ())
}

/// When the case came to belong with the NPS while held by the CRC, if it has not been
/// escalated since: the worklist shows "escalate to the NPS" from then.
pub fn escalation_due_since(case: &CaseState) -> Option<Date> {
    let since = case.practice.nps_required_since?;
    match case.practice.escalated_on {
        Some(e) if e >= since => None,
        _ => Some(since),
    }
}

/// `OfficerAllocated`: a new responsible officer, with the SPO's evidence checked when given.
pub(crate) fn allocate(
    case: &mut CaseState,
    officer: &Code,
    team: &Code,
    evidence: Option<&AllocationEvidence>,
    on: Date,
) -> Result<(), Rejected> {
    if case.officer.as_ref().is_some_and(|a| &a.officer == officer) {
        return reject("officer", format!("{officer} is already the responsible officer"));
    }
    // While a transfer waits, the case moves within its own team or to the receiving one.
    if let Some(t) = &case.practice.transfer
        && &t.to != team
        && case.officer.as_ref().is_none_or(|a| &a.team != team)
    {
        return reject(
            "team",
            format!("a transfer to team {} is waiting: withdraw it before allocating to team {team}", t.to),
        );
    }
    let record = match evidence {
        Some(e) => Some(check_evidence(case, e).map_err(|(field, problem)| Rejected { field, problem })?),
        None => None,
    };
    // The receiving team's allocation completes the transfer.
    if case.practice.transfer.as_ref().is_some_and(|t| &t.to == team) {
        case.practice.transfer = None;
    }
    case.officer = Some(Allocation { officer: officer.clone(), team: team.clone(), since: on, record });
    case.officer_count += 1;
    case.practice.first_allocated_on.get_or_insert(on);
    Ok(())
}

/// `TransferRequested`: an active case, allocated to a team other than `to`, with no other
/// transfer waiting (docs/rules/practice.md#transfer).
pub(crate) fn request_transfer(case: &mut CaseState, to: &Code, reason: &Note, on: Date) -> Result<(), Rejected> {
    if case.current_sentence().is_none() {
        return reject("type", "no active sentence: there is nothing to transfer");
    }
    let Some(from) = case.officer.as_ref().map(|a| a.team.clone()) else {
        return reject("type", "the case is not allocated yet: allocate it to the team that should have it");
    };
    if &from == to {
        return reject("to", format!("the case is already supervised by team {to}"));
    }
    if let Some(t) = &case.practice.transfer {
        return reject("to", format!("a transfer to team {} is already waiting", t.to));
    }
    case.practice.transfer = Some(PendingTransfer { to: to.clone(), from, reason: reason.clone(), requested_on: on });
    Ok(())
}

/// `TransferWithdrawn`: only while a transfer waits.
pub(crate) fn withdraw_transfer(case: &mut CaseState) -> Result<(), Rejected> {
    if case.practice.transfer.take().is_none() {
        return reject("type", "no transfer is waiting");
    }
    Ok(())
}

/// `EscalatedToNps`: once, while a sentence is active.
pub(crate) fn escalate(case: &mut CaseState, escalated: Date) -> Result<(), Rejected> {
    if case.practice.escalated_on.is_some() {
        return reject("type", "the case has already been escalated to the NPS");
    }
    if case.current_sentence().is_none() {
        return reject("type", "no active sentence to escalate");
    }
    case.practice.escalated_on = Some(escalated);
    Ok(())
}

/// Keeps the date the case came to belong with the NPS (RoSH high or above, or MAPPA),
/// so the worklist can ask for the escalation until it is recorded. Called by the fold
/// whenever the RoSH or MAPPA may have changed.
pub(crate) fn note_provider(case: &mut CaseState, on: Date) {
    match provider_for(case.rosh(), case.mappa) {
        Provider::Nps => {
            case.practice.nps_required_since.get_or_insert(on);
        }
        Provider::Crc => case.practice.nps_required_since = None,
    }
}
