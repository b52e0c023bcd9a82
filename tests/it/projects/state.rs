//! Project states: staff move a project through the mid-term check and acceptance, or terminate
//! it, on the project page and over the API; every move is audited with the states before and
//! after, refused moves change nothing, and closed projects stay closed. Closing settles the evidence
//! awaiting review: refused naming it, or withdrawn with a reason, so that the queue, the reminders
//! and the project page agree.

use actix_web::http::{Method, StatusCode};
use coop_tracker::db::schema::{evidence, projects};
use coop_tracker::web::build_app;
use diesel::prelude::*;
use serde_json::json;

use crate::common::{Browser, TestApp, audit_details, test_now, with_conn};
use crate::projects::{body, registration, setup};

const CODE: &str = "SH-KJ-2024-001";

fn stored_state(app: &TestApp) -> String {
    with_conn(app, |c| projects::table.filter(projects::code.eq(CODE)).select(projects::state).first(c).unwrap())
}

#[actix_web::test]
async fn a_project_goes_through_its_checks_over_the_api_and_stays_closed_once_accepted() {
    let s = setup();
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    api.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await;
    let path = format!("/api/v1/projects/{CODE}/state");
    assert_eq!(stored_state(&s.app), "active");

    for (to, previous) in [
        ("mid_term", "active"),
        ("active", "mid_term"),
        ("in_acceptance", "active"),
        ("accepted_rectified", "in_acceptance"),
    ] {
        let page = api.json(Method::POST, &path, Some(json!({"state": to}))).await;
        assert_eq!(page.status, StatusCode::OK, "{to}: {}", page.body);
        assert_eq!(body(&page), json!({"code": CODE, "previous": previous, "state": to}));
    }
    assert_eq!(stored_state(&s.app), "accepted_rectified");
    let audits = audit_details(&s.app, "project.state");
    assert_eq!(audits.len(), 4);
    assert_eq!(audits[3]["before"], "in_acceptance");
    assert_eq!(audits[3]["after"], "accepted_rectified");

    let reopen = api.json(Method::POST, &path, Some(json!({"state": "active", "note": "重新打开"}))).await;
    assert_eq!(reopen.status, StatusCode::CONFLICT, "{}", reopen.body);
    assert!(body(&reopen)["error"]["message"].as_str().unwrap().contains("不能变更为所选状态"));
    assert_eq!(stored_state(&s.app), "accepted_rectified");
    assert_eq!(audit_details(&s.app, "project.state").len(), 4, "a refused move is not audited");
}

#[actix_web::test]
async fn refused_moves_say_why_and_change_nothing() {
    let s = setup();
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    api.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await;
    let path = format!("/api/v1/projects/{CODE}/state");

    let skip = api.json(Method::POST, &path, Some(json!({"state": "accepted"}))).await;
    assert_eq!(skip.status, StatusCode::CONFLICT, "acceptance comes first");
    let extended = api.json(Method::POST, &path, Some(json!({"state": "extended"}))).await;
    assert_eq!(extended.status, StatusCode::CONFLICT, "only the extension operation extends");
    let unknown = api.json(Method::POST, &path, Some(json!({"state": "closed"}))).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(&unknown)["error"]["fields"][0]["field"], "state");
    let silent = api.json(Method::POST, &path, Some(json!({"state": "terminated", "note": "  "}))).await;
    assert_eq!(silent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(&silent)["error"]["fields"][0]["field"], "note");
    assert_eq!(stored_state(&s.app), "active");
    assert!(audit_details(&s.app, "project.state").is_empty());
    let missing = api.json(Method::POST, "/api/v1/projects/NO-SUCH/state", Some(json!({"state": "mid_term"}))).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let stopped = api.json(Method::POST, &path, Some(json!({"state": "terminated", "note": "承担单位申请终止"}))).await;
    assert_eq!(stopped.status, StatusCode::OK, "{}", stopped.body);
    assert_eq!(audit_details(&s.app, "project.state")[0]["note"], "承担单位申请终止");

    let (_, pi_token) = s.app.token(s.pi, None);
    let mut pi = Browser::with_token(&service, &pi_token);
    let page = pi.json(Method::POST, &path, Some(json!({"state": "active"}))).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn staff_change_the_state_on_the_project_page_and_a_pi_cannot() {
    let s = setup();
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    api.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await;
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let page_path = format!("/projects/{CODE}");
    let form_path = format!("/projects/{CODE}/state");

    let page = staff.get(&page_path).await;
    assert!(page.body.contains("id=\"project-state\" class=\"state-active\">执行中"), "{}", page.body);
    assert!(page.body.contains("<option value=\"mid_term\">中期检查</option>"));
    assert!(!page.body.contains("<option value=\"accepted\">"), "only the allowed next states are offered");

    let moved = staff.post(&form_path, &[("state", "mid_term"), ("note", "")]).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert_eq!(moved.location(), format!("/projects/{CODE}?done=state_changed"));
    let page = staff.get(moved.location()).await;
    assert!(page.body.contains("项目状态已变更") && page.body.contains("class=\"state-mid_term\">中期检查"));
    assert!(staff.get("/projects").await.body.contains("中期检查"), "the list shows the state");

    let refused = staff.post(&form_path, &[("state", "terminated"), ("note", "")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"state-error\">变更为“未通过验收”或“终止”须填写说明"), "{}", refused.body);
    assert!(refused.body.contains("<option value=\"terminated\" selected>"), "the choice is kept");
    assert_eq!(stored_state(&s.app), "mid_term");

    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let seen = pi.get(&page_path).await;
    assert!(seen.body.contains("中期检查"), "the PI sees the state");
    assert!(!seen.body.contains("id=\"state-change\""), "but no form");
    assert_eq!(pi.post(&form_path, &[("state", "active")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(stored_state(&s.app), "mid_term");
}

/// Logs a value awaiting review on an indicator as the PI, through `db::evidence` as every entry
/// point does (the forms' own checks are tested with them): the evidence id.
pub(crate) fn pending_evidence(app: &TestApp, indicator_id: i64, value: f64, measured_on: &str) -> i64 {
    use coop_tracker::db::evidence::{self, NewEntry, SubmissionKind};
    use coop_tracker::domain::evidence::{Checked, Reported};
    with_conn(app, |c| {
        let pi = coop_tracker::db::user::find_by_email(c, "pi@example.org").unwrap().unwrap();
        let project = coop_tracker::db::project::find_by_code(c, CODE).unwrap().unwrap();
        let entry = NewEntry {
            indicator_id,
            checked: Checked {
                reported: Some(Reported { value, value_max: None }),
                done: false,
                measured_on: chrono::NaiveDate::parse_from_str(measured_on, "%Y-%m-%d").unwrap(),
            },
            note: "第三方检测报告".into(),
            responds_to: None,
            files: Vec::new(),
        };
        evidence::submit(c, &pi, project.id, SubmissionKind::Single, None, &[entry], (None, test_now()))
            .unwrap()
            .evidence_ids[0]
    })
}

fn evidence_status(app: &TestApp, id: i64) -> String {
    with_conn(app, |c| evidence::table.find(id).select(evidence::status).first(c).unwrap())
}

/// What staff and the reminder sweep see waiting for review: the queue's ids and total, and the
/// evidence the review-waiting reminder would be about (submitted any time before 2030).
fn waiting(app: &TestApp) -> (Vec<i64>, i64, Vec<i64>) {
    with_conn(app, |c| {
        let (items, total) = coop_tracker::db::evidence::queue(c, 0, 50).unwrap();
        let far = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let reminded = coop_tracker::db::reminder::waiting_evidence(c, far).unwrap();
        (items.iter().map(|i| i.evidence_id).collect(), total, reminded.iter().map(|r| r.0).collect())
    })
}

#[actix_web::test]
async fn closing_is_refused_while_evidence_awaits_review_naming_it_or_withdraws_it_with_a_reason() {
    let s = setup();
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let (project, indicator) = crate::projects::registered_project(&mut api, s.direction_id).await;
    let metric = project["indicators"].as_array().unwrap().iter().find(|i| i["id"] == indicator).unwrap()["metric"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = pending_evidence(&s.app, indicator, 42.0, "2026-06-30");
    let second = pending_evidence(&s.app, indicator, 43.0, "2026-07-31");
    assert_eq!(waiting(&s.app), (vec![first, second], 2, vec![first, second]));
    let path = format!("/api/v1/projects/{CODE}/state");
    let started = api.json(Method::POST, &path, Some(json!({"state": "in_acceptance"}))).await;
    assert_eq!(started.status, StatusCode::OK, "moves that do not close are not held up: {}", started.body);

    for withdraw in [json!(null), json!("   ")] {
        let refused =
            api.json(Method::POST, &path, Some(json!({"state": "accepted", "withdraw_reason": withdraw}))).await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
        let message = body(&refused)["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.contains("尚有 2 条佐证材料待审核"), "{message}");
        assert!(message.contains(&format!("#{first} {metric} (2026-06-30)")), "{message}");
        assert!(message.contains(&format!("#{second} {metric} (2026-07-31)")), "{message}");
    }
    let english = actix_web::test::TestRequest::post()
        .uri(&path)
        .insert_header(("accept-language", "en"))
        .set_json(json!({"state": "terminated", "note": "stopped"}));
    let refused = api.request(english).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let message = body(&refused)["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.starts_with("2 pieces of evidence still await review"), "{message}");
    assert!(message.contains(&format!("#{first} {metric} (2026-06-30)")), "{message}");
    assert_eq!(stored_state(&s.app), "in_acceptance", "a refused close changes nothing");
    assert_eq!(audit_details(&s.app, "project.state").len(), 1);
    assert_eq!(evidence_status(&s.app, first), "pending");

    let long = "理".repeat(2001);
    let too_long = api.json(Method::POST, &path, Some(json!({"state": "accepted", "withdraw_reason": long}))).await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", too_long.body);
    assert_eq!(body(&too_long)["error"]["fields"][0]["field"], "withdraw_reason");
    assert!(too_long.body.contains("撤回理由不能超过 2000 个字符"), "{}", too_long.body);
    assert_eq!((stored_state(&s.app), evidence_status(&s.app, first)), ("in_acceptance".into(), "pending".into()));
    let reopen = json!({"state": "active", "withdraw_reason": "不再审核"});
    let not_closing = api.json(Method::POST, &path, Some(reopen)).await;
    assert_eq!(not_closing.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", not_closing.body);
    assert_eq!(body(&not_closing)["error"]["fields"][0]["field"], "withdraw_reason");
    assert!(not_closing.body.contains("只有结束项目"), "{}", not_closing.body);
    assert_eq!((stored_state(&s.app), evidence_status(&s.app, first)), ("in_acceptance".into(), "pending".into()));
    let reason = "验收结论已作出，未审核的材料不再审核";
    let closed = api.json(Method::POST, &path, Some(json!({"state": "accepted", "withdraw_reason": reason}))).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
    assert_eq!(stored_state(&s.app), "accepted");
    assert_eq!(
        (evidence_status(&s.app, first), evidence_status(&s.app, second)),
        ("withdrawn".into(), "withdrawn".into())
    );
    let audit = &audit_details(&s.app, "project.state")[1];
    assert_eq!(
        (audit["after"].clone(), audit["withdrawn_evidence"].clone()),
        (json!("accepted"), json!([first, second]))
    );
    assert_eq!(audit["withdraw_reason"], reason);
    let withdrawals = audit_details(&s.app, "evidence.withdraw");
    assert_eq!(withdrawals.len(), 2, "each piece is audited");
    assert_eq!(withdrawals[0]["after"], json!({"status": "withdrawn", "reason": reason}));
    let chain = with_conn(&s.app, |c| coop_tracker::db::audit::verify(c).unwrap());
    assert_eq!(chain.break_at, None);
    assert_eq!(waiting(&s.app), (vec![], 0, vec![]), "nothing is left waiting in the queue or for a reminder");
}

#[actix_web::test]
async fn the_project_page_lists_what_awaits_review_and_terminating_withdraws_it_with_the_reason_given() {
    let s = setup();
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let (_, indicator) = crate::projects::registered_project(&mut api, s.direction_id).await;
    let id = pending_evidence(&s.app, indicator, 42.0, "2026-06-30");
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let page_path = format!("/projects/{CODE}");
    let form_path = format!("/projects/{CODE}/state");

    let page = staff.get(&page_path).await;
    assert!(page.body.contains("有 1 条佐证材料待审核"), "{}", page.body);
    assert!(page.body.contains(&format!("<a href=\"/evidence/{id}\">#{id}</a>")));
    assert!(page.body.contains("id=\"withdraw_reason\""));

    let stop = [("state", "terminated"), ("note", "承担单位申请终止"), ("withdraw_reason", "")];
    let refused = staff.post(&form_path, &stop).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body.contains(&format!("id=\"state-error\">尚有 1 条佐证材料待审核，项目不能就此结束：#{id} ")),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("承担单位申请终止"), "the note is kept");
    assert_eq!(stored_state(&s.app), "active");

    let stop = [("state", "terminated"), ("note", "承担单位申请终止"), ("withdraw_reason", "项目终止，材料不再审核")];
    let moved = staff.post(&form_path, &stop).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert_eq!(stored_state(&s.app), "terminated");
    assert_eq!(evidence_status(&s.app, id), "withdrawn");
    let page = staff.get(&page_path).await;
    assert!(!page.body.contains("awaiting-review") && !page.body.contains("id=\"unreviewed\""), "{}", page.body);
    assert!(page.body.contains("撤回佐证"), "the history shows the withdrawal");
}

#[actix_web::test]
async fn evidence_left_pending_by_an_earlier_close_is_shown_unreviewed_and_leaves_the_queue_and_the_reminders() {
    let s = setup();
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let (_, indicator) = crate::projects::registered_project(&mut api, s.direction_id).await;
    let id = pending_evidence(&s.app, indicator, 42.0, "2026-06-30");
    // A close recorded before closing settled evidence.
    with_conn(&s.app, |c| {
        diesel::update(projects::table.filter(projects::code.eq(CODE)))
            .set(projects::state.eq("terminated"))
            .execute(c)
            .unwrap()
    });
    assert_eq!(waiting(&s.app), (vec![], 0, vec![]));
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let page = staff.get(&format!("/projects/{CODE}")).await;
    assert!(page.body.contains("项目结束时有 1 条佐证材料尚未审核"), "{}", page.body);
    assert!(page.body.contains(&format!("<a href=\"/evidence/{id}\">#{id}</a>")));
    assert!(
        page.body.contains("未审核 42") && page.body.contains("项目已结束"),
        "the row says it will not be reviewed"
    );
    assert!(!page.body.contains("待审核 42"));
    let evidence_page = staff.get(&format!("/evidence/{id}")).await;
    assert!(evidence_page.body.contains("未审核（项目已结束）"), "{}", evidence_page.body);
    assert!(!evidence_page.body.contains("待审核"), "{}", evidence_page.body);
    let queue = staff.get("/review").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(!queue.body.contains(&format!("/evidence/{id}")), "not in the queue: {}", queue.body);
}

/// A state no value carries (written past the CHECK constraint, as a hand edit or a newer version
/// might) makes the project fail to load, naming the value, instead of being read as active.
#[actix_web::test]
async fn a_stored_state_no_value_carries_fails_to_load_instead_of_reading_as_active() {
    let s = setup();
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let registered = api.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await;
    assert_eq!(registered.status, StatusCode::CREATED);
    with_conn(&s.app, |c| {
        use diesel::connection::SimpleConnection;
        let loosen = match c {
            coop_tracker::db::DbConnection::Sqlite(_) => "PRAGMA ignore_check_constraints = ON;",
            coop_tracker::db::DbConnection::Pg(_) => "ALTER TABLE projects DROP CONSTRAINT projects_state_check;",
        };
        c.batch_execute(loosen).unwrap();
        diesel::update(projects::table.filter(projects::code.eq(CODE)))
            .set(projects::state.eq("closed"))
            .execute(c)
            .unwrap();
        let error = coop_tracker::db::project::find_by_code(c, CODE).unwrap_err();
        let said = format!("{error:?}");
        assert!(said.contains("state") && said.contains("unknown project state 'closed'"), "{said}");
    });
    let page = api.json(Method::GET, &format!("/api/v1/projects/{CODE}"), None).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR, "never shown as an active project");
}
