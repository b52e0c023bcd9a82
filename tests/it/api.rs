//! The JSON API: bearer tokens only, revocation and expiry, JSON errors.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use chrono::Duration;
use coop_tracker::domain::role::Role;
use coop_tracker::web::build_app;
use serde_json::Value;

use crate::common::{Browser, TestApp, test_now, with_conn};

#[actix_web::test]
async fn a_valid_token_identifies_its_owner() {
    let app = TestApp::new();
    let id = app.user("pi@example.org", Role::Pi);
    let (_, token) = app.token(id, None);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut client = Browser::with_token(&service, &token);
    let page = client.get("/api/v1/me").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let me: Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(me["email"], "pi@example.org");
    assert_eq!(me["role"], "pi");
}

#[actix_web::test]
async fn missing_wrong_revoked_and_expired_tokens_are_refused() {
    let app = TestApp::new();
    let id = app.user("pi@example.org", Role::Pi);
    let (revoked_id, revoked) = app.token(id, None);
    let (_, expired) = app.token(id, Some(test_now() - Duration::seconds(1)));
    let (_, live) = app.token(id, Some(test_now() + Duration::days(1)));
    let service = test::init_service(build_app(app.state.clone())).await;

    let mut owner = Browser::with_token(&service, &live);
    let page = owner.json(Method::DELETE, &format!("/api/v1/tokens/{revoked_id}"), None).await;
    assert_eq!(page.status, StatusCode::NO_CONTENT);

    for (label, header) in [
        ("none", None),
        ("garbage", Some("Bearer coop_nonsense".to_owned())),
        ("revoked", Some(format!("Bearer {revoked}"))),
        ("expired", Some(format!("Bearer {expired}"))),
        ("basic auth", Some("Basic cGk6cGFzcw==".to_owned())),
    ] {
        let mut client = Browser::new(&service);
        if let Some(header) = header {
            client.headers = vec![("authorization".into(), header)];
        }
        let page = client.get("/api/v1/me").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{label}");
        assert_eq!(page.headers.get("www-authenticate").unwrap(), "Bearer");
        let body: Value = serde_json::from_str(&page.body).unwrap();
        assert_eq!(body["error"]["code"], "unauthenticated", "{label}");
    }
    assert_eq!(owner.get("/api/v1/me").await.status, StatusCode::OK, "the live token still works");
}

#[actix_web::test]
async fn the_session_cookie_does_not_open_the_api() {
    let app = TestApp::new();
    app.user("staff@example.org", Role::Staff);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    browser.login("staff@example.org").await;
    assert_eq!(browser.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn tokens_made_on_the_account_page_are_listed_and_revoked_through_the_api() {
    let app = TestApp::new();
    let id = app.user("staff@example.org", Role::Staff);
    let other = app.user("other@example.org", Role::Staff);
    let (other_token_id, _) = app.token(other, None);
    let (_, token) = app.token(id, None);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut client = Browser::with_token(&service, &token);

    let mut browser = Browser::new(&service);
    browser.login("staff@example.org").await;
    let created = browser.post("/account/tokens", &[("name", "报表脚本"), ("expires_in_days", "30")]).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let start = created.body.find("coop_").unwrap();
    let secret: String = created.body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    assert_eq!(secret.len(), "coop_".len() + 64, "{secret}");

    let listed: Value = serde_json::from_str(&client.get("/api/v1/tokens").await.body).unwrap();
    let names: Vec<_> = listed.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, ["报表脚本", "test"]);
    assert_eq!(listed[0]["expires_at"], "2026-12-22T02:00:00Z");
    assert!(!listed.to_string().contains(&secret), "the secret is never listed");

    // Use is recorded, at most once a minute, so that reads through the API do not each write.
    assert_eq!(listed[1]["last_used_at"], "2026-11-22T02:00:00Z", "{listed}");
    assert!(listed[0]["last_used_at"].is_null(), "the new token is unused: {listed}");
    let last_used = |seconds_ago: i64| {
        use coop_tracker::db::schema::api_tokens;
        use diesel::prelude::*;
        let at = test_now() - Duration::seconds(seconds_ago);
        with_conn(&app, |c| {
            diesel::update(api_tokens::table.filter(api_tokens::name.eq("test")))
                .set(api_tokens::last_used_at.eq(at))
                .execute(c)
                .unwrap()
        });
    };
    let recorded = || async {
        let listed: Value =
            serde_json::from_str(&Browser::with_token(&service, &token).get("/api/v1/tokens").await.body).unwrap();
        listed[1]["last_used_at"].as_str().unwrap().to_owned()
    };
    last_used(30);
    assert_eq!(recorded().await, "2026-11-22T01:59:30Z", "used 30 s ago: not written again");
    last_used(61);
    assert_eq!(recorded().await, "2026-11-22T02:00:00Z", "used over a minute ago: written");

    let foreign = client.json(Method::DELETE, &format!("/api/v1/tokens/{other_token_id}"), None).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "another user's token cannot be revoked");
}
