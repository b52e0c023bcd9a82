//! Back-off for failed logins, per account and per client address, so that neither guessing one
//! account's password from many addresses nor many accounts from one address gets far.
//!
//! Kept in memory: each instance throttles on its own, which bounds guessing to a small multiple
//! of the limit without a database write on every attempt.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{Duration, NaiveDateTime};

/// The first lock lasts this long and doubles with each further failure.
const BASE_LOCK_SECONDS: i64 = 30;
/// No lock lasts longer than this.
const MAX_LOCK_SECONDS: i64 = 3600;
/// Failures older than this are forgotten.
const FORGET_AFTER_SECONDS: i64 = 3600;
/// Above this many tracked keys, forgotten entries are pruned.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: NaiveDateTime,
    locked_until: Option<NaiveDateTime>,
}

/// Counts failed logins and says when to refuse further attempts.
#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: u32,
    entries: Mutex<HashMap<String, Failures>>,
}

impl LoginLimiter {
    /// A limiter that allows `max_failures` failures before locking.
    pub fn new(max_failures: u32) -> Self {
        Self { max_failures, entries: Mutex::new(HashMap::new()) }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        // A panic while holding the lock leaves only counters behind, which are safe to reuse.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `Err(seconds)` while any of the keys is locked.
    pub fn check(&self, keys: &[String], now: NaiveDateTime) -> Result<(), u64> {
        let entries = self.entries();
        let wait = keys
            .iter()
            .filter_map(|k| entries.get(k)?.locked_until)
            .map(|until| (until - now).num_seconds())
            .max()
            .unwrap_or(0);
        if wait > 0 { Err(u64::try_from(wait).unwrap_or(1)) } else { Ok(()) }
    }

    /// Records a failure against every key.
    pub fn fail(&self, keys: &[String], now: NaiveDateTime) {
        let mut entries = self.entries();
        if entries.len() > PRUNE_ABOVE {
            entries.retain(|_, f| (now - f.last).num_seconds() < FORGET_AFTER_SECONDS);
        }
        for key in keys {
            let entry = entries.entry(key.clone()).or_insert(Failures { count: 0, last: now, locked_until: None });
            if (now - entry.last).num_seconds() >= FORGET_AFTER_SECONDS {
                entry.count = 0;
            }
            entry.count += 1;
            entry.last = now;
            if entry.count >= self.max_failures {
                let doublings = (entry.count - self.max_failures).min(16);
                let seconds = (BASE_LOCK_SECONDS << doublings).min(MAX_LOCK_SECONDS);
                entry.locked_until = Some(now + Duration::seconds(seconds));
            }
        }
    }

    /// Forgets the failures of a key after a successful login.
    pub fn succeed(&self, key: &str) {
        self.entries().remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap().naive_utc()
    }

    #[test]
    fn locks_after_the_limit_and_doubles() {
        let limiter = LoginLimiter::new(3);
        let keys = ["email:a@b.c".to_owned()];
        for i in 0..2 {
            limiter.fail(&keys, at(i));
            assert!(limiter.check(&keys, at(i)).is_ok());
        }
        limiter.fail(&keys, at(2));
        assert_eq!(limiter.check(&keys, at(2)), Err(30));
        assert!(limiter.check(&keys, at(33)).is_ok());
        limiter.fail(&keys, at(33));
        assert_eq!(limiter.check(&keys, at(33)), Err(60));
    }

    #[test]
    fn success_clears_and_other_keys_are_untouched() {
        let limiter = LoginLimiter::new(1);
        let keys = ["email:a@b.c".to_owned()];
        limiter.fail(&keys, at(0));
        assert!(limiter.check(&["email:x@y.z".to_owned()], at(0)).is_ok());
        limiter.succeed(&keys[0]);
        assert!(limiter.check(&keys, at(0)).is_ok());
    }
}
