//! CSV export and import: one file per entity, lossless.
//!
//! The event log is the record; projections are not exported, because an import rebuilds
//! them from the events. An import goes into an empty store in one transaction, so it lands
//! whole or not at all, and every row is checked as the log would check it on append.

use domain::ids::{Code, Name};
use domain::org::{Area, Borough, ContractedHours, Office, Organisation, Staff, Team};
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use store::{CaseStore, EventRow, LoadCase, StoreError, enum_text};

/// The files of an export, in load order.
pub const FILES: [&str; 6] = ["areas.csv", "boroughs.csv", "offices.csv", "teams.csv", "staff.csv", "events.csv"];

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// A bad value in a file: names the file, the 1-based data row (header not counted) and
    /// the column.
    #[error("{file} row {row}: {field}: {problem}")]
    Row { file: &'static str, row: u64, field: String, problem: String },
    #[error("{file}: {problem}")]
    File { file: String, problem: String },
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
pub async fn export<S: CaseStore>(store: &S, dir: &Path) -> Result<u64, TransferError> {
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    let mut org = store.organisation().await?;
    // Sorted here, not by the database, so both engines write the same bytes.
    org.areas.sort_by(|a, b| a.code.cmp(&b.code));
    org.boroughs.sort_by(|a, b| a.code.cmp(&b.code));
    org.offices.sort_by(|a, b| a.code.cmp(&b.code));
    org.teams.sort_by(|a, b| a.code.cmp(&b.code));
    org.staff.sort_by(|a, b| a.code.cmp(&b.code));

    let mut w = writer(dir, "areas.csv")?;
    write_row(&mut w, "areas.csv", &["code", "name"])?;
    for a in &org.areas {
        write_row(&mut w, "areas.csv", &[a.code.as_str(), a.name.as_str()])?;
    }
    w.flush().map_err(|e| io_err(dir, e))?;
    let mut w = writer(dir, "boroughs.csv")?;
    write_row(&mut w, "boroughs.csv", &["code", "area", "name"])?;
    for b in &org.boroughs {
        write_row(&mut w, "boroughs.csv", &[b.code.as_str(), b.area.as_str(), b.name.as_str()])?;
    }
    w.flush().map_err(|e| io_err(dir, e))?;
    let mut w = writer(dir, "offices.csv")?;
    write_row(&mut w, "offices.csv", &["code", "borough", "name"])?;
    for o in &org.offices {
        write_row(&mut w, "offices.csv", &[o.code.as_str(), o.borough.as_str(), o.name.as_str()])?;
    }
    w.flush().map_err(|e| io_err(dir, e))?;
    let mut w = writer(dir, "teams.csv")?;
    write_row(&mut w, "teams.csv", &["code", "office", "name"])?;
    for t in &org.teams {
        write_row(&mut w, "teams.csv", &[t.code.as_str(), t.office.as_str(), t.name.as_str()])?;
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
                s.code.as_str(),
                s.team.as_str(),
                s.name.as_str(),
                &enum_text(&s.grade),
                &s.contracted_hours.get().to_string(),
                &enum_text(&s.employment),
                &specialisms.join(";"),
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
                r.crn.as_str(),
                &r.seq.to_string(),
                &r.event_type,
                &r.schema_version.to_string(),
                &r.occurred_at,
                &r.recorded_at,
                &r.recorded_by,
                &r.payload,
            ]);
            if let Err(e) = res {
                failed = Some(io_err(Path::new("events.csv"), &e));
                return Err(StoreError::Invalid(format!("events.csv: {e}")));
            }
            Ok(())
        })
        .await;
    if let Some(e) = failed {
        return Err(e);
    }
    let n = n?;
    w.flush().map_err(|e| io_err(dir, e))?;
    Ok(n)
}

/// Reads one CSV file with its expected header; each record is handed to `row` with its
/// 1-based data row number.
fn read_file(
    dir: &Path,
    file: &'static str,
    header: &[&str],
    mut row: impl FnMut(u64, &csv::StringRecord) -> Result<(), TransferError>,
) -> Result<(), TransferError> {
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
    fn text(&self, col: usize) -> &str {
        self.rec.get(col).unwrap_or("")
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

/// Imports an export into an EMPTY store: everything lands or nothing does. Returns the
/// number of cases.
pub async fn import<S: CaseStore>(
    store: &S,
    dir: &Path,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64, TransferError> {
    for f in FILES {
        if !dir.join(f).is_file() {
            return Err(TransferError::File { file: f.into(), problem: format!("missing from {}", dir.display()) });
        }
    }
    let org = read_organisation(dir)?;
    if !store.is_empty().await? {
        return Err(StoreError::NotEmpty.into());
    }
    let mut batches = EventBatches::open(dir)?;
    // A row error found while streaming aborts the load (rolling it back) and is reported
    // in full here rather than as a store error.
    let failure: std::sync::Mutex<Option<TransferError>> = std::sync::Mutex::new(None);
    let iter = std::iter::from_fn(|| {
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
                    let msg = e.to_string();
                    *failure.lock().expect("not poisoned") = Some(e);
                    return Some(Err(StoreError::Invalid(msg)));
                }
            }
        }
        if batch.is_empty() { None } else { Some(Ok(batch)) }
    });
    match store.bulk_load(&org, iter, progress).await {
        Ok(n) => Ok(n),
        Err(e) => Err(failure.into_inner().expect("not poisoned").unwrap_or(TransferError::Store(e))),
    }
}
