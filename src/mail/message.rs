//! One builder per kind of message; each renders `templates/email/<kind>/` in the recipient's
//! language and queues the result in the outbox.

use askama::Template;
use chrono::NaiveDateTime;

use crate::db::DbConnection;
use crate::db::outbox::{self, NewOutboxMessage};
use crate::i18n::T;

/// A rendered message, ready to queue.
#[derive(Debug)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// The password-reset link; parametrised sentences are formatted here so that the text and HTML
/// bodies say exactly the same.
#[derive(Template)]
#[template(path = "email/password_reset/body.txt")]
struct PasswordResetText<'a> {
    t: T,
    greeting: &'a str,
    link: &'a str,
    expiry: &'a str,
}

#[derive(Template)]
#[template(path = "email/password_reset/body.html")]
struct PasswordResetHtml<'a> {
    t: T,
    greeting: &'a str,
    link: &'a str,
    expiry: &'a str,
}

/// Renders the password-reset message.
pub fn password_reset(t: T, name: &str, link: &str, hours: i64) -> Result<Rendered, askama::Error> {
    let greeting = t.fmt("email.greeting", &[("name", &name)]);
    let expiry = t.fmt("email.password_reset.expiry", &[("hours", &hours)]);
    let (greeting, expiry) = (greeting.as_str(), expiry.as_str());
    Ok(Rendered {
        subject: t.get("email.password_reset.subject").to_owned(),
        text: PasswordResetText { t, greeting, link, expiry }.render()?,
        html: PasswordResetHtml { t, greeting, link, expiry }.render()?,
    })
}

/// Who a message goes to and under which idempotency key.
#[derive(Debug)]
pub struct Envelope<'a> {
    /// Unique per logical message.
    pub key: &'a str,
    /// Message type, e.g. `password_reset`.
    pub kind: &'a str,
    /// Recipient account.
    pub user_id: Option<i64>,
    /// Recipient address.
    pub to: &'a str,
    /// The language it was rendered in.
    pub locale: &'a str,
    /// The List-Unsubscribe header, for digests.
    pub list_unsubscribe: Option<&'a str>,
}

/// Queues a password-reset message for the reset link `reset_id`, with its subject only: the link's
/// token is made, and the bodies written, when it is sent (see `jobs::queued_reset`), so that the
/// outbox never holds a working link. Returns whether it was new.
pub fn queue_password_reset(
    conn: &mut DbConnection,
    envelope: &Envelope<'_>,
    subject: &str,
    reset_id: i64,
    now: NaiveDateTime,
) -> diesel::QueryResult<bool> {
    outbox::enqueue(
        conn,
        &NewOutboxMessage {
            idempotency_key: envelope.key,
            kind: envelope.kind,
            to_user_id: envelope.user_id,
            to_address: envelope.to,
            locale: envelope.locale,
            subject,
            body_text: "",
            body_html: None,
            next_attempt_at: now,
            created_at: now,
            list_unsubscribe: envelope.list_unsubscribe,
            reminder: None,
            password_reset_id: Some(reset_id),
        },
    )
}

/// Queues a rendered message; returns whether it was new.
pub fn queue(
    conn: &mut DbConnection,
    envelope: &Envelope<'_>,
    message: &Rendered,
    now: NaiveDateTime,
) -> diesel::QueryResult<bool> {
    outbox::enqueue(
        conn,
        &NewOutboxMessage {
            idempotency_key: envelope.key,
            kind: envelope.kind,
            to_user_id: envelope.user_id,
            to_address: envelope.to,
            locale: envelope.locale,
            subject: &message.subject,
            body_text: &message.text,
            body_html: Some(&message.html),
            next_attempt_at: now,
            created_at: now,
            list_unsubscribe: envelope.list_unsubscribe,
            reminder: None,
            password_reset_id: None,
        },
    )
}
