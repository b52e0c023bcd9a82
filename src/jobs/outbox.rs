//! The outbox sender as a job: delivery itself is the use case [`crate::app::delivery`]; the job
//! takes a connection from the pool for it.

use anyhow::Context;
use chrono::NaiveDateTime;

use crate::app::delivery::{self, DeliveryReport};
use crate::config::Config;
use crate::db::DbPool;
use crate::mail::Mailer;

/// Sends every message due at `now` (see [`delivery::deliver_due`]).
pub fn deliver_due(
    pool: &DbPool,
    mailer: &Mailer,
    config: &Config,
    sender: &str,
    now: NaiveDateTime,
) -> anyhow::Result<DeliveryReport> {
    let mut conn = pool.get().context("database unavailable for the outbox")?;
    Ok(delivery::deliver_due(&mut conn, mailer, config, sender, now)?)
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
