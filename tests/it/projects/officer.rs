//! The officer in charge (项目主管): assigned at registration and changed later by staff, audited,
//! and refused with a message when the account is not active commission staff.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::db::schema::{audit_log, projects, users};
use coop_tracker::domain::role::Role;
use coop_tracker::web::build_app;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::{Browser, audit_details, with_conn};
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
        audit_details(&s.app, "project.officer"),
        [json!({"before": {"officer_user_id": officer}, "after": {"officer_user_id": second}})]
    );
    let unknown = staff.json(Method::PUT, path, Some(json!({"officer_email": "nobody@example.org"}))).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown.body);
    let (_, pi_token) = s.app.token(s.pi, None);
    let mut pi = Browser::with_token(&service, &pi_token);
    assert_eq!(pi.json(Method::PUT, path, Some(json!({"officer_email": null}))).await.status, StatusCode::FORBIDDEN);
    assert_eq!(officer_of(&s.app, "SH-KJ-2024-001").as_deref(), Some("li@example.org"), "refusals changed nothing");
    assert_eq!(audit_details(&s.app, "project.officer").len(), 1);

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
    assert_eq!(audit_details(&s.app, "project.officer").len(), 2);
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

/// The .eml files the app's mailer wrote (no SMTP configured), parsed: recipient and plain text.
fn written_mail(app: &crate::common::TestApp) -> Vec<(String, String)> {
    use mailparse::MailHeaderMap;
    std::fs::read_dir(app.state.config.mail_dir())
        .unwrap()
        .map(|entry| {
            let raw = std::fs::read(entry.unwrap().path()).unwrap();
            let mail = mailparse::parse_mail(&raw).unwrap();
            let to = mail.headers.get_first_value("To").unwrap();
            let text = mail.subparts.iter().find(|p| p.ctype.mimetype == "text/plain").unwrap().get_body().unwrap();
            (to, text)
        })
        .collect()
}

#[actix_web::test]
async fn officer_reminders_go_to_the_officer_and_to_all_staff_only_without_one_saying_so() {
    use chrono::Days;
    use coop_tracker::domain::workdays::WorkCalendar;
    use coop_tracker::jobs::remind::{self, Mode};
    let s = setup();
    s.app.user("wang@example.org", Role::Staff);
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    for (code, officer) in [("SH-KJ-2024-001", None), ("SH-KJ-2024-002", Some("wang@example.org"))] {
        let mut body = registration(s.direction_id);
        body["code"] = json!(code);
        body["officer_email"] = json!(officer);
        let created = staff.json(Method::POST, "/api/v1/projects", Some(body)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    }
    let project_id = with_conn(&s.app, |c| {
        projects::table.filter(projects::code.eq("SH-KJ-2024-001")).select(projects::id).first::<i64>(c).unwrap()
    });
    let due = with_conn(&s.app, |c| coop_tracker::db::project::tracked_indicators(c, project_id).unwrap())
        .iter()
        .flat_map(|i| i.checkpoints.iter().map(|c| c.due_on))
        .min()
        .unwrap();
    // Day 30 overdue: the step that goes to the officer in charge.
    let day = WorkCalendar::china().send_day(due + Days::new(30), coop_tracker::domain::workdays::Shift::Later);
    let now = day.and_hms_opt(1, 0, 0).unwrap();
    let (pool, config) = (&s.app.state.pool, &s.app.state.config);
    remind::run(pool, config, day, now, Mode::Queue).unwrap();
    coop_tracker::jobs::outbox::drain(pool, &s.app.state.mailer, config, "test", now).unwrap();

    let mail = written_mail(&s.app);
    let officer_mail = |address: &str| -> Vec<String> {
        mail.iter()
            .filter(|(to, text)| to.contains(address) && text.contains("逾期已久"))
            .map(|(_, t)| t.clone())
            .collect()
    };
    let (to_wang, to_other) = (officer_mail("wang@example.org"), officer_mail("staff@example.org"));
    assert_eq!((to_wang.len(), to_other.len()), (1, 1), "{mail:#?}");
    let note = "以下项目尚未指定项目主管，因此本提醒发给全体科委人员：SH-KJ-2024-001。";
    // Wang is officer of 002 and, as staff, also receives 001's, which has none.
    assert!(to_wang[0].contains("SH-KJ-2024-002 ·") && to_wang[0].contains(note), "{}", to_wang[0]);
    // The other staff member gets only the project without an officer, and is told why.
    assert!(to_other[0].contains("SH-KJ-2024-001 ·") && !to_other[0].contains("SH-KJ-2024-002"), "{}", to_other[0]);
    assert!(to_other[0].contains(note), "{}", to_other[0]);
}

#[actix_web::test]
async fn a_roster_names_the_officer_in_its_own_column_and_an_unknown_one_is_refused_by_row() {
    let s = setup();
    s.app.user("wang@example.org", Role::Staff);
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let roster = |officer: &str| {
        format!(
            "项目编号,项目名称,方向,承担单位,项目负责人邮箱,项目主管邮箱,资助经费（万元）\n\
             SH-KJ-2024-201,名单登记的项目,沪科指南〔2024〕42号/1/1,华东理工大学,pi@example.org,{officer},100\n"
        )
    };
    let refused = api
        .post_multipart("/api/v1/projects/import", &[], &[("file", "名单.csv", roster("pi@example.org").as_bytes())])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("officer_email") && refused.body.contains("项目主管"), "{}", refused.body);
    assert_eq!(with_conn(&s.app, |c| projects::table.count().get_result::<i64>(c).unwrap()), 0);
    let imported = api
        .post_multipart("/api/v1/projects/import", &[], &[("file", "名单.csv", roster("wang@example.org").as_bytes())])
        .await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    assert_eq!(officer_of(&s.app, "SH-KJ-2024-201").as_deref(), Some("wang@example.org"));
}
