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
pub use crate::db::portfolio::FilterOptions;
use crate::db::{DbConnection, data_version, portfolio, user};
use crate::domain::refusal::Failure;
use crate::domain::role::Role;
use crate::domain::status::Status;

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

/// The users whose e-mail or name is exactly `text` and who lead a project, for the dashboard's PI
/// field.
pub fn find_pis(conn: &mut DbConnection, text: &str) -> Result<Vec<i64>, Failure> {
    Ok(portfolio::find_pis(conn, text)?)
}

/// What the dashboard shows of the portfolio on a date.
#[derive(Debug)]
pub struct Dashboard {
    /// How many indicators have each of the listed statuses.
    pub counts: Vec<(Status, i64)>,
    /// What the filters offer.
    pub options: FilterOptions,
    /// The e-mail of the PI the list is filtered by, shown in the PI field.
    pub pi_email: Option<String>,
    /// How many indicators the list holds in all.
    pub total: i64,
    /// The page of the list asked for.
    pub items: Vec<OverdueItem>,
}

/// The dashboard as of `as_of`: the counts of the `listed` statuses, the filter's page of indicators
/// (`(limit, offset)`), and what the filters offer.
pub fn dashboard(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    filter: &Filter,
    order: Order,
    listed: &[Status],
    page: (i64, i64),
    warning_days: i64,
) -> Result<Dashboard, Failure> {
    let counts = count_by_status(conn, as_of, filter, listed)?;
    // The listed total is the listed statuses' counts, not another count query.
    let total = counts.iter().filter(|(s, _)| filter.statuses.contains(s)).map(|(_, n)| n).sum();
    let items = page_items(conn, as_of, filter, order, page, warning_days)?;
    let pi_email = filter.pi_user_id.map(|id| portfolio::email_of(conn, id)).transpose()?.flatten();
    Ok(Dashboard { items, counts, total, options: portfolio::filter_options(conn)?, pi_email })
}

/// Indicators by status per cooperation region on a date, as (region, status, count).
pub fn status_by_region(conn: &mut DbConnection, as_of: NaiveDate) -> Result<Vec<(String, String, i64)>, Failure> {
    Ok(portfolio::status_by_region(conn, as_of)?)
}

/// Indicators by status per topic on a date, as (topic, status, count).
pub fn status_by_topic(conn: &mut DbConnection, as_of: NaiveDate) -> Result<Vec<(String, String, i64)>, Failure> {
    Ok(portfolio::status_by_topic(conn, as_of)?)
}

/// How many indicators were overdue on each of `dates`.
pub fn overdue_trend(conn: &mut DbConnection, dates: Vec<NaiveDate>) -> Result<Vec<(NaiveDate, u32)>, Failure> {
    let mut points = Vec::with_capacity(dates.len());
    for date in dates {
        let counts = count_by_status(conn, date, &Filter::default(), &[Status::Overdue])?;
        let n = counts.first().map_or(0, |(_, n)| *n);
        points.push((date, u32::try_from(n).unwrap_or(u32::MAX)));
    }
    Ok(points)
}
