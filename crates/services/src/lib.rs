//! Probity's use cases, written once against [`store::CaseStore`] and called by the CLI and
//! the web server alike.

pub mod generate;
pub mod transfer;
