//! `/healthz`, the security headers, static assets and the error pages.

use actix_web::http::StatusCode;
use actix_web::test;
use coop_tracker::web::build_app;

use crate::common::{Browser, TestApp, backend_name};

#[actix_web::test]
async fn healthz_reports_a_reachable_database() {
    let app = TestApp::new();
    let service = test::init_service(build_app(app.state.clone())).await;
    let page = Browser::new(&service).get("/healthz").await;
    assert_eq!(page.status, StatusCode::OK, "on {}", backend_name());
    assert_eq!(page.body, r#"{"database":"ok","status":"ok"}"#);
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::new();
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    for path in ["/login", "/no/such/page", "/api/v1/me"] {
        let page = browser.get(path).await;
        let csp = page.headers.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(page.headers.get("x-frame-options").unwrap(), "DENY", "{path}");
        assert_eq!(page.headers.get("x-content-type-options").unwrap(), "nosniff", "{path}");
        assert_eq!(page.headers.get("referrer-policy").unwrap(), "same-origin", "{path}");
    }
}

#[actix_web::test]
async fn unknown_pages_get_a_friendly_page_in_chinese_or_english_and_api_gets_json() {
    let app = TestApp::new();
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    let page = browser.get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("页面或记录不存在"), "{}", page.body);
    assert!(page.body.contains("<html lang=\"zh-CN\">"));

    browser.get("/lang/en?back=/login").await;
    let page = browser.get("/no/such/page").await;
    assert!(page.body.contains("There is no such page or record."), "{}", page.body);

    let page = browser.get("/api/v1/nothing").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let json: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(json["error"]["code"], "not_found");
}

#[actix_web::test]
async fn static_assets_are_served_from_the_binary() {
    let app = TestApp::new();
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    let css = browser.get("/static/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.body.contains("@font-face"));
    let font = browser.get("/static/NotoSansSC-Regular.otf").await;
    assert_eq!(font.headers.get("content-type").unwrap(), "font/otf");
    assert!(font.body.len() > 1_000_000);
    assert_eq!(browser.get("/static/../Cargo.toml").await.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn openapi_describes_the_api() {
    let app = TestApp::new();
    let service = test::init_service(build_app(app.state.clone())).await;
    let page = Browser::new(&service).get("/api/v1/openapi.json").await;
    assert_eq!(page.status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/me",
        "/api/v1/tokens",
        "/api/v1/tokens/{id}",
        "/api/v1/guides",
        "/api/v1/guides/{id}",
        "/api/v1/projects/import",
        "/api/v1/projects/{code}/state",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing from the OpenAPI document");
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let import = &doc["paths"]["/api/v1/projects/import"]["post"];
    assert!(import["requestBody"]["content"].get("multipart/form-data").is_some(), "{import}");
    assert!(doc["components"]["schemas"]["ErrorBody"]["properties"].get("rows").is_some());
}

/// With `TEST_DATABASE_URL` the whole suite runs on PostgreSQL; without it, on SQLite only, and
/// this test says so.
#[::core::prelude::v1::test]
fn the_suite_runs_on_the_backend_it_was_asked_for() {
    let app = TestApp::new();
    let backend = app.state.config.database.backend;
    match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        Some(_) => assert_eq!(backend, coop_tracker::config::Backend::Postgres),
        None => {
            assert_eq!(backend, coop_tracker::config::Backend::Sqlite);
            eprintln!("SKIPPED PostgreSQL: TEST_DATABASE_URL is not set, so this run used SQLite only");
        }
    }
}
