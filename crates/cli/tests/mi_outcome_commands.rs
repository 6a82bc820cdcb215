//! `probity mi reoffending --database` and `probity mi disproportionality` as a user runs
//! them, on a generated store (the generator records proven reoffences).

use std::process::{Command, Output};

fn probity(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_probity")).args(args).output().expect("probity runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn reoffending_and_disproportionality_from_a_generated_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("mi.db").display());
    let g = probity(&["generate", "--cases", "400", "--seed", "11", "--as-of", "2025-06-30", "--database", &db]);
    assert!(g.status.success(), "{}", text(&g.stderr));
    let check = probity(&["check", "--database", &db]);
    assert!(check.status.success(), "live projections equal a rebuild: {}", text(&check.stdout));

    // Reoffending by cohort: every cohort adds up, and the generated people do reoffend.
    let o = probity(&["mi", "reoffending", "--database", &db, "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let cohorts: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cohorts = cohorts.as_array().unwrap();
    assert!(!cohorts.is_empty());
    let (mut people, mut reoffenders) = (0, 0);
    for c in cohorts {
        let (p, r, n) =
            (c["people"].as_u64().unwrap(), c["reoffenders"].as_u64().unwrap(), c["reoffences"].as_u64().unwrap());
        assert!(r <= p && n >= r, "{c}");
        assert!(c["follow_up_ends"].as_str().unwrap().len() == 10, "{c}");
        people += p;
        reoffenders += r;
    }
    let binary = reoffenders as f64 / people as f64;
    assert!((0.25..0.6).contains(&binary), "binary rate {binary} should be near the report's 43.4%");

    // CSV by team: the teams' people add up to the provider's.
    let o = probity(&["mi", "reoffending", "--database", &db, "--by", "team"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let csv = text(&o.stdout);
    assert!(csv.starts_with("cohort,place,people,reoffenders,reoffences,binary_rate,frequency_rate,follow_up_ends\n"));
    let by_team: u64 = csv.lines().skip(1).map(|l| l.split(',').nth(2).unwrap().parse::<u64>().unwrap()).sum();
    assert_eq!(by_team, people);

    // Disproportionality: one row per group, each compared or suppressed with a statement.
    let o = probity(&[
        "mi",
        "disproportionality",
        "--database",
        &db,
        "--outcome",
        "breach",
        "--characteristic",
        "ethnicity",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let csv = text(&o.stdout);
    assert!(csv.starts_with("outcome,characteristic,group,status,"), "{csv}");
    assert!(csv.lines().skip(1).all(|l| l.contains(",compared,") || l.contains(",suppressed,")), "{csv}");
    assert!(csv.contains("statistically significant") || csv.contains("suppressed"), "{csv}");
    let o = probity(&[
        "mi",
        "disproportionality",
        "--database",
        &db,
        "--outcome",
        "completion",
        "--characteristic",
        "gender",
        "--json",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let table: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(table["people"].as_u64().unwrap() > 0);
    assert!(table["definition"].as_str().unwrap().len() > 40);
}

#[test]
fn bad_flags_are_one_line_errors_naming_the_flag() {
    // (args, the flag named)
    let cases: [(&[&str], &str); 5] = [
        (&["mi", "reoffending"], "--input or --database"),
        (&["mi", "reoffending", "--database", "sqlite://x.db", "--by", "ward"], "--by"),
        (&["mi", "reoffending", "--database", "mysql://x"], "database"),
        (&["mi", "disproportionality", "--outcome", "arrest", "--characteristic", "gender"], "--outcome"),
        (&["mi", "disproportionality", "--outcome", "breach", "--characteristic", "height"], "--characteristic"),
    ];
    for (args, flag) in cases {
        let o = probity(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = text(&o.stderr);
        assert!(err.contains(flag), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    }
}
