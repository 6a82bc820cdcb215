//! The generator's contract: deterministic, independent of batching, and every stream it
//! makes is one the case log would accept.

use domain::case::CaseState;
use domain::event::{CaseEvent, RecordedEvent};
use domain::ids::Crn;
use domain::org::Grade;
use jiff::civil::{Date, date};
use proptest::prelude::*;
use synth::{GenerateError, GenerateOptions, Generator, MAX_CASES, crn};

type Case = (Crn, Vec<RecordedEvent>);

fn run(opts: &GenerateOptions) -> Vec<Case> {
    let org = synth::organisation(opts);
    synth::cases(opts, &org).unwrap().flatten().collect()
}

fn opts(cases: u64, seed: u64) -> GenerateOptions {
    GenerateOptions::new(cases, seed, date(2018, 1, 31))
}

/// The start of the reference date in the UK: nothing may occur at or after it.
fn cutoff(as_of: Date) -> jiff::Timestamp {
    jiff::tz::TimeZone::get("Europe/London").unwrap().to_timestamp(as_of.at(0, 0, 0, 0)).unwrap()
}

/// Folds a stream as the log would and checks the things the fold does not: sequence,
/// CRN, time order, both times before the reference date, recording after occurrence.
fn check_stream(crn: &Crn, events: &[RecordedEvent], as_of: Date) -> CaseState {
    let cut = cutoff(as_of);
    assert!(matches!(events.first().map(|e| &e.event), Some(CaseEvent::PersonRegistered { .. })), "{crn}");
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1, "{crn}");
        assert_eq!(&e.crn, crn);
        assert!(e.occurred_at < cut, "{crn} event {} occurred {} on or after {as_of}", e.seq, e.occurred_at);
        assert!(e.recorded_at >= e.occurred_at && e.recorded_at <= cut, "{crn} event {}", e.seq);
        if i > 0 {
            assert!(events[i - 1].occurred_at <= e.occurred_at, "{crn}: events out of time order at {}", e.seq);
        }
    }
    CaseState::fold(crn.clone(), events).unwrap_or_else(|r| panic!("{crn} does not fold: {r}"))
}

#[test]
fn the_same_options_give_the_same_organisation_and_events() {
    let a = run(&opts(300, 11));
    let b = run(&opts(300, 11));
    assert_eq!(a.len(), 300);
    assert_eq!(a, b);
    assert_eq!(synth::organisation(&opts(300, 11)), synth::organisation(&opts(300, 11)));
}

#[test]
fn another_seed_gives_other_events() {
    let a = run(&opts(100, 11));
    let b = run(&opts(100, 12));
    assert_eq!(a.iter().map(|c| &c.0).collect::<Vec<_>>(), b.iter().map(|c| &c.0).collect::<Vec<_>>());
    let differ = a.iter().zip(&b).filter(|(x, y)| x.1 != y.1).count();
    assert!(differ > 95, "only {differ} of 100 cases differ");
    assert_ne!(synth::organisation(&opts(100, 11)).staff, synth::organisation(&opts(100, 12)).staff);
}

#[test]
fn batching_does_not_change_a_case() {
    let o = opts(450, 5);
    let org = synth::organisation(&o);
    let whole = run(&o);
    let small: Vec<Case> = synth::Batches::new(Generator::new(&o, &org).unwrap(), 7).flatten().collect();
    assert_eq!(whole, small);
    let g = Generator::new(&o, &org).unwrap();
    for i in (0..450).rev().step_by(37) {
        assert_eq!(g.case(i), whole[i as usize], "case {i} made alone");
    }
    let batches = synth::cases(&o, &org).unwrap();
    assert_eq!(batches.len(), 1);
    assert_eq!(synth::Batches::new(Generator::new(&o, &org).unwrap(), 100).len(), 5);
}

#[test]
fn every_stream_folds_and_stays_before_the_reference_date() {
    for (seed, as_of) in [(1, date(2018, 1, 31)), (2, date(2026, 3, 29)), (3, date(2020, 12, 25))] {
        let o = GenerateOptions::new(1_500, seed, as_of);
        let mut active = 0;
        for (crn, events) in run(&o) {
            let state = check_stream(&crn, &events, as_of);
            assert!(state.officer.is_some(), "{crn} has no responsible officer");
            if let Some(current) = state.current_sentence() {
                active += 1;
                assert!(current.sentence.end_date > as_of, "{crn}: an active sentence ended before {as_of}");
            }
            for s in &state.sentences {
                if let Some((on, _)) = s.ended {
                    assert!(on < as_of, "{crn}");
                }
                if let Some(on) = s.released_on {
                    assert!(on < as_of, "{crn}");
                    assert_eq!(s.sentence.kind, domain::sentence::SentenceKind::Custodial);
                }
            }
        }
        assert!((1_190..=1_210).contains(&active), "80% active: {active}");
    }
}

#[test]
fn the_organisation_is_londons_and_valid() {
    for cases in [0, 10, 5_000, 262_000] {
        let org = synth::organisation(&opts(cases, 3));
        org.validate().unwrap();
        assert_eq!((org.areas.len(), org.boroughs.len(), org.offices.len()), (5, 33, 25), "{cases}");
        let officers = org.staff.iter().filter(|s| s.grade != Grade::Spo).count() as u64;
        assert_eq!(officers, synth::officers_for(cases));
        for t in &org.teams {
            let spos = org.staff.iter().filter(|s| s.team == t.code && s.grade == Grade::Spo).count();
            assert_eq!(spos, 1, "team {} has one SPO", t.code);
        }
        // Every office has a team.
        for o in &org.offices {
            assert!(org.teams.iter().any(|t| t.office == o.code), "{}", o.code);
        }
    }
    let org = synth::organisation(&opts(5_000, 3));
    assert!(org.boroughs.iter().any(|b| b.name.as_str() == "City of London"));
    assert!(org.boroughs.iter().any(|b| b.name.as_str() == "Tower Hamlets"));
}

#[test]
fn crns_run_in_sequence_through_the_letters() {
    assert_eq!(crn(0).unwrap().as_str(), "X000001");
    assert_eq!(crn(999_998).unwrap().as_str(), "X999999");
    assert_eq!(crn(999_999).unwrap().as_str(), "Y000001");
    assert_eq!(crn(3 * 999_999).unwrap().as_str(), "A000001");
    assert_eq!(crn(MAX_CASES - 1).unwrap().as_str(), "W999999");
    assert_eq!(crn(MAX_CASES), Err(GenerateError::TooManyCases(MAX_CASES + 1)));
    let too_many = opts(MAX_CASES + 1, 1);
    assert_eq!(too_many.validate(), Err(GenerateError::TooManyCases(MAX_CASES + 1)));
    assert!(matches!(GenerateOptions::new(1, 1, date(1900, 1, 1)).validate(), Err(GenerateError::AsOfOutOfRange(_))));
    let cases = run(&opts(20, 1));
    let crns: Vec<&str> = cases.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(crns[..3], ["X000001", "X000002", "X000003"]);
}

#[test]
fn a_run_streams_across_threads() {
    fn send<T: Send>(_: &T) {}
    fn sync<T: Sync>(_: &T) {}
    let o = opts(10, 1);
    let org = synth::organisation(&o);
    let batches = synth::cases(&o, &org).unwrap();
    send(&batches);
    sync(batches.generator());
    let handle = std::thread::spawn(move || batches.flatten().count());
    assert_eq!(handle.join().unwrap(), 10);
}

#[test]
fn any_organisation_with_an_officer_will_do() {
    let o = opts(40, 9);
    let mut org = synth::organisation(&opts(1, 9));
    // Keep one team with its SPO and one officer.
    let holder = org.staff.iter().find(|s| s.grade != Grade::Spo).unwrap();
    let (team, officer) = (holder.team.clone(), holder.code.clone());
    org.staff.retain(|s| s.team == team && (s.grade == Grade::Spo || s.code == officer));
    let cases: Vec<Case> = synth::cases(&o, &org).unwrap().flatten().collect();
    for (crn, events) in &cases {
        let state = check_stream(crn, events, o.as_of);
        assert_eq!(state.officer.unwrap().officer, officer);
        assert_eq!(state.officer_count, 1, "one officer: nobody to reallocate to");
    }
    org.staff.retain(|s| s.grade == Grade::Spo);
    assert_eq!(synth::cases(&o, &org).err(), Some(GenerateError::NoOfficers));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_seed_and_date_give_valid_streams(seed in any::<u64>(), days in 0i32..12_000, cases in 0u64..25) {
        let as_of = date(2000, 1, 1).checked_add(jiff::Span::new().days(days)).unwrap();
        let o = GenerateOptions::new(cases, seed, as_of);
        let all = run(&o);
        prop_assert_eq!(all.len() as u64, cases);
        for (crn, events) in &all {
            check_stream(crn, events, as_of);
        }
    }
}
