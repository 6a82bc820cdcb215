//! Every officer's worklist on a London-scale provider (30,000 cases), from folded case
//! states, against the fold itself as the same-run reference.
//!
//! `cargo bench -p probity --bench worklist -- [--cases 30000]`

use domain::case::CaseState;
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let cases: u64 =
        argv.iter().position(|a| a == "--cases").map_or(30_000, |i| argv[i + 1].parse().expect("--cases: a number"));
    let as_of: jiff::civil::Date = "2026-11-26".parse().unwrap();
    let opts = synth::GenerateOptions::new(cases, 1, as_of);
    let org = synth::organisation(&opts);
    let streams: Vec<_> = synth::cases(&opts, &org).unwrap().flatten().collect();

    let t = Instant::now();
    let states: Vec<CaseState> =
        streams.iter().map(|(crn, events)| CaseState::fold(crn.clone(), events).unwrap()).collect();
    let fold = t.elapsed();

    // Group active cases by responsible officer, as the caseload projection does.
    let mut by_officer: BTreeMap<&domain::Code, Vec<&CaseState>> = BTreeMap::new();
    for s in &states {
        if let (true, Some(a)) = (s.is_active(), &s.officer) {
            by_officer.entry(&a.officer).or_default().push(s);
        }
    }
    let mut best = f64::MAX;
    let mut items = 0;
    for _ in 0..5 {
        let t = Instant::now();
        items = 0;
        for cases in by_officer.values() {
            items += domain::practice::worklist::officer_worklist(cases.iter().copied(), as_of).len();
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "worklists: {} officers, {} active cases, {items} items: all worklists in {:.1} ms (best of 5; target well under 1 s); folding {} cases took {:.1} ms",
        by_officer.len(),
        by_officer.values().map(Vec::len).sum::<usize>(),
        best * 1000.0,
        states.len(),
        fold.as_secs_f64() * 1000.0
    );
}
