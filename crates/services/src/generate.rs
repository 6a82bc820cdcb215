//! Generating a synthetic provider into a store, and the calibration statistics of a store.

use domain::case::CaseState;
use domain::event::RecordedEvent;
use domain::ids::Crn;
use store::{CaseStore, EventRow, LoadCase, StaffEqualityStore, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("{0}")]
    Options(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Generates `opts.cases` cases into an EMPTY store in one transaction. The generator runs
/// batch by batch as the store asks for them, so memory stays flat at national scale. Then
/// the staff's declared characteristics and performance-improvement flags
/// (`synth::staff_equality`), in a second transaction of their own.
pub async fn generate<S: CaseStore + StaffEqualityStore>(
    store: &S,
    opts: &synth::GenerateOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64, GenerateError> {
    opts.validate().map_err(|e| GenerateError::Options(e.to_string()))?;
    let org = synth::organisation(opts);
    let batches = synth::cases(opts, &org).map_err(|e| GenerateError::Options(e.to_string()))?;
    let mut loads = batches.map(|batch| {
        batch.into_iter().map(|(crn, events)| LoadCase::from_events(crn, &events)).collect::<Result<Vec<_>, _>>()
    });
    let cases = store.bulk_load(&org, &mut loads, progress).await?;
    let staff = synth::staff_equality(opts, &org);
    store.load_staff_equality(&staff.declared, &staff.flags).await?;
    Ok(cases)
}

/// Every case in the store, folded from its events.
pub async fn case_states<S: CaseStore + ?Sized>(store: &S) -> Result<Vec<CaseState>, StoreError> {
    let mut states = Vec::new();
    let mut current: Vec<RecordedEvent> = Vec::new();
    let finish = |events: &mut Vec<RecordedEvent>, states: &mut Vec<CaseState>| -> Result<(), StoreError> {
        if let Some(first) = events.first() {
            let crn: Crn = first.crn.clone();
            states.push(CaseState::fold(crn, events.iter()).map_err(|e| StoreError::Corrupt(e.to_string()))?);
        }
        events.clear();
        Ok(())
    };
    store
        .export_events(&mut |row: EventRow| {
            let e = row
                .decode()
                .map_err(|(c, p)| StoreError::Corrupt(format!("event {}#{} {c}: {p}", row.crn, row.seq)))?;
            if current.first().is_some_and(|f| f.crn != e.crn) {
                finish(&mut current, &mut states)?;
            }
            current.push(e);
            Ok(())
        })
        .await?;
    finish(&mut current, &mut states)?;
    Ok(states)
}

/// The calibration figures of any store (`probity stats`).
pub async fn stats<S: CaseStore + ?Sized>(store: &S) -> Result<synth::Stats, StoreError> {
    let org = store.organisation().await?;
    let states = case_states(store).await?;
    Ok(synth::stats(&org, states.iter()))
}
