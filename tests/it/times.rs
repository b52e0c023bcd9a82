//! True times: the API writes every timestamp with the offset it really has, and pages show times
//! in the configured zone.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::domain::role::Role;
use coop_tracker::web::build_app;
use serde_json::{Value, json};

use crate::common::{Browser, TestApp};

fn guide_2024() -> String {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/guides/2024-domestic-cooperation.md");
    std::fs::read_to_string(path).unwrap()
}

/// The guide says 申报 opens 2024年11月14日9:00 and closes 2024年12月3日16:30, Beijing time.
#[actix_web::test]
async fn a_guides_application_window_keeps_its_beijing_offset_in_the_api_and_shows_in_the_configured_zone() {
    for (zone, opens, closes) in
        [("Asia/Shanghai", "2024-11-14 09:00", "2024-12-03 16:30"), ("UTC", "2024-11-14 01:00", "2024-12-03 08:30")]
    {
        let app = TestApp::with_env(&[("COOP_TIMEZONE", zone)]);
        let staff = app.user("staff@example.org", Role::Staff);
        let (_, token) = app.token(staff, None);
        let service = test::init_service(build_app(app.state.clone())).await;
        let mut api = Browser::with_token(&service, &token);
        let created = api.json(Method::POST, "/api/v1/guides", Some(json!({"text": guide_2024()}))).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);

        let listed: Value = serde_json::from_str(&api.get("/api/v1/guides").await.body).unwrap();
        let guide = &listed[0];
        assert_eq!(guide["opens_at"], "2024-11-14T09:00:00+08:00", "{zone}: {guide}");
        assert_eq!(guide["closes_at"], "2024-12-03T16:30:00+08:00", "{zone}: {guide}");
        assert!(guide["updated_at"].as_str().unwrap().ends_with('Z'), "a recorded instant stays UTC: {guide}");
        let id = guide["id"].as_i64().unwrap();
        let shown: Value = serde_json::from_str(&api.get(&format!("/api/v1/guides/{id}")).await.body).unwrap();
        assert_eq!(shown["opens_at"], "2024-11-14T09:00:00+08:00");

        let mut browser = Browser::new(&service);
        browser.login("staff@example.org").await;
        for path in ["/guides".to_owned(), format!("/guides/{id}")] {
            let page = browser.get(&path).await;
            assert!(page.body.contains(&format!("{opens} – {closes}")), "{zone} {path}: {}", page.body);
        }
    }
}
