//! Probity's domain: the types and rules of probation supervision.
//!
//! Invariant: this crate does no IO and has no async. Every rule is a pure function over
//! typed data, and every policy value lives in a table that names its source.

pub mod tier;
