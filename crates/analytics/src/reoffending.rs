//! The proven reoffending measure, exactly as docs/rules/practice.md#proven-reoffending defines it.
//!
//! A person enters the cohort of the calendar quarter of their first start in that
//! quarter, so someone who starts in January and again in August is in two cohorts. For
//! each cohort entry, a reoffence of that person counts when it was committed strictly
//! after the start and no later than 12 months after it, and proven no later than 18
//! months after it (12 months plus the 6-month waiting period). Both limits are
//! inclusive and use [`add_months`]. Reoffences belong to the person, not to the row or
//! the start that carries them.
//!
//! Decisions where docs/rules/practice.md#proven-reoffending is silent:
//! - "After that start" is strictly after: an offence on the start day itself is not a
//!   reoffence, because on that day it cannot be told apart from the index offence or
//!   from offending before the order began.
//! - Only quarters with at least one start appear; quarters are listed oldest first.
//! - A row is one proven reoffence (the file format says so). Two rows with the same
//!   person, offence date and proven date under the same start are two reoffences:
//!   several offences committed on one day and dealt with at one hearing are common, and
//!   the national measure counts each offence. The same reoffence repeated under
//!   *different* starts of the person (as a join of starts and reoffences exports it) is
//!   counted once: a reoffence's multiplicity is the largest number of rows carrying it
//!   under any one start date.
//! - A proven date before the offence date is an input error in the CSV. The typed core
//!   trusts its input (the store validates events when they are recorded).

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use jiff::civil::Date;
use serde::{Serialize, Serializer};

use crate::calendar::{add_months, parse_iso_date};
use crate::rounding::two_decimals;
use domain::event::CaseEvent;
use domain::ids::Code;

/// Months after a start during which an offence must be committed.
pub const FOLLOW_UP_MONTHS: i32 = 12;
/// Months after a start by which the offence must be proven (12-month follow-up plus the
/// 6-month waiting period for the conviction or caution).
pub const PROVEN_BY_MONTHS: i32 = 18;

/// The start of a community sentence, or a release from custody.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    pub person: String,
    pub date: Date,
}

/// A proven reoffence: committed on `offence_date`, proven by conviction or caution on
/// `proven_date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reoffence {
    pub person: String,
    pub offence_date: Date,
    pub proven_date: Date,
}

/// A calendar quarter, shown as `2025-Q1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i16,
    /// 1 to 4.
    pub quarter: u8,
}

impl Quarter {
    /// The quarter a date falls in.
    pub fn of(date: Date) -> Quarter {
        Quarter { year: date.year(), quarter: u8::try_from((date.month() - 1) / 3 + 1).unwrap_or(1) }
    }
}

impl Quarter {
    /// Parses `2025-Q1`, as [`Quarter`] displays.
    pub fn parse(text: &str) -> Option<Quarter> {
        let (year, quarter) = text.split_once("-Q")?;
        let (year, quarter) = (year.parse().ok()?, quarter.parse().ok()?);
        (year >= 1 && (1..=4).contains(&quarter) && text.len() == 7).then_some(Quarter { year, quarter })
    }

    /// The quarter's last day.
    pub fn last_day(self) -> Date {
        let month = i8::try_from(self.quarter * 3).unwrap_or(12);
        Date::new(self.year, month, 1).map_or(Date::MAX, |first| first.last_of_month())
    }

    /// The last day on which the cohort's figures can still change: the proven-by limit of
    /// a start on the quarter's last day. A cohort is final (publishable) after it.
    pub fn follow_up_ends(self) -> Date {
        add_months(self.last_day(), PROVEN_BY_MONTHS)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-Q{}", self.year, self.quarter)
    }
}

impl Serialize for Quarter {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One cohort's figures, serialised as the `probity mi reoffending` output object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortFigures {
    pub cohort: Quarter,
    pub people: u64,
    pub reoffenders: u64,
    pub reoffences: u64,
    /// reoffenders / people x 100, two decimals.
    pub binary_rate: f64,
    /// reoffences / reoffenders, two decimals; `None` (JSON null) with no reoffenders.
    pub frequency_rate: Option<f64>,
}

/// The measure from typed starts and reoffences: one [`CohortFigures`] per quarter that
/// has a start, oldest first.
pub fn proven_reoffending(starts: &[Start], reoffences: &[Reoffence]) -> Vec<CohortFigures> {
    // Cohort entries: each person's earliest start in each quarter.
    let mut entries: BTreeMap<(Quarter, &str), Date> = BTreeMap::new();
    for start in starts {
        entries
            .entry((Quarter::of(start.date), start.person.as_str()))
            .and_modify(|date| *date = (*date).min(start.date))
            .or_insert(start.date);
    }

    // Each person's reoffences, by offence date, so a window is a contiguous run.
    let mut by_person: HashMap<&str, Vec<&Reoffence>> = HashMap::new();
    for reoffence in reoffences {
        by_person.entry(reoffence.person.as_str()).or_default().push(reoffence);
    }
    for list in by_person.values_mut() {
        list.sort_by_key(|r| r.offence_date);
    }

    #[derive(Default)]
    struct Tally {
        people: u64,
        reoffenders: u64,
        reoffences: u64,
    }
    let mut tallies: BTreeMap<Quarter, Tally> = BTreeMap::new();
    for (&(quarter, person), &start) in &entries {
        let counted = by_person.get(person).map_or(0, |list| counted_reoffences(start, list));
        let tally = tallies.entry(quarter).or_default();
        tally.people += 1;
        tally.reoffences += counted;
        if counted > 0 {
            tally.reoffenders += 1;
        }
    }

    tallies
        .into_iter()
        .map(|(cohort, t)| CohortFigures::from_counts(cohort, t.people, t.reoffenders, t.reoffences))
        .collect()
}

impl CohortFigures {
    /// A cohort's rates from its counts: the one place the rates are computed, for the CSV
    /// and for the store alike.
    pub fn from_counts(cohort: Quarter, people: u64, reoffenders: u64, reoffences: u64) -> CohortFigures {
        CohortFigures {
            cohort,
            people,
            reoffenders,
            reoffences,
            binary_rate: if people == 0 { 0.0 } else { two_decimals(reoffenders, people, 100) },
            frequency_rate: (reoffenders > 0).then(|| two_decimals(reoffences, reoffenders, 1)),
        }
    }
}

/// How many of a person's reoffences (sorted by offence date) count for a start.
fn counted_reoffences(start: Date, sorted: &[&Reoffence]) -> u64 {
    let committed_by = add_months(start, FOLLOW_UP_MONTHS);
    let proven_by = add_months(start, PROVEN_BY_MONTHS);
    let first = sorted.partition_point(|r| r.offence_date <= start);
    let counted = sorted[first..]
        .iter()
        .take_while(|r| r.offence_date <= committed_by)
        .filter(|r| r.proven_date <= proven_by)
        .count();
    u64::try_from(counted).unwrap_or(u64::MAX)
}

/// What put a person in a cohort: the start of a community sentence or a release from
/// custody (docs/rules/practice.md#proven-reoffending).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StartKind {
    CommunitySentence,
    Release,
}

impl StartKind {
    pub fn id(self) -> &'static str {
        match self {
            StartKind::CommunitySentence => "community_sentence",
            StartKind::Release => "release",
        }
    }

    pub fn parse(text: &str) -> Option<StartKind> {
        [StartKind::CommunitySentence, StartKind::Release].into_iter().find(|k| k.id() == text)
    }
}

/// One case's place in one quarter's cohort, as the store's `mi_reoffending` projection
/// keeps it: the first start in the quarter and how many of the person's proven reoffences
/// count for it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CohortEntry {
    pub cohort: Quarter,
    pub start: Date,
    pub kind: StartKind,
    /// Proven reoffences counted for this start (0: the person did not reoffend).
    pub reoffences: u64,
    /// The team holding the case on the start day, or the first team allocated after it.
    pub team: Option<Code>,
}

/// A case's cohort entries from its record (each event with the UK date it occurred), in
/// quarter order. Starts are community and suspended sentence orders (on the sentence
/// date) and releases from custody; reoffences are `reoffence_proven` events only, so a
/// breach or a recall during the follow-up is never one. A person is one case (one CRN).
pub fn case_cohort_entries<'a>(events: impl IntoIterator<Item = (Date, &'a CaseEvent)>) -> Vec<CohortEntry> {
    let mut starts: Vec<(Date, StartKind)> = Vec::new();
    let mut reoffences: Vec<Reoffence> = Vec::new();
    let mut allocations: Vec<(Date, Code)> = Vec::new();
    for (on, event) in events {
        match event {
            CaseEvent::SentenceImposed { sentence } if sentence.kind.is_community() => {
                starts.push((sentence.sentence_date, StartKind::CommunitySentence));
            }
            CaseEvent::ReleasedFromCustody { on: released, .. } => starts.push((*released, StartKind::Release)),
            CaseEvent::ReoffenceProven { offence_date, proven_on, .. } => reoffences.push(Reoffence {
                person: String::new(),
                offence_date: *offence_date,
                proven_date: *proven_on,
            }),
            CaseEvent::OfficerAllocated { team, .. } => allocations.push((on, team.clone())),
            _ => {}
        }
    }
    reoffences.sort_by_key(|r| r.offence_date);
    let sorted: Vec<&Reoffence> = reoffences.iter().collect();
    // The first start in each quarter (ties: a release before a community start, by order).
    let mut firsts: BTreeMap<Quarter, (Date, StartKind)> = BTreeMap::new();
    for (date, kind) in starts {
        firsts.entry(Quarter::of(date)).and_modify(|f| *f = (*f).min((date, kind))).or_insert((date, kind));
    }
    firsts
        .into_iter()
        .map(|(cohort, (start, kind))| {
            let team = allocations
                .iter()
                .rev()
                .find(|(on, _)| *on <= start)
                .or_else(|| allocations.iter().find(|(on, _)| *on > start))
                .map(|(_, team)| team.clone());
            CohortEntry { cohort, start, kind, reoffences: counted_reoffences(start, &sorted), team }
        })
        .collect()
}

/// Why a reoffending CSV was refused. Each message is one line naming the column and,
/// for a bad row, both its 1-based data row (the header is not counted) and its file line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("missing column {column} (the header must name person, start_date, offence_date, proven_date)")]
    MissingColumn { column: &'static str },
    #[error("data row {row} (file line {line}): column {column} is empty")]
    Empty { row: u64, line: u64, column: &'static str },
    #[error("data row {row} (file line {line}): column {column}: {value:?} is not a date (YYYY-MM-DD)")]
    BadDate { row: u64, line: u64, column: &'static str, value: String },
    #[error(
        "data row {row} (file line {line}): column {missing} is empty but {present} is not (give both dates of a reoffence, or neither)"
    )]
    HalfReoffence { row: u64, line: u64, present: &'static str, missing: &'static str },
    #[error("data row {row} (file line {line}): column proven_date: {proven} is before offence_date {offence}")]
    ProvenBeforeOffence { row: u64, line: u64, offence: Date, proven: Date },
    #[error("data row {row} (file line {line}): {message}")]
    Malformed { row: u64, line: u64, message: String },
}

const PERSON: &str = "person";
const START_DATE: &str = "start_date";
const OFFENCE_DATE: &str = "offence_date";
const PROVEN_DATE: &str = "proven_date";

/// Parses the `probity mi reoffending` CSV (header row; columns person, start_date,
/// offence_date, proven_date in any order, other columns ignored; surrounding spaces
/// trimmed, a leading byte-order mark skipped) and computes the measure. Every row is a start; a row with both reoffence
/// dates is also a proven reoffence. See the module documentation for how repeated rows
/// count.
pub fn reoffending_from_csv(csv: &str) -> Result<Vec<CohortFigures>, InputError> {
    let (starts, reoffences) = parse_csv(csv)?;
    Ok(proven_reoffending(&starts, &reoffences))
}

/// The rows of a reoffending CSV as typed starts and reoffences.
pub fn parse_csv(csv: &str) -> Result<(Vec<Start>, Vec<Reoffence>), InputError> {
    // Spreadsheet exports often start with a byte-order mark; it is not part of a name.
    let csv = csv.strip_prefix('\u{feff}').unwrap_or(csv);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::All).from_reader(csv.as_bytes());
    let header = reader.headers().map_err(|e| malformed(0, &e))?.clone();
    let column =
        |name: &'static str| header.iter().position(|h| h == name).ok_or(InputError::MissingColumn { column: name });
    let person_at = column(PERSON)?;
    let start_at = column(START_DATE)?;
    let offence_at = column(OFFENCE_DATE)?;
    let proven_at = column(PROVEN_DATE)?;

    let mut starts = Vec::new();
    // Rows per (person, offence, proven), per start date: see the module docs.
    let mut carried: HashMap<(String, Date, Date), HashMap<Date, u64>> = HashMap::new();
    let mut first_seen: Vec<(String, Date, Date)> = Vec::new();

    for (index, record) in reader.records().enumerate() {
        let row = u64::try_from(index).unwrap_or(u64::MAX).saturating_add(1);
        let record = record.map_err(|e| malformed(row, &e))?;
        let line = record.position().map_or(row + 1, |p| p.line());
        let field = |at: usize| record.get(at).unwrap_or("");
        let date = |at: usize, name: &'static str| -> Result<Option<Date>, InputError> {
            let text = field(at);
            if text.is_empty() {
                return Ok(None);
            }
            parse_iso_date(text).map(Some).ok_or_else(|| InputError::BadDate {
                row,
                line,
                column: name,
                value: text.to_owned(),
            })
        };

        let person = field(person_at);
        if person.is_empty() {
            return Err(InputError::Empty { row, line, column: PERSON });
        }
        let start = date(start_at, START_DATE)?.ok_or(InputError::Empty { row, line, column: START_DATE })?;
        let offence = date(offence_at, OFFENCE_DATE)?;
        let proven = date(proven_at, PROVEN_DATE)?;
        starts.push(Start { person: person.to_owned(), date: start });
        match (offence, proven) {
            (None, None) => {}
            (Some(_), None) => {
                return Err(InputError::HalfReoffence { row, line, present: OFFENCE_DATE, missing: PROVEN_DATE });
            }
            (None, Some(_)) => {
                return Err(InputError::HalfReoffence { row, line, present: PROVEN_DATE, missing: OFFENCE_DATE });
            }
            (Some(offence), Some(proven)) => {
                if proven < offence {
                    return Err(InputError::ProvenBeforeOffence { row, line, offence, proven });
                }
                let key = (person.to_owned(), offence, proven);
                let per_start = carried.entry(key.clone()).or_insert_with(|| {
                    first_seen.push(key);
                    HashMap::new()
                });
                *per_start.entry(start).or_default() += 1;
            }
        }
    }

    let mut reoffences = Vec::new();
    for key in first_seen {
        let multiplicity = carried[&key].values().copied().max().unwrap_or(0);
        for _ in 0..multiplicity {
            reoffences.push(Reoffence { person: key.0.clone(), offence_date: key.1, proven_date: key.2 });
        }
    }
    Ok((starts, reoffences))
}

fn malformed(row: u64, error: &csv::Error) -> InputError {
    let line = error.position().map_or(row + 1, |p| p.line());
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("expected {expected_len} fields as in the header, found {len}")
        }
        _ => error.to_string(),
    };
    InputError::Malformed { row, line, message }
}

#[cfg(test)]
mod tests;
