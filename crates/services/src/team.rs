//! The SPO's team: its officers with their workload against capacity, the cases waiting to
//! be allocated to it, and allocating one, with the grade guidance and each officer's
//! capacity before and after. Who may see or allocate is `access::team_access`.

use crate::access::{self, CaseAccess};
use crate::actor::{Actor, Facts, folded};
use crate::error::{FieldProblem, ServiceError};
use crate::stores::Stores;
use domain::case::{CaseState, uk_date};
use domain::ids::{Code, Crn};
use domain::projection::CaseSummary;
use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};
use store::{CaseStore, WorkloadStore};

/// The workload model the team view and the allocation screen apply (docs/rules/practice.md#workload).
pub const WORKLOAD: analytics::WorkloadPolicy = analytics::WorkloadPolicy::DEFAULT;

/// An officer of a team as its view shows them.
pub struct TeamOfficer {
    pub staff: domain::org::Staff,
    /// Active cases on their caseload that this user may see: a count must not reveal a
    /// person barred to them.
    pub active_cases: usize,
    /// Their caseload as the workload model weighs it: every active case with a tier, barred
    /// to this user or not, since capacity is the officer's, not the reader's.
    pub workload: Vec<analytics::Case>,
    /// Active cases with no tier yet, which the model cannot weigh.
    pub untiered: usize,
    /// Their reductions of hours (sickness, facility time, trainee and newly qualified
    /// protection) as recorded, whatever their dates: the model applies those in force on
    /// the day (`probity staff reduction`).
    pub reductions: Vec<analytics::workload::Reduction>,
    /// The reports they are preparing or have completed, whatever their dates
    /// (`probity staff report`).
    pub reports: Vec<analytics::workload::Report>,
    /// The kinds of those reports in preparation today: what the model weighs.
    pub reports_in_preparation: Vec<analytics::ReportKind>,
    /// Workload against capacity today: their cases and the reports in preparation today,
    /// against their points after the reductions in force today.
    pub capacity: analytics::CapacityFigures,
    /// Whether this user may open their caseload.
    pub caseload_link: bool,
}

/// A case waiting on a team's allocation queue.
pub struct QueuedCase {
    pub summary: CaseSummary,
    pub state: CaseState,
    /// The day it began to wait: the date of its current sentence, or of the transfer.
    pub waiting_since: Date,
    /// A case another team is transferring to this one (docs/rules/practice.md#transfer),
    /// with the sending team's name.
    pub transfer: Option<(domain::practice::allocation::PendingTransfer, String)>,
}

/// A team's officers with their workload, and the cases waiting to be allocated to it.
pub struct TeamView {
    pub team: domain::org::Team,
    pub office: Option<domain::org::Office>,
    pub borough: Option<domain::org::Borough>,
    pub access: access::TeamAccess,
    pub officers: Vec<TeamOfficer>,
    /// Oldest first.
    pub queue: Vec<QueuedCase>,
    pub today: Date,
}

impl TeamView {
    /// The team's points over its available points (a part-time officer weighs less).
    pub fn capacity(&self) -> analytics::CapacityFigures {
        let each: Vec<_> = self.officers.iter().map(|o| o.capacity).collect();
        analytics::workload::combined_capacity(&each)
    }
}

/// What is recorded of an officer besides their cases that the workload model weighs: their
/// reductions of hours and their reports, whatever their dates.
#[derive(Default)]
pub struct OfficerRecords {
    reductions: Vec<analytics::workload::Reduction>,
    reports: Vec<analytics::workload::Report>,
}

/// The recorded reductions and reports of these officers, read together (two queries however
/// many officers), by staff code; an officer with neither has no entry.
pub async fn officer_records<'a>(
    stores: &Stores,
    staff: impl IntoIterator<Item = &'a domain::org::Staff>,
) -> Result<BTreeMap<Code, OfficerRecords>, ServiceError> {
    let codes: Vec<Code> = staff.into_iter().map(|s| s.code.clone()).collect();
    let mut out: BTreeMap<Code, OfficerRecords> = BTreeMap::new();
    for r in stores.workload.reductions_for(&codes).await? {
        out.entry(r.staff).or_default().reductions.push(r.reduction);
    }
    for r in stores.workload.reports_for(&codes).await? {
        out.entry(r.staff).or_default().reports.push(r.report);
    }
    Ok(out)
}

/// An officer's workload from the workload projection's counts of their active cases
/// (`CaseStore::officer_workloads`) and their reports: the cases the model weighs, how many it
/// cannot (no tier yet), and their capacity today with the reports in preparation today, after
/// the reductions in force today. The team view, the allocation screen and the MI workload
/// page all use this, so they cannot disagree, and none replays a case.
pub fn officer_workload(
    staff: &domain::org::Staff,
    cases: &[(analytics::workload::WeighedCase, u64)],
    records: &OfficerRecords,
    today: Date,
) -> Result<(Vec<analytics::Case>, usize, analytics::CapacityFigures), ServiceError> {
    let (mut workload, mut untiered) = (Vec::new(), 0);
    for (weighed, n) in cases {
        let n = usize::try_from(*n).unwrap_or(usize::MAX);
        match weighed.on_caseload_of(staff) {
            Some(case) => workload.extend(std::iter::repeat_n(case, n)),
            None => untiered += n,
        }
    }
    let reports = analytics::workload::reports_in_preparation(&records.reports, today);
    let capacity = WORKLOAD
        .capacity(&workload, &reports, staff.contracted_hours.get(), &records.reductions, today)
        .map_err(|e| ServiceError::Internal(format!("workload of {}: {e}", staff.code)))?;
    Ok((workload, untiered, capacity))
}

/// How many active cases an officer holds, from the workload projection's counts.
pub fn active_cases(cases: &[(analytics::workload::WeighedCase, u64)]) -> u64 {
    cases.iter().map(|(_, n)| n).sum()
}

/// A team's view, if this user's role and place reach it (403 otherwise, 404 for no such
/// team). Officers' workloads are read from the workload projection, in one query.
pub async fn team_view(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    code: &Code,
) -> Result<TeamView, ServiceError> {
    let today = uk_date(now);
    let facts = Facts::load(stores, actor, today).await?;
    let org = facts.org();
    let (team, team_access) = team_in_reach(actor.user, code, org)?;
    let barred: BTreeSet<Crn> = facts.barred().into_iter().cloned().collect();
    let members: Vec<&domain::org::Staff> = org.staff.iter().filter(|s| &s.team == code).collect();
    let codes: Vec<Code> = members.iter().map(|s| s.code.clone()).collect();
    let mut counts = stores.cases.officer_workloads(Some(&codes)).await?;
    // A count must not reveal a person barred to this user: take their cases off it.
    let mut barred_on: BTreeMap<Code, u64> = BTreeMap::new();
    for crn in &barred {
        if let Some(officer) = stores.cases.summary(crn).await?.and_then(|s| s.caseload_officer().cloned()) {
            *barred_on.entry(officer).or_insert(0) += 1;
        }
    }
    let mut records = officer_records(stores, members.iter().copied()).await?;
    let mut officers = Vec::new();
    for staff in members {
        let cases = counts.remove(&staff.code).unwrap_or_default();
        let held = active_cases(&cases);
        // The team's SPO manages it; they are on the view only if they hold cases themselves.
        if staff.grade == domain::org::Grade::Spo && held == 0 {
            continue;
        }
        let records = records.remove(&staff.code).unwrap_or_default();
        let (workload, untiered, capacity) = officer_workload(staff, &cases, &records, today)?;
        let visible = held.saturating_sub(barred_on.get(&staff.code).copied().unwrap_or(0));
        officers.push(TeamOfficer {
            reports_in_preparation: analytics::workload::reports_in_preparation(&records.reports, today),
            reductions: records.reductions,
            reports: records.reports,
            active_cases: usize::try_from(visible).unwrap_or(usize::MAX),
            workload,
            untiered,
            capacity,
            caseload_link: access::may_see_caseload(actor.user, &staff.code, org),
            staff: staff.clone(),
        });
    }
    officers.sort_by(|a, b| (&a.staff.name, &a.staff.code).cmp(&(&b.staff.name, &b.staff.code)));
    let mut queue = Vec::new();
    for summary in stores.cases.unallocated().await? {
        if barred.contains(&summary.crn) {
            continue;
        }
        let state = folded(stores, &summary.crn).await?;
        let home = state.person.as_ref().and_then(|p| p.home_borough.as_ref());
        let since = state.current_sentence().map(|s| s.sentence.sentence_date);
        if let (true, Some(waiting_since)) = (access::waits_for(code, home, org), since) {
            queue.push(QueuedCase { summary, state, waiting_since, transfer: None });
        }
    }
    // Cases other teams are transferring to this one wait on its queue too.
    for summary in stores.cases.transfers_to(code).await? {
        if barred.contains(&summary.crn) {
            continue;
        }
        let state = folded(stores, &summary.crn).await?;
        if let Some(transfer) = state.practice.transfer.clone() {
            let from = org.teams.iter().find(|t| t.code == transfer.from);
            let from = from.map_or_else(|| transfer.from.to_string(), |t| t.name.to_string());
            queue.push(QueuedCase {
                waiting_since: transfer.requested_on,
                summary,
                state,
                transfer: Some((transfer, from)),
            });
        }
    }
    queue.sort_by(|a, b| (a.waiting_since, &a.summary.crn).cmp(&(b.waiting_since, &b.summary.crn)));
    let office = org.offices.iter().find(|o| o.code == team.office).cloned();
    let borough = office.as_ref().and_then(|o| org.boroughs.iter().find(|b| b.code == o.borough)).cloned();
    Ok(TeamView { team, office, borough, access: team_access, officers, queue, today })
}

/// The team `code` and what this user may do with its view: `NotFound` for no such team,
/// `Forbidden` for one beyond their role or place. Every page of a team starts here.
pub(crate) fn team_in_reach(
    user: &access::User,
    code: &Code,
    org: &domain::org::Organisation,
) -> Result<(domain::org::Team, access::TeamAccess), ServiceError> {
    let Some(team) = org.teams.iter().find(|t| &t.code == code).cloned() else {
        return Err(ServiceError::NotFound(format!("There is no team {code}.")));
    };
    match access::team_access(user, code, org) {
        access::TeamAccess::None => Err(ServiceError::forbidden()),
        reach => Ok((team, reach)),
    }
}

/// The teams whose views this user may open, by name: the start page links to them.
pub async fn teams(stores: &Stores, actor: Actor<'_>) -> Result<Vec<domain::org::Team>, ServiceError> {
    if access::team_role_access(actor.user) == access::TeamAccess::None {
        return Ok(Vec::new());
    }
    let snapshot = crate::actor::snapshot(stores, actor).await?;
    let org = &snapshot.org;
    let mut teams: Vec<_> = org
        .teams
        .iter()
        .filter(|t| access::team_access(actor.user, &t.code, org) != access::TeamAccess::None)
        .cloned()
        .collect();
    teams.sort_by(|a, b| (&a.name, &a.code).cmp(&(&b.name, &b.code)));
    Ok(teams)
}

/// An officer the case could go to, with their capacity now and after taking it.
pub struct Candidate {
    pub staff: domain::org::Staff,
    pub now: analytics::CapacityFigures,
    /// `None` when the model cannot weigh the case (it has no tier yet).
    pub after: Option<analytics::CapacityFigures>,
    /// Whether their grade is within the grade guidance for the case.
    pub within_guidance: bool,
}

/// The allocation screen: a waiting case, the grade guidance and why, and each of the team's
/// officers with their capacity before and after taking the case.
pub struct AllocationScreen {
    pub view: TeamView,
    pub case: QueuedCase,
    /// For a case the team already supervises, its responsible officer: the screen then
    /// reallocates it to another of the team's officers, and asks why.
    pub reallocating: Option<Code>,
    pub guidance: domain::practice::allocation::GradeGuidance,
    pub because: String,
    pub candidates: Vec<Candidate>,
}

/// The allocation screen for a case on the team's queue, or for one of the team's own cases
/// to reallocate (`NotFound` for any other); opening it is a read of the case, recorded under
/// `route`.
pub async fn allocation_screen(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    team: &Code,
    crn: &Crn,
    route: &str,
) -> Result<AllocationScreen, ServiceError> {
    use domain::practice::allocation::current_guidance;
    let mut view = team_view(stores, actor, now, team).await?;
    let (case, reallocating) = match view.queue.iter().position(|q| &q.summary.crn == crn) {
        Some(at) => (view.queue.remove(at), None),
        None => match own_case(stores, actor, &view, crn).await? {
            Some((case, officer)) => (case, Some(officer)),
            None => {
                return Err(ServiceError::NotFound(format!(
                    "Case {crn} is neither waiting to be allocated to team {} nor supervised by it.",
                    view.team.code
                )));
            }
        },
    };
    actor.record_read(stores, now, crn, route).await?;
    // The PO-only features (parole report, medium-risk sexual offence, significant
    // safeguarding) are not asked for on this screen, so the guidance is by tier, RSR and RoSH.
    let guidance = current_guidance(&case.state, &[]);
    let mut candidates = Vec::with_capacity(view.officers.len());
    // A reallocation goes to another of the team's officers.
    for o in view.officers.iter().filter(|o| Some(&o.staff.code) != reallocating.as_ref()) {
        let hours = o.staff.contracted_hours.get();
        let after = match analytics::workload::case_from_record(&case.state, &o.staff) {
            Some(new_case) => Some(
                WORKLOAD
                    .capacity_with(&o.workload, &o.reports_in_preparation, hours, &o.reductions, view.today, &new_case)
                    .map_err(|e| ServiceError::Internal(format!("workload of {}: {e}", o.staff.code)))?
                    .after,
            ),
            None => None,
        };
        candidates.push(Candidate {
            staff: o.staff.clone(),
            now: o.capacity,
            after,
            within_guidance: guidance.allows(o.staff.grade),
        });
    }
    let because = guidance_because(&case.state);
    Ok(AllocationScreen { view, case, reallocating, guidance, because, candidates })
}

/// One of the team's own active cases, with its responsible officer, if this actor may see it.
async fn own_case(
    stores: &Stores,
    actor: Actor<'_>,
    view: &TeamView,
    crn: &Crn,
) -> Result<Option<(QueuedCase, Code)>, ServiceError> {
    let Some(summary) = stores.cases.summary(crn).await? else { return Ok(None) };
    let (Some(officer), true, true) =
        (summary.officer.clone(), summary.active, summary.team.as_ref() == Some(&view.team.code))
    else {
        return Ok(None);
    };
    let facts = Facts::load(stores, actor, view.today).await?;
    if facts.barred().contains(&crn) {
        return Ok(None);
    }
    let state = folded(stores, crn).await?;
    let since =
        state.officer.as_ref().map(|a| a.since).or_else(|| state.current_sentence().map(|s| s.sentence.sentence_date));
    Ok(Some((QueuedCase { summary, state, waiting_since: since.unwrap_or(view.today), transfer: None }, officer)))
}

/// Why a case is reallocated, as the form offers it (`AllocationReason`; an initial
/// allocation is not a reallocation, and a transfer goes to another team).
pub const REALLOCATION_REASONS: [(domain::event::AllocationReason, &str, &str); 4] = [
    (domain::event::AllocationReason::OfficerLeft, "officer_left", "The officer is leaving or has left"),
    (domain::event::AllocationReason::Workload, "workload", "To balance the team's workload"),
    (domain::event::AllocationReason::RiskChange, "risk_change", "The risk has changed and needs another grade"),
    (domain::event::AllocationReason::Other, "other", "Another reason"),
];

/// Why the grade guidance is what it is for the case, in words, read from the guidance
/// table (`domain::practice::allocation::GRADE_GUIDANCE`) row by row as `grade_guidance`
/// applies it.
pub fn guidance_because(case: &CaseState) -> String {
    use domain::practice::allocation::GRADE_GUIDANCE;
    let Some(tier) = case.tier.map(|t| t.legacy) else {
        return "The case has no tier yet, and missing information never lowers the grade.".to_owned();
    };
    let Some(row) = GRADE_GUIDANCE.iter().find(|r| r.protect == tier.protect) else {
        return format!("Tier {tier}.");
    };
    let rsr = case.assessment.as_ref().and_then(|a| a.rsr).map(|p| p.get());
    let rosh = case.rosh();
    if !row.pso_allowed {
        return format!("Tier {tier}: a tier {} case must go to a probation officer.", tier.protect);
    }
    let mut reasons = Vec::new();
    if let (Some(limit), Some(r)) = (row.po_if_rsr_at_least, rsr)
        && r >= limit
    {
        reasons.push(format!("the serious reoffending predictor is {r}% ({limit}% or more)"));
    }
    if let (Some(limit), Some(r)) = (row.po_if_rosh_at_least, rosh)
        && r >= limit
    {
        reasons.push(format!("RoSH is {} ({} or above)", r.label().to_lowercase(), limit.label().to_lowercase()));
    }
    if reasons.is_empty() {
        let rosh = rosh.map_or_else(|| "not assessed".to_owned(), |r| r.label().to_lowercase());
        let rsr = rsr.map_or_else(|| "not known".to_owned(), |r| format!("{r}%"));
        format!("Tier {tier}, RSR {rsr}, RoSH {rosh}: a probation services officer may hold it.")
    } else {
        format!("Tier {tier}, but {}: a probation officer is required.", reasons.join(" and "))
    }
}

/// The allocation form as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AllocationForm {
    pub officer: String,
    /// Why a case the team supervises is reallocated (`REALLOCATION_REASONS`).
    pub why: String,
    pub allocation_form_complete: bool,
    pub safeguarding_checks_complete: bool,
    pub reason: String,
    pub version: String,
}

/// What became of an allocation the form asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Allocation {
    /// Allocated to this officer.
    Allocated(Code),
    /// Nothing written: every problem with the form, each naming its field.
    Refused(Vec<FieldProblem>),
    /// Nothing written: the case changed since the screen was shown (no field is at fault).
    Changed(String),
}

/// The form field a refusal of the allocation's evidence is about.
fn evidence_field(domain_field: &str) -> &'static str {
    match domain_field.rsplit("evidence.").next().unwrap_or("") {
        "allocation_form_complete" => "allocation_form_complete",
        "safeguarding_checks_complete" => "safeguarding_checks_complete",
        "verdict" => "reason",
        _ => "officer",
    }
}

/// A problem with a team form's field, its message led by the field's name.
pub(crate) fn problem(field: &'static str, message: impl std::fmt::Display) -> FieldProblem {
    FieldProblem::new(field, format!("{field}: {message}"))
}

/// Every refusal of the evidence by the allocation rules
/// (`domain::practice::allocation::check_allocation`), not just the first: past a box not
/// ticked, the rules are asked again as if it were.
pub fn evidence_problems(
    case: &CaseState,
    evidence: &domain::practice::allocation::AllocationEvidence,
) -> Vec<FieldProblem> {
    let mut evidence = evidence.clone();
    let mut problems = Vec::new();
    while let Err((field, message)) = domain::practice::allocation::check_allocation(case, &evidence) {
        problems.push(problem(evidence_field(field), message));
        match evidence_field(field) {
            "allocation_form_complete" if !evidence.allocation_form_complete => {
                evidence.allocation_form_complete = true
            }
            "safeguarding_checks_complete" if !evidence.safeguarding_checks_complete => {
                evidence.safeguarding_checks_complete = true
            }
            _ => break,
        }
    }
    problems
}

/// Allocates a waiting case to one of the team's officers, with the SPO's evidence, through
/// `services::record` (which checks it against today's grade guidance) at the version the
/// screen showed. Only a user who may allocate for the team, and may write to the case, may
/// (403 otherwise). A bad form gives every problem, naming its field, and writes nothing.
pub async fn allocate(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    team: &Code,
    crn: &Crn,
    form: &AllocationForm,
    route: &str,
) -> Result<Allocation, ServiceError> {
    use domain::practice::allocation::{AllocationEvidence, GuidanceVerdict};
    let snapshot = crate::actor::snapshot(stores, actor).await?;
    let org = &snapshot.org;
    // Refused before anything is read: a manager may look at the screen but not allocate.
    if org.teams.iter().any(|t| &t.code == team)
        && access::team_access(actor.user, team, org) != access::TeamAccess::Allocate
    {
        return Err(ServiceError::forbidden());
    }
    let screen = allocation_screen(stores, actor, now, team, crn, route).await?;
    let case = &screen.case;
    let case_access = Facts::load(stores, actor, screen.view.today).await?.access_any(stores, &case.summary).await?;
    if screen.view.access != access::TeamAccess::Allocate || case_access != CaseAccess::ReadWrite {
        return Err(ServiceError::forbidden());
    }
    let mut problems = Vec::new();
    let version = form.version.trim().parse::<u64>();
    if version.is_err() {
        problems.push(problem("version", "the page did not say which version of the case it showed; reload it"));
    }
    let chosen = form.officer.trim();
    let officer = screen.candidates.iter().find(|c| c.staff.code.as_str() == chosen);
    if chosen.is_empty() {
        problems.push(problem("officer", "choose the officer who will supervise the case"));
    } else if officer.is_none() {
        problems.push(problem("officer", format!("`{chosen}` is not an officer of team {}", screen.view.team.code)));
    }
    let reason = match form.reason.trim() {
        "" => None,
        typed => match domain::ids::Note::parse(typed) {
            Ok(note) => Some(note),
            Err(e) => {
                problems.push(problem("reason", e.problem));
                None
            }
        },
    };
    let allocation_reason = match (&screen.reallocating, form.why.trim()) {
        (None, _) if case.transfer.is_some() => domain::event::AllocationReason::Transfer,
        (None, _) => domain::event::AllocationReason::Initial,
        (Some(_), "") => {
            problems.push(problem("why", "choose why the case is reallocated"));
            domain::event::AllocationReason::Other
        }
        (Some(_), typed) => match REALLOCATION_REASONS.iter().find(|(_, v, _)| *v == typed) {
            Some((r, ..)) => *r,
            None => {
                problems.push(problem("why", format!("`{typed}` is not one of the reasons offered")));
                domain::event::AllocationReason::Other
            }
        },
    };
    let evidence = officer.map(|o| AllocationEvidence {
        grade: o.staff.grade,
        allocation_form_complete: form.allocation_form_complete,
        safeguarding_checks_complete: form.safeguarding_checks_complete,
        po_only: Vec::new(),
        guidance: screen.guidance,
        // A reason is a departure: the rules refuse one where the grade is within the guidance.
        verdict: reason.clone().map_or(GuidanceVerdict::Followed, |reason| GuidanceVerdict::Departed { reason }),
    });
    match &evidence {
        Some(e) => problems.extend(evidence_problems(&case.state, e)),
        None => {
            // Without an officer the verdict cannot be judged, but the boxes can: the rules are
            // asked about them for an officer within the guidance.
            let boxes_only = AllocationEvidence {
                grade: domain::org::Grade::Po,
                allocation_form_complete: form.allocation_form_complete,
                safeguarding_checks_complete: form.safeguarding_checks_complete,
                po_only: Vec::new(),
                guidance: screen.guidance,
                verdict: GuidanceVerdict::Followed,
            };
            let boxes = evidence_problems(&case.state, &boxes_only);
            problems.extend(boxes.into_iter().filter(|p| p.field != "officer" && p.field != "reason"));
        }
    }
    let (Ok(version), Some(officer), Some(evidence), true) = (version, officer, evidence, problems.is_empty()) else {
        return Ok(Allocation::Refused(problems));
    };
    if version != case.state.version {
        return Ok(Allocation::Changed(format!(
            "The case has changed since you opened this page (version {version}, now {}): check it and allocate again.",
            case.state.version
        )));
    }
    let by = actor.recorder();
    let event = domain::event::NewEvent {
        occurred_at: now,
        recorded_by: by.clone(),
        event: domain::event::CaseEvent::OfficerAllocated {
            officer: officer.staff.code.clone(),
            team: screen.view.team.code.clone(),
            reason: allocation_reason,
            evidence: Some(evidence),
        },
    };
    match crate::record::record_events(&*stores.cases, &case.summary.crn, version, &[event], &by, now).await {
        Ok(_) => Ok(Allocation::Allocated(officer.staff.code.clone())),
        Err(store::StoreError::Conflict { actual, .. }) => Ok(Allocation::Changed(format!(
            "The case changed while you were allocating it (it is now at version {actual}): check it and allocate again."
        ))),
        // The rules' refusal names the evidence's field; the form shows it at its own field.
        Err(store::StoreError::Rejected { field, problem: message, .. }) => {
            Ok(Allocation::Refused(vec![problem(evidence_field(field), message)]))
        }
        Err(e) => Err(e.into()),
    }
}
