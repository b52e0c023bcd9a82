//! What reports read beyond projects and indicators: the names behind a project's ids, its change
//! history from the audit log, and a portfolio's projects with their topics, partners' regions and
//! lead institutions. `app::reports` puts them into a report's facts.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::by_name::ByName;
use super::project::Project;
use super::schema::{
    audit_log, directions, guides, indicators, institutions, project_members, project_partners, projects, regions,
    topics, users,
};
use crate::domain::role::Role;

/// The names behind a project's ids.
#[derive(Debug, Clone)]
pub struct ProjectNames {
    /// The call guide's title.
    pub guide: String,
    /// Its document number.
    pub guide_doc_number: String,
    /// The topic's number in the guide.
    pub topic_number: i32,
    /// The topic's title.
    pub topic: String,
    /// The direction's title.
    pub direction: String,
    /// The lead institution.
    pub lead_institution: String,
    /// Partner institutions in order, each with its region if recorded.
    pub partners: Vec<(String, Option<String>)>,
    /// The PI's name.
    pub pi: String,
    /// The project team's members (项目组成员) by name, in the order they joined. Experts assigned
    /// to the project are not the team and are left out.
    pub members: Vec<String>,
    /// The officer in charge, if one is assigned.
    pub officer: Option<String>,
}

/// The names behind `project`'s ids.
pub fn project_names(conn: &mut DbConnection, project: &Project) -> QueryResult<ProjectNames> {
    let (guide, guide_doc_number, topic_number, topic, direction): (String, String, i32, String, String) =
        directions::table
            .inner_join(topics::table.inner_join(guides::table))
            .filter(directions::id.eq(project.direction_id))
            .select((guides::title, guides::doc_number, topics::number, topics::title, directions::title))
            .first(conn)?;
    let lead_institution =
        institutions::table.find(project.lead_institution_id).select(institutions::name).first(conn)?;
    let partners = project_partners::table
        .inner_join(institutions::table)
        .left_join(regions::table)
        .filter(project_partners::project_id.eq(project.id))
        .order(project_partners::id.asc())
        .select((institutions::name, regions::name.nullable()))
        .load::<(String, Option<String>)>(conn)?;
    let pi = users::table.find(project.pi_user_id).select(users::name).first(conn)?;
    let members = project_members::table
        .inner_join(users::table)
        .filter(project_members::project_id.eq(project.id))
        .filter(project_members::role.eq(ByName(Role::Member)))
        .order(project_members::id.asc())
        .select(users::name)
        .load(conn)?;
    let officer = match project.officer_user_id {
        Some(id) => users::table.find(id).select(users::name).first(conn).optional()?,
        None => None,
    };
    Ok(ProjectNames {
        guide,
        guide_doc_number,
        topic_number,
        topic,
        direction,
        lead_institution,
        partners,
        pi,
        members,
        officer,
    })
}

/// One audit row as a report lists it: when, the action, its detail (JSON) and by whom.
pub type AuditRow = (NaiveDateTime, String, String, Option<String>);

/// A project's audit rows of the given actions, oldest first.
pub fn audit_rows(conn: &mut DbConnection, project_id: i64, actions: &[&str]) -> QueryResult<Vec<AuditRow>> {
    audit_log::table
        .left_join(users::table)
        .filter(audit_log::project_id.eq(project_id))
        .filter(audit_log::action.eq_any(actions))
        .order(audit_log::id.asc())
        .select((audit_log::at, audit_log::action, audit_log::detail, users::name.nullable()))
        .load(conn)
}

/// A guide's document number and title.
pub fn guide_title(conn: &mut DbConnection, guide_id: i64) -> QueryResult<(String, String)> {
    guides::table.find(guide_id).select((guides::doc_number, guides::title)).first(conn)
}

/// Every project (of one guide, or all), by code, with its topic's number and title.
pub fn projects_with_topics(
    conn: &mut DbConnection,
    guide_id: Option<i64>,
) -> QueryResult<Vec<(Project, i32, String)>> {
    let mut query = projects::table
        .inner_join(directions::table.inner_join(topics::table))
        .order(projects::code.asc())
        .select((Project::as_select(), topics::number, topics::title))
        .into_boxed();
    if let Some(id) = guide_id {
        query = query.filter(topics::guide_id.eq(id));
    }
    query.load(conn)
}

/// The regions of these projects' partners, in the order the partners were added: (project, region).
pub fn partner_regions(conn: &mut DbConnection, project_ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    project_partners::table
        .inner_join(regions::table)
        .filter(project_partners::project_id.eq_any(project_ids))
        .order(project_partners::id.asc())
        .select((project_partners::project_id, regions::name))
        .load(conn)
}

/// The ids of these projects' indicators.
pub fn indicator_ids(conn: &mut DbConnection, project_ids: &[i64]) -> QueryResult<Vec<i64>> {
    indicators::table.filter(indicators::project_id.eq_any(project_ids)).select(indicators::id).load(conn)
}

/// Institution names by id.
pub fn institution_names(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    Ok(institutions::table
        .filter(institutions::id.eq_any(ids))
        .select((institutions::id, institutions::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}
