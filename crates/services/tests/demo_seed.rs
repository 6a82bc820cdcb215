//! What the demo adds to a generated provider (`services::generate`): cases waiting for
//! allocation in the SPO's borough, dated from the clock and recorded once however often it
//! runs, and reductions and reports on the SPO's team.

use analytics::workload::{ReductionKind, ReportKind};
use domain::ids::{Code, Crn};
use services::clock::Clock;
use store::auth::UserRecord;
use store::{AccessStore, CaseStore, SqliteStore, WorkloadStore};

#[tokio::test]
async fn the_demo_queue_reductions_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("demo.db").to_str().unwrap()).await.unwrap();
    let today: jiff::civil::Date = "2026-11-30".parse().unwrap();
    let clock = Clock::Fixed(today);
    let opts = synth::GenerateOptions::new(120, 1, today);
    services::generate::generate(&store, &opts, &|_| {}).await.unwrap();
    let org = store.organisation().await.unwrap();

    // No SPO login yet: nothing to queue for.
    assert_eq!(services::generate::seed_allocation_queue(&store, &org, clock.now()).await.unwrap(), None);

    let team = org.teams[0].code.clone();
    store
        .add_user(&UserRecord {
            username: "spo".into(),
            password_hash: String::new(),
            role: "spo".into(),
            scope_kind: "team".into(),
            scope_code: Some(team.to_string()),
            officer: None,
            disabled: false,
            created_at: clock.now(),
        })
        .await
        .unwrap();
    let seeded = services::generate::seed_allocation_queue(&store, &org, clock.now()).await.unwrap();
    assert_eq!(seeded.as_ref(), Some(&team));
    let borough = services::access::Place::of_team(Some(&team), None, &org).borough;
    let waiting = ["W000001", "W000002", "W000003", "W000004"].map(|c| Crn::parse(c).unwrap());
    let mut versions = Vec::new();
    for crn in &waiting {
        let summary = store.summary(crn).await.unwrap().expect("the case is recorded");
        assert_eq!(summary.officer, None, "{crn} waits for allocation");
        let stream = store.stream(crn).await.unwrap();
        // Registered, sentenced and assessed days ago; the tier follows as at the clock's now.
        assert!(domain::case::uk_date(stream[0].occurred_at) < today, "{crn}: waiting since before today");
        assert!(stream.iter().all(|e| domain::case::uk_date(e.occurred_at) <= today), "{crn}: nothing after today");
        let state = domain::case::CaseState::fold(crn.clone(), &stream).unwrap();
        assert_eq!(state.person.as_ref().map(|p| p.home_borough.clone()), Some(borough.clone()), "{crn}");
        versions.push(stream.len());
    }
    // A second run finds the cases there and adds nothing.
    services::generate::seed_allocation_queue(&store, &org, clock.now()).await.unwrap();
    for (crn, v) in waiting.iter().zip(&versions) {
        assert_eq!(store.stream(crn).await.unwrap().len(), *v, "{crn} unchanged");
    }

    let stores = services::Stores::new(store.clone());
    let pinned = Some(store::to_stored_precision(clock.now()));
    let reduced = services::generate::demo_reductions(&stores, &org, &team, clock.now()).await.unwrap();
    assert!(!reduced.is_empty() && reduced.len() <= 2, "{reduced:?}");
    let found = store.reductions_for(&reduced).await.unwrap();
    assert!(matches!(found[0].reduction.kind, ReductionKind::FacilityTime { percent: 20 }), "{found:?}");
    assert!(found.iter().all(|r| r.reduction.start < today && r.reduction.end.is_none()));
    assert!(found.iter().all(|r| r.recorded_at == pinned), "recorded at the clock's now: {found:?}");

    let reporting = services::generate::demo_reports(&stores, &org, &team, clock.now()).await.unwrap();
    let found = store.reports_for(&reporting).await.unwrap();
    assert_eq!(found.len(), 2, "two reports: {found:?}");
    assert!(found.iter().any(|r| r.report.kind == ReportKind::StandardCourt && r.report.crn.is_none()));
    assert!(found.iter().any(|r| r.report.kind == ReportKind::Parole));
    assert!(found.iter().all(|r| r.report.requested < today && r.report.due.is_some_and(|d| d > today)));
    assert!(found.iter().all(|r| r.recorded_at == pinned), "recorded at the clock's now: {found:?}");
    let officers: Vec<&Code> = org.staff.iter().filter(|s| s.team == team).map(|s| &s.code).collect();
    assert!(reporting.iter().chain(&reduced).all(|o| officers.contains(&o)), "on the SPO's team");
}
