//! Table-driven tests of the supervision practice rules. Every row cites its source:
//! the section of docs/rules/practice.md or the policy table (`domain::practice::policy`) that sets it.

use domain::assessment::{NeedArea, NeedSeverity, RiskGroup, RoshLevel};
use domain::case::{CaseState, Rejected};
use domain::contact::{AbsenceReason, ContactKind, Outcome};
use domain::event::{AllocationReason, CaseEvent, decode};
use domain::example::{appointment, assessment, code, community_order, date, id, person};
use domain::ids::{Crn, Note};
use domain::plan::{Objective, ObjectiveOwner};
use domain::practice::contact::{
    ContactDue, Unplanned, contact_due, evidence_deadlines, first_appointment_due, next_face_to_face_due,
    sentence_plan_due,
};
use domain::practice::enforcement::{BreachOutcome, BreachPack, RecallAlternative, RecallKind, RecallReason};
use domain::practice::policy::{self, Period, contact_interval};
use domain::practice::{PlanSubject, Subject, WorkItem, WorkKind, officer_worklist, plan_gaps, worklist};
use domain::sentence::{CustodyTerms, LicenceCondition, Sentence, SentenceKind};
use domain::tier::V3Level;
use jiff::civil::Date;

fn d(s: &str) -> Date {
    date(s)
}

fn note(s: &str) -> Note {
    Note::parse(s).unwrap()
}

/// A case under construction; every event goes through `CaseState::apply`, the real gate.
struct Case(CaseState);

impl Case {
    fn new(crn: &str) -> Self {
        let mut s = CaseState::new(Crn::parse(crn).unwrap());
        s.apply(&CaseEvent::PersonRegistered { person: person("Ada", "Lovelace") }, d("2026-01-05")).unwrap();
        Case(s)
    }

    /// A community order with UPW and RAR (the example builder), sentenced and allocated.
    fn community(crn: &str, sentenced: &str, allocated: &str) -> Self {
        let mut c = Case::new(crn);
        c.ev(sentenced, CaseEvent::SentenceImposed { sentence: community_order("S1", d(sentenced)) });
        c.ev(allocated, allocate("PO1"));
        c
    }

    /// A custodial sentence with licence then PSS, allocated, optionally released.
    fn custodial(crn: &str, release: &str, released: bool) -> Self {
        let mut c = Case::new(crn);
        let r = d(release);
        let licence_end = policy::Period::Months(3).after(r);
        let pss_end = policy::Period::Months(12).after(r);
        let sentence = Sentence {
            id: id("S1"),
            kind: SentenceKind::Custodial,
            sentence_date: d("2026-01-05"),
            end_date: pss_end,
            requirements: vec![],
            licence_conditions: vec![LicenceCondition::Standard],
            custody: Some(CustodyTerms { release_date: r, licence_end, pss_end: Some(pss_end) }),
        };
        c.ev("2026-01-05", CaseEvent::SentenceImposed { sentence });
        c.ev("2026-01-05", allocate("PO1"));
        if released {
            c.ev(release, CaseEvent::ReleasedFromCustody { sentence: id("S1"), on: r });
        }
        c
    }

    fn try_ev(&mut self, on: &str, e: CaseEvent) -> Result<(), Rejected> {
        self.0.apply(&e, d(on))
    }

    fn ev(&mut self, on: &str, e: CaseEvent) -> &mut Self {
        let shown = format!("{e:?}");
        self.try_ev(on, e).unwrap_or_else(|r| panic!("{shown} refused: {r}"));
        self
    }

    fn book(&mut self, appt: &str, on: &str, kind: ContactKind) -> &mut Self {
        let at = d(on).at(10, 0, 0, 0);
        self.ev(on, CaseEvent::AppointmentBooked { appointment: appointment(appt, at, kind) })
    }

    fn outcome(&mut self, appt: &str, recorded: &str, outcome: Outcome) -> &mut Self {
        self.ev(recorded, CaseEvent::OutcomeRecorded { appointment: id(appt), outcome, note: None, sensitive: false })
    }

    /// Booked and attended on the same day.
    fn seen(&mut self, appt: &str, on: &str) -> &mut Self {
        self.book(appt, on, ContactKind::OfficeVisit).outcome(appt, on, Outcome::AttendedComplied)
    }

    fn missed(&mut self, appt: &str, on: &str) -> &mut Self {
        self.book(appt, on, ContactKind::OfficeVisit).outcome(appt, on, Outcome::UnacceptableAbsence)
    }

    fn items(&self, today: &str) -> Vec<WorkItem> {
        worklist(&self.0, d(today))
    }

    fn item(&self, today: &str, kind: WorkKind) -> Option<WorkItem> {
        let all: Vec<WorkItem> = self.items(today).into_iter().filter(|i| i.kind == kind).collect();
        assert!(all.len() <= 1, "expected at most one {kind:?}: {all:?}");
        all.into_iter().next()
    }
}

fn allocate(officer: &str) -> CaseEvent {
    CaseEvent::OfficerAllocated {
        officer: code(officer),
        team: code("T1"),
        reason: AllocationReason::Initial,
        evidence: None,
    }
}

fn warn(appt: &str, on: &str) -> CaseEvent {
    CaseEvent::WarningLetterIssued {
        appointment: id(appt),
        on: d(on),
        response_due: policy::WARNING_RESPONSE.after(d(on)),
    }
}

fn breach(failures: &[&str], reason: Option<&str>, pack: BreachPack) -> CaseEvent {
    CaseEvent::BreachReferred { failures: failures.iter().map(|f| id(f)).collect(), reason: reason.map(note), pack }
}

fn objective(oid: &str, needs: &[NeedArea], risks: &[RiskGroup]) -> CaseEvent {
    CaseEvent::ObjectiveAgreed {
        objective: Objective {
            id: id(oid),
            description: note("work on it"),
            needs: needs.to_vec(),
            risk_groups: risks.to_vec(),
            owner: ObjectiveOwner::ResponsibleOfficer,
            person_involved: true,
        },
    }
}

// ---------------------------------------------------------------------------------------
// Policy tables
// ---------------------------------------------------------------------------------------

#[test]
fn every_policy_rule_names_its_source() {
    for rule in policy::RULES {
        assert!(
            rule.source.starts_with("docs/rules/practice.md") || rule.source.starts_with("Probity default"),
            "{}",
            rule.key
        );
    }
    let mut keys: Vec<&str> = policy::RULES.iter().map(|r| r.key).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), policy::RULES.len(), "rule keys are unique");
    assert!(policy::CONTACT_FREQUENCY_SOURCE.contains("two months"));
}

#[test]
fn contact_frequency_table() {
    // (rosh, weeks into supervision, interval, source)
    let rows = [
        (Some(RoshLevel::VeryHigh), 0, Period::Weeks(1), "policy CONTACT_FREQUENCY: very high weekly"),
        (Some(RoshLevel::VeryHigh), 52, Period::Weeks(1), "policy CONTACT_FREQUENCY: very high weekly"),
        (Some(RoshLevel::High), 0, Period::Weeks(1), "policy CONTACT_FREQUENCY: high weekly"),
        (Some(RoshLevel::High), 30, Period::Weeks(1), "policy CONTACT_FREQUENCY: high weekly"),
        (Some(RoshLevel::Medium), 0, Period::Weeks(2), "policy: medium fortnightly for 16 weeks (report)"),
        (Some(RoshLevel::Medium), 15, Period::Weeks(2), "policy: medium fortnightly for 16 weeks (report)"),
        (Some(RoshLevel::Medium), 16, Period::Months(1), "policy: medium monthly after 16 weeks"),
        (Some(RoshLevel::Low), 7, Period::Weeks(2), "policy: low fortnightly for 8 weeks"),
        (Some(RoshLevel::Low), 8, Period::Months(1), "policy: low monthly after 8 weeks"),
        (None, 0, Period::Weeks(2), "policy: not assessed treated as medium"),
        (None, 20, Period::Months(1), "policy: not assessed treated as medium"),
    ];
    for (rosh, weeks, expected, why) in rows {
        assert_eq!(contact_interval(rosh, weeks), expected, "{why}");
    }
    // docs/rules/practice.md#contact: the monthly minimum caps every row, with or without a tier.
    for row in policy::CONTACT_FREQUENCY {
        for tier in [None, Some(V3Level::G), Some(V3Level::A)] {
            for weeks in [0, 100] {
                let due = policy::next_face_to_face(d("2026-01-31"), tier, row.rosh, weeks);
                assert!(due <= d("2026-02-28"), "{row:?} {tier:?} exceeds the monthly minimum");
            }
        }
    }
}

#[test]
fn contact_frequency_by_tier_and_rosh() {
    // (tier, rosh, weeks into supervision, last seen, next due, source); the sooner of the
    // tier row and the RoSH row applies (policy TIER_CONTACT_FREQUENCY_SOURCE).
    let rows = [
        (None, Some(RoshLevel::Low), 10, "2026-03-02", "2026-04-02", "no tier: the RoSH row alone (low, monthly)"),
        (Some(V3Level::A), Some(RoshLevel::Low), 30, "2026-03-02", "2026-03-09", "tier A weekly beats low monthly"),
        (Some(V3Level::B), Some(RoshLevel::Low), 4, "2026-03-02", "2026-03-09", "tier B weekly for 16 weeks"),
        (Some(V3Level::B), Some(RoshLevel::Low), 20, "2026-03-02", "2026-03-16", "tier B fortnightly after 16"),
        (Some(V3Level::C), Some(RoshLevel::Low), 20, "2026-03-02", "2026-04-02", "tier C monthly after 16 weeks"),
        (Some(V3Level::G), Some(RoshLevel::High), 30, "2026-03-02", "2026-03-09", "high RoSH weekly beats tier G"),
        (Some(V3Level::G), Some(RoshLevel::Medium), 4, "2026-03-02", "2026-03-16", "medium fortnightly (report)"),
        (Some(V3Level::E), None, 30, "2026-01-31", "2026-02-28", "monthly floor (docs/rules/practice.md#contact)"),
    ];
    for (tier, rosh, weeks, seen, due, why) in rows {
        assert_eq!(policy::next_face_to_face(d(seen), tier, rosh, weeks), d(due), "{why}");
    }
    assert!(policy::TIER_CONTACT_FREQUENCY_SOURCE.contains("docs/rules/practice.md#contact"));
    for level in V3Level::ALL {
        assert_eq!(policy::TIER_CONTACT_FREQUENCY.iter().filter(|r| r.tier == level).count(), 1, "{level:?}");
    }
}

#[test]
fn first_appointment_and_plan_deadlines() {
    // docs/rules/practice.md#contact: 5 business days of allocation (CO/SSO); 1 of release (licence).
    let rows = [
        ("2026-03-02", "2026-03-02", "2026-03-09", "CO: 5 business days from allocation, over a weekend"),
        ("2026-03-02", "2026-03-04", "2026-03-11", "CO: the clock runs from a later allocation"),
        ("2026-03-31", "2026-03-31", "2026-04-09", "CO: over Good Friday and Easter Monday"),
        ("2026-12-21", "2026-12-21", "2026-12-30", "CO: over Christmas and the substitute Boxing Day"),
    ];
    for (sentenced, allocated, expected, why) in rows {
        let c = Case::community("X100001", sentenced, allocated);
        assert_eq!(first_appointment_due(&c.0), Some(d(expected)), "{why}");
        assert_eq!(
            contact_due(&c.0, d(sentenced)),
            ContactDue::FirstAppointment { due: d(expected), booked: false },
            "{why}"
        );
    }
    let rows = [
        ("2026-04-02", "2026-04-07", "licence: 1 business day of release, over Easter"),
        ("2026-05-15", "2026-05-18", "licence: Friday release, Monday appointment"),
    ];
    for (release, expected, why) in rows {
        let c = Case::custodial("X100002", release, true);
        assert_eq!(first_appointment_due(&c.0), Some(d(expected)), "{why}");
    }
    // docs/rules/practice.md#contact: sentence plan within 15 business days of the first appointment.
    let mut c = Case::community("X100003", "2026-03-02", "2026-03-02");
    assert_eq!(sentence_plan_due(&c.0), None, "no plan clock before the first appointment");
    c.seen("A1", "2026-03-05");
    assert_eq!(sentence_plan_due(&c.0), Some(d("2026-03-26")));
    assert_eq!(c.item("2026-03-27", WorkKind::SentencePlan).unwrap().overdue_by_business_days, 1);
    c.ev("2026-03-20", objective("O1", &[], &[]));
    assert!(c.item("2026-03-27", WorkKind::SentencePlan).is_none(), "a plan exists once an objective is agreed");
}

#[test]
fn next_face_to_face_follows_rosh_and_the_monthly_floor() {
    // (rosh, last seen, expected due, source)
    let rows = [
        (None, "2026-03-05", "2026-03-19", "policy: not assessed, fortnightly early on"),
        (Some(RoshLevel::High), "2026-03-05", "2026-03-12", "policy: high weekly"),
        (Some(RoshLevel::Medium), "2026-03-05", "2026-03-19", "policy: medium fortnightly in weeks 0-15"),
        (Some(RoshLevel::Medium), "2026-07-01", "2026-08-01", "policy: medium monthly from week 16"),
        (Some(RoshLevel::Low), "2026-06-01", "2026-07-01", "policy: low monthly from week 8"),
    ];
    for (rosh, seen, expected, why) in rows {
        let mut c = Case::community("X100004", "2026-03-02", "2026-03-02");
        if let Some(r) = rosh {
            c.ev(
                "2026-03-02",
                CaseEvent::AssessmentCompleted { assessment: assessment("AS1", d("2026-03-02"), r, &[]) },
            );
        }
        c.seen("A1", seen);
        assert_eq!(next_face_to_face_due(&c.0), Some(d(expected)), "{why}");
        let item = c.item(seen, WorkKind::Contact).expect("nothing booked: a contact item");
        assert_eq!(item.due, d(expected), "{why}");
        // Booking a face-to-face appointment on or before the due date takes it off the list.
        c.book("A2", expected, ContactKind::HomeVisit);
        assert!(c.item(seen, WorkKind::Contact).is_none(), "{why}: booked");
    }
    // A telephone call is not face-to-face (docs/rules/practice.md#contact: face-to-face minimum).
    let mut c = Case::community("X100005", "2026-03-02", "2026-03-02");
    c.seen("A1", "2026-03-05");
    c.book("T1", "2026-03-10", ContactKind::Telephone);
    assert!(c.item("2026-03-06", WorkKind::Contact).is_some());
}

#[test]
fn failed_to_attend_waits_five_working_days_for_evidence() {
    // docs/rules/practice.md#contact: failed to attend is a holding state, 5 working days.
    let rows = [
        ("2026-03-10", "2026-03-17", "Tuesday to Tuesday"),
        ("2026-04-02", "2026-04-13", "over Good Friday and Easter Monday"),
    ];
    for (held, expected, why) in rows {
        let mut c = Case::community("X100006", "2026-03-02", "2026-03-02");
        c.book("A1", held, ContactKind::OfficeVisit).outcome("A1", held, Outcome::FailedToAttend);
        assert_eq!(evidence_deadlines(&c.0), vec![(&id("A1"), d(expected))], "{why}");
        let item = c.item(held, WorkKind::EvidenceAwaited).unwrap();
        assert_eq!((item.due, item.subject), (d(expected), Subject::Appointment(id("A1"))), "{why}");
        assert!(c.item(held, WorkKind::WarningDecision).is_none(), "{why}: not enforceable while held");
        c.outcome("A1", expected, Outcome::AcceptableAbsence { reason: AbsenceReason::Medical });
        assert!(c.item(held, WorkKind::EvidenceAwaited).is_none(), "{why}: decided");
    }
}

#[test]
fn outcome_missing_for_past_appointments() {
    // Policy OUTCOME_RECORDING (Probity default): by the next business day.
    let mut c = Case::community("X100007", "2026-03-02", "2026-03-02");
    c.book("A1", "2026-03-06", ContactKind::OfficeVisit);
    assert!(c.item("2026-03-06", WorkKind::OutcomeMissing).is_none(), "not yet in the past");
    let item = c.item("2026-03-10", WorkKind::OutcomeMissing).unwrap();
    assert_eq!((item.due, item.overdue_by_business_days), (d("2026-03-09"), 1));
    assert_eq!(item.action.key, "outcome.record");
}

// ---------------------------------------------------------------------------------------
// Enforcement: the gate refuses what the rules forbid, naming the field
// ---------------------------------------------------------------------------------------

#[test]
fn the_gate_refuses_invalid_enforcement_events() {
    type Setup = fn(&mut Case);
    fn none(_: &mut Case) {}
    fn one_failure(c: &mut Case) {
        c.seen("A1", "2026-03-05").missed("A2", "2026-03-19");
    }
    fn attended(c: &mut Case) {
        c.seen("A1", "2026-03-05");
    }
    fn warned(c: &mut Case) {
        one_failure(c);
        c.ev("2026-03-20", warn("A2", "2026-03-20"));
    }
    fn breached(c: &mut Case) {
        warned(c);
        c.missed("A3", "2026-04-02");
        c.ev("2026-04-03", breach(&["A2", "A3"], None, BreachPack::default()));
    }
    fn resolved(c: &mut Case) {
        breached(c);
        c.ev("2026-05-01", CaseEvent::BreachResolved { on: d("2026-05-01"), outcome: BreachOutcome::Withdrawn });
    }
    let mut half = BreachPack::COMPLETE;
    half.manager_countersigned = false;
    // (setup, event, refused field or None for accepted, source)
    let rows: Vec<(Setup, CaseEvent, Option<&str>, &str)> = vec![
        (
            attended,
            warn("A1", "2026-03-06"),
            Some("appointment"),
            "docs/rules/practice.md#enforcement: warnings follow enforceable failures",
        ),
        (none, warn("A9", "2026-03-06"), Some("appointment"), "no such appointment"),
        (
            one_failure,
            warn("A2", "2026-03-20"),
            None,
            "docs/rules/practice.md#enforcement: each unacceptable failure gets a warning",
        ),
        (warned, warn("A2", "2026-03-21"), Some("appointment"), "one warning per failure"),
        (one_failure, warn("A2", "2026-03-18"), Some("on"), "a warning cannot precede the failure"),
        (
            one_failure,
            CaseEvent::WarningLetterIssued {
                appointment: id("A2"),
                on: d("2026-03-20"),
                response_due: d("2026-03-24"),
            },
            Some("response_due"),
            "docs/rules/practice.md#enforcement: 7 days to respond",
        ),
        (
            attended,
            breach(&[], None, BreachPack::default()),
            Some("reason"),
            "docs/rules/practice.md#enforcement: breach needs a failure or a recorded reason",
        ),
        (
            attended,
            breach(&[], Some("threatened staff"), BreachPack::default()),
            None,
            "docs/rules/practice.md#enforcement: serious, with a reason",
        ),
        (attended, breach(&["A1"], Some("x"), BreachPack::default()), Some("failures"), "A1 was attended"),
        (
            one_failure,
            breach(&["A2"], None, BreachPack::default()),
            Some("reason"),
            "docs/rules/practice.md#enforcement: first failure breached only if serious, with a reason",
        ),
        (
            one_failure,
            breach(&["A2"], Some("violence at reception"), BreachPack::default()),
            None,
            "docs/rules/practice.md#enforcement: a serious first failure",
        ),
        (one_failure, breach(&["A2", "A2"], Some("x"), BreachPack::default()), Some("failures"), "listed twice"),
        (breached, breach(&[], Some("again"), BreachPack::default()), Some("type"), "one open breach at a time"),
        (
            resolved,
            breach(&["A2"], Some("x"), BreachPack::default()),
            Some("failures"),
            "docs/rules/practice.md#enforcement: the count resets when a breach resolves",
        ),
        (
            breached,
            CaseEvent::BreachPackCompleted { pack: half },
            Some("pack.manager_countersigned"),
            "docs/rules/practice.md#enforcement: the pack must be complete",
        ),
        (
            breached,
            CaseEvent::BreachPackCompleted { pack: BreachPack::default() },
            Some("pack.breach_report"),
            "docs/rules/practice.md#enforcement: the pack must be complete",
        ),
        (breached, CaseEvent::BreachPackCompleted { pack: BreachPack::COMPLETE }, None, "a complete pack"),
        (attended, CaseEvent::BreachPackCompleted { pack: BreachPack::COMPLETE }, Some("type"), "no open breach"),
        (
            attended,
            CaseEvent::BreachResolved { on: d("2026-05-01"), outcome: BreachOutcome::NotProven },
            Some("type"),
            "no open breach",
        ),
        (
            breached,
            CaseEvent::BreachResolved { on: d("2026-04-01"), outcome: BreachOutcome::NotProven },
            Some("on"),
            "before the referral",
        ),
        (
            one_failure,
            CaseEvent::RecallRecommended {
                kind: RecallKind::Standard,
                reasons: vec![RecallReason::ContactBrokenDown],
                alternatives_tried: vec![],
                failures: vec![id("A2")],
            },
            Some("type"),
            "docs/rules/practice.md#enforcement: recall is for a licence, not a community sentence",
        ),
        (
            one_failure,
            CaseEvent::EnforcementExceptionRecorded {
                appointment: id("A2"),
                reason: note("x"),
                by_manager: code("SPO1"),
            },
            Some("appointment"),
            "an exception answers a mandatory decision, and a first failure is not one",
        ),
        (
            attended,
            CaseEvent::PlanGapReasonRecorded { subject: PlanSubject::Need(NeedArea::Accommodation), reason: note("x") },
            Some("subject"),
            "no assessment to plan from",
        ),
        (
            attended,
            CaseEvent::RecallDecided { by_manager: code("SPO1"), decision: RecallKind::Standard, note: None },
            Some("type"),
            "nothing to decide",
        ),
    ];
    for (setup, event, field, why) in rows {
        let mut c = Case::community("X100010", "2026-03-02", "2026-03-02");
        setup(&mut c);
        let before = c.0.clone();
        let got = c.try_ev("2026-04-20", event);
        assert_eq!(got.as_ref().err().map(|r| r.field), field, "{why}: {got:?}");
        if got.is_err() {
            assert_eq!(c.0, before, "{why}: a refused event leaves the state unchanged");
        }
    }
}

#[test]
fn licences_are_enforced_by_recall_and_pss_by_breach() {
    // docs/rules/practice.md#enforcement: breach (community sentence) or a recall decision (licence).
    // PSS is enforced at court (Offender Rehabilitation Act 2014), so breach applies there.
    let mut c = Case::custodial("X100020", "2026-03-02", true);
    c.seen("A1", "2026-03-03").missed("A2", "2026-03-10").missed("A3", "2026-03-17");
    let refused = c.try_ev("2026-03-18", breach(&["A2", "A3"], None, BreachPack::default())).unwrap_err();
    assert_eq!(refused.field, "type");
    let item = c.item("2026-03-18", WorkKind::BreachDecision).unwrap();
    assert_eq!(item.action.key, "recall.recommend");
    assert_eq!(item.due, d("2026-03-18"), "policy RECALL_RECOMMENDATION: 1 business day");
    let no_reason = CaseEvent::RecallRecommended {
        kind: RecallKind::Standard,
        reasons: vec![],
        alternatives_tried: vec![],
        failures: vec![],
    };
    assert_eq!(c.try_ev("2026-03-18", no_reason).unwrap_err().field, "reasons");
    c.ev(
        "2026-03-18",
        CaseEvent::RecallRecommended {
            kind: RecallKind::FixedTerm,
            reasons: vec![RecallReason::ContactBrokenDown],
            alternatives_tried: vec![RecallAlternative::WarningLetter, RecallAlternative::IncreasedContact],
            failures: vec![id("A2"), id("A3")],
        },
    );
    assert!(c.item("2026-03-18", WorkKind::BreachDecision).is_none());
    assert_eq!(c.item("2026-03-18", WorkKind::RecallDecision).unwrap().due, d("2026-03-19"));
    c.ev(
        "2026-03-19",
        CaseEvent::RecallDecided { by_manager: code("SPO1"), decision: RecallKind::FixedTerm, note: None },
    );
    assert!(c.item("2026-03-19", WorkKind::RecallDecision).is_none());
    assert_eq!(c.0.practice.enforcement.failure_count(d("2026-03-20")), 0, "the decision resets the count");

    // In PSS (after the 3-month licence) a second failure is a breach, not a recall.
    let mut c = Case::custodial("X100021", "2026-01-12", true);
    c.seen("A1", "2026-05-04").missed("A2", "2026-05-11").missed("A3", "2026-05-18");
    assert_eq!(c.item("2026-05-18", WorkKind::BreachDecision).unwrap().action.key, "breach.refer");
    c.ev("2026-05-19", breach(&["A2", "A3"], None, BreachPack::default()));
}

#[test]
fn failure_counting_rules() {
    // docs/rules/practice.md#enforcement: second failure within 12 months; failures during a breach do
    // not count; resolution resets; a corrected outcome stops counting.
    let mut c = Case::community("X100030", "2026-03-02", "2026-03-02");
    c.seen("A1", "2026-03-05").missed("A2", "2026-03-19");
    let enf = |c: &Case| c.0.practice.enforcement.clone();
    assert_eq!(enf(&c).failure_count(d("2026-03-20")), 1);
    // Corrected to an acceptable absence: the failure goes.
    c.outcome("A2", "2026-03-23", Outcome::AcceptableAbsence { reason: AbsenceReason::Medical });
    assert_eq!(enf(&c).failure_count(d("2026-03-24")), 0);
    assert!(c.item("2026-03-24", WorkKind::WarningDecision).is_none());
    // Sent home for behaviour is enforceable; for a service issue it is not.
    c.book("A3", "2026-03-26", ContactKind::UnpaidWork).outcome(
        "A3",
        "2026-03-26",
        Outcome::AttendedSentHome { reason: domain::contact::SentHomeReason::ServiceIssue },
    );
    assert_eq!(enf(&c).failure_count(d("2026-03-27")), 0);
    c.book("A4", "2026-03-30", ContactKind::UnpaidWork).outcome(
        "A4",
        "2026-03-30",
        Outcome::AttendedSentHome { reason: domain::contact::SentHomeReason::Behaviour },
    );
    assert_eq!(enf(&c).failure_count(d("2026-03-31")), 1);
    // A failure falls out of the 12-month count on its anniversary.
    assert_eq!(enf(&c).failure_count(d("2027-03-29")), 1);
    assert_eq!(enf(&c).failure_count(d("2027-03-30")), 0);

    // Two failures more than 12 months apart do not make breach mandatory.
    let mut c = Case::community("X100031", "2026-03-02", "2026-03-02");
    c.ev("2026-03-02", CaseEvent::SentenceImposed { sentence: long_order("S2", "2026-03-02") });
    c.seen("A1", "2026-03-05").missed("A2", "2026-03-19");
    c.ev("2026-03-20", warn("A2", "2026-03-20"));
    c.missed("A3", "2027-03-22");
    assert!(c.item("2027-03-22", WorkKind::BreachDecision).is_none(), "13 months apart");
    assert!(c.item("2027-03-22", WorkKind::WarningDecision).is_some(), "a new first failure");

    // Failures during an open breach do not count, and do not ask for a warning.
    let mut c = Case::community("X100032", "2026-03-02", "2026-03-02");
    c.seen("A1", "2026-03-05").missed("A2", "2026-03-12").missed("A3", "2026-03-19");
    c.ev("2026-03-20", breach(&["A2", "A3"], None, BreachPack::default()));
    c.missed("A4", "2026-03-26");
    assert_eq!(enf(&c).failure_count(d("2026-03-27")), 2);
    assert!(c.item("2026-03-27", WorkKind::WarningDecision).is_none());
    assert!(c.item("2026-03-27", WorkKind::BreachDecision).is_none());
    c.ev("2026-04-20", CaseEvent::BreachResolved { on: d("2026-04-20"), outcome: BreachOutcome::ProvenOrderAmended });
    assert_eq!(enf(&c).failure_count(d("2026-04-21")), 0, "A4 happened during the breach and is reset with it");
}

fn long_order(sid: &str, on: &str) -> Sentence {
    let mut s = community_order(sid, d(on));
    s.end_date = Period::Months(24).after(d(on));
    s
}

#[test]
fn a_manager_exception_clears_the_mandatory_decision_for_that_failure_only() {
    let mut c = Case::community("X100040", "2026-03-02", "2026-03-02");
    c.seen("A1", "2026-03-05").missed("A2", "2026-03-12");
    c.ev("2026-03-13", warn("A2", "2026-03-13"));
    c.missed("A3", "2026-03-19");
    assert_eq!(c.item("2026-03-19", WorkKind::BreachDecision).unwrap().subject, Subject::Appointment(id("A3")));
    c.ev(
        "2026-03-20",
        CaseEvent::EnforcementExceptionRecorded {
            appointment: id("A3"),
            reason: note("in hospital; evidence received late"),
            by_manager: code("SPO1"),
        },
    );
    assert!(c.item("2026-03-20", WorkKind::BreachDecision).is_none());
    c.missed("A4", "2026-03-26");
    let item = c.item("2026-03-26", WorkKind::BreachDecision).unwrap();
    assert_eq!(item.subject, Subject::Appointment(id("A4")), "a third failure is mandatory again");
}

// ---------------------------------------------------------------------------------------
// The scenario: a community order with UPW and RAR, two failures, warning, breach
// ---------------------------------------------------------------------------------------

#[test]
fn community_order_scenario_from_allocation_to_breach_resolution() {
    // docs/rules/practice.md#contact-compliance-and-enforcement, step by step.
    let mut c = Case::community("X123456", "2026-03-02", "2026-03-02");
    let sentence = &c.0.current_sentence().unwrap().sentence;
    assert_eq!(sentence.requirements.len(), 2, "UPW and RAR");

    // Allocated: first appointment within 5 business days.
    let fa = c.item("2026-03-02", WorkKind::FirstAppointment).unwrap();
    assert_eq!((fa.due, fa.overdue_by_business_days, fa.rule), (d("2026-03-09"), 0, "first_appointment.community"));
    assert_eq!(c.item("2026-03-11", WorkKind::FirstAppointment).unwrap().overdue_by_business_days, 2);

    // Seen; assessed at medium risk with two needs.
    c.seen("A1", "2026-03-05");
    c.ev(
        "2026-03-05",
        CaseEvent::AssessmentCompleted {
            assessment: assessment(
                "AS1",
                d("2026-03-05"),
                RoshLevel::Medium,
                &[
                    (NeedArea::Accommodation, NeedSeverity::Standard),
                    (NeedArea::EducationTrainingEmployability, NeedSeverity::Severe),
                    (NeedArea::Attitudes, NeedSeverity::NoNeed),
                ],
            ),
        },
    );
    assert!(c.item("2026-03-05", WorkKind::FirstAppointment).is_none());
    assert_eq!(c.item("2026-03-05", WorkKind::SentencePlan).unwrap().due, d("2026-03-26"));
    assert_eq!(c.item("2026-03-05", WorkKind::Contact).unwrap().due, d("2026-03-19"), "medium: fortnightly");

    // The plan answers accommodation and the risk to the public; ETE is a gap.
    c.ev("2026-03-12", objective("O1", &[NeedArea::Accommodation], &[RiskGroup::Public]));
    assert!(c.item("2026-03-12", WorkKind::SentencePlan).is_none());
    let gaps: Vec<WorkItem> = c.items("2026-03-12").into_iter().filter(|i| i.kind == WorkKind::PlanGap).collect();
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0].subject, Subject::Plan(PlanSubject::Need(NeedArea::EducationTrainingEmployability)));
    assert_eq!(gaps[0].due, d("2026-03-26"));

    // First unacceptable absence (UPW session): a warning is due.
    c.book("UPW1", "2026-03-19", ContactKind::UnpaidWork).outcome("UPW1", "2026-03-19", Outcome::UnacceptableAbsence);
    let w = c.item("2026-03-19", WorkKind::WarningDecision).unwrap();
    assert_eq!((w.subject.clone(), w.due), (Subject::Appointment(id("UPW1")), d("2026-03-23")));
    assert!(c.item("2026-03-19", WorkKind::BreachDecision).is_none(), "a first failure is not a breach");
    c.ev("2026-03-20", warn("UPW1", "2026-03-20"));
    assert!(c.item("2026-03-20", WorkKind::WarningDecision).is_none());
    assert_eq!(c.0.practice.enforcement.warnings[0].response_due, d("2026-03-27"), "7 days to respond");

    // Second failure (a RAR activity): failed to attend, evidence awaited over Easter...
    c.book("RAR1", "2026-04-02", ContactKind::RarActivity).outcome("RAR1", "2026-04-02", Outcome::FailedToAttend);
    assert_eq!(c.item("2026-04-02", WorkKind::EvidenceAwaited).unwrap().due, d("2026-04-13"));
    assert!(c.item("2026-04-02", WorkKind::BreachDecision).is_none(), "not enforceable while held");
    // ...then found unacceptable: breach is now mandatory, 8 business days from awareness.
    c.outcome("RAR1", "2026-04-10", Outcome::UnacceptableAbsence);
    assert_eq!(c.0.practice.enforcement.failure_count(d("2026-04-10")), 2);
    let bd = c.item("2026-04-10", WorkKind::BreachDecision).unwrap();
    assert_eq!((bd.due, bd.action.key, bd.rule), (d("2026-04-22"), "breach.refer", "breach.referral"));
    assert!(c.item("2026-04-10", WorkKind::WarningDecision).is_none(), "the second failure is for breach, not warning");
    assert_eq!(c.item("2026-04-24", WorkKind::BreachDecision).unwrap().overdue_by_business_days, 2);

    // Referred with an incomplete pack: the pack is due in 10 working days (over May Day).
    let mut pack = BreachPack { breach_report: true, order_copy: true, ..BreachPack::default() };
    c.ev("2026-04-21", breach(&["UPW1", "RAR1"], None, pack));
    assert!(c.item("2026-04-21", WorkKind::BreachDecision).is_none());
    let bp = c.item("2026-04-21", WorkKind::BreachPack).unwrap();
    assert_eq!((bp.due, bp.rule), (d("2026-05-06"), "breach.pack"));
    assert_eq!(c.0.practice.enforcement.open_breach().unwrap().referral_due, Some(d("2026-04-22")));
    pack = BreachPack { manager_countersigned: false, ..BreachPack::COMPLETE };
    let refused = c.try_ev("2026-05-01", CaseEvent::BreachPackCompleted { pack }).unwrap_err();
    assert_eq!(refused.field, "pack.manager_countersigned");
    c.ev("2026-05-05", CaseEvent::BreachPackCompleted { pack: BreachPack::COMPLETE });
    assert!(c.item("2026-05-05", WorkKind::BreachPack).is_none());

    // Resolved at court: the count resets; the next failure is a first failure again.
    c.ev("2026-06-01", CaseEvent::BreachResolved { on: d("2026-06-01"), outcome: BreachOutcome::ProvenOrderContinued });
    assert_eq!(c.0.practice.enforcement.failure_count(d("2026-06-02")), 0);
    c.seen("A5", "2026-06-04").missed("A6", "2026-06-15");
    assert!(c.item("2026-06-15", WorkKind::BreachDecision).is_none());
    assert!(c.item("2026-06-15", WorkKind::WarningDecision).is_some());
}

// ---------------------------------------------------------------------------------------
// Nobody is lost; plan gaps; ordering
// ---------------------------------------------------------------------------------------

#[test]
fn no_contact_planned_is_an_explicit_fault_at_the_top() {
    // docs/rules/practice.md#contact: a case with no contact due and none booked is a fault.
    let mut unallocated = Case::new("X100050");
    unallocated.ev("2026-03-02", CaseEvent::SentenceImposed { sentence: community_order("S1", d("2026-03-02")) });
    let items = unallocated.items("2026-03-04");
    assert_eq!(items.len(), 1);
    assert_eq!((items[0].kind, items[0].action.key), (WorkKind::NoContactPlanned, "case.allocate"));
    assert_eq!(
        contact_due(&unallocated.0, d("2026-03-04")),
        ContactDue::Unplanned { since: d("2026-03-02"), why: Unplanned::NoOfficer }
    );

    let unreleased = Case::custodial("X100051", "2026-03-02", false);
    assert!(unreleased.items("2026-03-02").is_empty(), "in custody until the release date");
    let fault = unreleased.item("2026-03-04", WorkKind::NoContactPlanned).unwrap();
    assert_eq!((fault.due, fault.overdue_by_business_days), (d("2026-03-02"), 2));

    // A very high risk case's overdue work still ranks below a low-risk case that is lost.
    let mut high = Case::community("X100052", "2026-01-05", "2026-01-05");
    high.ev(
        "2026-01-05",
        CaseEvent::AssessmentCompleted { assessment: assessment("AS1", d("2026-01-05"), RoshLevel::VeryHigh, &[]) },
    );
    let list = officer_worklist([&high.0, &unreleased.0].into_iter(), d("2026-03-04"));
    assert_eq!(list[0].kind, WorkKind::NoContactPlanned);
    assert_eq!(list[1].crn.as_str(), "X100052");
}

#[test]
fn worklist_orders_by_risk_then_lateness_then_due_date() {
    let today = "2026-03-20";
    let assessed = |crn: &str, rosh: Option<RoshLevel>, allocated: &str| {
        let mut c = Case::community(crn, "2026-03-02", allocated);
        if let Some(r) = rosh {
            c.ev(
                "2026-03-02",
                CaseEvent::AssessmentCompleted { assessment: assessment("AS1", d("2026-03-02"), r, &[]) },
            );
        }
        c
    };
    let low_late = assessed("X200001", Some(RoshLevel::Low), "2026-03-02");
    let high_on_time = assessed("X200002", Some(RoshLevel::High), "2026-03-19");
    let unknown = assessed("X200003", None, "2026-03-02");
    let medium_later = assessed("X200004", Some(RoshLevel::Medium), "2026-03-05");
    let medium_latest = assessed("X200005", Some(RoshLevel::Medium), "2026-03-02");
    let cases = [&low_late.0, &medium_later.0, &unknown.0, &medium_latest.0, &high_on_time.0];
    let list = officer_worklist(cases.into_iter(), d(today));
    // The high-risk case also asks for escalation to the NPS (tested in tiering_allocation.rs);
    // the order is about the first-appointment items.
    let order: Vec<(&str, u32)> = list
        .iter()
        .filter(|i| i.kind != WorkKind::Escalation)
        .map(|i| (i.crn.as_str(), i.overdue_by_business_days))
        .collect();
    assert_eq!(
        order,
        vec![("X200002", 0), ("X200003", 9), ("X200005", 9), ("X200004", 6), ("X200001", 9)],
        "high first; not assessed above medium; within medium the most overdue first"
    );
}

#[test]
fn plan_gaps_cover_needs_and_medium_plus_risks() {
    // docs/rules/practice.md#sentence-plans: every offending-related need and every medium-or-above risk is
    // addressed by an objective or carries a recorded reason.
    let mut c = Case::community("X100060", "2026-03-02", "2026-03-02");
    let mut a = assessment(
        "AS1",
        d("2026-03-02"),
        RoshLevel::High,
        &[
            (NeedArea::Accommodation, NeedSeverity::Severe),
            (NeedArea::DrugMisuse, NeedSeverity::Standard),
            (NeedArea::Financial, NeedSeverity::NoNeed),
        ],
    );
    a.rosh.insert(RiskGroup::KnownAdult, RoshLevel::Medium);
    a.rosh.insert(RiskGroup::Staff, RoshLevel::Low);
    c.ev("2026-03-02", CaseEvent::AssessmentCompleted { assessment: a });
    let subjects = |c: &Case| plan_gaps(&c.0).into_iter().map(|g| g.subject).collect::<Vec<_>>();
    // (gap present before?, subject, source)
    assert_eq!(
        subjects(&c),
        vec![
            PlanSubject::Need(NeedArea::Accommodation),
            PlanSubject::Need(NeedArea::DrugMisuse),
            PlanSubject::RiskGroup(RiskGroup::Public),
            PlanSubject::RiskGroup(RiskGroup::KnownAdult),
        ],
        "no need and low risk are not gaps"
    );
    c.ev("2026-03-10", objective("O1", &[NeedArea::Accommodation], &[RiskGroup::Public]));
    let low = CaseEvent::PlanGapReasonRecorded { subject: PlanSubject::RiskGroup(RiskGroup::Staff), reason: note("x") };
    assert_eq!(c.try_ev("2026-03-10", low).unwrap_err().field, "subject", "a low risk needs no reason");
    c.ev(
        "2026-03-10",
        CaseEvent::PlanGapReasonRecorded {
            subject: PlanSubject::Need(NeedArea::DrugMisuse),
            reason: note("already in treatment with a community drug service"),
        },
    );
    assert_eq!(subjects(&c), vec![PlanSubject::RiskGroup(RiskGroup::KnownAdult)]);
    // A reassessment asks again: reasons answer the assessment they were recorded against.
    c.ev(
        "2026-06-01",
        CaseEvent::AssessmentCompleted {
            assessment: assessment(
                "AS2",
                d("2026-06-01"),
                RoshLevel::High,
                &[(NeedArea::DrugMisuse, NeedSeverity::Standard)],
            ),
        },
    );
    assert_eq!(subjects(&c), vec![PlanSubject::Need(NeedArea::DrugMisuse)]);
}

// ---------------------------------------------------------------------------------------
// Events: JSON payloads (schema version 1) round-trip through `decode`
// ---------------------------------------------------------------------------------------

#[test]
fn new_events_have_stable_json() {
    let rows: Vec<(CaseEvent, &str)> = vec![
        (
            warn("A2", "2026-03-20"),
            r#"{"type":"warning_letter_issued","appointment":"A2","on":"2026-03-20","response_due":"2026-03-27"}"#,
        ),
        (
            CaseEvent::EnforcementExceptionRecorded {
                appointment: id("A3"),
                reason: note("in hospital"),
                by_manager: code("SPO1"),
            },
            r#"{"type":"enforcement_exception_recorded","appointment":"A3","reason":"in hospital","by_manager":"SPO1"}"#,
        ),
        (
            breach(&["A2", "A3"], None, BreachPack { breach_report: true, ..BreachPack::default() }),
            r#"{"type":"breach_referred","failures":["A2","A3"],"pack":{"breach_report":true,"order_copy":false,"instructions":false,"warning_letters":false,"contact_log":false,"previous_convictions":false,"risk_summary":false,"manager_countersigned":false}}"#,
        ),
        (
            CaseEvent::BreachResolved { on: d("2026-06-01"), outcome: BreachOutcome::ProvenOrderContinued },
            r#"{"type":"breach_resolved","on":"2026-06-01","outcome":"proven_order_continued"}"#,
        ),
        (
            CaseEvent::RecallRecommended {
                kind: RecallKind::FixedTerm,
                reasons: vec![RecallReason::ContactBrokenDown],
                alternatives_tried: vec![RecallAlternative::WarningLetter],
                failures: vec![id("A2")],
            },
            r#"{"type":"recall_recommended","kind":"fixed_term","reasons":["contact_broken_down"],"alternatives_tried":["warning_letter"],"failures":["A2"]}"#,
        ),
        (
            CaseEvent::RecallDecided { by_manager: code("SPO1"), decision: RecallKind::Standard, note: None },
            r#"{"type":"recall_decided","by_manager":"SPO1","decision":"standard"}"#,
        ),
        (
            CaseEvent::PlanGapReasonRecorded {
                subject: PlanSubject::Need(NeedArea::DrugMisuse),
                reason: note("in treatment"),
            },
            r#"{"type":"plan_gap_reason_recorded","subject":{"need":"drug_misuse"},"reason":"in treatment"}"#,
        ),
        (
            CaseEvent::PlanGapReasonRecorded {
                subject: PlanSubject::RiskGroup(RiskGroup::KnownAdult),
                reason: note("victim moved abroad"),
            },
            r#"{"type":"plan_gap_reason_recorded","subject":{"risk_group":"known_adult"},"reason":"victim moved abroad"}"#,
        ),
    ];
    for (event, json) in rows {
        assert_eq!(event.encode(), json);
        assert_eq!(decode(event.event_type(), event.schema_version(), json).unwrap(), event);
    }
    // A minimal breach referral (a serious first failure) needs only its reason.
    let minimal = r#"{"type":"breach_referred","reason":"threatened staff"}"#;
    assert_eq!(
        decode("breach_referred", 1, minimal).unwrap(),
        breach(&[], Some("threatened staff"), BreachPack::default())
    );
    // Old payloads stay readable.
    let old = r#"{"type":"outcome_recorded","appointment":"A1","outcome":{"outcome":"unacceptable_absence"}}"#;
    assert!(decode("outcome_recorded", 1, old).is_ok());
}

#[test]
fn a_stored_case_state_without_practice_fields_still_reads() {
    // CaseState is serialised by read models; the practice part defaults when absent.
    let c = Case::community("X100070", "2026-03-02", "2026-03-02");
    let mut v = serde_json::to_value(&c.0).unwrap();
    v.as_object_mut().unwrap().remove("practice");
    let back: CaseState = serde_json::from_value(v).unwrap();
    assert_eq!(back.practice, Default::default());
}
