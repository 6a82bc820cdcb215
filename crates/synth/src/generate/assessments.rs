//! Assessments (needs, risk of serious harm, OGRS and RSR) and the sentence plan's
//! objectives.

use super::{CaseMaker, id};
use crate::calibration as cal;
use crate::draw::{Day, date_of, pick};
use domain::assessment::{Assessment, NeedArea, NeedSeverity, Ogrs4, Percent, RiskGroup, RoshLevel};
use domain::event::CaseEvent;
use domain::ids::Note;
use domain::plan::{Objective, ObjectiveOwner};
use rand::RngExt;
use std::collections::BTreeMap;

const OWNERS: [(ObjectiveOwner, f64); 4] = [
    (ObjectiveOwner::ResponsibleOfficer, 45.0),
    (ObjectiveOwner::Provider, 25.0),
    (ObjectiveOwner::Partner, 15.0),
    (ObjectiveOwner::Person, 15.0),
];

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

impl CaseMaker<'_> {
    /// The first assessment on `first` and reviews about every six months until `until`,
    /// each followed by sentence plan objectives.
    pub(super) fn assessments(&mut self, first: Day, until: Day) {
        let g = self.g;
        let mut day = first;
        // The first assessment of each sentence comes with a full plan; reviews add little.
        let mut initial = true;
        let lapse = self.reviews_lapse();
        while day < until && day < g.as_of {
            let at = g.at(day, 11 * 60 + self.days(0, 300));
            if at >= g.cutoff {
                return;
            }
            if self.assessments == 0 {
                self.first_needs();
            } else {
                // Progress: some needs resolve between reviews (all at the same rate, so the
                // report's order of needs holds).
                for n in self.needs.iter_mut() {
                    if n.is_some() && self.rng.random_bool(0.08) {
                        *n = None;
                    }
                }
            }
            self.assessments += 1;
            let assessment = self.assessment(day);
            let risks = Self::risks_of(&assessment);
            let children = risks.contains(&RiskGroup::Children);
            let known_adult = risks.contains(&RiskGroup::KnownAdult);
            self.push(at, CaseEvent::AssessmentCompleted { assessment });
            if !initial {
                // A reassessment is the plan's review (docs/rules/practice.md#reviews).
                self.push(at, CaseEvent::ReviewCompleted { on: date_of(day), triggers_addressed: None });
            }
            self.answer_assessment(at, initial, &risks);
            self.safeguarding_after(at, day, children, known_adult);
            if initial {
                self.oversee(day, self.rosh == RoshLevel::Medium);
            }
            initial = false;
            if lapse {
                return;
            }
            let next = day + self.review_interval();
            day = match self.triggered_review(day, next) {
                Some(reviewed) => reviewed + self.review_interval(),
                None => next,
            };
        }
    }

    /// Needs at the first assessment. Half the time a need follows a shared draw (people
    /// with many needs have many), so needs are positively correlated, as in OASys data,
    /// and their order is steady even in small areas.
    fn first_needs(&mut self) {
        let shared = self.uniform();
        for (i, (_, percent)) in cal::NEED_PREVALENCE.iter().enumerate() {
            let u = if self.rng.random_bool(0.5) { shared } else { self.uniform() };
            self.needs[i] = (u < percent / 100.0).then(|| {
                if self.rng.random_bool(cal::SEVERE_NEED_PERCENT / 100.0) {
                    NeedSeverity::Severe
                } else {
                    NeedSeverity::Standard
                }
            });
        }
        self.ogrs = round1(5.0 + 90.0 * self.uniform());
        self.rsr = round1(0.2 + if self.rosh == RoshLevel::Medium { 6.5 } else { 3.5 } * self.uniform());
    }

    fn assessment(&mut self, day: Day) -> Assessment {
        let mut rosh = BTreeMap::new();
        rosh.insert(RiskGroup::Public, self.rosh);
        for (group, p) in [(RiskGroup::KnownAdult, 0.35), (RiskGroup::Children, 0.2), (RiskGroup::Staff, 0.05)] {
            if self.rng.random_bool(p) {
                let level =
                    if group != RiskGroup::Staff && self.rng.random_bool(0.5) { self.rosh } else { RoshLevel::Low };
                rosh.insert(group, level);
            }
        }
        let needs = cal::NEED_PREVALENCE
            .iter()
            .zip(self.needs)
            .map(|((area, _), s)| (*area, s.unwrap_or(NeedSeverity::NoNeed)))
            .collect();
        Assessment {
            id: id(&format!("A{}", self.assessments)),
            completed_on: date_of(day),
            rosh,
            ogrs: Some(Percent::new(self.ogrs).expect("in range")),
            rsr: Some(Percent::new(self.rsr).expect("in range")),
            needs,
            // OGRS4 from the drawn OGRS and RSR (all reoffending, serious reoffending), so no
            // new draw shifts the calibrated stream; a full assessment scores them dynamically.
            ogrs4: Some(Ogrs4 {
                arp: Percent::new(self.ogrs).expect("in range"),
                csrp: Percent::new(self.rsr).expect("in range"),
                dynamic: true,
            }),
        }
    }

    pub(super) fn objective(&mut self, at: i64, text: &str, needs: Vec<NeedArea>, risk_groups: Vec<RiskGroup>) {
        self.objectives += 1;
        let objective = Objective {
            id: id(&format!("O{}", self.objectives)),
            description: Note::parse(text).expect("valid"),
            needs,
            risk_groups,
            owner: pick(self.uniform(), &OWNERS),
            // The report: the person was involved in planning in just over half of cases.
            person_involved: self.rng.random_bool(cal::PERSON_INVOLVED_PERCENT / 100.0),
        };
        let (oid, need) = (objective.id.clone(), objective.needs.first().copied());
        self.push(at, CaseEvent::ObjectiveAgreed { objective });
        if let Some(need) = need {
            self.refer(at, &oid, need);
        }
    }
}
