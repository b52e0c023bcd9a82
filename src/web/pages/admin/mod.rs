//! Administration: accounts and the reminder rules (administrators only), and the e-mail outbox
//! (administrators and staff).

mod outbox;
mod reminders;
mod users;

use actix_web::web;

/// Registers the admin routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/users", web::get().to(users::list))
        .route("/admin/users", web::post().to(users::create))
        .route("/admin/users/new", web::get().to(users::new_form))
        .route("/admin/users/{id}", web::get().to(users::edit_form))
        .route("/admin/users/{id}", web::post().to(users::update))
        .route("/admin/users/{id}/password", web::post().to(users::reset_password))
        .route("/admin/reminders", web::get().to(reminders::form))
        .route("/admin/reminders", web::post().to(reminders::save))
        .route("/admin/reminders/reset", web::post().to(reminders::reset))
        .route("/admin/outbox", web::get().to(outbox::show))
        .route("/admin/outbox/{id}", web::get().to(outbox::message))
        .route("/admin/outbox/{id}/retry", web::post().to(outbox::retry));
}
