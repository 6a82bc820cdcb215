//! The inspector's workspace as a signed-in user meets it: the inspections whose sampled
//! cases they may read, one case's questions with prefill and evidence, an answer, and the
//! findings. The inspection rules are [`crate::inspection`]'s; here each step is refused
//! exactly as any other read of a case would be (`crate::actor`).

use crate::access::CaseAccess;
use crate::actor::{Actor, Facts};
use crate::error::ServiceError;
use crate::inspection::{self, CaseWorkspace, InspectionError, SampleCaseView};
use crate::stores::Stores;
use domain::case::uk_date;
use domain::ids::{Code, Crn};
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet};
use store::CaseStore;
use store::inspection::{InspectionRecord, InspectionStore};

impl From<InspectionError> for ServiceError {
    fn from(e: InspectionError) -> Self {
        match e {
            InspectionError::Invalid { field, problem } => ServiceError::field(field, format!("{field}: {problem}")),
            InspectionError::NotFound(what) => ServiceError::NotFound(what),
            InspectionError::Store(e) => ServiceError::Store(e),
        }
    }
}

fn may_assess(actor: Actor<'_>) -> Result<(), ServiceError> {
    if actor.user.policy().assesses_cases { Ok(()) } else { Err(ServiceError::forbidden()) }
}

/// The CRNs of an inspection's sample that this actor may read: an inspector the cases
/// granted to them, a manager's internal audit the cases in their place. Reads no case's
/// events: the sample's summaries, in one query.
async fn visible_sample(stores: &Stores, facts: &Facts<'_>, id: &Code) -> Result<Vec<Crn>, ServiceError> {
    if stores.inspections.inspection(id).await?.is_none() {
        return Err(ServiceError::NotFound(format!("inspection: no inspection {id}")));
    }
    let sample: Vec<Crn> = stores.inspections.inspection_cases(id).await?.into_iter().map(|c| c.crn).collect();
    let summaries = stores.cases.summaries(&sample).await?;
    let mut visible = Vec::new();
    for crn in sample {
        if let Some(summary) = summaries.get(&crn)
            && facts.access_any(stores, summary).await? != CaseAccess::None
        {
            visible.push(crn);
        }
    }
    Ok(visible)
}

/// The sampled cases of an inspection that this actor may read, with their progress and
/// look-behind counts.
pub async fn inspection_cases(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    id: &Code,
) -> Result<Vec<SampleCaseView>, ServiceError> {
    may_assess(actor)?;
    let facts = Facts::load(stores, actor, uk_date(now)).await?;
    let visible: BTreeSet<String> = visible_sample(stores, &facts, id).await?.iter().map(Crn::to_string).collect();
    Ok(inspection::sample_cases(stores, id).await?.into_iter().filter(|c| visible.contains(&c.crn)).collect())
}

/// The inspections with at least one sampled case this actor may read, with how many.
pub async fn inspections(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
) -> Result<Vec<(InspectionRecord, usize)>, ServiceError> {
    may_assess(actor)?;
    let facts = Facts::load(stores, actor, uk_date(now)).await?;
    let mut out = Vec::new();
    for inspection in stores.inspections.inspections().await? {
        let visible = visible_sample(stores, &facts, &inspection.id).await?.len();
        if visible > 0 {
            out.push((inspection, visible));
        }
    }
    Ok(out)
}

/// Refuses a sampled case this actor may not read, exactly as any other case is refused.
async fn readable_sampled_case(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    id: &Code,
    crn: &Crn,
) -> Result<(), ServiceError> {
    may_assess(actor)?;
    let facts = Facts::load(stores, actor, uk_date(now)).await?;
    let visible = visible_sample(stores, &facts, id).await?;
    if visible.contains(crn) { Ok(()) } else { Err(ServiceError::forbidden()) }
}

/// One sampled case's workspace: every question with its prefill and evidence, the answer
/// and its history, and the look behind the announcement. Reading it is a read of the case,
/// recorded under `route`.
pub async fn inspection_case(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    id: &Code,
    crn: &Crn,
    route: &str,
) -> Result<CaseWorkspace, ServiceError> {
    readable_sampled_case(stores, actor, now, id, crn).await?;
    let workspace = inspection::case_workspace(stores, id, crn.as_str(), uk_date(now)).await?;
    actor.record_read(stores, now, crn, route).await?;
    Ok(workspace)
}

/// Records this actor's answer (yes, no or na, with an optional note). Nothing is written
/// when a field is bad; the error names it.
#[allow(clippy::too_many_arguments)]
pub async fn answer_question(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    id: &Code,
    crn: &Crn,
    question: &str,
    answer: &str,
    note: Option<&str>,
) -> Result<(), ServiceError> {
    readable_sampled_case(stores, actor, now, id, crn).await?;
    inspection::answer(stores, now, id, crn.as_str(), question, answer, note, &actor.recorder()).await?;
    Ok(())
}

/// The findings of an inspection from its latest answers, for an actor who may read at least
/// one of its sampled cases. No comparison figures or standard ratings are configured for the
/// workspace: the findings are the sample's own.
pub async fn findings(
    stores: &Stores,
    actor: Actor<'_>,
    now: Timestamp,
    id: &Code,
) -> Result<inspect::report::Report, ServiceError> {
    may_assess(actor)?;
    let facts = Facts::load(stores, actor, uk_date(now)).await?;
    if visible_sample(stores, &facts, id).await?.is_empty() {
        return Err(ServiceError::forbidden());
    }
    Ok(inspection::findings(stores, id, &BTreeMap::new(), &BTreeMap::new()).await?)
}
