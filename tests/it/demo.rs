//! `serve --demo` data: one account per role with the documented password, institutions and the
//! 2024 guide; seeding twice changes nothing.

use coop_tracker::auth::password;
use coop_tracker::db::{guide, user};
use coop_tracker::demo::{self, DEMO_PASSWORD, DEMO_USERS};

use crate::common::{TestApp, test_now, with_conn};

#[test]
fn demo_data_is_complete_usable_and_idempotent() {
    let app = TestApp::new();
    with_conn(&app, |conn| {
        demo::seed(conn, test_now()).unwrap();
        demo::seed(conn, test_now()).unwrap();
        assert_eq!(user::count(conn).unwrap(), DEMO_USERS.len() as i64);
        for (email, _, role) in DEMO_USERS {
            let account = user::find_by_email(conn, email).unwrap().unwrap();
            assert_eq!(account.role, role);
            assert!(password::verify(DEMO_PASSWORD, account.password_hash.as_deref()), "{email}");
        }
        let guides = guide::list(conn).unwrap();
        assert_eq!(guides.len(), 1);
        let stored = guide::find(conn, guides[0].id).unwrap().unwrap();
        let indicators: usize = stored.topics.iter().flat_map(|t| &t.directions).map(|d| d.indicators.len()).sum();
        assert!(indicators >= 31, "the demo guide's indicators are stored: {indicators}");
    });
}

mod portfolio {
    use chrono::NaiveDate;
    use coop_tracker::db::overdue::{self, Filter};
    use coop_tracker::db::schema::{evidence, indicators, milestones, projects};
    use coop_tracker::db::{DbConnection, project, project_registration};
    use coop_tracker::demo::{self, portfolio};
    use coop_tracker::domain::guide::model::Period;
    use coop_tracker::domain::role::Role;
    use coop_tracker::domain::status::{self, DEFAULT_WARNING_DAYS, Status};
    use diesel::prelude::*;

    use crate::common::{TestApp, test_now, with_conn};

    fn today() -> NaiveDate {
        test_now().date()
    }

    fn seed(conn: &mut DbConnection, projects: usize, seed: u64) -> portfolio::Seeded {
        demo::seed(conn, test_now()).unwrap();
        let options = portfolio::Options { projects, seed, today: today(), warning_days: DEFAULT_WARNING_DAYS };
        portfolio::seed(conn, options, test_now(), &mut |_, _| {}).unwrap()
    }

    /// Every project's code, indicator count and verified evidence total, in code order.
    fn fingerprint(conn: &mut DbConnection) -> Vec<(String, i64, f64)> {
        let rows: Vec<(String, i64)> = projects::table
            .inner_join(indicators::table)
            .group_by(projects::code)
            .select((projects::code, diesel::dsl::count(indicators::id)))
            .order(projects::code.asc())
            .load(conn)
            .unwrap();
        rows.into_iter()
            .map(|(code, n)| {
                let project_id: i64 =
                    projects::table.filter(projects::code.eq(&code)).select(projects::id).first(conn).unwrap();
                let values: Vec<Option<f64>> = evidence::table
                    .inner_join(indicators::table)
                    .filter(indicators::project_id.eq(project_id))
                    .select(evidence::value)
                    .load(conn)
                    .unwrap();
                (code, n, values.into_iter().flatten().sum())
            })
            .collect()
    }

    /// How many indicators the status engine, evaluating each project in full, finds in each status.
    fn evaluated(conn: &mut DbConnection, as_of: NaiveDate) -> Vec<(Status, i64)> {
        let all: Vec<(i64, NaiveDate, NaiveDate)> = projects::table
            .select((projects::id, projects::execution_start, projects::execution_end))
            .load(conn)
            .unwrap();
        let mut counts = std::collections::HashMap::new();
        for (id, start, end) in all {
            for t in project::tracked_indicators(conn, id).unwrap() {
                let e = status::evaluate(
                    &t.target,
                    &t.checkpoints,
                    &t.observations,
                    Period { start, end },
                    as_of,
                    DEFAULT_WARNING_DAYS,
                );
                *counts.entry(e.status).or_insert(0) += 1;
            }
        }
        Status::ALL.iter().map(|s| (*s, counts.get(s).copied().unwrap_or(0))).collect()
    }

    #[test]
    fn a_seeded_portfolio_is_deterministic_realistic_and_indexed_as_the_engine_says() {
        let app = TestApp::new();
        let seeded = with_conn(&app, |c| seed(c, 60, 7));
        assert_eq!(seeded.projects, 60);
        assert!((240..=600).contains(&seeded.indicators), "4 to 10 indicators each: {seeded:?}");
        let share = seeded.checkpoints_overdue as f64 / seeded.checkpoints as f64;
        assert!((0.1..=0.3).contains(&share), "roughly a fifth of checkpoints overdue: {share} {seeded:?}");
        let print = with_conn(&app, fingerprint);
        assert_eq!(print.len(), 60);
        assert!(print.iter().all(|(_, n, _)| (4..=10).contains(n)), "{print:?}");
        let stored: i64 = with_conn(&app, |c| milestones::table.count().get_result(c).unwrap());
        assert_eq!(stored as usize, seeded.checkpoints);

        // The same seed again adds nothing; the same seed elsewhere gives the same portfolio.
        assert!(with_conn(&app, |c| seed(c, 60, 7)).already_seeded);
        assert_eq!(with_conn(&app, fingerprint), print);
        let other = TestApp::new();
        with_conn(&other, |c| seed(c, 60, 7));
        assert_eq!(with_conn(&other, fingerprint), print);

        // The stored timelines answer exactly what evaluating every indicator says, on any date.
        for as_of in ["2025-03-01", "2025-11-20", "2026-01-15", "2026-11-22", "2027-12-15"] {
            let as_of = NaiveDate::parse_from_str(as_of, "%Y-%m-%d").unwrap();
            let expected = with_conn(&app, |c| evaluated(c, as_of));
            for (status, n) in expected {
                let filter = Filter { statuses: vec![status], ..Filter::default() };
                let indexed = with_conn(&app, |c| overdue::count(c, as_of, &filter).unwrap());
                assert_eq!(indexed, n, "{status:?} on {as_of}");
            }
        }

        // Ids were chosen by the seed: ordinary inserts afterwards still get fresh ones (PostgreSQL's
        // sequences were moved past them).
        let pi = app.user("new-pi@example.org", Role::Pi);
        let (direction_id, lead) = with_conn(&app, |c| {
            projects::table
                .select((projects::direction_id, projects::lead_institution_id))
                .first::<(i64, i64)>(c)
                .unwrap()
        });
        let registration = project_registration::Registration {
            code: "NEW-1".into(),
            title: "种子之后登记的项目".into(),
            direction_id,
            lead_institution_id: lead,
            partners: vec![],
            pi_user_id: pi,
            member_ids: vec![],
            officer_user_id: None,
            funding_yuan: 0,
            execution: None,
            contract_number: None,
            recommendation_ref: None,
            baselines: vec![],
        };
        with_conn(&app, |c| project_registration::register(c, &registration, None, test_now()).unwrap());
    }

    /// What a newcomer first looks at is plausible: in a 200-project demo no count is fractional (0.77
    /// 篇), no proportion exceeds 100 % (108 % accuracy), and every relative target has a recorded
    /// baseline with evidence in its measured quantity's unit, whose change against it is believable.
    #[test]
    fn a_seeded_portfolio_counts_whole_things_keeps_proportions_in_range_and_measures_relative_targets() {
        use coop_tracker::domain::target::{UnitKind, granularity};

        let app = TestApp::new();
        with_conn(&app, |c| seed(c, 200, 3));
        type Row = (Option<String>, Option<String>, Option<f64>, Option<String>, Option<f64>, Option<f64>);
        let rows: Vec<Row> = with_conn(&app, |c| {
            evidence::table
                .inner_join(indicators::table)
                .select((
                    indicators::unit,
                    indicators::change,
                    indicators::baseline,
                    indicators::baseline_unit,
                    evidence::value,
                    evidence::value_max,
                ))
                .load(c)
                .unwrap()
        });
        assert!(rows.len() > 1000, "a 200-project demo has evidence: {}", rows.len());
        let values = |r: &Row| [r.4, r.5].into_iter().flatten().collect::<Vec<f64>>();
        let fractional_counts = rows
            .iter()
            .filter(|r| r.1.is_none() && UnitKind::of(r.0.as_deref()).is_counting())
            .filter(|r| values(r).iter().any(|v| granularity(r.0.as_deref()) == Some(1.0) && v.fract() != 0.0))
            .count();
        let proportions_over_100 = rows
            .iter()
            .filter(|r| r.1.is_none() && r.0.as_deref() == Some("%"))
            .filter(|r| values(r).iter().any(|v| *v > 100.0 || *v < 0.0))
            .count();
        assert_eq!((fractional_counts, proportions_over_100), (0, 0));

        let relative: Vec<&Row> = rows.iter().filter(|r| r.1.is_some()).collect();
        assert!(!relative.is_empty(), "the demo has relative targets with evidence");
        for r in relative {
            let (Some(baseline), Some(unit), Some(value)) = (r.2, r.3.as_deref(), r.4) else {
                panic!("a relative target without a recorded baseline or value: {r:?}");
            };
            assert_ne!(unit, "%", "{r:?}");
            let change = (value - baseline) / baseline * 100.0;
            assert!((-100.0..=200.0).contains(&change), "a measured quantity, not a percentage: {r:?}");
        }
        let unrecorded: i64 = with_conn(&app, |c| {
            indicators::table
                .filter(indicators::change.is_not_null())
                .filter(indicators::baseline_unit.is_null().or(indicators::baseline_on.is_null()))
                .count()
                .get_result(c)
                .unwrap()
        });
        assert_eq!(unrecorded, 0, "every relative target's baseline is recorded whole");

        // Seeding writes its audit rows, chained like every other: a registration per project, a
        // submission per report and a review per verified one.
        use coop_tracker::db::audit;
        use coop_tracker::db::schema::audit_log;
        let count = |action: &str| -> i64 {
            with_conn(&app, |c| audit_log::table.filter(audit_log::action.eq(action)).count().get_result(c).unwrap())
        };
        let (reports, accepted): (i64, i64) = with_conn(&app, |c| {
            (
                evidence::table.count().get_result(c).unwrap(),
                evidence::table.filter(evidence::status.eq("accepted")).count().get_result(c).unwrap(),
            )
        });
        assert_eq!(
            (count("project.register"), count("evidence.submit"), count("evidence.review")),
            (200, reports, accepted)
        );
        let chain = with_conn(&app, |c| audit::verify(c).unwrap());
        assert_eq!(chain.break_at, None, "{chain:?}");
        assert!(chain.chained as i64 > 200 + reports + accepted, "{chain:?}");
    }
}
