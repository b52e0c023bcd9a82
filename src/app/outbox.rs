//! Messages into the outbox: who receives one, what every notice needs, and queueing it in the
//! caller's transaction, so that nothing is recorded without its message ([`super::delivery`] sends
//! them); and the outbox's health as administrators look after it, with retrying a dead letter.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::DbConnection;
use crate::db::audit::{self, AuditEntry};
use crate::db::outbox::{self, NewOutboxMessage};
/// A message and a delivery attempt as the outbox page lists them (never their bodies).
pub use crate::db::outbox::{OutboxAttempt, OutboxEntry};
/// A completed reminder sweep, with the days it skipped.
pub use crate::db::reminder::SweepRecord;
use crate::db::reminder::{Office, Person};
use crate::domain::refusal::{Failure, Refusal};
use crate::domain::timestamp;
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
/// token is made, and the bodies written, when it is sent (see `app::password_reset`), so that the
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

/// The outbox's health, as administrators and staff look after it.
#[derive(Debug)]
pub struct Overview {
    /// How many messages are in each status.
    pub by_status: Vec<(String, i64)>,
    /// Dead letters, newest first.
    pub failed: Vec<OutboxEntry>,
    /// Messages waiting for another attempt, newest first.
    pub retrying: Vec<OutboxEntry>,
    /// How many are waiting for another attempt in all.
    pub retrying_total: i64,
    /// Sweeps that skipped days older than the catch-up limit, latest first.
    pub skipped: Vec<SweepRecord>,
}

/// The outbox's counts and its dead letters and retried messages, each list cut at `limit`.
pub fn overview(conn: &mut DbConnection, limit: i64) -> Result<Overview, Failure> {
    Ok(Overview {
        by_status: outbox::count_by_status(conn)?,
        failed: outbox::list_failed(conn, limit)?,
        retrying: outbox::list_retrying(conn, limit)?,
        retrying_total: outbox::count_retrying(conn)?,
        skipped: crate::db::reminder::skipped_sweeps(conn, limit)?,
    })
}

/// One message and its latest `limit` delivery attempts; `NotFound` when there is none.
pub fn message(conn: &mut DbConnection, id: i64, limit: i64) -> Result<(OutboxEntry, Vec<OutboxAttempt>), Failure> {
    let entry = outbox::find_entry(conn, id)?.ok_or(Failure::Refused(Refusal::NotFound))?;
    Ok((entry, outbox::list_attempts(conn, id, limit)?))
}

/// Puts a dead letter back in the queue, due now with a fresh count of attempts, with an audit row.
/// A message that is not failed is left alone (a conflict): it was sent, or someone retried it first.
pub fn retry(conn: &mut DbConnection, id: i64, actor: i64, now: NaiveDateTime) -> Result<(), Failure> {
    crate::db::write_transaction(conn, |conn| {
        let before = outbox::find_entry(conn, id)?.ok_or(Failure::Refused(Refusal::NotFound))?;
        if !outbox::retry_failed(conn, id, now)? {
            return Err(Failure::Refused(Refusal::Conflict("outbox_page.not_failed")));
        }
        let detail = json!({
            "kind": before.kind,
            "before": { "status": before.status, "attempts": before.attempts, "last_error": before.last_error },
            "after": { "status": "pending", "attempts": 0, "next_attempt_at": timestamp::rfc3339(&now) },
        });
        let entry = AuditEntry {
            actor: Some(actor),
            action: "outbox.retry",
            entity: "outbox",
            entity_id: Some(id),
            project_id: None,
            detail,
            ip: None,
        };
        audit::record(conn, &entry, now)?;
        Ok(())
    })
}
