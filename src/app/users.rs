//! Administering accounts: the list, one account, changing its name, role, language, institution
//! and whether it is active, and replacing its password with a generated one. Creating an account
//! is [`super::account::create`], shared with the command line.

use chrono::NaiveDateTime;
use serde_json::json;

use super::account::{self, PasswordChange, User};
use crate::auth::secret;
use crate::db::DbConnection;
use crate::db::audit::{self, AuditEntry};
use crate::db::by_name::ByName;
use crate::db::user::{self, UserChanges};
use crate::domain::refusal::{Failure, Refusal};
use crate::domain::role::Role;
use crate::i18n::Locale;

/// A page of the accounts whose name or e-mail holds `text` (all when empty), and how many match.
pub fn search(conn: &mut DbConnection, text: &str, offset: i64, limit: i64) -> Result<(Vec<User>, i64), Failure> {
    Ok(user::search(conn, text, offset, limit)?)
}

/// One account; `NotFound` when there is none.
pub fn find(conn: &mut DbConnection, id: i64) -> Result<User, Failure> {
    user::find(conn, id)?.ok_or(Failure::Refused(Refusal::NotFound))
}

/// The institutions an account may belong to, as (id, name), for the form's list.
pub fn institution_choices(conn: &mut DbConnection) -> Result<Vec<(i64, String)>, Failure> {
    Ok(crate::db::institution::list(conn)?.into_iter().map(|(i, _)| (i.id, i.name)).collect())
}

/// What an administrator changes of an account.
#[derive(Debug, Clone)]
pub struct AccountChanges {
    /// Display name, as typed (checked here).
    pub name: String,
    /// Role.
    pub role: Role,
    /// Preferred language.
    pub locale: Locale,
    /// Employer.
    pub institution_id: Option<i64>,
    /// Whether the account may log in.
    pub active: bool,
}

/// Saves an account's changes with an audit row. The last active administrator cannot be demoted
/// or deactivated (a conflict); deactivation ends the account's sessions at once.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    changes: &AccountChanges,
    actor: i64,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    let name = account::check_name(&changes.name).map_err(|e| Failure::Refused(Refusal::Validation(vec![e])))?;
    let AccountChanges { role, locale, institution_id, active, .. } = *changes;
    crate::db::write_transaction(conn, |conn| {
        let before = user::find(conn, id)?.ok_or(Failure::Refused(Refusal::NotFound))?;
        let loses_admin = before.role == Role::Admin && before.active && (role != Role::Admin || !active);
        if loses_admin && user::count_active_admins(conn)? <= 1 {
            return Err(Failure::Refused(Refusal::Conflict("account.last_admin")));
        }
        let stored = UserChanges {
            name: &name,
            role: ByName(role),
            locale: locale.tag(),
            institution_id: Some(institution_id),
            active,
            updated_at: now,
        };
        user::update(conn, id, &stored)?;
        if !active {
            crate::db::session::delete_for_user(conn, id)?;
        }
        let detail = json!({ "name": name, "role": role, "locale": locale.tag(), "institution_id": institution_id, "active": active });
        let entry = AuditEntry {
            actor: Some(actor),
            action: "user.update",
            entity: "user",
            entity_id: Some(id),
            project_id: None,
            detail,
            ip: None,
        };
        audit::record(conn, &entry, now)?;
        Ok(())
    })
}

/// Replaces an account's password with a generated one-time password, which must be changed at the
/// next login; returns the account's address and the password, to show once.
pub fn reset_password(
    conn: &mut DbConnection,
    id: i64,
    actor: i64,
    now: NaiveDateTime,
) -> Result<(String, String), Failure> {
    let found = find(conn, id)?;
    let password = secret::generated_password();
    account::set_password(conn, id, &password, PasswordChange::Reset { must_change: true }, Some(actor), now)?;
    Ok((found.email, password))
}
