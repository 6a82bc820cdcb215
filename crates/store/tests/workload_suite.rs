//! Reductions of officers' hours and the reports they prepare, on both engines: recorded,
//! listed, ended or completed, and refused (naming the field, writing nothing) when they name
//! unknown staff, carry a bad percent, or end, fall due or are completed before they start.
//! Stores are opened by `store::testing`.

use analytics::workload::{Reduction, ReductionKind, Report, ReportKind};
use domain::example::{code, date, noon};
use domain::ids::{Crn, Name};
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Staff, Team};
use store::workload::WorkloadStore;
use store::{CaseStore, LoadCase, PostgresStore, SqliteStore, StoreError, both_engines};

fn org() -> Organisation {
    let name = |s: &str| Name::parse(s).unwrap();
    let staff = |s: &str| Staff {
        code: code(s),
        team: code("T1"),
        name: name(&format!("Staff {s}")),
        grade: Grade::Po,
        contracted_hours: ContractedHours::new(37.0).unwrap(),
        employment: Employment::Permanent,
        specialisms: Vec::new(),
    };
    Organisation {
        areas: vec![Area { code: code("AR1"), name: name("North") }],
        boroughs: vec![Borough { code: code("BR1"), area: code("AR1"), name: name("Camden") }],
        offices: vec![Office { code: code("OF1"), borough: code("BR1"), name: name("Kentish Town") }],
        teams: vec![Team { code: code("T1"), office: code("OF1"), name: name("Team one") }],
        staff: vec![staff("PO1"), staff("PO2"), staff("PO3")],
    }
}

fn reduction(kind: ReductionKind, start: &str, end: Option<&str>) -> Reduction {
    Reduction { kind, start: date(start), end: end.map(date) }
}

async fn reductions_are_recorded_listed_and_ended<S: CaseStore + WorkloadStore + Clone + 'static>(store: S) {
    store.bulk_load(&org(), &mut std::iter::empty::<Result<Vec<LoadCase>, StoreError>>(), &|_| {}).await.unwrap();
    let at = noon(date("2026-03-02"));
    let sick = reduction(ReductionKind::LongTermSickness, "2026-03-02", None);
    let facility = reduction(ReductionKind::FacilityTime { percent: 20 }, "2026-01-05", Some("2026-12-31"));
    let trainee = reduction(ReductionKind::TraineeProbationOfficer, "2025-09-01", None);
    let a = store.add_reduction(&code("PO1"), &sick, at).await.unwrap();
    let b = store.add_reduction(&code("PO1"), &facility, at).await.unwrap();
    let c = store.add_reduction(&code("PO2"), &trainee, at).await.unwrap();
    assert!(a != b && b != c && a != c, "each gets its own id");

    let listed = store.reductions_for(&[code("PO2"), code("PO1"), code("PO1")]).await.unwrap();
    let seen: Vec<(i64, &str, Reduction)> = listed.iter().map(|r| (r.id, r.staff.as_str(), r.reduction)).collect();
    assert_eq!(seen, [(b, "PO1", facility), (a, "PO1", sick), (c, "PO2", trainee)], "by staff, start, id");
    assert!(store.reductions_for(&[code("PO3")]).await.unwrap().is_empty());
    assert!(store.reductions_for(&[]).await.unwrap().is_empty());

    // Each carries the time it was recorded at, as its caller gave it; an end given on the
    // way in was recorded then too.
    let stored = Some(store::to_stored_precision(at));
    let times: Vec<_> = listed.iter().map(|r| (r.id, r.recorded_at, r.ended_recorded_at)).collect();
    assert_eq!(times, [(b, stored, stored), (a, stored, None), (c, stored, None)]);

    let later = at + jiff::SignedDuration::from_micros(1_234_567);
    assert!(store.end_reduction(a, date("2026-04-30"), later).await.unwrap());
    let po1 = store.reductions_for(&[code("PO1")]).await.unwrap();
    let ended = po1.iter().find(|r| r.id == a).unwrap();
    assert_eq!(ended.reduction.end, Some(date("2026-04-30")));
    assert_eq!((ended.recorded_at, ended.ended_recorded_at), (stored, Some(later)), "the end's own time");
    assert!(!store.end_reduction(9999, date("2026-04-30"), at).await.unwrap(), "no such reduction");
    // Ending on the day it starts is a one-day reduction; before it is refused.
    let refused = store.end_reduction(a, date("2026-03-01"), at).await;
    assert!(matches!(&refused, Err(StoreError::Field { problem: m, .. }) if m.starts_with("on:")), "{refused:?}");
    assert_eq!(store.reductions_for(&[code("PO1")]).await.unwrap(), po1, "the refused end changed nothing");
}
both_engines!(reductions_are_recorded_listed_and_ended_t, reductions_are_recorded_listed_and_ended);

async fn bad_reductions_are_refused_naming_the_field<S: CaseStore + WorkloadStore + Clone + 'static>(store: S) {
    store.bulk_load(&org(), &mut std::iter::empty::<Result<Vec<LoadCase>, StoreError>>(), &|_| {}).await.unwrap();
    let at = noon(date("2026-03-02"));
    let facility = |percent| reduction(ReductionKind::FacilityTime { percent }, "2026-01-05", None);
    for (staff, r, field) in [
        ("NOSUCH", reduction(ReductionKind::LongTermSickness, "2026-01-05", None), "staff:"),
        ("PO1", facility(0), "percent:"),
        // Over the policy's facility time maximum (50%).
        ("PO1", facility(51), "percent:"),
        ("PO1", facility(100), "percent:"),
        ("PO1", reduction(ReductionKind::NewlyQualified, "2026-01-05", Some("2026-01-04")), "to:"),
    ] {
        let got = store.add_reduction(&code(staff), &r, at).await;
        assert!(
            matches!(&got, Err(StoreError::Field { problem: m, .. }) if m.starts_with(field)),
            "{staff} {r:?}: {got:?}"
        );
    }
    assert!(store.reductions_for(&[code("PO1"), code("NOSUCH")]).await.unwrap().is_empty(), "nothing written");
    // The edges that are allowed.
    store.add_reduction(&code("PO1"), &facility(1), at).await.unwrap();
    store.add_reduction(&code("PO1"), &facility(50), at).await.unwrap();
    let one_day = reduction(ReductionKind::LongTermSickness, "2026-02-02", Some("2026-02-02"));
    store.add_reduction(&code("PO1"), &one_day, at).await.unwrap();
    assert_eq!(store.reductions_for(&[code("PO1")]).await.unwrap().len(), 3);
}
both_engines!(bad_reductions_are_refused_naming_the_field_t, bad_reductions_are_refused_naming_the_field);

fn report(kind: ReportKind, crn: Option<&str>, requested: &str, due: Option<&str>) -> Report {
    Report {
        kind,
        crn: crn.map(|c| Crn::parse(c).unwrap()),
        requested: date(requested),
        due: due.map(date),
        completed: None,
    }
}

async fn reports_are_recorded_listed_and_completed<S: CaseStore + WorkloadStore + Clone + 'static>(store: S) {
    store.bulk_load(&org(), &mut std::iter::empty::<Result<Vec<LoadCase>, StoreError>>(), &|_| {}).await.unwrap();
    let at = noon(date("2026-03-02"));
    // A pre-sentence report on a person with no case yet, and one with no CRN at all.
    let court = report(ReportKind::StandardCourt, Some("X123456"), "2026-03-02", Some("2026-03-23"));
    let fast = report(ReportKind::Fast, None, "2026-03-01", None);
    let parole = Report { completed: Some(date("2026-02-20")), ..report(ReportKind::Parole, None, "2026-01-05", None) };
    let a = store.add_report(&code("PO1"), &court, at).await.unwrap();
    let b = store.add_report(&code("PO1"), &fast, at).await.unwrap();
    let c = store.add_report(&code("PO2"), &parole, at).await.unwrap();
    assert!(a != b && b != c && a != c, "each gets its own id");

    let listed = store.reports_for(&[code("PO2"), code("PO1"), code("PO1")]).await.unwrap();
    let seen: Vec<(i64, &str, &Report)> = listed.iter().map(|r| (r.id, r.staff.as_str(), &r.report)).collect();
    assert_eq!(seen, [(b, "PO1", &fast), (a, "PO1", &court), (c, "PO2", &parole)], "by staff, requested, id");
    assert!(store.reports_for(&[code("PO3")]).await.unwrap().is_empty());
    assert!(store.reports_for(&[]).await.unwrap().is_empty());
    // Reports and reductions are apart.
    assert!(store.reductions_for(&[code("PO1"), code("PO2")]).await.unwrap().is_empty());

    // Completed on the day it was requested is allowed; before it is refused.
    let stored = Some(store::to_stored_precision(at));
    let times: Vec<_> = listed.iter().map(|r| (r.id, r.recorded_at, r.completed_recorded_at)).collect();
    assert_eq!(times, [(b, stored, None), (a, stored, None), (c, stored, stored)], "each carries its time");
    let later = at + jiff::SignedDuration::from_secs(3600);
    assert!(store.complete_report(b, date("2026-03-01"), later).await.unwrap());
    assert!(store.complete_report(a, date("2026-03-20"), at).await.unwrap());
    let po1 = store.reports_for(&[code("PO1")]).await.unwrap();
    let completed = |id| po1.iter().find(|r| r.id == id).unwrap().report.completed;
    assert_eq!((completed(a), completed(b)), (Some(date("2026-03-20")), Some(date("2026-03-01"))));
    assert_eq!(po1.iter().find(|r| r.id == a).unwrap().report, Report { completed: Some(date("2026-03-20")), ..court });
    let b_times = po1.iter().find(|r| r.id == b).map(|r| (r.recorded_at, r.completed_recorded_at));
    assert_eq!(b_times, Some((stored, Some(later))), "the completion's own time");
    assert!(!store.complete_report(9999, date("2026-03-20"), at).await.unwrap(), "no such report");
    let refused = store.complete_report(a, date("2026-03-01"), at).await;
    assert!(matches!(&refused, Err(StoreError::Field { problem: m, .. }) if m.starts_with("on:")), "{refused:?}");
    assert_eq!(store.reports_for(&[code("PO1")]).await.unwrap(), po1, "the refused completion changed nothing");
}
both_engines!(reports_are_recorded_listed_and_completed_t, reports_are_recorded_listed_and_completed);

async fn bad_reports_are_refused_naming_the_field<S: CaseStore + WorkloadStore + Clone + 'static>(store: S) {
    store.bulk_load(&org(), &mut std::iter::empty::<Result<Vec<LoadCase>, StoreError>>(), &|_| {}).await.unwrap();
    let at = noon(date("2026-03-02"));
    let fast = report(ReportKind::Fast, None, "2026-03-02", None);
    for (staff, r, field) in [
        ("NOSUCH", fast.clone(), "staff:"),
        ("PO1", report(ReportKind::StandardCourt, None, "2026-03-02", Some("2026-03-01")), "due_on:"),
        ("PO1", Report { completed: Some(date("2026-03-01")), ..fast.clone() }, "completed_on:"),
    ] {
        let got = store.add_report(&code(staff), &r, at).await;
        assert!(
            matches!(&got, Err(StoreError::Field { problem: m, .. }) if m.starts_with(field)),
            "{staff} {r:?}: {got:?}"
        );
    }
    assert!(store.reports_for(&[code("PO1"), code("NOSUCH")]).await.unwrap().is_empty(), "nothing written");
    // The edges that are allowed: due and completed on the day it is requested.
    let same_day = Report { due: Some(date("2026-03-02")), completed: Some(date("2026-03-02")), ..fast };
    store.add_report(&code("PO1"), &same_day, at).await.unwrap();
    assert_eq!(store.reports_for(&[code("PO1")]).await.unwrap().len(), 1);
}
both_engines!(bad_reports_are_refused_naming_the_field_t, bad_reports_are_refused_naming_the_field);

/// Statements run round the store's checks.
trait RawSql {
    async fn raw(&self, sql: String) -> Result<u64, String>;
}
impl RawSql for SqliteStore {
    async fn raw(&self, sql: String) -> Result<u64, String> {
        let q = sqlx::query(sqlx::AssertSqlSafe(sql));
        q.execute(self.pool()).await.map(|r| r.rows_affected()).map_err(|e| e.to_string())
    }
}
impl RawSql for PostgresStore {
    async fn raw(&self, sql: String) -> Result<u64, String> {
        let q = sqlx::query(sqlx::AssertSqlSafe(sql));
        q.execute(self.pool()).await.map(|r| r.rows_affected()).map_err(|e| e.to_string())
    }
}

/// The database's own checks (migration 0016) refuse what the store's checks refuse, had a
/// writer gone round them: an unknown kind or member of staff, a malformed CRN, a report due
/// or completed before it is requested.
async fn the_database_refuses_bad_report_rows<S: CaseStore + WorkloadStore + Clone + 'static + RawSql>(store: S) {
    store.bulk_load(&org(), &mut std::iter::empty::<Result<Vec<LoadCase>, StoreError>>(), &|_| {}).await.unwrap();
    let insert = "INSERT INTO staff_reports (staff, kind, crn, requested_on, due_on, completed_on) VALUES ";
    let good = "('PO1', 'parole', 'X123456', '2026-03-02', '2026-03-02', '2026-03-02')";
    assert_eq!(store.raw(format!("{insert}{good}")).await, Ok(1), "the edges are allowed");
    for values in [
        "('PO1', 'oral', NULL, '2026-03-02', NULL, NULL)",
        "('NOSUCH', 'fast', NULL, '2026-03-02', NULL, NULL)",
        "('PO1', 'fast', 'x123456', '2026-03-02', NULL, NULL)",
        "('PO1', 'fast', 'X12345', '2026-03-02', NULL, NULL)",
        "('PO1', 'fast', 'X1234567', '2026-03-02', NULL, NULL)",
        "('PO1', 'fast', NULL, '2026-03-02', '2026-03-01', NULL)",
        "('PO1', 'fast', NULL, '2026-03-02', NULL, '2026-03-01')",
    ] {
        assert!(store.raw(format!("{insert}{values}")).await.is_err(), "{values}");
    }
    assert_eq!(store.reports_for(&[code("PO1")]).await.unwrap().len(), 1);
}
both_engines!(the_database_refuses_bad_report_rows_t, the_database_refuses_bad_report_rows);
