//! `probity upw schedule | progress | notice | absent | seed-projects` as a user runs them, on
//! a generated store.

use std::process::{Command, Output};

fn probity(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_probity")).args(args).output().expect("probity runs")
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn fails(o: Output, needle: &str) {
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(needle), "{needle:?} not in {err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn schedule_a_week_from_a_generated_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("upw.db").display());
    ok(probity(&["generate", "--cases", "400", "--seed", "3", "--as-of", "2026-11-20", "--database", &db]));
    ok(probity(&["upw", "seed-projects", "--per-borough", "2", "--database", &db]));

    let week = ["upw", "schedule", "--week", "2026-W48", "--today", "2026-11-23", "--json", "--database", &db];
    let first: serde_json::Value = serde_json::from_str(&ok(probity(&week))).unwrap();
    let placements = first["placements"].as_u64().unwrap();
    assert!(placements > 0, "{first}");
    assert_eq!(first["booked"].as_u64(), Some(placements));
    for u in first["unplaced"].as_array().unwrap() {
        assert!(!u["explanation"].as_str().unwrap().is_empty());
    }
    // A re-run with nothing changed keeps everyone where they are.
    let again: serde_json::Value = serde_json::from_str(&ok(probity(&week))).unwrap();
    assert_eq!(
        (again["kept"].as_u64(), again["booked"].as_u64(), again["moved_off"].as_u64()),
        (Some(placements), Some(0), Some(0))
    );
    assert_eq!(again["objective"], first["objective"]);

    // No session over capacity, nobody twice a day: straight from the database.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (over, twice, one): (i64, i64, (String, String)) = rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
        let over: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM upw_sessions s WHERE (SELECT COUNT(*) FROM upw_allocations a WHERE a.session = s.id) > s.capacity",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        let twice: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT crn, on_date FROM upw_allocations GROUP BY crn, on_date HAVING COUNT(*) > 1)",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        let one: (String, String) =
            sqlx::query_as("SELECT crn, appointment FROM upw_allocations ORDER BY crn LIMIT 1").fetch_one(&pool).await.unwrap();
        (over, twice, one)
    });
    assert_eq!((over, twice), (0, 0));

    let notice = ok(probity(&["upw", "notice", "--crn", &one.0, "--appointment", &one.1, "--database", &db]));
    for needle in ["UNPAID WORK: YOUR PLACEMENT", "Meeting point:", "Please bring:", "call your supervisor"] {
        assert!(notice.contains(needle), "{needle:?} missing from\n{notice}");
    }
    let progress: serde_json::Value = serde_json::from_str(&ok(probity(&[
        "upw",
        "progress",
        "--crn",
        &one.0,
        "--today",
        "2026-11-23",
        "--database",
        &db,
    ])))
    .unwrap();
    assert!(progress[0]["ordered_minutes"].as_u64().unwrap() >= 40 * 60, "{progress}");

    // Bad input: one line naming the flag, nothing written.
    fails(probity(&["upw", "schedule", "--week", "2026-48", "--database", &db]), "--week");
    fails(probity(&["upw", "notice", "--crn", "nope", "--appointment", "A", "--database", &db]), "--crn");
    fails(
        probity(&["upw", "absent", "--supervisor", "NOBODY", "--date", "2026-11-28", "--database", &db]),
        "supervisor",
    );
}

#[test]
fn attend_records_the_supervisors_day_and_refuses_bad_times_writing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("attend.db").display());
    ok(probity(&["generate", "--cases", "200", "--seed", "5", "--as-of", "2026-11-20", "--database", &db]));
    ok(probity(&["upw", "seed-projects", "--per-borough", "2", "--database", &db]));
    ok(probity(&["upw", "schedule", "--week", "2026-W48", "--today", "2026-11-23", "--json", "--database", &db]));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (crn, appointment): (String, String) = rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
        sqlx::query_as("SELECT crn, appointment FROM upw_allocations ORDER BY crn LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap()
    });
    let credited = || -> u64 {
        let p: serde_json::Value = serde_json::from_str(&ok(probity(&[
            "upw",
            "progress",
            "--crn",
            &crn,
            "--today",
            "2026-11-30",
            "--database",
            &db,
        ])))
        .unwrap();
        p[0]["credited_minutes"].as_u64().unwrap()
    };
    let before = credited();
    let attend = |extra: &[&str]| {
        let mut args = vec!["upw", "attend", "--crn", &crn, "--appointment", &appointment, "--database", &db];
        args.extend_from_slice(extra);
        probity(&args)
    };
    // docs/rules/practice.md#unpaid-work: adjustments are capped at 180 minutes; the end must follow the start.
    let base = ["--outcome", "attended_complied", "--started", "09:00", "--finished", "16:00"];
    fails(attend(&[&base[..], &["--travel", "181"]].concat()), "--travel: 181 is above the cap of 180 minutes");
    fails(attend(&["--outcome", "attended_complied", "--started", "16:00", "--finished", "09:00"]), "--finished");
    fails(attend(&["--outcome", "absent_ish"]), "--outcome");
    fails(attend(&["--outcome", "unacceptable_absence", "--started", "09:00"]), "--started");
    assert_eq!(credited(), before, "nothing written by a refused record");

    // (end - start) - penalty + travel: 420 - 30 + 60 = 450 minutes.
    let out = ok(attend(&[&base[..], &["--penalty", "30", "--travel", "60"]].concat()));
    assert!(out.contains("450 minutes credited"), "{out}");
    assert_eq!(credited(), before + 450);
}

#[test]
fn allocate_places_one_person_by_hand_and_refuses_bad_placements_writing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("allocate.db").display());
    ok(probity(&["generate", "--cases", "200", "--seed", "5", "--as-of", "2026-11-20", "--database", &db]));
    ok(probity(&["upw", "seed-projects", "--per-borough", "2", "--database", &db]));
    ok(probity(&["upw", "schedule", "--week", "2026-W48", "--today", "2026-11-23", "--json", "--database", &db]));
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Someone sentenced with nothing booked, and a mixed group session with room.
    let (taken, room): ((String, String), String) = rt.block_on(async {
        let path = db.strip_prefix("sqlite://").unwrap();
        let store = store::SqliteStore::open(path).await.unwrap();
        let crn = domain::ids::Crn::parse("X900001").unwrap();
        let events = domain::example::opening("Mary", "Seacole", "2026-11-20".parse().unwrap(), "OFF1", "TEAM1");
        store::CaseStore::append(&store, &crn, 0, &events, jiff::Timestamp::now()).await.unwrap();
        let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
        let taken = sqlx::query_as("SELECT crn, session FROM upw_allocations ORDER BY crn LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
        let room = sqlx::query_scalar(
            "SELECT s.id FROM upw_sessions s JOIN upw_projects p ON p.code = s.project \
             WHERE s.booked < s.capacity AND p.kind = 'group' AND NOT p.women_only AND NOT p.ete ORDER BY s.id LIMIT 1",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        (taken, room)
    });
    let places = || -> i64 {
        rt.block_on(async {
            let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
            sqlx::query_scalar("SELECT COUNT(*) FROM upw_allocations").fetch_one(&pool).await.unwrap()
        })
    };
    let before = places();
    let allocate = |crn: &str, session: &str, extra: &[&str]| {
        let mut args = vec!["upw", "allocate", "--crn", crn, "--session", session, "--today", "2026-11-23"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--database", &db]);
        probity(&args)
    };
    fails(
        allocate("X900001", &room, &["--recurrence", "monthly"]),
        "--recurrence: `monthly` is not once, weekly or fortnightly",
    );
    fails(allocate("nope", &room, &[]), "--crn");
    fails(allocate("X999999", &room, &[]), "--crn: no case X999999");
    fails(allocate("X900001", "P9-20261128", &[]), "--session: no unpaid work session P9-20261128");
    fails(allocate(&taken.0, &taken.1, &[]), "one session a day");
    assert_eq!(places(), before, "nothing written");

    let out = ok(allocate("X900001", &room, &["--recurrence", "once"]));
    assert!(out.contains(&format!("X900001 placed on {room} (once)")), "{out}");
    assert_eq!(places(), before + 1);
    // The notice for the new place is there to print.
    let appointment = format!("UPW-{room}");
    let notice = ok(probity(&["upw", "notice", "--crn", "X900001", "--appointment", &appointment, "--database", &db]));
    assert!(notice.contains("UNPAID WORK: YOUR PLACEMENT"), "{notice}");
}
