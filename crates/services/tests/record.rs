//! `record_events`: the tier follows its inputs in the same append (issue 3, item 1).

use domain::assessment::{Ogrs4, Percent, RoshLevel};
use domain::event::CaseEvent;
use domain::example::{assessment, code, date, new_event, noon, opening};
use domain::ids::Crn;
use domain::tier::{Registration, V3Level, V3Tier};
use services::record::record_events;
use store::testing::{postgres, sqlite};
use store::{CaseStore, StoreError};

async fn tier_follows_in_the_same_append<S: CaseStore + Clone + 'static>(store: &S) {
    let crn = Crn::parse("X400001").unwrap();
    let on = date("2026-01-05");
    let by = code("SYSTEM");
    // Opening: the sentence event makes the first tier (docs/rules/tiering.md#22-change-axis rule 2 and
    // docs/rules/tiering.md#31-outcomes: D2, MISSING).
    let v = record_events(store, &crn, 0, &opening("Ada", "Lovelace", on, "PO1", "T1"), &by, noon(on)).await.unwrap();
    assert_eq!(v, 4, "three events and the tier");
    let stream = store.stream(&crn).await.unwrap();
    assert!(matches!(stream[3].event, CaseEvent::TierCalculated { v3: V3Tier::Missing, .. }));

    // A non-tier event appends alone.
    let booked = domain::example::appointment(
        "AP1",
        date("2026-01-07").at(10, 0, 0, 0),
        domain::contact::ContactKind::OfficeVisit,
    );
    let v = record_events(
        store,
        &crn,
        v,
        &[new_event(on, CaseEvent::AppointmentBooked { appointment: booked })],
        &by,
        noon(on),
    )
    .await
    .unwrap();
    assert_eq!(v, 5);

    // An assessment with OGRS4 scores: docs/rules/tiering.md#34-v3-checks, ARP 75 / CSRP 1.0 dynamic, RoSH medium -> C.
    let day = date("2026-01-20");
    let mut a = assessment("A1", day, RoshLevel::Medium, &[]);
    a.ogrs4 = Some(Ogrs4 { arp: Percent::new(75.0).unwrap(), csrp: Percent::new(1.0).unwrap(), dynamic: true });
    let v = record_events(
        store,
        &crn,
        v,
        &[new_event(day, CaseEvent::AssessmentCompleted { assessment: a })],
        &by,
        noon(day),
    )
    .await
    .unwrap();
    assert_eq!(v, 7);
    let summary = store.summary(&crn).await.unwrap().unwrap();
    assert_eq!(summary.v3_tier, Some(V3Tier::Level(V3Level::C)));
    assert_eq!(summary.legacy_tier.map(|t| t.to_string()), Some("C1".into()));
    assert!(!summary.tier_provisional);

    // Bad input: removing a registration that is not there is refused, nothing written.
    let bad = new_event(day, CaseEvent::RegistrationRemoved { registration: Registration::Stalking });
    match record_events(store, &crn, v, &[bad], &by, noon(day)).await {
        Err(StoreError::Rejected { index: 0, field: "registration", .. }) => {}
        other => panic!("expected a refusal naming registration, got {other:?}"),
    }
    // A stale version is a conflict, nothing written.
    let again = new_event(day, CaseEvent::RegistrationAdded { registration: Registration::Stalking });
    assert!(matches!(record_events(store, &crn, 5, &[again], &by, noon(day)).await, Err(StoreError::Conflict { .. })));
    assert_eq!(store.stream(&crn).await.unwrap().len(), 7);
    assert!(store.check().await.unwrap().is_consistent(), "live summary equals a rebuild");
}

#[tokio::test]
async fn sqlite_tier_follows_in_the_same_append() {
    let (store, _dir) = sqlite().await;
    tier_follows_in_the_same_append(&store).await;
}

#[tokio::test]
async fn postgres_tier_follows_in_the_same_append() {
    if let Some(store) = postgres().await {
        tier_follows_in_the_same_append(&store).await;
    }
}
