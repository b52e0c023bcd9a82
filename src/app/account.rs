//! Creating accounts and setting passwords: the rules shared by the admin pages, the CLI, the
//! first start and the demo data, each change written with its audit row in one transaction; and
//! what a user changes of their own account (password, e-mail settings, API tokens).

use chrono::NaiveDateTime;
use serde_json::json;

use crate::auth::{password, secret};
use crate::db::DbConnection;
/// An API token as its owner sees it listed (never its secret).
pub use crate::db::api_token::ApiToken;
use crate::db::audit::{self, AuditEntry};
use crate::db::by_name::ByName;
/// A stored account.
pub use crate::db::user::User;
use crate::db::user::{self, NewUser, normalize_email};
use crate::domain::refusal::{Failure, FieldError, Refusal};
use crate::domain::role::Role;
use crate::domain::timestamp;
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
        && crate::mail::is_address(&email)
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
) -> Result<Created, Failure> {
    let mut errors = Vec::new();
    let email = check_email(&input.email).map_err(|e| errors.push(e)).ok();
    let name = check_name(&input.name).map_err(|e| errors.push(e)).ok();
    if let Some(Err(e)) = input.password.as_deref().map(check_password) {
        errors.push(e);
    }
    let (Some(email), Some(name), true) = (email, name, errors.is_empty()) else {
        return Err(Failure::Refused(Refusal::Validation(errors)));
    };
    let generated = input.password.is_none().then(secret::generated_password);
    let chosen = input.password.as_deref().or(generated.as_deref()).unwrap_or_default();
    let hash = password::hash(chosen)?;
    crate::db::write_transaction(conn, |conn| {
        if user::find_by_email(conn, &email)?.is_some() {
            return Err(Failure::Refused(Refusal::Conflict("account.email_taken")));
        }
        let id = user::insert(
            conn,
            &NewUser {
                email: &email,
                name: &name,
                role: ByName(input.role),
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

/// Who set a password, which decides what else ends with the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordChange {
    /// The user, logged in and knowing the old password: the browser that changed it (this session)
    /// stays logged in, the other sessions end, API tokens stay.
    Own {
        /// The session that made the change.
        keep_session: i64,
    },
    /// Set without the old password: by a reset link, an administrator or the command line. Whoever
    /// held the account before may not be its owner, so every session ends and every API token is
    /// revoked. `must_change` marks a generated password, to be replaced at the next login.
    Reset {
        /// Whether the user must choose a new password at the next login.
        must_change: bool,
    },
}

/// Sets a user's password and ends what the old one opened (see [`PasswordChange`]). Every reset
/// link of the user dies with the old password, whichever way it was changed, so that no link
/// sent before works after it.
pub fn set_password(
    conn: &mut DbConnection,
    user_id: i64,
    new_password: &str,
    change: PasswordChange,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    check_password(new_password).map_err(|e| Failure::Refused(Refusal::Validation(vec![e])))?;
    let hash = password::hash(new_password)?;
    let must_change = matches!(change, PasswordChange::Reset { must_change: true });
    crate::db::write_transaction(conn, |conn| {
        if user::set_password(conn, user_id, &hash, must_change, now)? == 0 {
            return Err(Failure::Refused(Refusal::NotFound));
        }
        let reset_links = crate::db::password_reset::invalidate_for_user(conn, user_id, now)?;
        let revoked_tokens = match change {
            PasswordChange::Own { keep_session } => {
                crate::db::session::delete_others(conn, user_id, keep_session)?;
                0
            }
            PasswordChange::Reset { .. } => {
                crate::db::session::delete_for_user(conn, user_id)?;
                crate::db::api_token::revoke_all_for_user(conn, user_id, now)?
            }
        };
        let detail =
            json!({ "generated": must_change, "reset_links_ended": reset_links, "tokens_revoked": revoked_tokens });
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

/// When a token asked to live `days` days expires. Every token expires: a lifetime is required and
/// capped at `max_days` (`api_token_max_days`), so a forgotten or leaked token stops working.
pub fn token_expiry(days: Option<i64>, max_days: i64, now: NaiveDateTime) -> Result<NaiveDateTime, Failure> {
    match days {
        Some(d) if (1..=max_days).contains(&d) => Ok(now + chrono::Duration::days(d)),
        _ => Err(Refusal::field("expires_in_days", "token.days_invalid").into()),
    }
}

/// Issues an API token for a user; returns its id and the secret, which is shown once and never
/// stored.
pub fn issue_token(
    conn: &mut DbConnection,
    user_id: i64,
    name: &str,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(i64, String), Failure> {
    let name = name.trim();
    if name.is_empty() || !crate::domain::text::is_line(name, MAX_NAME_CHARS) {
        return Err(Refusal::field("name", "token.name_invalid").into());
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
        let detail = json!({ "name": name, "prefix": prefix, "expires_at": timestamp::rfc3339(&expires_at) });
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
pub fn revoke_token(conn: &mut DbConnection, user_id: i64, token_id: i64, now: NaiveDateTime) -> Result<(), Failure> {
    crate::db::write_transaction(conn, |conn| {
        if !crate::db::api_token::revoke(conn, user_id, token_id, now)? {
            return Err(Failure::Refused(Refusal::NotFound));
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

/// Changes the user's own password: the current one must be given, and the new one must differ.
/// The browser that changed it (`session_id`) stays logged in; the other sessions end.
pub fn change_own_password(
    conn: &mut DbConnection,
    user_id: i64,
    session_id: i64,
    current: &str,
    new_password: &str,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    let stored = user::find(conn, user_id)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    if !password::verify(current, stored.password_hash.as_deref()) {
        return Err(Refusal::field("current", "password.current_wrong").into());
    }
    if current == new_password {
        return Err(Refusal::field("password", "password.unchanged").into());
    }
    set_password(conn, user_id, new_password, PasswordChange::Own { keep_session: session_id }, Some(user_id), now)
}

/// Saves the user's e-mail settings: the language their e-mails are written in and whether they
/// receive the weekly digest, with an audit row of before and after.
pub fn set_notifications(
    conn: &mut DbConnection,
    user_id: i64,
    locale: Locale,
    digest: bool,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    crate::db::write_transaction(conn, |conn| {
        let before = user::find(conn, user_id)?.ok_or(Failure::Refused(Refusal::NotFound))?;
        user::set_notifications(conn, user_id, locale.tag(), !digest, now)?;
        let detail = json!({
            "before": { "locale": before.locale, "digest_opt_out": before.digest_opt_out },
            "after": { "locale": locale.tag(), "digest_opt_out": !digest },
        });
        let entry = AuditEntry {
            actor: Some(user_id),
            action: "user.notifications",
            entity: "user",
            entity_id: Some(user_id),
            project_id: None,
            detail,
            ip: None,
        };
        audit::record(conn, &entry, now)?;
        Ok(())
    })
}

/// The user's API tokens, newest first.
pub fn tokens(conn: &mut DbConnection, user_id: i64) -> Result<Vec<ApiToken>, Failure> {
    Ok(crate::db::api_token::list_for_user(conn, user_id)?)
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
