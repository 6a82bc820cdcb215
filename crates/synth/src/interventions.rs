//! A synthetic London rate card of interventions for demos (docs/rules/practice.md#interventions).
//! The services, providers, prices and capacities are illustrative: the
//! report names no prices, so they are round figures of a plausible order (a one-to-one
//! service a few hundred pounds, an accredited programme around two thousand). Every need
//! area has at least one service in every borough, and the two accredited programmes run in
//! groups of at most 12 (`PROGRAMME_GROUP_MAX`).

use crate::london::BOROUGHS;
use domain::assessment::NeedArea;
use domain::ids::{Code, Name};
#[cfg(test)]
use domain::practice::interventions::PROGRAMME_GROUP_MAX;
use domain::practice::interventions::{DeliveryMode, Pence, RateCard, Service};

/// Where a service takes referrals from: all of London, or one of the five areas.
#[derive(Clone, Copy)]
enum Cover {
    London,
    Area(usize),
}

/// (id, name, provider, need, mode, price in pounds, capacity, cover, accredited programme)
type Row = (&'static str, &'static str, &'static str, NeedArea, DeliveryMode, u32, u32, Cover, bool);

use Cover::{Area, London};
use DeliveryMode::{Group, OneToOne, Online};
use NeedArea::*;

const HOUSING: &str = "Housing advice and tenancy support";

#[rustfmt::skip]
const ROWS: [Row; 16] = [
    ("ACC-NE", HOUSING, "East London Housing Advice", Accommodation, OneToOne, 450, 40, Area(0), false),
    ("ACC-N", HOUSING, "North London Housing", Accommodation, OneToOne, 450, 40, Area(1), false),
    ("ACC-W", HOUSING, "West London Homes", Accommodation, OneToOne, 450, 40, Area(2), false),
    ("ACC-SW", HOUSING, "South London Housing", Accommodation, OneToOne, 450, 40, Area(3), false),
    ("ACC-SE", HOUSING, "South London Housing", Accommodation, OneToOne, 450, 40, Area(4), false),
    ("ETE-LDN", "Employment, training and education", "London Works", EducationTrainingEmployability, Group, 600, 60,
        London, false),
    ("FIN-LDN", "Money and debt advice", "Capital Money Advice", Financial, Online, 250, 120, London, false),
    ("REL-LDN", "Family and relationships", "Families First London", Relationships, OneToOne, 500, 50, London, false),
    ("LIF-LDN", "Lifestyle and mentoring", "Peer Mentors", LifestyleAssociates, OneToOne, 400, 80, London, false),
    ("DRG-LDN", "Drug misuse treatment liaison", "Recovery London", DrugMisuse, OneToOne, 550, 90, London, false),
    ("ALC-LDN", "Alcohol misuse brief intervention", "Recovery London", AlcoholMisuse, Group, 350, 90, London, false),
    ("EWB-LDN", "Emotional well-being", "Mind the Gap Wellbeing", EmotionalWellbeing, OneToOne, 500, 60, London, false),
    ("ATT-LDN", "Attitudes and motivation", "Peer Mentors", Attitudes, OneToOne, 400, 60, London, false),
    ("TB-ONL", "Thinking and behaviour workbook", "London Works", ThinkingBehaviour, Online, 150, 200, London, false),
    // The two accredited programmes, in groups of up to 12.
    ("TSP", "Thinking Skills Programme", "London CRC", ThinkingBehaviour, Group, 2000, 12, London, true),
    ("BBR", "Building Better Relationships", "London CRC", Relationships, Group, 2400, 12, London, true),
];

fn code(s: &str) -> Code {
    Code::parse(s).expect("rate card codes are valid")
}

fn boroughs(cover: Cover) -> Vec<Code> {
    BOROUGHS
        .iter()
        .filter(|b| matches!(cover, London) || matches!(cover, Area(a) if a == b.area))
        .map(|b| code(b.code))
        .collect()
}

/// The synthetic London rate card.
pub fn london_rate_card() -> RateCard {
    let services = ROWS
        .iter()
        .map(|&(id, name, provider, need, mode, pounds, capacity, cover, accredited)| Service {
            id: code(id),
            name: Name::parse(name).expect("valid name"),
            provider: Name::parse(provider).expect("valid name"),
            need,
            mode,
            price: Pence::new(pounds * 100).expect("prices are above zero"),
            capacity,
            boroughs: boroughs(cover),
            accredited,
        })
        .collect();
    RateCard::new(services).expect("the synthetic rate card is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_need_has_a_service_in_every_borough() {
        let card = london_rate_card();
        for b in &BOROUGHS {
            for need in NeedArea::ALL {
                assert!(
                    card.for_need(need, &code(b.code)).next().is_some(),
                    "{} has no {} service",
                    b.name,
                    need.label()
                );
            }
        }
    }

    #[test]
    fn accredited_programmes_run_in_groups_of_at_most_twelve() {
        let card = london_rate_card();
        let programmes: Vec<_> = card.services().iter().filter(|s| s.accredited).collect();
        assert_eq!(programmes.len(), 2);
        for p in programmes {
            assert_eq!(p.mode, DeliveryMode::Group);
            assert!(
                p.capacity as usize <= PROGRAMME_GROUP_MAX,
                "docs/rules/practice.md#interventions: groups of up to 12"
            );
        }
    }
}
