//! The weekly unpaid work (UPW) scheduler: who goes to which session this week.
//!
//! `solve` is a pure function from an [`Instance`] (people on orders with UPW hours,
//! project sessions, travel options) to a [`Solution`], so that it can be tested and
//! compared with an exact MILP solver (`bench/exact_milp.py`). It is exact: the
//! assignment problem is a totally unimodular max-profit flow and is solved by min-cost
//! flow in integer arithmetic. RULES.md, "The scheduling problem", states the model.
//!
//! Extension beyond RULES.md: an optional `previous` list in the instance (last
//! published schedule). Among optimal schedules the solver keeps as many of those
//! assignments as it can, so a re-run after a change moves as few people as possible.

mod flow;
mod model;
mod solve;
mod synthetic;

pub use model::{
    Assignment, Day, Gender, Id, Instance, InstanceError, MAX_COST, MAX_WEIGHT, Person, Session, Travel, fmt_time,
    parse_time,
};
pub use solve::{PROFIT_SCALE, Solution, Unplaced, UnplacedReason, eligible_given_travel, profit, solve, suitable};
pub use synthetic::synthetic_instance;
