//! The case pages over real HTTP (issue 4, item 5): every section shows what the record says,
//! the outcome form records through the same path as the API (a bad form is named and saves
//! nothing, a stale form is refused, a read-only user cannot post), and the worklist page
//! shows the task that follows.
//!
//! The provider: Camden North (TEAM1) with Priya Shah (OFF1); Islington East (TEAM2) with
//! Zoe Park (OFF9). Today is Friday 20 March 2026.
//! - X000001 Ada Lovelace (OFF1), sentenced 2 March: assessed, planned with one reason and one
//!   gap, an unpaid work session and a RAR day done, two failures (one warned), a review
//!   trigger, a safeguarding check and a referral.
//! - X000002 Grace Hopper (OFF1), sentenced 16 March, with an office visit on 18 March whose
//!   outcome is not recorded.
//! - X000003 Alan Turing (OFF9), another team's case.

mod support;

use domain::assessment::{NeedArea, NeedSeverity, RoshLevel};
use domain::case::CaseState;
use domain::contact::{Appointment, ContactKind, Outcome};
use domain::event::{CaseEvent, NewEvent};
use domain::example::{self, code, date, id, new_event};
use domain::ids::{Crn, Name, Note};
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Staff, Team};
use domain::plan::{Objective, ObjectiveOwner};
use domain::practice::plan_gaps::PlanSubject;
use domain::practice::reviews::ReviewTrigger;
use domain::practice::safeguarding::Agency;
use domain::tier::Registration;
use domain::unpaid_work::Timesheet;
use reqwest::StatusCode;
use store::auth::AccessStore;
use store::{CaseStore, SqliteStore};
use support::{SignedIn, add_user, sign_in};
use tokio::net::TcpListener;
use web::Clock;

const TODAY: &str = "2026-03-20";

struct Server {
    base: String,
    store: SqliteStore,
    _dir: tempfile::TempDir,
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
        staff: vec![staff("OFF1", "TEAM1", "Priya Shah"), staff("OFF9", "TEAM2", "Zoe Park")],
    }
}

fn booked(
    appointment: &str,
    on: &str,
    hour: i8,
    minutes: u16,
    kind: ContactKind,
    requirement: Option<&str>,
) -> CaseEvent {
    CaseEvent::AppointmentBooked {
        appointment: Appointment {
            id: id(appointment),
            at: date(on).at(hour, 0, 0, 0),
            minutes,
            kind,
            requirement: requirement.map(id),
        },
    }
}

/// Ada's record after her opening, each event on its day.
fn ada_history() -> Vec<NewEvent> {
    let e = |on: &str, event| new_event(date(on), event);
    let outcome =
        |appointment: &str, outcome| CaseEvent::OutcomeRecorded { appointment: id(appointment), outcome, note: None };
    let assessment = example::assessment(
        "AS1",
        date("2026-03-03"),
        RoshLevel::Medium,
        &[
            (NeedArea::Accommodation, NeedSeverity::Standard),
            (NeedArea::DrugMisuse, NeedSeverity::Severe),
            (NeedArea::Financial, NeedSeverity::NoNeed),
        ],
    );
    vec![
        e("2026-03-03", CaseEvent::AssessmentCompleted { assessment }),
        e("2026-03-03", CaseEvent::RegistrationAdded { registration: Registration::DomesticAbuse }),
        e(
            "2026-03-04",
            CaseEvent::ObjectiveAgreed {
                objective: Objective {
                    id: id("O1"),
                    description: Note::parse("Find settled accommodation").unwrap(),
                    needs: vec![NeedArea::Accommodation],
                    risk_groups: vec![],
                    owner: ObjectiveOwner::ResponsibleOfficer,
                    person_involved: true,
                },
            },
        ),
        e(
            "2026-03-04",
            CaseEvent::PlanGapReasonRecorded {
                subject: PlanSubject::Need(NeedArea::DrugMisuse),
                reason: Note::parse("Already in treatment with the community drug service").unwrap(),
            },
        ),
        e("2026-03-04", CaseEvent::SafeguardingInView { children: true, domestic_abuse: false }),
        e(
            "2026-03-04",
            CaseEvent::SafeguardingCheckRequested {
                agency: Agency::ChildrensSocialCare,
                local_authority: code("CAM"),
                on: date("2026-03-04"),
            },
        ),
        e("2026-03-04", booked("A1", "2026-03-05", 10, 45, ContactKind::OfficeVisit, None)),
        e("2026-03-05", outcome("A1", Outcome::AttendedComplied)),
        e(
            "2026-03-06",
            CaseEvent::InterventionReferred {
                referral: id("R1"),
                service: code("ACCOM1"),
                objectives: vec![id("O1")],
                needs: vec![NeedArea::Accommodation],
                on: date("2026-03-06"),
            },
        ),
        e("2026-03-06", booked("U1", "2026-03-07", 9, 420, ContactKind::UnpaidWork, Some("S1-UPW"))),
        e("2026-03-07", outcome("U1", Outcome::AttendedComplied)),
        e(
            "2026-03-07",
            CaseEvent::UnpaidWorkTimeRecorded {
                appointment: id("U1"),
                timesheet: Timesheet {
                    started: "09:00".parse().unwrap(),
                    finished: "16:00".parse().unwrap(),
                    penalty_minutes: 0,
                    travel_minutes: 0,
                    other_minutes: 0,
                },
            },
        ),
        e("2026-03-09", CaseEvent::ReferralAccepted { referral: id("R1"), on: date("2026-03-09") }),
        e("2026-03-09", booked("D1", "2026-03-10", 14, 60, ContactKind::RarActivity, Some("S1-RAR"))),
        e("2026-03-10", outcome("D1", Outcome::AttendedComplied)),
        e(
            "2026-03-11",
            CaseEvent::ReviewTriggered {
                trigger: ReviewTrigger::ChangeOfAddressOrCircumstances,
                on: date("2026-03-11"),
                note: Some(Note::parse("Moved to a hostel").unwrap()),
            },
        ),
        e("2026-03-11", booked("A2", "2026-03-12", 10, 45, ContactKind::OfficeVisit, None)),
        e("2026-03-12", outcome("A2", Outcome::UnacceptableAbsence)),
        e(
            "2026-03-13",
            CaseEvent::WarningLetterIssued {
                appointment: id("A2"),
                on: date("2026-03-13"),
                response_due: date("2026-03-20"),
            },
        ),
        e("2026-03-13", booked("A3", "2026-03-16", 10, 45, ContactKind::OfficeVisit, None)),
        e("2026-03-16", outcome("A3", Outcome::AttendedFailedToComply)),
    ]
}

async fn start() -> Server {
    let (store, dir) = store::testing::sqlite().await;
    store.bulk_load(&organisation(), &mut std::iter::empty(), &|_| {}).await.unwrap();
    let system = code("SYSTEM");
    let now = jiff::Timestamp::now();
    let opening = |first, family, on, officer, team| example::opening(first, family, date(on), officer, team);
    let ada = crn_of("X000001");
    let v = services::record::record_events(
        &store,
        &ada,
        0,
        &opening("Ada", "Lovelace", "2026-03-02", "OFF1", "TEAM1"),
        &system,
        now,
    )
    .await
    .unwrap();
    services::record::record_events(&store, &ada, v, &ada_history(), &system, now).await.unwrap();
    let grace = crn_of("X000002");
    let v = services::record::record_events(
        &store,
        &grace,
        0,
        &opening("Grace", "Hopper", "2026-03-16", "OFF1", "TEAM1"),
        &system,
        now,
    )
    .await
    .unwrap();
    let visit = new_event(date("2026-03-16"), booked("A1", "2026-03-18", 10, 45, ContactKind::OfficeVisit, None));
    services::record::record_events(&store, &grace, v, &[visit], &system, now).await.unwrap();
    let alan = crn_of("X000003");
    services::record::record_events(
        &store,
        &alan,
        0,
        &opening("Alan", "Turing", "2026-03-02", "OFF9", "TEAM2"),
        &system,
        now,
    )
    .await
    .unwrap();

    add_user(&store, "priya", "responsible_officer", "team:TEAM1", Some("OFF1")).await;
    add_user(&store, "manager", "area_manager", "area:LDN", None).await;
    add_user(&store, "inspector", "inspector", "provider", None).await;
    store.grant_cases("inspector", std::slice::from_ref(&grace)).await.unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = web::router_with_clock(store.clone(), Clock::Fixed(date(TODAY)));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server { base, store, _dir: dir }
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A page's status and HTML, with apostrophes unescaped so tests can read the words.
    async fn page(&self, who: &SignedIn, path: &str) -> (StatusCode, String) {
        let r = who.http.get(self.url(path)).send().await.unwrap();
        (r.status(), r.text().await.unwrap().replace("&#39;", "'").replace("&#x27;", "'"))
    }

    async fn state(&self, crn: &str) -> CaseState {
        CaseState::fold(crn_of(crn), &self.store.stream(&crn_of(crn)).await.unwrap()).unwrap()
    }

    async fn events(&self, crn: &str) -> usize {
        self.store.stream(&crn_of(crn)).await.unwrap().len()
    }
}

/// The table row, or summary list row, around the first `needle` on the page.
fn row_with<'a>(page: &'a str, needle: &str) -> &'a str {
    let at = page.find(needle).unwrap_or_else(|| panic!("{needle} is not on the page:\n{page}"));
    let (tr, div) = (page[..at].rfind("<tr"), page[..at].rfind("<div"));
    let (start, close) = match (tr, div) {
        (Some(t), Some(d)) if d > t => (d, "</div>"),
        (Some(t), _) => (t, "</tr>"),
        (None, d) => (d.unwrap_or(0), "</div>"),
    };
    let end = page[at..].find(close).map_or(page.len(), |e| at + e);
    &page[start..end]
}

#[tokio::test]
async fn each_section_shows_what_the_record_says_and_every_view_is_audited() {
    let s = start().await;
    let priya = sign_in(&s.base, "priya").await;
    let ada = s.state("X000001").await;
    let tier = ada.tier.expect("recording the assessment calculated a tier");

    // Summary: tier in both models, RoSH, officer, next contact and flags; the sub-navigation.
    let (status, page) = s.page(&priya, "/cases/X000001").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1 class=\"govuk-heading-l\">Ada Lovelace</h1>"), "{page}");
    assert!(row_with(&page, "Tier (legacy)").contains(&tier.legacy.to_string()), "{page}");
    assert!(row_with(&page, "Tier (current model)").contains(&tier.v3.to_string()), "{page}");
    assert!(row_with(&page, "Risk of serious harm</dt>").contains("Medium"));
    assert!(row_with(&page, "Responsible officer</dt>").contains("Priya Shah (OFF1)"));
    assert!(row_with(&page, "Team</dt>").contains("Camden North"));
    let flags = row_with(&page, "Flags</dt>");
    assert!(
        flags.contains(">Domestic abuse</strong>") && flags.contains("Safeguarding in view since 4 March 2026"),
        "{flags}"
    );
    for section in
        ["sentence", "assessment", "plan", "appointments", "enforcement", "reviews", "safeguarding", "referrals"]
    {
        assert!(page.contains(&format!("href=\"/cases/X000001/{section}\"")), "{section} in the sub-navigation");
    }
    assert!(page.contains("href=\"/cases/X000001\" aria-current=\"page\""), "the current section is marked");

    // Sentence: UPW hours done of ordered, RAR days used of ordered.
    let (status, page) = s.page(&priya, "/cases/X000001/sentence").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(row_with(&page, "Unpaid work (S1-UPW)").contains("7 hours of 120 hours done, 113 hours left"), "{page}");
    assert!(
        row_with(&page, "Rehabilitation activity requirement (S1-RAR)").contains("1 of 20 days used, 19 left"),
        "{page}"
    );

    // Assessment: needs and scores.
    let (_, page) = s.page(&priya, "/cases/X000001/assessment").await;
    assert!(row_with(&page, ">Drug misuse<").contains("Severe"), "{page}");
    assert!(row_with(&page, ">Financial management and income<").contains("No need"), "{page}");
    assert!(row_with(&page, "OGRS (reoffending").contains("42.0%"));
    assert!(row_with(&page, ">Public<").contains("Medium"));
    assert!(row_with(&page, ">Children<").contains("Not assessed as at risk"));

    // Plan: an objective answers accommodation, a reason drugs, and the risk to the public is a gap.
    let (_, page) = s.page(&priya, "/cases/X000001/plan").await;
    assert!(row_with(&page, ">Need: Accommodation<").contains("By objective O1"), "{page}");
    let drugs = row_with(&page, ">Need: Drug misuse<");
    assert!(
        drugs.contains("Already in treatment with the community drug service") && drugs.contains("Reason recorded")
    );
    assert!(row_with(&page, ">Risk to the public<").contains("govuk-tag--red\">Gap</strong>"), "{page}");
    assert!(page.contains("Add an objective, or record why not (risk to the public)"), "the gap's task: {page}");

    // Appointments: every one with its outcome; none waits, so no form is offered.
    let (_, page) = s.page(&priya, "/cases/X000001/appointments").await;
    assert!(row_with(&page, "(A2)").contains("Unacceptable absence"), "{page}");
    assert!(row_with(&page, "(U1)").contains("Attended - complied"));
    assert!(!page.contains("Record the outcome<"), "{page}");

    // Enforcement: two failures in 12 months, the first warned; breach is now mandatory.
    let (_, page) = s.page(&priya, "/cases/X000001/enforcement").await;
    assert!(row_with(&page, "Failures counted in the last 12 months").contains(">2<"), "{page}");
    assert!(
        row_with(&page, "<th scope=\"row\" class=\"govuk-table__header\">A2").contains("Issued 13 March 2026"),
        "{page}"
    );
    assert!(page.contains("Refer for breach, or record a manager's exception (appointment A3)"), "{page}");
    assert!(row_with(&page, "How failures are enforced").contains("Breach, taken to court"));

    // Reviews: the trigger with its note, and the review it makes due.
    let (_, page) = s.page(&priya, "/cases/X000001/reviews").await;
    assert!(row_with(&page, "Moved to a hostel").contains("Open"), "{page}");
    assert!(page.contains("Triggered by a change of address or circumstances"), "{page}");

    // Safeguarding: the check with children's social care awaits an answer; the police are still to ask.
    let (_, page) = s.page(&priya, "/cases/X000001/safeguarding").await;
    assert!(row_with(&page, ">Children's social care<").contains("Awaiting an answer"), "{page}");
    assert!(page.contains("Request a check with the police"), "{page}");

    // Referrals.
    let (_, page) = s.page(&priya, "/cases/X000001/referrals").await;
    let r1 = row_with(&page, "ACCOM1 (R1)");
    assert!(r1.contains("Accepted") && r1.contains("Referred 6 March 2026, accepted 9 March 2026"), "{r1}");

    // Every view is in the read audit under its own page.
    let routes: Vec<String> = s
        .store
        .reads_of(&crn_of("X000001"))
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.username == "priya")
        .map(|r| r.route)
        .collect();
    assert_eq!(
        routes,
        [
            "/cases/{crn}",
            "/cases/{crn}/sentence",
            "/cases/{crn}/assessment",
            "/cases/{crn}/plan",
            "/cases/{crn}/appointments",
            "/cases/{crn}/enforcement",
            "/cases/{crn}/reviews",
            "/cases/{crn}/safeguarding",
            "/cases/{crn}/referrals",
        ]
    );

    // Another team's case: refused, and not audited as a read.
    assert_eq!(s.page(&priya, "/cases/X000003/plan").await.0, StatusCode::FORBIDDEN);
    assert!(s.store.reads_of(&crn_of("X000003")).await.unwrap().is_empty());
    assert_eq!(s.page(&priya, "/cases/X999999/plan").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_timeline_filters_by_kind_and_dates_and_names_a_bad_filter() {
    let s = start().await;
    let priya = sign_in(&s.base, "priya").await;
    let (status, page) = s.page(&priya, "/cases/X000001?type=outcome_recorded&from=2026-03-06&to=2026-03-12").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Outcome recorded events (3) from 6 March 2026 to 12 March 2026, oldest first"), "{page}");
    assert!(page.contains("value=\"2026-03-06\"") && page.contains("<option value=\"outcome_recorded\" selected>"));

    let (status, page) = s.page(&priya, "/cases/X000001?type=party&from=2026-13-01&to=2026-03-12").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("govuk-error-summary") && page.contains("Check the type and the from date."), "{page}");
    assert!(page.contains("<a href=\"#type\">type: `party` is not an event type"), "{page}");
    assert!(page.contains("<a href=\"#from\">from: `2026-13-01` is not a calendar date"), "{page}");
    assert!(page.contains("value=\"2026-13-01\"") && page.contains("value=\"2026-03-12\""), "what was typed is kept");

    let (status, page) = s.page(&priya, "/cases/X000001?from=2026-03-12&to=2026-03-06").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("<a href=\"#to\">to: 2026-03-06 is before the from date 2026-03-12"), "{page}");
}

async fn post_outcome(
    s: &Server,
    who: &SignedIn,
    crn: &str,
    appointment: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut fields = form.to_vec();
    fields.push(("csrf_token", &who.csrf));
    let url = s.url(&format!("/cases/{crn}/appointments/{appointment}/outcome"));
    who.http.post(url).form(&fields).send().await.unwrap()
}

#[tokio::test]
async fn the_outcome_form_records_an_unacceptable_absence_and_the_warning_task_follows() {
    let s = start().await;
    let priya = sign_in(&s.base, "priya").await;

    // Before: the worklist asks for the outcome, linking to the appointments.
    let (status, page) = s.page(&priya, "/officers/OFF1/worklist").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let task = row_with(&page, "Record the outcome (appointment A1)");
    assert!(task.contains("href=\"/cases/X000002/appointments\"") && task.contains("Grace Hopper (X000002)"), "{task}");
    assert!(!page.contains("Issue a warning letter (appointment A1)"));

    let version = s.events("X000002").await.to_string();
    let stale = (s.events("X000002").await - 1).to_string();
    let (_, appointments) = s.page(&priya, "/cases/X000002/appointments").await;
    assert!(appointments.contains("href=\"/cases/X000002/appointments/A1/outcome\""), "{appointments}");
    let (status, form) = s.page(&priya, "/cases/X000002/appointments/A1/outcome").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(&format!("name=\"version\" value=\"{version}\"")), "the form carries its version: {form}");
    assert!(form.contains("id=\"outcome-unacceptable_absence\""));

    // A form read before someone else recorded on the case: refused, nothing written.
    let r =
        post_outcome(&s, &priya, "X000002", "A1", &[("outcome", "unacceptable_absence"), ("version", &stale)]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let page = r.text().await.unwrap();
    assert!(page.contains("someone else changed this case after you opened this form"), "{page}");
    assert!(page.contains("value=\"unacceptable_absence\" checked"), "what was chosen is kept");
    assert_eq!(s.events("X000002").await.to_string(), version, "nothing written");

    let r =
        post_outcome(&s, &priya, "X000002", "A1", &[("outcome", "unacceptable_absence"), ("version", &version)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/cases/X000002/appointments");
    let grace = s.state("X000002").await;
    assert_eq!(grace.appointments[0].outcome, Some(Outcome::UnacceptableAbsence));
    let last = s.store.stream(&crn_of("X000002")).await.unwrap().pop().unwrap();
    assert_eq!(last.recorded_by.as_str(), "OFF1", "recorded as the officer");

    let (_, page) = s.page(&priya, "/cases/X000002/appointments").await;
    assert!(row_with(&page, "(A1)").contains("Unacceptable absence"), "{page}");
    let (_, page) = s.page(&priya, "/officers/OFF1/worklist").await;
    let task = row_with(&page, "Issue a warning letter (appointment A1)");
    assert!(task.contains("href=\"/cases/X000002/enforcement\""), "{task}");
    let (_, page) = s.page(&priya, "/cases/X000002/enforcement").await;
    assert!(page.contains("Issue a warning letter (appointment A1): due"), "{page}");
    // The form is not offered again for an appointment with an outcome.
    let (_, form) = s.page(&priya, "/cases/X000002/appointments/A1/outcome").await;
    assert!(
        form.contains("The outcome is recorded: Unacceptable absence.") && !form.contains("Save the outcome"),
        "{form}"
    );
}

#[tokio::test]
async fn a_bad_outcome_form_is_named_keeps_what_was_typed_and_writes_nothing() {
    let s = start().await;
    let priya = sign_in(&s.base, "priya").await;
    let before = s.events("X000002").await;
    let version = before.to_string();
    let version = version.as_str();

    let r = post_outcome(
        &s,
        &priya,
        "X000002",
        "A1",
        &[("outcome", "acceptable_absence"), ("note", "Phoned in sick"), ("version", version)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("govuk-error-summary") && page.contains("Check the reason."), "{page}");
    assert!(page.contains("<a href=\"#reason\">reason: choose why the absence is acceptable</a>"), "{page}");
    assert!(
        page.contains("value=\"acceptable_absence\" checked") && page.contains(">Phoned in sick</textarea>"),
        "{page}"
    );

    let r = post_outcome(&s, &priya, "X000002", "A1", &[("version", version)]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("<a href=\"#outcome\">outcome: choose what happened</a>"));

    let r = post_outcome(&s, &priya, "X000002", "A1", &[("outcome", "sent_home_for_fun"), ("version", version)]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(s.events("X000002").await, before, "nothing written");

    // No such appointment: 404, nothing written.
    let r = post_outcome(&s, &priya, "X000002", "A9", &[("outcome", "attended_complied"), ("version", version)]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(s.events("X000002").await, before, "nothing written");

    // The same form with a reason is recorded.
    let good =
        [("outcome", "acceptable_absence"), ("reason", "medical"), ("note", "Phoned in sick"), ("version", version)];
    assert_eq!(post_outcome(&s, &priya, "X000002", "A1", &good).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.events("X000002").await, before + 1);
}

#[tokio::test]
async fn read_only_users_see_the_case_but_cannot_record_an_outcome() {
    let s = start().await;
    let before = s.events("X000002").await;
    let version = before.to_string();
    let version = version.as_str();
    for username in ["inspector", "manager"] {
        let who = sign_in(&s.base, username).await;
        let (status, page) = s.page(&who, "/cases/X000002/appointments").await;
        assert_eq!(status, StatusCode::OK, "{username}");
        assert!(!page.contains("/appointments/A1/outcome"), "{username} is offered no form");
        assert_eq!(s.page(&who, "/cases/X000002/appointments/A1/outcome").await.0, StatusCode::FORBIDDEN, "{username}");
        let r =
            post_outcome(&s, &who, "X000002", "A1", &[("outcome", "unacceptable_absence"), ("version", version)]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{username}");
    }
    assert_eq!(s.events("X000002").await, before, "nothing written");
    // The inspector reads only their sample.
    let inspector = sign_in(&s.base, "inspector").await;
    assert_eq!(s.page(&inspector, "/cases/X000001/sentence").await.0, StatusCode::FORBIDDEN);
    assert_eq!(s.page(&inspector, "/officers/OFF1/worklist").await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_worklist_lists_overdue_work_first_with_links_to_the_section_that_resolves_it() {
    let s = start().await;
    let priya = sign_in(&s.base, "priya").await;
    let (status, page) = s.page(&priya, "/officers/OFF1/worklist").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1 class=\"govuk-heading-l\">Priya Shah</h1>"), "{page}");
    let overdue = page
        .find("<caption class=\"govuk-table__caption govuk-table__caption--m\">Overdue (")
        .expect("an overdue table");
    let due = page.find("<caption class=\"govuk-table__caption govuk-table__caption--m\">Due (").expect("a due table");
    assert!(overdue < due, "overdue first");
    // Ada's breach decision is due 8 business days after the second failure became known (16 March).
    let breach = row_with(&page, "Refer for breach");
    assert!(
        breach.contains("href=\"/cases/X000001/enforcement\"") && breach.contains("Ada Lovelace (X000001)"),
        "{breach}"
    );
    assert!(page[due..].contains("Refer for breach"), "not yet overdue: {page}");
    // The plan gap links to the plan, a review trigger to the reviews.
    assert!(row_with(&page, "Review the sentence plan (triggered)").contains("href=\"/cases/X000001/reviews\""));
    assert!(
        row_with(&page, "Add an objective, or record why not (risk to the public)")
            .contains("href=\"/cases/X000001/plan\"")
    );
    // Another team's officer: refused like their caseload.
    assert_eq!(s.page(&priya, "/officers/OFF9/worklist").await.0, StatusCode::FORBIDDEN);
    assert_eq!(s.page(&priya, "/officers/bad%20code/worklist").await.0, StatusCode::BAD_REQUEST);
    // The caseload and the start page link to it.
    assert!(s.page(&priya, "/officers/OFF1/caseload").await.1.contains("href=\"/officers/OFF1/worklist\""));
    assert!(s.page(&priya, "/").await.1.contains("href=\"/officers/OFF1/worklist\""));
}
