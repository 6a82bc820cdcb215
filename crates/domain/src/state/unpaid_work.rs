//! Unpaid work facts on the case record: what the person can attend and the supervisor's
//! timesheets, with the credit rule. The gates for their events are `unpaid_work`.

use crate::contact::Outcome;
use crate::ids::{InvalidValue, LocalId};
use jiff::civil::{DateTime, Time};
use serde::{Deserialize, Serialize};

/// Travel time and other adjustments are each capped at 180 minutes (docs/rules/practice.md#unpaid-work).
pub const ADJUSTMENT_CAP_MINUTES: u16 = 180;

/// A day of the week the person can work, as the scheduler spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkDay {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl WorkDay {
    pub const ALL: [WorkDay; 7] =
        [WorkDay::Mon, WorkDay::Tue, WorkDay::Wed, WorkDay::Thu, WorkDay::Fri, WorkDay::Sat, WorkDay::Sun];

    /// Monday = 0.
    pub fn index(self) -> u8 {
        self as u8
    }
}

/// Why the person is not free at a time: employment (a zero-hours shift), childcare, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusyReason {
    Employment,
    Childcare,
    Education,
    Health,
    Other,
}

/// A time the person cannot do unpaid work, half-open `[from, to)`, local UK time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusyPeriod {
    pub from: DateTime,
    pub to: DateTime,
    pub reason: BusyReason,
}

/// What the scheduler must respect for this person (docs/rules/practice.md#unpaid-work: "Placements suit the person").
/// A new record replaces the previous one (a zero-hours worker's shifts change weekly).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnpaidWorkNeeds {
    /// Days the person can work at all (regular employment, childcare).
    pub days: Vec<WorkDay>,
    /// One-off times they cannot work (shifts, childcare cover).
    #[serde(default)]
    pub busy: Vec<BusyPeriod>,
    pub women_only: bool,
    pub singleton: bool,
    /// Sessions a week the person may be given (1 to 7).
    pub sessions_per_week: u8,
}

impl UnpaidWorkNeeds {
    pub fn validate(&self) -> Result<(), InvalidValue> {
        if !(1..=7).contains(&self.sessions_per_week) {
            return Err(InvalidValue::new(
                "needs.sessions_per_week",
                format!("must be 1 to 7, not {}", self.sessions_per_week),
            ));
        }
        if let Some(b) = self.busy.iter().find(|b| b.to <= b.from) {
            return Err(InvalidValue::new(
                "needs.busy",
                format!("{} to {}: the end is not after the start", b.from, b.to),
            ));
        }
        Ok(())
    }
}

/// The supervisor's record of one session for one person, made on the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timesheet {
    pub started: Time,
    pub finished: Time,
    /// Minutes deducted (late arrival, long breaks).
    #[serde(default)]
    pub penalty_minutes: u16,
    /// Credited travel time (e.g. to a distant placement), at most 180.
    #[serde(default)]
    pub travel_minutes: u16,
    /// Other credited adjustments, at most 180.
    #[serde(default)]
    pub other_minutes: u16,
}

impl Timesheet {
    /// Worked minutes before adjustments: finished - started.
    pub fn length_minutes(&self) -> i64 {
        (self.finished.hour() as i64 * 60 + self.finished.minute() as i64)
            - (self.started.hour() as i64 * 60 + self.started.minute() as i64)
    }

    pub fn validate(&self) -> Result<(), InvalidValue> {
        let length = self.length_minutes();
        if length <= 0 {
            return Err(InvalidValue::new(
                "timesheet.finished",
                format!("{} is not after the start {}", self.finished, self.started),
            ));
        }
        if i64::from(self.penalty_minutes) > length {
            return Err(InvalidValue::new(
                "timesheet.penalty_minutes",
                format!("{} is longer than the session ({length} minutes)", self.penalty_minutes),
            ));
        }
        for (field, v) in
            [("timesheet.travel_minutes", self.travel_minutes), ("timesheet.other_minutes", self.other_minutes)]
        {
            if v > ADJUSTMENT_CAP_MINUTES {
                return Err(InvalidValue::new(
                    field,
                    format!("{v} is above the cap of {ADJUSTMENT_CAP_MINUTES} minutes"),
                ));
            }
        }
        Ok(())
    }

    /// Credited minutes (docs/rules/practice.md#unpaid-work): (end - start) - penalty, plus the capped
    /// adjustments, for attended outcomes only.
    pub fn credited_minutes(&self, outcome: Outcome) -> u32 {
        if !outcome.attended() {
            return 0;
        }
        let worked = (self.length_minutes() - i64::from(self.penalty_minutes)).max(0);
        let adjustments = self.travel_minutes.min(ADJUSTMENT_CAP_MINUTES) as i64
            + self.other_minutes.min(ADJUSTMENT_CAP_MINUTES) as i64;
        (worked + adjustments) as u32
    }
}

/// UPW facts folded from the case's events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnpaidWorkRecord {
    /// The latest needs recorded, per requirement.
    #[serde(default)]
    pub needs: Vec<(LocalId, UnpaidWorkNeeds)>,
    /// The latest timesheet per appointment.
    #[serde(default)]
    pub timesheets: Vec<(LocalId, Timesheet)>,
}

impl UnpaidWorkRecord {
    pub fn needs_for(&self, requirement: &LocalId) -> Option<&UnpaidWorkNeeds> {
        self.needs.iter().find(|(r, _)| r == requirement).map(|(_, n)| n)
    }

    pub fn timesheet(&self, appointment: &LocalId) -> Option<&Timesheet> {
        self.timesheets.iter().find(|(a, _)| a == appointment).map(|(_, t)| t)
    }
}
