//! Evidence in the database: submissions and reviews through `db::evidence`, what counts toward
//! status, the rules a review follows, and the audit chain they leave. Pages and the API have their
//! own tests; these pin the rules every entry point shares, on SQLite and PostgreSQL.

pub(crate) mod api;
pub(crate) mod crash;
pub(crate) mod pages;

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use chrono::NaiveDate;
use coop_tracker::db::evidence::{self, Decision, FileUpload, NewEntry, SubmissionKind};
use coop_tracker::db::user::User;
use coop_tracker::domain::evidence::{Checked, Reported};
use coop_tracker::domain::evidence_status::EvidenceStatus;
use coop_tracker::domain::proof::ProofKind;
use coop_tracker::domain::refusal::{Failure, Refusal};
use coop_tracker::web::build_app;
use diesel::prelude::*;

use crate::common::{Browser, test_now, with_conn};
use crate::projects::{Setup, body, registration, setup};

/// A registered project: its id, the first quantitative indicator's id, and the accounts.
struct Story {
    s: Setup,
    project_id: i64,
    indicator_id: i64,
    pi: User,
    staff: User,
    member: User,
}

async fn story() -> Story {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let (_, indicator_id) = crate::projects::registered_project(&mut staff, s.direction_id).await;
    let user = |email: &str| with_conn(&s.app, |c| coop_tracker::db::user::find_by_email(c, email).unwrap().unwrap());
    let (pi, staff, member) = (user("pi@example.org"), user("staff@example.org"), user("member@example.org"));
    let project_id =
        with_conn(&s.app, |c| coop_tracker::db::project::find_by_code(c, "SH-KJ-2024-001").unwrap().unwrap().id);
    Story { s, project_id, indicator_id, pi, staff, member }
}

fn entry(indicator_id: i64, value: f64, measured_on: &str) -> NewEntry {
    NewEntry {
        indicator_id,
        checked: Checked {
            reported: Some(Reported { value, value_max: None }),
            done: false,
            measured_on: NaiveDate::parse_from_str(measured_on, "%Y-%m-%d").unwrap(),
        },
        note: "第三方检测".into(),
        responds_to: None,
        files: Vec::new(),
    }
}

fn submit(st: &Story, by: &User, entries: &[NewEntry]) -> Result<Vec<i64>, Failure> {
    with_conn(&st.s.app, |c| {
        evidence::submit(c, by, st.project_id, SubmissionKind::Single, None, entries, (None, test_now()))
            .map(|s| s.evidence_ids)
    })
}

fn review(st: &Story, by: &User, id: i64, decision: Decision, comment: &str) -> Result<i64, Failure> {
    with_conn(&st.s.app, |c| evidence::review(c, by, id, decision, comment, (None, test_now())))
}

fn verified_values(st: &Story) -> Vec<f64> {
    with_conn(&st.s.app, |c| {
        coop_tracker::db::project::tracked_indicators_by_id(c, &[st.indicator_id]).unwrap()[0]
            .observations
            .iter()
            .filter_map(|o| o.value)
            .collect()
    })
}

fn count(st: &Story, table: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    with_conn(&st.s.app, |c| {
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}")).get_result::<N>(c).unwrap().n
    })
}

#[actix_web::test]
async fn only_accepted_evidence_counts_and_each_step_is_on_the_audit_chain() {
    let st = story().await;
    let ids = submit(&st, &st.pi, &[entry(st.indicator_id, 42.0, "2026-06-30")]).unwrap();
    assert!(verified_values(&st).is_empty(), "pending evidence does not count");
    let pending = with_conn(&st.s.app, |c| evidence::pending_by_indicator(c, &[st.indicator_id]).unwrap());
    assert_eq!(pending.as_of(st.indicator_id, test_now().date()).unwrap().value, Some(42.0));

    review(&st, &st.staff, ids[0], Decision::Accept, "").unwrap();
    assert_eq!(verified_values(&st), [42.0]);
    let pending = with_conn(&st.s.app, |c| evidence::pending_by_indicator(c, &[st.indicator_id]).unwrap());
    assert!(pending.as_of(st.indicator_id, test_now().date()).is_none());

    let actions = with_conn(&st.s.app, |c| coop_tracker::db::audit::list_actions(c, "evidence", ids[0]).unwrap());
    assert_eq!(actions, ["evidence.submit", "evidence.review"]);
    let chain = with_conn(&st.s.app, |c| coop_tracker::db::audit::verify(c).unwrap());
    assert_eq!(chain.break_at, None);
    assert_eq!(chain.before_chain, 0);
    assert_eq!(chain.chained as i64, count(&st, "audit_log"));
}

#[actix_web::test]
async fn a_review_needs_staff_a_reason_to_refuse_and_happens_once() {
    let st = story().await;
    let ids = submit(&st, &st.member, &[entry(st.indicator_id, 10.0, "2026-05-01")]).unwrap();
    let before = (count(&st, "reviews"), count(&st, "audit_log"));

    assert!(matches!(review(&st, &st.pi, ids[0], Decision::Accept, ""), Err(Failure::Refused(Refusal::Forbidden))));
    assert!(matches!(
        review(&st, &st.staff, ids[0], Decision::Reject, "  "),
        Err(Failure::Refused(Refusal::Validation(_)))
    ));
    assert!(matches!(
        review(&st, &st.staff, ids[0], Decision::More, ""),
        Err(Failure::Refused(Refusal::Validation(_)))
    ));
    assert!(matches!(review(&st, &st.staff, 999_999, Decision::Accept, ""), Err(Failure::Refused(Refusal::NotFound))));
    assert_eq!((count(&st, "reviews"), count(&st, "audit_log")), before, "refusals change nothing");

    review(&st, &st.staff, ids[0], Decision::Reject, "检测报告未盖章").unwrap();
    assert!(matches!(
        review(&st, &st.staff, ids[0], Decision::Accept, ""),
        Err(Failure::Refused(Refusal::Conflict("review.error.already_reviewed")))
    ));
    assert!(verified_values(&st).is_empty(), "rejected evidence does not count");

    // The PI answers the rejection; answering anything else is refused.
    let answer = NewEntry { responds_to: Some(ids[0]), ..entry(st.indicator_id, 11.0, "2026-05-02") };
    let answered = submit(&st, &st.pi, &[answer]).unwrap();
    let again = NewEntry { responds_to: Some(answered[0]), ..entry(st.indicator_id, 12.0, "2026-05-03") };
    assert!(
        matches!(submit(&st, &st.pi, &[again]), Err(Failure::Refused(Refusal::Validation(_)))),
        "a pending one is no answer"
    );
    let views = with_conn(&st.s.app, |c| evidence::for_indicator(c, st.indicator_id, test_now().date()).unwrap());
    assert_eq!(views[0].responds_to, Some(ids[0]));
    assert_eq!(views[1].reviews[0].reason.as_deref(), Some("检测报告未盖章"));
}

#[actix_web::test]
async fn only_the_pi_and_members_report_and_never_on_a_closed_project() {
    let st = story().await;
    let other =
        with_conn(&st.s.app, |c| coop_tracker::db::user::find_by_email(c, "other-pi@example.org").unwrap().unwrap());
    let before = count(&st, "evidence");
    assert!(matches!(
        submit(&st, &other, &[entry(st.indicator_id, 1.0, "2026-05-01")]),
        Err(Failure::Refused(Refusal::Forbidden))
    ));
    assert!(matches!(
        submit(&st, &st.staff, &[entry(st.indicator_id, 1.0, "2026-05-01")]),
        Err(Failure::Refused(Refusal::Forbidden))
    ));
    assert!(matches!(submit(&st, &st.pi, &[]), Err(Failure::Refused(Refusal::Validation(_)))), "an empty submission");
    assert!(matches!(
        submit(&st, &st.pi, &[entry(123_456, 1.0, "2026-05-01")]),
        Err(Failure::Refused(Refusal::NotFound))
    ));
    assert_eq!(count(&st, "evidence"), before);
    assert_eq!(count(&st, "submissions"), 0, "a refused submission leaves no submission row");

    let ids = submit(&st, &st.pi, &[entry(st.indicator_id, 1.0, "2026-05-01")]).unwrap();
    with_conn(&st.s.app, |c| {
        use coop_tracker::db::schema::projects;
        diesel::update(projects::table.find(st.project_id)).set(projects::state.eq("terminated")).execute(c).unwrap();
    });
    assert!(matches!(
        submit(&st, &st.pi, &[entry(st.indicator_id, 2.0, "2026-05-02")]),
        Err(Failure::Refused(Refusal::Conflict("indicator.project_closed")))
    ));
    assert!(matches!(
        review(&st, &st.staff, ids[0], Decision::Accept, ""),
        Err(Failure::Refused(Refusal::Conflict("indicator.project_closed")))
    ));
}

#[actix_web::test]
async fn a_file_is_stored_once_and_its_reuse_in_another_project_is_flagged() {
    let st = story().await;
    let upload = |name: &str| FileUpload {
        sha256: "a".repeat(64),
        size: 9,
        content_type: "application/pdf".into(),
        original_name: name.into(),
        kind: None,
    };
    let first = NewEntry {
        files: vec![upload("报告.pdf"), upload("报告-副本.pdf")],
        ..entry(st.indicator_id, 1.0, "2026-05-01")
    };
    let ids = submit(&st, &st.pi, &[first]).unwrap();
    assert_eq!(count(&st, "files"), 1);
    assert_eq!(count(&st, "evidence_files"), 1, "the same content twice in one report is attached once");
    let second = NewEntry { files: vec![upload("again.pdf")], ..entry(st.indicator_id, 2.0, "2026-05-02") };
    submit(&st, &st.pi, &[second]).unwrap();
    assert_eq!(count(&st, "files"), 1);
    let mut views = with_conn(&st.s.app, |c| evidence::for_project(c, st.project_id, test_now().date()).unwrap());
    assert!(views.iter().all(|v| v.files[0].reused_in.is_none()), "left out unless asked for");
    with_conn(&st.s.app, |c| evidence::show_reuse(c, &mut views).unwrap());
    assert!(
        views.iter().all(|v| v.files[0].reused_in.as_deref() == Some(&[][..])),
        "reuse within one project is no recycling"
    );

    // A second project whose PI attaches the same content.
    let service = test::init_service(build_app(st.s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &st.s.staff_token);
    let mut second_project = registration(st.s.direction_id);
    second_project["code"] = "SH-KJ-2024-002".into();
    second_project["pi_email"] = "other-pi@example.org".into();
    second_project["member_emails"] = serde_json::json!([]);
    let page = staff.json(Method::POST, "/api/v1/projects", Some(second_project)).await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let other_indicator = body(&page)["indicators"][0]["id"].as_i64().unwrap();
    let other_pi =
        with_conn(&st.s.app, |c| coop_tracker::db::user::find_by_email(c, "other-pi@example.org").unwrap().unwrap());
    let other_project =
        with_conn(&st.s.app, |c| coop_tracker::db::project::find_by_code(c, "SH-KJ-2024-002").unwrap().unwrap().id);
    let recycled = NewEntry { files: vec![upload("照片.pdf")], ..entry(other_indicator, 1.0, "2026-05-01") };
    with_conn(&st.s.app, |c| {
        evidence::submit(c, &other_pi, other_project, SubmissionKind::Single, None, &[recycled], (None, test_now()))
            .unwrap()
    });
    let (_, mut mine) = with_conn(&st.s.app, |c| evidence::find(c, ids[0]).unwrap().unwrap());
    with_conn(&st.s.app, |c| evidence::show_reuse(c, std::slice::from_mut(&mut mine)).unwrap());
    assert_eq!(mine.files[0].reused_in, Some(vec!["SH-KJ-2024-002".to_owned()]));
    assert_eq!(count(&st, "files"), 1);
}

#[actix_web::test]
async fn the_queue_lists_pending_evidence_oldest_first() {
    let st = story().await;
    let first = submit(&st, &st.pi, &[entry(st.indicator_id, 1.0, "2026-05-01")]).unwrap()[0];
    let second = submit(&st, &st.member, &[entry(st.indicator_id, 2.0, "2026-05-02")]).unwrap()[0];
    let (items, total) = with_conn(&st.s.app, |c| evidence::queue(c, 0, 50).unwrap());
    assert_eq!(total, 2);
    assert_eq!(items.iter().map(|i| i.evidence_id).collect::<Vec<_>>(), [first, second]);
    review(&st, &st.staff, first, Decision::Accept, "").unwrap();
    let (items, total) = with_conn(&st.s.app, |c| evidence::queue(c, 0, 50).unwrap());
    assert_eq!((items.len(), total), (1, 1));
    assert_eq!(items[0].evidence_id, second);
}

#[actix_web::test]
async fn staff_choose_the_kinds_of_proof_an_indicator_asks_for() {
    let st = story().await;
    let service = test::init_service(build_app(st.s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &st.s.staff_token);
    let path = format!("/api/v1/indicators/{}", st.indicator_id);
    let defaults = body(&staff.json(Method::GET, &path, None).await);
    assert_eq!(defaults["proof_customised"], false);
    assert!(!defaults["proof"].as_array().unwrap().is_empty(), "every indicator asks for something by default");

    let proof = format!("{path}/proof");
    let page = staff.json(Method::PUT, &proof, Some(serde_json::json!({"kinds": ["photos", "contract"]}))).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(body(&page)["proof"], serde_json::json!(["photos", "contract"]));
    assert_eq!(body(&page)["proof_customised"], true);

    let (_, pi_token) = st.s.app.token(st.pi.id, None);
    let audit_rows = count(&st, "audit_log");
    let page = staff.json(Method::PUT, &proof, Some(serde_json::json!({"kinds": ["photos", "x-ray"]}))).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut pi = Browser::with_token(&service, &pi_token);
    let page = pi.json(Method::PUT, &proof, Some(serde_json::json!({"kinds": []}))).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&st, "audit_log"), audit_rows, "refused changes leave no trace");
    assert_eq!(body(&pi.json(Method::GET, &path, None).await)["proof"], serde_json::json!(["photos", "contract"]));

    let page = staff.json(Method::PUT, &proof, Some(serde_json::json!({"kinds": []}))).await;
    assert_eq!(body(&page)["proof"], defaults["proof"], "an empty list restores the defaults");
}

#[actix_web::test]
async fn concurrent_reports_and_reviews_all_succeed_and_keep_one_audit_chain() {
    let st = story().await;
    let st = std::sync::Arc::new(st);
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let st = st.clone();
            std::thread::spawn(move || {
                for i in 0..15 {
                    let by = if t % 2 == 0 { &st.pi } else { &st.member };
                    let id = submit(&st, by, &[entry(st.indicator_id, f64::from(t * 100 + i), "2026-06-01")])
                        .unwrap_or_else(|e| panic!("thread {t} submission {i}: {e:?}"))[0];
                    if i % 3 == 0 {
                        review(&st, &st.staff, id, Decision::Accept, "")
                            .unwrap_or_else(|e| panic!("thread {t} review {i}: {e:?}"));
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(count(&st, "evidence"), 90);
    assert_eq!(count(&st, "reviews"), 30);
    let chain = with_conn(&st.s.app, |c| coop_tracker::db::audit::verify(c).unwrap());
    assert_eq!(chain.break_at, None);
    assert_eq!(chain.chained as i64, count(&st, "audit_log"));
}

/// A status, review decision or proof kind no value carries (written past the CHECK constraints, as
/// a hand edit or a newer version might) makes the evidence fail to load, naming the value, instead
/// of being shown as some other status or without the kind its file was attached as.
#[actix_web::test]
async fn a_stored_status_decision_or_proof_kind_no_value_carries_fails_to_load_naming_it() {
    let st = story().await;
    let upload = FileUpload {
        sha256: "b".repeat(64),
        size: 9,
        content_type: "application/pdf".into(),
        original_name: "检测报告.pdf".into(),
        kind: Some(ProofKind::TestReport),
    };
    let ids =
        submit(&st, &st.pi, &[NewEntry { files: vec![upload], ..entry(st.indicator_id, 5.0, "2026-05-01") }]).unwrap();
    review(&st, &st.staff, ids[0], Decision::Reject, "检测报告未盖章").unwrap();
    let id = ids[0];
    with_conn(&st.s.app, |c| {
        use diesel::connection::SimpleConnection;
        let (_, view) = evidence::find(c, id).unwrap().unwrap();
        assert_eq!(view.files[0].kind, Some(ProofKind::TestReport));
        assert_eq!(view.reviews[0].decision, EvidenceStatus::Rejected);
        let loosen = match c {
            coop_tracker::db::DbConnection::Sqlite(_) => "PRAGMA ignore_check_constraints = ON;",
            coop_tracker::db::DbConnection::Pg(_) => {
                "ALTER TABLE evidence DROP CONSTRAINT evidence_status_check;
                 ALTER TABLE reviews DROP CONSTRAINT reviews_decision_check;"
            }
        };
        c.batch_execute(loosen).unwrap();
        for (column, by_evidence, stored, said) in [
            ("evidence.status", "id", "rejected", "unknown evidence status 'approved'"),
            ("reviews.decision", "evidence_id", "rejected", "unknown evidence status 'approved'"),
            ("evidence_files.kind", "evidence_id", "test_report", "unknown proof kind 'selfie'"),
        ] {
            let (table, name) = column.split_once('.').unwrap();
            let set = |value: &str| format!("UPDATE {table} SET {name} = '{value}' WHERE {by_evidence} = {id};");
            let unknown = if name == "kind" { "selfie" } else { "approved" };
            c.batch_execute(&set(unknown)).unwrap();
            let error = format!("{:?}", evidence::find(c, id).map(|_| ()).unwrap_err());
            assert!(error.contains(said), "{column}: {error}");
            c.batch_execute(&set(stored)).unwrap();
            assert!(evidence::find(c, id).unwrap().is_some(), "{column} restored");
        }
    });
}
