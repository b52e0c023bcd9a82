//! The pages around reminder mail: a user's e-mail settings, the administrator's reminder rules and
//! the outbox's health, with their role checks, CSRF protection and audit rows.

use actix_web::http::StatusCode;
use actix_web::test;
use chrono::Duration;
use coop_tracker::db::outbox::{self, NewOutboxMessage};
use coop_tracker::db::schema::audit_log;
use coop_tracker::db::{DbConnection, audit, reminder, user};
use coop_tracker::domain::reminder::RuleDays;
use coop_tracker::domain::role::Role;
use coop_tracker::web::build_app;
use diesel::prelude::*;

use crate::common::{Browser, TestApp, test_now, with_conn};

/// The audit rows of the reminder rules (which have no id), oldest first: action and detail.
fn rule_audits(conn: &mut DbConnection) -> Vec<(String, serde_json::Value)> {
    audit_log::table
        .filter(audit_log::entity.eq("reminder_rules"))
        .order(audit_log::id.asc())
        .select((audit_log::action, audit_log::detail))
        .load::<(String, String)>(conn)
        .unwrap()
        .into_iter()
        .map(|(action, detail)| (action, serde_json::from_str(&detail).unwrap()))
        .collect()
}

/// Queues a message and returns its id.
fn queue(conn: &mut DbConnection, key: &str, to: &str, subject: &str) -> i64 {
    let message = NewOutboxMessage {
        idempotency_key: key,
        kind: "overdue",
        to_user_id: None,
        to_address: to,
        locale: "zh-CN",
        subject,
        body_text: "BODY-SECRET-9f2",
        body_html: None,
        next_attempt_at: test_now(),
        created_at: test_now(),
        list_unsubscribe: None,
        reminder: None,
        password_reset_id: None,
    };
    assert!(outbox::enqueue(conn, &message).unwrap());
    coop_tracker::db::schema::outbox::table
        .filter(coop_tracker::db::schema::outbox::idempotency_key.eq(key))
        .select(coop_tracker::db::schema::outbox::id)
        .first(conn)
        .unwrap()
}

#[actix_web::test]
async fn a_user_chooses_the_language_of_their_mail_and_declines_the_digest() {
    let app = TestApp::new();
    let id = app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;

    let home = pi.get("/").await;
    assert!(home.body.contains("href=\"/account/notifications\""), "the account menu links the page");
    assert!(!home.body.contains("href=\"/admin/outbox\""), "a PI is not shown the outbox");
    let page = pi.get("/account/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("每周汇总邮件只发给科委项目主管"), "{}", page.body);
    assert!(page.body.contains("不能关闭"), "the page says own reminders cannot be turned off");
    assert!(
        page.body.contains("name=\"digest\" aria-describedby=\"digest-help\" checked"),
        "digests are on by default"
    );

    let saved = pi.post("/account/notifications", &[("locale", "en")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), "/account/notifications?done=saved");
    let stored = with_conn(&app, |c| user::find(c, id).unwrap().unwrap());
    assert_eq!((stored.locale.as_str(), stored.digest_opt_out), ("en", true));
    assert_eq!(with_conn(&app, |c| audit::list_actions(c, "user", id).unwrap()), ["user.create", "user.notifications"]);
    let page = pi.get("/account/notifications?done=saved").await;
    assert!(page.body.contains("Language of e-mails"), "without a language cookie pages follow the account");
    assert!(page.body.contains("<option value=\"en\" lang=\"en\" selected>"), "{}", page.body);
    assert!(!page.body.contains("checked"), "the digest box is unticked");

    let saved = pi.post("/account/notifications", &[("locale", "zh-CN"), ("digest", "on")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let stored = with_conn(&app, |c| user::find(c, id).unwrap().unwrap());
    assert_eq!((stored.locale.as_str(), stored.digest_opt_out), ("zh-CN", false));

    let refused = pi.post("/account/notifications", &[("locale", "fr")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("请选择简体中文或 English。"), "{}", refused.body);
    assert_eq!(with_conn(&app, |c| user::find(c, id).unwrap().unwrap()).locale, "zh-CN");

    let forged = pi.post_raw("/account/notifications", &[("locale", "en")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "a POST without the CSRF token is refused");
    let stored = with_conn(&app, |c| user::find(c, id).unwrap().unwrap());
    assert_eq!((stored.locale.as_str(), stored.digest_opt_out), ("zh-CN", false), "the forged POST changed nothing");
}

#[actix_web::test]
async fn an_admin_sets_the_reminder_rules_and_resets_them_to_the_configuration() {
    let app = TestApp::new();
    app.user("admin@example.org", Role::Admin);
    let configured = app.state.config.reminders.rules.clone();
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut admin = Browser::new(&service);
    admin.login("admin@example.org").await;

    let home = admin.get("/").await;
    assert!(home.body.contains("href=\"/admin/reminders\"") && home.body.contains("href=\"/admin/outbox\""));
    let page = admin.get("/admin/reminders").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("目前生效的是配置文件中的提醒规则"), "{}", page.body);
    assert!(page.body.contains("value=\"30, 7, 1\""), "the configured days are shown");
    assert!(page.body.contains("周末或国家法定节假日"), "the page explains the working-day shift");

    let fields = [
        ("upcoming", "14，3"),
        ("overdue_pi", " 2, 10 "),
        ("overdue_research_office", ""),
        ("overdue_officer", "45"),
        ("review_waiting", "5"),
        ("term", "90 30"),
        ("overdue_repeat", "０"),
        ("catch_up", "10"),
    ];
    let saved = admin.post("/admin/reminders", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let expected = RuleDays {
        upcoming: vec![14, 3],
        overdue_pi: vec![2, 10],
        overdue_research_office: vec![],
        overdue_officer: vec![45],
        review_waiting: 5,
        term: vec![90, 30],
        overdue_repeat: 0,
        catch_up: 10,
    };
    assert_eq!(with_conn(&app, |c| reminder::rule_days(c, &configured).unwrap()), expected);
    assert!(with_conn(&app, |c| reminder::rules_overridden(c).unwrap()));
    let page = admin.get("/admin/reminders").await;
    assert!(page.body.contains("目前生效的是管理员在本页设置的提醒规则"), "{}", page.body);
    assert!(page.body.contains("value=\"14, 3\""));
    let audits = with_conn(&app, rule_audits);
    assert_eq!(audits.len(), 1);
    assert_eq!(audits[0].0, "reminder_rules.update");
    assert_eq!(audits[0].1["before"]["upcoming"], serde_json::json!([30, 7, 1]));
    assert_eq!(audits[0].1["after"]["upcoming"], serde_json::json!([14, 3]));

    let reset = admin.post("/admin/reminders/reset", &[]).await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    assert_eq!(reset.location(), "/admin/reminders?done=reminder_rules_reset");
    assert_eq!(with_conn(&app, |c| reminder::rule_days(c, &configured).unwrap()), configured);
    assert!(!with_conn(&app, |c| reminder::rules_overridden(c).unwrap()));
    let audits = with_conn(&app, rule_audits);
    assert_eq!(
        audits.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>(),
        ["reminder_rules.update", "reminder_rules.reset"]
    );
    assert_eq!(audits[1].1["before"]["term"], serde_json::json!([90, 30]));
    let page = admin.get("/admin/reminders?done=reminder_rules_reset").await;
    assert!(page.body.contains("已恢复为配置文件中的提醒规则"), "{}", page.body);
    assert!(with_conn(&app, |c| audit::verify(c).unwrap()).break_at.is_none(), "the audit chain holds");
}

#[actix_web::test]
async fn bad_reminder_days_are_refused_beside_their_fields_and_change_nothing() {
    let app = TestApp::new();
    app.user("admin@example.org", Role::Admin);
    let configured = app.state.config.reminders.rules.clone();
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut admin = Browser::new(&service);
    admin.login("admin@example.org").await;
    let good = [
        ("upcoming", "20, 5"),
        ("overdue_pi", "1"),
        ("overdue_research_office", "14"),
        ("overdue_officer", "30"),
        ("review_waiting", "7"),
        ("term", "60"),
        ("overdue_repeat", "30"),
        ("catch_up", "30"),
    ];
    assert_eq!(admin.post("/admin/reminders", &good).await.status, StatusCode::SEE_OTHER);
    let before = with_conn(&app, |c| reminder::rule_days(c, &configured).unwrap());

    let bad = [
        ("upcoming", "30, 七"),
        ("overdue_pi", "0"),
        ("overdue_research_office", "1,2,3,4,5,6,7,8,9,10,11"),
        ("overdue_officer", "400"),
        ("review_waiting", ""),
        ("term", "60"),
        ("overdue_repeat", "-30"),
        ("catch_up", "0"),
    ];
    let page = admin.post("/admin/reminders", &bad).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("提醒规则未保存"), "{}", page.body);
    assert!(page.body.contains("请只填写整数天数"), "not a number");
    assert_eq!(page.body.matches("每个天数须在 1 到 366 之间。").count(), 3, "0, 400 and a catch-up of 0");
    assert!(page.body.contains("请只填写一个整数天数。"), "a negative repeat");
    assert!(page.body.contains("最多填写 10 个天数。"));
    assert!(page.body.contains("此项提醒不能关闭"), "the review reminder needs its days");
    assert!(page.body.contains("id=\"upcoming-error\""), "the message sits beside its field");
    assert!(page.body.contains("value=\"30, 七\""), "the form keeps what was typed");

    assert_eq!(with_conn(&app, |c| reminder::rule_days(c, &configured).unwrap()), before, "nothing changed");
    assert_eq!(with_conn(&app, rule_audits).len(), 1, "and nothing was audited");
}

#[actix_web::test]
async fn staff_may_not_change_the_reminder_rules() {
    let app = TestApp::new();
    app.user("staff@example.org", Role::Staff);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;

    assert_eq!(staff.get("/admin/reminders").await.status, StatusCode::FORBIDDEN);
    let page = staff.post("/admin/reminders", &[("upcoming", "1"), ("review_waiting", "7")]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(staff.post("/admin/reminders/reset", &[]).await.status, StatusCode::FORBIDDEN);
    assert!(!with_conn(&app, |c| reminder::rules_overridden(c).unwrap()));
    assert!(with_conn(&app, rule_audits).is_empty());
}

#[actix_web::test]
async fn staff_see_dead_letters_and_put_one_back_in_the_queue() {
    let app = TestApp::new();
    app.user("staff@example.org", Role::Staff);
    let now = test_now();
    let (dead, retrying) = with_conn(&app, |c| {
        let dead = queue(c, "dead", "pi@example.org", "【逾期提醒】SH-001：1 项考核指标已逾期");
        outbox::mark_failed(c, dead, "test", "SMTP: connection refused", None, now).unwrap();
        let retrying = queue(c, "retrying", "office@example.org", "【逾期督办】SH-002");
        outbox::mark_failed(c, retrying, "test", "SMTP: timed out", Some(now + Duration::minutes(2)), now).unwrap();
        queue(c, "waiting", "other@example.org", "还未发送");
        (dead, retrying)
    });
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;

    let page = staff.get("/admin/outbox").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("id=\"count-failed\"><strong>1</strong>"), "{}", page.body);
    assert!(page.body.contains("id=\"count-pending\"><strong>2</strong>"));
    let failed_table = &page.body[page.body.find("id=\"failed\"").unwrap()..page.body.find("id=\"retrying\"").unwrap()];
    assert!(failed_table.contains("SMTP: connection refused") && failed_table.contains("pi@example.org"));
    assert!(failed_table.contains("逾期提醒"), "the kind is named");
    assert!(failed_table.contains(&format!("action=\"/admin/outbox/{dead}/retry\"")));
    let retrying_table = &page.body[page.body.find("id=\"retrying\"").unwrap()..];
    assert!(retrying_table.contains("SMTP: timed out"));
    assert!(retrying_table.contains("2026-11-22 10:02"), "times are shown in Shanghai time");
    assert!(!page.body.contains("还未发送"), "a message not yet tried is in neither list");

    let history = staff.get(&format!("/admin/outbox/{dead}")).await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(history.body.contains("<td data-label=\"发送程序\"><code>test</code></td>"), "{}", history.body);
    assert!(history.body.contains("2026-11-22 10:00"));
    assert!(!history.body.contains("BODY-SECRET-9f2"), "bodies are never shown");

    let retried = staff.post(&format!("/admin/outbox/{dead}/retry"), &[]).await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER, "{}", retried.body);
    assert_eq!(retried.location(), "/admin/outbox?done=outbox_retried");
    let entry = with_conn(&app, |c| outbox::find_entry(c, dead).unwrap().unwrap());
    assert_eq!((entry.status.as_str(), entry.attempts, entry.next_attempt_at), ("pending", 0, now));
    assert_eq!(with_conn(&app, |c| audit::list_actions(c, "outbox", dead).unwrap()), ["outbox.retry"]);

    let again = staff.post(&format!("/admin/outbox/{dead}/retry"), &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "a message that is no longer failed is not retried");
    assert!(again.body.contains("未作更改"), "{}", again.body);
    let pending = staff.post(&format!("/admin/outbox/{retrying}/retry"), &[]).await;
    assert_eq!(pending.status, StatusCode::CONFLICT);
    let entry = with_conn(&app, |c| outbox::find_entry(c, retrying).unwrap().unwrap());
    assert_eq!((entry.status.as_str(), entry.attempts), ("pending", 1), "the retrying message is untouched");
    assert_eq!(entry.next_attempt_at, now + Duration::minutes(2));
    assert!(with_conn(&app, |c| audit::list_actions(c, "outbox", retrying).unwrap()).is_empty());
    assert_eq!(with_conn(&app, |c| audit::list_actions(c, "outbox", dead).unwrap()).len(), 1);
    assert_eq!(staff.post("/admin/outbox/999999/retry", &[]).await.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_pi_may_not_look_after_the_outbox() {
    let app = TestApp::new();
    app.user("pi@example.org", Role::Pi);
    let dead = with_conn(&app, |c| {
        let dead = queue(c, "dead", "pi@example.org", "主题");
        outbox::mark_failed(c, dead, "test", "SMTP: connection refused", None, test_now()).unwrap();
        dead
    });
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;

    assert_eq!(pi.get("/admin/outbox").await.status, StatusCode::FORBIDDEN);
    assert_eq!(pi.get(&format!("/admin/outbox/{dead}")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(pi.post(&format!("/admin/outbox/{dead}/retry"), &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(with_conn(&app, |c| outbox::find_entry(c, dead).unwrap().unwrap()).status, "failed");
}

#[actix_web::test]
async fn a_retry_without_the_csrf_token_is_refused() {
    let app = TestApp::new();
    app.user("admin@example.org", Role::Admin);
    let dead = with_conn(&app, |c| {
        let dead = queue(c, "dead", "pi@example.org", "主题");
        outbox::mark_failed(c, dead, "test", "SMTP: connection refused", None, test_now()).unwrap();
        dead
    });
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut admin = Browser::new(&service);
    admin.login("admin@example.org").await;

    assert_eq!(admin.get("/admin/outbox").await.status, StatusCode::OK, "administrators see the outbox too");
    let forged = admin.post_raw(&format!("/admin/outbox/{dead}/retry"), &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(with_conn(&app, |c| outbox::find_entry(c, dead).unwrap().unwrap()).status, "failed");
}
