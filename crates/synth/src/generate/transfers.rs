//! Transfers between teams on generated cases (issue 17: reallocation and transfer), so the
//! demo's queues hold cases coming from other teams and the record holds every step of a
//! transfer (docs/rules/practice.md#transfer).
//!
//! Run over a case's finished stream with a random stream of its own, so the generator's other
//! draws (and so the rest of the calibration) are untouched:
//! * every reallocation "transfer" to another team is preceded by the sending SPO's request,
//!   [`LEAD_DAYS`] before (never before the event it follows);
//! * [`WITHDRAWN`] of those had an earlier request, to another team, withdrawn;
//! * [`WAITING`] of the cases still allocated at the reference date have a request made in the
//!   last [`WAITING_DAYS`] days that no team has taken up yet.
//!
//! A stream the additions would not fold (the case not active then, say) is left as it was.

use crate::draw::case_rng;
use domain::case::CaseState;
use domain::event::{AllocationReason, CaseEvent, RecordedEvent};
use domain::ids::{Code, Note};
use jiff::{SignedDuration, Timestamp};
use rand::RngExt;

/// Days from a transfer's request to the receiving team's allocation. Probity default.
const LEAD_DAYS: (i64, i64) = (2, 21);
/// Share of completed transfers that followed a request withdrawn. Probity default.
const WITHDRAWN: f64 = 0.10;
/// Share of cases allocated at the reference date with a transfer waiting. Probity default:
/// about three on each team's queue at national scale (the transfers a team receives come
/// from every other team).
const WAITING: f64 = 0.012;
/// How recent a waiting transfer's request is, in days. Probity default.
const WAITING_DAYS: i64 = 20;
/// Keeps this stream apart from the case's main one.
const STREAM: u64 = 0x7EA_57F3;

const REASONS: [&str; 4] = [
    "The person has moved to another borough.",
    "The person has moved in with family in another borough.",
    "Housed by the council in another borough.",
    "Approved premises place in another borough.",
];
const WITHDRAWALS: [&str; 3] = [
    "The move fell through; the person stays at the current address.",
    "The receiving team asked for the address to be confirmed first.",
    "The person's housing offer was withdrawn.",
];

/// A team of the provider with the SPO who asks for and withdraws its transfers.
pub(super) struct TeamManager {
    pub team: Code,
    pub manager: Code,
}

fn note(list: &[&str], n: usize) -> Note {
    Note::parse(list[n % list.len()]).expect("the notes are valid")
}

/// `events` (in order, folding cleanly) with transfer requests and withdrawals added in time
/// order, renumbered; unchanged if the additions would not fold.
pub(super) fn with_transfers(
    seed: u64,
    index: u64,
    cutoff: Timestamp,
    teams: &[TeamManager],
    events: Vec<RecordedEvent>,
) -> Vec<RecordedEvent> {
    if teams.len() < 3 {
        return events;
    }
    let mut rng = case_rng(seed ^ STREAM, index);
    let manager = |team: &Code| teams.iter().find(|t| &t.team == team).map(|t| t.manager.clone());
    let other_team = |rng: &mut rand::rngs::StdRng, not: &[&Code]| loop {
        let t = &teams[rng.random_range(0..teams.len())].team;
        if !not.contains(&t) {
            break t.clone();
        }
    };
    let mut out: Vec<RecordedEvent> = Vec::with_capacity(events.len() + 4);
    let mut team_now: Option<Code> = None;
    let mut added = false;
    for e in events {
        if let CaseEvent::OfficerAllocated { team, reason: AllocationReason::Transfer, .. } = &e.event
            && let Some(from) = team_now.clone().filter(|from| from != team)
            && let Some(by) = manager(&from)
        {
            let after = out.last().map_or(e.occurred_at, |p| p.occurred_at);
            let lead = SignedDuration::from_hours(24 * rng.random_range(LEAD_DAYS.0..=LEAD_DAYS.1));
            let asked = (e.occurred_at - lead).max(after);
            let at = |t: Timestamp, event: CaseEvent| RecordedEvent {
                occurred_at: t,
                recorded_at: t,
                recorded_by: by.clone(),
                event,
                ..e.clone()
            };
            if rng.random_bool(WITHDRAWN) {
                let elsewhere = other_team(&mut rng, &[&from, team]);
                let withdrawn = (asked - SignedDuration::from_hours(24)).max(after);
                let first = (withdrawn - SignedDuration::from_hours(24 * 5)).max(after);
                let reason = note(&REASONS, rng.random_range(0..REASONS.len()));
                out.push(at(first, CaseEvent::TransferRequested { to: elsewhere, reason }));
                let reason = note(&WITHDRAWALS, rng.random_range(0..WITHDRAWALS.len()));
                out.push(at(withdrawn, CaseEvent::TransferWithdrawn { reason }));
            }
            let reason = note(&REASONS, rng.random_range(0..REASONS.len()));
            out.push(at(asked, CaseEvent::TransferRequested { to: team.clone(), reason }));
            added = true;
        }
        if let CaseEvent::OfficerAllocated { team, .. } = &e.event {
            team_now = Some(team.clone());
        }
        out.push(e);
    }
    // A transfer still waiting at the reference date, on some of the cases allocated then.
    let mut waiting = None;
    if let (Some(from), Some(last)) = (team_now, out.last().cloned())
        && rng.random_bool(WAITING)
        && let Some(by) = manager(&from)
    {
        let back = SignedDuration::from_hours(24 * rng.random_range(1..=WAITING_DAYS));
        let asked = (cutoff - back).max(last.occurred_at);
        let to = other_team(&mut rng, &[&from]);
        let reason = note(&REASONS, rng.random_range(0..REASONS.len()));
        if asked < cutoff {
            let event = CaseEvent::TransferRequested { to, reason };
            waiting = Some(RecordedEvent { occurred_at: asked, recorded_at: asked, recorded_by: by, event, ..last });
        }
    }
    if !added && waiting.is_none() {
        return out;
    }
    let folds = |events: &mut Vec<RecordedEvent>| {
        for (i, e) in events.iter_mut().enumerate() {
            e.seq = i as u64 + 1;
        }
        CaseState::fold(events[0].crn.clone(), events.iter()).is_ok()
    };
    if let Some(w) = waiting {
        out.push(w);
        if folds(&mut out) {
            return out;
        }
        out.pop();
    }
    if !folds(&mut out) {
        // Left as generated: the case was not active, or not allocated, where a request fell.
        out.retain(|e| !matches!(e.event, CaseEvent::TransferRequested { .. } | CaseEvent::TransferWithdrawn { .. }));
        folds(&mut out);
    }
    out
}
