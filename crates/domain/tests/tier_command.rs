//! The `probity tier` contract (docs/rules/tiering.md#0-the-command): order, per-row errors, exit codes,
//! usage errors that name the row and the field.

use domain::tier::{Model, UsageError, run_command};
use serde_json::{Value, json};

fn ok(model: Model, stdin: &str) -> (Vec<Value>, i32) {
    let out = run_command(model, stdin).unwrap_or_else(|e| panic!("usage error: {e}"));
    let rows = serde_json::from_str(&out.stdout).expect("stdout is a JSON array");
    (rows, out.exit_code)
}

fn usage(model: Model, stdin: &str) -> UsageError {
    match run_command(model, stdin) {
        Ok(out) => panic!("expected a usage error, got {}", out.stdout),
        Err(e) => e,
    }
}

#[test]
fn exact_output_text_and_key_order() {
    // Section 0: legacy fields in this order; one row per line.
    let stdin = r#"[{"id":"a","input":{"rsr":22,"rosh":"medium","sentence":{"custodial":true}}}]"#;
    let out = run_command(Model::Legacy, stdin).unwrap();
    assert_eq!(
        out.stdout,
        "[\n{\"id\":\"a\",\"tier\":\"B2\",\"protect_level\":\"B\",\"protect_points\":20,\
         \"change_level\":2,\"change_points\":0}\n]\n"
    );
    assert_eq!(out.exit_code, 0);

    let stdin = r#"[{"id":7,"input":{"arp":75,"csrp":1.0,"rosh":"medium"}}]"#;
    let out = run_command(Model::V3, stdin).unwrap();
    assert_eq!(out.stdout, "[\n{\"id\":7,\"tier\":\"C\",\"provisional\":false}\n]\n");
}

#[test]
fn empty_array_gives_empty_array() {
    for model in [Model::Legacy, Model::V3] {
        let out = run_command(model, " [ ] ").unwrap();
        assert_eq!(out.stdout, "[]\n");
        assert_eq!(out.exit_code, 0);
    }
}

#[test]
fn order_is_preserved_and_ids_echoed_verbatim() {
    let stdin = json!([
        {"id": "z", "input": {"arp": 90, "csrp": 6.9, "rosh": "low"}},
        {"id": 3, "input": {"arp": 0, "csrp": 0, "rosh": "low"}},
        {"id": {"crn": "X1"}, "input": {"has_active_event": false}},
        {"id": "a", "input": {}},
    ])
    .to_string();
    let (rows, exit) = ok(Model::V3, &stdin);
    assert_eq!(exit, 0);
    let got: Vec<(Value, Value)> = rows.iter().map(|r| (r["id"].clone(), r["tier"].clone())).collect();
    assert_eq!(
        got,
        vec![
            (json!("z"), json!("A")),
            (json!(3), json!("G")),
            (json!({"crn": "X1"}), json!("NOT_SUPERVISED")),
            (json!("a"), json!("MISSING")),
        ]
    );
}

#[test]
fn a_failing_row_is_reported_and_the_others_computed_with_exit_1() {
    let stdin = json!([
        {"id": "good1", "input": {"arp": 50, "csrp": 3.0, "rosh": "low"}},
        {"id": "dcsrp", "input": {"arp": 0, "csrp": 0, "dcsrp": 0.59, "dcsrp_band": "medium"}},
        {"id": "neg", "input": {"arp": -1, "csrp": 0}},
        {"id": "good2", "input": {"arp": 0, "csrp": 0, "rosh": "low"}},
    ])
    .to_string();
    let (rows, exit) = ok(Model::V3, &stdin);
    assert_eq!(exit, 1);
    assert_eq!(rows[0], json!({"id": "good1", "tier": "C", "provisional": false}));
    assert_eq!(rows[1]["id"], "dcsrp");
    assert!(rows[1]["error"].as_str().unwrap().contains("0.60"));
    assert_eq!(rows[1].as_object().unwrap().len(), 2);
    assert_eq!(rows[2]["id"], "neg");
    assert!(rows[2]["error"].as_str().unwrap().contains("ARP"));
    assert_eq!(rows[3], json!({"id": "good2", "tier": "G", "provisional": false}));
}

#[test]
fn legacy_failing_row_exit_1() {
    let stdin = json!([
        {"id": 1, "input": {"ogrs": -10, "sentence": {"custodial": true}, "assessment_completed_weeks_ago": 1}},
        {"id": 2, "input": {}},
    ])
    .to_string();
    let (rows, exit) = ok(Model::Legacy, &stdin);
    assert_eq!(exit, 1);
    assert!(rows[0]["error"].as_str().unwrap().contains("OGRS"));
    assert_eq!(rows[1]["tier"], "D0");
}

#[test]
fn the_same_input_means_different_things_per_model() {
    // mappa_level is legacy-only, mappa_category V3-only (docs/rules/tiering.md#12-v3-fields).
    let stdin = r#"[{"id":1,"input":{"mappa_level":3,"arp":0,"csrp":0,"rosh":"low"}}]"#;
    assert_eq!(ok(Model::Legacy, stdin).0[0]["tier"], "A0");
    assert_eq!(ok(Model::V3, stdin).0[0]["tier"], "G");
}

#[test]
fn malformed_json_is_a_usage_error() {
    for bad in ["", "[", "[{\"id\":1,\"input\":{}}", "{\"id\":1}x", "[1,]", "NaN"] {
        let e = usage(Model::Legacy, bad);
        assert!(e.message.starts_with("malformed JSON"), "{bad:?}: {}", e.message);
        assert_eq!(e.row, None);
    }
}

#[test]
fn wrong_shapes_are_usage_errors() {
    let cases: &[(&str, Option<usize>, &str)] = &[
        (r#"{"id":1,"input":{}}"#, None, "expected a JSON array"),
        (r#"[{"id":1,"input":{}}, 5]"#, Some(1), "row 1: expected an object"),
        (r#"[{"input":{}}]"#, Some(0), "row 0: field id: missing field"),
        (r#"[{"id":"p1"}]"#, Some(0), "row 0 (id \"p1\"): field input: missing field"),
        (r#"[{"id":"p1","input":null}]"#, Some(0), "row 0 (id \"p1\"): field input: expected an object"),
        (r#"[{"id":"p1","input":[]}]"#, Some(0), "field input: expected an object"),
        (r#"[{"id":"p1","input":{},"extra":1}]"#, Some(0), "field extra: unknown field"),
    ];
    for (stdin, row, needle) in cases {
        let e = usage(Model::V3, stdin);
        assert_eq!(e.row, *row, "{stdin}");
        assert!(e.message.contains(needle), "{stdin}: {}", e.message);
        assert!(!e.message.contains('\n'), "one line: {}", e.message);
    }
}

#[test]
fn unknown_values_name_row_id_and_field() {
    // (input, field path, a word the reason must contain)
    let cases: &[(Value, &str, &str)] = &[
        (json!({"rosh": "extreme"}), "input.rosh", "extreme"),
        (json!({"rosh": "HIGH"}), "input.rosh", "HIGH"),
        (json!({"rsr": "7.0"}), "input.rsr", "string"),
        (json!({"ogrs": true}), "input.ogrs", "boolean"),
        (json!({"mappa_level": 4}), "input.mappa_level", "4"),
        (json!({"mappa_level": 0}), "input.mappa_level", "0"),
        (json!({"mappa_level": 1.5}), "input.mappa_level", "floating"),
        (json!({"mappa_category": 5}), "input.mappa_category", "5"),
        (json!({"mappa_category": -1}), "input.mappa_category", "-1"),
        (json!({"gender": 1}), "input.gender", "string"),
        (json!({"registrations": ["self_harm", "gang"]}), "input.registrations[1]", "gang"),
        (json!({"registrations": "self_harm"}), "input.registrations", "array"),
        (json!({"needs": {"housing": "severe"}}), "input.needs.housing", "housing"),
        (json!({"needs": {"accommodation": "high"}}), "input.needs.accommodation", "high"),
        (json!({"needs": []}), "input.needs", "object"),
        (
            json!({"female_factors": {"parenting_responsibilities": "yes"}}),
            "input.female_factors.parenting_responsibilities",
            "string",
        ),
        (json!({"female_factors": {"caring": true}}), "input.female_factors.caring", "unknown field"),
        (json!({"sentence": {"custodial": 1}}), "input.sentence.custodial", "integer"),
        (
            json!({"sentence": {"requirements": [{"kind": "unpaid_work"}, {"kind": "curfew"}]}}),
            "input.sentence.requirements[1].kind",
            "curfew",
        ),
        (json!({"sentence": {"requirements": [{}]}}), "input.sentence.requirements[0].kind", "missing"),
        (
            json!({"sentence": {"requirements": [{"kind": "restrictive", "hours": 3}]}}),
            "input.sentence.requirements[0].hours",
            "unknown field",
        ),
        (json!({"sentence": {"licence": true}}), "input.sentence.licence", "unknown field"),
        (json!({"sentence": true}), "input.sentence", "object"),
        (json!({"has_active_event": "yes"}), "input.has_active_event", "string"),
        (json!({"arp_type": "Static"}), "input.arp_type", "Static"),
        (json!({"csrp_type": "semi"}), "input.csrp_type", "semi"),
        (json!({"dcsrp_band": "extreme"}), "input.dcsrp_band", "extreme"),
        (json!({"life_or_ipp_released_years_ago": "2y"}), "input.life_or_ipp_released_years_ago", "string"),
        (json!({"assessment_completed_weeks_ago": [1]}), "input.assessment_completed_weeks_ago", "sequence"),
        // Unknown field names are rejected, not ignored (a typo must not drop a risk factor).
        (json!({"mapa_level": 3}), "input.mapa_level", "unknown field"),
    ];
    for (input, field, word) in cases {
        let stdin = json!([
            {"id": "ok", "input": {}},
            {"id": "p2", "input": input},
        ])
        .to_string();
        for model in [Model::Legacy, Model::V3] {
            let e = usage(model, &stdin);
            assert_eq!(e.row, Some(1), "{input}");
            assert_eq!(e.field.as_deref(), Some(*field), "{input}: {}", e.message);
            assert!(e.message.starts_with(&format!("row 1 (id \"p2\"): field {field}: ")), "{input}: {}", e.message);
            assert!(e.message.contains(word), "{input}: {}", e.message);
            assert!(!e.message.contains('\n'));
        }
    }
}

#[test]
fn a_usage_error_anywhere_wins_over_row_failures() {
    // Row 0 would fail to calculate, row 1 is unparseable: nothing is computed.
    let stdin = json!([
        {"id": 0, "input": {"arp": -1, "csrp": 0}},
        {"id": 1, "input": {"rosh": "extreme"}},
    ])
    .to_string();
    let e = usage(Model::V3, &stdin);
    assert_eq!(e.row, Some(1));
}

#[test]
fn nulls_and_missing_fields_take_the_defaults() {
    let explicit_nulls = json!({
        "gender": null, "rosh": null, "rsr": null, "ogrs": null, "mappa_level": null,
        "registrations": null, "female_factors": null, "needs": null,
        "assessment_completed_weeks_ago": null, "sentence": null, "has_active_event": null,
        "arp": null, "arp_type": null, "csrp": null, "csrp_type": null, "dcsrp": null,
        "dcsrp_band": null, "mappa_category": null, "life_or_ipp_released_years_ago": null
    });
    let stdin = json!([{"id": 1, "input": explicit_nulls}, {"id": 2, "input": {}}]).to_string();
    let (legacy, _) = ok(Model::Legacy, &stdin);
    assert_eq!(legacy[0]["tier"], "D0");
    assert_eq!(legacy[0]["protect_points"], 0);
    let (v3, _) = ok(Model::V3, &stdin);
    assert_eq!(v3[0], json!({"id": 1, "tier": "MISSING", "provisional": false}));
    assert_eq!(v3[1], json!({"id": 2, "tier": "MISSING", "provisional": false}));
}

#[test]
fn model_names() {
    assert_eq!("legacy".parse::<Model>().unwrap(), Model::Legacy);
    assert_eq!("v3".parse::<Model>().unwrap(), Model::V3);
    assert_eq!(Model::Legacy.to_string(), "legacy");
    assert_eq!(Model::V3.to_string(), "v3");
    for bad in ["V3", "Legacy", "", "v2", "current"] {
        let e = bad.parse::<Model>().unwrap_err();
        assert!(e.message.contains("legacy or v3"), "{bad}");
    }
}
