//! Persistence: the only module that knows there are two database backends.
//!
//! Query functions are synchronous (`fn(&mut DbConnection, …) -> QueryResult<T>`) so that the CLI
//! and the scheduler call them directly, while web handlers run them on the blocking thread pool.
//! "Now" and "today" are always parameters, never read inside a query.

/// Inserts many rows in one statement. Diesel's multi-backend connection cannot express a multi-row
/// INSERT (the backends spell default values differently), so this dispatches to the concrete
/// connection; `$values` is a `Vec` of value tuples that set every column they name.
macro_rules! batch_insert {
    ($conn:expr, $table:expr, $values:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite(c) => diesel::insert_into($table).values($values).execute(c),
            $crate::db::DbConnection::Pg(c) => diesel::insert_into($table).values($values).execute(c),
        }
    };
}
pub(crate) use batch_insert;

pub mod api_token;
pub mod audit;
pub mod bulk;
pub mod by_name;
pub mod calendar;
pub mod connection;
pub mod create;
pub mod data_version;
pub mod direction;
pub mod evidence;
pub mod extension;
mod failure;
pub mod guide;
pub mod indicator;
pub mod institution;
pub mod migrate;
pub mod milestone;
pub mod outbox;
pub mod overdue;
pub mod password_reset;
pub mod pool;
pub mod portfolio;
pub mod project;
pub mod project_registration;
pub mod project_state;
pub mod registration;
pub mod reminder;
pub mod report;
pub mod report_facts;
pub mod roster;
pub mod schema;
pub mod search;
pub mod session;
pub mod user;
pub mod work_calendar;

pub use connection::{DbConnection, write_transaction};
pub use pool::{DbPool, connect};
