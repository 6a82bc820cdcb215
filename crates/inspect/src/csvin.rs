//! Reading CSV contents with errors that name file, row and field.

use crate::error::InputError;

/// A CSV file being read, with the positions of the columns the caller needs.
pub(crate) struct Table<'a> {
    file: &'static str,
    columns: Vec<usize>,
    names: Vec<&'static str>,
    reader: csv::Reader<&'a [u8]>,
}

/// One data row: its 1-based row number, line, and fields by requested column.
pub(crate) struct Row<'a> {
    file: &'static str,
    columns: &'a [usize],
    names: &'a [&'static str],
    pub(crate) row: usize,
    pub(crate) line: u64,
    record: &'a csv::StringRecord,
}

impl<'a> Table<'a> {
    /// Start reading `contents`, requiring a header with every column in `required` (in
    /// any order, any letter case; other columns are ignored). Fields are trimmed when read.
    pub(crate) fn parse(
        file: &'static str,
        contents: &'a str,
        required: &[&'static str],
    ) -> Result<Table<'a>, InputError> {
        let mut reader =
            csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::Headers).from_reader(contents.as_bytes());
        let headers =
            reader.headers().map_err(|e| InputError::new(file, format!("cannot read the header row: {e}")))?.clone();
        let mut columns = Vec::with_capacity(required.len());
        for name in required {
            let index = headers
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
                .ok_or_else(|| InputError::new(file, format!("missing column {name} in the header row")).field(name))?;
            columns.push(index);
        }
        Ok(Table { file, columns, names: required.to_vec(), reader })
    }

    /// Also read `name` if the header has it (an optional column added after the format
    /// was first published, so older files stay valid). Returns its index for [`Row::opt`].
    pub(crate) fn optional(&mut self, name: &'static str) -> Option<usize> {
        let headers = self.reader.headers().ok()?.clone();
        let index = headers.iter().position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))?;
        self.columns.push(index);
        self.names.push(name);
        Some(self.columns.len() - 1)
    }

    /// Call `f` on each data row in order, stopping at the first error.
    pub(crate) fn for_each(mut self, mut f: impl FnMut(&Row<'_>) -> Result<(), InputError>) -> Result<(), InputError> {
        let mut record = csv::StringRecord::new();
        let mut row = 0;
        loop {
            row += 1;
            match self.reader.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(row as u64 + 1, |p| p.line());
                    return Err(InputError::new(self.file, format!("not a well-formed CSV row: {e}")).at(row, line));
                }
            }
            let line = record.position().map_or(row as u64 + 1, |p| p.line());
            f(&Row { file: self.file, columns: &self.columns, names: &self.names, row, line, record: &record })?;
        }
    }
}

impl Row<'_> {
    /// The value of requested column number `i` (its index in the `required` list).
    pub(crate) fn at(&self, i: usize) -> &str {
        // Trimmed here rather than by the reader: csv's Trim::All rebuilds every record.
        self.record.get(self.columns[i]).unwrap_or("").trim()
    }

    /// The value of an optional column (see [`Table::optional`]); empty when absent.
    pub(crate) fn opt(&self, i: Option<usize>) -> &str {
        i.map_or("", |i| self.at(i))
    }

    /// The value of requested column `name` (trimmed; empty when the cell is empty).
    pub(crate) fn get(&self, name: &str) -> &str {
        let i = self.names.iter().position(|n| *n == name).expect("column was requested when parsing");
        self.at(i)
    }

    /// An error located at this row and the named field.
    pub(crate) fn error(&self, field: &str, message: impl Into<String>) -> InputError {
        InputError::new(self.file, message).at(self.row, self.line).field(field)
    }
}
