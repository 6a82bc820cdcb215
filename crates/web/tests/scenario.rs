//! One community order from sentence to breach resolution, through the HTTP API only
//! (docs/rules/practice.md#contact-compliance-and-enforcement). The store holds nothing but the
//! organisation; every fact about the case is recorded with `POST /api/cases/{crn}/events`
//! carrying the version last read, and every deadline is read back from
//! `GET /api/officers/{code}/worklist?on=YYYY-MM-DD`. After each recording the case's timeline
//! (`GET /api/cases/{crn}`) must show the new events with their summaries.
//!
//! The dates cross weekends and the 2026 bank holidays (Good Friday 3 April, Easter Monday
//! 6 April, spring bank holiday 25 May), so the business-day arithmetic is exercised:
//!
//! | when (2026) | what                                         | deadline asserted              |
//! |-------------|----------------------------------------------|--------------------------------|
//! | Thu 2 Apr   | registered, sentenced (UPW + RAR), allocated | first appointment Mon 13 Apr   |
//! | Thu 9 Apr   | first appointment attended                   | (item gone)                    |
//! | Thu 16 Apr  | UPW session missed, recorded Fri 17 Apr      | warning decision Tue 21 Apr    |
//! | Wed 22 Apr  | warning letter issued (a day late)           | (item gone)                    |
//! | Thu 14 May  | RAR activity missed, recorded Fri 15 May     | breach decision Thu 28 May     |
//! | Wed 20 May  | breach referred, pack incomplete             | breach pack Thu 4 Jun          |
//! | Mon 1 Jun   | pack without countersignature                | refused: 422, nothing written  |
//! | Tue 2 Jun   | pack completed                               | (item gone)                    |
//! | Tue 16 Jun  | breach resolved                              | the count resets               |
//! | Sat 27 Jun  | UPW session missed, recorded Mon 29 Jun      | warning (not breach) Wed 1 Jul |
//!
//! Between these the officer books the next face-to-face contact in time (fortnightly for a
//! case not yet assessed), so each worklist holds exactly the item the step is about.

mod support;

use domain::example::code;
use domain::ids::{Crn, Name};
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Staff, Team};
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::{CaseStore, SqliteStore};
use tokio::net::TcpListener;
use web::Clock;

const CRN: &str = "X654321";
const OFFICER: &str = "OFF1";
/// The server's own date: the last day of the scenario.
const SERVER_TODAY: &str = "2026-06-29";

fn organisation() -> Organisation {
    let name = |s: &str| Name::parse(s).unwrap();
    Organisation {
        areas: vec![Area { code: code("LDN"), name: name("London") }],
        boroughs: vec![Borough { code: code("HAC"), area: code("LDN"), name: name("Hackney") }],
        offices: vec![Office { code: code("HAC1"), borough: code("HAC"), name: name("Hackney office") }],
        teams: vec![Team { code: code("TEAM1"), office: code("HAC1"), name: name("Hackney East") }],
        staff: vec![Staff {
            code: code(OFFICER),
            team: code("TEAM1"),
            name: name("Priya Shah"),
            grade: Grade::Po,
            contracted_hours: ContractedHours::FULL_TIME,
            employment: Employment::Permanent,
            specialisms: vec![],
        }],
    }
}

/// One worklist item, as the assertions compare it: (kind, subject, due, overdue,
/// overdue by business days).
type Item = (String, String, String, bool, u64);

fn item(kind: &str, subject: &str, due: &str, overdue: bool, by: u64) -> Item {
    (kind.to_owned(), subject.to_owned(), due.to_owned(), overdue, by)
}

struct Scenario {
    base: String,
    /// The client recording now: the officer's, or the SPO's while they allocate.
    http: reqwest::Client,
    /// Whose code the server records for what `http` sends.
    recorder: &'static str,
    spo: reqwest::Client,
    store: SqliteStore,
    /// The case version last read: sent back as `expected_version`.
    version: u64,
    _dir: tempfile::TempDir,
}

impl Scenario {
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("probity.db");
        let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
        store.bulk_load(&organisation(), &mut std::iter::empty(), &|_| {}).await.unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = web::router_with_clock(store.clone(), Clock::Fixed(SERVER_TODAY.parse().unwrap()));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        support::add_user(&store, "officer", "responsible_officer", "team:TEAM1", Some(OFFICER)).await;
        support::add_user(&store, "spo", "spo", "team:TEAM1", None).await;
        let http = support::sign_in(&base, "officer").await.http;
        let spo = support::sign_in(&base, "spo").await.http;
        Scenario { base, http, recorder: OFFICER, spo, store, version: 0, _dir: dir }
    }

    async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let r = self.http.get(format!("{}{path}", self.base)).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap())
    }

    async fn post_events(&self, on: &str, events: &[Value]) -> (StatusCode, Value) {
        let events: Vec<Value> =
            events.iter().map(|e| json!({"occurred_at": format!("{on}T12:00:00Z"), "event": e})).collect();
        let body = json!({"expected_version": self.version, "events": events});
        let r = self.http.post(format!("{}/api/cases/{CRN}/events", self.base)).json(&body).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap())
    }

    /// Records `events` as happening on `on`, then checks that the case's timeline carries
    /// them: `shown` lists each one's (type, summary). Anything recorded after them in the
    /// same append is a follow-on the system works out (a recalculated tier).
    async fn record(&mut self, on: &str, events: &[Value], shown: &[(&str, &str)]) {
        assert_eq!(events.len(), shown.len());
        let (status, body) = self.post_events(on, events).await;
        assert_eq!(status, StatusCode::CREATED, "{on}: {body}");
        let first = self.version + 1;
        let version = body["version"].as_u64().unwrap();
        assert!(version >= self.version + events.len() as u64, "{body}");
        assert_eq!(body["crn"], CRN);
        self.version = version;

        let (status, case) = self.get_json(&format!("/api/cases/{CRN}")).await;
        assert_eq!(status, StatusCode::OK, "{case}");
        assert_eq!(case["case"]["version"], version);
        let timeline = case["timeline"].as_array().unwrap();
        assert_eq!(timeline.len() as u64, version, "one timeline entry per event");
        let new = &timeline[first as usize - 1..first as usize - 1 + shown.len()];
        for (i, (entry, (event_type, summary))) in new.iter().zip(shown).enumerate() {
            assert_eq!(entry["seq"], first + i as u64, "{entry}");
            assert_eq!(entry["type"], *event_type, "{entry}");
            assert_eq!(entry["summary"], *summary, "{entry}");
            assert_eq!(entry["payload"]["type"], *event_type, "{entry}");
            assert_eq!(entry["occurred_at"], format!("{on}T12:00:00Z"), "{entry}");
            assert_eq!(entry["recorded_by"], self.recorder, "{entry}");
        }
        for follow_on in &timeline[first as usize - 1 + shown.len()..] {
            assert_eq!(follow_on["type"], "tier_calculated", "only a tier follows recorded events: {follow_on}");
        }
    }

    /// The officer's worklist as at `on`, as (kind, subject, due, overdue, by) in its order.
    async fn worklist(&self, on: &str) -> Vec<Item> {
        let body = self.worklist_json(on).await;
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                assert_eq!(i["crn"], CRN, "{i}");
                (
                    i["kind"].as_str().unwrap().to_owned(),
                    i["subject"].as_str().unwrap().to_owned(),
                    i["due"].as_str().unwrap().to_owned(),
                    i["overdue"].as_bool().unwrap(),
                    i["overdue_by_business_days"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    async fn worklist_json(&self, on: &str) -> Value {
        let (status, body) = self.get_json(&format!("/api/officers/{OFFICER}/worklist?on={on}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((&body["officer"], &body["on"]), (&json!(OFFICER), &json!(on)), "{body}");
        body
    }

    /// The one item of `kind` on the worklist as at `on`.
    async fn only_item(&self, on: &str, kind: &str) -> Value {
        let body = self.worklist_json(on).await;
        let items: Vec<&Value> = body["items"].as_array().unwrap().iter().filter(|i| i["kind"] == kind).collect();
        assert_eq!(items.len(), 1, "one {kind} on {on}: {body}");
        items[0].clone()
    }

    async fn stored_events(&self) -> usize {
        self.store.stream(&Crn::parse(CRN).unwrap()).await.unwrap().len()
    }
}

fn booked(id: &str, at: &str, kind: &str, requirement: Option<&str>) -> Value {
    let mut appointment = json!({"id": id, "at": at, "minutes": 60, "kind": kind});
    if let Some(r) = requirement {
        appointment["requirement"] = json!(r);
    }
    json!({"type": "appointment_booked", "appointment": appointment})
}

fn outcome(id: &str, outcome: &str) -> Value {
    json!({"type": "outcome_recorded", "appointment": id, "outcome": {"outcome": outcome}})
}

fn pack(missing: &[&str]) -> Value {
    let items = [
        "breach_report",
        "order_copy",
        "instructions",
        "warning_letters",
        "contact_log",
        "previous_convictions",
        "risk_summary",
        "manager_countersigned",
    ];
    items.iter().map(|i| (i.to_string(), json!(!missing.contains(i)))).collect::<serde_json::Map<_, _>>().into()
}

#[tokio::test]
async fn community_order_from_allocation_to_breach_resolution_over_http() {
    let mut s = Scenario::start().await;
    assert!(s.worklist("2026-04-02").await.is_empty(), "nothing yet: the store holds only the organisation");

    // --- Thursday 2 April: registered, sentenced to a community order with unpaid work and
    // a RAR requirement, and allocated, by the SPO (officers do not allocate).
    let officer = std::mem::replace(&mut s.http, s.spo.clone());
    s.recorder = "SPO";
    s.record(
        "2026-04-02",
        &[
            json!({"type": "person_registered", "person": {
                "first_name": "Dan", "family_name": "Okafor", "date_of_birth": "1994-08-30", "gender": "male"
            }}),
            json!({"type": "sentence_imposed", "sentence": {
                "id": "S1", "kind": "community_order", "sentence_date": "2026-04-02", "end_date": "2027-04-01",
                "requirements": [
                    {"id": "S1-UPW", "kind": "unpaid_work", "hours": 120},
                    {"id": "S1-RAR", "kind": "rar", "max_days": 20}
                ]
            }}),
            json!({"type": "officer_allocated", "officer": OFFICER, "team": "TEAM1", "reason": "initial"}),
        ],
        &[
            ("person_registered", "Registered Dan Okafor"),
            ("sentence_imposed", "Community order to 2027-04-01 with Unpaid work, Rehabilitation activity requirement"),
            ("officer_allocated", "Allocated to OFF1 (TEAM1), reason: Initial"),
        ],
    )
    .await;
    (s.http, s.recorder) = (officer, OFFICER);
    let (_, case) = s.get_json(&format!("/api/cases/{CRN}")).await;
    assert_eq!((&case["case"]["officer"], &case["case"]["active"]), (&json!(OFFICER), &json!(true)));

    // First appointment within 5 business days of allocation: Good Friday and Easter Monday
    // and a weekend are skipped (Tue 7, Wed 8, Thu 9, Fri 10, Mon 13).
    let first = s.only_item("2026-04-02", "first_appointment").await;
    assert_eq!(first["due"], "2026-04-13");
    assert_eq!((&first["subject"], &first["overdue"]), (&json!("case"), &json!(false)));
    assert_eq!(
        (&first["action"], &first["rule"]),
        (&json!("first_appointment.book"), &json!("first_appointment.community"))
    );
    assert_eq!(s.worklist("2026-04-02").await, [item("first_appointment", "case", "2026-04-13", false, 0)]);
    assert_eq!(s.worklist("2026-04-13").await, [item("first_appointment", "case", "2026-04-13", false, 0)]);
    assert_eq!(s.worklist("2026-04-14").await, [item("first_appointment", "case", "2026-04-13", true, 1)]);

    // --- Tuesday 7 April: the first appointment is booked for Thursday 9 April.
    s.record(
        "2026-04-07",
        &[booked("A1", "2026-04-09T10:00:00", "office_visit", None)],
        &[("appointment_booked", "Office visit booked for 2026-04-09T10:00:00")],
    )
    .await;
    assert!(s.worklist("2026-04-07").await.is_empty(), "booked in time: the item goes");

    // --- Thursday 9 April: attended. The sentence plan is agreed and unpaid work is booked
    // for Thursday 16 April, inside the fortnight to the next contact (not yet assessed:
    // fortnightly).
    s.record(
        "2026-04-09",
        &[outcome("A1", "attended_complied")],
        &[("outcome_recorded", "Outcome: Attended - complied")],
    )
    .await;
    assert_eq!(
        s.worklist("2026-04-09").await,
        [item("contact", "case", "2026-04-23", false, 0), item("sentence_plan", "case", "2026-04-30", false, 0)],
        "the first appointment has gone; the next contact and the plan are due"
    );
    s.record(
        "2026-04-09",
        &[
            json!({"type": "objective_agreed", "objective": {
                "id": "O1", "description": "Complete the unpaid work hours", "owner": "person", "person_involved": true
            }}),
            booked("UPW1", "2026-04-16T09:00:00", "unpaid_work", Some("S1-UPW")),
        ],
        &[
            ("objective_agreed", "Objective agreed: Complete the unpaid work hours"),
            ("appointment_booked", "Unpaid work session booked for 2026-04-16T09:00:00"),
        ],
    )
    .await;
    assert!(s.worklist("2026-04-09").await.is_empty());

    // --- Friday 17 April: Thursday's unpaid work was an unacceptable absence. A warning
    // decision is due 2 business days after the provider knew (Mon 20, Tue 21). An office
    // visit is booked for Thursday 23 April.
    s.record(
        "2026-04-17",
        &[outcome("UPW1", "unacceptable_absence"), booked("A2", "2026-04-23T10:00:00", "office_visit", None)],
        &[
            ("outcome_recorded", "Outcome: Unacceptable absence"),
            ("appointment_booked", "Office visit booked for 2026-04-23T10:00:00"),
        ],
    )
    .await;
    let warning = s.only_item("2026-04-17", "warning_decision").await;
    assert_eq!((&warning["action"], &warning["rule"]), (&json!("warning.issue"), &json!("warning.issue")));
    assert_eq!(s.worklist("2026-04-17").await, [item("warning_decision", "UPW1", "2026-04-21", false, 0)]);
    assert_eq!(s.worklist("2026-04-21").await, [item("warning_decision", "UPW1", "2026-04-21", false, 0)]);
    assert_eq!(
        s.worklist("2026-04-22").await,
        [item("warning_decision", "UPW1", "2026-04-21", true, 1)],
        "overdue the day after its deadline"
    );

    // --- Wednesday 22 April: the warning letter goes, a day late; 7 days to respond.
    s.record(
        "2026-04-22",
        &[json!({"type": "warning_letter_issued", "appointment": "UPW1", "on": "2026-04-22", "response_due": "2026-04-29"})],
        &[("warning_letter_issued", "Warning letter for UPW1, response due 2026-04-29")],
    )
    .await;
    assert!(s.worklist("2026-04-22").await.is_empty(), "warned: the item goes");

    // --- Seen on 23 April and 5 May (after the early May bank holiday); a RAR activity is
    // booked for Thursday 14 May.
    s.record(
        "2026-04-23",
        &[outcome("A2", "attended_complied"), booked("A3", "2026-05-05T10:00:00", "office_visit", None)],
        &[
            ("outcome_recorded", "Outcome: Attended - complied"),
            ("appointment_booked", "Office visit booked for 2026-05-05T10:00:00"),
        ],
    )
    .await;
    assert!(s.worklist("2026-04-23").await.is_empty());
    s.record(
        "2026-05-05",
        &[outcome("A3", "attended_complied"), booked("RAR1", "2026-05-14T14:00:00", "rar_activity", Some("S1-RAR"))],
        &[
            ("outcome_recorded", "Outcome: Attended - complied"),
            ("appointment_booked", "RAR activity booked for 2026-05-14T14:00:00"),
        ],
    )
    .await;
    assert!(s.worklist("2026-05-05").await.is_empty());

    // --- Friday 15 May: the RAR activity was a second unacceptable absence within 12 months
    // of a warning: breach is mandatory, referred within 8 business days of the provider
    // knowing, over the spring bank holiday (Mon 18 .. Fri 22, Tue 26, Wed 27, Thu 28).
    s.record(
        "2026-05-15",
        &[outcome("RAR1", "unacceptable_absence"), booked("A4", "2026-05-19T10:00:00", "office_visit", None)],
        &[
            ("outcome_recorded", "Outcome: Unacceptable absence"),
            ("appointment_booked", "Office visit booked for 2026-05-19T10:00:00"),
        ],
    )
    .await;
    let decision = s.only_item("2026-05-15", "breach_decision").await;
    assert_eq!((&decision["action"], &decision["rule"]), (&json!("breach.refer"), &json!("breach.referral")));
    assert_eq!(
        s.worklist("2026-05-15").await,
        [item("breach_decision", "RAR1", "2026-05-28", false, 0)],
        "a breach decision, not a second warning"
    );
    s.record(
        "2026-05-19",
        &[outcome("A4", "attended_complied"), booked("A5", "2026-06-02T10:00:00", "office_visit", None)],
        &[
            ("outcome_recorded", "Outcome: Attended - complied"),
            ("appointment_booked", "Office visit booked for 2026-06-02T10:00:00"),
        ],
    )
    .await;
    assert_eq!(s.worklist("2026-05-19").await, [item("breach_decision", "RAR1", "2026-05-28", false, 0)]);

    // --- Wednesday 20 May: breach referred with only the report and the order in the pack.
    // The pack is due in 10 working days, over the spring bank holiday (Thu 21, Fri 22,
    // Tue 26 .. Fri 29, Mon 1 .. Thu 4 June).
    let incomplete = pack(&[
        "instructions",
        "warning_letters",
        "contact_log",
        "previous_convictions",
        "risk_summary",
        "manager_countersigned",
    ]);
    s.record(
        "2026-05-20",
        &[json!({"type": "breach_referred", "failures": ["UPW1", "RAR1"], "pack": incomplete})],
        &[("breach_referred", "Breach referred for UPW1, RAR1")],
    )
    .await;
    let pack_item = s.only_item("2026-05-20", "breach_pack").await;
    assert_eq!((&pack_item["action"], &pack_item["rule"]), (&json!("breach.complete_pack"), &json!("breach.pack")));
    assert_eq!(
        s.worklist("2026-05-20").await,
        [item("breach_pack", "case", "2026-06-04", false, 0)],
        "referred: the breach decision goes and the pack is due"
    );

    // --- Monday 1 June: sending the pack without the manager's countersignature is refused,
    // naming the missing item, and nothing is written.
    let before = s.stored_events().await;
    let (status, err) = s
        .post_events(
            "2026-06-01",
            &[json!({"type": "breach_pack_completed", "pack": pack(&["manager_countersigned"])})],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["code"], "rejected", "{err}");
    assert_eq!(err["error"]["field"], "events[0].event.pack.manager_countersigned", "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("incomplete"), "{err}");
    assert_eq!(s.stored_events().await, before, "nothing written");
    let (_, case) = s.get_json(&format!("/api/cases/{CRN}")).await;
    assert_eq!(case["case"]["version"], s.version, "the version has not moved");
    assert!(case["timeline"].as_array().unwrap().iter().all(|e| e["type"] != "breach_pack_completed"));
    assert_eq!(s.worklist("2026-06-01").await, [item("breach_pack", "case", "2026-06-04", false, 0)]);

    // --- Tuesday 2 June: the complete pack goes; the item clears. Seen the same day.
    s.record(
        "2026-06-02",
        &[json!({"type": "breach_pack_completed", "pack": pack(&[])})],
        &[("breach_pack_completed", "Breach pack completed")],
    )
    .await;
    assert!(s.worklist("2026-06-02").await.is_empty(), "the pack is complete: the item clears");
    assert!(
        s.worklist("2026-06-05").await.iter().all(|i| i.0 != "breach_pack"),
        "and stays cleared after its deadline"
    );
    s.record(
        "2026-06-02",
        &[outcome("A5", "attended_complied"), booked("A6", "2026-06-16T10:00:00", "office_visit", None)],
        &[
            ("outcome_recorded", "Outcome: Attended - complied"),
            ("appointment_booked", "Office visit booked for 2026-06-16T10:00:00"),
        ],
    )
    .await;

    // --- Tuesday 16 June: seen; unpaid work booked for Saturday 27 June; the court finds
    // the breach proven and the order continues. The failure count resets.
    s.record(
        "2026-06-16",
        &[outcome("A6", "attended_complied"), booked("UPW2", "2026-06-27T09:00:00", "unpaid_work", Some("S1-UPW"))],
        &[
            ("outcome_recorded", "Outcome: Attended - complied"),
            ("appointment_booked", "Unpaid work session booked for 2026-06-27T09:00:00"),
        ],
    )
    .await;
    s.record(
        "2026-06-16",
        &[json!({"type": "breach_resolved", "on": "2026-06-16", "outcome": "proven_order_continued"})],
        &[("breach_resolved", "Breach resolved on 2026-06-16: ProvenOrderContinued")],
    )
    .await;
    assert!(s.worklist("2026-06-16").await.is_empty());

    // --- Monday 29 June: Saturday's unpaid work was missed. Within 12 months of both earlier
    // failures, but they were dealt with by the resolved breach: this is a first failure
    // again, so a warning decision (Tue 30 June, Wed 1 July), not a breach decision.
    s.record(
        "2026-06-29",
        &[outcome("UPW2", "unacceptable_absence"), booked("A7", "2026-06-30T10:00:00", "office_visit", None)],
        &[
            ("outcome_recorded", "Outcome: Unacceptable absence"),
            ("appointment_booked", "Office visit booked for 2026-06-30T10:00:00"),
        ],
    )
    .await;
    assert_eq!(
        s.worklist("2026-06-29").await,
        [item("warning_decision", "UPW2", "2026-07-01", false, 0)],
        "the count reset when the breach resolved: no breach decision"
    );

    // Without `on`, the worklist is as at the server's date.
    let (status, today) = s.get_json(&format!("/api/officers/{OFFICER}/worklist")).await;
    assert_eq!(status, StatusCode::OK, "{today}");
    assert_eq!(today, s.worklist_json(SERVER_TODAY).await);

    // The whole record, in order.
    let (_, case) = s.get_json(&format!("/api/cases/{CRN}")).await;
    let types: Vec<&str> = case["timeline"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types.len() as u64, s.version);
    for t in ["warning_letter_issued", "breach_referred", "breach_pack_completed", "breach_resolved"] {
        assert_eq!(types.iter().filter(|x| **x == t).count(), 1, "{t} once: {types:?}");
    }
}

#[tokio::test]
async fn the_worklist_date_must_be_a_calendar_date() {
    let s = Scenario::start().await;
    for bad in ["2026-02-30", "30-06-2026", "20260630", "yesterday", "2026-06-30T10:00:00"] {
        let (status, body) = s.get_json(&format!("/api/officers/{OFFICER}/worklist?on={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!((&body["error"]["code"], &body["error"]["field"]), (&json!("bad_request"), &json!("on")), "{bad}");
    }
    let (status, body) = s.get_json(&format!("/api/officers/{OFFICER}/worklist?on=")).await;
    assert_eq!((status, &body["on"]), (StatusCode::OK, &json!(SERVER_TODAY)), "an empty `on` is today");
}
