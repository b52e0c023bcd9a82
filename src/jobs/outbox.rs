//! Delivers queued e-mail: claim, send, mark; failures are retried with exponential back-off and
//! given up after [`MAX_ATTEMPTS`], never dropped silently.

use anyhow::Context;
use chrono::{Duration, NaiveDateTime};

use crate::db::{DbPool, outbox};
use crate::mail::Mailer;

/// After this many failed attempts a message is marked failed for an administrator to look at.
pub const MAX_ATTEMPTS: i32 = 8;
/// How many messages one run handles, so that a backlog cannot starve other jobs.
const BATCH: i64 = 200;

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

/// Sends every message due at `now`. `sender` names this process in the claim so that an operator
/// can see which instance sent what.
pub fn deliver_due(pool: &DbPool, mailer: &Mailer, sender: &str, now: NaiveDateTime) -> anyhow::Result<DeliveryReport> {
    let mut conn = pool.get().context("database unavailable for the outbox")?;
    let mut report = DeliveryReport::default();
    for id in outbox::list_due(&mut conn, now, BATCH)? {
        let Some(message) = outbox::claim(&mut conn, id, sender, now)? else {
            continue;
        };
        match mailer.send(&message.to_address, &message.subject, &message.body_text, message.body_html.as_deref()) {
            Ok(()) => {
                outbox::mark_sent(&mut conn, id, now)?;
                report.sent += 1;
            }
            Err(error) => {
                let attempts = message.attempts + 1;
                let retry_at = (attempts < MAX_ATTEMPTS).then(|| now + backoff(attempts));
                tracing::warn!(id, attempts, %error, "mail delivery failed");
                outbox::mark_failed(&mut conn, id, &error.to_string(), retry_at)?;
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
