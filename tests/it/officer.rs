//! The officer in charge (项目主管): assigned at registration and changed later by staff, audited,
//! and refused with a message when the account is not active commission staff.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::db::schema::{audit_log, projects, users};
use coop_tracker::domain::role::Role;
use coop_tracker::web::build_app;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::{Browser, with_conn};
use crate::projects::{registration, setup};

fn officer_of(app: &crate::common::TestApp, code: &str) -> Option<String> {
    with_conn(app, |c| {
        projects::table
            .filter(projects::code.eq(code))
            .left_join(users::table.on(projects::officer_user_id.eq(users::id.nullable())))
            .select(users::email.nullable())
            .first::<Option<String>>(c)
            .unwrap()
    })
}

fn officer_audits(app: &crate::common::TestApp) -> Vec<Value> {
    with_conn(app, |c| {
        audit_log::table
            .filter(audit_log::action.eq("project.officer"))
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
async fn the_officer_is_assigned_at_registration_and_changed_by_staff_with_an_audit_row() {
    let s = setup();
    let officer = s.app.user("wang@example.org", Role::Staff);
    let second = s.app.user("li@example.org", Role::Staff);
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);

    // Not staff: refused naming the field, in the caller's language, and nothing registered.
    let mut body = registration(s.direction_id);
    body["officer_email"] = json!("pi@example.org");
    let refused = staff.json(Method::POST, "/api/v1/projects", Some(body.clone())).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("officer_email") && refused.body.contains("项目主管"), "{}", refused.body);
    assert_eq!(with_conn(&s.app, |c| projects::table.count().get_result::<i64>(c).unwrap()), 0);

    body["officer_email"] = json!("wang@example.org");
    let created = staff.json(Method::POST, "/api/v1/projects", Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(officer_of(&s.app, "SH-KJ-2024-001").as_deref(), Some("wang@example.org"));
    let registered: String = with_conn(&s.app, |c| {
        audit_log::table.filter(audit_log::action.eq("project.register")).select(audit_log::detail).first(c).unwrap()
    });
    let registered: Value = serde_json::from_str(&registered).unwrap();
    assert_eq!(registered["after"]["officer_user_id"], officer);

    // Changed over the API, audited with before and after; a PI may not.
    let path = "/api/v1/projects/SH-KJ-2024-001/officer";
    let changed = staff.json(Method::PUT, path, Some(json!({"officer_email": "li@example.org"}))).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(officer_of(&s.app, "SH-KJ-2024-001").as_deref(), Some("li@example.org"));
    assert_eq!(
        officer_audits(&s.app),
        [json!({"before": {"officer_user_id": officer}, "after": {"officer_user_id": second}})]
    );
    let unknown = staff.json(Method::PUT, path, Some(json!({"officer_email": "nobody@example.org"}))).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown.body);
    let (_, pi_token) = s.app.token(s.pi, None);
    let mut pi = Browser::with_token(&service, &pi_token);
    assert_eq!(pi.json(Method::PUT, path, Some(json!({"officer_email": null}))).await.status, StatusCode::FORBIDDEN);
    assert_eq!(officer_of(&s.app, "SH-KJ-2024-001").as_deref(), Some("li@example.org"), "refusals changed nothing");
    assert_eq!(officer_audits(&s.app).len(), 1);

    // From the project page: a wrong address shows the form again with its message; empty clears it.
    let mut page = Browser::new(&service);
    page.login("staff@example.org").await;
    let shown = page.get("/projects/SH-KJ-2024-001").await;
    assert!(shown.body.contains("li@example.org") && shown.body.contains("/projects/SH-KJ-2024-001/officer"));
    let wrong = page.post("/projects/SH-KJ-2024-001/officer", &[("officer_email", "member@example.org")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong.body);
    assert!(wrong.body.contains("找不到该项目主管账号，或该账号不是在用的科委人员或管理员。"), "{}", wrong.body);
    let cleared = page.post("/projects/SH-KJ-2024-001/officer", &[("officer_email", "")]).await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER, "{}", cleared.body);
    assert_eq!(officer_of(&s.app, "SH-KJ-2024-001"), None);
    assert!(page.get("/projects/SH-KJ-2024-001").await.body.contains("未指定（逾期提醒发给全体科委人员）"));
    assert_eq!(officer_audits(&s.app).len(), 2);
}

#[actix_web::test]
async fn the_registration_form_takes_the_officer_too() {
    let s = setup();
    s.app.user("wang@example.org", Role::Staff);
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut page = Browser::new(&service);
    page.login("staff@example.org").await;
    let direction = s.direction_id.to_string();
    let mut fields = vec![
        ("code", "SH-KJ-2024-009"),
        ("title", "表单登记的项目"),
        ("direction_id", direction.as_str()),
        ("lead_institution", "华东理工大学"),
        ("pi_email", "pi@example.org"),
        ("funding_wan_yuan", "100"),
        ("officer_email", "nobody@example.org"),
    ];
    let refused = page.post("/projects", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("找不到该项目主管账号"), "{}", refused.body);
    fields.pop();
    fields.push(("officer_email", "wang@example.org"));
    let saved = page.post("/projects", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(officer_of(&s.app, "SH-KJ-2024-009").as_deref(), Some("wang@example.org"));
}
