//! `GET /dashboard`: the commission's view of every overdue (or missed) indicator across the
//! portfolio on a date, most days overdue first, a page at a time.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::role::Role;
use crate::domain::status::Status;
use crate::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::overdue_list::{OverdueItem, overdue_page};
use crate::web::page::{PageCtx, render};
use crate::web::pages::projects::status_key;
use crate::web::state::AppState;

/// Rows per page.
const PAGE_SIZE: i64 = 50;

/// `?as_of=YYYY-MM-DD&page=N`.
#[derive(Debug, Deserialize)]
pub struct DashboardQuery {
    as_of: Option<NaiveDate>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "pages/dashboard.html")]
struct DashboardPage {
    ctx: PageCtx,
    as_of: NaiveDate,
    total: i64,
    page: i64,
    pages: i64,
    items: Vec<OverdueItem>,
}

impl DashboardPage {
    fn status_label(&self, status: &Status) -> &'static str {
        self.ctx.t.get(status_key(*status))
    }

    fn number(&self, value: &Option<f64>) -> String {
        value.map(|v| ((v * 100.0).round() / 100.0).to_string()).unwrap_or_default()
    }
}

/// Shows a page of the overdue list.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    query: web::Query<DashboardQuery>,
) -> Result<HttpResponse, AppError> {
    current.require(&[Role::Admin, Role::Staff])?;
    let as_of = query.as_of.unwrap_or_else(|| state.today());
    let page = query.page.unwrap_or(1).max(1);
    let list = state.db(move |conn| overdue_page(conn, as_of, PAGE_SIZE, (page - 1).saturating_mul(PAGE_SIZE))).await?;
    render(&DashboardPage {
        ctx: PageCtx::new(&req, Some(&current)),
        as_of,
        total: list.total,
        page,
        pages: (list.total + PAGE_SIZE - 1) / PAGE_SIZE,
        items: list.items,
    })
}
