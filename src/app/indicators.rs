//! Indicators of a project: one with everything its page and `GET /api/v1/indicators/{id}` show (the
//! current and the frozen target, the current plan, every earlier plan version, the target's revision
//! history), and the changes commission staff make: adding one from the task book, changing its target,
//! re-planning its checkpoints and choosing the proof it asks for. Whoever may see the project reads;
//! the pages and the API check the staff role before they come here.

use chrono::{NaiveDate, NaiveDateTime};

use super::indicator_input::TargetChanges;
use crate::db::DbConnection;
use crate::db::indicator;
use crate::db::milestone::{self, PlanRequest};
use crate::db::project::{self, Project};
use crate::db::user::User;
use crate::db::{evidence, work_calendar};
use crate::domain::plan::{Checkpoint, Profile, Schedule};
use crate::domain::proof::{self, ProofKind};
use crate::domain::refusal::{Failure, Refusal};
use crate::domain::target::Target;
use crate::domain::workdays::WorkCalendar;

/// A recorded change of an indicator's target.
pub use crate::db::indicator::Revision;
/// A version of an indicator's plan.
pub use crate::db::milestone::PlanVersion;

/// An indicator with its plans and history.
#[derive(Debug)]
pub struct IndicatorDetail {
    /// Indicator id.
    pub id: i64,
    /// Its project's code.
    pub project_code: String,
    /// What is measured.
    pub metric: String,
    /// Test condition.
    pub condition: Option<String>,
    /// The current target: op, value/min/max, unit, change, baseline, aggregation, weight, class.
    pub target: Target,
    /// The target as frozen with the project's baseline; acceptance compares against it.
    pub frozen: Option<Target>,
    /// Added after the baseline was frozen.
    pub added_after_baseline: bool,
    /// The current plan.
    pub checkpoints: Vec<Checkpoint>,
    /// Every plan version, newest first (the current one included).
    pub plan_history: Vec<PlanVersion>,
    /// Every change of the target, oldest first.
    pub revisions: Vec<Revision>,
    /// The kinds of proof (佐证材料) a report should carry.
    pub proof: Vec<ProofKind>,
    /// Whether staff chose the kinds of proof (otherwise they are the defaults for the unit and class).
    pub proof_customised: bool,
}

/// Loads an indicator of a project the caller may see (not found otherwise), with its project.
pub fn detail(conn: &mut DbConnection, caller: &User, id: i64) -> Result<(Project, IndicatorDetail), Failure> {
    let tracked = project::tracked_indicators_by_id(conn, &[id])?
        .into_iter()
        .next()
        .ok_or(Failure::Refused(Refusal::NotFound))?;
    let project = project::find_by_id(conn, tracked.project_id)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    if !project::can_view(conn, caller, &project)? {
        return Err(Failure::Refused(Refusal::NotFound));
    }
    let stored = evidence::proof_lists(conn, &[id])?.remove(&id).unwrap_or_default();
    let detail = IndicatorDetail {
        proof: proof::required(&stored, &tracked.metric, &tracked.target),
        proof_customised: !stored.trim().is_empty(),
        id,
        project_code: project.code.clone(),
        metric: tracked.metric,
        condition: tracked.condition,
        added_after_baseline: project.baseline_frozen_at.is_some() && tracked.frozen.is_none(),
        target: tracked.target,
        frozen: tracked.frozen,
        checkpoints: tracked.checkpoints,
        plan_history: milestone::history(conn, id)?,
        revisions: indicator::list_revisions(conn, id)?,
    };
    Ok((project, detail))
}

/// What an indicator's page shows besides its evidence: the indicator with its project, and the
/// working-day calendar its due dates are read against.
#[derive(Debug)]
pub struct IndicatorPage {
    /// Its project.
    pub project: Project,
    /// The indicator.
    pub detail: IndicatorDetail,
    /// The configured calendar with the years staff stored.
    pub calendar: WorkCalendar,
}

/// An indicator's page, for a caller who may see its project (not found otherwise); `configured`
/// is the calendar of the configuration.
pub fn page(
    conn: &mut DbConnection,
    caller: &User,
    id: i64,
    configured: &WorkCalendar,
) -> Result<IndicatorPage, Failure> {
    let (project, detail) = detail(conn, caller, id)?;
    Ok(IndicatorPage { project, detail, calendar: work_calendar::in_force(conn, configured)? })
}

/// Adds a project-specific indicator from the task book (a phrase and/or explicit fields), with a
/// plan like registration gives; returns its id. An unknown project is not found.
pub fn add(
    conn: &mut DbConnection,
    actor: &User,
    code: &str,
    changes: &TargetChanges,
    now: NaiveDateTime,
    today: NaiveDate,
) -> Result<i64, Failure> {
    let project = project::find_by_code(conn, code)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    let input = changes.new_indicator().map_err(Refusal::Validation)?;
    indicator::add(conn, project.id, &input, changes.reason.as_deref(), Some(actor.id), now, today)
}

/// Changes an indicator's target and wording (fields left out stay); a phrase is only for adding.
/// Once the baseline is frozen a reason is required and the change is kept as a revision.
pub fn update(
    conn: &mut DbConnection,
    actor: &User,
    id: i64,
    changes: &TargetChanges,
    now: NaiveDateTime,
    today: NaiveDate,
) -> Result<(), Failure> {
    let (_, current) = detail(conn, actor, id)?;
    if changes.phrase.is_some() {
        return Err(Refusal::field("phrase", "indicator.phrase_only_when_adding").into());
    }
    let input = changes.apply(&current.metric, current.condition, &current.target).map_err(Refusal::Validation)?;
    indicator::update(conn, id, &input, changes.reason.as_deref(), Some(actor.id), now, today)
}

/// A new plan as asked for: the profile is the target's default when none is chosen.
#[derive(Debug, Clone)]
pub struct PlanChoice {
    /// When checkpoints fall (ignored by a manual profile and by deliverables).
    pub schedule: Schedule,
    /// How planned values are set; `None` for the target's default.
    pub profile: Option<Profile>,
    /// A deliverable's due date; the end of term when absent.
    pub due_on: Option<NaiveDate>,
}

/// Re-plans an indicator; checkpoints already due are kept and the old plan stays in the history.
pub fn replan(
    conn: &mut DbConnection,
    actor: &User,
    id: i64,
    plan: PlanChoice,
    now: NaiveDateTime,
    today: NaiveDate,
) -> Result<(), Failure> {
    let (_, current) = detail(conn, actor, id)?;
    let profile = plan.profile.unwrap_or_else(|| Profile::default_for(&current.target));
    let request = PlanRequest { schedule: plan.schedule, profile, due_on: plan.due_on };
    milestone::replan(conn, id, &request, Some(actor.id), now, today).map(|_| ())
}

/// Sets the kinds of proof (佐证材料) an indicator's submission form asks for; none restores the
/// defaults for its unit and class.
pub fn set_proof(
    conn: &mut DbConnection,
    actor: &User,
    id: i64,
    kinds: &[ProofKind],
    now: NaiveDateTime,
) -> Result<(), Failure> {
    evidence::set_proof_list(conn, actor, id, kinds, now)
}
