//! Issue 15: `probity tier` fed arbitrary input. Whatever arrives (bytes, JSON of any shape,
//! rows whose fields hold any JSON value, numbers far out of range) the command answers: a
//! usage error, or one output row per input row with exit 0 or 1 — never a panic, and a
//! predictor outside 0 to 100 never yields a tier. The case count bounds the time (a few
//! seconds in CI); `PROPTEST_CASES` raises it for a longer run.

use domain::tier::input::INPUT_FIELDS;
use domain::tier::{Model, run_command};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("JSON numbers are finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        "[a-z_]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// An input object whose keys are real fields, holding any value.
fn input_object() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(prop::sample::select(INPUT_FIELDS), any_json(), 0..6)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
}

fn model() -> impl Strategy<Value = Model> {
    prop_oneof![Just(Model::Legacy), Just(Model::V3)]
}

fn check(model: Model, stdin: &str, rows: Option<usize>) -> Result<(), TestCaseError> {
    match run_command(model, stdin) {
        Err(e) => prop_assert!(!e.to_string().is_empty()),
        Ok(out) => {
            prop_assert!(out.exit_code == 0 || out.exit_code == 1, "exit {}", out.exit_code);
            let parsed: Vec<Value> = serde_json::from_str(&out.stdout).expect("stdout is a JSON array");
            if let Some(n) = rows {
                prop_assert_eq!(parsed.len(), n);
            }
            let failed = parsed.iter().any(|r| r.get("error").is_some());
            prop_assert_eq!(out.exit_code == 1, failed);
        }
    }
    Ok(())
}

/// The cases each harness runs: `PROPTEST_CASES` when set (a longer run), else its default.
fn fuzz_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(fuzz_cases(512)))]

    #[test]
    fn arbitrary_text_is_answered(model in model(), stdin in ".{0,200}") {
        check(model, &stdin, None)?;
    }

    #[test]
    fn arbitrary_json_is_answered(model in model(), value in any_json()) {
        check(model, &value.to_string(), None)?;
    }

    #[test]
    fn rows_of_real_fields_holding_anything_are_answered(
        model in model(),
        inputs in prop::collection::vec(input_object(), 0..5),
    ) {
        let rows: Vec<Value> = inputs.iter().enumerate().map(|(i, input)| json!({"id": i, "input": input})).collect();
        check(model, &Value::Array(rows).to_string(), None)?;
    }

    #[test]
    fn a_predictor_out_of_range_never_gives_a_tier(score in prop_oneof![-1.0e9..-1.0e-9f64, 100.000_001..1.0e9f64]) {
        let stdin = json!([{"id": "x", "input": {"rsr": score}}]).to_string();
        let out = run_command(Model::Legacy, &stdin).expect("a number is a valid input");
        prop_assert_eq!(out.exit_code, 1);
        prop_assert!(out.stdout.contains("\"error\""), "{}", out.stdout);
        let stdin = json!([{"id": "x", "input": {"arp": score.abs() + 100.0, "csrp": 1.0}}]).to_string();
        let out = run_command(Model::V3, &stdin).expect("a number is a valid input");
        prop_assert_eq!(out.exit_code, 1);
    }
}
