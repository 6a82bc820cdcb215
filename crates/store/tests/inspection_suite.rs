//! The inspection contract, against both engines: an announced sample is fixed, answers are
//! append-only with who and when, the latest answer wins and the history is kept, and a
//! refused write changes nothing.

use domain::example::code;
use domain::ids::Crn;
use store::StoreError;
use store::inspection::{InspectionStore, NewAnswer, NewInspection, NewNarrative, latest_answers, latest_narrative};
use store::testing::RawSql;

use store::both_engines;

fn crn(s: &str) -> Crn {
    Crn::parse(s).unwrap()
}

fn date(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

fn inspection(id: &str, crns: &[&str]) -> NewInspection {
    NewInspection {
        id: code(id),
        announced_on: date("2017-09-25"),
        fieldwork_on: date("2017-10-09"),
        scheme: "report".into(),
        seed: 7,
        sample_json: "{\"scheme\":\"report\"}".into(),
        created_by: code("HMIP1"),
        created_at: jiff::Timestamp::now(),
        cases: crns.iter().map(|c| (crn(c), "FEMALE".to_string())).collect(),
    }
}

fn answer(c: &str, question: &str, value: &str, by: &str) -> NewAnswer {
    NewAnswer {
        crn: crn(c),
        question: question.into(),
        answer: value.into(),
        note: Some(format!("{by} read the record")),
        answered_by: code(by),
        answered_at: jiff::Timestamp::now(),
    }
}

async fn a_sample_is_recorded_with_its_announcement<S: InspectionStore + Clone + 'static>(store: S) {
    store.record_inspection(&inspection("LDN2017", &["X000003", "X000001", "X000002"])).await.unwrap();
    let got = store.inspection(&code("LDN2017")).await.unwrap().unwrap();
    assert_eq!(got.announced_on, date("2017-09-25"));
    assert_eq!(got.fieldwork_on, date("2017-10-09"));
    assert_eq!((got.scheme.as_str(), got.seed, got.created_by.as_str()), ("report", 7, "HMIP1"));
    let cases = store.inspection_cases(&code("LDN2017")).await.unwrap();
    // The sample's order is kept, not the CRN order.
    let crns: Vec<&str> = cases.iter().map(|c| c.crn.as_str()).collect();
    assert_eq!(crns, ["X000003", "X000001", "X000002"]);
    assert_eq!(cases.iter().map(|c| c.position).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(store.inspections().await.unwrap().len(), 1);
    assert!(store.inspection(&code("OTHER")).await.unwrap().is_none());
}
both_engines!(a_sample_is_recorded_with_its_announcement_t, a_sample_is_recorded_with_its_announcement);

async fn bad_samples_write_nothing<S: InspectionStore + Clone + 'static>(store: S) {
    store.record_inspection(&inspection("LDN2017", &["X000001"])).await.unwrap();
    for (bad, field) in [
        (inspection("LDN2017", &["X000002"]), "id:"),
        (inspection("EMPTY", &[]), "cases:"),
        (inspection("TWICE", &["X000002", "X000002"]), "cases:"),
    ] {
        let err = store.record_inspection(&bad).await.unwrap_err();
        assert!(matches!(&err, StoreError::Field { problem: m, .. } if m.starts_with(field)), "{err}");
    }
    let all = store.inspections().await.unwrap();
    assert_eq!(all.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["LDN2017"]);
    let cases = store.inspection_cases(&code("LDN2017")).await.unwrap();
    assert_eq!(cases.len(), 1, "the refused duplicate id added no cases");
}
both_engines!(bad_samples_write_nothing_t, bad_samples_write_nothing);

async fn the_latest_answer_wins_and_the_history_is_kept<S: InspectionStore + Clone + 'static>(store: S) {
    let id = code("LDN2017");
    store.record_inspection(&inspection("LDN2017", &["X000001", "X000002"])).await.unwrap();
    let first = store.record_answer(&id, &answer("X000001", "RR.R1", "yes", "INSP1")).await.unwrap();
    let second = store.record_answer(&id, &answer("X000001", "RR.R1", "no", "INSP2")).await.unwrap();
    store.record_answer(&id, &answer("X000002", "RR.R1", "na", "INSP1")).await.unwrap();
    assert_eq!((first.seq, second.seq), (1, 2));
    assert!(second.answered_at >= first.answered_at);

    let history = store.answer_history(&id).await.unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[0], first);
    assert_eq!(history[1], second);
    let latest = latest_answers(&history);
    let case1 = latest[&(crn("X000001"), "RR.R1".to_string())];
    assert_eq!((case1.answer.as_str(), case1.answered_by.as_str()), ("no", "INSP2"));
    assert_eq!(case1.note.as_deref(), Some("INSP2 read the record"));
    assert_eq!(latest[&(crn("X000002"), "RR.R1".to_string())].answer, "na");
}
both_engines!(the_latest_answer_wins_and_the_history_is_kept_t, the_latest_answer_wins_and_the_history_is_kept);

async fn refused_answers_write_nothing<S: InspectionStore + Clone + 'static>(store: S) {
    let id = code("LDN2017");
    store.record_inspection(&inspection("LDN2017", &["X000001"])).await.unwrap();
    for (bad_inspection, bad, field) in [
        ("LDN2017", answer("X000009", "RR.R1", "yes", "INSP1"), "crn:"),
        ("NOSUCH", answer("X000001", "RR.R1", "yes", "INSP1"), "crn:"),
        ("LDN2017", answer("X000001", "RR.R1", "maybe", "INSP1"), "answer:"),
        ("LDN2017", answer("X000001", "", "yes", "INSP1"), "question:"),
    ] {
        let err = store.record_answer(&code(bad_inspection), &bad).await.unwrap_err();
        assert!(matches!(&err, StoreError::Field { problem: m, .. } if m.starts_with(field)), "{err}");
    }
    assert!(store.answer_history(&id).await.unwrap().is_empty());
}
both_engines!(refused_answers_write_nothing_t, refused_answers_write_nothing);

fn narrative(entry: Option<u64>, kind: &str, crn: Option<&str>, question: Option<&str>, text: &str) -> NewNarrative {
    NewNarrative {
        entry,
        kind: kind.into(),
        crn: crn.map(self::crn),
        question: question.map(str::to_string),
        text: text.into(),
        written_by: code("HMIP1"),
        written_at: jiff::Timestamp::now(),
    }
}

async fn narrative_round_trip_keeps_every_version<S: InspectionStore + Clone + 'static>(store: S) {
    let id = code("LDN2017");
    store.record_inspection(&inspection("LDN2017", &["X000001", "X000002"])).await.unwrap();
    let enabler =
        store.record_narrative(&id, &narrative(None, "enabler", None, None, "  Stable teams.  ")).await.unwrap();
    assert_eq!((enabler.entry, enabler.version, enabler.text.as_str()), (1, 1, "Stable teams."));
    let example = store
        .record_narrative(&id, &narrative(None, "example", Some("X000002"), Some("PP.D4"), "Checks made."))
        .await
        .unwrap();
    assert_eq!((example.entry, example.version), (2, 1));
    let mut revision = narrative(Some(1), "enabler", None, None, "Stable teams, low turnover.");
    revision.written_by = code("HMIP2");
    let revised = store.record_narrative(&id, &revision).await.unwrap();
    assert_eq!((revised.entry, revised.version), (1, 2));

    let history = store.narrative_history(&id).await.unwrap();
    let keys: Vec<(u64, u64, &str)> = history.iter().map(|n| (n.entry, n.version, n.written_by.as_str())).collect();
    assert_eq!(keys, [(1, 1, "HMIP1"), (1, 2, "HMIP2"), (2, 1, "HMIP1")]);
    assert_eq!(history[2].crn.as_ref().map(|c| c.as_str()), Some("X000002"));
    assert_eq!(history[2].question.as_deref(), Some("PP.D4"));
    assert!(history[0].written_at <= history[1].written_at);
    let latest: Vec<&str> = latest_narrative(&history).iter().map(|n| n.text.as_str()).collect();
    assert_eq!(latest, ["Stable teams, low turnover.", "Checks made."]);
    // Another inspection's narrative is its own.
    store.record_inspection(&inspection("OTHER", &["X000001"])).await.unwrap();
    assert!(store.narrative_history(&code("OTHER")).await.unwrap().is_empty());
}
both_engines!(narrative_round_trip_keeps_every_version_t, narrative_round_trip_keeps_every_version);

async fn refused_narrative_writes_nothing<S: InspectionStore + Clone + 'static>(store: S) {
    let id = code("LDN2017");
    store.record_inspection(&inspection("LDN2017", &["X000001"])).await.unwrap();
    store.record_narrative(&id, &narrative(None, "barrier", None, None, "Caseloads too high.")).await.unwrap();
    let cases = [
        (narrative(None, "example", Some("X000009"), None, "Good work."), "crn: X000009 is not in the sample"),
        (narrative(None, "example", None, None, "Good work."), "crn: a practice example"),
        (narrative(None, "barrier", Some("X000001"), None, "High caseloads."), "crn: only a practice example"),
        (narrative(None, "praise", None, None, "Good work."), "kind: `praise`"),
        (narrative(None, "enabler", None, None, "   "), "text: the text is empty"),
        (narrative(None, "enabler", None, Some("RR.R1"), "Reviews."), "question: only a practice example"),
        (narrative(Some(7), "barrier", None, None, "Caseloads."), "entry: inspection LDN2017 has no narrative entry 7"),
        (narrative(Some(1), "enabler", None, None, "Caseloads."), "kind: entry 1 is a barrier"),
    ];
    for (n, expect) in cases {
        let err = store.record_narrative(&id, &n).await.unwrap_err();
        assert!(matches!(&err, StoreError::Field { problem: m, .. } if m.starts_with(expect)), "{n:?}: {err}");
    }
    let err = store.record_narrative(&code("NONE"), &narrative(None, "enabler", None, None, "x")).await.unwrap_err();
    assert!(err.to_string().contains("inspection: no inspection NONE"), "{err}");
    let history = store.narrative_history(&id).await.unwrap();
    assert_eq!(history.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(), ["Caseloads too high."]);
}
both_engines!(refused_narrative_writes_nothing_t, refused_narrative_writes_nothing);

/// The database itself refuses to change a sample or an answer.
async fn answers_and_samples_refuse_update_and_delete<S: InspectionStore + Clone + 'static + RawSql>(store: S) {
    let id = code("LDN2017");
    store.record_inspection(&inspection("LDN2017", &["X000001"])).await.unwrap();
    store.record_answer(&id, &answer("X000001", "RR.R1", "yes", "INSP1")).await.unwrap();
    store.record_narrative(&id, &narrative(None, "enabler", None, None, "Stable teams.")).await.unwrap();
    for sql in [
        "UPDATE inspection_narrative SET body = 'rewritten'",
        "DELETE FROM inspection_narrative",
        "UPDATE inspection_answers SET answer = 'no'",
        "DELETE FROM inspection_answers",
        "UPDATE inspections SET announced_on = '2017-10-08'",
        "DELETE FROM inspection_cases",
    ] {
        let err = store.raw(sql).await.unwrap_err();
        assert!(err.contains("not allowed"), "{sql}: {err}");
    }
    let history = store.answer_history(&id).await.unwrap();
    assert_eq!(history.iter().map(|a| a.answer.as_str()).collect::<Vec<_>>(), ["yes"]);
    assert_eq!(store.inspection(&id).await.unwrap().unwrap().announced_on, date("2017-09-25"));
}
both_engines!(answers_and_samples_refuse_update_and_delete_t, answers_and_samples_refuse_update_and_delete);
