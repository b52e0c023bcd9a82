//! How fast the portfolio's overdue list is served: `GET /api/v1/overdue?limit=100` through the whole
//! application (routing, token check, query, evaluation of the page, JSON), kept from the request
//! before and worked out afresh after the data changed, on a seeded portfolio of
//! 10,000 projects, on SQLite and, when `BENCH_DATABASE_URL` names a PostgreSQL server, on a fresh
//! database there. Run with `cargo bench --bench overdue` (set `BENCH_PROJECTS` for another size).

#![expect(missing_docs, reason = "criterion's macros generate undocumented entry points")]
#![expect(clippy::unwrap_used, reason = "a benchmark that cannot set up should stop")]

use actix_web::test;
use chrono::{NaiveDate, NaiveDateTime};
use coop_tracker::app::account::{self, AccountInput};
use coop_tracker::config::{Config, Overrides};
use coop_tracker::demo::{self, portfolio};
use coop_tracker::domain::clock::Clock;
use coop_tracker::domain::role::Role;
use coop_tracker::i18n::Locale;
use coop_tracker::mail::Mailer;
use coop_tracker::web::{build_app, state::AppState};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use diesel::{Connection, PgConnection, RunQueryDsl};

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap().and_hms_opt(2, 0, 0).unwrap()
}

/// A seeded application state on the given database (SQLite in `dir` when `None`), and a staff token.
fn seeded(dir: &std::path::Path, database_url: Option<String>, projects: usize) -> (AppState, String) {
    let overrides = Overrides { data_dir: Some(dir.to_owned()), database_url, ..Overrides::default() };
    let config = Config::load(&overrides, &|_| None).unwrap();
    let pool = coop_tracker::db::connect(&config).unwrap();
    let mut conn = pool.get().unwrap();
    demo::seed(&mut conn, now()).unwrap();
    let options = portfolio::Options { projects, seed: 1, today: now().date(), warning_days: 30 };
    let started = std::time::Instant::now();
    let seeded = portfolio::seed(&mut conn, options, now(), &mut |_, _| {}).unwrap();
    eprintln!("seeded {seeded:?} in {:.1} s", started.elapsed().as_secs_f64());
    let input = AccountInput {
        email: "bench@coop.example".into(),
        name: "基准".into(),
        role: Role::Staff,
        locale: Locale::ZhCn,
        institution_id: None,
        password: Some("benchmark-password".into()),
    };
    let staff = account::create(&mut conn, &input, None, now()).unwrap().id;
    let (_, token) = account::issue_token(&mut conn, staff, "bench", now() + chrono::Duration::days(1), now()).unwrap();
    drop(conn);
    let mailer = Mailer::from_config(&config).unwrap();
    (AppState::new(config, pool, mailer, Clock::Fixed(now())), token)
}

fn overdue(c: &mut Criterion) {
    let projects: usize = std::env::var("BENCH_PROJECTS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let mut backends: Vec<(&str, Option<String>)> = vec![("sqlite", None)];
    let pg_admin = std::env::var("BENCH_DATABASE_URL").ok().filter(|u| !u.is_empty());
    let pg_name = format!("coop_bench_{}", std::process::id());
    if let Some(admin) = &pg_admin {
        let mut conn = PgConnection::establish(admin).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {pg_name}")).execute(&mut conn).unwrap();
        let (base, _) = admin.rsplit_once('/').unwrap();
        backends.push(("postgres", Some(format!("{base}/{pg_name}"))));
    }
    let system = actix_web::rt::System::new();
    for (backend, url) in backends {
        let dir = tempfile::tempdir().unwrap();
        let (state, token) = seeded(dir.path(), url, projects);
        let pool = state.pool.clone();
        let app = system.block_on(test::init_service(build_app(state)));
        let request = || {
            test::TestRequest::get()
                .uri("/api/v1/overdue?as_of=2026-11-22&limit=100")
                .insert_header(("authorization", format!("Bearer {token}")))
                .to_request()
        };
        let first = system.block_on(test::call_service(&app, request()));
        assert!(first.status().is_success(), "{}", first.status());
        let call = || {
            let response = system.block_on(test::call_service(&app, request()));
            assert!(response.status().is_success());
            system.block_on(test::read_body(response))
        };
        c.bench_function(&format!("GET /api/v1/overdue?limit=100, {projects} projects, {backend}, kept"), |b| {
            b.iter(call)
        });
        // The data changed since the last request (as a trigger would mark it): the list is worked
        // out afresh, which is what compares with its SQL run directly.
        c.bench_function(&format!("GET /api/v1/overdue?limit=100, {projects} projects, {backend}, afresh"), |b| {
            b.iter_batched(
                || {
                    diesel::sql_query("UPDATE data_version SET n = n + 1").execute(&mut pool.get().unwrap()).unwrap();
                },
                |()| call(),
                BatchSize::PerIteration,
            )
        });
    }
    if let Some(admin) = pg_admin {
        let mut conn = PgConnection::establish(&admin).unwrap();
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")).execute(&mut conn);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = overdue
}
criterion_main!(benches);
