//! The SPO's team view and allocation screen over real HTTP, on a hand-built team: the
//! workload figures are `analytics::workload`'s; allocating takes a case off the queue and
//! puts it on the officer's caseload; a departure from the grade guidance without a reason is
//! refused naming the field, keeping what was typed and writing nothing; only the team's SPO
//! allocates, a manager looks, an officer is refused; an officer's recorded reductions of hours
//! count on the days they are in force and not once they have ended, and their reports from the
//! day requested until the day completed.
//!
//! The provider: Camden (CAM) has team TEAM1 with Priya Shah (OFF1, PO, 37 hours), Sam Okafor
//! (OFF2, PSO, 18.5 hours) and their SPO (SPO1); Islington (ISL) has TEAM2 with Zoe Park (OFF9).
//! Allocated: X000001 (OFF1, tier B2), X000002 (OFF1, C1), X000003 (OFF2, D1), X000009 (OFF9).
//! Waiting: X000010 (Camden, tier C2, RoSH high: a PO), X000011 (Camden, D1, RoSH low), and
//! X000012 (Islington).

mod support;

use analytics::{Case, CaseType, WorkloadPolicy};
use domain::assessment::RoshLevel;
use domain::event::{AllocationReason, CaseEvent, NewEvent};
use domain::example::{self, code, date};
use domain::ids::{Crn, Name};
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Staff, Team};
use domain::practice::allocation::GuidanceVerdict;
use domain::practice::tiering::TierFactor;
use domain::tier::V3Tier;
use reqwest::StatusCode;
use store::auth::{AccessStore, LimitKind, LimitedAccess};
use store::{CaseStore, SqliteStore};
use support::{SignedIn, add_user, sign_in};
use tokio::net::TcpListener;
use web::Clock;
use web::kit::{capacity, points};

const TODAY: &str = "2026-03-20";

struct App {
    base: String,
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

fn crn(s: &str) -> Crn {
    Crn::parse(s).unwrap()
}

fn organisation() -> Organisation {
    let name = |s: &str| Name::parse(s).unwrap();
    let staff = |c: &str, team: &str, n: &str, grade: Grade, hours: f64| Staff {
        code: code(c),
        team: code(team),
        name: name(n),
        grade,
        contracted_hours: ContractedHours::new(hours).unwrap(),
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
            staff("OFF1", "TEAM1", "Priya Shah", Grade::Po, 37.0),
            staff("OFF2", "TEAM1", "Sam Okafor", Grade::Pso, 18.5),
            staff("SPO1", "TEAM1", "Jo Bloggs", Grade::Spo, 37.0),
            staff("OFF9", "TEAM2", "Zoe Park", Grade::Po, 37.0),
        ],
    }
}

/// A sentenced, assessed and tiered case of a person living in `borough`, allocated to
/// `officer` of `team` when given.
fn case_events(
    family: &str,
    on: &str,
    borough: &str,
    tier: &str,
    rosh: RoshLevel,
    officer: Option<(&str, &str)>,
) -> Vec<NewEvent> {
    let on = date(on);
    let mut person = example::person("Test", family);
    person.home_borough = Some(code(borough));
    let mut events = vec![
        CaseEvent::PersonRegistered { person },
        CaseEvent::SentenceImposed { sentence: example::community_order("S1", on) },
        CaseEvent::AssessmentCompleted { assessment: example::assessment("AS1", on, rosh, &[]) },
        CaseEvent::TierCalculated {
            legacy: tier.parse().unwrap(),
            v3: V3Tier::Missing,
            provisional: false,
            because: vec![TierFactor::Assessment],
            missing: vec![],
        },
    ];
    if let Some((officer, team)) = officer {
        events.push(CaseEvent::OfficerAllocated {
            officer: code(officer),
            team: code(team),
            reason: AllocationReason::Initial,
            evidence: None,
        });
    }
    events.into_iter().map(|e| example::new_event(on, e)).collect()
}

async fn start() -> App {
    let (store, dir) = store::testing::sqlite().await;
    store.bulk_load(&organisation(), &mut std::iter::empty(), &|_| {}).await.unwrap();
    let cases = [
        ("X000001", "Allocated", "2026-01-05", "CAM", "B2", RoshLevel::Medium, Some(("OFF1", "TEAM1"))),
        ("X000002", "Allocated", "2026-01-06", "CAM", "C1", RoshLevel::Low, Some(("OFF1", "TEAM1"))),
        ("X000003", "Allocated", "2026-01-07", "CAM", "D1", RoshLevel::Low, Some(("OFF2", "TEAM1"))),
        ("X000009", "Allocated", "2026-01-08", "ISL", "D1", RoshLevel::Low, Some(("OFF9", "TEAM2"))),
        ("X000011", "Lamb", "2026-03-05", "CAM", "D1", RoshLevel::Low, None),
        ("X000010", "Kestrel", "2026-03-02", "CAM", "C2", RoshLevel::High, None),
        ("X000012", "Islington", "2026-03-01", "ISL", "D1", RoshLevel::Low, None),
    ];
    for (c, family, on, borough, tier, rosh, officer) in cases {
        store
            .append(&crn(c), 0, &case_events(family, on, borough, tier, rosh, officer), jiff::Timestamp::now())
            .await
            .unwrap();
    }
    add_user(&store, "spo", "spo", "team:TEAM1", None).await;
    add_user(&store, "spo2", "spo", "team:TEAM2", None).await;
    add_user(&store, "manager", "area_manager", "area:LDN", None).await;
    add_user(&store, "priya", "responsible_officer", "team:TEAM1", Some("OFF1")).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = web::router_with_clock(store.clone(), Clock::Fixed(date(TODAY)));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    App { base, store, _dir: dir }
}

impl App {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn page(&self, who: &SignedIn, path: &str) -> (StatusCode, String) {
        let r = who.http.get(self.url(path)).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }

    async fn events(&self, c: &str) -> usize {
        self.store.stream(&crn(c)).await.unwrap().len()
    }

    async fn post(&self, who: &SignedIn, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut form = form.to_vec();
        form.push(("csrf_token", &who.csrf));
        who.http.post(self.url(path)).form(&form).send().await.unwrap()
    }
}

/// The HTML of the table row with this id.
fn row<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no row {id}: {page}"));
    let rest = &page[start..];
    &rest[..rest.find("</tr>").unwrap_or(rest.len())]
}

fn community(tier: &str) -> Case {
    Case { tier: tier.parse().unwrap(), case_type: CaseType::Community, iom: false, women: false }
}

#[tokio::test]
async fn the_team_view_shows_analytics_workload_figures_and_the_queue_oldest_first() {
    let app = start().await;
    let spo = sign_in(&app.base, "spo").await;
    let (status, page) = app.page(&spo, "/teams/TEAM1").await;
    assert_eq!(status, StatusCode::OK, "{page}");

    let policy = WorkloadPolicy::DEFAULT;
    let on = date(TODAY);
    let priya = policy.capacity(&[community("B2"), community("C1")], &[], 37.0, &[], on).unwrap();
    let sam = policy.capacity(&[community("D1")], &[], 18.5, &[], on).unwrap();
    // docs/rules/practice.md#workload: B2 community 115 + C1 community 50 against 2176 points full time; D1
    // community 29 against half of 2176 for 18.5 hours.
    assert_eq!((priya.points, priya.available_points), (165.0, 2176.0));
    assert_eq!((sam.points, sam.available_points), (29.0, 1088.0));
    for (id, figures, shown) in [("officer-OFF1", priya, "7.6%"), ("officer-OFF2", sam, "2.7%")] {
        let line = row(&page, id);
        assert_eq!(capacity(figures.capacity_percent), shown);
        for cell in [points(figures.points), points(figures.available_points), capacity(figures.capacity_percent)] {
            assert!(line.contains(&format!("--numeric\">{cell}</td>")), "{id} shows {cell}: {line}");
        }
    }
    assert!(row(&page, "officer-OFF1").contains("--numeric\">2</td>"), "two active cases");
    let team = analytics::workload::combined_capacity(&[priya, sam]);
    assert_eq!(capacity(team.capacity_percent), "5.9%", "194 of 3264 points");
    assert!(row(&page, "team-total").contains(&capacity(team.capacity_percent)));
    assert!(!page.contains("officer-SPO1"), "the SPO holds no cases");
    assert!(!page.contains("officer-OFF9"), "another team's officer");

    // The queue: Camden's waiting cases, oldest first; not Islington's, not allocated ones.
    let kestrel = page.find("id=\"waiting-X000010\"").expect("X000010 waits");
    let lamb = page.find("id=\"waiting-X000011\"").expect("X000011 waits");
    assert!(kestrel < lamb, "oldest first");
    assert!(!page.contains("waiting-X000012") && !page.contains("waiting-X000001"));
    let waiting = row(&page, "waiting-X000010");
    for cell in ["C2", "High", "Community order, ends 2 March 2027", "2 March 2026", ">18</td>"] {
        assert!(waiting.contains(cell), "{cell}: {waiting}");
    }

    // The allocation screen: the guidance with its reason, and each candidate's capacity now
    // and with the case (C2 community: 63 points).
    let (status, screen) = app.page(&spo, "/teams/TEAM1/allocate/X000010").await;
    assert_eq!(status, StatusCode::OK, "{screen}");
    assert!(screen.contains("A probation officer.</strong> Tier C2, but RoSH is high (high or above)"), "{screen}");
    let with = |cases: &[Case], hours| policy.capacity_with(cases, &[], hours, &[], on, &community("C2")).unwrap();
    let priya_with = with(&[community("B2"), community("C1")], 37.0);
    let sam_with = with(&[community("D1")], 18.5);
    assert_eq!(capacity(priya_with.after.capacity_percent), "10.5%", "228 of 2176");
    for (id, figures, within) in [("candidate-OFF1", priya_with, "Yes"), ("candidate-OFF2", sam_with, "No")] {
        let line = row(&screen, id);
        assert!(line.contains(&format!("--numeric\">{}</td>", capacity(figures.now.capacity_percent))), "{line}");
        assert!(line.contains(&format!("--numeric\">{}</td>", capacity(figures.after.capacity_percent))), "{line}");
        assert!(line.contains(&format!(">{within}</strong>")), "{id} within the guidance: {line}");
    }
    let reads = app.store.reads_of(&crn("X000010")).await.unwrap();
    assert_eq!(reads.iter().map(|r| r.route.as_str()).collect::<Vec<_>>(), ["/teams/{code}/allocate/{crn}"]);

    // A case neither waiting for this team nor its own is not on its screen (X000001 is its
    // own: the screen reallocates it).
    for other in ["X000012", "X000009", "X999999"] {
        let (status, _) = app.page(&spo, &format!("/teams/TEAM1/allocate/{other}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{other}");
    }
    assert_eq!(app.page(&spo, "/teams/NOSUCH").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn allocating_moves_the_case_off_the_queue_and_onto_the_officers_caseload() {
    let app = start().await;
    let spo = sign_in(&app.base, "spo").await;
    let version = app.events("X000010").await.to_string();
    let r = app
        .post(
            &spo,
            "/teams/TEAM1/allocate/X000010",
            &[
                ("officer", "OFF1"),
                ("allocation_form_complete", "yes"),
                ("safeguarding_checks_complete", "yes"),
                ("reason", ""),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/teams/TEAM1");

    let summary = app.store.summary(&crn("X000010")).await.unwrap().unwrap();
    assert_eq!((summary.officer, summary.team), (Some(code("OFF1")), Some(code("TEAM1"))));
    let stream = app.store.stream(&crn("X000010")).await.unwrap();
    assert_eq!(stream.len(), 5, "the allocation and nothing else");
    let CaseEvent::OfficerAllocated { evidence: Some(e), reason, .. } = &stream[4].event else {
        panic!("{:?}", stream[4].event)
    };
    assert_eq!(*reason, AllocationReason::Initial);
    assert!(e.allocation_form_complete && e.safeguarding_checks_complete && e.followed());
    assert_eq!(e.grade, Grade::Po);
    assert_eq!(stream[4].recorded_by, code("SPO"), "recorded as the SPO");

    let (_, page) = app.page(&spo, "/teams/TEAM1").await;
    assert!(!page.contains("waiting-X000010") && page.contains("waiting-X000011"), "{page}");
    assert!(row(&page, "officer-OFF1").contains("--numeric\">3</td>"), "three active cases now");
    let (_, caseload) = app.page(&spo, "/officers/OFF1/caseload").await;
    assert!(caseload.contains("/cases/X000010"), "{caseload}");
    // Posting again: the case no longer waits; it is the team's own now, so the form is a
    // reallocation, which asks why, and nothing is written.
    let again = app.post(&spo, "/teams/TEAM1/allocate/X000010", &[("officer", "OFF2"), ("version", "5")]).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(again.text().await.unwrap().contains("<a href=\"#why\">why: choose why the case is reallocated"));
    assert_eq!(app.events("X000010").await, 5);
    // Another team's case is neither waiting for this team nor its own.
    let (status, _) = app.page(&spo, "/teams/TEAM1/allocate/X000009").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The SPO reallocates one of the team's cases to another of its officers, from the case's
/// summary: the current officer is not offered, the reason is asked for and recorded, and the
/// case moves caseloads. An officer is not offered it, and cannot post it.
#[tokio::test]
async fn the_spo_reallocates_a_case_within_the_team() {
    let app = start().await;
    let spo = sign_in(&app.base, "spo").await;
    let (_, summary) = app.page(&spo, "/cases/X000003").await;
    assert!(summary.contains("href=\"/teams/TEAM1/allocate/X000003\""), "{summary}");
    let (status, page) = app.page(&spo, "/teams/TEAM1/allocate/X000003").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Reallocate a case of Camden North") && page.contains("Sam Okafor (OFF2), since"), "{page}");
    assert!(!page.contains("value=\"OFF2\""), "the officer it has now is not offered");
    let version = app.events("X000003").await.to_string();
    let good = [
        ("officer", "OFF1"),
        ("why", "workload"),
        ("allocation_form_complete", "yes"),
        ("safeguarding_checks_complete", "yes"),
        ("version", version.as_str()),
    ];
    let bad = [("why", "boredom"), good[0], good[2], good[3], good[4]];
    let r = app.post(&spo, "/teams/TEAM1/allocate/X000003", &bad).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("<a href=\"#why\">why: `boredom` is not one of the reasons"));
    assert_eq!(app.events("X000003").await.to_string(), version, "nothing written");

    let officer = sign_in(&app.base, "priya").await;
    let (_, theirs) = app.page(&officer, "/cases/X000003").await;
    assert!(!theirs.contains("/allocate/X000003"), "an officer is not offered reallocation");
    let r = app.post(&officer, "/teams/TEAM1/allocate/X000003", &good).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = app.post(&spo, "/teams/TEAM1/allocate/X000003", &good).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let summary = app.store.summary(&crn("X000003")).await.unwrap().unwrap();
    assert_eq!((summary.officer, summary.officer_count), (Some(code("OFF1")), 2));
    let stream = app.store.stream(&crn("X000003")).await.unwrap();
    let CaseEvent::OfficerAllocated { reason, officer, .. } = &stream.last().unwrap().event else { panic!() };
    assert_eq!((*reason, officer.as_str()), (AllocationReason::Workload, "OFF1"));
    assert!(app.store.check().await.unwrap().is_consistent());
}

#[tokio::test]
async fn a_departure_without_a_reason_is_refused_naming_the_field_and_writes_nothing() {
    let app = start().await;
    let spo = sign_in(&app.base, "spo").await;
    let url = "/teams/TEAM1/allocate/X000010";
    let before = app.events("X000010").await;
    let version = before.to_string();

    // A PSO for a case the guidance gives to a PO, without a reason.
    let form = [
        ("officer", "OFF2"),
        ("allocation_form_complete", "yes"),
        ("safeguarding_checks_complete", "yes"),
        ("reason", "   "),
        ("version", version.as_str()),
    ];
    let r = app.post(&spo, url, &form).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("govuk-error-summary") && page.contains("<a href=\"#reason\">reason:"), "{page}");
    assert!(page.contains("record the reason for departing from it"), "{page}");
    assert!(page.contains("value=\"OFF2\" checked"), "the officer chosen is kept");
    assert!(page.contains("value=\"yes\" checked"), "the boxes ticked are kept");
    assert_eq!(app.events("X000010").await, before, "nothing written");

    // Nothing chosen at all: every field named at once.
    let r = app.post(&spo, url, &[("version", version.as_str())]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    for field in ["officer", "allocation_form_complete", "safeguarding_checks_complete"] {
        assert!(page.contains(&format!("<a href=\"#{field}\">{field}:")), "{field}: {page}");
    }
    // A reason where nothing is departed from, an officer of another team, a stale version.
    let r = app.post(&spo, url, &[("officer", "OFF1"), ("reason", "Because"), ("version", version.as_str())]).await;
    let page = r.text().await.unwrap();
    assert!(page.contains("<a href=\"#reason\">reason: a probation officer is within the stated guidance"), "{page}");
    assert!(page.contains(">Because</textarea>"), "the reason typed is kept");
    let r = app.post(&spo, url, &[("officer", "OFF9"), ("version", version.as_str())]).await;
    assert!(r.text().await.unwrap().contains("<a href=\"#officer\">officer: `OFF9` is not an officer of team TEAM1"));
    let stale = [
        ("officer", "OFF1"),
        ("allocation_form_complete", "yes"),
        ("safeguarding_checks_complete", "yes"),
        ("version", "2"),
    ];
    let r = app.post(&spo, url, &stale).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("The case has changed since you opened this page"));
    assert_eq!(app.events("X000010").await, before, "nothing written");

    // With a reason, the departure is recorded as one.
    let mut with_reason = form;
    with_reason[3] = ("reason", "Sam knows the family from a previous order.");
    let r = app.post(&spo, url, &with_reason).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let stream = app.store.stream(&crn("X000010")).await.unwrap();
    let CaseEvent::OfficerAllocated { officer, evidence: Some(e), .. } = &stream[before].event else { panic!() };
    assert_eq!(officer, &code("OFF2"));
    assert!(
        matches!(&e.verdict, GuidanceVerdict::Departed { reason } if reason.as_str().starts_with("Sam knows")),
        "{e:?}"
    );
}

#[tokio::test]
async fn only_the_teams_spo_allocates_a_manager_looks_and_an_officer_is_refused() {
    let app = start().await;
    let team = "/teams/TEAM1";
    let screen = "/teams/TEAM1/allocate/X000011";
    let version = app.events("X000011").await.to_string();
    let good = [
        ("officer", "OFF2"),
        ("allocation_form_complete", "yes"),
        ("safeguarding_checks_complete", "yes"),
        ("version", version.as_str()),
    ];
    // (user, team view, allocation screen, allocating)
    for (who, view, look, post) in [("priya", 403, 403, 403), ("spo2", 403, 403, 403), ("manager", 200, 200, 403)] {
        let user = sign_in(&app.base, who).await;
        assert_eq!(app.page(&user, team).await.0.as_u16(), view, "{who}: the team view");
        let (status, page) = app.page(&user, screen).await;
        assert_eq!(status.as_u16(), look, "{who}: the allocation screen");
        if look == 200 {
            assert!(!page.contains("Allocate the case"), "no form for a user who may not allocate");
        }
        assert_eq!(app.post(&user, screen, &good).await.status().as_u16(), post, "{who}: allocating");
        assert_eq!(app.events("X000011").await.to_string(), version, "{who}: nothing written");
    }
    // The start page offers the team view to those who may open it.
    let spo = sign_in(&app.base, "spo").await;
    assert!(app.page(&spo, "/").await.1.contains("href=\"/teams/TEAM1\""));
    let priya = sign_in(&app.base, "priya").await;
    assert!(!app.page(&priya, "/").await.1.contains("href=\"/teams/"));

    // A form without the session's token is refused before anything is read.
    let r = spo.http.post(app.url(screen)).header("x-csrf-token", "0").form(&good).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // A person barred to the SPO is not on the queue, and cannot be allocated by them.
    let entry = LimitedAccess {
        id: 0,
        crn: crn("X000011"),
        kind: LimitKind::Exclusion,
        username: "spo".into(),
        starts_on: date("2026-01-01"),
        ends_on: None,
        reason: "Known to the SPO".into(),
        added_by: "admin".into(),
        added_at: jiff::Timestamp::now(),
    };
    app.store.add_limited_access(&entry).await.unwrap();
    assert!(!app.page(&spo, team).await.1.contains("X000011"));
    assert_eq!(app.post(&spo, screen, &good).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.events("X000011").await.to_string(), version);
}

#[tokio::test]
async fn an_officers_capacity_counts_the_reductions_in_force_today_and_not_those_ended() {
    use analytics::workload::{Reduction, ReductionKind};
    use store::WorkloadStore;
    let app = start().await;
    let spo = sign_in(&app.base, "spo").await;
    let policy = WorkloadPolicy::DEFAULT;
    let on = date(TODAY);
    let cases = [community("B2"), community("C1")];
    let reduction = |kind, start: &str, end: Option<&str>| Reduction { kind, start: date(start), end: end.map(date) };
    let check = |page: &str, reductions: &[Reduction], expect: &str| {
        let figures = policy.capacity(&cases, &[], 37.0, reductions, on).unwrap();
        assert_eq!(capacity(figures.capacity_percent), expect);
        let line = row(page, "officer-OFF1");
        for cell in [points(figures.available_points), capacity(figures.capacity_percent)] {
            assert!(line.contains(&format!("--numeric\">{cell}</td>")), "OFF1 shows {cell}: {line}");
        }
    };
    let (_, before) = app.page(&spo, "/teams/TEAM1").await;
    check(&before, &[], "7.6%");

    // Sickness that ended yesterday and protection that starts tomorrow: not in force today.
    let ended = reduction(ReductionKind::LongTermSickness, "2026-01-05", Some("2026-03-19"));
    let later = reduction(ReductionKind::NewlyQualified, "2026-03-21", None);
    app.store.add_reduction(&code("OFF1"), &ended, Clock::Fixed(on).now()).await.unwrap();
    app.store.add_reduction(&code("OFF1"), &later, Clock::Fixed(on).now()).await.unwrap();
    let (_, page) = app.page(&spo, "/teams/TEAM1").await;
    check(&page, &[ended, later], "7.6%");

    // Facility time at 50% from the start of the month: half the points available, so twice
    // the capacity used (165 of 1088 points); on the allocation screen too.
    let facility = reduction(ReductionKind::FacilityTime { percent: 50 }, "2026-03-01", None);
    let id = app.store.add_reduction(&code("OFF1"), &facility, Clock::Fixed(on).now()).await.unwrap();
    let (_, page) = app.page(&spo, "/teams/TEAM1").await;
    check(&page, &[ended, later, facility], "15.2%");
    let (_, screen) = app.page(&spo, "/teams/TEAM1/allocate/X000010").await;
    assert!(row(&screen, "candidate-OFF1").contains("--numeric\">15.2%</td>"), "{}", row(&screen, "candidate-OFF1"));
    assert!(row(&page, "officer-OFF2").contains("--numeric\">2.7%</td>"), "another officer is unchanged");

    // Ended mid-month, the day before today: no longer in force.
    assert!(app.store.end_reduction(id, date("2026-03-19"), Clock::Fixed(on).now()).await.unwrap());
    let ended_facility = Reduction { end: Some(date("2026-03-19")), ..facility };
    let (_, page) = app.page(&spo, "/teams/TEAM1").await;
    check(&page, &[ended, later, ended_facility], "7.6%");
}

#[tokio::test]
async fn an_officers_capacity_counts_the_reports_in_preparation_today_and_not_those_completed() {
    use analytics::workload::{Report, ReportKind};
    use store::WorkloadStore;
    let app = start().await;
    let spo = sign_in(&app.base, "spo").await;
    let policy = WorkloadPolicy::DEFAULT;
    let on = date(TODAY);
    let cases = [community("B2"), community("C1")];
    let report = |kind, requested: &str, completed: Option<&str>| Report {
        kind,
        crn: None,
        requested: date(requested),
        due: None,
        completed: completed.map(date),
    };
    // OFF1's row: the reports in preparation with their points, then workload points and
    // capacity as the model works them out with those reports.
    let check = |page: &str, reports: &[ReportKind], shown_reports: &str, expect: &str| {
        let figures = policy.capacity(&cases, reports, 37.0, &[], on).unwrap();
        assert_eq!(capacity(figures.capacity_percent), expect);
        let line = row(page, "officer-OFF1");
        for cell in [shown_reports.to_owned(), points(figures.points), capacity(figures.capacity_percent)] {
            assert!(line.contains(&format!("--numeric\">{cell}</td>")), "OFF1 shows {cell}: {line}");
        }
    };
    let (_, before) = app.page(&spo, "/teams/TEAM1").await;
    check(&before, &[], "0", "7.6%");
    assert!(before.contains(">Reports in preparation</th>"), "the column has a header");

    // A fast report completed yesterday, one completed today and a parole report asked for
    // tomorrow: none in preparation today.
    for r in [
        report(ReportKind::Fast, "2026-03-02", Some("2026-03-19")),
        report(ReportKind::Fast, "2026-03-02", Some(TODAY)),
        report(ReportKind::Parole, "2026-03-21", None),
    ] {
        app.store.add_report(&code("OFF1"), &r, Clock::Fixed(on).now()).await.unwrap();
    }
    let (_, page) = app.page(&spo, "/teams/TEAM1").await;
    check(&page, &[], "0", "7.6%");

    // A standard court report asked for today, on a person with no case yet: 138 points, so
    // 303 of 2176 points; on the allocation screen too, before and after taking a C2 case.
    let psr = Report {
        crn: Some(crn("X555555")),
        due: Some(date("2026-04-10")),
        ..report(ReportKind::StandardCourt, TODAY, None)
    };
    let id = app.store.add_report(&code("OFF1"), &psr, Clock::Fixed(on).now()).await.unwrap();
    let (_, page) = app.page(&spo, "/teams/TEAM1").await;
    check(&page, &[ReportKind::StandardCourt], "1 (138 points)", "13.9%");
    assert_eq!(policy.capacity(&cases, &[ReportKind::StandardCourt], 37.0, &[], on).unwrap().points, 303.0);
    assert!(row(&page, "officer-OFF2").contains("--numeric\">0</td>"), "another officer has none");
    assert!(row(&page, "team-total").contains("--numeric\">1 (138 points)</td>"), "{}", row(&page, "team-total"));
    let team = analytics::workload::combined_capacity(&[
        policy.capacity(&cases, &[ReportKind::StandardCourt], 37.0, &[], on).unwrap(),
        policy.capacity(&[community("D1")], &[], 18.5, &[], on).unwrap(),
    ]);
    assert!(row(&page, "team-total").contains(&format!("--numeric\">{}</td>", capacity(team.capacity_percent))));
    let (_, screen) = app.page(&spo, "/teams/TEAM1/allocate/X000010").await;
    let with = policy.capacity_with(&cases, &[ReportKind::StandardCourt], 37.0, &[], on, &community("C2")).unwrap();
    assert_eq!(
        (capacity(with.now.capacity_percent), capacity(with.after.capacity_percent)),
        ("13.9%".into(), "16.8%".into())
    );
    let candidate = row(&screen, "candidate-OFF1");
    for cell in [capacity(with.now.capacity_percent), capacity(with.after.capacity_percent)] {
        assert!(candidate.contains(&format!("--numeric\">{cell}</td>")), "{cell}: {candidate}");
    }

    // Completed today: it no longer weighs.
    assert!(app.store.complete_report(id, on, Clock::Fixed(on).now()).await.unwrap());
    let (_, page) = app.page(&spo, "/teams/TEAM1").await;
    check(&page, &[], "0", "7.6%");
}

/// A transfer to another team through the pages (docs/rules/practice.md#transfer): the sending
/// SPO asks from the case's summary, bad answers are named and write nothing, a stale form is
/// refused with what changed and the answers kept, a second press records once; the case
/// stays with its officer and waits on the receiving team's queue, whose SPO reaches it and
/// allocates it (reason "transfer") or declines it; the sending SPO may withdraw it.
#[tokio::test]
async fn a_case_is_transferred_to_another_team_through_the_pages() {
    let app = start().await;
    let spo = sign_in(&app.base, "spo").await;
    let (_, summary) = app.page(&spo, "/cases/X000003").await;
    assert!(summary.contains("href=\"/teams/TEAM1/transfer/X000003\""), "{summary}");
    let (status, page) = app.page(&spo, "/teams/TEAM1/transfer/X000003").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("<option value=\"TEAM2\">Islington East (TEAM2, Islington office)</option>"), "{page}");
    assert!(!page.contains("<option value=\"TEAM1\""), "not to its own team");

    let version = app.events("X000003").await.to_string();
    let path = "/teams/TEAM1/transfer/X000003";
    let r = app.post(&spo, path, &[("to", ""), ("reason", " "), ("version", &version)]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body = r.text().await.unwrap();
    assert!(body.contains("<a href=\"#to\">to: choose the team that should take the case</a>"), "{body}");
    assert!(body.contains("<a href=\"#reason\">reason: say why the case is transferred</a>"), "{body}");
    let r = app.post(&spo, path, &[("to", "NOSUCH"), ("reason", "Moved."), ("version", &version)]).await;
    assert!(r.text().await.unwrap().contains("to: `NOSUCH` is not another team of the provider"));
    assert_eq!(app.events("X000003").await.to_string(), version, "nothing written");

    // A form drawn before the case changed: refused with what changed, the answers kept.
    let stale = (app.events("X000003").await - 1).to_string();
    let answers = [("to", "TEAM2"), ("reason", "Moved to Islington with family."), ("version", stale.as_str())];
    let r = app.post(&spo, path, &answers).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body = r.text().await.unwrap();
    assert!(body.contains("This case changed while you were working on it"), "{body}");
    assert!(body.contains("id=\"changes\"") && body.contains("Allocated to OFF2"), "the other change shown: {body}");
    assert!(
        body.contains("<option value=\"TEAM2\" selected>")
            && body.contains(">Moved to Islington with family.</textarea>")
    );
    assert_eq!(app.events("X000003").await.to_string(), version, "nothing written");

    // An officer may not ask.
    let officer = sign_in(&app.base, "priya").await;
    let good = [("to", "TEAM2"), ("reason", "Moved to Islington with family."), ("version", version.as_str())];
    assert_eq!(app.post(&officer, path, &good).await.status(), StatusCode::FORBIDDEN);

    let r = app.post(&spo, path, &good).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/teams/TEAM1/transfer/X000003?done=requested");
    assert_eq!(app.post(&spo, path, &good).await.status(), StatusCode::SEE_OTHER, "a second press");
    let stream = app.store.stream(&crn("X000003")).await.unwrap();
    assert_eq!(stream.len().to_string(), (version.parse::<usize>().unwrap() + 1).to_string(), "recorded once");
    let last = stream.last().unwrap();
    assert_eq!(last.recorded_by, code("SPO"));
    assert!(matches!(&last.event, CaseEvent::TransferRequested { to, .. } if to == &code("TEAM2")));
    let (_, page) = app.page(&spo, "/teams/TEAM1/transfer/X000003?done=requested").await;
    assert!(
        page.contains("Transfer asked for") && page.contains("To Islington East (TEAM2), asked for on 20 March 2026")
    );
    let summary = app.store.summary(&crn("X000003")).await.unwrap().unwrap();
    assert_eq!(
        (summary.officer, summary.transfer_to),
        (Some(code("OFF2")), Some(code("TEAM2"))),
        "the officer keeps it"
    );

    // The receiving SPO: on their queue, the case reachable, allocated with reason "transfer".
    let spo2 = sign_in(&app.base, "spo2").await;
    let (_, team2) = app.page(&spo2, "/teams/TEAM2").await;
    let waiting = row(&team2, "waiting-X000003");
    assert!(waiting.contains("Transfer from Camden North"), "{waiting}");
    let (status, case) = app.page(&spo2, "/cases/X000003").await;
    assert_eq!(status, StatusCode::OK);
    assert!(case.contains("href=\"/teams/TEAM2/allocate/X000003\""), "{case}");
    let (status, screen) = app.page(&spo2, "/teams/TEAM2/allocate/X000003").await;
    assert_eq!(status, StatusCode::OK, "{screen}");
    assert!(screen.contains("Transfer from") && screen.contains("value=\"OFF9\""), "{screen}");
    let version = app.events("X000003").await.to_string();
    let allocation = [
        ("officer", "OFF9"),
        ("allocation_form_complete", "yes"),
        ("safeguarding_checks_complete", "yes"),
        ("version", version.as_str()),
    ];
    let r = app.post(&spo2, "/teams/TEAM2/allocate/X000003", &allocation).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let summary = app.store.summary(&crn("X000003")).await.unwrap().unwrap();
    assert_eq!((summary.officer, summary.team, summary.transfer_to), (Some(code("OFF9")), Some(code("TEAM2")), None));
    let stream = app.store.stream(&crn("X000003")).await.unwrap();
    let CaseEvent::OfficerAllocated { reason, .. } = &stream.last().unwrap().event else { panic!() };
    assert_eq!(*reason, AllocationReason::Transfer);
    assert_eq!(app.page(&spo, "/cases/X000003").await.0, StatusCode::FORBIDDEN, "the sending team has let it go");

    // Declined by the receiving team: the reason is asked for; the case stays where it was.
    let version = app.events("X000002").await.to_string();
    let ask = [("to", "TEAM2"), ("reason", "Moving to Islington."), ("version", version.as_str())];
    assert_eq!(app.post(&spo, "/teams/TEAM1/transfer/X000002", &ask).await.status(), StatusCode::SEE_OTHER);
    let version = app.events("X000002").await.to_string();
    let decline = "/teams/TEAM2/transfer/X000002/withdraw";
    let r = app.post(&spo2, decline, &[("reason", ""), ("version", &version)]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("reason: say why the team declines the case"));
    let r = app.post(&spo2, decline, &[("reason", "The address is not confirmed."), ("version", &version)]).await;
    assert_eq!((r.status(), r.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/teams/TEAM2"));
    let summary = app.store.summary(&crn("X000002")).await.unwrap().unwrap();
    assert_eq!((summary.officer, summary.transfer_to), (Some(code("OFF1")), None));
    assert_eq!(app.page(&spo2, "/teams/TEAM2/transfer/X000002").await.0, StatusCode::NOT_FOUND, "no longer theirs");

    // Withdrawn by the sending team.
    let version = app.events("X000001").await.to_string();
    let ask = [("to", "TEAM2"), ("reason", "Moving to Islington."), ("version", version.as_str())];
    assert_eq!(app.post(&spo, "/teams/TEAM1/transfer/X000001", &ask).await.status(), StatusCode::SEE_OTHER);
    let version = app.events("X000001").await.to_string();
    let stale = (app.events("X000001").await - 1).to_string();
    let r = app
        .post(&spo, "/teams/TEAM1/transfer/X000001/withdraw", &[("reason", "Fell through."), ("version", &stale)])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "a stale withdrawal");
    let body = r.text().await.unwrap();
    assert!(body.contains(">Fell through.</textarea>") && body.contains("Transfer to team TEAM2 asked for"), "{body}");
    assert_eq!(app.events("X000001").await.to_string(), version, "nothing written");
    let withdraw = [("reason", "The move fell through."), ("version", version.as_str())];
    let r = app.post(&spo, "/teams/TEAM1/transfer/X000001/withdraw", &withdraw).await;
    assert_eq!(r.headers()["location"], "/teams/TEAM1/transfer/X000001?done=withdrawn");
    assert_eq!(app.store.summary(&crn("X000001")).await.unwrap().unwrap().transfer_to, None);
}
