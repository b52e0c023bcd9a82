//! Milestone plans of indicators: storing a new plan version (the current rows are superseded, never
//! deleted, so the history stays), reading that history, and re-planning an indicator at staff's
//! request with the checkpoints already due kept as they were.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::DbConnection;
use super::audit::{self, AuditEntry};
use super::by_name::ByName;
use super::indicator::{find_open_project, tracked};
use super::schema::milestones;
use crate::domain::guide::model::Op;
use crate::domain::plan::{self, Checkpoint, CheckpointKind, PlanError, Profile, Schedule};
use crate::domain::refusal::{Failure, FieldError, Refusal};
use crate::domain::target::Target;

/// One version of an indicator's plan.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlanVersion {
    /// 1 for the plan made at registration, one more for each re-plan.
    pub version: i32,
    /// When it was made (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc")]
    pub created_at: NaiveDateTime,
    /// When a later version replaced it (UTC); `None` for the current plan.
    #[serde(serialize_with = "crate::domain::timestamp::utc_option")]
    pub superseded_at: Option<NaiveDateTime>,
    /// Its checkpoints, in date order.
    pub checkpoints: Vec<Checkpoint>,
}

/// What staff ask for when re-planning an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRequest {
    /// When checkpoints fall (ignored by a manual profile and by deliverables).
    pub schedule: Schedule,
    /// How planned values are set.
    pub profile: Profile,
    /// A deliverable's due date; the end of term when absent. Only deliverables take one.
    pub due_on: Option<NaiveDate>,
}

/// Supersedes the indicator's current checkpoints and stores `checkpoints` as the next plan version;
/// returns that version.
pub fn replace(
    conn: &mut DbConnection,
    indicator_id: i64,
    checkpoints: &[Checkpoint],
    now: NaiveDateTime,
) -> QueryResult<i32> {
    let latest: Option<i32> = milestones::table
        .filter(milestones::indicator_id.eq(indicator_id))
        .select(diesel::dsl::max(milestones::plan_version))
        .first(conn)?;
    diesel::update(
        milestones::table.filter(milestones::indicator_id.eq(indicator_id)).filter(milestones::superseded_at.is_null()),
    )
    .set(milestones::superseded_at.eq(now))
    .execute(conn)?;
    let version = latest.unwrap_or(0) + 1;
    insert_checkpoints(conn, indicator_id, version, checkpoints, now)?;
    Ok(version)
}

/// Every plan version of an indicator, newest first.
pub fn history(conn: &mut DbConnection, indicator_id: i64) -> QueryResult<Vec<PlanVersion>> {
    type Row = (i32, NaiveDateTime, Option<NaiveDateTime>, ByName<CheckpointKind>, NaiveDate, Option<f64>);
    let rows: Vec<Row> = milestones::table
        .filter(milestones::indicator_id.eq(indicator_id))
        .order((milestones::plan_version.desc(), milestones::due_on.asc()))
        .select((
            milestones::plan_version,
            milestones::created_at,
            milestones::superseded_at,
            milestones::kind,
            milestones::due_on,
            milestones::planned_value,
        ))
        .load(conn)?;
    let mut versions: Vec<PlanVersion> = Vec::new();
    for (version, created_at, superseded_at, kind, due_on, planned) in rows {
        let checkpoint = Checkpoint { due_on, planned, kind: kind.get() };
        match versions.last_mut() {
            Some(last) if last.version == version => last.checkpoints.push(checkpoint),
            _ => versions.push(PlanVersion { version, created_at, superseded_at, checkpoints: vec![checkpoint] }),
        }
    }
    Ok(versions)
}

/// The form or JSON field a planning problem belongs to, and its message.
pub(crate) fn plan_error(error: &PlanError) -> Failure {
    let field = match error {
        PlanError::DueDateOutsidePeriod { .. } => "due_on",
        PlanError::PeriodInvalid { .. } | PlanError::PeriodTooLong { .. } | PlanError::ReplanEndPassed { .. } => {
            "new_end"
        }
        PlanError::TargetInvalid => "value",
        PlanError::ManualEmpty
        | PlanError::ManualDateOutsidePeriod { .. }
        | PlanError::ManualDatesNotAscending { .. }
        | PlanError::ManualValueNotFinite { .. }
        | PlanError::ManualShortOfTarget { .. }
        | PlanError::ManualNotApplicable => "checkpoints",
    };
    Failure::Refused(Refusal::Validation(vec![FieldError { field, message: error.message_key() }]))
}

/// The checkpoints an indicator gets when re-planned on `today` over `start..=end`: a deliverable's
/// single due date, or for a quantitative target the checkpoints already due kept and the rest planned
/// afresh (see [`plan::replan`]).
pub(crate) fn replanned(
    current: &[Checkpoint],
    target: &Target,
    (start, end): (NaiveDate, NaiveDate),
    today: NaiveDate,
    request: &PlanRequest,
) -> Result<Vec<Checkpoint>, Failure> {
    if target.op == Op::Deliverable {
        if matches!(request.profile, Profile::Manual(_)) {
            return Err(plan_error(&PlanError::ManualNotApplicable));
        }
        return plan::plan_deliverable(start, end, request.due_on).map_err(|e| plan_error(&e));
    }
    if request.due_on.is_some() {
        return Err(Refusal::field("due_on", "plan.due_on_deliverable_only").into());
    }
    if let Profile::Manual(entries) = &request.profile
        && entries.iter().any(|(date, _)| *date < today)
    {
        // Checkpoints already due keep what was planned for them; a new value for one would rewrite history.
        return Err(Refusal::field("checkpoints", "plan.manual_date_passed").into());
    }
    plan::replan(current, start, end, today, target, request.schedule, &request.profile).map_err(|e| plan_error(&e))
}

/// Re-plans one indicator as staff ask, on `today`; one transaction with its audit row and the
/// overdue refresh. Returns the new plan version.
pub fn replan(
    conn: &mut DbConnection,
    indicator_id: i64,
    request: &PlanRequest,
    actor: Option<i64>,
    now: NaiveDateTime,
    today: NaiveDate,
) -> Result<i32, Failure> {
    crate::db::write_transaction(conn, |conn| {
        let indicator = tracked(conn, indicator_id)?;
        let project = find_open_project(conn, indicator.project_id)?;
        if project.execution_end < today {
            return Err(Failure::Refused(Refusal::Conflict("plan.period_over")));
        }
        let checkpoints = replanned(
            &indicator.checkpoints,
            &indicator.target,
            (project.execution_start, project.execution_end),
            today,
            request,
        )?;
        let version = replace(conn, indicator_id, &checkpoints, now)?;
        super::overdue::refresh(conn, project.id, &[indicator_id])?;
        audit::record(
            conn,
            &AuditEntry {
                actor,
                action: "indicator.replan",
                entity: "indicator",
                entity_id: Some(indicator_id),
                project_id: Some(project.id),
                detail: json!({ "version": version, "before": indicator.checkpoints, "after": checkpoints }),
                ip: None,
            },
            now,
        )?;
        Ok(version)
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::tests::{d, target};

    fn fields(result: Result<Vec<Checkpoint>, Failure>) -> Vec<(&'static str, &'static str)> {
        match result {
            Err(Failure::Refused(Refusal::Validation(errors))) => {
                errors.into_iter().map(|e| (e.field, e.message)).collect()
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn requests_that_do_not_fit_the_target_are_named_at_their_field() {
        let period = (d(2025, 1, 1), d(2026, 12, 31));
        let today = d(2026, 1, 15);
        let lines = target(Op::Ge, Some(10.0), Some("条"));
        let deliverable = target(Op::Deliverable, None, None);
        let request = |profile: Profile, due_on: Option<NaiveDate>| PlanRequest {
            schedule: Schedule::MidtermAndEnd,
            profile,
            due_on,
        };
        let table: Vec<(&Target, PlanRequest, (&str, &str))> = vec![
            (&lines, request(Profile::Linear, Some(d(2026, 6, 30))), ("due_on", "plan.due_on_deliverable_only")),
            (
                &lines,
                request(Profile::Manual(vec![(d(2025, 12, 1), 5.0), (d(2026, 12, 31), 10.0)]), None),
                ("checkpoints", "plan.manual_date_passed"),
            ),
            (
                &lines,
                request(Profile::Manual(vec![(d(2026, 12, 31), f64::NAN)]), None),
                ("checkpoints", "plan.manual_value_not_finite"),
            ),
            (
                &deliverable,
                request(Profile::Manual(vec![(d(2026, 6, 30), 1.0)]), None),
                ("checkpoints", "plan.manual_not_applicable"),
            ),
            (
                &deliverable,
                request(Profile::FullTarget, Some(d(2027, 1, 1))),
                ("due_on", "plan.due_date_outside_period"),
            ),
        ];
        for (target, request, expected) in table {
            assert_eq!(fields(replanned(&[], target, period, today, &request)), [expected], "{request:?}");
        }
        let due = replanned(&[], &deliverable, period, today, &request(Profile::FullTarget, Some(d(2026, 6, 30))));
        assert_eq!(
            due.unwrap(),
            [Checkpoint { due_on: d(2026, 6, 30), planned: None, kind: CheckpointKind::Deliverable }]
        );
    }
}
