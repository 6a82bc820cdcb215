//! Referrals to interventions through their life (docs/rules/practice.md#interventions):
//! referred to a rate-card service for objectives of the plan, accepted, started, closed
//! (completed, cancelled or ended early, with a reason for the last two), and each linked
//! objective's outcome at the end of service.

use super::reviews::value_of;
use super::{Choice, Decided, Decision, Input, Question, Reader};
use domain::case::CaseState;
use domain::event::CaseEvent;
use domain::ids::{Code, LocalId};
use domain::practice::interventions::{Achievement, Closure, ObjectiveOutcome, RateCard, ReferralStatus};
use jiff::civil::Date;

/// The rate card referrals are made from. The provider's rate card is not yet kept in the
/// store; until it is, it is the London rate card the synthetic provider is generated with.
/// Built once per process: it is a table, not a read.
fn rate_card() -> &'static RateCard {
    static CARD: std::sync::OnceLock<RateCard> = std::sync::OnceLock::new();
    CARD.get_or_init(synth::london_rate_card)
}

const CLOSURES: [(Closure, &str, &str); 3] = [
    (Closure::Completed, "Completed", "The service was delivered in full."),
    (Closure::Cancelled, "Cancelled", "Withdrawn before the service started."),
    (Closure::Ended, "Ended early", "Stopped after it started, before it was complete."),
];

const ACHIEVEMENTS: [(Achievement, &str); 3] = [
    (Achievement::Achieved, "Achieved"),
    (Achievement::Partly, "Partly achieved"),
    (Achievement::NotAchieved, "Not achieved"),
];

/// The referrals in a state, as choices.
fn referral_choices(state: &CaseState, keep: impl Fn(ReferralStatus) -> bool) -> Vec<Choice> {
    state
        .practice
        .referrals
        .iter()
        .filter(|r| keep(r.status()))
        .map(|r| {
            let service = rate_card().service(&r.service).map_or_else(|| r.service.to_string(), |s| s.name.to_string());
            Choice::new(r.id.as_str(), format!("Referral {}: {service}", r.id))
                .hint(format!("Referred {}", r.referred_on.strftime("%-d %B %Y")))
        })
        .collect()
}

pub(super) fn questions(decision: Decision, state: &CaseState, _today: Date) -> Result<Vec<Question>, String> {
    if state.current_sentence().is_none() && decision == Decision::Referral {
        return Err("There is no active sentence on this case.".into());
    }
    Ok(match decision {
        Decision::Referral => {
            if state.objectives.is_empty() {
                return Err("Agree an objective of the sentence plan first: a referral serves its objectives.".into());
            }
            let borough = state.person.as_ref().and_then(|p| p.home_borough.clone());
            let needs: Vec<_> = state.objectives.iter().flat_map(|o| o.needs.iter().copied()).collect();
            let card = rate_card();
            let services: Vec<Choice> = card
                .services()
                .iter()
                .filter(|s| needs.contains(&s.need) && borough.as_ref().is_some_and(|b| s.covers(b)))
                .map(|s| {
                    Choice::new(s.id.as_str(), s.name.as_str()).hint(format!("{}, for {}", s.provider, s.need.label()))
                })
                .collect();
            if services.is_empty() {
                return Err("No service on the rate card meets the plan's needs where the person lives.".into());
            }
            let objectives = state
                .objectives
                .iter()
                .map(|o| Choice::new(o.id.as_str(), format!("{}: {}", o.id, o.description)))
                .collect();
            vec![
                Question::new("service", "Which service?", Input::Radios(services)),
                Question::new(
                    "objectives",
                    "Which objectives of the plan does it serve?",
                    Input::Checkboxes(objectives),
                ),
                Question::new("on", "When was the referral made?", Input::Date),
                Question::hidden("id", format!("R{}", state.version + 1)),
            ]
        }
        Decision::ReferralAccepted | Decision::ReferralStarted => {
            let (wanted, none) = if decision == Decision::ReferralAccepted {
                (ReferralStatus::Referred, "No referral is waiting to be accepted.")
            } else {
                (ReferralStatus::Accepted, "No accepted referral is waiting to start.")
            };
            let open = referral_choices(state, |s| s == wanted);
            if open.is_empty() {
                return Err(none.into());
            }
            vec![
                Question::new("referral", "Which referral?", Input::Radios(open)),
                Question::new("on", "On what date?", Input::Date),
            ]
        }
        Decision::ReferralClosed => {
            let open = referral_choices(state, |s| !matches!(s, ReferralStatus::Closed(_)));
            if open.is_empty() {
                return Err("No referral is open on this case.".into());
            }
            let closures = CLOSURES.iter().map(|(c, l, h)| Choice::new(value_of(c), *l).hint(*h)).collect();
            vec![
                Question::new("referral", "Which referral?", Input::Radios(open)),
                Question::new("closure", "How did it end?", Input::Radios(closures)),
                Question::new("on", "When?", Input::Date),
                Question::new("reason", "Why was it cancelled or ended early?", Input::Paragraph)
                    .hint("Needed unless the service was completed.")
                    .optional(),
            ]
        }
        Decision::ReferralOutcomes => {
            let over = referral_choices(state, |s| {
                matches!(s, ReferralStatus::Closed(Closure::Completed) | ReferralStatus::Closed(Closure::Ended))
            });
            if over.is_empty() {
                return Err("No referral has ended with a service delivered.".into());
            }
            let achievements = ACHIEVEMENTS.iter().map(|(a, l)| Choice::new(value_of(a), *l)).collect::<Vec<_>>();
            let mut qs = vec![Question::new("referral", "Which referral?", Input::Radios(over))];
            // One question per objective of the plan; those not linked to the referral are
            // refused by the case's rules, named on their question.
            for (i, o) in state.objectives.iter().enumerate().take(OUTCOME_FIELDS.len()) {
                qs.push(
                    Question::new(
                        OUTCOME_FIELDS[i],
                        format!("{}: {}", o.id, o.description),
                        Input::Radios(achievements.clone()),
                    )
                    .hint("Leave unselected if the referral did not serve this objective.")
                    .optional()
                    .inline(),
                );
            }
            qs
        }
        _ => unreachable!("referrals::questions is only asked about referrals"),
    })
}

/// The outcome questions' names, one per objective in the plan's order.
const OUTCOME_FIELDS: [&str; 8] =
    ["outcome_1", "outcome_2", "outcome_3", "outcome_4", "outcome_5", "outcome_6", "outcome_7", "outcome_8"];

pub(super) fn decide(decision: Decision, read: &mut Reader, state: &CaseState, _by: &Code) -> Option<Decided> {
    match decision {
        Decision::Referral => {
            let service = read.choice("service", "the service").and_then(|s| Code::parse(&s).ok());
            let objectives = read.ids("objectives");
            if objectives.is_empty() {
                read.problem("objectives", "select the objectives the referral serves");
            }
            let on = read.date("on", "the referral was made");
            let referral = read.hidden_id("id");
            let needs = rate_card().service(service.as_ref()?).map(|s| vec![s.need]).unwrap_or_default();
            let on = on?;
            Some(Decided {
                event: CaseEvent::InterventionReferred {
                    referral: referral?,
                    service: service?,
                    objectives,
                    needs,
                    on,
                },
                on,
                more: Vec::new(),
            })
        }
        Decision::ReferralAccepted | Decision::ReferralStarted => {
            let referral = read.id("referral", "the referral");
            let on = read.date("on", "it happened")?;
            let referral = referral?;
            let event = if decision == Decision::ReferralAccepted {
                CaseEvent::ReferralAccepted { referral, on }
            } else {
                CaseEvent::ReferralStarted { referral, on }
            };
            Some(Decided { event, on, more: Vec::new() })
        }
        Decision::ReferralClosed => {
            let referral = read.id("referral", "the referral");
            let closure: Option<Closure> = read.chosen("closure", "how it ended");
            let on = read.date("on", "it ended");
            let reason =
                read.note("reason", "why it was cancelled or ended early", closure == Some(Closure::Completed));
            let on = on?;
            Some(Decided {
                event: CaseEvent::ReferralClosed { referral: referral?, on, closure: closure?, reason },
                on,
                more: Vec::new(),
            })
        }
        Decision::ReferralOutcomes => {
            let referral = read.id("referral", "the referral");
            let mut outcomes = Vec::new();
            for (i, o) in state.objectives.iter().enumerate().take(OUTCOME_FIELDS.len()) {
                if read.answers.one(OUTCOME_FIELDS[i]).is_empty() {
                    continue;
                }
                if let Some(achievement) = read.chosen(OUTCOME_FIELDS[i], "the outcome") {
                    outcomes.push(ObjectiveOutcome { objective: o.id.clone(), achievement });
                }
            }
            if outcomes.is_empty() && read.problems.is_empty() {
                read.problem(OUTCOME_FIELDS[0], "record the outcome for at least one objective the referral served");
            }
            let referral: LocalId = referral?;
            Some(Decided {
                event: CaseEvent::ReferralOutcomesRecorded { referral, outcomes },
                on: read.today,
                more: Vec::new(),
            })
        }
        _ => unreachable!("referrals::decide is only asked about referrals"),
    }
}
