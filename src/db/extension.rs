//! Extensions (延期) of a project's execution period: the end moves, the original end stays on
//! record, and every indicator's open checkpoints are re-planned over the longer period while those
//! already due, and the frozen baseline acceptance compares against, stay as they were.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::DbConnection;
use super::audit::{self, AuditEntry};
use super::by_name::ByName;
use super::indicator::find_open_project;
use super::milestone::{self, PlanRequest};
use super::project::tracked_indicators;
use super::schema::projects;
use crate::domain::guide::model::Op;
use crate::domain::plan::{Profile, Schedule};
use crate::domain::plan_shape;
use crate::domain::project_state::ProjectState;
use crate::domain::refusal::{Failure, FieldError, Refusal};

/// Extends a project to `new_end` on `today`. Refused for a closed project, a new end not after the
/// current one or already past, or without a reason. One transaction with the re-plans, the audit row
/// and the overdue refresh.
pub fn extend(
    conn: &mut DbConnection,
    project_id: i64,
    new_end: NaiveDate,
    reason: &str,
    actor: Option<i64>,
    now: NaiveDateTime,
    today: NaiveDate,
) -> Result<(), Failure> {
    crate::db::write_transaction(conn, |conn| {
        let project = find_open_project(conn, project_id)?;
        let mut errors = Vec::new();
        if reason.trim().is_empty() {
            errors.push(FieldError { field: "reason", message: "extension.reason_required" });
        }
        if new_end <= project.execution_end {
            errors.push(FieldError { field: "new_end", message: "extension.not_later" });
        } else if new_end < today {
            errors.push(FieldError { field: "new_end", message: "plan.replan_end_passed" });
        }
        if !errors.is_empty() {
            return Err(Failure::Refused(Refusal::Validation(errors)));
        }
        let old_end = project.execution_end;
        let period = (project.execution_start, new_end);
        let mut replanned = Vec::new();
        let indicators = tracked_indicators(conn, project_id)?;
        for indicator in &indicators {
            let due_dates: Vec<NaiveDate> = indicator.checkpoints.iter().map(|c| c.due_on).collect();
            // A deliverable due before the end keeps its date: the extension gives more time to finish
            // the project, not to everything in it.
            if indicator.target.op == Op::Deliverable && due_dates.iter().all(|d| *d != old_end) {
                continue;
            }
            let (schedule, profile) = plan_shape::infer(&indicator.checkpoints, &indicator.target);
            let request = match profile {
                Profile::Manual(entries) => PlanRequest {
                    schedule,
                    profile: Profile::Manual(plan_shape::open_entries(
                        &plan_shape::stretch_manual(&entries, old_end, new_end),
                        today,
                    )),
                    due_on: None,
                },
                profile => PlanRequest { schedule, profile, due_on: None },
            };
            let checkpoints = milestone::replanned(&indicator.checkpoints, &indicator.target, period, today, &request)
                .or_else(|_| {
                    let fallback = PlanRequest {
                        schedule: Schedule::MidtermAndEnd,
                        profile: Profile::default_for(&indicator.target),
                        due_on: None,
                    };
                    milestone::replanned(&indicator.checkpoints, &indicator.target, period, today, &fallback)
                })?;
            let version = milestone::replace(conn, indicator.id, &checkpoints, now)?;
            replanned.push(json!({ "indicator_id": indicator.id, "version": version, "checkpoints": checkpoints }));
        }
        diesel::update(projects::table.find(project_id))
            .set((
                projects::execution_end.eq(new_end),
                projects::state.eq(ByName(ProjectState::Extended)),
                projects::updated_at.eq(now),
            ))
            .execute(conn)?;
        let ids: Vec<i64> = indicators.iter().map(|i| i.id).collect();
        super::overdue::refresh(conn, project_id, &ids)?;
        audit::record(
            conn,
            &AuditEntry {
                actor,
                action: "project.extend",
                entity: "project",
                entity_id: Some(project_id),
                project_id: Some(project_id),
                detail: json!({ "before": { "execution_end": old_end, "state": project.state },
                    "after": { "execution_end": new_end, "state": "extended" },
                    "original_end": project.original_end, "reason": reason.trim(), "replanned": replanned }),
                ip: None,
            },
            now,
        )?;
        Ok(())
    })
}
