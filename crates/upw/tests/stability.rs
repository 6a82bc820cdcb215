//! The `previous` extension: among optimal schedules keep the most of last run's.

mod common;

use common::*;
use serde_json::{Value, json};

fn twins() -> Value {
    // Two equally good sessions: either is optimal for a.
    instance(
        vec![person("a")],
        vec![session("s1", "park", "mon"), session("s2", "park", "tue")],
        vec![travel("a", "park", 0.0)],
    )
}

#[test]
fn a_tie_goes_to_the_previous_session() {
    for keep in ["s1", "s2"] {
        let v = with(twins(), json!({"previous": [{"person": "a", "session": keep}]}));
        assert_eq!(pairs(&solve(&v)), set(&[&format!("a:{keep}")]));
    }
}

#[test]
fn keeping_never_lowers_the_objective() {
    // s2 is worth less (6 hours): keeping a there would cost 1.
    let mut v = twins();
    v["sessions"][1]["hours"] = json!(6.0);
    v["previous"] = json!([{"person": "a", "session": "s2"}]);
    let s = solve(&v);
    assert_eq!(pairs(&s), set(&["a:s1"]));
    assert_eq!(s.objective, 7.0);
}

#[test]
fn keeping_never_lowers_the_objective_by_a_micro_unit() {
    // The smallest difference the solver distinguishes (1e-6) still beats keeping.
    let mut v = twins();
    v["travel"][0]["cost"] = json!(0.0);
    v["sessions"][1]["hours"] = json!(6.999999);
    v["previous"] = json!([{"person": "a", "session": "s2"}]);
    assert_eq!(pairs(&solve(&v)), set(&["a:s1"]));
}

#[test]
fn the_most_previous_are_kept_across_people() {
    // Three people of equal weight and two places (c can only come on Monday): four
    // schedules are optimal, and exactly one keeps both previous assignments.
    let v = json!({
        "week": WEEK,
        "people": [person("a"), person("b"), with(person("c"), json!({"available_days": ["mon"]}))],
        "sessions": [
            with(session("s1", "park", "mon"), json!({"capacity": 1})),
            with(session("s2", "park", "tue"), json!({"capacity": 1}))
        ],
        "travel": [travel("a", "park", 0.0), travel("b", "park", 0.0), travel("c", "park", 0.0)],
        "previous": [{"person": "b", "session": "s1"}, {"person": "a", "session": "s2"}]
    });
    let s = solve(&v);
    assert_eq!(pairs(&s), set(&["a:s2", "b:s1"]));
    assert_eq!(reasons(&s), map(&[("c", "sessions_full")]));
}

#[test]
fn a_rerun_after_a_change_moves_fewer_people() {
    let base = upw::synthetic_instance(11, 600, 60);
    let first = upw::solve(&base);

    // A supervisor is off sick: the busiest sessions lose half their places, and a new
    // person arrives.
    let mut v: Value = serde_json::from_str(&base.to_json()).unwrap();
    let mut load = std::collections::HashMap::new();
    for a in &first.assignments {
        *load.entry(id(&a.session)).or_insert(0) += 1;
    }
    let mut busiest: Vec<(i32, String)> = load.into_iter().map(|(s, n)| (n, s)).collect();
    busiest.sort_by(|a, b| b.cmp(a));
    for s in v["sessions"].as_array_mut().unwrap() {
        if busiest[..3].iter().any(|(_, id)| s["id"] == json!(id)) {
            s["capacity"] = json!(s["capacity"].as_u64().unwrap() / 2);
        }
    }
    let changed = upw::Instance::from_json(&v.to_string()).unwrap();
    let previous = first.assignments.clone();

    let plain = upw::solve(&changed);
    let stable = upw::solve(&changed.with_previous(previous.clone()));
    assert!((plain.objective - stable.objective).abs() < 1e-6, "{} vs {}", plain.objective, stable.objective);
    let (kept_plain, kept_stable) = (plain.kept(&previous), stable.kept(&previous));
    assert!(kept_stable >= kept_plain, "{kept_stable} < {kept_plain}");
    // Only the people bumped from the shrunken sessions (and whoever they displace)
    // should move: far fewer than the whole schedule.
    let moved = previous.len() - kept_stable;
    assert!(moved <= 60, "moved {moved} of {}", previous.len());
}
