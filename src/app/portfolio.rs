//! The portfolio as a whole: what the home page counts, the commission's dashboard (counts, filter
//! choices and a page of overdue, missed and at-risk indicators) and its charts, and the change
//! counter that portfolio-wide answers are kept against.

use chrono::NaiveDate;

use super::account::User;
use super::overdue::{OverdueItem, page_items};
use super::todo::{self, Todo};
use crate::config::Tracking;
use crate::db::evidence;
use crate::db::overdue::count_by_status;
/// Which part of the portfolio, which statuses, and in which order a list is asked for.
pub use crate::db::overdue::{Filter, Order};
/// What the dashboard's filters offer.
pub use crate::db::portfolio::{FilterOptions, ScopeNames};
use crate::db::{DbConnection, data_version, portfolio, user, work_calendar};
use crate::domain::refusal::Failure;
use crate::domain::role::Role;
use crate::domain::status::Status;
use crate::domain::workdays::WorkCalendar;

/// What the home page shows, by role.
#[derive(Debug)]
pub enum Home {
    /// Administrators: accounts and institutions.
    Admin {
        /// How many accounts there are.
        users: i64,
    },
    /// Commission staff: the portfolio, the review queue and the projects in their charge.
    Staff {
        /// How many guides.
        guides: i64,
        /// How many projects.
        projects: i64,
        /// How much evidence waits for review.
        waiting: i64,
        /// The staff member's user id, for the link to the dashboard of their projects.
        officer: i64,
        /// Indicators of the projects in their charge by listed status (missed, overdue, at risk), today.
        in_charge: Vec<(Status, i64)>,
    },
    /// PIs, members and experts: their projects, as (code, title), and what they have to do next.
    Own {
        /// The user's projects.
        projects: Vec<(String, String)>,
        /// What to do next, most pressing first (PIs and members).
        todo: Vec<Todo>,
    },
}

/// What the home page shows `user` on `today`.
pub fn home(conn: &mut DbConnection, user: &User, today: NaiveDate, tracking: &Tracking) -> Result<Home, Failure> {
    Ok(match user.role {
        Role::Admin => Home::Admin { users: user::count(conn)? },
        Role::Staff => {
            let (guides, projects) = portfolio::count_all(conn)?;
            let waiting = evidence::queue(conn, 0, 1)?.1;
            let mine = Filter { officer_user_id: Some(user.id), ..Filter::default() };
            let in_charge = count_by_status(conn, today, &mine, &[Status::Missed, Status::Overdue, Status::AtRisk])?;
            Home::Staff { guides, projects, waiting, officer: user.id, in_charge }
        }
        Role::Pi | Role::Member | Role::Expert => Home::Own {
            projects: portfolio::list_own_projects(conn, user.id)?,
            todo: todo::for_user(conn, user, today, tracking)?,
        },
    })
}

/// The database's change counter: an answer read at one value stays right while it has not moved.
pub fn data_version(conn: &mut DbConnection) -> Result<i64, Failure> {
    Ok(data_version::current(conn)?)
}

/// What the dashboard shows of the portfolio on a date.
#[derive(Debug)]
pub struct Dashboard {
    /// How many indicators have each of the listed statuses.
    pub counts: Vec<(Status, i64)>,
    /// What the filters offer.
    pub options: FilterOptions,
    /// Who and what the list is narrowed to by id (a link from the home page or an institution's
    /// page), named so that the page can say so and offer to widen it.
    pub named: ScopeNames,
    /// How many indicators the list holds in all.
    pub total: i64,
    /// The page of the list asked for.
    pub items: Vec<OverdueItem>,
    /// The working-day calendar in force, to write due dates with their weekday and day off.
    pub calendar: WorkCalendar,
}

/// The dashboard as of `as_of`: the counts of the `listed` statuses, the filter's page of indicators
/// (`(limit, offset)`), what the filters offer, and the calendar its dates are written with.
#[expect(clippy::too_many_arguments, reason = "one read of the page's parts, kept in the read cache as one")]
pub fn dashboard(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    filter: &Filter,
    order: Order,
    listed: &[Status],
    page: (i64, i64),
    warning_days: i64,
    configured: &WorkCalendar,
) -> Result<Dashboard, Failure> {
    let counts = count_by_status(conn, as_of, filter, listed)?;
    // The listed total is the listed statuses' counts, not another count query.
    let total = counts.iter().filter(|(s, _)| filter.statuses.contains(s)).map(|(_, n)| n).sum();
    let items = page_items(conn, as_of, filter, order, page, warning_days)?;
    let named = portfolio::scope_names(conn, filter)?;
    let calendar = work_calendar::in_force(conn, configured)?;
    Ok(Dashboard { items, counts, total, options: portfolio::filter_options(conn)?, named, calendar })
}

/// Indicators of the filter's projects by status per cooperation region of their partners on a date
/// (a project with partners in two regions counts in both), as (region, status, count).
pub fn status_by_region(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    filter: &Filter,
) -> Result<Vec<(String, String, i64)>, Failure> {
    let regions = portfolio::filter_options(conn)?.regions;
    let groups = regions.into_iter().filter(|(id, _)| filter.region_id.is_none_or(|chosen| chosen == *id));
    let groups: Vec<_> = groups.map(|(id, name)| (Filter { region_id: Some(id), ..filter.clone() }, name)).collect();
    counts_by_group(conn, as_of, groups)
}

/// Indicators of the filter's projects by status per topic on a date, as ("number. title", status,
/// count).
pub fn status_by_topic(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    filter: &Filter,
) -> Result<Vec<(String, String, i64)>, Failure> {
    let topics = portfolio::filter_options(conn)?.topics;
    let groups = topics.into_iter().filter(|(id, _)| filter.topic_id.is_none_or(|chosen| chosen == *id));
    let groups: Vec<_> = groups.map(|(id, name)| (Filter { topic_id: Some(id), ..filter.clone() }, name)).collect();
    counts_by_group(conn, as_of, groups)
}

/// Each group's indicators by status, counted through the same scoped query as the dashboard's
/// counts, so that a chart and the list always agree; groups and statuses without any are left out.
fn counts_by_group(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    groups: Vec<(Filter, String)>,
) -> Result<Vec<(String, String, i64)>, Failure> {
    let mut rows = Vec::new();
    for (filter, name) in groups {
        for (status, n) in count_by_status(conn, as_of, &filter, &Status::ALL)? {
            if n > 0 {
                rows.push((name.clone(), status.as_str().to_owned(), n));
            }
        }
    }
    Ok(rows)
}

/// How many indicators of the filter's projects were overdue on each of `dates`.
pub fn overdue_trend(
    conn: &mut DbConnection,
    dates: Vec<NaiveDate>,
    filter: &Filter,
) -> Result<Vec<(NaiveDate, u32)>, Failure> {
    let mut points = Vec::with_capacity(dates.len());
    for date in dates {
        let counts = count_by_status(conn, date, filter, &[Status::Overdue])?;
        let n = counts.first().map_or(0, |(_, n)| *n);
        points.push((date, u32::try_from(n).unwrap_or(u32::MAX)));
    }
    Ok(points)
}

/// What the dashboard's search fields suggest as a name is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suggest {
    /// PIs, by name or e-mail.
    Pi,
    /// Lead institutions, by name.
    Institution,
}

/// Up to ten suggestions for `text` as (value to search for, label): a PI's e-mail with their name,
/// an institution's name. Nothing for empty text.
pub fn suggestions(conn: &mut DbConnection, field: Suggest, text: &str) -> Result<Vec<(String, String)>, Failure> {
    const MAX: i64 = 10;
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    Ok(match field {
        Suggest::Pi => {
            portfolio::suggest_pis(conn, text, MAX)?.into_iter().map(|(name, email)| (email, name)).collect()
        }
        Suggest::Institution => {
            portfolio::suggest_institutions(conn, text, MAX)?.into_iter().map(|name| (name.clone(), name)).collect()
        }
    })
}
