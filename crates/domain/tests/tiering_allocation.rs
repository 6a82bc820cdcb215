//! The tier as an event, allocation and escalation (issue 3, items 1 and 2). Every row cites
//! its source: a section of docs/rules/tiering.md or docs/rules/practice.md, or the policy table that sets it.

use domain::assessment::{Assessment, Ogrs4, Percent, RiskGroup, RoshLevel};
use domain::case::CaseState;
use domain::event::{AllocationReason, CaseEvent, decode};
use domain::example::{assessment, code, community_order, date, person};
use domain::ids::{Crn, Note};
use domain::org::Grade;
use domain::practice::allocation::{
    AllocationEvidence, GradeGuidance, GuidanceVerdict, PoOnlyCase, Provider, current_guidance, grade_guidance,
    provider_for,
};
use domain::practice::tiering::{Mappa, MissingInput, TierFactor, follow_on_events};
use domain::practice::{WorkKind, worklist};
use domain::projection::CaseSummary;
use domain::tier::{LegacyTier, MappaCategory, MappaLevel, Registration, V3Tier};
use jiff::civil::Date;
use proptest::prelude::*;

fn d(s: &str) -> Date {
    date(s)
}

fn note(s: &str) -> Note {
    Note::parse(s).unwrap()
}

fn pct(v: f64) -> Percent {
    Percent::new(v).unwrap()
}

/// An assessment with `rosh` to the public (none if `None`) and OGRS4 scores.
fn assessed(aid: &str, on: &str, rosh: Option<RoshLevel>, arp: f64, csrp: f64, dynamic: bool) -> Assessment {
    let mut a = assessment(aid, d(on), RoshLevel::Low, &[]);
    a.rosh = rosh.into_iter().map(|r| (RiskGroup::Public, r)).collect();
    a.ogrs4 = Some(Ogrs4 { arp: pct(arp), csrp: pct(csrp), dynamic });
    a
}

/// Applies events through the real gate and then the tier follow-on, as
/// `services::record_events` does; returns the follow-on it appended, if any.
fn record(case: &mut CaseState, on: &str, events: Vec<CaseEvent>) -> Option<CaseEvent> {
    for e in &events {
        case.apply(e, d(on)).unwrap_or_else(|r| panic!("{e:?}: {r}"));
    }
    let follow = follow_on_events(case, &events, d(on));
    if let Some(t) = &follow {
        case.apply(t, d(on)).unwrap();
    }
    follow
}

/// Registered and sentenced to a community order with UPW and RAR on 2026-01-05.
fn sentenced() -> CaseState {
    let mut case = CaseState::new(Crn::parse("X300001").unwrap());
    record(
        &mut case,
        "2026-01-05",
        vec![
            CaseEvent::PersonRegistered { person: person("Ada", "Lovelace") },
            CaseEvent::SentenceImposed { sentence: community_order("S1", d("2026-01-05")) },
        ],
    );
    case
}

fn tier_of(e: &Option<CaseEvent>) -> Option<(String, String, bool)> {
    match e {
        Some(CaseEvent::TierCalculated { legacy, v3, provisional, .. }) => {
            Some((legacy.to_string(), v3.to_string(), *provisional))
        }
        _ => None,
    }
}

#[test]
fn the_tier_follows_its_inputs_as_an_event() {
    // Each step records a batch on the same case; expected (legacy, v3, provisional) or None.
    let mut case = sentenced();
    // docs/rules/tiering.md#22-change-axis rule 2 (a RAR is a mandate, no assessment: change 2);
    // docs/rules/tiering.md#216-protect-level (0 points: D); docs/rules/tiering.md#31-outcomes (no OGRS4
    // predictors: MISSING, never provisional).
    assert_eq!(case.tier.map(|t| (t.legacy.to_string(), t.v3.to_string())), Some(("D2".into(), "MISSING".into())));
    type Step = (&'static str, Vec<CaseEvent>, Option<(&'static str, &'static str, bool)>, &'static str);
    let steps: Vec<Step> = vec![
        (
            "2026-01-20",
            vec![CaseEvent::AssessmentCompleted {
                assessment: assessed("A1", "2026-01-20", Some(RoshLevel::Medium), 75.0, 1.0, true),
            }],
            Some(("C1", "C", false)),
            "docs/rules/tiering.md#34-v3-checks: ARP 75, CSRP 1.0 dynamic, RoSH medium -> C firm; \
             docs/rules/tiering.md#212-rosh-points: medium 10 -> C; OGRS 42 -> 4 -> 1",
        ),
        (
            "2026-01-21",
            vec![CaseEvent::ReviewTriggered {
                trigger: domain::practice::reviews::ReviewTrigger::ChangeOfAddressOrCircumstances,
                on: d("2026-01-21"),
                note: None,
            }],
            None,
            "issue 3 item 1: only assessment, registration, MAPPA or sentence events recompute the tier",
        ),
        (
            "2026-01-22",
            vec![CaseEvent::RegistrationAdded { registration: Registration::IomNominal }],
            None,
            "docs/rules/tiering.md#13-registrations: IOM adds 2 change points (4 -> 6, still level 1) and V3 ignores \
            it: unchanged, no event",
        ),
        (
            "2026-01-23",
            vec![CaseEvent::RegistrationAdded { registration: Registration::ChildProtection }],
            None,
            "docs/rules/tiering.md#13-registrations: child protection +2 protect (12: still C) and V3 F (< C): \
            unchanged, no event",
        ),
        (
            "2026-02-02",
            vec![
                CaseEvent::MappaSet { category: Some(MappaCategory::Two), level: Some(MappaLevel::Two) },
                CaseEvent::AssessmentCompleted {
                    assessment: assessed("A2", "2026-02-02", Some(RoshLevel::VeryHigh), 0.0, 0.0, true),
                },
            ],
            Some(("A1", "A", false)),
            "docs/rules/tiering.md#34-v3-checks: MAPPA (category 2) + RoSH very high -> A; \
             docs/rules/tiering.md#212-rosh-points and docs/rules/tiering.md#213-mappa-points: 150 + 150 -> A",
        ),
        (
            "2026-02-10",
            vec![CaseEvent::AssessmentCompleted { assessment: assessed("A3", "2026-02-10", None, 50.0, 6.9, true) }],
            Some(("A1", "B", true)),
            "docs/rules/tiering.md#34-v3-checks: RoSH missing, MAPPA present, ARP 50 / CSRP 6.9 dynamic -> B \
            provisional; docs/rules/tiering.md#213-mappa-points and docs/rules/tiering.md#214-complexity-factors: \
            MAPPA level 2 (150) + child protection (2) -> A; change 4 + IOM 2 -> 1",
        ),
    ];
    for (on, events, want, why) in steps {
        let got = tier_of(&record(&mut case, on, events));
        let want = want.map(|(l, v, p)| (l.to_owned(), v.to_owned(), p));
        assert_eq!(got, want, "{why}");
    }
}

#[test]
fn legacy_protect_points_come_from_mappa_without_rosh() {
    // docs/rules/tiering.md#213-mappa-points: MAPPA level 2 scores 150 whatever the RoSH, so the legacy letter is A.
    let mut case = sentenced();
    record(
        &mut case,
        "2026-01-10",
        vec![CaseEvent::MappaSet { category: Some(MappaCategory::One), level: Some(MappaLevel::Two) }],
    );
    assert_eq!(case.tier.unwrap().legacy.protect, domain::tier::ProtectLevel::A);
    assert_eq!(case.mappa, Some(Mappa { category: MappaCategory::One, level: Some(MappaLevel::Two) }));
}

#[test]
fn a_tier_event_names_its_reasons_and_missing_inputs() {
    let mut case = sentenced();
    let follow = record(
        &mut case,
        "2026-01-20",
        vec![
            CaseEvent::AssessmentCompleted { assessment: assessed("A1", "2026-01-20", None, 10.0, 0.2, false) },
            CaseEvent::RegistrationAdded { registration: Registration::DomesticAbuse },
        ],
    );
    let Some(CaseEvent::TierCalculated { because, missing, v3, provisional, .. }) = follow else {
        panic!("a new assessment and registration change the tier");
    };
    assert_eq!(because, vec![TierFactor::Assessment, TierFactor::Registration]);
    // docs/rules/tiering.md#33-provisional-flag P1/P2: static predictors and no RoSH.
    assert_eq!(missing, vec![MissingInput::Rosh, MissingInput::DynamicPredictors]);
    // docs/rules/tiering.md#13-registrations and docs/rules/tiering.md#32-steps step 5: domestic abuse gives E;
    // with RoSH missing and no MAPPA it is provisional unless something gives C (the consequences in
    // docs/rules/tiering.md#33-provisional-flag).
    assert_eq!((v3, provisional), (V3Tier::Level(domain::tier::V3Level::E), true));
}

#[test]
fn the_summary_carries_the_tier() {
    let case = sentenced();
    let s = CaseSummary::from_state(&case).unwrap();
    assert_eq!(s.legacy_tier, Some("D2".parse::<LegacyTier>().unwrap()));
    assert_eq!(s.v3_tier, Some(V3Tier::Missing));
    assert!(!s.tier_provisional);
}

#[test]
fn bad_practice_events_are_refused_naming_the_field_and_change_nothing() {
    // (case, event, refused field, source)
    let rows: Vec<(CaseState, CaseEvent, &str, &str)> = vec![
        (
            sentenced(),
            CaseEvent::RegistrationRemoved { registration: Registration::Stalking },
            "registration",
            "issue 3 bad input: removing a registration that is not there",
        ),
        (
            {
                let mut c = sentenced();
                record(
                    &mut c,
                    "2026-01-06",
                    vec![CaseEvent::RegistrationAdded { registration: Registration::Stalking }],
                );
                c
            },
            CaseEvent::RegistrationAdded { registration: Registration::Stalking },
            "registration",
            "a registration is added once (docs/rules/tiering.md#13-registrations: registrations are a set)",
        ),
        (
            sentenced(),
            CaseEvent::MappaSet { category: None, level: Some(MappaLevel::One) },
            "category",
            "issue 3 bad input: a MAPPA level without category (docs/rules/practice.md#risk-needs-and-tiering: \
            categories 1-3, levels 1-3)",
        ),
        (sentenced(), CaseEvent::MappaEnded { on: d("2026-01-07") }, "type", "ending MAPPA the case does not have"),
        (
            sentenced(),
            CaseEvent::TierCalculated {
                legacy: "D2".parse().unwrap(),
                v3: V3Tier::Missing,
                provisional: true,
                because: vec![TierFactor::Sentence],
                missing: vec![],
            },
            "provisional",
            "docs/rules/tiering.md#33-provisional-flag: provisional is false for NOT_SUPERVISED and MISSING",
        ),
        (
            sentenced(),
            CaseEvent::TierCalculated {
                legacy: "D2".parse().unwrap(),
                v3: V3Tier::Missing,
                provisional: false,
                because: vec![],
                missing: vec![],
            },
            "because",
            "issue 3 item 1: the tier change records what prompted it",
        ),
        (
            sentenced(),
            CaseEvent::OfficerAllocated {
                officer: code("PO1"),
                team: code("T1"),
                reason: AllocationReason::Initial,
                evidence: Some(AllocationEvidence {
                    grade: Grade::Po,
                    allocation_form_complete: false,
                    safeguarding_checks_complete: true,
                    po_only: vec![],
                    guidance: GradeGuidance::Po,
                    verdict: GuidanceVerdict::Followed,
                }),
            },
            "evidence.allocation_form_complete",
            "docs/rules/practice.md#allocation: a case allocation form must be complete before allocation",
        ),
        (
            {
                let mut c = sentenced();
                c.apply(&CaseEvent::EscalatedToNps { on: d("2026-01-08"), reason: note("risk") }, d("2026-01-08"))
                    .unwrap();
                c
            },
            CaseEvent::EscalatedToNps { on: d("2026-01-09"), reason: note("again") },
            "type",
            "an escalation is recorded once",
        ),
    ];
    for (case, event, field, why) in rows {
        let mut after = case.clone();
        let refused = after.apply(&event, d("2026-01-25"));
        match refused {
            Err(r) if r.field == field => assert!(!r.problem.is_empty(), "{why}"),
            other => panic!("{why}: expected a refusal naming {field}, got {other:?}"),
        }
        assert_eq!(after, case, "{why}: a refused event changes nothing");
    }
}

#[test]
fn an_allocation_against_the_guidance_needs_a_reason() {
    // Tier A (RoSH very high, MAPPA): docs/rules/practice.md#allocation-by-tier: tier A must go to a PO.
    let mut case = sentenced();
    record(
        &mut case,
        "2026-01-20",
        vec![CaseEvent::AssessmentCompleted {
            assessment: assessed("A1", "2026-01-20", Some(RoshLevel::VeryHigh), 50.0, 2.0, true),
        }],
    );
    assert_eq!(case.tier.unwrap().legacy.protect, domain::tier::ProtectLevel::A);
    let allocate = |grade, reason: Option<&str>| CaseEvent::OfficerAllocated {
        officer: code("OFF9"),
        team: code("T1"),
        reason: AllocationReason::Initial,
        evidence: Some(AllocationEvidence {
            grade,
            allocation_form_complete: true,
            safeguarding_checks_complete: true,
            po_only: vec![],
            guidance: GradeGuidance::Po,
            verdict: reason.map_or(GuidanceVerdict::Followed, |r| GuidanceVerdict::Departed { reason: note(r) }),
        }),
    };
    let refused = case.clone().apply(&allocate(Grade::Pso, None), d("2026-01-21")).unwrap_err();
    assert_eq!(refused.field, "evidence.verdict");
    assert!(refused.problem.contains("probation officer"), "{}", refused.problem);
    let AllocationEvidence { guidance, .. } = match allocate(Grade::Po, None) {
        CaseEvent::OfficerAllocated { evidence: Some(e), .. } => e,
        other => panic!("{other:?}"),
    };
    assert_eq!(guidance, current_guidance(&case, &[]), "the test states today's guidance for tier A");
    let mut with_reason = case.clone();
    with_reason.apply(&allocate(Grade::Pso, Some("only officer with the language")), d("2026-01-21")).unwrap();
    let record = with_reason.officer.unwrap().record.unwrap();
    assert!(!record.guidance_followed);
    assert_eq!(record.rosh, Some(RoshLevel::VeryHigh));
    let mut po = case.clone();
    po.apply(&allocate(Grade::Po, None), d("2026-01-21")).unwrap();
    assert!(po.officer.unwrap().record.unwrap().guidance_followed);
}

#[test]
fn grade_guidance_table() {
    let t = |s: &str| Some(s.parse::<LegacyTier>().unwrap());
    use GradeGuidance::{Po, PoOrPso};
    use RoshLevel::*;
    // (tier, RSR, RoSH, PO-only features, guidance, docs/rules/practice.md#allocation-by-tier)
    let rows = [
        (t("A1"), Some(1.0), Some(Low), vec![], Po, "tier A must go to a PO"),
        (t("B2"), Some(2.9), Some(Medium), vec![], PoOrPso, "B may go to a PSO"),
        (t("B2"), Some(3.0), Some(Medium), vec![], Po, "B unless RSR is 3% or more"),
        (t("C1"), Some(1.0), Some(High), vec![], Po, "C unless RoSH is high or above"),
        (t("C3"), None, Some(Medium), vec![], PoOrPso, "C may go to a PSO"),
        (t("D0"), Some(5.0), Some(Medium), vec![], PoOrPso, "D to a PSO (RSR not a bar)"),
        (t("D1"), Some(1.0), Some(High), vec![], Po, "D unless RoSH is high"),
        (t("D1"), Some(1.0), Some(Low), vec![PoOnlyCase::ParoleReport], Po, "parole report always to a PO"),
        (t("C1"), None, Some(Medium), vec![PoOnlyCase::MediumRiskSexualOffence], Po, "medium-risk sexual offence"),
        (t("D2"), None, None, vec![PoOnlyCase::SignificantSafeguarding], Po, "significant safeguarding"),
        (None, None, None, vec![], Po, "Probity default: no tier yet, missing information never lowers the grade"),
    ];
    for (tier, rsr, rosh, po_only, want, why) in rows {
        assert_eq!(grade_guidance(tier, rsr, rosh, &po_only), want, "{why}");
    }
    assert!(Po.allows(Grade::Po) && Po.allows(Grade::Spo) && !Po.allows(Grade::Pso) && !Po.allows(Grade::Pqip));
    assert!(Grade::ALL.into_iter().all(|g| PoOrPso.allows(g)));
}

#[test]
fn provider_table() {
    let mappa = Some(Mappa { category: MappaCategory::Two, level: None });
    // (RoSH, MAPPA, provider): docs/rules/practice.md#allocation: the NPS keeps high/very high and all MAPPA.
    let rows = [
        (None, None, Provider::Crc),
        (Some(RoshLevel::Low), None, Provider::Crc),
        (Some(RoshLevel::Medium), None, Provider::Crc),
        (Some(RoshLevel::High), None, Provider::Nps),
        (Some(RoshLevel::VeryHigh), None, Provider::Nps),
        (Some(RoshLevel::Low), mappa, Provider::Nps),
    ];
    for (rosh, m, want) in rows {
        assert_eq!(provider_for(rosh, m), want, "{rosh:?} {m:?}");
    }
}

#[test]
fn risk_rising_to_high_asks_for_escalation_until_it_is_recorded() {
    // docs/rules/practice.md#allocation: a CRC case whose risk rises to high goes back to the NPS.
    let mut case = sentenced();
    let escalations = |c: &CaseState, today: &str| {
        worklist(c, d(today)).into_iter().filter(|i| i.kind == WorkKind::Escalation).collect::<Vec<_>>()
    };
    record(
        &mut case,
        "2026-01-20",
        vec![CaseEvent::AssessmentCompleted {
            assessment: assessed("A1", "2026-01-20", Some(RoshLevel::Medium), 30.0, 1.0, true),
        }],
    );
    assert!(escalations(&case, "2026-02-01").is_empty(), "medium risk stays with the CRC");
    record(
        &mut case,
        "2026-03-02",
        vec![CaseEvent::AssessmentCompleted {
            assessment: assessed("A2", "2026-03-02", Some(RoshLevel::High), 30.0, 1.0, true),
        }],
    );
    let items = escalations(&case, "2026-03-05");
    assert_eq!(items.len(), 1);
    // policy ESCALATION: 1 business day from the assessment.
    assert_eq!(items[0].due, d("2026-03-03"));
    assert!(items[0].overdue);
    assert_eq!(items[0].action.key, "case.escalate");
    case.apply(&CaseEvent::EscalatedToNps { on: d("2026-03-05"), reason: note("RoSH high") }, d("2026-03-05")).unwrap();
    assert!(escalations(&case, "2026-03-06").is_empty(), "recorded: the item clears");
}

#[test]
fn old_allocation_payloads_still_decode() {
    let old = r#"{"type":"officer_allocated","officer":"PO1","team":"T1","reason":"initial"}"#;
    let e = decode("officer_allocated", 1, old).unwrap();
    assert!(matches!(e, CaseEvent::OfficerAllocated { evidence: None, .. }));
    let new = CaseEvent::MappaSet { category: Some(MappaCategory::Three), level: None };
    assert_eq!(decode("mappa_set", 1, &new.encode()).unwrap(), new);
}

fn arb_registration() -> impl Strategy<Value = Registration> {
    prop::sample::select(Registration::ALL.to_vec())
}

proptest! {
    /// Recording the follow-on makes the tier a fixed point: the same inputs again yield no
    /// further event, and a provisional flag only ever sits on an A-G tier (docs/rules/tiering.md#33-provisional-flag).
    #[test]
    fn the_follow_on_is_a_fixed_point(
        rosh in prop::option::of(prop::sample::select(RoshLevel::ALL.to_vec())),
        arp in 0.0f64..100.0,
        csrp in 0.0f64..10.0,
        dynamic in any::<bool>(),
        regs in prop::collection::btree_set(arb_registration(), 0..4),
        mappa in prop::option::of((1u8..=4, prop::option::of(1u8..=3))),
    ) {
        let mut case = sentenced();
        let mut batch = vec![CaseEvent::AssessmentCompleted { assessment: assessed("A1", "2026-01-20", rosh, arp, csrp, dynamic) }];
        batch.extend(regs.into_iter().map(|registration| CaseEvent::RegistrationAdded { registration }));
        if let Some((c, l)) = mappa {
            batch.push(CaseEvent::MappaSet {
                category: Some(MappaCategory::try_from(c).unwrap()),
                level: l.map(|l| MappaLevel::try_from(l).unwrap()),
            });
        }
        record(&mut case, "2026-01-20", batch.clone());
        let tier = case.tier.expect("a tier after sentence and assessment");
        prop_assert!(!tier.provisional || matches!(tier.v3, V3Tier::Level(_)));
        prop_assert!(follow_on_events(&case, &batch, d("2026-01-20")).is_none());
    }
}
