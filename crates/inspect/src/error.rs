//! Errors for bad input files.
//!
//! Every command must exit with a one-line message naming the file, row and field, so
//! the person who made the file can find and fix the mistake without a debugger.

use std::fmt;

/// A problem with one of the input files (or an option), located as precisely as possible.
///
/// `row` is the 1-based **data row** (the first row after the header is row 1);
/// `line` is the 1-based line of the file where that row starts (the header is line 1).
/// Both are `None` for problems with the header or the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// Which file: a logical name (`longlist`, `assessments`, `comparison`, `ratings`,
    /// `options`) until the caller replaces it with a path via [`InputError::in_file`].
    pub file: String,
    /// 1-based data row, header excluded.
    pub row: Option<usize>,
    /// 1-based line number in the file where the row starts.
    pub line: Option<u64>,
    /// The column (or option) at fault.
    pub field: Option<String>,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl InputError {
    pub(crate) fn new(file: &str, message: impl Into<String>) -> Self {
        InputError { file: file.to_string(), row: None, line: None, field: None, message: message.into() }
    }

    pub(crate) fn at(mut self, row: usize, line: u64) -> Self {
        self.row = Some(row);
        self.line = Some(line);
        self
    }

    pub(crate) fn field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    /// Replace the logical file name with the path the user gave, for the CLI message.
    pub fn in_file(mut self, path: impl Into<String>) -> Self {
        self.file = path.into();
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        match (self.row, self.line) {
            (Some(row), Some(line)) => write!(f, ": row {row} (line {line})")?,
            (Some(row), None) => write!(f, ": row {row}")?,
            _ => {}
        }
        if let Some(field) = &self.field {
            write!(f, ", field {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}
