//! `coop-tracker backup --to FILE`: a consistent copy of the SQLite database while it is in use.

use std::path::Path;

use anyhow::{Context, bail};
use diesel::RunQueryDsl;

use crate::config::{Backend, Config};
use crate::db;

pub(super) fn run(config: &Config, to: &Path) -> anyhow::Result<()> {
    if config.database.backend == Backend::Postgres {
        bail!("backup copies the SQLite database; for PostgreSQL use pg_dump");
    }
    if to.exists() {
        bail!("{} already exists; choose a new file so that no earlier backup is overwritten", to.display());
    }
    let target = to.to_str().context("the backup path must be valid UTF-8")?;
    let pool = db::connect(config)?;
    let mut conn = pool.get()?;
    // VACUUM INTO reads one snapshot of the database, so writers may go on meanwhile.
    diesel::sql_query(format!("VACUUM INTO '{}'", target.replace('\'', "''")))
        .execute(&mut conn)
        .with_context(|| format!("cannot write the backup to {}", to.display()))?;
    println!("backup written to {}", to.display());
    Ok(())
}
