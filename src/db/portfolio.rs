//! Portfolio-wide reads for the home pages and the dashboard: counts, own projects, filter choices.

use diesel::prelude::*;

use super::DbConnection;
use super::overdue::Filter;
use super::schema::{guides, project_members, projects};
use super::search::{containing, lower};

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

/// The names of what a filter narrows to by id: the PI (name and e-mail), the lead institution and
/// the officer in charge.
#[derive(Debug, Default)]
pub struct ScopeNames {
    /// "Name <e-mail>" of the PI.
    pub pi: Option<String>,
    /// The lead institution's name.
    pub institution: Option<String>,
    /// The officer's name.
    pub officer: Option<String>,
}

/// Names the filter's ids; an id no row has stays unnamed.
pub fn scope_names(conn: &mut DbConnection, filter: &Filter) -> QueryResult<ScopeNames> {
    use super::schema::{institutions, users};
    let mut user = |id: Option<i64>| -> QueryResult<Option<(String, String)>> {
        id.map(|id| users::table.find(id).select((users::name, users::email)).first(conn).optional())
            .transpose()
            .map(Option::flatten)
    };
    let pi = user(filter.pi_user_id)?.map(|(name, email)| format!("{name} <{email}>"));
    let officer = user(filter.officer_user_id)?.map(|(name, _)| name);
    let institution = filter
        .lead_institution_id
        .map(|id| institutions::table.find(id).select(institutions::name).first(conn).optional())
        .transpose()?
        .flatten();
    Ok(ScopeNames { pi, institution, officer })
}

/// Up to `limit` PIs whose name or e-mail holds `text` (any case), as (name, e-mail) in name order:
/// the dashboard's suggestions as a PI's name is typed.
pub fn suggest_pis(conn: &mut DbConnection, text: &str, limit: i64) -> QueryResult<Vec<(String, String)>> {
    use super::schema::users;
    let pattern = containing(text);
    let pis = projects::table.select(projects::pi_user_id).distinct();
    users::table
        .filter(users::id.eq_any(pis))
        .filter(
            lower(users::name).like(pattern.clone()).escape('\\').or(lower(users::email).like(pattern).escape('\\')),
        )
        .order((users::name.asc(), users::email.asc()))
        .select((users::name, users::email))
        .limit(limit)
        .load(conn)
}

/// Up to `limit` names of lead institutions holding `text` (any case), in name order.
pub fn suggest_institutions(conn: &mut DbConnection, text: &str, limit: i64) -> QueryResult<Vec<String>> {
    use super::schema::institutions;
    let leads = projects::table.select(projects::lead_institution_id).distinct();
    institutions::table
        .filter(institutions::id.eq_any(leads))
        .filter(lower(institutions::name).like(containing(text)).escape('\\'))
        .order(institutions::name.asc())
        .select(institutions::name)
        .limit(limit)
        .load(conn)
}
