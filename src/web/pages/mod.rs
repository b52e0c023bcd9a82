//! The HTML pages, one file per area.

mod account;
mod admin;
mod annual_report;
mod calendar;
mod dashboard;
mod dashboard_charts;
pub mod evidence;
mod guides;
mod history;
mod home;
pub mod indicators;
mod institutions;
mod lang;
mod password_reset;
mod project_changes;
pub(crate) mod project_form;
pub mod projects;
mod reports;
mod review;
mod roster;
mod session;

use actix_web::web;

/// Registers the page routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::show))
        .route("/dashboard", web::get().to(dashboard::show))
        .route("/dashboard/export.{format}", web::get().to(dashboard::export))
        .route("/dashboard/charts/{name}.png", web::get().to(dashboard_charts::png))
        .route("/login", web::get().to(session::form))
        .route("/login", web::post().to(session::login))
        .route("/logout", web::post().to(session::logout))
        .route("/lang/{tag}", web::get().to(lang::switch))
        .route("/password/forgot", web::get().to(password_reset::request_form))
        .route("/password/forgot", web::post().to(password_reset::request))
        .route("/password/reset", web::get().to(password_reset::reset_form))
        .route("/password/reset", web::post().to(password_reset::reset))
        .configure(account::routes)
        .configure(institutions::routes)
        .configure(guides::routes)
        .configure(projects::routes)
        .configure(indicators::routes)
        .configure(project_changes::routes)
        .configure(evidence::routes)
        .configure(review::routes)
        .configure(history::routes)
        .configure(annual_report::routes)
        .configure(reports::routes)
        .configure(admin::routes);
}
