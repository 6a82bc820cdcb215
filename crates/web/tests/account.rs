//! Changing one's own password over real HTTP: a bad form names each field and changes
//! nothing; a wrong current password counts towards the sign-in lockout; a change ends every
//! other session and moves this one to a new id; a form without the session's token is
//! refused.

mod support;

use domain::example::code;
use domain::ids::Name;
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Staff, Team};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, HeaderMap, HeaderValue};
use store::auth::AccessStore;
use store::{CaseStore, SqliteStore};
use support::{PASSWORD, SignedIn, add_user, client, post_sign_in, sign_in};
use tokio::net::TcpListener;

const NEW_PASSWORD: &str = "a brand new passphrase";

struct Server {
    base: String,
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn start() -> Self {
        let (store, dir) = store::testing::sqlite().await;
        store.bulk_load(&organisation(), &mut std::iter::empty(), &|_| {}).await.unwrap();
        add_user(&store, "priya", "responsible_officer", "team:TEAM1", Some("OFF1")).await;
        add_user(&store, "sam", "responsible_officer", "team:TEAM1", None).await;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = web::router(store.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Server { base, store, _dir: dir }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn hash(&self, username: &str) -> String {
        self.store.user(username).await.unwrap().unwrap().password_hash
    }

    /// Whether a session id still opens a signed-in page.
    async fn signed_in(&self, session: &str) -> bool {
        let r = with_session(session).get(self.url("/")).send().await.unwrap();
        r.status() == StatusCode::OK
    }

    async fn change(&self, who: &SignedIn, current: &str, new: &str, confirm: &str) -> reqwest::Response {
        let form = [
            ("current_password", current),
            ("new_password", new),
            ("confirm_password", confirm),
            ("csrf_token", who.csrf.as_str()),
        ];
        with_session(&who.session).post(self.url("/account/password")).form(&form).send().await.unwrap()
    }
}

fn organisation() -> Organisation {
    let name = |s: &str| Name::parse(s).unwrap();
    Organisation {
        areas: vec![Area { code: code("LDN"), name: name("London") }],
        boroughs: vec![Borough { code: code("CAM"), area: code("LDN"), name: name("Camden") }],
        offices: vec![Office { code: code("CAM1"), borough: code("CAM"), name: name("Camden office") }],
        teams: vec![Team { code: code("TEAM1"), office: code("CAM1"), name: name("Camden North") }],
        staff: vec![Staff {
            code: code("OFF1"),
            team: code("TEAM1"),
            name: name("Priya Shah"),
            grade: Grade::Po,
            contracted_hours: ContractedHours::FULL_TIME,
            employment: Employment::Permanent,
            specialisms: vec![],
        }],
    }
}

fn with_session(session: &str) -> reqwest::Client {
    let mut h = HeaderMap::new();
    h.insert(COOKIE, HeaderValue::from_str(&format!("probity_session={session}")).unwrap());
    client(h)
}

#[tokio::test]
async fn the_page_is_linked_from_the_header_and_asks_for_three_passwords() {
    let s = Server::start().await;
    let priya = sign_in(&s.base, "priya").await;
    let home = priya.http.get(s.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("href=\"/account/password\">Change password</a>"), "{home}");
    let r = priya.http.get(s.url("/account/password")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    for (field, autocomplete) in [
        ("current_password", "current-password"),
        ("new_password", "new-password"),
        ("confirm_password", "new-password"),
    ] {
        let input = format!("id=\"{field}\" name=\"{field}\" type=\"password\" autocomplete=\"{autocomplete}\"");
        assert!(page.contains(&input), "{field}: {page}");
    }
    assert!(!page.contains("govuk-error-summary") && !page.contains("has been changed"));
}

/// Each bad form: refused with the error summary naming exactly the bad fields, no password
/// shown back, and nothing changed: the hash, the session, the old password's sign-in.
#[tokio::test]
async fn a_bad_form_names_each_field_and_changes_nothing() {
    let s = Server::start().await;
    let priya = sign_in(&s.base, "priya").await;
    let before = s.hash("priya").await;
    let cases: [(&str, &str, &str, &[&str]); 5] = [
        ("wrong current password", "not my password", NEW_PASSWORD, &["current_password"]),
        ("new passwords differ", PASSWORD, NEW_PASSWORD, &["confirm_password"]),
        ("weak new password", PASSWORD, "short", &["new_password"]),
        ("empty form", "", "", &["current_password", "new_password", "confirm_password"]),
        ("wrong and weak", "not my password", "short", &["current_password", "new_password"]),
    ];
    for (why, current, new, named) in cases {
        let confirm = if why == "new passwords differ" { "a different passphrase" } else { new };
        let r = s.change(&priya, current, new, confirm).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{why}");
        let page = r.text().await.unwrap();
        assert!(page.contains("There is a problem"), "{why}: {page}");
        for field in ["current_password", "new_password", "confirm_password"] {
            let in_summary = page.contains(&format!("<a href=\"#{field}\">{field}:"));
            assert_eq!(in_summary, named.contains(&field), "{why}: {field} in the summary: {page}");
        }
        for typed in [current, new, confirm].into_iter().filter(|t| !t.is_empty()) {
            assert!(!page.contains(typed), "{why}: a password is never shown back");
        }
        assert_eq!(s.hash("priya").await, before, "{why}: the password is unchanged");
        assert!(s.signed_in(&priya.session).await, "{why}: still signed in");
    }
    assert_eq!(post_sign_in(&s.base, "priya", PASSWORD, None).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(post_sign_in(&s.base, "priya", NEW_PASSWORD, None).await.status(), StatusCode::UNAUTHORIZED);
}

/// Guessing the current password is guessing a password: the guesses count towards the same
/// lockout as signing in, and once locked neither the form nor the sign-in takes the right one.
#[tokio::test]
async fn wrong_current_passwords_count_towards_the_lockout() {
    let s = Server::start().await;
    let priya = sign_in(&s.base, "priya").await;
    for attempt in 1..=3 {
        let r = s.change(&priya, "a guess at it", NEW_PASSWORD, NEW_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "attempt {attempt}");
    }
    assert_eq!(post_sign_in(&s.base, "priya", "another guess", None).await.status(), StatusCode::UNAUTHORIZED);
    let fifth = s.change(&priya, "a last guess", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(fifth.status(), StatusCode::TOO_MANY_REQUESTS, "three here, one at sign-in, and this");
    assert!(fifth.text().await.unwrap().contains("current_password: there have been too many wrong attempts"));
    let right = s.change(&priya, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS, "locked even with the right password");
    assert_eq!(post_sign_in(&s.base, "priya", PASSWORD, None).await.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(web::auth::verify_password(&s.hash("priya").await, PASSWORD), "unchanged");
    assert_eq!(post_sign_in(&s.base, "sam", PASSWORD, None).await.status(), StatusCode::SEE_OTHER, "others unaffected");
}

#[tokio::test]
async fn a_change_ends_every_other_session_and_renews_this_one() {
    let s = Server::start().await;
    let (here, elsewhere, sam) =
        (sign_in(&s.base, "priya").await, sign_in(&s.base, "priya").await, sign_in(&s.base, "sam").await);
    let r = s.change(&here, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/account/password?changed=yes");
    let renewed = support::set_cookie(&r, "probity_session").expect("a new session cookie");
    assert!(renewed.len() == 64 && renewed != here.session && renewed != elsewhere.session);

    for (which, session, live) in [
        ("the old id of this session", &here.session, false),
        ("another session of the same user", &elsewhere.session, false),
        ("this session's new id", &renewed, true),
        ("another user's session", &sam.session, true),
    ] {
        assert_eq!(s.signed_in(session).await, live, "{which}");
    }
    let page = with_session(&renewed).get(s.url("/account/password?changed=yes")).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("Your password has been changed"), "{page}");
    let csrf = support::csrf_in(&page).unwrap();
    assert_ne!(csrf, here.csrf, "the new session has its own CSRF token");

    let stored = s.hash("priya").await;
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert!(!stored.contains(NEW_PASSWORD));
    assert_eq!(post_sign_in(&s.base, "priya", PASSWORD, None).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(post_sign_in(&s.base, "priya", NEW_PASSWORD, None).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_form_without_the_sessions_token_is_refused_and_changes_nothing() {
    let s = Server::start().await;
    let priya = sign_in(&s.base, "priya").await;
    let before = s.hash("priya").await;
    let other = sign_in(&s.base, "sam").await.csrf;
    for (why, token) in
        [("no token", None), ("a wrong token", Some("f".repeat(64))), ("another session's", Some(other))]
    {
        let mut form = vec![
            ("current_password", PASSWORD.to_owned()),
            ("new_password", NEW_PASSWORD.to_owned()),
            ("confirm_password", NEW_PASSWORD.to_owned()),
        ];
        if let Some(t) = token {
            form.push(("csrf_token", t));
        }
        let r = with_session(&priya.session).post(s.url("/account/password")).form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{why}");
        assert_eq!(s.hash("priya").await, before, "{why}: nothing changed");
        assert!(s.signed_in(&priya.session).await, "{why}: the session is kept");
    }
}
