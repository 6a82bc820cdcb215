//! A server killed with SIGKILL in the middle of appends loses no acknowledged event, and
//! `probity check` passes after restart with nothing rebuilt by hand.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One HTTP/1.1 request on a fresh connection; returns the status code and the whole response.
fn request(addr: &str, head: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(s, "{head}\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())?;
    let mut response = String::new();
    s.read_to_string(&mut response)?;
    let status = response.split_whitespace().nth(1).and_then(|c| c.parse().ok());
    let status = status.ok_or_else(|| std::io::Error::other(format!("no status in {response:?}")))?;
    Ok((status, response))
}

/// The value of cookie `name` set by a response.
fn cookie(response: &str, name: &str) -> String {
    let prefix = format!("set-cookie: {name}=");
    let line = response.lines().find(|l| l.to_ascii_lowercase().starts_with(&prefix)).expect("the cookie is set");
    line[prefix.len()..].split(';').next().unwrap().to_owned()
}

/// The hidden CSRF token of a page's first form.
fn csrf(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    page[page.find(marker).expect("a form with a CSRF token") + marker.len()..].split('"').next().unwrap().to_owned()
}

/// Signs in through the real form; returns the session cookie and the session's CSRF token.
fn sign_in(addr: &str, username: &str, password: &str) -> (String, String) {
    let (_, form) = request(addr, "GET /sign-in HTTP/1.1", "").unwrap();
    let body =
        format!("username={username}&password={}&csrf_token={}&next=%2F", password.replace(' ', "+"), csrf(&form));
    let head = format!(
        "POST /sign-in HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nCookie: probity_sign_in={}",
        cookie(&form, "probity_sign_in")
    );
    let (status, signed_in) = request(addr, &head, &body).unwrap();
    assert_eq!(status, 303, "{username} signs in: {signed_in}");
    let session = cookie(&signed_in, "probity_session");
    let (_, home) = request(addr, &format!("GET / HTTP/1.1\r\nCookie: probity_session={session}"), "").unwrap();
    (session, csrf(&home))
}

/// Appends through the JSON API as a signed-in user; returns the status code.
fn post(addr: &str, path: &str, body: &str, session: &(String, String)) -> std::io::Result<u16> {
    let head = format!(
        "POST {path} HTTP/1.1\r\nContent-Type: application/json\r\nCookie: probity_session={}\r\nx-csrf-token: {}",
        session.0, session.1
    );
    request(addr, &head, body).map(|(status, _)| status)
}

fn event(seq: u32) -> String {
    let e = if seq == 0 {
        r#"{"type":"person_registered","person":{"first_name":"Kim","family_name":"Killed","date_of_birth":"1990-01-01","gender":"female"}}"#.to_owned()
    } else {
        format!(
            r#"{{"type":"appointment_booked","appointment":{{"id":"A{seq}","at":"2026-11-02T10:00:00","minutes":30,"kind":"office_visit"}}}}"#
        )
    };
    format!(r#"{{"occurred_at":"2026-11-02T10:00:00Z","event":{e}}}"#)
}

#[test]
fn sigkill_while_appending_loses_no_acknowledged_event() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("crash.db").display());
    let password = "a password for the crash test";
    let mut add = Command::new(env!("CARGO_BIN_EXE_probity"))
        .args(["user", "add", "--database", &db, "--username", "writer", "--role", "spo", "--scope", "provider"])
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{password}").unwrap();
    assert!(add.wait().unwrap().success(), "the writer is added");
    let mut server = Command::new(env!("CARGO_BIN_EXE_probity"))
        .args(["serve", "--database", &db, "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The server prints the address it listens on.
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.split("http://").nth(1).expect("an http:// address").trim().trim_end_matches('/').to_owned();

    let session = sign_in(&addr, "writer", password);

    // Writers append one event at a time to their own cases and remember what was acknowledged.
    let acknowledged: Arc<Mutex<Vec<(String, u32)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (addr, acknowledged, stop, session) = (addr.clone(), acknowledged.clone(), stop.clone(), session.clone());
        writers.push(std::thread::spawn(move || {
            let crn = format!("K{:06}", w);
            for version in 0..10_000u32 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let body = format!(r#"{{"expected_version":{version},"events":[{}]}}"#, event(version));
                match post(&addr, &format!("/api/cases/{crn}/events"), &body, &session) {
                    Ok(201) => acknowledged.lock().unwrap().push((crn.clone(), version + 1)),
                    Ok(other) => panic!("append refused with {other}"),
                    Err(_) => break, // the server is gone
                }
            }
        }));
    }
    std::thread::sleep(Duration::from_millis(1500));
    server.kill().unwrap(); // SIGKILL on Unix
    server.wait().unwrap();
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > 20, "the writers got going before the kill ({} acknowledged)", acknowledged.len());

    // After restart: the projections equal a rebuild, with no manual step.
    let check = Command::new(env!("CARGO_BIN_EXE_probity")).args(["check", "--database", &db]).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));

    // Every acknowledged version is in the log.
    let out = dir.path().join("export");
    let export = Command::new(env!("CARGO_BIN_EXE_probity"))
        .args(["export", "--database", &db, "--dir", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    let events = std::fs::read_to_string(out.join("events.csv")).unwrap();
    for (crn, seq) in acknowledged {
        assert!(events.contains(&format!("\n{crn},{seq},")), "acknowledged event {crn}#{seq} was lost");
    }
}
