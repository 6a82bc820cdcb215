//! Data-driven checks of both tiering models through the `probity tier` contract.
//!
//! The vectors live in `tests/data/tier/{legacy,v3}.json`, one per line: a `source` (the
//! docs/rules/tiering.md section it checks), a unique `name`, the `input` object, and `expect`: the
//! output fields to compare, or `{"error": "<substring of the reason>"}`. Expected values
//! were derived by hand from docs/rules/tiering.md, not from this implementation.

use domain::tier::{Model, run_command};
use serde_json::{Map, Value, json};

const LEGACY: &str = include_str!("data/tier/legacy.json");
const V3: &str = include_str!("data/tier/v3.json");

const LEGACY_KEYS: &[&str] = &["id", "tier", "protect_level", "protect_points", "change_level", "change_points"];
const V3_KEYS: &[&str] = &["id", "tier", "provisional"];

struct Vector {
    source: String,
    name: String,
    input: Value,
    expect: Map<String, Value>,
}

fn load(text: &str) -> Vec<Vector> {
    let all: Vec<Value> = serde_json::from_str(text).expect("vector file is JSON");
    all.into_iter()
        .map(|v| {
            let field = |k: &str| v.get(k).unwrap_or_else(|| panic!("vector lacks {k}: {v}"));
            let expect = field("expect").as_object().expect("expect is an object").clone();
            assert!(!expect.is_empty(), "vector checks nothing: {v}");
            Vector {
                source: field("source").as_str().expect("source").to_owned(),
                name: field("name").as_str().expect("name").to_owned(),
                input: field("input").clone(),
                expect,
            }
        })
        .collect()
}

/// Compares one output row with a vector; returns a description of each mismatch.
fn mismatches(v: &Vector, row: &Value, ok_keys: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let Some(obj) = row.as_object() else {
        return vec![format!("row is not an object: {row}")];
    };
    if obj.get("id") != Some(&Value::String(v.name.clone())) {
        out.push(format!("id not echoed: {row}"));
    }
    if let Some(want) = v.expect.get("error") {
        let want = want.as_str().expect("error expectation is a string");
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        if keys != ["error", "id"] {
            out.push(format!("expected only id and error, got {row}"));
        }
        match obj.get("error").and_then(Value::as_str) {
            Some(reason) if reason.contains(want) => {}
            _ => out.push(format!("expected an error containing {want:?}, got {row}")),
        }
    } else {
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        let mut expected_keys = ok_keys.to_vec();
        keys.sort_unstable();
        expected_keys.sort_unstable();
        if keys != expected_keys {
            out.push(format!("unexpected output keys in {row}"));
        }
        for (k, want) in &v.expect {
            if obj.get(k) != Some(want) {
                out.push(format!("{k}: expected {want}, got {}", obj.get(k).unwrap_or(&Value::Null)));
            }
        }
    }
    out
}

fn check_all(model: Model, text: &str, ok_keys: &[&str]) -> usize {
    let vectors = load(text);
    let mut names: Vec<&str> = vectors.iter().map(|v| v.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), vectors.len(), "vector names must be unique");

    // One row at a time: each vector's own exit code.
    let mut failures = Vec::new();
    for v in &vectors {
        let stdin = json!([{"id": v.name, "input": v.input}]).to_string();
        let out = match run_command(model, &stdin) {
            Ok(out) => out,
            Err(e) => {
                failures.push(format!("[{}] {}: usage error {e}", v.source, v.name));
                continue;
            }
        };
        let rows: Vec<Value> = serde_json::from_str(&out.stdout).expect("stdout is JSON");
        assert_eq!(rows.len(), 1);
        let want_exit = if v.expect.contains_key("error") { 1 } else { 0 };
        let mut problems = mismatches(v, &rows[0], ok_keys);
        if out.exit_code != want_exit {
            problems.push(format!("exit {} not {want_exit}", out.exit_code));
        }
        for p in problems {
            failures.push(format!("[{}] {}: {p}", v.source, v.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) in {} vectors:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );

    // All rows at once: same answers, same order, exit 1 because some rows fail.
    let stdin = Value::Array(vectors.iter().map(|v| json!({"id": v.name, "input": v.input})).collect()).to_string();
    let out = run_command(model, &stdin).expect("batch parses");
    let rows: Vec<Value> = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    assert_eq!(rows.len(), vectors.len());
    for (v, row) in vectors.iter().zip(&rows) {
        assert!(mismatches(v, row, ok_keys).is_empty(), "batch row for {}", v.name);
    }
    let any_error = vectors.iter().any(|v| v.expect.contains_key("error"));
    assert_eq!(out.exit_code, i32::from(any_error));
    vectors.len()
}

#[test]
fn legacy_vectors() {
    let n = check_all(Model::Legacy, LEGACY, LEGACY_KEYS);
    assert!(n >= 150, "only {n} legacy vectors");
}

#[test]
fn v3_vectors() {
    let n = check_all(Model::V3, V3, V3_KEYS);
    assert!(n >= 150, "only {n} v3 vectors");
}
