//! Unpaid work (UPW): the weekly scheduler and everything around it.
//!
//! `solve` is a pure function from an [`Instance`] (people on orders with UPW hours,
//! project sessions, travel options) to a [`Solution`], so that it can be tested and
//! compared with an exact MILP solver (`bench/exact_milp.py`). It is exact: the
//! assignment problem is a totally unimodular max-profit flow and is solved by min-cost
//! flow in integer arithmetic. docs/rules/practice.md#the-scheduling-problem, states the model.
//!
//! Extension beyond docs/rules/practice.md#the-scheduling-problem: an optional `previous` list in the instance (last
//! published schedule). Among optimal schedules the solver keeps as many of those
//! assignments as it can, so a re-run after a change moves as few people as possible.
//!
//! Around it, all pure: projects, supervisors and the week's sessions (`project`), people's
//! constraints from the case record (`people`), the week's instance (`week`), running the
//! day (`attendance`), progress against the order (`progress`), the placement notice
//! (`notice`) and the policy tables (`policy`); placing one person by hand and how
//! placements recur (`allocate`), credit with the 30% ETE cap (`credit`), and journeys by
//! distance (`travel`).

pub mod allocate;
pub mod attendance;
pub mod credit;
mod flow;
mod geo;
mod model;
pub mod notice;
pub mod people;
pub mod policy;
pub mod progress;
pub mod project;
mod recurrence;
mod solve;
mod synthetic;
mod synthetic_projects;
pub mod travel;
pub mod week;

pub use model::{
    Assignment, Day, Gender, Id, Instance, InstanceError, MAX_COST, MAX_WEIGHT, Person, Session, Travel, fmt_time,
    parse_time,
};
pub use solve::{PROFIT_SCALE, Solution, Unplaced, UnplacedReason, eligible_given_travel, profit, solve, suitable};
pub use synthetic::synthetic_instance;
pub use synthetic_projects::synthetic_projects;
