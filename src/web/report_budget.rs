//! How many reports each user may have generated in any minute. A report is gathered from the
//! database and rendered to PDF on the server, so an unbounded loop over its link (any project
//! member may follow it) would take the server's time from everyone else.
//!
//! Kept in memory, like the login back-off: each instance bounds the work it does itself.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use chrono::{Duration, NaiveDateTime};

/// The window the budget counts over.
const WINDOW_SECONDS: i64 = 60;

/// Reports generated per user within the last minute.
#[derive(Debug)]
pub struct ReportBudget {
    per_minute: usize,
    taken: Mutex<HashMap<i64, VecDeque<NaiveDateTime>>>,
}

impl ReportBudget {
    /// A budget of `per_minute` reports per user.
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute: usize::try_from(per_minute).unwrap_or(usize::MAX), taken: Mutex::default() }
    }

    /// Takes one report from `user`'s budget, or says in how many seconds one is free again.
    pub fn take(&self, user: i64, now: NaiveDateTime) -> Result<(), u64> {
        // A panic while holding the lock leaves only times behind, which are safe to reuse.
        let mut taken = self.taken.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let window_start = now - Duration::seconds(WINDOW_SECONDS);
        // Forget whoever has taken nothing within the window, so the map stays as small as the
        // number of users generating reports right now.
        taken.retain(|_, times| {
            while times.front().is_some_and(|t| *t <= window_start) {
                times.pop_front();
            }
            !times.is_empty()
        });
        let times = taken.entry(user).or_default();
        if times.len() < self.per_minute {
            times.push_back(now);
            return Ok(());
        }
        let oldest = times.front().copied().unwrap_or(now);
        let free_in = (oldest + Duration::seconds(WINDOW_SECONDS) - now).num_seconds().max(1);
        Err(u64::try_from(free_in).unwrap_or(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap().naive_utc()
    }

    #[test]
    fn each_user_has_their_own_minute() {
        let budget = ReportBudget::new(3);
        for s in 0..3 {
            assert_eq!(budget.take(1, at(s)), Ok(()));
        }
        assert_eq!(budget.take(1, at(10)), Err(50), "the first is free again at second 60");
        assert_eq!(budget.take(2, at(10)), Ok(()), "another user is not held back");
        assert_eq!(budget.take(1, at(60)), Ok(()));
        assert_eq!(budget.take(1, at(60)), Err(1));
    }

    #[test]
    fn users_who_stopped_are_forgotten() {
        let budget = ReportBudget::new(1);
        for user in 0..1000 {
            budget.take(user, at(0)).unwrap();
        }
        budget.take(5000, at(61)).unwrap();
        assert_eq!(budget.taken.lock().unwrap().len(), 1);
    }
}
