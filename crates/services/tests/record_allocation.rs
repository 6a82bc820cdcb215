//! `record_events` checks an allocation against today's grade guidance before appending; the
//! fold checks only that the evidence agrees with itself, so a stream whose allocation states
//! guidance from an older table still folds (issue 3).

use domain::event::{AllocationReason, CaseEvent};
use domain::example::{code, date, new_event, noon, opening};
use domain::ids::{Crn, Note};
use domain::org::Grade;
use domain::practice::allocation::{AllocationEvidence, GradeGuidance, GuidanceVerdict};
use services::record::record_events;
use store::testing::{postgres, sqlite};
use store::{CaseStore, StoreError};

fn allocation(officer: &str, grade: Grade, guidance: GradeGuidance, verdict: GuidanceVerdict) -> CaseEvent {
    CaseEvent::OfficerAllocated {
        officer: code(officer),
        team: code("T1"),
        reason: AllocationReason::Workload,
        evidence: Some(AllocationEvidence {
            grade,
            allocation_form_complete: true,
            safeguarding_checks_complete: true,
            po_only: vec![],
            guidance,
            verdict,
        }),
    }
}

async fn guidance_is_checked_when_recorded_not_when_folded<S: CaseStore + Clone + 'static>(store: &S) {
    let crn = Crn::parse("X400101").unwrap();
    let on = date("2026-01-05");
    let by = code("SPO1");
    // Opening: a community order, no assessment: tier D2 (docs/rules/tiering.md#22-change-axis), so today's table
    // allows a PSO (docs/rules/practice.md#allocation-by-tier: D to a PSO unless RoSH is high).
    let v = record_events(store, &crn, 0, &opening("Ada", "Lovelace", on, "PO1", "T1"), &by, noon(on)).await.unwrap();

    // Evidence stating a stricter guidance than today's table gives: refused, nothing written.
    let day = date("2026-01-12");
    let stale = allocation(
        "PSO1",
        Grade::Pso,
        GradeGuidance::Po,
        GuidanceVerdict::Departed { reason: Note::parse("cover").unwrap() },
    );
    match record_events(store, &crn, v, &[new_event(day, stale.clone())], &by, noon(day)).await {
        Err(StoreError::Rejected { index: 0, field: "evidence.guidance", .. }) => {}
        other => panic!("expected a refusal naming evidence.guidance, got {other:?}"),
    }
    assert_eq!(store.stream(&crn).await.unwrap().len() as u64, v, "nothing written");

    // The same evidence is consistent in itself, so a stream holding it (as one recorded under
    // an older table would) appends and folds: the fold does not consult today's table.
    let v = store.append(&crn, v, &[new_event(day, stale)], jiff::Timestamp::now()).await.unwrap();
    let followed = allocation("PSO2", Grade::Pso, GradeGuidance::PoOrPso, GuidanceVerdict::Followed);
    let later = date("2026-01-19");
    let v = record_events(store, &crn, v, &[new_event(later, followed)], &by, noon(later)).await.unwrap();
    assert_eq!(store.stream(&crn).await.unwrap().len() as u64, v);
    assert!(store.check().await.unwrap().is_consistent(), "live summary equals a rebuild");
}

#[tokio::test]
async fn sqlite_guidance_is_checked_when_recorded_not_when_folded() {
    let (store, _dir) = sqlite().await;
    guidance_is_checked_when_recorded_not_when_folded(&store).await;
}

#[tokio::test]
async fn postgres_guidance_is_checked_when_recorded_not_when_folded() {
    if let Some(store) = postgres().await {
        guidance_is_checked_when_recorded_not_when_folded(&store).await;
    }
}
