//! Background work: plain job functions that take `(context, now)` and return a report, and the
//! scheduler thread that runs them on their cron schedules. The CLI and the tests call the job
//! functions directly with a fixed `now`.

pub mod cleanup;
pub mod digest;
pub mod outbox;
pub mod remind;
pub mod scheduler;
