//! The logged-in user's own settings: password, API tokens, the calendar feed and e-mail
//! notifications.

mod notifications;
mod password;
mod tokens;

use crate::web::route_table::Routes;

/// Registers the account routes.
pub fn routes(r: &mut Routes<'_>) {
    r.get("/account/password", password::form)
        .post("/account/password", password::change)
        .get("/account/tokens", tokens::list)
        .post("/account/tokens", tokens::create)
        .post("/account/tokens/{id}/revoke", tokens::revoke)
        .get("/account/notifications", notifications::form)
        .post("/account/notifications", notifications::save)
        .get("/account/calendar", super::calendar::show)
        .post("/account/calendar", super::calendar::renew)
        .get("/calendar/{file}", super::calendar::feed);
}
