//! Housekeeping: sessions and reset links that can no longer be used are deleted, so that the
//! tables stay small and a stolen database holds as little as possible.

use anyhow::Context;
use chrono::{Duration, NaiveDateTime};

use crate::db::{DbPool, password_reset, session};

/// What one run removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CleanupReport {
    /// Expired or idle sessions.
    pub sessions: usize,
    /// Used or expired password-reset links.
    pub reset_links: usize,
}

/// Removes what expired before `now`; sessions idle for `idle_hours` count as expired.
pub fn run(pool: &DbPool, now: NaiveDateTime, idle_hours: i64) -> anyhow::Result<CleanupReport> {
    let mut conn = pool.get().context("database unavailable for cleanup")?;
    Ok(CleanupReport {
        sessions: session::delete_expired(&mut conn, now, now - Duration::hours(idle_hours))?,
        reset_links: password_reset::delete_spent(&mut conn, now)?,
    })
}
