//! The dashboard's charts as PNG images, each its own request so that the dashboard page itself stays
//! as fast as its list: indicators by status per cooperation region and per topic, and overdue
//! indicators at each month's end over the last two years, each of the part of the portfolio the
//! dashboard's filters choose.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{Months, NaiveDate};

use crate::app::portfolio;
use crate::domain::refusal::Refusal;
use crate::domain::status::Status;
use crate::report::chart::{BreakdownChart, BreakdownGroup, Chart, OverdueTrendChart};
use crate::report::figures;
use crate::web::as_of::AsOf;
use crate::web::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::request_locale;
use crate::web::pages::project_form::STAFF;
use crate::web::portfolio_query::{LISTED_STATUSES, PortfolioQuery};
use crate::web::state::AppState;

/// How many month ends the overdue trend shows.
const TREND_MONTHS: u32 = 24;

/// Stacked bars from (group, status, count) rows, groups in name order.
fn breakdown(rows: Vec<(String, String, i64)>) -> BreakdownChart {
    let mut groups: Vec<BreakdownGroup> = Vec::new();
    let mut rows = rows;
    rows.sort();
    for (label, status, n) in rows {
        let Some(status) = Status::parse(&status) else { continue };
        if groups.last().is_none_or(|g| g.label != label) {
            groups.push(BreakdownGroup { label, counts: Vec::new() });
        }
        if let Some(group) = groups.last_mut() {
            group.counts.push((status, u32::try_from(n).unwrap_or(u32::MAX)));
        }
    }
    BreakdownChart { title: String::new(), groups }
}

/// What a chart draws.
enum Data {
    Breakdown(BreakdownChart),
    Trend(OverdueTrendChart),
}

/// `GET /dashboard/charts/{region|topic|trend}.png` (staff).
pub async fn png(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    name: web::Path<String>,
    query: web::Query<PortfolioQuery>,
    AsOf(as_of): AsOf,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    // The charts show the part of the portfolio the dashboard's filters choose, every status.
    let (filter, _) = query.filter(&LISTED_STATUSES)?;
    let locale = request_locale(&req, Some(&current));
    let name = name.into_inner();
    if !matches!(name.as_str(), "region" | "topic" | "trend") {
        return Err(AppError::Refused(Refusal::NotFound));
    }
    // Counting a chart's groups takes a query per group and status: the counts are kept in the read
    // cache until the data changes, as the dashboard's are.
    let cache = Arc::clone(&state.read_cache);
    let key = format!("dashboard-chart:{name}:{as_of}:{filter:?}");
    let data: Arc<Data> = state
        .db(move |conn| {
            cache.get_or_compute(conn, key, |conn| {
                Ok(match name.as_str() {
                    "region" => Data::Breakdown(breakdown(portfolio::status_by_region(conn, as_of, &filter)?)),
                    "topic" => Data::Breakdown(breakdown(portfolio::status_by_topic(conn, as_of, &filter)?)),
                    _ => {
                        let dates: Vec<NaiveDate> = (0..TREND_MONTHS)
                            .rev()
                            .filter_map(|back| as_of.checked_sub_months(Months::new(back)))
                            .collect();
                        let points = portfolio::overdue_trend(conn, dates, &filter)?;
                        Data::Trend(OverdueTrendChart { title: String::new(), as_of, points })
                    }
                })
            })
        })
        .await?;
    let labels = figures::labels(locale);
    let png = web::block(move || match data.as_ref() {
        Data::Breakdown(chart) => Chart::Breakdown(chart).png(&labels),
        Data::Trend(chart) => Chart::OverdueTrend(chart).png(&labels),
    })
    .await?;
    match png {
        Ok(png) => Ok(HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "image/png"))
            .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
            .body(png)),
        Err(crate::report::chart::ChartError::NothingToDraw) => Ok(HttpResponse::NoContent().finish()),
        Err(other) => Err(AppError::Internal(other.into())),
    }
}
