//! Generates a run and prints how long it took, events per case and, with `--stats`, the
//! calibration table. `cargo run --release -p synth --example scale -- 262000 [--stats]`
//! (a measurement for people, not a test: tests never time anything).

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cases: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(262_000);
    let with_stats = args.iter().any(|a| a == "--stats");
    let opts = synth::GenerateOptions::new(cases, 1, jiff::civil::date(2018, 1, 31));
    let org = synth::organisation(&opts);
    let started = Instant::now();
    let mut events = 0u64;
    let mut states = Vec::new();
    for batch in synth::cases(&opts, &org).expect("valid options") {
        for (crn, stream) in batch {
            events += stream.len() as u64;
            if with_stats {
                states.push(domain::case::CaseState::fold(crn, &stream).expect("valid stream"));
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{cases} cases, {events} events ({:.1} per case) in {secs:.2}s: {:.0} events/s",
        events as f64 / cases as f64,
        events as f64 / secs
    );
    if with_stats {
        print!("{}", synth::stats(&org, &states));
    }
}
