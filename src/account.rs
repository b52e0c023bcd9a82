//! Creating accounts and setting passwords: the rules shared by the admin pages, the CLI, the
//! first start and the demo data, each change written with its audit row in one transaction.

use chrono::NaiveDateTime;
use serde_json::json;

use crate::auth::{password, secret};
use crate::db::DbConnection;
use crate::db::audit::{self, AuditEntry};
use crate::db::user::{self, NewUser, normalize_email};
use crate::domain::role::Role;
use crate::domain::timestamp;
use crate::error::{AppError, FieldError};
use crate::i18n::Locale;

/// The longest display name accepted.
const MAX_NAME_CHARS: usize = 100;

/// An account to create.
#[derive(Debug, Clone)]
pub struct AccountInput {
    /// Login address (normalised to lower case).
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Preferred language.
    pub locale: Locale,
    /// Employer.
    pub institution_id: Option<i64>,
    /// A chosen password; `None` generates one that must be changed at first login.
    pub password: Option<String>,
}

/// A created account.
#[derive(Debug)]
pub struct Created {
    /// The new id.
    pub id: i64,
    /// The address as stored (normalised).
    pub email: String,
    /// The generated one-time password, to show once.
    pub generated_password: Option<String>,
}

/// Checks an e-mail address: something mail can be delivered to, of sane length.
pub fn check_email(email: &str) -> Result<String, FieldError> {
    let email = normalize_email(email);
    let valid = !email.is_empty()
        && email.len() <= 254
        && email.parse::<lettre::Address>().is_ok()
        && email.rsplit_once('@').is_some_and(|(_, domain)| domain.contains('.') || domain == "localhost");
    if valid { Ok(email) } else { Err(FieldError { field: "email", message: "account.email_invalid" }) }
}

/// Checks a display name: present, printable, not too long.
pub fn check_name(name: &str) -> Result<String, FieldError> {
    let name = name.trim();
    if name.is_empty() || !crate::domain::text::is_line(name, MAX_NAME_CHARS) {
        Err(FieldError { field: "name", message: "account.name_invalid" })
    } else {
        Ok(name.to_owned())
    }
}

fn check_password(password: &str) -> Result<(), FieldError> {
    password::check_policy(password).map_err(|p| FieldError { field: "password", message: p.message_key() })
}

/// Creates an account after validating it; duplicates are a conflict.
pub fn create(
    conn: &mut DbConnection,
    input: &AccountInput,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<Created, AppError> {
    let mut errors = Vec::new();
    let email = check_email(&input.email).map_err(|e| errors.push(e)).ok();
    let name = check_name(&input.name).map_err(|e| errors.push(e)).ok();
    if let Some(Err(e)) = input.password.as_deref().map(check_password) {
        errors.push(e);
    }
    let (Some(email), Some(name), true) = (email, name, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let generated = input.password.is_none().then(secret::generated_password);
    let chosen = input.password.as_deref().or(generated.as_deref()).unwrap_or_default();
    let hash = password::hash(chosen)?;
    crate::db::write_transaction(conn, |conn| {
        if user::find_by_email(conn, &email)?.is_some() {
            return Err(AppError::Conflict("account.email_taken"));
        }
        let id = user::insert(
            conn,
            &NewUser {
                email: &email,
                name: &name,
                role: input.role.as_str(),
                password_hash: Some(&hash),
                locale: input.locale.tag(),
                institution_id: input.institution_id,
                must_change_password: generated.is_some(),
                created_at: now,
                updated_at: now,
            },
        )?;
        let detail = json!({ "email": email, "name": name, "role": input.role, "locale": input.locale.tag() });
        audit::record(
            conn,
            &AuditEntry {
                actor,
                action: "user.create",
                entity: "user",
                entity_id: Some(id),
                project_id: None,
                detail,
                ip: None,
            },
            now,
        )?;
        Ok(Created { id, email: email.clone(), generated_password: generated.clone() })
    })
}

/// Sets a user's password. `must_change` marks a generated one; the user's sessions end unless one
/// is kept (the browser that changed it).
pub fn set_password(
    conn: &mut DbConnection,
    user_id: i64,
    new_password: &str,
    must_change: bool,
    keep_session: Option<i64>,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    check_password(new_password).map_err(|e| AppError::Validation(vec![e]))?;
    let hash = password::hash(new_password)?;
    crate::db::write_transaction(conn, |conn| {
        if user::set_password(conn, user_id, &hash, must_change, now)? == 0 {
            return Err(AppError::NotFound);
        }
        match keep_session {
            Some(keep) => crate::db::session::delete_others(conn, user_id, keep)?,
            None => crate::db::session::delete_for_user(conn, user_id)?,
        };
        let detail = json!({ "generated": must_change });
        audit::record(
            conn,
            &AuditEntry {
                actor,
                action: "user.password",
                entity: "user",
                entity_id: Some(user_id),
                project_id: None,
                detail,
                ip: None,
            },
            now,
        )?;
        Ok(())
    })
}

/// The longest lifetime an API token may be given.
pub const MAX_TOKEN_DAYS: i64 = 3650;

/// When a token asked to live `days` days expires; `None` lives until revoked.
pub fn token_expiry(days: Option<i64>, now: NaiveDateTime) -> Result<Option<NaiveDateTime>, AppError> {
    match days {
        None => Ok(None),
        Some(d) if (1..=MAX_TOKEN_DAYS).contains(&d) => Ok(Some(now + chrono::Duration::days(d))),
        Some(_) => Err(AppError::field("expires_in_days", "token.days_invalid")),
    }
}

/// Issues an API token for a user; returns its id and the secret, which is shown once and never
/// stored.
pub fn issue_token(
    conn: &mut DbConnection,
    user_id: i64,
    name: &str,
    expires_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<(i64, String), AppError> {
    let name = name.trim();
    if name.is_empty() || !crate::domain::text::is_line(name, MAX_NAME_CHARS) {
        return Err(AppError::field("name", "token.name_invalid"));
    }
    let token = secret::api_token();
    let hash = secret::hash(&token);
    let prefix: String = token.chars().take(secret::API_TOKEN_PREFIX.len() + 6).collect();
    crate::db::write_transaction(conn, |conn| {
        let id = crate::db::api_token::insert(
            conn,
            &crate::db::api_token::NewApiToken {
                user_id,
                name,
                token_hash: &hash,
                token_prefix: &prefix,
                created_at: now,
                expires_at,
            },
        )?;
        let detail =
            json!({ "name": name, "prefix": prefix, "expires_at": expires_at.as_ref().map(timestamp::rfc3339) });
        audit::record(
            conn,
            &AuditEntry {
                actor: Some(user_id),
                action: "token.create",
                entity: "api_token",
                entity_id: Some(id),
                project_id: None,
                detail,
                ip: None,
            },
            now,
        )?;
        Ok((id, token))
    })
}

/// Revokes one of a user's tokens; `NotFound` when it is not theirs or already revoked.
pub fn revoke_token(conn: &mut DbConnection, user_id: i64, token_id: i64, now: NaiveDateTime) -> Result<(), AppError> {
    crate::db::write_transaction(conn, |conn| {
        if !crate::db::api_token::revoke(conn, user_id, token_id, now)? {
            return Err(AppError::NotFound);
        }
        let detail = json!({});
        audit::record(
            conn,
            &AuditEntry {
                actor: Some(user_id),
                action: "token.revoke",
                entity: "api_token",
                entity_id: Some(token_id),
                project_id: None,
                detail,
                ip: None,
            },
            now,
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(check_email("  Li.Wei@Example.ORG ").unwrap(), "li.wei@example.org");
        assert_eq!(check_email("admin@localhost").unwrap(), "admin@localhost");
        for bad in ["", "no-at-sign", "a@b", "two@@example.org", "spa ce@example.org"] {
            assert!(check_email(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn names_must_be_present_and_printable() {
        assert_eq!(check_name(" 王小明 ").unwrap(), "王小明");
        assert!(check_name("   ").is_err());
        assert!(check_name("a\u{0007}b").is_err());
        assert!(check_name(&"名".repeat(101)).is_err());
    }
}
