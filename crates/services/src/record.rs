//! Recording events on a case, with the events that must follow them (issue 3, item 1).
//!
//! The caller's batch is checked against the case as the log would check it, then the
//! follow-on (a `TierCalculated` when an assessment, registration, MAPPA or sentence event
//! changes the tier) is worked out from the state after the batch and appended with it in
//! ONE append, so the tier can never lag behind its inputs. The append names the version the
//! state was read at, so if the case moved on meanwhile nothing is written and the caller
//! gets `Conflict`. An allocation's evidence is checked against today's grade guidance here,
//! before the append; the fold checks only that the evidence agrees with itself.

use domain::case::{CaseState, uk_date};
use domain::event::{CaseEvent, NewEvent, RecordedEvent};
use domain::ids::{Code, Crn};
use domain::practice::allocation::check_allocation;
use domain::practice::tiering::follow_on_events;
use jiff::Timestamp;
use store::{CaseStore, StoreError};

/// How far past `now` an event may be dated: a client's clock may run a little ahead of the
/// server's, but nothing is recorded as having happened in the future (Probity default).
pub const FUTURE_TOLERANCE: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

/// Appends `events` to case `crn` at `expected_version`, with their follow-on recorded by
/// `recorded_by` at `now` (the tier is worked out as at `now`'s UK date). Returns the new
/// version. Bad events are refused as the store refuses them (`Rejected` with the index and
/// field), and nothing is written.
pub async fn record_events<S: CaseStore + ?Sized>(
    store: &S,
    crn: &Crn,
    expected_version: u64,
    events: &[NewEvent],
    recorded_by: &Code,
    now: Timestamp,
) -> Result<u64, StoreError> {
    if events.is_empty() {
        return Err(StoreError::Field {
            field: "events".into(),
            problem: "events: at least one event is needed".into(),
        });
    }
    let stream = store.stream(crn).await?;
    let actual = stream.len() as u64;
    if actual != expected_version {
        return Err(StoreError::Conflict { crn: crn.clone(), expected: expected_version, actual });
    }
    let state = CaseState::fold(crn.clone(), &stream).map_err(|r| StoreError::Corrupt(format!("stream {crn}: {r}")))?;
    record_on(store, &stream, state, events, recorded_by, now).await
}

/// [`record_events`] for a caller that has just read the case's stream (`past`) and folded it
/// (`state`): the events are checked and appended with their follow-on, against that version,
/// without the stream being read again (`CaseStore::append_to`).
pub async fn record_on<S: CaseStore + ?Sized>(
    store: &S,
    past: &[RecordedEvent],
    mut state: CaseState,
    events: &[NewEvent],
    recorded_by: &Code,
    now: Timestamp,
) -> Result<u64, StoreError> {
    let crn = state.crn.clone();
    debug_assert_eq!(state.version, past.len() as u64, "the state is the fold of `past`");
    if events.is_empty() {
        return Err(StoreError::Field {
            field: "events".into(),
            problem: "events: at least one event is needed".into(),
        });
    }
    for (index, e) in events.iter().enumerate() {
        let occurred_at = store::to_stored_precision(e.occurred_at);
        if occurred_at > now + FUTURE_TOLERANCE {
            let field = format!("events[{index}].occurred_at");
            let problem = format!("{field}: {} is in the future; record what has happened", e.occurred_at);
            return Err(StoreError::Field { field, problem });
        }
        // The guidance table is checked here, when the allocation is made, not by the fold:
        // tightening the table later must not make old streams refuse to fold.
        if let CaseEvent::OfficerAllocated { evidence: Some(evidence), .. } = &e.event {
            check_allocation(&state, evidence).map_err(|(field, problem)| StoreError::Rejected {
                index,
                field,
                problem,
            })?;
        }
        state.apply(&e.event, uk_date(occurred_at)).map_err(|r| StoreError::Rejected {
            index,
            field: r.field,
            problem: r.problem,
        })?;
    }
    let mut batch = events.to_vec();
    if let Some(event) = follow_on_events(&state, events.iter().map(|e| &e.event), uk_date(now)) {
        let occurred_at = events.iter().map(|e| e.occurred_at).max().map_or(now, |last| last.max(now));
        batch.push(NewEvent { occurred_at, recorded_by: recorded_by.clone(), event });
    }
    store.append_to(&crn, past, &batch, now).await
}
