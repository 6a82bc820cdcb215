//! The `probity` binary as a user runs it: exit codes, stdout, and one-line errors that name
//! the bad field.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn probity(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_probity"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("probity starts");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn tier_exit_codes_follow_the_contract() {
    // (model, stdin, exit code, stdout contains, stderr contains)
    let cases = [
        ("legacy", r#"[{"id":"a","input":{"rosh":"very_high","rsr":7.0}}]"#, 0, r#""tier":"A0""#, ""),
        (
            "v3",
            r#"[{"id":"a","input":{"arp":75,"csrp":1.0,"arp_type":"dynamic","csrp_type":"dynamic","rosh":"medium"}}]"#,
            0,
            r#""tier":"C""#,
            "",
        ),
        (
            "v3",
            r#"[{"id":"bad","input":{"arp":10,"csrp":0.1,"dcsrp":0.59,"dcsrp_band":"medium"}},{"id":"ok","input":{}}]"#,
            1,
            r#""error""#,
            "",
        ),
        // Issue 15 item 10: a predictor outside 0 to 100 is a row error in both models.
        ("legacy", r#"[{"id":"neg","input":{"rsr":-5}}]"#, 1, r#""error":"RSR score -5 is not a percentage"#, ""),
        ("legacy", r#"[{"id":"big","input":{"rsr":150}},{"id":"ok","input":{"rsr":50}}]"#, 1, r#""tier":"B0""#, ""),
        ("legacy", r#"[{"id":"big","input":{"rsr":150}}]"#, 1, "RSR score 150 is not a percentage", ""),
        ("v3", r#"[{"id":"big","input":{"arp":150,"csrp":1.0}}]"#, 1, "ARP score 150 is not a percentage", ""),
        ("legacy", r#"[{"id":"a","input":{"rosh":"extreme"}}]"#, 2, "", "rosh"),
        ("legacy", "not json", 2, "", ""),
        ("sideways", "[]", 2, "", "model"),
    ];
    for (model, stdin, code, out, err) in cases {
        let o = probity(&["tier", "--model", model], stdin);
        assert_eq!(o.status.code(), Some(code), "{model} {stdin}: {}", text(&o.stderr));
        assert!(text(&o.stdout).contains(out), "{stdin}: {}", text(&o.stdout));
        assert!(text(&o.stderr).contains(err), "{stdin}: {}", text(&o.stderr));
        if code == 2 {
            assert!(o.stdout.is_empty(), "usage errors print nothing on stdout");
        }
    }
}

#[test]
fn mi_reoffending_reads_the_csv_and_names_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "person,start_date,offence_date,proven_date\nP1,2025-01-10,,\nP2,2025-02-01,2025-03-01,2025-04-01\nP2,2025-02-01,2025-05-01,2025-06-01\n",
    )
    .unwrap();
    let o = probity(&["mi", "reoffending", "--input", good.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["cohort"], "2025-Q1");
    assert_eq!(v[0]["people"], 2);
    assert_eq!(v[0]["reoffenders"], 1);
    assert_eq!(v[0]["reoffences"], 2);
    assert_eq!(v[0]["binary_rate"], 50.0);
    assert_eq!(v[0]["frequency_rate"], 2.0);

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "person,start_date,offence_date,proven_date\nP1,2025-13-10,,\n").unwrap();
    let o = probity(&["mi", "reoffending", "--input", bad.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("start_date") && err.contains("row 1"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn upw_solve_refuses_a_bad_instance_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("i.json");
    std::fs::write(
        &f,
        r#"{"week":"2026-11-23","people":[],"sessions":[{"id":"S1","project":"P","start":"2026-11-23T10:00","end":"2026-11-23T09:00","hours":1,"capacity":1,"women_only":false,"singleton":false}],"travel":[]}"#,
    )
    .unwrap();
    let o = probity(&["upw", "solve", "--instance", f.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("sessions[0].end"), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty());
}

#[test]
fn a_bad_database_url_names_the_flag() {
    let o = probity(&["check", "--database", "mysql://x"], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("database"), "{}", text(&o.stderr));
}

#[test]
fn inspect_sample_and_report_run_on_files_and_name_bad_fields() {
    let dir = tempfile::tempdir().unwrap();
    let longlist = dir.path().join("longlist.csv");
    std::fs::write(&longlist, inspect::synthetic::synthetic_longlist(2_000, 7)).unwrap();
    let as_of = inspect::synthetic::SYNTHETIC_AS_OF.to_string();
    let args = [
        "inspect",
        "sample",
        "--longlist",
        longlist.to_str().unwrap(),
        "--size",
        "60",
        "--seed",
        "3",
        "--as-of",
        &as_of,
    ];
    let first = probity(&args, "");
    assert!(first.status.success(), "{}", text(&first.stderr));
    let v: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(v["target"], 72, "60 plus a 20% buffer");
    assert_eq!(v["cases"].as_array().unwrap().len() as u64 + v["shortfall"].as_u64().unwrap(), 72);
    assert_eq!(probity(&args, "").stdout, first.stdout, "the same seed draws the same sample");

    let bad = dir.path().join("bad.csv");
    let mut lines: Vec<String> = std::fs::read_to_string(&longlist).unwrap().lines().map(str::to_owned).collect();
    lines[2] = lines[2].replacen(",M,", ",Q,", 1).replacen(",F,", ",Q,", 1);
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let o = probity(&["inspect", "sample", "--longlist", bad.to_str().unwrap(), "--size", "10"], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("gender") && text(&o.stderr).contains("row 2"), "{}", text(&o.stderr));

    let assessments = dir.path().join("a.csv");
    std::fs::write(&assessments, "crn,question,answer\nX000001,PP.A1,yes\nX000002,PP.A1,no\nX000003,PP.A1,na\n")
        .unwrap();
    let o = probity(&["inspect", "report", "--assessments", assessments.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let q = v["questions"].as_array().unwrap().iter().find(|q| q["id"] == "PP.A1").unwrap().clone();
    assert_eq!((q["yes"].as_u64(), q["no"].as_u64(), q["na"].as_u64()), (Some(1), Some(1), Some(1)));
    assert_eq!(q["percent"], 50.0);
    let html = probity(&["inspect", "report", "--assessments", assessments.to_str().unwrap(), "--format", "html"], "");
    assert!(text(&html.stdout).contains("<svg"));

    std::fs::write(&assessments, "crn,question,answer\nX000001,PP.Z9,yes\n").unwrap();
    let o = probity(&["inspect", "report", "--assessments", assessments.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("question"), "{}", text(&o.stderr));
}
