//! Builders for small instances in the docs/rules/practice.md#the-scheduling-problem JSON format. The week is Monday
//! 3 March 2025; sessions are placed by weekday name.

#![allow(dead_code)]

use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

pub const WEEK: &str = "2025-03-03";
pub const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

pub fn date(day: &str) -> String {
    let d = DAYS.iter().position(|x| *x == day).expect("weekday");
    format!("2025-03-{:02}", 3 + d)
}

pub fn time(day: &str, hhmm: &str) -> String {
    format!("{}T{hhmm}", date(day))
}

/// A man, weight 1, one session a week, any day, no special needs, nothing busy.
pub fn person(id: &str) -> Value {
    json!({
        "id": id, "gender": "M", "weight": 1.0, "max_sessions": 1,
        "available_days": DAYS, "women_only": false, "singleton": false, "busy": []
    })
}

/// A full-day group session 09:00-16:30, 7 hours, capacity 10.
pub fn session(id: &str, project: &str, day: &str) -> Value {
    json!({
        "id": id, "project": project, "start": time(day, "09:00"), "end": time(day, "16:30"),
        "hours": 7.0, "capacity": 10, "women_only": false, "singleton": false
    })
}

pub fn travel(person: &str, project: &str, cost: f64) -> Value {
    json!({"person": person, "project": project, "cost": cost})
}

/// Sets fields on an object: `with(person("a"), json!({"weight": 2}))`.
pub fn with(mut v: Value, fields: Value) -> Value {
    for (k, x) in fields.as_object().expect("object") {
        v[k] = x.clone();
    }
    v
}

pub fn instance(people: Vec<Value>, sessions: Vec<Value>, travel: Vec<Value>) -> Value {
    json!({"week": WEEK, "people": people, "sessions": sessions, "travel": travel})
}

/// Solves a JSON instance, panicking on a validation error.
pub fn solve(v: &Value) -> upw::Solution {
    let instance = upw::Instance::from_json(&v.to_string()).unwrap_or_else(|e| panic!("instance should be valid: {e}"));
    upw::solve(&instance)
}

/// The assignments as a set of "person:session" strings.
pub fn pairs(s: &upw::Solution) -> BTreeSet<String> {
    s.assignments.iter().map(|a| format!("{}:{}", id(&a.person), id(&a.session))).collect()
}

/// The unplaced as person -> reason.
pub fn reasons(s: &upw::Solution) -> BTreeMap<String, String> {
    s.unplaced.iter().map(|u| (id(&u.person), u.reason.as_str().to_string())).collect()
}

pub fn id(i: &upw::Id) -> String {
    match i {
        upw::Id::Int(n) => n.to_string(),
        upw::Id::Text(s) => s.clone(),
    }
}

pub fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

pub fn map(items: &[(&str, &str)]) -> BTreeMap<String, String> {
    items.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}
