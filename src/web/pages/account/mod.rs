//! The logged-in user's own settings: password, API tokens, the calendar feed and e-mail
//! notifications.

mod notifications;
mod password;
mod tokens;

use actix_web::web;

/// Registers the account routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/account/password", web::get().to(password::form))
        .route("/account/password", web::post().to(password::change))
        .route("/account/tokens", web::get().to(tokens::list))
        .route("/account/tokens", web::post().to(tokens::create))
        .route("/account/tokens/{id}/revoke", web::post().to(tokens::revoke))
        .route("/account/notifications", web::get().to(notifications::form))
        .route("/account/notifications", web::post().to(notifications::save))
        .route("/account/calendar", web::get().to(super::calendar::show))
        .route("/account/calendar", web::post().to(super::calendar::renew))
        .route("/calendar/{file}", web::get().to(super::calendar::feed));
}
