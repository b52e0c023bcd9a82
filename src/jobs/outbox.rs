//! Delivers queued e-mail: claim, send, mark; failures are retried with exponential back-off and
//! given up after [`MAX_ATTEMPTS`], never dropped silently.

use anyhow::Context;
use chrono::{Duration, NaiveDateTime};

use super::queued_reminder;
use crate::config::Config;
use crate::db::{DbPool, outbox};
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
    /// Messages that failed for the last time.
    pub failed: usize,
}

/// The wait before attempt `attempts + 1`: one minute, doubling, at most a day.
pub fn backoff(attempts: i32) -> Duration {
    Duration::minutes(1i64 << attempts.clamp(0, 10)).min(Duration::days(1))
}

/// Sends every message due at `now`, writing queued reminders from the records as they are now
/// (see [`super::queued_reminder`]). `sender` names this process in the claim so that an operator
/// can see which instance sent what.
pub fn deliver_due(
    pool: &DbPool,
    mailer: &Mailer,
    config: &Config,
    sender: &str,
    now: NaiveDateTime,
) -> anyhow::Result<DeliveryReport> {
    let mut conn = pool.get().context("database unavailable for the outbox")?;
    let released = outbox::release_stale_claims(&mut conn, now - Duration::minutes(STALE_CLAIM_MINUTES))?;
    if released > 0 {
        tracing::warn!(released, "released messages claimed by a sender that stopped mid-send");
    }
    let mut report = DeliveryReport::default();
    for id in outbox::list_due(&mut conn, now, BATCH)? {
        let Some(message) = outbox::claim(&mut conn, id, sender, now)? else {
            continue;
        };
        let written =
            message.reminder.as_deref().map(|json| queued_reminder::write(&mut conn, config, json)).transpose();
        let sent = written.and_then(|written| {
            let (text, html) = match &written {
                Some(rendered) => (rendered.text.as_str(), Some(rendered.html.as_str())),
                None => (message.body_text.as_str(), message.body_html.as_deref()),
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
            Ok(written)
        });
        match sent {
            Ok(written) => {
                let bodies = written.as_ref().map(|r| (r.text.as_str(), r.html.as_str()));
                outbox::mark_sent(&mut conn, id, sender, bodies, now)?;
                report.sent += 1;
            }
            // A reminder that cannot be written (its records unreadable for now) is retried like a
            // refused send, and shows on the outbox page the same way if it never goes.
            Err(error) => {
                let attempts = message.attempts + 1;
                let retry_at = (attempts < MAX_ATTEMPTS).then(|| now + backoff(attempts));
                tracing::warn!(id, attempts, error = %format!("{error:#}"), "mail delivery failed");
                outbox::mark_failed(&mut conn, id, sender, &format!("{error:#}"), retry_at, now)?;
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

/// Delivers everything due at `now`, batch after batch, until a run finds nothing more to send:
/// what `remind run` does before it exits. Failures wait for their back-off as usual.
pub fn drain(
    pool: &DbPool,
    mailer: &Mailer,
    config: &Config,
    sender: &str,
    now: NaiveDateTime,
) -> anyhow::Result<DeliveryReport> {
    let mut total = DeliveryReport::default();
    loop {
        let run = deliver_due(pool, mailer, config, sender, now)?;
        total.sent += run.sent;
        total.retrying += run.retrying;
        total.failed += run.failed;
        if run == DeliveryReport::default() {
            return Ok(total);
        }
    }
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
