//! `coop-tracker files gc`: removes stored files no evidence points to.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use anyhow::Context;

use crate::config::Config;
use crate::db;
use crate::files::FileStore;

/// Lists (with `dry_run`) or removes orphaned objects and unfinished uploads older than `min_age`;
/// younger files are left alone, since their upload may still be about to commit its row.
pub fn gc(config: &Config, dry_run: bool, min_age: Duration) -> anyhow::Result<()> {
    let pool = db::connect(config)?;
    let mut conn = pool.get().context("cannot open the database")?;
    let referenced: HashSet<String> =
        db::evidence::stored_hashes(&mut conn).context("cannot read the stored files")?.into_iter().collect();
    let store = FileStore::new(&config.data_dir);
    let now = SystemTime::now();
    let garbage = store.collect_garbage(&referenced, now, min_age, dry_run).context("cannot clean the file store")?;
    let verb = if dry_run { "would remove" } else { "removed" };
    for path in garbage.orphans.iter().chain(&garbage.unfinished) {
        println!("{verb} {}", path.display());
    }
    println!(
        "{verb} {} orphaned files and {} unfinished uploads; {} files are in use",
        garbage.orphans.len(),
        garbage.unfinished.len(),
        referenced.len()
    );
    Ok(())
}
