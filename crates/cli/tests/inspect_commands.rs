//! `probity inspect` over a store, as an inspector runs it: draw and announce a sample,
//! read a case with its prefill, answer, look behind, and the findings from the answers.

use std::process::{Command, Output};

fn probity(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_probity")).args(args).output().expect("probity runs")
}

fn probity_with_stdin(args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_probity"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("probity runs");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("stdin written");
    child.wait_with_output().expect("probity ends")
}

fn ok(o: Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

/// Fails with a one-line message naming `field`.
fn refused(o: Output, field: &str) {
    assert!(!o.status.success(), "expected a refusal naming {field}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(field), "{field} not named in: {err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn an_inspection_drawn_from_the_store_is_announced_answered_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("p.db").display());
    let gen_args = ["generate", "--cases", "400", "--seed", "3", "--as-of", "2026-11-26", "--database", &db];
    assert!(probity(&gen_args).status.success());
    let scheme = ["--scheme", "report", "--size", "20", "--seed", "5"];

    // Drawing is reproducible: the announced sample is the one drawn with the same seed.
    let drawn =
        ok(probity(&[&["inspect", "draw", "--database", &db, "--fieldwork", "2026-11-09"][..], &scheme].concat()));
    let announce = ["inspect", "announce", "--database", &db, "--inspection", "LDN2026", "--announce", "2026-10-26"];
    let announced = ok(probity(&[&announce[..], &["--fieldwork", "2026-11-09"], &scheme].concat()));
    assert_eq!(drawn["cases"], announced["cases"]);
    assert_eq!(announced["scheme"], "report");
    let cases = announced["cases"].as_array().unwrap();
    assert!(!cases.is_empty() && cases.len() <= 24, "{} cases", cases.len());
    // The same id cannot be announced twice.
    refused(probity(&[&announce[..], &["--fieldwork", "2026-11-09"], &scheme].concat()), "id");

    let listed = ok(probity(&["inspect", "cases", "--database", &db, "--inspection", "LDN2026"]));
    assert_eq!(listed.as_array().unwrap().len(), cases.len());
    let crn = cases[0]["crn"].as_str().unwrap().to_string();

    // A case: every question, with prefill where the record speaks to it.
    let case_args =
        ["inspect", "case", "--database", &db, "--inspection", "LDN2026", "--crn", &crn, "--on", "2026-11-09"];
    let case = ok(probity(&case_args));
    let questions = case["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 83);
    let as_d5 = questions.iter().find(|q| q["id"] == "AS.D5").unwrap();
    let evidence = as_d5["suggestion"]["evidence"].as_str().unwrap();
    assert!(evidence.contains("responsible officer"), "{evidence}");

    // Answers: the latest wins and the history is kept.
    let answer = |value: &str, by: &str| {
        probity(&[
            "inspect",
            "answer",
            "--database",
            &db,
            "--inspection",
            "LDN2026",
            "--crn",
            &crn,
            "--question",
            "RR.R1",
            "--answer",
            value,
            "--by",
            by,
            "--note",
            "read the reviews",
        ])
    };
    ok(answer("yes", "INSP1"));
    ok(answer("no", "INSP2"));
    let case = ok(probity(&case_args));
    let rr_r1 = case["questions"].as_array().unwrap().iter().find(|q| q["id"] == "RR.R1").unwrap().clone();
    assert_eq!(rr_r1["answer"]["answer"], "no");
    assert_eq!(rr_r1["answer"]["answered_by"], "INSP2");
    assert_eq!(rr_r1["history"].as_array().unwrap().len(), 2);

    // Bad answers name the field and write nothing.
    let base = ["inspect", "answer", "--database", &db, "--inspection", "LDN2026", "--by", "INSP1"];
    refused(probity(&[&base[..], &["--crn", &crn, "--question", "XX.9", "--answer", "yes"]].concat()), "question");
    refused(probity(&[&base[..], &["--crn", &crn, "--question", "RR.R1", "--answer", "maybe"]].concat()), "answer");
    refused(probity(&[&base[..], &["--crn", "Z999999", "--question", "RR.R1", "--answer", "yes"]].concat()), "crn");
    refused(probity(&[&base[..], &["--crn", "nonsense", "--question", "RR.R1", "--answer", "yes"]].concat()), "crn");

    // The findings count the latest answer only.
    let full = ok(probity(&["inspect", "findings", "--database", &db, "--inspection", "LDN2026"]));
    let report = &full["findings"];
    assert_eq!(report["cases"], 1);
    let q = report["questions"].as_array().unwrap().iter().find(|q| q["id"] == "RR.R1").unwrap();
    assert_eq!((q["yes"].as_u64(), q["no"].as_u64(), q["percent"].as_f64()), (Some(0), Some(1), Some(0.0)));
    let html = probity(&["inspect", "findings", "--database", &db, "--inspection", "LDN2026", "--format", "html"]);
    assert!(html.status.success() && String::from_utf8_lossy(&html.stdout).contains("</html>"));

    // The look behind: the counts are the sample's flagged assessments, plans and reviews.
    let lb = ok(probity(&["inspect", "look-behind", "--database", &db, "--inspection", "LDN2026"]));
    assert_eq!(lb["announced_on"], "2026-10-26");
    let mut counted = [0u64; 3];
    for case in lb["cases"].as_array().unwrap() {
        for r in case["records"].as_array().unwrap() {
            let (after, backdated) = (r["after_announcement"].as_bool().unwrap(), r["backdated"].as_bool().unwrap());
            assert!(after || backdated, "{r}");
            assert_eq!(after, r["recorded_on"].as_str().unwrap() >= "2026-10-26", "{r}");
            if after {
                match r["kind"].as_str().unwrap() {
                    "assessment" => counted[0] += 1,
                    "plan" => counted[1] += 1,
                    "review" => counted[2] += 1,
                    _ => {}
                }
            }
        }
    }
    let totals = &lb["after_announcement"];
    assert_eq!(
        [
            totals["assessments"].as_u64().unwrap(),
            totals["plans"].as_u64().unwrap(),
            totals["reviews"].as_u64().unwrap()
        ],
        counted
    );
    // The report states the same counts.
    let full = ok(probity(&["inspect", "findings", "--database", &db, "--inspection", "LDN2026"]));
    assert_eq!(full["recorded_after_announcement"], lb["after_announcement"]);

    // The inspectors' narrative: written from stdin, refused when bad, found in the report.
    let write = ["inspect", "write", "--database", &db, "--inspection", "LDN2026", "--by", "HMIP1"];
    let enabler =
        ok(probity_with_stdin(&[&write[..], &["--kind", "enabler", "--text-stdin"]].concat(), "Stable <teams>."));
    assert_eq!((enabler["entry"].as_u64(), enabler["version"].as_u64()), (Some(1), Some(1)));
    let example_args =
        [&write[..], &["--kind", "example", "--crn", &crn, "--question", "RR.R1", "--text-stdin"]].concat();
    ok(probity_with_stdin(&example_args, "The review followed a change of address."));
    let revised = [&write[..], &["--kind", "enabler", "--entry", "1", "--text-stdin"]].concat();
    assert_eq!(ok(probity_with_stdin(&revised, "Stable teams, low turnover."))["version"], 2);
    ok(probity_with_stdin(&[&write[..], &["--kind", "recommendation", "--text-stdin"]].concat(), "Reduce caseloads."));
    let bad: [(&[&str], &str, &str); 7] = [
        (&["--kind", "praise", "--text-stdin"], "Good.", "kind"),
        (&["--kind", "example", "--crn", "Z999999", "--text-stdin"], "Good.", "crn"),
        (&["--kind", "example", "--text-stdin"], "Good.", "crn"),
        (&["--kind", "example", "--crn", &crn, "--question", "XX.9", "--text-stdin"], "Good.", "question"),
        (&["--kind", "barrier", "--text-stdin"], "  \n", "text"),
        (&["--kind", "barrier"], "Caseloads.", "--text-stdin"),
        (&["--kind", "barrier", "--entry", "1", "--text-stdin"], "Caseloads.", "kind"),
    ];
    for (args, text, field) in bad {
        refused(probity_with_stdin(&[&write[..], args].concat(), text), field);
    }
    let html = probity(&["inspect", "findings", "--database", &db, "--inspection", "LDN2026", "--format", "html"]);
    let html = String::from_utf8_lossy(&html.stdout);
    for expect in [
        "<h2>Key facts</h2>",
        "Stable teams, low turnover.",
        "The review followed a change of address.",
        &format!("Case {crn}, question RR.R1"),
        "Reduce caseloads.",
        "Appendix 1: Methodology",
        "Composition 1 in numbers: Gender",
        "Appendix 2: Recorded after the announcement",
        "@media print",
    ] {
        assert!(html.contains(expect), "{expect} not in the report");
    }
    // The first version and unescaped text are not shown.
    assert!(!html.contains("Stable <teams>.") && !html.contains("Stable &lt;teams&gt;."));
    let full = ok(probity(&["inspect", "findings", "--database", &db, "--inspection", "LDN2026"]));
    assert_eq!(full["enablers"].as_array().unwrap().len(), 1);
    assert_eq!(full["examples"][0]["crn"], crn.as_str());
    assert_eq!(full["recommendations"][0]["text"], "Reduce caseloads.");
    assert_eq!(full["barriers"].as_array().unwrap().len(), 0, "refused barriers wrote nothing");
    assert_eq!(full["key_facts"]["sampled"], listed.as_array().unwrap().len());
}

#[test]
fn the_report_scheme_samples_a_long_list_file_and_bad_schemes_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let longlist = dir.path().join("longlist.csv");
    std::fs::write(&longlist, inspect::synthetic::synthetic_longlist(2_000, 1)).unwrap();
    let path = longlist.to_str().unwrap();
    let args = ["inspect", "sample", "--longlist", path, "--size", "60", "--as-of", "2017-10-01", "--seed", "2"];
    let out = ok(probity(&[&args[..], &["--scheme", "report"]].concat()));
    assert_eq!(out["scheme"], "report");
    assert_eq!(out["window"]["from"], "2016-12-01");
    assert_eq!(out["target"], 72);
    assert_eq!(out["cases"].as_array().unwrap().len(), 72);
    let women = &out["minimums"][0];
    assert_eq!(
        (women["group"].as_str(), women["minimum"].as_u64(), women["shortfall"].as_u64()),
        (Some("women"), Some(9), Some(0))
    );
    // The same seed gives the same sample; the inspectorate's scheme is still the default.
    assert_eq!(ok(probity(&[&args[..], &["--scheme", "report"]].concat())), out);
    assert!(ok(probity(&args))["scheme"].is_null());

    let config = dir.path().join("scheme.json");
    std::fs::write(&config, r#"{"min_women": 12, "window_from": "2017-01-01", "window_to": "2017-03-31"}"#).unwrap();
    let out = ok(probity(&[&args[..], &["--scheme", config.to_str().unwrap()]].concat()));
    assert_eq!(out["minimums"][0]["minimum"], 12);
    std::fs::write(&config, r#"{"max_per_officer": 0}"#).unwrap();
    refused(probity(&[&args[..], &["--scheme", config.to_str().unwrap()]].concat()), "max_per_officer");
    refused(probity(&[&args[..], &["--scheme", "quota"]].concat()), "--scheme");
}
