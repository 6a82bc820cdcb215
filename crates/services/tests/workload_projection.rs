//! The workload projection against a replay, on both engines: random sequences of cases
//! opened (community or custodial, men and women), tiered, released, transferred between
//! officers and teams and ended, with reductions of hours and reports added, ended and
//! completed, leave `probity check` consistent, and the workload the team view and the MI
//! workload page read from the projection equals the workload worked out the old way, by
//! folding every case of every officer from the log.

use analytics::measures::Scope;
use analytics::workload::{Reduction, ReductionKind, Report, ReportKind};
use domain::event::{AllocationReason, CaseEvent, NewEvent};
use domain::example::{code, community_order, date, id, new_event, person};
use domain::ids::{Code, Crn, Name};
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Specialism, Staff, Team};
use domain::person::Gender;
use domain::sentence::{CustodyTerms, Sentence, SentenceKind, SentenceOutcome};
use jiff::civil::Date;
use proptest::prelude::*;
use services::access::{PlaceScope, Role, User, Username};
use services::clock::Clock;
use services::stores::AnyStore;
use services::{Actor, Stores};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use store::{CaseStore, StoreError, WorkloadStore};

const OFFICERS: [(&str, &str, Grade, &[Specialism]); 5] = [
    ("OFF1", "T1", Grade::Po, &[Specialism::Iom]),
    ("OFF2", "T1", Grade::Pso, &[Specialism::Women]),
    ("SPO1", "T1", Grade::Spo, &[]),
    ("OFF3", "T2", Grade::Po, &[Specialism::Women, Specialism::Iom]),
    ("SPO2", "T2", Grade::Spo, &[]),
];

fn organisation() -> Organisation {
    let name = |s: &str| Name::parse(s).unwrap();
    let staff = OFFICERS
        .iter()
        .map(|(c, team, grade, specialisms)| Staff {
            code: code(c),
            team: code(team),
            name: name(&format!("Officer {c}")),
            grade: *grade,
            contracted_hours: ContractedHours::new(if *grade == Grade::Pso { 30.0 } else { 37.0 }).unwrap(),
            employment: Employment::Permanent,
            specialisms: specialisms.to_vec(),
        })
        .collect();
    Organisation {
        areas: vec![Area { code: code("AR1"), name: name("North") }],
        boroughs: vec![
            Borough { code: code("BR1"), area: code("AR1"), name: name("Camden") },
            Borough { code: code("BR2"), area: code("AR1"), name: name("Islington") },
        ],
        offices: vec![
            Office { code: code("OF1"), borough: code("BR1"), name: name("Kentish Town") },
            Office { code: code("OF2"), borough: code("BR2"), name: name("Highbury") },
        ],
        teams: vec![
            Team { code: code("T1"), office: code("OF1"), name: name("Team one") },
            Team { code: code("T2"), office: code("OF2"), name: name("Team two") },
        ],
        staff,
    }
}

/// One step on one of four cases, or on an officer's records.
#[derive(Debug, Clone)]
enum Step {
    Open { case: u8, officer: u8, custodial: bool, female: bool },
    Tier { case: u8, tier: u8 },
    Release { case: u8 },
    Transfer { case: u8, officer: u8 },
    End { case: u8 },
    Reduce { officer: u8, kind: u8, start: u8, days: Option<u8> },
    EndReduction { n: u8, day: u8 },
    Report { officer: u8, kind: u8, requested: u8 },
    CompleteReport { n: u8, day: u8 },
}

const TIERS: [&str; 8] = ["A3", "A1", "B2", "B0", "C3", "C1", "D2", "D0"];
/// Officers who hold cases (an SPO may too).
const HOLDERS: [&str; 4] = ["OFF1", "OFF2", "OFF3", "SPO1"];

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0u8..4, 0u8..4, any::<bool>(), any::<bool>())
            .prop_map(|(case, officer, custodial, female)| Step::Open { case, officer, custodial, female }),
        2 => (0u8..4, 0u8..8).prop_map(|(case, tier)| Step::Tier { case, tier }),
        1 => (0u8..4).prop_map(|case| Step::Release { case }),
        2 => (0u8..4, 0u8..4).prop_map(|(case, officer)| Step::Transfer { case, officer }),
        1 => (0u8..4).prop_map(|case| Step::End { case }),
        1 => (0u8..4, 0u8..4, 0u8..60, proptest::option::of(0u8..60))
            .prop_map(|(officer, kind, start, days)| Step::Reduce { officer, kind, start, days }),
        1 => (0u8..4, 0u8..60).prop_map(|(n, day)| Step::EndReduction { n, day }),
        1 => (0u8..4, 0u8..3, 0u8..60).prop_map(|(officer, kind, requested)| Step::Report { officer, kind, requested }),
        1 => (0u8..4, 0u8..60).prop_map(|(n, day)| Step::CompleteReport { n, day }),
    ]
}

const START: &str = "2026-09-01";

fn day(offset: u8) -> Date {
    date(START).checked_add(jiff::Span::new().days(i64::from(offset))).unwrap()
}

fn team_of(officer: &str) -> Code {
    code(OFFICERS.iter().find(|o| o.0 == officer).unwrap().1)
}

fn allocated(officer: &str, reason: AllocationReason) -> NewEvent {
    let on = date(START);
    new_event(
        on,
        CaseEvent::OfficerAllocated { officer: code(officer), team: team_of(officer), reason, evidence: None },
    )
}

fn opening(case: u8, officer: &str, custodial: bool, female: bool) -> Vec<NewEvent> {
    let on = date(START);
    let mut who = person("Pat", &format!("Case{case}"));
    who.gender = if female { Gender::Female } else { Gender::Male };
    let sentence = if custodial {
        Sentence {
            kind: SentenceKind::Custodial,
            end_date: date("2028-09-01"),
            requirements: vec![],
            custody: Some(CustodyTerms {
                release_date: date("2027-03-01"),
                licence_end: date("2028-09-01"),
                pss_end: None,
            }),
            ..community_order("S1", on)
        }
    } else {
        community_order("S1", on)
    };
    vec![
        new_event(on, CaseEvent::PersonRegistered { person: who }),
        new_event(on, CaseEvent::SentenceImposed { sentence }),
        allocated(officer, AllocationReason::Initial),
    ]
}

/// The workload of every officer who counts (an SPO only with cases), as the old code
/// worked it out: every case folded from its log, the reductions and reports read.
async fn replayed(
    stores: &Stores,
    store: &impl CaseStore,
    today: Date,
) -> BTreeMap<Code, (usize, analytics::CapacityFigures)> {
    let org = organisation();
    let mut by_officer: BTreeMap<Code, Vec<domain::case::CaseState>> = BTreeMap::new();
    for summary in store.all_summaries().await.unwrap() {
        if let Some(officer) = summary.caseload_officer() {
            let events = store.stream(&summary.crn).await.unwrap();
            let state = domain::case::CaseState::fold(summary.crn.clone(), &events).unwrap();
            by_officer.entry(officer.clone()).or_default().push(state);
        }
    }
    let mut out = BTreeMap::new();
    for staff in &org.staff {
        let cases = by_officer.remove(&staff.code).unwrap_or_default();
        if staff.grade == Grade::Spo && cases.is_empty() {
            continue;
        }
        let weighed: Vec<_> = cases.iter().filter_map(|c| analytics::workload::case_from_record(c, staff)).collect();
        let codes = [staff.code.clone()];
        let reductions: Vec<Reduction> =
            stores.workload.reductions_for(&codes).await.unwrap().into_iter().map(|r| r.reduction).collect();
        let reports: Vec<Report> =
            stores.workload.reports_for(&codes).await.unwrap().into_iter().map(|r| r.report).collect();
        let in_preparation = analytics::workload::reports_in_preparation(&reports, today);
        let figures = services::team::WORKLOAD
            .capacity(&weighed, &in_preparation, staff.contracted_hours.get(), &reductions, today)
            .unwrap();
        out.insert(staff.code.clone(), (cases.len(), figures));
    }
    out
}

fn user(role: Role, scope: PlaceScope) -> User {
    User { username: Username::parse("reader").unwrap(), role, scope, officer: None, disabled: false }
}

async fn workload_equals_replay<S: AnyStore>(store: S, steps: Vec<Step>, prefix: u32) {
    let stores = Stores::new(store.clone());
    let mut versions: BTreeMap<u8, u64> = BTreeMap::new();
    let (mut reductions, mut reports) = (Vec::new(), Vec::new());
    let recorded = Clock::Fixed(date("2026-11-20")).now();
    let crn = |case: u8| Crn::parse(&format!("W{prefix:03}{case:03}")).unwrap();
    for step in &steps {
        let case_events = match step {
            Step::Open { case, officer, custodial, female } => {
                Some((*case, opening(*case, HOLDERS[*officer as usize], *custodial, *female)))
            }
            Step::Tier { case, tier } => Some((
                *case,
                vec![new_event(
                    date(START),
                    CaseEvent::TierCalculated {
                        legacy: TIERS[*tier as usize].parse().unwrap(),
                        v3: domain::tier::V3Tier::Missing,
                        provisional: false,
                        because: vec![],
                        missing: vec![],
                    },
                )],
            )),
            Step::Release { case } => Some((
                *case,
                vec![new_event(date(START), CaseEvent::ReleasedFromCustody { sentence: id("S1"), on: date(START) })],
            )),
            Step::Transfer { case, officer } => {
                Some((*case, vec![allocated(HOLDERS[*officer as usize], AllocationReason::Transfer)]))
            }
            Step::End { case } => Some((
                *case,
                vec![new_event(
                    date(START),
                    CaseEvent::SentenceEnded {
                        sentence: id("S1"),
                        on: date(START),
                        outcome: SentenceOutcome::Completed,
                    },
                )],
            )),
            Step::Reduce { officer, kind, start, days } => {
                let kind = [
                    ReductionKind::LongTermSickness,
                    ReductionKind::FacilityTime { percent: 30 },
                    ReductionKind::TraineeProbationOfficer,
                    ReductionKind::NewlyQualified,
                ][*kind as usize];
                let start = day(*start);
                let end = days.map(|d| start.checked_add(jiff::Span::new().days(i64::from(d))).unwrap());
                let id = stores
                    .workload
                    .add_reduction(&code(HOLDERS[*officer as usize]), &Reduction { kind, start, end }, recorded)
                    .await
                    .unwrap();
                reductions.push((id, start));
                None
            }
            Step::EndReduction { n, day: d } => {
                if let Some((id, start)) = reductions.get(*n as usize) {
                    let on = day(*d).max(*start);
                    assert!(stores.workload.end_reduction(*id, on, recorded).await.unwrap());
                }
                None
            }
            Step::Report { officer, kind, requested } => {
                let kind = [ReportKind::StandardCourt, ReportKind::Fast, ReportKind::Parole][*kind as usize];
                let requested = day(*requested);
                let report = Report { kind, crn: None, requested, due: None, completed: None };
                let id =
                    stores.workload.add_report(&code(HOLDERS[*officer as usize]), &report, recorded).await.unwrap();
                reports.push((id, requested));
                None
            }
            Step::CompleteReport { n, day: d } => {
                if let Some((id, requested)) = reports.get(*n as usize) {
                    assert!(stores.workload.complete_report(*id, day(*d).max(*requested), recorded).await.unwrap());
                }
                None
            }
        };
        if let Some((case, events)) = case_events {
            let at = versions.get(&case).copied().unwrap_or(0);
            match store.append(&crn(case), at, &events, recorded).await {
                Ok(v) => {
                    versions.insert(case, v);
                }
                // A step the case's state does not allow is skipped, as a user would be told no.
                Err(StoreError::Rejected { .. }) => {}
                Err(e) => panic!("{step:?}: {e}"),
            }
        }
    }

    let report = store.check().await.unwrap();
    assert!(report.is_consistent(), "{:#?}", report.differences);

    let today = date("2026-10-01");
    let now = Clock::Fixed(today).now();
    let want = replayed(&stores, &store, today).await;

    let analyst = user(Role::MiAnalyst, PlaceScope::Provider);
    let (_, figures) = services::mi::workload(&stores, Actor::new(&analyst), &Scope::Provider, today).await.unwrap();
    let from_projection: BTreeMap<_, _> = want.iter().map(|(c, (_, f))| (c.clone(), *f)).collect();
    assert_eq!(figures, from_projection, "MI workload, after {steps:?}");

    for (team, spo) in [("T1", "SPO1"), ("T2", "SPO2")] {
        let reader =
            User { officer: Some(code(spo)), ..user(Role::SeniorProbationOfficer, PlaceScope::Team(code(team))) };
        let view = services::team::team_view(&stores, Actor::new(&reader), now, &code(team)).await.unwrap();
        let got: BTreeMap<_, _> =
            view.officers.iter().map(|o| (o.staff.code.clone(), (o.active_cases, o.capacity))).collect();
        let expect: BTreeMap<_, _> =
            want.iter().filter(|(c, _)| team_of(c.as_str()) == code(team)).map(|(c, v)| (c.clone(), *v)).collect();
        assert_eq!(got, expect, "team {team}, after {steps:?}");
    }

    // A rebuild writes what the appends kept.
    let before = store.officer_workloads(None).await.unwrap();
    store.rebuild().await.unwrap();
    assert_eq!(store.officer_workloads(None).await.unwrap(), before);
}

#[test]
fn property_workload_projection_equals_replay_on_both_engines() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (sqlite_store, _dir) = rt.block_on(store::testing::sqlite());
    let pg_store = rt.block_on(store::testing::postgres());
    rt.block_on(async {
        sqlite_store.bulk_load(&organisation(), &mut std::iter::empty(), &|_| {}).await.unwrap();
        if let Some(pg) = &pg_store {
            pg.bulk_load(&organisation(), &mut std::iter::empty(), &|_| {}).await.unwrap();
        }
    });
    let counter = AtomicU32::new(0);
    let config = ProptestConfig { cases: 32, ..ProptestConfig::default() };
    proptest!(config, |(steps in proptest::collection::vec(step(), 1..30))| {
        let prefix = counter.fetch_add(1, Ordering::SeqCst);
        rt.block_on(workload_equals_replay(sqlite_store.clone(), steps.clone(), prefix));
        if let Some(pg) = &pg_store {
            rt.block_on(workload_equals_replay(pg.clone(), steps, prefix));
        }
    });
}
