//! The hot pure code, away from the database: the status engine (evaluating an indicator on a date,
//! and computing its whole timeline, as every write does) over one project and over a seeded
//! portfolio of 10,000 projects (`BENCH_PROJECTS` for another size); milestone planning of one
//! project's indicators; and drawing the charts of a project page and of its acceptance report. The
//! data is loaded once from a seeded SQLite database. Run with `cargo bench --bench engine`.

#![expect(missing_docs, reason = "criterion's macros generate undocumented entry points")]
#![expect(clippy::unwrap_used, reason = "a benchmark that cannot set up should stop")]

mod common;

use std::collections::HashMap;
use std::hint::black_box;

use chrono::NaiveDate;
use common::now;
use coop_tracker::app::reports;
use coop_tracker::db::project::{TrackedIndicator, tracked_indicators_by_id};
use coop_tracker::db::schema::{indicators, projects};
use coop_tracker::domain::guide::model::Period;
use coop_tracker::domain::plan::{self, Profile, Schedule};
use coop_tracker::domain::status;
use coop_tracker::i18n::Locale;
use coop_tracker::report::facts::Kind;
use coop_tracker::report::figures;
use criterion::{Criterion, criterion_group, criterion_main};
use diesel::prelude::*;

/// Every project's period and tracked indicators.
struct Portfolio {
    projects: Vec<(String, Period, Vec<TrackedIndicator>)>,
}

fn load(conn: &mut coop_tracker::db::DbConnection) -> Portfolio {
    let rows: Vec<(i64, String, NaiveDate, NaiveDate)> = projects::table
        .order(projects::id.asc())
        .select((projects::id, projects::code, projects::execution_start, projects::execution_end))
        .load(conn)
        .unwrap();
    let ids: Vec<i64> = indicators::table.select(indicators::id).load(conn).unwrap();
    let mut by_project: HashMap<i64, Vec<TrackedIndicator>> = HashMap::new();
    for chunk in ids.chunks(5_000) {
        for tracked in tracked_indicators_by_id(conn, chunk).unwrap() {
            by_project.entry(tracked.project_id).or_default().push(tracked);
        }
    }
    let projects = rows
        .into_iter()
        .map(|(id, code, start, end)| (code, Period { start, end }, by_project.remove(&id).unwrap_or_default()))
        .collect();
    Portfolio { projects }
}

fn engine(c: &mut Criterion) {
    let (_dir, config, pool, size) = common::seeded_sqlite(10_000);
    let mut conn = pool.get().unwrap();
    let portfolio = load(&mut conn);
    let as_of = now().date();
    let warning = config.tracking.warning_days;
    let indicators: usize = portfolio.projects.iter().map(|(_, _, i)| i.len()).sum();
    // The project with the most indicators stands for "one project".
    let (code, period, heaviest) = portfolio.projects.iter().max_by_key(|(_, _, i)| i.len()).unwrap();
    eprintln!("{size} projects, {indicators} indicators; one project: {code} with {} indicators", heaviest.len());

    let evaluate_all = |tracked: &[TrackedIndicator], period: Period| {
        for t in tracked {
            black_box(status::evaluate(&t.target, &t.checkpoints, &t.observations, period, as_of, warning));
        }
    };
    let timeline_all = |tracked: &[TrackedIndicator], period: Period| {
        for t in tracked {
            black_box(status::timeline(&t.target, &t.checkpoints, &t.observations, period, warning));
        }
    };
    let mut group = c.benchmark_group("status_engine");
    group.bench_function(format!("evaluate, one project ({} indicators)", heaviest.len()), |b| {
        b.iter(|| evaluate_all(heaviest, *period))
    });
    group.bench_function(format!("timeline, one project ({} indicators)", heaviest.len()), |b| {
        b.iter(|| timeline_all(heaviest, *period))
    });
    group.sample_size(20);
    group.bench_function(format!("evaluate, {size} projects ({indicators} indicators)"), |b| {
        b.iter(|| portfolio.projects.iter().for_each(|(_, period, tracked)| evaluate_all(tracked, *period)))
    });
    group.bench_function(format!("timeline, {size} projects ({indicators} indicators)"), |b| {
        b.iter(|| portfolio.projects.iter().for_each(|(_, period, tracked)| timeline_all(tracked, *period)))
    });
    group.finish();

    c.bench_function(&format!("milestone planning, one project ({} indicators, half-yearly)", heaviest.len()), |b| {
        b.iter(|| {
            for t in heaviest {
                let _ = black_box(plan::plan(
                    period.start,
                    period.end,
                    &t.target,
                    Schedule::HalfYearly,
                    &Profile::default_for(&t.target),
                ));
            }
        })
    });

    let project = reports::find_project(&mut conn, None, code).unwrap();
    let facts =
        reports::project_facts(&mut conn, project, Kind::Acceptance, as_of, &config.tracking, config.timezone, now())
            .unwrap();
    let mut group = c.benchmark_group("charts");
    group.bench_function("project page: overview and timeline, SVG", |b| {
        b.iter(|| {
            let overview = figures::overview_chart(
                facts.indicators.iter().map(|i| (i.metric.as_str(), i.acceptance.progress, i.evaluation.status)),
            );
            let timeline = figures::timeline_chart(
                *period,
                as_of,
                warning,
                facts
                    .indicators
                    .iter()
                    .map(|i| (i.metric.as_str(), &i.target, &i.evaluation, i.checkpoints.as_slice())),
            );
            figures::page_svgs(&overview, &timeline, Locale::ZhCn)
        })
    });
    group.bench_function("acceptance report: every chart, SVG and PNG", |b| {
        b.iter(|| figures::project(&facts, Locale::ZhCn, warning).unwrap())
    });
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
