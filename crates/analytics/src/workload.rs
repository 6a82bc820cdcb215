//! The workload model of docs/rules/practice.md#workload: points per case and per report against the
//! points an officer has available after reductions.
//!
//! Every number a provider may change is in a policy table that names its source
//! ([`WorkloadPolicy::DEFAULT`]); the logic never holds a number of its own.
//!
//! Decisions where docs/rules/practice.md#workload is silent:
//! - A reduction's `end` is the last day it applies (inclusive); `None` means open-ended.
//!   Trainee and newly qualified reductions also end by themselves when their scheme
//!   runs out: "months 0-6" is from the start day up to the day before the same day
//!   6 months on (month ends clamp as in [`add_months`]).
//! - Reductions that overlap add up, capped at the contracted hours (available points
//!   never go below zero).
//! - Specialist uplifts are percentages of a case's points and add up when a case
//!   carries several (IOM and women's caseload: +25% and +15% give +40%).
//! - A report weighs from the day it is requested up to the day before it is completed;
//!   a due date does not change its points (an overdue report is still being prepared).
//! - Capacity is `None` when no points are available (e.g. long-term sickness), rather
//!   than infinite.

use domain::case::CaseState;
use domain::ids::{Code, Crn};
use domain::org::{Specialism, Staff};
use domain::person::Gender;
use domain::projection::CaseSummary;
use domain::sentence::SentenceKind;
use domain::tier::{LegacyTier, ProtectLevel};
use jiff::civil::Date;
use serde::Serialize;

use crate::calendar::add_months;

/// The row of a legacy tier in the points table: A3, A2, A1, A0, B3, ... D0, as docs/rules/practice.md#workload
/// lists them.
fn row(tier: LegacyTier) -> usize {
    let protect = match tier.protect {
        ProtectLevel::A => 0,
        ProtectLevel::B => 1,
        ProtectLevel::C => 2,
        ProtectLevel::D => 3,
    };
    protect * 4 + usize::from(3 - tier.change.digit())
}

/// Where the case is in its sentence, which sets its points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseType {
    /// Community order or suspended sentence order.
    Community,
    /// Released on licence or post-sentence supervision.
    Licence,
    /// In custody, before release.
    Custody,
}

/// Points per case by legacy tier and case type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CasePointsTable {
    /// Rows A3, A2, A1, A0, B3, ... D0; columns community, licence, custody.
    pub points: [[u32; 3]; 16],
    pub source: &'static str,
}

impl CasePointsTable {
    pub fn points(&self, tier: LegacyTier, case_type: CaseType) -> u32 {
        let column = match case_type {
            CaseType::Community => 0,
            CaseType::Licence => 1,
            CaseType::Custody => 2,
        };
        self.points[row(tier)][column]
    }
}

/// Points for a report in preparation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportPointsTable {
    pub standard_court: u32,
    pub fast: u32,
    pub parole: u32,
    pub source: &'static str,
}

/// A report an officer is preparing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    StandardCourt,
    Fast,
    Parole,
}

impl ReportPointsTable {
    pub fn points(&self, kind: ReportKind) -> u32 {
        match kind {
            ReportKind::StandardCourt => self.standard_court,
            ReportKind::Fast => self.fast,
            ReportKind::Parole => self.parole,
        }
    }
}

/// Extra weight, in percent of a case's points, for specialist caseloads that plain
/// caseload counts miss (the inspection report's finding on IOM and women's workers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialistWeights {
    /// Uplift for an integrated offender management (IOM) case.
    pub iom_percent: u32,
    /// Uplift for a case on a women's caseload.
    pub women_percent: u32,
    pub source: &'static str,
}

/// Reduction percentages of contracted hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReductionPolicy {
    pub long_term_sickness_percent: u32,
    /// Trade-union facility time: the agreed percent, up to this maximum.
    pub facility_time_max_percent: u32,
    /// Trainee PO: (months since the start, before which this percent applies), in order.
    pub trainee_phases: [(i32, u32); 3],
    /// Newly qualified officer: this percent for this many months from qualifying.
    pub newly_qualified_percent: u32,
    pub newly_qualified_months: i32,
    pub source: &'static str,
}

/// All the workload policy tables together.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkloadPolicy {
    pub case_points: CasePointsTable,
    pub report_points: ReportPointsTable,
    pub specialist: SpecialistWeights,
    pub reductions: ReductionPolicy,
    /// Points a full-time probation officer is expected to carry.
    pub nominal_target: u32,
    /// Contracted hours of a full-time officer.
    pub full_time_hours: f64,
    pub source: &'static str,
}

const RULES_WORKLOAD: &str = "docs/rules/practice.md#workload: the legacy-tier workload measurement model used by \
     probation providers in England and Wales";

impl WorkloadPolicy {
    pub const DEFAULT: WorkloadPolicy = WorkloadPolicy {
        case_points: CasePointsTable {
            points: [
                [206, 219, 75], // A3
                [158, 175, 60], // A2
                [146, 163, 59], // A1
                [110, 0, 0],    // A0
                [146, 161, 59], // B3
                [115, 132, 48], // B2
                [102, 119, 47], // B1
                [72, 0, 0],     // B0
                [79, 77, 30],   // C3
                [63, 65, 24],   // C2
                [50, 52, 23],   // C1
                [35, 0, 0],     // C0
                [51, 51, 17],   // D3
                [41, 43, 14],   // D2
                [29, 31, 13],   // D1
                [29, 0, 0],     // D0
            ],
            source: RULES_WORKLOAD,
        },
        report_points: ReportPointsTable { standard_court: 138, fast: 65, parole: 120, source: RULES_WORKLOAD },
        specialist: SpecialistWeights {
            iom_percent: 25,
            women_percent: 15,
            source: "Probity's own assumption, not taken from any guidance: the provider \
                     must set these weights from its own time recording",
        },
        reductions: ReductionPolicy {
            long_term_sickness_percent: 100,
            facility_time_max_percent: 50,
            trainee_phases: [(6, 80), (12, 60), (18, 40)],
            newly_qualified_percent: 20,
            newly_qualified_months: 9,
            source: RULES_WORKLOAD,
        },
        nominal_target: 2176,
        full_time_hours: 37.0,
        source: RULES_WORKLOAD,
    };
}

impl Default for WorkloadPolicy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A case on an officer's caseload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Case {
    pub tier: LegacyTier,
    pub case_type: CaseType,
    /// Managed under integrated offender management.
    pub iom: bool,
    /// On a women's caseload.
    pub women: bool,
}

/// Why an officer's hours reduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReductionKind {
    LongTermSickness,
    /// Trade-union facility time at the agreed percent of contracted hours.
    FacilityTime {
        percent: u32,
    },
    /// A trainee PO (PQiP); `start` is the start of the training.
    TraineeProbationOfficer,
    /// A newly qualified officer; `start` is the day of qualifying.
    NewlyQualified,
}

/// A reduction of contracted hours from `start` to `end` (the last day, inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Reduction {
    pub kind: ReductionKind,
    pub start: Date,
    pub end: Option<Date>,
}

/// A report an officer has been asked to prepare: a pre-sentence report for court (standard
/// or fast) or a parole report. It weighs on their workload from the day it is requested
/// until the day it is completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub kind: ReportKind,
    /// The person it is on, when known: a pre-sentence report may be asked for before the
    /// person has a case.
    pub crn: Option<Crn>,
    pub requested: Date,
    /// The day the court or the parole board expects it, when given.
    pub due: Option<Date>,
    /// The day it was completed; `None` while it is still being prepared.
    pub completed: Option<Date>,
}

impl Report {
    /// Whether the report is in preparation on day `at`: requested on or before it and not
    /// completed by then (a report completed on `at` no longer weighs that day).
    pub fn in_preparation(&self, at: Date) -> bool {
        self.requested <= at && self.completed.is_none_or(|done| done > at)
    }
}

/// The kinds of the reports in preparation on day `at`, in the order given: what
/// [`WorkloadPolicy::capacity`] weighs.
pub fn reports_in_preparation(reports: &[Report], at: Date) -> Vec<ReportKind> {
    reports.iter().filter(|r| r.in_preparation(at)).map(|r| r.kind).collect()
}

/// Why a workload figure could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WorkloadError {
    #[error("contracted hours {hours} must be more than 0 and at most a week (168)")]
    ContractedHours { hours: f64 },
    #[error("facility time {percent}% is over the maximum of {max}%")]
    FacilityTimeOverMax { percent: u32, max: u32 },
    #[error("reduction ends on {end}, before it starts on {start}")]
    EndsBeforeStart { start: Date, end: Date },
    #[error("period ends on {to}, before it starts on {from}")]
    PeriodEndsBeforeStart { from: Date, to: Date },
}

impl WorkloadPolicy {
    /// A case's points: the table's points plus any specialist uplifts.
    pub fn case_points(&self, case: &Case) -> f64 {
        let base = f64::from(self.case_points.points(case.tier, case.case_type));
        let uplift = if case.iom { self.specialist.iom_percent } else { 0 }
            + if case.women { self.specialist.women_percent } else { 0 };
        base * f64::from(100 + uplift) / 100.0
    }

    /// Workload points for a caseload and the reports in preparation.
    pub fn workload_points(&self, cases: &[Case], reports: &[ReportKind]) -> f64 {
        let cases: f64 = cases.iter().map(|c| self.case_points(c)).sum();
        let reports: u32 = reports.iter().map(|&r| self.report_points.points(r)).sum();
        cases + f64::from(reports)
    }

    /// The percent of contracted hours a reduction takes on day `at` (0 when it does not
    /// apply that day).
    pub fn reduction_percent(&self, reduction: &Reduction, at: Date) -> Result<u32, WorkloadError> {
        let policy = &self.reductions;
        if let Some(end) = reduction.end
            && end < reduction.start
        {
            return Err(WorkloadError::EndsBeforeStart { start: reduction.start, end });
        }
        if let ReductionKind::FacilityTime { percent } = reduction.kind
            && percent > policy.facility_time_max_percent
        {
            return Err(WorkloadError::FacilityTimeOverMax { percent, max: policy.facility_time_max_percent });
        }
        if at < reduction.start || reduction.end.is_some_and(|end| at > end) {
            return Ok(0);
        }
        let before = |months: i32| at < add_months(reduction.start, months);
        Ok(match reduction.kind {
            ReductionKind::LongTermSickness => policy.long_term_sickness_percent,
            ReductionKind::FacilityTime { percent } => percent,
            ReductionKind::TraineeProbationOfficer => {
                policy.trainee_phases.iter().find(|(months, _)| before(*months)).map_or(0, |&(_, percent)| percent)
            }
            ReductionKind::NewlyQualified => {
                if before(policy.newly_qualified_months) {
                    policy.newly_qualified_percent
                } else {
                    0
                }
            }
        })
    }

    /// Reduction hours on day `at`: the reductions' percents of contracted hours, added,
    /// capped at the contracted hours.
    pub fn reduction_hours(
        &self,
        contracted_hours: f64,
        reductions: &[Reduction],
        at: Date,
    ) -> Result<f64, WorkloadError> {
        check_hours(contracted_hours)?;
        let mut percent = 0u32;
        for reduction in reductions {
            percent = percent.saturating_add(self.reduction_percent(reduction, at)?);
        }
        Ok(contracted_hours * f64::from(percent.min(100)) / 100.0)
    }

    /// Available points on day `at`: nominal target x contracted / full-time hours x
    /// (contracted - reduction hours) / contracted.
    pub fn available_points(
        &self,
        contracted_hours: f64,
        reductions: &[Reduction],
        at: Date,
    ) -> Result<f64, WorkloadError> {
        let reduction = self.reduction_hours(contracted_hours, reductions, at)?;
        Ok(f64::from(self.nominal_target) * contracted_hours / self.full_time_hours * (contracted_hours - reduction)
            / contracted_hours)
    }

    /// The mean of the daily available points from `from` to `to` inclusive, so a
    /// reduction that starts or ends within a reporting period counts pro rata.
    pub fn available_points_over(
        &self,
        contracted_hours: f64,
        reductions: &[Reduction],
        from: Date,
        to: Date,
    ) -> Result<f64, WorkloadError> {
        if to < from {
            return Err(WorkloadError::PeriodEndsBeforeStart { from, to });
        }
        let mut total = 0.0;
        let mut days = 0u32;
        let mut day = from;
        loop {
            total += self.available_points(contracted_hours, reductions, day)?;
            days += 1;
            match day.tomorrow() {
                Ok(next) if next <= to => day = next,
                _ => break,
            }
        }
        Ok(total / f64::from(days))
    }

    /// An officer's workload against capacity on day `at`.
    pub fn capacity(
        &self,
        cases: &[Case],
        reports: &[ReportKind],
        contracted_hours: f64,
        reductions: &[Reduction],
        at: Date,
    ) -> Result<CapacityFigures, WorkloadError> {
        let points = self.workload_points(cases, reports);
        let reduction_hours = self.reduction_hours(contracted_hours, reductions, at)?;
        let available_points = self.available_points(contracted_hours, reductions, at)?;
        Ok(CapacityFigures {
            points,
            reduction_hours,
            available_points,
            capacity_percent: (available_points > 0.0).then(|| points / available_points * 100.0),
        })
    }
}

/// An officer's capacity now and if they took one more case: what the senior probation
/// officer's allocation screen shows for each candidate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AllocationCapacity {
    pub now: CapacityFigures,
    pub after: CapacityFigures,
}

impl WorkloadPolicy {
    /// A candidate officer's capacity on day `at`, now and after taking `new_case`.
    pub fn capacity_with(
        &self,
        cases: &[Case],
        reports: &[ReportKind],
        contracted_hours: f64,
        reductions: &[Reduction],
        at: Date,
        new_case: &Case,
    ) -> Result<AllocationCapacity, WorkloadError> {
        let now = self.capacity(cases, reports, contracted_hours, reductions, at)?;
        let mut more = cases.to_vec();
        more.push(*new_case);
        let after = self.capacity(&more, reports, contracted_hours, reductions, at)?;
        Ok(AllocationCapacity { now, after })
    }
}

/// The capacity of a team, office, borough or area: its officers' points over their available
/// points (not the mean of their percentages, so a part-time officer weighs less).
pub fn combined_capacity(officers: &[CapacityFigures]) -> CapacityFigures {
    let points: f64 = officers.iter().map(|f| f.points).sum();
    let available_points: f64 = officers.iter().map(|f| f.available_points).sum();
    CapacityFigures {
        points,
        reduction_hours: officers.iter().map(|f| f.reduction_hours).sum(),
        available_points,
        capacity_percent: (available_points > 0.0).then(|| points / available_points * 100.0),
    }
}

/// How an active case on an officer's caseload weighs before the officer's specialisms are
/// applied: what the store's workload projection counts per officer, so a team's workload is
/// read in one query instead of replaying each case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeighedCase {
    /// `None` while the case has no tier yet: the model cannot weigh it.
    pub tier: Option<LegacyTier>,
    pub case_type: CaseType,
    pub female: bool,
}

impl CaseType {
    /// A custodial sentence weighs as custody until a release is recorded and as licence
    /// after it (licence and post-sentence supervision alike); any other sentence as
    /// community. The case type follows the record, not the calendar (Probity default,
    /// docs/rules/practice.md#workload), so a projection of it needs no date.
    pub fn of(kind: SentenceKind, released: bool) -> CaseType {
        match (kind, released) {
            (SentenceKind::Custodial, false) => CaseType::Custody,
            (SentenceKind::Custodial, true) => CaseType::Licence,
            _ => CaseType::Community,
        }
    }

    /// As stored and shown: `community`, `licence`, `custody`.
    pub fn id(self) -> &'static str {
        match self {
            CaseType::Community => "community",
            CaseType::Licence => "licence",
            CaseType::Custody => "custody",
        }
    }

    /// The case type an [`id`](Self::id) names.
    pub fn from_id(id: &str) -> Option<CaseType> {
        [CaseType::Community, CaseType::Licence, CaseType::Custody].into_iter().find(|t| t.id() == id)
    }
}

impl WeighedCase {
    /// The officer whose workload an active case counts towards, and how it weighs; `None`
    /// for a case on nobody's caseload.
    pub fn of(summary: &CaseSummary) -> Option<(&Code, WeighedCase)> {
        let officer = summary.caseload_officer()?;
        let kind = summary.sentence_kind?;
        let weighed = WeighedCase {
            tier: summary.legacy_tier,
            case_type: CaseType::of(kind, summary.released_on.is_some()),
            female: summary.gender == Gender::Female,
        };
        Some((officer, weighed))
    }

    /// The case as the model weighs it on `officer`'s caseload: an IOM officer's cases carry
    /// the IOM uplift, a women's worker's cases of women the women's caseload uplift. `None`
    /// when the case has no tier yet.
    pub fn on_caseload_of(&self, officer: &Staff) -> Option<Case> {
        Some(Case {
            tier: self.tier?,
            case_type: self.case_type,
            iom: officer.specialisms.contains(&Specialism::Iom),
            women: self.female && officer.specialisms.contains(&Specialism::Women),
        })
    }
}

/// A case as it would weigh on `officer`'s caseload, from its record, by the same rule as the
/// workload projection ([`WeighedCase`]): the legacy tier of its last `TierCalculated` event
/// and the case type of its current sentence. `None` when the case has no tier yet or no
/// current sentence.
pub fn case_from_record(case: &CaseState, officer: &Staff) -> Option<Case> {
    let current = case.current_sentence()?;
    let weighed = WeighedCase {
        tier: case.tier.map(|t| t.legacy),
        case_type: CaseType::of(current.sentence.kind, current.released_on.is_some()),
        female: case.person.as_ref().is_some_and(|p| p.gender == Gender::Female),
    };
    weighed.on_caseload_of(officer)
}

fn check_hours(hours: f64) -> Result<(), WorkloadError> {
    if hours.is_finite() && hours > 0.0 && hours <= 168.0 {
        Ok(())
    } else {
        Err(WorkloadError::ContractedHours { hours })
    }
}

/// An officer's workload figures, unrounded.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CapacityFigures {
    pub points: f64,
    pub reduction_hours: f64,
    pub available_points: f64,
    /// points / available points x 100; `None` when nothing is available.
    pub capacity_percent: Option<f64>,
}

#[cfg(test)]
mod tests;
