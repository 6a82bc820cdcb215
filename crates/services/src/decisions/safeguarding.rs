//! Safeguarding checks (docs/rules/practice.md#safeguarding): requested from children's social
//! care or the police in the person's local authority, chased while unanswered, and answered.

use super::reviews::value_of;
use super::{Choice, Decided, Decision, Input, Question, Reader};
use domain::case::CaseState;
use domain::event::CaseEvent;
use domain::ids::Code;
use domain::practice::safeguarding::Agency;
use jiff::civil::Date;

fn agency_choice(a: Agency) -> Choice {
    let label = a.label();
    let mut c = label.chars();
    let label: String = c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect());
    Choice::new(value_of(&a), label)
}

pub(super) fn questions(decision: Decision, state: &CaseState, _today: Date) -> Result<Vec<Question>, String> {
    let sg = &state.practice.safeguarding;
    let open: Vec<Agency> = Agency::ALL.into_iter().filter(|a| sg.open_check(*a).is_some()).collect();
    Ok(match decision {
        Decision::SafeguardingRequest => {
            let Some(borough) = state.person.as_ref().and_then(|p| p.home_borough.as_ref()) else {
                return Err("The person's home local authority is not recorded, so there is no one to ask.".into());
            };
            let free: Vec<Choice> = Agency::ALL.into_iter().filter(|a| !open.contains(a)).map(agency_choice).collect();
            if free.is_empty() {
                return Err("A check with each agency is already waiting for an answer.".into());
            }
            vec![
                Question::new("agency", "Who was asked?", Input::Radios(free))
                    .hint(format!("In the person's home local authority, {borough}.")),
                Question::new("on", "When was the check requested?", Input::Date),
            ]
        }
        Decision::SafeguardingChase | Decision::SafeguardingResponse => {
            if open.is_empty() {
                return Err("No safeguarding check is waiting for an answer.".into());
            }
            let agencies = Input::Radios(open.into_iter().map(agency_choice).collect());
            if decision == Decision::SafeguardingChase {
                vec![
                    Question::new("agency", "Which check was chased?", agencies),
                    Question::new("on", "When was it chased?", Input::Date),
                ]
            } else {
                vec![
                    Question::new("agency", "Which agency answered?", agencies),
                    Question::new("on", "When did the answer arrive?", Input::Date),
                    Question::new("outcome", "What did they say?", Input::Paragraph),
                ]
            }
        }
        _ => unreachable!("safeguarding::questions is only asked about safeguarding decisions"),
    })
}

pub(super) fn decide(decision: Decision, read: &mut Reader, state: &CaseState, _by: &Code) -> Option<Decided> {
    let agency: Option<Agency> = read.chosen("agency", "the agency");
    let on = read.date("on", "it happened");
    match decision {
        Decision::SafeguardingRequest => {
            let local_authority = state.person.as_ref().and_then(|p| p.home_borough.clone())?;
            let on = on?;
            Some(Decided {
                event: CaseEvent::SafeguardingCheckRequested { agency: agency?, local_authority, on },
                on,
                more: Vec::new(),
            })
        }
        Decision::SafeguardingChase => {
            let on = on?;
            Some(Decided { event: CaseEvent::SafeguardingCheckChased { agency: agency?, on }, on, more: Vec::new() })
        }
        Decision::SafeguardingResponse => {
            let outcome = read.note("outcome", "what they said", false);
            let on = on?;
            Some(Decided {
                event: CaseEvent::SafeguardingResponseReceived { agency: agency?, on, outcome: outcome? },
                on,
                more: Vec::new(),
            })
        }
        _ => unreachable!("safeguarding::decide is only asked about safeguarding decisions"),
    }
}
