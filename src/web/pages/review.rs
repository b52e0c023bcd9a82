//! The review queue (待审核) and the staff's review of one piece of evidence: pending evidence oldest
//! first; after each decision the item shows it, with a link on to the next, so a reviewer works
//! through the queue.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use askama::Template;
use chrono::NaiveDateTime;

use super::history::PageQuery;
use crate::app;
use crate::app::review::{Decision, QueueItem};
use crate::domain::refusal::{FieldError, Refusal};
use crate::i18n::format;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::identity::CurrentUser;
use crate::web::page::{PageCtx, render, see_other};
use crate::web::pages::evidence::{ReviewForm, client_ip, show_page, value_text};
use crate::web::route_table::Routes;
use crate::web::state::AppState;

/// Items per page of the queue.
const PER_PAGE: i64 = 50;

/// Registers the review routes.
pub fn routes(r: &mut Routes<'_>) {
    r.get("/review", queue).post("/evidence/{id}/review", review);
}

#[derive(Template)]
#[template(path = "pages/review/queue.html")]
struct QueuePage {
    ctx: PageCtx,
    items: Vec<QueueItem>,
    total: i64,
    page: i64,
    pages: i64,
    /// Now (UTC), to say how long each item has waited.
    now: NaiveDateTime,
}

impl QueuePage {
    fn total_text(&self) -> String {
        self.ctx.t.fmt("review_page.total", &[("total", &self.total)])
    }

    /// The value reported, as the evidence page writes it.
    fn value(&self, item: &QueueItem) -> String {
        value_text(self.ctx.t, &item.target, item.value, item.value_max, item.done)
    }

    /// Whole days since the item was submitted.
    fn waiting(&self, item: &QueueItem) -> String {
        format::days(self.ctx.t, (self.now - item.created_at).num_days().max(0))
    }
}

/// `GET /review`: commission staff only.
pub async fn queue(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let (user, page) = (current.user.clone(), query.page.unwrap_or(1).max(1));
    let (items, total) =
        state.db(move |conn| Ok(app::review::queue(conn, &user, (page - 1) * PER_PAGE, PER_PAGE)?)).await?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    render(&QueuePage { ctx: PageCtx::new(&req, Some(&current)), items, total, page, pages, now: state.clock.now() })
}

/// `POST /evidence/{id}/review`: records the decision and shows the item with it, with a link on to
/// the oldest item still waiting; the evidence page again with the problem when refused.
pub async fn review(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<HttpResponse, AppError> {
    let (id, now, user, ip) = (id.into_inner(), state.clock.now(), current.user.clone(), client_ip(&req));
    let (decision, comment) = (Decision::parse(&form.decision), form.comment.clone());
    let (config, today) = (state.config.clone(), state.today());
    let result = state
        .db(move |conn| {
            // Rights before the decision's spelling: 404 for evidence the user may not see, 403 for
            // anyone but staff.
            app::review::reviewable(conn, &user, id)?;
            let decision = decision.ok_or(AppError::field("decision", "review_page.decision_missing"))?;
            app::review::decide(conn, &user, (id, decision, &comment), (&config, today), (ip.as_deref(), now))?;
            Ok(())
        })
        .await;
    if result.is_ok() {
        state.deliver_mail_soon();
    }
    let (status, errors, message) = match result {
        // The reviewed item itself, with its decision; the page links on to the next one.
        Ok(()) => return Ok(see_other(&format!("/evidence/{id}?done=reviewed"))),
        Err(AppError::Refused(Refusal::Validation(errors))) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
        Err(error @ AppError::Refused(Refusal::Conflict(_))) => {
            (error.status_code(), Vec::<FieldError>::new(), Some(error.message(PageCtx::new(&req, Some(&current)).t)))
        }
        Err(other) => return Err(other),
    };
    show_page(&req, &state, &current, (status, id), form, (errors, message)).await
}
