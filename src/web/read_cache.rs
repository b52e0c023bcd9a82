//! Answers to portfolio-wide reads (the overdue list, the dashboard's counts and rows), kept in
//! memory until the data changes. Each answer is stored with the database's change counter
//! ([`crate::db::data_version`]) read before it was computed, and served again only while the counter
//! has not moved: one indexed single-row read instead of counting and walking thousands of status
//! spans. A write on any instance moves the counter, so no instance serves an answer older than the
//! data it was read from.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::db::{DbConnection, data_version};
use crate::error::AppError;

/// Answers kept at most; beyond it, answers of older versions go first, then everything.
const CAPACITY: usize = 512;

struct Entry {
    version: i64,
    value: Arc<dyn Any + Send + Sync>,
}

/// The cache; one per process, shared by every worker.
#[derive(Default)]
pub struct ReadCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = self.entries.lock().map_or(0, |e| e.len());
        f.debug_struct("ReadCache").field("entries", &len).finish()
    }
}

impl ReadCache {
    /// The answer for `key` as of the data's current version: the kept one, or `compute`'s, which is
    /// then kept. `key` must name everything the answer depends on besides the data (the query,
    /// the date, the page), and start with the kind of answer, since values of different types share
    /// the cache.
    pub fn get_or_compute<V, F>(&self, conn: &mut DbConnection, key: String, compute: F) -> Result<Arc<V>, AppError>
    where
        V: Send + Sync + 'static,
        F: FnOnce(&mut DbConnection) -> Result<V, AppError>,
    {
        // Read before computing: the answer then reflects this version or a later one, never an
        // earlier one.
        let version = data_version::current(conn)?;
        if let Some(value) = self.lookup::<V>(&key, version) {
            return Ok(value);
        }
        let value = Arc::new(compute(conn)?);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CAPACITY {
            entries.retain(|_, e| e.version >= version);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(key, Entry { version, value: Arc::clone(&value) as Arc<dyn Any + Send + Sync> });
        Ok(value)
    }

    fn lookup<V: Send + Sync + 'static>(&self, key: &str, version: i64) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = entries.get(key).filter(|e| e.version == version)?;
        Arc::clone(&entry.value).downcast::<V>().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};

    fn connection() -> (tempfile::TempDir, crate::db::DbPool) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let overrides = Overrides { data_dir: Some(dir.path().to_owned()), ..Overrides::default() };
        let config = Config::load(&overrides, &|_| None).expect("default settings");
        let pool = crate::db::connect(&config).expect("database");
        (dir, pool)
    }

    #[test]
    fn keeps_an_answer_until_the_data_changes() {
        use diesel::RunQueryDsl;
        let (_dir, pool) = connection();
        let mut conn = pool.get().expect("connection");
        let cache = ReadCache::default();
        let mut computed = 0;
        let mut read = |conn: &mut DbConnection| {
            cache
                .get_or_compute(conn, "test:a".into(), |_| {
                    computed += 1;
                    Ok(computed)
                })
                .map(|v| *v)
        };
        assert_eq!(read(&mut conn).expect("first"), 1);
        assert_eq!(read(&mut conn).expect("kept"), 1, "the data did not change");
        diesel::sql_query("INSERT INTO regions (name, created_at) VALUES ('测试省', '2026-12-01 00:00:00')")
            .execute(&mut conn)
            .expect("a write the trigger counts");
        assert_eq!(read(&mut conn).expect("recomputed"), 2, "a write moves the version");
        assert_eq!(read(&mut conn).expect("kept again"), 2);
    }

    #[test]
    fn a_key_holding_another_type_is_computed_afresh() {
        let (_dir, pool) = connection();
        let mut conn = pool.get().expect("connection");
        let cache = ReadCache::default();
        cache.get_or_compute(&mut conn, "k".into(), |_| Ok(1_u32)).expect("a number");
        let text = cache.get_or_compute(&mut conn, "k".into(), |_| Ok("text")).expect("text");
        assert_eq!(*text, "text");
    }
}
