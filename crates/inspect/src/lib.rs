//! Inspection, the way HM Inspectorate of Probation does it, run continuously by the
//! provider: draw a case sample from a long list ([`sample`]), aggregate inspectors'
//! answers to the case assessment instrument into findings and ratings ([`report`]), and
//! render the report ([`html`]). The report's own sampling scheme is [`scheme`]; what was
//! recorded after an inspection's announcement, or back-dated, is [`lookbehind`]; suggested
//! answers from the case record are [`prefill`]. The whole report (key facts, findings per
//! domain, the inspectors' narrative, appendices) is [`document`], with the sample's
//! composition against the population in [`composition`].
//!
//! Pure functions over file contents and case records: no IO, so the CLI, the web UI and tests share them.

pub mod composition;
mod csvin;
pub mod document;
pub mod error;
mod fnv;
pub mod html;
pub mod instrument;
pub mod longlist;
pub mod lookbehind;
pub mod policy;
pub mod prefill;
pub mod report;
pub mod sample;
pub mod scheme;

pub use error::InputError;
pub mod synthetic;
