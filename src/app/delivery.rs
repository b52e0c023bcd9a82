//! Delivering queued e-mail: claim, send, mark; failures are retried with exponential back-off and
//! given up after [`MAX_ATTEMPTS`], never dropped silently.

use chrono::{Duration, NaiveDateTime};

use super::password_reset::{self, Written};
use super::queued_reminder;
use crate::config::Config;
use crate::db::{DbConnection, outbox};
use crate::domain::refusal::Failure;
use crate::mail::{Mailer, Outgoing};

/// After this many failed attempts a message is marked failed for an administrator to look at.
pub const MAX_ATTEMPTS: i32 = 8;
/// How many messages one run handles, so that a backlog cannot starve other jobs.
const BATCH: i64 = 200;
/// A claim older than this belongs to a sender that stopped mid-send; it is released for another
/// try. Far longer than any SMTP exchange, whose every step is bounded by the configured timeout.
const STALE_CLAIM_MINUTES: i64 = 15;

/// What one delivery run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Messages handed to the transport.
    pub sent: usize,
    /// Messages that failed and will be retried.
    pub retrying: usize,
    /// Messages that failed for the last time, or were withdrawn before sending (a password-reset
    /// link that was used, replaced or expired first).
    pub failed: usize,
}

/// What a message is sent with.
enum Body {
    /// The bodies stored when it was queued.
    Stored,
    /// A reminder written now from the records.
    Reminder(crate::mail::message::Rendered),
    /// A password-reset message written now with a new token.
    Reset(Written),
    /// A password-reset message whose link is no longer live: not sent.
    Withdrawn,
}

/// The wait before attempt `attempts + 1`: one minute, doubling, at most a day.
pub fn backoff(attempts: i32) -> Duration {
    Duration::minutes(1i64 << attempts.clamp(0, 10)).min(Duration::days(1))
}

/// Sends every message due at `now`, writing queued reminders from the records as they are now
/// (see [`super::queued_reminder`]) and password-reset messages with a token made now (see
/// [`super::password_reset`]). `sender` names this process in the claim so that an operator
/// can see which instance sent what. The scheduler, `remind run` and a request that queued a
/// message (without waiting for it) all deliver this way.
pub fn deliver_due(
    conn: &mut DbConnection,
    mailer: &Mailer,
    config: &Config,
    sender: &str,
    now: NaiveDateTime,
) -> Result<DeliveryReport, Failure> {
    let released = outbox::release_stale_claims(conn, now - Duration::minutes(STALE_CLAIM_MINUTES))?;
    if released > 0 {
        tracing::warn!(released, "released messages claimed by a sender that stopped mid-send");
    }
    let mut report = DeliveryReport::default();
    for id in outbox::list_due(conn, now, BATCH)? {
        let Some(message) = outbox::claim(conn, id, sender, now)? else {
            continue;
        };
        let body = match (&message.reminder, message.password_reset_id) {
            (Some(json), _) => queued_reminder::write(conn, config, json).map(Body::Reminder),
            (None, Some(reset_id)) => password_reset::write_message(conn, config, reset_id, now)
                .map(|w| w.map_or(Body::Withdrawn, Body::Reset)),
            (None, None) => Ok(Body::Stored),
        };
        if let Ok(Body::Withdrawn) = body {
            // Nothing to send and nothing to retry: the link was used, withdrawn or expired first.
            let error = "not sent: the password-reset link was used, withdrawn by a password change or expired before it could be sent";
            tracing::info!(id, "password-reset message withdrawn before sending");
            outbox::mark_failed(conn, id, sender, error, None, now)?;
            report.failed += 1;
            continue;
        }
        let sent = body.and_then(|body| {
            let (text, html) = match &body {
                Body::Reminder(rendered) | Body::Reset(Written { sent: rendered, .. }) => {
                    (rendered.text.as_str(), Some(rendered.html.as_str()))
                }
                Body::Stored | Body::Withdrawn => (message.body_text.as_str(), message.body_html.as_deref()),
            };
            let outgoing = Outgoing {
                key: &message.idempotency_key,
                to: &message.to_address,
                subject: &message.subject,
                text,
                html,
                list_unsubscribe: message.list_unsubscribe.as_deref(),
            };
            mailer.send(&outgoing)?;
            Ok(body)
        });
        match sent {
            Ok(body) => {
                let kept = match &body {
                    Body::Reminder(rendered) | Body::Reset(Written { kept: rendered, .. }) => {
                        Some((rendered.text.as_str(), rendered.html.as_str()))
                    }
                    Body::Stored | Body::Withdrawn => None,
                };
                outbox::mark_sent(conn, id, sender, kept, now)?;
                report.sent += 1;
            }
            // A message that cannot be written (a reminder whose records are unreadable for now) is
            // retried like a refused send, and shows on the outbox page the same way if it never goes.
            Err(error) => {
                let attempts = message.attempts + 1;
                let retry_at = (attempts < MAX_ATTEMPTS).then(|| now + backoff(attempts));
                tracing::warn!(id, attempts, error = %format!("{error:#}"), "mail delivery failed");
                outbox::mark_failed(conn, id, sender, &format!("{error:#}"), retry_at, now)?;
                if retry_at.is_some() {
                    report.retrying += 1;
                } else {
                    report.failed += 1;
                }
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(0), Duration::minutes(1));
        assert_eq!(backoff(1), Duration::minutes(2));
        assert_eq!(backoff(3), Duration::minutes(8));
        assert_eq!(backoff(30), Duration::days(1).min(Duration::minutes(1024)));
    }
}
