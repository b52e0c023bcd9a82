//! The portfolio's overdue list on a date, as the API and the dashboard show it: the page of
//! indicators from the index of unmet checkpoints, each evaluated in full by the status engine.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::projects;
use crate::db::{DbConnection, overdue, project};
use crate::domain::guide::model::Period;
use crate::domain::status::{self, Status};
use crate::error::AppError;

/// One overdue indicator.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OverdueItem {
    /// 项目编号.
    pub project_code: String,
    /// Project title.
    pub project_title: String,
    /// The indicator's metric.
    pub indicator: String,
    /// Its comparison.
    pub op: String,
    /// Its target value (`null` for ranges and deliverables; see `target_min`/`target_max`).
    pub target: Option<f64>,
    /// A range's lower end.
    pub target_min: Option<f64>,
    /// A range's upper end.
    pub target_max: Option<f64>,
    /// Unit.
    pub unit: Option<String>,
    /// The earliest checkpoint that passed unmet.
    pub milestone_due: NaiveDate,
    /// That checkpoint's planned value.
    pub planned: Option<f64>,
    /// The verified value as of the date.
    pub verified: Option<f64>,
    /// `overdue`, or `missed` once the execution period has ended.
    #[schema(value_type = String)]
    pub status: Status,
    /// Days since `milestone_due`.
    pub days_overdue: i64,
}

/// A page of the overdue list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OverduePage {
    /// How many indicators are overdue on the date in all.
    pub total: i64,
    /// This page, most days overdue first.
    pub items: Vec<OverdueItem>,
}

/// One page of the list, most days overdue first.
pub fn overdue_page(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<OverduePage, AppError> {
    let (total, rows) = overdue::list(conn, as_of, limit, offset)?;
    let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    let tracked: HashMap<i64, _> =
        project::tracked_indicators_by_id(conn, &ids)?.into_iter().map(|t| (t.id, t)).collect();
    let project_ids: Vec<i64> = tracked.values().map(|t| t.project_id).collect();
    let projects: HashMap<i64, (String, String, NaiveDate, NaiveDate)> = projects::table
        .filter(projects::id.eq_any(&project_ids))
        .select((projects::id, (projects::code, projects::title, projects::execution_start, projects::execution_end)))
        .load::<(i64, (String, String, NaiveDate, NaiveDate))>(conn)?
        .into_iter()
        .collect();
    let items = rows
        .into_iter()
        .filter_map(|(id, since)| {
            let t = tracked.get(&id)?;
            let (code, title, start, end) = projects.get(&t.project_id)?;
            let period = Period { start: *start, end: *end };
            let evaluation = status::evaluate(&t.target, &t.checkpoints, &t.observations, period, as_of, 0);
            Some(OverdueItem {
                project_code: code.clone(),
                project_title: title.clone(),
                indicator: t.metric.clone(),
                op: t.target.op.as_str().to_owned(),
                target: t.target.value,
                target_min: t.target.min,
                target_max: t.target.max,
                unit: t.target.unit.clone(),
                milestone_due: since,
                planned: t.checkpoints.iter().find(|c| c.due_on == since).and_then(|c| c.planned),
                verified: evaluation.current,
                status: evaluation.status,
                days_overdue: (as_of - since).num_days(),
            })
        })
        .collect();
    Ok(OverduePage { total, items })
}
