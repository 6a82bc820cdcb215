//! Bad instances: each is rejected with the field path and what is wrong.

mod common;

use common::*;
use serde_json::{Value, json};

/// An edit to apply to the valid instance.
type Edit = Box<dyn FnOnce(&mut Value)>;

fn valid() -> Value {
    instance(
        vec![person("a"), person("b")],
        vec![session("s1", "park", "mon"), session("s2", "shop", "tue")],
        vec![travel("a", "park", 1.0), travel("b", "shop", 2.0)],
    )
}

/// Applies `edit` to a valid instance and returns the error text.
fn error(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = valid();
    edit(&mut v);
    match upw::Instance::from_json(&v.to_string()) {
        Ok(_) => "accepted".into(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_base_instance_is_valid() {
    assert_eq!(error(|_| {}), "accepted");
}

#[test]
fn bad_inputs_name_the_field() {
    let cases: Vec<(&str, Edit)> = vec![
        ("sessions[1].end: end before start", Box::new(|v| v["sessions"][1]["end"] = json!(time("tue", "08:00")))),
        ("sessions[0].end: end before start", Box::new(|v| v["sessions"][0]["end"] = json!(time("mon", "09:00")))),
        (
            "sessions[0].start: \"2025-03-03 09:00\" is not a local time",
            Box::new(|v| v["sessions"][0]["start"] = json!("2025-03-03 09:00")),
        ),
        (
            "sessions[0].start: \"2025-02-30T09:00\" is not a local time",
            Box::new(|v| v["sessions"][0]["start"] = json!("2025-02-30T09:00")),
        ),
        (
            "sessions[0].end: \"2025-03-03T16:30:00\" is not a local time",
            Box::new(|v| v["sessions"][0]["end"] = json!("2025-03-03T16:30:00")),
        ),
        (
            "sessions[0].end: \"2025-03-03T24:00\" is not a local time",
            Box::new(|v| v["sessions"][0]["end"] = json!("2025-03-03T24:00")),
        ),
        ("sessions[0].start: must be a time string", Box::new(|v| v["sessions"][0]["start"] = json!(9))),
        (
            "sessions[1].start: 2025-03-11T09:00 is outside the week starting 2025-03-03",
            Box::new(|v| {
                v["sessions"][1]["start"] = json!("2025-03-11T09:00");
                v["sessions"][1]["end"] = json!("2025-03-11T16:30");
            }),
        ),
        (
            "sessions[0].capacity: must be a whole number 0 or more, got -1",
            Box::new(|v| v["sessions"][0]["capacity"] = json!(-1)),
        ),
        (
            "sessions[0].capacity: must be a whole number 0 or more, got 2.5",
            Box::new(|v| v["sessions"][0]["capacity"] = json!(2.5)),
        ),
        (
            "sessions[0].hours: must be more than 0 and at most the session length (7.5 h), got 8",
            Box::new(|v| v["sessions"][0]["hours"] = json!(8.0)),
        ),
        ("sessions[0].hours: must be more than 0", Box::new(|v| v["sessions"][0]["hours"] = json!(0))),
        (
            "sessions[0].women_only: missing",
            Box::new(|v| {
                v["sessions"][0].as_object_mut().unwrap().remove("women_only");
            }),
        ),
        ("sessions[1].singleton: must be true or false", Box::new(|v| v["sessions"][1]["singleton"] = json!("yes"))),
        (
            "sessions[1].id: duplicate id \"s1\" (first at sessions[0])",
            Box::new(|v| v["sessions"][1]["id"] = json!("s1")),
        ),
        ("sessions[0].id: must be a string or an integer", Box::new(|v| v["sessions"][0]["id"] = json!(null))),
        ("people[1].id: duplicate id \"a\" (first at people[0])", Box::new(|v| v["people"][1]["id"] = json!("a"))),
        ("people[0].gender: must be \"F\" or \"M\", got \"X\"", Box::new(|v| v["people"][0]["gender"] = json!("X"))),
        (
            "people[1].available_days[1]: unknown weekday \"monday\"",
            Box::new(|v| v["people"][1]["available_days"] = json!(["sun", "monday"])),
        ),
        ("people[0].weight: must be a number from 0 to", Box::new(|v| v["people"][0]["weight"] = json!(-1))),
        ("people[0].weight: must be a number", Box::new(|v| v["people"][0]["weight"] = json!("high"))),
        (
            "people[0].max_sessions: must be a whole number 0 or more, got 1.5",
            Box::new(|v| v["people"][0]["max_sessions"] = json!(1.5)),
        ),
        (
            "people[0].singleton: missing",
            Box::new(|v| {
                v["people"][0].as_object_mut().unwrap().remove("singleton");
            }),
        ),
        (
            "people[0].busy[0]: end 2025-03-03T10:00 is not after start 2025-03-03T11:00",
            Box::new(|v| v["people"][0]["busy"] = json!([[time("mon", "11:00"), time("mon", "10:00")]])),
        ),
        (
            "people[0].busy[0]: must be a pair [start, end]",
            Box::new(|v| v["people"][0]["busy"] = json!([[time("mon", "11:00")]])),
        ),
        (
            "people[0].busy[1][1]: \"noon\" is not a local time",
            Box::new(|v| {
                v["people"][0]["busy"] =
                    json!([[time("mon", "11:00"), time("mon", "12:00")], [time("tue", "11:00"), "noon"]])
            }),
        ),
        ("people[1]: must be an object", Box::new(|v| v["people"][1] = json!("b"))),
        ("travel[1].person: unknown person \"z\"", Box::new(|v| v["travel"][1]["person"] = json!("z"))),
        (
            "travel[0].project: unknown project \"zoo\" (no session names it)",
            Box::new(|v| v["travel"][0]["project"] = json!("zoo")),
        ),
        ("travel[1].cost: must be a number from 0 to", Box::new(|v| v["travel"][1]["cost"] = json!(-0.5))),
        (
            "travel[2].project: duplicate pair person \"a\" project \"park\" (first at travel[0])",
            Box::new(|v| v["travel"].as_array_mut().unwrap().push(travel("a", "park", 3.0))),
        ),
        (
            "week: \"week 10\" is not a date YYYY-MM-DD or an ISO week YYYY-Www",
            Box::new(|v| v["week"] = json!("week 10")),
        ),
        ("week: \"2025-W54\" is not a date", Box::new(|v| v["week"] = json!("2025-W54"))),
        (
            "week: missing",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("week");
            }),
        ),
        ("people: must be an array", Box::new(|v| v["people"] = json!({}))),
        (
            "travel: missing",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("travel");
            }),
        ),
        ("previous[0].session: missing", Box::new(|v| v["previous"] = json!([{"person": "a"}]))),
        ("previous: must be an array", Box::new(|v| v["previous"] = json!("a:s1"))),
    ];
    let mut failures = Vec::new();
    for (want, edit) in cases {
        let got = error(edit);
        if !got.starts_with(want) {
            failures.push(format!("want {want:?}\n got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn not_json_is_an_error_on_the_instance() {
    let e = upw::Instance::from_json("{\"week\": ").unwrap_err();
    assert_eq!(e.field, "instance");
    assert!(e.message.starts_with("not valid JSON"), "{e}");
}

#[test]
fn accepted_variants() {
    let cases: Vec<(&str, Edit)> = vec![
        ("ISO week", Box::new(|v| v["week"] = json!("2025-W10"))),
        ("a week starting on a Sunday", Box::new(|v| v["week"] = json!("2025-03-02"))),
        ("hours less than the session length (lunch)", Box::new(|v| v["sessions"][0]["hours"] = json!(6.5))),
        ("capacity 0", Box::new(|v| v["sessions"][0]["capacity"] = json!(0))),
        ("weight 0", Box::new(|v| v["people"][0]["weight"] = json!(0))),
        ("no available days", Box::new(|v| v["people"][0]["available_days"] = json!([]))),
        ("a repeated weekday", Box::new(|v| v["people"][0]["available_days"] = json!(["mon", "mon"]))),
        (
            "a busy interval outside the week",
            Box::new(|v| v["people"][0]["busy"] = json!([["2025-04-01T10:00", "2025-04-01T11:00"]])),
        ),
        (
            "previous naming a session no longer in the instance",
            Box::new(|v| v["previous"] = json!([{"person": "a", "session": "gone"}, {"person": "a", "session": "s1"}])),
        ),
        ("previous null", Box::new(|v| v["previous"] = json!(null))),
        (
            "a travel pair to a project the person cannot use",
            Box::new(|v| v["travel"].as_array_mut().unwrap().push(travel("a", "shop", 99.0))),
        ),
    ];
    for (name, edit) in cases {
        assert_eq!(error(edit), "accepted", "{name}");
    }
}

#[test]
fn previous_drops_unknown_ids() {
    let mut v = valid();
    v["previous"] = json!([
        {"person": "a", "session": "gone"},
        {"person": "a", "session": "s1"},
        {"person": "a", "session": "s1"}
    ]);
    let i = upw::Instance::from_json(&v.to_string()).unwrap();
    assert_eq!(i.previous().len(), 1);
}
