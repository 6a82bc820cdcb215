//! `probity mi measure` and `probity mi measures` as a user runs them, on a generated store.

use std::process::{Command, Output};

fn probity(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_probity")).args(args).output().expect("probity runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// (numerator, denominator) summed over the CSV's rows.
fn totals(csv: &str) -> (u64, u64) {
    csv.lines().skip(1).fold((0, 0), |(n, d), line| {
        let cols: Vec<&str> = line.split(',').collect();
        (n + cols[4].parse::<u64>().unwrap(), d + cols[5].parse::<u64>().unwrap())
    })
}

#[test]
fn measures_lists_every_measure_with_its_definition() {
    let o = probity(&["mi", "measures"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("id,name,kind,definition,numerator,denominator,source\n"));
    for id in ["first_appointment", "monthly_face_to_face", "breach_referral", "contact_overdue", "rar_pace"] {
        assert!(out.lines().any(|l| l.starts_with(&format!("{id},"))), "{id} missing");
    }
    let json: serde_json::Value = serde_json::from_slice(&probity(&["mi", "measures", "--json"]).stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), out.lines().count() - 1);
    assert!(json[0]["definition"].as_str().unwrap().len() > 40);
}

#[test]
fn measure_figures_from_a_generated_store_add_up_across_scopes() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("mi.db").display());
    let g = probity(&["generate", "--cases", "150", "--seed", "7", "--as-of", "2025-06-30", "--database", &db]);
    assert!(g.status.success(), "{}", text(&g.stderr));
    let run = |extra: &[&str]| {
        let mut args = vec!["mi", "measure", "--database", &db, "--from", "2024-07-01", "--to", "2025-06-30"];
        args.extend_from_slice(extra);
        let o = probity(&args);
        assert!(o.status.success(), "{extra:?}: {}", text(&o.stderr));
        text(&o.stdout)
    };
    let provider = run(&["--measure", "monthly_face_to_face"]);
    assert!(provider.starts_with("measure,scope,period,key,numerator,denominator,percent\n"));
    let (n, d) = totals(&provider);
    assert!(d > 0 && n <= d, "{provider}");
    // Quarters hold the same facts as months.
    assert_eq!(totals(&run(&["--measure", "monthly_face_to_face", "--by", "quarter"])), (n, d));
    // The provider is the sum of its areas (every generated team sits in an area).
    let stats = probity(&["export", "--database", &db, "--dir", dir.path().join("csv").to_str().unwrap()]);
    assert!(stats.status.success(), "{}", text(&stats.stderr));
    let areas = std::fs::read_to_string(dir.path().join("csv").join("areas.csv")).unwrap();
    let mut sum = (0, 0);
    for line in areas.lines().skip(1) {
        let code = line.split(',').next().unwrap();
        let t = totals(&run(&["--measure", "monthly_face_to_face", "--scope", &format!("area:{code}")]));
        sum = (sum.0 + t.0, sum.1 + t.1);
    }
    assert_eq!(sum, (n, d));
    // JSON carries the same figures.
    let json: serde_json::Value = serde_json::from_str(&run(&["--measure", "monthly_face_to_face", "--json"])).unwrap();
    let json_total: u64 = json.as_array().unwrap().iter().map(|f| f["denominator"].as_u64().unwrap()).sum();
    assert_eq!(json_total, d);
    // An as-at measure gives one figure, as at --to.
    let overdue = run(&["--measure", "contact_overdue"]);
    assert_eq!(overdue.lines().count(), 2, "{overdue}");
    assert!(overdue.lines().nth(1).unwrap().starts_with("contact_overdue,provider,2025-06-30,"));
}

#[test]
fn bad_flags_get_one_line_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("empty.db").display());
    let rows: [(&[&str], &str); 8] = [
        (&["--from", "2025-01-01"], "--measure"),
        (&["--measure", "happiness", "--from", "2025-01-01"], "--measure"),
        (&["--measure", "continuity"], "--from"),
        (&["--measure", "continuity", "--from", "2025-13-01"], "--from"),
        (&["--measure", "continuity", "--from", "2025-01-01", "--to", "yesterday"], "--to"),
        (&["--measure", "continuity", "--from", "2025-02-01", "--to", "2025-01-01"], "--from"),
        (&["--measure", "continuity", "--from", "2025-01-01", "--scope", "region:X"], "--scope"),
        (&["--measure", "continuity", "--from", "2025-01-01", "--by", "week"], "--by"),
    ];
    for (extra, flag) in rows {
        let mut args = vec!["mi", "measure", "--database", &db];
        args.extend_from_slice(extra);
        let o = probity(&args);
        let err = text(&o.stderr);
        assert!(!o.status.success(), "{extra:?}");
        assert_eq!(err.trim_end().lines().count(), 1, "{extra:?}: {err}");
        assert!(err.contains(flag), "{extra:?}: {err}");
        assert!(o.stdout.is_empty());
    }
    let o = probity(&["mi", "measure", "--measure", "unseen", "--database", "mysql://x"]);
    assert!(text(&o.stderr).contains("--database"), "{}", text(&o.stderr));
}
