//! An officer's caseload as the page lists it: filtered, sorted and in pages, as Manage People
//! on Probation lists a caseload. Every choice comes from the page's query; a bad one is refused
//! naming its field, and the page shows nothing else.

use crate::error::{FieldProblem, ServiceError};
use domain::projection::CaseSummary;
use jiff::civil::Date;
use std::cmp::Reverse;

/// Cases on one page of a caseload. Probity default: a full caseload of about 57 in three
/// pages, short enough to read on a laptop screen without losing the table's headings.
pub const PAGE_SIZE: usize = 25;

/// Which cases to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    #[default]
    All,
    /// Contact overdue as at today (`CaseSummary::contact_overdue`).
    ContactOverdue,
    /// No appointment booked ahead.
    NothingBooked,
    /// Medium risk of serious harm or above.
    MediumRiskOrAbove,
}

/// The order to list them in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Soonest contact due first (none required last): what an officer works through.
    #[default]
    ContactDue,
    Name,
    /// Highest risk of serious harm first (not assessed last).
    Risk,
    NextAppointment,
}

impl Show {
    pub const ALL: [Show; 4] = [Show::All, Show::ContactOverdue, Show::NothingBooked, Show::MediumRiskOrAbove];

    pub fn key(self) -> &'static str {
        match self {
            Show::All => "all",
            Show::ContactOverdue => "contact-overdue",
            Show::NothingBooked => "nothing-booked",
            Show::MediumRiskOrAbove => "medium-risk",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Show::All => "All active cases",
            Show::ContactOverdue => "Contact overdue",
            Show::NothingBooked => "No appointment booked",
            Show::MediumRiskOrAbove => "Medium risk of serious harm or above",
        }
    }

    fn keeps(self, c: &CaseSummary, on: Date) -> bool {
        match self {
            Show::All => true,
            Show::ContactOverdue => c.contact_overdue(on),
            Show::NothingBooked => c.next_appointment.is_none(),
            Show::MediumRiskOrAbove => c.rosh.is_some_and(|r| r >= domain::assessment::RoshLevel::Medium),
        }
    }
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::ContactDue, Sort::Name, Sort::Risk, Sort::NextAppointment];

    pub fn key(self) -> &'static str {
        match self {
            Sort::ContactDue => "contact-due",
            Sort::Name => "name",
            Sort::Risk => "risk",
            Sort::NextAppointment => "next-appointment",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::ContactDue => "Contact due (soonest first)",
            Sort::Name => "Name",
            Sort::Risk => "Risk of serious harm (highest first)",
            Sort::NextAppointment => "Next appointment (soonest first)",
        }
    }
}

/// What the page asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseloadQuery {
    pub show: Show,
    pub sort: Sort,
    /// 1-based.
    pub page: usize,
}

impl Default for CaseloadQuery {
    fn default() -> Self {
        CaseloadQuery { show: Show::All, sort: Sort::ContactDue, page: 1 }
    }
}

fn choose<T: Copy>(field: &str, given: Option<&str>, all: &[T], key: fn(T) -> &'static str) -> Result<T, FieldProblem> {
    match given.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(all[0]),
        Some(v) => all.iter().copied().find(|t| key(*t) == v).ok_or_else(|| {
            let keys: Vec<&str> = all.iter().map(|t| key(*t)).collect();
            FieldProblem::new(field, format!("{field}: {v:?} is not one of {}", keys.join(", ")))
        }),
    }
}

impl CaseloadQuery {
    /// Reads the query's `show`, `sort` and `page` (each optional), naming every bad one.
    pub fn parse(show: Option<&str>, sort: Option<&str>, page: Option<&str>) -> Result<Self, ServiceError> {
        let show = choose("show", show, &Show::ALL, Show::key);
        let sort = choose("sort", sort, &Sort::ALL, Sort::key);
        let page = match page.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(1),
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| FieldProblem::new("page", format!("page: {v:?} is not a page number (1, 2, ...)"))),
        };
        match (show, sort, page) {
            (Ok(show), Ok(sort), Ok(page)) => Ok(CaseloadQuery { show, sort, page }),
            (show, sort, page) => {
                Err(ServiceError::Invalid([show.err(), sort.err(), page.err()].into_iter().flatten().collect()))
            }
        }
    }
}

/// One page of a caseload.
#[derive(Debug)]
pub struct CaseloadPage<'a> {
    pub cases: Vec<&'a CaseSummary>,
    /// Cases the filter keeps, over every page.
    pub matching: usize,
    pub page: usize,
    /// At least 1, even when nothing matches.
    pub pages: usize,
}

/// The page of `cases` the query asks for, as at `on`; a page beyond the last is refused.
pub fn caseload_page<'a>(
    cases: &'a [CaseSummary],
    on: Date,
    q: &CaseloadQuery,
) -> Result<CaseloadPage<'a>, ServiceError> {
    let mut kept: Vec<&CaseSummary> = cases.iter().filter(|c| q.show.keeps(c, on)).collect();
    let name = |c: &CaseSummary| (c.family_name.to_lowercase(), c.first_name.to_lowercase(), c.crn.clone());
    match q.sort {
        // `None` sorts after every date: (is_none, date).
        Sort::ContactDue => kept.sort_by_key(|c| (c.contact_due_by.is_none(), c.contact_due_by, name(c))),
        Sort::Name => kept.sort_by_key(|c| name(c)),
        Sort::Risk => kept.sort_by_key(|c| (Reverse(c.rosh), c.contact_due_by.is_none(), c.contact_due_by, name(c))),
        Sort::NextAppointment => kept.sort_by_key(|c| (c.next_appointment.is_none(), c.next_appointment, name(c))),
    }
    let matching = kept.len();
    let pages = matching.div_ceil(PAGE_SIZE).max(1);
    if q.page > pages {
        let problem = format!(
            "page: there {} only {pages} page{}",
            if pages == 1 { "is" } else { "are" },
            if pages == 1 { "" } else { "s" }
        );
        return Err(ServiceError::field("page", problem));
    }
    let cases = kept.into_iter().skip((q.page - 1) * PAGE_SIZE).take(PAGE_SIZE).collect();
    Ok(CaseloadPage { cases, matching, page: q.page, pages })
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::assessment::RoshLevel;
    use domain::example::date;

    fn case(n: u32, family: &str, rosh: Option<RoshLevel>, due: Option<&str>, booked: bool) -> CaseSummary {
        CaseSummary {
            crn: domain::ids::Crn::parse(&format!("X{n:06}")).unwrap(),
            first_name: "Sam".into(),
            family_name: family.into(),
            date_of_birth: date("1990-01-01"),
            gender: domain::person::Gender::Male,
            officer: None,
            team: None,
            active: true,
            sentence_kind: None,
            sentence_end: None,
            released_on: None,
            licence_end: None,
            rosh,
            next_appointment: booked.then(|| date("2026-03-25").at(10, 0, 0, 0)),
            last_face_to_face: None,
            contact_due_by: due.map(date),
            officer_count: 1,
            legacy_tier: None,
            v3_tier: None,
            tier_provisional: false,
            transfer_to: None,
            version: 1,
        }
    }

    #[test]
    fn filters_sorts_and_pages_and_names_every_bad_choice() {
        let on = date("2026-03-20");
        let cases = vec![
            case(1, "Young", Some(RoshLevel::Low), Some("2026-03-10"), false),
            case(2, "Adams", Some(RoshLevel::Medium), Some("2026-04-01"), true),
            case(3, "Brown", None, None, false),
            case(4, "Clark", Some(RoshLevel::Medium), Some("2026-03-15"), true),
        ];
        let crns = |p: &CaseloadPage| p.cases.iter().map(|c| c.crn.to_string()).collect::<Vec<_>>();
        let page = |show, sort| caseload_page(&cases, on, &CaseloadQuery::parse(show, sort, None).unwrap()).unwrap();
        assert_eq!(crns(&page(None, None)), ["X000001", "X000004", "X000002", "X000003"]);
        assert_eq!(crns(&page(None, Some("name"))), ["X000002", "X000003", "X000004", "X000001"]);
        assert_eq!(crns(&page(None, Some("risk"))), ["X000004", "X000002", "X000001", "X000003"]);
        assert_eq!(crns(&page(Some("contact-overdue"), None)), ["X000001", "X000004"]);
        assert_eq!(crns(&page(Some("nothing-booked"), Some("name"))), ["X000003", "X000001"]);
        assert_eq!(crns(&page(Some("medium-risk"), Some("next-appointment"))), ["X000002", "X000004"]);

        let many: Vec<CaseSummary> = (1..=57).map(|n| case(n, "Smith", None, None, false)).collect();
        let q = |p| CaseloadQuery::parse(None, None, Some(p)).unwrap();
        let third = caseload_page(&many, on, &q("3")).unwrap();
        assert_eq!((third.cases.len(), third.matching, third.pages), (7, 57, 3));
        let Err(ServiceError::Invalid(p)) = caseload_page(&many, on, &q("4")) else { panic!("page 4 of 3") };
        assert_eq!(p[0].field, "page");

        let Err(ServiceError::Invalid(p)) = CaseloadQuery::parse(Some("everyone"), Some("age"), Some("0")) else {
            panic!("bad choices are refused")
        };
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["show", "sort", "page"]);
        assert!(p[0].message.contains("all, contact-overdue"), "{}", p[0].message);
    }
}
