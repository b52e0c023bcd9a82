//! Server-side login sessions. The cookie holds a random token; only its hash is stored, so a
//! stolen database does not yield usable sessions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{sessions, users};
use super::user::User;

/// A new session row.
#[derive(Debug, Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    /// SHA-256 of the cookie token, hex.
    pub token_hash: &'a str,
    /// Whose session.
    pub user_id: i64,
    /// Start (UTC).
    pub created_at: NaiveDateTime,
    /// Last request (UTC).
    pub last_seen_at: NaiveDateTime,
    /// Absolute end (UTC).
    pub expires_at: NaiveDateTime,
    /// Client address at login.
    pub ip: Option<&'a str>,
    /// Browser at login.
    pub user_agent: Option<&'a str>,
}

/// Stores a session.
pub fn insert(conn: &mut DbConnection, session: &NewSession<'_>) -> QueryResult<usize> {
    diesel::insert_into(sessions::table).values(session).execute(conn)
}

/// The live session with this token hash and its active user, if neither has expired. `idle_since`
/// is the earliest `last_seen_at` still considered active.
pub fn find_live(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
    idle_since: NaiveDateTime,
) -> QueryResult<Option<(i64, NaiveDateTime, User)>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now))
        .filter(sessions::last_seen_at.gt(idle_since))
        .filter(users::active.eq(true))
        .select((sessions::id, sessions::last_seen_at, User::as_select()))
        .first(conn)
        .optional()
}

/// `last_seen_at` of a session (and `last_used_at` of an API token) is written at most this often,
/// so that most requests do not write.
pub const TOUCH_AFTER_SECONDS: i64 = 60;

/// Marks the session as used now.
pub fn touch(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(sessions::table.find(id)).set(sessions::last_seen_at.eq(now)).execute(conn)
}

/// Ends one session (logout).
pub fn delete_by_hash(conn: &mut DbConnection, token_hash: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(conn)
}

/// Ends every session of a user (password change or reset, deactivation).
pub fn delete_for_user(conn: &mut DbConnection, user_id: i64) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
}

/// Ends every session of a user except one (password change keeps the current browser in).
pub fn delete_others(conn: &mut DbConnection, user_id: i64, keep_id: i64) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id)).filter(sessions::id.ne(keep_id))).execute(conn)
}

/// Removes sessions that can no longer be used.
pub fn delete_expired(conn: &mut DbConnection, now: NaiveDateTime, idle_since: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::expires_at.le(now).or(sessions::last_seen_at.le(idle_since))))
        .execute(conn)
}
