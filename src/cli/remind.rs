//! `coop-tracker remind run`: one reminder sweep, for use with the system's own cron instead of (or
//! beside) the scheduler in `serve`; the outbox keys make running both harmless.

use std::time::Instant;

use anyhow::Context;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::app::delivery::DeliveryReport;
use crate::config::Config;
use crate::db;
use crate::domain::clock::Clock;
use crate::jobs::outbox;
use crate::jobs::remind::{self, Mode, SweepReport};
use crate::mail::Mailer;

#[derive(Serialize)]
struct Output<'a> {
    dry_run: bool,
    #[serde(flatten)]
    sweep: &'a SweepReport,
    delivered: Option<Delivered>,
    /// Wall-clock seconds of the sweep (planning, rendering, queuing) and of the delivery after it,
    /// for an operator's monitoring of the cron job and for the benchmark script.
    seconds: Seconds,
}

#[derive(Serialize)]
struct Seconds {
    sweep: f64,
    delivery: Option<f64>,
}

#[derive(Serialize)]
struct Delivered {
    sent: usize,
    retrying: usize,
    failed: usize,
}

/// Which job to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// The reminder sweep.
    Sweep,
    /// The weekly digest.
    Digest,
}

/// Runs the job for `as_of` (today by default), then, unless this is a dry run, delivers what is
/// due.
pub fn run(config: &Config, job: Job, as_of: Option<NaiveDate>, dry_run: bool, json: bool) -> anyhow::Result<()> {
    let pool = db::connect(config)?;
    let (today, now) = when(config, as_of);
    let mode = if dry_run { Mode::DryRun } else { Mode::Queue };
    let started = Instant::now();
    let report = match job {
        Job::Sweep => remind::run(&pool, config, today, now, mode)?,
        Job::Digest => crate::jobs::digest::run_on_pool(&pool, config, today, now, mode)?,
    };
    let sweep_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let delivery = if dry_run {
        None
    } else {
        let mailer = Mailer::from_config(config).context("cannot set up mail")?;
        let sender = format!("remind-run-{}", std::process::id());
        Some(outbox::drain(&pool, &mailer, config, &sender, now)?)
    };
    let seconds =
        Seconds { sweep: sweep_seconds, delivery: delivery.as_ref().map(|_| started.elapsed().as_secs_f64()) };
    if json {
        let delivered =
            delivery.map(|d: DeliveryReport| Delivered { sent: d.sent, retrying: d.retrying, failed: d.failed });
        println!("{}", serde_json::to_string(&Output { dry_run, sweep: &report, delivered, seconds })?);
        return Ok(());
    }
    let verb = if dry_run { "would queue" } else { "queued" };
    for message in &report.messages {
        println!(
            "{verb} {} to {}: {} [{}]",
            message.rule.as_str(),
            message.to,
            message.subject,
            message.idempotency_key
        );
    }
    if let [first, .., last] = report.covered.as_slice() {
        println!("caught up the days without a sweep: {first} to {last}");
    }
    if let Some(skipped) = &report.skipped {
        println!(
            "not caught up, beyond the catch-up limit: {} to {}, {} reminder item(s)",
            skipped.from, skipped.until, skipped.items
        );
    }
    if report.covered.len() == 1 && report.messages.is_empty() && !calendar_in_force(config, &pool, today)? {
        println!("{today} is not a working day: its reminders go out on the nearest working day");
    }
    if !report.calendar_missing_years.is_empty() {
        let years: Vec<String> = report.calendar_missing_years.iter().map(i32::to_string).collect();
        println!(
            "warning: the holiday calendar lacks {}: only weekends count as days off there; enter the State Council's arrangement on /admin/calendar",
            years.join(", ")
        );
    }
    println!("{verb} {} message(s) for {today}", report.messages.len());
    if !report.unaddressed.is_empty() {
        println!(
            "{} reminder item(s) have nobody to send them to (no active account or address)",
            report.unaddressed.len()
        );
    }
    if let Some(d) = delivery {
        println!("delivered {}, retrying later {}, given up {}", d.sent, d.retrying, d.failed);
    }
    Ok(())
}

/// Whether `today` is a working day in the calendar in force.
fn calendar_in_force(config: &Config, pool: &db::DbPool, today: NaiveDate) -> anyhow::Result<bool> {
    let mut conn = pool.get().context("database unavailable")?;
    Ok(db::work_calendar::in_force(&mut conn, &config.reminders.calendar)?.is_workday(today))
}

/// The day swept and the instant stamped on what is queued: now, or the same time of day on the
/// `--as-of` date.
pub(super) fn when(config: &Config, as_of: Option<NaiveDate>) -> (NaiveDate, NaiveDateTime) {
    let local = crate::domain::timestamp::local(&Clock::System.now(), &config.timezone);
    match as_of {
        None => (local.date_naive(), local.naive_utc()),
        Some(day) => {
            use chrono::TimeZone;
            let at = config
                .timezone
                .from_local_datetime(&day.and_time(local.time()))
                .earliest()
                .map_or_else(|| day.and_time(local.time()), |t| t.naive_utc());
            (day, at)
        }
    }
}
