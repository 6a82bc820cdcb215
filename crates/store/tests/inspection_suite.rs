//! The inspection contract, against both engines: an announced sample is fixed, answers are
//! append-only with who and when, the latest answer wins and the history is kept, and a
//! refused write changes nothing.

use domain::example::code;
use domain::ids::Crn;
use store::inspection::{InspectionStore, NewAnswer, NewInspection, latest_answers};
use store::{PostgresStore, SqliteStore, StoreError};

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
    }
}

async fn a_sample_is_recorded_with_its_announcement<S: InspectionStore>(store: S) {
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

async fn bad_samples_write_nothing<S: InspectionStore>(store: S) {
    store.record_inspection(&inspection("LDN2017", &["X000001"])).await.unwrap();
    for (bad, field) in [
        (inspection("LDN2017", &["X000002"]), "id:"),
        (inspection("EMPTY", &[]), "cases:"),
        (inspection("TWICE", &["X000002", "X000002"]), "cases:"),
    ] {
        let err = store.record_inspection(&bad).await.unwrap_err();
        assert!(matches!(&err, StoreError::Invalid(m) if m.starts_with(field)), "{err}");
    }
    let all = store.inspections().await.unwrap();
    assert_eq!(all.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["LDN2017"]);
    let cases = store.inspection_cases(&code("LDN2017")).await.unwrap();
    assert_eq!(cases.len(), 1, "the refused duplicate id added no cases");
}
both_engines!(bad_samples_write_nothing_t, bad_samples_write_nothing);

async fn the_latest_answer_wins_and_the_history_is_kept<S: InspectionStore>(store: S) {
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

async fn refused_answers_write_nothing<S: InspectionStore>(store: S) {
    let id = code("LDN2017");
    store.record_inspection(&inspection("LDN2017", &["X000001"])).await.unwrap();
    for (bad_inspection, bad, field) in [
        ("LDN2017", answer("X000009", "RR.R1", "yes", "INSP1"), "crn:"),
        ("NOSUCH", answer("X000001", "RR.R1", "yes", "INSP1"), "crn:"),
        ("LDN2017", answer("X000001", "RR.R1", "maybe", "INSP1"), "answer:"),
        ("LDN2017", answer("X000001", "", "yes", "INSP1"), "question:"),
    ] {
        let err = store.record_answer(&code(bad_inspection), &bad).await.unwrap_err();
        assert!(matches!(&err, StoreError::Invalid(m) if m.starts_with(field)), "{err}");
    }
    assert!(store.answer_history(&id).await.unwrap().is_empty());
}
both_engines!(refused_answers_write_nothing_t, refused_answers_write_nothing);

/// The database itself refuses to change a sample or an answer.
trait RawSql {
    async fn raw(&self, sql: &'static str) -> Result<u64, String>;
}
impl RawSql for SqliteStore {
    async fn raw(&self, sql: &'static str) -> Result<u64, String> {
        sqlx::query(sql).execute(self.pool()).await.map(|r| r.rows_affected()).map_err(|e| e.to_string())
    }
}
impl RawSql for PostgresStore {
    async fn raw(&self, sql: &'static str) -> Result<u64, String> {
        sqlx::query(sql).execute(self.pool()).await.map(|r| r.rows_affected()).map_err(|e| e.to_string())
    }
}

async fn answers_and_samples_refuse_update_and_delete<S: InspectionStore + RawSql>(store: S) {
    let id = code("LDN2017");
    store.record_inspection(&inspection("LDN2017", &["X000001"])).await.unwrap();
    store.record_answer(&id, &answer("X000001", "RR.R1", "yes", "INSP1")).await.unwrap();
    for sql in [
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
