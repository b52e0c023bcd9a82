//! One-time password-reset tokens sent by e-mail; stored hashed, valid for a short time, usable once.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::password_resets;

/// Stores a reset token for a user.
pub fn insert(
    conn: &mut DbConnection,
    user_id: i64,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::user_id.eq(user_id),
            password_resets::token_hash.eq(token_hash),
            password_resets::created_at.eq(now),
            password_resets::expires_at.eq(expires_at),
        ))
        .execute(conn)
}

/// The user a live, unused token belongs to.
pub fn find_user(conn: &mut DbConnection, token_hash: &str, now: NaiveDateTime) -> QueryResult<Option<i64>> {
    password_resets::table
        .filter(password_resets::token_hash.eq(token_hash))
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(now))
        .select(password_resets::user_id)
        .first(conn)
        .optional()
}

/// Uses up a token; returns false when it was already used or has expired, so two simultaneous
/// submissions cannot both succeed.
pub fn consume(conn: &mut DbConnection, token_hash: &str, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        password_resets::table
            .filter(password_resets::token_hash.eq(token_hash))
            .filter(password_resets::used_at.is_null())
            .filter(password_resets::expires_at.gt(now)),
    )
    .set(password_resets::used_at.eq(now))
    .execute(conn)
    .map(|n| n == 1)
}

/// How many links were requested for a user since `since`, to throttle requests.
pub fn count_since(conn: &mut DbConnection, user_id: i64, since: NaiveDateTime) -> QueryResult<i64> {
    password_resets::table
        .filter(password_resets::user_id.eq(user_id))
        .filter(password_resets::created_at.gt(since))
        .count()
        .get_result(conn)
}

/// Removes links that can no longer be used.
pub fn delete_spent(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        password_resets::table.filter(password_resets::used_at.is_not_null().or(password_resets::expires_at.le(now))),
    )
    .execute(conn)
}
