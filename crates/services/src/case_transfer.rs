//! Transferring a case to another team (another office, borough or area;
//! docs/rules/practice.md#transfer): the sending team's SPO asks, the case stays with its
//! responsible officer and appears on the receiving team's allocation queue, and the
//! receiving team's SPO allocates it to one of their officers (`team::allocate`, reason
//! "transfer") or declines it; the sending SPO may withdraw it meanwhile.
//!
//! Who may: the SPO of the sending team (asking, withdrawing) or of the receiving team
//! (declining), as `access::team_access` and `access::RECORDING` say, on a case they may
//! change. Every form carries the case's version: a case changed since is refused with what
//! changed, a second press records nothing more, and a bad form names each field and writes
//! nothing.

use crate::access::{self, CaseAccess, TeamAccess};
use crate::actor::{Actor, Facts};
use crate::error::{FieldProblem, ServiceError};
use crate::stores::Stores;
use crate::team::problem;
use domain::case::{CaseState, uk_date};
use domain::event::{CaseEvent, NewEvent, RecordedEvent};
use domain::ids::{Code, Crn, Note};
use domain::org::Team;
use domain::practice::allocation::PendingTransfer;
use domain::projection::CaseSummary;
use jiff::Timestamp;
use jiff::civil::Date;
use store::{CaseStore, StoreError};

/// Which end of a transfer the team whose page it is stands at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The team supervising the case: it asks for a transfer and may withdraw it.
    Sending,
    /// The team a waiting transfer is for: it allocates the case or declines it.
    Receiving,
}

/// A team a case could be transferred to, with where it is.
#[derive(Debug, Clone)]
pub struct Destination {
    pub team: Team,
    pub office: String,
    pub borough: String,
    pub area: String,
}

/// The transfer page of a case as one of its teams sees it.
pub struct TransferScreen {
    /// The team whose page it is.
    pub team: Team,
    pub side: Side,
    pub summary: CaseSummary,
    pub state: CaseState,
    pub events: Vec<RecordedEvent>,
    /// The responsible officer's name, if the organisation has them.
    pub officer_name: Option<String>,
    /// The transfer waiting, if one is.
    pub pending: Option<PendingTransfer>,
    /// The receiving team's name, for a transfer waiting.
    pub pending_to_name: Option<String>,
    /// Every other team of the provider, by area, borough and name: where the case could go.
    pub destinations: Vec<Destination>,
    /// Whether this user may ask for, withdraw or decline the transfer here.
    pub may_act: bool,
    pub today: Date,
}

/// What a transfer form asked for, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransferForm {
    /// The receiving team's code (asking only).
    pub to: String,
    pub reason: String,
    pub version: String,
}

/// What became of a transfer form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferOutcome {
    /// Recorded (or already recorded by the same person: a second press).
    Done,
    /// Nothing written: every problem with the form, each naming its field.
    Refused(Vec<FieldProblem>),
    /// Nothing written: the case changed since the form was drawn; what changed, in words.
    Changed(Vec<String>),
}

/// The case's transfer page for `team`: the team supervising it (`Sending`) or the team a
/// waiting transfer is for (`Receiving`); `NotFound` for any other, `Forbidden` for a user
/// whose role or place does not reach the team's view or the case. Opening it is a read of
/// the case, recorded under `route`.
pub async fn transfer_screen(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    team: &Code,
    crn: &Crn,
    route: &str,
) -> Result<TransferScreen, ServiceError> {
    let today = uk_date(now);
    let facts = Facts::load(stores, actor, today).await?;
    let org = facts.org();
    let (team_row, team_access) = crate::team::team_in_reach(actor.user, team, org)?;
    let not_here = || {
        ServiceError::NotFound(format!("Case {crn} is neither supervised by team {team} nor being transferred to it."))
    };
    let summary = stores.cases.summary(crn).await?.ok_or_else(not_here)?;
    let side = if !summary.active {
        return Err(not_here());
    } else if summary.team.as_ref() == Some(team) && summary.officer.is_some() {
        Side::Sending
    } else if summary.transfer_to.as_ref() == Some(team) {
        Side::Receiving
    } else {
        return Err(not_here());
    };
    let case_access = facts.access(&summary);
    if case_access == CaseAccess::None {
        return Err(ServiceError::forbidden());
    }
    let events = stores.cases.stream(crn).await?;
    let state =
        CaseState::fold(crn.clone(), &events).map_err(|e| ServiceError::Internal(format!("case {crn}: {e}")))?;
    actor.record_read(stores, now, crn, route).await?;
    let pending = state.practice.transfer.clone();
    let name_of = |code: &Code| org.teams.iter().find(|t| &t.code == code).map(|t| t.name.to_string());
    let kind = if pending.is_some() { "transfer_withdrawn" } else { "transfer_requested" };
    // Only the sending team asks; either end may end a waiting transfer.
    let may_act = team_access == TeamAccess::Allocate
        && case_access == CaseAccess::ReadWrite
        && access::may_record_kind(actor.user, kind)
        && (pending.is_some() || side == Side::Sending);
    let officer_name = summary.officer.as_ref().and_then(|o| facts.staff_name(o));
    let current = summary.team.clone();
    Ok(TransferScreen {
        pending_to_name: pending.as_ref().and_then(|p| name_of(&p.to)),
        destinations: destinations(org, current.as_ref()),
        team: team_row,
        side,
        summary,
        state,
        events,
        officer_name,
        pending,
        may_act,
        today,
    })
}

/// Every team of the organisation but `except`, with where it is, by area, borough and name.
fn destinations(org: &domain::org::Organisation, except: Option<&Code>) -> Vec<Destination> {
    let mut out: Vec<Destination> = org
        .teams
        .iter()
        .filter(|t| Some(&t.code) != except)
        .map(|t| {
            let office = org.offices.iter().find(|o| o.code == t.office);
            let borough = office.and_then(|o| org.boroughs.iter().find(|b| b.code == o.borough));
            let area = borough.and_then(|b| org.areas.iter().find(|a| a.code == b.area));
            Destination {
                team: t.clone(),
                office: office.map_or_else(String::new, |o| o.name.to_string()),
                borough: borough.map_or_else(String::new, |b| b.name.to_string()),
                area: area.map_or_else(String::new, |a| a.name.to_string()),
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.area, &a.borough, &a.team.name).cmp(&(&b.area, &b.borough, &b.team.name)));
    out
}

/// Asks `form.to` to take the case from `team`, its supervising team.
pub async fn request_transfer(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    team: &Code,
    crn: &Crn,
    form: &TransferForm,
    route: &str,
) -> Result<TransferOutcome, ServiceError> {
    let screen = transfer_screen(stores, actor, now, team, crn, route).await?;
    // A transfer already waiting is the rules' to refuse (or a second press of the button).
    if !screen.may_act || screen.side != Side::Sending {
        return Err(ServiceError::forbidden());
    }
    let mut problems = Vec::new();
    let chosen = form.to.trim();
    let to = screen.destinations.iter().find(|d| d.team.code.as_str() == chosen).map(|d| d.team.code.clone());
    if chosen.is_empty() {
        problems.push(problem("to", "choose the team that should take the case"));
    } else if to.is_none() {
        problems.push(problem("to", format!("`{chosen}` is not another team of the provider")));
    }
    let reason = reason_of(form, "say why the case is transferred", &mut problems);
    match (to, reason) {
        (Some(to), Some(reason)) if problems.is_empty() => {
            record(stores, actor, now, &screen, form, CaseEvent::TransferRequested { to, reason }).await
        }
        _ => Ok(TransferOutcome::Refused(problems)),
    }
}

/// Ends the transfer waiting on the case: withdrawn by the sending team, declined by the
/// receiving one, with why; which of the two `team` is, with what became of the form. The
/// case stays with its responsible officer.
pub async fn withdraw_transfer(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    team: &Code,
    crn: &Crn,
    form: &TransferForm,
    route: &str,
) -> Result<(Side, TransferOutcome), ServiceError> {
    let screen = transfer_screen(stores, actor, now, team, crn, route).await?;
    if !screen.may_act {
        return Err(ServiceError::forbidden());
    }
    if screen.pending.is_none() {
        return Err(ServiceError::NotFound(format!("No transfer of case {crn} is waiting.")));
    }
    let mut problems = Vec::new();
    let why = match screen.side {
        Side::Sending => "say why the transfer is withdrawn",
        Side::Receiving => "say why the team declines the case",
    };
    let reason = reason_of(form, why, &mut problems);
    let outcome = match reason {
        Some(reason) if problems.is_empty() => {
            record(stores, actor, now, &screen, form, CaseEvent::TransferWithdrawn { reason }).await?
        }
        _ => TransferOutcome::Refused(problems),
    };
    Ok((screen.side, outcome))
}

fn reason_of(form: &TransferForm, missing: &str, problems: &mut Vec<FieldProblem>) -> Option<Note> {
    match form.reason.trim() {
        "" => {
            problems.push(problem("reason", missing));
            None
        }
        typed => Note::parse(typed).map_err(|e| problems.push(problem("reason", e.problem))).ok(),
    }
}

/// Records `event` against the version the form was drawn from: refused with what changed
/// if the case moved on, unless the change was this very event by this very person.
async fn record(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    screen: &TransferScreen,
    form: &TransferForm,
    event: CaseEvent,
) -> Result<TransferOutcome, ServiceError> {
    let Ok(version) = form.version.trim().parse::<u64>() else {
        let why = "the page did not say which version of the case it showed; reload it";
        return Ok(TransferOutcome::Refused(vec![problem("version", why)]));
    };
    let by = actor.recorder();
    let events = &screen.events;
    if version != screen.state.version {
        let since = events.get(version as usize..).unwrap_or(&[]);
        if since.iter().any(|e| e.recorded_by == by && e.event == event) {
            return Ok(TransferOutcome::Done);
        }
        return Ok(TransferOutcome::Changed(crate::decisions::changes_since(events, version)));
    }
    let new = [NewEvent { occurred_at: now, recorded_by: by.clone(), event }];
    match crate::record::record_on(&*stores.cases, events, screen.state.clone(), &new, &by, now).await {
        Ok(_) => Ok(TransferOutcome::Done),
        Err(StoreError::Conflict { .. }) => {
            let events = stores.cases.stream(&screen.summary.crn).await?;
            Ok(TransferOutcome::Changed(crate::decisions::changes_since(&events, version)))
        }
        Err(StoreError::Rejected { field, problem: message, .. }) => {
            let field = if field == "to" { "to" } else { "reason" };
            Ok(TransferOutcome::Refused(vec![problem(field, message)]))
        }
        Err(e) => Err(e.into()),
    }
}
