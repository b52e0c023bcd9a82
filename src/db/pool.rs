//! The shared r2d2 pool, and opening it with migrations applied.

use std::time::Duration;

use anyhow::Context;
use diesel::r2d2::Pool;

use super::connection::DbManager;
use super::migrate::run_pending;
use crate::config::Config;

/// The connection pool every part of the program shares.
pub type DbPool = Pool<DbManager>;

/// Opens the pool (creating an SQLite database if needed), applies pending migrations and brings the
/// stored status timelines in line with the configured warning window, which is what every command
/// that touches the database must do first.
pub fn connect(config: &Config) -> anyhow::Result<DbPool> {
    let pool = Pool::builder()
        .max_size(config.db_pool_size)
        .test_on_check_out(true)
        .connection_timeout(Duration::from_secs(10))
        .build(DbManager::new(config.database.clone()))
        .context("cannot open the database")?;
    let mut conn = pool.get().context("cannot open the database")?;
    run_pending(&mut conn).context("cannot apply database migrations")?;
    if super::overdue::rebuild_if_stale(&mut conn, config.tracking.warning_days)
        .context("cannot rebuild the indicators' status timelines")?
    {
        tracing::info!(warning_days = config.tracking.warning_days, "rebuilt the indicators' status timelines");
    }
    Ok(pool)
}
