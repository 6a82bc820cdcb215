//! Table-driven tests of the review, safeguarding and RAR rules. Every row cites its source:
//! the section of docs/rules/practice.md or the policy table (`domain::practice::policy`) that sets it.

use domain::assessment::{RiskGroup, RoshLevel};
use domain::case::{CaseState, Rejected};
use domain::contact::{AbsenceReason, ContactKind, Outcome, RescheduledBy};
use domain::event::{AllocationReason, CaseEvent, decode};
use domain::example::{appointment, assessment, code, community_order, date, id, person};
use domain::ids::{Crn, Note};
use domain::plan::{Objective, ObjectiveOwner};
use domain::practice::policy::{self, Period};
use domain::practice::reviews::{ReviewTrigger, reviews_due};
use domain::practice::safeguarding::{Agency, ResponseRate, in_view_since};
use domain::practice::{RarProgress, Subject, WorkItem, WorkKind, rar_progress, response_rate, worklist};
use domain::sentence::{Requirement, RequirementKind, Sentence};
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

    /// A 12-month community order sentenced and allocated on `on` (UPW and 20 RAR days).
    fn community(crn: &str, on: &str) -> Self {
        Self::with(crn, on, community_order("S1", d(on)))
    }

    fn with(crn: &str, on: &str, sentence: Sentence) -> Self {
        let mut c = Case::new(crn);
        c.ev(on, CaseEvent::SentenceImposed { sentence });
        c.ev(
            on,
            CaseEvent::OfficerAllocated {
                officer: code("PO1"),
                team: code("T1"),
                reason: AllocationReason::Initial,
                evidence: None,
            },
        );
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

    /// Refused, naming `field`, and the state is unchanged.
    fn refused(&mut self, on: &str, e: CaseEvent, field: &str, why: &str) {
        let before = self.0.clone();
        let r = self.try_ev(on, e).expect_err(why);
        assert_eq!(r.field, field, "{why}: {r}");
        assert_eq!(self.0, before, "{why}: a refused event leaves the state unchanged");
    }

    fn book(&mut self, appt: &str, on: &str, kind: ContactKind, requirement: Option<&str>) -> Result<(), Rejected> {
        let mut a = appointment(appt, d(on).at(10, 0, 0, 0), kind);
        a.requirement = requirement.map(id);
        self.try_ev(on, CaseEvent::AppointmentBooked { appointment: a })
    }

    fn rar(&mut self, appt: &str, on: &str) -> &mut Self {
        self.book(appt, on, ContactKind::RarActivity, Some("S1-RAR")).unwrap_or_else(|r| panic!("{appt}: {r}"));
        self
    }

    fn outcome(&mut self, appt: &str, recorded: &str, outcome: Outcome) -> &mut Self {
        self.ev(recorded, CaseEvent::OutcomeRecorded { appointment: id(appt), outcome, note: None, sensitive: false })
    }

    fn seen(&mut self, appt: &str, on: &str) -> &mut Self {
        self.book(appt, on, ContactKind::OfficeVisit, None).unwrap();
        self.outcome(appt, on, Outcome::AttendedComplied)
    }

    fn of_kind(&self, today: &str, kind: WorkKind) -> Vec<WorkItem> {
        worklist(&self.0, d(today)).into_iter().filter(|i| i.kind == kind).collect()
    }

    /// The one item of a kind (every new kind has at most one per case, about the case).
    fn item(&self, today: &str, kind: WorkKind) -> Option<WorkItem> {
        let all = self.of_kind(today, kind);
        assert!(all.len() <= 1, "expected at most one {kind:?}: {all:?}");
        assert!(all.iter().all(|i| i.subject == Subject::Case));
        all.into_iter().next()
    }

    fn progress(&self) -> RarProgress {
        rar_progress(&self.0).into_iter().next().expect("a RAR requirement")
    }
}

fn objective(oid: &str) -> CaseEvent {
    CaseEvent::ObjectiveAgreed {
        objective: Objective {
            id: id(oid),
            description: note("work on it"),
            needs: vec![],
            risk_groups: vec![],
            owner: ObjectiveOwner::ResponsibleOfficer,
            person_involved: true,
        },
    }
}

fn trigger(t: ReviewTrigger, on: &str) -> CaseEvent {
    CaseEvent::ReviewTriggered { trigger: t, on: d(on), note: None }
}

fn reviewed(on: &str, addressed: Option<&[ReviewTrigger]>) -> CaseEvent {
    CaseEvent::ReviewCompleted { on: d(on), triggers_addressed: addressed.map(<[_]>::to_vec) }
}

fn assessed(aid: &str, on: &str, rosh: RoshLevel, children: Option<RoshLevel>) -> CaseEvent {
    let mut a = assessment(aid, d(on), rosh, &[]);
    if let Some(l) = children {
        a.rosh.insert(RiskGroup::Children, l);
    }
    CaseEvent::AssessmentCompleted { assessment: a }
}

fn request(agency: Agency, la: &str, on: &str) -> CaseEvent {
    CaseEvent::SafeguardingCheckRequested { agency, local_authority: code(la), on: d(on) }
}

fn chase(agency: Agency, on: &str) -> CaseEvent {
    CaseEvent::SafeguardingCheckChased { agency, on: d(on) }
}

fn answer(agency: Agency, on: &str) -> CaseEvent {
    CaseEvent::SafeguardingResponseReceived { agency, on: d(on), outcome: note("known to CSC, no current plan") }
}

// ---------------------------------------------------------------------------------------
// Policy
// ---------------------------------------------------------------------------------------

#[test]
fn new_policy_values_and_sources() {
    // (rule, period, source prefix)
    let rows = [
        (&policy::REVIEW_SCHEDULED, Period::Months(6), "Probity default (docs/rules/practice.md#reviews"),
        (&policy::REVIEW_NOTICE, Period::Weeks(4), "Probity default"),
        (&policy::REVIEW_TRIGGERED, Period::BusinessDays(10), "Probity default (docs/rules/practice.md#reviews"),
        (
            &policy::SAFEGUARDING_REQUEST,
            Period::BusinessDays(5),
            "Probity default (docs/rules/practice.md#safeguarding",
        ),
        (&policy::SAFEGUARDING_CHASE, Period::BusinessDays(10), "Probity default (docs/rules/practice.md#safeguarding"),
        (&policy::RAR_PACE, Period::Weeks(1), "Probity default (docs/rules/practice.md#sentences-and-requirements"),
        (&policy::RAR_PACE_NOTICE, Period::Weeks(4), "Probity default"),
    ];
    for (rule, period, source) in rows {
        assert_eq!(rule.period, period, "{}", rule.key);
        assert!(rule.source.starts_with(source), "{}: {}", rule.key, rule.source);
        assert!(policy::RULES.contains(&rule), "{} is listed in RULES", rule.key);
    }
}

// ---------------------------------------------------------------------------------------
// Reviews (docs/rules/practice.md#reviews)
// ---------------------------------------------------------------------------------------

#[test]
fn scheduled_review_every_six_months_from_the_plan_then_the_last_review() {
    let mut c = Case::community("X200001", "2026-03-02");
    assert!(c.of_kind("2026-03-02", WorkKind::Review).is_empty(), "no plan yet: the plan item leads");
    c.seen("A1", "2026-03-04").ev("2026-03-10", objective("O1"));
    // policy REVIEW_NOTICE: on the worklist from 4 weeks before it is due.
    assert!(c.item("2026-08-12", WorkKind::Review).is_none(), "more than 4 weeks ahead");
    let r = c.item("2026-08-13", WorkKind::Review).unwrap();
    // policy REVIEW_SCHEDULED: 6 months from the plan (2026-03-10).
    assert_eq!((r.due, r.rule, r.action.key), (d("2026-09-10"), "review.scheduled", "review.complete"));
    assert!(!r.overdue);
    assert_eq!(c.item("2026-09-11", WorkKind::Review).unwrap().overdue_by_business_days, 1);
    // A completed review restarts the clock.
    c.ev("2026-09-01", reviewed("2026-09-01", None));
    assert!(c.item("2026-09-01", WorkKind::Review).is_none(), "the next is six months off");
    assert_eq!(c.item("2027-02-01", WorkKind::Review).unwrap().due, d("2027-03-01"));
    // Past the sentence end (2027-03-02) no scheduled review is due.
    c.ev("2027-01-04", reviewed("2027-01-04", None));
    assert!(c.item("2027-03-01", WorkKind::Review).is_none(), "next would be after the end");
}

#[test]
fn triggered_reviews_are_due_in_ten_business_days() {
    // (trigger, date, due, why) - policy REVIEW_TRIGGERED, 10 business days.
    let rows = [
        (ReviewTrigger::Transfer, "2026-04-01", "2026-04-17", "over Good Friday and Easter Monday"),
        (ReviewTrigger::NewOffenceOrArrest, "2026-03-16", "2026-03-30", "two plain weeks"),
        (ReviewTrigger::Recall, "2026-05-01", "2026-05-18", "over the early May bank holiday"),
        (ReviewTrigger::SafeguardingConcern, "2026-03-06", "2026-03-20", "from a Friday"),
        (
            ReviewTrigger::ChangeOfAddressOrCircumstances,
            "2026-12-21",
            "2027-01-07",
            "over Christmas, Boxing Day substitute (28th) and New Year",
        ),
    ];
    for (t, on, due, why) in rows {
        let mut c = Case::community("X200002", "2026-03-02");
        c.ev(on, trigger(t, on));
        let item = c.item(on, WorkKind::Review).unwrap();
        assert_eq!((item.due, item.rule), (d(due), "review.triggered"), "{why}");
        assert_eq!(policy::REVIEW_TRIGGERED.after(d(on)), d(due), "{why}");
    }
}

#[test]
fn a_review_clears_triggers_on_or_before_it_or_only_the_kinds_listed() {
    let mut c = Case::community("X200003", "2026-03-02");
    c.ev("2026-03-16", trigger(ReviewTrigger::Transfer, "2026-03-16"));
    c.ev("2026-03-20", trigger(ReviewTrigger::Transfer, "2026-03-20"));
    c.ev("2026-03-18", trigger(ReviewTrigger::NewOffenceOrArrest, "2026-03-18"));
    let open = |c: &Case| -> Vec<(Option<ReviewTrigger>, Date)> {
        reviews_due(&c.0).into_iter().map(|r| (r.trigger, r.due)).collect()
    };
    // Per trigger kind, the earliest open trigger; the worklist shows the earliest of all.
    assert_eq!(
        open(&c),
        vec![
            (Some(ReviewTrigger::NewOffenceOrArrest), d("2026-04-01")),
            (Some(ReviewTrigger::Transfer), d("2026-03-30")),
        ]
    );
    let item = c.item("2026-03-20", WorkKind::Review).unwrap();
    assert_eq!(
        (item.due, item.rule, item.action.key),
        (d("2026-03-30"), "review.triggered", "review.complete_triggered")
    );

    // Only the arrest is addressed: the transfers stay open. Any review starts the schedule.
    c.ev("2026-03-19", reviewed("2026-03-19", Some(&[ReviewTrigger::NewOffenceOrArrest])));
    assert_eq!(open(&c), vec![(None, d("2026-09-19")), (Some(ReviewTrigger::Transfer), d("2026-03-30"))]);

    // A full review on the 19th clears the transfer of the 16th but not the one of the 20th.
    c.ev("2026-03-19", reviewed("2026-03-19", None));
    let left = c.item("2026-03-20", WorkKind::Review).unwrap();
    assert_eq!(left.due, policy::REVIEW_TRIGGERED.after(d("2026-03-20")));
    c.ev("2026-03-25", reviewed("2026-03-25", None));
    assert_eq!(open(&c), vec![(None, d("2026-09-25"))], "only the schedule is left");
}

#[test]
fn the_worklist_shows_the_earliest_of_scheduled_and_triggered() {
    let mut c = Case::community("X200007", "2026-03-02");
    c.seen("A1", "2026-03-04").ev("2026-03-10", objective("O1"));
    c.ev("2026-08-28", trigger(ReviewTrigger::Recall, "2026-08-28"));
    // (today, due, rule, why)
    let i = c.item("2026-08-28", WorkKind::Review).unwrap();
    assert_eq!(
        (i.due, i.rule),
        (d("2026-09-10"), "review.scheduled"),
        "the schedule (09-10) before the trigger (09-11)"
    );
    c.ev("2026-09-01", trigger(ReviewTrigger::Transfer, "2026-09-01"));
    c.ev("2026-09-09", reviewed("2026-09-09", Some(&[ReviewTrigger::Recall])));
    let i = c.item("2026-09-09", WorkKind::Review).unwrap();
    assert_eq!((i.due, i.rule), (d("2026-09-15"), "review.triggered"), "any review restarts the schedule");
}

#[test]
fn the_gate_refuses_invalid_review_events() {
    let mut none = Case::new("X200004");
    none.refused("2026-03-02", trigger(ReviewTrigger::Transfer, "2026-03-02"), "type", "no active sentence");
    none.refused("2026-03-02", reviewed("2026-03-02", None), "type", "no active sentence to review");

    let mut c = Case::community("X200005", "2026-03-02");
    c.refused("2026-03-02", trigger(ReviewTrigger::Recall, "2026-02-01"), "on", "trigger before the sentence");
    c.refused("2026-03-02", reviewed("2026-02-01", None), "on", "review before the sentence");
    c.refused(
        "2026-03-10",
        reviewed("2026-03-10", Some(&[ReviewTrigger::Recall])),
        "triggers_addressed",
        "no open recall trigger",
    );
    c.refused("2026-03-10", reviewed("2026-03-10", Some(&[])), "triggers_addressed", "an empty list says nothing");
    c.ev("2026-03-12", trigger(ReviewTrigger::Recall, "2026-03-12"));
    c.refused(
        "2026-03-10",
        reviewed("2026-03-10", Some(&[ReviewTrigger::Recall])),
        "triggers_addressed",
        "the review predates the trigger",
    );
}

#[test]
fn a_change_of_overall_rosh_is_a_risk_change_trigger() {
    let mut c = Case::community("X200006", "2026-03-02");
    // (assessment, completed, overall RoSH, trigger expected due, why)
    let rows = [
        ("AS1", "2026-03-05", RoshLevel::Medium, None, "the first assessment is not a change"),
        ("AS2", "2026-04-01", RoshLevel::Medium, None, "same overall RoSH"),
        ("AS3", "2026-05-01", RoshLevel::High, Some("2026-05-18"), "medium to high"),
    ];
    for (aid, on, rosh, due, why) in rows {
        c.ev(on, assessed(aid, on, rosh, None));
        assert_eq!(c.item(on, WorkKind::Review).map(|i| i.due), due.map(d), "{why}");
    }
    assert!(c.0.practice.reviews.triggers[0].derived, "derived from the assessment, not an event");
    c.ev("2026-05-06", reviewed("2026-05-06", Some(&[ReviewTrigger::RiskChange])));
    assert!(c.item("2026-05-06", WorkKind::Review).is_none(), "only the schedule, six months off");
    assert_eq!(reviews_due(&c.0).len(), 1);
    // Down is a change too.
    c.ev("2026-06-01", assessed("AS4", "2026-06-01", RoshLevel::Low, None));
    assert_eq!(c.item("2026-06-01", WorkKind::Review).unwrap().due, d("2026-06-15"));
}

// ---------------------------------------------------------------------------------------
// Safeguarding (docs/rules/practice.md#safeguarding)
// ---------------------------------------------------------------------------------------

/// Events with the date each occurred.
type Events = Vec<(&'static str, CaseEvent)>;

#[test]
fn children_or_domestic_abuse_in_view_is_derived() {
    // (events, in view since, why)
    let cases: Vec<(Events, Option<&str>, &str)> = vec![
        (vec![], None, "nothing in view"),
        (
            vec![("2026-03-05", assessed("AS1", "2026-03-05", RoshLevel::Medium, Some(RoshLevel::Low)))],
            None,
            "low RoSH to children is not enough",
        ),
        (
            vec![("2026-03-05", assessed("AS1", "2026-03-05", RoshLevel::Medium, Some(RoshLevel::Medium)))],
            Some("2026-03-05"),
            "medium RoSH to children",
        ),
        (
            vec![("2026-03-04", CaseEvent::SafeguardingInView { children: false, domestic_abuse: true })],
            Some("2026-03-04"),
            "declared domestic abuse",
        ),
        (
            vec![
                ("2026-03-04", CaseEvent::SafeguardingInView { children: true, domestic_abuse: false }),
                ("2026-03-09", CaseEvent::SafeguardingInView { children: true, domestic_abuse: true }),
            ],
            Some("2026-03-04"),
            "in view from the first declaration",
        ),
        (
            vec![
                ("2026-03-04", CaseEvent::SafeguardingInView { children: true, domestic_abuse: false }),
                ("2026-03-09", CaseEvent::SafeguardingInView { children: false, domestic_abuse: false }),
            ],
            None,
            "declared no longer in view",
        ),
    ];
    for (events, since, why) in cases {
        let mut c = Case::community("X200010", "2026-03-02");
        for (on, e) in events {
            c.ev(on, e);
        }
        assert_eq!(in_view_since(&c.0), since.map(d), "{why}");
        let requests = c.of_kind("2026-03-20", WorkKind::SafeguardingCheck);
        assert_eq!(requests.len(), usize::from(since.is_some()), "{why}");
        assert!(requests.iter().all(|i| i.action.key == "safeguarding.request"), "{why}: both agencies");
    }
}

#[test]
fn checks_are_requested_chased_and_answered() {
    let mut c = Case::community("X200011", "2026-03-02");
    c.ev("2026-03-05", assessed("AS1", "2026-03-05", RoshLevel::Medium, Some(RoshLevel::High)));
    // policy SAFEGUARDING_REQUEST: 5 business days from coming into view.
    let i = c.item("2026-03-05", WorkKind::SafeguardingCheck).unwrap();
    assert_eq!((i.due, i.rule, i.action.key), (d("2026-03-12"), "safeguarding.request", "safeguarding.request"));
    c.ev("2026-03-10", request(Agency::ChildrensSocialCare, "LA1", "2026-03-10"));
    let i = c.item("2026-03-10", WorkKind::SafeguardingCheck).unwrap();
    assert_eq!(i.action.key, "safeguarding.request.police", "children's social care is asked; the police remain");
    // policy SAFEGUARDING_CHASE: 10 business days from the request, then from the last chase.
    let chase_item = c.item("2026-03-10", WorkKind::SafeguardingChase).unwrap();
    assert_eq!(
        (chase_item.due, chase_item.rule, chase_item.action.key),
        (d("2026-03-24"), "safeguarding.chase", "safeguarding.chase.childrens_social_care")
    );
    c.ev("2026-03-25", chase(Agency::ChildrensSocialCare, "2026-03-25"));
    assert_eq!(c.item("2026-03-25", WorkKind::SafeguardingChase).unwrap().due, d("2026-04-10"), "over Easter");
    // The police asked on the 26th: the earliest open check is chased first.
    c.ev("2026-03-26", request(Agency::Police, "POL1", "2026-03-26"));
    assert!(c.item("2026-03-26", WorkKind::SafeguardingCheck).is_none(), "both agencies asked");
    let i = c.item("2026-03-26", WorkKind::SafeguardingChase).unwrap();
    assert_eq!((i.due, i.action.key), (d("2026-04-10"), "safeguarding.chase.childrens_social_care"));
    c.ev("2026-03-30", answer(Agency::ChildrensSocialCare, "2026-03-30"));
    let i = c.item("2026-03-30", WorkKind::SafeguardingChase).unwrap();
    assert_eq!((i.due, i.action.key), (d("2026-04-13"), "safeguarding.chase.police"));
    let check = &c.0.practice.safeguarding.checks[0];
    assert_eq!(
        (check.chased_on.clone(), check.response.as_ref().map(|r| r.0)),
        (vec![d("2026-03-25")], Some(d("2026-03-30")))
    );
}

#[test]
fn the_gate_refuses_invalid_safeguarding_events() {
    let mut c = Case::community("X200012", "2026-03-02");
    let cases: Vec<(CaseEvent, &str, &str)> = vec![
        (answer(Agency::Police, "2026-03-10"), "agency", "a response for a check never requested"),
        (chase(Agency::Police, "2026-03-10"), "agency", "a chase for a check never requested"),
    ];
    for (e, field, why) in cases {
        c.refused("2026-03-10", e, field, why);
    }
    c.ev("2026-03-10", request(Agency::Police, "LA1", "2026-03-10"));
    c.refused("2026-03-11", request(Agency::Police, "LA1", "2026-03-11"), "agency", "one open check per agency");
    c.refused("2026-03-11", chase(Agency::Police, "2026-03-09"), "on", "a chase before the request");
    c.refused("2026-03-11", answer(Agency::Police, "2026-03-09"), "on", "a response before the request");
    c.ev("2026-03-20", answer(Agency::Police, "2026-03-20"));
    c.refused("2026-03-25", chase(Agency::Police, "2026-03-25"), "agency", "a chase after a response");
    c.refused("2026-03-25", answer(Agency::Police, "2026-03-25"), "agency", "a second response");
    // A fresh check after an answer is allowed.
    c.ev("2026-06-01", request(Agency::Police, "LA1", "2026-06-01"));
}

#[test]
fn response_rate_per_local_authority() {
    let mut a = Case::community("X200013", "2026-03-02");
    a.ev("2026-03-10", request(Agency::ChildrensSocialCare, "LA1", "2026-03-10"));
    a.ev("2026-03-10", request(Agency::Police, "POL1", "2026-03-10"));
    a.ev("2026-03-20", answer(Agency::ChildrensSocialCare, "2026-03-20"));
    let mut b = Case::community("X200014", "2026-03-02");
    b.ev("2026-03-10", request(Agency::ChildrensSocialCare, "LA1", "2026-03-10"));
    b.ev("2026-03-11", request(Agency::Police, "POL1", "2026-03-11"));
    b.ev("2026-03-12", answer(Agency::Police, "2026-03-12"));
    let rates = response_rate([&a.0, &b.0]);
    // (local authority, requested, answered, rate)
    let rows = [("LA1", 2, 1, Some(0.5)), ("POL1", 2, 1, Some(0.5))];
    assert_eq!(rates.len(), rows.len());
    for (la, requested, answered, rate) in rows {
        let r = rates[&code(la)];
        assert_eq!(r, ResponseRate { requested, answered }, "{la}");
        assert_eq!(r.rate(), rate, "{la}");
    }
    assert_eq!(ResponseRate::default().rate(), None, "nothing requested: no rate");
}

// ---------------------------------------------------------------------------------------
// RAR days (docs/rules/practice.md#rar-days; docs/rules/practice.md#sentences-and-requirements)
// ---------------------------------------------------------------------------------------

fn rar_order(max_days: u16) -> Sentence {
    let mut s = community_order("S1", d("2026-03-02"));
    s.requirements = vec![Requirement { id: id("S1-RAR"), kind: RequirementKind::Rar { max_days } }];
    s
}

#[test]
fn rar_days_are_a_budget_of_distinct_attended_dates() {
    let mut c = Case::with("X200020", "2026-03-02", rar_order(3));
    c.rar("R1", "2026-03-10").rar("R2", "2026-03-17").rar("R3", "2026-03-17");
    c.rar("R4", "2026-03-24");
    // Three distinct dates are committed (used or booked): a fourth is refused.
    let before = c.0.clone();
    let r = c.book("R5", "2026-03-31", ContactKind::RarActivity, Some("S1-RAR")).unwrap_err();
    assert_eq!(r.field, "appointment.requirement");
    assert_eq!(c.0, before, "refused: state unchanged");
    // Not a RAR activity, or not linked: not counted and not refused.
    c.book("V1", "2026-03-31", ContactKind::OfficeVisit, Some("S1-RAR")).unwrap();
    c.book("R6", "2026-03-31", ContactKind::RarActivity, None).unwrap();

    // (appointment, outcome, used after, why)
    let rows = [
        ("R1", Outcome::AttendedComplied, 1, "attended: one day"),
        ("R2", Outcome::AttendedComplied, 2, "attended"),
        ("R3", Outcome::AttendedFailedToComply, 2, "same date as R2: still one day"),
        ("R1", Outcome::UnacceptableAbsence, 1, "corrected to an absence: the day is given back"),
        ("R1", Outcome::AttendedComplied, 2, "corrected back to attended"),
        ("R4", Outcome::AcceptableAbsence { reason: AbsenceReason::Medical }, 2, "an absence uses no day"),
    ];
    for (appt, outcome, used, why) in rows {
        c.outcome(appt, "2026-03-25", outcome);
        let p = c.progress();
        assert_eq!((p.used, p.left), (used, 3 - used), "{why}");
    }
    assert_eq!(
        c.progress(),
        RarProgress { requirement: id("S1-RAR"), max_days: 3, used: 2, left: 1, sentence_end: d("2027-03-02") }
    );
    // R4's absence freed its date: one more booking fits, then the budget is full again.
    c.rar("R7", "2026-04-07");
    assert!(c.book("R8", "2026-04-14", ContactKind::RarActivity, Some("S1-RAR")).is_err());
    c.outcome("R7", "2026-04-07", Outcome::Rescheduled { by: RescheduledBy::Service });
    c.rar("R8", "2026-04-14");
}

#[test]
fn rar_pace_warning_when_days_left_stop_fitting_at_one_a_week() {
    // 20 days on an order ending 2027-03-02: 20 weeks back is 2026-10-13 (policy RAR_PACE),
    // and the warning shows 4 weeks before that (policy RAR_PACE_NOTICE).
    let mut c = Case::community("X200021", "2026-03-02");
    // (today, item due, overdue, why)
    let rows = [
        ("2026-09-14", None, false, "more than 4 weeks of slack"),
        ("2026-09-15", Some("2026-10-13"), false, "4 weeks before the last start date"),
        ("2026-10-13", Some("2026-10-13"), false, "the last date 20 weeks still fit"),
        ("2026-10-14", Some("2026-10-13"), true, "20 days no longer fit at one a week"),
        ("2027-03-03", None, false, "the sentence has ended"),
    ];
    for (today, due, overdue, why) in rows {
        let item = c.item(today, WorkKind::RarPace);
        assert_eq!(item.as_ref().map(|i| i.due), due.map(d), "{why}");
        if let Some(i) = item {
            assert_eq!((i.overdue, i.rule, i.action.key), (overdue, "rar.pace", "rar.book"), "{why}");
        }
    }
    // A day used moves the last start date a week later.
    c.rar("R1", "2026-09-01").outcome("R1", "2026-09-01", Outcome::AttendedComplied);
    assert_eq!(c.item("2026-10-14", WorkKind::RarPace).unwrap().due, d("2026-10-20"));
    // A day booked ahead does too, while it is ahead; once every day left is booked, the
    // warning is answered.
    c.rar("R2", "2026-10-21");
    assert_eq!(c.item("2026-10-14", WorkKind::RarPace).unwrap().due, d("2026-10-27"));
    assert_eq!(c.item("2026-10-22", WorkKind::RarPace).unwrap().due, d("2026-10-20"), "a day past, not held");
    let mut weekly = Case::community("X200022", "2026-03-02");
    for week in 0..20 {
        let on = d("2026-10-13").checked_add(jiff::Span::new().weeks(week)).unwrap().to_string();
        weekly.rar(&format!("W{week}"), &on);
    }
    assert_eq!(weekly.item("2026-10-13", WorkKind::RarPace), None, "all 20 days booked a week apart");
}

// ---------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------

#[test]
fn new_events_have_stable_json() {
    let rows: Vec<(CaseEvent, &str)> = vec![
        (
            CaseEvent::ReviewTriggered {
                trigger: ReviewTrigger::ChangeOfAddressOrCircumstances,
                on: d("2026-04-01"),
                note: Some(note("moved to a hostel")),
            },
            r#"{"type":"review_triggered","trigger":"change_of_address_or_circumstances","on":"2026-04-01","note":"moved to a hostel"}"#,
        ),
        (
            trigger(ReviewTrigger::RiskChange, "2026-04-01"),
            r#"{"type":"review_triggered","trigger":"risk_change","on":"2026-04-01"}"#,
        ),
        (reviewed("2026-04-10", None), r#"{"type":"review_completed","on":"2026-04-10"}"#),
        (
            reviewed("2026-04-10", Some(&[ReviewTrigger::Recall, ReviewTrigger::Transfer])),
            r#"{"type":"review_completed","on":"2026-04-10","triggers_addressed":["recall","transfer"]}"#,
        ),
        (
            CaseEvent::SafeguardingInView { children: true, domestic_abuse: false },
            r#"{"type":"safeguarding_in_view","children":true,"domestic_abuse":false}"#,
        ),
        (
            request(Agency::ChildrensSocialCare, "LA1", "2026-03-10"),
            r#"{"type":"safeguarding_check_requested","agency":"childrens_social_care","local_authority":"LA1","on":"2026-03-10"}"#,
        ),
        (
            chase(Agency::Police, "2026-03-24"),
            r#"{"type":"safeguarding_check_chased","agency":"police","on":"2026-03-24"}"#,
        ),
        (
            answer(Agency::Police, "2026-03-30"),
            r#"{"type":"safeguarding_response_received","agency":"police","on":"2026-03-30","outcome":"known to CSC, no current plan"}"#,
        ),
    ];
    for (event, json) in rows {
        assert_eq!(event.encode(), json);
        assert_eq!(decode(event.event_type(), event.schema_version(), json).unwrap(), event);
        assert!(!event.summary().is_empty());
    }
}

#[test]
fn a_stored_case_state_without_the_new_practice_fields_still_reads() {
    let c = Case::community("X200030", "2026-03-02");
    let mut v = serde_json::to_value(&c.0).unwrap();
    let practice = v["practice"].as_object_mut().unwrap();
    practice.remove("reviews");
    practice.remove("safeguarding");
    let back: CaseState = serde_json::from_value(v).unwrap();
    assert_eq!(back, c.0);
}

// ---------------------------------------------------------------------------------------
// Transfer to another team (docs/rules/practice.md#transfer)

fn transfer_to(team: &str) -> CaseEvent {
    CaseEvent::TransferRequested { to: code(team), reason: note("The person has moved to another borough.") }
}

fn allocated_in(officer: &str, team: &str) -> CaseEvent {
    CaseEvent::OfficerAllocated {
        officer: code(officer),
        team: code(team),
        reason: AllocationReason::Transfer,
        evidence: None,
    }
}

#[test]
fn a_transfer_waits_with_the_officer_until_the_receiving_team_allocates_it() {
    // Not before the case is allocated: there is no sending team.
    let mut unallocated = Case::new("X100901");
    unallocated.ev("2026-01-05", CaseEvent::SentenceImposed { sentence: community_order("S1", d("2026-01-05")) });
    unallocated.refused("2026-01-06", transfer_to("T2"), "type", "nothing to transfer from");

    let mut c = Case::community("X100902", "2026-01-05");
    c.refused("2026-02-02", transfer_to("T1"), "to", "to its own team");
    c.ev("2026-02-02", transfer_to("T2"));
    let waiting = c.0.practice.transfer.clone().expect("a transfer waits");
    assert_eq!((waiting.to, waiting.from, waiting.requested_on), (code("T2"), code("T1"), d("2026-02-02")));
    assert_eq!(c.0.officer.as_ref().map(|a| a.officer.as_str()), Some("PO1"), "the officer keeps the case");
    c.refused("2026-02-03", transfer_to("T3"), "to", "one transfer at a time");
    // Within its own team it can still move; to a third team it cannot while one waits.
    c.ev("2026-02-04", allocated_in("PO2", "T1"));
    assert!(c.0.practice.transfer.is_some(), "a reallocation within the team keeps the transfer waiting");
    c.refused("2026-02-05", allocated_in("PO7", "T3"), "team", "not to a third team");
    // The receiving team's allocation completes it.
    c.ev("2026-02-06", allocated_in("PO9", "T2"));
    assert_eq!(c.0.practice.transfer, None);
    assert_eq!(c.0.officer.as_ref().map(|a| (a.officer.as_str(), a.team.as_str())), Some(("PO9", "T2")));
    let withdraw = || CaseEvent::TransferWithdrawn { reason: note("The move fell through.") };
    c.refused("2026-02-07", withdraw(), "type", "nothing waits to withdraw");

    // Withdrawn (or declined): the case stays where it was, and may be asked for again.
    c.ev("2026-03-02", transfer_to("T1"));
    c.ev("2026-03-03", withdraw());
    assert_eq!(c.0.practice.transfer, None);
    assert_eq!(c.0.officer.as_ref().map(|a| a.team.as_str()), Some("T2"));
    c.ev("2026-03-04", transfer_to("T1"));

    // A case that ends is no longer transferred.
    c.ev(
        "2026-03-05",
        CaseEvent::SentenceEnded {
            sentence: id("S1"),
            on: d("2026-03-05"),
            outcome: domain::event::SentenceOutcome::Completed,
        },
    );
    assert_eq!(c.0.practice.transfer, None);
    c.refused("2026-03-06", transfer_to("T3"), "type", "no active sentence");
    let summary = domain::projection::CaseSummary::from_state(&c.0).unwrap();
    assert_eq!(summary.transfer_to, None);
}

#[test]
fn a_waiting_transfer_is_on_the_case_summary() {
    let mut c = Case::community("X100903", "2026-01-05");
    c.ev("2026-02-02", transfer_to("T2"));
    let summary = domain::projection::CaseSummary::from_state(&c.0).unwrap();
    assert_eq!((summary.team, summary.transfer_to), (Some(code("T1")), Some(code("T2"))));
}
