//! Management oversight and what the record flags about a person
//! (docs/rules/practice.md#management-oversight, docs/rules/tiering.md#13-registrations,
//! docs/rules/practice.md#allocation, docs/rules/practice.md#safeguarding): an SPO's oversight
//! with its action, the action done; a registration added or removed, MAPPA set or ended, the
//! escalation of a case that now belongs with the NPS, and what is in view for safeguarding.

use super::{Choice, Decided, Decision, Input, Question, Reader};
use domain::case::CaseState;
use domain::event::CaseEvent;
use domain::ids::Code;
use domain::practice::oversight::{Judgement, OversightAction, open_actions};
use domain::tier::{MappaCategory, MappaLevel, Registration};
use jiff::civil::Date;

/// What each registration is called on the form (docs/rules/tiering.md#13-registrations).
const REGISTRATIONS: [(Registration, &str); 15] = [
    (Registration::IomNominal, "Integrated offender management nominal"),
    (Registration::MentalHealth, "Mental health issues"),
    (Registration::SelfHarm, "Risk of self-harm"),
    (Registration::Vulnerability, "Vulnerability"),
    (Registration::ChildConcerns, "Child concerns"),
    (Registration::ChildProtection, "Child protection"),
    (Registration::RiskToChildren, "Risk to children"),
    (Registration::PublicInterest, "Public interest"),
    (Registration::AdultAtRisk, "Adult at risk"),
    (Registration::StreetGangs, "Street gangs"),
    (Registration::Terrorism, "Terrorism"),
    (Registration::DomesticAbuse, "Domestic abuse"),
    (Registration::Stalking, "Stalking protection order"),
    (Registration::SexualOffenceHistory, "History of sexually motivated offending"),
    (Registration::LiferIpp, "Life or IPP sentence"),
];

/// MAPPA categories and levels by their number (the stored form).
const CATEGORIES: [(MappaCategory, &str, &str); 4] = [
    (MappaCategory::One, "1", "Category 1: registered sexual offender"),
    (MappaCategory::Two, "2", "Category 2: violent offender"),
    (MappaCategory::Three, "3", "Category 3: other dangerous offender"),
    (MappaCategory::Four, "4", "Category 4: terrorism-related"),
];

const LEVELS: [(MappaLevel, &str, &str); 3] = [
    (MappaLevel::One, "1", "Level 1: single-agency management"),
    (MappaLevel::Two, "2", "Level 2: multi-agency management"),
    (MappaLevel::Three, "3", "Level 3: senior multi-agency management"),
];

fn registration_choices(keep: impl Fn(&Registration) -> bool) -> Vec<Choice> {
    REGISTRATIONS.iter().filter(|(r, _)| keep(r)).map(|(r, l)| Choice::new(r.as_str(), *l)).collect()
}

fn yes_no() -> Vec<Choice> {
    vec![Choice::new("yes", "Yes"), Choice::new("no", "No")]
}

pub(super) fn questions(decision: Decision, state: &CaseState, _today: Date) -> Result<Vec<Question>, String> {
    let active = state.current_sentence().is_some();
    Ok(match decision {
        Decision::Oversight => {
            if !active {
                return Err("There is no active sentence on this case.".into());
            }
            let judgements = vec![
                Choice::new("sufficient", "Sufficient"),
                Choice::new("insufficient", "Insufficient").hint("Record the action that must follow."),
            ];
            vec![
                Question::new("reviewed", "What did you review?", Input::Paragraph),
                Question::new("judgement", "Is the work on this case sufficient?", Input::Radios(judgements)).inline(),
                Question::new("action", "Action to take", Input::Paragraph)
                    .hint("Needed when the work is insufficient.")
                    .optional(),
                Question::new("owner", "Who takes the action?", Input::Radios(owners(state)))
                    .hint("Needed with an action.")
                    .optional(),
                Question::new("due", "When is the action due?", Input::DateAhead).optional(),
                Question::hidden("id", format!("OV{}", state.version + 1)),
            ]
        }
        Decision::OversightActionDone => {
            let open: Vec<Choice> = open_actions(state)
                .map(|a| {
                    Choice::new(a.id.as_str(), a.text.as_str()).hint(format!("Due {}", a.due.strftime("%-d %B %Y")))
                })
                .collect();
            if open.is_empty() {
                return Err("No management oversight action is open on this case.".into());
            }
            vec![
                Question::new("action", "Which action is done?", Input::Radios(open)),
                Question::new("on", "When was it done?", Input::Date),
            ]
        }
        Decision::RegistrationAdded => vec![Question::new(
            "registration",
            "What is to be registered?",
            Input::Radios(registration_choices(|r| !state.registrations.contains(r))),
        )],
        Decision::RegistrationRemoved => {
            let on_case = registration_choices(|r| state.registrations.contains(r));
            if on_case.is_empty() {
                return Err("There is no registration on this case.".into());
            }
            vec![Question::new("registration", "Which registration ends?", Input::Radios(on_case))]
        }
        Decision::Mappa => {
            let categories = CATEGORIES.iter().map(|(_, v, l)| Choice::new(*v, *l)).collect();
            let levels = LEVELS.iter().map(|(_, v, l)| Choice::new(*v, *l)).collect();
            vec![
                Question::new("category", "MAPPA category", Input::Radios(categories)),
                Question::new("level", "MAPPA level", Input::Radios(levels))
                    .hint("Leave unselected until the level is set.")
                    .optional(),
            ]
        }
        Decision::MappaEnded => {
            if state.mappa.is_none() {
                return Err("The case is not managed under MAPPA.".into());
            }
            vec![Question::new("on", "When did MAPPA management end?", Input::Date)]
        }
        Decision::Escalation => {
            if state.practice.escalated_on.is_some() {
                return Err("The case has already been escalated to the NPS.".into());
            }
            if !active {
                return Err("There is no active sentence on this case.".into());
            }
            vec![
                Question::new("on", "When was the case escalated?", Input::Date),
                Question::new("reason", "Why does it belong with the NPS?", Input::Paragraph)
                    .hint("For example: risk of serious harm assessed as high, or MAPPA level 2."),
            ]
        }
        Decision::SafeguardingInView => vec![
            Question::new(
                "children",
                "Are children in view (living with or in contact with the person)?",
                Input::Radios(yes_no()),
            )
            .inline(),
            Question::new("domestic_abuse", "Is domestic abuse in view?", Input::Radios(yes_no())).inline(),
        ],
        _ => unreachable!("oversight::questions is only asked about oversight and registrations"),
    })
}

/// Who may own an oversight action: the case's responsible officer, or the manager.
fn owners(state: &CaseState) -> Vec<Choice> {
    let mut out = Vec::new();
    if let Some(a) = &state.officer {
        out.push(Choice::new(a.officer.as_str(), format!("The responsible officer ({})", a.officer)));
    }
    out.push(Choice::new("me", "Me"));
    out
}

pub(super) fn decide(decision: Decision, read: &mut Reader, state: &CaseState, by: &Code) -> Option<Decided> {
    let today = read.today;
    let registration = |read: &mut Reader| {
        let raw = read.choice("registration", "the registration")?;
        Registration::ALL.into_iter().find(|r| r.as_str() == raw)
    };
    match decision {
        Decision::Oversight => {
            let reviewed = read.note("reviewed", "what you reviewed", false);
            let judgement: Option<Judgement> = read.chosen("judgement", "whether the work is sufficient");
            let text = read.note("action", "the action to take", judgement != Some(Judgement::Insufficient));
            let mut actions = Vec::new();
            if let Some(text) = text {
                let owner = read
                    .choice("owner", "who takes the action")
                    .map(|o| if o == "me" { by.clone() } else { Code::parse(&o).unwrap_or_else(|_| by.clone()) });
                let due = read.date_ahead("due", "the action is due");
                let id = read.hidden_id("id").and_then(|id| domain::ids::LocalId::parse(&format!("{id}-A1")).ok());
                if let (Some(owner), Some(due), Some(id)) = (owner, due, id) {
                    actions.push(OversightAction { id, text, owner, due });
                }
            }
            let oversight = read.hidden_id("id");
            let event = CaseEvent::OversightRecorded {
                oversight: oversight?,
                by_manager: by.clone(),
                reviewed: reviewed?,
                judgement: judgement?,
                actions,
            };
            let _ = state;
            Some(Decided { event, on: today, more: Vec::new() })
        }
        Decision::OversightActionDone => {
            let action = read.id("action", "the action");
            let on = read.date("on", "it was done")?;
            Some(Decided { event: CaseEvent::OversightActionCompleted { action: action?, on }, on, more: Vec::new() })
        }
        Decision::RegistrationAdded => Some(Decided {
            event: CaseEvent::RegistrationAdded { registration: registration(read)? },
            on: today,
            more: Vec::new(),
        }),
        Decision::RegistrationRemoved => Some(Decided {
            event: CaseEvent::RegistrationRemoved { registration: registration(read)? },
            on: today,
            more: Vec::new(),
        }),
        Decision::Mappa => {
            let category = read
                .choice("category", "the MAPPA category")
                .and_then(|v| CATEGORIES.iter().find(|(_, n, _)| *n == v).map(|(c, ..)| *c));
            let level = match read.answers.one("level") {
                "" => None,
                _ => read
                    .choice("level", "the MAPPA level")
                    .and_then(|v| LEVELS.iter().find(|(_, n, _)| *n == v).map(|(l, ..)| *l)),
            };
            Some(Decided {
                event: CaseEvent::MappaSet { category: Some(category?), level },
                on: today,
                more: Vec::new(),
            })
        }
        Decision::MappaEnded => {
            let on = read.date("on", "MAPPA management ended")?;
            Some(Decided { event: CaseEvent::MappaEnded { on }, on, more: Vec::new() })
        }
        Decision::Escalation => {
            let on = read.date("on", "the case was escalated");
            let reason = read.note("reason", "why the case belongs with the NPS", false);
            let on = on?;
            Some(Decided { event: CaseEvent::EscalatedToNps { on, reason: reason? }, on, more: Vec::new() })
        }
        Decision::SafeguardingInView => {
            let children = read.choice("children", "whether children are in view");
            let domestic_abuse = read.choice("domestic_abuse", "whether domestic abuse is in view");
            Some(Decided {
                event: CaseEvent::SafeguardingInView {
                    children: children? == "yes",
                    domestic_abuse: domestic_abuse? == "yes",
                },
                on: today,
                more: Vec::new(),
            })
        }
        _ => unreachable!("oversight::decide is only asked about oversight and registrations"),
    }
}
