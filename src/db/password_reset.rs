//! One-time password-reset links sent by e-mail; valid for a short time, usable once, and only
//! while the password they would replace is still the user's.
//!
//! A row never holds a link's token, only its hash. The token itself is made when the message is
//! sent (see `app::password_reset`): until then the row holds the hash of a random value nobody
//! keeps, so nothing stored (the outbox, a backup) ever contains a usable link.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;

/// A reset link works for this long after it is sent.
pub const LINK_HOURS: i64 = 2;
use super::schema::password_resets;

/// Stores a reset link for a user, to be given its token when it is sent ([`mint`]); returns its
/// id. `placeholder` is the hash of a random value nobody keeps, so no link opens the row until then.
pub fn insert(
    conn: &mut DbConnection,
    user_id: i64,
    placeholder: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::user_id.eq(user_id),
            password_resets::token_hash.eq(placeholder),
            password_resets::created_at.eq(now),
            password_resets::expires_at.eq(expires_at),
        ))
        .returning(password_resets::id)
        .get_result(conn)
}

/// Gives a live link the token about to be sent (its hash), valid until `expires_at`; returns the
/// user it is for, or `None` when the link was used, withdrawn or has expired, so that nothing is
/// sent. A token minted earlier for the same row (a send that failed) stops working.
pub fn mint(
    conn: &mut DbConnection,
    id: i64,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    let live = password_resets::table
        .filter(password_resets::id.eq(id))
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(now));
    let updated = diesel::update(live)
        .set((password_resets::token_hash.eq(token_hash), password_resets::expires_at.eq(expires_at)))
        .execute(conn)?;
    if updated == 0 {
        return Ok(None);
    }
    password_resets::table.find(id).select(password_resets::user_id).first(conn).map(Some)
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
/// submissions cannot both succeed. The new password then ends the user's other links
/// ([`invalidate_for_user`]).
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

/// Ends every link of a user not yet used: the password they were sent to replace has changed (by
/// one of them, by the user, or by an administrator). Returns how many.
pub fn invalidate_for_user(conn: &mut DbConnection, user_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        password_resets::table.filter(password_resets::user_id.eq(user_id)).filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(now))
    .execute(conn)
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
