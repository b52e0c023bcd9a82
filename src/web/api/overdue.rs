//! `GET /api/v1/overdue`: the indicators of the portfolio that are overdue or missed (or, asked for,
//! at risk) on a date, most days overdue first, filtered and paginated.

use std::sync::Arc;

use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, web};

use super::views::overdue::OverduePage;
use crate::app::overdue::overdue_page;
use crate::domain::role::Role;
use crate::domain::status::Status;
use crate::web::as_of::AsOf;
use crate::web::error::AppError;
use crate::web::identity::{ApiUser, RoleCheck};
use crate::web::portfolio_query::PortfolioQuery;
use crate::web::state::AppState;

/// Who watches the portfolio.
const STAFF: &[Role] = &[Role::Admin, Role::Staff];

/// The overdue indicators of the whole portfolio on a date. Answered from the stored status timelines
/// (kept by the status engine whenever a target, plan or verified value changes), not by evaluating
/// the portfolio on each request; the rows on the page are then evaluated in full. The JSON is kept
/// until the data changes (see [`crate::web::read_cache`]).
#[utoipa::path(get, path = "/api/v1/overdue", tag = "portfolio", params(PortfolioQuery, AsOf),
    responses((status = 200, body = OverduePage), (status = 400, body = crate::web::error_page::ErrorBody),
        (status = 401, body = crate::web::error_page::ErrorBody), (status = 403, body = crate::web::error_page::ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    user: ApiUser,
    query: web::Query<PortfolioQuery>,
    AsOf(as_of): AsOf,
) -> Result<HttpResponse, AppError> {
    user.require(STAFF)?;
    let query = query.into_inner();
    let (filter, order) = query.filter(&[Status::Overdue, Status::Missed])?;
    let page = query.page(50)?;
    let warning = state.config.tracking.warning_days;
    let cache = Arc::clone(&state.read_cache);
    let key = format!("overdue-json:{as_of}:{filter:?}:{order:?}:{page:?}:{warning}");
    let json = state
        .db(move |conn| {
            cache.get_or_compute(conn, key, |conn| {
                let page = overdue_page(conn, as_of, &filter, order, page, warning)?;
                serde_json::to_vec(&OverduePage::from(page))
                    .map(web::Bytes::from)
                    .map_err(|e| AppError::Internal(e.into()))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().content_type(ContentType::json()).body(web::Bytes::clone(&json)))
}
