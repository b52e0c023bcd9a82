//! Who may see what: roles on the HTML pages.

use actix_web::http::StatusCode;
use actix_web::test;
use coop_tracker::domain::role::Role;
use coop_tracker::web::build_app;

use crate::common::{Browser, TestApp};

/// Each page and the roles that may open it; everyone else gets 403.
const PAGES: [(&str, &[Role]); 9] = [
    ("/admin/users", &[Role::Admin]),
    ("/admin/users/new", &[Role::Admin]),
    ("/institutions", &[Role::Admin, Role::Staff]),
    ("/institutions/new", &[Role::Admin, Role::Staff]),
    ("/projects/new", &[Role::Admin, Role::Staff]),
    ("/projects/import", &[Role::Admin, Role::Staff]),
    ("/review", &[Role::Admin, Role::Staff]),
    ("/account/tokens", &Role::ALL),
    ("/account/password", &Role::ALL),
];

#[actix_web::test]
async fn each_role_reaches_exactly_its_pages() {
    let app = TestApp::new();
    for role in Role::ALL {
        app.user(&format!("{role}@example.org"), role);
    }
    let service = test::init_service(build_app(app.state.clone())).await;
    for role in Role::ALL {
        let mut browser = Browser::new(&service);
        browser.login(&format!("{role}@example.org")).await;
        for (path, allowed) in PAGES {
            let page = browser.get(path).await;
            let expected = if allowed.contains(&role) { StatusCode::OK } else { StatusCode::FORBIDDEN };
            assert_eq!(page.status, expected, "{role} on {path}");
            if expected == StatusCode::FORBIDDEN {
                assert!(page.body.contains("您没有权限访问此页面"), "{}", page.body);
            }
        }
    }
}

#[actix_web::test]
async fn a_pi_is_denied_the_staff_pages_for_posting_too() {
    let app = TestApp::new();
    app.user("pi@example.org", Role::Pi);
    app.user("staff@example.org", Role::Staff);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let denied = pi.post("/institutions", &[("name", "越权单位")]).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let list = staff.get("/institutions").await;
    assert!(!list.body.contains("越权单位"), "the PI's post changed nothing");
    assert_eq!(staff.post("/institutions", &[("name", "上海交通大学")]).await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn anonymous_visitors_are_sent_to_log_in_and_come_back() {
    let app = TestApp::new();
    app.user("admin@example.org", Role::Admin);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    let page = browser.get("/admin/users?x=1").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/login?next=/admin/users%3Fx%3D1");
    let login = browser.get(page.location()).await;
    assert!(login.body.contains("value=\"/admin/users?x=1\""), "{}", login.body);
}
