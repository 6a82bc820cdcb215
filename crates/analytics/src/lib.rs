//! Probity's management information (MI) computations.
//!
//! Pure functions over values: no IO, no clock, no store. The CLI and the store feed
//! them, so the same figure comes out whichever front end asks for it.
//!
//! - [`reoffending`]: the proven reoffending measure (docs/rules/practice.md#proven-reoffending).
//! - [`proportion`]: Wilson intervals, Newcombe differences and disproportionality.
//! - [`workload`]: the workload points model (docs/rules/practice.md#workload).
//! - [`outcomes`]: each case's breach, recall and completion with its protected characteristics.
//! - [`measures`]: every performance measure, defined once, as dated facts per case.
//! - [`staff_process`]: disproportionality in a staff process (the performance-improvement flag).

pub mod calendar;
pub mod measures;
pub mod outcomes;
pub mod proportion;
pub mod reoffending;
mod rounding;
pub mod staff_process;
pub mod workload;

pub use proportion::{
    ComparisonFigures, DifferenceEstimate, DisproportionalityError, GroupComparison, GroupCount, Interval,
    ProportionError, SuppressionPolicy, SuppressionReason, disproportionality, newcombe_difference, wilson_interval,
};
pub use reoffending::{CohortFigures, InputError, Quarter, Reoffence, Start, proven_reoffending, reoffending_from_csv};
pub use workload::{
    AllocationCapacity, CapacityFigures, Case, CaseType, Reduction, ReductionKind, Report, ReportKind, WorkloadError,
    WorkloadPolicy,
};
