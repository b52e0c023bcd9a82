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
mod search_list;
mod session;

use crate::web::route_table::Routes;

/// Registers the page routes.
pub fn routes(r: &mut Routes<'_>) {
    r.get("/", home::show)
        .get("/dashboard", dashboard::show)
        .get("/dashboard/export.{format}", dashboard::export)
        .get("/dashboard/charts/{name}.png", dashboard_charts::png)
        .get("/dashboard/suggest/{field}", dashboard::suggest)
        .get("/login", session::form)
        .post("/login", session::login)
        .post("/logout", session::logout)
        .get("/lang/{tag}", lang::switch)
        .get("/password/forgot", password_reset::request_form)
        .post("/password/forgot", password_reset::request)
        .get("/password/reset", password_reset::reset_form)
        .post("/password/reset", password_reset::reset)
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
