//! Solves an instance file and prints the solution JSON on stdout, timings on stderr.
//!
//! `cargo run -p upw --release --example solve -- /tmp/i.json`
//! (The `probity upw solve --instance FILE.json` command does the same without timings.)

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: solve INSTANCE.json");
        std::process::exit(2)
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1)
    });
    let started = Instant::now();
    let instance = upw::Instance::from_json(&text).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1)
    });
    let parsed = started.elapsed();
    let started = Instant::now();
    let solution = upw::solve(&instance);
    let solved = started.elapsed();
    eprintln!("parse_seconds {:.3} solve_seconds {:.3}", parsed.as_secs_f64(), solved.as_secs_f64());
    println!("{}", solution.to_json());
}
