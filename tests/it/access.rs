//! Who may see what: roles on the HTML pages.

use actix_web::http::StatusCode;
use actix_web::test;
use coop_tracker::domain::role::Role;
use coop_tracker::web::build_app;

use crate::common::{Browser, TestApp};

const ADMIN_PAGES: [&str; 4] = ["/admin/users", "/admin/users/new", "/admin/institutions", "/admin/institutions/new"];

#[actix_web::test]
async fn only_administrators_reach_the_admin_pages() {
    let app = TestApp::new();
    for (email, role) in [
        ("admin@example.org", Role::Admin),
        ("staff@example.org", Role::Staff),
        ("pi@example.org", Role::Pi),
        ("member@example.org", Role::Member),
        ("expert@example.org", Role::Expert),
    ] {
        app.user(email, role);
    }
    let service = test::init_service(build_app(app.state.clone())).await;
    for (email, allowed) in [
        ("admin@example.org", true),
        ("staff@example.org", false),
        ("pi@example.org", false),
        ("member@example.org", false),
        ("expert@example.org", false),
    ] {
        let mut browser = Browser::new(&service);
        browser.login(email).await;
        for path in ADMIN_PAGES {
            let page = browser.get(path).await;
            let expected = if allowed { StatusCode::OK } else { StatusCode::FORBIDDEN };
            assert_eq!(page.status, expected, "{email} on {path}");
            if !allowed {
                assert!(page.body.contains("您没有权限访问此页面"), "{}", page.body);
            }
        }
        // Posting is refused as well, not only viewing.
        let post = browser.post("/admin/institutions", &[("name", "越权单位")]).await;
        let expected = if allowed { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        assert_eq!(post.status, expected, "{email} creating an institution");
    }
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
