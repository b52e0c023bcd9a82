//! The counter that moves with every change to what portfolio-wide reads show. Triggers on the
//! tables those reads use bump it in the writing transaction (see the `data_version` migration), so
//! no write path can forget to, and every instance sharing the database sees it move.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::data_version;

/// The counter's current value.
pub fn current(conn: &mut DbConnection) -> QueryResult<i64> {
    data_version::table.find(1).select(data_version::n).first(conn)
}
