//! Generated cases carry registrations and the tier events that follow them (issue 3, item 1).

use domain::case::CaseState;
use domain::event::CaseEvent;
use domain::practice::tiering::{calculate, tier_input};
use domain::tier::Registration;

#[test]
fn generated_cases_carry_registrations_and_tiers() {
    let opts = synth::GenerateOptions::new(300, 11, jiff::civil::date(2018, 1, 31));
    let org = synth::organisation(&opts);
    let (mut cases, mut tiered, mut domestic_abuse, mut mappa) = (0, 0, 0, 0);
    for batch in synth::cases(&opts, &org).unwrap() {
        for (crn, stream) in &batch {
            let state = CaseState::fold(crn.clone(), stream).unwrap();
            cases += 1;
            tiered += usize::from(state.tier.is_some());
            domestic_abuse += usize::from(state.registrations.contains(&Registration::DomesticAbuse));
            mappa += usize::from(state.mappa.is_some());
            // Every tier event equals a recalculation as at its own date: the generator
            // appends exactly what `practice::tiering` yields.
            let mut replay = CaseState::new(crn.clone());
            for e in stream {
                let on = domain::case::uk_date(e.occurred_at);
                if let CaseEvent::TierCalculated { legacy, v3, provisional, .. } = &e.event {
                    let Some(CaseEvent::TierCalculated { legacy: l, v3: v, provisional: p, .. }) =
                        calculate(&replay, on, vec![])
                    else {
                        panic!("{crn}: the models refuse the input {:?}", tier_input(&replay, on));
                    };
                    assert_eq!((legacy, v3, provisional), (&l, &v, &p), "{crn} seq {}", e.seq);
                }
                replay.apply(&e.event, on).unwrap();
            }
        }
    }
    // Every case is sentenced, and a sentence event always yields the first tier.
    assert_eq!(tiered, cases);
    // Report: a known adult at risk through domestic abuse is common in a London CRC caseload.
    assert!(domestic_abuse > 0, "some generated cases are registered for domestic abuse");
    // Report and docs/rules/practice.md#allocation: the NPS keeps all MAPPA cases, so a CRC has none.
    assert_eq!(mappa, 0);
}
