//! Disproportionality in a staff process (issue 6 item 4): for a period, among staff in post,
//! the share of each group of a protected characteristic with a flag of the process (the
//! performance-improvement flag) started in the period, against the rest, through the same
//! [`disproportionality`] and suppression policy as the outcomes of people on probation.
//!
//! Staff in post are every member of staff on the organisation's record (it holds no
//! leaving dates). Each is counted once, flagged or not, however many flags they have.
//! Characteristics are as the member of staff declared them (`domain::staff`); one not
//! declared is its own group, "Not recorded", so the population is whole. The age band is
//! their age on the period's last day, in the bands people on probation are counted in.

use crate::outcomes::{Characteristic, NOT_RECORDED, OutcomeKind, age_band, disability_group};
use crate::proportion::{DisproportionalityError, GroupComparison, GroupCount, SuppressionPolicy, disproportionality};
use domain::staff::{FlagKind, StaffCharacteristics};
use jiff::Span;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// The characteristics recorded for staff. Nationality is not among them: an employer checks
/// a right to work, it does not monitor nationality.
pub const STAFF_CHARACTERISTICS: [Characteristic; 5] = [
    Characteristic::Gender,
    Characteristic::Ethnicity,
    Characteristic::AgeBand,
    Characteristic::Disability,
    Characteristic::Religion,
];

/// What a disproportionality table compares: an outcome for people on probation, or a
/// process for staff. The choice offered wherever disproportionality is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutcomeChoice {
    Case(OutcomeKind),
    Staff(FlagKind),
}

impl OutcomeChoice {
    /// The outcomes for people on probation, then the staff processes.
    pub const ALL: [OutcomeChoice; 4] = [
        OutcomeChoice::Case(OutcomeKind::Breach),
        OutcomeChoice::Case(OutcomeKind::Recall),
        OutcomeChoice::Case(OutcomeKind::Completion),
        OutcomeChoice::Staff(FlagKind::PerformanceImprovement),
    ];

    pub fn id(self) -> &'static str {
        match self {
            OutcomeChoice::Case(o) => o.id(),
            OutcomeChoice::Staff(k) => k.id(),
        }
    }

    pub fn parse(text: &str) -> Option<OutcomeChoice> {
        Self::ALL.into_iter().find(|o| o.id() == text)
    }

    /// The choice as a list of them shows it: a staff process says so.
    pub fn label(self) -> String {
        match self {
            OutcomeChoice::Case(o) => o.label().to_owned(),
            OutcomeChoice::Staff(k) => format!("{} (staff process)", k.label()),
        }
    }

    /// The characteristics that may be compared for it.
    pub fn characteristics(self) -> &'static [Characteristic] {
        match self {
            OutcomeChoice::Case(_) => &Characteristic::ALL,
            OutcomeChoice::Staff(_) => &STAFF_CHARACTERISTICS,
        }
    }

    /// The ids of every choice, for messages: "breach, recall, completion or
    /// performance-improvement".
    pub fn ids_in_words() -> String {
        let ids: Vec<&str> = Self::ALL.iter().map(|o| o.id()).collect();
        let (last, rest) = ids.split_last().expect("there are choices");
        format!("{} or {last}", rest.join(", "))
    }
}

/// A period whose first and last days both count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    /// A period from `from` to `to`; refused when `from` is after `to`.
    pub fn new(from: Date, to: Date) -> Result<Period, StaffProcessError> {
        if from > to {
            return Err(StaffProcessError::PeriodBackwards { from, to });
        }
        Ok(Period { from, to })
    }

    /// The last 12 months to `today`: from the day after the same date a year before (the
    /// 28th of February a year before a 29th), to `today`.
    pub fn twelve_months_to(today: Date) -> Period {
        let year_before = today.saturating_sub(Span::new().years(1));
        Period { from: year_before.saturating_add(Span::new().days(1)), to: today }
    }

    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && day <= self.to
    }
}

/// A member of staff in post, with what they declared and the first day of each of their
/// flags of the process compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub characteristics: StaffCharacteristics,
    pub flag_starts: Vec<Date>,
}

/// Why a staff process table could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffProcessError {
    #[error(
        "characteristic: {} is not recorded for staff; a staff process is compared by gender, ethnicity, age_band, disability or religion",
        .0.id()
    )]
    NotForStaff(Characteristic),
    #[error("from: {from} is after to ({to})")]
    PeriodBackwards { from: Date, to: Date },
    #[error(transparent)]
    Counts(#[from] DisproportionalityError),
}

/// The group of someone who declared `c` for `characteristic`, with their age on `on`; `None`
/// for a characteristic not recorded for staff.
pub fn staff_group(c: &StaffCharacteristics, characteristic: Characteristic, on: Date) -> Option<&'static str> {
    Some(match characteristic {
        Characteristic::Gender => c.gender.map_or(NOT_RECORDED, |g| g.label()),
        Characteristic::Ethnicity => c.ethnicity.map_or(NOT_RECORDED, |e| e.label()),
        Characteristic::AgeBand => c.date_of_birth.map_or(NOT_RECORDED, |born| age_band(born, on)),
        Characteristic::Disability => disability_group(c.disability),
        Characteristic::Religion => c.religion.map_or(NOT_RECORDED, |r| r.label()),
        Characteristic::Nationality => return None,
    })
}

/// What the rate is of, shown with the figures.
pub fn definition(process: FlagKind) -> &'static str {
    match process {
        FlagKind::PerformanceImprovement => {
            "Staff in post (every member of staff on the organisation's record), each counted once; the outcome \
             is at least one performance-improvement flag started in the period, however it ended. \
             Characteristics are as the member of staff declared them; the age band is their age on the \
             period's last day."
        }
    }
}

/// A staff process's rate for each group of one characteristic, each against the rest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffProcessTable {
    /// The process, by its id (`performance-improvement`).
    pub outcome: FlagKind,
    pub characteristic: Characteristic,
    pub definition: &'static str,
    pub period: Period,
    /// Staff in post, and how many had a flag started in the period.
    pub people: u64,
    pub with_outcome: u64,
    /// Groups by name ("Not recorded" last): compared, or suppressed as too small.
    pub groups: Vec<GroupComparison>,
    pub suppression: SuppressionPolicy,
}

/// Each group's counts: staff in post in it, and how many had a flag started in `period`.
/// Groups are by name, "Not recorded" last; only groups someone is in are listed.
pub fn staff_process_groups(
    staff: &[StaffMember],
    characteristic: Characteristic,
    period: Period,
) -> Result<Vec<GroupCount>, StaffProcessError> {
    if !STAFF_CHARACTERISTICS.contains(&characteristic) {
        return Err(StaffProcessError::NotForStaff(characteristic));
    }
    let mut counts: BTreeMap<(bool, &str), (u64, u64)> = BTreeMap::new();
    for member in staff {
        let group = staff_group(&member.characteristics, characteristic, period.to)
            .ok_or(StaffProcessError::NotForStaff(characteristic))?;
        let c = counts.entry((group == NOT_RECORDED, group)).or_default();
        c.0 += 1;
        c.1 += u64::from(member.flag_starts.iter().any(|d| period.contains(*d)));
    }
    Ok(counts
        .into_iter()
        .map(|((_, group), (people, with_outcome))| GroupCount { group: group.to_owned(), people, with_outcome })
        .collect())
}

/// The table for `process` by `characteristic` over `period`: each group's rate against the
/// rest's with 95% intervals and the plain statement, small groups suppressed under `policy`.
pub fn staff_process_rates(
    process: FlagKind,
    staff: &[StaffMember],
    characteristic: Characteristic,
    period: Period,
    policy: &SuppressionPolicy,
) -> Result<StaffProcessTable, StaffProcessError> {
    let groups = staff_process_groups(staff, characteristic, period)?;
    let comparisons = disproportionality(process.label(), &groups, policy)?;
    Ok(StaffProcessTable {
        outcome: process,
        characteristic,
        definition: definition(process),
        period,
        people: groups.iter().map(|g| g.people).sum(),
        with_outcome: groups.iter().map(|g| g.with_outcome).sum(),
        groups: comparisons,
        suppression: *policy,
    })
}

#[cfg(test)]
mod tests;
