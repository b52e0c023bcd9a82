//! The HTTP side: HTML pages, the JSON API under `/api/v1`, and what they share (identity, CSRF,
//! errors, headers). Handlers stay thin: they parse, call the use case in `app` (some still call `db`
//! themselves, see `docs/architecture.md`), and render.

mod access_log;
pub mod api;
pub mod as_of;
mod assets;
mod body_deadline;
mod body_fields;
pub mod csrf;
mod download;
pub mod error;
pub mod error_page;
pub mod evidence;
pub mod evidence_download;
pub mod evidence_upload;
mod headers;
mod health;
pub mod ical;
pub mod identity;
pub mod multipart_body;
pub mod page;
mod pages;
pub mod portfolio_query;
pub mod rate_limit;
pub mod read_cache;
pub mod report_budget;
pub mod report_files;
pub mod route_table;
pub mod state;
pub mod upload;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, web};

use crate::domain::refusal::Refusal;
use crate::web::error::AppError;
use route_table::{Listed, Routes};
use state::AppState;

/// Largest accepted form or JSON body; file uploads get their own limit.
const BODY_LIMIT_BYTES: usize = 256 * 1024;

/// Registers every route.
fn routes(r: &mut Routes<'_>) {
    r.get("/healthz", health::check)
        .get("/static/{name}", assets::serve)
        .configure(api::routes)
        .configure(pages::routes);
}

/// Every route the application serves, as [`build_app`] registers them: for tests that must visit
/// them all.
pub fn route_list() -> Vec<Listed> {
    let mut listed = Vec::new();
    let _app = App::new().configure(|cfg| routes(&mut Routes::new(cfg, &mut listed)));
    listed
}

/// The application with its middleware, as `serve` runs it and the tests drive it.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(state))
        // Forms and the JSON API read their bodies as bytes (see `csrf::CsrfForm`, `api::json_body`).
        .app_data(web::PayloadConfig::default().limit(BODY_LIMIT_BYTES))
        .app_data(web::PathConfig::default().error_handler(|_, _| AppError::Refused(Refusal::NotFound).into()))
        .app_data(web::QueryConfig::default().error_handler(|_, _| AppError::BadRequest("error.bad_query").into()))
        .configure(|cfg| routes(&mut Routes::new(cfg, &mut Vec::new())))
        .default_service(web::to(error_page::not_found))
        .wrap(from_fn(csrf::ensure_token))
        // Inside the error rendering, so that its 408 is worded for the request; outside everything
        // that reads a body.
        .wrap(from_fn(body_deadline::guard))
        .wrap(from_fn(error_page::render_errors))
        .wrap(headers::security_headers())
        .wrap(access_log::logger())
}
