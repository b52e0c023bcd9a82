//! Accounts: who may log in, with which role.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::by_name::ByName;
use super::schema::users;
use crate::domain::role::Role;

/// A stored account.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    /// Primary key.
    pub id: i64,
    /// Lower-case e-mail address; the login name.
    pub email: String,
    /// Display name, usually Chinese.
    pub name: String,
    /// What the user may do.
    #[diesel(deserialize_as = ByName<Role>)]
    pub role: Role,
    /// argon2id PHC string; `None` until a password is set.
    pub password_hash: Option<String>,
    /// `zh-CN` or `en`, for e-mails and as the default page language.
    pub locale: String,
    /// The institution the user works for, if known.
    pub institution_id: Option<i64>,
    /// Contact telephone.
    pub phone: Option<String>,
    /// Inactive users cannot log in and receive no mail.
    pub active: bool,
    /// The user declined the weekly digest.
    pub digest_opt_out: bool,
    /// Set for generated passwords: the next login asks for a new one.
    pub must_change_password: bool,
    /// When the account was created (UTC).
    pub created_at: NaiveDateTime,
    /// When the account last changed (UTC).
    pub updated_at: NaiveDateTime,
    /// The last successful login (UTC).
    pub last_login_at: Option<NaiveDateTime>,
}

/// A new account.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    /// Lower-case e-mail address.
    pub email: &'a str,
    /// Display name.
    pub name: &'a str,
    /// What the user may do.
    pub role: ByName<Role>,
    /// argon2id PHC string.
    pub password_hash: Option<&'a str>,
    /// `zh-CN` or `en`.
    pub locale: &'a str,
    /// Employer.
    pub institution_id: Option<i64>,
    /// Whether the first login must replace the password.
    pub must_change_password: bool,
    /// Creation time (UTC).
    pub created_at: NaiveDateTime,
    /// Same as `created_at`.
    pub updated_at: NaiveDateTime,
}

/// What an administrator may change on an account.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges<'a> {
    /// Display name.
    pub name: &'a str,
    /// What the user may do.
    pub role: ByName<Role>,
    /// `zh-CN` or `en`.
    pub locale: &'a str,
    /// Employer; `None` clears it.
    pub institution_id: Option<Option<i64>>,
    /// Whether the account may log in.
    pub active: bool,
    /// Change time (UTC).
    pub updated_at: NaiveDateTime,
}

/// E-mail addresses are compared without regard to case or surrounding space.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Inserts an account and returns its id.
pub fn insert(conn: &mut DbConnection, user: &NewUser<'_>) -> QueryResult<i64> {
    diesel::insert_into(users::table).values(user).returning(users::id).get_result(conn)
}

/// The account with this id.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<User>> {
    users::table.find(id).select(User::as_select()).first(conn).optional()
}

/// The display names of some accounts, by id (for history rows that name their actor).
pub fn names(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<std::collections::HashMap<i64, String>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

/// The account with this e-mail address (compared case-insensitively).
pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
    users::table.filter(users::email.eq(normalize_email(email))).select(User::as_select()).first(conn).optional()
}

/// Every account, ordered by role then name.
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<User>> {
    users::table.order((users::role.asc(), users::name.asc())).select(User::as_select()).load(conn)
}

/// A page of the accounts whose name or e-mail holds `text` (every account when it is empty), in the
/// order of [`list`], and how many match in all.
pub fn search(conn: &mut DbConnection, text: &str, offset: i64, limit: i64) -> QueryResult<(Vec<User>, i64)> {
    use super::search::{containing, lower};
    let pattern = containing(text.trim());
    let matching = || -> users::BoxedQuery<'_, <DbConnection as Connection>::Backend> {
        users::table
            .filter(
                lower(users::name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(users::email).like(pattern.clone()).escape('\\')),
            )
            .into_boxed()
    };
    let total = matching().count().get_result(conn)?;
    let page = matching()
        .order((users::role.asc(), users::name.asc(), users::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(User::as_select())
        .load(conn)?;
    Ok((page, total))
}

/// How many accounts exist.
pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

/// Replaces the password hash; `must_change` marks a generated one.
pub fn set_password(
    conn: &mut DbConnection,
    id: i64,
    hash: &str,
    must_change: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::must_change_password.eq(must_change), users::updated_at.eq(now)))
        .execute(conn)
}

/// Applies an administrator's changes.
pub fn update(conn: &mut DbConnection, id: i64, changes: &UserChanges<'_>) -> QueryResult<usize> {
    diesel::update(users::table.find(id)).set(changes).execute(conn)
}

/// Records a successful login.
pub fn touch_login(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id)).set(users::last_login_at.eq(now)).execute(conn)
}

/// How many active administrators remain, so that the last one cannot be demoted or disabled.
pub fn count_active_admins(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table.filter(users::role.eq(ByName(Role::Admin))).filter(users::active.eq(true)).count().get_result(conn)
}

/// Sets what the user chose on the notifications page: the language of their e-mails and whether
/// they decline the weekly digest.
pub fn set_notifications(
    conn: &mut DbConnection,
    id: i64,
    locale: &str,
    digest_opt_out: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::locale.eq(locale), users::digest_opt_out.eq(digest_opt_out), users::updated_at.eq(now)))
        .execute(conn)
}
