//! Logging in and out, sessions, CSRF and the login back-off.

use actix_web::http::StatusCode;
use actix_web::test;
use coop_tracker::domain::role::Role;
use coop_tracker::web::build_app;

use crate::common::{Browser, PASSWORD, TestApp};

#[actix_web::test]
async fn login_success_shows_the_home_page_and_logout_ends_the_session() {
    let app = TestApp::new();
    app.user("staff@example.org", Role::Staff);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);

    let anonymous = browser.get("/").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location(), "/login?next=/");

    let page = browser.post("/login", &[("email", " Staff@Example.org "), ("password", PASSWORD), ("next", "/")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let cookie = page.headers.get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("科委项目主管"), "{}", home.body);
    assert!(home.body.contains("申报指南"));

    let out = browser.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(browser.get("/").await.status, StatusCode::SEE_OTHER, "logged out browsers are sent to the login page");
}

#[actix_web::test]
async fn a_stolen_session_cookie_stops_working_after_logout() {
    let app = TestApp::new();
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    browser.login("pi@example.org").await;
    let page = browser.post("/login", &[("email", "pi@example.org"), ("password", PASSWORD)]).await;
    let stolen = page.headers.get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    browser.post("/logout", &[]).await;
    let mut thief = Browser::new(&service);
    thief.headers.push(("cookie".into(), stolen));
    assert_eq!(thief.get("/").await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn login_failure_says_so_without_revealing_which_part_was_wrong() {
    let app = TestApp::new();
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    let wrong_password = browser.post("/login", &[("email", "pi@example.org"), ("password", "not the password")]).await;
    let unknown_user = browser.post("/login", &[("email", "nobody@example.org"), ("password", PASSWORD)]).await;
    for page in [&wrong_password, &unknown_user] {
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        assert!(page.body.contains("邮箱或密码不正确"), "{}", page.body);
    }
    assert!(!browser.has_cookie("coop_session"));
}

#[actix_web::test]
async fn deactivated_accounts_cannot_log_in() {
    let app = TestApp::new();
    let id = app.user("gone@example.org", Role::Pi);
    crate::common::with_conn(&app, |conn| {
        use coop_tracker::db::schema::users;
        use diesel::prelude::*;
        diesel::update(users::table.find(id)).set(users::active.eq(false)).execute(conn).unwrap();
    });
    let service = test::init_service(build_app(app.state.clone())).await;
    let page = Browser::new(&service).post("/login", &[("email", "gone@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn repeated_failures_lock_the_account_even_for_the_right_password() {
    let app = TestApp::new();
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    for _ in 0..app.state.config.login_max_failures {
        let page = browser.post("/login", &[("email", "pi@example.org"), ("password", "guess")]).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    let locked = browser.post("/login", &[("email", "pi@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(locked.headers.get("retry-after").unwrap(), "30");
    assert!(locked.body.contains("30 秒后再试"), "{}", locked.body);
    assert!(!browser.has_cookie("coop_session"));
}

#[actix_web::test]
async fn forms_without_the_csrf_token_are_refused_and_change_nothing() {
    let app = TestApp::new();
    app.user("admin@example.org", Role::Admin);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);

    // No token at all, and a token that is not the browser's own.
    let missing = browser.post_raw("/login", &[("email", "admin@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("表单已过期或来源不明"), "{}", missing.body);
    assert!(!browser.has_cookie("coop_session"));

    browser.login("admin@example.org").await;
    let forged = "0".repeat(64);
    let page = browser
        .post_raw(
            "/admin/users",
            &[("csrf_token", &forged), ("email", "new@example.org"), ("name", "新用户"), ("role", "staff")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let users = browser.get("/admin/users").await;
    assert!(!users.body.contains("new@example.org"), "a forged form created a user");
}

#[actix_web::test]
async fn login_only_redirects_to_local_paths() {
    let app = TestApp::new();
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    let page = browser
        .post("/login", &[("email", "pi@example.org"), ("password", PASSWORD), ("next", "//evil.example/")])
        .await;
    assert_eq!(page.location(), "/");
}

#[actix_web::test]
async fn idle_sessions_expire_and_cleanup_removes_them() {
    use coop_tracker::jobs::cleanup;
    let app = TestApp::new();
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    browser.login("pi@example.org").await;

    let early = cleanup::run(&app.state.pool, crate::common::test_now(), 12).unwrap();
    assert_eq!(early.sessions, 0, "a fresh session is kept");
    let later = crate::common::test_now() + chrono::Duration::hours(13);
    assert_eq!(cleanup::run(&app.state.pool, later, 12).unwrap().sessions, 1);
    assert_eq!(browser.get("/").await.status, StatusCode::SEE_OTHER, "the removed session no longer logs in");
}

#[actix_web::test]
async fn a_session_planted_before_login_is_replaced_and_the_cookies_carry_their_flags() {
    let app = TestApp::new();
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    let form = browser.get("/login").await;
    let csrf_cookie = form
        .headers
        .get_all("set-cookie")
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("coop_csrf="));
    let csrf_cookie = csrf_cookie.unwrap();
    assert!(csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Strict"), "{csrf_cookie}");
    // Session fixation: a session id chosen by an attacker before login must not become the session.
    browser.plant_cookie("coop_session", "planted-by-an-attacker");
    let page = browser.post("/login", &[("email", "pi@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let session = page
        .headers
        .get_all("set-cookie")
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("coop_session="));
    let session = session.unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"),
        "{session}"
    );
    assert_ne!(browser.cookie("coop_session"), Some("planted-by-an-attacker"));
    let mut attacker = Browser::new(&service);
    attacker.plant_cookie("coop_session", "planted-by-an-attacker");
    assert_eq!(attacker.get("/account/password").await.status, StatusCode::SEE_OTHER, "the planted id opens nothing");
}

#[actix_web::test]
async fn an_expired_reset_link_is_refused() {
    let app = TestApp::new();
    let user = app.user("pi@example.org", Role::Pi);
    let token = app.reset_link(user, crate::common::test_now() - chrono::Duration::hours(3));
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    let page = browser.get(&format!("/password/reset?token={token}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "{}", page.body);
    let changed = browser
        .post(
            "/password/reset",
            &[("token", &token), ("password", "a new long password"), ("confirm", "a new long password")],
        )
        .await;
    assert_eq!(changed.status, StatusCode::NOT_FOUND, "{}", changed.body);
}

/// A role no value carries (written past the CHECK constraint, as a hand edit or a newer version
/// might) makes the account fail to load, naming the role, so it can neither log in nor be read as
/// some other role.
#[actix_web::test]
async fn a_stored_role_no_value_carries_fails_to_load_naming_it() {
    let app = TestApp::new();
    app.user("odd@example.org", Role::Pi);
    crate::common::with_conn(&app, |conn| {
        use diesel::connection::SimpleConnection;
        let loosen = match conn {
            coop_tracker::db::DbConnection::Sqlite(_) => "PRAGMA ignore_check_constraints = ON;",
            coop_tracker::db::DbConnection::Pg(_) => "ALTER TABLE users DROP CONSTRAINT users_role_check;",
        };
        conn.batch_execute(loosen).unwrap();
        conn.batch_execute("UPDATE users SET role = 'root' WHERE email = 'odd@example.org';").unwrap();
        let error = format!("{:?}", coop_tracker::db::user::find_by_email(conn, "odd@example.org").unwrap_err());
        assert!(error.contains("unknown role 'root'"), "{error}");
    });
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    let page = browser.post("/login", &[("email", "odd@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR, "never logged in: {}", page.body);
    assert!(!browser.has_cookie("coop_session"));
}
