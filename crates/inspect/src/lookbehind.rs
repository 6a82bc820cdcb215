//! The look behind (issue 7, item 2; the report: "Immediately ahead of our inspection, CRC
//! managers had reviewed all the cases that were selected ... We routinely look behind the
//! most recent steps in any case"; "Some of these reviews were undoubtedly prompted by the
//! announcement of the inspection").
//!
//! Every event has two times: when it says it happened and when it was written. For each
//! sampled case this finds what was written on or after the announcement, and what was
//! back-dated (written much later than it says it happened), so inspectors read the work as
//! it was before they were expected.
//!
//! # Decisions
//!
//! - "After the announcement" is recorded on or after the announcement's date (UK time): the
//!   announcement day counts, because work on it can already answer it.
//! - When it "says it happened" is the event's `occurred_at` date, or the earlier date the
//!   payload itself gives (a review completed `on`, an assessment `completed_on`, ...).
//! - Back-dated means more than [`BACKDATING`] business days between that date and the date
//!   it was written.
//! - Assessments are `assessment_completed`; plans are `objective_agreed` and
//!   `plan_gap_reason_recorded`; reviews are `review_completed`.

use domain::calendar::business_days_between;
use domain::case::uk_date;
use domain::event::{CaseEvent, RecordedEvent};
use jiff::civil::Date;
use serde::Serialize;

/// The back-dating threshold, with its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackdatingPolicy {
    pub business_days: u32,
    pub source: &'static str,
}

pub const BACKDATING: BackdatingPolicy = BackdatingPolicy {
    business_days: 5,
    source: "Probity default (docs/rules/practice.md and the report give no figure): a record written more than 5 \
             business days after the date it gives is back-dated; 5 business days is the longest recording window in \
             practice::policy (evidence for a failure to attend)",
};

/// What kind of work a record is, for the report's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Assessment,
    Plan,
    Review,
    Other,
}

impl RecordKind {
    pub fn of(event: &CaseEvent) -> RecordKind {
        match event {
            CaseEvent::AssessmentCompleted { .. } => RecordKind::Assessment,
            CaseEvent::ObjectiveAgreed { .. } | CaseEvent::PlanGapReasonRecorded { .. } => RecordKind::Plan,
            CaseEvent::ReviewCompleted { .. } => RecordKind::Review,
            _ => RecordKind::Other,
        }
    }
}

/// The date an event's payload says it happened on, where it gives one.
fn stated_date(event: &CaseEvent) -> Option<Date> {
    match event {
        CaseEvent::AssessmentCompleted { assessment } => Some(assessment.completed_on),
        CaseEvent::ReviewCompleted { on, .. }
        | CaseEvent::ReviewTriggered { on, .. }
        | CaseEvent::ReleasedFromCustody { on, .. }
        | CaseEvent::SentenceEnded { on, .. }
        | CaseEvent::WarningLetterIssued { on, .. }
        | CaseEvent::BreachResolved { on, .. }
        | CaseEvent::SafeguardingCheckRequested { on, .. }
        | CaseEvent::SafeguardingCheckChased { on, .. }
        | CaseEvent::SafeguardingResponseReceived { on, .. } => Some(*on),
        _ => None,
    }
}

/// One record the look behind shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlaggedRecord {
    pub seq: u64,
    pub event_type: &'static str,
    pub kind: RecordKind,
    pub summary: String,
    /// The date it says it happened.
    pub happened_on: Date,
    /// The date it was written (UK).
    pub recorded_on: Date,
    pub recorded_by: String,
    /// Business days from `happened_on` to `recorded_on`.
    pub recorded_after_business_days: u32,
    pub after_announcement: bool,
    pub backdated: bool,
}

/// The look behind one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseLookBehind {
    pub crn: String,
    /// Records written after the announcement or back-dated, in stream order.
    pub records: Vec<FlaggedRecord>,
    pub after_announcement: usize,
    pub backdated: usize,
}

/// Counts of assessments, plans and reviews.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WorkCounts {
    pub assessments: usize,
    pub plans: usize,
    pub reviews: usize,
}

impl WorkCounts {
    fn add(&mut self, kind: RecordKind) {
        match kind {
            RecordKind::Assessment => self.assessments += 1,
            RecordKind::Plan => self.plans += 1,
            RecordKind::Review => self.reviews += 1,
            RecordKind::Other => {}
        }
    }
}

/// The look behind the whole sample, with the figures the report states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LookBehind {
    pub announced_on: Date,
    pub backdating_business_days: u32,
    pub cases: Vec<CaseLookBehind>,
    /// Cases with anything written after the announcement.
    pub cases_with_records_after_announcement: usize,
    /// Assessments, plans and reviews in the sample written after the announcement.
    pub after_announcement: WorkCounts,
    /// Of those, back-dated.
    pub backdated_after_announcement: WorkCounts,
    /// Back-dated at any time.
    pub backdated: WorkCounts,
}

/// The look behind one case's stream.
pub fn look_behind_case(
    crn: &str,
    events: &[RecordedEvent],
    announced_on: Date,
    policy: BackdatingPolicy,
) -> CaseLookBehind {
    let mut records = Vec::new();
    for e in events {
        let occurred = uk_date(e.occurred_at);
        let happened_on = stated_date(&e.event).map_or(occurred, |d| d.min(occurred));
        let recorded_on = uk_date(e.recorded_at);
        let late = business_days_between(happened_on, recorded_on);
        let after_announcement = recorded_on >= announced_on;
        let backdated = late > policy.business_days;
        if after_announcement || backdated {
            records.push(FlaggedRecord {
                seq: e.seq,
                event_type: e.event.event_type(),
                kind: RecordKind::of(&e.event),
                summary: e.event.summary(),
                happened_on,
                recorded_on,
                recorded_by: e.recorded_by.to_string(),
                recorded_after_business_days: late,
                after_announcement,
                backdated,
            });
        }
    }
    CaseLookBehind {
        crn: crn.to_string(),
        after_announcement: records.iter().filter(|r| r.after_announcement).count(),
        backdated: records.iter().filter(|r| r.backdated).count(),
        records,
    }
}

/// The look behind every sampled case, summed.
pub fn look_behind(cases: Vec<CaseLookBehind>, announced_on: Date, policy: BackdatingPolicy) -> LookBehind {
    let mut after = WorkCounts::default();
    let mut backdated_after = WorkCounts::default();
    let mut backdated = WorkCounts::default();
    for r in cases.iter().flat_map(|c| &c.records) {
        if r.after_announcement {
            after.add(r.kind);
            if r.backdated {
                backdated_after.add(r.kind);
            }
        }
        if r.backdated {
            backdated.add(r.kind);
        }
    }
    LookBehind {
        announced_on,
        backdating_business_days: policy.business_days,
        cases_with_records_after_announcement: cases.iter().filter(|c| c.after_announcement > 0).count(),
        cases,
        after_announcement: after,
        backdated_after_announcement: backdated_after,
        backdated,
    }
}
