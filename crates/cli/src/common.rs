//! What the command modules share, below all of them: the store flag, flags common to many
//! commands, files read for a flag, and output helpers. Nothing here names a command module,
//! so the modules form layers (`main` -> each command module -> `common`).

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use services::clock::Clock;
use store::DatabaseUrl;

#[derive(Args)]
pub struct DbArgs {
    /// `sqlite://path` or `postgres://...`
    #[arg(long, default_value = "sqlite://probity.db")]
    pub database: String,
}

impl DbArgs {
    pub fn url(&self) -> anyhow::Result<DatabaseUrl> {
        DatabaseUrl::parse(&self.database).map_err(anyhow::Error::msg)
    }
}

/// Parses a `YYYY-MM-DD` flag, naming it on error; when it is left out, today by `clock`.
pub fn date_flag(flag: &str, value: Option<&str>, clock: Clock) -> anyhow::Result<jiff::civil::Date> {
    match value {
        None => Ok(clock.today()),
        Some(v) => v.parse().map_err(|_| anyhow::anyhow!("{flag}: `{v}` is not a date (YYYY-MM-DD)")),
    }
}

/// The text of the file a flag names; an unreadable file names the flag.
pub fn read(flag: &str, path: &std::path::Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("{flag}: {}", path.display()))
}

/// Appends one CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// A progress bar on stderr for long loads (hidden when stderr is not a terminal).
pub fn progress_bar(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} cases ({per_sec}, eta {eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}

/// The listener for `--addr`, opened before anything slow so a bad address fails at once.
pub async fn listen(addr: &str) -> anyhow::Result<tokio::net::TcpListener> {
    let addr: std::net::SocketAddr = addr.parse().map_err(|_| anyhow::anyhow!("--addr: `{addr}` is not host:port"))?;
    tokio::net::TcpListener::bind(addr).await.with_context(|| format!("--addr: cannot listen on {addr}"))
}

/// A random password that meets the policy (`services::access::generated_password`).
pub fn generated_password(username: &str) -> String {
    services::access::generated_password(username, &mut services::access::new_token)
}
