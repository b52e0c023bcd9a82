//! `GET /api/v1/overdue`: every indicator of the portfolio that is overdue (or missed) on a date,
//! most days overdue first, paginated.

use std::collections::HashMap;

use actix_web::web::{self, Json};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::projects;
use crate::db::{overdue, project};
use crate::domain::guide::model::Period;
use crate::domain::role::Role;
use crate::domain::status::{self, Status};
use crate::error::AppError;
use crate::web::identity::{ApiUser, RoleCheck};
use crate::web::state::AppState;

/// Who watches the portfolio.
const STAFF: &[Role] = &[Role::Admin, Role::Staff];
/// The most rows one request returns.
pub const MAX_LIMIT: i64 = 500;

/// `?as_of=YYYY-MM-DD&limit=N&offset=M`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OverdueQuery {
    /// The date to evaluate at; today (configured time zone) when absent.
    pub as_of: Option<NaiveDate>,
    /// Rows to return, 1 to 500 (default 50).
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    pub offset: Option<i64>,
}

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

/// The overdue indicators of the whole portfolio on a date. Answered from an index of the spans of
/// dates in which each checkpoint is unmet (kept by the status engine), not by evaluating the
/// portfolio on each request; the rows on the page are then evaluated in full.
#[utoipa::path(get, path = "/api/v1/overdue", tag = "portfolio", params(OverdueQuery),
    responses((status = 200, body = OverduePage), (status = 400, body = crate::web::error_page::ErrorBody),
        (status = 401, body = crate::web::error_page::ErrorBody), (status = 403, body = crate::web::error_page::ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    user: ApiUser,
    query: web::Query<OverdueQuery>,
) -> Result<Json<OverduePage>, AppError> {
    user.require(STAFF)?;
    let as_of = query.as_of.unwrap_or_else(|| state.today());
    let limit = query.limit.unwrap_or(50);
    let offset = query.offset.unwrap_or(0);
    if !(1..=MAX_LIMIT).contains(&limit) || offset < 0 {
        return Err(AppError::BadRequest("error.bad_query"));
    }
    let page = state
        .db(move |conn| {
            let (total, rows) = overdue::list(conn, as_of, limit, offset)?;
            let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
            let tracked: HashMap<i64, _> =
                project::tracked_indicators_by_id(conn, &ids)?.into_iter().map(|t| (t.id, t)).collect();
            let project_ids: Vec<i64> = tracked.values().map(|t| t.project_id).collect();
            let projects: HashMap<i64, (String, String, NaiveDate, NaiveDate)> = projects::table
                .filter(projects::id.eq_any(&project_ids))
                .select((
                    projects::id,
                    (projects::code, projects::title, projects::execution_start, projects::execution_end),
                ))
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
        })
        .await?;
    Ok(Json(page))
}
