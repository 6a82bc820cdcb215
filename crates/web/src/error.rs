//! One error type for the whole HTTP layer. The API renders it as JSON and the pages as an
//! error page, so a problem reads the same wherever it is met, and the store's failures are
//! mapped to statuses in exactly one place.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::InvalidValue;
use serde::Serialize;
use services::ServiceError;
use store::StoreError;
use utoipa::ToSchema;

/// What went wrong with a request. Internal failures carry no detail: it is logged when the
/// error is made and never reaches a response.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WebError {
    /// The request itself is malformed; `field` names the part at fault where one can be named.
    #[error("{message}")]
    BadRequest { field: Option<String>, message: String },
    /// No live session: sign in first.
    #[error("Sign in to use Probity.")]
    Unauthorised,
    /// Signed in, but this user may not do this (their role, place or a limited-access list).
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// Someone else recorded on the case since the client read it.
    #[error("{message}")]
    Conflict { message: String, expected: u64, actual: u64 },
    /// Well-formed, but the case's state does not allow it (a domain rule said no).
    #[error("{message}")]
    Rejected { field: String, message: String },
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Bounded work (password checks) has no free slot in time: try again shortly.
    #[error("{0}")]
    Busy(String),
    /// The request ran past the server's time limit and was stopped, its work with it.
    #[error(
        "This took longer than {0} seconds, so it was stopped. Try again (if you were saving \
         something, check first whether it was saved); if it happens again, tell your IT team: it has been logged."
    )]
    TimedOut(u64),
    #[error("something went wrong on our side; it has been logged")]
    Internal,
}

/// The message every internal failure gets.
pub const INTERNAL_MESSAGE: &str = "Something went wrong on our side. It has been logged; please try again later.";

impl WebError {
    /// An internal failure: `detail` goes to the log only.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error while handling a request");
        WebError::Internal
    }

    pub fn bad_request(field: impl Into<String>, message: impl Into<String>) -> Self {
        WebError::BadRequest { field: Some(field.into()), message: message.into() }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            WebError::Unauthorised => StatusCode::UNAUTHORIZED,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::Conflict { .. } => StatusCode::CONFLICT,
            WebError::Rejected { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::TimedOut(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable, machine-readable code for clients to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            WebError::BadRequest { .. } => "bad_request",
            WebError::Unauthorised => "unauthorised",
            WebError::Forbidden(_) => "forbidden",
            WebError::NotFound(_) => "not_found",
            WebError::Conflict { .. } => "conflict",
            WebError::Rejected { .. } => "rejected",
            WebError::UnsupportedMediaType(_) => "unsupported_media_type",
            WebError::Busy(_) => "busy",
            WebError::TimedOut(_) => "timed_out",
            WebError::Internal => "internal",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            WebError::BadRequest { field, .. } => field.as_deref(),
            WebError::Rejected { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The message shown to people and clients.
    pub fn message(&self) -> String {
        match self {
            WebError::Internal => INTERNAL_MESSAGE.to_owned(),
            other => other.to_string(),
        }
    }

    pub fn body(&self) -> ErrorResponse {
        let (expected_version, current_version) = match self {
            WebError::Conflict { expected, actual, .. } => (Some(*expected), Some(*actual)),
            _ => (None, None),
        };
        ErrorResponse {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.message(),
                field: self.field().map(str::to_owned),
                expected_version,
                current_version,
            },
        }
    }
}

/// The JSON body of every API error.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ErrorResponse {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// One of `bad_request`, `unauthorised`, `forbidden`, `not_found`, `conflict`, `rejected`, `unsupported_media_type`,
    /// `busy`, `timed_out`, `internal`.
    #[schema(example = "rejected")]
    pub code: String,
    /// A sentence a person can act on.
    pub message: String,
    /// The field at fault, as a path into the request (e.g. `events[0].event.appointment`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// On a conflict: the version the client expected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_version: Option<u64>,
    /// On a conflict: the version the case is at now; reload and retry from there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<u64>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        (self.status(), Json(self.body())).into_response()
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { ref crn, expected, actual } => WebError::Conflict {
                message: format!(
                    "Case {crn} has changed since you read it: you expected version {expected} but it is at \
                     version {actual}. Reload the case and try again."
                ),
                expected,
                actual,
            },
            StoreError::Rejected { index, field, problem } => WebError::Rejected {
                field: format!("events[{index}].event.{field}"),
                message: format!("event {index}: {field}: {problem}"),
            },
            StoreError::Field { field, problem } => WebError::BadRequest { field: Some(field), message: problem },
            StoreError::Invalid(message) => WebError::BadRequest { field: None, message },
            other => WebError::internal(other),
        }
    }
}

impl From<ServiceError> for WebError {
    fn from(e: ServiceError) -> Self {
        match e {
            // A request names its first bad field; a form shows them all (`kit`).
            ServiceError::Invalid(problems) => match problems.into_iter().next() {
                Some(p) => WebError::BadRequest { field: Some(p.field), message: p.message },
                None => WebError::internal("a refusal with no field"),
            },
            ServiceError::Forbidden(message) => WebError::Forbidden(message),
            ServiceError::NotFound(message) => WebError::NotFound(message),
            ServiceError::Store(e) => e.into(),
            ServiceError::Busy(message) => WebError::Busy(message),
            ServiceError::Internal(detail) => WebError::internal(detail),
        }
    }
}

impl From<InvalidValue> for WebError {
    fn from(e: InvalidValue) -> Self {
        WebError::bad_request(e.field, e.to_string())
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::internal(format!("template: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_never_carry_their_detail_to_the_client() {
        let e: WebError = StoreError::Corrupt("secret table name case_summary row 7".into()).into();
        assert_eq!(e, WebError::Internal);
        let body = serde_json::to_string(&e.body()).unwrap();
        assert!(!body.contains("case_summary"), "{body}");
        assert!(body.contains("\"code\":\"internal\""), "{body}");
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn store_errors_map_to_statuses() {
        let crn = domain::Crn::parse("X123456").unwrap();
        let cases: Vec<(StoreError, StatusCode, Option<&str>)> = vec![
            (StoreError::Conflict { crn, expected: 2, actual: 3 }, StatusCode::CONFLICT, None),
            (
                StoreError::Rejected { index: 1, field: "appointment", problem: "no A9".into() },
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("events[1].event.appointment"),
            ),
            (
                StoreError::Field { field: "events".into(), problem: "events: at least one event is needed".into() },
                StatusCode::BAD_REQUEST,
                Some("events"),
            ),
            (StoreError::NotEmpty, StatusCode::INTERNAL_SERVER_ERROR, None),
        ];
        for (store_error, status, field) in cases {
            let e = WebError::from(store_error);
            assert_eq!((e.status(), e.field()), (status, field), "{e:?}");
        }
    }
}
