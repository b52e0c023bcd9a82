//! The checkpoint calendar: `/account/calendar` makes (or replaces) the user's secret feed address,
//! shown once; `/calendar/{token}.ics` serves the feed to calendar programs, which cannot log in.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;

use crate::app::account::User;
use crate::app::calendar::{self, FeedCheckpoint};
use crate::domain::refusal::Refusal;
use crate::i18n::{Locale, T};
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::error::AppError;
use crate::web::ical::{self, Event};
use crate::web::identity::CurrentUser;
use crate::web::page::{PageCtx, render_with};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "pages/account/calendar.html")]
struct CalendarPage {
    ctx: PageCtx,
    created_at: Option<NaiveDateTime>,
    new_url: Option<String>,
}

async fn page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    new_url: Option<String>,
) -> Result<HttpResponse, AppError> {
    let user_id = current.user.id;
    let created_at = state.db(move |conn| Ok(calendar::feed_created_at(conn, user_id)?)).await?;
    render_with(StatusCode::OK, &CalendarPage { ctx: PageCtx::new(req, Some(current)), created_at, new_url })
}

/// `GET /account/calendar`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    page(&req, &state, &current, None).await
}

/// `POST /account/calendar`: a new address, shown once; the old one stops working.
pub async fn renew(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    _: CsrfForm<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    let (user_id, now) = (current.user.id, state.clock.now());
    let token = state.db(move |conn| Ok(calendar::renew_feed(conn, user_id, now)?)).await?;
    let url = format!("{}/calendar/{token}.ics", state.config.base_url.trim_end_matches('/'));
    page(&req, &state, &current, Some(url)).await
}

fn event(t: T, base_url: &str, c: FeedCheckpoint) -> Event {
    let key = format!("checkpoint.{}", c.kind);
    let kind = t.get(&key);
    let planned =
        c.planned.map(|p| format!(" {}", crate::i18n::format::quantity(p, c.unit.as_deref()))).unwrap_or_default();
    // A code may hold characters that mean something in a URL (`/`, `#`, `%`, a space).
    let url = format!("{base_url}/projects/{}", crate::web::page::encode_path_segment(&c.project_code));
    Event {
        uid: format!("milestone-{}@coop-tracker", c.milestone_id),
        date: c.due_on,
        summary: format!("[{}] {kind}：{}{planned}", c.project_code, c.metric),
        description: format!("{}\n{}", c.project_title, url),
        url,
    }
}

/// `GET /calendar/{token}.ics`: the feed; an unknown or replaced address is not found.
pub async fn feed(state: web::Data<AppState>, file: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = file.into_inner().strip_suffix(".ics").ok_or(AppError::Refused(Refusal::NotFound))?.to_owned();
    let (user, checkpoints): (User, Vec<FeedCheckpoint>) =
        state.db(move |conn| Ok(calendar::feed(conn, &token)?)).await?;
    let t = Locale::from_tag(&user.locale).unwrap_or_default().t();
    let base_url = state.config.base_url.trim_end_matches('/').to_owned();
    let events: Vec<Event> = checkpoints.into_iter().map(|c| event(t, &base_url, c)).collect();
    let body = ical::calendar(t.get("calendar.name"), &events, state.clock.now());
    Ok(HttpResponse::Ok().content_type("text/calendar; charset=utf-8").body(body))
}
