//! Signing in and staying signed in: argon2id password hashes, server-side sessions behind
//! an HttpOnly cookie (a fresh id on every sign-in, so a planted id is worthless), a CSRF
//! token per session checked on every state-changing request, and lockout after repeated
//! failures. The rules (how long a session lives, when a name locks) are in
//! `services::access`; this module applies them to HTTP.

use crate::AppState;
use crate::error::WebError;
use crate::kit::{PageError, SignedIn, form_field, percent_encode};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use services::access::{self, User};
use services::accounts::{self, SignInRefused};
use services::stores::prelude::*;
use sha2::{Digest, Sha256};
use store::auth::SessionRecord;

pub const SESSION_COOKIE: &str = "probity_session";
/// The double-submit cookie that protects the sign-in form itself (there is no session yet).
pub const SIGN_IN_COOKIE: &str = "probity_sign_in";
/// Where an API client sends the session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field every page form carries.
pub const CSRF_FIELD: &str = "csrf_token";

/// An argon2id hash (PHC string) of `password` with a random salt and the default parameters.
/// This is the raw computation, for tests and set-up: requests hash through
/// `services::accounts::hash`, which bounds how many run at once.
pub fn hash_password(password: &str) -> Result<String, WebError> {
    access::hash_password(password).map_err(WebError::internal)
}

/// Whether `password` matches the stored hash. A malformed hash never matches.
pub fn verify_password(hash: &str, password: &str) -> bool {
    access::verify_password(hash, password)
}

/// Makes every allocation of 1 MiB or more its own mapping, returned to the system when freed.
/// glibc otherwise raises its mapping threshold after the first large free, so each argon2
/// buffer (19 MiB) is then carved from a thread's heap arena and kept there: under a flood of
/// sign-ins the server grew to hundreds of megabytes, though no more than one check per core
/// ever ran. `serve` calls this once at start; on other C libraries it does nothing.
pub fn return_password_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator tunable; it is called before the server starts
    // handling requests, and a refusal (return 0) leaves the default behaviour.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// 256 random bits from the operating system, as 64 hex digits.
pub fn new_token() -> String {
    access::new_token()
}

/// What the store keeps for a session id: its SHA-256, so the table cannot be replayed.
pub fn session_key(id: &str) -> String {
    hex(&Sha256::digest(id.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Equal-time comparison, so a token cannot be guessed byte by byte.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A cookie for this host: HttpOnly and SameSite=Strict always, Secure unless the service
/// is reached on this machine (where there is no TLS to require).
pub fn set_cookie(headers: &HeaderMap, name: &str, value: &str, max_age: Option<i64>) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let local = ["localhost", "127.0.0.1", "[::1]"].iter().any(|l| host == *l || host.starts_with(&format!("{l}:")));
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if !local {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

/// A session's idle clock is written at most this often (Probity default). Writing it on
/// every request made every page view a write, and writes queue behind one another (SQLite
/// has a single writer), which under load cost more than the page. The price: a session may
/// end up to this much before its idle limit, never after it.
pub const TOUCH_EVERY: SignedDuration = SignedDuration::from_secs(60);

/// Whether a request at `now` should move on the idle clock of a session last seen at
/// `last_seen`.
pub fn needs_touch(last_seen: Timestamp, now: Timestamp) -> bool {
    now.duration_since(last_seen) >= TOUCH_EVERY
}

/// The officer whose caseload a path asks for (the page, its CSV or the API), if any.
pub fn caseload_in_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/api").unwrap_or(path).strip_prefix("/officers/")?;
    let (officer, page) = rest.split_once('/')?;
    matches!(page, "caseload" | "caseload.csv").then_some(officer)
}

/// Finds the live session of a request, if any, and refreshes its idle clock when it is
/// more than [`TOUCH_EVERY`] old. With `caseload_of`, reads that caseload's version too.
pub async fn current(
    app: &AppState,
    headers: &HeaderMap,
    caseload_of: Option<&str>,
) -> Result<Option<SignedIn>, WebError> {
    let Some(id) = cookie(headers, SESSION_COOKIE) else { return Ok(None) };
    let key = session_key(&id);
    // The session, its user, the access generation and any caseload's version in one
    // statement: this runs on every signed-in request, and a caseload is the page most opened.
    let Some(found) = app.stores.access.signed_in(&key, caseload_of).await? else { return Ok(None) };
    let (session, record) = (found.session, found.user);
    let now = services::clock::Clock::instant();
    if !access::session_alive(&access::SESSIONS, session.created_at, session.last_seen, now) {
        app.stores.access.end_session(&key).await?;
        return Ok(None);
    }
    let user = User::from_record(&record).map_err(|e| WebError::internal(format!("user {}: {e}", record.username)))?;
    if user.disabled {
        app.stores.access.end_session(&key).await?;
        return Ok(None);
    }
    if needs_touch(session.last_seen, now) {
        app.stores.access.touch_session(&key, now).await?;
    }
    Ok(Some(SignedIn {
        user,
        session_key: key,
        csrf_token: session.csrf_token,
        access_generation: found.access_generation,
        caseload_version: caseload_of.zip(found.caseload_version).map(|(o, v)| (o.to_owned(), v)),
    }))
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Every route behind it needs a live session; every state-changing request also needs the
/// session's CSRF token (the `x-csrf-token` header, or the form's `csrf_token` field).
pub async fn require_sign_in(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let signed_in = match current(&app, request.headers(), caseload_in_path(&path)).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let Some(signed_in) = signed_in else {
        if is_api(&path) {
            return WebError::Unauthorised.into_response();
        }
        let back = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let to = format!("/sign-in?next={}", percent_encode(back));
        return Redirect::to(&to).into_response();
    };
    let (parts, body) = request.into_parts();
    let mut request = if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        Request::from_parts(parts, body)
    } else {
        let bytes = match axum::body::to_bytes(body, 1 << 20).await {
            Ok(b) => b,
            Err(_) => return WebError::bad_request("body", "body: too large or unreadable").into_response(),
        };
        let sent = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| form_field(&bytes, CSRF_FIELD));
        if !sent.is_some_and(|t| same(&t, &signed_in.csrf_token)) {
            let refused = WebError::Forbidden(
                "This request did not carry this session's security token, so nothing was changed. Go back, \
                 reload the page and try again."
                    .into(),
            );
            // A page's form gets a page, an API client JSON.
            return if is_api(&path) { refused.into_response() } else { PageError(refused).into_response() };
        }
        Request::from_parts(parts, Body::from(bytes))
    };
    request.extensions_mut().insert(signed_in);
    next.run(request).await
}

/// Where to go after signing in: only a path on this site, never another host. A control
/// character anywhere (a browser drops a tab, so `/\t/evil.example` reads as
/// `//evil.example`, another host; CR or LF would split the header) refuses the whole value,
/// as does anything that is not a path of this site. No value at all means the start page.
pub fn safe_next(next: Option<&str>) -> Result<String, WebError> {
    const REFUSED: &str = "next: the page to go to after signing in must be a page of this site";
    let Some(n) = next.filter(|n| !n.is_empty()) else { return Ok("/".to_owned()) };
    let on_this_site = n.starts_with('/')
        && !n.starts_with("//")
        && !n.contains('\\')
        && !n.chars().any(|c| c.is_control() || c.is_whitespace());
    if on_this_site { Ok(n.to_owned()) } else { Err(WebError::bad_request("next", REFUSED)) }
}

/// A new session for `username`: its id (for the cookie only) and the record the store keeps.
pub fn fresh_session(username: &str) -> (String, SessionRecord) {
    let now = services::clock::Clock::instant();
    let id = new_token();
    let session = SessionRecord {
        id_hash: session_key(&id),
        username: username.to_owned(),
        csrf_token: new_token(),
        created_at: now,
        last_seen: now,
    };
    (id, session)
}

/// Checks a username and password, applying the lockout policy; on success starts a NEW
/// session (any session the browser brought is ended) and returns its id for the cookie.
pub async fn sign_in(
    app: &AppState,
    from: Option<std::net::IpAddr>,
    username: &str,
    password: &str,
    previous_session: Option<&str>,
) -> Result<Result<String, SignInRefused>, WebError> {
    let user = match accounts::check_password(&app.stores, &app.sign_in_throttle, from, username, password).await? {
        Ok(user) => user,
        Err(refused) => return Ok(Err(refused)),
    };
    let (id, session) = fresh_session(&user.username);
    let previous = previous_session.map(session_key);
    // Sessions live by the wall clock (as `current` checks them), not the service's day.
    accounts::start_session(&app.stores, previous.as_deref(), &session, session.created_at).await?;
    Ok(Ok(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caseload_a_path_asks_for() {
        let check = |path: &str, expect: Option<&str>| assert_eq!(caseload_in_path(path), expect, "{path}");
        check("/officers/N07P001/caseload", Some("N07P001"));
        check("/officers/N07P001/caseload.csv", Some("N07P001"));
        check("/api/officers/N07P001/caseload", Some("N07P001"));
        check("/officers/N07P001/worklist", None);
        check("/officers/N07P001/caseload/more", None);
        check("/officers/caseload", None);
        check("/cases/X123456", None);
        check("/apiofficers/N07P001/caseload", None);
    }

    #[test]
    fn tokens_are_256_random_bits() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_ne!(session_key(&a), a, "the store keeps a hash, not the id");
    }

    #[test]
    fn next_stays_on_this_site() {
        for (next, to) in [
            (Some("/cases/X1"), Some("/cases/X1")),
            (Some("/cases/X1?type=outcome_recorded"), Some("/cases/X1?type=outcome_recorded")),
            (None, Some("/")),
            (Some(""), Some("/")),
            (Some("//evil.example"), None),
            (Some("https://evil.example"), None),
            (Some("/\\evil"), None),
            (Some("/\t/evil.example"), None),
            (Some("/\r\nSet-Cookie: x=1"), None),
            (Some("/ /evil.example"), None),
            (Some("/\u{7f}x"), None),
        ] {
            let got = safe_next(next);
            assert_eq!(got.as_deref().ok(), to, "{next:?}");
            if let Err(e) = got {
                assert_eq!(e.field(), Some("next"), "{next:?}");
            }
        }
    }

    #[test]
    fn the_idle_clock_is_written_once_a_minute_at_most() {
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        for (seen, now, touch) in [
            ("2026-03-20T09:00:00Z", "2026-03-20T09:00:00Z", false),
            ("2026-03-20T09:00:00Z", "2026-03-20T09:00:59.999Z", false),
            ("2026-03-20T09:00:00Z", "2026-03-20T09:01:00Z", true),
            ("2026-03-20T09:00:00Z", "2026-03-20T09:29:00Z", true),
        ] {
            assert_eq!(needs_touch(at(seen), at(now)), touch, "{seen} {now}");
        }
        assert!(TOUCH_EVERY < access::SESSIONS.idle, "a session in use never expires for want of a touch");
    }

    /// A request moves a session's stored idle clock on only when it is a minute old, and
    /// the session stays signed in either way.
    #[tokio::test]
    async fn a_request_touches_a_session_only_when_its_clock_is_stale() {
        use crate::{AppState, Clock};
        use store::AccessStore;
        let (store, _dir) = store::testing::sqlite().await;
        let user = store::auth::UserRecord {
            username: "priya".into(),
            password_hash: hash_password("a long test password").unwrap(),
            role: "responsible_officer".into(),
            scope_kind: "team".into(),
            scope_code: Some("TEAM1".into()),
            officer: Some("OFF1".into()),
            disabled: false,
            created_at: services::clock::Clock::instant(),
        };
        store.add_user(&user).await.unwrap();
        let app = AppState {
            stores: services::Stores::new(store.clone()),
            clock: Clock::System,
            sign_in_throttle: Default::default(),
        };
        let now = store::to_stored_precision(services::clock::Clock::instant());
        for (ago, touched) in [(SignedDuration::from_secs(10), false), (SignedDuration::from_mins(2), true)] {
            let id = new_token();
            let seen = now - ago;
            let session = SessionRecord {
                id_hash: session_key(&id),
                username: "priya".into(),
                csrf_token: new_token(),
                created_at: seen,
                last_seen: seen,
            };
            store.create_session(&session).await.unwrap();
            let mut headers = HeaderMap::new();
            headers.insert(header::COOKIE, format!("{SESSION_COOKIE}={id}").parse().unwrap());
            let signed_in = current(&app, &headers, None).await.unwrap();
            assert_eq!(signed_in.map(|s| s.user.username.to_string()).as_deref(), Some("priya"), "{ago:?}");
            let stored = AccessStore::session(&store, &session_key(&id)).await.unwrap().unwrap().last_seen;
            assert_eq!(stored != seen, touched, "last seen {ago:?} ago: stored {stored}");
            if touched {
                assert!(stored >= now, "moved on to the request's time: {stored}");
            }
        }
    }

    #[test]
    fn cookies_are_secure_except_on_this_machine() {
        let headers = |host: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, host.parse().unwrap());
            h
        };
        let local = set_cookie(&headers("127.0.0.1:8080"), SESSION_COOKIE, "x", None);
        assert_eq!(local, "probity_session=x; Path=/; HttpOnly; SameSite=Strict");
        let remote = set_cookie(&headers("probity.example"), SESSION_COOKIE, "x", Some(0));
        assert!(remote.ends_with("SameSite=Strict; Secure; Max-Age=0"), "{remote}");
    }
}
