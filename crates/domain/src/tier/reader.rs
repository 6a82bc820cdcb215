//! A small reader over a JSON object that names the path of every bad field.
//!
//! Why not plain `serde_json::from_value::<TierInput>`: serde's errors name the bad value
//! but not where it sits, and the `probity tier` contract requires the message to name the
//! field (docs/rules/tiering.md#0-the-command, docs/design.md#contracts).

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

// The error lives here, beside the reader that names its field, so `input` (which uses
// the reader) is the only one of the two that depends on the other.
/// A bad input field: `field` is its path inside `input` (e.g. `sentence.requirements[1].kind`),
/// empty when the `input` value itself is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field {}: {reason}", if field.is_empty() { "input" } else { field })]
pub struct InputError {
    /// Dotted path of the field inside the `input` object.
    pub field: String,
    /// What is wrong with it.
    pub reason: String,
}

impl InputError {
    pub(crate) fn new(field: String, reason: String) -> Self {
        Self { field, reason }
    }
}

pub(crate) struct ObjectReader {
    path: String,
    map: Map<String, Value>,
    known: &'static [&'static str],
}

impl ObjectReader {
    /// `path` is the dotted path of this object ("" for the top of `input`); `known` lists
    /// the accepted field names, for the unknown-field message.
    pub(crate) fn new(path: &str, value: Value, known: &'static [&'static str]) -> Result<Self, InputError> {
        match value {
            Value::Object(map) => Ok(Self { path: path.to_owned(), map, known }),
            other => Err(InputError::new(path.to_owned(), format!("expected an object, found {}", kind(&other)))),
        }
    }

    /// The path of a child field.
    pub(crate) fn child(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// Removes `key`; a missing key and an explicit `null` are both `None` (the default).
    pub(crate) fn raw(&mut self, key: &str) -> Option<Value> {
        debug_assert!(self.known.contains(&key), "{key} not declared as known");
        match self.map.remove(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    /// Removes `key` and deserialises it, naming the field in any error.
    pub(crate) fn field<T: DeserializeOwned>(&mut self, key: &str) -> Result<Option<T>, InputError> {
        let path = self.child(key);
        self.raw(key).map(|v| leaf(&path, v)).transpose()
    }

    /// Fails on the first (alphabetically) field that was not read: an unknown field name.
    pub(crate) fn finish(self) -> Result<(), InputError> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(key) => Err(InputError::new(
                join(&self.path, key),
                format!("unknown field; expected one of: {}", self.known.join(", ")),
            )),
        }
    }
}

/// Deserialises one leaf value, naming `path` in the error.
pub(crate) fn leaf<T: DeserializeOwned>(path: &str, value: Value) -> Result<T, InputError> {
    serde_json::from_value(value).map_err(|e| InputError::new(path.to_owned(), e.to_string()))
}

pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
