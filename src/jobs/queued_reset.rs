//! A password-reset message between the request that queues it and the delivery that sends it.
//!
//! The request stores only which reset link the message is for. The sender makes the link's token
//! here, stores its hash in the reset row and puts the token into the message it hands over, and
//! keeps in the outbox a copy whose link has no token. So the token exists only in the sender's
//! memory and in the recipient's mailbox: no table, and no backup, ever holds a working link.
//!
//! A send that fails makes a new token at the next attempt (the old one dies with it). A message
//! that reached the mail server but was not recorded as sent (a crash in between) is sent again
//! with a new token, which ends the first message's link: the newest message works.

use anyhow::Context as _;
use chrono::{Duration, NaiveDateTime};

use crate::auth::secret;
use crate::config::Config;
use crate::db::password_reset::{self, LINK_HOURS};
use crate::db::{DbConnection, user};
use crate::i18n::Locale;
use crate::mail::message::{self, Rendered};

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
pub fn write(
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
