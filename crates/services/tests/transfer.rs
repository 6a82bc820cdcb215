//! Export → import → export gives identical files, across engines; bad files change nothing.

use domain::contact::{ContactKind, Outcome};
use domain::event::CaseEvent;
use domain::example::{self, code, date, new_event};
use domain::ids::{Crn, Name, Note};
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Specialism, Staff, Team};
use services::transfer::{FILES, TransferError, export, import};
use std::path::Path;
use store::CaseStore;
use store::testing::{postgres, sqlite};

fn org() -> Organisation {
    let n = |s: &str| Name::parse(s).unwrap();
    Organisation {
        areas: vec![Area { code: code("A1"), name: n("North, \"East\" & Central") }],
        boroughs: vec![Borough { code: code("B1"), area: code("A1"), name: n("Camden") }],
        offices: vec![Office { code: code("O1"), borough: code("B1"), name: n("Camden Town") }],
        teams: vec![Team { code: code("TEAM1"), office: code("O1"), name: n("Camden 1") }],
        staff: vec![Staff {
            code: code("OFF1"),
            team: code("TEAM1"),
            name: n("Jo Bloggs"),
            grade: Grade::Po,
            contracted_hours: ContractedHours::new(22.5).unwrap(),
            employment: Employment::Agency,
            specialisms: vec![Specialism::Women, Specialism::Iom],
        }],
    }
}

/// Seeds a store with cases whose payloads hold commas, quotes and newlines.
async fn seeded<S: CaseStore>(store: &S) {
    store.bulk_load(&org(), std::iter::empty(), &|_| {}).await.unwrap();
    for i in 1..=3 {
        let c = Crn::parse(&format!("X00000{i}")).unwrap();
        let on = date("2026-02-02");
        let mut events = example::opening("Ann", &format!("O'Neil-{i}"), on, "OFF1", "TEAM1");
        let appt = example::appointment("A1", on.at(10, 0, 0, 0), ContactKind::HomeVisit);
        events.push(new_event(on, CaseEvent::AppointmentBooked { appointment: appt }));
        events.push(new_event(
            on,
            CaseEvent::OutcomeRecorded {
                appointment: example::id("A1"),
                outcome: Outcome::UnacceptableAbsence,
                note: Some(Note::parse("Said \"no\",\nthen left; rang later").unwrap()),
            },
        ));
        store.append(&c, 0, &events).await.unwrap();
    }
}

fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
    FILES.iter().map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_is_identical_sqlite_to_postgres_and_back() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _d1) = sqlite().await;
    seeded(&a).await;
    export(&a, &tmp.path().join("one")).await.unwrap();
    let first = read_all(&tmp.path().join("one"));
    assert!(String::from_utf8_lossy(&first[5].1).contains("rang later"));

    // Into PostgreSQL when there is one, else into a second SQLite store.
    let (b_sqlite, _d2) = sqlite().await;
    let second = match postgres().await {
        Some(pg) => {
            import(&pg, &tmp.path().join("one"), &|_| {}).await.unwrap();
            assert!(pg.check().await.unwrap().is_consistent());
            export(&pg, &tmp.path().join("two")).await.unwrap();
            read_all(&tmp.path().join("two"))
        }
        None => {
            import(&b_sqlite, &tmp.path().join("one"), &|_| {}).await.unwrap();
            export(&b_sqlite, &tmp.path().join("two")).await.unwrap();
            read_all(&tmp.path().join("two"))
        }
    };
    assert_eq!(first, second);

    // And back into SQLite.
    let (c, _d3) = sqlite().await;
    import(&c, &tmp.path().join("two"), &|_| {}).await.unwrap();
    assert!(c.check().await.unwrap().is_consistent());
    export(&c, &tmp.path().join("three")).await.unwrap();
    assert_eq!(first, read_all(&tmp.path().join("three")));
    assert_eq!(c.caseload(&code("OFF1")).await.unwrap().len(), 3, "projections rebuilt on import");
}

/// Writes a good export, then applies `damage` to one file and imports it.
async fn import_damaged(file: &str, damage: impl Fn(String) -> String) -> (TransferError, bool) {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _d1) = sqlite().await;
    seeded(&a).await;
    export(&a, tmp.path()).await.unwrap();
    let p = tmp.path().join(file);
    std::fs::write(&p, damage(std::fs::read_to_string(&p).unwrap())).unwrap();
    let (b, _d2) = sqlite().await;
    let err = import(&b, tmp.path(), &|_| {}).await.unwrap_err();
    (err, b.is_empty().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_rows_name_file_row_and_field_and_change_nothing() {
    type Damage = Box<dyn Fn(String) -> String>;
    let cases: Vec<(&str, Damage, &str)> = vec![
        ("events.csv", Box::new(|s: String| s.replacen("X000002,1,", "X00002,1,", 1)), "events.csv row 6: crn"),
        (
            "events.csv",
            Box::new(|s: String| s.replacen("2026-02-02T12:00:00.000000Z", "2026-02-30T12:00:00Z", 1)),
            "events.csv row 1: occurred_at",
        ),
        (
            "events.csv",
            Box::new(|s: String| {
                s.replacen("\"\"type\"\":\"\"sentence_imposed", "\"\"type\"\":\"\"sentence_invented", 1)
            }),
            "events.csv row 2: payload",
        ),
        ("events.csv", Box::new(|s: String| s.replacen("X000003,2,", "X000003,7,", 1)), "events.csv row 12: seq"),
        (
            "events.csv",
            Box::new(|s: String| {
                s.replacen(
                    "\"\"appointment\"\":\"\"A1\"\",\"\"outcome",
                    "\"\"appointment\"\":\"\"A9\"\",\"\"outcome",
                    1,
                )
            }),
            "events.csv row 5: payload",
        ),
        ("staff.csv", Box::new(|s: String| s.replace(",po,", ",chief,")), "staff.csv row 1: grade"),
        ("staff.csv", Box::new(|s: String| s.replace("22.5", "90")), "staff.csv row 1: contracted_hours"),
        ("teams.csv", Box::new(|s: String| s.replace("TEAM1,O1", "TEAM1,O9")), "office"),
    ];
    for (file, damage, expected) in cases {
        let (err, empty) = import_damaged(file, damage).await;
        assert!(err.to_string().starts_with(expected) || err.to_string().contains(expected), "{expected}: got {err}");
        assert!(empty, "{expected}: the store must be unchanged");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_refuses_a_store_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _d) = sqlite().await;
    seeded(&a).await;
    export(&a, tmp.path()).await.unwrap();
    let err = import(&a, tmp.path(), &|_| {}).await.unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
}
