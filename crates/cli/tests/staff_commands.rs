//! `probity staff reduction add | list | end` and `probity staff report add | list | complete`
//! as a manager's administrator runs them: bad flags are refused in one line naming the flag,
//! and write nothing.

use std::process::{Command, Output};
use store::WorkloadStore;

fn probity(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_probity")).args(args).output().expect("probity runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reductions_are_added_listed_and_ended_and_bad_flags_are_refused_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let db = format!("sqlite://{}", path.display());
    let generated = probity(&["generate", "--cases", "40", "--seed", "3", "--as-of", "2026-11-26", "--database", &db]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let store = store::SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let org = store::CaseStore::organisation(&store).await.unwrap();
    let officer = org.staff[0].code.clone();
    let staff = officer.to_string();

    let add = |extra: &[&str]| {
        let mut args = vec!["staff", "reduction", "add", "--database", &db];
        args.extend_from_slice(extra);
        probity(&args)
    };
    let facility = add(&[
        "--staff",
        &staff,
        "--kind",
        "facility-time",
        "--percent",
        "20",
        "--from",
        "2026-01-05",
        "--to",
        "2026-12-31",
    ]);
    assert!(facility.status.success(), "{}", stderr(&facility));
    assert!(stdout(&facility).contains(&format!("{staff} facility-time 20% from 2026-01-05 to 2026-12-31")));
    let sick = add(&["--staff", &staff, "--kind", "long-term-sickness", "--from", "2026-03-02"]);
    assert!(sick.status.success(), "{}", stderr(&sick));

    // Bad flags: one line naming the flag, and nothing written.
    for (extra, flag) in [
        (vec!["--staff", "NOSUCH1", "--kind", "trainee", "--from", "2026-01-05"], "staff:"),
        (vec!["--staff", &staff, "--kind", "holiday", "--from", "2026-01-05"], "kind:"),
        (vec!["--staff", &staff, "--kind", "facility-time", "--from", "2026-01-05"], "percent:"),
        (vec!["--staff", &staff, "--kind", "facility-time", "--percent", "0", "--from", "2026-01-05"], "percent:"),
        (vec!["--staff", &staff, "--kind", "facility-time", "--percent", "101", "--from", "2026-01-05"], "percent:"),
        // Over the workload policy's facility time maximum of 50%.
        (vec!["--staff", &staff, "--kind", "facility-time", "--percent", "60", "--from", "2026-01-05"], "percent:"),
        (vec!["--staff", &staff, "--kind", "trainee", "--percent", "20", "--from", "2026-01-05"], "percent:"),
        (vec!["--staff", &staff, "--kind", "trainee", "--from", "5 January"], "from:"),
        (vec!["--staff", &staff, "--kind", "trainee", "--from", "2026-01-05", "--to", "2026-01-04"], "to:"),
    ] {
        let out = add(&extra);
        assert!(!out.status.success(), "{extra:?}");
        assert!(stderr(&out).contains(flag), "{extra:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    }
    let all = store.reductions_for(std::slice::from_ref(&officer)).await.unwrap();
    assert_eq!(all.len(), 2, "nothing written by refused adds");
    let sick_id = all.iter().find(|r| r.reduction.end.is_none()).unwrap().id.to_string();

    let list = probity(&["staff", "reduction", "list", "--database", &db, "--staff", &staff]);
    assert!(list.status.success(), "{}", stderr(&list));
    let lines: Vec<String> = stdout(&list).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].ends_with(&format!("{staff} facility-time 20% from 2026-01-05 to 2026-12-31")), "{lines:?}");
    assert!(lines[1].starts_with(&format!("{sick_id}\t")), "by start: {lines:?}");
    assert!(lines[1].ends_with("long-term-sickness from 2026-03-02 open-ended"), "{lines:?}");

    let end = |id: &str, on: &str| probity(&["staff", "reduction", "end", "--database", &db, "--id", id, "--on", on]);
    for (id, on, flag) in
        [(sick_id.as_str(), "2026-03-01", "on:"), ("99999", "2026-04-30", "id:"), ("x", "2026-04-30", "id:")]
    {
        let out = end(id, on);
        assert!(!out.status.success() && stderr(&out).contains(flag), "{id} {on}: {}", stderr(&out));
    }
    let ended = end(&sick_id, "2026-04-30");
    assert!(ended.status.success(), "{}", stderr(&ended));
    let list = probity(&["staff", "reduction", "list", "--database", &db, "--staff", &staff]);
    assert!(stdout(&list).contains("long-term-sickness from 2026-03-02 to 2026-04-30"), "{}", stdout(&list));
    let unknown = probity(&["staff", "reduction", "list", "--database", &db, "--staff", "NOSUCH1"]);
    assert!(!unknown.status.success() && stderr(&unknown).contains("staff:"), "{}", stderr(&unknown));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_are_added_listed_and_completed_and_bad_flags_are_refused_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let db = format!("sqlite://{}", path.display());
    let generated = probity(&["generate", "--cases", "40", "--seed", "3", "--as-of", "2026-11-26", "--database", &db]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let store = store::SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let org = store::CaseStore::organisation(&store).await.unwrap();
    let officer = org.staff[0].code.clone();
    let staff = officer.to_string();

    let add = |extra: &[&str]| {
        let mut args = vec!["staff", "report", "add", "--database", &db];
        args.extend_from_slice(extra);
        probity(&args)
    };
    let court = add(&[
        "--staff",
        &staff,
        "--kind",
        "standard-court",
        "--crn",
        "X123456",
        "--requested-on",
        "2026-03-02",
        "--due-on",
        "2026-03-23",
    ]);
    assert!(court.status.success(), "{}", stderr(&court));
    let court_line =
        format!("{staff} standard-court on X123456 requested 2026-03-02, due 2026-03-23, not yet completed");
    assert!(stdout(&court).contains(&court_line), "{}", stdout(&court));
    let parole = add(&["--staff", &staff, "--kind", "parole", "--requested-on", "2026-01-05"]);
    assert!(parole.status.success(), "{}", stderr(&parole));

    // Bad flags: one line naming the flag, and nothing written.
    for (extra, flag) in [
        (vec!["--staff", "NOSUCH1", "--kind", "fast", "--requested-on", "2026-03-02"], "staff:"),
        (vec!["--staff", "bad code", "--kind", "fast", "--requested-on", "2026-03-02"], "staff:"),
        (vec!["--staff", &staff, "--kind", "oral", "--requested-on", "2026-03-02"], "kind:"),
        (vec!["--staff", &staff, "--kind", "standard_court", "--requested-on", "2026-03-02"], "kind:"),
        (vec!["--staff", &staff, "--kind", "fast", "--crn", "x123456", "--requested-on", "2026-03-02"], "crn:"),
        (vec!["--staff", &staff, "--kind", "fast", "--crn", "X12345", "--requested-on", "2026-03-02"], "crn:"),
        (vec!["--staff", &staff, "--kind", "fast", "--requested-on", "2 March"], "requested-on:"),
        (vec!["--staff", &staff, "--kind", "fast", "--requested-on", "2026-03-02", "--due-on", "soon"], "due-on:"),
        (
            vec!["--staff", &staff, "--kind", "fast", "--requested-on", "2026-03-02", "--due-on", "2026-03-01"],
            "due-on:",
        ),
    ] {
        let out = add(&extra);
        assert!(!out.status.success(), "{extra:?}");
        assert!(stderr(&out).contains(flag), "{extra:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    }
    let all = store.reports_for(std::slice::from_ref(&officer)).await.unwrap();
    assert_eq!(all.len(), 2, "nothing written by refused adds");
    assert!(store.reports_for(std::slice::from_ref(&org.staff[1].code)).await.unwrap().is_empty());
    let court_id = all.iter().find(|r| r.report.crn.is_some()).unwrap().id.to_string();
    let parole_id = all.iter().find(|r| r.report.crn.is_none()).unwrap().id.to_string();

    let list = || probity(&["staff", "report", "list", "--database", &db, "--staff", &staff]);
    let listed = list();
    assert!(listed.status.success(), "{}", stderr(&listed));
    let lines: Vec<String> = stdout(&listed).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        lines[0],
        format!("{parole_id}\t{staff} parole requested 2026-01-05, not yet completed"),
        "by day requested"
    );
    assert_eq!(lines[1], format!("{court_id}\t{court_line}"));

    let complete =
        |id: &str, on: &str| probity(&["staff", "report", "complete", "--database", &db, "--id", id, "--on", on]);
    for (id, on, flag) in [
        (court_id.as_str(), "2026-03-01", "on:"),
        (court_id.as_str(), "yesterday", "on:"),
        ("99999", "2026-03-20", "id:"),
        ("x", "2026-03-20", "id:"),
    ] {
        let out = complete(id, on);
        assert!(!out.status.success() && stderr(&out).contains(flag), "{id} {on}: {}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    }
    assert_eq!(store.reports_for(std::slice::from_ref(&officer)).await.unwrap(), all, "refused: nothing changed");
    let done = complete(&court_id, "2026-03-20");
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(stdout(&done).contains(&format!("report {court_id} completed on 2026-03-20")), "{}", stdout(&done));
    assert!(
        stdout(&list())
            .contains("standard-court on X123456 requested 2026-03-02, due 2026-03-23, completed 2026-03-20"),
        "{}",
        stdout(&list())
    );
    let unknown = probity(&["staff", "report", "list", "--database", &db, "--staff", "NOSUCH1"]);
    assert!(!unknown.status.success() && stderr(&unknown).contains("staff:"), "{}", stderr(&unknown));
    let none = probity(&["staff", "report", "list", "--database", &db, "--staff", &org.staff[1].code.to_string()]);
    assert!(stdout(&none).contains("has no reports"), "{}", stdout(&none));
}
