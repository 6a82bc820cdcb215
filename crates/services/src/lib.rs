//! Probity's use cases, written once against [`store::CaseStore`] and called by the CLI and
//! the web server alike.

pub mod access;
pub mod clock;
pub mod generate;
pub mod inspection;
pub mod record;
pub mod transfer;
pub mod upw;
