//! The access store on both engines: users, sessions, failed sign-ins, limited-access lists,
//! granted cases and the append-only read audit. Stores are opened by `store::testing`.

use domain::example::date;
use domain::ids::Crn;
use jiff::{Timestamp, ToSpan};
use store::auth::{AccessStore, CaseRead, LimitKind, LimitedAccess, SessionRecord, UserRecord};
use store::testing::{postgres, sqlite};
use store::{StoreError, to_stored_precision};

macro_rules! both_engines {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (store, _dir) = super::sqlite().await;
                super::$body(store.clone(), store.pool().clone()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(store) = super::postgres().await {
                    super::$body(store.clone(), store.pool().clone()).await;
                }
            }
        }
    };
}

fn now() -> Timestamp {
    to_stored_precision("2026-03-20T09:00:00.123456Z".parse().unwrap())
}

fn user(name: &str) -> UserRecord {
    UserRecord {
        username: name.to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        role: "responsible_officer".to_owned(),
        scope_kind: "team".to_owned(),
        scope_code: Some("TEAM1".to_owned()),
        officer: Some("OFF1".to_owned()),
        disabled: false,
        created_at: now(),
    }
}

fn crn(s: &str) -> Crn {
    Crn::parse(s).unwrap()
}

async fn users_are_unique_and_updatable<S: AccessStore + Clone + 'static, P>(store: S, _pool: P) {
    store.add_user(&user("priya")).await.unwrap();
    let again = store.add_user(&UserRecord { role: "admin".into(), ..user("priya") }).await;
    assert!(matches!(&again, Err(StoreError::Field { problem: m, .. }) if m.starts_with("username:")), "{again:?}");
    assert_eq!(store.user("priya").await.unwrap(), Some(user("priya")), "the refused add changed nothing");
    assert_eq!(store.user("nobody").await.unwrap(), None);

    store.add_user(&UserRecord { officer: None, scope_code: None, ..user("ada") }).await.unwrap();
    let names: Vec<String> = store.users().await.unwrap().into_iter().map(|u| u.username).collect();
    assert_eq!(names, ["ada", "priya"]);

    let session = SessionRecord {
        id_hash: "h1".into(),
        username: "priya".into(),
        csrf_token: "t1".into(),
        created_at: now(),
        last_seen: now(),
    };
    store.create_session(&session).await.unwrap();
    let moved = UserRecord { role: "senior_probation_officer".into(), ..user("priya") };
    assert!(store.update_user(&moved).await.unwrap());
    assert_eq!(store.user("priya").await.unwrap().unwrap().role, "senior_probation_officer");
    assert!(store.session("h1").await.unwrap().is_some(), "a change of role keeps the session");
    assert!(store.update_user(&UserRecord { disabled: true, ..moved }).await.unwrap());
    assert!(store.session("h1").await.unwrap().is_none(), "disabling a user ends their sessions");
    assert!(!store.update_user(&user("nobody")).await.unwrap());
}
both_engines!(users_t, users_are_unique_and_updatable);

async fn sessions_live_until_ended<S: AccessStore + Clone + 'static, P>(store: S, _pool: P) {
    store.add_user(&user("priya")).await.unwrap();
    let s = SessionRecord {
        id_hash: "abc".into(),
        username: "priya".into(),
        csrf_token: "tok".into(),
        created_at: now(),
        last_seen: now(),
    };
    store.create_session(&s).await.unwrap();
    assert_eq!(store.session("abc").await.unwrap(), Some(s.clone()));
    let later = now() + 10.minutes();
    store.touch_session("abc", later).await.unwrap();
    assert_eq!(store.session("abc").await.unwrap().unwrap().last_seen, later);
    store.end_session("abc").await.unwrap();
    assert_eq!(store.session("abc").await.unwrap(), None);
}
both_engines!(sessions_t, sessions_live_until_ended);

/// Sweeping deletes the sessions idle since before one time or created before another,
/// whoever's they are, and keeps the rest.
async fn expired_sessions_are_swept<S: AccessStore + Clone + 'static, P>(store: S, _pool: P) {
    store.add_user(&user("priya")).await.unwrap();
    store.add_user(&user("sam")).await.unwrap();
    let t = now();
    let session = |id: &str, who: &str, created: Timestamp, seen: Timestamp| SessionRecord {
        id_hash: id.into(),
        username: who.into(),
        csrf_token: "tok".into(),
        created_at: created,
        last_seen: seen,
    };
    let sessions = [
        session("live", "priya", t - 2.hours(), t - 5.minutes()),
        session("idle", "priya", t - 2.hours(), t - 31.minutes()),
        session("old", "sam", t - 11.hours(), t - 1.minutes()),
        session("both", "sam", t - 12.hours(), t - 3.hours()),
    ];
    for s in &sessions {
        store.create_session(s).await.unwrap();
    }
    assert_eq!(store.sweep_sessions(t - 30.minutes(), t - 10.hours()).await.unwrap(), 3);
    assert_eq!(store.session("live").await.unwrap(), Some(sessions[0].clone()));
    for gone in ["idle", "old", "both"] {
        assert_eq!(store.session(gone).await.unwrap(), None, "{gone}");
    }
    assert_eq!(store.sweep_sessions(t - 30.minutes(), t - 10.hours()).await.unwrap(), 0, "nothing more");
}
both_engines!(sweep_t, expired_sessions_are_swept);

/// A change of password ends every session of the user (and no one else's) and starts the
/// new one, in one go; for an unknown user or someone else's session nothing is written.
async fn changing_a_password_leaves_only_the_new_session<S: AccessStore + Clone + 'static, P>(store: S, _pool: P) {
    store.add_user(&user("priya")).await.unwrap();
    store.add_user(&user("sam")).await.unwrap();
    let session = |id: &str, who: &str| SessionRecord {
        id_hash: id.into(),
        username: who.into(),
        csrf_token: format!("tok-{id}"),
        created_at: now(),
        last_seen: now(),
    };
    for (id, who) in [("p1", "priya"), ("p2", "priya"), ("s1", "sam")] {
        store.create_session(&session(id, who)).await.unwrap();
    }
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$bmV3aGFzaA";
    for (who, s) in [("nobody", session("n1", "nobody")), ("priya", session("x1", "sam"))] {
        assert!(!store.change_password(who, hash, &s).await.unwrap(), "{who}");
        assert!(store.session(&s.id_hash).await.unwrap().is_none(), "{who}: no session started");
    }
    assert_eq!(store.user("priya").await.unwrap(), Some(user("priya")), "refused changes wrote nothing");
    assert!(store.session("p1").await.unwrap().is_some());

    assert!(store.change_password("priya", hash, &session("p3", "priya")).await.unwrap());
    assert_eq!(store.user("priya").await.unwrap().unwrap().password_hash, hash);
    for (id, live) in [("p1", false), ("p2", false), ("p3", true), ("s1", true)] {
        assert_eq!(store.session(id).await.unwrap().is_some(), live, "session {id}");
    }
    assert_eq!(store.user("sam").await.unwrap(), Some(user("sam")), "another user is untouched");
}
both_engines!(change_password_t, changing_a_password_leaves_only_the_new_session);

async fn failed_sign_ins_are_counted_from_a_time<S: AccessStore + Clone + 'static, P>(store: S, _pool: P) {
    for minutes in [0, 5, 20] {
        store.record_failed_sign_in("priya", now() + minutes.minutes()).await.unwrap();
    }
    store.record_failed_sign_in("someone", now()).await.unwrap();
    let since = store.failed_sign_ins("priya", now() + 5.minutes()).await.unwrap();
    assert_eq!(since, [now() + 5.minutes(), now() + 20.minutes()]);
    store.clear_failed_sign_ins("priya").await.unwrap();
    assert!(store.failed_sign_ins("priya", now()).await.unwrap().is_empty());
    assert_eq!(store.failed_sign_ins("someone", now()).await.unwrap().len(), 1, "others' failures stay");
}
both_engines!(failed_t, failed_sign_ins_are_counted_from_a_time);

/// Issue 15 items 3 and 12: a claim reads, refuses when locked, and records, as one step per
/// name, on both engines; and each claim sweeps failures too old to count, whatever the name.
async fn sign_in_claims_are_atomic_per_name_and_sweep_old_failures<
    S: AccessStore + Clone + 'static + Clone + 'static,
    P,
>(
    store: S,
    _pool: P,
) {
    let since = now() - 30.minutes();
    // Twelve unknown names failed an hour ago: swept by the next claim of any name.
    for n in 0..12 {
        store.record_failed_sign_in(&format!("random{n}"), now() - 60.minutes()).await.unwrap();
    }
    let three = |f: &[Timestamp]| f.len() >= 3;
    assert_eq!(store.claim_sign_in_attempt("priya", now(), since, &three).await.unwrap(), Ok(()));
    let kept = store.failed_sign_ins_since(Timestamp::UNIX_EPOCH).await.unwrap();
    assert_eq!(kept, [("priya".to_owned(), now())], "the old failures are gone; the claim stands");
    // Forty claims at once for one name: exactly three get through, the rest see the lock.
    let claims: Vec<_> = (0..40)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let lock = |f: &[Timestamp]| f.len() >= 3;
                store.claim_sign_in_attempt("sam", now() + i.milliseconds(), since, &lock).await.unwrap()
            })
        })
        .collect();
    let mut through = 0;
    for c in claims {
        match c.await.unwrap() {
            Ok(()) => through += 1,
            Err(failures) => assert_eq!(failures.len(), 3, "refused on the three before it"),
        }
    }
    assert_eq!(through, 3);
    assert_eq!(store.failed_sign_ins("sam", since).await.unwrap().len(), 3, "a refused claim writes nothing");
    store.clear_failed_sign_ins("sam").await.unwrap();
    assert_eq!(store.claim_sign_in_attempt("sam", now(), since, &three).await.unwrap(), Ok(()), "cleared");
}
both_engines!(claim_t, sign_in_claims_are_atomic_per_name_and_sweep_old_failures);

/// An administrator's reset changes the hash, ends every session and clears the failures of
/// that user only, at once; an unknown user changes nothing.
async fn a_reset_ends_sessions_and_locks_of_that_user_only<S: AccessStore + Clone + 'static, P>(store: S, _pool: P) {
    for name in ["priya", "sam"] {
        store.add_user(&user(name)).await.unwrap();
        let session = SessionRecord {
            id_hash: format!("{name}-session"),
            username: name.into(),
            csrf_token: "t".into(),
            created_at: now(),
            last_seen: now(),
        };
        store.create_session(&session).await.unwrap();
        store.record_failed_sign_in(name, now()).await.unwrap();
    }
    assert!(store.reset_password("priya", "new-hash").await.unwrap());
    assert_eq!(store.user("priya").await.unwrap().unwrap().password_hash, "new-hash");
    assert!(store.session("priya-session").await.unwrap().is_none(), "her sessions ended");
    assert!(store.failed_sign_ins("priya", now()).await.unwrap().is_empty(), "her lock cleared");
    assert!(store.session("sam-session").await.unwrap().is_some(), "others keep theirs");
    assert_eq!(store.failed_sign_ins("sam", now()).await.unwrap().len(), 1);
    assert!(!store.reset_password("nobody", "x").await.unwrap(), "no such user: nothing written");
}
both_engines!(reset_t, a_reset_ends_sessions_and_locks_of_that_user_only);

async fn limited_access_lists_and_grants<S: AccessStore + Clone + 'static, P>(store: S, _pool: P) {
    store.add_user(&user("priya")).await.unwrap();
    let entry = LimitedAccess {
        id: 0,
        crn: crn("X000001"),
        kind: LimitKind::Exclusion,
        username: "priya".into(),
        starts_on: date("2026-03-01"),
        ends_on: Some(date("2026-12-31")),
        reason: "Her brother".into(),
        added_by: "admin".into(),
        added_at: now(),
    };
    let id = store.add_limited_access(&entry).await.unwrap();
    let open = LimitedAccess { kind: LimitKind::Restriction, ends_on: None, ..entry.clone() };
    let id2 = store.add_limited_access(&open).await.unwrap();
    assert_ne!(id, id2);
    let stranger = store.add_limited_access(&LimitedAccess { username: "nobody".into(), ..entry.clone() }).await;
    assert!(
        matches!(&stranger, Err(StoreError::Field { problem: m, .. }) if m.starts_with("username:")),
        "{stranger:?}"
    );
    assert_eq!(
        store.limited_access_for(&crn("X000001")).await.unwrap(),
        [LimitedAccess { id, ..entry }, LimitedAccess { id: id2, ..open }]
    );
    assert!(store.limited_access_for(&crn("X000002")).await.unwrap().is_empty());
    assert!(store.remove_limited_access(id).await.unwrap());
    assert!(!store.remove_limited_access(id).await.unwrap());
    assert_eq!(store.limited_access().await.unwrap().len(), 1);

    store.grant_cases("priya", &[crn("X000002"), crn("X000001")]).await.unwrap();
    store.grant_cases("priya", &[crn("X000001")]).await.unwrap();
    assert_eq!(store.granted_cases("priya").await.unwrap(), [crn("X000001"), crn("X000002")]);
    assert!(store.granted_cases("ada").await.unwrap().is_empty());
}
both_engines!(limits_t, limited_access_lists_and_grants);

async fn the_read_audit_is_append_only<S: AccessStore + Clone + 'static, P: Executor>(store: S, pool: P) {
    let read = |minutes: i64, who: &str| CaseRead {
        crn: crn("X000001"),
        username: who.into(),
        at: now() + minutes.minutes(),
        route: "/cases/{crn}".into(),
    };
    store.record_read(&read(1, "priya")).await.unwrap();
    store.record_read(&read(0, "sam")).await.unwrap();
    assert_eq!(store.reads_of(&crn("X000001")).await.unwrap(), [read(0, "sam"), read(1, "priya")]);
    assert!(pool.try_sql("UPDATE case_reads SET username = 'nobody'").await.is_err());
    assert!(pool.try_sql("DELETE FROM case_reads").await.is_err());
    assert_eq!(store.reads_of(&crn("X000001")).await.unwrap().len(), 2, "the audit is unchanged");
}
both_engines!(audit_t, the_read_audit_is_append_only);

/// Raw SQL against either engine's pool, to prove the database itself refuses a change.
trait Executor {
    async fn try_sql(&self, sql: &'static str) -> Result<(), sqlx::Error>;
}

impl Executor for sqlx::SqlitePool {
    async fn try_sql(&self, sql: &'static str) -> Result<(), sqlx::Error> {
        sqlx::query(sql).execute(self).await.map(|_| ())
    }
}

impl Executor for sqlx::PgPool {
    async fn try_sql(&self, sql: &'static str) -> Result<(), sqlx::Error> {
        sqlx::query(sql).execute(self).await.map(|_| ())
    }
}

/// The entries of a page of cases, read by CRN: the same entries, in the same order, as the
/// whole list gives for those cases; more cases than one statement may bind work too.
async fn limited_access_for_some_cases<S: AccessStore + Clone + 'static, P>(store: S, _pool: P) {
    store.add_user(&user("priya")).await.unwrap();
    store.add_user(&user("sam")).await.unwrap();
    for (c, kind, who) in [
        ("X000003", LimitKind::Exclusion, "priya"),
        ("X000001", LimitKind::Restriction, "sam"),
        ("X000003", LimitKind::Restriction, "sam"),
        ("X000002", LimitKind::Exclusion, "sam"),
        ("X000001", LimitKind::Exclusion, "priya"),
    ] {
        let entry = LimitedAccess {
            id: 0,
            crn: crn(c),
            kind,
            username: who.into(),
            starts_on: date("2026-03-01"),
            ends_on: None,
            reason: "A reason".into(),
            added_by: "admin".into(),
            added_at: now(),
        };
        store.add_limited_access(&entry).await.unwrap();
    }
    let all = store.limited_access().await.unwrap();
    let of = |crns: &[&str]| -> Vec<LimitedAccess> {
        all.iter().filter(|e| crns.contains(&e.crn.as_str())).cloned().collect()
    };
    let some = [crn("X000003"), crn("X000001"), crn("X000009"), crn("X000003")];
    assert_eq!(store.limited_access_for_cases(&some).await.unwrap(), of(&["X000001", "X000003"]));
    assert!(store.limited_access_for_cases(&[]).await.unwrap().is_empty());
    let many: Vec<Crn> = (0..1_500).map(|i| crn(&format!("X{i:06}"))).collect();
    assert_eq!(store.limited_access_for_cases(&many).await.unwrap(), all);
}
both_engines!(limits_for_cases_t, limited_access_for_some_cases);

/// A session read with its user and the access generation in one statement; the generation
/// moves with every change to a limited-access list, a grant or the organisation (each made
/// through the store, or straight in SQL as another program might), and with nothing else.
async fn the_access_generation_moves_with_what_access_reads<S: AccessStore + Clone + Clone + 'static, P: Executor>(
    store: S,
    pool: P,
) {
    store.add_user(&user("priya")).await.unwrap();
    let s = SessionRecord {
        id_hash: "abc".into(),
        username: "priya".into(),
        csrf_token: "tok".into(),
        created_at: now(),
        last_seen: now(),
    };
    store.create_session(&s).await.unwrap();
    let found = store.signed_in("abc", None).await.unwrap().expect("the session is found");
    assert_eq!((found.session, found.user), (s, user("priya")));
    assert_eq!(store.signed_in("nope", None).await.unwrap(), None);

    let generation = |store: S| async move { store.access_lists().await.unwrap().generation };
    let mut last = generation(store.clone()).await;
    assert_eq!(store.signed_in("abc", None).await.unwrap().unwrap().access_generation, last);

    // Not access: sessions, failed sign-ins, reads.
    store.touch_session("abc", now() + 1.minutes()).await.unwrap();
    store.record_failed_sign_in("priya", now()).await.unwrap();
    store
        .record_read(&CaseRead { crn: crn("X000001"), username: "priya".into(), at: now(), route: "/".into() })
        .await
        .unwrap();
    assert_eq!(generation(store.clone()).await, last, "nothing access reads has changed");

    let entry = LimitedAccess {
        id: 0,
        crn: crn("X000001"),
        kind: LimitKind::Exclusion,
        username: "priya".into(),
        starts_on: date("2026-03-01"),
        ends_on: None,
        reason: "Her brother".into(),
        added_by: "admin".into(),
        added_at: now(),
    };
    let id = store.add_limited_access(&entry).await.unwrap();
    let moved = |before: i64, now: i64, what: &str| {
        assert!(now > before, "{what}: the generation moves ({before} -> {now})");
        now
    };
    last = moved(last, generation(store.clone()).await, "adding an entry");
    assert_eq!(store.access_lists().await.unwrap().limits, [LimitedAccess { id, ..entry }]);
    store.remove_limited_access(id).await.unwrap();
    last = moved(last, generation(store.clone()).await, "removing an entry");
    store.grant_cases("priya", &[crn("X000002")]).await.unwrap();
    last = moved(last, generation(store.clone()).await, "a grant");
    assert_eq!(store.access_lists().await.unwrap().grants, [("priya".to_owned(), crn("X000002"))]);
    for sql in [
        "INSERT INTO areas (code, name) VALUES ('A1', 'North')",
        "INSERT INTO boroughs (code, area, name) VALUES ('B1', 'A1', 'Barnet')",
        "INSERT INTO offices (code, borough, name) VALUES ('O1', 'B1', 'High Street')",
        "INSERT INTO teams (code, office, name) VALUES ('T1', 'O1', 'Team one')",
        "UPDATE teams SET name = 'Team 1'",
        "DELETE FROM case_grants",
    ] {
        pool.try_sql(sql).await.unwrap();
        last = moved(last, generation(store.clone()).await, sql);
    }
    assert_eq!(store.signed_in("abc", None).await.unwrap().unwrap().access_generation, last);
}
both_engines!(generation_t, the_access_generation_moves_with_what_access_reads);
