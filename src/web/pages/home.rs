//! `GET /`: the home page, different for each role.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::app::portfolio::{self, Home as Content};
use crate::app::todo::Todo;
use crate::domain::status::Status;
use crate::i18n::format;
use crate::web::error::AppError;
use crate::web::identity::CurrentUser;
use crate::web::page::{PageCtx, encode_path_segment, render};
use crate::web::pages::evidence::status_key;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "pages/home.html")]
struct HomePage {
    ctx: PageCtx,
    content: Content,
}

impl HomePage {
    /// A to-do item in words.
    fn todo_text(&self, item: &Todo) -> String {
        let t = self.ctx.t;
        match item {
            Todo::Answer { project_code, metric, status, since, .. } => t.fmt(
                "home.todo.answer",
                &[
                    ("code", project_code),
                    ("metric", metric),
                    ("status", &t.get(status_key(*status, false))),
                    ("date", since),
                ],
            ),
            Todo::Overdue { project_code, metric, since, days, .. } => t.fmt(
                "home.todo.overdue",
                &[("code", project_code), ("metric", metric), ("date", since), ("days", &format::days(t, *days))],
            ),
            Todo::DueSoon { project_code, metric, due_on, .. } => {
                t.fmt("home.todo.due_soon", &[("code", project_code), ("metric", metric), ("date", due_on)])
            }
            Todo::PeriodEnds { project_code, end } => {
                t.fmt("home.todo.period_ends", &[("code", project_code), ("date", end)])
            }
        }
    }

    /// Where the item is done.
    fn todo_link(&self, item: &Todo) -> String {
        match item {
            Todo::Answer { indicator_id, evidence_id, .. } => {
                format!("/indicators/{indicator_id}?responds_to={evidence_id}#evidence-form")
            }
            Todo::Overdue { indicator_id, .. } | Todo::DueSoon { indicator_id, .. } => {
                format!("/indicators/{indicator_id}")
            }
            Todo::PeriodEnds { project_code, .. } => format!("/projects/{}/reports", encode_path_segment(project_code)),
        }
    }

    /// The kind of item, for its badge and style.
    fn todo_kind(&self, item: &Todo) -> &'static str {
        match item {
            Todo::Answer { .. } => "answer",
            Todo::Overdue { .. } => "overdue",
            Todo::DueSoon { .. } => "due_soon",
            Todo::PeriodEnds { .. } => "period_ends",
        }
    }

    fn status_label(&self, status: &Status) -> &'static str {
        self.ctx.t.get(status.label_key())
    }
}

/// Shows the home page of the logged-in user.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let (user, today, tracking) = (current.user.clone(), state.today(), state.config.tracking);
    let content = state.db(move |conn| Ok(portfolio::home(conn, &user, today, &tracking)?)).await?;
    render(&HomePage { ctx: PageCtx::new(&req, Some(&current)), content })
}
