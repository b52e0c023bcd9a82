//! Forgotten passwords: a one-time link by e-mail, then a new password.
//!
//! A request stores only which reset link a message is for; the link's token is made when the
//! message is sent ([`write_message`]), which stores its hash in the reset row and puts the token
//! into the message it hands over, and keeps in the outbox a copy whose link has no token. So the
//! token exists only in the sender's memory and in the recipient's mailbox: no table, and no
//! backup, ever holds a working link.
//!
//! A send that fails makes a new token at the next attempt (the old one dies with it). A message
//! that reached the mail server but was not recorded as sent (a crash in between) is sent again
//! with a new token, which ends the first message's link: the newest message works.

use anyhow::Context as _;
use chrono::{Duration, NaiveDateTime};

use super::account::{self, PasswordChange};
use super::outbox::{self, Envelope};
use crate::auth::secret;
use crate::config::Config;
use crate::db::DbConnection;
use crate::db::password_reset::{self, LINK_HOURS};
use crate::db::user;
use crate::domain::refusal::{Failure, Refusal};
use crate::i18n::Locale;
use crate::mail::message::{self, Rendered};

/// At most this many links per account and hour, so the form cannot be used to flood a mailbox.
const LINKS_PER_HOUR: i64 = 3;

/// Queues a reset link for the active account with this address; returns whether a message was
/// queued. An unknown or inactive address, or one asked for too often, queues nothing, and the
/// caller says the same thing either way, so that the form tells no one who is registered.
pub fn request(conn: &mut DbConnection, email: &str, now: NaiveDateTime) -> Result<bool, Failure> {
    let Some(found) = user::find_by_email(conn, email)?.filter(|u| u.active) else {
        return Ok(false);
    };
    if password_reset::count_since(conn, found.id, now - Duration::hours(1))? >= LINKS_PER_HOUR {
        tracing::info!(user_id = found.id, "password reset throttled");
        return Ok(false);
    }
    let t = Locale::from_tag(&found.locale).unwrap_or_default().t();
    // Unique and unguessable, and no one holds what it is the hash of: no link opens the row
    // before [`write_message`] gives it a token.
    let placeholder = secret::hash(&secret::random_token());
    crate::db::write_transaction(conn, |conn| {
        let reset_id = password_reset::insert(conn, found.id, &placeholder, now, now + Duration::hours(LINK_HOURS))?;
        let key = format!("password_reset:{reset_id}");
        let envelope = Envelope {
            key: &key,
            kind: "password_reset",
            user_id: Some(found.id),
            to: &found.email,
            locale: t.tag(),
            list_unsubscribe: None,
        };
        let subject = t.get("email.password_reset.subject");
        outbox::queue_password_reset(conn, &envelope, subject, reset_id, now)
    })
}

/// Whether a link's token is live: sent, not used, not expired.
pub fn is_live(conn: &mut DbConnection, token: &str, now: NaiveDateTime) -> Result<bool, Failure> {
    Ok(password_reset::find_user(conn, &secret::hash(token), now)?.is_some())
}

/// Uses up a link's token and sets the new password, ending every session, API token and other
/// reset link of the account; returns the account and its new password hash (the browser that did
/// it becomes a known device of it). `NotFound` when the token is not live.
pub fn reset(
    conn: &mut DbConnection,
    token: &str,
    new_password: &str,
    now: NaiveDateTime,
) -> Result<(i64, String), Failure> {
    let token_hash = secret::hash(token);
    let user_id = password_reset::find_user(conn, &token_hash, now)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    crate::db::write_transaction(conn, |conn| {
        if !password_reset::consume(conn, &token_hash, now)? {
            return Err(Failure::Refused(Refusal::NotFound));
        }
        let change = PasswordChange::Reset { must_change: false };
        account::set_password(conn, user_id, new_password, change, Some(user_id), now)?;
        let hash =
            user::find(conn, user_id)?.and_then(|u| u.password_hash).ok_or(Failure::Refused(Refusal::NotFound))?;
        Ok((user_id, hash))
    })
}

/// A reset message written for sending.
#[derive(Debug)]
pub struct Written {
    /// What is sent: the link with its token.
    pub sent: Rendered,
    /// What the outbox keeps: the same words, the link without its token.
    pub kept: Rendered,
}

/// Writes the message for reset link `reset_id` with a new token, or `None` when there is nothing
/// to send: the link was used, withdrawn by a password change or has expired, or the account was
/// deactivated meanwhile.
pub fn write_message(
    conn: &mut DbConnection,
    config: &Config,
    reset_id: i64,
    now: NaiveDateTime,
) -> anyhow::Result<Option<Written>> {
    let token = secret::random_token();
    let expires_at = now + Duration::hours(LINK_HOURS);
    let Some(user_id) = password_reset::mint(conn, reset_id, &secret::hash(&token), now, expires_at)? else {
        return Ok(None);
    };
    let found = user::find(conn, user_id)?.context("the account a reset link was made for")?;
    if !found.active {
        return Ok(None);
    }
    let t = Locale::from_tag(&found.locale).unwrap_or_default().t();
    let link = format!("{}/password/reset?token=", config.base_url);
    let sent = message::password_reset(t, &found.name, &format!("{link}{token}"), LINK_HOURS)?;
    let kept = message::password_reset(t, &found.name, &format!("{link}…"), LINK_HOURS)?;
    Ok(Some(Written { sent, kept }))
}
