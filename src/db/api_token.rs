//! Bearer tokens for the JSON API. Stored hashed; listed by name and prefix; revoked, not deleted,
//! so that the audit trail can still name them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{api_tokens, users};
use super::session::TOUCH_AFTER_SECONDS;
use super::user::User;

/// A stored token (never its secret).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    /// Primary key.
    pub id: i64,
    /// Owner.
    pub user_id: i64,
    /// What the owner called it.
    pub name: String,
    /// The first characters of the secret, so the owner can tell tokens apart.
    pub token_hash: String,
    /// The first characters of the token.
    pub token_prefix: String,
    /// Creation (UTC).
    pub created_at: NaiveDateTime,
    /// Last use (UTC).
    pub last_used_at: Option<NaiveDateTime>,
    /// Expiry (UTC), if any.
    pub expires_at: Option<NaiveDateTime>,
    /// Revocation (UTC), if revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

/// A new token row.
#[derive(Debug, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewApiToken<'a> {
    /// Owner.
    pub user_id: i64,
    /// Label.
    pub name: &'a str,
    /// SHA-256 of the secret, hex.
    pub token_hash: &'a str,
    /// Visible prefix.
    pub token_prefix: &'a str,
    /// Creation (UTC).
    pub created_at: NaiveDateTime,
    /// Expiry (UTC): every new token has one; only tokens made before that rule may lack it, and
    /// the migration that made the rule gave them one too.
    pub expires_at: NaiveDateTime,
}

/// Stores a token and returns its id.
pub fn insert(conn: &mut DbConnection, token: &NewApiToken<'_>) -> QueryResult<i64> {
    diesel::insert_into(api_tokens::table).values(token).returning(api_tokens::id).get_result(conn)
}

/// A user's tokens, newest first, revoked ones included.
pub fn list_for_user(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<ApiToken>> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .order(api_tokens::id.desc())
        .select(ApiToken::as_select())
        .load(conn)
}

/// The active user behind a live token, recording its use (at most once every
/// [`TOUCH_AFTER_SECONDS`], so that reads through the API do not each write).
pub fn authenticate(conn: &mut DbConnection, token_hash: &str, now: NaiveDateTime) -> QueryResult<Option<User>> {
    let found = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.is_null().or(api_tokens::expires_at.gt(now)))
        .filter(users::active.eq(true))
        .select((api_tokens::id, api_tokens::last_used_at, User::as_select()))
        .first::<(i64, Option<NaiveDateTime>, User)>(conn)
        .optional()?;
    if let Some((id, last_used, _)) = &found
        && last_used.is_none_or(|at| (now - at).num_seconds() >= TOUCH_AFTER_SECONDS)
    {
        diesel::update(api_tokens::table.find(id)).set(api_tokens::last_used_at.eq(now)).execute(conn)?;
    }
    Ok(found.map(|(_, _, user)| user))
}

/// Revokes every live token of a user (a password reset); returns how many.
pub fn revoke_all_for_user(conn: &mut DbConnection, user_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(api_tokens::table.filter(api_tokens::user_id.eq(user_id)).filter(api_tokens::revoked_at.is_null()))
        .set(api_tokens::revoked_at.eq(now))
        .execute(conn)
}

/// Revokes one of the user's own tokens; returns whether a live token was revoked.
pub fn revoke(conn: &mut DbConnection, user_id: i64, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::user_id.eq(user_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now))
    .execute(conn)
    .map(|n| n == 1)
}
