//! Approved projects: registration under a direction (its indicator templates become the project's
//! targets, each with a milestone plan over the execution period), who may see a project, and
//! reading a project with what the status engine needs.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::DbConnection;
use super::audit::{self, AuditEntry};
use super::by_name::ByName;
use super::schema::{
    directions, evidence, indicator_templates, indicators, institutions, milestones, project_members, project_partners,
    projects, users,
};
use super::user::User;
use crate::domain::guide::model::{Change, Indicator, Op, Period};
use crate::domain::plan::{self, Checkpoint, CheckpointKind, Profile, Schedule};
use crate::domain::project_state::ProjectState;
use crate::domain::refusal::{Failure, FieldError, Refusal};
use crate::domain::role::Role;
use crate::domain::target::{Aggregation, IndicatorClass, Observation, Target};
use crate::domain::text;

/// What staff enter to register a project.
#[derive(Debug, Clone)]
pub struct Registration {
    /// 项目编号, unique.
    pub code: String,
    /// Title.
    pub title: String,
    /// The direction it was approved under.
    pub direction_id: i64,
    /// 承担单位.
    pub lead_institution_id: i64,
    /// 合作单位 with their regions.
    pub partners: Vec<(i64, Option<i64>)>,
    /// The principal investigator (an account with the PI role).
    pub pi_user_id: i64,
    /// Project members (accounts).
    pub member_ids: Vec<i64>,
    /// The officer in charge (项目主管), an active staff or admin account.
    pub officer_user_id: Option<i64>,
    /// Awarded funding in yuan.
    pub funding_yuan: i64,
    /// The execution period; the direction's when absent.
    pub execution: Option<Period>,
    /// Registered technology-contract number.
    pub contract_number: Option<String>,
    /// Recommendation-letter reference.
    pub recommendation_ref: Option<String>,
    /// Baselines of the direction's relative indicators given at registration, checked
    /// (`registration::resolve`); the others are recorded later, before their first evidence.
    pub baselines: Vec<RecordedBaseline>,
}

/// A relative indicator's baseline as registration records it: a measurement, whole.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedBaseline {
    /// The indicator's position in the direction (and so in the project).
    pub position: i32,
    /// The measured quantity's value.
    pub value: f64,
    /// Its unit, the one evidence is then reported in.
    pub unit: String,
    /// When it was measured.
    pub on: NaiveDate,
    /// Where it comes from.
    pub source: String,
}

impl RecordedBaseline {
    /// `target` with this baseline recorded.
    pub fn recorded_in(&self, target: &Target) -> Target {
        Target {
            baseline: Some(self.value),
            baseline_unit: Some(self.unit.clone()),
            baseline_on: Some(self.on),
            baseline_source: Some(self.source.clone()),
            ..target.clone()
        }
    }
}

/// A stored project.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = projects)]
pub struct Project {
    /// Id.
    #[serde(skip)]
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
    #[schema(value_type = String)]
    pub state: ProjectState,
    /// When staff froze the baseline.
    #[serde(serialize_with = "crate::domain::timestamp::utc_option")]
    pub baseline_frozen_at: Option<NaiveDateTime>,
    /// Registered (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc")]
    pub created_at: NaiveDateTime,
    /// Last change (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc")]
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

fn field(field: &'static str, message: &'static str) -> FieldError {
    FieldError { field, message }
}

/// Registers a project after checking it against its direction; copies the direction's indicator
/// templates as targets and plans their checkpoints (mid-term and end of term). One transaction,
/// audited.
pub fn register(
    conn: &mut DbConnection,
    input: &Registration,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<i64, Failure> {
    let mut errors = Vec::new();
    let code = input.code.trim();
    if code.is_empty() || !text::is_line(code, 60) {
        errors.push(field("code", "project.code_invalid"));
    }
    let title = input.title.trim();
    if title.is_empty() || !text::is_line(title, 300) {
        errors.push(field("title", "project.title_invalid"));
    }
    for (name, value) in
        [("contract_number", &input.contract_number), ("recommendation_ref", &input.recommendation_ref)]
    {
        if value.as_deref().is_some_and(|v| !text::is_line(v, 200)) {
            errors.push(field(name, "error.text_invalid"));
        }
    }
    if input.funding_yuan < 0 {
        errors.push(field("funding_wan_yuan", "project.funding_invalid"));
    }
    crate::db::write_transaction(conn, |conn| {
        let direction: Option<(NaiveDate, NaiveDate, Option<i64>)> = directions::table
            .find(input.direction_id)
            .select((directions::execution_start, directions::execution_end, directions::funding_cap_yuan))
            .first(conn)
            .optional()?;
        let Some((direction_start, direction_end, cap)) = direction else {
            errors.push(field("direction_id", "project.direction_unknown"));
            return Err(Failure::Refused(Refusal::Validation(errors)));
        };
        if cap.is_some_and(|cap| input.funding_yuan > cap) {
            errors.push(field("funding_wan_yuan", "project.funding_over_cap"));
        }
        let period = input.execution.unwrap_or(Period { start: direction_start, end: direction_end });
        if period.end < period.start || period.start < direction_start || period.end > direction_end {
            errors.push(field("execution", "project.execution_outside"));
        }
        let pi_is_pi = users::table
            .find(input.pi_user_id)
            .select(users::role)
            .first::<String>(conn)
            .optional()?
            .is_some_and(|role| role == Role::Pi.as_str());
        if !pi_is_pi {
            errors.push(field("pi_email", "project.pi_unknown"));
        }
        if let Some(officer) = input.officer_user_id
            && !is_officer(conn, officer)?
        {
            errors.push(field("officer_email", "project.officer_unknown"));
        }
        let lead_exists = institutions::table.find(input.lead_institution_id).count().get_result::<i64>(conn)? == 1;
        if !lead_exists {
            errors.push(field("lead_institution", "project.institution_unknown"));
        }
        if !errors.is_empty() {
            return Err(Failure::Refused(Refusal::Validation(std::mem::take(&mut errors))));
        }
        if projects::table.filter(projects::code.eq(code)).count().get_result::<i64>(conn)? > 0 {
            return Err(Failure::Refused(Refusal::Conflict("project.code_taken")));
        }
        let project_id: i64 = diesel::insert_into(projects::table)
            .values((
                projects::code.eq(code),
                projects::title.eq(title),
                projects::direction_id.eq(input.direction_id),
                projects::lead_institution_id.eq(input.lead_institution_id),
                projects::pi_user_id.eq(input.pi_user_id),
                projects::officer_user_id.eq(input.officer_user_id),
                projects::funding_yuan.eq(input.funding_yuan),
                projects::execution_start.eq(period.start),
                projects::execution_end.eq(period.end),
                projects::original_end.eq(period.end),
                projects::contract_number.eq(input.contract_number.as_deref()),
                projects::recommendation_ref.eq(input.recommendation_ref.as_deref()),
                projects::created_at.eq(now),
                projects::updated_at.eq(now),
            ))
            .returning(projects::id)
            .get_result(conn)?;
        for (institution_id, region_id) in &input.partners {
            diesel::insert_into(project_partners::table)
                .values((
                    project_partners::project_id.eq(project_id),
                    project_partners::institution_id.eq(institution_id),
                    project_partners::region_id.eq(region_id),
                ))
                .execute(conn)?;
        }
        for user_id in &input.member_ids {
            diesel::insert_into(project_members::table)
                .values((
                    project_members::project_id.eq(project_id),
                    project_members::user_id.eq(user_id),
                    project_members::role.eq("member"),
                    project_members::added_at.eq(now),
                ))
                .execute(conn)?;
        }
        copy_templates(conn, project_id, input.direction_id, period, &input.baselines, now)?;
        let tracked = tracked_indicators(conn, project_id)?;
        let indicator_ids: Vec<i64> = tracked.iter().map(|t| t.id).collect();
        super::overdue::refresh(conn, project_id, &indicator_ids)?;
        // Everything registration wrote, so that the history starts from a complete picture.
        let indicators: Vec<_> = tracked
            .iter()
            .map(|t| {
                json!({ "id": t.id, "metric": t.metric, "condition": t.condition, "target": t.target,
                "checkpoints": t.checkpoints })
            })
            .collect();
        let detail = json!({ "after": { "code": code, "title": title, "direction_id": input.direction_id,
            "lead_institution_id": input.lead_institution_id, "partners": input.partners, "pi_user_id": input.pi_user_id,
            "officer_user_id": input.officer_user_id, "member_ids": input.member_ids, "funding_yuan": input.funding_yuan, "execution": [period.start, period.end],
            "contract_number": input.contract_number, "recommendation_ref": input.recommendation_ref,
            "indicators": indicators } });
        audit::record(
            conn,
            &AuditEntry {
                actor,
                action: "project.register",
                entity: "project",
                entity_id: Some(project_id),
                project_id: Some(project_id),
                detail,
                ip: None,
            },
            now,
        )?;
        Ok(project_id)
    })
}

/// Whether an account may be a project's officer in charge: active commission staff or admin.
fn is_officer(conn: &mut DbConnection, user_id: i64) -> QueryResult<bool> {
    let found: Option<(String, bool)> =
        users::table.find(user_id).select((users::role, users::active)).first(conn).optional()?;
    Ok(found.is_some_and(|(role, active)| active && (role == Role::Staff.as_str() || role == Role::Admin.as_str())))
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

/// Copies the direction's templates into the project, with the baselines given at registration, and
/// plans each.
fn copy_templates(
    conn: &mut DbConnection,
    project_id: i64,
    direction_id: i64,
    period: Period,
    baselines: &[RecordedBaseline],
    now: NaiveDateTime,
) -> Result<(), Failure> {
    type TemplateTuple = (
        i64,
        i32,
        String,
        ByName<Op>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<String>,
        Option<ByName<Change>>,
        Option<String>,
    );
    let templates: Vec<TemplateTuple> = indicator_templates::table
        .filter(indicator_templates::direction_id.eq(direction_id))
        .order(indicator_templates::position.asc())
        .select((
            indicator_templates::id,
            indicator_templates::position,
            indicator_templates::metric,
            indicator_templates::op,
            indicator_templates::value,
            indicator_templates::min_value,
            indicator_templates::max_value,
            indicator_templates::unit,
            indicator_templates::change,
            indicator_templates::condition,
        ))
        .load(conn)?;
    for (template_id, position, metric, op, value, min, max, unit, change, condition) in &templates {
        let indicator = Indicator {
            metric: metric.clone(),
            op: op.get(),
            value: *value,
            min: *min,
            max: *max,
            unit: unit.clone(),
            change: change.map(ByName::get),
            condition: condition.clone(),
            source: String::new(),
            confidence: 1.0,
        };
        let target = Target::from_indicator(&indicator);
        let target = match baselines.iter().find(|b| b.position == *position) {
            Some(baseline) => baseline.recorded_in(&target),
            None => target,
        };
        let indicator_id: i64 = diesel::insert_into(indicators::table)
            .values((
                indicators::project_id.eq(project_id),
                indicators::template_id.eq(template_id),
                indicators::position.eq(position),
                indicators::metric.eq(metric),
                indicators::op.eq(op),
                indicators::value.eq(value),
                indicators::min_value.eq(min),
                indicators::max_value.eq(max),
                indicators::unit.eq(unit),
                indicators::change.eq(change),
                indicators::condition.eq(condition),
                indicators::baseline.eq(target.baseline),
                indicators::baseline_unit.eq(&target.baseline_unit),
                indicators::baseline_on.eq(target.baseline_on),
                indicators::baseline_source.eq(&target.baseline_source),
                indicators::aggregation.eq(target.aggregation.as_str()),
                indicators::weight.eq(target.weight),
                indicators::class.eq(target.class.as_str()),
                indicators::created_at.eq(now),
                indicators::updated_at.eq(now),
            ))
            .returning(indicators::id)
            .get_result(conn)?;
        let checkpoints =
            plan::plan(period.start, period.end, &target, Schedule::MidtermAndEnd, &Profile::default_for(&target))
                .map_err(|e| {
                    Failure::Refused(Refusal::Unusable(
                        "project.plan_failed",
                        vec![("metric", metric.clone()), ("reason", e.to_string())],
                    ))
                })?;
        insert_checkpoints(conn, indicator_id, 1, &checkpoints, now)?;
    }
    Ok(())
}

/// Stores the checkpoints of one plan version of an indicator.
pub(crate) fn insert_checkpoints(
    conn: &mut DbConnection,
    indicator_id: i64,
    version: i32,
    checkpoints: &[Checkpoint],
    now: NaiveDateTime,
) -> QueryResult<()> {
    for checkpoint in checkpoints {
        diesel::insert_into(milestones::table)
            .values((
                milestones::indicator_id.eq(indicator_id),
                milestones::plan_version.eq(version),
                milestones::kind.eq(checkpoint.kind.as_str()),
                milestones::due_on.eq(checkpoint.due_on),
                milestones::planned_value.eq(checkpoint.planned),
                milestones::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
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
        .filter(evidence::status.eq("accepted"))
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
