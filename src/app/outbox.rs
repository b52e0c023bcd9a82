//! Messages into the outbox: who receives one, what every notice needs, and queueing it in the
//! caller's transaction, so that nothing is recorded without its message. `jobs::outbox` sends them.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::db::DbConnection;
use crate::db::outbox::{self, NewOutboxMessage};
use crate::db::reminder::{Office, Person};
use crate::domain::refusal::Failure;
use crate::domain::workdays::WorkCalendar;
use crate::i18n::Locale;
use crate::mail::message::Rendered;

/// Who receives a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// A user, in their own language.
    User(Person),
    /// A research office, which has no account; written to in Chinese.
    Office(Office),
}

impl Recipient {
    /// Names the recipient in idempotency keys: `u<id>` or `office<institution id>`.
    pub fn key(&self) -> String {
        match self {
            Recipient::User(p) => format!("u{}", p.user_id),
            Recipient::Office(o) => format!("office{}", o.institution_id),
        }
    }

    /// The address.
    pub fn address(&self) -> &str {
        match self {
            Recipient::User(p) => &p.email,
            Recipient::Office(o) => &o.email,
        }
    }

    /// How the greeting names them.
    pub fn name(&self) -> &str {
        match self {
            Recipient::User(p) => &p.name,
            Recipient::Office(o) => &o.name,
        }
    }

    /// The message's language.
    pub fn locale(&self) -> Locale {
        match self {
            Recipient::User(p) => Locale::from_tag(&p.locale).unwrap_or_default(),
            Recipient::Office(_) => Locale::ZhCn,
        }
    }

    /// The account, if any.
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Recipient::User(p) => Some(p.user_id),
            Recipient::Office(_) => None,
        }
    }
}

/// What every notice needs besides its subject.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// Where links point.
    pub base_url: &'a str,
    /// Working days in force, to say when a date is a weekend or a holiday.
    pub calendar: WorkCalendar,
    /// The day the message is written.
    pub today: NaiveDate,
    /// The status engine's warning window.
    pub warning_days: i64,
}

impl<'a> Context<'a> {
    /// The context the configuration and the calendar in force give, on `today`.
    pub fn load(
        conn: &mut crate::db::DbConnection,
        config: &'a crate::config::Config,
        today: NaiveDate,
    ) -> Result<Self, Failure> {
        Ok(Context {
            base_url: &config.base_url,
            calendar: crate::db::work_calendar::in_force(conn, &config.reminders.calendar)?,
            today,
            warning_days: config.tracking.warning_days,
        })
    }
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

impl<'a> Envelope<'a> {
    /// The outbox row for this envelope, queued now, without bodies or a reset link.
    fn row(&self, subject: &'a str, now: NaiveDateTime) -> NewOutboxMessage<'a> {
        NewOutboxMessage {
            idempotency_key: self.key,
            kind: self.kind,
            to_user_id: self.user_id,
            to_address: self.to,
            locale: self.locale,
            subject,
            body_text: "",
            body_html: None,
            next_attempt_at: now,
            created_at: now,
            list_unsubscribe: self.list_unsubscribe,
            reminder: None,
            password_reset_id: None,
        }
    }
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
) -> Result<bool, Failure> {
    let row = NewOutboxMessage { password_reset_id: Some(reset_id), ..envelope.row(subject, now) };
    Ok(outbox::enqueue(conn, &row)?)
}

/// Queues a rendered message; returns whether it was new.
pub fn queue(
    conn: &mut DbConnection,
    envelope: &Envelope<'_>,
    message: &Rendered,
    now: NaiveDateTime,
) -> Result<bool, Failure> {
    let row = NewOutboxMessage {
        body_text: &message.text,
        body_html: Some(&message.html),
        ..envelope.row(&message.subject, now)
    };
    Ok(outbox::enqueue(conn, &row)?)
}
