//! Persistence: the only module that knows there are two database backends.
//!
//! Query functions are synchronous (`fn(&mut DbConnection, …) -> QueryResult<T>`) so that the CLI
//! and the scheduler call them directly, while web handlers run them on the blocking thread pool.
//! "Now" and "today" are always parameters, never read inside a query.

pub mod api_token;
pub mod audit;
pub mod connection;
pub mod extension;
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
pub mod schema;
pub mod session;
pub mod user;

pub use connection::DbConnection;
pub use pool::{DbPool, connect};
