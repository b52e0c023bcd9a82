//! Calendar feeds: each user's secret feed address (only its hash is stored) and the checkpoints the
//! feed lists: the current plans of the projects the user leads or belongs to, and for commission staff
//! the projects they are the officer in charge of.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{calendar_feeds, indicators, milestones, project_members, projects, users};
use super::user::User;

/// Stores the hash of the user's new feed token, replacing any earlier one (whose address stops
/// working).
pub fn renew(conn: &mut DbConnection, user_id: i64, token_hash: &str, now: NaiveDateTime) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        diesel::delete(calendar_feeds::table.find(user_id)).execute(conn)?;
        diesel::insert_into(calendar_feeds::table)
            .values((
                calendar_feeds::user_id.eq(user_id),
                calendar_feeds::token_hash.eq(token_hash),
                calendar_feeds::created_at.eq(now),
            ))
            .execute(conn)
    })?;
    Ok(())
}

/// Whether the user has a feed address, and since when.
pub fn created_at(conn: &mut DbConnection, user_id: i64) -> QueryResult<Option<NaiveDateTime>> {
    calendar_feeds::table.find(user_id).select(calendar_feeds::created_at).first(conn).optional()
}

/// The active user whose feed token has this hash.
pub fn find_user(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<User>> {
    calendar_feeds::table
        .inner_join(users::table)
        .filter(calendar_feeds::token_hash.eq(token_hash))
        .filter(users::active.eq(true))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// One checkpoint in a feed.
#[derive(Debug, Clone)]
pub struct FeedCheckpoint {
    /// The milestone row (stable across requests, so calendars update the event in place).
    pub milestone_id: i64,
    /// Due date.
    pub due_on: NaiveDate,
    /// Kind name (`mid_term`, `end_of_term` …).
    pub kind: String,
    /// Planned value.
    pub planned: Option<f64>,
    /// The indicator's metric.
    pub metric: String,
    /// Its unit.
    pub unit: Option<String>,
    /// 项目编号.
    pub project_code: String,
    /// Project title.
    pub project_title: String,
}

/// The current plans' checkpoints of the user's projects, by due date.
pub fn checkpoints(conn: &mut DbConnection, user: &User) -> QueryResult<Vec<FeedCheckpoint>> {
    let member_of: Vec<i64> = project_members::table
        .filter(project_members::user_id.eq(user.id))
        .select(project_members::project_id)
        .load(conn)?;
    let mut project_ids: Vec<i64> = projects::table
        .filter(projects::pi_user_id.eq(user.id).or(projects::id.eq_any(&member_of)))
        .select(projects::id)
        .load(conn)?;
    if user.role.sees_portfolio() {
        project_ids.extend(
            projects::table.filter(projects::officer_user_id.eq(user.id)).select(projects::id).load::<i64>(conn)?,
        );
    }
    type Row = (i64, NaiveDate, String, Option<f64>, String, Option<String>, String, String);
    let rows: Vec<Row> = milestones::table
        .inner_join(indicators::table.inner_join(projects::table))
        .filter(milestones::superseded_at.is_null())
        .filter(projects::id.eq_any(&project_ids))
        .order((milestones::due_on.asc(), milestones::id.asc()))
        .select((
            milestones::id,
            milestones::due_on,
            milestones::kind,
            milestones::planned_value,
            indicators::metric,
            indicators::unit,
            projects::code,
            projects::title,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(milestone_id, due_on, kind, planned, metric, unit, project_code, project_title)| FeedCheckpoint {
            milestone_id,
            due_on,
            kind,
            planned,
            metric,
            unit,
            project_code,
            project_title,
        })
        .collect())
}
