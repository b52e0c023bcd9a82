//! How fast the reminder sweep decides what to queue on a seeded portfolio of 10,000 projects
//! (`BENCH_PROJECTS` for another size), on SQLite and, when `BENCH_DATABASE_URL` names a PostgreSQL
//! server, on a fresh database there: the plan alone (which items fall due) and a whole dry run
//! (plan, recipients, the log check and every message's subject; bodies are written when a message
//! is sent), on an ordinary day and on the heaviest day of 2026. Run with
//! `cargo bench --bench reminder_sweep`.

#![expect(missing_docs, reason = "criterion's macros generate undocumented entry points")]
#![expect(clippy::unwrap_used, reason = "a benchmark that cannot set up should stop")]

use std::time::Instant;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use coop_tracker::config::{Config, Overrides};
use coop_tracker::demo::{self, portfolio};
use coop_tracker::jobs::remind::{self, Mode, Settings};
use criterion::{Criterion, criterion_group, criterion_main};
use diesel::{Connection, PgConnection, RunQueryDsl};

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap().and_hms_opt(2, 0, 0).unwrap()
}

fn sweep(c: &mut Criterion) {
    let projects: usize = std::env::var("BENCH_PROJECTS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let mut backends: Vec<(&str, Option<String>)> = vec![("sqlite", None)];
    let pg_admin = std::env::var("BENCH_DATABASE_URL").ok().filter(|u| !u.is_empty());
    let pg_name = format!("coop_sweep_bench_{}", std::process::id());
    if let Some(admin) = &pg_admin {
        let mut conn = PgConnection::establish(admin).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {pg_name}")).execute(&mut conn).unwrap();
        let (base, _) = admin.rsplit_once('/').unwrap();
        backends.push(("postgres", Some(format!("{base}/{pg_name}"))));
    }
    for (backend, database_url) in backends {
        let dir = tempfile::tempdir().unwrap();
        let overrides = Overrides { data_dir: Some(dir.path().to_owned()), database_url, ..Overrides::default() };
        let config = Config::load(&overrides, &|_| None).unwrap();
        let pool = coop_tracker::db::connect(&config).unwrap();
        let mut conn = pool.get().unwrap();
        demo::seed(&mut conn, now()).unwrap();
        let options = portfolio::Options { projects, seed: 1, today: now().date(), warning_days: 30 };
        let seeded = portfolio::seed(&mut conn, options, now(), &mut |_, _| {}).unwrap();
        eprintln!("{backend}: seeded {seeded:?}");
        let rules = config.reminders.rules.clone();
        let settings = Settings {
            rules: &rules,
            calendar: &config.reminders.calendar,
            base_url: &config.base_url,
            timezone: config.timezone,
            warning_days: 30,
        };

        // Every day of 2026, once: the heaviest day, and what a year of daily sweeps costs.
        let started = Instant::now();
        let mut heaviest = (now().date(), 0);
        let mut total = 0;
        let mut day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        while day.year() == 2026 {
            let items = remind::plan(&mut conn, &settings, day, &[day]).unwrap().len();
            total += items;
            if items > heaviest.1 {
                heaviest = (day, items);
            }
            day = day.succ_opt().unwrap();
        }
        eprintln!(
            "{backend}: planned every day of 2026 in {:.2} s: {total} items, heaviest {} with {}",
            started.elapsed().as_secs_f64(),
            heaviest.0,
            heaviest.1
        );
        for (label, day) in
            [("ordinary day 2026-11-23", NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()), ("heaviest day", heaviest.0)]
        {
            let items = remind::plan(&mut conn, &settings, day, &[day]).unwrap().len();
            c.bench_function(&format!("reminder plan, {projects} projects, {label} ({items} items), {backend}"), |b| {
                b.iter(|| remind::plan(&mut conn, &settings, day, &[day]).unwrap())
            });
            let messages = remind::sweep(&mut conn, &settings, day, now(), Mode::DryRun).unwrap().messages.len();
            c.bench_function(
                &format!("reminder dry run, {projects} projects, {label} ({messages} messages), {backend}"),
                |b| b.iter(|| remind::sweep(&mut conn, &settings, day, now(), Mode::DryRun).unwrap()),
            );
        }
        // Queuing writes, so it can run once per day swept: time that one run.
        let started = Instant::now();
        let queued = remind::sweep(&mut conn, &settings, heaviest.0, now(), Mode::Queue).unwrap().messages.len();
        eprintln!("{backend}: queued {queued} messages for {} in {:.2} s", heaviest.0, started.elapsed().as_secs_f64());
    }
    if let Some(admin) = pg_admin {
        let mut conn = PgConnection::establish(&admin).unwrap();
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")).execute(&mut conn);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = sweep
}
criterion_main!(benches);
