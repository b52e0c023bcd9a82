//! A project as of a date: its indicators evaluated by the status engine, its overall status,
//! completion and acceptance readiness. Shared by the project page and the API so that both say
//! the same.

use chrono::NaiveDate;

use crate::config::Tracking;
use crate::db::DbConnection;
use crate::db::evidence::{self, PendingValues};
use crate::db::project::{self, Project, TrackedIndicator};
use crate::db::user::User;
use crate::domain::guide::model::Period;
use crate::domain::plan::Checkpoint;
use crate::domain::readiness::{self, Readiness, ReadinessItem};
use crate::domain::refusal::{Failure, Refusal};
use crate::domain::status::{self, Evaluation, Status};
use crate::domain::target::Target;

/// A value awaiting review, as an indicator's report shows it.
pub use crate::db::evidence::Pending;

/// One indicator evaluated as of a date.
#[derive(Debug)]
pub struct IndicatorReport {
    /// Indicator id.
    pub id: i64,
    /// Order in the project.
    pub position: i32,
    /// What is measured.
    pub metric: String,
    /// Test condition.
    pub condition: Option<String>,
    /// The target: op, value/min/max, unit, change, baseline, aggregation, weight, class.
    pub target: Target,
    /// Status, days overdue, planned to date, current verified value, progress, forecast, next due.
    pub evaluation: Evaluation,
    /// The current plan.
    pub checkpoints: Vec<Checkpoint>,
    /// The target as the baseline freeze recorded it (same fields as the target); acceptance readiness
    /// compares against it. `None` before the freeze and for an indicator added after it.
    pub frozen: Option<Target>,
    /// Added after the baseline was frozen (from the task book), so not part of the frozen baseline.
    pub added_after_baseline: bool,
    /// The latest value awaiting review measured by the date, shown beside the verified one; it
    /// does not count yet.
    pub pending: Option<Pending>,
    /// The evaluation against the frozen target (the current one when none is frozen): what acceptance
    /// judges. Reports show it; the API gives `frozen` for clients to compare.
    pub acceptance: Evaluation,
}

/// A project with what its report is made from.
#[derive(Debug)]
pub struct Loaded {
    /// The project.
    pub project: Project,
    /// Its indicators with plans and verified evidence.
    pub tracked: Vec<TrackedIndicator>,
    /// Values awaiting review, by indicator; [`report`] shows those measured by its date.
    pub pending: PendingValues,
}

/// A project with its state as of a date.
#[derive(Debug)]
pub struct ProjectReport {
    /// The project.
    pub project: Project,
    /// The date evaluated.
    pub as_of: NaiveDate,
    /// The worst indicator status.
    pub status: Option<Status>,
    /// Mean progress over the indicators, 0 to 1.
    pub completion: f64,
    /// Acceptance readiness with its band.
    pub readiness: Readiness,
    /// The indicators.
    pub indicators: Vec<IndicatorReport>,
}

/// Evaluates every indicator of a project as of a date.
pub fn report(loaded: Loaded, as_of: NaiveDate, tracking: &Tracking) -> ProjectReport {
    let Loaded { project, tracked, pending } = loaded;
    let period = Period { start: project.execution_start, end: project.execution_end };
    let frozen_baseline = project.baseline_frozen_at.is_some();
    let indicators: Vec<IndicatorReport> = tracked
        .into_iter()
        .map(|t| {
            let evaluate = |target: &Target| {
                status::evaluate(target, &t.checkpoints, &t.observations, period, as_of, tracking.warning_days)
            };
            let evaluation = evaluate(&t.target);
            // Acceptance holds the project to the targets it froze, whatever was changed since.
            let acceptance = match &t.frozen {
                Some(frozen) => evaluate(frozen),
                None => evaluation.clone(),
            };
            IndicatorReport {
                acceptance,
                added_after_baseline: frozen_baseline && t.frozen.is_none(),
                frozen: t.frozen,
                id: t.id,
                position: t.position,
                metric: t.metric,
                condition: t.condition,
                target: t.target,
                evaluation,
                checkpoints: t.checkpoints,
                pending: pending.as_of(t.id, as_of),
            }
        })
        .collect();
    let items: Vec<ReadinessItem> =
        indicators.iter().map(|i| ReadinessItem::new(i.frozen.as_ref().unwrap_or(&i.target), &i.acceptance)).collect();
    ProjectReport {
        status: readiness::project_status(indicators.iter().map(|i| i.evaluation.status)),
        completion: readiness::completion(indicators.iter().map(|i| i.evaluation.progress)),
        readiness: readiness::readiness(&items, &tracking.readiness),
        project,
        as_of,
        indicators,
    }
}

/// Loads a project the caller may see (404 otherwise, so that codes of others' projects leak
/// nothing) with its indicators and their values awaiting review.
pub fn load(conn: &mut DbConnection, caller: &User, code: &str) -> Result<Loaded, Failure> {
    let project = project::find_by_code(conn, code)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    if !project::can_view(conn, caller, &project)? {
        return Err(Failure::Refused(Refusal::NotFound));
    }
    let tracked = project::tracked_indicators(conn, project.id)?;
    let ids: Vec<i64> = tracked.iter().map(|t| t.id).collect();
    let pending = evidence::pending_by_indicator(conn, &ids)?;
    Ok(Loaded { project, tracked, pending })
}
