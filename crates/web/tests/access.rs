//! Security over real HTTP: sign-in (argon2id, session fixation, lockout, expiry, sign-out),
//! CSRF on every state-changing request, roles and places, limited-access lists everywhere a
//! person appears, the audit of reads, admin forms, and every route for every role.
//!
//! The provider: Camden (borough CAM, office CAM1) has team TEAM1 with Priya (OFF1) and Sam
//! (OFF2); Islington (ISL, office ISL1) has TEAM2 with Zoe (OFF9); both in area LDN.
//! Cases: X000001 Ada Lovelace (OFF1), X000002 Grace Hopper (OFF2), X000003 Alan Turing (OFF9);
//! X000004 Mary Seacole of Camden waits to be allocated.

mod support;

use domain::example::{self, code, date};
use domain::ids::{Crn, Name};
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Staff, Team};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, HeaderMap, HeaderValue};
use serde_json::json;
use std::collections::BTreeMap;
use store::auth::AccessStore;
use store::inspection::InspectionStore;
use store::{CaseStore, SqliteStore};
use support::{PASSWORD, SignedIn, add_user, client, post_sign_in, sign_in};
use tokio::net::TcpListener;
use web::Clock;

/// Every role's user, in the column order of the route table, after the signed-out column.
const USERS: [(&str, &str, &str, Option<&str>); 7] = [
    ("priya", "responsible_officer", "team:TEAM1", Some("OFF1")),
    ("spo", "spo", "team:TEAM1", None),
    ("manager", "area_manager", "area:LDN", None),
    ("upw", "upw_supervisor", "borough:CAM", None),
    ("inspector", "inspector", "provider", None),
    ("analyst", "mi_analyst", "provider", None),
    ("admin", "admin", "provider", None),
];

struct Server {
    base: String,
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn start() -> Self {
        let (store, dir) = store::testing::sqlite().await;
        store.bulk_load(&organisation(), &mut std::iter::empty(), &|_| {}).await.unwrap();
        let on = date("2026-03-02");
        for (crn, first, family, officer, team) in [
            ("X000001", "Ada", "Lovelace", "OFF1", "TEAM1"),
            ("X000002", "Grace", "Hopper", "OFF2", "TEAM1"),
            ("X000003", "Alan", "Turing", "OFF9", "TEAM2"),
        ] {
            store
                .append(&crn_of(crn), 0, &example::opening(first, family, on, officer, team), jiff::Timestamp::now())
                .await
                .unwrap();
        }
        // X000004 Mary Seacole of Camden, sentenced and waiting on TEAM1's allocation queue.
        let mut waiting = example::person("Mary", "Seacole");
        waiting.home_borough = Some(code("CAM"));
        let waiting = [
            domain::event::CaseEvent::PersonRegistered { person: waiting },
            domain::event::CaseEvent::SentenceImposed { sentence: example::community_order("S1", on) },
        ];
        let waiting: Vec<_> = waiting.into_iter().map(|e| example::new_event(on, e)).collect();
        store.append(&crn_of("X000004"), 0, &waiting, jiff::Timestamp::now()).await.unwrap();
        for (username, role, scope, officer) in USERS {
            add_user(&store, username, role, scope, officer).await;
        }
        add_user(&store, "sam", "responsible_officer", "team:TEAM1", Some("OFF2")).await;
        store.grant_cases("inspector", &[crn_of("X000003")]).await.unwrap();
        // An inspection sampling one case of each team; only X000003 is granted to the inspector.
        store
            .record_inspection(&store::inspection::NewInspection {
                id: code("INS1"),
                announced_on: date("2026-03-10"),
                fieldwork_on: date("2026-03-24"),
                scheme: "inspectorate".into(),
                seed: 1,
                sample_json: "{}".into(),
                created_by: code("HMI"),
                created_at: jiff::Timestamp::now(),
                cases: vec![(crn_of("X000001"), "community".into()), (crn_of("X000003"), "community".into())],
            })
            .await
            .unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = web::router_with_clock(store.clone(), Clock::Fixed(date("2026-03-20")));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Server { base, store, _dir: dir }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn events(&self, crn: &str) -> usize {
        self.store.stream(&crn_of(crn)).await.unwrap().len()
    }
}

fn crn_of(s: &str) -> Crn {
    Crn::parse(s).unwrap()
}

fn organisation() -> Organisation {
    let name = |s: &str| Name::parse(s).unwrap();
    let staff = |c: &str, team: &str, n: &str| Staff {
        code: code(c),
        team: code(team),
        name: name(n),
        grade: Grade::Po,
        contracted_hours: ContractedHours::FULL_TIME,
        employment: Employment::Permanent,
        specialisms: vec![],
    };
    Organisation {
        areas: vec![Area { code: code("LDN"), name: name("London") }],
        boroughs: vec![
            Borough { code: code("CAM"), area: code("LDN"), name: name("Camden") },
            Borough { code: code("ISL"), area: code("LDN"), name: name("Islington") },
        ],
        offices: vec![
            Office { code: code("CAM1"), borough: code("CAM"), name: name("Camden office") },
            Office { code: code("ISL1"), borough: code("ISL"), name: name("Islington office") },
        ],
        teams: vec![
            Team { code: code("TEAM1"), office: code("CAM1"), name: name("Camden North") },
            Team { code: code("TEAM2"), office: code("ISL1"), name: name("Islington East") },
        ],
        staff: vec![
            staff("OFF1", "TEAM1", "Priya Shah"),
            staff("OFF2", "TEAM1", "Sam Okafor"),
            staff("OFF9", "TEAM2", "Zoe Park"),
        ],
    }
}

async fn status(http: &reqwest::Client, method: &str, url: &str) -> StatusCode {
    let r = match method {
        "GET" => http.get(url).send().await.unwrap(),
        _ => {
            // A stale version, so a permitted writer gets 409 and nothing is written.
            let body = json!({"expected_version": 99, "events": [{
                "occurred_at": "2026-03-20T09:00:00Z",
                "event": {"type": "appointment_booked",
                    "appointment": {"id": "A9", "at": "2026-03-24T10:00:00", "minutes": 45, "kind": "office_visit"}}
            }]});
            if url.contains("/api/") {
                http.post(url).json(&body).send().await.unwrap()
            } else {
                http.post(url).form(&[("nothing", "")]).send().await.unwrap()
            }
        }
    };
    r.status()
}

#[tokio::test]
async fn every_route_for_every_role_and_for_no_one() {
    let s = Server::start().await;
    // The concrete path tried for each route, and the status for: signed out, then USERS.
    let table: BTreeMap<(&str, &str), (&str, [u16; 8])> = BTreeMap::from([
        (
            ("GET", "/api/officers/{code}/caseload"),
            ("/api/officers/OFF1/caseload", [401, 200, 200, 200, 200, 403, 403, 403]),
        ),
        (
            ("GET", "/api/officers/{code}/worklist"),
            ("/api/officers/OFF1/worklist", [401, 200, 200, 200, 200, 403, 403, 403]),
        ),
        (("GET", "/api/cases/{crn}"), ("/api/cases/X000001", [401, 200, 200, 200, 200, 403, 403, 403])),
        (("POST", "/api/cases/{crn}/events"), ("/api/cases/X000001/events", [401, 409, 409, 403, 403, 403, 403, 403])),
        (("GET", "/api/openapi.json"), ("/api/openapi.json", [401, 200, 200, 200, 200, 200, 200, 200])),
        (("GET", "/"), ("/", [303, 200, 200, 200, 200, 200, 200, 200])),
        (("GET", "/officers/{code}/caseload"), ("/officers/OFF1/caseload", [303, 200, 200, 200, 200, 403, 403, 403])),
        (
            ("GET", "/officers/{code}/caseload.csv"),
            ("/officers/OFF1/caseload.csv", [303, 200, 200, 200, 200, 403, 403, 403]),
        ),
        // Registering a person (issue 17): roles that record on cases; an empty form is named.
        (("GET", "/cases/new"), ("/cases/new", [303, 200, 200, 403, 403, 403, 403, 403])),
        (("POST", "/cases/new"), ("/cases/new", [303, 400, 400, 403, 403, 403, 403, 403])),
        (("GET", "/cases/{crn}"), ("/cases/X000001", [303, 200, 200, 200, 200, 403, 403, 403])),
        (("GET", "/cases/{crn}/reads"), ("/cases/X000001/reads", [303, 200, 200, 200, 200, 403, 403, 403])),
        // The case's sections (issue 4, item 5): whoever may read the case; the outcome form only
        // for those who may record on it (X000001 has no appointment A1, so they get 404).
        (("GET", "/cases/{crn}/sentence"), ("/cases/X000001/sentence", [303, 200, 200, 200, 200, 403, 403, 403])),
        (("GET", "/cases/{crn}/assessment"), ("/cases/X000001/assessment", [303, 200, 200, 200, 200, 403, 403, 403])),
        (("GET", "/cases/{crn}/plan"), ("/cases/X000001/plan", [303, 200, 200, 200, 200, 403, 403, 403])),
        (
            ("GET", "/cases/{crn}/appointments"),
            ("/cases/X000001/appointments", [303, 200, 200, 200, 200, 403, 403, 403]),
        ),
        (
            ("GET", "/cases/{crn}/appointments/{id}/outcome"),
            ("/cases/X000001/appointments/A1/outcome", [303, 404, 404, 403, 403, 403, 403, 403]),
        ),
        (
            ("POST", "/cases/{crn}/appointments/{id}/outcome"),
            ("/cases/X000001/appointments/A1/outcome", [303, 404, 404, 403, 403, 403, 403, 403]),
        ),
        // Decision forms (issue 17): only for those who may record on the case, in a role that
        // records that decision; a form without its version is named (400) and saves nothing.
        // The confirmation is for whoever may read the case.
        (
            ("GET", "/cases/{crn}/decisions/{decision}"),
            ("/cases/X000001/decisions/review-trigger", [303, 200, 200, 403, 403, 403, 403, 403]),
        ),
        (
            ("POST", "/cases/{crn}/decisions/{decision}"),
            ("/cases/X000001/decisions/review-trigger", [303, 400, 400, 403, 403, 403, 403, 403]),
        ),
        (
            ("GET", "/cases/{crn}/decisions/{decision}/done"),
            ("/cases/X000001/decisions/review-trigger/done", [303, 200, 200, 200, 200, 403, 403, 403]),
        ),
        (("GET", "/cases/{crn}/enforcement"), ("/cases/X000001/enforcement", [303, 200, 200, 200, 200, 403, 403, 403])),
        (("GET", "/cases/{crn}/reviews"), ("/cases/X000001/reviews", [303, 200, 200, 200, 200, 403, 403, 403])),
        (
            ("GET", "/cases/{crn}/safeguarding"),
            ("/cases/X000001/safeguarding", [303, 200, 200, 200, 200, 403, 403, 403]),
        ),
        (("GET", "/cases/{crn}/referrals"), ("/cases/X000001/referrals", [303, 200, 200, 200, 200, 403, 403, 403])),
        (("GET", "/officers/{code}/worklist"), ("/officers/OFF1/worklist", [303, 200, 200, 200, 200, 403, 403, 403])),
        // A day's outcomes at once: read as the caseload is; recorded by those who record
        // outcomes (a POST choosing none is named, 400).
        (("GET", "/officers/{code}/day"), ("/officers/OFF1/day", [303, 200, 200, 200, 200, 403, 403, 403])),
        (("POST", "/officers/{code}/day"), ("/officers/OFF1/day", [303, 400, 400, 403, 403, 403, 403, 403])),
        (("GET", "/search"), ("/search?q=Lovelace", [303, 200, 200, 200, 200, 200, 403, 403])),
        (("POST", "/sign-out"), ("/sign-out", [303, 303, 303, 303, 303, 303, 303, 303])),
        (("GET", "/admin/users"), ("/admin/users", [303, 403, 403, 403, 403, 403, 403, 200])),
        (("POST", "/admin/users"), ("/admin/users", [303, 403, 403, 403, 403, 403, 403, 400])),
        (
            ("POST", "/admin/users/{username}/disable"),
            ("/admin/users/nobody/disable", [303, 403, 403, 403, 403, 403, 403, 404]),
        ),
        (
            ("POST", "/admin/users/{username}/role"),
            ("/admin/users/nobody/role", [303, 403, 403, 403, 403, 403, 403, 404]),
        ),
        (
            ("POST", "/admin/users/{username}/unlock"),
            ("/admin/users/nobody/unlock", [303, 403, 403, 403, 403, 403, 403, 404]),
        ),
        (
            ("POST", "/admin/users/{username}/password"),
            ("/admin/users/nobody/password", [303, 403, 403, 403, 403, 403, 403, 404]),
        ),
        (("GET", "/admin/limited-access"), ("/admin/limited-access", [303, 403, 403, 403, 403, 403, 403, 200])),
        (("POST", "/admin/limited-access"), ("/admin/limited-access", [303, 403, 403, 403, 403, 403, 403, 400])),
        (
            ("POST", "/admin/limited-access/{id}/remove"),
            ("/admin/limited-access/999/remove", [303, 403, 403, 403, 403, 403, 403, 404]),
        ),
        // The inspection workspace: roles that assess cases (inspector, and a manager's internal
        // audit), on the sampled cases they may read. A POST without an answer is refused (422).
        (("GET", "/inspections"), ("/inspections", [303, 403, 403, 200, 403, 200, 403, 403])),
        (("GET", "/inspections/{id}"), ("/inspections/INS1", [303, 403, 403, 200, 403, 200, 403, 403])),
        (
            ("GET", "/inspections/{id}/findings"),
            ("/inspections/INS1/findings", [303, 403, 403, 200, 403, 200, 403, 403]),
        ),
        (
            ("GET", "/inspections/{id}/cases/{crn}"),
            ("/inspections/INS1/cases/X000003", [303, 403, 403, 200, 403, 200, 403, 403]),
        ),
        (
            ("GET", "/inspections/{id}/cases/{crn}/questions/{question}"),
            ("/inspections/INS1/cases/X000003/questions/PP.A1", [303, 403, 403, 200, 403, 200, 403, 403]),
        ),
        (
            ("POST", "/inspections/{id}/cases/{crn}/questions/{question}"),
            ("/inspections/INS1/cases/X000003/questions/PP.A1", [303, 403, 403, 422, 403, 422, 403, 403]),
        ),
        // Unpaid work (issue 5): UPW staff and SPOs run it, managers look; officers see their cases' progress.
        (("GET", "/upw"), ("/upw", [303, 403, 200, 200, 200, 403, 403, 403])),
        (("POST", "/upw/schedule"), ("/upw/schedule", [303, 403, 400, 403, 400, 403, 403, 403])),
        (("GET", "/upw/sessions/{id}"), ("/upw/sessions/P1-20260323", [303, 403, 404, 404, 404, 403, 403, 403])),
        (
            ("POST", "/upw/sessions/{id}/attendance"),
            ("/upw/sessions/P1-20260323/attendance", [303, 403, 404, 404, 404, 403, 403, 403]),
        ),
        (
            ("POST", "/upw/sessions/{id}/register"),
            ("/upw/sessions/P1-20260323/register", [303, 403, 404, 404, 404, 403, 403, 403]),
        ),
        (
            ("POST", "/upw/sessions/{id}/absent"),
            ("/upw/sessions/P1-20260323/absent", [303, 403, 404, 404, 404, 403, 403, 403]),
        ),
        (
            ("POST", "/upw/sessions/{id}/allocate"),
            ("/upw/sessions/P1-20260323/allocate", [303, 403, 404, 404, 404, 403, 403, 403]),
        ),
        (("GET", "/upw/cases/{crn}"), ("/upw/cases/X000001", [303, 200, 200, 200, 200, 403, 403, 403])),
        (
            ("GET", "/upw/cases/{crn}/notices/{appointment}"),
            ("/upw/cases/X000001/notices/A1", [303, 404, 404, 404, 404, 403, 403, 403]),
        ),
        // The SPO's team view and allocation screen (issue 4 item 5): the team's SPO allocates, the
        // area manager looks; a POST without an officer or the evidence is refused (400).
        (("GET", "/teams/{code}"), ("/teams/TEAM1", [303, 403, 200, 200, 403, 403, 403, 403])),
        (
            ("GET", "/teams/{code}/allocate/{crn}"),
            ("/teams/TEAM1/allocate/X000004", [303, 403, 200, 200, 403, 403, 403, 403]),
        ),
        (
            ("POST", "/teams/{code}/allocate/{crn}"),
            ("/teams/TEAM1/allocate/X000004", [303, 403, 400, 403, 403, 403, 403, 403]),
        ),
        // Transferring a case to another team (docs/rules/practice.md#transfer): the sending
        // team's SPO asks (a form without a team or a reason is refused, 400) and the area
        // manager looks; with no transfer waiting there is none to withdraw (404).
        (
            ("GET", "/teams/{code}/transfer/{crn}"),
            ("/teams/TEAM1/transfer/X000001", [303, 403, 200, 200, 403, 403, 403, 403]),
        ),
        (
            ("POST", "/teams/{code}/transfer/{crn}"),
            ("/teams/TEAM1/transfer/X000001", [303, 403, 400, 403, 403, 403, 403, 403]),
        ),
        (
            ("POST", "/teams/{code}/transfer/{crn}/withdraw"),
            ("/teams/TEAM1/transfer/X000001/withdraw", [303, 403, 404, 403, 403, 403, 403, 403]),
        ),
        // One's own password: everyone signed in; a form without the passwords is refused (400).
        (("GET", "/account/password"), ("/account/password", [303, 200, 200, 200, 200, 200, 200, 200])),
        (("POST", "/account/password"), ("/account/password", [303, 400, 400, 400, 400, 400, 400, 400])),
        // Management information (issue 6): `access::may_see_mi`. An officer sees only their own
        // figures (so not their team's), SPOs their team, managers their area, analysts and admins
        // the provider; UPW staff and inspectors none.
        (("GET", "/mi"), ("/mi", [303, 200, 200, 200, 403, 403, 200, 200])),
        (
            ("GET", "/mi/measures/{id}"),
            ("/mi/measures/first_appointment?scope=team:TEAM1", [303, 403, 200, 200, 403, 403, 200, 200]),
        ),
        (
            ("GET", "/mi/measures/{id}/figures.csv"),
            ("/mi/measures/unseen/figures.csv?scope=team:TEAM1", [303, 403, 200, 200, 403, 403, 200, 200]),
        ),
        (("GET", "/mi/workload"), ("/mi/workload", [303, 200, 200, 200, 403, 403, 200, 200])),
        (("GET", "/mi/workload.csv"), ("/mi/workload.csv", [303, 200, 200, 200, 403, 403, 200, 200])),
        // Proven reoffending (issue 6 item 3): every MI user, rows only for places within their
        // scope; a bad level is refused (400) before anything is read.
        (("GET", "/mi/reoffending"), ("/mi/reoffending?by=team", [303, 200, 200, 200, 403, 403, 200, 200])),
        (("GET", "/mi/reoffending.csv"), ("/mi/reoffending.csv?by=street", [303, 400, 400, 400, 403, 403, 400, 400])),
        // Disproportionality (item 4): provider-wide, so only a provider MI scope
        // (`access::may_see_provider_mi`).
        (
            ("GET", "/mi/disproportionality"),
            ("/mi/disproportionality?outcome=recall&characteristic=gender", [303, 403, 403, 403, 403, 403, 200, 200]),
        ),
        (
            ("GET", "/mi/disproportionality.csv"),
            ("/mi/disproportionality.csv?outcome=breach", [303, 403, 403, 403, 403, 403, 200, 200]),
        ),
        (("GET", "/sign-in"), ("/sign-in", [200; 8])),
        // Without the sign-in form's own cookie and token: refused, whoever asks.
        (("POST", "/sign-in"), ("/sign-in", [403; 8])),
        (("GET", "/assets/probity.css"), ("/assets/probity.css", [200; 8])),
        (("GET", "/health"), ("/health", [200; 8])),
        // Not routes: unknown paths are 404 for everyone, never a stack trace.
        (("GET", "/no/such/page"), ("/no/such/page", [404; 8])),
        (("GET", "/api/no/such/route"), ("/api/no/such/route", [404; 8])),
    ]);
    let routes = web::all_routes();
    for (method, path) in &routes {
        assert!(
            table.contains_key(&(method.as_str(), *path)),
            "route {method} {path} has no row in the route x role table: add the status each role should get"
        );
    }
    let mut clients = vec![("signed out", client(HeaderMap::new()))];
    for (username, ..) in USERS {
        clients.push((username, sign_in(&s.base, username).await.http));
    }
    for ((method, path), (concrete, expected)) in &table {
        for (i, (who, http)) in clients.iter().enumerate() {
            // Signing out ends the session: do it on a session of its own.
            let fresh;
            let http = if *path == "/sign-out" && i > 0 {
                fresh = sign_in(&s.base, who).await.http;
                &fresh
            } else {
                http
            };
            let got = status(http, method, &s.url(concrete)).await;
            assert_eq!(got.as_u16(), expected[i], "{method} {concrete} as {who}");
        }
    }
    assert_eq!(s.events("X000001").await, 3, "no route wrote to the case");
    assert_eq!(s.events("X000004").await, 2, "no route allocated the waiting case");
}

#[tokio::test]
async fn passwords_are_argon2id_and_a_disabled_user_cannot_sign_in() {
    let s = Server::start().await;
    let stored = s.store.user("priya").await.unwrap().unwrap().password_hash;
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert!(web::auth::verify_password(&stored, PASSWORD));
    assert!(!web::auth::verify_password(&stored, "a long test passworD"));

    assert_eq!(post_sign_in(&s.base, "priya", "wrong password", None).await.status(), StatusCode::UNAUTHORIZED);
    let admin = sign_in(&s.base, "admin").await;
    let r =
        admin.http.post(s.url("/admin/users/sam/disable")).form(&[("csrf_token", &admin.csrf)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(s.store.user("sam").await.unwrap().unwrap().disabled);
    assert_eq!(post_sign_in(&s.base, "sam", PASSWORD, None).await.status(), StatusCode::UNAUTHORIZED);
}

fn with_session(session: &str) -> reqwest::Client {
    let mut h = HeaderMap::new();
    h.insert(COOKIE, HeaderValue::from_str(&format!("probity_session={session}")).unwrap());
    client(h)
}

/// Each sign-in sweeps every expired session, whoever's: a session its user never comes back
/// to does not stay in the store for ever. A live one stays.
#[tokio::test]
async fn signing_in_sweeps_expired_sessions() {
    let s = Server::start().await;
    let now = jiff::Timestamp::now();
    let planted = |id: &str, created: jiff::Timestamp, seen: jiff::Timestamp| store::auth::SessionRecord {
        id_hash: id.into(),
        username: "sam".into(),
        csrf_token: "tok".into(),
        created_at: created,
        last_seen: seen,
    };
    let hours = |h: i64| jiff::SignedDuration::from_hours(h);
    s.store.create_session(&planted("idle", now - hours(2), now - hours(1))).await.unwrap();
    s.store.create_session(&planted("old", now - hours(11), now)).await.unwrap();
    s.store.create_session(&planted("live", now - hours(1), now)).await.unwrap();
    let _priya = sign_in(&s.base, "priya").await;
    assert_eq!(s.store.session("idle").await.unwrap(), None, "idle past the limit");
    assert_eq!(s.store.session("old").await.unwrap(), None, "older than a working day");
    assert!(s.store.session("live").await.unwrap().is_some(), "a live session of another user stays");
}

#[tokio::test]
async fn signing_in_always_makes_a_new_session_and_signing_out_ends_it() {
    let s = Server::start().await;
    // Session fixation: an id planted in the browser before sign-in is never the session.
    let planted = "0".repeat(64);
    let r = post_sign_in(&s.base, "priya", PASSWORD, Some(&planted)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let issued = support::set_cookie(&r, "probity_session").unwrap();
    assert_ne!(issued, planted);
    assert_eq!(issued.len(), 64, "256 bits as hex");
    assert_eq!(with_session(&planted).get(s.url("/")).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(with_session(&issued).get(s.url("/")).send().await.unwrap().status(), StatusCode::OK);
    assert!(s.store.session(&issued).await.unwrap().is_none(), "the store keeps a hash of the id, not the id");

    // Signing in again from a signed-in browser replaces the session.
    let again = post_sign_in(&s.base, "priya", PASSWORD, Some(&issued)).await;
    let second = support::set_cookie(&again, "probity_session").unwrap();
    assert_ne!(second, issued);
    assert_eq!(with_session(&issued).get(s.url("/")).send().await.unwrap().status(), StatusCode::SEE_OTHER);

    let cookie =
        again.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
    let session_cookie = cookie.iter().find(|c| c.starts_with("probity_session=")).unwrap();
    assert!(session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Strict"), "{session_cookie}");

    let signed_in = SignedIn { http: with_session(&second), session: second.clone(), csrf: String::new() };
    let page = signed_in.http.get(s.url("/")).send().await.unwrap().text().await.unwrap();
    let csrf = support::csrf_in(&page).unwrap();
    let r = signed_in.http.post(s.url("/sign-out")).form(&[("csrf_token", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(with_session(&second).get(s.url("/")).send().await.unwrap().status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_idle_session_expires() {
    let s = Server::start().await;
    let priya = sign_in(&s.base, "priya").await;
    assert_eq!(priya.http.get(s.url("/")).send().await.unwrap().status(), StatusCode::OK);
    let key = web::auth::session_key(&priya.session);
    let idle = jiff::Timestamp::now() - services::access::SESSIONS.idle - jiff::SignedDuration::from_secs(1);
    s.store.touch_session(&key, idle).await.unwrap();
    let r = priya.http.get(s.url("/cases/X000001")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/sign-in?next=/cases/X000001");
    assert!(s.store.session(&key).await.unwrap().is_none(), "an expired session is removed");
}

#[tokio::test]
async fn a_request_without_the_sessions_csrf_token_is_refused_and_changes_nothing() {
    let s = Server::start().await;
    let priya = sign_in(&s.base, "priya").await;
    let body = json!({"expected_version": 3, "events": [{
        "occurred_at": "2026-03-20T09:00:00Z", "recorded_by": "OFF1",
        "event": {"type": "appointment_booked",
            "appointment": {"id": "A1", "at": "2026-03-24T10:00:00", "minutes": 45, "kind": "office_visit"}}
    }]});
    let url = s.url("/api/cases/X000001/events");
    let cookie_only = with_session(&priya.session);
    for (why, token) in [
        ("no token", None),
        ("a wrong token", Some("f".repeat(64))),
        ("another session's", Some(sign_in(&s.base, "sam").await.csrf)),
    ] {
        let mut req = cookie_only.post(&url).json(&body);
        if let Some(t) = token {
            req = req.header("x-csrf-token", t);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{why}");
        assert_eq!(s.events("X000001").await, 3, "{why}: nothing written");
    }
    // A form without its token: refused, and nothing saved.
    let admin = sign_in(&s.base, "admin").await;
    let form =
        [("crn", "X000001"), ("kind", "exclusion"), ("username", "sam"), ("starts_on", "2026-03-01"), ("reason", "r")];
    let r = with_session(&admin.session).post(s.url("/admin/limited-access")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(s.store.limited_access().await.unwrap().is_empty());
    // With the token, the same requests go through.
    assert_eq!(priya.http.post(&url).json(&body).send().await.unwrap().status(), StatusCode::CREATED);
    let r = with_session(&admin.session)
        .post(s.url("/admin/limited-access"))
        .form(&[&form[..], &[("csrf_token", admin.csrf.as_str())]].concat())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.store.limited_access().await.unwrap().len(), 1);
}

#[tokio::test]
async fn five_failed_sign_ins_lock_the_username() {
    let s = Server::start().await;
    for attempt in 1..=4 {
        let r = post_sign_in(&s.base, "sam", "not the password", None).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let fifth = post_sign_in(&s.base, "sam", "not the password", None).await;
    assert_eq!(fifth.status(), StatusCode::TOO_MANY_REQUESTS);
    let right = post_sign_in(&s.base, "sam", PASSWORD, None).await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS, "locked even with the right password");
    assert!(right.text().await.unwrap().contains("too many attempts"));
    // The administrator sees the lock and ends it; Sam signs in at once.
    let admin = sign_in(&s.base, "admin").await;
    let users = admin.http.get(s.url("/admin/users")).send().await.unwrap().text().await.unwrap();
    assert!(users.contains("Locked until") && users.contains("/admin/users/sam/unlock"), "the lock is shown");
    let r = admin.http.post(s.url("/admin/users/sam/unlock")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let users = admin.http.get(s.url("/admin/users")).send().await.unwrap().text().await.unwrap();
    assert!(!users.contains("Locked until"), "no lock shown once ended");
    assert_eq!(post_sign_in(&s.base, "sam", PASSWORD, None).await.status(), StatusCode::SEE_OTHER, "unlocked");
    assert_eq!(
        post_sign_in(&s.base, "priya", PASSWORD, None).await.status(),
        StatusCode::SEE_OTHER,
        "others unaffected"
    );
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let s = Server::start().await;
    let priya = sign_in(&s.base, "priya").await;
    for path in ["/sign-in", "/", "/cases/X000001", "/api/cases/X000001", "/no/such/page"] {
        let r = priya.http.get(s.url(path)).send().await.unwrap();
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'none'") && csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert_eq!(h["cache-control"], "no-store", "{path}");
    }
}

async fn text(http: &reqwest::Client, url: String) -> (StatusCode, String) {
    let r = http.get(url).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn roles_see_what_their_place_allows() {
    let s = Server::start().await;
    let spo = sign_in(&s.base, "spo").await;
    let (st, _) = text(&spo.http, s.url("/cases/X000003")).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "another team's case");
    let manager = sign_in(&s.base, "manager").await;
    assert_eq!(text(&manager.http, s.url("/cases/X000003")).await.0, StatusCode::OK, "the whole area");
    // The inspector reads the sampled case only, and cannot write to it.
    let inspector = sign_in(&s.base, "inspector").await;
    let (st, home) = text(&inspector.http, s.url("/")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(home.contains("/cases/X000003") && !home.contains("X000001"), "{home}");
    assert_eq!(text(&inspector.http, s.url("/cases/X000003")).await.0, StatusCode::OK);
    assert_eq!(text(&inspector.http, s.url("/cases/X000001")).await.0, StatusCode::FORBIDDEN);
    let post =
        inspector.http.post(s.url("/api/cases/X000003/events")).json(&json!({"expected_version": 3, "events": []}));
    assert_eq!(post.send().await.unwrap().status(), StatusCode::FORBIDDEN);
    // The MI analyst sees counts but no person.
    let analyst = sign_in(&s.base, "analyst").await;
    let (_, home) = text(&analyst.http, s.url("/")).await;
    assert!(
        home.contains("Priya Shah") && !home.contains("Lovelace") && !home.contains("/officers/OFF1/caseload"),
        "{home}"
    );
}

/// A case page names the case's officer in its breadcrumbs, as a link to their caseload only
/// for a user who may open it (`services::access` decides, not the template).
#[tokio::test]
async fn the_officer_crumb_links_only_for_users_who_may_open_the_caseload() {
    let s = Server::start().await;
    let link = "href=\"/officers/OFF9/caseload\"";
    for (who, linked) in [("manager", true), ("inspector", false)] {
        let user = sign_in(&s.base, who).await;
        for path in ["/cases/X000003", "/cases/X000003/sentence"] {
            let (st, page) = text(&user.http, s.url(path)).await;
            assert_eq!(st, StatusCode::OK, "{who} {path}");
            let crumbs = page.split("aria-label=\"Breadcrumb\"").nth(1).and_then(|c| c.split("</nav>").next());
            let crumbs = crumbs.unwrap_or_default();
            assert!(crumbs.contains("OFF9"), "{who} {path}: the officer is named: {crumbs}");
            assert_eq!(crumbs.contains(link), linked, "{who} {path}: {crumbs}");
        }
        let caseload = text(&user.http, s.url("/officers/OFF9/caseload")).await.0;
        assert_eq!(caseload == StatusCode::OK, linked, "{who}: the link is offered exactly when it opens");
    }
}

/// Every place a person can appear, for one user: (case page, case API, search, caseload
/// page, caseload CSV, the officer's count on the start page).
async fn appearances(
    s: &Server,
    who: &SignedIn,
    crn: &str,
    family: &str,
    officer: &str,
) -> (u16, u16, bool, bool, bool, String) {
    let page = text(&who.http, s.url(&format!("/cases/{crn}"))).await.0.as_u16();
    let api = text(&who.http, s.url(&format!("/api/cases/{crn}"))).await.0.as_u16();
    let search = text(&who.http, s.url(&format!("/search?q={family}"))).await.1.contains(crn);
    let caseload = text(&who.http, s.url(&format!("/officers/{officer}/caseload"))).await.1.contains(crn);
    let csv = text(&who.http, s.url(&format!("/officers/{officer}/caseload.csv"))).await.1.contains(crn);
    let api_caseload = text(&who.http, s.url(&format!("/api/officers/{officer}/caseload"))).await.1;
    assert_eq!(api_caseload.contains(crn), caseload, "the API caseload agrees with the page");
    let home = text(&who.http, s.url("/")).await.1;
    let row = home.split(&format!("<td class=\"govuk-table__cell\">{officer}</td>")).nth(1).unwrap_or("");
    let count =
        row.split("govuk-table__cell--numeric\">").nth(1).and_then(|r| r.split('<').next()).unwrap_or("").to_owned();
    (page, api, search, caseload, csv, count)
}

async fn limit(s: &Server, admin: &SignedIn, crn: &str, kind: &str, username: &str) {
    let form = [
        ("crn", crn),
        ("kind", kind),
        ("username", username),
        ("starts_on", "2026-01-01"),
        ("ends_on", ""),
        ("reason", "Known to the person"),
        ("csrf_token", &admin.csrf),
    ];
    let r = admin.http.post(s.url("/admin/limited-access")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_excluded_user_cannot_reach_the_person_anywhere() {
    let s = Server::start().await;
    let (priya, sam) = (sign_in(&s.base, "priya").await, sign_in(&s.base, "sam").await);
    assert_eq!(appearances(&s, &priya, "X000002", "Hopper", "OFF2").await, (200, 200, true, true, true, "1".into()));
    let admin = sign_in(&s.base, "admin").await;
    limit(&s, &admin, "X000002", "exclusion", "priya").await;
    assert_eq!(
        appearances(&s, &priya, "X000002", "Hopper", "OFF2").await,
        (403, 403, false, false, false, "0".into()),
        "page, API, search, caseload, export and count"
    );
    assert_eq!(appearances(&s, &sam, "X000002", "Hopper", "OFF2").await, (200, 200, true, true, true, "1".into()));
}

/// The server keeps the limited-access lists and grants in memory (`web::snapshot`): a change
/// made straight in the store, as the CLI or another server would make it, is applied by the
/// very next request, both ways.
#[tokio::test]
async fn a_list_changed_outside_the_server_is_applied_by_the_next_request() {
    let s = Server::start().await;
    let priya = sign_in(&s.base, "priya").await;
    let everywhere = (200, 200, true, true, true, "1".to_owned());
    assert_eq!(appearances(&s, &priya, "X000002", "Hopper", "OFF2").await, everywhere);
    let entry = store::auth::LimitedAccess {
        id: 0,
        crn: crn_of("X000002"),
        kind: store::auth::LimitKind::Exclusion,
        username: "priya".into(),
        starts_on: date("2026-01-01"),
        ends_on: None,
        reason: "Known to the person".into(),
        added_by: "admin".into(),
        added_at: jiff::Timestamp::now(),
    };
    let id = s.store.add_limited_access(&entry).await.unwrap();
    assert_eq!(appearances(&s, &priya, "X000002", "Hopper", "OFF2").await, (403, 403, false, false, false, "0".into()));
    s.store.remove_limited_access(id).await.unwrap();
    assert_eq!(appearances(&s, &priya, "X000002", "Hopper", "OFF2").await, everywhere);

    // A grant beyond the inspector's sample, made outside the server, opens the case next time.
    let inspector = sign_in(&s.base, "inspector").await;
    assert_eq!(text(&inspector.http, s.url("/cases/X000001")).await.0, StatusCode::FORBIDDEN);
    s.store.grant_cases("inspector", &[crn_of("X000001")]).await.unwrap();
    assert_eq!(text(&inspector.http, s.url("/cases/X000001")).await.0, StatusCode::OK);
}

/// Caseloads are kept in memory (`web::snapshot::CaseloadCache`): a case recorded straight
/// in the store, as another process would, is on the next page, and a case moved to another
/// officer leaves the first caseload and joins the second.
#[tokio::test]
async fn a_caseload_changed_outside_the_server_is_shown_by_the_next_request() {
    let s = Server::start().await;
    let spo = sign_in(&s.base, "spo").await;
    let page = |officer: &'static str| {
        let (http, url) = (spo.http.clone(), s.url(&format!("/officers/{officer}/caseload")));
        async move { text(&http, url).await.1 }
    };
    let (off1, off2) = (page("OFF1").await, page("OFF2").await);
    assert!(off1.contains("X000001") && !off1.contains("X000005"));
    assert!(off2.contains("X000002") && !off2.contains("X000001"));
    let on = date("2026-03-02");
    s.store
        .append(
            &crn_of("X000005"),
            0,
            &example::opening("Mary", "Somerville", on, "OFF1", "TEAM1"),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    assert!(page("OFF1").await.contains("X000005"), "a new case is on the next page");
    let moved = example::new_event(
        on,
        domain::event::CaseEvent::OfficerAllocated {
            officer: code("OFF2"),
            team: code("TEAM1"),
            reason: domain::event::AllocationReason::Workload,
            evidence: None,
        },
    );
    let version = s.events("X000001").await as u64;
    s.store.append(&crn_of("X000001"), version, &[moved], jiff::Timestamp::now()).await.unwrap();
    let (off1, off2) = (page("OFF1").await, page("OFF2").await);
    assert!(!off1.contains("X000001") && off1.contains("X000005"), "the moved case leaves OFF1's caseload");
    assert!(off2.contains("X000001") && off2.contains("X000002"), "and joins OFF2's");
}

#[tokio::test]
async fn a_restricted_person_is_visible_only_to_listed_users() {
    let s = Server::start().await;
    let admin = sign_in(&s.base, "admin").await;
    limit(&s, &admin, "X000001", "restriction", "priya").await;
    let priya = sign_in(&s.base, "priya").await;
    assert_eq!(appearances(&s, &priya, "X000001", "Lovelace", "OFF1").await, (200, 200, true, true, true, "1".into()));
    for who in ["sam", "spo"] {
        let other = sign_in(&s.base, who).await;
        assert_eq!(
            appearances(&s, &other, "X000001", "Lovelace", "OFF1").await,
            (403, 403, false, false, false, "0".into()),
            "{who}"
        );
    }
}

#[tokio::test]
async fn every_read_of_a_case_is_recorded_and_shown() {
    let s = Server::start().await;
    let (priya, spo) = (sign_in(&s.base, "priya").await, sign_in(&s.base, "spo").await);
    assert_eq!(text(&priya.http, s.url("/cases/X000001")).await.0, StatusCode::OK);
    assert_eq!(text(&spo.http, s.url("/api/cases/X000001")).await.0, StatusCode::OK);
    assert_eq!(text(&spo.http, s.url("/cases/X000003")).await.0, StatusCode::FORBIDDEN);
    let reads = s.store.reads_of(&crn_of("X000001")).await.unwrap();
    let seen: Vec<(&str, &str)> = reads.iter().map(|r| (r.username.as_str(), r.route.as_str())).collect();
    assert_eq!(seen, [("priya", "/cases/{crn}"), ("spo", "/api/cases/{crn}")]);
    assert!(s.store.reads_of(&crn_of("X000003")).await.unwrap().is_empty(), "a refused read shows nothing");

    let (st, page) = text(&priya.http, s.url("/cases/X000001/reads")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("Who has looked at this record"));
    for who in ["priya", "spo"] {
        assert!(page.contains(&format!("<td class=\"govuk-table__cell\">{who}</td>")), "{who}: {page}");
    }
}

#[tokio::test]
async fn a_bad_user_form_names_each_field_keeps_what_was_typed_and_saves_nothing() {
    let s = Server::start().await;
    let admin = sign_in(&s.base, "admin").await;
    let before = s.store.users().await.unwrap().len();
    let form = [
        ("username", "Bad Name"),
        ("password", "short"),
        ("role", "superuser"),
        ("scope", "street:X1"),
        ("officer", "OFF77"),
        ("csrf_token", &admin.csrf),
    ];
    let r = admin.http.post(s.url("/admin/users")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("govuk-error-summary"));
    for field in ["username", "password", "role", "scope", "officer"] {
        assert!(page.contains(&format!("<a href=\"#{field}\">{field}:")), "{field} in the summary: {page}");
    }
    assert!(page.contains("value=\"Bad Name\""), "what was typed is kept");
    assert!(!page.contains("value=\"short\""), "but never a password");
    assert_eq!(s.store.users().await.unwrap().len(), before, "nothing saved");

    let good = [
        ("username", "newstarter"),
        ("password", "a good long password"),
        ("role", "responsible_officer"),
        ("scope", "team:TEAM2"),
        ("officer", "OFF9"),
        ("csrf_token", &admin.csrf),
    ];
    let r = admin.http.post(s.url("/admin/users")).form(&good).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let added = s.store.user("newstarter").await.unwrap().unwrap();
    assert_eq!((added.role.as_str(), added.scope_code.as_deref()), ("responsible_officer", Some("TEAM2")));
    assert!(added.password_hash.starts_with("$argon2id$"));
    assert_eq!(post_sign_in(&s.base, "newstarter", "a good long password", None).await.status(), StatusCode::SEE_OTHER);

    // A change of role and place: a bad place is refused naming it and changes nothing.
    let change =
        |scope: &'static str| [("role", "spo"), ("scope", scope), ("officer", ""), ("csrf_token", admin.csrf.as_str())];
    let url = s.url("/admin/users/newstarter/role");
    let r = admin.http.post(&url).form(&change("office:")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("<a href=\"#scope\">scope:"));
    assert_eq!(s.store.user("newstarter").await.unwrap().unwrap(), added, "nothing changed");
    let r = admin.http.post(&url).form(&change("office:ISL1")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let changed = s.store.user("newstarter").await.unwrap().unwrap();
    assert_eq!((changed.role.as_str(), changed.scope_kind.as_str(), changed.officer), ("spo", "office", None));
    assert_eq!(changed.password_hash, added.password_hash, "the password is kept");
}

/// The inspector's workspace: only the sampled cases granted to them; a bad answer is refused
/// naming the field with nothing written; an answer shows on the case and in the findings,
/// and the latest answer wins.
#[tokio::test]
async fn an_inspector_answers_on_granted_sampled_cases_only() {
    let s = Server::start().await;
    let inspector = sign_in(&s.base, "inspector").await;
    let list = inspector.http.get(s.url("/inspections/INS1")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("X000003") && !list.contains("X000001"), "{list}");
    // The row reads the case's summary and its log: its three events were recorded (today)
    // after the announcement (10 March), and long after they happened.
    let row = list.split("/cases/X000003\">").nth(1).and_then(|r| r.split("</tr>").next()).unwrap_or_default();
    let cells: Vec<&str> = row
        .split("<td class=\"govuk-table__cell")
        .skip(1)
        .filter_map(|c| c.split('>').nth(1)?.split('<').next())
        .collect();
    assert_eq!(cells, ["Alan Turing", "OFF9", "Not assessed", "0", "3", "3"], "{row}");
    let other = inspector.http.get(s.url("/inspections/INS1/cases/X000001")).send().await.unwrap();
    assert_eq!(other.status(), 403, "a sampled case not granted to this inspector");

    let question = s.url("/inspections/INS1/cases/X000003/questions/PP.A1");
    let bad = inspector.http.post(&question).form(&[("answer", "maybe"), ("note", "kept")]).send().await.unwrap();
    assert_eq!(bad.status(), 422);
    let page = bad.text().await.unwrap();
    assert!(
        page.contains("There is a problem") && page.contains("answer:") && page.contains(">kept</textarea>"),
        "{page}"
    );
    let history = s.store.answer_history(&code("INS1")).await.unwrap();
    assert!(history.is_empty(), "nothing written from a bad answer");

    for answer in ["no", "yes"] {
        let r = inspector.http.post(&question).form(&[("answer", answer), ("note", "seen")]).send().await.unwrap();
        assert_eq!(r.status(), 303);
    }
    let history = s.store.answer_history(&code("INS1")).await.unwrap();
    assert_eq!(history.iter().map(|a| a.answer.as_str()).collect::<Vec<_>>(), ["no", "yes"]);
    assert_eq!(history[1].answered_by.as_str(), "INSPECTOR");
    let findings = inspector.http.get(s.url("/inspections/INS1/findings")).send().await.unwrap().text().await.unwrap();
    assert!(findings.contains("id=\"finding-PP.A1\""), "{findings}");
    assert!(findings.contains("Cases with answers: 1."), "{findings}");
}

// Issue 15: the defects found by probing the running service, each at the boundary where it
// was found.

/// A server that hands handlers the peer's address, as `probity serve` does, so the sign-in
/// throttle applies.
async fn serve_with_peers(store: &SqliteStore) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = web::router_with_clock(store.clone(), Clock::Fixed(date("2026-03-20")))
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// Item 1: sign-in attempts from one address are throttled before any password work, for
/// any username, and the refusal says so.
#[tokio::test]
async fn sign_in_attempts_from_one_address_are_throttled() {
    let s = Server::start().await;
    let base = serve_with_peers(&s.store).await;
    let allowed = services::access::SIGN_IN_THROTTLE.attempts;
    for attempt in 0..allowed {
        let r = post_sign_in(&base, &format!("nobody{attempt}"), "not the password", None).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let r = post_sign_in(&base, "priya", PASSWORD, None).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "over the allowance, even with the right password");
    assert!(support::set_cookie(&r, "probity_session").is_none(), "no session");
    assert!(r.text().await.unwrap().contains("too many attempts to sign in from your network"));
}

/// Item 2: the server, not the body, says who recorded an event.
#[tokio::test]
async fn who_recorded_an_event_is_the_signed_in_user() {
    let s = Server::start().await;
    let priya = sign_in(&s.base, "priya").await;
    let url = s.url("/api/cases/X000001/events");
    let event = |by: Option<&str>| {
        let mut e = json!({"occurred_at": "2026-03-20T09:00:00Z",
            "event": {"type": "appointment_booked",
                "appointment": {"id": "A7", "at": "2026-03-24T10:00:00", "minutes": 45, "kind": "office_visit"}}});
        if let Some(by) = by {
            e["recorded_by"] = json!(by);
        }
        json!({"expected_version": 3, "events": [e]})
    };
    for forged in ["OFF9", "NOSUCHSTAFF"] {
        let r = priya.http.post(&url).json(&event(Some(forged))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{forged}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["field"], "events[0].recorded_by", "{body}");
        assert_eq!(s.events("X000001").await, 3, "{forged}: nothing written");
    }
    let r = priya.http.post(&url).json(&event(None)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let stream = s.store.stream(&crn_of("X000001")).await.unwrap();
    assert_eq!(stream.last().unwrap().recorded_by.as_str(), "OFF1", "recorded as Priya");
}

/// Item 3: concurrent guesses cannot slip under the lockout: with four failures already,
/// sixty wrong passwords at once are checked at most once, and the right one just after is
/// refused.
#[tokio::test]
async fn concurrent_guesses_cannot_race_the_lockout() {
    let s = Server::start().await;
    for _ in 0..4 {
        assert_eq!(post_sign_in(&s.base, "sam", "not the password", None).await.status(), StatusCode::UNAUTHORIZED);
    }
    let guesses: Vec<_> = (0..60)
        .map(|i| {
            let base = s.base.clone();
            tokio::spawn(async move { post_sign_in(&base, "sam", &format!("guess number {i}"), None).await.status() })
        })
        .collect();
    // The right password comes just after the guesses have reached the lock (on a loaded
    // machine that can take longer than any fixed pause).
    let since = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
    for _ in 0..1000 {
        if s.store.failed_sign_ins("sam", since).await.unwrap().len() >= services::access::LOCKOUT.failures {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let right = post_sign_in(&s.base, "sam", PASSWORD, None).await;
    let mut statuses = Vec::new();
    for g in guesses {
        statuses.push(g.await.unwrap());
    }
    assert_ne!(right.status(), StatusCode::SEE_OTHER, "the right password after the flood does not sign in");
    assert!(statuses.iter().all(|s| *s != StatusCode::SEE_OTHER));
    let failures = s.store.failed_sign_ins("sam", since).await.unwrap();
    assert_eq!(failures.len(), services::access::LOCKOUT.failures, "only the guesses under the limit were checked");
}

/// Item 4: a case waiting for allocation belongs to the borough that received it, and only
/// the SPO allocates.
#[tokio::test]
async fn a_waiting_case_is_for_its_borough_and_only_the_spo_allocates_it() {
    let s = Server::start().await;
    add_user(&s.store, "zoe", "responsible_officer", "team:TEAM2", Some("OFF9")).await;
    let zoe = sign_in(&s.base, "zoe").await;
    assert_eq!(zoe.http.get(s.url("/cases/X000004")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(zoe.http.get(s.url("/api/cases/X000004")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let priya = sign_in(&s.base, "priya").await;
    assert_eq!(priya.http.get(s.url("/cases/X000004")).send().await.unwrap().status(), StatusCode::OK);
    let allocate = |officer: &str, team: &str| {
        json!({"expected_version": 2, "events": [{"occurred_at": "2026-03-20T09:00:00Z",
            "event": {"type": "officer_allocated", "officer": officer, "team": team, "reason": "initial"}}]})
    };
    for (who, client) in [("zoe", &zoe), ("priya", &priya)] {
        for (officer, team) in [("OFF9", "TEAM2"), ("OFF1", "TEAM1")] {
            let r = client.http.post(s.url("/api/cases/X000004/events")).json(&allocate(officer, team)).send().await;
            assert_eq!(r.unwrap().status(), StatusCode::FORBIDDEN, "{who} allocating to {officer}");
        }
    }
    assert_eq!(s.events("X000004").await, 2, "nothing written");
    let spo = sign_in(&s.base, "spo").await;
    let r = spo.http.post(s.url("/api/cases/X000004/events")).json(&allocate("OFF1", "TEAM1")).send().await;
    assert_eq!(r.unwrap().status(), StatusCode::CREATED, "the SPO of the receiving borough allocates");
}

/// Items 7 and 8: after signing in, only a path on this site; a tab or CR/LF is refused as
/// bad input, with no session started.
#[tokio::test]
async fn the_page_after_sign_in_is_on_this_site_or_refused() {
    let s = Server::start().await;
    for next in ["/\t/evil.example", "/\r\nSet-Cookie: evil=1", "//evil.example", "https://evil.example"] {
        let (cookie, token) = support::sign_in_form(&s.base).await;
        let r = client(HeaderMap::new())
            .post(s.url("/sign-in"))
            .header(COOKIE, format!("probity_sign_in={cookie}"))
            .form(&[("username", "priya"), ("password", PASSWORD), ("csrf_token", &token), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{next:?}");
        assert!(support::set_cookie(&r, "probity_session").is_none(), "{next:?}: no session");
        assert!(r.text().await.unwrap().contains("must be a page of this site"), "{next:?}");
        let page = client(HeaderMap::new()).get(s.url("/sign-in")).query(&[("next", next)]).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::BAD_REQUEST, "GET {next:?}");
    }
    let ok = post_sign_in(&s.base, "priya", PASSWORD, None).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()["location"], "/");
}

/// Item 9: nothing is recorded as having happened in the future.
#[tokio::test]
async fn an_event_dated_in_the_future_is_refused_naming_the_field() {
    let s = Server::start().await;
    let priya = sign_in(&s.base, "priya").await;
    // The server's clock is pinned to 2026-03-20.
    let body = json!({"expected_version": 3, "events": [{"occurred_at": "2099-01-01T09:00:00Z",
        "event": {"type": "appointment_booked",
            "appointment": {"id": "A8", "at": "2099-01-02T10:00:00", "minutes": 45, "kind": "office_visit"}}}]});
    let r = priya.http.post(s.url("/api/cases/X000001/events")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["field"], "events[0].occurred_at", "{body}");
    assert_eq!(s.events("X000001").await, 3, "nothing written");
}

/// Items 6 and 11: the password policy, a scope that exists, and the last administrator.
#[tokio::test]
async fn accounts_need_a_strong_password_a_real_place_and_an_administrator() {
    let s = Server::start().await;
    let admin = sign_in(&s.base, "admin").await;
    let add = |username: &'static str, password: &'static str, scope: &'static str| {
        [("username", username), ("password", password), ("role", "spo"), ("scope", scope), ("officer", "")]
    };
    for (form, field) in [
        (add("newuser", "aaaaaaaaaaaa", "team:TEAM1"), "password:"),
        (add("newuser", "            ", "team:TEAM1"), "password:"),
        (add("newuser", "password1234", "team:TEAM1"), "password:"),
        (add("newuser", "newuser is here", "team:TEAM1"), "password:"),
        (add("newuser", "a good long passphrase", "team:ZZZ-T999"), "scope:"),
    ] {
        let r = admin.http.post(s.url("/admin/users")).form(&form).send().await.unwrap();
        let page = r.text().await.unwrap();
        assert!(page.contains("There is a problem") && page.contains(field), "{form:?}");
        assert!(s.store.user("newuser").await.unwrap().is_none(), "{form:?}: nothing saved");
    }
    let form = [("role", "spo"), ("scope", "provider"), ("officer", "")];
    let r = admin.http.post(s.url("/admin/users/admin/role")).form(&form).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("last administrator"));
    assert_eq!(s.store.user("admin").await.unwrap().unwrap().role, "admin", "still an administrator");
    let r = admin.http.post(s.url("/admin/users/admin/disable")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(!s.store.user("admin").await.unwrap().unwrap().disabled);
}

/// Item 12: a page's form without its token gets a page, an API client JSON.
#[tokio::test]
async fn a_csrf_refusal_is_a_page_for_forms_and_json_for_the_api() {
    let s = Server::start().await;
    let admin = sign_in(&s.base, "admin").await;
    let r = with_session(&admin.session).post(s.url("/admin/users/sam/disable")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("security token"));
    let r = with_session(&admin.session).post(s.url("/api/cases/X000001/events")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
}

/// An administrator resets a forgotten password: the new one is shown once and meets the
/// rule, the old one and every session of the user stop working, and the new one signs in.
#[tokio::test]
async fn an_administrator_resets_a_password_and_the_old_sessions_end() {
    let s = Server::start().await;
    let sam = sign_in(&s.base, "sam").await;
    assert_eq!(sam.http.get(s.url("/")).send().await.unwrap().status(), StatusCode::OK);
    let admin = sign_in(&s.base, "admin").await;
    let r = admin.http.post(s.url("/admin/users/sam/password")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store", "the password is not cached");
    let page = r.text().await.unwrap();
    let at = page.find("id=\"new-password\">").expect("the new password is shown") + "id=\"new-password\">".len();
    let password = page[at..].split('<').next().unwrap().to_owned();
    assert!(services::access::check_password_strength("password", &password, "sam").is_ok(), "{password}");
    assert_eq!(sam.http.get(s.url("/")).send().await.unwrap().status(), StatusCode::SEE_OTHER, "signed out");
    assert_eq!(post_sign_in(&s.base, "sam", PASSWORD, None).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(post_sign_in(&s.base, "sam", &password, None).await.status(), StatusCode::SEE_OTHER);
    let stored = s.store.user("sam").await.unwrap().unwrap();
    assert!(!stored.password_hash.contains(&password), "only the hash is kept");
}
