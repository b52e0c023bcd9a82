//! A project's change history (变更记录) from the audit log, newest first: the latest rows on the
//! project page and every row, a page at a time, at `/projects/{code}/history`.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::projects::{self, HistoryRow, Project};
use crate::web::error::AppError;
use crate::web::identity::CurrentUser;
use crate::web::page::{PageCtx, render};
use crate::web::route_table::Routes;
use crate::web::state::AppState;

/// Rows per page of the full history.
const PER_PAGE: i64 = 50;

/// Registers the history route.
pub fn routes(r: &mut Routes<'_>) {
    r.get("/projects/{code}/history", show);
}

#[derive(Template)]
#[template(path = "pages/history/show.html")]
struct HistoryPage {
    ctx: PageCtx,
    project: Project,
    history: Vec<HistoryRow>,
    page: i64,
    more: bool,
}

/// `?page=N` (from 1).
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub(super) page: Option<i64>,
}

/// `GET /projects/{code}/history`: 404 for a project the user may not see.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    code: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let (user, code) = (current.user.clone(), code.into_inner());
    let page = query.page.unwrap_or(1).max(1);
    let (project, history, more) =
        state.db(move |conn| Ok(projects::history(conn, &user, &code, (page - 1) * PER_PAGE, PER_PAGE)?)).await?;
    render(&HistoryPage { ctx: PageCtx::new(&req, Some(&current)), project, history, page, more })
}
