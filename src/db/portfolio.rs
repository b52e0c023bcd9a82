//! Counts that the home pages show; the full portfolio queries arrive with projects.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::{guides, project_members, projects};

/// Guides and projects in the whole portfolio.
pub fn count_all(conn: &mut DbConnection) -> QueryResult<(i64, i64)> {
    let guide_count = guides::table.count().get_result(conn)?;
    let project_count = projects::table.count().get_result(conn)?;
    Ok((guide_count, project_count))
}

/// Codes and titles of the projects a user leads or belongs to (as member or expert).
pub fn list_own_projects(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<(String, String)>> {
    let member_of =
        project_members::table.filter(project_members::user_id.eq(user_id)).select(project_members::project_id);
    projects::table
        .filter(projects::pi_user_id.eq(user_id).or(projects::id.eq_any(member_of)))
        .order(projects::code.asc())
        .select((projects::code, projects::title))
        .load(conn)
}
