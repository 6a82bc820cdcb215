//! Export → import → export gives identical files, across engines; bad files change nothing.

use domain::contact::{ContactKind, Outcome};
use domain::event::CaseEvent;
use domain::example::{self, code, date, new_event};
use domain::ids::{Crn, Name, Note};
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Specialism, Staff, Team};
use services::transfer::{CORE_FILES, FILES, TransferError, export, import};
use std::path::Path;
use store::testing::{postgres, sqlite};
use store::{AccessStore, CaseStore, InspectionStore, StaffEqualityStore, UpwStore, WorkloadStore};

fn org() -> Organisation {
    let n = |s: &str| Name::parse(s).unwrap();
    Organisation {
        areas: vec![Area { code: code("A1"), name: n("North, \"East\" & Central") }],
        boroughs: vec![Borough { code: code("B1"), area: code("A1"), name: n("Camden") }],
        offices: vec![Office { code: code("O1"), borough: code("B1"), name: n("Camden Town") }],
        teams: vec![Team { code: code("TEAM1"), office: code("O1"), name: n("Camden 1") }],
        staff: vec![Staff {
            code: code("OFF1"),
            team: code("TEAM1"),
            name: n("Jo Bloggs"),
            grade: Grade::Po,
            contracted_hours: ContractedHours::new(22.5).unwrap(),
            employment: Employment::Agency,
            specialisms: vec![Specialism::Women, Specialism::Iom],
        }],
    }
}

/// Seeds a store with cases whose payloads hold commas, quotes and newlines.
async fn seeded<S: CaseStore + Clone + 'static>(store: &S) {
    store.bulk_load(&org(), &mut std::iter::empty(), &|_| {}).await.unwrap();
    for i in 1..=3 {
        let c = Crn::parse(&format!("X00000{i}")).unwrap();
        let on = date("2026-02-02");
        let mut events = example::opening("Ann", &format!("O'Neil-{i}"), on, "OFF1", "TEAM1");
        let appt = example::appointment("A1", on.at(10, 0, 0, 0), ContactKind::HomeVisit);
        events.push(new_event(on, CaseEvent::AppointmentBooked { appointment: appt }));
        events.push(new_event(
            on,
            CaseEvent::OutcomeRecorded {
                appointment: example::id("A1"),
                outcome: Outcome::UnacceptableAbsence,
                note: Some(Note::parse("Said \"no\",\nthen left; rang later").unwrap()),
                sensitive: false,
            },
        ));
        store.append(&c, 0, &events, jiff::Timestamp::now()).await.unwrap();
    }
}

fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
    FILES.iter().map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap())).collect()
}

/// The same files, byte for byte; the first that differs is shown as text.
fn assert_same(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)], what: &str) {
    assert_eq!(a.len(), b.len());
    for ((name, x), (_, y)) in a.iter().zip(b) {
        assert!(x == y, "{what}: {name} differs:\n{}\n---\n{}", String::from_utf8_lossy(x), String::from_utf8_lossy(y));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_is_identical_sqlite_to_postgres_and_back() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _d1) = sqlite().await;
    seeded(&a).await;
    export(&a, &tmp.path().join("one")).await.unwrap();
    let first = read_all(&tmp.path().join("one"));
    assert!(String::from_utf8_lossy(&first[5].1).contains("rang later"));

    // Into PostgreSQL when there is one, else into a second SQLite store.
    let (b_sqlite, _d2) = sqlite().await;
    let second = match postgres().await {
        Some(pg) => {
            import(&pg, &tmp.path().join("one"), &|_| {}).await.unwrap();
            assert!(pg.check().await.unwrap().is_consistent());
            export(&pg, &tmp.path().join("two")).await.unwrap();
            read_all(&tmp.path().join("two"))
        }
        None => {
            import(&b_sqlite, &tmp.path().join("one"), &|_| {}).await.unwrap();
            export(&b_sqlite, &tmp.path().join("two")).await.unwrap();
            read_all(&tmp.path().join("two"))
        }
    };
    assert_eq!(first, second);

    // And back into SQLite.
    let (c, _d3) = sqlite().await;
    import(&c, &tmp.path().join("two"), &|_| {}).await.unwrap();
    assert!(c.check().await.unwrap().is_consistent());
    export(&c, &tmp.path().join("three")).await.unwrap();
    assert_eq!(first, read_all(&tmp.path().join("three")));
    assert_eq!(c.caseload(&code("OFF1")).await.unwrap().len(), 3, "projections rebuilt on import");
}

/// Writes a good export, then applies `damage` to one file and imports it.
async fn import_damaged(file: &str, damage: impl Fn(String) -> String) -> (TransferError, bool) {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _d1) = sqlite().await;
    seeded(&a).await;
    export(&a, tmp.path()).await.unwrap();
    let p = tmp.path().join(file);
    std::fs::write(&p, damage(std::fs::read_to_string(&p).unwrap())).unwrap();
    let (b, _d2) = sqlite().await;
    let err = import(&b, tmp.path(), &|_| {}).await.unwrap_err();
    (err, b.is_empty().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_rows_name_file_row_and_field_and_change_nothing() {
    type Damage = Box<dyn Fn(String) -> String>;
    let cases: Vec<(&str, Damage, &str)> = vec![
        ("events.csv", Box::new(|s: String| s.replacen("X000002,1,", "X00002,1,", 1)), "events.csv row 6: crn"),
        (
            "events.csv",
            Box::new(|s: String| s.replacen("2026-02-02T12:00:00.000000Z", "2026-02-30T12:00:00Z", 1)),
            "events.csv row 1: occurred_at",
        ),
        (
            "events.csv",
            Box::new(|s: String| {
                s.replacen("\"\"type\"\":\"\"sentence_imposed", "\"\"type\"\":\"\"sentence_invented", 1)
            }),
            "events.csv row 2: payload",
        ),
        ("events.csv", Box::new(|s: String| s.replacen("X000003,2,", "X000003,7,", 1)), "events.csv row 12: seq"),
        (
            "events.csv",
            Box::new(|s: String| {
                s.replacen(
                    "\"\"appointment\"\":\"\"A1\"\",\"\"outcome",
                    "\"\"appointment\"\":\"\"A9\"\",\"\"outcome",
                    1,
                )
            }),
            "events.csv row 5: payload",
        ),
        ("staff.csv", Box::new(|s: String| s.replace(",po,", ",chief,")), "staff.csv row 1: grade"),
        ("staff.csv", Box::new(|s: String| s.replace("22.5", "90")), "staff.csv row 1: contracted_hours"),
        ("teams.csv", Box::new(|s: String| s.replace("TEAM1,O1", "TEAM1,O9")), "office"),
    ];
    for (file, damage, expected) in cases {
        let (err, empty) = import_damaged(file, damage).await;
        assert!(err.to_string().starts_with(expected) || err.to_string().contains(expected), "{expected}: got {err}");
        assert!(empty, "{expected}: the store must be unchanged");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_refuses_a_store_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _d) = sqlite().await;
    seeded(&a).await;
    export(&a, tmp.path()).await.unwrap();
    let err = import(&a, tmp.path(), &|_| {}).await.unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
}

/// Every table of record a backup holds, with text that needs defusing and NULLs beside
/// empty values, on top of a generated provider.
async fn with_records<
    S: CaseStore + AccessStore + InspectionStore + UpwStore + WorkloadStore + StaffEqualityStore + Clone + 'static,
>(
    store: &S,
) {
    use analytics::workload::{Reduction, ReductionKind, Report, ReportKind};
    use domain::unpaid_work::WorkDay;
    use jiff::civil::Time;
    use store::auth::{CaseRead, LimitKind, LimitedAccess, UserRecord};
    use store::inspection::{NewAnswer, NewInspection, NewNarrative};
    use store::upw::{Allocation, StandDownRecord};
    use upw::allocate::Recurrence;
    use upw::policy::AbsenceNotice;
    use upw::project::{Phone, Project, ProjectDay, ProjectKind, Supervisor, sessions_for_week};
    use upw::travel::LatLong;

    let opts = synth::GenerateOptions::new(40, 5, date("2026-11-26"));
    services::generate::generate(store, &opts, &|_| {}).await.unwrap();
    let org = store.organisation().await.unwrap();
    let crns: Vec<Crn> = store.all_summaries().await.unwrap().into_iter().map(|s| s.crn).take(4).collect();
    let (po, other) = (org.staff[0].code.clone(), org.staff[1].code.clone());
    let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();

    for (username, scope_code, officer, disabled) in [
        ("admin", None, None, false),
        ("priya", Some(org.staff[0].team.to_string()), Some(po.to_string()), false),
        ("-left", Some(org.staff[1].team.to_string()), None, true),
    ] {
        let user = UserRecord {
            username: username.into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            role: if scope_code.is_some() { "responsible_officer".into() } else { "admin".into() },
            scope_kind: if scope_code.is_some() { "team".into() } else { "provider".into() },
            scope_code,
            officer,
            disabled,
            created_at: at("2026-11-01T09:00:00Z"),
        };
        store.add_user(&user).await.unwrap();
    }
    for (i, (kind, username, ends_on, reason)) in [
        (LimitKind::Exclusion, "priya", None, "=HYPERLINK(\"http://x\",\"a relative\")"),
        (LimitKind::Restriction, "admin", Some(date("2027-01-31")), "+high profile, \"press\"\nsecond line"),
        (LimitKind::Exclusion, "-left", None, "'quoted' reason"),
    ]
    .into_iter()
    .enumerate()
    {
        let entry = LimitedAccess {
            id: 0,
            crn: crns[i % 2].clone(),
            kind,
            username: username.into(),
            starts_on: date("2026-10-01"),
            ends_on,
            reason: reason.into(),
            added_by: "admin".into(),
            added_at: at("2026-10-01T10:00:00Z"),
        };
        store.add_limited_access(&entry).await.unwrap();
        if i == 0 {
            // A removed entry leaves a gap in the ids, which a restore keeps.
            let gone = store.add_limited_access(&entry).await.unwrap();
            assert!(store.remove_limited_access(gone).await.unwrap());
        }
    }
    store.grant_cases("priya", &crns[2..4]).await.unwrap();
    for (crn, who, route) in [(&crns[0], "priya", "/cases/x"), (&crns[0], "priya", "@api"), (&crns[3], "admin", "/")] {
        let read = CaseRead {
            crn: crn.clone(),
            username: who.into(),
            at: at("2026-11-02T11:00:00.123456Z"),
            route: route.into(),
        };
        store.record_read(&read).await.unwrap();
        store.record_read(&read).await.unwrap();
    }

    let inspection = code("INSP1");
    store
        .record_inspection(&NewInspection {
            id: inspection.clone(),
            announced_on: date("2026-11-02"),
            fieldwork_on: date("2026-11-16"),
            scheme: "inspectorate".into(),
            seed: 7,
            sample_json: "{\"cases\":[1,2]}".into(),
            created_by: po.clone(),
            created_at: jiff::Timestamp::now(),
            cases: vec![(crns[0].clone(), "community".into()), (crns[1].clone(), "licence".into())],
        })
        .await
        .unwrap();
    for (question, answer, note) in
        [("q1", "yes", None), ("q1", "no", Some("-changed my mind")), ("q2", "na", Some("=1+1 \"x\""))]
    {
        let a = NewAnswer {
            crn: crns[0].clone(),
            question: question.into(),
            answer: answer.into(),
            note: note.map(Into::into),
            answered_by: po.clone(),
            answered_at: jiff::Timestamp::now(),
        };
        store.record_answer(&inspection, &a).await.unwrap();
    }
    for (entry, kind, crn, text) in [
        (None, "enabler", None, "Good supervision"),
        (Some(1), "enabler", None, "@Good supervision, revised"),
        (None, "example", Some(crns[1].clone()), "An example"),
    ] {
        let n = NewNarrative {
            entry,
            kind: kind.into(),
            crn,
            question: None,
            text: text.into(),
            written_by: po.clone(),
            written_at: jiff::Timestamp::now(),
        };
        store.record_narrative(&inspection, &n).await.unwrap();
    }

    let sick = Reduction { kind: ReductionKind::LongTermSickness, start: date("2026-03-02"), end: None };
    let facility = Reduction {
        kind: ReductionKind::FacilityTime { percent: 20 },
        start: date("2026-01-05"),
        end: Some(date("2026-12-31")),
    };
    // Each recorded at its own instant, to the microsecond, which a backup keeps.
    store.add_reduction(&po, &sick, at("2026-03-02T09:15:00.654321Z")).await.unwrap();
    let r = store.add_reduction(&other, &facility, at("2026-01-05T10:00:00.000001Z")).await.unwrap();
    store.end_reduction(r, date("2026-06-30"), at("2026-06-29T16:30:00.5Z")).await.unwrap();
    let report = Report {
        kind: ReportKind::Fast,
        crn: Some(crns[0].clone()),
        requested: date("2026-11-02"),
        due: None,
        completed: None,
    };
    store.add_report(&po, &report, at("2026-11-02T08:00:00Z")).await.unwrap();
    let done = Report { kind: ReportKind::Parole, crn: None, completed: Some(date("2026-11-20")), ..report };
    let d = store.add_report(&other, &done, at("2026-11-02T08:00:01Z")).await.unwrap();
    store.complete_report(d, date("2026-11-21"), at("2026-11-21T17:59:59.999999Z")).await.unwrap();
    // A declaration and a flag of the operator's own, besides the generator's.
    let declared = domain::staff::StaffCharacteristics {
        religion: Some(domain::staff::Religion::NotStated),
        ..store.staff_characteristics(&other).await.unwrap()
    };
    store.set_staff_characteristics(&other, &declared, at("2026-11-03T12:00:00.25Z")).await.unwrap();
    let flag = domain::staff::StaffFlag {
        kind: domain::staff::FlagKind::PerformanceImprovement,
        start: date("2026-09-01"),
        end: None,
        raised_by: po.clone(),
    };
    let f = store.add_staff_flag(&other, &flag, at("2026-09-01T09:00:00Z")).await.unwrap();
    store.end_staff_flag(f, date("2026-10-31"), at("2026-10-31T15:00:00.000123Z")).await.unwrap();

    let supervisor = Supervisor {
        code: code("SUP1"),
        name: Name::parse("Sam Okafor").unwrap(),
        phone: Phone::parse("+44 7700 900123").unwrap(),
        days: vec![WorkDay::Sat, WorkDay::Sun],
    };
    store.put_supervisor(&supervisor).await.unwrap();
    store.record_absence(&supervisor.code, date("2026-11-29")).await.unwrap();
    let day = |d| ProjectDay { day: d, start: Time::constant(9, 0, 0, 0), end: Time::constant(16, 0, 0, 0) };
    for (c, location) in [("P1", Some(LatLong::new(51.5345, -0.1389).unwrap())), ("P2", None)] {
        let project = Project {
            code: code(c),
            name: Name::parse("Park clearance").unwrap(),
            kind: ProjectKind::Group,
            borough: org.boroughs[0].code.clone(),
            meeting_point: Note::parse("Gate 2, Regent's Park").unwrap(),
            directions: Note::parse("-> Great Portland Street").unwrap(),
            days: vec![day(WorkDay::Sat), day(WorkDay::Sun)],
            supervisor: supervisor.code.clone(),
            capacity: 6,
            women_only: c == "P2",
            accessible: true,
            ete: false,
            location,
        };
        store.put_project(&project).await.unwrap();
    }
    let week = sessions_for_week(
        &store.projects().await.unwrap(),
        &store.supervisors().await.unwrap(),
        &[],
        date("2026-11-23"),
    );
    store.put_sessions(&week.sessions).await.unwrap();
    let session = week.sessions[0].id.clone();
    let on = week.sessions[0].start.date();
    for (crn, recurrence) in [(&crns[0], Recurrence::Weekly), (&crns[1], Recurrence::Once)] {
        let a =
            Allocation { session: session.clone(), crn: crn.clone(), appointment: example::id("UPW1"), on, recurrence };
        store.allocate(&a).await.unwrap();
    }
    store
        .record_stand_down(&StandDownRecord {
            session,
            crn: crns[2].clone(),
            appointment: example::id("UPW2"),
            on,
            notice: AbsenceNotice::OnTheDay,
            credited_minutes: 60,
        })
        .await
        .unwrap();
}

/// Rows in each file of an export, header not counted.
fn rows_in(dir: &Path, file: &str) -> usize {
    csv::Reader::from_path(dir.join(file)).unwrap().records().count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_every_table_exactly_across_engines() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _d1) = sqlite().await;
    with_records(&a).await;
    export(&a, &tmp.path().join("one")).await.unwrap();
    let first = read_all(&tmp.path().join("one"));
    for f in &FILES[CORE_FILES.len()..] {
        assert!(rows_in(&tmp.path().join("one"), f) > 0, "{f} has rows to restore");
    }
    let one = tmp.path().join("one");
    assert_eq!(rows_in(&one, "limited_access.csv"), 3);
    let limited = std::fs::read_to_string(one.join("limited_access.csv")).unwrap();
    assert!(limited.contains(",\"'=HYPERLINK("), "defused: {limited}");
    assert!(limited.contains(",\"'+high profile"), "defused: {limited}");
    assert!(limited.contains(",'-left,"), "defused: {limited}");
    assert!(limited.contains(",''quoted' reason"), "defused: {limited}");

    // Into PostgreSQL when there is one, and back into SQLite; else SQLite to SQLite.
    let second = match postgres().await {
        Some(pg) => {
            import(&pg, &one, &|_| {}).await.unwrap();
            assert!(pg.check().await.unwrap().is_consistent());
            same_records(&a, &pg).await;
            export(&pg, &tmp.path().join("two")).await.unwrap();
            next_id_is_new(&pg).await;
            read_all(&tmp.path().join("two"))
        }
        None => {
            let (b, _d2) = sqlite().await;
            import(&b, &one, &|_| {}).await.unwrap();
            same_records(&a, &b).await;
            export(&b, &tmp.path().join("two")).await.unwrap();
            next_id_is_new(&b).await;
            read_all(&tmp.path().join("two"))
        }
    };
    assert_same(&first, &second, "the engines write the same bytes");
    let (c, _d3) = sqlite().await;
    import(&c, &tmp.path().join("two"), &|_| {}).await.unwrap();
    assert!(c.check().await.unwrap().is_consistent());
    same_records(&a, &c).await;
    export(&c, &tmp.path().join("three")).await.unwrap();
    assert_same(&first, &read_all(&tmp.path().join("three")), "back into SQLite");
    next_id_is_new(&c).await;
}

/// What the services read from `b` is what they read from `a`, and `b` gives new rows new ids.
async fn same_records<A, B>(a: &A, b: &B)
where
    A: AccessStore + InspectionStore + WorkloadStore + UpwStore + StaffEqualityStore + CaseStore,
    B: AccessStore + InspectionStore + WorkloadStore + UpwStore + StaffEqualityStore + CaseStore,
{
    let limits = a.limited_access().await.unwrap();
    assert_eq!(limits.len(), 3);
    assert_eq!(b.limited_access().await.unwrap(), limits, "limited access kept, ids and all");
    assert_eq!(b.users().await.unwrap(), a.users().await.unwrap());
    assert_eq!(b.granted_cases("priya").await.unwrap(), a.granted_cases("priya").await.unwrap());
    assert_eq!(b.reads_of(&limits[0].crn).await.unwrap(), a.reads_of(&limits[0].crn).await.unwrap());
    let i = code("INSP1");
    assert_eq!(b.answer_history(&i).await.unwrap(), a.answer_history(&i).await.unwrap());
    assert_eq!(b.narrative_history(&i).await.unwrap(), a.narrative_history(&i).await.unwrap());
    let staff: Vec<_> = a.organisation().await.unwrap().staff.into_iter().map(|s| s.code).collect();
    let reductions = a.reductions_for(&staff).await.unwrap();
    assert_eq!(b.reductions_for(&staff).await.unwrap(), reductions);
    let reports = a.reports_for(&staff).await.unwrap();
    assert_eq!(b.reports_for(&staff).await.unwrap(), reports);
    let flags = a.staff_flags_for(&staff).await.unwrap();
    assert_eq!(b.staff_flags_for(&staff).await.unwrap(), flags);
    // The times they were recorded at are kept, ends and completions too.
    assert!(
        reductions.iter().all(|r| r.recorded_at.is_some()) && reductions.iter().any(|r| r.ended_recorded_at.is_some())
    );
    assert!(
        reports.iter().all(|r| r.recorded_at.is_some()) && reports.iter().any(|r| r.completed_recorded_at.is_some())
    );
    assert!(flags.iter().all(|f| f.recorded_at.is_some()) && flags.iter().any(|f| f.ended_recorded_at.is_some()));
    let mut declared = 0;
    for s in &staff {
        let declaration = a.staff_declaration(s).await.unwrap();
        declared += usize::from(declaration.recorded_at.is_some());
        assert_eq!(b.staff_declaration(s).await.unwrap(), declaration);
    }
    assert!(declared > 0, "declarations with their times");
    assert_eq!(b.projects().await.unwrap(), a.projects().await.unwrap());
    let week = (date("2026-11-23"), date("2026-11-29"));
    assert_eq!(b.allocations(week.0, week.1).await.unwrap(), a.allocations(week.0, week.1).await.unwrap());
}

/// The next entry gets an id past every restored one (PostgreSQL's sequence was moved on).
async fn next_id_is_new<S: AccessStore + Clone + 'static>(store: &S) {
    let limits = store.limited_access().await.unwrap();
    let next = store.add_limited_access(&limits[0]).await.unwrap();
    assert!(next > limits.iter().map(|l| l.id).max().unwrap(), "{next}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_files_are_all_there_or_none_and_bad_rows_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _d1) = sqlite().await;
    with_records(&a).await;
    export(&a, tmp.path()).await.unwrap();

    // A bad cell names file, row and column; a refused reference names the file.
    type Damage = Box<dyn Fn(String) -> String>;
    let cases: Vec<(&str, Damage, &str)> = vec![
        ("users.csv", Box::new(|s: String| s.replacen(",false,", ",maybe,", 1)), "users.csv row 2: disabled"),
        ("limited_access.csv", Box::new(|s: String| s.replacen("\n1,", "\nx,", 1)), "limited_access.csv row 1: id"),
        ("upw_projects.csv", Box::new(|s: String| s.replacen("51.5345", "NaN", 1)), "upw_projects.csv row 1: latitude"),
        (
            "staff_reductions.csv",
            Box::new(|s: String| s.replacen(",long_term_sickness,,", ",long_term_sickness,,,", 1)),
            "staff_reductions.csv row",
        ),
        ("case_grants.csv", Box::new(|s: String| s.replacen("\npriya,", "\nnobody,", 1)), "case_grants.csv: "),
        ("users.csv", Box::new(|s: String| s.replacen(",team,", ",,", 1)), "users.csv row 1: scope_kind"),
    ];
    for (file, damage, expected) in cases {
        let p = tmp.path().join(file);
        let good = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, damage(good.clone())).unwrap();
        let (b, _d2) = sqlite().await;
        let err = import(&b, tmp.path(), &|_| {}).await.unwrap_err();
        assert!(err.to_string().starts_with(expected), "{expected}: got {err}");
        assert!(b.is_empty().await.unwrap(), "{expected}: the store must be unchanged");
        assert!(b.users().await.unwrap().is_empty(), "{expected}: no user written");
        std::fs::write(&p, good).unwrap();
    }

    // One table file missing is refused; all of them missing is an older export.
    std::fs::remove_file(tmp.path().join("case_reads.csv")).unwrap();
    let (b, _d2) = sqlite().await;
    let err = import(&b, tmp.path(), &|_| {}).await.unwrap_err();
    assert!(matches!(&err, TransferError::File { file, .. } if file == "case_reads.csv"), "{err}");
    assert!(b.is_empty().await.unwrap());
    for f in &FILES[CORE_FILES.len()..] {
        let _ = std::fs::remove_file(tmp.path().join(f));
    }
    let (old, _d3) = sqlite().await;
    import(&old, tmp.path(), &|_| {}).await.unwrap();
    assert_eq!(old.caseload_counts().await.unwrap(), a.caseload_counts().await.unwrap());
    assert!(old.users().await.unwrap().is_empty(), "an older export holds no users");

    // A backup replaces the tables whole, so a store with a user of its own is refused.
    export(&a, &tmp.path().join("again")).await.unwrap();
    let (c, _d4) = sqlite().await;
    c.add_user(&a.users().await.unwrap()[0]).await.unwrap();
    let err = import(&c, &tmp.path().join("again"), &|_| {}).await.unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
}
