//! Issue 20's findings about logging in, reset links, tokens and mail, each reproduced as the outside
//! test found it: redirect targets that leave the site (3), a login back-off that locked everyone
//! behind one address out (4), reset links that outlived a reset (9), tokens that made immortal
//! tokens (10), reset links kept in clear in the outbox (11), CSRF tokens not bound to the session,
//! `.eml` files written once per attempt, and calendar links that could break their line.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::app::outbox::{Envelope, queue, queue_password_reset};
use coop_tracker::db::schema::{api_tokens, outbox};
use coop_tracker::db::{DbConnection, password_reset};
use coop_tracker::domain::role::Role;
use coop_tracker::jobs::outbox::deliver_due;
use coop_tracker::mail::message;
use coop_tracker::web::build_app;
use coop_tracker::web::csrf::form_token;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::{Browser, PASSWORD, SmtpSink, TestApp, test_now, with_conn};
use crate::password::{decoded_parts, reset_link};

/// The report's redirect payloads and their relatives, as they appear in a URL's query.
const REDIRECT_PAYLOADS: [&str; 13] = [
    "/%09/evil.example",
    "/%0d%0a/evil.example",
    "/%0D%0ASet-Cookie:%20coop_session=x",
    "%5C%5Cevil.example",
    "/%5Cevil.example",
    "//evil.example",
    "https://evil.example",
    "https:evil.example",
    "/%2509/evil.example",
    "/%252F/evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%E3%80%80/evil.example",
];

fn decoded(payload: &str) -> String {
    percent_encoding::percent_decode_str(payload).decode_utf8_lossy().into_owned()
}

fn session_count(app: &TestApp) -> i64 {
    use coop_tracker::db::schema::sessions;
    with_conn(app, |c| sessions::table.count().get_result(c).unwrap())
}

#[actix_web::test]
async fn redirect_targets_that_would_leave_the_site_land_on_the_home_page() {
    let app = TestApp::new();
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut anonymous = Browser::new(&service);
    for payload in REDIRECT_PAYLOADS {
        let page = anonymous.get(&format!("/lang/en?back={payload}")).await;
        assert_eq!((page.status, page.location()), (StatusCode::SEE_OTHER, "/"), "back={payload}");
        let form = anonymous.get(&format!("/login?next={payload}")).await;
        assert_eq!(form.status, StatusCode::OK, "next={payload}");
        assert!(form.body.contains(r#"name="next" value="/""#), "next={payload}: {}", form.body);
    }
    let mut browser = Browser::new(&service);
    for payload in REDIRECT_PAYLOADS {
        // As the login form would send it back, and as a crafted form would, still encoded.
        for next in [decoded(payload), payload.to_owned()] {
            let before = session_count(&app);
            let page =
                browser.post("/login", &[("email", "pi@example.org"), ("password", PASSWORD), ("next", &next)]).await;
            assert_eq!((page.status, page.location()), (StatusCode::SEE_OTHER, "/"), "next={next:?}: {}", page.body);
            assert_eq!(session_count(&app), before + 1, "next={next:?}: one login, one session");
        }
    }
    let logged_in = browser.get(&format!("/login?next={}", REDIRECT_PAYLOADS[1])).await;
    assert_eq!(logged_in.location(), "/", "a logged-in visitor is sent on, home");
    // Local targets still work.
    assert_eq!(anonymous.get("/lang/en?back=/password/forgot%3Fx%3D1").await.location(), "/password/forgot?x=1");
    let page = Browser::new(&service)
        .post("/login", &[("email", "pi@example.org"), ("password", PASSWORD), ("next", "/account/tokens")])
        .await;
    assert_eq!(page.location(), "/account/tokens");
}

/// One login attempt; its status.
async fn attempt<S, B>(browser: &mut Browser<'_, S>, email: &str, password: &str) -> StatusCode
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    browser.post("/login", &[("email", email), ("password", password)]).await.status
}

/// A browser whose requests reach the app through a load balancer that names the client.
fn behind_balancer<'a, S, B>(service: &'a S, client: &str) -> Browser<'a, S>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut browser = Browser::new(service);
    browser.headers.push(("x-forwarded-for".into(), client.into()));
    browser
}

#[actix_web::test]
async fn made_up_addresses_from_one_address_do_not_keep_a_known_browser_out() {
    // The report's scenario: every request from one address (a campus NAT, or a load balancer the
    // service was not told about), five wrong logins for made-up addresses, then a real user.
    let app = TestApp::new();
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut owner = Browser::new(&service);
    owner.login("pi@example.org").await;
    owner.post("/logout", &[]).await;
    let mut attacker = Browser::new(&service);
    for i in 0..5 {
        assert_eq!(attacker_try(&mut attacker, i).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attacker_try(&mut attacker, 5).await, StatusCode::TOO_MANY_REQUESTS, "the address is locked");
    assert_eq!(
        attempt(&mut attacker, "pi@example.org", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "a locked attempt is refused before the password is looked at, so it reveals nothing"
    );
    // The owner, on a browser that has logged in before, gets in; a browser that never has waits out
    // the lock like the attacker (or resets the password by e-mail: see the reset test).
    assert_eq!(attempt(&mut owner, "pi@example.org", PASSWORD).await, StatusCode::SEE_OTHER);
    let mut newcomer = Browser::new(&service);
    let page = newcomer.post("/login", &[("email", "pi@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.body.contains("通过邮件重置密码"), "the message says how to get in now: {}", page.body);
}

async fn attacker_try<S, B>(attacker: &mut Browser<'_, S>, i: usize) -> StatusCode
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    attempt(attacker, &format!("made-up-{i}@example.org"), "guess-guess").await
}

#[actix_web::test]
async fn behind_a_trusted_proxy_each_client_is_counted_on_its_own_address() {
    // The test browser's TCP peer is 10.0.0.1: here it is the load balancer.
    let app = TestApp::with_env(&[("COOP_TRUSTED_PROXIES", "10.0.0.0/8")]);
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut attacker = behind_balancer(&service, "198.51.100.66");
    for i in 0..5 {
        assert_eq!(attacker_try(&mut attacker, i).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attacker_try(&mut attacker, 5).await, StatusCode::TOO_MANY_REQUESTS);
    // The balancer appends the address it saw; what the client wrote before it does not count.
    let mut forging = behind_balancer(&service, "192.0.2.1, 198.51.100.66");
    assert_eq!(attacker_try(&mut forging, 6).await, StatusCode::TOO_MANY_REQUESTS);
    let mut user = behind_balancer(&service, "203.0.113.7");
    assert_eq!(attempt(&mut user, "pi@example.org", PASSWORD).await, StatusCode::SEE_OTHER);

    // Without the setting the header is not believed: each attempt naming another client still
    // counts on the peer.
    let plain = TestApp::new();
    let service = test::init_service(build_app(plain.state.clone())).await;
    for i in 0..5 {
        let mut spoofing = behind_balancer(&service, &format!("198.51.100.{i}"));
        assert_eq!(attacker_try(&mut spoofing, i).await, StatusCode::UNAUTHORIZED);
    }
    let mut spoofing = behind_balancer(&service, "198.51.100.99");
    assert_eq!(attacker_try(&mut spoofing, 9).await, StatusCode::TOO_MANY_REQUESTS);
}

#[actix_web::test]
async fn failures_against_an_account_lock_strangers_out_of_it_but_not_its_owners_browser() {
    let app = TestApp::with_env(&[("COOP_TRUSTED_PROXIES", "10.0.0.0/8")]);
    app.user("pi@example.org", Role::Pi);
    app.user("staff@example.org", Role::Staff);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut owner = behind_balancer(&service, "203.0.113.1");
    owner.login("pi@example.org").await;
    owner.post("/logout", &[]).await;
    // Guesses at one account from five addresses.
    for i in 0..5 {
        let mut guesser = behind_balancer(&service, &format!("198.51.100.{i}"));
        assert_eq!(attempt(&mut guesser, "pi@example.org", "guess-guess").await, StatusCode::UNAUTHORIZED);
    }
    let mut stranger = behind_balancer(&service, "198.51.100.50");
    assert_eq!(attempt(&mut stranger, "pi@example.org", PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(attempt(&mut owner, "pi@example.org", PASSWORD).await, StatusCode::SEE_OTHER, "the owner's browser");

    // A made-up address locks itself, answering as a real one would (the lock tells no one which
    // addresses have accounts), and no real account.
    for i in 0..5 {
        let mut guesser = behind_balancer(&service, &format!("198.51.100.{}", 10 + i));
        assert_eq!(attempt(&mut guesser, "nobody@example.org", "guess-guess").await, StatusCode::UNAUTHORIZED);
    }
    let mut guesser = behind_balancer(&service, "198.51.100.60");
    assert_eq!(attempt(&mut guesser, "nobody@example.org", "guess-guess").await, StatusCode::TOO_MANY_REQUESTS);
    let mut colleague = behind_balancer(&service, "198.51.100.61");
    assert_eq!(attempt(&mut colleague, "staff@example.org", PASSWORD).await, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn a_successful_login_forgives_its_own_failures_and_nobody_elses() {
    let app = TestApp::new();
    app.user("pi@example.org", Role::Pi);
    app.user("staff@example.org", Role::Staff);
    let service = test::init_service(build_app(app.state.clone())).await;
    // The attacker's own account, used once before from their browser.
    let mut attacker_own = Browser::new(&service);
    attacker_own.login("staff@example.org").await;
    attacker_own.post("/logout", &[]).await;
    // Four typos, then the right password.
    let mut user = Browser::new(&service);
    for _ in 0..4 {
        assert_eq!(attempt(&mut user, "pi@example.org", "typo-typo").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attempt(&mut user, "pi@example.org", PASSWORD).await, StatusCode::SEE_OTHER);
    // The four typos no longer count at the shared address: a stranger's first five are failures,
    // then the address locks.
    let mut stranger = Browser::new(&service);
    for i in 0..5 {
        assert_eq!(attacker_try(&mut stranger, i).await, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    assert_eq!(attacker_try(&mut stranger, 5).await, StatusCode::TOO_MANY_REQUESTS);
    // Logging in to an account of one's own does not lift the lock on anyone else's guesses.
    assert_eq!(attempt(&mut attacker_own, "staff@example.org", PASSWORD).await, StatusCode::SEE_OTHER);
    assert_eq!(attacker_try(&mut stranger, 6).await, StatusCode::TOO_MANY_REQUESTS);
}

fn reset_page(token: &str) -> String {
    format!("/password/reset?token={token}")
}

#[actix_web::test]
async fn a_used_link_or_a_changed_password_ends_every_other_link() {
    let app = TestApp::new();
    let pi = app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    let (first, second) = (app.reset_link(pi, test_now()), app.reset_link(pi, test_now()));
    assert_eq!(browser.get(&reset_page(&second)).await.status, StatusCode::OK);
    let new_password = "一个全新的足够长的密码啊";
    let done = browser
        .post("/password/reset", &[("token", &first), ("password", new_password), ("confirm", new_password)])
        .await;
    assert_eq!(done.location(), "/login?done=password_reset");
    assert_eq!(browser.get(&reset_page(&second)).await.status, StatusCode::NOT_FOUND);
    let again = browser
        .post(
            "/password/reset",
            &[("token", &second), ("password", "另一个足够长的新密码"), ("confirm", "另一个足够长的新密码")],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "the older link died with the reset");

    // A link sent before the user changed the password themselves dies too.
    let third = app.reset_link(pi, test_now());
    let page = browser.post("/login", &[("email", "pi@example.org"), ("password", new_password)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let changed = browser
        .post("/account/password", &[("current", new_password), ("password", PASSWORD), ("confirm", PASSWORD)])
        .await;
    assert_eq!(changed.location(), "/?done=password_changed");
    assert_eq!(browser.get(&reset_page(&third)).await.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_reset_ends_every_session_and_token_and_makes_the_browser_a_known_device() {
    let app = TestApp::new();
    let pi = app.user("pi@example.org", Role::Pi);
    let (_, token) = app.token(pi, None);
    let service = test::init_service(build_app(app.state.clone())).await;
    assert_eq!(Browser::with_token(&service, &token).get("/api/v1/me").await.status, StatusCode::OK);
    let mut elsewhere = Browser::new(&service);
    elsewhere.login("pi@example.org").await;
    // The user changing their own password keeps their tokens: they knew the old one.
    let own = elsewhere
        .post(
            "/account/password",
            &[("current", PASSWORD), ("password", "自己改的足够长的新密码"), ("confirm", "自己改的足够长的新密码")],
        )
        .await;
    assert_eq!(own.location(), "/?done=password_changed");
    assert_eq!(Browser::with_token(&service, &token).get("/api/v1/me").await.status, StatusCode::OK);

    // Someone else's failures have locked the shared address meanwhile.
    let mut stranger = Browser::new(&service);
    for i in 0..5 {
        attacker_try(&mut stranger, i).await;
    }
    let mut browser = Browser::new(&service);
    let link = app.reset_link(pi, test_now());
    let done =
        browser.post("/password/reset", &[("token", &link), ("password", PASSWORD), ("confirm", PASSWORD)]).await;
    assert_eq!(done.location(), "/login?done=password_reset");
    assert!(browser.has_cookie("coop_device"), "whoever read the mail is a known device now");
    assert_eq!(Browser::with_token(&service, &token).get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(elsewhere.get("/").await.status, StatusCode::SEE_OTHER, "the other session ended");
    assert_eq!(attempt(&mut browser, "pi@example.org", PASSWORD).await, StatusCode::SEE_OTHER);
    assert_eq!(attempt(&mut Browser::new(&service), "pi@example.org", PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Every `table.column` of the database (its own catalogue, so new tables are searched too) whose
/// text holds `needle` (hex: safe inside a LIKE pattern).
fn columns_holding(conn: &mut DbConnection, needle: &str) -> Vec<String> {
    let tables = match conn {
        DbConnection::Sqlite(_) => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        DbConnection::Pg(_) => "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()",
    };
    let tables: Vec<Name> = diesel::sql_query(tables).load(conn).unwrap();
    assert!(tables.len() > 20);
    let mut found = Vec::new();
    for table in tables {
        let columns = match conn {
            DbConnection::Sqlite(_) => format!("SELECT name FROM pragma_table_info('{}')", table.name),
            DbConnection::Pg(_) => format!(
                "SELECT column_name::text AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{}'",
                table.name
            ),
        };
        for column in diesel::sql_query(columns).load::<Name>(conn).unwrap() {
            let query = format!(
                "SELECT COUNT(*) AS n FROM {} WHERE CAST({} AS TEXT) LIKE '%{needle}%'",
                table.name, column.name
            );
            if diesel::sql_query(query).get_result::<Count>(conn).unwrap().n > 0 {
                found.push(format!("{}.{}", table.name, column.name));
            }
        }
    }
    found
}

#[actix_web::test]
async fn after_sending_no_row_of_any_table_holds_the_reset_token() {
    let (sink, port) = SmtpSink::start();
    let app = TestApp::with_env(&[
        ("COOP_SMTP_HOST", "127.0.0.1"),
        ("COOP_SMTP_PORT", &port),
        ("COOP_SMTP_TLS", "none"),
        ("COOP_BASE_URL", "https://tracker.example"),
    ]);
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    let page = browser.post("/password/forgot", &[("email", "pi@example.org")]).await;
    assert_eq!(page.location(), "/login?done=reset_sent");
    // Delivery also runs in the background; running it here makes the test independent of timing.
    deliver_due(&app.state.pool, &app.state.mailer, &app.state.config, "test", test_now()).unwrap();
    let messages = sink.wait_for(1);
    assert_eq!(messages.len(), 1);
    for _ in 0..100 {
        if with_conn(&app, |c| coop_tracker::db::outbox::count_with_status(c, "sent").unwrap()) == 1 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let link = reset_link(&decoded_parts(&messages[0]));
    let token = link.split_once("token=").unwrap().1.to_owned();
    assert_eq!(token.len(), 64);

    assert_eq!(with_conn(&app, |c| columns_holding(c, &token)), Vec::<String>::new());
    // The outbox keeps what was sent, without the token; the link works.
    let kept: String = with_conn(&app, |c| outbox::table.select(outbox::body_text).first(c).unwrap());
    assert!(kept.contains("https://tracker.example/password/reset?token=…"), "{kept}");
    assert_eq!(browser.get(&link).await.status, StatusCode::OK);
}

#[actix_web::test]
async fn a_reset_message_whose_link_died_before_sending_is_not_sent() {
    let (sink, port) = SmtpSink::start();
    let app =
        TestApp::with_env(&[("COOP_SMTP_HOST", "127.0.0.1"), ("COOP_SMTP_PORT", &port), ("COOP_SMTP_TLS", "none")]);
    let pi = app.user("pi@example.org", Role::Pi);
    // Queued as the request page queues it; the password is then changed before the mail goes.
    with_conn(&app, |c| {
        let unsent = coop_tracker::auth::secret::hash(&coop_tracker::auth::secret::random_token());
        let reset =
            password_reset::insert(c, pi, &unsent, test_now(), test_now() + chrono::Duration::hours(2)).unwrap();
        let key = format!("password_reset:{reset}");
        let envelope = Envelope {
            key: &key,
            kind: "password_reset",
            user_id: Some(pi),
            to: "pi@example.org",
            locale: "zh-CN",
            list_unsubscribe: None,
        };
        assert!(queue_password_reset(c, &envelope, "重置密码", reset, test_now()).unwrap());
        let change = coop_tracker::app::account::PasswordChange::Reset { must_change: true };
        coop_tracker::app::account::set_password(c, pi, "管理员重置的足够长密码", change, None, test_now()).unwrap();
    });
    let report = deliver_due(&app.state.pool, &app.state.mailer, &app.state.config, "test", test_now()).unwrap();
    assert_eq!((report.sent, report.retrying, report.failed), (0, 0, 1));
    assert!(sink.received.lock().unwrap().is_empty(), "nothing reached the mail server");
    let (status, error): (String, Option<String>) =
        with_conn(&app, |c| outbox::table.select((outbox::status, outbox::last_error)).first(c).unwrap());
    assert_eq!(status, "failed");
    assert!(error.unwrap().contains("password-reset link was used, withdrawn"));
}

#[actix_web::test]
async fn a_token_cannot_make_a_token_and_every_token_expires_within_the_limit() {
    let app = TestApp::with_env(&[("COOP_API_TOKEN_MAX_DAYS", "30")]);
    let pi = app.user("pi@example.org", Role::Pi);
    let (_, token) = app.token(pi, None);
    let service = test::init_service(build_app(app.state.clone())).await;
    let count = || with_conn(&app, |c| api_tokens::table.count().get_result::<i64>(c).unwrap());
    let mut client = Browser::with_token(&service, &token);
    for body in [json!({"name": "child", "expires_in_days": 1}), json!({"name": "child"}), json!({})] {
        let page = client.json(Method::POST, "/api/v1/tokens", Some(body.clone())).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{body}: {}", page.body);
        let error: Value = serde_json::from_str(&page.body).unwrap();
        assert!(error["error"]["message"].as_str().unwrap().contains("/account/tokens"), "{}", page.body);
    }
    assert_eq!(count(), 1, "no token made a token");

    let mut browser = Browser::new(&service);
    browser.login("pi@example.org").await;
    let form = browser.get("/account/tokens").await;
    assert!(form.body.contains("1 至 30 天") && form.body.contains(r#"max="30" required"#), "{}", form.body);
    for days in ["", "0", "31", "forever", "1e3"] {
        let page = browser.post("/account/tokens", &[("name", "脚本"), ("expires_in_days", days)]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{days:?}");
        assert!(page.body.contains("请填写令牌的有效天数"), "{days:?}: {}", page.body);
    }
    assert_eq!(count(), 1, "nothing refused was stored");
    let page = browser.post("/account/tokens", &[("name", "脚本"), ("expires_in_days", "30")]).await;
    assert_eq!(page.status, StatusCode::OK);
    let expiries: Vec<Option<chrono::NaiveDateTime>> =
        with_conn(&app, |c| api_tokens::table.order(api_tokens::id).select(api_tokens::expires_at).load(c).unwrap());
    assert_eq!(expiries[1], Some(test_now() + chrono::Duration::days(30)));
}

#[actix_web::test]
async fn a_csrf_token_is_bound_to_its_session_and_retired_at_login_and_logout() {
    let app = TestApp::new();
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    browser.get("/login").await;
    let before_login = browser.csrf();
    browser.login("pi@example.org").await;
    let page = browser.post_raw("/logout", &[("csrf_token", &before_login)]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "the token shown before login is retired by it");
    assert_eq!(browser.get("/").await.status, StatusCode::OK, "still logged in");

    // A neighbouring host plants a secret it knows and fills in a token made from it: without the
    // session cookie, which it cannot read, it cannot make the token this session's pages carry.
    let planted = "ab".repeat(32);
    browser.plant_cookie("coop_csrf", &planted);
    for forged in [planted.clone(), form_token(&planted, None), form_token(&planted, Some("guessed-session"))] {
        let page = browser.post_raw("/logout", &[("csrf_token", &forged)]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{forged}");
    }
    // A token of another session does not work here either.
    let mut other = Browser::new(&service);
    other.login("pi@example.org").await;
    let page = browser.post_raw("/logout", &[("csrf_token", &other.csrf())]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    let before_logout = browser.csrf();
    assert_eq!(browser.post("/logout", &[]).await.location(), "/login?done=logged_out");
    let page = browser
        .post_raw("/login", &[("csrf_token", &before_logout), ("email", "pi@example.org"), ("password", PASSWORD)])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "the token shown before logout is retired by it");
    assert_eq!(attempt(&mut browser, "pi@example.org", PASSWORD).await, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn over_https_the_csrf_cookie_is_a_host_only_cookie() {
    let set_cookie = |page: &crate::common::Page, prefix: &str| {
        page.headers.get_all("set-cookie").map(|v| v.to_str().unwrap().to_owned()).find(|c| c.starts_with(prefix))
    };
    let app = TestApp::with_env(&[("COOP_BASE_URL", "https://tracker.example")]);
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut browser = Browser::new(&service);
    let form = browser.get("/login").await;
    let cookie = set_cookie(&form, "__Host-coop_csrf=").expect("a __Host- cookie");
    for flag in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert!(set_cookie(&form, "coop_csrf=").is_none());
    browser.login("pi@example.org").await;

    // On plain http (a developer's loopback) the prefix would make browsers drop the cookie.
    let plain = TestApp::new();
    let service = test::init_service(build_app(plain.state.clone())).await;
    let form = Browser::new(&service).get("/login").await;
    let cookie = set_cookie(&form, "coop_csrf=").expect("a plain cookie");
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[actix_web::test]
async fn a_message_delivered_twice_as_a_file_leaves_one_file_named_by_its_message_id() {
    let app = TestApp::new();
    with_conn(&app, |c| {
        let t = coop_tracker::i18n::Locale::ZhCn.t();
        let rendered = message::password_reset(t, "测试", "https://x/not-a-secret", 2).unwrap();
        let envelope = Envelope {
            key: "eml-once",
            kind: "test",
            user_id: None,
            to: "pi@example.org",
            locale: "zh-CN",
            list_unsubscribe: None,
        };
        assert!(queue(c, &envelope, &rendered, test_now()).unwrap());
    });
    let files = || {
        let mut names: Vec<String> = std::fs::read_dir(app.state.config.mail_dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let deliver = || deliver_due(&app.state.pool, &app.state.mailer, &app.state.config, "test", test_now()).unwrap();
    assert_eq!(deliver().sent, 1);
    let first = files();
    assert_eq!(first.len(), 1, "{first:?}");
    let stem = first[0].strip_suffix(".eml").unwrap().to_owned();
    let text = std::fs::read_to_string(app.state.config.mail_dir().join(&first[0])).unwrap();
    assert!(text.contains(&format!("Message-ID: <{stem}@localhost>")), "{text}");

    // A sender that stopped after writing the file and before recording it: the claim is released
    // and the message delivered again.
    with_conn(&app, |c| diesel::update(outbox::table).set(outbox::status.eq("pending")).execute(c).unwrap());
    assert_eq!(deliver().sent, 1);
    assert_eq!(files(), first, "the same file, not a second one");
}
