//! A case folded once: its stream read and folded into a `CaseState` a single time, with the
//! facts the MI rules need noted on the way (`analytics::measures::FactTrail`), so that every
//! projection of the case is computed from that one fold ([`crate::projections`]).
//!
//! The append folds the stored stream, then applies its new events through the same
//! `CaseState::apply` that refuses what the case's state does not allow; a rebuild, a check
//! and a bulk load fold each stream whole.

use crate::codec::EventRow;
use crate::{StoreError, corrupt};
use analytics::measures::{Fact, FactTrail};
use domain::case::{CaseState, uk_date};
use domain::event::{CaseEvent, RecordedEvent};
use domain::ids::Crn;
use domain::projection::CaseSummary;
use jiff::civil::Date;

/// A case folded through all its events, stored and new.
pub(crate) struct FoldedCase<'e> {
    pub crn: Crn,
    pub state: CaseState,
    /// Every event with the UK date it occurred, in order: the outcome rules read the record.
    pub events: Vec<(Date, &'e CaseEvent)>,
    /// The case's MI facts, from the same fold.
    pub facts: Vec<Fact>,
}

impl FoldedCase<'_> {
    pub fn summary(&self) -> Option<CaseSummary> {
        CaseSummary::from_state(&self.state)
    }
}

/// A fold under way.
pub(crate) struct Folding<'e> {
    crn: Crn,
    state: CaseState,
    events: Vec<(Date, &'e CaseEvent)>,
    trail: FactTrail,
}

impl<'e> Folding<'e> {
    pub fn new(crn: Crn) -> Self {
        Self { state: CaseState::new(crn.clone()), crn, events: Vec::new(), trail: FactTrail::default() }
    }

    /// Folds a stored event: one the state refuses means the log is damaged.
    pub fn stored(&mut self, e: &'e RecordedEvent) -> Result<(), StoreError> {
        let crn = &self.crn;
        let on = uk_date(e.occurred_at);
        self.trail.observe(&self.state, on, &e.event);
        self.state.apply(&e.event, on).map_err(|r| corrupt(&format!("stream {crn}"), r))?;
        self.events.push((on, &e.event));
        Ok(())
    }

    /// Applies the new event at `index` of an append, dated `on`: refused naming its field
    /// when the case's state does not allow it.
    pub fn new_event(&mut self, index: usize, event: &'e CaseEvent, on: Date) -> Result<(), StoreError> {
        self.trail.observe(&self.state, on, event);
        self.state.apply(event, on).map_err(|r| StoreError::Rejected { index, field: r.field, problem: r.problem })?;
        self.events.push((on, event));
        Ok(())
    }

    /// The case's summary as the fold stands (before an append's new events: the summary the
    /// caseload moves from).
    pub fn summary(&self) -> Option<CaseSummary> {
        CaseSummary::from_state(&self.state)
    }

    pub fn finish(self) -> FoldedCase<'e> {
        let facts = self.trail.facts(&self.state);
        FoldedCase { crn: self.crn, state: self.state, events: self.events, facts }
    }
}

/// Folds a whole stored stream.
pub(crate) fn fold_stored<'e>(crn: &Crn, events: &'e [RecordedEvent]) -> Result<FoldedCase<'e>, StoreError> {
    let mut folding = Folding::new(crn.clone());
    for e in events {
        folding.stored(e)?;
    }
    Ok(folding.finish())
}

/// Folds every stream of a stream of event rows in (crn, seq) order, handing each case to
/// `each`; returns how many events. A gap in a stream's sequence is damage.
pub(crate) async fn each_case<S>(
    mut rows: S,
    mut each: impl FnMut(&FoldedCase<'_>) -> Result<(), StoreError>,
) -> Result<u64, StoreError>
where
    S: futures_util::Stream<Item = Result<EventRow, sqlx::Error>> + Unpin,
{
    use futures_util::TryStreamExt;
    let mut events: Vec<RecordedEvent> = Vec::new();
    let mut count = 0u64;
    let mut finish = |events: &[RecordedEvent]| -> Result<(), StoreError> {
        match events.first() {
            Some(first) => each(&fold_stored(&first.crn, events)?),
            None => Ok(()),
        }
    };
    while let Some(row) = rows.try_next().await? {
        let e = row.decode().map_err(|(c, p)| corrupt(&format!("event {}#{} {c}", row.crn, row.seq), p))?;
        if events.first().is_some_and(|first| first.crn != e.crn) {
            finish(&events)?;
            events.clear();
        }
        if e.seq != events.len() as u64 + 1 {
            return Err(corrupt(&format!("stream {}", e.crn), format!("sequence gap before {}", e.seq)));
        }
        count += 1;
        events.push(e);
    }
    finish(&events)?;
    Ok(count)
}
