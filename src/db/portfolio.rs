//! Portfolio-wide reads for the home pages and the dashboard: counts, own projects, filter choices.

use chrono::NaiveDate;
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

/// What the dashboard's filters offer, each as (id, label) in display order.
#[derive(Debug, Default)]
pub struct FilterOptions {
    /// Years guides were issued in, newest first.
    pub years: Vec<i32>,
    /// Guides: title.
    pub guides: Vec<(i64, String)>,
    /// Topics: "guide year · number title".
    pub topics: Vec<(i64, String)>,
    /// Directions that have projects: "topic.position title".
    pub directions: Vec<(i64, String)>,
    /// Regions partners are in.
    pub regions: Vec<(i64, String)>,
    /// Lead institutions of projects.
    pub institutions: Vec<(i64, String)>,
}

/// The choices for the dashboard's filters: only what occurs in the portfolio.
pub fn filter_options(conn: &mut DbConnection) -> QueryResult<FilterOptions> {
    use super::schema::{directions, institutions, project_partners, regions, topics};
    let guides: Vec<(i64, String, Option<chrono::NaiveDate>)> = guides::table
        .order(guides::issued_on.desc())
        .select((guides::id, guides::title, guides::issued_on))
        .load(conn)?;
    let mut years: Vec<i32> =
        guides.iter().filter_map(|(_, _, issued)| issued.map(|d| chrono::Datelike::year(&d))).collect();
    years.dedup();
    let topics = topics::table
        .order((topics::guide_id.asc(), topics::number.asc()))
        .select((topics::id, topics::number, topics::title))
        .load::<(i64, i32, String)>(conn)?
        .into_iter()
        .map(|(id, number, title)| (id, format!("{number}. {title}")))
        .collect();
    let used_directions = projects::table.select(projects::direction_id).distinct();
    let directions = directions::table
        .inner_join(topics::table)
        .filter(directions::id.eq_any(used_directions))
        .order((topics::guide_id.asc(), topics::number.asc(), directions::position.asc()))
        .select((directions::id, topics::number, directions::position, directions::title))
        .load::<(i64, i32, i32, String)>(conn)?
        .into_iter()
        .map(|(id, topic, position, title)| (id, format!("{topic}.{position} {title}")))
        .collect();
    let used_regions = project_partners::table.select(project_partners::region_id.assume_not_null()).distinct();
    let regions = regions::table
        .filter(regions::id.eq_any(used_regions))
        .order(regions::name.asc())
        .select((regions::id, regions::name))
        .load(conn)?;
    let used_leads = projects::table.select(projects::lead_institution_id).distinct();
    let institutions = institutions::table
        .filter(institutions::id.eq_any(used_leads))
        .order(institutions::name.asc())
        .select((institutions::id, institutions::name))
        .load(conn)?;
    Ok(FilterOptions {
        years,
        guides: guides.into_iter().map(|(id, title, _)| (id, title)).collect(),
        topics,
        directions,
        regions,
        institutions,
    })
}

/// The PIs of any project whose e-mail (any case) or name is exactly `text`; at most two, enough to
/// tell one from several.
pub fn find_pis(conn: &mut DbConnection, text: &str) -> QueryResult<Vec<i64>> {
    use super::schema::users;
    let pis = projects::table.select(projects::pi_user_id).distinct();
    users::table
        .filter(users::id.eq_any(pis))
        .filter(users::email.eq(super::user::normalize_email(text)).or(users::name.eq(text)))
        .order(users::id.asc())
        .select(users::id)
        .limit(2)
        .load(conn)
}

/// A user's e-mail, shown in the dashboard's PI field when the list is filtered by that PI.
pub fn email_of(conn: &mut DbConnection, user_id: i64) -> QueryResult<Option<String>> {
    use super::schema::users;
    users::table.find(user_id).select(users::email).first(conn).optional()
}

/// How many indicators have each status on `as_of`, per cooperation region of their projects'
/// partners (a project with partners in two regions counts in both): (region, status, count).
pub fn status_by_region(conn: &mut DbConnection, as_of: NaiveDate) -> QueryResult<Vec<(String, String, i64)>> {
    use super::schema::{indicator_status_spans as spans, project_partners, regions};
    spans::table
        .inner_join(project_partners::table.on(project_partners::project_id.eq(spans::project_id)))
        .inner_join(regions::table.on(project_partners::region_id.eq(regions::id.nullable())))
        .filter(spans::valid_from.le(as_of))
        .filter(spans::valid_until.is_null().or(spans::valid_until.gt(as_of)))
        .group_by((regions::name, spans::status))
        .select((regions::name, spans::status, diesel::dsl::count_star()))
        .load(conn)
}

/// How many indicators have each status on `as_of`, per topic: ("number. title", status, count).
pub fn status_by_topic(conn: &mut DbConnection, as_of: NaiveDate) -> QueryResult<Vec<(String, String, i64)>> {
    use super::schema::{directions, indicator_status_spans as spans, topics};
    let rows: Vec<(i32, String, String, i64)> = spans::table
        .inner_join(projects::table.on(projects::id.eq(spans::project_id)))
        .inner_join(directions::table.on(directions::id.eq(projects::direction_id)))
        .inner_join(topics::table.on(topics::id.eq(directions::topic_id)))
        .filter(spans::valid_from.le(as_of))
        .filter(spans::valid_until.is_null().or(spans::valid_until.gt(as_of)))
        .group_by((topics::number, topics::title, spans::status))
        .select((topics::number, topics::title, spans::status, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(number, title, status, n)| (format!("{number}. {title}"), status, n)).collect())
}
