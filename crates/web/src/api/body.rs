//! Reading a request to record events, so that a bad body gets a 400 naming the field at
//! fault (`events[0].event.person.first_name`), not just "invalid JSON".
//!
//! The domain's types decide what is valid (their `Deserialize` impls validate); this module
//! only finds where a refusal happened. `CaseEvent` is internally tagged, and serde loses the
//! path inside such enums, so when an event is refused its fields are re-read one at a time
//! to locate the one at fault. That second reading only sharpens the message: acceptance is
//! always the domain's own `CaseEvent` deserialisation.

use crate::error::WebError;
use crate::view::{EVENT_TYPES, RecordEvents};
use domain::event::{CaseEvent, NewEvent};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The outer shape, with each event kept as JSON until its envelope is known to be good.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    expected_version: u64,
    events: Vec<EventEnvelope>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventEnvelope {
    occurred_at: jiff::Timestamp,
    /// Optional and only ever the signed-in user: the server sets who recorded an event.
    recorded_by: Option<domain::Code>,
    event: Value,
}

/// Parses a `RecordEvents` body, naming the field on failure. Every event is recorded by
/// `recorder`, the signed-in user: a body that names anyone else is refused.
pub fn record_events(bytes: &[u8], recorder: &domain::Code) -> Result<RecordEvents, WebError> {
    let envelope: Envelope = read(bytes, "")?;
    let mut events = Vec::with_capacity(envelope.events.len());
    for (i, e) in envelope.events.into_iter().enumerate() {
        if let Some(claimed) = e.recorded_by.filter(|c| c != recorder) {
            let field = format!("events[{i}].recorded_by");
            return Err(WebError::bad_request(
                &field,
                format!(
                    "{field}: `{claimed}` is not you: the server records every event as recorded by the signed-in \
                     user ({recorder}); leave the field out"
                ),
            ));
        }
        let at = format!("events[{i}].event");
        let event = case_event(e.event, &at)?;
        events.push(NewEvent { occurred_at: e.occurred_at, recorded_by: recorder.clone(), event });
    }
    Ok(RecordEvents { expected_version: envelope.expected_version, events })
}

fn case_event(value: Value, at: &str) -> Result<CaseEvent, WebError> {
    let Value::Object(fields) = &value else {
        return Err(WebError::bad_request(at, format!("{at}: must be an object with a `type`")));
    };
    match fields.get("type") {
        None => return Err(WebError::bad_request(format!("{at}.type"), format!("{at}.type: is missing"))),
        Some(Value::String(t)) if EVENT_TYPES.contains(&t.as_str()) => {}
        Some(other) => {
            return Err(WebError::bad_request(
                format!("{at}.type"),
                format!("{at}.type: {other} is not an event type (one of {})", EVENT_TYPES.join(", ")),
            ));
        }
    }
    match serde_json::from_value::<CaseEvent>(value.clone()) {
        Ok(event) => Ok(event),
        Err(whole) => Err(locate(fields, at).unwrap_or_else(|| refusal(at, &whole.to_string()))),
    }
}

/// Reads one named field of an event by its domain type; `Some` when it is refused.
type FieldCheck = fn(&Map<String, Value>, &str, &str) -> Option<WebError>;

/// Re-reads an event's fields by their domain types to find the one that was refused.
fn locate(fields: &Map<String, Value>, at: &str) -> Option<WebError> {
    use domain::assessment::Assessment;
    use domain::contact::{Appointment, Outcome};
    use domain::event::{AllocationReason, SentenceOutcome};
    use domain::ids::{Code, LocalId, Note};
    use domain::person::PersonDetails;
    use domain::plan::Objective;
    use domain::sentence::Sentence;
    use jiff::civil::Date;

    fn check<T: DeserializeOwned>(fields: &Map<String, Value>, name: &str, at: &str) -> Option<WebError> {
        let v = fields.get(name)?;
        read_value::<T>(v, &format!("{at}.{name}")).err()
    }
    let t = fields.get("type")?.as_str()?;
    let checks: &[(&str, FieldCheck)] = match t {
        "person_registered" | "personal_details_updated" => &[("person", check::<PersonDetails>)],
        "sentence_imposed" => &[("sentence", check::<Sentence>)],
        "released_from_custody" => &[("sentence", check::<LocalId>), ("on", check::<Date>)],
        "sentence_ended" => {
            &[("sentence", check::<LocalId>), ("on", check::<Date>), ("outcome", check::<SentenceOutcome>)]
        }
        "officer_allocated" => {
            &[("officer", check::<Code>), ("team", check::<Code>), ("reason", check::<AllocationReason>)]
        }
        "assessment_completed" => &[("assessment", check::<Assessment>)],
        "objective_agreed" => &[("objective", check::<Objective>)],
        "appointment_booked" => &[("appointment", check::<Appointment>)],
        "outcome_recorded" => {
            &[("appointment", check::<LocalId>), ("outcome", check::<Outcome>), ("note", check::<Option<Note>>)]
        }
        _ => &[],
    };
    checks.iter().find_map(|(name, check)| check(fields, name, at))
}

fn read<T: DeserializeOwned>(bytes: &[u8], at: &str) -> Result<T, WebError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| located(at, &e))?;
    de.end().map_err(|e| refusal(at, &e.to_string()))?;
    Ok(value)
}

fn read_value<T: DeserializeOwned>(v: &Value, at: &str) -> Result<T, WebError> {
    serde_path_to_error::deserialize(v).map_err(|e| located(at, &e))
}

fn located(at: &str, e: &serde_path_to_error::Error<serde_json::Error>) -> WebError {
    let inner = e.inner();
    if inner.is_syntax() || inner.is_eof() {
        return WebError::BadRequest { field: None, message: format!("The body is not valid JSON: {inner}") };
    }
    let path = e.path().to_string();
    let here = match (at.is_empty(), path.as_str()) {
        (_, ".") => at.to_owned(),
        (true, p) => p.to_owned(),
        (false, p) if p.starts_with('[') => format!("{at}{p}"),
        (false, p) => format!("{at}.{p}"),
    };
    refusal(&here, &inner.to_string())
}

/// A refusal at `at`, sharpened to the missing or unknown field when serde names one.
fn refusal(at: &str, message: &str) -> WebError {
    // serde_json appends " at line L column C"; the field path says where more usefully.
    let message = message.split(" at line ").next().unwrap_or(message);
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|p| message.strip_prefix(p))
        .and_then(|rest| rest.split('`').next());
    // An unknown field is already the last step of the path; a missing one is not.
    let named = named.filter(|name| at != *name && !at.ends_with(&format!(".{name}")));
    let field = match (named, at.is_empty()) {
        (Some(name), true) => name.to_owned(),
        (Some(name), false) => format!("{at}.{name}"),
        (None, true) => "body".to_owned(),
        (None, false) => at.to_owned(),
    };
    WebError::BadRequest { message: format!("{field}: {message}"), field: Some(field) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(body: &str) -> String {
        match record_events(body.as_bytes(), &recorder()) {
            Err(WebError::BadRequest { field, message }) => {
                let field = field.unwrap_or_default();
                assert!(message.contains(&field), "the message names the field: {message}");
                field
            }
            other => panic!("expected a bad request, got {other:?}"),
        }
    }

    const OPEN: &str = r#""occurred_at":"2026-03-02T12:00:00Z","recorded_by":"OFF1""#;

    /// Another member of staff's code: the server, not the body, says who recorded.
    const OPEN_AS_SOMEONE_ELSE: &str = r#"{"expected_version":0,"events":[{"occurred_at":"2026-03-02T12:00:00Z","recorded_by":"ST000002","event":{"type":"party"}}]}"#;

    fn recorder() -> domain::Code {
        domain::Code::parse("OFF1").unwrap()
    }

    #[test]
    fn refusals_name_the_field_at_fault() {
        let person = |first: &str| {
            format!(
                r#"{{"expected_version":0,"events":[{{{OPEN},"event":{{"type":"person_registered","person":{{"first_name":{first},"family_name":"Lovelace","date_of_birth":"1990-05-17","gender":"female"}}}}}}]}}"#
            )
        };
        let cases = [
            (r#"{"events":[]}"#.to_owned(), "expected_version"),
            (r#"{"expected_version":-1,"events":[]}"#.to_owned(), "expected_version"),
            (r#"{"expected_version":0,"events":[],"extra":1}"#.to_owned(), "extra"),
            (r#"{"expected_version":0,"events":[{"occurred_at":"yesterday","recorded_by":"OFF1","event":{}}]}"#.to_owned(), "events[0].occurred_at"),
            (r#"{"expected_version":0,"events":[{"occurred_at":"2026-03-02T12:00:00Z","recorded_by":"off 1","event":{}}]}"#.to_owned(), "events[0].recorded_by"),
            (format!(r#"{{"expected_version":0,"events":[{{{OPEN}}}]}}"#), "events[0].event"),
            (format!(r#"{{"expected_version":0,"events":[{{{OPEN},"event":{{"type":"party"}}}}]}}"#), "events[0].event.type"),
            (format!(r#"{{"expected_version":0,"events":[{{{OPEN},"event":{{"kind":"x"}}}}]}}"#), "events[0].event.type"),
            (format!(r#"{{"expected_version":0,"events":[{{{OPEN},"event":{{"type":"person_registered"}}}}]}}"#), "events[0].event.person"),
            (person(r#""  ""#), "events[0].event.person.first_name"),
            (OPEN_AS_SOMEONE_ELSE.to_owned(), "events[0].recorded_by"),
            (person("7"), "events[0].event.person.first_name"),
            ("{".to_owned(), ""),
        ];
        for (body, field) in cases {
            assert_eq!(field_of(&body), field, "{body}");
        }
    }

    #[test]
    fn a_good_body_reads_into_domain_events() {
        let body = format!(
            r#"{{"expected_version":3,"events":[{{{OPEN},"event":{{"type":"outcome_recorded","appointment":"A1","outcome":{{"outcome":"attended_complied"}}}}}}]}}"#
        );
        let parsed = record_events(body.as_bytes(), &recorder()).unwrap();
        assert_eq!(parsed.expected_version, 3);
        assert_eq!(parsed.events[0].event.event_type(), "outcome_recorded");
    }

    mod fuzz {
        //! Issue 15: the event API's body fed arbitrary input never panics: it is read into
        //! events or refused as a bad request naming a field. The case count bounds the time.
        use super::*;
        use proptest::prelude::*;
        use serde_json::json;

        /// The cases each harness runs: `PROPTEST_CASES` when set (a longer run), else its default.
        fn fuzz_cases(default: u32) -> u32 {
            std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(default)
        }

        fn any_json() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(|n| json!(n)),
                "[a-zA-Z0-9_: -]{0,16}".prop_map(Value::String),
                prop::sample::select(EVENT_TYPES).prop_map(|t| json!(t)),
            ];
            leaf.prop_recursive(4, 32, 5, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                    prop::collection::btree_map(
                        prop_oneof![
                            Just("type".to_owned()),
                            Just("appointment".to_owned()),
                            Just("person".to_owned()),
                            Just("outcome".to_owned()),
                            "[a-z_]{1,12}"
                        ],
                        inner,
                        0..5
                    )
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
                ]
            })
        }

        fn answered(bytes: &[u8]) -> Result<(), TestCaseError> {
            match record_events(bytes, &recorder()) {
                Ok(parsed) => prop_assert!(parsed.events.iter().all(|e| e.recorded_by == recorder())),
                Err(WebError::BadRequest { message, .. }) => prop_assert!(!message.is_empty()),
                Err(other) => prop_assert!(false, "a body is refused as a bad request, not {other:?}"),
            }
            Ok(())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(fuzz_cases(512)))]

            #[test]
            fn arbitrary_bytes_are_answered(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
                answered(&bytes)?;
            }

            #[test]
            fn envelopes_holding_any_event_are_answered(
                version in any::<i64>(),
                at in prop_oneof![Just("2026-03-02T12:00:00Z".to_owned()), "[0-9T:Z-]{0,24}"],
                by in prop::option::of(prop_oneof![Just("OFF1".to_owned()), "[A-Za-z0-9 ]{0,20}"]),
                event in any_json(),
            ) {
                let mut e = json!({"occurred_at": at, "event": event});
                if let Some(by) = by {
                    e["recorded_by"] = json!(by);
                }
                answered(json!({"expected_version": version, "events": [e]}).to_string().as_bytes())?;
            }
        }
    }
}
