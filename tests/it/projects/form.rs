//! The registration form at `/projects/new`: staff register a project and land on its page; every
//! refused field is shown beside its field with the values as entered, and nothing is stored.

use actix_web::http::StatusCode;
use coop_tracker::db::schema::projects;
use coop_tracker::web::build_app;
use diesel::prelude::*;

use crate::common::{Browser, TestApp, with_conn};
use crate::projects::setup;

fn project_count(app: &TestApp) -> i64 {
    with_conn(app, |c| projects::table.count().get_result(c).unwrap())
}

/// A complete, valid form.
fn form(direction_id: i64) -> Vec<(&'static str, String)> {
    [
        ("code", "SH-KJ-2024-201"),
        ("title", "基于人工智能的合成生物产业升级关键技术"),
        ("direction_id", &direction_id.to_string()),
        ("lead_institution", "华东理工大学"),
        ("partners", "新疆大学（新疆维吾尔自治区）"),
        ("pi_email", "pi@example.org"),
        ("member_emails", "member@example.org"),
        ("funding_wan_yuan", "150"),
        ("execution_start", ""),
        ("execution_end", "2026-06-30"),
        ("contract_number", "2024310000009999"),
        ("recommendation_ref", "新科函〔2024〕90号"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

fn with(form: &[(&'static str, String)], field: &str, value: &str) -> Vec<(&'static str, String)> {
    form.iter().map(|(k, v)| (*k, if *k == field { value.to_owned() } else { v.clone() })).collect()
}

fn fields<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[actix_web::test]
async fn staff_register_a_project_with_the_form_and_land_on_its_page() {
    let s = setup();
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    assert!(staff.get("/projects").await.body.contains("href=\"/projects/new\""), "the list links to the form");
    let page = staff.get("/projects/new").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<optgroup label=\"沪科指南〔2024〕42号 · 专题1"), "grouped by guide and topic");
    assert!(page.body.contains("经费上限 150 万元 · 2024-12-01 – 2026-11-30"), "cap and period shown");

    let done = staff.post("/projects", &fields(&form(s.direction_id))).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/projects/SH-KJ-2024-201?done=registered");
    let shown = staff.get(done.location()).await;
    assert!(shown.body.contains("项目已登记"), "{}", shown.body);
    assert!(shown.body.contains("执行中"), "the new project is active");
    let (start, end, funding): (chrono::NaiveDate, chrono::NaiveDate, i64) = with_conn(&s.app, |c| {
        projects::table
            .select((projects::execution_start, projects::execution_end, projects::funding_yuan))
            .first(c)
            .unwrap()
    });
    assert_eq!((start.to_string(), end.to_string()), ("2024-12-01".into(), "2026-06-30".into()), "start defaulted");
    assert_eq!(funding, 1_500_000);
}

#[actix_web::test]
async fn each_refused_field_is_shown_beside_it_with_the_values_kept_and_nothing_stored() {
    let s = setup();
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let good = form(s.direction_id);
    for (field, value, error_id, message) in [
        ("code", " ", "code-error", "请填写项目编号"),
        ("title", "", "title-error", "请填写项目名称"),
        ("direction_id", "999999", "direction_id-error", "找不到该指南方向"),
        ("direction_id", "", "direction_id-error", "找不到该指南方向"),
        ("lead_institution", "不存在的大学", "lead_institution-error", "找不到该单位"),
        ("partners", "不存在的学院（西藏自治区）", "partners-error", "找不到该单位"),
        ("pi_email", "member@example.org", "pi_email-error", "不是项目负责人角色"),
        ("member_emails", "ghost@example.org", "member_emails-error", "找不到某位项目组成员"),
        ("funding_wan_yuan", "150.5", "funding_wan_yuan-error", "超过了该方向的经费额度上限"),
        ("funding_wan_yuan", "很多", "funding_wan_yuan-error", "资助经费须为不小于 0 的数字"),
        ("execution_end", "2027-06-30", "execution-error", "执行期限须在该方向的执行期限之内"),
        ("execution_start", "2025-13-01", "execution-error", "请按 YYYY-MM-DD 填写日期"),
    ] {
        let page = staff.post("/projects", &fields(&with(&good, field, value))).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}: {}", page.body);
        let error =
            page.body.split(&format!("id=\"{error_id}\">")).nth(1).unwrap_or_else(|| panic!("{field}: {}", page.body));
        assert!(error.split("</p>").next().unwrap().contains(message), "{field}={value}: {error}");
        assert!(page.body.contains("value=\"SH-KJ-2024-201\"") || field == "code", "entered values are kept");
        assert!(page.body.contains("新疆大学（新疆维吾尔自治区）") || field == "partners");
        assert!(page.body.contains("登记未完成"));
    }
    assert_eq!(project_count(&s.app), 0, "nothing stored");

    // Several problems come together, not one round at a time.
    let both = with(&with(&good, "pi_email", "nobody@example.org"), "funding_wan_yuan", "151");
    let page = staff.post("/projects", &fields(&both)).await;
    assert!(page.body.contains("id=\"pi_email-error\">找不到该项目负责人账号"), "{}", page.body);
    assert!(page.body.contains("id=\"funding_wan_yuan-error\">资助经费超过了"), "{}", page.body);
    assert_eq!(project_count(&s.app), 0);

    assert_eq!(staff.post("/projects", &fields(&good)).await.status, StatusCode::SEE_OTHER);
    let again = staff.post("/projects", &fields(&good)).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("id=\"code-error\">该项目编号已被使用"), "{}", again.body);
    assert_eq!(project_count(&s.app), 1);

    // In English for a user who chose it.
    staff.get("/lang/en?back=/projects/new").await;
    let english = staff.post("/projects", &fields(&with(&good, "funding_wan_yuan", "150.5"))).await;
    assert!(english.body.contains("The funding is above the direction&#39;s cap."), "{}", english.body);
}

#[actix_web::test]
async fn a_pi_may_not_open_or_post_the_registration_form() {
    let s = setup();
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    assert_eq!(pi.get("/projects/new").await.status, StatusCode::FORBIDDEN);
    let page = pi.post("/projects", &fields(&form(s.direction_id))).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(!pi.get("/projects").await.body.contains("href=\"/projects/new\""));
    assert_eq!(project_count(&s.app), 0);
}
