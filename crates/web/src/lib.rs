//! Probity's HTTP server: a JSON API under `/api` (described by an OpenAPI document at
//! `/api/openapi.json`) and plain server-rendered pages for people.
//!
//! Interfaces are thin (docs/design.md#architecture): handlers parse the request (with
//! [`kit`]), call a use case of `services` with the stores, the signed-in actor and the clock's
//! time, and render a [`view`]; no rule of probation or of access lives here. Every route but
//! signing in, the stylesheet and the health check needs a signed-in user
//! ([`auth::require_sign_in`]).
//!
//! The crate is a kit plus pages by area: [`kit`] holds what two areas share, and each area
//! (`pages`, `case`, `upw`, `mi`, `team`, `inspection`, `admin`, `account`, `api`) has its own
//! route table, merged in [`routes`]. A page module names no other page module, so an area can
//! be read, and changed, alone.
//!
//! Start reading at [`router`], then `api/mod.rs` and `pages.rs`.

pub mod account;
pub mod admin;
pub mod api;
pub mod auth;
pub mod case;
pub mod error;
pub mod inspection;
pub mod kit;
pub mod mi;
pub mod pages;
pub mod team;
pub mod transfer;
pub mod upw;
pub mod view;

pub use api::api_routes;
pub use error::WebError;
pub use services::clock::Clock;

use axum::Router;
use axum::http::{HeaderValue, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

/// What every handler shares: the case records, the clock, and the access snapshot kept in
/// memory ([`snapshot`]).
#[derive(Clone)]
pub struct AppState {
    /// Every store of the database, with the access snapshot and caseloads kept in memory.
    pub stores: services::Stores,
    pub clock: Clock,
    /// Sign-in attempts per client address (`services::access::SIGN_IN_THROTTLE`).
    pub sign_in_throttle: Arc<services::access::AddressThrottle>,
}

/// The whole application on `store`, reading today's date from the system clock.
pub fn router<S: services::stores::AnyStore>(store: S) -> Router {
    router_with_clock(store, Clock::System)
}

/// How long a request may run before the server stops it with a clear error (Probity
/// default): hundreds of times any page's target (100 ms at national scale), so only a fault
/// or a pathological request meets it, and short enough that nobody waits on a page that will
/// never come.
pub const TIME_LIMIT: Duration = Duration::from_secs(30);

/// The limit for each database statement when serving with `time_limit` (PostgreSQL's
/// `statement_timeout`): a second longer, so a request is stopped by its own limit, with the
/// page that says so, before its statement fails; and no statement a dropped request left
/// behind runs on past that.
pub fn statement_limit(time_limit: Duration) -> Duration {
    time_limit + Duration::from_secs(1)
}

/// The whole application with a chosen clock.
pub fn router_with_clock<S: services::stores::AnyStore>(store: S, clock: Clock) -> Router {
    router_with(store, clock, TIME_LIMIT)
}

/// The whole application with a chosen clock and time limit for each request.
pub fn router_with<S: services::stores::AnyStore>(store: S, clock: Clock, time_limit: Duration) -> Router {
    let state = AppState { stores: services::Stores::new(store), clock, sign_in_throttle: Arc::default() };
    routes(state.clone())
        .fallback(fallback)
        .layer(axum::middleware::from_fn_with_state(time_limit, stop_at_time_limit))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(axum::middleware::map_response(security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Every route, before the cross-cutting layers: the signed-in routes behind the session
/// layer (a `route_layer`, so an unknown path is still a plain 404), then the public ones.
pub fn routes(state: AppState) -> Router<AppState> {
    api::router()
        .merge(pages::router())
        .merge(admin::router())
        .merge(account::router())
        .merge(upw::router())
        .merge(inspection::router())
        .merge(team::router())
        .merge(transfer::router())
        .merge(mi::router())
        .merge(mi::outcomes::router())
        .merge(case::router())
        .route_layer(axum::middleware::from_fn_with_state(state, auth::require_sign_in))
        .merge(pages::public_router())
}

/// Every route of the application as (method, path template): the signed-in ones and the
/// public ones. The route x role test walks this list, so a route added without an
/// expectation fails it.
pub fn all_routes() -> Vec<(Method, &'static str)> {
    let mut all = api::api_routes();
    all.extend(pages::page_routes());
    all.extend(admin::admin_routes());
    all.extend(account::account_routes());
    all.extend(upw::upw_routes());
    all.extend(inspection::inspection_routes());
    all.extend(team::team_routes());
    all.extend(transfer::transfer_routes());
    all.extend(mi::mi_routes());
    all.extend(mi::outcomes::mi_outcome_routes());
    all.extend(case::case_routes());
    all.extend(pages::public_routes());
    all
}

/// Serves until ctrl-c (or SIGTERM), letting requests in flight finish. A request whose
/// client goes away is dropped by the server, and with it every query it had yet to make; one
/// that runs past `time_limit` is stopped the same way and answered with a clear error.
pub async fn serve<S: services::stores::AnyStore>(
    store: S,
    listener: tokio::net::TcpListener,
    time_limit: Duration,
) -> std::io::Result<()> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "Probity is listening");
    }
    auth::return_password_memory();
    // The peer's address reaches the handlers, for the sign-in throttle.
    let app =
        router_with(store, Clock::System, time_limit).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Unknown routes: JSON under `/api`, a page elsewhere.
async fn fallback(uri: Uri) -> Response {
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        WebError::NotFound(format!("There is no API route {}.", uri.path())).into_response()
    } else {
        pages::not_found().await.into_response()
    }
}

/// Runs the request within `limit`; past it the request's future is dropped (an open
/// transaction rolls back, so nothing is half-recorded) and the person gets a page saying so.
async fn stop_at_time_limit(
    axum::extract::State(limit): axum::extract::State<Duration>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%method, %path, limit_ms = limit.as_millis(), "stopped a request at the time limit");
            let e = WebError::TimedOut(limit.as_secs().max(1));
            if path == "/api" || path.starts_with("/api/") {
                e.into_response()
            } else {
                kit::PageError(e).into_response()
            }
        }
    }
}

/// A panic is a bug: log it, answer with the generic 500, never a backtrace.
fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    WebError::internal(format!("handler panicked: {detail}")).into_response()
}

/// Headers every response carries: no sniffing, no framing, no script at all, no third-party
/// anything; and nothing with a person in it kept in a cache.
async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    response
}
