//! The HTTP side: HTML pages, the JSON API under `/api/v1`, and what they share (identity, CSRF,
//! errors, headers). Handlers stay thin: they parse, check rights, call `db`/`account`, render.

pub mod api;
mod assets;
pub mod csrf;
pub mod error_page;
pub mod evidence;
pub mod evidence_download;
pub mod evidence_upload;
mod headers;
mod health;
pub mod ical;
pub mod identity;
pub mod indicator_detail;
pub mod indicator_input;
pub mod overdue_list;
pub mod page;
mod pages;
pub mod portfolio_query;
pub mod rate_limit;
pub mod read_cache;
pub mod report_files;
pub mod state;
pub mod upload;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, web};

use crate::error::AppError;
use state::AppState;

/// Largest accepted form or JSON body; file uploads get their own limit.
const BODY_LIMIT_BYTES: usize = 256 * 1024;

/// Registers every route. Kept apart from [`build_app`] so that tests can list the routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::check))
        .route("/static/{name}", web::get().to(assets::serve))
        .service(api::scope())
        .configure(pages::routes);
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
        .app_data(
            web::FormConfig::default()
                .limit(BODY_LIMIT_BYTES)
                .error_handler(|_, _| AppError::BadRequest("error.bad_form").into()),
        )
        .app_data(
            web::JsonConfig::default()
                .limit(BODY_LIMIT_BYTES)
                .error_handler(|_, _| AppError::BadRequest("error.bad_json").into()),
        )
        .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
        .app_data(web::QueryConfig::default().error_handler(|_, _| AppError::BadRequest("error.bad_query").into()))
        .configure(routes)
        .default_service(web::to(error_page::not_found))
        .wrap(from_fn(csrf::ensure_token))
        .wrap(from_fn(error_page::render_errors))
        .wrap(headers::security_headers())
        .wrap(actix_web::middleware::Logger::new("%r %s %Dms").exclude("/healthz"))
}
