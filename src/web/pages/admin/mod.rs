//! Administration: accounts, the reminder rules and the holiday calendar (administrators only), and
//! the e-mail outbox (administrators and staff).

pub(crate) mod calendar;
mod outbox;
mod reminders;
mod users;

use crate::web::route_table::Routes;

/// Registers the admin routes.
pub fn routes(r: &mut Routes<'_>) {
    r.get("/admin/users", users::list)
        .post("/admin/users", users::create)
        .get("/admin/users/new", users::new_form)
        .get("/admin/users/{id}", users::edit_form)
        .post("/admin/users/{id}", users::update)
        .post("/admin/users/{id}/password", users::reset_password)
        .get("/admin/reminders", reminders::form)
        .post("/admin/reminders", reminders::save)
        .post("/admin/reminders/reset", reminders::reset)
        .get("/admin/calendar", calendar::show)
        .post("/admin/calendar", calendar::save)
        .post("/admin/calendar/{year}/delete", calendar::delete)
        .get("/admin/outbox", outbox::show)
        .get("/admin/outbox/{id}", outbox::message)
        .post("/admin/outbox/{id}/retry", outbox::retry);
}
