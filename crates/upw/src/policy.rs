//! Unpaid work policy values. Each names its source; changing one is a policy decision.

use domain::person::EmploymentStatus;
use domain::unpaid_work::WorkDay;

use crate::recurrence::Recurrence;

/// A group session has at most 10 people per supervisor (docs/rules/practice.md#unpaid-work; the report
/// found people over that "stood down").
pub const MAX_GROUP_PER_SUPERVISOR: u32 = 10;

/// UPW arranged within 7 business days of allocation (docs/rules/practice.md#unpaid-work and the CRC
/// service levels in docs/rules/practice.md#performance-measures).
pub const ARRANGE_WITHIN_BUSINESS_DAYS: u32 = 7;

/// Hours are to be worked within 12 months of the sentence (docs/rules/practice.md#sentences-and-requirements).
pub const COMPLETE_WITHIN_MONTHS: i8 = 12;

/// The planning length of a session, used to cap how many sessions a person is offered and
/// to project completion: a working day of 7 hours (docs/rules/practice.md#the-scheduling-problem
/// examples and the synthetic instances use 7-hour days).
pub const TYPICAL_SESSION_MINUTES: u32 = 420;

/// Sessions a week when the officer has not recorded the person's needs.
pub const DEFAULT_SESSIONS_PER_WEEK: u8 = 2;

/// How a straight-line distance becomes a journey (`travel::journey`): minutes = base +
/// km x minutes per km, cost = minutes x cost per minute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TravelModel {
    /// Walking to a stop and waiting, whatever the distance.
    pub base_minutes: f64,
    /// London public transport averages about 15 km/h door to door along real routes.
    pub minutes_per_km: f64,
    /// Objective units (urgency-weighted hours) per minute of the one-way journey: 20 minutes
    /// cost as much as an hour of the least urgent person's work (issue 5: "minus travel
    /// cost"; the report: people paid their own fares).
    pub cost_per_minute: f64,
    /// A home is somewhere in its borough, not at its centre: no journey is shorter.
    pub min_km: f64,
    /// The distance assumed when the home borough or the meeting place is not known.
    pub unknown_km: f64,
    /// The longest journey offered, each way.
    pub max_minutes: f64,
    pub source: &'static str,
}

/// Probity default. The cap: credited travel time is at most 180 minutes (docs/rules/practice.md#unpaid-work),
/// so a journey over 90 minutes each way is not offered.
pub const TRAVEL: TravelModel = TravelModel {
    base_minutes: 10.0,
    minutes_per_km: 4.0,
    cost_per_minute: 0.05,
    min_km: 3.0,
    unknown_km: 15.0,
    max_minutes: 90.0,
    source: "Probity default; the 90-minute cap from docs/rules/practice.md#unpaid-work (travel time credited at most \
             180 minutes)",
};

/// Up to 30% of hours may be spent on education, training and employment (docs/rules/practice.md#unpaid-work).
/// Credit on ETE sessions beyond this share of the hours ordered does not count.
pub const ETE_MAX_PERCENT: u32 = 30;

/// Minutes of an order that ETE sessions may count for.
pub fn ete_cap_minutes(ordered_minutes: u32) -> u32 {
    ordered_minutes * ETE_MAX_PERCENT / 100
}

/// How the scheduler's own placements recur (docs/rules/practice.md#unpaid-work: "Allocations recur once, weekly or
/// fortnightly until the hours are done"). Probity default: weekly, since a place that suits
/// someone this week usually suits them next week, and keeping it means fewer changes for
/// them to be told about.
pub const SCHEDULER_RECURRENCE: Recurrence = Recurrence::Weekly;

/// Days a person can work when the officer has not recorded them, by employment (docs/rules/practice.md#unpaid-work:
/// "days they can work (employment, childcare)"). Someone in work or education
/// is offered weekends; a zero-hours worker any day, their shifts entered as busy times.
pub fn default_days(employment: Option<EmploymentStatus>) -> &'static [WorkDay] {
    use WorkDay::*;
    match employment {
        Some(EmploymentStatus::Employed | EmploymentStatus::SelfEmployed | EmploymentStatus::InEducation) => {
            &[Sat, Sun]
        }
        _ => &[Mon, Tue, Wed, Thu, Fri, Sat, Sun],
    }
}

/// When a supervisor's absence became known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbsenceNotice {
    /// Before the day: people can be told not to travel.
    Advance,
    /// On the day: people have already come.
    OnTheDay,
}

/// What the person is credited when their session is stood down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StandDownCredit {
    None,
    /// The whole booked session: the failure is the service's (the report: people were
    /// credited one hour and paid their own fares; Probity does not repeat that).
    FullSession,
}

/// How the person is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Notify {
    /// Phone and text message before the session.
    PhoneAndText,
    /// In person at the meeting point by the duty supervisor, confirmed by text.
    InPersonAndText,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandDownRule {
    pub notice: AbsenceNotice,
    pub credit: StandDownCredit,
    pub notify: Notify,
    /// Whether the person is put back into the schedule automatically.
    pub reschedule: bool,
    pub source: &'static str,
}

/// What happens to people whose supervisor is absent (issue 5, "Running the day": "the
/// affected people are rescheduled automatically, credited and notified according to a
/// policy table, and the event counts as a stand-down").
pub const STAND_DOWN_POLICY: [StandDownRule; 2] = [
    StandDownRule {
        notice: AbsenceNotice::Advance,
        credit: StandDownCredit::None,
        notify: Notify::PhoneAndText,
        reschedule: true,
        source: "issue 5; no journey made, so nothing to credit",
    },
    StandDownRule {
        notice: AbsenceNotice::OnTheDay,
        credit: StandDownCredit::FullSession,
        notify: Notify::InPersonAndText,
        reschedule: true,
        source: "issue 5; London CRC inspection 2018 (stood down, credited one hour, fares unpaid)",
    },
];

pub fn stand_down_rule(notice: AbsenceNotice) -> &'static StandDownRule {
    STAND_DOWN_POLICY.iter().find(|r| r.notice == notice).expect("the table covers every notice")
}

/// The hours-reduction incentive (issue 5, "Progress"): after a share of the hours worked
/// without an enforceable failure, minutes off per hour worked, up to a share of the order.
/// A policy switch, off by default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IncentivePolicy {
    pub enabled: bool,
    pub after_share: f64,
    pub minutes_off_per_hour: u32,
    pub max_share: f64,
}

impl Default for IncentivePolicy {
    fn default() -> Self {
        IncentivePolicy { enabled: false, after_share: 0.25, minutes_off_per_hour: 30, max_share: 0.25 }
    }
}

/// Urgency weight of an hour this week: 1 (an hour of the order done is worth an hour) plus
/// the hours left per week left before the deadline (issue 5: "hours scheduled weighted by
/// urgency (hours left against time left before the deadline)"). The base of 1 keeps someone
/// with a few hours left worth a session in their own borough. A person past their deadline
/// is as urgent as one with a week left.
pub fn urgency(remaining_minutes: u32, days_to_deadline: i64) -> f64 {
    let weeks = (days_to_deadline as f64 / 7.0).max(1.0);
    (1.0 + f64::from(remaining_minutes) / 60.0 / weeks).min(crate::MAX_WEIGHT)
}
