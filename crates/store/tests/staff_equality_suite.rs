//! Staff equality on both engines: staff's declared characteristics and performance-improvement
//! flags are recorded, read, replaced and ended; refused (naming the field, writing nothing)
//! when they name unknown staff, a flag is raised by the member of staff it is on, or it ends
//! before it starts; the database's own checks refuse unknown values; a bulk load lands whole
//! or not at all; and the disproportionality table counts every member of staff in post once,
//! by the flags started in the period. Stores are opened by `store::testing`.

use analytics::outcomes::{Characteristic, NOT_RECORDED};
use analytics::proportion::{GroupCount, SuppressionPolicy, disproportionality};
use analytics::staff_process::Period;
use domain::example::{code, date, noon};
use domain::ids::{Code, Name};
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Staff, Team};
use domain::person::{Ethnicity, Gender};
use domain::staff::{FlagKind, Religion, StaffCharacteristics, StaffFlag};
use store::staff_equality::StaffEqualityStore;
use store::{CaseStore, LoadCase, PostgresStore, SqliteStore, StoreError, both_engines};

/// A team of one SPO (`SPO1`) and officers `S01` to `S24`.
fn org() -> Organisation {
    let name = |s: &str| Name::parse(s).unwrap();
    let staff = |s: &str, grade| Staff {
        code: code(s),
        team: code("T1"),
        name: name(&format!("Staff {s}")),
        grade,
        contracted_hours: ContractedHours::new(37.0).unwrap(),
        employment: Employment::Permanent,
        specialisms: Vec::new(),
    };
    let mut members = vec![staff("SPO1", Grade::Spo)];
    members.extend((1..=24).map(|i| staff(&format!("S{i:02}"), Grade::Po)));
    Organisation {
        areas: vec![Area { code: code("AR1"), name: name("North") }],
        boroughs: vec![Borough { code: code("BR1"), area: code("AR1"), name: name("Camden") }],
        offices: vec![Office { code: code("OF1"), borough: code("BR1"), name: name("Kentish Town") }],
        teams: vec![Team { code: code("T1"), office: code("OF1"), name: name("Team one") }],
        staff: members,
    }
}

async fn loaded<S: CaseStore + Clone + 'static>(store: &S) {
    store.bulk_load(&org(), &mut std::iter::empty::<Result<Vec<LoadCase>, StoreError>>(), &|_| {}).await.unwrap();
}

fn flag(start: &str, end: Option<&str>, by: &str) -> StaffFlag {
    StaffFlag { kind: FlagKind::PerformanceImprovement, start: date(start), end: end.map(date), raised_by: code(by) }
}

fn invalid<T: std::fmt::Debug>(got: &Result<T, StoreError>, field: &str) -> bool {
    matches!(got, Err(StoreError::Field { problem: m, .. }) if m.starts_with(&format!("{field}:")))
}

fn everything() -> StaffCharacteristics {
    StaffCharacteristics {
        gender: Some(Gender::Female),
        ethnicity: Some(Ethnicity::Black),
        date_of_birth: Some(date("1984-07-09")),
        disability: Some(false),
        religion: Some(Religion::Christian),
    }
}

async fn characteristics_are_set_read_and_replaced<S: CaseStore + StaffEqualityStore + Clone + 'static>(store: S) {
    loaded(&store).await;
    let at = noon(date("2026-03-02"));
    assert_eq!(store.staff_characteristics(&code("S01")).await.unwrap(), StaffCharacteristics::default());
    store.set_staff_characteristics(&code("S01"), &everything(), at).await.unwrap();
    assert_eq!(store.staff_characteristics(&code("S01")).await.unwrap(), everything());
    assert_eq!(store.staff_characteristics(&code("S02")).await.unwrap(), StaffCharacteristics::default(), "apart");
    let declared = store.staff_declaration(&code("S01")).await.unwrap();
    assert_eq!((declared.characteristics, declared.recorded_at), (everything(), Some(store::to_stored_precision(at))));
    assert_eq!(store.staff_declaration(&code("S02")).await.unwrap().recorded_at, None, "nothing declared");

    // A new declaration replaces the old one whole; an empty one leaves nothing recorded.
    let some = StaffCharacteristics {
        ethnicity: Some(Ethnicity::NotStated),
        disability: Some(true),
        ..StaffCharacteristics::default()
    };
    let later = at + jiff::SignedDuration::from_secs(60);
    store.set_staff_characteristics(&code("S01"), &some, later).await.unwrap();
    assert_eq!(store.staff_characteristics(&code("S01")).await.unwrap(), some);
    assert_eq!(store.staff_declaration(&code("S01")).await.unwrap().recorded_at, Some(later), "the latest's time");
    store.set_staff_characteristics(&code("S01"), &StaffCharacteristics::default(), at).await.unwrap();
    assert_eq!(store.staff_characteristics(&code("S01")).await.unwrap(), StaffCharacteristics::default());

    // Unknown staff: refused naming the field, nothing written.
    let got = store.set_staff_characteristics(&code("NOSUCH"), &everything(), at).await;
    assert!(invalid(&got, "staff"), "{got:?}");
    let got = store.staff_characteristics(&code("NOSUCH")).await;
    assert!(invalid(&got, "staff"), "{got:?}");
}
both_engines!(characteristics_are_set_read_and_replaced_t, characteristics_are_set_read_and_replaced);

async fn flags_are_added_listed_ended_and_refused_naming_the_field<
    S: CaseStore + StaffEqualityStore + Clone + 'static,
>(
    store: S,
) {
    loaded(&store).await;
    let at = noon(date("2026-03-02"));
    let open = flag("2026-03-02", None, "SPO1");
    let ended = flag("2026-01-05", Some("2026-04-30"), "SPO1");
    let other = flag("2025-09-01", None, "S01");
    let a = store.add_staff_flag(&code("S02"), &open, at).await.unwrap();
    let b = store.add_staff_flag(&code("S02"), &ended, at).await.unwrap();
    let c = store.add_staff_flag(&code("S03"), &other, at).await.unwrap();
    assert!(a != b && b != c && a != c, "each gets its own id");
    let listed = store.staff_flags_for(&[code("S03"), code("S02"), code("S02")]).await.unwrap();
    let seen: Vec<(i64, &str, &StaffFlag)> = listed.iter().map(|f| (f.id, f.staff.as_str(), &f.flag)).collect();
    assert_eq!(seen, [(b, "S02", &ended), (a, "S02", &open), (c, "S03", &other)], "by staff, start, id");
    assert!(store.staff_flags_for(&[code("S04")]).await.unwrap().is_empty());
    assert!(store.staff_flags_for(&[]).await.unwrap().is_empty());
    let stored = Some(store::to_stored_precision(at));
    let times: Vec<_> = listed.iter().map(|f| (f.id, f.recorded_at, f.ended_recorded_at)).collect();
    assert_eq!(times, [(b, stored, stored), (a, stored, None), (c, stored, None)], "each carries its time");

    // Ending on the day it starts is a one-day flag; before it is refused.
    assert!(store.end_staff_flag(a, date("2026-03-02"), at).await.unwrap());
    let later = at + jiff::SignedDuration::from_secs(60);
    assert!(store.end_staff_flag(a, date("2026-06-30"), later).await.unwrap(), "a later call corrects the day");
    let s02 = store.staff_flags_for(&[code("S02")]).await.unwrap();
    let ended = s02.iter().find(|f| f.id == a).unwrap();
    assert_eq!(ended.flag.end, Some(date("2026-06-30")));
    assert_eq!((ended.recorded_at, ended.ended_recorded_at), (stored, Some(later)), "the end's own time");
    assert!(!store.end_staff_flag(9999, date("2026-06-30"), at).await.unwrap(), "no such flag");
    let refused = store.end_staff_flag(a, date("2026-03-01"), at).await;
    assert!(invalid(&refused, "on"), "{refused:?}");
    assert_eq!(store.staff_flags_for(&[code("S02")]).await.unwrap(), s02, "the refused end changed nothing");

    // (on, flag, field named)
    for (on, f, field) in [
        ("NOSUCH", flag("2026-03-02", None, "SPO1"), "staff"),
        ("S04", flag("2026-03-02", None, "NOSUCH"), "raised_by"),
        ("S04", flag("2026-03-02", None, "S04"), "raised_by"),
        ("S04", flag("2026-03-02", Some("2026-03-01"), "SPO1"), "to"),
    ] {
        let got = store.add_staff_flag(&code(on), &f, at).await;
        assert!(invalid(&got, field), "{on} {f:?}: {got:?}");
    }
    assert!(store.staff_flags_for(&[code("S04"), code("NOSUCH")]).await.unwrap().is_empty(), "nothing written");
}
both_engines!(flags_are_added_listed_ended_and_refused_t, flags_are_added_listed_ended_and_refused_naming_the_field);

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

/// The database's own checks (migration 0017) refuse what the typed values and the store's
/// checks cannot express, had a writer gone round them: unknown values, unknown staff, a
/// flag raised by the member of staff it is on or ending before it starts.
async fn the_database_refuses_unknown_values<S: CaseStore + StaffEqualityStore + Clone + 'static + RawSql>(store: S) {
    loaded(&store).await;
    let insert = "INSERT INTO staff_characteristics (staff, gender, ethnicity, date_of_birth, disability, religion) \
                  VALUES ";
    let good = "('S01', 'other', 'not_stated', '1990-01-31', 'yes', 'no_religion')";
    assert_eq!(store.raw(format!("{insert}{good}")).await, Ok(1));
    for values in [
        "('S02', 'man', NULL, NULL, NULL, NULL)",
        "('S02', NULL, 'White', NULL, NULL, NULL)",
        "('S02', NULL, NULL, NULL, 'true', NULL)",
        "('S02', NULL, NULL, NULL, NULL, 'Christian')",
        "('NOSUCH', 'male', NULL, NULL, NULL, NULL)",
        "('S01', 'male', NULL, NULL, NULL, NULL)",
    ] {
        assert!(store.raw(format!("{insert}{values}")).await.is_err(), "{values}");
    }
    let insert = "INSERT INTO staff_flags (staff, kind, starts_on, ends_on, raised_by) VALUES ";
    let good = "('S01', 'performance-improvement', '2026-03-02', '2026-03-02', 'SPO1')";
    assert_eq!(store.raw(format!("{insert}{good}")).await, Ok(1), "the edges are allowed");
    for values in [
        "('S01', 'performance_improvement', '2026-03-02', NULL, 'SPO1')",
        "('S01', 'disciplinary', '2026-03-02', NULL, 'SPO1')",
        "('NOSUCH', 'performance-improvement', '2026-03-02', NULL, 'SPO1')",
        "('S01', 'performance-improvement', '2026-03-02', NULL, 'NOSUCH')",
        "('S01', 'performance-improvement', '2026-03-02', NULL, 'S01')",
        "('S01', 'performance-improvement', '2026-03-02', '2026-03-01', 'SPO1')",
    ] {
        assert!(store.raw(format!("{insert}{values}")).await.is_err(), "{values}");
    }
    assert_eq!(store.staff_flags_for(&[code("S01")]).await.unwrap().len(), 1);
    assert_eq!(store.staff_characteristics(&code("S02")).await.unwrap(), StaffCharacteristics::default());
}
both_engines!(the_database_refuses_unknown_values_t, the_database_refuses_unknown_values);

async fn a_bulk_load_lands_whole_or_not_at_all<S: CaseStore + StaffEqualityStore + Clone + 'static>(store: S) {
    loaded(&store).await;
    let at = noon(date("2026-03-02"));
    let declared = vec![(code("S01"), everything()), (code("S02"), StaffCharacteristics::default())];
    let flags = vec![(code("S01"), flag("2026-03-02", None, "SPO1"))];
    // One bad entry anywhere refuses the lot, naming its field.
    // (declarations, flags, field named)
    type Load = (Vec<(Code, StaffCharacteristics)>, Vec<(Code, StaffFlag)>, &'static str);
    let bad_cases: [Load; 5] = [
        ([declared.clone(), vec![(code("NOSUCH"), everything())]].concat(), flags.clone(), "staff"),
        ([declared.clone(), vec![(code("S01"), everything())]].concat(), flags.clone(), "staff"),
        (declared.clone(), [flags.clone(), vec![(code("NOSUCH"), flag("2026-03-02", None, "SPO1"))]].concat(), "staff"),
        (
            declared.clone(),
            [flags.clone(), vec![(code("S03"), flag("2026-03-02", None, "NOSUCH"))]].concat(),
            "raised_by",
        ),
        (
            declared.clone(),
            [flags.clone(), vec![(code("S03"), flag("2026-03-02", Some("2026-03-01"), "SPO1"))]].concat(),
            "to",
        ),
    ];
    for (d, f, field) in bad_cases {
        let got = store.load_staff_equality(&d, &f, at).await;
        assert!(invalid(&got, field), "{field}: {got:?}");
        assert_eq!(store.staff_characteristics(&code("S01")).await.unwrap(), StaffCharacteristics::default());
        assert!(store.staff_flags_for(&[code("S01"), code("S03")]).await.unwrap().is_empty(), "nothing written");
    }
    store.load_staff_equality(&declared, &flags, at).await.unwrap();
    assert_eq!(store.staff_characteristics(&code("S01")).await.unwrap(), everything());
    assert_eq!(store.staff_characteristics(&code("S02")).await.unwrap(), StaffCharacteristics::default());
    let listed = store.staff_flags_for(&[code("S01")]).await.unwrap();
    assert_eq!(listed.iter().map(|f| &f.flag).collect::<Vec<_>>(), [&flags[0].1]);
    assert_eq!(listed[0].recorded_at, Some(store::to_stored_precision(at)), "a load carries its time");
    assert_eq!(store.staff_declaration(&code("S01")).await.unwrap().recorded_at, Some(store::to_stored_precision(at)));
    // Loading again replaces declarations and adds flags.
    let some = StaffCharacteristics { gender: Some(Gender::Male), ..Default::default() };
    store.load_staff_equality(&[(code("S01"), some.clone())], &[], at).await.unwrap();
    assert_eq!(store.staff_characteristics(&code("S01")).await.unwrap(), some);
    store.load_staff_equality(&[], &[], at).await.unwrap();
}
both_engines!(a_bulk_load_lands_whole_or_not_at_all_t, a_bulk_load_lands_whole_or_not_at_all);

/// 25 staff in post over 2025-11-21 to 2026-11-20: S01-S12 women, 3 flagged in the period
/// (S01 twice, counted once; S02's flag ended in it); S13-S20 men, 1 flagged (S14's flag
/// started before the period and does not count); S21-S22 other; S23, S24 and SPO1 have
/// declared nothing. Everyone's counts equal `disproportionality` over those groups.
async fn the_table_counts_staff_in_post_by_flags_started_in_the_period<
    S: CaseStore + StaffEqualityStore + Clone + 'static,
>(
    store: S,
) {
    loaded(&store).await;
    let at = noon(date("2026-03-02"));
    let period = Period::twelve_months_to(date("2026-11-20"));
    let mut declared = Vec::new();
    for i in 1..=22 {
        let gender = match i {
            1..=12 => Gender::Female,
            13..=20 => Gender::Male,
            _ => Gender::Other,
        };
        // Born on 21 November, so S01-S11 turn 30 the day after the period ends (the age band
        // is their age on its last day).
        let born = if i <= 11 { date("1996-11-21") } else { date("1975-03-01") };
        let c = StaffCharacteristics { gender: Some(gender), date_of_birth: Some(born), ..Default::default() };
        declared.push((code(&format!("S{i:02}")), c));
    }
    let flags = vec![
        (code("S01"), flag("2025-11-21", None, "SPO1")),
        (code("S01"), flag("2026-06-01", None, "SPO1")),
        (code("S02"), flag("2026-02-02", Some("2026-05-01"), "SPO1")),
        (code("S03"), flag("2026-11-20", None, "SPO1")),
        (code("S13"), flag("2026-09-09", None, "SPO1")),
        (code("S14"), flag("2025-11-20", None, "SPO1")),
        (code("S15"), flag("2026-11-21", None, "SPO1")),
    ];
    store.load_staff_equality(&declared, &flags, at).await.unwrap();

    let policy = SuppressionPolicy::DEFAULT;
    let t = store
        .staff_disproportionality(FlagKind::PerformanceImprovement, Characteristic::Gender, period, &policy)
        .await
        .unwrap();
    let counts = |rows: &[(&str, u64, u64)]| -> Vec<GroupCount> {
        rows.iter().map(|(g, p, w)| GroupCount { group: (*g).to_owned(), people: *p, with_outcome: *w }).collect()
    };
    let gender = counts(&[("Female", 12, 3), ("Male", 8, 1), ("Other", 2, 0), (NOT_RECORDED, 3, 0)]);
    assert_eq!((t.people, t.with_outcome, t.period), (25, 4, period));
    assert_eq!(t.groups, disproportionality("Performance-improvement flag", &gender, &policy).unwrap());
    assert_eq!(
        t.groups[0].statement(),
        "Performance-improvement flag rate for Female: 25.0% against 7.7% for everyone else; the difference is not \
         statistically significant at the 95% level"
    );
    assert_eq!(t.outcome, FlagKind::PerformanceImprovement);

    let t = store
        .staff_disproportionality(FlagKind::PerformanceImprovement, Characteristic::AgeBand, period, &policy)
        .await
        .unwrap();
    let ages = counts(&[("25 to 29", 11, 3), ("50 and over", 11, 1), (NOT_RECORDED, 3, 0)]);
    assert_eq!(t.groups, disproportionality("Performance-improvement flag", &ages, &policy).unwrap());

    // Nationality is not recorded for staff; a flag added later changes the table.
    let got = store
        .staff_disproportionality(FlagKind::PerformanceImprovement, Characteristic::Nationality, period, &policy)
        .await;
    assert!(invalid(&got, "characteristic"), "{got:?}");
    store.add_staff_flag(&code("S21"), &flag("2026-10-01", None, "SPO1"), at).await.unwrap();
    let t = store
        .staff_disproportionality(FlagKind::PerformanceImprovement, Characteristic::Religion, period, &policy)
        .await
        .unwrap();
    assert_eq!((t.people, t.with_outcome), (25, 5));
    assert_eq!(
        t.groups,
        disproportionality("Performance-improvement flag", &counts(&[(NOT_RECORDED, 25, 5)]), &policy).unwrap()
    );
}
both_engines!(the_table_counts_staff_in_post_t, the_table_counts_staff_in_post_by_flags_started_in_the_period);
