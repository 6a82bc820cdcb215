//! Drives Debian's headless Chromium through chromedriver against the real server, and runs
//! axe-core in each page.
//!
//! What the browser tests need, and where it comes from:
//! - `chromedriver` (Debian's `chromium-driver`; `PROBITY_CHROMEDRIVER` overrides the path) and
//!   `chromium` (`PROBITY_CHROMIUM`);
//! - axe-core's `axe.min.js` (npm `axe-core`; `PROBITY_AXE_JS` names the file).
//!
//! When `PROBITY_BROWSER_TESTS=required` (CI sets it) a missing piece fails the test; with `skip`
//! the tests return at once (CI's second run, under a shifted date); otherwise
//! the test says what is missing and returns, so `cargo test` works on a machine with only Rust.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Tools {
    chromedriver: String,
    chromium: String,
    axe: String,
}

impl Tools {
    /// The tools, or `None` (with a message) when they are missing and not required.
    pub fn find() -> Option<Self> {
        let wanted = std::env::var("PROBITY_BROWSER_TESTS").unwrap_or_default();
        if wanted == "skip" {
            eprintln!("skipping browser test: PROBITY_BROWSER_TESTS=skip");
            return None;
        }
        let required = wanted == "required";
        let chromedriver = std::env::var("PROBITY_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium = std::env::var("PROBITY_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let axe_path =
            std::env::var("PROBITY_AXE_JS").unwrap_or_else(|_| "target/npm/node_modules/axe-core/axe.min.js".into());
        let mut missing = Vec::new();
        for (what, path) in [("chromedriver", &chromedriver), ("chromium", &chromium)] {
            if !std::path::Path::new(path).exists() {
                missing.push(format!("{what} at {path}"));
            }
        }
        // Tests run in the crate directory; the default path is relative to the workspace root.
        let axe = std::fs::read_to_string(&axe_path)
            .or_else(|_| std::fs::read_to_string(format!("../../{axe_path}")))
            .map_err(|_| missing.push(format!("axe-core at {axe_path} (set PROBITY_AXE_JS)")))
            .ok();
        if !missing.is_empty() {
            assert!(!required, "browser tests are required but these are missing: {}", missing.join(", "));
            eprintln!("skipping browser test: missing {}", missing.join(", "));
            return None;
        }
        Some(Self { chromedriver, chromium, axe: axe.unwrap_or_default() })
    }
}

/// A chromedriver process and one headless browser session; both end when this is dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    axe: String,
}

/// Ends chromedriver and every browser it started, also when the test failed: chromedriver
/// runs in a process group of its own, and the whole group is killed, since killing only
/// chromedriver leaves its Chromium processes running, orphaned.
impl Drop for Browser {
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Browser {
    pub async fn start(tools: &Tools) -> Self {
        let port = free_port();
        // The browser keeps the real date when the tests run under libfaketime (CI's any-day
        // check): only the server's clock is under test, and Chromium stalls on a shifted one.
        let driver = Command::new(&tools.chromedriver)
            .env_remove("LD_PRELOAD")
            .env_remove("FAKETIME")
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": tools.chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"],
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..100 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => return Self { client, driver, axe: tools.axe.clone() },
                Err(e) => {
                    last_error = e.to_string();
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("could not start a browser session through chromedriver: {last_error}");
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|e| panic!("{url}: {e}"));
    }

    /// The text of the first element matching `css`. A click that submits a form may still be
    /// loading the next page, so a reference gone stale is looked up again (for up to 5 s).
    pub async fn text(&self, css: &str) -> String {
        let mut last = String::new();
        for _ in 0..50 {
            match self.client.find(Locator::Css(css)).await {
                Ok(e) => match e.text().await {
                    Ok(t) => return t,
                    Err(err) => last = err.to_string(),
                },
                Err(err) => last = err.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css}: {last}");
    }

    pub async fn body(&self) -> String {
        self.text("body").await
    }

    /// Whether the page shows `needle`, waiting up to 5 s for a page still loading.
    pub async fn shows(&self, needle: &str) -> bool {
        for _ in 0..50 {
            if self.body().await.contains(needle) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    /// The path once it is no longer `from` (a form submitted, a link followed), waiting up
    /// to 5 s; `from` itself if the page never moves.
    pub async fn path_after(&self, from: &str) -> String {
        for _ in 0..50 {
            let path = self.current_path().await;
            if path != from {
                return path;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        from.to_owned()
    }

    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.unwrap();
    }

    pub async fn current_path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_owned()
    }

    /// The page's WCAG 2.2 A/AA violations as found by axe-core, one line each
    /// ("rule: target — help"). Empty when the page passes.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        self.client.execute(&self.axe, vec![]).await.expect("axe-core loads into the page");
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] } })
              .then(r => done(r.violations.flatMap(v => v.nodes.map(n =>
                  v.id + ': ' + n.target.join(' ') + ' — ' + v.help))))
              .catch(e => done(['axe failed: ' + e]));
        "#;
        let result = self.client.execute_async(script, vec![]).await.expect("axe-core runs");
        match result {
            Value::Array(items) => items.into_iter().map(|v| v.as_str().unwrap_or_default().to_owned()).collect(),
            other => panic!("axe-core returned {other}"),
        }
    }

    /// Visits `url` and fails the test with every violation if the page does not pass axe-core.
    pub async fn assert_accessible(&self, url: &str) {
        self.goto(url).await;
        let violations = self.accessibility_violations().await;
        assert!(violations.is_empty(), "{url} fails WCAG 2.2 AA checks:\n{}", violations.join("\n"));
    }
}
