//! Project states: staff move a project through the mid-term check and acceptance, or terminate
//! it, on the project page and over the API; every move is audited with the states before and
//! after, refused moves change nothing, and closed projects stay closed.

use actix_web::http::{Method, StatusCode};
use coop_tracker::db::schema::{audit_log, projects};
use coop_tracker::web::build_app;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::{Browser, TestApp, with_conn};
use crate::projects::{body, registration, setup};

const CODE: &str = "SH-KJ-2024-001";

fn stored_state(app: &TestApp) -> String {
    with_conn(app, |c| projects::table.filter(projects::code.eq(CODE)).select(projects::state).first(c).unwrap())
}

fn state_audits(app: &TestApp) -> Vec<Value> {
    with_conn(app, |c| {
        audit_log::table
            .filter(audit_log::action.eq("project.state"))
            .order(audit_log::id.asc())
            .select(audit_log::detail)
            .load::<String>(c)
            .unwrap()
    })
    .iter()
    .map(|d| serde_json::from_str(d).unwrap())
    .collect()
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
    let audits = state_audits(&s.app);
    assert_eq!(audits.len(), 4);
    assert_eq!(audits[3]["before"], "in_acceptance");
    assert_eq!(audits[3]["after"], "accepted_rectified");

    let reopen = api.json(Method::POST, &path, Some(json!({"state": "active", "note": "重新打开"}))).await;
    assert_eq!(reopen.status, StatusCode::CONFLICT, "{}", reopen.body);
    assert!(body(&reopen)["error"]["message"].as_str().unwrap().contains("不能变更为所选状态"));
    assert_eq!(stored_state(&s.app), "accepted_rectified");
    assert_eq!(state_audits(&s.app).len(), 4, "a refused move is not audited");
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
    assert!(state_audits(&s.app).is_empty());
    let missing = api.json(Method::POST, "/api/v1/projects/NO-SUCH/state", Some(json!({"state": "mid_term"}))).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let stopped = api.json(Method::POST, &path, Some(json!({"state": "terminated", "note": "承担单位申请终止"}))).await;
    assert_eq!(stopped.status, StatusCode::OK, "{}", stopped.body);
    assert_eq!(state_audits(&s.app)[0]["note"], "承担单位申请终止");

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
