//! What a use case refuses or fails with, as data: a bad value carries the path of its field,
//! so the page can link its error summary to the field and the API can name it; nothing
//! downstream reads an error's text to find out what it was.

use store::StoreError;

/// The message of every refusal on access: it does not say whether the thing exists.
pub const NO_ACCESS: &str = "You do not have access to this. If you need it, ask your manager.";

/// One bad field of a request or form: its path (a form's field id, or a path into a request
/// body such as `events[0].event.appointment`) and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldProblem { field: field.into(), message: message.into() }
    }
}

/// Why a use case did not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Values the caller gave that cannot be accepted, each naming its field; nothing was
    /// changed.
    #[error("{}", .0.first().map_or("", |p| p.message.as_str()))]
    Invalid(Vec<FieldProblem>),
    /// The actor may not do this (their role, place or a limited-access list).
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// What the store refused (a conflict of versions, a rule of the case) or failed at.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A bounded resource (password hashing) stayed full: try again in a moment.
    #[error("{0}")]
    Busy(String),
    /// A bug or damaged data: for the log, never for the person.
    #[error("{0}")]
    Internal(String),
}

impl ServiceError {
    /// Refused on access, saying no more than [`NO_ACCESS`].
    pub fn forbidden() -> Self {
        ServiceError::Forbidden(NO_ACCESS.to_owned())
    }

    /// One bad field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        ServiceError::Invalid(vec![FieldProblem::new(field, message)])
    }
}

impl From<domain::InvalidValue> for ServiceError {
    fn from(e: domain::InvalidValue) -> Self {
        ServiceError::field(e.field, e.to_string())
    }
}
