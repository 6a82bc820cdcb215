//! The sentence's own milestones (docs/rules/practice.md#licences-and-pss,
//! docs/rules/practice.md#sentences-and-requirements): a new community sentence for a person
//! back before the court once their last has ended, a release from custody onto licence, a
//! sentence's end with how it ended, and a proven reoffence (a conviction at court or a police
//! caution, docs/rules/practice.md#proven-reoffending), which the reoffending measures count.

use super::reviews::value_of;
use super::{Choice, Decided, Decision, Input, Question, Reader};
use domain::case::CaseState;
use domain::event::CaseEvent;
use domain::ids::{Code, Name};
use domain::reoffending::Disposal;
use domain::sentence::{SentenceKind, SentenceOutcome};
use jiff::civil::Date;

const OUTCOMES: [(SentenceOutcome, &str); 7] = [
    (SentenceOutcome::Completed, "Completed"),
    (SentenceOutcome::EarlyTerminationGoodProgress, "Ended early for good progress"),
    (SentenceOutcome::RevokedForBreach, "Revoked for breach"),
    (SentenceOutcome::RevokedForNewOffence, "Revoked for a new offence"),
    (SentenceOutcome::Recalled, "Licence revoked: recalled to custody"),
    (SentenceOutcome::Died, "The person died"),
    (SentenceOutcome::TransferredOut, "Transferred to another provider"),
];

fn sentence_choice(s: &domain::case::SentenceRecord) -> Choice {
    let kind = match s.sentence.kind {
        SentenceKind::CommunityOrder => "Community order",
        SentenceKind::SuspendedSentenceOrder => "Suspended sentence order",
        SentenceKind::Custodial => "Custodial sentence",
    };
    Choice::new(s.sentence.id.as_str(), format!("{kind} ({})", s.sentence.id))
        .hint(format!("Passed {}", s.sentence.sentence_date.strftime("%-d %B %Y")))
}

/// The id of the case's next sentence: `S` and one more than it has had.
fn next_sentence_id(state: &CaseState) -> String {
    format!("S{}", state.sentences.len() + 1)
}

const DISPOSALS: [(Disposal, &str); 2] =
    [(Disposal::Conviction, "Convicted at court"), (Disposal::Caution, "Cautioned by the police")];

pub(super) fn questions(decision: Decision, state: &CaseState, _today: Date) -> Result<Vec<Question>, String> {
    Ok(match decision {
        Decision::Reoffence => {
            if state.person.is_none() {
                return Err("No person is registered on this case.".into());
            }
            let disposals = DISPOSALS.iter().map(|(d, l)| Choice::new(value_of(d), *l)).collect();
            vec![
                Question::new("offence_date", "When was the offence committed?", Input::Date),
                Question::new("proven_on", "When was it proven?", Input::Date)
                    .hint("The day of the conviction or the caution"),
                Question::new("disposal", "How was it proven?", Input::Radios(disposals)),
                Question::new("court", "Which court convicted?", Input::Text { width: 20 })
                    .hint("Leave blank for a caution")
                    .optional(),
            ]
        }
        Decision::NewSentence => {
            if state.person.is_none() {
                return Err("No person is registered on this case.".into());
            }
            if state.current_sentence().is_some() {
                return Err("A sentence is in force on this case: end it before recording a new one.".into());
            }
            super::register::sentence_questions(&super::register::COMMUNITY_SENTENCES)
        }
        Decision::Release => {
            let waiting: Vec<Choice> = state
                .sentences
                .iter()
                .filter(|s| s.sentence.kind == SentenceKind::Custodial && s.released_on.is_none() && s.ended.is_none())
                .map(sentence_choice)
                .collect();
            if waiting.is_empty() {
                return Err("No custodial sentence on this case is waiting for a release.".into());
            }
            vec![
                Question::new("sentence", "Which sentence is the person released from?", Input::Radios(waiting)),
                Question::new("on", "When were they released?", Input::Date),
            ]
        }
        Decision::SentenceEnd => {
            let open: Vec<Choice> = state.sentences.iter().filter(|s| s.ended.is_none()).map(sentence_choice).collect();
            if open.is_empty() {
                return Err("No sentence on this case is still running.".into());
            }
            let outcomes = OUTCOMES.iter().map(|(o, l)| Choice::new(value_of(o), *l)).collect();
            vec![
                Question::new("sentence", "Which sentence ended?", Input::Radios(open)),
                Question::new("outcome", "How did it end?", Input::Radios(outcomes)),
                Question::new("on", "When did it end?", Input::Date),
            ]
        }
        _ => unreachable!("sentence::questions is only asked about the sentence's milestones"),
    })
}

pub(super) fn decide(decision: Decision, read: &mut Reader, state: &CaseState, _by: &Code) -> Option<Decided> {
    if decision == Decision::Reoffence {
        let offence_date = read.date("offence_date", "of the offence");
        let proven_on = read.date("proven_on", "it was proven");
        let disposal: Option<Disposal> = read.chosen("disposal", "how it was proven");
        let court = read
            .text("court", "", true)
            .and_then(|raw| Name::parse(&raw).map_err(|e| read.problem("court", e.problem)).ok());
        let (offence_date, proven_on, disposal) = (offence_date?, proven_on?, disposal?);
        return Some(Decided {
            event: CaseEvent::ReoffenceProven { offence_date, proven_on, disposal, court },
            on: proven_on,
            more: Vec::new(),
        });
    }
    if decision == Decision::NewSentence {
        let sentence = super::register::read_sentence(read, &next_sentence_id(state))?;
        let on = sentence.sentence_date;
        return Some(Decided { event: CaseEvent::SentenceImposed { sentence }, on, more: Vec::new() });
    }
    let sentence = read.id("sentence", "the sentence");
    match decision {
        Decision::Release => {
            let on = read.date("on", "they were released")?;
            Some(Decided { event: CaseEvent::ReleasedFromCustody { sentence: sentence?, on }, on, more: Vec::new() })
        }
        Decision::SentenceEnd => {
            let outcome: Option<SentenceOutcome> = read.chosen("outcome", "how it ended");
            let on = read.date("on", "it ended")?;
            Some(Decided {
                event: CaseEvent::SentenceEnded { sentence: sentence?, on, outcome: outcome? },
                on,
                more: Vec::new(),
            })
        }
        _ => unreachable!("sentence::decide is only asked about the sentence's milestones"),
    }
}
