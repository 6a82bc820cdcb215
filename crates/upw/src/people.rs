//! People's constraints, read from the case record (docs/rules/practice.md#unpaid-work: "Placements suit
//! the person"; issue 5, "People's constraints").

use std::collections::HashSet;

use jiff::civil::{Date, DateTime};
use serde::Serialize;

use domain::case::CaseState;
use domain::contact::ContactKind;
use domain::ids::{Code, Crn, LocalId};
use domain::person::Gender as PersonGender;
use domain::sentence::RequirementKind;
use domain::unpaid_work::UnpaidWorkNeeds;

use crate::credit::credit;
use crate::model::{Day, Gender, Id, Person};
use crate::policy::{
    COMPLETE_WITHIN_MONTHS, DEFAULT_SESSIONS_PER_WEEK, TYPICAL_SESSION_MINUTES, default_days, urgency,
};

/// An unpaid work requirement with hours outstanding, and what scheduling it must respect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpwOrder {
    pub crn: Crn,
    pub requirement: LocalId,
    pub ordered_minutes: u32,
    /// Credit that counts toward the order: ETE only up to its cap (`credit::credit`).
    pub credited_minutes: u32,
    /// Credit on education, training and employment sessions, and its cap (30% of ordered).
    pub ete_credited_minutes: u32,
    pub ete_cap_minutes: u32,
    /// Booked ETE sessions not yet held: (appointment, minutes).
    pub ete_booked: Vec<(LocalId, u32)>,
    pub sentence_date: Date,
    /// 12 months from the sentence, or the order's end if sooner.
    pub deadline: Date,
    pub gender: Gender,
    pub home_borough: Option<Code>,
    /// The officer's record, or the defaults from the employment status.
    pub needs: UnpaidWorkNeeds,
    /// Booked appointments that UPW must not clash with (DRR reviews, officer visits, ...).
    pub appointments: Vec<(LocalId, DateTime, DateTime)>,
}

impl UpwOrder {
    pub fn remaining_minutes(&self) -> u32 {
        self.ordered_minutes.saturating_sub(self.credited_minutes)
    }

    /// ETE minutes the order still has room for: the cap less ETE credit and ETE sessions
    /// booked, except `scheduled` (this week's bookings, which the schedule decides again).
    pub fn ete_allowance(&self, scheduled: &HashSet<LocalId>) -> u32 {
        let booked: u32 = self.ete_booked.iter().filter(|(id, _)| !scheduled.contains(id)).map(|(_, m)| m).sum();
        self.ete_cap_minutes.saturating_sub(self.ete_credited_minutes + booked)
    }
}

/// The deadline of an order imposed on `sentence_date` and ending on `end_date`.
pub fn deadline(sentence_date: Date, end_date: Date) -> Date {
    let twelve = sentence_date.checked_add(jiff::Span::new().months(COMPLETE_WITHIN_MONTHS)).expect("in range");
    twelve.min(end_date)
}

/// The active unpaid work requirements of a case with hours still to do, as if no session
/// were education, training and employment.
pub fn upw_orders(state: &CaseState) -> Vec<UpwOrder> {
    upw_orders_with_ete(state, &HashSet::new())
}

/// The active unpaid work requirements of a case with hours still to do; `ete` holds the
/// appointments made on ETE sessions, whose credit counts only up to the cap.
pub fn upw_orders_with_ete(state: &CaseState, ete: &HashSet<LocalId>) -> Vec<UpwOrder> {
    let Some(person) = &state.person else { return Vec::new() };
    let mut out = Vec::new();
    for record in state.sentences.iter().filter(|s| s.is_active()) {
        let s = &record.sentence;
        for r in &s.requirements {
            let RequirementKind::UnpaidWork { hours } = r.kind else { continue };
            let needs = state.unpaid_work.needs_for(&r.id).cloned().unwrap_or_else(|| UnpaidWorkNeeds {
                days: default_days(person.employment).to_vec(),
                busy: Vec::new(),
                women_only: false,
                singleton: false,
                sessions_per_week: DEFAULT_SESSIONS_PER_WEEK,
            });
            let appointments = state
                .appointments
                .iter()
                .filter(|a| a.outcome.is_none_or(|o| o.attended()))
                .map(|a| {
                    let end = a.appointment.at + jiff::Span::new().minutes(i64::from(a.appointment.minutes));
                    (a.appointment.id.clone(), a.appointment.at, end)
                })
                .collect();
            let ordered_minutes = u32::from(hours) * 60;
            let credit = credit(state, &r.id, ordered_minutes, ete);
            let ete_booked = state
                .appointments
                .iter()
                .filter(|a| a.outcome.is_none() && ete.contains(&a.appointment.id))
                .filter(|a| a.appointment.requirement.as_ref() == Some(&r.id))
                .map(|a| (a.appointment.id.clone(), u32::from(a.appointment.minutes)))
                .collect();
            let order = UpwOrder {
                crn: state.crn.clone(),
                requirement: r.id.clone(),
                ordered_minutes,
                credited_minutes: credit.counted_minutes,
                ete_credited_minutes: credit.ete_minutes,
                ete_cap_minutes: credit.ete_cap_minutes,
                ete_booked,
                sentence_date: s.sentence_date,
                deadline: deadline(s.sentence_date, s.end_date),
                // Only women may take women-only sessions; "other" is not assumed to be.
                gender: if person.gender == PersonGender::Female { Gender::F } else { Gender::M },
                home_borough: person.home_borough.clone(),
                needs,
                appointments,
            };
            if order.remaining_minutes() > 0 {
                out.push(order);
            }
        }
    }
    out
}

/// Minutes of unpaid work already booked (not yet held) in the week, by appointment id.
pub fn upw_booked(state: &CaseState, monday: Date) -> Vec<LocalId> {
    let sunday_end =
        monday.checked_add(jiff::Span::new().days(7)).expect("in range").to_datetime(jiff::civil::Time::midnight());
    state
        .appointments
        .iter()
        .filter(|a| a.appointment.kind == ContactKind::UnpaidWork && a.outcome.is_none())
        .filter(|a| {
            a.appointment.at >= monday.to_datetime(jiff::civil::Time::midnight()) && a.appointment.at < sunday_end
        })
        .map(|a| a.appointment.id.clone())
        .collect()
}

/// The solver's view of an order for the week starting `monday`. `scheduled` are this
/// week's UPW appointments made by the scheduler: they are not clashes, they are the
/// previous schedule (the solver keeps them where it can).
pub fn person_for_week(order: &UpwOrder, monday: Date, scheduled: &HashSet<LocalId>) -> Person {
    let week_end =
        monday.checked_add(jiff::Span::new().days(7)).expect("in range").to_datetime(jiff::civil::Time::midnight());
    let week_start = monday.to_datetime(jiff::civil::Time::midnight());
    let mut busy: Vec<(DateTime, DateTime)> = order
        .appointments
        .iter()
        .filter(|(id, _, _)| !scheduled.contains(id))
        .map(|&(_, s, e)| (s, e))
        .chain(order.needs.busy.iter().map(|b| (b.from, b.to)))
        .filter(|&(s, e)| s < week_end && e > week_start)
        .collect();
    busy.sort();
    let remaining = order.remaining_minutes();
    let needed_sessions = remaining.div_ceil(TYPICAL_SESSION_MINUTES);
    let days_left = monday.until(order.deadline).map(|s| i64::from(s.get_days())).unwrap_or(0);
    Person {
        id: Id::Text(order.crn.to_string()),
        gender: order.gender,
        weight: urgency(remaining, days_left),
        max_sessions: needed_sessions.min(u32::from(order.needs.sessions_per_week)),
        available_days: Day::mask(order.needs.days.iter().map(|d| Day(d.index()))),
        women_only: order.needs.women_only,
        singleton: order.needs.singleton,
        busy,
    }
}
