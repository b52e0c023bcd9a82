//! `coop-tracker audit verify`: checks the audit log's hash chain.

use anyhow::{Context, bail};

use crate::config::Config;
use crate::db;

/// Walks the chain; a break is an error (exit code 1) naming the row.
pub fn verify(config: &Config, json: bool) -> anyhow::Result<()> {
    let pool = db::connect(config)?;
    let mut conn = pool.get().context("cannot open the database")?;
    let result = db::audit::verify(&mut conn).context("cannot read the audit log")?;
    if json {
        println!("{}", serde_json::to_string(&result)?);
    }
    if let Some(broken) = &result.break_at {
        bail!(
            "audit log chain broken at row {}: {} ({} rows verified before it)",
            broken.id,
            broken.problem,
            result.chained
        );
    }
    if !json {
        println!(
            "audit log intact: {} rows chained, {} written before the chain began; head {}",
            result.chained,
            result.before_chain,
            result.head.as_deref().unwrap_or("(empty)")
        );
    }
    Ok(())
}
