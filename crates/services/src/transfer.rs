//! Export and import: a backup of everything a provider would miss, as CSV, one file per
//! entity or table, lossless.
//!
//! The event log is the record; projections are not exported, because an import rebuilds
//! them from the events. Besides the organisation and the log, an export holds every table of
//! record of [`store::backup::TABLES`] (users with their password hashes, limited access,
//! grants, the read audit, inspections, staff workload and equality records, the unpaid work
//! schedule), one `<table>.csv` each. Sessions and failed sign-ins are not kept.
//!
//! An import goes into an empty store in one transaction, so it lands whole or not at all,
//! and every row is checked as the log would check it on append. An export made before the
//! table files were added (the six files of [`CORE_FILES`]) still imports; otherwise every
//! table file must be there.
//!
//! Cells are written so a spreadsheet opening a file runs nothing and an import reads back
//! exactly what was written: a text cell beginning with a character a spreadsheet takes as
//! the start of a formula (or with `'`) gets a leading `'`, which an import takes off again
//! ([`defuse`], [`undefuse`]). In the table files an empty cell is NULL and empty text is
//! written `'`.

use domain::ids::{Code, Name};
use domain::org::{Area, Borough, ContractedHours, Office, Organisation, Staff, Team};
use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use store::backup::{BackupStore, Cell, Kind, RestoreError, TABLES, Table, TableRows};
use store::{EventRow, LoadCase, StoreError, enum_text};

/// The organisation and the log: what every export has had.
pub const CORE_FILES: [&str; 6] = ["areas.csv", "boroughs.csv", "offices.csv", "teams.csv", "staff.csv", "events.csv"];

/// Every file of an export, in load order: [`CORE_FILES`], then one per table of
/// [`store::backup::TABLES`], named after it.
pub const FILES: [&str; 24] = [
    "areas.csv",
    "boroughs.csv",
    "offices.csv",
    "teams.csv",
    "staff.csv",
    "events.csv",
    "users.csv",
    "limited_access.csv",
    "case_grants.csv",
    "case_reads.csv",
    "inspections.csv",
    "inspection_cases.csv",
    "inspection_answers.csv",
    "inspection_narrative.csv",
    "staff_reductions.csv",
    "staff_reports.csv",
    "staff_characteristics.csv",
    "staff_flags.csv",
    "upw_supervisors.csv",
    "upw_supervisor_absences.csv",
    "upw_projects.csv",
    "upw_sessions.csv",
    "upw_allocations.csv",
    "upw_stand_downs.csv",
];

/// The file a table is written to.
fn table_file(t: &Table) -> &'static str {
    FILES[CORE_FILES.len()..]
        .iter()
        .copied()
        .find(|f| f.strip_suffix(".csv") == Some(t.name))
        .expect("every table has a file in FILES")
}

/// A text cell as written: with a leading `'` when it begins with `= + - @`, a tab or a
/// carriage return (a spreadsheet would take it as a formula) or with `'` itself (so that an
/// import, taking one `'` off, gets it back exactly).
pub fn defuse(text: &str) -> Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// A text cell as read: [`defuse`] undone, taking off exactly one leading `'`.
pub fn undefuse(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// A cell of a table file: NULL is an empty cell, empty text `'`, other text [`defuse`]d;
/// numbers and booleans as they are.
pub fn table_cell(kind: Kind, cell: &Cell) -> Cow<'_, str> {
    match (kind, cell) {
        (_, None) => Cow::Borrowed(""),
        (Kind::Text, Some(t)) if t.is_empty() => Cow::Borrowed("'"),
        (Kind::Text, Some(t)) => defuse(t),
        (_, Some(v)) => Cow::Borrowed(v),
    }
}

/// [`table_cell`] undone.
pub fn read_table_cell(kind: Kind, raw: &str) -> Cell {
    match kind {
        _ if raw.is_empty() => None,
        Kind::Text => Some(undefuse(raw).to_owned()),
        _ => Some(raw.to_owned()),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// A bad value in a file: names the file, the 1-based data row (header not counted) and
    /// the column.
    #[error("{file} row {row}: {field}: {problem}")]
    Row { file: &'static str, row: u64, field: String, problem: String },
    #[error("{file}: {problem}")]
    File { file: String, problem: String },
    /// The store refused a table file's rows (a reference to a row that is not there, a
    /// value its checks refuse).
    #[error("{file}: {source}")]
    Load {
        file: &'static str,
        #[source]
        source: StoreError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn io_err(file: &Path, e: impl std::fmt::Display) -> TransferError {
    TransferError::File { file: file.display().to_string(), problem: e.to_string() }
}

fn writer(dir: &Path, name: &str) -> Result<csv::Writer<BufWriter<File>>, TransferError> {
    let path = dir.join(name);
    let f = File::create(&path).map_err(|e| io_err(&path, e))?;
    Ok(csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(BufWriter::new(f)))
}

fn write_row(w: &mut csv::Writer<BufWriter<File>>, name: &str, fields: &[&str]) -> Result<(), TransferError> {
    w.write_record(fields).map_err(|e| io_err(Path::new(name), e))
}

/// Exports the whole store to `dir` (created if missing). Returns the number of events.
pub async fn export<S: BackupStore>(store: &S, dir: &Path) -> Result<u64, TransferError> {
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    let mut org = store.organisation().await?;
    // Sorted here, not by the database, so both engines write the same bytes.
    org.areas.sort_by(|a, b| a.code.cmp(&b.code));
    org.boroughs.sort_by(|a, b| a.code.cmp(&b.code));
    org.offices.sort_by(|a, b| a.code.cmp(&b.code));
    org.teams.sort_by(|a, b| a.code.cmp(&b.code));
    org.staff.sort_by(|a, b| a.code.cmp(&b.code));
    // Every text cell is defused (a code may begin with `-`); numbers are written as they are.
    let d = defuse;

    let mut w = writer(dir, "areas.csv")?;
    write_row(&mut w, "areas.csv", &["code", "name"])?;
    for a in &org.areas {
        write_row(&mut w, "areas.csv", &[&d(a.code.as_str()), &d(a.name.as_str())])?;
    }
    w.flush().map_err(|e| io_err(dir, e))?;
    let mut w = writer(dir, "boroughs.csv")?;
    write_row(&mut w, "boroughs.csv", &["code", "area", "name"])?;
    for b in &org.boroughs {
        write_row(&mut w, "boroughs.csv", &[&d(b.code.as_str()), &d(b.area.as_str()), &d(b.name.as_str())])?;
    }
    w.flush().map_err(|e| io_err(dir, e))?;
    let mut w = writer(dir, "offices.csv")?;
    write_row(&mut w, "offices.csv", &["code", "borough", "name"])?;
    for o in &org.offices {
        write_row(&mut w, "offices.csv", &[&d(o.code.as_str()), &d(o.borough.as_str()), &d(o.name.as_str())])?;
    }
    w.flush().map_err(|e| io_err(dir, e))?;
    let mut w = writer(dir, "teams.csv")?;
    write_row(&mut w, "teams.csv", &["code", "office", "name"])?;
    for t in &org.teams {
        write_row(&mut w, "teams.csv", &[&d(t.code.as_str()), &d(t.office.as_str()), &d(t.name.as_str())])?;
    }
    w.flush().map_err(|e| io_err(dir, e))?;
    let mut w = writer(dir, "staff.csv")?;
    write_row(
        &mut w,
        "staff.csv",
        &["code", "team", "name", "grade", "contracted_hours", "employment", "specialisms"],
    )?;
    for s in &org.staff {
        let specialisms: Vec<String> = s.specialisms.iter().map(enum_text).collect();
        write_row(
            &mut w,
            "staff.csv",
            &[
                &d(s.code.as_str()),
                &d(s.team.as_str()),
                &d(s.name.as_str()),
                &d(&enum_text(&s.grade)),
                &s.contracted_hours.get().to_string(),
                &d(&enum_text(&s.employment)),
                &d(&specialisms.join(";")),
            ],
        )?;
    }
    w.flush().map_err(|e| io_err(dir, e))?;

    let mut w = writer(dir, "events.csv")?;
    write_row(
        &mut w,
        "events.csv",
        &["crn", "seq", "event_type", "schema_version", "occurred_at", "recorded_at", "recorded_by", "payload"],
    )?;
    let mut failed: Option<TransferError> = None;
    let n = store
        .export_events(&mut |r: EventRow| {
            let res = w.write_record([
                &*d(r.crn.as_str()),
                &r.seq.to_string(),
                &d(&r.event_type),
                &r.schema_version.to_string(),
                &d(&r.occurred_at),
                &d(&r.recorded_at),
                &d(&r.recorded_by),
                &d(&r.payload),
            ]);
            if let Err(e) = res {
                failed = Some(io_err(Path::new("events.csv"), &e));
                return Err(StoreError::field("events.csv", format!("events.csv: {e}")));
            }
            Ok(())
        })
        .await;
    if let Some(e) = failed {
        return Err(e);
    }
    let n = n?;
    w.flush().map_err(|e| io_err(dir, e))?;

    for table in TABLES {
        let file = table_file(table);
        let mut w = writer(dir, file)?;
        write_row(&mut w, file, &table.column_names())?;
        let mut failed: Option<TransferError> = None;
        let written = store
            .export_table(table, &mut |cells: Vec<Cell>| {
                let row: Vec<Cow<str>> =
                    table.columns.iter().zip(&cells).map(|(c, cell)| table_cell(c.kind, cell)).collect();
                if let Err(e) = w.write_record(row.iter().map(|c| c.as_bytes())) {
                    failed = Some(io_err(Path::new(file), &e));
                    return Err(StoreError::Invalid(format!("{file}: {e}")));
                }
                Ok(())
            })
            .await;
        if let Some(e) = failed {
            return Err(e);
        }
        written?;
        w.flush().map_err(|e| io_err(dir, e))?;
    }
    Ok(n)
}

/// Opens `file` in `dir` for reading, refusing it unless its header is exactly `header`.
fn open_with_header(dir: &Path, file: &str, header: &[&str]) -> Result<csv::Reader<BufReader<File>>, TransferError> {
    let path: PathBuf = dir.join(file);
    let f = File::open(&path).map_err(|e| io_err(&path, e))?;
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(BufReader::new(f));
    let found = r.headers().map_err(|e| io_err(&path, e))?.clone();
    if found.iter().collect::<Vec<_>>() != header {
        return Err(TransferError::File {
            file: file.into(),
            problem: format!(
                "header must be `{}`, found `{}`",
                header.join(","),
                found.iter().collect::<Vec<_>>().join(",")
            ),
        });
    }
    Ok(r)
}

/// Reads one CSV file with its expected header; each record is handed to `row` with its
/// 1-based data row number.
fn read_file(
    dir: &Path,
    file: &'static str,
    header: &[&str],
    mut row: impl FnMut(u64, &csv::StringRecord) -> Result<(), TransferError>,
) -> Result<(), TransferError> {
    let mut r = open_with_header(dir, file, header)?;
    for (i, rec) in r.records().enumerate() {
        let n = i as u64 + 1;
        let rec = rec.map_err(|e| TransferError::Row { file, row: n, field: "-".into(), problem: e.to_string() })?;
        row(n, &rec)?;
    }
    Ok(())
}

struct Cells<'a> {
    file: &'static str,
    row: u64,
    header: &'a [&'a str],
    rec: &'a csv::StringRecord,
}

impl Cells<'_> {
    fn err(&self, col: usize, problem: impl Into<String>) -> TransferError {
        TransferError::Row { file: self.file, row: self.row, field: self.header[col].into(), problem: problem.into() }
    }
    /// The cell's text, [`undefuse`]d.
    fn text(&self, col: usize) -> &str {
        undefuse(self.rec.get(col).unwrap_or(""))
    }
    fn code(&self, col: usize) -> Result<Code, TransferError> {
        Code::parse(self.text(col)).map_err(|e| self.err(col, e.problem))
    }
    fn name(&self, col: usize) -> Result<Name, TransferError> {
        let raw = self.text(col);
        let n = Name::parse(raw).map_err(|e| self.err(col, e.problem))?;
        if n.as_str() != raw {
            return Err(self.err(col, "has leading or trailing spaces"));
        }
        Ok(n)
    }
    fn parse_enum<T: serde::de::DeserializeOwned>(&self, col: usize, raw: &str) -> Result<T, TransferError> {
        serde_json::from_value(serde_json::Value::String(raw.to_owned()))
            .map_err(|_| self.err(col, format!("`{raw}` is not a known value")))
    }
    fn int(&self, col: usize) -> Result<i64, TransferError> {
        let raw = self.text(col);
        raw.parse().map_err(|_| self.err(col, format!("`{raw}` is not a whole number")))
    }
}

/// Reads the organisation files and checks them.
fn read_organisation(dir: &Path) -> Result<Organisation, TransferError> {
    let mut org = Organisation::default();
    const AREA: [&str; 2] = ["code", "name"];
    read_file(dir, "areas.csv", &AREA, |row, rec| {
        let c = Cells { file: "areas.csv", row, header: &AREA, rec };
        org.areas.push(Area { code: c.code(0)?, name: c.name(1)? });
        Ok(())
    })?;
    const BOROUGH: [&str; 3] = ["code", "area", "name"];
    read_file(dir, "boroughs.csv", &BOROUGH, |row, rec| {
        let c = Cells { file: "boroughs.csv", row, header: &BOROUGH, rec };
        org.boroughs.push(Borough { code: c.code(0)?, area: c.code(1)?, name: c.name(2)? });
        Ok(())
    })?;
    const OFFICE: [&str; 3] = ["code", "borough", "name"];
    read_file(dir, "offices.csv", &OFFICE, |row, rec| {
        let c = Cells { file: "offices.csv", row, header: &OFFICE, rec };
        org.offices.push(Office { code: c.code(0)?, borough: c.code(1)?, name: c.name(2)? });
        Ok(())
    })?;
    const TEAM: [&str; 3] = ["code", "office", "name"];
    read_file(dir, "teams.csv", &TEAM, |row, rec| {
        let c = Cells { file: "teams.csv", row, header: &TEAM, rec };
        org.teams.push(Team { code: c.code(0)?, office: c.code(1)?, name: c.name(2)? });
        Ok(())
    })?;
    const STAFF: [&str; 7] = ["code", "team", "name", "grade", "contracted_hours", "employment", "specialisms"];
    read_file(dir, "staff.csv", &STAFF, |row, rec| {
        let c = Cells { file: "staff.csv", row, header: &STAFF, rec };
        let hours_raw = c.text(4);
        let hours: f64 = hours_raw.parse().map_err(|_| c.err(4, format!("`{hours_raw}` is not a number")))?;
        org.staff.push(Staff {
            code: c.code(0)?,
            team: c.code(1)?,
            name: c.name(2)?,
            grade: c.parse_enum(3, c.text(3))?,
            contracted_hours: ContractedHours::new(hours).map_err(|e| c.err(4, e.problem))?,
            employment: c.parse_enum(5, c.text(5))?,
            specialisms: c
                .text(6)
                .split(';')
                .filter(|s| !s.is_empty())
                .map(|s| c.parse_enum(6, s))
                .collect::<Result<_, _>>()?,
        });
        Ok(())
    })?;
    org.validate().map_err(|e| TransferError::File { file: "organisation".into(), problem: e.to_string() })?;
    Ok(org)
}

/// Streams `events.csv` as batches of whole cases, checking every row.
struct EventBatches {
    reader: csv::StringRecordsIntoIter<BufReader<File>>,
    row: u64,
    pending: Option<(u64, EventRow)>,
    seen: std::collections::BTreeSet<String>,
    done: bool,
}

const EVENT_HEADER: [&str; 8] =
    ["crn", "seq", "event_type", "schema_version", "occurred_at", "recorded_at", "recorded_by", "payload"];

impl EventBatches {
    fn open(dir: &Path) -> Result<Self, TransferError> {
        let path = dir.join("events.csv");
        let f = File::open(&path).map_err(|e| io_err(&path, e))?;
        let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(BufReader::new(f));
        let found = r.headers().map_err(|e| io_err(&path, e))?.clone();
        if found.iter().collect::<Vec<_>>() != EVENT_HEADER {
            return Err(TransferError::File {
                file: "events.csv".into(),
                problem: format!("header must be `{}`", EVENT_HEADER.join(",")),
            });
        }
        Ok(Self { reader: r.into_records(), row: 0, pending: None, seen: Default::default(), done: false })
    }

    fn next_row(&mut self) -> Result<Option<(u64, EventRow)>, TransferError> {
        if let Some(p) = self.pending.take() {
            return Ok(Some(p));
        }
        let Some(rec) = self.reader.next() else { return Ok(None) };
        self.row += 1;
        let row = self.row;
        let rec =
            rec.map_err(|e| TransferError::Row { file: "events.csv", row, field: "-".into(), problem: e.to_string() })?;
        let c = Cells { file: "events.csv", row, header: &EVENT_HEADER, rec: &rec };
        Ok(Some((
            row,
            EventRow {
                crn: c.text(0).to_owned(),
                seq: c.int(1)?,
                event_type: c.text(2).to_owned(),
                schema_version: c.int(3)?,
                occurred_at: c.text(4).to_owned(),
                recorded_at: c.text(5).to_owned(),
                recorded_by: c.text(6).to_owned(),
                payload: c.text(7).to_owned(),
            },
        )))
    }

    /// The rows of the next case: consecutive rows sharing a CRN.
    fn next_case(&mut self) -> Result<Option<LoadCase>, TransferError> {
        let Some((first_row, first)) = self.next_row()? else { return Ok(None) };
        let crn = first.crn.clone();
        if !self.seen.insert(crn.clone()) {
            return Err(TransferError::Row {
                file: "events.csv",
                row: first_row,
                field: "crn".into(),
                problem: format!("the rows of case {crn} must be together, in sequence order"),
            });
        }
        let mut rows = vec![first];
        while let Some((n, r)) = self.next_row()? {
            if r.crn != crn {
                self.pending = Some((n, r));
                break;
            }
            rows.push(r);
        }
        LoadCase::from_rows(rows).map(Some).map_err(|(i, field, problem)| TransferError::Row {
            file: "events.csv",
            row: first_row + i as u64,
            field: field.into(),
            problem,
        })
    }
}

/// Streams a table file as batches of checked rows.
struct TableReader {
    table: &'static Table,
    file: &'static str,
    reader: csv::StringRecordsIntoIter<BufReader<File>>,
    row: u64,
}

impl TableReader {
    fn open(dir: &Path, table: &'static Table) -> Result<Self, TransferError> {
        let file = table_file(table);
        let r = open_with_header(dir, file, &table.column_names())?;
        Ok(Self { table, file, reader: r.into_records(), row: 0 })
    }

    /// Up to `n` rows, each checked against its columns; none at the end of the file.
    fn next_batch(&mut self, n: usize) -> Result<Vec<Vec<Cell>>, TransferError> {
        let mut rows = Vec::new();
        while rows.len() < n {
            let Some(rec) = self.reader.next() else { break };
            self.row += 1;
            let (file, row) = (self.file, self.row);
            let rec = rec.map_err(|e| TransferError::Row { file, row, field: "-".into(), problem: e.to_string() })?;
            let mut cells = Vec::with_capacity(self.table.columns.len());
            for (c, raw) in self.table.columns.iter().zip(rec.iter()) {
                let cell = read_table_cell(c.kind, raw);
                c.check(&cell).map_err(|problem| TransferError::Row { file, row, field: c.name.into(), problem })?;
                cells.push(cell);
            }
            rows.push(cells);
        }
        Ok(rows)
    }
}

/// Which table files an export holds: all of them, or none (an export made before they were
/// added). Anything between is refused naming a missing file, so a lost file is not taken
/// for an empty table.
fn has_table_files(dir: &Path) -> Result<bool, TransferError> {
    let tables = &FILES[CORE_FILES.len()..];
    let missing: Vec<&str> = tables.iter().copied().filter(|f| !dir.join(f).is_file()).collect();
    match missing.first() {
        None => Ok(true),
        Some(_) if missing.len() == tables.len() => Ok(false),
        Some(f) => Err(TransferError::File {
            file: (*f).into(),
            problem: format!(
                "missing from {}: an export holds every table file, or none when it was made before they were added",
                dir.display()
            ),
        }),
    }
}

/// Imports an export into an EMPTY store: everything lands or nothing does. Returns the
/// number of cases.
pub async fn import<S: BackupStore>(
    store: &S,
    dir: &Path,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64, TransferError> {
    for f in CORE_FILES {
        if !dir.join(f).is_file() {
            return Err(TransferError::File { file: f.into(), problem: format!("missing from {}", dir.display()) });
        }
    }
    let with_tables = has_table_files(dir)?;
    let org = read_organisation(dir)?;
    if !store.is_empty().await? {
        return Err(StoreError::NotEmpty.into());
    }
    let mut readers = Vec::new();
    if with_tables {
        for t in TABLES {
            readers.push(TableReader::open(dir, t)?);
        }
    }
    let mut batches = EventBatches::open(dir)?;
    // A row error found while streaming aborts the load (rolling it back) and is reported
    // in full here rather than as a store error.
    let failure: std::sync::Mutex<Option<TransferError>> = std::sync::Mutex::new(None);
    let fail = |e: TransferError| {
        let msg = e.to_string();
        *failure.lock().expect("not poisoned") = Some(e);
        StoreError::Invalid(msg)
    };
    let mut readers = readers.into_iter().peekable();
    let tables = std::iter::from_fn(|| {
        while let Some(r) = readers.peek_mut() {
            match r.next_batch(2000) {
                Ok(rows) if rows.is_empty() => {
                    readers.next();
                }
                Ok(rows) => return Some(Ok(TableRows { table: r.table, rows })),
                Err(e) => {
                    readers = Vec::new().into_iter().peekable();
                    return Some(Err(fail(e)));
                }
            }
        }
        None
    });
    let mut cases = std::iter::from_fn(|| {
        if batches.done {
            return None;
        }
        let mut batch = Vec::new();
        while batch.len() < 2000 {
            match batches.next_case() {
                Ok(Some(c)) => batch.push(c),
                Ok(None) => {
                    batches.done = true;
                    break;
                }
                Err(e) => {
                    batches.done = true;
                    return Some(Err(fail(e)));
                }
            }
        }
        if batch.is_empty() { None } else { Some(Ok(batch)) }
    });
    let loaded = if with_tables {
        store.restore(&org, tables, cases, progress).await
    } else {
        store.bulk_load(&org, &mut cases, progress).await.map_err(RestoreError::from)
    };
    match loaded {
        Ok(n) => Ok(n),
        Err(e) => Err(match failure.into_inner().expect("not poisoned") {
            Some(row) => row,
            None => match e.table.and_then(|t| TABLES.iter().find(|x| x.name == t)) {
                Some(t) => TransferError::Load { file: table_file(t), source: e.source },
                None => TransferError::Store(e.source),
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_table_has_its_file_in_load_order() {
        let names: Vec<String> = TABLES.iter().map(|t| format!("{}.csv", t.name)).collect();
        assert_eq!(FILES[CORE_FILES.len()..], names.iter().map(String::as_str).collect::<Vec<_>>()[..]);
        assert_eq!(FILES[..CORE_FILES.len()], CORE_FILES);
    }

    #[test]
    fn formula_starts_are_defused_and_come_back() {
        for (text, cell) in [
            ("=1+1", "'=1+1"),
            ("+44 7700", "'+44 7700"),
            ("-x", "'-x"),
            ("@a", "'@a"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'q", "''q"),
            ("plain", "plain"),
            ("", ""),
        ] {
            assert_eq!(defuse(text), cell);
            assert_eq!(undefuse(cell), text);
        }
        assert_eq!(table_cell(Kind::Text, &Some(String::new())), "'");
        assert_eq!(table_cell(Kind::Text, &None), "");
        assert_eq!(table_cell(Kind::Int, &Some("-5".into())), "-5");
        assert_eq!(read_table_cell(Kind::Text, "'"), Some(String::new()));
        assert_eq!(read_table_cell(Kind::Int, ""), None);
    }

    proptest! {
        #[test]
        fn defusing_round_trips_and_leaves_no_formula_start(text in any::<String>()) {
            let cell = defuse(&text);
            prop_assert_eq!(undefuse(&cell), text.as_str());
            prop_assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{:?}", cell);
        }

        #[test]
        fn table_text_cells_round_trip_with_null_apart_from_empty(cell in proptest::option::of(any::<String>())) {
            let written = table_cell(Kind::Text, &cell).into_owned();
            prop_assert_eq!(read_table_cell(Kind::Text, &written), cell);
            prop_assert!(!written.starts_with(['=', '+', '-', '@', '\t', '\r']), "{:?}", written);
        }
    }
}
