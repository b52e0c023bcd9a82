//! Approved projects as stored: who may see a project, its officer in charge, and reading a project
//! with what the status engine needs. Registering one is `project_registration`'s.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::DbConnection;
use super::audit::{self, AuditEntry};
use super::by_name::ByName;
use super::schema::{evidence, indicators, milestones, project_members, projects, users};
use super::user::User;
use crate::domain::evidence_status::EvidenceStatus;
use crate::domain::guide::model::{Change, Op};
use crate::domain::plan::{Checkpoint, CheckpointKind};
use crate::domain::project_state::ProjectState;
use crate::domain::refusal::{Failure, Refusal};
use crate::domain::role::Role;
use crate::domain::target::{Aggregation, IndicatorClass, Observation, Target};

/// A stored project.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = projects)]
pub struct Project {
    /// Id.
    pub id: i64,
    /// 项目编号.
    pub code: String,
    /// Title.
    pub title: String,
    /// Direction.
    pub direction_id: i64,
    /// Lead institution.
    pub lead_institution_id: i64,
    /// PI.
    pub pi_user_id: i64,
    /// Commission officer in charge.
    pub officer_user_id: Option<i64>,
    /// Awarded funding in yuan.
    pub funding_yuan: i64,
    /// Execution start.
    pub execution_start: NaiveDate,
    /// Execution end (after any extension).
    pub execution_end: NaiveDate,
    /// The end before any extension; acceptance compares against the original plan.
    pub original_end: NaiveDate,
    /// Technology-contract number.
    pub contract_number: Option<String>,
    /// Recommendation-letter reference.
    pub recommendation_ref: Option<String>,
    /// active, mid_term, in_acceptance, accepted, accepted_rectified, failed, terminated, extended.
    #[diesel(deserialize_as = ByName<ProjectState>)]
    pub state: ProjectState,
    /// When staff froze the baseline.
    pub baseline_frozen_at: Option<NaiveDateTime>,
    /// Registered (UTC).
    pub created_at: NaiveDateTime,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
}

/// A project indicator with its plan and verified evidence: what the status engine evaluates.
#[derive(Debug, Clone)]
pub struct TrackedIndicator {
    /// Id.
    pub id: i64,
    /// Its project.
    pub project_id: i64,
    /// Order in the project.
    pub position: i32,
    /// What is measured.
    pub metric: String,
    /// The test condition, if any.
    pub condition: Option<String>,
    /// The target.
    pub target: Target,
    /// The target as the baseline freeze recorded it, which acceptance compares against; `None` before
    /// the freeze, and for an indicator added after it.
    pub frozen: Option<Target>,
    /// The current plan's checkpoints.
    pub checkpoints: Vec<Checkpoint>,
    /// Verified (accepted) evidence.
    pub observations: Vec<Observation>,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = indicators)]
struct IndicatorRow {
    id: i64,
    project_id: i64,
    position: i32,
    metric: String,
    op: ByName<Op>,
    value: Option<f64>,
    min_value: Option<f64>,
    max_value: Option<f64>,
    unit: Option<String>,
    change: Option<ByName<Change>>,
    condition: Option<String>,
    baseline: Option<f64>,
    baseline_unit: Option<String>,
    baseline_on: Option<NaiveDate>,
    baseline_source: Option<String>,
    aggregation: ByName<Aggregation>,
    weight: f64,
    class: ByName<IndicatorClass>,
    frozen_spec: Option<String>,
}

impl IndicatorRow {
    fn target(&self) -> Target {
        Target {
            op: self.op.get(),
            value: self.value,
            min: self.min_value,
            max: self.max_value,
            unit: self.unit.clone(),
            change: self.change.map(ByName::get),
            baseline: self.baseline,
            baseline_unit: self.baseline_unit.clone(),
            baseline_on: self.baseline_on,
            baseline_source: self.baseline_source.clone(),
            aggregation: self.aggregation.get(),
            weight: self.weight,
            class: self.class.get(),
        }
    }
}

/// The targets of some indicators, by indicator id: how their values are read (unit, baseline).
pub fn targets_by_id(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Target>> {
    let rows: Vec<IndicatorRow> =
        indicators::table.filter(indicators::id.eq_any(ids)).select(IndicatorRow::as_select()).load(conn)?;
    Ok(rows.into_iter().map(|row| (row.id, row.target())).collect())
}

/// Whether an account may be a project's officer in charge: active commission staff or admin.
pub(super) fn is_officer(conn: &mut DbConnection, user_id: i64) -> QueryResult<bool> {
    let found: Option<(ByName<Role>, bool)> =
        users::table.find(user_id).select((users::role, users::active)).first(conn).optional()?;
    Ok(found.is_some_and(|(role, active)| active && matches!(role.get(), Role::Staff | Role::Admin)))
}

/// Assigns the officer in charge of a project by login e-mail, or none when `email` is empty,
/// audited with the officer before and after; the account must be active commission staff or an
/// admin. Returns whether anything changed. The page and the API both come here.
pub fn set_officer(
    conn: &mut DbConnection,
    project_id: i64,
    email: Option<&str>,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<bool, Failure> {
    crate::db::write_transaction(conn, |conn| {
        let officer = match email.map(str::trim).filter(|e| !e.is_empty()) {
            Some(email) => Some(super::user::find_by_email(conn, email)?.map_or(0, |u| u.id)),
            None => None,
        };
        if let Some(officer) = officer
            && !is_officer(conn, officer)?
        {
            return Err(Refusal::field("officer_email", "project.officer_unknown").into());
        }
        let before: Option<i64> = projects::table
            .find(project_id)
            .select(projects::officer_user_id)
            .first(conn)
            .optional()?
            .ok_or(Failure::Refused(Refusal::NotFound))?;
        if before == officer {
            return Ok(false);
        }
        diesel::update(projects::table.find(project_id))
            .set((projects::officer_user_id.eq(officer), projects::updated_at.eq(now)))
            .execute(conn)?;
        audit::record(
            conn,
            &AuditEntry {
                actor,
                action: "project.officer",
                entity: "project",
                entity_id: Some(project_id),
                project_id: Some(project_id),
                detail: json!({ "before": { "officer_user_id": before }, "after": { "officer_user_id": officer } }),
                ip: None,
            },
            now,
        )?;
        Ok(true)
    })
}

/// The project with this code.
pub fn find_by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Project>> {
    projects::table.filter(projects::code.eq(code)).select(Project::as_select()).first(conn).optional()
}

/// The project with this id.
pub fn find_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Project>> {
    projects::table.find(id).select(Project::as_select()).first(conn).optional()
}

/// Whether a user may see a project: commission staff see all, a PI and members their own, an
/// expert what is assigned to them.
pub fn can_view(conn: &mut DbConnection, user: &User, project: &Project) -> QueryResult<bool> {
    if user.role.sees_portfolio() || project.pi_user_id == user.id {
        return Ok(true);
    }
    let member = project_members::table
        .filter(project_members::project_id.eq(project.id))
        .filter(project_members::user_id.eq(user.id))
        .count()
        .get_result::<i64>(conn)?;
    Ok(member > 0)
}

/// Projects a user may see, by code.
pub fn list_visible(conn: &mut DbConnection, user: &User) -> QueryResult<Vec<Project>> {
    let query = projects::table.order(projects::code.asc()).select(Project::as_select());
    if user.role.sees_portfolio() {
        return query.load(conn);
    }
    let member_of =
        project_members::table.filter(project_members::user_id.eq(user.id)).select(project_members::project_id);
    query.filter(projects::pi_user_id.eq(user.id).or(projects::id.eq_any(member_of))).load(conn)
}

/// A page of the projects a user may see whose code or title holds `text` (all of them when it is
/// empty), by code, and how many match in all.
pub fn search_visible(
    conn: &mut DbConnection,
    user: &User,
    text: &str,
    (offset, limit): (i64, i64),
) -> QueryResult<(Vec<Project>, i64)> {
    use super::search::{containing, lower};
    let pattern = containing(text.trim());
    let sees_all = user.role.sees_portfolio();
    let user_id = user.id;
    let matching = || -> projects::BoxedQuery<'_, <DbConnection as Connection>::Backend> {
        let query = projects::table
            .filter(
                lower(projects::code)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(projects::title).like(pattern.clone()).escape('\\')),
            )
            .into_boxed();
        if sees_all {
            return query;
        }
        let member_of =
            project_members::table.filter(project_members::user_id.eq(user_id)).select(project_members::project_id);
        query.filter(projects::pi_user_id.eq(user_id).or(projects::id.eq_any(member_of)))
    };
    let total = matching().count().get_result(conn)?;
    let page =
        matching().order(projects::code.asc()).offset(offset).limit(limit).select(Project::as_select()).load(conn)?;
    Ok((page, total))
}

/// A project's indicators with their current plans and verified evidence.
pub fn tracked_indicators(conn: &mut DbConnection, project_id: i64) -> QueryResult<Vec<TrackedIndicator>> {
    let rows: Vec<IndicatorRow> = indicators::table
        .filter(indicators::project_id.eq(project_id))
        .order(indicators::position.asc())
        .select(IndicatorRow::as_select())
        .load(conn)?;
    with_plans_and_evidence(conn, rows)
}

/// Indicators by id (any projects), with their plans and verified evidence, in id order.
pub fn tracked_indicators_by_id(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<TrackedIndicator>> {
    let rows: Vec<IndicatorRow> = indicators::table
        .filter(indicators::id.eq_any(ids))
        .order(indicators::id.asc())
        .select(IndicatorRow::as_select())
        .load(conn)?;
    with_plans_and_evidence(conn, rows)
}

fn with_plans_and_evidence(conn: &mut DbConnection, rows: Vec<IndicatorRow>) -> QueryResult<Vec<TrackedIndicator>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut checkpoints: HashMap<i64, Vec<Checkpoint>> = HashMap::new();
    for (indicator_id, kind, due_on, planned) in milestones::table
        .filter(milestones::indicator_id.eq_any(&ids))
        .filter(milestones::superseded_at.is_null())
        .order(milestones::due_on.asc())
        .select((milestones::indicator_id, milestones::kind, milestones::due_on, milestones::planned_value))
        .load::<(i64, ByName<CheckpointKind>, NaiveDate, Option<f64>)>(conn)?
    {
        checkpoints.entry(indicator_id).or_default().push(Checkpoint { due_on, planned, kind: kind.get() });
    }
    let mut observations: HashMap<i64, Vec<Observation>> = HashMap::new();
    for (indicator_id, measured_on, value, value_max, done) in evidence::table
        .filter(evidence::indicator_id.eq_any(&ids))
        .filter(evidence::status.eq(ByName(EvidenceStatus::Accepted)))
        .order(evidence::measured_on.asc())
        .select((evidence::indicator_id, evidence::measured_on, evidence::value, evidence::value_max, evidence::done))
        .load::<(i64, NaiveDate, Option<f64>, Option<f64>, bool)>(conn)?
    {
        observations.entry(indicator_id).or_default().push(Observation { measured_on, value, value_max, done });
    }
    Ok(rows
        .into_iter()
        .map(|row| TrackedIndicator {
            target: row.target(),
            frozen: row.frozen_spec.as_deref().and_then(|spec| serde_json::from_str(spec).ok()),
            checkpoints: checkpoints.remove(&row.id).unwrap_or_default(),
            observations: observations.remove(&row.id).unwrap_or_default(),
            id: row.id,
            project_id: row.project_id,
            position: row.position,
            metric: row.metric,
            condition: row.condition,
        })
        .collect())
}

/// Code, title and execution period of each of these projects, by id.
pub fn titles_and_periods(
    conn: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<HashMap<i64, (String, String, NaiveDate, NaiveDate)>> {
    Ok(projects::table
        .filter(projects::id.eq_any(ids))
        .select((projects::id, (projects::code, projects::title, projects::execution_start, projects::execution_end)))
        .load::<(i64, (String, String, NaiveDate, NaiveDate))>(conn)?
        .into_iter()
        .collect())
}
