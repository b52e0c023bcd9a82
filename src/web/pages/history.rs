//! A project's change history (变更记录) from the audit log, newest first: the latest rows on the
//! project page and every row, a page at a time, at `/projects/{code}/history`.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::db::project::{self, Project};
use crate::db::{DbConnection, audit, user};
use crate::domain::refusal::Refusal;
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

/// One audit row as listed.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    /// When (UTC).
    pub at: NaiveDateTime,
    /// Who, by name; empty for the system.
    pub actor: String,
    /// The action as stored, e.g. `evidence.review`.
    pub action: String,
    /// The catalogue key of the action's label (`history.<action with underscores>`); actions
    /// without one are shown as stored.
    pub label_key: String,
    /// The details, as indented JSON.
    pub detail: String,
}

/// One page of a project's history, newest first, and whether there is more.
pub fn rows(
    conn: &mut DbConnection,
    project_id: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<HistoryRow>, bool), AppError> {
    let (rows, more) = audit::project_history(conn, project_id, offset, limit)?;
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_user_id).collect();
    let names = user::names(conn, &ids)?;
    let rows = rows
        .into_iter()
        .map(|row| HistoryRow {
            at: row.at,
            actor: row.actor_user_id.and_then(|id| names.get(&id).cloned()).unwrap_or_default(),
            label_key: format!("history.{}", row.action.replace('.', "_")),
            action: row.action,
            // Stored details are JSON; indenting them is only for reading, so a row that is not is shown as is.
            detail: serde_json::from_str::<serde_json::Value>(&row.detail)
                .and_then(|v| serde_json::to_string_pretty(&v))
                .unwrap_or(row.detail),
        })
        .collect();
    Ok((rows, more))
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
    let (project, (history, more)) = state
        .db(move |conn| {
            let project = project::find_by_code(conn, &code)?.ok_or(AppError::Refused(Refusal::NotFound))?;
            if !project::can_view(conn, &user, &project)? {
                return Err(AppError::Refused(Refusal::NotFound));
            }
            let rows = rows(conn, project.id, (page - 1) * PER_PAGE, PER_PAGE)?;
            Ok((project, rows))
        })
        .await?;
    render(&HistoryPage { ctx: PageCtx::new(&req, Some(&current)), project, history, page, more })
}
