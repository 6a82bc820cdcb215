//! The calibration statistics: the report's figures measured on folded case states, so the
//! same function checks a generated provider in memory and a loaded store.

use crate::calibration::{self as cal, RequirementName};
use domain::assessment::{NeedArea, RoshLevel};
use domain::case::CaseState;
use domain::contact::Outcome;
use domain::ids::Code;
use domain::org::{Grade, Organisation};
use domain::person::{Ethnicity, Gender};
use domain::practice::contact::sentence_plan_started;
use domain::practice::policy::REVIEW_SCHEDULED;
use domain::practice::safeguarding::Agency;
use domain::sentence::SentenceKind;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// A count and its share of a stated whole.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub name: &'static str,
    pub count: u64,
    /// count / whole x 100; 0 when the whole is empty.
    pub percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeedPrevalence {
    pub need: NeedArea,
    /// Assessed active cases whose latest assessment has this need as standard or severe.
    pub cases: u64,
    /// cases / assessed active cases x 100.
    pub percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaNeeds {
    pub area: String,
    pub name: String,
    /// Active cases managed in the area (by their officer's team) that have an assessment.
    pub assessed_cases: u64,
    /// Every need area, in `NeedArea::ALL` order.
    pub needs: Vec<NeedPrevalence>,
    /// Whether the seven needs the report ranks are strictly in its order here.
    pub in_report_order: bool,
}

/// A headline figure beside the report's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub figure: &'static str,
    pub value: Option<f64>,
    pub target: f64,
    /// How far from the target counts as calibrated (the same unit as the figure).
    pub tolerance: f64,
    pub within: bool,
    pub source: &'static str,
}

/// The calibration figures of a provider. "Active" means the case has a sentence that has
/// not ended (`CaseState::is_active`), as in the caseload projection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub areas: usize,
    pub boroughs: usize,
    pub offices: usize,
    pub teams: usize,
    /// Staff who can hold cases: PO, PSO and PQiP.
    pub officers: usize,
    pub senior_probation_officers: usize,
    /// Cases with a registered person.
    pub cases: u64,
    /// Events over all cases (the sum of stream versions).
    pub events: u64,
    pub active_cases: u64,
    /// Distinct responsible officers of active cases.
    pub officers_holding_cases: u64,
    /// Active cases with a responsible officer / officers holding cases.
    pub mean_caseload: Option<f64>,
    /// Active cases whose current sentence is custodial (before or after release) / active
    /// cases x 100.
    pub custodial_percent: Option<f64>,
    /// Of active custodial cases, those not yet released, x 100.
    pub pre_release_percent: Option<f64>,
    /// Active cases by the kind of their current sentence.
    pub sentence_mix: Vec<Share>,
    /// Active community sentences (CO, SSO) carrying each requirement, of all of them.
    pub requirement_mix: Vec<Share>,
    /// Active cases by overall RoSH in their latest assessment ("not assessed" if none).
    pub rosh: Vec<Share>,
    /// Active cases by gender.
    pub gender: Vec<Share>,
    /// Women among active cases x 100.
    pub female_percent: Option<f64>,
    /// Active cases by ethnicity ("not recorded" where the field is empty).
    pub ethnicity: Vec<Share>,
    /// Active cases with an assessment: the whole that needs are a share of.
    pub assessed_cases: u64,
    /// Needs over all assessed active cases, `NeedArea::ALL` order.
    pub needs: Vec<NeedPrevalence>,
    pub needs_by_area: Vec<AreaNeeds>,
    /// The report's order holds provider-wide and in every area with assessed cases.
    pub needs_in_report_order: bool,
    /// Cases that have had exactly one responsible officer over their life / cases that
    /// have had any, x 100 (active and ended alike).
    pub one_officer_percent: Option<f64>,
    /// Ended community sentences (CO, SSO) whose ending counts for completion
    /// (`SentenceOutcome::completion` is not `None`).
    pub community_sentences_ended: u64,
    /// Of those, ended successfully (completed, or terminated early for good progress) x 100.
    pub community_completion_percent: Option<f64>,
    /// Ended custodial sentences (licence or PSS) whose ending counts for completion.
    pub licences_ended: u64,
    pub licence_completion_percent: Option<f64>,
    /// Scheduled reviews of the current sentence's plan on active cases (not those answering a
    /// trigger raised since the review before).
    pub plan_reviews: u64,
    /// Of those, done by the date the scheduled review fell due (six months from the plan or
    /// the review before), x 100.
    pub plan_reviews_on_time_percent: Option<f64>,
    /// Safeguarding checks requested from children's social care, over all cases.
    pub local_authority_requests: u64,
    /// Of those, answered x 100.
    pub local_authority_answer_percent: Option<f64>,
    /// Breaches referred, over all cases.
    pub breaches_referred: u64,
    /// Of those, referred with the pack incomplete (not completed on the day of referral) x 100.
    pub breach_pack_incomplete_percent: Option<f64>,
    /// Objectives agreed, over all cases.
    pub objectives: u64,
    /// Of those, agreed with the person involved x 100.
    pub person_involved_percent: Option<f64>,
    /// Appointments over all cases, by their latest outcome.
    pub appointments: u64,
    pub appointment_outcomes: Vec<Share>,
}

fn percent(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 * 100.0 / d as f64)
}

fn shares(counts: &[(&'static str, u64)], whole: u64) -> Vec<Share> {
    counts
        .iter()
        .map(|(name, count)| Share { name, count: *count, percent: percent(*count, whole).unwrap_or(0.0) })
        .collect()
}

fn in_report_order(needs: &[NeedPrevalence]) -> bool {
    let of = |area: NeedArea| needs.iter().find(|n| n.need == area).map_or(0.0, |n| n.percent);
    cal::NEEDS_ORDER.windows(2).all(|w| of(w[0]) > of(w[1]))
}

fn need_index(area: NeedArea) -> usize {
    NeedArea::ALL.iter().position(|a| *a == area).expect("every need is in ALL")
}

#[derive(Default)]
struct NeedCounts {
    assessed: u64,
    present: [u64; 10],
}

impl NeedCounts {
    fn prevalence(&self) -> Vec<NeedPrevalence> {
        NeedArea::ALL
            .iter()
            .zip(self.present)
            .map(|(need, cases)| NeedPrevalence {
                need: *need,
                cases,
                percent: percent(cases, self.assessed).unwrap_or(0.0),
            })
            .collect()
    }
}

/// Measures the calibration figures over folded case states (each defined on its field of
/// [`Stats`]). Pure: feed it from memory or from the store.
pub fn stats<'a>(org: &Organisation, cases: impl IntoIterator<Item = &'a CaseState>) -> Stats {
    // officer -> area, through team, office and borough.
    let office_borough: BTreeMap<&Code, &Code> = org.offices.iter().map(|o| (&o.code, &o.borough)).collect();
    let borough_area: BTreeMap<&Code, &Code> = org.boroughs.iter().map(|b| (&b.code, &b.area)).collect();
    let area_index: BTreeMap<&Code, usize> = org.areas.iter().enumerate().map(|(i, a)| (&a.code, i)).collect();
    let team_area: BTreeMap<&Code, usize> = org
        .teams
        .iter()
        .filter_map(|t| {
            let borough = office_borough.get(&t.office)?;
            let area = borough_area.get(borough)?;
            Some((&t.code, *area_index.get(area)?))
        })
        .collect();

    let mut total = 0u64;
    let mut events = 0u64;
    let mut active = 0u64;
    let mut with_officer = 0u64;
    let mut caseloads: BTreeMap<&Code, u64> = BTreeMap::new();
    let (mut custodial, mut pre_release, mut co, mut sso) = (0u64, 0u64, 0u64, 0u64);
    let mut requirements = [0u64; 11];
    let mut rosh = [0u64; 5];
    let mut gender = [0u64; 3];
    let mut ethnicity = [0u64; 7];
    let mut needs = NeedCounts::default();
    let mut area_needs: Vec<NeedCounts> = org.areas.iter().map(|_| NeedCounts::default()).collect();
    let (mut any_officer, mut one_officer) = (0u64, 0u64);
    let (mut community_ended, mut community_ok, mut licence_ended, mut licence_ok) = (0u64, 0u64, 0u64, 0u64);
    let mut outcomes = [0u64; 8];
    let (mut reviews, mut reviews_on_time) = (0u64, 0u64);
    let (mut la_requests, mut la_answered) = (0u64, 0u64);
    let (mut breaches, mut packs_incomplete) = (0u64, 0u64);
    let (mut objectives, mut involved) = (0u64, 0u64);

    for case in cases {
        let Some(person) = &case.person else { continue };
        total += 1;
        events += case.version;
        if case.officer_count > 0 {
            any_officer += 1;
            one_officer += u64::from(case.officer_count == 1);
        }
        for s in &case.sentences {
            let Some(success) = s.ended.and_then(|(_, o)| o.completion()) else { continue };
            if s.sentence.kind.is_community() {
                community_ended += 1;
                community_ok += u64::from(success);
            } else {
                licence_ended += 1;
                licence_ok += u64::from(success);
            }
        }
        for a in &case.appointments {
            let i = match a.outcome {
                Some(Outcome::AttendedComplied) => 0,
                Some(Outcome::AttendedFailedToComply) => 1,
                Some(Outcome::AttendedSentHome { .. }) => 2,
                Some(Outcome::AcceptableAbsence { .. }) => 3,
                Some(Outcome::UnacceptableAbsence) => 4,
                Some(Outcome::FailedToAttend) => 5,
                Some(Outcome::Rescheduled { .. }) => 6,
                None => 7,
            };
            outcomes[i] += 1;
        }

        for c in case.practice.safeguarding.checks.iter().filter(|c| c.agency == Agency::ChildrensSocialCare) {
            la_requests += 1;
            la_answered += u64::from(c.response.is_some());
        }
        for b in &case.practice.enforcement.breaches {
            breaches += 1;
            packs_incomplete += u64::from(b.pack_completed_on != Some(b.referred_on));
        }
        for o in &case.objectives {
            objectives += 1;
            involved += u64::from(o.person_involved);
        }

        let Some(current) = case.current_sentence() else { continue };
        active += 1;
        if let Some(plan) = sentence_plan_started(case) {
            let from = current.sentence.sentence_date;
            let mut done: Vec<_> =
                case.practice.reviews.completed.iter().map(|r| r.on).filter(|on| *on >= from.max(plan)).collect();
            done.sort_unstable();
            let mut anchor = plan;
            let triggers = &case.practice.reviews.triggers;
            for on in done {
                // A review that answered a trigger raised since the last one restarts the
                // clock but is not a scheduled review.
                let triggered = triggers.iter().any(|t| t.on > anchor && t.on <= on);
                if !triggered {
                    reviews += 1;
                    reviews_on_time += u64::from(on <= REVIEW_SCHEDULED.after(anchor));
                }
                anchor = on;
            }
        }
        if let Some(a) = &case.officer {
            with_officer += 1;
            *caseloads.entry(&a.officer).or_insert(0) += 1;
        }
        match current.sentence.kind {
            SentenceKind::Custodial => {
                custodial += 1;
                pre_release += u64::from(current.released_on.is_none());
            }
            SentenceKind::CommunityOrder => co += 1,
            SentenceKind::SuspendedSentenceOrder => sso += 1,
        }
        if current.sentence.kind.is_community() {
            let mut seen = [false; 11];
            for r in &current.sentence.requirements {
                let name = RequirementName::of(&r.kind);
                let i = RequirementName::ALL.iter().position(|n| *n == name).expect("every kind is in ALL");
                seen[i] = true;
            }
            for (count, seen) in requirements.iter_mut().zip(seen) {
                *count += u64::from(seen);
            }
        }
        rosh[match case.rosh() {
            Some(RoshLevel::Low) => 0,
            Some(RoshLevel::Medium) => 1,
            Some(RoshLevel::High) => 2,
            Some(RoshLevel::VeryHigh) => 3,
            None => 4,
        }] += 1;
        gender[match person.gender {
            Gender::Male => 0,
            Gender::Female => 1,
            Gender::Other => 2,
        }] += 1;
        ethnicity[match person.ethnicity {
            Some(e) => Ethnicity::ALL.iter().position(|x| *x == e).expect("every ethnicity is in ALL"),
            None => 6,
        }] += 1;
        if let Some(assessment) = &case.assessment {
            let area = case.officer.as_ref().and_then(|a| team_area.get(&a.team)).copied();
            needs.assessed += 1;
            if let Some(area) = area {
                area_needs[area].assessed += 1;
            }
            for need in assessment.offending_related_needs() {
                let i = need_index(need);
                needs.present[i] += 1;
                if let Some(area) = area {
                    area_needs[area].present[i] += 1;
                }
            }
        }
    }

    let provider_needs = needs.prevalence();
    let needs_by_area: Vec<AreaNeeds> = org
        .areas
        .iter()
        .zip(&area_needs)
        .map(|(a, counts)| {
            let needs = counts.prevalence();
            AreaNeeds {
                area: a.code.to_string(),
                name: a.name.to_string(),
                assessed_cases: counts.assessed,
                in_report_order: in_report_order(&needs),
                needs,
            }
        })
        .collect();
    let needs_in_report_order =
        in_report_order(&provider_needs) && needs_by_area.iter().all(|a| a.assessed_cases == 0 || a.in_report_order);
    let community_active = co + sso;
    let requirement_counts: Vec<(&'static str, u64)> =
        RequirementName::ALL.iter().zip(requirements).map(|(n, c)| (n.label(), c)).collect();
    let ethnicity_counts: Vec<(&'static str, u64)> =
        Ethnicity::ALL.iter().map(|e| e.label()).chain(["Not recorded"]).zip(ethnicity).collect();

    Stats {
        areas: org.areas.len(),
        boroughs: org.boroughs.len(),
        offices: org.offices.len(),
        teams: org.teams.len(),
        officers: org.staff.iter().filter(|s| s.grade != Grade::Spo).count(),
        senior_probation_officers: org.staff.iter().filter(|s| s.grade == Grade::Spo).count(),
        cases: total,
        events,
        active_cases: active,
        officers_holding_cases: caseloads.len() as u64,
        mean_caseload: (!caseloads.is_empty()).then(|| with_officer as f64 / caseloads.len() as f64),
        custodial_percent: percent(custodial, active),
        pre_release_percent: percent(pre_release, custodial),
        sentence_mix: shares(
            &[
                ("Community order", co),
                ("Suspended sentence order", sso),
                ("Custodial (licence, PSS, pre-release)", custodial),
            ],
            active,
        ),
        requirement_mix: shares(&requirement_counts, community_active),
        rosh: shares(
            &[
                ("Low", rosh[0]),
                ("Medium", rosh[1]),
                ("High", rosh[2]),
                ("Very high", rosh[3]),
                ("Not assessed", rosh[4]),
            ],
            active,
        ),
        gender: shares(&[("Male", gender[0]), ("Female", gender[1]), ("Other", gender[2])], active),
        female_percent: percent(gender[1], active),
        ethnicity: shares(&ethnicity_counts, active),
        assessed_cases: needs.assessed,
        needs: provider_needs,
        needs_by_area,
        needs_in_report_order,
        one_officer_percent: percent(one_officer, any_officer),
        community_sentences_ended: community_ended,
        community_completion_percent: percent(community_ok, community_ended),
        licences_ended: licence_ended,
        licence_completion_percent: percent(licence_ok, licence_ended),
        plan_reviews: reviews,
        plan_reviews_on_time_percent: percent(reviews_on_time, reviews),
        local_authority_requests: la_requests,
        local_authority_answer_percent: percent(la_answered, la_requests),
        breaches_referred: breaches,
        breach_pack_incomplete_percent: percent(packs_incomplete, breaches),
        objectives,
        person_involved_percent: percent(involved, objectives),
        appointments: outcomes.iter().sum(),
        appointment_outcomes: shares(
            &[
                ("Attended - complied", outcomes[0]),
                ("Attended - failed to comply", outcomes[1]),
                ("Attended - sent home", outcomes[2]),
                ("Acceptable absence", outcomes[3]),
                ("Unacceptable absence", outcomes[4]),
                ("Failed to attend - evidence awaited", outcomes[5]),
                ("Rescheduled", outcomes[6]),
                ("No outcome yet", outcomes[7]),
            ],
            outcomes.iter().sum(),
        ),
    }
}

impl Stats {
    /// Each headline figure beside the report's, with the tolerance the generator is held
    /// to: exact for the organisation, +/-2 for the mean caseload, +/-2 points for shares.
    pub fn checks(&self) -> Vec<Check> {
        let check = |figure, value: Option<f64>, target: f64, tolerance: f64, source| Check {
            figure,
            value,
            target,
            tolerance,
            within: value.is_some_and(|v| (v - target).abs() <= tolerance + 1e-9),
            source,
        };
        vec![
            check("Areas", Some(self.areas as f64), cal::AREAS as f64, 0.0, cal::REPORT),
            check("Boroughs (LDUs)", Some(self.boroughs as f64), cal::BOROUGHS as f64, 0.0, cal::REPORT),
            check("Offices", Some(self.offices as f64), cal::OFFICES as f64, 0.0, cal::REPORT),
            check("Mean caseload per officer", self.mean_caseload, cal::MEAN_CASELOAD, 2.0, cal::REPORT),
            check("Custodial cases %", self.custodial_percent, cal::CUSTODIAL_PERCENT, 2.0, cal::REPORT),
            check("Same officer throughout %", self.one_officer_percent, cal::ONE_OFFICER_PERCENT, 2.0, cal::REPORT),
            check(
                "Community sentences completed %",
                self.community_completion_percent,
                cal::COMMUNITY_COMPLETION_PERCENT,
                2.0,
                cal::REPORT,
            ),
            check(
                "Licences/PSS completed %",
                self.licence_completion_percent,
                cal::LICENCE_COMPLETION_PERCENT,
                2.0,
                cal::REPORT,
            ),
            check("Women %", self.female_percent, cal::FEMALE_PERCENT, 2.0, "assumption (MoJ national share)"),
            check(
                "Plan reviews done when due %",
                self.plan_reviews_on_time_percent,
                cal::REVIEW_ON_TIME_PERCENT,
                3.0,
                cal::REPORT,
            ),
            check(
                "Local authorities answering checks %",
                self.local_authority_answer_percent,
                cal::LOCAL_AUTHORITY_ANSWER_PERCENT,
                3.0,
                cal::REPORT,
            ),
            check(
                "Breach packs incomplete when sent %",
                self.breach_pack_incomplete_percent,
                cal::BREACH_PACK_INCOMPLETE_PERCENT,
                3.0,
                cal::REPORT,
            ),
            check(
                "Objectives agreed with the person %",
                self.person_involved_percent,
                cal::PERSON_INVOLVED_PERCENT,
                3.0,
                cal::REPORT,
            ),
        ]
    }

    /// Whether every check passes and needs are in the report's order.
    pub fn calibrated(&self) -> bool {
        self.checks().iter().all(|c| c.within) && self.needs_in_report_order
    }
}

fn fmt_opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.decimals$}"))
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let row = |f: &mut fmt::Formatter<'_>, figure: &str, value: String, target: &str| {
            writeln!(f, "{figure:<44} {value:>12}  {target}")
        };
        writeln!(f, "{:<44} {:>12}  Report: {}", "Figure", "Value", cal::REPORT)?;
        writeln!(f, "{}", "-".repeat(100))?;
        row(f, "Areas", self.areas.to_string(), "5")?;
        row(f, "Boroughs (local delivery units)", self.boroughs.to_string(), "33 (32 boroughs and the City)")?;
        row(f, "Offices", self.offices.to_string(), "25")?;
        row(f, "Teams", self.teams.to_string(), "")?;
        row(f, "Officers (PO, PSO, PQiP)", self.officers.to_string(), "")?;
        row(f, "Senior probation officers", self.senior_probation_officers.to_string(), "")?;
        row(f, "Officers holding cases", self.officers_holding_cases.to_string(), "")?;
        row(f, "Cases", self.cases.to_string(), "")?;
        row(f, "Active cases", self.active_cases.to_string(), "29,473 in London (30 June 2017)")?;
        let per_case = (self.cases > 0).then(|| self.events as f64 / self.cases as f64);
        row(f, "Events (per case)", format!("{} ({})", self.events, fmt_opt(per_case, 1)), "")?;
        row(f, "Mean caseload per officer", fmt_opt(self.mean_caseload, 1), "57 (target 55)")?;
        row(f, "Custodial cases %", fmt_opt(self.custodial_percent, 1), "41 (England and Wales CRCs 40)")?;
        row(f, "  of which not yet released %", fmt_opt(self.pre_release_percent, 1), "")?;
        row(f, "Same responsible officer throughout %", fmt_opt(self.one_officer_percent, 1), "59 (national 48)")?;
        row(
            f,
            "Community sentences completed %",
            format!("{} of {}", fmt_opt(self.community_completion_percent, 1), self.community_sentences_ended),
            "78 (national 79, target 75)",
        )?;
        row(
            f,
            "Licences/PSS completed %",
            format!("{} of {}", fmt_opt(self.licence_completion_percent, 1), self.licences_ended),
            "80 (national 77, target 65)",
        )?;
        row(f, "Women %", fmt_opt(self.female_percent, 1), "about 15 (assumption)")?;
        row(
            f,
            "Plan reviews done when due %",
            format!("{} of {}", fmt_opt(self.plan_reviews_on_time_percent, 1), self.plan_reviews),
            "70 (\"reviewed progress in 70% of cases\")",
        )?;
        row(
            f,
            "Local authorities answering checks %",
            format!("{} of {}", fmt_opt(self.local_authority_answer_percent, 1), self.local_authority_requests),
            "about 60",
        )?;
        row(
            f,
            "Breach packs incomplete when sent %",
            format!("{} of {}", fmt_opt(self.breach_pack_incomplete_percent, 1), self.breaches_referred),
            "about 25 (1 in 4 returned)",
        )?;
        row(
            f,
            "Objectives agreed with the person %",
            format!("{} of {}", fmt_opt(self.person_involved_percent, 1), self.objectives),
            "just over half",
        )?;
        writeln!(f)?;
        writeln!(f, "Active cases by sentence")?;
        for s in &self.sentence_mix {
            row(f, &format!("  {}", s.name), format!("{:.1}%", s.percent), "")?;
        }
        writeln!(f, "Active community sentences with each requirement")?;
        for s in &self.requirement_mix {
            row(f, &format!("  {}", s.name), format!("{:.1}%", s.percent), "")?;
        }
        writeln!(f, "Active cases by RoSH (report: a CRC holds low and medium only)")?;
        for s in &self.rosh {
            row(f, &format!("  {}", s.name), format!("{:.1}%", s.percent), "")?;
        }
        writeln!(f, "Active cases by ethnicity")?;
        for s in &self.ethnicity {
            row(f, &format!("  {}", s.name), format!("{:.1}%", s.percent), "")?;
        }
        writeln!(f, "Appointments by latest outcome ({})", self.appointments)?;
        for s in &self.appointment_outcomes {
            row(f, &format!("  {}", s.name), format!("{:.1}%", s.percent), "")?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "Needs, % of assessed active cases (report's order, most common first: {})",
            if self.needs_in_report_order { "holds everywhere" } else { "DOES NOT HOLD" }
        )?;
        write!(f, "{:<40} {:>8}", "Need", "All")?;
        for a in &self.needs_by_area {
            write!(f, " {:>8}", a.area)?;
        }
        writeln!(f)?;
        let others = NeedArea::ALL.iter().filter(|n| !cal::NEEDS_ORDER.contains(n));
        for need in cal::NEEDS_ORDER.iter().chain(others) {
            let i = need_index(*need);
            write!(f, "{:<40} {:>8.1}", need.label(), self.needs[i].percent)?;
            for a in &self.needs_by_area {
                write!(f, " {:>8.1}", a.needs[i].percent)?;
            }
            writeln!(f)?;
        }
        write!(f, "{:<40} {:>8}", "Assessed cases", self.assessed_cases)?;
        for a in &self.needs_by_area {
            write!(f, " {:>8}", a.assessed_cases)?;
        }
        writeln!(f)
    }
}
