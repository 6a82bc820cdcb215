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
    let outcome = |appointment: &str, outcome| CaseEvent::OutcomeRecorded {
        appointment: id(appointment),
        outcome,
        note: None,
        sensitive: false,
    };
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
async fn every_page_of_a_case_keeps_its_risk_in_view_and_says_what_needs_attention() {
    let s = start().await;
    let priya = sign_in(&s.base, "priya").await;
    let grace = crn_of("X000002");
    // Grace is assessed with a medium risk to staff and comes under MAPPA.
    let mut assessment = example::assessment("AS1", date("2026-03-18"), RoshLevel::Medium, &[]);
    assessment.rosh.insert(domain::assessment::RiskGroup::Staff, RoshLevel::Medium);
    let events = [
        new_event(date("2026-03-18"), CaseEvent::AssessmentCompleted { assessment }),
        new_event(
            date("2026-03-18"),
            CaseEvent::MappaSet {
                category: Some(domain::tier::MappaCategory::Two),
                level: Some(domain::tier::MappaLevel::One),
            },
        ),
    ];
    let v = s.state("X000002").await.version;
    services::record::record_events(&s.store, &grace, v, &events, &code("SYSTEM"), jiff::Timestamp::now())
        .await
        .unwrap();
    for section in ["", "/plan", "/appointments", "/enforcement"] {
        let (status, page) = s.page(&priya, &format!("/cases/X000002{section}")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let warning = row_with(&page, "govuk-warning-text__text");
        assert!(warning.contains("Medium risk to staff"), "{section}: {warning}");
        let risk = row_with(&page, "Risk of serious harm</dt>");
        assert!(risk.contains("Medium, RSR 2.5%, OGRS 42%"), "{section}: {risk}");
        assert!(row_with(&page, "MAPPA</dt>").contains("Category 2, level 1"), "{section}");
        assert!(row_with(&page, "Tier</dt>").contains("legacy"), "{section}");
        // The appointment on 18 March has no outcome two days later.
        let attention = &page[page.find("Needs your attention").expect("the banner")..];
        assert!(attention.contains("1 appointment outcome not recorded"), "{section}: {attention}");
    }
    // Ada poses no risk to staff: no warning; her overdue work is counted.
    let (_, page) = s.page(&priya, "/cases/X000001").await;
    assert!(!page.contains("risk to staff"), "{page}");
    assert!(row_with(&page, "MAPPA</dt>").contains("Not managed under MAPPA"));
    let attention = &page[page.find("Needs your attention").expect("the banner")..];
    let overdue = domain::practice::worklist(&s.state("X000001").await, date(TODAY))
        .iter()
        .filter(|i| i.overdue && i.kind != domain::practice::WorkKind::OutcomeMissing)
        .count();
    assert!(overdue > 0);
    let expected =
        if overdue == 1 { "1 piece of work overdue".to_owned() } else { format!("{overdue} pieces of work overdue") };
    assert!(attention.contains(&expected), "{attention}");

    // The start page counts Priya's own day over both her cases, as her worklist does.
    let states = [s.state("X000001").await, s.state("X000002").await];
    let items = domain::practice::officer_worklist(states.iter(), date(TODAY));
    let outcomes = items.iter().filter(|i| i.kind == domain::practice::WorkKind::OutcomeMissing).count();
    let overdue = items.iter().filter(|i| i.overdue && i.kind != domain::practice::WorkKind::OutcomeMissing).count();
    assert_eq!(outcomes, 1);
    let (_, page) = s.page(&priya, "/").await;
    let value = |key: &str| {
        let row = row_with(&page, &format!("{key}</dt>"));
        row[row.find("__value\">").unwrap() + 9..].split('<').next().unwrap().to_owned()
    };
    assert_eq!(value("Outcomes to record"), "1", "{page}");
    assert_eq!(value("Work overdue"), overdue.to_string(), "{page}");
    assert_eq!(value("Appointments today"), "0", "{page}");
    assert!(page.contains("href=\"/officers/OFF1/worklist\">Your worklist</a>"), "{page}");
    // A manager holds no caseload: no day of their own.
    let manager = sign_in(&s.base, "manager").await;
    let (_, page) = s.page(&manager, "/").await;
    assert!(!page.contains("Your day"), "{page}");
}

#[tokio::test]
async fn the_personal_details_form_starts_from_the_record_and_refuses_no_change() {
    let s = start().await;
    let priya = sign_in(&s.base, "priya").await;
    let (status, page) = s.page(&priya, "/cases/X000001/decisions/personal-details").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("value=\"Lovelace\""), "{page}");
    assert!(page.contains("name=\"date_of_birth-day\"") && page.contains("value=\"17\""), "{page}");
    assert!(page.contains("value=\"1990\""), "{page}");
    assert!(page.contains("value=\"white\" checked"), "{page}");
    assert!(page.contains("value=\"not_recorded\" checked"), "disability not recorded: {page}");
    // The form's own starting answers, sent back unchanged: nothing to record.
    let version = s.events("X000001").await;
    let same = [
        ("first_name", "Ada"),
        ("family_name", "Lovelace"),
        ("date_of_birth-day", "17"),
        ("date_of_birth-month", "5"),
        ("date_of_birth-year", "1990"),
        ("gender", "male"),
        ("ethnicity", "white"),
        ("disability", "not_recorded"),
        ("employment", "not_recorded"),
    ];
    let r = post_decision(&s, &priya, "X000001", "personal-details", &same, version).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("nothing has changed"));
    assert_eq!(s.events("X000001").await, version);
    // The summary section offers the form.
    let (_, page) = s.page(&priya, "/cases/X000001").await;
    assert!(page.contains("href=\"/cases/X000001/decisions/personal-details\""), "{page}");
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

#[tokio::test]
async fn the_compliance_summary_counts_the_order_and_each_count_opens_its_events() {
    let s = start().await;
    let priya = sign_in(&s.base, "priya").await;
    let (status, page) = s.page(&priya, "/cases/X000001/enforcement").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Compliance with sentence S1"), "{page}");
    assert!(page.contains("Since 2 March 2026"), "the order began within the last 12 months: {page}");
    let count = |what: &str| {
        let row = row_with(&page, &format!(">{what}</th>"));
        let link = row.split("href=\"").nth(1).map(|h| h.split('"').next().unwrap().replace("&#38;", "&"));
        let n =
            row.split("\">").filter_map(|p| p.split('<').next()).find(|t| t.parse::<u32>().is_ok()).map(str::to_owned);
        (n, link)
    };
    let (n, link) = count("Unacceptable absences");
    assert_eq!(n.as_deref(), Some("1"));
    let link = link.expect("the count links to the timeline");
    assert_eq!(link, "/cases/X000001?type=outcome_recorded&outcome=unacceptable_absence&from=2026-03-02");
    assert_eq!(count("Attended but failed to comply").0.as_deref(), Some("1"));
    assert_eq!(count("Absences awaiting evidence").0.as_deref(), Some("0"));
    assert_eq!(count("Warning letters this sentence").0.as_deref(), Some("1"));
    assert!(row_with(&page, ">Breach</th>").contains("None in progress"));

    // The link opens exactly the events counted.
    let (status, timeline) = s.page(&priya, &link).await;
    assert_eq!(status, StatusCode::OK, "{timeline}");
    assert!(timeline.contains("Outcome recorded: unacceptable absence events (1) from 2 March 2026"), "{timeline}");
    // An outcome kind that does not exist is named.
    let (status, timeline) = s.page(&priya, "/cases/X000001?type=outcome_recorded&outcome=late").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(timeline.contains("outcome: `late` is not one of"), "{timeline}");
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

    // Before: the worklist asks for the outcome, linking to the appointment's outcome form.
    let (status, page) = s.page(&priya, "/officers/OFF1/worklist").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let task = row_with(&page, "Record the outcome (appointment A1)");
    assert!(
        task.contains("href=\"/cases/X000002/appointments/A1/outcome\"") && task.contains("Grace Hopper (X000002)"),
        "{task}"
    );
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
    assert!(task.contains("href=\"/cases/X000002/decisions/warning-letter?appointment=A1\""), "{task}");
    let (_, page) = s.page(&priya, "/cases/X000002/enforcement").await;
    assert!(
        page.contains(
            "<a class=\"govuk-link\" href=\"/cases/X000002/decisions/warning-letter?appointment=A1\">Issue a warning \
             letter (appointment A1)</a>: due"
        ),
        "the task links to its form: {page}"
    );
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
async fn the_worklist_lists_overdue_work_first_with_links_to_the_form_that_resolves_it() {
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
        breach.contains("href=\"/cases/X000001/decisions/breach?failures=A3\"")
            && breach.contains("Ada Lovelace (X000001)"),
        "{breach}"
    );
    assert!(page[due..].contains("Refer for breach"), "not yet overdue: {page}");
    // The plan gap links to its form, a review trigger to the review's; booking to the section.
    assert!(
        row_with(&page, "Review the sentence plan (triggered)").contains("href=\"/cases/X000001/decisions/review\"")
    );
    assert!(
        row_with(&page, "Add an objective, or record why not (risk to the public)")
            .contains("href=\"/cases/X000001/decisions/plan-gap-reason?subject=risk_group%3Apublic\"")
    );
    // Another team's officer: refused like their caseload.
    assert_eq!(s.page(&priya, "/officers/OFF9/worklist").await.0, StatusCode::FORBIDDEN);
    assert_eq!(s.page(&priya, "/officers/bad%20code/worklist").await.0, StatusCode::BAD_REQUEST);
    // The caseload and the start page link to it.
    assert!(s.page(&priya, "/officers/OFF1/caseload").await.1.contains("href=\"/officers/OFF1/worklist\""));
    assert!(s.page(&priya, "/").await.1.contains("href=\"/officers/OFF1/worklist\""));
}

/// A decision form's answers, with the case version and the session's CSRF token added.
async fn post_decision(
    s: &Server,
    who: &SignedIn,
    crn: &str,
    slug: &str,
    answers: &[(&str, &str)],
    version: usize,
) -> reqwest::Response {
    let version = version.to_string();
    let mut fields = answers.to_vec();
    fields.push(("version", &version));
    fields.push(("csrf_token", &who.csrf));
    who.http.post(s.url(&format!("/cases/{crn}/decisions/{slug}"))).form(&fields).send().await.unwrap()
}

/// An appointment cancelled is recorded as rescheduled and frees its time: the same slot books
/// again. A bad answer is named and writes nothing; a stale form is refused keeping the answer;
/// a second press records nothing more.
#[tokio::test]
async fn an_officer_cancels_an_appointment_and_books_its_time_again() {
    let s = start().await;
    let priya = sign_in(&s.base, "priya").await;
    let slot = [
        ("kind", "office_visit"),
        ("on-day", "24"),
        ("on-month", "3"),
        ("on-year", "2026"),
        ("time", "14:00"),
        ("minutes", "45"),
    ];
    // Nothing booked ahead: nothing to cancel.
    let (_, page) = s.page(&priya, "/cases/X000001/decisions/cancel-appointment").await;
    assert!(page.contains("No appointment is booked ahead on this case."), "{page}");
    let v = s.events("X000001").await;
    let r = post_decision(&s, &priya, "X000001", "book-appointment", &slot, v).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let (status, page) = s.page(&priya, "/cases/X000001/decisions/cancel-appointment").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Office visit on 24 March 2026 at 14:00"), "{page}");
    let id = page
        .split("name=\"appointment\" type=\"radio\" value=\"")
        .nth(1)
        .or_else(|| page.split("type=\"radio\" name=\"appointment\" value=\"").nth(1));
    let id = id.map(|rest| rest.split('"').next().unwrap().to_owned()).unwrap_or_else(|| panic!("{page}"));
    let v = s.events("X000001").await;
    let r = post_decision(&s, &priya, "X000001", "cancel-appointment", &[("appointment", &id)], v).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("<a href=\"#by\">by: "));
    assert_eq!(s.events("X000001").await, v, "nothing written");
    let good = [("appointment", id.as_str()), ("by", "person")];
    let r = post_decision(&s, &priya, "X000001", "cancel-appointment", &good, v - 1).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("value=\"person\" checked"), "the answer is kept");
    for _ in 0..2 {
        let r = post_decision(&s, &priya, "X000001", "cancel-appointment", &good, v).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(s.events("X000001").await, v + 1, "recorded once");
    let ada = s.state("X000001").await;
    let cancelled = ada.appointments.iter().find(|a| a.appointment.id.as_str() == id).unwrap();
    assert_eq!(
        cancelled.outcome,
        Some(Outcome::Rescheduled { by: domain::contact::RescheduledBy::Person }),
        "recorded as rescheduled at the person's request"
    );
    // Its time is free again.
    let v = s.events("X000001").await;
    let r = post_decision(&s, &priya, "X000001", "book-appointment", &slot, v).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
}

/// One decision form, tried as an officer would: (slug, a bad answer and the field it is named
/// on, good answers, something typed that must be kept when a stale form is refused, the
/// worklist item it resolves, if any).
struct FormCase {
    slug: &'static str,
    bad: &'static [(&'static str, &'static str)],
    bad_field: &'static str,
    good: &'static [(&'static str, &'static str)],
    kept: &'static str,
    resolves: Option<&'static str>,
}

const ADA_FORMS: &[FormCase] = &[
    FormCase {
        slug: "personal-details",
        bad: &[
            ("first_name", ""),
            ("family_name", "King"),
            ("date_of_birth-day", "17"),
            ("date_of_birth-month", "13"),
            ("date_of_birth-year", "1990"),
            ("gender", "female"),
        ],
        bad_field: "first_name",
        good: &[
            ("first_name", "Ada"),
            ("family_name", "King"),
            ("date_of_birth-day", "17"),
            ("date_of_birth-month", "5"),
            ("date_of_birth-year", "1990"),
            ("gender", "female"),
            ("ethnicity", "white"),
            ("disability", "not_recorded"),
            ("employment", "employed"),
        ],
        kept: "value=\"King\"",
        resolves: None,
    },
    // A conviction names its court.
    FormCase {
        slug: "reoffence",
        bad: &[
            ("offence_date-day", "1"),
            ("offence_date-month", "3"),
            ("offence_date-year", "2026"),
            ("proven_on-day", "5"),
            ("proven_on-month", "3"),
            ("proven_on-year", "2026"),
            ("disposal", "conviction"),
        ],
        bad_field: "court",
        good: &[
            ("offence_date-day", "1"),
            ("offence_date-month", "3"),
            ("offence_date-year", "2026"),
            ("proven_on-day", "5"),
            ("proven_on-month", "3"),
            ("proven_on-year", "2026"),
            ("disposal", "conviction"),
            ("court", "Highbury Corner Magistrates Court"),
        ],
        kept: "value=\"Highbury Corner Magistrates Court\"",
        resolves: None,
    },
    FormCase {
        slug: "warning-letter",
        bad: &[("appointment", "A3"), ("on-day", "31"), ("on-month", "2"), ("on-year", "2026")],
        bad_field: "on",
        good: &[("appointment", "A3"), ("on-day", "17"), ("on-month", "3"), ("on-year", "2026")],
        kept: "value=\"A3\" checked",
        // A second failure goes to breach: the worklist asks for that, not a warning.
        resolves: None,
    },
    FormCase {
        slug: "breach",
        bad: &[("failures", "A1")],
        bad_field: "failures",
        good: &[("failures", "A3"), ("pack", "breach_report"), ("reason", "Second failure after a warning")],
        kept: "Second failure after a warning",
        resolves: Some("Refer for breach, or record a manager's exception (appointment A3)"),
    },
    FormCase {
        slug: "breach-pack",
        bad: &[("pack", "breach_report"), ("pack", "order_copy")],
        bad_field: "pack",
        good: &[
            ("pack", "breach_report"),
            ("pack", "order_copy"),
            ("pack", "instructions"),
            ("pack", "warning_letters"),
            ("pack", "contact_log"),
            ("pack", "previous_convictions"),
            ("pack", "risk_summary"),
            ("pack", "manager_countersigned"),
        ],
        kept: "value=\"risk_summary\" checked",
        resolves: Some("Complete and send the breach pack"),
    },
    FormCase {
        slug: "breach-outcome",
        bad: &[("outcome", "found_guilty"), ("on-day", "20"), ("on-month", "3"), ("on-year", "2026")],
        bad_field: "outcome",
        good: &[("outcome", "proven_order_continued"), ("on-day", "20"), ("on-month", "3"), ("on-year", "2026")],
        kept: "value=\"proven_order_continued\" checked",
        resolves: None,
    },
    FormCase {
        slug: "review",
        bad: &[("on-day", "1"), ("on-month", "3"), ("on-year", "2026")],
        bad_field: "on",
        good: &[("on-day", "19"), ("on-month", "3"), ("on-year", "2026")],
        kept: "value=\"19\"",
        resolves: Some("Review the sentence plan (triggered)"),
    },
    FormCase {
        slug: "review-trigger",
        bad: &[("on-day", "18"), ("on-month", "3"), ("on-year", "2026")],
        bad_field: "trigger",
        good: &[("trigger", "new_offence_or_arrest"), ("on-day", "18"), ("on-month", "3"), ("on-year", "2026")],
        kept: "value=\"new_offence_or_arrest\" checked",
        resolves: None,
    },
    FormCase {
        slug: "plan-gap-reason",
        bad: &[("subject", "risk_group:public")],
        bad_field: "reason",
        good: &[("subject", "risk_group:public"), ("reason", "Managed through the MAPPA plan")],
        kept: "Managed through the MAPPA plan",
        resolves: Some("Add an objective, or record why not (risk to the public)"),
    },
    FormCase {
        slug: "safeguarding-chase",
        bad: &[("agency", "police"), ("on-day", "18"), ("on-month", "3"), ("on-year", "2026")],
        bad_field: "agency",
        good: &[("agency", "childrens_social_care"), ("on-day", "18"), ("on-month", "3"), ("on-year", "2026")],
        kept: "value=\"childrens_social_care\" checked",
        resolves: None,
    },
    FormCase {
        slug: "safeguarding-response",
        bad: &[("agency", "childrens_social_care"), ("on-day", "19"), ("on-month", "3"), ("on-year", "2026")],
        bad_field: "outcome",
        good: &[
            ("agency", "childrens_social_care"),
            ("on-day", "19"),
            ("on-month", "3"),
            ("on-year", "2026"),
            ("outcome", "No concerns known"),
        ],
        kept: "No concerns known",
        resolves: None,
    },
    FormCase {
        slug: "referral-started",
        bad: &[("referral", "R1")],
        bad_field: "on",
        good: &[("referral", "R1"), ("on-day", "16"), ("on-month", "3"), ("on-year", "2026")],
        kept: "value=\"R1\" checked",
        resolves: None,
    },
    FormCase {
        slug: "referral-closed",
        bad: &[("referral", "R1"), ("closure", "ended"), ("on-day", "19"), ("on-month", "3"), ("on-year", "2026")],
        bad_field: "reason",
        good: &[("referral", "R1"), ("closure", "completed"), ("on-day", "19"), ("on-month", "3"), ("on-year", "2026")],
        kept: "value=\"completed\" checked",
        resolves: None,
    },
    FormCase {
        slug: "referral-outcomes",
        bad: &[("referral", "R1")],
        bad_field: "outcome_1",
        good: &[("referral", "R1"), ("outcome_1", "achieved")],
        kept: "value=\"achieved\" checked",
        resolves: Some("Record the end-of-service outcomes (referral R1)"),
    },
    FormCase {
        slug: "registration",
        bad: &[("registration", "not_a_thing")],
        bad_field: "registration",
        good: &[("registration", "stalking")],
        kept: "value=\"stalking\" checked",
        resolves: None,
    },
    FormCase {
        slug: "registration-removal",
        bad: &[],
        bad_field: "registration",
        good: &[("registration", "stalking")],
        kept: "value=\"stalking\" checked",
        resolves: None,
    },
    FormCase {
        slug: "mappa",
        bad: &[("level", "1")],
        bad_field: "category",
        good: &[("category", "2"), ("level", "1")],
        kept: "value=\"2\" checked",
        resolves: None,
    },
    FormCase {
        slug: "mappa-end",
        bad: &[("on-day", "31"), ("on-month", "2"), ("on-year", "2026")],
        bad_field: "on",
        good: &[("on-day", "19"), ("on-month", "3"), ("on-year", "2026")],
        kept: "value=\"19\"",
        resolves: None,
    },
    FormCase {
        slug: "safeguarding-in-view",
        bad: &[("children", "yes")],
        bad_field: "domestic_abuse",
        good: &[("children", "yes"), ("domestic_abuse", "yes")],
        kept: "value=\"yes\" checked",
        resolves: None,
    },
    FormCase {
        slug: "book-appointment",
        bad: &[
            ("kind", "office_visit"),
            ("on-day", "23"),
            ("on-month", "3"),
            ("on-year", "2026"),
            ("time", "25:61"),
            ("minutes", "45"),
        ],
        bad_field: "time",
        good: &[
            ("kind", "office_visit"),
            ("on-day", "23"),
            ("on-month", "3"),
            ("on-year", "2026"),
            ("time", "10:00"),
            ("minutes", "45"),
        ],
        kept: "value=\"10:00\"",
        resolves: None,
    },
    // A second booking that overlaps the first is refused, naming it.
    FormCase {
        slug: "book-appointment",
        bad: &[
            ("kind", "telephone"),
            ("on-day", "23"),
            ("on-month", "3"),
            ("on-year", "2026"),
            ("time", "10:30"),
            ("minutes", "30"),
        ],
        bad_field: "time",
        good: &[
            ("kind", "telephone"),
            ("on-day", "23"),
            ("on-month", "3"),
            ("on-year", "2026"),
            ("time", "11:00"),
            ("minutes", "30"),
        ],
        kept: "value=\"11:00\"",
        resolves: None,
    },
    FormCase {
        slug: "objective",
        bad: &[("needs", "drug_misuse"), ("owner", "responsible_officer"), ("involved", "yes")],
        bad_field: "description",
        good: &[
            ("description", "Attend the community drug service every week"),
            ("needs", "drug_misuse"),
            ("owner", "responsible_officer"),
            ("involved", "yes"),
        ],
        kept: "Attend the community drug service every week",
        resolves: None,
    },
    FormCase {
        slug: "assessment",
        bad: &[
            ("completed_on-day", "19"),
            ("completed_on-month", "3"),
            ("completed_on-year", "2026"),
            ("ogrs", "45"),
            ("need_accommodation", "standard"),
            ("need_education_training_employability", "no_need"),
            ("need_financial", "no_need"),
            ("need_relationships", "no_need"),
            ("need_lifestyle_associates", "no_need"),
            ("need_drug_misuse", "severe"),
            ("need_alcohol_misuse", "no_need"),
            ("need_emotional_wellbeing", "no_need"),
            ("need_thinking_behaviour", "no_need"),
            ("need_attitudes", "no_need"),
        ],
        bad_field: "rosh_public",
        good: &[
            ("completed_on-day", "19"),
            ("completed_on-month", "3"),
            ("completed_on-year", "2026"),
            ("rosh_public", "high"),
            ("rosh_children", "medium"),
            ("ogrs", "45"),
            ("rsr", "3.5"),
            ("need_accommodation", "standard"),
            ("need_education_training_employability", "no_need"),
            ("need_financial", "no_need"),
            ("need_relationships", "no_need"),
            ("need_lifestyle_associates", "no_need"),
            ("need_drug_misuse", "severe"),
            ("need_alcohol_misuse", "no_need"),
            ("need_emotional_wellbeing", "no_need"),
            ("need_thinking_behaviour", "no_need"),
            ("need_attitudes", "no_need"),
        ],
        kept: "value=\"high\" checked",
        resolves: None,
    },
    // Last: the order ends early for good progress (checked before it is recorded).
    FormCase {
        slug: "sentence-end",
        bad: &[("sentence", "S1"), ("on-day", "20"), ("on-month", "3"), ("on-year", "2026")],
        bad_field: "outcome",
        good: &[
            ("sentence", "S1"),
            ("outcome", "early_termination_good_progress"),
            ("on-day", "20"),
            ("on-month", "3"),
            ("on-year", "2026"),
        ],
        kept: "value=\"early_termination_good_progress\" checked",
        resolves: None,
    },
    // Back before the court: a new order, once the last has ended.
    FormCase {
        slug: "new-sentence",
        bad: &[
            ("sentence_kind", "community_order"),
            ("sentence_date-day", "20"),
            ("sentence_date-month", "3"),
            ("sentence_date-year", "2026"),
            ("months", "48"),
        ],
        bad_field: "months",
        good: &[
            ("sentence_kind", "community_order"),
            ("sentence_date-day", "20"),
            ("sentence_date-month", "3"),
            ("sentence_date-year", "2026"),
            ("months", "18"),
            ("upw_hours", "100"),
        ],
        kept: "value=\"100\"",
        resolves: None,
    },
];

/// Every decision form on Ada's case, in the order an officer would meet them: a bad answer is
/// named on its field and writes nothing; a form drawn before someone else changed the case
/// is refused with the change shown and the answers kept; a consequential one shows the
/// answers to check first; the good answers record once, however often they are sent; the
/// worklist item the form resolves is gone after.
#[tokio::test]
async fn every_decision_form_names_bad_answers_refuses_a_stale_case_and_records_once() {
    let s = start().await;
    let priya = sign_in(&s.base, "priya").await;
    for f in ADA_FORMS {
        let path = format!("/cases/X000001/decisions/{}", f.slug);
        let (status, page) = s.page(&priya, &path).await;
        assert_eq!(status, StatusCode::OK, "{}: {page}", f.slug);
        let version = s.events("X000001").await;
        assert!(page.contains(&format!("name=\"version\" value=\"{version}\"")), "{}: {page}", f.slug);
        if let Some(item) = f.resolves {
            let (_, worklist) = s.page(&priya, "/officers/OFF1/worklist").await;
            assert!(row_with(&worklist, item).contains(&format!("href=\"{path}")), "{item} links to {path}");
        }

        // Bad: named on the field, nothing written.
        let r = post_decision(&s, &priya, "X000001", f.slug, f.bad, version).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{}", f.slug);
        let page = r.text().await.unwrap().replace("&#39;", "'");
        let field = f.bad_field;
        assert!(page.contains(&format!("<a href=\"#{field}\">{field}: ")), "{}: {page}", f.slug);
        assert!(page.contains(&format!("id=\"{field}-error\"")), "{}: the message is beside the field", f.slug);
        assert_eq!(s.events("X000001").await, version, "{}: nothing written", f.slug);

        // Stale: drawn before the last change; refused, the change shown, the answers kept.
        let mut confirmed = f.good.to_vec();
        confirmed.push(("confirm", "yes"));
        let r = post_decision(&s, &priya, "X000001", f.slug, &confirmed, version - 1).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{}", f.slug);
        let page = r.text().await.unwrap().replace("&#39;", "'");
        assert!(page.contains("This case changed while you were working on it"), "{}: {page}", f.slug);
        assert!(page.contains("What changed on this case meanwhile"), "{}", f.slug);
        assert!(page.contains(f.kept), "{}: the answers are kept: {page}", f.slug);
        assert!(
            page.contains(&format!("name=\"version\" value=\"{version}\"")),
            "{}: now drawn from today's case",
            f.slug
        );
        assert_eq!(s.events("X000001").await, version, "{}: nothing written", f.slug);

        // Consequential: the answers to check first, nothing written yet.
        let r = post_decision(&s, &priya, "X000001", f.slug, f.good, version).await;
        let status = r.status();
        let page = r.text().await.unwrap();
        if status == StatusCode::OK {
            assert!(page.contains("Check your answers") && page.contains("Confirm and record"), "{}", f.slug);
            assert_eq!(s.events("X000001").await, version, "{}: nothing written before confirming", f.slug);
        } else {
            assert_eq!(status, StatusCode::SEE_OTHER, "{}: {page}", f.slug);
        }

        // Good, confirmed, sent twice: recorded once (with the tier it moves, if it does), as
        // the signed-in officer.
        let mut recorded = Vec::new();
        for _ in 0..2 {
            let r = post_decision(&s, &priya, "X000001", f.slug, &confirmed, version).await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", f.slug);
            assert_eq!(r.headers()["location"], format!("{path}/done"));
            recorded.push(s.events("X000001").await);
        }
        assert_eq!(recorded[0], recorded[1], "{}: the second press records nothing", f.slug);
        let stream = s.store.stream(&crn_of("X000001")).await.unwrap();
        let follow_on = stream[version + 1..].iter().all(|e| matches!(e.event, CaseEvent::TierCalculated { .. }));
        assert!(stream.len() > version && follow_on, "{}: recorded once", f.slug);
        assert_eq!(stream[version].recorded_by.as_str(), "OFF1", "{}", f.slug);
        let (status, done) = s.page(&priya, &format!("{path}/done")).await;
        assert!(status == StatusCode::OK && done.contains("govuk-panel--confirmation"), "{}: {done}", f.slug);
        if let Some(item) = f.resolves {
            let (_, worklist) = s.page(&priya, "/officers/OFF1/worklist").await;
            assert!(!worklist.contains(item), "{}: {item} is resolved", f.slug);
        }
    }
    let ada = s.state("X000001").await;
    let enforcement = &ada.practice.enforcement;
    assert!(enforcement.warned(&id("A3")));
    assert!(enforcement.breaches[0].pack_completed_on.is_some() && enforcement.breaches[0].resolved.is_some());
    assert!(s.store.check().await.unwrap().is_consistent());
}

#[tokio::test]
async fn managers_decisions_are_refused_to_officers_and_readers_record_nothing() {
    let s = start().await;
    add_user(&s.store, "sam", "spo", "team:TEAM1", None).await;
    let before = s.events("X000001").await;
    let exception = [("appointment", "A3"), ("reason", "Admitted to hospital the next day"), ("confirm", "yes")];
    // The officer is not offered the exception and is refused it.
    let priya = sign_in(&s.base, "priya").await;
    let (_, enforcement) = s.page(&priya, "/cases/X000001/enforcement").await;
    assert!(enforcement.contains("/decisions/breach\"") && !enforcement.contains("/decisions/enforcement-exception"));
    let (status, page) = s.page(&priya, "/cases/X000001/decisions/enforcement-exception").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    let r = post_decision(&s, &priya, "X000001", "enforcement-exception", &exception, before).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    for reader in ["manager", "inspector"] {
        let who = sign_in(&s.base, reader).await;
        let r = post_decision(&s, &who, "X000002", "review-trigger", &[("trigger", "recall")], 5).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{reader}");
    }
    assert_eq!(s.events("X000001").await, before, "nothing written");
    // The SPO is offered it and records it, as themselves.
    let sam = sign_in(&s.base, "sam").await;
    let (_, enforcement) = s.page(&sam, "/cases/X000001/enforcement").await;
    assert!(enforcement.contains("/cases/X000001/decisions/enforcement-exception"), "{enforcement}");
    let r = post_decision(&s, &sam, "X000001", "enforcement-exception", &exception, before).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let ada = s.state("X000001").await;
    assert!(ada.practice.enforcement.excepted(&id("A3")));
    let last = s.store.stream(&crn_of("X000001")).await.unwrap().pop().unwrap();
    assert!(
        matches!(last.event, CaseEvent::EnforcementExceptionRecorded { ref by_manager, .. } if by_manager.as_str() == "SAM")
    );
    // Oversight: insufficient work needs an action; the officer then records it done.
    let v = s.events("X000001").await;
    let oversight = [
        ("reviewed", "The plan and the enforcement record"),
        ("judgement", "insufficient"),
        ("action", "Book a home visit"),
        ("owner", "OFF1"),
        ("due-day", "27"),
        ("due-month", "3"),
        ("due-year", "2026"),
    ];
    let r =
        post_decision(&s, &sam, "X000001", "oversight", &[&oversight[..2], &[("confirm", "yes")]].concat(), v).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "insufficient without an action");
    assert!(r.text().await.unwrap().contains("<a href=\"#action\">action: "));
    let r = post_decision(&s, &sam, "X000001", "oversight", &[&oversight[..], &[("confirm", "yes")]].concat(), v).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, reviews) = s.page(&priya, "/cases/X000001/reviews").await;
    assert!(reviews.contains("/cases/X000001/decisions/oversight-action"), "{reviews}");
    let action = s.state("X000001").await.practice.oversight[0].actions[0].id.to_string();
    let done = [("action", action.as_str()), ("on-day", "20"), ("on-month", "3"), ("on-year", "2026")];
    let r = post_decision(&s, &priya, "X000001", "oversight-action", &done, s.events("X000001").await).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.state("X000001").await.practice.oversight[0].completed.len(), 1);

    // Nothing to decide: the page says why instead of offering a form.
    let (status, page) = s.page(&sam, "/cases/X000002/decisions/breach-pack").await;
    assert!(status == StatusCode::OK && page.contains("No breach is open on this case."), "{page}");
    assert_eq!(s.page(&sam, "/cases/X000001/decisions/no-such-thing").await.0, StatusCode::NOT_FOUND);
}

/// Issue 17 item 1: an officer registers a person and their community order; a bad answer is
/// named and writes nothing, someone with the same name and date of birth is shown before
/// anything is written, and once the officer says it is a different person the case exists,
/// waiting for allocation in their borough, recorded as them.
#[tokio::test]
async fn an_officer_registers_a_person_after_being_shown_a_possible_duplicate() {
    let s = start().await;
    let priya = sign_in(&s.base, "priya").await;
    let (_, start_page) = s.page(&priya, "/").await;
    assert!(start_page.contains("href=\"/cases/new\""), "the start page offers registering");
    let (status, form) = s.page(&priya, "/cases/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Camden (CAM)") && !form.contains("Islington (ISL)"), "only the officer's borough: {form}");
    let cases = async || s.store.all_summaries().await.unwrap().len();
    let before = cases().await;

    let good = [
        ("first_name", "Ada"),
        ("family_name", "Lovelace"),
        ("date_of_birth-day", "17"),
        ("date_of_birth-month", "5"),
        ("date_of_birth-year", "1990"),
        ("gender", "female"),
        ("home_borough", "CAM"),
        ("sentence_kind", "community_order"),
        ("sentence_date-day", "19"),
        ("sentence_date-month", "3"),
        ("sentence_date-year", "2026"),
        ("months", "18"),
        ("upw_hours", "80"),
        ("csrf_token", &priya.csrf),
    ];
    let post = async |fields: &[(&str, &str)]| priya.http.post(s.url("/cases/new")).form(fields).send().await.unwrap();
    let mut bad = good.to_vec();
    bad.retain(|(k, _)| *k != "upw_hours");
    bad.push(("upw_hours", "20"));
    let r = post(&bad).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("<a href=\"#upw_hours\">upw_hours: `20` is not a whole number from 40 to 300"), "{page}");
    assert!(page.contains("value=\"Lovelace\""), "the answers are kept");
    assert_eq!(cases().await, before, "nothing written");

    let r = post(&good).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let page = r.text().await.unwrap();
    assert!(page.contains("already registered") && page.contains("href=\"/cases/X000001\""), "{page}");
    assert_eq!(cases().await, before, "nothing written");

    let mut different = good.to_vec();
    different.push(("confirm", "different"));
    let r = post(&different).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().unwrap().to_owned();
    let crn = at.trim_start_matches("/cases/");
    assert_eq!(cases().await, before + 1);
    let (status, summary) = s.page(&priya, &at).await;
    assert_eq!(status, StatusCode::OK, "the officer reaches the new case: {summary}");
    let stream = s.store.stream(&crn_of(crn)).await.unwrap();
    assert!(matches!(stream[0].event, CaseEvent::PersonRegistered { .. }));
    assert!(matches!(&stream[1].event, CaseEvent::SentenceImposed { sentence } if sentence.requirements.len() == 1));
    assert!(
        stream.iter().all(|e| e.recorded_by.as_str() == "OFF1" || matches!(e.event, CaseEvent::TierCalculated { .. }))
    );
    // A reader is not offered registration and is refused it.
    let manager = sign_in(&s.base, "manager").await;
    assert_eq!(s.page(&manager, "/cases/new").await.0, StatusCode::FORBIDDEN);
}

/// A booking that repeats books the series through the form; a second press books nothing
/// more, and a series that would clash is refused naming the day, booking none of it.
#[tokio::test]
async fn an_officer_books_a_repeating_appointment() {
    let s = start().await;
    let priya = sign_in(&s.base, "priya").await;
    let (status, page) = s.page(&priya, "/cases/X000001/decisions/book-appointment").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Does it repeat?") && page.contains("value=\"once\" checked"), "{page}");
    let weekly = [
        ("kind", "office_visit"),
        ("on-day", "23"),
        ("on-month", "3"),
        ("on-year", "2026"),
        ("time", "10:00"),
        ("minutes", "45"),
        ("repeat", "weekly"),
        ("times", "4"),
    ];
    let v = s.events("X000001").await;
    let bad = [&weekly[..7], &[("times", "40")]].concat();
    let r = post_decision(&s, &priya, "X000001", "book-appointment", &bad, v).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("<a href=\"#times\">times: `40` is not a number of appointments"));
    assert_eq!(s.events("X000001").await, v, "nothing written");
    for _ in 0..2 {
        let r = post_decision(&s, &priya, "X000001", "book-appointment", &weekly, v).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(s.events("X000001").await, v + 4, "four appointments, booked once");
    let days: Vec<String> = s
        .state("X000001")
        .await
        .appointments
        .iter()
        .filter(|a| a.appointment.at.time() == jiff::civil::time(10, 0, 0, 0) && a.appointment.at.date() > date(TODAY))
        .map(|a| a.appointment.at.date().to_string())
        .collect();
    assert_eq!(days, ["2026-03-23", "2026-03-30", "2026-04-06", "2026-04-13"]);
    // A series whose second appointment falls on a booked one is refused, naming its day.
    let v = s.events("X000001").await;
    let single = [
        ("kind", "home_visit"),
        ("on-day", "6"),
        ("on-month", "4"),
        ("on-year", "2026"),
        ("time", "14:00"),
        ("minutes", "60"),
    ];
    let r = post_decision(&s, &priya, "X000001", "book-appointment", &single, v).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let v = v + 1;
    let fortnightly = [
        ("kind", "telephone"),
        ("on-day", "23"),
        ("on-month", "3"),
        ("on-year", "2026"),
        ("time", "14:30"),
        ("minutes", "30"),
        ("repeat", "fortnightly"),
        ("times", "3"),
    ];
    let r = post_decision(&s, &priya, "X000001", "book-appointment", &fortnightly, v).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("time: the one on 6 April 2026 clashes with Home visit"), "{page}");
    assert_eq!(s.events("X000001").await, v, "nothing of a clashing series is booked");
}

/// The version field the day's page carries for a case.
fn version_on(page: &str, crn: &str) -> String {
    let at = page.find(&format!("name=\"version-{crn}\" value=\"")).unwrap_or_else(|| panic!("{page}"));
    let rest = &page[at..];
    rest.split("value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
}

/// An officer records the outcomes of a day's appointments on two cases at once: a bad answer
/// is named on its row and writes nothing, a case changed meanwhile writes nothing, and a
/// second press records nothing more.
#[tokio::test]
async fn an_officer_records_a_days_outcomes_at_once() {
    let s = start().await;
    let priya = sign_in(&s.base, "priya").await;
    // Two appointments today (20 March): Ada at 09:00, Grace at 11:00.
    for (crn, time) in [("X000001", "09:00"), ("X000002", "11:00")] {
        let slot = [
            ("kind", "office_visit"),
            ("on-day", "20"),
            ("on-month", "3"),
            ("on-year", "2026"),
            ("time", time),
            ("minutes", "45"),
            ("id", "TODAY1"),
        ];
        let v = s.events(crn).await;
        let r = post_decision(&s, &priya, crn, "book-appointment", &slot, v).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{crn}");
    }
    let (_, start_page) = s.page(&priya, "/").await;
    assert!(start_page.contains("href=\"/officers/OFF1/day\""), "the start page leads to the day");
    let (status, page) = s.page(&priya, "/officers/OFF1/day").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Outcomes for 20 March 2026") && page.contains("2 without an outcome"), "{page}");
    let ada_at = page.find("Ada Lovelace").unwrap();
    assert!(ada_at < page.find("Grace Hopper").unwrap(), "in time order");
    let (va, vg) = (version_on(&page, "X000001"), version_on(&page, "X000002"));
    let (ea, eg) = (s.events("X000001").await, s.events("X000002").await);
    let post = |fields: Vec<(&'static str, String)>| {
        let mut fields: Vec<(String, String)> = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        fields.push(("csrf_token".into(), priya.csrf.clone()));
        fields.push(("on".into(), "2026-03-20".into()));
        priya.http.post(s.url("/officers/OFF1/day")).form(&fields).send()
    };
    let answers = |ada: &str, reason: &str, grace: &str, va: &str| {
        vec![
            ("version-X000001", va.to_owned()),
            ("version-X000002", vg.clone()),
            ("outcome-X000001-TODAY1", ada.to_owned()),
            ("reason-X000001-TODAY1", reason.to_owned()),
            ("outcome-X000002-TODAY1", grace.to_owned()),
            ("reason-X000002-TODAY1", String::new()),
        ]
    };

    // Nothing chosen; an acceptable absence without its reason; an outcome that is none.
    for (fields, named) in [
        (answers("", "", "", &va), "outcome-X000001-TODAY1"),
        (answers("acceptable_absence", "", "attended_complied", &va), "reason-X000001-TODAY1"),
        (answers("went_home", "", "attended_complied", &va), "outcome-X000001-TODAY1"),
    ] {
        let r = post(fields).await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let page = r.text().await.unwrap();
        assert!(page.contains(&format!("<a href=\"#{named}\">{named}: ")), "{named}: {page}");
        assert!(page.contains("value=\"attended_complied\" selected") || named == "outcome-X000001-TODAY1");
        assert_eq!((s.events("X000001").await, s.events("X000002").await), (ea, eg), "nothing written");
    }
    // A page read before Ada's case changed: nothing written, on either case.
    let stale = (ea - 1).to_string();
    let r = post(answers("acceptable_absence", "medical", "attended_complied", &stale)).await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let page = r.text().await.unwrap();
    assert!(page.contains("changed while you were working on it"), "{page}");
    assert!(page.contains("value=\"medical\" selected"), "the answers are kept: {page}");
    assert_eq!((s.events("X000001").await, s.events("X000002").await), (ea, eg), "nothing written");

    for press in 0..2 {
        let r = post(answers("acceptable_absence", "medical", "attended_complied", &va)).await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        let saved = if press == 0 { 2 } else { 0 };
        assert_eq!(to, format!("/officers/OFF1/day?on=2026-03-20&saved={saved}"));
    }
    assert_eq!((s.events("X000001").await, s.events("X000002").await), (ea + 1, eg + 1), "recorded once");
    let (_, page) = s.page(&priya, "/officers/OFF1/day?on=2026-03-20&saved=2").await;
    assert!(page.contains("2 outcomes recorded") && page.contains("0 without an outcome"), "{page}");
    let ada = s.state("X000001").await;
    let today = ada.appointments.iter().find(|a| a.appointment.id.as_str() == "TODAY1").unwrap();
    assert_eq!(today.outcome, Some(Outcome::AcceptableAbsence { reason: domain::contact::AbsenceReason::Medical }));
    // A day ahead is refused, naming the date.
    let (status, page) = s.page(&priya, "/officers/OFF1/day?on=2026-03-21").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("on: 2026-03-21 is after today"), "{page}");
}

/// A note marked sensitive is read by the responsible officer and managers; a colleague of the
/// team on duty cover sees only that it exists, on the page and through the API.
#[tokio::test]
async fn a_sensitive_case_note_is_withheld_from_a_colleague_on_duty_cover() {
    let s = start().await;
    add_user(&s.store, "sam", "responsible_officer", "team:TEAM1", Some("OFF2")).await;
    let (priya, sam, manager) =
        (sign_in(&s.base, "priya").await, sign_in(&s.base, "sam").await, sign_in(&s.base, "manager").await);
    let secret = "Disclosed a new partner; police check for domestic abuse call-outs requested";
    let outcome = |note: &str, sensitive: &str, version: usize| {
        let version = version.to_string();
        let fields = [
            ("outcome", "attended_complied"),
            ("note", note),
            ("sensitive", sensitive),
            ("version", version.as_str()),
            ("csrf_token", priya.csrf.as_str()),
        ];
        priya.http.post(s.url("/cases/X000002/appointments/A1/outcome")).form(&fields).send()
    };
    let v = s.events("X000002").await;
    let r = outcome("", "yes", v).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("<a href=\"#sensitive\">sensitive: there is no note"));
    assert_eq!(s.events("X000002").await, v, "nothing written");
    let r = outcome(secret, "yes", v).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let (_, page) = s.page(&priya, "/cases/X000002/appointments").await;
    assert!(page.contains(&format!("Sensitive: {secret}")), "the officer reads it: {page}");
    let (_, page) = s.page(&manager, "/cases/X000002/appointments").await;
    assert!(page.contains(secret), "a manager reads it");
    let (status, page) = s.page(&sam, "/cases/X000002/appointments").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains(secret), "withheld from a colleague: {page}");
    assert!(page.contains("A sensitive note by OFF1 is withheld from you"), "{page}");
    let api = sam.http.get(s.url("/api/cases/X000002")).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::OK);
    let body = api.text().await.unwrap();
    assert!(!body.contains("Disclosed a new partner") && body.contains("\"sensitive\":true"), "{body}");
    let api = priya.http.get(s.url("/api/cases/X000002")).send().await.unwrap().text().await.unwrap();
    assert!(api.contains("Disclosed a new partner"), "the officer reads it through the API too");
}

/// A person registered with a custodial sentence: the licence's dates and conditions from
/// the form, nothing to book while they are in custody; a community requirement typed with it
/// is named and nothing written.
#[tokio::test]
async fn an_officer_registers_a_person_serving_a_custodial_sentence() {
    let s = start().await;
    let priya = sign_in(&s.base, "priya").await;
    let (_, form) = s.page(&priya, "/cases/new").await;
    assert!(form.contains("When is (or was) the release from custody?") && form.contains("Keep to a curfew"), "{form}");
    let cases = async || s.store.all_summaries().await.unwrap().len();
    let before = cases().await;
    let good = [
        ("first_name", "Mary"),
        ("family_name", "Seacole"),
        ("date_of_birth-day", "23"),
        ("date_of_birth-month", "11"),
        ("date_of_birth-year", "1985"),
        ("gender", "female"),
        ("home_borough", "CAM"),
        ("sentence_kind", "custodial"),
        ("sentence_date-day", "2"),
        ("sentence_date-month", "1"),
        ("sentence_date-year", "2026"),
        ("release_date-day", "4"),
        ("release_date-month", "5"),
        ("release_date-year", "2026"),
        ("licence_end-day", "3"),
        ("licence_end-month", "11"),
        ("licence_end-year", "2026"),
        ("licence_conditions", "curfew"),
        ("licence_conditions", "exclusion_zone"),
        ("csrf_token", &priya.csrf),
    ];
    let post = async |fields: &[(&str, &str)]| priya.http.post(s.url("/cases/new")).form(fields).send().await.unwrap();
    let bad = [&good[..], &[("rar_days", "10")]].concat();
    let r = post(&bad).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("<a href=\"#rar_days\">rar_days: a custodial sentence has licence conditions"), "{page}");
    assert_eq!(cases().await, before, "nothing written");

    let r = post(&good).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let at = r.headers()["location"].to_str().unwrap().to_owned();
    let crn = crn_of(at.trim_start_matches("/cases/"));
    let state = CaseState::fold(crn.clone(), &s.store.stream(&crn).await.unwrap()).unwrap();
    let sentence = &state.current_sentence().unwrap().sentence;
    assert_eq!(sentence.kind, domain::sentence::SentenceKind::Custodial);
    assert_eq!(sentence.end_date, date("2026-11-03"));
    assert_eq!(sentence.licence_conditions.len(), 3, "standard, curfew and exclusion zone");
    let (status, page) = s.page(&priya, &format!("{at}/sentence")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Keep to a curfew") && page.contains("Not enter an exclusion zone"), "{page}");
    // In custody until 4 May: no contact is asked for yet.
    assert!(!domain::practice::worklist(&state, date(TODAY)).iter().any(|i| i.action.key == "first_appointment.book"));
}

/// Someone already registered under a PNC is shown however the PNC is written and whatever
/// name is given now; nothing is written until the officer says it is a different person.
#[tokio::test]
async fn a_pnc_already_registered_is_shown_before_registering_again() {
    let s = start().await;
    let priya = sign_in(&s.base, "priya").await;
    let person = |first: &'static str, family: &'static str, pnc: &'static str| {
        vec![
            ("first_name", first),
            ("family_name", family),
            ("date_of_birth-day", "9"),
            ("date_of_birth-month", "4"),
            ("date_of_birth-year", "1988"),
            ("gender", "male"),
            ("pnc", pnc),
            ("home_borough", "CAM"),
            ("sentence_kind", "community_order"),
            ("sentence_date-day", "19"),
            ("sentence_date-month", "3"),
            ("sentence_date-year", "2026"),
            ("months", "12"),
            ("rar_days", "10"),
        ]
    };
    let post = async |mut fields: Vec<(&'static str, &'static str)>| {
        let csrf = priya.csrf.clone();
        let mut all: Vec<(String, String)> = fields.drain(..).map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        all.push(("csrf_token".into(), csrf));
        priya.http.post(s.url("/cases/new")).form(&all).send().await.unwrap()
    };
    let r = post(person("John", "Smith", "2012/0034567A")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let first = r.headers()["location"].to_str().unwrap().to_owned();
    let cases = s.store.all_summaries().await.unwrap().len();
    // The same PNC, written short, under another name.
    let r = post(person("Jon", "Smyth", "12/34567A")).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let page = r.text().await.unwrap();
    assert!(page.contains("or this PNC number, is already registered") && page.contains(&format!("href=\"{first}\"")));
    assert_eq!(s.store.all_summaries().await.unwrap().len(), cases, "nothing written");
    // A different PNC and name: registered.
    let r = post(person("Jon", "Smyth", "2012/0034568B")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}
