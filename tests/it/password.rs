//! Changing a password, and resetting a forgotten one through a link sent over real SMTP.

use actix_web::http::StatusCode;
use actix_web::test;
use coop_tracker::db::outbox;
use coop_tracker::domain::role::Role;
use coop_tracker::jobs::outbox::deliver_due;
use coop_tracker::web::build_app;

use crate::common::{Browser, PASSWORD, SmtpSink, TestApp, test_now, with_conn};

/// The decoded text of every base64 part of a raw MIME message (lettre encodes non-ASCII bodies so).
pub(crate) fn decoded_parts(message: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for part in message.split("Content-Transfer-Encoding: base64").skip(1) {
        let body =
            part.trim_start().split("\r\n\r\n").next().unwrap_or_default().split("\n\n").next().unwrap_or_default();
        let (mut bits, mut count, mut bytes) = (0u32, 0, Vec::new());
        for c in body.bytes().filter_map(|b| ALPHABET.iter().position(|a| *a == b)) {
            bits = (bits << 6) | c as u32;
            count += 6;
            if count >= 8 {
                count -= 8;
                bytes.push((bits >> count) as u8);
                bits &= (1 << count) - 1;
            }
        }
        out.push_str(&String::from_utf8_lossy(&bytes));
    }
    out
}

/// The reset link (path and query) in a message.
pub(crate) fn reset_link(text: &str) -> String {
    let start = text.find("/password/reset?token=").expect("no reset link in the message");
    text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || "/?=_-".contains(*c)).collect()
}

#[actix_web::test]
async fn a_forgotten_password_is_reset_through_the_e_mailed_link_once() {
    let (sink, port) = SmtpSink::start();
    let app = TestApp::with_env(&[
        ("COOP_SMTP_HOST", "127.0.0.1"),
        ("COOP_SMTP_PORT", &port),
        ("COOP_SMTP_TLS", "none"),
        ("COOP_BASE_URL", "https://tracker.example"),
    ]);
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut old_browser = Browser::new(&service);
    old_browser.login("pi@example.org").await;

    let mut browser = Browser::new(&service);
    let page = browser.post("/password/forgot", &[("email", "PI@example.org")]).await;
    assert_eq!(page.location(), "/login?done=reset_sent");
    // Unknown addresses get the same answer and no mail.
    let page = browser.post("/password/forgot", &[("email", "nobody@example.org")]).await;
    assert_eq!(page.location(), "/login?done=reset_sent");

    // Delivery also runs in the background; running it here makes the test independent of timing.
    deliver_due(&app.state.pool, &app.state.mailer, &app.state.config, "test", test_now()).unwrap();
    let messages = sink.wait_for(1);
    assert_eq!(messages.len(), 1, "exactly one message, to the known address");
    let message = &messages[0];
    assert!(message.contains("To: pi@example.org"), "{message}");
    let text = decoded_parts(message);
    assert!(text.contains("https://tracker.example/password/reset?token="), "{text}");
    assert!(text.contains("测试pi，您好"), "in the user's language: {text}");
    let link = reset_link(&text);
    // The background delivery may still be marking its row; give it a moment, then insist.
    let mut sent = 0;
    for _ in 0..100 {
        sent = with_conn(&app, |c| outbox::count_with_status(c, "sent").unwrap());
        if sent == 1 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(sent, 1, "the message is recorded as sent");

    let form = browser.get(&link).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let token = link.split("token=").nth(1).unwrap();
    let mismatch = browser
        .post("/password/reset", &[("token", token), ("password", "一个全新的足够长的密码啊"), ("confirm", "不一样")])
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    let short = browser.post("/password/reset", &[("token", token), ("password", "short"), ("confirm", "short")]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("至少需要 10 个字符"));

    let done = browser
        .post(
            "/password/reset",
            &[("token", token), ("password", "一个全新的足够长的密码啊"), ("confirm", "一个全新的足够长的密码啊")],
        )
        .await;
    assert_eq!(done.location(), "/login?done=password_reset");
    let again = browser
        .post(
            "/password/reset",
            &[("token", token), ("password", "另一个全新的足够长的密码"), ("confirm", "另一个全新的足够长的密码")],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "a link works once");

    assert_eq!(old_browser.get("/").await.status, StatusCode::SEE_OTHER, "existing sessions end on reset");
    let old = browser.post("/login", &[("email", "pi@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = browser.post("/login", &[("email", "pi@example.org"), ("password", "一个全新的足够长的密码啊")]).await;
    assert_eq!(new.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn an_unreachable_mail_server_keeps_the_message_for_a_retry() {
    // A port nobody listens on: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let port = port.to_string();
    let app =
        TestApp::with_env(&[("COOP_SMTP_HOST", "127.0.0.1"), ("COOP_SMTP_PORT", &port), ("COOP_SMTP_TLS", "none")]);
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    Browser::new(&service).post("/password/forgot", &[("email", "pi@example.org")]).await;
    // Whichever runs first, the background delivery or this one, makes the single attempt.
    deliver_due(&app.state.pool, &app.state.mailer, &app.state.config, "test", test_now()).unwrap();
    let attempted = || {
        with_conn(&app, |c| {
            use coop_tracker::db::schema::outbox;
            use diesel::prelude::*;
            outbox::table
                .select((outbox::status, outbox::attempts, outbox::last_error.is_not_null()))
                .first::<(String, i32, bool)>(c)
                .unwrap()
        })
    };
    let mut state = attempted();
    for _ in 0..100 {
        if state.1 >= 1 && state.0 == "pending" {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        state = attempted();
    }
    assert_eq!(state, ("pending".to_owned(), 1, true), "kept for the next attempt, with the error");
    let report = deliver_due(&app.state.pool, &app.state.mailer, &app.state.config, "test", test_now()).unwrap();
    assert_eq!((report.sent, report.retrying, report.failed), (0, 0, 0), "not retried before its back-off has passed");
}

#[actix_web::test]
async fn changing_a_password_needs_the_current_one_and_keeps_only_this_session() {
    let app = TestApp::new();
    app.user("staff@example.org", Role::Staff);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut here = Browser::new(&service);
    here.login("staff@example.org").await;
    let mut elsewhere = Browser::new(&service);
    elsewhere.login("staff@example.org").await;

    let wrong = here
        .post(
            "/account/password",
            &[("current", "wrong"), ("password", "这是一个新的足够长的密码"), ("confirm", "这是一个新的足够长的密码")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("当前密码不正确"));

    let ok = here
        .post(
            "/account/password",
            &[("current", PASSWORD), ("password", "这是一个新的足够长的密码"), ("confirm", "这是一个新的足够长的密码")],
        )
        .await;
    assert_eq!(ok.location(), "/?done=password_changed");
    let home = here.get("/?done=password_changed").await;
    assert!(home.body.contains("密码已修改"));
    assert_eq!(elsewhere.get("/").await.status, StatusCode::SEE_OTHER, "other sessions end");
}

#[actix_web::test]
async fn reset_requests_are_throttled_per_account() {
    let app = TestApp::new();
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    for _ in 0..5 {
        let page = browser.post("/password/forgot", &[("email", "pi@example.org")]).await;
        assert_eq!(page.location(), "/login?done=reset_sent", "the answer never changes");
    }
    let queued = with_conn(&app, |c| {
        use coop_tracker::db::schema::outbox;
        use diesel::prelude::*;
        outbox::table.count().get_result::<i64>(c).unwrap()
    });
    assert_eq!(queued, 3);
}
