//! A project's history from the audit log, a page at a time, for those who may see the project.

use crate::db::DbConnection;
use crate::db::audit;
use crate::db::user::User;
use crate::domain::refusal::Failure;

/// One entry of the audit log.
pub use crate::db::audit::AuditRow;

/// One page of a project's history, newest first, and whether older entries follow: not found
/// when the user may not see the project.
pub fn page(
    conn: &mut DbConnection,
    user: &User,
    code: &str,
    (offset, limit): (i64, i64),
) -> Result<(Vec<AuditRow>, bool), Failure> {
    let project = super::projects::find(conn, user, code)?;
    Ok(audit::project_history(conn, project.id, offset, limit)?)
}
