//! Administration of accounts. Administrators only.

mod users;

use actix_web::web;

/// Registers the admin routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/users", web::get().to(users::list))
        .route("/admin/users", web::post().to(users::create))
        .route("/admin/users/new", web::get().to(users::new_form))
        .route("/admin/users/{id}", web::get().to(users::edit_form))
        .route("/admin/users/{id}", web::post().to(users::update))
        .route("/admin/users/{id}/password", web::post().to(users::reset_password));
}
