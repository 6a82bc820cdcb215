//! The accounts use cases (`services::accounts`), on both engines: an administrator's changes
//! to users and the limited-access lists refuse every bad field by name and change nothing;
//! the provider keeps an administrator; who made a change and when come from the caller's
//! session and clock; a wrong current password counts towards the same lockout as sign-in;
//! and password work never runs more at once than the machine has cores.

use domain::example::code;
use domain::ids::Name;
use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Organisation, Staff, Team};
use services::access::{self, Administrator, PlaceScope, Role, User, Username};
use services::accounts::{
    self, CurrentPasswordRefused, LimitForm, OwnPassword, OwnPasswordRefused, SignInRefused, UserForm,
};
use services::stores::AnyStore;
use services::{ServiceError, Stores};
use store::auth::SessionRecord;
use store::testing::{postgres, sqlite};

fn organisation() -> Organisation {
    let name = |s: &str| Name::parse(s).unwrap();
    Organisation {
        areas: vec![Area { code: code("LDN"), name: name("London") }],
        boroughs: vec![Borough { code: code("CAM"), area: code("LDN"), name: name("Camden") }],
        offices: vec![Office { code: code("CAM1"), borough: code("CAM"), name: name("Camden office") }],
        teams: vec![Team { code: code("TEAM1"), office: code("CAM1"), name: name("Camden North") }],
        staff: vec![Staff {
            code: code("OFF1"),
            team: code("TEAM1"),
            name: name("Priya Shah"),
            grade: Grade::Po,
            contracted_hours: ContractedHours::new(37.0).unwrap(),
            employment: Employment::Permanent,
            specialisms: vec![],
        }],
    }
}

const PASSWORD: &str = "a long enough passphrase";

fn form<'a>(username: &'a str, role: &'a str, scope: &'a str, officer: &'a str) -> UserForm<'a> {
    UserForm { username, password: Some(PASSWORD), role, scope, officer }
}

fn fields(e: ServiceError) -> Vec<String> {
    match e {
        ServiceError::Invalid(problems) => problems.into_iter().map(|p| p.field).collect(),
        other => panic!("expected bad fields, got {other:?}"),
    }
}

async fn accounts_are_kept_by_their_rules<S: AnyStore>(store: S) {
    store.bulk_load(&organisation(), &mut std::iter::empty(), &|_| {}).await.unwrap();
    let stores = Stores::new(store.clone());
    let now = store::to_stored_precision(jiff::Timestamp::from_second(1_795_000_000).unwrap());

    // The operator makes the first administrator; an SPO is no administrator.
    let op = Administrator::Operator;
    accounts::add_user(&stores, op, now, form("root", "admin", "provider", "")).await.unwrap();
    let spo = User {
        username: Username::parse("jo.bloggs").unwrap(),
        role: Role::SeniorProbationOfficer,
        scope: PlaceScope::Team(code("TEAM1")),
        officer: None,
        disabled: false,
    };
    assert!(Administrator::of(&spo).is_none(), "an SPO does not administer");
    let root = access::User::from_record(&store.user("root").await.unwrap().unwrap()).unwrap();
    let admin = Administrator::of(&root).expect("an administrator administers");

    // Every bad field at once, and nothing written.
    let bad = UserForm { password: Some("short"), ..form("Sam Smith", "superuser", "team:NOPE", "NOSUCH1") };
    let refused = accounts::add_user(&stores, admin, now, bad).await.unwrap_err();
    assert_eq!(fields(refused), ["password", "username", "role", "scope", "officer"]);
    assert_eq!(store.users().await.unwrap().len(), 1, "nothing written");
    // A username already taken is refused on its field.
    let taken = accounts::add_user(&stores, admin, now, form("root", "spo", "team:TEAM1", "")).await.unwrap_err();
    assert_eq!(fields(taken), ["username"]);

    let added = accounts::add_user(&stores, admin, now, form("priya", "responsible_officer", "team:TEAM1", "OFF1"))
        .await
        .unwrap();
    assert_eq!((added.role, added.officer), (Role::ResponsibleOfficer, Some(code("OFF1"))));
    let priya = store.user("priya").await.unwrap().unwrap();
    assert!(access::verify_password(&priya.password_hash, PASSWORD));
    assert_eq!(priya.created_at, now, "the caller's clock, not the store's");

    // The last administrator can be neither demoted nor disabled.
    let demote = accounts::change_role(&stores, admin, "root", form("", "spo", "team:TEAM1", "")).await;
    assert_eq!(fields(demote.unwrap_err()), ["role"]);
    assert_eq!(fields(accounts::disable_user(&stores, admin, "root").await.unwrap_err()), ["username"]);
    assert!(matches!(accounts::disable_user(&stores, admin, "nobody").await, Err(ServiceError::NotFound(_))));
    accounts::change_role(&stores, admin, "priya", form("", "spo", "team:TEAM1", "")).await.unwrap();
    let priya = store.user("priya").await.unwrap().unwrap();
    assert_eq!(priya.role, "spo");
    assert!(access::verify_password(&priya.password_hash, PASSWORD), "a change of role keeps the password");

    // A wrong current password counts towards the lockout, as at sign-in.
    let throttle = access::AddressThrottle::default();
    let session = |id: &str| SessionRecord {
        id_hash: id.to_owned(),
        username: "priya".to_owned(),
        csrf_token: "t".to_owned(),
        created_at: now,
        last_seen: now,
    };
    let me = access::User::from_record(&priya).unwrap();
    let wrong = OwnPassword { current: "not my password at all", new: "a brand new passphrase", confirm: "" };
    let refused =
        accounts::change_own_password(&stores, &throttle, None, &me, wrong, &session("s1")).await.unwrap().unwrap_err();
    assert_eq!(
        refused,
        OwnPasswordRefused {
            current: Some(CurrentPasswordRefused::Refused(SignInRefused::Wrong)),
            new: vec![services::FieldProblem::new(
                "confirm_password",
                "confirm_password: enter the new password again"
            )],
        }
    );
    for _ in 0..4 {
        let r = accounts::check_password(&stores, &throttle, None, "priya", "still not it, sorry").await.unwrap();
        assert!(r.is_err());
    }
    let locked = accounts::check_password(&stores, &throttle, None, "priya", PASSWORD).await.unwrap();
    assert!(matches!(locked, Err(SignInRefused::Locked { .. })), "five failures, both ways, lock: {locked:?}");
    // The administrator ends the lock; then the right password changes.
    let listed = accounts::users(&stores, admin, services::clock::Clock::instant()).await.unwrap();
    assert!(listed.iter().any(|u| u.user.username == "priya" && u.locked_until.is_some()), "shown as locked");
    accounts::unlock_user(&stores, admin, "priya").await.unwrap();
    let right = OwnPassword { current: PASSWORD, new: "a brand new passphrase", confirm: "a brand new passphrase" };
    accounts::change_own_password(&stores, &throttle, None, &me, right, &session("s2")).await.unwrap().unwrap();
    let priya = store.user("priya").await.unwrap().unwrap();
    assert!(access::verify_password(&priya.password_hash, "a brand new passphrase"));
    // A reset makes a password that meets the rule and is the one stored.
    let reset = accounts::reset_password(&stores, admin, "priya").await.unwrap();
    assert!(access::check_password_strength("password", &reset, "priya").is_ok());
    assert!(access::verify_password(&store.user("priya").await.unwrap().unwrap().password_hash, &reset));

    // Limited access: every bad field named, nothing written; then one entry, by the
    // administrator, at the caller's time.
    let limit =
        |crn, kind, username, starts_on, ends_on, reason| LimitForm { crn, kind, username, starts_on, ends_on, reason };
    let bad = limit("X999999", "ban", "nobody", "", "20-01-2026", " ");
    let refused = accounts::add_limited_access(&stores, admin, now, bad).await.unwrap_err();
    assert_eq!(fields(refused), ["crn", "kind", "username", "starts_on", "ends_on", "reason"]);
    assert!(store.limited_access().await.unwrap().is_empty(), "nothing written");
    let backwards = limit("X999999", "exclusion", "priya", "2026-02-01", "2026-01-01", "conflict");
    let refused = accounts::add_limited_access(&stores, admin, now, backwards).await.unwrap_err();
    assert_eq!(fields(refused), ["crn", "ends_on"], "no such case, and the end before the start");
    assert!(matches!(
        accounts::remove_limited_access(&stores, admin, "x").await,
        Err(ServiceError::Invalid(p)) if p[0].field == "id"
    ));
    assert!(matches!(accounts::remove_limited_access(&stores, admin, "99").await, Err(ServiceError::NotFound(_))));
}

#[tokio::test]
async fn accounts_are_kept_by_their_rules_sqlite() {
    let (store, _dir) = sqlite().await;
    accounts_are_kept_by_their_rules(store).await;
}

#[tokio::test]
async fn accounts_are_kept_by_their_rules_postgres() {
    if let Some(store) = postgres().await {
        accounts_are_kept_by_their_rules(store).await;
    }
}

/// However many checks arrive at once, no more than the machine's cores run.
#[tokio::test]
async fn password_work_runs_no_more_at_once_than_there_are_cores() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let running = std::sync::Arc::new(AtomicUsize::new(0));
    let most = std::sync::Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..24)
        .map(|_| {
            let (running, most) = (running.clone(), most.clone());
            tokio::spawn(accounts::password_work(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(20));
                running.fetch_sub(1, Ordering::SeqCst);
            }))
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let cores = std::thread::available_parallelism().unwrap().get();
    let most = most.load(Ordering::SeqCst);
    assert!((1..=cores).contains(&most), "{most} at once on {cores} cores");
}
