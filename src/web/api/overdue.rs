//! `GET /api/v1/overdue`: every indicator of the portfolio that is overdue (or missed) on a date,
//! most days overdue first, paginated.

use actix_web::web::{self, Json};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::role::Role;
use crate::error::AppError;
use crate::web::identity::{ApiUser, RoleCheck};
use crate::web::overdue_list::{OverduePage, overdue_page};
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
    let page = state.db(move |conn| overdue_page(conn, as_of, limit, offset)).await?;
    Ok(Json(page))
}
