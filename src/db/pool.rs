//! The shared r2d2 pool, and opening it with migrations applied.

use std::time::Duration;

use anyhow::Context;
use diesel::r2d2::Pool;

use secrecy::ExposeSecret;

use super::connection::DbManager;
use super::create::{Outcome, create_if_missing};
use super::migrate::run_pending;
use crate::config::{Backend, Config};

/// The connection pool every part of the program shares.
pub type DbPool = Pool<DbManager>;

/// Opens the pool (creating the database if needed), applies pending migrations and brings the
/// stored status timelines in line with the configured warning window, which is what every command
/// that touches the database must do first.
pub fn connect(config: &Config) -> anyhow::Result<DbPool> {
    let manager = DbManager::new(config.database.clone());
    open_first(&manager, config)?;
    let pool = Pool::builder()
        .max_size(config.db_pool_size)
        .test_on_check_out(true)
        .connection_timeout(Duration::from_secs(10))
        .build(manager)
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

/// Opens one connection before the pool does, creating a missing PostgreSQL database on the way:
/// a database that cannot be opened then fails at once with its one reason, where the pool would
/// retry for its whole timeout and log every attempt.
fn open_first(manager: &DbManager, config: &Config) -> anyhow::Result<()> {
    let first = match manager.open() {
        Err(error) if config.database.backend == Backend::Postgres => {
            match create_if_missing(config.database.target.expose_secret())? {
                Outcome::Created => manager.open(),
                Outcome::NotMissing => Err(error),
            }
        }
        other => other,
    };
    first.map(drop).context("cannot open the database")
}
