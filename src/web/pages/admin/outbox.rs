//! The e-mail outbox's health, for administrators and staff: how many messages are in each state,
//! the dead letters and the messages being retried, each with its delivery attempts, and a button
//! that puts a dead letter back in the queue, and the reminders no sweep sent because their days were
//! further back than the catch-up limit. Message bodies are never shown: some carry secrets
//! (password-reset links).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::app::outbox::{self, OutboxAttempt, OutboxEntry, Overview, SweepRecord};
use crate::domain::role::Role;
use crate::i18n::T;
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::{PageCtx, render, see_other};
use crate::web::state::AppState;

/// Who may look after the outbox.
const ROLES: [Role; 2] = [Role::Admin, Role::Staff];
/// How many messages each list shows, newest first, so that a large backlog keeps the page quick.
const LIST_LIMIT: i64 = 200;
/// How many attempts a message's page shows, newest first.
const ATTEMPT_LIMIT: i64 = 100;
/// The statuses, in the order a message passes through them.
const STATUSES: [&str; 4] = ["pending", "sending", "sent", "failed"];

#[derive(Template)]
#[template(path = "pages/admin/outbox.html")]
struct OutboxPage {
    ctx: PageCtx,
    /// Every status with its count, in [`STATUSES`] order.
    counts: Vec<(&'static str, i64)>,
    failed: Vec<OutboxEntry>,
    failed_total: i64,
    retrying: Vec<OutboxEntry>,
    retrying_total: i64,
    /// Sweeps that skipped days older than the catch-up limit, latest first.
    skipped: Vec<SweepRecord>,
}

#[derive(Template)]
#[template(path = "pages/admin/outbox_message.html")]
struct MessagePage {
    ctx: PageCtx,
    entry: OutboxEntry,
    attempts: Vec<OutboxAttempt>,
}

/// The catalogue key naming a status.
fn status_key(status: &str) -> &'static str {
    match status {
        "pending" => "outbox_page.status.pending",
        "sending" => "outbox_page.status.sending",
        "sent" => "outbox_page.status.sent",
        _ => "outbox_page.status.failed",
    }
}

/// A message kind in the page's language; a kind without a name shows as stored.
fn kind_label(t: T, kind: &str) -> &str {
    t.get_or(&format!("outbox_page.kind.{kind}"), kind)
}

impl OutboxPage {
    fn intro(&self) -> String {
        self.ctx.t.fmt("outbox_page.intro", &[("max", &crate::app::delivery::MAX_ATTEMPTS)])
    }

    fn status_label(&self, status: &str) -> &'static str {
        self.ctx.t.get(status_key(status))
    }

    fn kind_label<'a>(&self, kind: &'a str) -> &'a str {
        kind_label(self.ctx.t, kind)
    }

    /// "12 reminders of 1–3 December were not sent: …", for a sweep that skipped days.
    fn skipped_text(&self, sweep: &SweepRecord) -> String {
        let (from, until, items) = sweep.skipped.unwrap_or((sweep.day, sweep.day, 0));
        self.ctx.t.fmt(
            "outbox_page.skipped_line",
            &[("day", &sweep.day), ("from", &from), ("until", &until), ("items", &items)],
        )
    }

    /// "The newest 200 of 1234 are shown", when a list is cut.
    fn shown(&self, shown: usize, total: &i64) -> Option<String> {
        (i64::try_from(shown).unwrap_or(i64::MAX) < *total)
            .then(|| self.ctx.t.fmt("outbox_page.shown", &[("shown", &shown), ("total", total)]))
    }
}

impl MessagePage {
    fn status_label(&self, status: &str) -> &'static str {
        self.ctx.t.get(status_key(status))
    }

    fn kind_label<'a>(&self, kind: &'a str) -> &'a str {
        kind_label(self.ctx.t, kind)
    }
}

/// `GET /admin/outbox`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    current.require(&ROLES)?;
    let Overview { by_status, failed, retrying, retrying_total, skipped } =
        state.db(|conn| Ok(outbox::overview(conn, LIST_LIMIT)?)).await?;
    let count = |status: &str| by_status.iter().find(|(s, _)| s == status).map_or(0, |(_, n)| *n);
    let counts: Vec<(&'static str, i64)> = STATUSES.into_iter().map(|s| (s, count(s))).collect();
    let failed_total = count("failed");
    let page = OutboxPage {
        ctx: PageCtx::new(&req, Some(&current)),
        counts,
        failed,
        failed_total,
        retrying,
        retrying_total,
        skipped,
    };
    render(&page)
}

/// `GET /admin/outbox/{id}`: one message and its delivery attempts.
pub async fn message(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    current.require(&ROLES)?;
    let id = id.into_inner();
    let (entry, attempts) = state.db(move |conn| Ok(outbox::message(conn, id, ATTEMPT_LIMIT)?)).await?;
    render(&MessagePage { ctx: PageCtx::new(&req, Some(&current)), entry, attempts })
}

/// `POST /admin/outbox/{id}/retry`: a dead letter goes back in the queue, due now with a fresh
/// count of attempts, and the next run of the outbox sender tries it. A message that is not failed
/// is left alone (409): it was sent, or someone retried it first.
pub async fn retry(
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    _: CsrfForm<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    current.require(&ROLES)?;
    let (now, actor, id) = (state.clock.now(), current.user.id, id.into_inner());
    state.db(move |conn| Ok(outbox::retry(conn, id, actor, now)?)).await?;
    Ok(see_other("/admin/outbox?done=outbox_retried"))
}
