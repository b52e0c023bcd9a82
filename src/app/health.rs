//! Whether the service can do its work: the health check load balancers and operators call.

use crate::db::DbConnection;
use crate::domain::refusal::Failure;

/// Succeeds when the database answers a query.
pub fn database(conn: &mut DbConnection) -> Result<(), Failure> {
    Ok(crate::db::connection::ping(conn)?)
}
