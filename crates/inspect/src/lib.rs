//! Inspection, the way HM Inspectorate of Probation does it, run continuously by the
//! provider: draw a case sample from a long list ([`sample`]), aggregate inspectors'
//! answers to the case assessment instrument into findings and ratings ([`report`]), and
//! render the report ([`html`]).
//!
//! Pure functions over file contents: no IO, so the CLI, the web UI and tests share them.

mod csvin;
pub mod error;
mod fnv;
pub mod html;
pub mod instrument;
pub mod longlist;
pub mod policy;
pub mod report;
pub mod sample;

pub use error::InputError;
pub mod synthetic;
