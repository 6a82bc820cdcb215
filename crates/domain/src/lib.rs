//! Probity's domain: the types and rules of probation supervision.
//!
//! Invariant: this crate does no IO and has no async. Every rule is a pure function over
//! typed data, and every policy value lives in a table that names its source.

pub mod assessment;
pub mod calendar;
pub mod case;
pub mod contact;
pub mod event;
pub mod example;
pub mod ids;
pub mod org;
pub mod person;
pub mod plan;
pub mod practice;
pub mod projection;
pub mod reoffending;
pub mod sentence;
pub mod staff;
pub mod state;
pub mod tier;
pub mod unpaid_work;

pub use ids::{Code, Crn, InvalidValue, LocalId, Name, Note, Pnc};
