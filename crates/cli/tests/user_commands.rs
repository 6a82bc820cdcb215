//! `probity user add` and `probity user disable` as an administrator runs them.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use store::AccessStore;

fn probity(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_probity"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("probity runs");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_are_added_with_an_argon2id_hash_refused_naming_the_field_and_disabled() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("u.db");
    let db = format!("sqlite://{}", path.display());
    let generated =
        probity(&["generate", "--cases", "60", "--seed", "3", "--as-of", "2026-11-26", "--database", &db], "");
    assert!(generated.status.success(), "{}", stderr(&generated));
    let store = store::SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let org = store::CaseStore::organisation(&store).await.unwrap();
    let (officer, team) = (org.staff[0].code.to_string(), org.staff[0].team.to_string());
    let scope = format!("team:{team}");

    let add = |username: &str, role: &str, scope: &str, officer: Option<&str>| {
        let mut args = vec!["user", "add", "--database", &db, "--username", username, "--role", role, "--scope", scope];
        if let Some(o) = officer {
            args.extend(["--officer", o]);
        }
        args.push("--password-stdin");
        probity(&args, "a long enough password\n")
    };
    let ok = add("priya", "responsible_officer", &scope, Some(&officer));
    assert!(ok.status.success(), "{}", stderr(&ok));
    let user = store.user("priya").await.unwrap().expect("added");
    assert!(user.password_hash.starts_with("$argon2id$"), "{}", user.password_hash);
    assert!(services::access::verify_password(&user.password_hash, "a long enough password"));
    assert_eq!((user.role.as_str(), user.scope_code.as_deref()), ("responsible_officer", Some(team.as_str())));

    // Bad input: a one-line error naming the field, and nothing written.
    for (args, field) in [
        (("sam", "superuser", scope.as_str(), None), "role:"),
        (("sam", "spo", "street:X1", None), "scope:"),
        (("Sam Smith", "spo", scope.as_str(), None), "username:"),
        (("sam", "spo", scope.as_str(), Some("NOSUCH1")), "officer:"),
        (("priya", "spo", scope.as_str(), None), "username:"),
        // Issue 15 item 11: a place that does not exist.
        (("sam", "spo", "team:ZZZ-T999", None), "scope:"),
        (("sam", "spo", "borough:NOWHERE", None), "scope:"),
    ] {
        let (u, r, s, o) = args;
        let out = add(u, r, s, o);
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr(&out).contains(field), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    }
    assert_eq!(store.users().await.unwrap().len(), 1, "nothing written by refused adds");
    let short = probity(
        &[
            "user",
            "add",
            "--database",
            &db,
            "--username",
            "sam",
            "--role",
            "spo",
            "--scope",
            &scope,
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(stderr(&short).starts_with("probity: password:"), "{}", stderr(&short));
    // Issue 15 item 6: NCSC and NIST 800-63B: no repetition, no common password, not the name.
    for weak in ["aaaaaaaaaaaa", "            ", "password1234", "sam's password is sam"] {
        let args = ["user", "add", "--database", &db, "--username", "sam", "--role", "spo", "--scope", &scope];
        let out = probity(&[&args[..], &["--password-stdin"]].concat(), &format!("{weak}\n"));
        assert!(!out.status.success(), "{weak:?}");
        assert!(stderr(&out).starts_with("probity: password:"), "{weak:?}: {}", stderr(&out));
    }
    assert!(store.user("sam").await.unwrap().is_none(), "no weak password was set");

    // Without --password-stdin a password is made and printed once.
    let made =
        probity(&["user", "add", "--database", &db, "--username", "sam", "--role", "spo", "--scope", &scope], "");
    assert!(made.status.success(), "{}", stderr(&made));
    let printed = String::from_utf8_lossy(&made.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("password: ").map(str::to_owned))
        .unwrap();
    let sam = store.user("sam").await.unwrap().unwrap();
    assert!(services::access::verify_password(&sam.password_hash, &printed));

    let off = probity(&["user", "disable", "--database", &db, "--username", "sam"], "");
    assert!(off.status.success(), "{}", stderr(&off));
    assert!(store.user("sam").await.unwrap().unwrap().disabled);
    let none = probity(&["user", "disable", "--database", &db, "--username", "nobody"], "");
    assert!(stderr(&none).contains("username:"), "{}", stderr(&none));

    // Issue 15 item 11: the last administrator cannot be disabled.
    let admin =
        ["user", "add", "--database", &db, "--username", "root-admin", "--role", "admin", "--scope", "provider"];
    assert!(probity(&admin, "").status.success());
    let last = probity(&["user", "disable", "--database", &db, "--username", "root-admin"], "");
    assert!(!last.status.success());
    assert!(stderr(&last).contains("last administrator"), "{}", stderr(&last));
    assert!(!store.user("root-admin").await.unwrap().unwrap().disabled);
}
