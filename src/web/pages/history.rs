//! A project's change history (变更记录) from the audit log, newest first: the latest rows on the
//! project page and every row, a page at a time, at `/projects/{code}/history`.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::app::audit_detail::{FieldChange, Shown};
use crate::app::projects::{self, HistoryRow, Project};
use crate::domain::evidence_status::EvidenceStatus;
use crate::domain::project_state::ProjectState;
use crate::i18n::{T, format};
use crate::web::error::AppError;
use crate::web::identity::CurrentUser;
use crate::web::page::{PageCtx, render};
use crate::web::pages::evidence::status_key;
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
    history: Vec<HistoryLine>,
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
    let ctx = PageCtx::new(&req, Some(&current));
    let history = lines(ctx.t, history);
    render(&HistoryPage { ctx, project, history, page, more })
}

/// A history entry as the reader reads it: who did what, when, and each field from what to what.
pub struct HistoryLine {
    /// When (UTC; the page shows it in the users' time zone).
    pub at: NaiveDateTime,
    /// Who; empty for the system.
    pub actor: String,
    /// The action as stored, kept on the row for tests and scripts (`data-action`).
    pub action: String,
    /// The action in words.
    pub label: String,
    /// What changed.
    pub changes: Vec<ChangeLine>,
}

/// One field of an entry in words.
pub struct ChangeLine {
    /// The field's name.
    pub label: String,
    /// What it was, when it was something before.
    pub before: Option<String>,
    /// What it became (or was set to).
    pub after: Option<String>,
}

/// History rows written in the reader's language.
pub fn lines(t: T, rows: Vec<HistoryRow>) -> Vec<HistoryLine> {
    rows.into_iter()
        .map(|row| HistoryLine {
            label: t.get_or(&row.label_key, &row.action).to_owned(),
            changes: row.changes.iter().map(|change| change_line(t, change)).collect(),
            at: row.at,
            actor: row.actor,
            action: row.action,
        })
        .collect()
}

fn change_line(t: T, change: &FieldChange) -> ChangeLine {
    let field = change.field.as_str();
    let words = |value: &Shown| value_words(t, field, value);
    ChangeLine {
        label: t.get_or(&format!("history.field.{field}"), field).to_owned(),
        before: change.before.as_ref().map(words),
        after: change.after.as_ref().map(words),
    }
}

/// A stored value in words: states and statuses by their names, money in 万元, numbers grouped,
/// targets as the pages write them.
fn value_words(t: T, field: &str, value: &Shown) -> String {
    match value {
        Shown::Text(text) => match field {
            "status" | "decision" => EvidenceStatus::parse(text).map(|s| t.get(status_key(s, false)).to_owned()),
            "change" | "state" => ProjectState::parse(text).map(|s| t.get(s.label_key()).to_owned()),
            _ => None,
        }
        .unwrap_or_else(|| text.clone()),
        Shown::Number(yuan) if field.ends_with("_yuan") => format::money_wan(t, yuan.round() as i64),
        Shown::Number(n) => format::number(*n),
        Shown::Flag(yes) => t.get(if *yes { "history.yes" } else { "history.no" }).to_owned(),
        Shown::Count(n) => t.fmt("history.count", &[("n", n)]),
        Shown::Target(target) => format::target(t, target),
        Shown::Names(names) => names.join(t.get("email.notice.list_separator")),
        Shown::Empty => "—".to_owned(),
    }
}
