//! Calendars: the holiday calendar in force (节假日安排) and the years administrators enter into
//! it, and each user's checkpoint feed, served at a secret address to calendar programs, which
//! cannot log in. Feed tokens are hashed here, so that only their hashes are stored.

use chrono::{NaiveDate, NaiveDateTime};

use super::account::User;
use crate::auth::secret;
use crate::db::DbConnection;
use crate::db::calendar;
/// One checkpoint in a feed.
pub use crate::db::calendar::FeedCheckpoint;
use crate::db::work_calendar;
/// A year an administrator entered.
pub use crate::db::work_calendar::StoredYear;
use crate::domain::refusal::{Failure, Refusal};
use crate::domain::workdays::{BadDates, WorkCalendar, YearArrangement};

/// The years the holiday calendar in force (`configured` with the entered years in their place)
/// lacks, from `today` to the end of the last open project: what the calendar and reminder pages
/// and the administrators' dashboard warn of.
pub fn missing_years(
    conn: &mut DbConnection,
    configured: &WorkCalendar,
    today: NaiveDate,
) -> Result<Vec<i32>, Failure> {
    let calendar = work_calendar::in_force(conn, configured)?;
    Ok(work_calendar::missing_years(conn, &calendar, today, 0)?)
}

/// Every year administrators entered, in order.
pub fn entered_years(conn: &mut DbConnection) -> Result<Vec<StoredYear>, Failure> {
    Ok(work_calendar::list_years(conn)?)
}

/// Enters (or replaces) a year's arrangement with its audit row, after checking it: the inner
/// `Err` names the dates that cannot be used, and then nothing is written.
pub fn save_year(
    conn: &mut DbConnection,
    year: i32,
    arrangement: &YearArrangement,
    source: &str,
    actor: i64,
    now: NaiveDateTime,
) -> Result<Result<(), BadDates>, Failure> {
    Ok(work_calendar::save_year(conn, year, arrangement, source, actor, now)?)
}

/// Removes an entered year, so that the built-in or configured arrangement (if any) applies again;
/// nothing is written when it is not entered.
pub fn delete_year(conn: &mut DbConnection, year: i32, actor: i64, now: NaiveDateTime) -> Result<(), Failure> {
    work_calendar::delete_year(conn, year, actor, now)?;
    Ok(())
}

/// Since when the user has a feed address, if they have one.
pub fn feed_created_at(conn: &mut DbConnection, user_id: i64) -> Result<Option<NaiveDateTime>, Failure> {
    Ok(calendar::created_at(conn, user_id)?)
}

/// Makes a new feed token for the user, replacing any earlier one (whose address stops working), and
/// returns it, to show once; only its hash is kept.
pub fn renew_feed(conn: &mut DbConnection, user_id: i64, now: NaiveDateTime) -> Result<String, Failure> {
    let token = secret::random_token();
    calendar::renew(conn, user_id, &secret::hash(&token), now)?;
    Ok(token)
}

/// The feed a token opens: its active user and the current plans' checkpoints of their projects, by
/// due date. An unknown or replaced token is not found.
pub fn feed(conn: &mut DbConnection, token: &str) -> Result<(User, Vec<FeedCheckpoint>), Failure> {
    let user = calendar::find_user(conn, &secret::hash(token))?.ok_or(Failure::Refused(Refusal::NotFound))?;
    let checkpoints = calendar::checkpoints(conn, &user)?;
    Ok((user, checkpoints))
}
