//! `probity staff equality set`, `probity staff flag add | end | list` and `probity mi
//! disproportionality --outcome performance-improvement` as an administrator runs them, on a
//! generated store (which declares staff's characteristics and raises a few flags): bad flags
//! are refused in one line naming the flag, and write nothing; the table counts every member
//! of staff in post once, and a suppressed group shows no counts.

use std::collections::BTreeSet;
use std::process::{Command, Output};
use store::StaffEqualityStore;

fn probity(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_probity")).args(args).output().expect("probity runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Refused: a failure whose one-line message names `flag`.
fn refused(o: &Output, flag: &str, what: &str) {
    assert!(!o.status.success(), "{what} should be refused: {}", stdout(o));
    let e = stderr(o);
    assert!(e.contains(flag), "{what}: `{e}` should name {flag}");
    assert_eq!(e.trim().lines().count(), 1, "{what}: one line: {e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declarations_are_set_and_bad_flags_are_refused_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let db = format!("sqlite://{}", path.display());
    let generated = probity(&["generate", "--cases", "40", "--seed", "3", "--as-of", "2026-11-20", "--database", &db]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let store = store::SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let org = store::CaseStore::organisation(&store).await.unwrap();
    let staff = org.staff[0].code.clone();
    let code = staff.to_string();

    let set = |extra: &[&str]| {
        let mut args = vec!["staff", "equality", "set", "--database", &db, "--staff", &code];
        args.extend_from_slice(extra);
        probity(&args)
    };
    let o = set(&["--gender", "female", "--ethnicity", "not_stated", "--date-of-birth", "1984-07-09"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(&format!("{code}: gender female, ethnicity not_stated, date of birth 1984-07-09")));
    // Only what is given changes; not_recorded removes one.
    let o = set(&["--religion", "muslim", "--disability", "no", "--ethnicity", "not_recorded"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let declared = store.staff_characteristics(&staff).await.unwrap();
    assert_eq!(declared.gender, Some(domain::person::Gender::Female));
    assert_eq!(declared.ethnicity, None);
    assert_eq!(declared.date_of_birth, Some("1984-07-09".parse().unwrap()));
    assert_eq!(declared.disability, Some(false));
    assert_eq!(declared.religion, Some(domain::staff::Religion::Muslim));

    for (extra, flag) in [
        (vec!["--gender", "man"], "gender:"),
        (vec!["--ethnicity", "White"], "ethnicity:"),
        (vec!["--date-of-birth", "1990-13-01"], "date-of-birth:"),
        (vec!["--date-of-birth", "2999-01-01"], "date-of-birth:"),
        (vec!["--disability", "maybe"], "disability:"),
        (vec!["--religion", "jedi", "--gender", "male"], "religion:"),
        (vec![], "give at least one"),
    ] {
        refused(&set(&extra), flag, &format!("{extra:?}"));
    }
    let o = probity(&["staff", "equality", "set", "--database", &db, "--staff", "NOSUCH1", "--gender", "male"]);
    refused(&o, "staff:", "an unknown member of staff");
    let o = probity(&["staff", "equality", "set", "--database", &db, "--staff", "no such", "--gender", "male"]);
    refused(&o, "staff:", "a malformed staff code");
    assert_eq!(store.staff_characteristics(&staff).await.unwrap(), declared, "nothing written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_are_added_ended_listed_and_counted_in_the_staff_process_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let db = format!("sqlite://{}", path.display());
    let generated = probity(&["generate", "--cases", "300", "--seed", "5", "--as-of", "2026-11-20", "--database", &db]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let store = store::SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let org = store::CaseStore::organisation(&store).await.unwrap();
    let everyone: Vec<domain::ids::Code> = org.staff.iter().map(|s| s.code.clone()).collect();
    let on = everyone[1].to_string();
    let by = everyone[0].to_string();
    let before = store.staff_flags_for(&everyone).await.unwrap();

    let add = |extra: &[&str]| {
        let mut args = vec!["staff", "flag", "add", "--database", &db];
        args.extend_from_slice(extra);
        probity(&args)
    };
    let kind = "performance-improvement";
    let o = add(&["--staff", &on, "--kind", kind, "--from", "2026-03-02", "--raised-by", &by]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(&format!("{on} performance-improvement from 2026-03-02 open, raised by {by}")));
    let id = stdout(&o).split_whitespace().nth(2).unwrap().trim_end_matches(':').to_owned();

    for (extra, flag) in [
        (vec!["--staff", "NOSUCH1", "--kind", kind, "--from", "2026-03-02", "--raised-by", &by], "staff:"),
        (vec!["--staff", &on, "--kind", "pip", "--from", "2026-03-02", "--raised-by", &by], "kind:"),
        (vec!["--staff", &on, "--kind", kind, "--from", "2026-02-30", "--raised-by", &by], "from:"),
        (vec!["--staff", &on, "--kind", kind, "--from", "2026-03-02", "--to", "2026-03-01", "--raised-by", &by], "to:"),
        (vec!["--staff", &on, "--kind", kind, "--from", "2026-03-02", "--raised-by", "NOSUCH1"], "raised-by:"),
        (vec!["--staff", &on, "--kind", kind, "--from", "2026-03-02", "--raised-by", &on], "raised-by:"),
    ] {
        refused(&add(&extra), flag, &format!("{extra:?}"));
    }
    let after_add = store.staff_flags_for(&everyone).await.unwrap();
    assert_eq!(after_add.len(), before.len() + 1, "only the good flag was written");

    let end = |id: &str, day: &str| probity(&["staff", "flag", "end", "--database", &db, "--id", id, "--on", day]);
    refused(&end(&id, "2026-03-01"), "on:", "an end before the start");
    refused(&end("99999", "2026-06-30"), "id:", "no such flag");
    refused(&end("first", "2026-06-30"), "id:", "not an id");
    refused(&end(&id, "30/06/2026"), "on:", "not a date");
    assert_eq!(store.staff_flags_for(&everyone).await.unwrap(), after_add, "nothing written");
    let o = end(&id, "2026-06-30");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = probity(&["staff", "flag", "list", "--database", &db, "--staff", &on]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(&format!("{id}\t{on} performance-improvement from 2026-03-02 to 2026-06-30")));
    refused(&probity(&["staff", "flag", "list", "--database", &db, "--staff", "NOSUCH1"]), "staff:", "unknown");

    // The table: everyone in post, flagged when a flag started in the period.
    let mi = |extra: &[&str]| {
        let mut args = vec!["mi", "disproportionality", "--database", &db];
        args.extend_from_slice(extra);
        probity(&args)
    };
    let (from, to) = ("2025-11-21", "2026-11-20");
    let o = mi(&["--outcome", kind, "--characteristic", "gender", "--from", from, "--to", to, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let (first, last): (jiff::civil::Date, jiff::civil::Date) = (from.parse().unwrap(), to.parse().unwrap());
    let flagged: BTreeSet<String> = store
        .staff_flags_for(&everyone)
        .await
        .unwrap()
        .into_iter()
        .filter(|f| first <= f.flag.start && f.flag.start <= last)
        .map(|f| f.staff.to_string())
        .collect();
    assert_eq!(t["outcome"], kind);
    assert_eq!(t["period"]["from"], from);
    assert_eq!(t["people"].as_u64().unwrap(), everyone.len() as u64);
    assert_eq!(t["with_outcome"].as_u64().unwrap(), flagged.len() as u64);
    assert!(!flagged.is_empty(), "the generator raises a few flags, and one was added");
    let groups = t["groups"].as_array().unwrap();
    assert!(groups.iter().any(|g| g["status"] == "compared"), "{t}");
    for g in groups {
        if g["status"] == "suppressed" {
            assert!(g.get("figures").is_none(), "a suppressed group shows no counts: {g}");
        }
    }

    // CSV: the period on every row; a suppressed row's counts are empty.
    let o = mi(&["--outcome", kind, "--characteristic", "ethnicity"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = stdout(&o);
    assert!(csv.starts_with("outcome,characteristic,from,to,group,status,people,"), "{csv}");
    let today = domain::case::uk_date(jiff::Timestamp::now());
    let period = analytics::staff_process::Period::twelve_months_to(today);
    let prefix = format!("performance-improvement,ethnicity,{},{today},", period.from);
    assert!(csv.lines().count() > 1, "{csv}");
    for line in csv.lines().skip(1) {
        assert!(line.starts_with(&prefix), "the 12 months to today: {line}");
        if line.contains(",suppressed,") {
            assert!(line.contains(",suppressed,,,,,,,,,,,"), "no counts: {line}");
        } else {
            assert!(line.contains(",compared,"), "{line}");
        }
    }

    // (flags, flag named)
    for (extra, flag) in [
        (
            vec!["--outcome", kind, "--characteristic", "nationality"],
            "--characteristic: nationality is not recorded for staff",
        ),
        (
            vec!["--outcome", "pip", "--characteristic", "gender"],
            "--outcome: \"pip\" is not breach, recall, completion or performance-improvement",
        ),
        (vec!["--outcome", "breach", "--characteristic", "gender", "--from", from], "--from:"),
        (vec!["--outcome", kind, "--characteristic", "gender", "--from", to, "--to", from], "--from:"),
        (vec!["--outcome", kind, "--characteristic", "gender", "--to", "2026-13-01"], "--to:"),
        (vec!["--outcome", kind, "--characteristic", "height"], "--characteristic:"),
    ] {
        refused(&mi(&extra), flag, &format!("{extra:?}"));
    }
}
