//! Forms as data: the questions a decision asks, the answers as typed, and reading them
//! into values with every problem named on its question.

use super::Form;
use crate::FieldProblem;
use domain::ids::{LocalId, Note};
use jiff::civil::Date;
use serde::de::DeserializeOwned;

// ---------------------------------------------------------------------------------------
// Forms: questions and answers

/// One possible answer to a choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: Option<String>,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Choice { value: value.into(), label: label.into(), hint: None }
    }

    pub fn hint(self, hint: impl Into<String>) -> Self {
        Choice { hint: Some(hint.into()), ..self }
    }
}

/// How a question is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A paragraph of text (a reason, a note).
    Paragraph,
    /// One line of text, `width` characters wide (a time, a number, a score).
    Text { width: u8 },
    /// A date as day, month and year, never after today: when something happened.
    Date,
    /// A date as day, month and year, today or later: when something is booked for.
    DateAhead,
    /// A date as day, month and year, before or after today: a date set by others, such as
    /// a release from custody or the end of a licence.
    AnyDate,
    /// Carried by the form unseen: an id the form was drawn with, so that a second press of
    /// the button names the same thing and records nothing more.
    Hidden,
    /// One of these.
    Radios(Vec<Choice>),
    /// Any of these.
    Checkboxes(Vec<Choice>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The field's name in the form and in every problem with it.
    pub name: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub input: Input,
    pub optional: bool,
    /// What a blank form starts with (a hidden id, a default).
    pub initial: Option<String>,
    /// Choices side by side (short ones, such as a level).
    pub inline: bool,
}

impl Question {
    pub fn new(name: &'static str, label: impl Into<String>, input: Input) -> Self {
        Question { name, label: label.into(), hint: None, input, optional: false, initial: None, inline: false }
    }

    /// An id carried unseen by the form.
    pub fn hidden(name: &'static str, value: impl Into<String>) -> Self {
        Question { initial: Some(value.into()), ..Question::new(name, "", Input::Hidden) }
    }

    pub fn inline(self) -> Self {
        Question { inline: true, ..self }
    }

    pub fn hint(self, hint: impl Into<String>) -> Self {
        Question { hint: Some(hint.into()), ..self }
    }

    pub fn optional(self) -> Self {
        Question { optional: true, ..self }
    }
}

/// What was typed into a form: its fields in order, a checkbox field once per box ticked.
/// The form's own fields (the CSRF token, the version, the confirmation) are not answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers(Vec<(String, String)>);

/// The fields every decision form carries besides its answers.
pub const FORM_FIELDS: [&str; 3] = ["csrf_token", "version", "confirm"];

impl Answers {
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Answers(pairs.into_iter().filter(|(k, _)| !FORM_FIELDS.contains(&k.as_str())).collect())
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// The first value of a field, trimmed ("" when absent).
    pub fn one(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim())
    }

    /// Every non-empty value of a field.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.trim()).collect()
    }

    pub fn has(&self, name: &str, value: &str) -> bool {
        self.all(name).contains(&value)
    }
}

/// One answer as the check-your-answers page shows it: the question and what was chosen or
/// typed, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    pub name: &'static str,
    pub question: String,
    pub answer: String,
}

/// The answers in words, one per question.
pub fn answered(form: &Form, answers: &Answers) -> Vec<Answered> {
    form.questions
        .iter()
        .filter(|q| q.input != Input::Hidden)
        .map(|q| {
            let label_of = |choices: &[Choice], v: &str| {
                choices.iter().find(|c| c.value == v).map_or_else(|| v.to_owned(), |c| c.label.clone())
            };
            let answer = match &q.input {
                Input::Paragraph => answers.one(q.name).to_owned(),
                Input::Text { .. } | Input::Hidden => answers.one(q.name).to_owned(),
                Input::Date | Input::DateAhead | Input::AnyDate => read_date(answers, q.name, "", Date::MIN, Date::MAX)
                    .ok()
                    .flatten()
                    .map_or_else(String::new, |d| d.strftime("%-d %B %Y").to_string()),
                Input::Radios(c) => label_of(c, answers.one(q.name)),
                Input::Checkboxes(c) => {
                    answers.all(q.name).iter().map(|v| label_of(c, v)).collect::<Vec<_>>().join("; ")
                }
            };
            let answer = if answer.is_empty() { "None".to_owned() } else { answer };
            Answered { name: q.name, question: q.label.clone(), answer }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Reading answers

/// Reads answers against the form's questions, keeping every problem.
pub(crate) struct Reader<'a> {
    pub(super) answers: &'a Answers,
    pub(super) form: &'a Form,
    pub(super) today: Date,
    pub(super) problems: Vec<FieldProblem>,
}

impl Reader<'_> {
    pub(crate) fn problem(&mut self, name: &str, what: impl std::fmt::Display) {
        self.problems.push(FieldProblem::new(name, format!("{name}: {what}")));
    }

    fn choices_of(&self, name: &str) -> &[Choice] {
        match self.form.questions.iter().find(|q| q.name == name).map(|q| &q.input) {
            Some(Input::Radios(c) | Input::Checkboxes(c)) => c,
            _ => &[],
        }
    }

    /// A required date, no later than today.
    pub(crate) fn date(&mut self, name: &'static str, what: &str) -> Option<Date> {
        self.date_within(name, what, Date::MIN, self.today)
    }

    /// A required date, today or later.
    pub(crate) fn date_ahead(&mut self, name: &'static str, what: &str) -> Option<Date> {
        self.date_within(name, what, self.today, Date::MAX)
    }

    /// A date before or after today, or `None` (with no problem) when left blank.
    pub(crate) fn any_date_or_blank(&mut self, name: &'static str, what: &str) -> Option<Date> {
        match read_date(self.answers, name, what, Date::MIN, Date::MAX) {
            Ok(d) => d,
            Err(p) => {
                self.problems.push(p);
                None
            }
        }
    }

    fn date_within(&mut self, name: &'static str, what: &str, earliest: Date, latest: Date) -> Option<Date> {
        match read_date(self.answers, name, what, earliest, latest) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                self.problem(name, format!("enter the date {what}"));
                None
            }
            Err(p) => {
                self.problems.push(p);
                None
            }
        }
    }

    /// The chosen value of a radio question, one the form offered.
    pub(crate) fn choice(&mut self, name: &'static str, what: &str) -> Option<String> {
        let raw = self.answers.one(name).to_owned();
        if raw.is_empty() {
            self.problem(name, format!("select {what}"));
            return None;
        }
        if !self.choices_of(name).iter().any(|c| c.value == raw) {
            self.problem(name, format!("`{raw}` is not one of the choices; select {what}"));
            return None;
        }
        Some(raw)
    }

    /// The ticked values of a checkbox question, each one the form offered.
    pub(crate) fn ticked(&mut self, name: &'static str) -> Vec<String> {
        let offered: Vec<String> = self.choices_of(name).iter().map(|c| c.value.clone()).collect();
        let mut out = Vec::new();
        for v in self.answers.all(name) {
            if offered.iter().any(|o| o == v) {
                if !out.iter().any(|o: &String| o == v) {
                    out.push(v.to_owned());
                }
            } else {
                self.problem(name, format!("`{v}` is not one of the choices"));
            }
        }
        out
    }

    /// A radio answer read as the domain's value (its serde name).
    pub(crate) fn chosen<T: DeserializeOwned>(&mut self, name: &'static str, what: &str) -> Option<T> {
        let raw = self.choice(name, what)?;
        serde_json::from_value(serde_json::Value::String(raw.clone())).ok().or_else(|| {
            self.problem(name, format!("`{raw}` is not one of the choices; select {what}"));
            None
        })
    }

    /// Ticked checkbox answers read as the domain's values.
    pub(crate) fn all_chosen<T: DeserializeOwned>(&mut self, name: &'static str) -> Vec<T> {
        self.ticked(name)
            .into_iter()
            .filter_map(|raw| serde_json::from_value(serde_json::Value::String(raw)).ok())
            .collect()
    }

    /// A paragraph: `None` when blank, which is a problem unless `optional`.
    pub(crate) fn note(&mut self, name: &'static str, what: &str, optional: bool) -> Option<Note> {
        let raw = self.answers.one(name);
        if raw.is_empty() {
            if !optional {
                self.problem(name, format!("enter {what}"));
            }
            return None;
        }
        match Note::parse(raw) {
            Ok(n) => Some(n),
            Err(e) => {
                self.problem(name, e.problem);
                None
            }
        }
    }

    /// A chosen id (an appointment, a referral) among those the form offered.
    pub(crate) fn id(&mut self, name: &'static str, what: &str) -> Option<LocalId> {
        let raw = self.choice(name, what)?;
        LocalId::parse(&raw).ok()
    }

    /// One line as typed: `None` when blank, which is a problem unless `optional`.
    pub(crate) fn text(&mut self, name: &'static str, what: &str, optional: bool) -> Option<String> {
        let raw = self.answers.one(name);
        if raw.is_empty() {
            if !optional {
                self.problem(name, format!("enter {what}"));
            }
            return None;
        }
        Some(raw.to_owned())
    }

    /// The id the form was drawn with (a hidden question), or the form's own if none came.
    pub(crate) fn hidden_id(&mut self, name: &'static str) -> Option<LocalId> {
        let typed = self.answers.one(name);
        let initial = self.form.questions.iter().find(|q| q.name == name).and_then(|q| q.initial.clone());
        let raw = if typed.is_empty() { initial.unwrap_or_default() } else { typed.to_owned() };
        match LocalId::parse(&raw) {
            Ok(id) => Some(id),
            Err(e) => {
                self.problem(name, e.problem);
                None
            }
        }
    }

    pub(crate) fn ids(&mut self, name: &'static str) -> Vec<LocalId> {
        self.ticked(name).iter().filter_map(|raw| LocalId::parse(raw).ok()).collect()
    }
}

/// A GOV.UK date input: `{name}-day`, `{name}-month`, `{name}-year`; `None` when all three
/// are blank. A date after `latest` is refused (nothing is recorded as having happened in the
/// future).
pub(super) fn read_date(
    answers: &Answers,
    name: &str,
    what: &str,
    earliest: Date,
    latest: Date,
) -> Result<Option<Date>, FieldProblem> {
    let part = |p: &str| answers.one(&format!("{name}-{p}")).to_owned();
    let (d, m, y) = (part("day"), part("month"), part("year"));
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return Ok(None);
    }
    let bad = |why: String| FieldProblem::new(name, format!("{name}: {why}"));
    let missing: Vec<&str> = [("a day", &d), ("a month", &m), ("a year", &y)]
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(w, _)| *w)
        .collect();
    if !missing.is_empty() {
        return Err(bad(format!("the date {what} must include {}", missing.join(" and "))));
    }
    let number = |v: &str| v.parse::<i16>().ok();
    let date = match (number(&d), number(&m), number(&y)) {
        (Some(d), Some(m), Some(y)) if (1000..=9999).contains(&y) => Date::new(y, m as i8, d as i8).ok(),
        _ => None,
    };
    let Some(date) = date.filter(|_| (1..=12).contains(&number(&m).unwrap_or(0))) else {
        return Err(bad(format!("the date {what} must be a real date, with a four-digit year")));
    };
    if date > latest {
        return Err(bad(format!("the date {what} must be today or in the past")));
    }
    if date < earliest {
        return Err(bad(format!("the date {what} must be today or in the future")));
    }
    Ok(Some(date))
}
