//! `coop-tracker demo seed`: the demonstration accounts and guides, then a synthetic portfolio.

use std::io::Write;
use std::time::Instant;

use chrono::NaiveDate;

use crate::config::Config;
use crate::db;
use crate::demo::{self, portfolio};
use crate::domain::clock::Clock;

/// Seeds and prints what was written, with progress on stderr.
pub(super) fn seed(config: &Config, projects: usize, seed: u64, as_of: Option<NaiveDate>) -> anyhow::Result<()> {
    let pool = db::connect(config)?;
    let mut conn = pool.get()?;
    let clock = Clock::System;
    demo::seed(&mut conn, clock.now())?;
    let today = as_of.unwrap_or_else(|| clock.today(&config.timezone));
    let options = portfolio::Options { projects, seed, today, warning_days: config.tracking.warning_days };
    let started = Instant::now();
    let mut progress = |done: usize, all: usize| {
        eprint!("\rseeding projects: {done}/{all}");
        let _ = std::io::stderr().flush();
    };
    let seeded = portfolio::seed(&mut conn, options, clock.now(), &mut progress)?;
    eprintln!();
    if seeded.already_seeded {
        println!("the portfolio of seed {seed} is already there; nothing written");
        return Ok(());
    }
    let share = seeded.checkpoints_overdue as f64 / seeded.checkpoints.max(1) as f64 * 100.0;
    println!(
        "seeded {} projects, {} indicators, {} checkpoints ({} due by {today}, {} of them overdue: {share:.1}% of all \
         checkpoints), {} evidence records in {:.1} s",
        seeded.projects,
        seeded.indicators,
        seeded.checkpoints,
        seeded.checkpoints_due,
        seeded.checkpoints_overdue,
        seeded.evidence,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
