//! Signing in from tests: a user made straight in the store (with a real argon2id hash), and
//! a client signed in through the real sign-in form, carrying its session cookie and the
//! session's CSRF token on every request, as a browser and a page's forms would.
#![allow(dead_code)]

use reqwest::header::{COOKIE, HeaderMap, HeaderValue};
use store::AccessStore;
use store::auth::UserRecord;

pub const PASSWORD: &str = "a long test password";

/// Adds a user with [`PASSWORD`]; `scope` is `KIND:CODE` or `provider`.
pub async fn add_user<S: AccessStore>(store: &S, username: &str, role: &str, scope: &str, officer: Option<&str>) {
    let (kind, code) = match scope.split_once(':') {
        Some((k, c)) => (k, Some(c.to_owned())),
        None => (scope, None),
    };
    let user = UserRecord {
        username: username.to_owned(),
        password_hash: web::auth::hash_password(PASSWORD).unwrap(),
        role: role.to_owned(),
        scope_kind: kind.to_owned(),
        scope_code: code,
        officer: officer.map(str::to_owned),
        disabled: false,
        created_at: jiff::Timestamp::now(),
    };
    store.add_user(&user).await.unwrap();
}

/// A client that does not follow redirects, so tests see the 303s themselves.
pub fn client(headers: HeaderMap) -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).default_headers(headers).build().unwrap()
}

/// The value of `name=...` in a response's Set-Cookie headers.
pub fn set_cookie(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{name}=")).map(|rest| rest.split(';').next().unwrap_or("").to_owned()))
}

/// The hidden `csrf_token` of the first form on a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    Some(html[at..].split('"').next()?.to_owned())
}

/// The sign-in form's own token and cookie.
pub async fn sign_in_form(base: &str) -> (String, String) {
    let r = client(HeaderMap::new()).get(format!("{base}/sign-in")).send().await.unwrap();
    let cookie = set_cookie(&r, "probity_sign_in").expect("the form sets its cookie");
    let token = csrf_in(&r.text().await.unwrap()).expect("the form carries its token");
    (cookie, token)
}

/// Posts the sign-in form; returns the response (303 on success).
pub async fn post_sign_in(base: &str, username: &str, password: &str, session: Option<&str>) -> reqwest::Response {
    let (cookie, token) = sign_in_form(base).await;
    let mut cookies = format!("probity_sign_in={cookie}");
    if let Some(s) = session {
        cookies.push_str(&format!("; probity_session={s}"));
    }
    client(HeaderMap::new())
        .post(format!("{base}/sign-in"))
        .header(COOKIE, cookies)
        .form(&[("username", username), ("password", password), ("csrf_token", &token), ("next", "/")])
        .send()
        .await
        .unwrap()
}

/// A signed-in user's client and the pieces of its session.
pub struct SignedIn {
    pub http: reqwest::Client,
    pub session: String,
    pub csrf: String,
}

/// Signs `username` in through the form and returns a client sending the session cookie and
/// the CSRF token (header `x-csrf-token`) on every request.
pub async fn sign_in(base: &str, username: &str) -> SignedIn {
    let r = post_sign_in(base, username, PASSWORD, None).await;
    assert_eq!(r.status(), 303, "{username} signs in");
    let session = set_cookie(&r, "probity_session").expect("a session cookie");
    let mut headers = HeaderMap::new();
    headers.insert(COOKIE, HeaderValue::from_str(&format!("probity_session={session}")).unwrap());
    let home = client(headers.clone()).get(format!("{base}/")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&home).expect("every signed-in page has the sign-out form with the token");
    headers.insert("x-csrf-token", HeaderValue::from_str(&csrf).unwrap());
    SignedIn { http: client(headers), session, csrf }
}
