//! Staff records as the operator keeps them: the reductions of an officer's contracted hours
//! (long-term sickness, facility time, trainee and newly qualified protection) and the
//! reports they prepare (standard court, fast, parole), which the workload model weighs
//! (`analytics::workload`); a member of staff's self-declared protected characteristics and
//! the performance-improvement flags recorded against them (`analytics::staff_process`).
//!
//! Each write takes what was typed (the forms below), the time it is recorded at (`now`, from
//! the caller's clock) and refuses bad input with every problem named by its field (the CLI's
//! flag names: `to`, `due-on`, `raised-by`, ...), writing nothing. The store keeps its own
//! checks behind these (known staff, the policy's facility time maximum, dates in order).

use crate::stores::prelude::*;
use crate::{FieldProblem, ServiceError, Stores};
use analytics::workload::{Reduction, ReductionKind, Report, ReportKind};
use domain::ids::{Code, Crn};
use domain::person::{Ethnicity, Gender};
use domain::staff::{FlagKind, Religion, StaffCharacteristics, StaffFlag};
use jiff::Timestamp;
use jiff::civil::Date;
use store::StoreError;
use store::staff_equality::RecordedFlag;
use store::workload::{StaffReduction, StaffReport};

/// The reduction kinds as the flag names them, in the order the help lists them.
pub const KINDS: [&str; 4] = ["long-term-sickness", "facility-time", "trainee", "newly-qualified"];

/// A reduction kind's name, as `--kind` takes it.
pub fn kind_name(kind: ReductionKind) -> &'static str {
    match kind {
        ReductionKind::LongTermSickness => KINDS[0],
        ReductionKind::FacilityTime { .. } => KINDS[1],
        ReductionKind::TraineeProbationOfficer => KINDS[2],
        ReductionKind::NewlyQualified => KINDS[3],
    }
}

/// The kind from `kind` and `percent`: only facility time takes (and needs) a percent, a
/// whole number from 1 to 100 (the workload policy's maximum is checked with the reduction).
pub fn parse_kind(kind: &str, percent: Option<&str>) -> Result<ReductionKind, FieldProblem> {
    let percent = match percent {
        None => None,
        Some(p) => match p.parse::<u32>() {
            Ok(n) if (1..=100).contains(&n) => Some(n),
            _ => return Err(problem("percent", format!("percent: `{p}` is not a whole number from 1 to 100"))),
        },
    };
    let kind = match kind {
        "long-term-sickness" => ReductionKind::LongTermSickness,
        "facility-time" => {
            return match percent {
                Some(percent) => Ok(ReductionKind::FacilityTime { percent }),
                None => Err(problem(
                    "percent",
                    "percent: facility time needs --percent, the agreed percent of contracted hours",
                )),
            };
        }
        "trainee" => ReductionKind::TraineeProbationOfficer,
        "newly-qualified" => ReductionKind::NewlyQualified,
        other => return Err(problem("kind", format!("kind: `{other}` is not one of {}", KINDS.join(", ")))),
    };
    if percent.is_some() {
        return Err(problem(
            "percent",
            format!(
                "percent: {kind} takes its percent from the workload policy, so --percent is for facility time only",
                kind = kind_name(kind)
            ),
        ));
    }
    Ok(kind)
}

/// The report kinds as the flag names them, in the order the help lists them.
pub const REPORT_KINDS: [&str; 3] = ["standard-court", "fast", "parole"];

/// A report kind's name, as `--kind` takes it.
pub fn report_kind_name(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::StandardCourt => REPORT_KINDS[0],
        ReportKind::Fast => REPORT_KINDS[1],
        ReportKind::Parole => REPORT_KINDS[2],
    }
}

/// The report kind from `kind`.
pub fn parse_report_kind(kind: &str) -> Result<ReportKind, FieldProblem> {
    match kind {
        "standard-court" => Ok(ReportKind::StandardCourt),
        "fast" => Ok(ReportKind::Fast),
        "parole" => Ok(ReportKind::Parole),
        other => Err(problem("kind", format!("kind: `{other}` is not one of {}", REPORT_KINDS.join(", ")))),
    }
}

fn problem(field: &str, message: impl Into<String>) -> FieldProblem {
    FieldProblem::new(field, message)
}

/// Collects the problems of a form, field by field, in the order the fields are read.
#[derive(Default)]
struct Problems(Vec<FieldProblem>);

impl Problems {
    fn take<T>(&mut self, r: Result<T, FieldProblem>) -> Option<T> {
        r.map_err(|p| self.0.push(p)).ok()
    }

    fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(problem(field, message));
    }

    fn done(self) -> Result<(), ServiceError> {
        if self.0.is_empty() { Ok(()) } else { Err(ServiceError::Invalid(self.0)) }
    }
}

fn date(field: &str, raw: &str) -> Result<Date, FieldProblem> {
    raw.parse().map_err(|_| problem(field, format!("{field}: `{raw}` is not a date (YYYY-MM-DD)")))
}

/// The member of staff a reduction or a report is for, as the workload commands name them.
fn staff_code(raw: &str) -> Result<Code, FieldProblem> {
    Code::parse(raw).map_err(|e| problem("staff", format!("staff: {e}")))
}

/// A member of staff as the equality commands name them (`staff`, `raised-by`).
fn member(field: &str, raw: &str) -> Result<Code, FieldProblem> {
    Code::parse(raw).map_err(|e| problem(field, format!("{field}: {}", e.problem)))
}

fn id(raw: &str, what: &str) -> Result<i64, ServiceError> {
    raw.parse().map_err(|_| ServiceError::field("id", format!("id: `{raw}` is not a {what} id")))
}

/// A refusal of the store's that names a field becomes the use case's; `rename` respells a
/// field as the caller names it (`raised_by` is `raised-by`).
fn refused(e: StoreError, rename: &[(&str, &str)]) -> ServiceError {
    match e {
        StoreError::Field { field, problem } => match rename.iter().find(|(from, _)| *from == field) {
            Some((from, to)) => {
                let rest = problem.strip_prefix(&format!("{from}:")).unwrap_or(&problem);
                ServiceError::field(*to, format!("{to}:{rest}"))
            }
            None => ServiceError::field(field, problem),
        },
        e => ServiceError::Store(e),
    }
}

/// The member of staff `raw` names, refused on `staff` when it is not one or there is none.
async fn known_staff(
    stores: &Stores,
    raw: &str,
    read: fn(&str) -> Result<Code, FieldProblem>,
) -> Result<Code, ServiceError> {
    let staff = read(raw).map_err(|p| ServiceError::Invalid(vec![p]))?;
    let org = stores.cases.organisation_around(std::slice::from_ref(&staff), &[]).await?;
    if !org.staff.iter().any(|s| s.code == staff) {
        return Err(ServiceError::field("staff", format!("staff: there is no member of staff {staff}")));
    }
    Ok(staff)
}

/// A reduction of hours as typed: `percent` for facility time only, `to` its last day (left
/// out while open-ended).
#[derive(Debug, Clone, Copy)]
pub struct ReductionForm<'a> {
    pub staff: &'a str,
    pub kind: &'a str,
    pub percent: Option<&'a str>,
    pub from: &'a str,
    pub to: Option<&'a str>,
}

/// Records a reduction of a member of staff's hours at `now`. Refused, naming the field, for
/// a bad staff code, kind, percent (facility time only, within the workload policy's
/// maximum) or date, an end (`to`) before the start, or an unknown member of staff.
pub async fn add_reduction(
    stores: &Stores,
    now: Timestamp,
    form: ReductionForm<'_>,
) -> Result<StaffReduction, ServiceError> {
    let mut problems = Problems::default();
    let staff = problems.take(staff_code(form.staff));
    let kind = problems.take(parse_kind(form.kind, form.percent));
    let start = problems.take(date("from", form.from));
    let end = form.to.map(|t| problems.take(date("to", t)));
    if let (Some(start), Some(Some(end))) = (start, end)
        && end < start
    {
        problems.push("to", format!("to: {end} is before --from {start}"));
    }
    problems.done()?;
    let (Some(staff), Some(kind), Some(start)) = (staff, kind, start) else {
        return Err(ServiceError::Internal("a form with no problems lacks a value".into()));
    };
    record_reduction(stores, now, staff, Reduction { kind, start, end: end.flatten() }).await
}

/// Records a reduction already in its typed form (the demo's) at `now`: refused, naming the
/// field, when it is outside the workload policy's facility time maximum
/// (docs/rules/practice.md#workload), ends before it starts, or names an unknown member of
/// staff.
pub async fn record_reduction(
    stores: &Stores,
    now: Timestamp,
    staff: Code,
    reduction: Reduction,
) -> Result<StaffReduction, ServiceError> {
    store::workload::check_reduction(&reduction).map_err(|e| refused(e, &[]))?;
    let id = stores.workload.add_reduction(&staff, &reduction, now).await.map_err(|e| refused(e, &[]))?;
    let at = Some(store::to_stored_precision(now));
    Ok(StaffReduction { id, staff, reduction, recorded_at: at, ended_recorded_at: reduction.end.and(at) })
}

/// Ends reduction `id` at `now`: `on` is its last day. Refused, naming the field, for a bad
/// id or date, no such reduction (`id`), or a day before it starts (`on`).
pub async fn end_reduction(stores: &Stores, now: Timestamp, id: &str, on: &str) -> Result<(i64, Date), ServiceError> {
    let (id, on) = both(self::id(id, "reduction"), date("on", on))?;
    if !stores.workload.end_reduction(id, on, now).await.map_err(|e| refused(e, &[]))? {
        return Err(ServiceError::field("id", format!("id: there is no reduction {id}")));
    }
    Ok((id, on))
}

/// An id and a day, each refused on its own field; both named when both are bad.
fn both(id: Result<i64, ServiceError>, on: Result<Date, FieldProblem>) -> Result<(i64, Date), ServiceError> {
    match (id, on) {
        (Ok(id), Ok(on)) => Ok((id, on)),
        (Err(ServiceError::Invalid(mut p)), Err(q)) => {
            p.push(q);
            Err(ServiceError::Invalid(p))
        }
        (Err(e), _) => Err(e),
        (_, Err(q)) => Err(ServiceError::Invalid(vec![q])),
    }
}

/// Every reduction of a member of staff, whatever its dates, by start. Refused, naming
/// `staff`, for a bad code or one who does not exist.
pub async fn reductions(stores: &Stores, staff: &str) -> Result<(Code, Vec<StaffReduction>), ServiceError> {
    let staff = known_staff(stores, staff, staff_code).await?;
    let found = stores.workload.reductions_for(std::slice::from_ref(&staff)).await?;
    Ok((staff, found))
}

/// A report as typed: `crn` the person it is on, if known (a pre-sentence report may come
/// before the person has a case).
#[derive(Debug, Clone, Copy)]
pub struct ReportForm<'a> {
    pub staff: &'a str,
    pub kind: &'a str,
    pub crn: Option<&'a str>,
    pub requested_on: &'a str,
    pub due_on: Option<&'a str>,
}

/// Records a report a member of staff is to prepare, at `now`. Refused, naming the field, for
/// a bad staff code, kind, CRN or date, a due day before the day requested (`due-on`), or an
/// unknown member of staff.
pub async fn add_report(stores: &Stores, now: Timestamp, form: ReportForm<'_>) -> Result<StaffReport, ServiceError> {
    let mut problems = Problems::default();
    let staff = problems.take(staff_code(form.staff));
    let kind = problems.take(parse_report_kind(form.kind));
    // `Crn::parse`'s error names the field: "crn: `...` is not a CRN ...".
    let crn = form.crn.map(|c| problems.take(Crn::parse(c).map_err(|e| problem(e.field, e.to_string()))));
    let requested = problems.take(date("requested-on", form.requested_on));
    let due = form.due_on.map(|d| problems.take(date("due-on", d)));
    if let (Some(requested), Some(Some(due))) = (requested, due)
        && due < requested
    {
        problems.push("due-on", format!("due-on: {due} is before --requested-on {requested}"));
    }
    problems.done()?;
    let (Some(staff), Some(kind), Some(requested)) = (staff, kind, requested) else {
        return Err(ServiceError::Internal("a form with no problems lacks a value".into()));
    };
    record_report(
        stores,
        now,
        staff,
        Report { kind, crn: crn.flatten(), requested, due: due.flatten(), completed: None },
    )
    .await
}

/// Records a report already in its typed form (the demo's) at `now`: refused, naming the
/// field, when it is due or completed before it is requested, or names an unknown member of
/// staff.
pub async fn record_report(
    stores: &Stores,
    now: Timestamp,
    staff: Code,
    report: Report,
) -> Result<StaffReport, ServiceError> {
    store::workload::check_report(&report).map_err(|e| refused(e, &[]))?;
    let id = stores.workload.add_report(&staff, &report, now).await.map_err(|e| refused(e, &[]))?;
    let at = Some(store::to_stored_precision(now));
    let completed_recorded_at = report.completed.and(at);
    Ok(StaffReport { id, staff, report, recorded_at: at, completed_recorded_at })
}

/// Records report `id` as completed on `on`, at `now` (a later call corrects the day).
/// Refused, naming the field, for a bad id or date, no such report (`id`), or a day before
/// it was requested (`on`).
pub async fn complete_report(stores: &Stores, now: Timestamp, id: &str, on: &str) -> Result<(i64, Date), ServiceError> {
    let (id, on) = both(self::id(id, "report"), date("on", on))?;
    if !stores.workload.complete_report(id, on, now).await.map_err(|e| refused(e, &[]))? {
        return Err(ServiceError::field("id", format!("id: there is no report {id}")));
    }
    Ok((id, on))
}

/// Every report of a member of staff, in preparation or completed, by day requested.
/// Refused, naming `staff`, for a bad code or one who does not exist.
pub async fn reports(stores: &Stores, staff: &str) -> Result<(Code, Vec<StaffReport>), ServiceError> {
    let staff = known_staff(stores, staff, staff_code).await?;
    let found = stores.workload.reports_for(std::slice::from_ref(&staff)).await?;
    Ok((staff, found))
}

/// The word that removes a characteristic.
pub const NOT_RECORDED: &str = "not_recorded";

/// A declaration as typed: a characteristic left out (`None`) is unchanged, one given as
/// [`NOT_RECORDED`] is removed (a declaration withdrawn).
#[derive(Debug, Clone, Copy)]
pub struct DeclarationForm<'a> {
    pub staff: &'a str,
    pub gender: Option<&'a str>,
    pub ethnicity: Option<&'a str>,
    pub date_of_birth: Option<&'a str>,
    pub disability: Option<&'a str>,
    pub religion: Option<&'a str>,
}

/// `None`: not given (no change); `Some(None)`: [`NOT_RECORDED`].
fn value<T>(
    field: &str,
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    choices: &str,
) -> Result<Option<Option<T>>, FieldProblem> {
    match raw {
        None => Ok(None),
        Some(NOT_RECORDED) => Ok(Some(None)),
        Some(v) => match parse(v) {
            Some(t) => Ok(Some(Some(t))),
            None => Err(problem(field, format!("{field}: `{v}` is not one of {choices} or {NOT_RECORDED}"))),
        },
    }
}

fn names<T: Copy>(all: &[T], id: impl Fn(T) -> &'static str) -> String {
    all.iter().map(|v| id(*v)).collect::<Vec<_>>().join(", ")
}

/// Records what a member of staff has declared, at `now`: the characteristics given replace
/// theirs, the others stay as they were. Returns the declaration as it now stands. Refused,
/// naming the field, for a bad staff code or value, a date of birth not before today, none
/// given at all, or an unknown member of staff.
pub async fn declare_characteristics(
    stores: &Stores,
    now: Timestamp,
    form: DeclarationForm<'_>,
) -> Result<(Code, StaffCharacteristics), ServiceError> {
    let mut problems = Problems::default();
    let staff = problems.take(member("staff", form.staff));
    let gender = problems.take(value("gender", form.gender, Gender::parse, &names(&Gender::ALL, Gender::id)));
    let ethnicity =
        problems.take(value("ethnicity", form.ethnicity, Ethnicity::parse, &names(&Ethnicity::ALL, Ethnicity::id)));
    let today = domain::case::uk_date(now);
    let date_of_birth = match form.date_of_birth {
        None => Some(None),
        Some(NOT_RECORDED) => Some(Some(None)),
        Some(d) => match date("date-of-birth", d) {
            Ok(born) if born >= today => {
                problems.push("date-of-birth", format!("date-of-birth: {born} is not before today ({today})"));
                None
            }
            Ok(born) => Some(Some(Some(born))),
            Err(p) => {
                problems.0.push(p);
                None
            }
        },
    };
    let yes_no = |v: &str| match v {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let disability = problems.take(value("disability", form.disability, yes_no, "yes, no"));
    let religion =
        problems.take(value("religion", form.religion, Religion::parse, &names(&Religion::ALL, Religion::id)));
    let given = [form.gender, form.ethnicity, form.date_of_birth, form.disability, form.religion];
    if given.iter().all(Option::is_none) {
        problems.push("gender", "gender, ethnicity, date-of-birth, disability, religion: give at least one");
    }
    problems.done()?;
    let (Some(staff), Some(gender), Some(ethnicity), Some(date_of_birth), Some(disability), Some(religion)) =
        (staff, gender, ethnicity, date_of_birth, disability, religion)
    else {
        return Err(ServiceError::Internal("a form with no problems lacks a value".into()));
    };
    let mut c = stores.equality.staff_characteristics(&staff).await.map_err(|e| refused(e, &[]))?;
    if let Some(v) = gender {
        c.gender = v;
    }
    if let Some(v) = ethnicity {
        c.ethnicity = v;
    }
    if let Some(v) = date_of_birth {
        c.date_of_birth = v;
    }
    if let Some(v) = disability {
        c.disability = v;
    }
    if let Some(v) = religion {
        c.religion = v;
    }
    stores.equality.set_staff_characteristics(&staff, &c, now).await.map_err(|e| refused(e, &[]))?;
    Ok((staff, c))
}

/// A flag as typed: `to` its last day (left out while open).
#[derive(Debug, Clone, Copy)]
pub struct FlagForm<'a> {
    pub staff: &'a str,
    pub kind: &'a str,
    pub from: &'a str,
    pub to: Option<&'a str>,
}

/// The store's field, as the flag forms name it.
const RAISED_BY: &[(&str, &str)] = &[("raised_by", "raised-by")];

/// Records a flag on a member of staff, raised by `raised_by`, at `now`. Refused, naming the
/// field, for a bad staff code, kind or date, an end (`to`) before the start, a flag raised
/// on oneself (`raised-by`), or either member of staff unknown.
pub async fn add_flag(
    stores: &Stores,
    now: Timestamp,
    form: FlagForm<'_>,
    raised_by: &str,
) -> Result<RecordedFlag, ServiceError> {
    let mut problems = Problems::default();
    let staff = problems.take(member("staff", form.staff));
    let kind = FlagKind::parse(form.kind);
    if kind.is_none() {
        let all = names(&FlagKind::ALL, FlagKind::id);
        problems.push("kind", format!("kind: `{}` is not one of {all}", form.kind));
    }
    let start = problems.take(date("from", form.from));
    let end = form.to.map(|t| problems.take(date("to", t)));
    if let (Some(start), Some(Some(end))) = (start, end)
        && end < start
    {
        problems.push("to", format!("to: {end} is before --from {start}"));
    }
    let raised_by = problems.take(member("raised-by", raised_by));
    problems.done()?;
    let (Some(staff), Some(kind), Some(start), Some(raised_by)) = (staff, kind, start, raised_by) else {
        return Err(ServiceError::Internal("a form with no problems lacks a value".into()));
    };
    let flag = StaffFlag { kind, start, end: end.flatten(), raised_by };
    store::staff_equality::check_flag(&staff, &flag).map_err(|e| refused(e, RAISED_BY))?;
    let id = stores.equality.add_staff_flag(&staff, &flag, now).await.map_err(|e| refused(e, RAISED_BY))?;
    let at = Some(store::to_stored_precision(now));
    let ended_recorded_at = flag.end.and(at);
    Ok(RecordedFlag { id, staff, flag, recorded_at: at, ended_recorded_at })
}

/// Ends flag `id` at `now`: `on` is its last day (a later call corrects it). Refused, naming
/// the field, for a bad id or date, no such flag (`id`), or a day before it starts (`on`).
pub async fn end_flag(stores: &Stores, now: Timestamp, id: &str, on: &str) -> Result<(i64, Date), ServiceError> {
    let (id, on) = both(self::id(id, "flag"), date("on", on))?;
    if !stores.equality.end_staff_flag(id, on, now).await.map_err(|e| refused(e, &[]))? {
        return Err(ServiceError::field("id", format!("id: there is no flag {id}")));
    }
    Ok((id, on))
}

/// Every flag on a member of staff, whatever its dates, by start. Refused, naming `staff`,
/// for a bad code or one who does not exist.
pub async fn flags(stores: &Stores, staff: &str) -> Result<(Code, Vec<RecordedFlag>), ServiceError> {
    let staff = known_staff(stores, staff, |s| member("staff", s)).await?;
    let found = stores.equality.staff_flags_for(std::slice::from_ref(&staff)).await?;
    Ok((staff, found))
}
