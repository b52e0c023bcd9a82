//! The use cases: one function per operation that a page, the API, the command line or a job
//! performs, taking the connection, the acting user, the input and "now", and returning domain values
//! or a [`Failure`](crate::domain::refusal::Failure). Access checks live here, once, so that a page
//! and the API handler doing the same thing call the same function and cannot disagree.

pub mod account;
pub mod audit_detail;
pub mod calendar;
pub mod delivery;
pub mod evaluation;
pub mod evidence;
pub mod guides;
pub mod health;
pub mod indicator_input;
pub mod indicators;
pub mod institutions;
pub mod outbox;
pub mod overdue;
pub mod password_reset;
pub mod portfolio;
pub mod project_changes;
pub mod project_history;
pub mod projects;
pub mod queued_reminder;
pub mod registration;
pub mod reminder_notice;
pub mod reminder_rules;
pub mod reports;
pub mod review;
pub mod review_notice;
pub mod roster;
pub mod session;
pub mod submission;
pub mod todo;
pub mod upload;
pub mod users;

/// The acting user every use case takes.
pub use crate::db::user::User;
/// The database the use cases run on. The composition root connects the pool; web and the command
/// line lend each use case a connection from it and never open one themselves.
pub use crate::db::{DbConnection as Connection, DbPool as Pool};
/// Where evidence files are kept, and the mail transport: handles the composition root builds and
/// the use cases work through.
pub use crate::files::FileStore;
pub use crate::mail::Mailer;

/// A fault of a helper below the use cases (hashing a password, say), kept with its cause for the log.
impl From<anyhow::Error> for crate::domain::refusal::Failure {
    fn from(error: anyhow::Error) -> Self {
        crate::domain::refusal::Failure::Internal(error.into())
    }
}

/// Lends one connection of the pool to a piece of work: web and the jobs run every use case this
/// way. No connection in time is [`Failure::Unavailable`](crate::domain::refusal::Failure), as a
/// query's failure is.
pub fn with_connection<T, E>(pool: &Pool, work: impl FnOnce(&mut Connection) -> Result<T, E>) -> Result<T, E>
where
    E: From<crate::domain::refusal::Failure>,
{
    let mut conn = pool.get().map_err(crate::domain::refusal::Failure::from)?;
    work(&mut conn)
}
