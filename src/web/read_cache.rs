//! Answers to portfolio-wide reads (the overdue list, the dashboard's counts and rows), kept in
//! memory until the data changes. Each answer is stored with the database's change counter
//! ([`crate::app::portfolio::data_version`]) read before it was computed, and served again only
//! while the counter has not moved: one indexed single-row read instead of counting and walking thousands of status
//! spans. A write on any instance moves the counter, so no instance serves an answer older than the
//! data it was read from.
//!
//! Under a steady stream of writes every answer is soon stale, and the soak test (mixed reads and
//! writes on 64 connections) showed what followed: each of the requests waiting for the same answer
//! worked it out itself, 24 at a time, and the overdue list fell to 100 requests a second. Now one
//! request works an answer out while the others for the same key wait and take it, provided it was
//! read from the data as it stood when they arrived or later.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::app::Connection;
use crate::app::portfolio::data_version;
use crate::web::error::AppError;

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
    /// One lock per key being worked out, so that a key is worked out by one request at a time.
    flights: Mutex<HashMap<String, Arc<Mutex<()>>>>,
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
    pub fn get_or_compute<V, F>(&self, conn: &mut Connection, key: String, compute: F) -> Result<Arc<V>, AppError>
    where
        V: Send + Sync + 'static,
        F: FnOnce(&mut Connection) -> Result<V, AppError>,
    {
        // The data as this request found it: any answer read from this version or a later one will do.
        let arrived = data_version(conn)?;
        if let Some(value) = self.lookup::<V>(&key, arrived) {
            return Ok(value);
        }
        let flight = self.flight(&key);
        let _turn = flight.lock().unwrap_or_else(PoisonError::into_inner);
        // Whoever held the turn may have worked out an answer this request can take.
        if let Some(value) = self.lookup::<V>(&key, arrived) {
            return Ok(value);
        }
        // Read before computing: the answer then reflects this version or a later one, never an
        // earlier one.
        let version = data_version(conn)?;
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

    /// The answer for `key` if it was read from version `at_least` or a later one.
    fn lookup<V: Send + Sync + 'static>(&self, key: &str, at_least: i64) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = entries.get(key).filter(|e| e.version >= at_least)?;
        Arc::clone(&entry.value).downcast::<V>().ok()
    }

    fn flight(&self, key: &str) -> Arc<Mutex<()>> {
        let mut flights = self.flights.lock().unwrap_or_else(PoisonError::into_inner);
        if flights.len() >= CAPACITY {
            // Locks nobody holds or waits for can go.
            flights.retain(|_, lock| Arc::strong_count(lock) > 1);
        }
        Arc::clone(flights.entry(key.to_owned()).or_default())
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
        let mut read = |conn: &mut Connection| {
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

    #[test]
    fn requests_waiting_for_the_same_answer_take_it_instead_of_working_it_out_again() {
        let (_dir, pool) = connection();
        let cache = Arc::new(ReadCache::default());
        let computed = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        std::thread::scope(|scope| {
            for _ in 0..8 {
                let (pool, cache, computed) = (pool.clone(), Arc::clone(&cache), Arc::clone(&computed));
                scope.spawn(move || {
                    let mut conn = pool.get().expect("connection");
                    cache
                        .get_or_compute(&mut conn, "test:slow".into(), |_| {
                            computed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(200));
                            Ok(42)
                        })
                        .expect("answer")
                });
            }
        });
        assert_eq!(computed.load(std::sync::atomic::Ordering::SeqCst), 1, "worked out once for eight requests");
    }
}
