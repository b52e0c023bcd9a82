//! Sessions: logging in and out, and who a session cookie or an API token stands for. Tokens are
//! hashed here, so that only their hashes reach the database.

use chrono::NaiveDateTime;

use crate::auth::{password, secret};
use crate::db::DbConnection;
use crate::db::session::{self, NewSession};
use crate::db::user::{self, User};
use crate::domain::refusal::Failure;

/// `last_seen_at` of a session is written at most this often, so that most requests do not write.
const TOUCH_AFTER_SECONDS: i64 = session::TOUCH_AFTER_SECONDS;

/// The address typed on the login form as accounts are stored under it (trimmed, lower case), so
/// that the back-off counts one address however it is typed.
pub fn login_name(typed: &str) -> String {
    user::normalize_email(typed)
}

/// A login attempt.
#[derive(Debug, Clone, Copy)]
pub struct LoginInput<'a> {
    /// The address typed, normalised ([`login_name`]).
    pub email: &'a str,
    /// The password typed.
    pub password: &'a str,
    /// The client address, kept with the session.
    pub ip: &'a str,
    /// The browser, kept for the user's own review of sessions.
    pub user_agent: Option<&'a str>,
    /// When the new session ends even if in use.
    pub expires_at: NaiveDateTime,
}

/// What a login attempt came to.
#[derive(Debug)]
pub enum Login {
    /// The password was right and a session started.
    LoggedIn {
        /// The account.
        user_id: i64,
        /// The new session's token, for the cookie (only its hash is stored).
        token: String,
        /// The account's password hash, which the browser's device cookie is keyed under.
        password_hash: String,
    },
    /// Wrong address or password, or an inactive account.
    Failed,
}

/// Checks a password and starts a fresh session (a new token every time, so a planted cookie is
/// worthless). `before_password` is told the account the address names (its id and password hash)
/// and may refuse the attempt before the password is looked at, so that a locked attempt learns
/// nothing; its error is returned as it is.
pub fn login<E: From<Failure>>(
    conn: &mut DbConnection,
    input: &LoginInput<'_>,
    now: NaiveDateTime,
    before_password: impl FnOnce(Option<(i64, &str)>) -> Result<(), E>,
) -> Result<Login, E> {
    let found = user::find_by_email(conn, input.email).map_err(Failure::from)?;
    let stored_hash = found.as_ref().and_then(|u| Some((u.id, u.password_hash.clone()?)));
    before_password(stored_hash.as_ref().map(|(id, hash)| (*id, hash.as_str())))?;
    let matches = password::verify(input.password, stored_hash.as_ref().map(|(_, hash)| hash.as_str()));
    let (Some(user), Some((_, password_hash))) = (found.filter(|u| matches && u.active), stored_hash) else {
        return Ok(Login::Failed);
    };
    let token = secret::random_token();
    session::insert(
        conn,
        &NewSession {
            token_hash: &secret::hash(&token),
            user_id: user.id,
            created_at: now,
            last_seen_at: now,
            expires_at: input.expires_at,
            ip: Some(input.ip),
            user_agent: input.user_agent,
        },
    )
    .map_err(Failure::from)?;
    user::touch_login(conn, user.id, now).map_err(Failure::from)?;
    Ok(Login::LoggedIn { user_id: user.id, token, password_hash })
}

/// The live session a cookie's token opens and its active user, marking it used (at most once a
/// minute); `None` when it has expired, been idle since before `idle_since`, or ended.
pub fn resume(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
    idle_since: NaiveDateTime,
) -> Result<Option<(i64, User)>, Failure> {
    let found = session::find_live(conn, &secret::hash(token), now, idle_since)?;
    if let Some((id, last_seen, _)) = &found
        && (now - *last_seen).num_seconds() >= TOUCH_AFTER_SECONDS
    {
        session::touch(conn, *id, now)?;
    }
    Ok(found.map(|(id, _, user)| (id, user)))
}

/// Ends the session a cookie's token opens (logout), on the server and not only in the browser.
pub fn logout(conn: &mut DbConnection, token: &str) -> Result<(), Failure> {
    session::delete_by_hash(conn, &secret::hash(token))?;
    Ok(())
}

/// The active user behind a live API token, recording its use.
pub fn api_user(conn: &mut DbConnection, token: &str, now: NaiveDateTime) -> Result<Option<User>, Failure> {
    Ok(crate::db::api_token::authenticate(conn, &secret::hash(token), now)?)
}
