//! `coop-tracker serve`: opens the database, makes sure someone can log in, starts the scheduler
//! thread and the web server, and stops both cleanly.

use std::sync::mpsc;

use anyhow::Context;
use chrono::{NaiveDate, NaiveDateTime, Utc};

use crate::app::account::{self, AccountInput};
use crate::config::Config;
use crate::db::{self, DbPool, user};
use crate::domain::clock::Clock;
use crate::domain::role::Role;
use crate::i18n::Locale;
use crate::jobs::remind::{Mode, SweepReport};
use crate::jobs::{self, scheduler::Job};
use crate::mail::Mailer;
use crate::web::{self, state::AppState};

/// The first administrator's login when the database is empty.
pub const FIRST_ADMIN_EMAIL: &str = "admin@localhost";

/// Runs until interrupted.
pub fn run(config: Config, demo: bool) -> anyhow::Result<()> {
    let pool = db::connect(&config)?;
    let clock = Clock::System;
    ensure_first_admin(&pool, clock)?;
    if demo {
        let mut conn = pool.get()?;
        crate::demo::seed(&mut conn, clock.now())?;
        let options = crate::demo::portfolio::Options {
            projects: crate::demo::DEMO_PROJECTS,
            seed: crate::demo::DEMO_SEED,
            today: clock.today(&config.timezone),
            warning_days: config.tracking.warning_days,
        };
        crate::demo::portfolio::seed(&mut conn, options, clock.now(), &mut |_, _| {})?;
    }
    let mailer = Mailer::from_config(&config).context("cannot set up mail")?;
    tracing::info!(mail = mailer.describe(), database = ?config.database.backend, "starting");
    if config.mail.smtp.is_none() {
        // A warning, not an error: a new installation reads its mail from the folder; a production
        // one has forgotten its [smtp] section.
        tracing::warn!("no SMTP server configured: e-mail is written as .eml files to {}", config.mail_dir().display());
    }
    warn_of_missing_calendar_years(&pool, &config, clock)?;
    let state = AppState::new(config, pool, mailer, clock);

    let (stop, stopped) = mpsc::channel();
    let scheduler = std::thread::Builder::new()
        .name("scheduler".into())
        .spawn({
            let state = state.clone();
            move || jobs::scheduler::run(scheduled_jobs(&state), state.config.timezone, state.clock, &stopped)
        })
        .context("cannot start the scheduler thread")?;

    let result = actix_web::rt::System::new().block_on(async move {
        let bind = state.config.bind.clone();
        let listener = std::net::TcpListener::bind(&bind).with_context(|| format!("cannot listen on {bind}"))?;
        let server = start_http(state.clone(), listener)?;
        tracing::info!("listening on http://{bind}");
        server.await.context("web server failed")
    });
    let _ = stop.send(());
    let _ = scheduler.join();
    result
}

/// Starts serving the application on `listener`, as `serve` runs it and the transport tests drive
/// it: with the open-file limit raised, connections capped to fit it, and the request head and body
/// under the configured deadlines. The returned server runs when awaited (or spawned).
pub fn start_http(state: AppState, listener: std::net::TcpListener) -> anyhow::Result<actix_web::dev::Server> {
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let open_files = raise_open_file_limit();
    let transport = state.config.transport;
    let per_worker = connections_per_worker(transport.max_connections, open_files, state.config.db_pool_size, workers);
    tracing::info!(
        open_files,
        connections = per_worker * workers,
        "serving at most this many connections at once; more wait in the listen queue"
    );
    let blocking_threads = blocking_threads_per_worker(state.config.db_pool_size);
    let app_state = state.clone();
    let server = actix_web::HttpServer::new(move || web::build_app(app_state.clone()))
        .workers(workers)
        .worker_max_blocking_threads(blocking_threads)
        .max_connections(per_worker)
        // The request head has the same deadline as each piece of the body (`web::body_deadline`).
        .client_request_timeout(transport.body_pace.idle)
        .listen(listener)
        .context("cannot serve on the listening socket")?;
    Ok(server.run())
}

/// Raises this process's soft limit on open files to its hard limit (as far as the system allows)
/// and returns the limit in force. A service unit can raise the hard limit (`LimitNOFILE`).
fn raise_open_file_limit() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(error) => {
            let limit = rlimit::Resource::NOFILE.get().map_or(1024, |(soft, _)| soft);
            tracing::warn!(%error, limit, "cannot raise the open-file limit");
            limit
        }
    }
}

/// Connections each worker may serve: the configured total shared out between the workers, and
/// lowered so that all of them together leave room under the open-file limit for the database
/// (SQLite holds three files per connection) and for stored files and mail. Without the cap, a
/// flood of connections that never finish their request left the process unable to open anything
/// ("Too many open files") and `/healthz` dead; with it, the flood waits in the listen queue.
fn connections_per_worker(configured: usize, open_files: u64, pool_size: u32, workers: usize) -> usize {
    let reserved = 64 + 3 * u64::from(pool_size);
    let room = usize::try_from(open_files.saturating_sub(reserved)).unwrap_or(usize::MAX);
    (configured.min(room) / workers.max(1)).max(1)
}

/// Each worker's threads for blocking work (database calls, PDF rendering). Nearly all of that work
/// holds a pooled database connection, so threads beyond the pool's size would only wait for one;
/// actix's default (512 shared out between the workers) let a burst of 64 connections start dozens
/// of threads, and glibc gave each its own malloc arena: 30-40 MB of peak memory for no throughput.
fn blocking_threads_per_worker(pool_size: u32) -> usize {
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    usize::try_from(pool_size).unwrap_or(usize::MAX).div_ceil(workers).max(2)
}

/// The jobs `serve` runs, from the configured schedules.
fn scheduled_jobs(state: &AppState) -> Vec<Job> {
    let mut jobs = Vec::new();
    if let Some(schedule) = state.config.schedules.outbox.clone() {
        let state = state.clone();
        jobs.push(Job {
            name: "outbox",
            schedule,
            run: Box::new(move |at| {
                let now = at.with_timezone(&Utc).naive_utc();
                if let Err(error) =
                    jobs::outbox::deliver_due(&state.pool, &state.mailer, &state.config, &state.instance, now)
                {
                    tracing::warn!(error = format!("{error:#}"), "outbox run failed");
                }
            }),
        });
    }
    type Queue = fn(&DbPool, &Config, NaiveDate, NaiveDateTime, Mode) -> anyhow::Result<SweepReport>;
    let queue_jobs: [(&'static str, Option<cron::Schedule>, Queue); 2] = [
        ("reminders", state.config.schedules.reminders.clone(), jobs::remind::run),
        ("digest", state.config.schedules.digest.clone(), jobs::digest::run_on_pool),
    ];
    for (name, schedule, queue) in queue_jobs {
        let Some(schedule) = schedule else { continue };
        let state = state.clone();
        jobs.push(Job {
            name,
            schedule,
            // Queue what falls due, then deliver it at once rather than at the outbox's next run.
            run: Box::new(move |at| {
                let today = crate::domain::timestamp::local_date(&at.naive_utc(), &state.config.timezone);
                let now = at.with_timezone(&Utc).naive_utc();
                match queue(&state.pool, &state.config, today, now, Mode::Queue) {
                    Ok(report) => {
                        tracing::info!(job = name, %today, queued = report.messages.len(), "queued");
                        if let Err(error) =
                            jobs::outbox::drain(&state.pool, &state.mailer, &state.config, &state.instance, now)
                        {
                            tracing::warn!(job = name, error = format!("{error:#}"), "delivery failed");
                        }
                    }
                    Err(error) => tracing::warn!(job = name, error = format!("{error:#}"), "job failed"),
                }
            }),
        });
    }
    if let Some(schedule) = state.config.schedules.cleanup.clone() {
        let state = state.clone();
        jobs.push(Job {
            name: "cleanup",
            schedule,
            run: Box::new(move |at| {
                let now = at.with_timezone(&Utc).naive_utc();
                match jobs::cleanup::run(&state.pool, now, state.config.session_idle_hours) {
                    Ok(report) => tracing::debug!(?report, "cleanup done"),
                    Err(error) => tracing::warn!(error = format!("{error:#}"), "cleanup failed"),
                }
            }),
        });
    }
    jobs
}

/// On an empty database, creates an administrator and prints the one-time password, so that a new
/// installation can be entered without any other step.
fn ensure_first_admin(pool: &DbPool, clock: Clock) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    if user::count(&mut conn)? > 0 {
        return Ok(());
    }
    let input = AccountInput {
        email: FIRST_ADMIN_EMAIL.into(),
        name: "系统管理员".into(),
        role: Role::Admin,
        locale: Locale::ZhCn,
        institution_id: None,
        password: None,
    };
    let created = account::create(&mut conn, &input, None, clock.now()).map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("created the first administrator: {FIRST_ADMIN_EMAIL}");
    println!("one-time password (change it at first login): {}", created.generated_password.unwrap_or_default());
    Ok(())
}

/// Says loudly at start-up which years the holiday calendar lacks, from today to the end of the last
/// open project: their public holidays would be swept as working days.
fn warn_of_missing_calendar_years(pool: &db::DbPool, config: &Config, clock: Clock) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    let calendar = db::work_calendar::in_force(&mut conn, &config.reminders.calendar)?;
    let today = clock.today(&config.timezone);
    let missing = db::work_calendar::missing_years(&mut conn, &calendar, today, 0)?;
    if !missing.is_empty() {
        tracing::warn!(
            years = ?missing,
            "the holiday calendar lacks these years: only weekends count as days off in them until an administrator enters the State Council's arrangement on /admin/calendar"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::connections_per_worker;

    #[test]
    fn connections_are_shared_between_workers_and_fit_under_the_open_file_limit() {
        assert_eq!(connections_per_worker(1024, 1_048_576, 8, 2), 512);
        // The common soft limit of 1024 with a pool of 8 leaves 936 descriptors for connections.
        assert_eq!(connections_per_worker(1024, 1024, 8, 2), 468);
        // A limit lower than what the database needs still serves one connection per worker.
        assert_eq!(connections_per_worker(1024, 50, 8, 4), 1);
    }
}
