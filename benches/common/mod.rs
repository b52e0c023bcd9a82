//! What the SQLite benchmarks share: the instant they run at and a seeded portfolio.

use chrono::{NaiveDate, NaiveDateTime};
use coop_tracker::config::{Config, Overrides};
use coop_tracker::db::DbPool;
use coop_tracker::demo::{self, portfolio};

/// The instant every benchmark runs at (the seeded portfolio's "today").
pub fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap().and_hms_opt(2, 0, 0).unwrap()
}

/// A SQLite database in a temporary folder with the demo accounts and a portfolio of
/// `BENCH_PROJECTS` projects (`default` when unset), and that number; the folder lives as long as the
/// first value.
pub fn seeded_sqlite(default: usize) -> (tempfile::TempDir, Config, DbPool, usize) {
    let projects = std::env::var("BENCH_PROJECTS").ok().and_then(|n| n.parse().ok()).unwrap_or(default);
    let dir = tempfile::tempdir().unwrap();
    let overrides = Overrides { data_dir: Some(dir.path().to_owned()), ..Overrides::default() };
    let config = Config::load(&overrides, &|_| None).unwrap();
    let pool = coop_tracker::db::connect(&config).unwrap();
    let mut conn = pool.get().unwrap();
    demo::seed(&mut conn, now()).unwrap();
    let options = portfolio::Options { projects, seed: 1, today: now().date(), warning_days: 30 };
    portfolio::seed(&mut conn, options, now(), &mut |_, _| {}).unwrap();
    (dir, config, pool, projects)
}
