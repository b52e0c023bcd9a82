//! Logging progress: who may report on an indicator, and what reporting on it asks for.

use crate::db::DbConnection;
use crate::db::evidence;
use crate::db::project::{self, Project, TrackedIndicator};
use crate::db::user::User;
use crate::domain::proof::{self, ProofKind};
use crate::domain::refusal::{Failure, Refusal};

/// An indicator a user may report on, with its project and the proof it asks for.
#[derive(Debug, Clone)]
pub struct Reportable {
    /// The project.
    pub project: Project,
    /// The indicator.
    pub indicator: TrackedIndicator,
    /// The kinds of proof it asks for.
    pub proof: Vec<ProofKind>,
}

/// Loads an indicator for reporting: 404 when the user may not see its project, 403 when they
/// may see but not report (staff, experts), 409 when the project is closed.
pub fn reportable(conn: &mut DbConnection, user: &User, indicator_id: i64) -> Result<Reportable, Failure> {
    let indicator = project::tracked_indicators_by_id(conn, &[indicator_id])?
        .into_iter()
        .next()
        .ok_or(Failure::Refused(Refusal::NotFound))?;
    let project = project::find_by_id(conn, indicator.project_id)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    if !project::can_view(conn, user, &project)? {
        return Err(Failure::Refused(Refusal::NotFound));
    }
    if !evidence::can_contribute(conn, user, &project)? {
        return Err(Failure::Refused(Refusal::Forbidden));
    }
    if project.state.is_closed() {
        return Err(Failure::Refused(Refusal::Conflict("indicator.project_closed")));
    }
    let stored = evidence::proof_lists(conn, &[indicator_id])?;
    let proof =
        proof::required(stored.get(&indicator_id).map_or("", String::as_str), &indicator.metric, &indicator.target);
    Ok(Reportable { project, indicator, proof })
}

/// Every indicator of a project a user may report on, for the annual progress report.
pub fn reportable_project(conn: &mut DbConnection, user: &User, code: &str) -> Result<Vec<Reportable>, Failure> {
    let project = project::find_by_code(conn, code)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    if !project::can_view(conn, user, &project)? {
        return Err(Failure::Refused(Refusal::NotFound));
    }
    if !evidence::can_contribute(conn, user, &project)? {
        return Err(Failure::Refused(Refusal::Forbidden));
    }
    if project.state.is_closed() {
        return Err(Failure::Refused(Refusal::Conflict("indicator.project_closed")));
    }
    let indicators = project::tracked_indicators(conn, project.id)?;
    let ids: Vec<i64> = indicators.iter().map(|i| i.id).collect();
    let stored = evidence::proof_lists(conn, &ids)?;
    Ok(indicators
        .into_iter()
        .map(|indicator| Reportable {
            proof: proof::required(
                stored.get(&indicator.id).map_or("", String::as_str),
                &indicator.metric,
                &indicator.target,
            ),
            project: project.clone(),
            indicator,
        })
        .collect())
}
