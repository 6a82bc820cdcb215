//! The unpaid work pages over real HTTP, on a generated provider with synthetic projects:
//! scheduling a week, the register and the supervisor's record (a bad field is named and
//! nothing is saved; a good record is credited), and a supervisor's absence.

mod support;

use reqwest::StatusCode;
use store::{CaseStore, SqliteStore, UpwStore};
use support::{add_user, sign_in};
use tokio::net::TcpListener;
use web::Clock;

/// Monday of ISO week 2026-W48; the server's today.
const TODAY: &str = "2026-11-23";

struct App {
    base: String,
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

async fn start() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("probity.db").to_str().unwrap()).await.unwrap();
    let opts = synth::GenerateOptions::new(200, 5, "2026-11-20".parse().unwrap());
    services::generate::generate(&store, &opts, &|_| {}).await.unwrap();
    services::upw::seed_synthetic_projects(&services::Stores::new(store.clone()), 1, 2).await.unwrap();
    add_user(&store, "upw", "upw_supervisor", "provider", None).await;
    add_user(&store, "manager", "area_manager", "provider", None).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = web::router_with_clock(store.clone(), Clock::Fixed(TODAY.parse().unwrap()));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    App { base, store, _dir: dir }
}

impl App {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

#[tokio::test]
async fn upw_staff_schedule_a_week_record_the_day_and_stand_down_an_absent_supervisor() {
    let app = start().await;
    let upw = sign_in(&app.base, "upw").await;

    // The week before scheduling: sessions with no places taken.
    let r = upw.http.get(app.url("/upw?week=2026-W48")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("Schedule week 2026-W48") && page.contains(" of "), "{page}");

    // A bad week is named and schedules nothing.
    let r = upw.http.post(app.url("/upw/schedule")).form(&[("week", "2026-48"), ("csrf_token", &upw.csrf)]);
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("<a href=\"#week\">week:") && page.contains("value=\"2026-48\""), "{page}");
    let (monday, sunday) = ("2026-11-23".parse().unwrap(), "2026-11-29".parse().unwrap());
    assert!(app.store.allocations(monday, sunday).await.unwrap().is_empty(), "nothing scheduled");

    let r = upw.http.post(app.url("/upw/schedule")).form(&[("week", "2026-W48"), ("csrf_token", &upw.csrf)]);
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("The week is scheduled") && page.contains("Objective"), "{page}");
    let allocations = app.store.allocations(monday, sunday).await.unwrap();
    assert!(!allocations.is_empty());
    let one = &allocations[0];
    assert!(page.contains(&format!("/upw/sessions/{}", one.session)));

    // The register lists who is booked, with the attendance form.
    let session = app.url(&format!("/upw/sessions/{}", one.session));
    let page = upw.http.get(&session).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(one.crn.as_str()) && page.contains("Record attendance"), "{page}");

    // Travel over the 180-minute cap (docs/rules/practice.md#unpaid-work): named, what was typed kept, nothing saved.
    let version = app.store.stream(&one.crn).await.unwrap().len();
    let attend = app.url(&format!("/upw/sessions/{}/attendance", one.session));
    let bad = [
        ("person", one.crn.as_str()),
        ("outcome", "attended_complied"),
        ("started", "09:00"),
        ("finished", "8am"),
        ("travel", "200"),
        ("csrf_token", &upw.csrf),
    ];
    let r = upw.http.post(&attend).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("<a href=\"#finished\">finished:"), "{page}");
    assert!(page.contains("value=\"8am\"") && page.contains("value=\"200\""), "what was typed is kept");
    assert_eq!(app.store.stream(&one.crn).await.unwrap().len(), version, "nothing saved");
    let bad = [
        ("person", one.crn.as_str()),
        ("outcome", "attended_complied"),
        ("started", "09:00"),
        ("finished", "16:00"),
        ("travel", "200"),
        ("csrf_token", &upw.csrf),
    ];
    let page = upw.http.post(&attend).form(&bad).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<a href=\"#travel\">travel: 200 is above the cap of 180 minutes"), "{page}");
    assert_eq!(app.store.stream(&one.crn).await.unwrap().len(), version, "nothing saved");

    // A good record: 09:00 to 16:00 less 30 minutes' penalty, plus 60 travel = 7 hours 30 minutes.
    let good = [
        ("person", one.crn.as_str()),
        ("outcome", "attended_complied"),
        ("started", "09:00"),
        ("finished", "16:00"),
        ("penalty", "30"),
        ("travel", "60"),
        ("csrf_token", &upw.csrf),
    ];
    let r = upw.http.post(&attend).form(&good).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.stream(&one.crn).await.unwrap().len(), version + 2, "outcome and timesheet together");
    let page = upw.http.get(&session).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Attended - complied") && page.contains("7 hours 30 minutes"), "{page}");
    let progress = upw.http.get(app.url(&format!("/upw/cases/{}", one.crn))).send().await.unwrap();
    assert_eq!(progress.status(), StatusCode::OK);
    assert!(progress.text().await.unwrap().contains("Hours done"));

    // A manager oversees but does not record.
    let manager = sign_in(&app.base, "manager").await;
    assert_eq!(manager.http.get(&session).send().await.unwrap().status(), StatusCode::OK);
    let r = manager.http.post(&attend).form(&[("csrf_token", manager.csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Another session's supervisor is absent, known on the day: stood down, credited, rescheduled.
    // On another day, so the person already recorded is not on it.
    let other = allocations.iter().find(|a| a.on != one.on).expect("a session on another day");
    let booked_with_them = app.store.session(&other.session).await.unwrap().unwrap();
    let absent = app.url(&format!("/upw/sessions/{}/absent", other.session));
    let r = upw.http.post(&absent).form(&[("notice", "sometime"), ("csrf_token", &upw.csrf)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("<a href=\"#notice\">notice:"));
    assert!(app.store.stand_downs().await.unwrap().is_empty(), "nothing recorded");
    let r = upw.http.post(&absent).form(&[("notice", "on_the_day"), ("csrf_token", &upw.csrf)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains(other.crn.as_str()) && page.contains("Attended - sent home (service issue)"), "{page}");
    assert!(page.contains("The week, scheduled again"), "{page}");
    let stood_down = app.store.stand_downs().await.unwrap();
    assert!(stood_down.iter().any(|s| s.crn == other.crn && s.credited_minutes == booked_with_them.session.minutes()));
    assert_eq!(app.store.session(&other.session).await.unwrap().unwrap().booked, 0, "no one left on it");

    // The placement notice is plain text.
    let fresh = app.store.allocations(monday, sunday).await.unwrap();
    let a = fresh.iter().find(|a| a.crn != one.crn).expect("someone still booked");
    let r = upw.http.get(app.url(&format!("/upw/cases/{}/notices/{}", a.crn, a.appointment))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    assert!(r.text().await.unwrap().contains("UNPAID WORK: YOUR PLACEMENT"));
}

/// "Add a person to this session" on the register: a bad CRN or recurrence, or a placement
/// the rules refuse, is named in the error summary with what was typed kept and nothing
/// written; a good one is booked with its recurrence and shown on the register.
#[tokio::test]
async fn upw_staff_add_a_person_to_a_session_by_hand() {
    let app = start().await;
    let upw = sign_in(&app.base, "upw").await;
    let r = upw.http.post(app.url("/upw/schedule")).form(&[("week", "2026-W48"), ("csrf_token", &upw.csrf)]);
    assert_eq!(r.send().await.unwrap().status(), StatusCode::OK);
    let (monday, sunday) = ("2026-11-23".parse().unwrap(), "2026-11-29".parse().unwrap());
    let allocations = app.store.allocations(monday, sunday).await.unwrap();
    let one = &allocations[0];
    // Someone sentenced today with nothing booked: free for any mixed group session with room.
    let newcomer = domain::ids::Crn::parse("X900001").unwrap();
    let events = domain::example::opening("Mary", "Seacole", "2026-11-20".parse().unwrap(), "OFF1", "TEAM1");
    app.store.append(&newcomer, 0, &events, jiff::Timestamp::now()).await.unwrap();
    let sessions = app.store.sessions_between(monday, sunday).await.unwrap();
    let room = sessions
        .iter()
        .find(|s| s.booked < s.session.capacity && !s.session.women_only && !s.session.singleton && !s.session.ete)
        .expect("a mixed group session with room");
    let id = &room.session.id;
    let page = upw.http.get(app.url(&format!("/upw/sessions/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Add a person to this session") && page.contains("name=\"recurrence\""), "{page}");

    let post = app.url(&format!("/upw/sessions/{id}/allocate"));
    let before =
        (app.store.allocations(monday, sunday).await.unwrap(), app.store.stream(&newcomer).await.unwrap().len());
    let on_theirs = app.url(&format!("/upw/sessions/{}/allocate", one.session));
    // (where, the form, the error shown, what was typed and is kept)
    type Bad<'a> = (&'a String, &'a [(&'a str, &'a str)], &'a str, &'a str);
    let bad: [Bad; 4] = [
        (&post, &[("crn", "X12"), ("recurrence", "weekly")], "<a href=\"#crn\">crn:", "value=\"X12\""),
        (
            &post,
            &[("crn", "X900001"), ("recurrence", "monthly")],
            "<a href=\"#recurrence\">recurrence:",
            "value=\"X900001\"",
        ),
        (
            &post,
            &[("crn", "X999999"), ("recurrence", "weekly")],
            "<a href=\"#crn\">crn: no case X999999",
            "value=\"X999999\"",
        ),
        // Already on a session that day (this one): refused by the rules, shown at the CRN,
        // the recurrence chosen kept.
        (
            &on_theirs,
            &[("crn", one.crn.as_str()), ("recurrence", "once")],
            "one session a day",
            "id=\"recurrence-once\" name=\"recurrence\" type=\"radio\" value=\"once\" checked",
        ),
    ];
    for (target, form, error, kept) in bad {
        let mut form = form.to_vec();
        form.push(("csrf_token", &upw.csrf));
        let r = upw.http.post(target).form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{form:?}");
        let page = r.text().await.unwrap();
        assert!(page.contains("There is a problem") && page.contains(error), "{error:?} in {page}");
        assert!(page.contains(kept), "{kept:?} kept in {page}");
        let after =
            (app.store.allocations(monday, sunday).await.unwrap(), app.store.stream(&newcomer).await.unwrap().len());
        assert_eq!(after, before, "nothing written");
    }

    let good = [("crn", "X900001"), ("recurrence", "fortnightly"), ("csrf_token", &upw.csrf)];
    let r = upw.http.post(&post).form(&good).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let placed = app.store.allocations(monday, sunday).await.unwrap();
    let mine = placed.iter().find(|a| a.crn == newcomer).expect("placed");
    assert_eq!((&mine.session, mine.recurrence), (id, upw::allocate::Recurrence::Fortnightly));
    assert_eq!(app.store.stream(&newcomer).await.unwrap().len(), before.1 + 1, "booked on the case");
    let page = upw.http.get(app.url(&format!("/upw/sessions/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("X900001") && page.contains("Every other week"), "{page}");
    // Their progress shows ETE hours against the 30% cap (36 of 120 hours).
    let progress = upw.http.get(app.url("/upw/cases/X900001")).send().await.unwrap().text().await.unwrap();
    assert!(progress.contains("Education, training and employment hours"), "{progress}");
    assert!(progress.contains("0 hours of at most 36 hours"), "{progress}");

    // An education, training and employment course says so, and shows each person's ETE hours.
    let course = sessions.iter().find(|s| s.session.ete).expect("the synthetic projects include ETE courses");
    let page = upw
        .http
        .get(app.url(&format!("/upw/sessions/{}", course.session.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("only up to 30% of the hours ordered") && page.contains("ETE hours (up to 30%)"), "{page}");

    // A manager oversees but does not place people.
    let manager = sign_in(&app.base, "manager").await;
    let r = manager.http.post(&post).form(&[("crn", "X900001"), ("csrf_token", &manager.csrf)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// The whole session's register at once: everyone booked and not yet recorded is a row whose
/// times start from the session's; one bad row is named on its field and writes nothing for
/// anyone; then every row chosen is recorded with its hours, and a second press records
/// nothing more.
#[tokio::test]
async fn upw_staff_record_a_whole_session_at_once() {
    let app = start().await;
    let upw = sign_in(&app.base, "upw").await;
    let r = upw.http.post(app.url("/upw/schedule")).form(&[("week", "2026-W48"), ("csrf_token", &upw.csrf)]);
    assert_eq!(r.send().await.unwrap().status(), StatusCode::OK);
    let (monday, sunday) = ("2026-11-23".parse().unwrap(), "2026-11-29".parse().unwrap());
    // A mixed group session with someone on it and room for one more, who is added by hand.
    let sessions = app.store.sessions_between(monday, sunday).await.unwrap();
    let room = sessions
        .iter()
        .find(|s| {
            s.booked >= 1
                && s.booked < s.session.capacity
                && !s.session.women_only
                && !s.session.singleton
                && !s.session.ete
        })
        .expect("a mixed group session with someone on it and room");
    let session = room.session.id.clone();
    let newcomer = domain::ids::Crn::parse("X900001").unwrap();
    let events = domain::example::opening("Mary", "Seacole", "2026-11-20".parse().unwrap(), "OFF1", "TEAM1");
    app.store.append(&newcomer, 0, &events, jiff::Timestamp::now()).await.unwrap();
    let add = [("crn", "X900001"), ("recurrence", "once"), ("csrf_token", &upw.csrf)];
    let r = upw.http.post(app.url(&format!("/upw/sessions/{session}/allocate"))).form(&add).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let allocations = app.store.allocations(monday, sunday).await.unwrap();
    let people: Vec<_> = allocations.iter().filter(|a| a.session == session).take(2).collect();
    let (a, b) = (people[0].crn.as_str(), people[1].crn.as_str());
    let page_url = app.url(&format!("/upw/sessions/{session}"));
    let page = upw.http.get(&page_url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Record the whole session"), "{page}");
    let stored = app.store.session(&session).await.unwrap().unwrap();
    let start = stored.session.start.time().strftime("%H:%M").to_string();
    assert!(
        page.contains(&format!("name=\"started-{a}\" type=\"text\" spellcheck=\"false\" value=\"{start}\"")),
        "{page}"
    );

    let counts = async || {
        (app.store.stream(&people[0].crn).await.unwrap().len(), app.store.stream(&people[1].crn).await.unwrap().len())
    };
    let before = counts().await;
    let post = async |fields: Vec<(String, String)>| {
        let mut fields = fields;
        fields.push(("csrf_token".into(), upw.csrf.clone()));
        upw.http.post(app.url(&format!("/upw/sessions/{session}/register"))).form(&fields).send().await.unwrap()
    };
    let row = |crn: &str, outcome: &str, reason: &str, started: &str, finished: &str| {
        vec![
            (format!("outcome-{crn}"), outcome.to_owned()),
            (format!("reason-{crn}"), reason.to_owned()),
            (format!("started-{crn}"), started.to_owned()),
            (format!("finished-{crn}"), finished.to_owned()),
        ]
    };
    // Nothing chosen; a time that is not one; an acceptable absence without its reason.
    for (fields, named) in [
        ([row(a, "", "", "", ""), row(b, "", "", "", "")].concat(), format!("outcome-{a}")),
        (
            [row(a, "attended_complied", "", "09:00", "4pm"), row(b, "unacceptable_absence", "", "", "")].concat(),
            format!("finished-{a}"),
        ),
        (
            [row(a, "attended_complied", "", "09:00", "15:00"), row(b, "acceptable_absence", "", "", "")].concat(),
            format!("reason-{b}"),
        ),
    ] {
        let r = post(fields).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let page = r.text().await.unwrap();
        assert!(page.contains(&format!("<a href=\"#{named}\">")), "{named}: {page}");
        assert_eq!(counts().await, before, "nothing written for anyone");
    }
    let good =
        [row(a, "attended_complied", "", "09:00", "15:00"), row(b, "acceptable_absence", "medical", "", "")].concat();
    for _ in 0..2 {
        let r = post(good.clone()).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(counts().await, (before.0 + 2, before.1 + 1), "outcome and timesheet; the absence; once");
    let page = upw.http.get(&page_url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("6 hours") && page.contains("Acceptable absence"), "{page}");
}
