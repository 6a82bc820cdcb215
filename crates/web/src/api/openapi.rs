//! The OpenAPI document for `/api`. Operations are described beside their handlers
//! (`#[utoipa::path]` in [`crate::api`]); this module gathers them; the schemas the types
//! cannot give themselves are in `view::schema`.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Probity API",
        description = "Probation case management: caseloads, case records as timelines, and recording \
                       events on a case. Every error is `{\"error\": {\"code\", \"message\", \"field\"?}}`."
    ),
    paths(
        super::officer_caseload,
        super::officer_worklist,
        super::case_record,
        super::record_events,
        super::openapi_document
    ),
    tags(
        (name = "caseloads", description = "What each responsible officer holds"),
        (name = "cases", description = "Case records: summary, timeline, recording events"),
        (name = "meta", description = "This document")
    )
)]
struct ApiDoc;

/// The OpenAPI 3.1 document served at `/api/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
