//! One indicator with everything its page and `GET /api/v1/indicators/{id}` show: the current and the
//! frozen target, the current plan, every earlier plan version, and the target's revision history.

use serde::Serialize;

use crate::db::DbConnection;
use crate::db::evidence;
use crate::db::indicator::{self, Revision};
use crate::db::milestone::{self, PlanVersion};
use crate::db::project::{self, Project};
use crate::db::user::User;
use crate::domain::plan::Checkpoint;
use crate::domain::proof::{self, ProofKind};
use crate::domain::refusal::Refusal;
use crate::domain::target::Target;
use crate::web::error::AppError;

/// An indicator with its plans and history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
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
    #[schema(value_type = Object)]
    pub target: Target,
    /// The target as frozen with the project's baseline; acceptance compares against it.
    #[schema(value_type = Option<Object>)]
    pub frozen: Option<Target>,
    /// Added after the baseline was frozen.
    pub added_after_baseline: bool,
    /// The current plan.
    #[schema(value_type = Vec<Object>)]
    pub checkpoints: Vec<Checkpoint>,
    /// Every plan version, newest first (the current one included).
    #[schema(value_type = Vec<Object>)]
    pub plan_history: Vec<PlanVersion>,
    /// Every change of the target, oldest first.
    pub revisions: Vec<Revision>,
    /// The kinds of proof (佐证材料) a report should carry.
    #[schema(value_type = Vec<String>)]
    pub proof: Vec<ProofKind>,
    /// Whether staff chose the kinds of proof (otherwise they are the defaults for the unit and class).
    pub proof_customised: bool,
}

/// Loads an indicator of a project the caller may see (404 otherwise), with its project.
pub fn load(conn: &mut DbConnection, caller: &User, id: i64) -> Result<(Project, IndicatorDetail), AppError> {
    let tracked = project::tracked_indicators_by_id(conn, &[id])?
        .into_iter()
        .next()
        .ok_or(AppError::Refused(Refusal::NotFound))?;
    let project = project::find_by_id(conn, tracked.project_id)?.ok_or(AppError::Refused(Refusal::NotFound))?;
    if !project::can_view(conn, caller, &project)? {
        return Err(AppError::Refused(Refusal::NotFound));
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
