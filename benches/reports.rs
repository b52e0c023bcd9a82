//! How long reports take on a seeded portfolio (1,000 projects; `BENCH_PROJECTS` for another size) on
//! SQLite: one project's acceptance report with its PDF (gathering, then drawing and rendering, and the
//! two together), and the portfolio report over every project. Run with `cargo bench --bench reports`.

#![expect(missing_docs, reason = "criterion's macros generate undocumented entry points")]
#![expect(clippy::unwrap_used, reason = "a benchmark that cannot set up should stop")]

mod common;

use std::time::Duration;

use common::now;
use coop_tracker::app::reports;
use coop_tracker::i18n::Locale;
use coop_tracker::report::facts::Kind;
use coop_tracker::report::make;
use criterion::{Criterion, criterion_group, criterion_main};
use diesel::prelude::*;

fn reports(c: &mut Criterion) {
    let (_dir, config, pool, projects) = common::seeded_sqlite(1_000);
    let mut conn = pool.get().unwrap();
    let as_of = now().date();
    let tracking = config.tracking;
    // The project with the most indicators: the heaviest single report.
    let code: String = {
        use coop_tracker::db::schema::{indicators, projects};
        projects::table
            .inner_join(indicators::table)
            .group_by(projects::code)
            .order(diesel::dsl::count_star().desc())
            .select(projects::code)
            .first(&mut conn)
            .unwrap()
    };
    let facts = |conn: &mut coop_tracker::db::DbConnection| {
        let project = reports::find_project(conn, None, &code).unwrap();
        reports::project_facts(conn, project, Kind::Acceptance, as_of, &tracking, chrono_tz::Asia::Shanghai, now())
            .unwrap()
    };
    let sample = facts(&mut conn);
    eprintln!("{code}: {} indicators", sample.indicators.len());

    let mut group = c.benchmark_group("project_report");
    group.bench_function("gather", |b| b.iter(|| facts(&mut conn)));
    group.bench_function("charts_html_pdf", |b| {
        b.iter(|| make::project_report(&sample, Locale::ZhCn, tracking.warning_days).unwrap())
    });
    group.bench_function("acceptance_with_pdf", |b| {
        b.iter(|| make::project_report(&facts(&mut conn), Locale::ZhCn, tracking.warning_days).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("portfolio_report");
    group.sample_size(10).measurement_time(Duration::from_secs(60));
    group.bench_function(format!("{projects}_projects"), |b| {
        b.iter(|| {
            let facts = reports::portfolio_facts(&mut conn, None, as_of, &tracking, now(), &mut |_, _| {}).unwrap();
            make::portfolio_report(&facts, Locale::ZhCn).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, reports);
criterion_main!(benches);
