//! The shared r2d2 pool, and opening it with migrations applied.

use std::time::Duration;

use anyhow::Context;
use diesel::r2d2::Pool;

use super::connection::DbManager;
use super::migrate::run_pending;
use crate::config::Config;

/// The connection pool every part of the program shares.
pub type DbPool = Pool<DbManager>;

/// Opens the pool (creating an SQLite database if needed) and applies pending migrations, which is
/// what every command that touches the database must do first.
pub fn connect(config: &Config) -> anyhow::Result<DbPool> {
    let pool = Pool::builder()
        .max_size(config.db_pool_size)
        .test_on_check_out(true)
        .connection_timeout(Duration::from_secs(10))
        .build(DbManager::new(config.database.clone()))
        .context("cannot open the database")?;
    let mut conn = pool.get().context("cannot open the database")?;
    run_pending(&mut conn).context("cannot apply database migrations")?;
    Ok(pool)
}
