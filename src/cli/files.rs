//! `coop-tracker files gc`: removes stored files no row names, and uploads never finished.
//!
//! It lists first and removes after, and a row may commit in between: an upload of content whose
//! object a crash had orphaned reuses that object. So each orphan is removed in a write transaction
//! that holds the object's lock (the one an upload's transaction holds while it secures the
//! object, see `files::store`), after checking again that no row names it and that it is still old.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use anyhow::Context;

use crate::config::Config;
use crate::db::{self, DbConnection};
use crate::files::FileStore;
use crate::files::store::Garbage;

/// Lists (with `dry_run`) or removes orphaned objects and unfinished uploads older than `min_age`;
/// younger files are left alone, since their upload may still be about to commit its row.
pub fn gc(config: &Config, dry_run: bool, min_age: Duration) -> anyhow::Result<()> {
    let pool = db::connect(config)?;
    let mut conn = pool.get().context("cannot open the database")?;
    let store = FileStore::new(&config.data_dir);
    let (garbage, in_use) = find(&mut conn, &store, SystemTime::now(), min_age)?;
    let gone = if dry_run { garbage } else { remove(&mut conn, &store, &garbage, min_age)? };
    let verb = if dry_run { "would remove" } else { "removed" };
    for path in gone.orphans.iter().map(|sha256| store.path_of(sha256)).chain(gone.unfinished.iter().cloned()) {
        println!("{verb} {}", path.display());
    }
    println!(
        "{verb} {} orphaned files and {} unfinished uploads; {in_use} files are in use",
        gone.orphans.len(),
        gone.unfinished.len(),
    );
    Ok(())
}

/// What no row names and is older than `min_age` at `now`, and how many stored files rows name.
pub fn find(
    conn: &mut DbConnection,
    store: &FileStore,
    now: SystemTime,
    min_age: Duration,
) -> anyhow::Result<(Garbage, usize)> {
    let referenced: HashSet<String> =
        db::evidence::stored_hashes(conn).context("cannot read the stored files")?.into_iter().collect();
    let garbage = store.find_garbage(&referenced, now, min_age).context("cannot list the file store")?;
    Ok((garbage, referenced.len()))
}

/// Removes what [`find`] listed and still is garbage, each orphan re-checked under its lock right
/// before it is unlinked; returns what was removed.
pub fn remove(
    conn: &mut DbConnection,
    store: &FileStore,
    garbage: &Garbage,
    min_age: Duration,
) -> anyhow::Result<Garbage> {
    let mut gone = Garbage::default();
    for sha256 in &garbage.orphans {
        let removed = db::write_transaction(conn, |conn| -> anyhow::Result<bool> {
            db::evidence::hold_object(conn, sha256)?;
            if db::evidence::is_stored(conn, sha256)? {
                return Ok(false);
            }
            Ok(store.remove_if_stale(&store.path_of(sha256), SystemTime::now(), min_age)?)
        })
        .with_context(|| format!("cannot remove the orphaned file {sha256}"))?;
        if removed {
            gone.orphans.push(sha256.clone());
        }
    }
    for path in &garbage.unfinished {
        if store.remove_if_stale(path, SystemTime::now(), min_age).context("cannot remove an unfinished upload")? {
            gone.unfinished.push(path.clone());
        }
    }
    Ok(gone)
}
