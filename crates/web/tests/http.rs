//! The server over real HTTP: each test starts the router on 127.0.0.1:0 with its own
//! temporary SQLite store, seeds it through `append`, and talks to it with reqwest, signed in
//! as Priya Shah, a responsible officer in Camden North (the team of every seeded case).

mod support;

use domain::contact::ContactKind;
use domain::event::{CaseEvent, NewEvent, SentenceOutcome};
use domain::example::{self, code, date, id, new_event};
use domain::ids::{Crn, Name};
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Staff, Team};
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::{CaseStore, SqliteStore};
use tokio::net::TcpListener;
use web::Clock;

/// The date the server believes it is: a Friday, eleven days after Ada's first contact was due.
const TODAY: &str = "2026-03-20";
const SCRIPT: &str = "<script>alert(\"x\")</script>";

struct Server {
    base: String,
    store: SqliteStore,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.base)).send().await.unwrap()
    }

    async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let r = self.get(path).await;
        let status = r.status();
        (status, r.json().await.unwrap())
    }

    async fn get_html(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        let status = r.status();
        let content_type = r.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(content_type.starts_with("text/html"), "{path}: {content_type}");
        (status, r.text().await.unwrap())
    }

    async fn post(&self, path: &str, body: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap())
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
    let staff = |c: &str, n: &str, grade| Staff {
        code: code(c),
        team: code("TEAM1"),
        name: name(n),
        grade,
        contracted_hours: ContractedHours::FULL_TIME,
        employment: Employment::Permanent,
        specialisms: vec![],
    };
    Organisation {
        areas: vec![Area { code: code("LDN"), name: name("London") }],
        boroughs: vec![Borough { code: code("CAM"), area: code("LDN"), name: name("Camden") }],
        offices: vec![Office { code: code("CAM1"), borough: code("CAM"), name: name("Camden office") }],
        teams: vec![Team { code: code("TEAM1"), office: code("CAM1"), name: name("Camden North") }],
        staff: vec![
            staff("OFF1", "Priya Shah", Grade::Po),
            staff("OFF2", &format!("Sam {SCRIPT}"), Grade::Pso),
            staff("OFF3", "Jo Newstarter", Grade::Pqip),
        ],
    }
}

/// A store with an organisation and four cases:
/// - X000001 Ada Lovelace (OFF1), opened 2 March, nothing booked: contact overdue since 9 March;
/// - X000002 Grace Hopper (OFF1), opened 16 March with an appointment booked just now: in time;
/// - X000003 a person whose family name is a script tag (OFF2);
/// - X000004 Alan Turing (OFF1), whose sentence has ended: off the caseload.
async fn seeded() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("probity.db");
    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    store.bulk_load(&organisation(), &mut std::iter::empty(), &|_| {}).await.unwrap();

    let opened = date("2026-03-02");
    store
        .append(
            &crn_of("X000001"),
            0,
            &example::opening("Ada", "Lovelace", opened, "OFF1", "TEAM1"),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();

    let opened = date("2026-03-16");
    store
        .append(
            &crn_of("X000002"),
            0,
            &example::opening("Grace", "Hopper", opened, "OFF1", "TEAM1"),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    let booked = NewEvent {
        occurred_at: jiff::Timestamp::now(),
        recorded_by: code("OFF1"),
        event: CaseEvent::AppointmentBooked {
            appointment: example::appointment("A1", date("2026-03-23").at(10, 0, 0, 0), ContactKind::OfficeVisit),
        },
    };
    store.append(&crn_of("X000002"), 3, &[booked], jiff::Timestamp::now()).await.unwrap();

    store
        .append(
            &crn_of("X000003"),
            0,
            &example::opening("Eve", SCRIPT, opened, "OFF2", "TEAM1"),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();

    store
        .append(
            &crn_of("X000004"),
            0,
            &example::opening("Alan", "Turing", opened, "OFF1", "TEAM1"),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    let ended = new_event(
        opened,
        CaseEvent::SentenceEnded { sentence: id("S1"), on: opened, outcome: SentenceOutcome::Completed },
    );
    store.append(&crn_of("X000004"), 3, &[ended], jiff::Timestamp::now()).await.unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = web::router_with_clock(store.clone(), Clock::Fixed(date(TODAY)));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    support::add_user(&store, "priya", "responsible_officer", "team:TEAM1", Some("OFF1")).await;
    let http = support::sign_in(&base, "priya").await.http;
    Server { base, store, http, _dir: dir }
}

fn booking(appointment: &str) -> Value {
    json!({
        "occurred_at": "2026-03-20T09:00:00Z",
        "recorded_by": "OFF1",
        "event": {
            "type": "appointment_booked",
            "appointment": {"id": appointment, "at": "2026-03-24T10:00:00", "minutes": 45, "kind": "office_visit"}
        }
    })
}

fn assert_error(body: &Value, code: &str, field: Option<&str>) {
    assert_eq!(body["error"]["code"], code, "{body}");
    match field {
        Some(f) => assert_eq!(body["error"]["field"], f, "{body}"),
        None => assert!(body["error"].get("field").is_none(), "{body}"),
    }
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
}

#[tokio::test]
async fn caseload_json_lists_active_cases_with_phase_and_overdue_flag() {
    let s = seeded().await;
    let (status, body) = s.get_json("/api/officers/OFF1/caseload").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["officer"], "OFF1");
    assert_eq!(body["officer_name"], "Priya Shah");
    assert_eq!(body["on"], TODAY);
    let cases = body["cases"].as_array().unwrap();
    let crns: Vec<&str> = cases.iter().map(|c| c["crn"].as_str().unwrap()).collect();
    assert_eq!(crns, ["X000002", "X000001"], "active cases by family name; the ended one is gone");

    let (grace, ada) = (&cases[0], &cases[1]);
    assert_eq!((&ada["first_name"], &ada["family_name"]), (&json!("Ada"), &json!("Lovelace")));
    assert_eq!(ada["phase"], "community");
    assert_eq!(ada["rosh"], Value::Null);
    assert_eq!(ada["contact_due_by"], "2026-03-09");
    assert_eq!(ada["next_appointment"], Value::Null);
    assert_eq!(ada["overdue"], true);
    assert_eq!(grace["contact_due_by"], "2026-03-23");
    assert_eq!(grace["next_appointment"], "2026-03-23T10:00:00");
    assert_eq!(grace["overdue"], false);

    let (status, body) = s.get_json("/api/officers/OFF3/caseload").await;
    assert_eq!((status, body["cases"].as_array().unwrap().len()), (StatusCode::OK, 0), "{body}");

    let (status, body) = s.get_json("/api/officers/not%20a%20code/caseload").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&body, "bad_request", Some("code"));
}

#[tokio::test]
async fn case_timeline_lists_every_event_and_filters_by_type() {
    let s = seeded().await;
    let (status, body) = s.get_json("/api/cases/X000002").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["case"]["crn"], "X000002");
    assert_eq!(body["case"]["family_name"], "Hopper");
    assert_eq!(body["case"]["version"], 4);
    assert_eq!(body["case"]["officer"], "OFF1");
    assert_eq!(body["case"]["phase"], "community");
    let timeline = body["timeline"].as_array().unwrap();
    let seqs: Vec<u64> = timeline.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
    let types: Vec<&str> = timeline.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["person_registered", "sentence_imposed", "officer_allocated", "appointment_booked"]);
    for e in timeline {
        assert_eq!(e["payload"]["type"], e["type"], "{e}");
        for key in ["occurred_at", "recorded_at", "recorded_by", "summary"] {
            assert!(e[key].as_str().is_some_and(|v| !v.is_empty()), "{key} in {e}");
        }
    }
    assert_eq!(timeline[0]["summary"], "Registered Grace Hopper");
    assert_eq!(timeline[0]["recorded_by"], "SYSTEM");
    // The opening happened on 16 March and was recorded today (months later); the booking
    // was recorded as it happened.
    let late: Vec<bool> = timeline.iter().map(|e| e["recorded_late"].as_bool().unwrap()).collect();
    assert_eq!(late, [true, true, true, false]);

    let (status, body) = s.get_json("/api/cases/X000002?type=appointment_booked").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["type"], "appointment_booked");
    assert_eq!(body["case"]["version"], 4, "the summary is the whole case, whatever the filter");
    let timeline = body["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), 1);
    assert_eq!((&timeline[0]["seq"], &timeline[0]["payload"]["appointment"]["id"]), (&json!(4), &json!("A1")));

    let (status, body) = s.get_json("/api/cases/X000002?type=").await;
    assert_eq!((status, body["timeline"].as_array().unwrap().len()), (StatusCode::OK, 4), "empty type: no filter");

    let (status, body) = s.get_json("/api/cases/X000002?type=party").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&body, "bad_request", Some("type"));

    let (status, body) = s.get_json("/api/cases/X999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&body, "not_found", None);

    let (status, body) = s.get_json("/api/cases/x1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&body, "bad_request", Some("crn"));
}

#[tokio::test]
async fn recording_events_returns_201_with_the_new_version() {
    let s = seeded().await;
    let body = json!({"expected_version": 3, "events": [booking("A1"), booking("A2")]});
    let r = s.http.post(format!("{}/api/cases/X000001/events", s.base)).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.headers()["location"], "/api/cases/X000001");
    let created: Value = r.json().await.unwrap();
    assert_eq!(created, json!({"crn": "X000001", "version": 5}));
    let (_, case) = s.get_json("/api/cases/X000001").await;
    assert_eq!(case["case"]["version"], 5);
    assert_eq!(case["case"]["next_appointment"], "2026-03-24T10:00:00");
    assert_eq!(case["timeline"][4]["recorded_by"], "OFF1");

    // A new case starts at version 0.
    let open = json!({"expected_version": 0, "events": [{
        "occurred_at": "2026-03-19T15:30:00Z",
        "event": {"type": "person_registered", "person": {
            "first_name": "Mary", "family_name": "Seacole", "date_of_birth": "1985-11-23", "gender": "female"
        }}
    }]});
    let (status, created) = s.post("/api/cases/X000010/events", &open.to_string()).await;
    assert_eq!((status, created), (StatusCode::CREATED, json!({"crn": "X000010", "version": 1})));
    let (_, case) = s.get_json("/api/cases/X000010").await;
    assert_eq!(case["case"]["first_name"], "Mary");
    assert_eq!(case["case"]["active"], false);
    assert_eq!(case["timeline"][0]["recorded_by"], "OFF1", "the signed-in user, set by the server");
}

#[tokio::test]
async fn a_stale_expected_version_gets_409_and_writes_nothing() {
    let s = seeded().await;
    let body = json!({"expected_version": 2, "events": [booking("A1")]}).to_string();
    let (status, err) = s.post("/api/cases/X000001/events", &body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_error(&err, "conflict", None);
    assert_eq!((&err["error"]["expected_version"], &err["error"]["current_version"]), (&json!(2), &json!(3)));
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("Reload") && message.contains("version 2") && message.contains("version 3"), "{message}");
    assert_eq!(s.events("X000001").await, 3, "nothing written");

    // Opening a case that already exists is a conflict too.
    let body = json!({"expected_version": 0, "events": [booking("A1")]}).to_string();
    let (status, _) = s.post("/api/cases/X000001/events", &body).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(s.events("X000001").await, 3);
}

#[tokio::test]
async fn an_event_the_case_cannot_take_gets_422_naming_it_and_writes_nothing() {
    let s = seeded().await;
    let outcome = json!({
        "occurred_at": "2026-03-20T11:00:00Z",
        "recorded_by": "OFF1",
        "event": {"type": "outcome_recorded", "appointment": "NOPE", "outcome": {"outcome": "attended_complied"}}
    });
    let body = json!({"expected_version": 3, "events": [booking("A1"), outcome]}).to_string();
    let (status, err) = s.post("/api/cases/X000001/events", &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_error(&err, "rejected", Some("events[1].event.appointment"));
    assert!(err["error"]["message"].as_str().unwrap().contains("NOPE"), "{err}");
    assert_eq!(s.events("X000001").await, 3, "the good first event was not written either");
}

#[tokio::test]
async fn malformed_requests_get_400_naming_the_field_and_write_nothing() {
    let s = seeded().await;
    let person = |first: &str| {
        json!({"expected_version": 3, "events": [{
            "occurred_at": "2026-03-20T09:00:00Z",
            "recorded_by": "OFF1",
            "event": {"type": "personal_details_updated", "person": {
                "first_name": first, "family_name": "Lovelace", "date_of_birth": "1815-12-10", "gender": "female"
            }}
        }]})
        .to_string()
    };
    let cases: Vec<(String, Option<&str>)> = vec![
        (json!({"events": [booking("A1")]}).to_string(), Some("expected_version")),
        (json!({"expected_version": 3}).to_string(), Some("events")),
        (json!({"expected_version": 3, "events": []}).to_string(), Some("events")),
        (json!({"expected_version": "three", "events": []}).to_string(), Some("expected_version")),
        (
            json!({"expected_version": 3, "events": [{"occurred_at": "2026-03-20T09:00:00Z", "recorded_by": "OFF1",
                "event": {"type": "party_held"}}]})
            .to_string(),
            Some("events[0].event.type"),
        ),
        (
            json!({"expected_version": 3, "events": [{"occurred_at": "last week", "recorded_by": "OFF1",
                "event": {"type": "appointment_booked"}}]})
            .to_string(),
            Some("events[0].occurred_at"),
        ),
        (person(""), Some("events[0].event.person.first_name")),
        ("{\"expected_version\": 3, ".to_owned(), None),
    ];
    for (body, field) in cases {
        let (status, err) = s.post("/api/cases/X000001/events", &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {err}");
        assert_error(&err, "bad_request", field);
    }

    let body = json!({"expected_version": 3, "events": [booking("A1")]}).to_string();
    let (status, err) = s.post("/api/cases/not-a-crn/events", &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&err, "bad_request", Some("crn"));

    let r = s.http.post(format!("{}/api/cases/X000001/events", s.base)).body(body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_error(&r.json().await.unwrap(), "unsupported_media_type", None);

    assert_eq!(s.events("X000001").await, 3, "nothing written");
}

#[tokio::test]
async fn unknown_routes_get_404_as_a_page_or_as_json() {
    // Through `serve`, as the CLI runs it.
    let (store, _dir) = store::testing::sqlite().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    support::add_user(&store, "priya", "responsible_officer", "team:TEAM1", Some("OFF1")).await;
    tokio::spawn(web::serve(store, listener, web::TIME_LIMIT));
    let signed_out = reqwest::Client::new();
    let http = support::sign_in(&base, "priya").await.http;

    for client in [&http, &signed_out] {
        let r = client.get(format!("{base}/no/such/page")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let page = r.text().await.unwrap();
        assert!(page.contains("<h1 class=\"govuk-heading-l\">Page not found</h1>"), "{page}");

        let r = client.get(format!("{base}/api/no/such/route")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_error(&r.json().await.unwrap(), "not_found", None);
    }

    // An empty store still has a start page.
    let r = http.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("There are no caseloads for you to see."));
}

/// Follows a `$ref` to `#/components/schemas/Name`.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let name = reference.strip_prefix("#/components/schemas/")?;
    doc["components"]["schemas"].get(name)
}

fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn openapi_documents_every_api_route() {
    let s = seeded().await;
    let (status, doc) = s.get_json("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{}", doc["openapi"]);

    let routes = web::api_routes();
    assert!(routes.len() >= 4);
    for (method, path) in &routes {
        let op = &doc["paths"][*path][method.as_str().to_lowercase()];
        assert!(op.is_object(), "{method} {path} is routed but not documented");
        let responses = op["responses"].as_object().unwrap();
        assert!(responses.contains_key("200") || responses.contains_key("201"), "{method} {path}");
        if *path != web::api::OPENAPI {
            assert!(responses.contains_key("400") && responses.contains_key("500"), "{method} {path} errors");
        }
    }
    // And the other way: nothing is documented that is not routed.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            assert!(
                routes.iter().any(|(m, p)| p == path && m.as_str().eq_ignore_ascii_case(method)),
                "{method} {path} is documented but not routed"
            );
        }
    }
    // The shapes are there, and every reference resolves.
    for schema in [
        "Caseload",
        "CaseloadEntry",
        "CaseRecord",
        "TimelineEntry",
        "RecordEvents",
        "NewEvent",
        "CaseEvent",
        "Recorded",
        "ErrorResponse",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "schema {schema}");
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        assert!(resolve(&doc, r).is_some(), "dangling {r}");
    }
    let worklist = &doc["paths"][web::api::WORKLIST]["get"]["parameters"];
    let on = worklist.as_array().unwrap().iter().find(|p| p["name"] == "on").expect("the worklist documents `on`");
    assert_eq!((&on["in"], &on["required"]), (&json!("query"), &json!(false)), "{on}");
    assert_eq!(on["schema"]["format"], "date", "{on}");
    let post = &doc["paths"][web::api::CASE_EVENTS]["post"];
    for status in ["201", "400", "409", "415", "422", "500"] {
        assert!(post["responses"][status].is_object(), "POST events documents {status}");
    }
    let types = doc["components"]["schemas"]["CaseEvent"]["properties"]["type"]["enum"].as_array().unwrap();
    assert!(types.contains(&json!("appointment_booked")));
    let phases = doc["components"]["schemas"]["SupervisionPhase"]["enum"].as_array().unwrap();
    assert!(phases.contains(&json!("community")) && phases.contains(&json!("licence")), "{phases:?}");
}

fn assert_page_basics(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains("<html lang=\"en-GB\""), "lang attribute");
    assert!(page.contains("class=\"govuk-skip-link\""), "skip link");
    assert!(page.contains("id=\"main-content\""), "skip link target");
    assert_eq!(page.matches("<h1").count(), 1, "one h1");
    assert!(!page.contains("<script"), "no scripts, and no unescaped user data: {page}");
}

#[tokio::test]
async fn start_page_lists_officers_with_caseload_counts() {
    let s = seeded().await;
    let (status, page) = s.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_page_basics(&page);
    assert!(
        page.contains("<caption class=\"govuk-table__caption govuk-table__caption--m\">Responsible officers</caption>")
    );
    assert!(page.contains("<a class=\"govuk-link\" href=\"/officers/OFF1/caseload\">Priya Shah</a>"), "{page}");
    assert!(page.contains("Camden North"), "team name");
    // Priya holds two active cases (the ended one does not count); Jo holds none but is listed.
    let row = |name: &str| page.split(name).nth(1).and_then(|rest| rest.split("</tr>").next()).unwrap().to_owned();
    assert!(row("Priya Shah").contains(">2</td>"), "{}", row("Priya Shah"));
    assert!(row("Jo Newstarter").contains(">0</td>"), "{}", row("Jo Newstarter"));
    assert!(page.contains("Sam &#60;script&#62;") || page.contains("Sam &lt;script&gt;"), "escaped staff name: {page}");
}

#[tokio::test]
async fn caseload_page_tags_overdue_contact() {
    let s = seeded().await;
    let (status, page) = s.get_html("/officers/OFF1/caseload").await;
    assert_eq!(status, StatusCode::OK);
    assert_page_basics(&page);
    assert!(page.contains("<h1 class=\"govuk-heading-l\">Priya Shah</h1>"), "{page}");
    assert!(page.contains("Active cases (2, 1 with contact overdue)"), "{page}");
    let ada = page.split("/cases/X000001").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(ada.contains("Ada Lovelace") && ada.contains("9 March 2026"), "{ada}");
    assert!(ada.contains("<strong class=\"govuk-tag govuk-tag--red\">Overdue</strong>"), "{ada}");
    let grace = page.split("/cases/X000002").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(grace.contains("23 March 2026 at 10:00") && !grace.contains("Overdue"), "{grace}");
    assert!(!page.contains("X000004"), "ended cases are not on the caseload");
    assert!(page.contains("scope=\"col\""));

    let (status, page) = s.get_html("/officers/OFF2/caseload").await;
    assert_eq!(status, StatusCode::OK);
    assert_page_basics(&page);
}

#[tokio::test]
async fn caseload_page_filters_sorts_and_names_a_bad_choice() {
    let s = seeded().await;
    // Only the overdue case, and the filter chosen stays chosen.
    let (status, page) = s.get_html("/officers/OFF1/caseload?show=contact-overdue").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_page_basics(&page);
    assert!(page.contains("Active cases (2, 1 with contact overdue): 1 shown"), "{page}");
    assert!(page.contains("X000001") && !page.contains("/cases/X000002"), "{page}");
    assert!(page.contains("<option value=\"contact-overdue\" selected>"), "{page}");
    // By name: Hopper before Lovelace; by contact due (the default): Lovelace (overdue) first.
    let (_, page) = s.get_html("/officers/OFF1/caseload?sort=name").await;
    assert!(page.find("/cases/X000002").unwrap() < page.find("/cases/X000001").unwrap(), "{page}");
    let (_, page) = s.get_html("/officers/OFF1/caseload").await;
    assert!(page.find("/cases/X000001").unwrap() < page.find("/cases/X000002").unwrap(), "{page}");
    // A filter nothing matches says so.
    let (_, page) = s.get_html("/officers/OFF1/caseload?show=medium-risk").await;
    assert!(page.contains("No active case matches."), "{page}");
    // Bad choices are named and nothing is listed.
    for (query, field) in [("show=everyone", "show"), ("sort=age", "sort"), ("page=0", "page"), ("page=2", "page")] {
        let (status, page) = s.get_html(&format!("/officers/OFF1/caseload?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {page}");
        assert!(page.contains(&format!("{field}:")), "{query}: {page}");
        assert!(!page.contains("/cases/X000001"), "{query}");
    }
}

#[tokio::test]
async fn case_page_shows_summary_timeline_and_late_records() {
    let s = seeded().await;
    let (status, page) = s.get_html("/cases/X000002").await;
    assert_eq!(status, StatusCode::OK);
    assert_page_basics(&page);
    assert!(page.contains("<h1 class=\"govuk-heading-l\">Grace Hopper</h1>"), "{page}");
    assert!(page.contains("class=\"govuk-summary-list\""));
    assert!(page.contains("<dt class=\"govuk-summary-list__key\">Contact due by</dt>"));
    assert!(page.contains("All events (4), oldest first"), "{page}");
    assert_eq!(
        page.matches("Recorded late</strong>").count(),
        3,
        "the opening was recorded months late; the booking was not"
    );
    assert!(page.contains("<label class=\"govuk-label\" for=\"type\">Event type</label>"));

    let (status, page) = s.get_html("/cases/X000002?type=appointment_booked").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Appointment booked events (1)"), "{page}");
    assert!(page.contains("<option value=\"appointment_booked\" selected>"), "the filter keeps its choice");
    assert!(!page.contains("Recorded late</strong>"));

    let (status, page) = s.get_html("/cases/X000001").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("9 March 2026 <strong class=\"govuk-tag govuk-tag--red\">Overdue</strong>"), "{page}");

    let (status, page) = s.get_html("/cases/X000002?type=party").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Check the type"), "{page}");

    let (status, page) = s.get_html("/cases/X999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_page_basics(&page);
}

#[tokio::test]
async fn names_are_escaped_on_every_page() {
    let s = seeded().await;
    for path in ["/", "/officers/OFF2/caseload", "/cases/X000003"] {
        let (status, page) = s.get_html(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!page.contains(SCRIPT), "{path} prints a name unescaped");
        assert!(page.contains("script&#62;") || page.contains("script&gt;"), "{path} shows the escaped name: {page}");
    }
    // The JSON carries the name as data, unchanged.
    let (_, body) = s.get_json("/api/cases/X000003").await;
    assert_eq!(body["case"]["family_name"], SCRIPT);
}

#[tokio::test]
async fn a_bad_crn_gets_a_400_page_naming_the_field() {
    let s = seeded().await;
    let (status, page) = s.get_html("/cases/12345").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_page_basics(&page);
    assert!(page.contains("Check the crn"), "{page}");
    assert!(page.contains("is not a CRN"), "{page}");
    assert!(!page.contains("panicked") && !page.contains("src/"), "no internals");

    let (status, page) = s.get_html("/officers/bad%20code/caseload").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Check the code"), "{page}");
}

#[tokio::test]
async fn the_stylesheet_is_served_and_pages_carry_security_headers() {
    let s = seeded().await;
    let r = s.get(web::pages::STYLESHEET).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    assert!(r.text().await.unwrap().contains(".govuk-table"));
    let r = s.get("/").await;
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
}

#[tokio::test]
async fn worklist_lists_what_is_due_with_its_rule_and_action() {
    let s = seeded().await;
    let (status, body) = s.get_json("/api/officers/OFF1/worklist").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["on"], TODAY);
    let items = body["items"].as_array().unwrap();
    // Ada was allocated on Monday 2 March and has not been seen: her first appointment was
    // due five business days later, on 9 March, and is overdue.
    let ada = items.iter().find(|i| i["crn"] == "X000001" && i["kind"] == "first_appointment").expect("Ada's item");
    assert_eq!(ada["due"], "2026-03-09");
    assert_eq!(ada["overdue"], true);
    assert_eq!(ada["overdue_by_business_days"], 9);
    assert!(!ada["rule"].as_str().unwrap().is_empty());
    assert!(!ada["action_label"].as_str().unwrap().is_empty());
    // Alan's sentence has ended: nothing of his is on the worklist.
    assert!(items.iter().all(|i| i["crn"] != "X000004"));
    let (status, _) = s.get_json("/api/officers/not-a-code/worklist").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // As at another date: on the due date itself Ada's item is not yet overdue.
    let (status, body) = s.get_json("/api/officers/OFF1/worklist?on=2026-03-09").await;
    assert_eq!((status, &body["on"]), (StatusCode::OK, &json!("2026-03-09")), "{body}");
    let items = body["items"].as_array().unwrap();
    let ada = items.iter().find(|i| i["crn"] == "X000001" && i["kind"] == "first_appointment").expect("Ada's item");
    assert_eq!(
        (&ada["due"], &ada["overdue"], &ada["overdue_by_business_days"]),
        (&json!("2026-03-09"), &json!(false), &json!(0))
    );
    let (status, body) = s.get_json("/api/officers/OFF1/worklist?on=9%20March").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&body, "bad_request", Some("on"));
}

/// Work ends when the request does, on PostgreSQL as `probity serve` runs it (each statement
/// held to `web::statement_limit`). Another connection locks the case's tables, so a request
/// waits on the database. One request is abandoned by its client: the server drops it, so
/// once the lock goes it records nothing, and its connection comes back. Another runs into
/// the time limit: it gets a clear 503, and its connection comes back without the lock going.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_request_stops_and_releases_its_database_connection() {
    use tokio::io::AsyncWriteExt;
    let Some(url) = store::testing::postgres_fresh_url().await else { return };
    let limit = std::time::Duration::from_secs(5);
    let app_name = format!("probity_abandoned_{}", std::process::id());
    let store = store::PostgresStore::connect_with_statement_limit(
        &format!("{url}&application_name={app_name}"),
        Some(web::statement_limit(limit)),
    )
    .await
    .unwrap();
    store.bulk_load(&organisation(), &mut std::iter::empty(), &|_| {}).await.unwrap();
    let opening = example::opening("Ada", "Lovelace", date("2026-03-02"), "OFF1", "TEAM1");
    store.append(&crn_of("X000001"), 0, &opening, jiff::Timestamp::now()).await.unwrap();
    support::add_user(&store, "priya", "responsible_officer", "team:TEAM1", Some("OFF1")).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    tokio::spawn(web::serve(store.clone(), listener, limit));
    let priya = support::sign_in(&base, "priya").await;

    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    // The server's connections running a statement now (waiting on a lock counts).
    let busy = || async {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'",
        )
        .bind(&app_name)
        .fetch_one(&admin)
        .await
        .unwrap();
        n
    };
    let until = |want: i64, within: std::time::Duration| async move {
        let start = std::time::Instant::now();
        while busy().await != want {
            assert!(start.elapsed() < within, "{want} of the server's connections busy within {within:?}");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        start.elapsed()
    };
    let lock = || async {
        let mut tx = admin.begin().await.unwrap();
        sqlx::query("LOCK TABLE streams, events, case_summary IN ACCESS EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx
    };

    // Abandoned: a booking sent over a bare connection, which is closed while it waits.
    let blocker = lock().await;
    let body = json!({"expected_version": 3, "events": [booking("A1")]}).to_string();
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST /api/cases/X000001/events HTTP/1.1\r\nHost: {addr}\r\nCookie: probity_session={}\r\nx-csrf-token: {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        priya.session,
        priya.csrf,
        body.len()
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    until(1, std::time::Duration::from_secs(10)).await;
    drop(tcp);
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    // The lock goes well inside the statement limit: only the request's end can stop the
    // booking now.
    blocker.rollback().await.unwrap();
    until(0, std::time::Duration::from_secs(3)).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(store.stream(&crn_of("X000001")).await.unwrap().len(), 3, "the abandoned booking was never recorded");

    // Past the time limit: a clear error, JSON for the API and a page for a person.
    let blocker = lock().await;
    let started = std::time::Instant::now();
    let r = priya.http.get(format!("{base}/api/cases/X000001")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() >= limit, "stopped at the limit, not before: {:?}", started.elapsed());
    assert_error(&r.json().await.unwrap(), "timed_out", None);
    let r = priya.http.get(format!("{base}/cases/X000001")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = r.text().await.unwrap();
    assert!(page.contains("Sorry, this is taking too long") && page.contains("longer than 5 seconds"), "{page}");
    // With the lock still held, the statements end at their limit and the connections return.
    until(0, web::statement_limit(limit) + std::time::Duration::from_secs(3)).await;
    blocker.rollback().await.unwrap();

    // The pool is whole: the same requests now answer, and the booking can be made.
    let r = priya.http.get(format!("{base}/api/cases/X000001")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = priya
        .http
        .post(format!("{base}/api/cases/X000001/events"))
        .json(&json!({"expected_version": 3, "events": [booking("A1")]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

/// Two servers on one PostgreSQL database, as a provider runs them behind a load balancer.
/// Each keeps reads in memory (`services::snapshot`: the organisation and access lists,
/// caseloads, folded cases), each checked against a number the database moves with every
/// change; so a change made through either server is seen by the very next request to the
/// other: a new event (on the worklist and the case), a limited-access entry (the case gone
/// from the caseload and refused), a password change (the other server's session ended, the
/// old password refused there and the new one taken).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_database_see_each_others_changes_at_once() {
    let Some(url) = store::testing::postgres_fresh_url().await else { return };
    let first = store::PostgresStore::connect(&url).await.unwrap();
    let second = store::PostgresStore::connect(&url).await.unwrap();
    first.bulk_load(&organisation(), &mut std::iter::empty(), &|_| {}).await.unwrap();
    for (c, first_name, family) in [("X000001", "Ada", "Lovelace"), ("X000002", "Grace", "Hopper")] {
        let opening = example::opening(first_name, family, date("2026-03-02"), "OFF1", "TEAM1");
        first.append(&crn_of(c), 0, &opening, jiff::Timestamp::now()).await.unwrap();
    }
    support::add_user(&first, "priya", "responsible_officer", "team:TEAM1", Some("OFF1")).await;
    support::add_user(&first, "admin", "admin", "provider", None).await;
    async fn serve(store: store::PostgresStore) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = web::router_with_clock(store, Clock::Fixed(date(TODAY)));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        base
    }
    let (a, b) = (serve(first).await, serve(second).await);
    let (priya_a, priya_b) = (support::sign_in(&a, "priya").await, support::sign_in(&b, "priya").await);
    let first_appointments_due = |base: &str, who: &reqwest::Client| {
        let (url, who) = (format!("{base}/api/officers/OFF1/worklist"), who.clone());
        async move {
            let body: Value = who.get(url).send().await.unwrap().json().await.unwrap();
            let items = body["items"].as_array().unwrap().clone();
            let mut due: Vec<String> = items
                .iter()
                .filter(|i| i["kind"] == "first_appointment")
                .map(|i| i["crn"].as_str().unwrap().to_owned())
                .collect();
            due.sort();
            due
        }
    };
    let caseload = |base: &str, who: &reqwest::Client| {
        let (url, who) = (format!("{base}/api/officers/OFF1/caseload"), who.clone());
        async move {
            let body: Value = who.get(url).send().await.unwrap().json().await.unwrap();
            body["cases"].as_array().unwrap().iter().map(|c| c["crn"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
        }
    };
    // Both servers have read the caseload and the worklist, so both hold them in memory.
    for base in [&a, &b] {
        assert_eq!(first_appointments_due(base, &priya_a.http).await, ["X000001", "X000002"], "{base}");
        assert_eq!(caseload(base, &priya_a.http).await, ["X000002", "X000001"], "{base}");
    }

    // A new event through one server: Ada's first appointment booked on A. B's next worklist
    // no longer asks for it, and B's case page shows the booking.
    let body = json!({"expected_version": 3, "events": [booking("A1")]});
    let r = priya_a.http.post(format!("{a}/api/cases/X000001/events")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(first_appointments_due(&b, &priya_b.http).await, ["X000002"], "B sees A's booking at once");
    let case: Value = priya_b.http.get(format!("{b}/api/cases/X000001")).send().await.unwrap().json().await.unwrap();
    assert_eq!(case["case"]["next_appointment"], "2026-03-24T10:00:00");

    // A limited-access entry made on B: A's next caseload leaves Grace out and her case is refused.
    let admin_b = support::sign_in(&b, "admin").await;
    let form = [
        ("crn", "X000002"),
        ("kind", "exclusion"),
        ("username", "priya"),
        ("starts_on", "2026-03-01"),
        ("reason", "A conflict of interest."),
        ("csrf_token", admin_b.csrf.as_str()),
    ];
    let r = admin_b.http.post(format!("{b}/admin/limited-access")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(caseload(&a, &priya_a.http).await, ["X000001"], "A leaves out what B's admin excluded");
    assert_eq!(first_appointments_due(&a, &priya_a.http).await, Vec::<String>::new());
    let r = priya_a.http.get(format!("{a}/api/cases/X000002")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // A password changed on A: priya's session on B ends, and B takes only the new password.
    let new_password = "another long test password";
    let form = [
        ("current_password", support::PASSWORD),
        ("new_password", new_password),
        ("confirm_password", new_password),
        ("csrf_token", priya_a.csrf.as_str()),
    ];
    let r = priya_a.http.post(format!("{a}/account/password")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = priya_b.http.get(format!("{b}/api/officers/OFF1/caseload")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "B's session ended with the change on A");
    let old = support::post_sign_in(&b, "priya", support::PASSWORD, None).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED, "B refuses the old password");
    let new = support::post_sign_in(&b, "priya", new_password, None).await;
    assert_eq!(new.status(), StatusCode::SEE_OTHER, "B takes the new one");
}
