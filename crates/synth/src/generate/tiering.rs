//! Registrations and tiers on generated cases (issue 3, item 1).
//!
//! Run over a case's finished stream, so the generator's random draws are untouched and the
//! rest of the calibration holds. What the calibration implies:
//! * MAPPA: set by the case itself (`followup`), on the few cases that come under it and are
//!   escalated to the NPS, which manages every MAPPA case (docs/rules/practice.md#allocation).
//! * Registrations follow each assessment's risk groups: a medium-or-above risk to a known
//!   adult is registered as domestic abuse (the report's example: "a known adult (due to
//!   domestic abuse offending)"), one to children as risk to children; a later assessment
//!   without the risk removes the registration; an OGRS of `calibration::IOM_OGRS` or more
//!   makes the person an IOM nominal.
//! * After every batch of events at one instant that bears on the tier, the `TierCalculated`
//!   event `practice::tiering::follow_on_events` yields, exactly as `services::record`
//!   appends it on the live path.

use domain::assessment::{Assessment, RiskGroup, RoshLevel};
use domain::case::{CaseState, uk_date};
use domain::event::{CaseEvent, RecordedEvent};
use domain::ids::Crn;
use domain::practice::tiering::follow_on_events;
use domain::tier::Registration;
use std::collections::BTreeSet;

/// The registrations an assessment's risk groups imply (see the module comment).
pub(super) fn implied_registrations(a: &Assessment) -> BTreeSet<Registration> {
    let at_least_medium = |g: RiskGroup| a.rosh.get(&g).is_some_and(|r| *r >= RoshLevel::Medium);
    let mut out = BTreeSet::new();
    if at_least_medium(RiskGroup::KnownAdult) {
        out.insert(Registration::DomesticAbuse);
    }
    if at_least_medium(RiskGroup::Children) {
        out.insert(Registration::RiskToChildren);
    }
    if a.ogrs.is_some_and(|p| p.get() >= crate::calibration::IOM_OGRS) {
        out.insert(Registration::IomNominal);
    }
    out
}

/// `events` (in order, folding cleanly) with the implied registration changes after each
/// assessment and a tier calculation after each batch that changes the tier, renumbered.
pub(super) fn with_tiers(crn: &Crn, events: Vec<RecordedEvent>) -> Vec<RecordedEvent> {
    let mut state = CaseState::new(crn.clone());
    let mut out: Vec<RecordedEvent> = Vec::with_capacity(events.len() + 8);
    let apply = |state: &mut CaseState, out: &mut Vec<RecordedEvent>, e: RecordedEvent| {
        state.apply(&e.event, uk_date(e.occurred_at)).expect("generated streams fold");
        out.push(e);
    };
    let mut events = events.into_iter().peekable();
    while let Some(first) = events.next() {
        let at = first.occurred_at;
        let mut group = vec![first];
        while let Some(next) = events.next_if(|e| e.occurred_at == at) {
            group.push(next);
        }
        let mut batch: Vec<CaseEvent> = Vec::with_capacity(group.len() + 2);
        for e in group {
            let like = |event: CaseEvent| RecordedEvent { event, ..e.clone() };
            let mut extra = Vec::new();
            if let CaseEvent::AssessmentCompleted { assessment } = &e.event {
                let want = implied_registrations(assessment);
                for r in state.registrations.difference(&want) {
                    extra.push(like(CaseEvent::RegistrationRemoved { registration: *r }));
                }
                for r in want.difference(&state.registrations) {
                    extra.push(like(CaseEvent::RegistrationAdded { registration: *r }));
                }
            }
            batch.push(e.event.clone());
            apply(&mut state, &mut out, e);
            for x in extra {
                batch.push(x.event.clone());
                apply(&mut state, &mut out, x);
            }
        }
        if let Some(tier) = follow_on_events(&state, &batch, uk_date(at)) {
            let last = out.last().expect("the batch is not empty").clone();
            apply(&mut state, &mut out, RecordedEvent { event: tier, ..last });
        }
    }
    for (i, e) in out.iter_mut().enumerate() {
        e.seq = i as u64 + 1;
    }
    out
}
