//! Proven reoffences on generated cases (issue 6, item 3), so the demo's proven reoffending
//! figures have something to count.
//!
//! Run over a case's finished stream with a random stream of its own, so the generator's
//! other draws (and so the rest of the calibration) are untouched. Calibration: the report
//! gives the London CRC's proven reoffending as a binary rate of 43.4% and a frequency of 4.2
//! reoffences per reoffender (docs/rules/practice.md#proven-reoffending). For each start (a community sentence or a
//! release), the person reoffends with probability [`BINARY`]; the number of offences is one plus a
//! geometric count with mean [`FREQUENCY`] - 1; each is committed on a day drawn over the 12
//! months after the start and proven 2 weeks to 8 months later, so a few fall after the
//! 6-month waiting period, as they do in life. Only offences proven before the reference date
//! are recorded.

use crate::draw::case_rng;
use domain::case::uk_date;
use domain::event::{CaseEvent, RecordedEvent};
use domain::ids::Name;
use domain::reoffending::Disposal;
use jiff::Timestamp;
use jiff::civil::Date;
use rand::RngExt;

/// Share of starts followed by a proven reoffence: the report's London CRC binary rate.
const BINARY: f64 = 0.434;
/// Proven reoffences per reoffender: the report's London CRC frequency rate.
const FREQUENCY: f64 = 4.2;
/// Share of proven reoffences dealt with by a caution. Assumption.
const CAUTION: f64 = 0.15;
/// Days from offence to conviction or caution. Assumption.
const PROVEN_AFTER: (i64, i64) = (14, 240);
/// Courts that convict (London magistrates' and Crown courts).
const COURTS: [&str; 6] = [
    "Highbury Corner Magistrates Court",
    "Westminster Magistrates Court",
    "Thames Magistrates Court",
    "Croydon Magistrates Court",
    "Willesden Magistrates Court",
    "Wood Green Crown Court",
];
/// Keeps this stream apart from the case's main one.
const STREAM: u64 = 0x5EED_0FFE;

/// `events` with the case's proven reoffences added in time order, renumbered. `cutoff` is
/// the start of the reference date: nothing is recorded on or after it.
pub(super) fn with_reoffences(
    seed: u64,
    index: u64,
    cutoff: Timestamp,
    events: Vec<RecordedEvent>,
) -> Vec<RecordedEvent> {
    let starts: Vec<Date> = events
        .iter()
        .filter_map(|e| match &e.event {
            CaseEvent::SentenceImposed { sentence } if sentence.kind.is_community() => Some(sentence.sentence_date),
            CaseEvent::ReleasedFromCustody { on, .. } => Some(*on),
            _ => None,
        })
        .collect();
    if starts.is_empty() {
        return events;
    }
    let mut rng = case_rng(seed ^ STREAM, index);
    let last_day = uk_date(cutoff);
    let mut added: Vec<RecordedEvent> = Vec::new();
    for start in starts {
        if !rng.random_bool(BINARY) {
            continue;
        }
        let mut offences = 1;
        while offences < 20 && !rng.random_bool(1.0 / FREQUENCY) {
            offences += 1;
        }
        for _ in 0..offences {
            let offence = start + jiff::Span::new().days(rng.random_range(1..=365));
            let proven = offence + jiff::Span::new().days(rng.random_range(PROVEN_AFTER.0..=PROVEN_AFTER.1));
            if proven >= last_day {
                continue;
            }
            let (disposal, court) = if rng.random_bool(CAUTION) {
                (Disposal::Caution, None)
            } else {
                let court = COURTS[rng.random_range(0..COURTS.len())];
                (Disposal::Conviction, Some(Name::parse(court).expect("court names are valid")))
            };
            // Recorded at 1 p.m. UTC on the day it was proven (the same UK date all year).
            let Ok(at) = jiff::tz::TimeZone::UTC.to_timestamp(proven.at(13, 0, 0, 0)) else { continue };
            let by = events
                .iter()
                .rev()
                .find(|e| e.occurred_at <= at)
                .or(events.first())
                .map(|e| e.recorded_by.clone())
                .expect("the stream is not empty");
            let Some(first) = events.first() else { continue };
            added.push(RecordedEvent {
                crn: first.crn.clone(),
                seq: 0,
                occurred_at: at,
                recorded_at: (at + jiff::SignedDuration::from_hours(2)).min(cutoff).max(at),
                recorded_by: by,
                event: CaseEvent::ReoffenceProven { offence_date: offence, proven_on: proven, disposal, court },
            });
        }
    }
    if added.is_empty() {
        return events;
    }
    let mut out = events;
    out.extend(added);
    // Stable: events at the same instant keep the order they were made in.
    out.sort_by_key(|e| e.occurred_at);
    for (i, e) in out.iter_mut().enumerate() {
        e.seq = i as u64 + 1;
    }
    out
}
