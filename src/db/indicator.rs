//! A project's indicators as staff maintain them: editing a target, adding a project-specific
//! indicator from the task book (任务书), freezing the project's baseline, and the revision history
//! that every target change leaves behind.
//!
//! Before the freeze, targets are still being settled and a reason is optional; after it, every change
//! needs one, and acceptance compares against the frozen spec (`indicators.frozen_spec`), not the
//! current target.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::DbConnection;
use super::audit::{self, AuditEntry};
use super::milestone::insert_checkpoints;
use super::milestone::{self, PlanRequest, plan_error};
use super::project::{Project, TrackedIndicator, tracked_indicators_by_id};
use super::schema::{indicator_revisions, indicators, projects, users};
use crate::domain::plan::{self, Profile, Schedule};
use crate::domain::plan_shape;
use crate::domain::refusal::{Failure, FieldError, Refusal};
use crate::domain::target::Target;
use crate::domain::target_check;
use crate::domain::timestamp;

/// What staff enter for an indicator: its wording and its target.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorInput {
    /// What is measured.
    pub metric: String,
    /// The test condition, if any.
    pub condition: Option<String>,
    /// The target.
    pub target: Target,
}

/// One recorded change of an indicator's target.
#[derive(Debug, Clone)]
pub struct Revision {
    /// 1, 2, … per indicator.
    pub revision: i32,
    /// When (UTC).
    pub changed_at: NaiveDateTime,
    /// Who, by display name.
    pub changed_by: Option<String>,
    /// The spec before; `None` for the revision that added the indicator.
    pub before: Option<Target>,
    /// The spec after.
    pub after: Target,
    /// Why; required once the baseline is frozen.
    pub reason: Option<String>,
}

/// The indicator with its plan and evidence; 404 when there is none.
pub(crate) fn tracked(conn: &mut DbConnection, indicator_id: i64) -> Result<TrackedIndicator, Failure> {
    tracked_indicators_by_id(conn, &[indicator_id])?.into_iter().next().ok_or(Failure::Refused(Refusal::NotFound))
}

/// The project by id, refused when it is closed (accepted, failed, terminated).
pub(crate) fn find_open_project(conn: &mut DbConnection, project_id: i64) -> Result<Project, Failure> {
    let project: Project = projects::table.find(project_id).select(Project::as_select()).first(conn)?;
    if project.state.is_closed() {
        return Err(Failure::Refused(Refusal::Conflict("indicator.project_closed")));
    }
    Ok(project)
}

fn trimmed(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

fn problems(input: &IndicatorInput) -> Vec<FieldError> {
    target_check::problems(&input.metric, &input.target)
        .into_iter()
        .map(|(field, message)| FieldError { field, message })
        .collect()
}

fn spec_json(target: &Target) -> Result<String, Failure> {
    serde_json::to_string(target).map_err(|e| Failure::Internal(e.into()))
}

fn record_revision(
    conn: &mut DbConnection,
    indicator_id: i64,
    before: Option<&Target>,
    after: &Target,
    reason: Option<&str>,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    let latest: Option<i32> = indicator_revisions::table
        .filter(indicator_revisions::indicator_id.eq(indicator_id))
        .select(diesel::dsl::max(indicator_revisions::revision))
        .first(conn)?;
    let before = match before {
        Some(target) => spec_json(target)?,
        None => "null".to_owned(),
    };
    diesel::insert_into(indicator_revisions::table)
        .values((
            indicator_revisions::indicator_id.eq(indicator_id),
            indicator_revisions::revision.eq(latest.unwrap_or(0) + 1),
            indicator_revisions::changed_by.eq(actor),
            indicator_revisions::changed_at.eq(now),
            indicator_revisions::before_spec.eq(before),
            indicator_revisions::after_spec.eq(spec_json(after)?),
            indicator_revisions::reason.eq(reason),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether a change of target moves its planned values (the baseline, weight, class and aggregation
/// do not).
fn moves_plan(before: &Target, after: &Target) -> bool {
    (before.op, before.value, before.min, before.max, &before.unit, before.change)
        != (after.op, after.value, after.min, after.max, &after.unit, after.change)
}

/// Adds a project-specific indicator (from the task book) with a plan like registration gives: the
/// mid-term and end of term, with the target's default profile; checkpoints already due are left out,
/// since nobody could have planned for them. The reason (a task-book reference, say) is kept with the
/// revision that records the addition. Returns the new id.
pub fn add(
    conn: &mut DbConnection,
    project_id: i64,
    input: &IndicatorInput,
    reason: Option<&str>,
    actor: Option<i64>,
    now: NaiveDateTime,
    today: NaiveDate,
) -> Result<i64, Failure> {
    let reason = trimmed(reason);
    let errors = problems(input);
    if !errors.is_empty() {
        return Err(Failure::Refused(Refusal::Validation(errors)));
    }
    crate::db::write_transaction(conn, |conn| {
        let project = find_open_project(conn, project_id)?;
        let (start, end) = (project.execution_start, project.execution_end);
        let (target, profile) = (&input.target, Profile::default_for(&input.target));
        let checkpoints = if end >= today {
            plan::replan(&[], start, end, today, target, Schedule::MidtermAndEnd, &profile)
        } else {
            plan::plan(start, end, target, Schedule::MidtermAndEnd, &profile)
        }
        .map_err(|e| plan_error(&e))?;
        let position: Option<i32> = indicators::table
            .filter(indicators::project_id.eq(project_id))
            .select(diesel::dsl::max(indicators::position))
            .first(conn)?;
        let id: i64 = diesel::insert_into(indicators::table)
            .values((
                indicators::project_id.eq(project_id),
                indicators::position.eq(position.unwrap_or(0) + 1),
                indicators::metric.eq(input.metric.trim()),
                indicators::condition.eq(trimmed(input.condition.as_deref())),
                indicators::op.eq(target.op.as_str()),
                indicators::value.eq(target.value),
                indicators::min_value.eq(target.min),
                indicators::max_value.eq(target.max),
                indicators::unit.eq(trimmed(target.unit.as_deref())),
                indicators::change.eq(target.change.map(|c| c.as_str())),
                indicators::baseline.eq(target.baseline),
                indicators::baseline_unit.eq(trimmed(target.baseline_unit.as_deref())),
                indicators::baseline_on.eq(target.baseline_on),
                indicators::baseline_source.eq(trimmed(target.baseline_source.as_deref())),
                indicators::aggregation.eq(target.aggregation.as_str()),
                indicators::weight.eq(target.weight),
                indicators::class.eq(target.class.as_str()),
                indicators::created_at.eq(now),
                indicators::updated_at.eq(now),
            ))
            .returning(indicators::id)
            .get_result(conn)?;
        insert_checkpoints(conn, id, 1, &checkpoints, now)?;
        record_revision(conn, id, None, target, reason.as_deref(), actor, now)?;
        super::overdue::refresh(conn, project_id, &[id])?;
        audit::record(
            conn,
            &AuditEntry {
                actor,
                action: "indicator.add",
                entity: "indicator",
                entity_id: Some(id),
                project_id: Some(project_id),
                detail: json!({ "metric": input.metric.trim(), "condition": input.condition, "after": target,
                    "after_baseline_freeze": project.baseline_frozen_at.is_some(), "reason": reason,
                    "checkpoints": checkpoints }),
                ip: None,
            },
            now,
        )?;
        Ok(id)
    })
}

/// Changes an indicator's wording or target. After the baseline freeze a reason is required. A change
/// that moves the planned values re-plans the checkpoints not yet due, in the plan's own shape (a
/// hand-entered plan that no longer reaches the new target falls back to the target's default profile).
/// One transaction: the row, a revision, the new plan version, the audit row, the overdue refresh.
pub fn update(
    conn: &mut DbConnection,
    indicator_id: i64,
    input: &IndicatorInput,
    reason: Option<&str>,
    actor: Option<i64>,
    now: NaiveDateTime,
    today: NaiveDate,
) -> Result<(), Failure> {
    let reason = trimmed(reason);
    crate::db::write_transaction(conn, |conn| {
        let current = tracked(conn, indicator_id)?;
        let project = find_open_project(conn, current.project_id)?;
        let mut errors = problems(input);
        let condition = trimmed(input.condition.as_deref());
        let target = Target { unit: trimmed(input.target.unit.as_deref()), ..input.target.clone() };
        let unchanged =
            target == current.target && input.metric.trim() == current.metric && condition == current.condition;
        if errors.is_empty() && unchanged {
            // Saving an unchanged form is no change, so it needs no reason and leaves no trace.
            return Ok(());
        }
        if project.baseline_frozen_at.is_some() && reason.is_none() {
            errors.push(FieldError { field: "reason", message: "indicator.reason_required" });
        }
        if !errors.is_empty() {
            return Err(Failure::Refused(Refusal::Validation(errors)));
        }
        diesel::update(indicators::table.find(indicator_id))
            .set((
                indicators::metric.eq(input.metric.trim()),
                indicators::condition.eq(&condition),
                indicators::op.eq(target.op.as_str()),
                indicators::value.eq(target.value),
                indicators::min_value.eq(target.min),
                indicators::max_value.eq(target.max),
                indicators::unit.eq(&target.unit),
                indicators::change.eq(target.change.map(|c| c.as_str())),
                indicators::baseline.eq(target.baseline),
                indicators::baseline_unit.eq(trimmed(target.baseline_unit.as_deref())),
                indicators::baseline_on.eq(target.baseline_on),
                indicators::baseline_source.eq(trimmed(target.baseline_source.as_deref())),
                indicators::aggregation.eq(target.aggregation.as_str()),
                indicators::weight.eq(target.weight),
                indicators::class.eq(target.class.as_str()),
                indicators::updated_at.eq(now),
            ))
            .execute(conn)?;
        if target != current.target {
            record_revision(conn, indicator_id, Some(&current.target), &target, reason.as_deref(), actor, now)?;
        }
        let mut plan_version = None;
        if moves_plan(&current.target, &target) && project.execution_end >= today {
            let period = (project.execution_start, project.execution_end);
            let (schedule, profile) = match plan_shape::infer(&current.checkpoints, &current.target) {
                (schedule, Profile::Manual(entries)) => {
                    (schedule, Profile::Manual(plan_shape::open_entries(&entries, today)))
                }
                shape => shape,
            };
            let request = PlanRequest { schedule, profile, due_on: None };
            let checkpoints =
                milestone::replanned(&current.checkpoints, &target, period, today, &request).or_else(|_| {
                    let fallback = PlanRequest { profile: Profile::default_for(&target), ..request };
                    milestone::replanned(&current.checkpoints, &target, period, today, &fallback)
                })?;
            plan_version = Some(milestone::replace(conn, indicator_id, &checkpoints, now)?);
        }
        super::overdue::refresh(conn, project.id, &[indicator_id])?;
        audit::record(
            conn,
            &AuditEntry {
                actor,
                action: "indicator.update",
                entity: "indicator",
                entity_id: Some(indicator_id),
                project_id: Some(project.id),
                detail: json!({ "before": { "metric": current.metric, "condition": current.condition, "target": current.target },
                    "after": { "metric": input.metric.trim(), "condition": condition, "target": target },
                    "reason": reason, "plan_version": plan_version }),
                ip: None,
            },
            now,
        )?;
        Ok(())
    })
}

/// Freezes the project's baseline: records when, and each indicator's spec as acceptance will compare
/// against it. Refused when already frozen, and while a relative target has no usable baseline (its
/// achieved change could never be computed).
pub fn freeze_baseline(
    conn: &mut DbConnection,
    project_id: i64,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    crate::db::write_transaction(conn, |conn| {
        let project: Project = projects::table.find(project_id).select(Project::as_select()).first(conn)?;
        if project.baseline_frozen_at.is_some() {
            return Err(Failure::Refused(Refusal::Conflict("baseline.already_frozen")));
        }
        let tracked = super::project::tracked_indicators(conn, project_id)?;
        if let Some(missing) =
            tracked.iter().find(|t| t.target.change.is_some() && t.target.usable_baseline().is_none())
        {
            return Err(Failure::Refused(Refusal::ConflictWith(
                "baseline.missing",
                vec![("metric", missing.metric.clone())],
            )));
        }
        for t in &tracked {
            diesel::update(indicators::table.find(t.id))
                .set((indicators::frozen_spec.eq(spec_json(&t.target)?), indicators::updated_at.eq(now)))
                .execute(conn)?;
        }
        diesel::update(projects::table.find(project_id))
            .set((projects::baseline_frozen_at.eq(now), projects::updated_at.eq(now)))
            .execute(conn)?;
        let specs: Vec<_> = tracked.iter().map(|t| json!({ "indicator_id": t.id, "spec": t.target })).collect();
        audit::record(
            conn,
            &AuditEntry {
                actor,
                action: "project.baseline_freeze",
                entity: "project",
                entity_id: Some(project_id),
                project_id: Some(project_id),
                detail: json!({ "frozen_at": timestamp::rfc3339(&now), "indicators": specs }),
                ip: None,
            },
            now,
        )?;
        Ok(())
    })
}

fn spec<T: serde::de::DeserializeOwned>(text: &str) -> QueryResult<T> {
    serde_json::from_str(text).map_err(|e| diesel::result::Error::DeserializationError(e.into()))
}

/// An indicator's revisions, oldest first.
pub fn list_revisions(conn: &mut DbConnection, indicator_id: i64) -> QueryResult<Vec<Revision>> {
    type Row = (i32, NaiveDateTime, Option<String>, String, String, Option<String>);
    let rows: Vec<Row> = indicator_revisions::table
        .left_join(users::table)
        .filter(indicator_revisions::indicator_id.eq(indicator_id))
        .order(indicator_revisions::revision.asc())
        .select((
            indicator_revisions::revision,
            indicator_revisions::changed_at,
            users::name.nullable(),
            indicator_revisions::before_spec,
            indicator_revisions::after_spec,
            indicator_revisions::reason,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(revision, changed_at, changed_by, before, after, reason)| {
            Ok(Revision { revision, changed_at, changed_by, before: spec(&before)?, after: spec(&after)?, reason })
        })
        .collect()
}

/// What each of a project's indicators measures, by id (withdrawn ones included, since history names them).
pub fn metrics(conn: &mut DbConnection, project_id: i64) -> QueryResult<std::collections::HashMap<i64, String>> {
    Ok(indicators::table
        .filter(indicators::project_id.eq(project_id))
        .select((indicators::id, indicators::metric))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}
