//! The staff use cases (`services::staff`) on both engines: bad input is refused with every
//! problem named by its field, and nothing is written; good input is recorded at `now`.

use domain::example::{code, date};
use domain::ids::Name;
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Staff, Team};
use services::clock::Clock;
use services::staff::{self, DeclarationForm, FlagForm, ReductionForm, ReportForm};
use services::stores::AnyStore;
use services::{ServiceError, Stores};
use store::testing::{postgres, sqlite};
use store::{CaseStore, StaffEqualityStore};

fn organisation() -> Organisation {
    let name = |s: &str| Name::parse(s).unwrap();
    let staff = |c: &str, grade| Staff {
        code: code(c),
        team: code("TEAM1"),
        name: name("Priya Shah"),
        grade,
        contracted_hours: ContractedHours::new(37.0).unwrap(),
        employment: Employment::Permanent,
        specialisms: vec![],
    };
    Organisation {
        areas: vec![Area { code: code("LDN"), name: name("London") }],
        boroughs: vec![Borough { code: code("CAM"), area: code("LDN"), name: name("Camden") }],
        offices: vec![Office { code: code("CAM1"), borough: code("CAM"), name: name("Camden office") }],
        teams: vec![Team { code: code("TEAM1"), office: code("CAM1"), name: name("Camden North") }],
        staff: vec![staff("OFF1", Grade::Po), staff("SPO1", Grade::Spo)],
    }
}

/// The fields a refusal names, in order; the first message starts with the first field.
fn fields<T: std::fmt::Debug>(got: Result<T, ServiceError>) -> Vec<String> {
    match got {
        Err(ServiceError::Invalid(problems)) => {
            assert!(problems[0].message.starts_with(problems[0].field.as_str()), "{problems:?}");
            problems.into_iter().map(|p| p.field).collect()
        }
        other => panic!("expected a refusal naming fields: {other:?}"),
    }
}

async fn refusals_name_the_field_and_write_nothing<S: AnyStore>(store: S) {
    store.bulk_load(&organisation(), &mut std::iter::empty(), &|_| {}).await.unwrap();
    let stores = Stores::new(store.clone());
    let now = Clock::Fixed(date("2026-11-20")).now();
    let off1 = [code("OFF1")];

    let r = |kind, percent, from, to| ReductionForm { staff: "OFF1", kind, percent, from, to };
    for (form, expect) in [
        (r("sickness", None, "2026-01-05", None), vec!["kind"]),
        (r("facility-time", None, "2026-01-05", None), vec!["percent"]),
        (r("facility-time", Some("0"), "2026-01-05", None), vec!["percent"]),
        // Over the workload policy's maximum (50%).
        (r("facility-time", Some("51"), "2026-01-05", None), vec!["percent"]),
        (r("trainee", Some("20"), "2026-01-05", None), vec!["percent"]),
        (r("trainee", None, "2026-01-05", Some("2026-01-04")), vec!["to"]),
        (r("trainee", None, "05/01/2026", Some("never")), vec!["from", "to"]),
        (ReductionForm { staff: "NOSUCH", ..r("trainee", None, "2026-01-05", None) }, vec!["staff"]),
        (ReductionForm { staff: "not a code!", ..r("nope", None, "2026-01-05", None) }, vec!["staff", "kind"]),
    ] {
        assert_eq!(fields(staff::add_reduction(&stores, now, form).await), expect, "{form:?}");
    }
    assert!(store.reductions_for(&off1).await.unwrap().is_empty(), "nothing written");

    let p = |kind, crn, requested_on, due_on| ReportForm { staff: "OFF1", kind, crn, requested_on, due_on };
    for (form, expect) in [
        (p("psr", None, "2026-03-02", None), vec!["kind"]),
        (p("fast", Some("123"), "2026-03-02", None), vec!["crn"]),
        (p("fast", None, "2026-03-02", Some("2026-03-01")), vec!["due-on"]),
        (p("fast", None, "yesterday", None), vec!["requested-on"]),
        (ReportForm { staff: "NOSUCH", ..p("fast", None, "2026-03-02", None) }, vec!["staff"]),
    ] {
        assert_eq!(fields(staff::add_report(&stores, now, form).await), expect, "{form:?}");
    }
    assert!(store.reports_for(&off1).await.unwrap().is_empty(), "nothing written");

    let d = DeclarationForm {
        staff: "OFF1",
        gender: None,
        ethnicity: None,
        date_of_birth: None,
        disability: None,
        religion: None,
    };
    for (form, expect) in [
        (d, vec!["gender"]),
        (DeclarationForm { gender: Some("f"), religion: Some("none"), ..d }, vec!["gender", "religion"]),
        (DeclarationForm { date_of_birth: Some("2026-11-20"), ..d }, vec!["date-of-birth"]),
        (DeclarationForm { disability: Some("maybe"), ..d }, vec!["disability"]),
        (DeclarationForm { staff: "NOSUCH", gender: Some("male"), ..d }, vec!["staff"]),
    ] {
        assert_eq!(fields(staff::declare_characteristics(&stores, now, form).await), expect, "{form:?}");
    }
    assert_eq!(store.staff_declaration(&code("OFF1")).await.unwrap(), Default::default(), "nothing written");

    let f = |kind, from, to| FlagForm { staff: "OFF1", kind, from, to };
    for (form, by, expect) in [
        (f("capability", "2026-03-02", None), "SPO1", vec!["kind"]),
        (f("performance-improvement", "2026-03-02", Some("2026-03-01")), "SPO1", vec!["to"]),
        (f("performance-improvement", "2026-03-02", None), "OFF1", vec!["raised-by"]),
        (f("performance-improvement", "2026-03-02", None), "NOSUCH", vec!["raised-by"]),
        (FlagForm { staff: "NOSUCH", ..f("performance-improvement", "2026-03-02", None) }, "SPO1", vec!["staff"]),
    ] {
        assert_eq!(fields(staff::add_flag(&stores, now, form, by).await), expect, "{form:?} by {by}");
    }
    assert!(store.staff_flags_for(&off1).await.unwrap().is_empty(), "nothing written");

    // Lists refuse an unknown member of staff; ends and completions an unknown id or a day
    // before the start.
    assert_eq!(fields(staff::reductions(&stores, "NOSUCH").await), ["staff"]);
    assert_eq!(fields(staff::reports(&stores, "NOSUCH").await), ["staff"]);
    assert_eq!(fields(staff::flags(&stores, "NOSUCH").await), ["staff"]);
    assert_eq!(fields(staff::end_reduction(&stores, now, "x", "bad").await), ["id", "on"]);
    assert_eq!(fields(staff::end_reduction(&stores, now, "999", "2026-11-20").await), ["id"]);
    assert_eq!(fields(staff::complete_report(&stores, now, "999", "2026-11-20").await), ["id"]);
    assert_eq!(fields(staff::end_flag(&stores, now, "999", "2026-11-20").await), ["id"]);
    let added = staff::add_reduction(&stores, now, r("trainee", None, "2026-01-05", None)).await.unwrap();
    let early = staff::end_reduction(&stores, now, &added.id.to_string(), "2026-01-04").await;
    assert_eq!(fields(early), ["on"]);
    let (_, listed) = staff::reductions(&stores, "OFF1").await.unwrap();
    assert_eq!(listed, [added], "recorded once, with its time; the refused end changed nothing");
}

#[tokio::test]
async fn refusals_name_the_field_and_write_nothing_sqlite() {
    let (store, _dir) = sqlite().await;
    refusals_name_the_field_and_write_nothing(store).await;
}

#[tokio::test]
async fn refusals_name_the_field_and_write_nothing_postgres() {
    if let Some(store) = postgres().await {
        refusals_name_the_field_and_write_nothing(store).await;
    }
}

/// A declaration changes only the characteristics given; `not_recorded` removes one.
#[tokio::test]
async fn a_declaration_merges_with_the_one_before() {
    let (store, _dir) = sqlite().await;
    store.bulk_load(&organisation(), &mut std::iter::empty(), &|_| {}).await.unwrap();
    let stores = Stores::new(store.clone());
    let now = Clock::Fixed(date("2026-11-20")).now();
    let d = DeclarationForm {
        staff: "OFF1",
        gender: Some("female"),
        ethnicity: Some("black"),
        date_of_birth: None,
        disability: None,
        religion: None,
    };
    staff::declare_characteristics(&stores, now, d).await.unwrap();
    let later = Clock::Fixed(date("2026-11-21")).now();
    let changed = DeclarationForm { gender: None, ethnicity: Some("not_recorded"), disability: Some("yes"), ..d };
    let (_, merged) = staff::declare_characteristics(&stores, later, changed).await.unwrap();
    assert_eq!(merged.gender, Some(domain::person::Gender::Female), "kept");
    assert_eq!(merged.ethnicity, None, "removed");
    assert_eq!(merged.disability, Some(true), "added");
    let stored = store.staff_declaration(&code("OFF1")).await.unwrap();
    assert_eq!((stored.characteristics, stored.recorded_at), (merged, Some(store::to_stored_precision(later))));
}
