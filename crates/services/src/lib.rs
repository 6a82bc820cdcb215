//! Probity's use cases, written once against [`store::CaseStore`] and called by the CLI and
//! the web server alike.

pub mod access;
pub mod accounts;
pub mod actor;
pub mod case_header;
pub mod case_transfer;
pub mod caseload_query;
pub mod cases;
pub mod clock;
pub mod day;
pub mod decisions;
pub mod error;
pub mod generate;
pub mod input;
pub mod inspection;
pub mod mi;
pub mod record;
pub mod snapshot;
pub mod staff;
pub mod stores;
pub mod team;
pub mod transfer;
pub mod upw;
pub mod workspace;

pub use actor::Actor;
pub use error::{FieldProblem, ServiceError};
pub use stores::Stores;
