//! `probity tier --model legacy|v3` as a pure function (docs/rules/tiering.md#0-the-command).
//!
//! The CLI reads stdin, calls [`run_command`], and either prints `stdout` and exits with
//! `exit_code`, or prints the [`UsageError`] on stderr, nothing on stdout, and exits 2.
//! Every row is parsed before any is computed, so a usage error leaves stdout empty.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde_json::Value;

use super::input::TierInput;
use super::reader::kind;
use super::{legacy, v3};

/// Which model to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Model {
    /// Protect level and change level, e.g. `B2` (docs/rules/tiering.md#2-legacy-model).
    Legacy,
    /// A-G with a provisional flag (docs/rules/tiering.md#3-v3-model).
    V3,
}

impl FromStr for Model {
    type Err = UsageError;
    fn from_str(s: &str) -> Result<Self, UsageError> {
        match s {
            "legacy" => Ok(Model::Legacy),
            "v3" => Ok(Model::V3),
            _ => Err(UsageError {
                message: format!("unknown model {s:?}: expected legacy or v3"),
                row: None,
                field: Some("--model".into()),
            }),
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Model::Legacy => "legacy",
            Model::V3 => "v3",
        })
    }
}

/// What the command prints on stdout and its exit status: 0 when every row computed, 1
/// when any row failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutput {
    /// A JSON array, one result per input row in input order, one row per line.
    pub stdout: String,
    /// 0 or 1.
    pub exit_code: i32,
}

/// Exit status for a usage error (docs/rules/tiering.md#0-the-command).
pub const USAGE_EXIT_CODE: i32 = 2;

/// Malformed JSON, a malformed row or an unknown field value or name: the whole command
/// fails, exit 2, nothing on stdout. `message` is one line naming the row and field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UsageError {
    /// One line, e.g. `row 2 (id "p3"): field rosh: unknown variant ...`.
    pub message: String,
    /// Index of the bad row, when one is to blame.
    pub row: Option<usize>,
    /// Path of the bad field, when one is to blame.
    pub field: Option<String>,
}

struct Row {
    id: Value,
    input: TierInput,
}

#[derive(Serialize)]
struct Computed<'a, R: Serialize> {
    id: &'a Value,
    #[serde(flatten)]
    result: R,
}

#[derive(Serialize)]
struct Failed<'a> {
    id: &'a Value,
    error: String,
}

/// Runs `probity tier` on the text of stdin.
pub fn run_command(model: Model, stdin: &str) -> Result<CommandOutput, UsageError> {
    let rows = parse_rows(stdin)?;
    let mut lines = Vec::with_capacity(rows.len());
    let mut failed = false;
    for row in &rows {
        let line = match model {
            Model::Legacy => render(&row.id, legacy::calculate(&row.input)),
            Model::V3 => render(&row.id, v3::calculate(&row.input)),
        };
        failed |= line.is_err();
        lines.push(line.unwrap_or_else(|l| l));
    }
    let stdout = if lines.is_empty() { "[]\n".to_owned() } else { format!("[\n{}\n]\n", lines.join(",\n")) };
    Ok(CommandOutput { stdout, exit_code: i32::from(failed) })
}

/// One output line; `Err` carries the error row's line.
fn render<R: Serialize>(id: &Value, result: Result<R, super::TierError>) -> Result<String, String> {
    match result {
        Ok(result) => Ok(line(&Computed { id, result })),
        Err(e) => Err(line(&Failed { id, error: e.to_string() })),
    }
}

fn line<T: Serialize>(row: &T) -> String {
    // Only string-keyed structs and finite numbers: serde_json cannot fail on these.
    serde_json::to_string(row).expect("a result row always serialises")
}

fn parse_rows(stdin: &str) -> Result<Vec<Row>, UsageError> {
    let value: Value = serde_json::from_str(stdin).map_err(|e| UsageError {
        message: format!("malformed JSON: {e}"),
        row: None,
        field: None,
    })?;
    let Value::Array(items) = value else {
        return Err(UsageError {
            message: format!("expected a JSON array of {{\"id\", \"input\"}} rows, found {}", kind(&value)),
            row: None,
            field: None,
        });
    };
    items.into_iter().enumerate().map(|(i, item)| parse_row(i, item)).collect()
}

fn parse_row(index: usize, item: Value) -> Result<Row, UsageError> {
    let row_error = |label: &str, field: &str, reason: String| UsageError {
        message: format!("{label}: field {field}: {reason}"),
        row: Some(index),
        field: Some(field.to_owned()),
    };
    let Value::Object(mut map) = item else {
        return Err(UsageError {
            message: format!("row {index}: expected an object with \"id\" and \"input\", found {}", kind(&item)),
            row: Some(index),
            field: None,
        });
    };
    let id = map.remove("id");
    let label = match &id {
        Some(id) => format!("row {index} (id {id})"),
        None => format!("row {index}"),
    };
    let Some(id) = id else {
        return Err(row_error(&label, "id", "missing field".into()));
    };
    let Some(input) = map.remove("input") else {
        return Err(row_error(&label, "input", "missing field".into()));
    };
    if let Some(extra) = map.keys().next() {
        return Err(row_error(&label, extra, "unknown field; a row has only \"id\" and \"input\"".into()));
    }
    let input = TierInput::from_json(input).map_err(|e| {
        let field = if e.field.is_empty() { "input".to_owned() } else { format!("input.{}", e.field) };
        row_error(&label, &field, e.reason)
    })?;
    Ok(Row { id, input })
}
