//! Two instances of the service on one database and one files folder, as behind a load balancer:
//! a session or token made on one is valid on the other, a file uploaded through one downloads
//! through the other, a portfolio list kept by one follows a write made through the other, and the
//! scheduler's work run by both at once is done once. On PostgreSQL when
//! `TEST_DATABASE_URL` is set (the scale-out backend), else on one SQLite file.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::db::schema::{outbox, reminder_log};
use coop_tracker::domain::clock::Clock;
use coop_tracker::jobs::remind::{self, Mode};
use coop_tracker::mail::Mailer;
use coop_tracker::web::build_app;
use coop_tracker::web::state::AppState;
use diesel::prelude::*;

use crate::common::{Browser, test_now, with_conn};
use crate::evidence::api::{pdf, upload};
use crate::projects::{body, registration, setup};

#[actix_web::test]
async fn two_instances_share_sessions_files_and_do_scheduled_work_once() {
    let s = setup();
    let config = (*s.app.state.config).clone();
    let second = AppState::new(
        config.clone(),
        coop_tracker::db::connect(&config).unwrap(),
        Mailer::from_config(&config).unwrap(),
        Clock::Fixed(test_now()),
    );
    let one = test::init_service(build_app(s.app.state.clone())).await;
    let two = test::init_service(build_app(second.clone())).await;

    // A project registered through one instance is there on the other, for the same token.
    let mut staff = Browser::with_token(&one, &s.staff_token);
    let created = staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let indicator = body(&created)["indicators"].as_array().unwrap().iter().find(|i| i["value"] == 95.0).unwrap()["id"]
        .as_i64()
        .unwrap();
    let on_two = staff.switch_to(&two).get("/api/v1/projects/SH-KJ-2024-001").await;
    assert_eq!(on_two.status, StatusCode::OK, "{}", on_two.body);

    // A login session made on one instance is valid on the other, and logging out on it ends it on both.
    let mut pi = Browser::new(&one);
    pi.login("pi@example.org").await;
    let mut pi_two = pi.switch_to(&two);
    let page = pi_two.get("/projects/SH-KJ-2024-001").await;
    assert_eq!(page.status, StatusCode::OK, "the session is valid on the other instance");
    assert_eq!(pi_two.post("/logout", &[]).await.status, StatusCode::SEE_OTHER);
    assert_ne!(pi.get("/projects/SH-KJ-2024-001").await.status, StatusCode::OK, "logged out everywhere");

    // Evidence uploaded through one instance downloads, byte for byte, through the other.
    let pi_token = s.app.token(s.pi, None).1;
    let report = pdf("第三方检测报告", 64 * 1024);
    let mut pi_api = Browser::with_token(&one, &pi_token);
    let fields = &[("value", "96.5"), ("measured_on", "2026-11-01"), ("note", "检测")];
    let uploaded = upload(&mut pi_api, indicator, fields, &[("files", "检测报告.pdf", &report)]).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.body);
    let id = body(&uploaded)["evidence_ids"][0].as_i64().unwrap();
    let downloaded = pi_api.switch_to(&two).get(&format!("/api/v1/evidence/{id}/files/1")).await;
    assert_eq!(downloaded.status, StatusCode::OK);
    assert_eq!(downloaded.bytes.as_ref(), report.as_slice());

    // The overdue list read (and kept) on instance two follows a review made on instance one.
    let overdue = "/api/v1/overdue?as_of=2026-11-20&limit=100";
    let listed = |page: &serde_json::Value| {
        page["items"].as_array().unwrap().iter().any(|item| item["indicator_id"].as_i64() == Some(indicator))
    };
    let mut staff_two = staff.switch_to(&two);
    let before = body(&staff_two.get(overdue).await);
    assert!(listed(&before), "the indicator is overdue before its evidence is accepted: {before}");
    assert_eq!(body(&staff_two.get(overdue).await), before, "read again, unchanged");
    let accepted = staff
        .json(Method::POST, &format!("/api/v1/evidence/{id}/review"), Some(serde_json::json!({"decision": "accept"})))
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let after = body(&staff_two.get(overdue).await);
    assert!(!listed(&after), "instance two sees the review at once: {after}");
    assert_eq!(after["total"].as_i64().unwrap(), before["total"].as_i64().unwrap() - 1);

    // Both instances' schedulers sweep the same day at the same moment: every reminder is queued once.
    let day = chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    let sweeps: Vec<_> = [s.app.state.clone(), second]
        .into_iter()
        .map(|state| {
            std::thread::spawn(move || remind::run(&state.pool, &state.config, day, test_now(), Mode::Queue).unwrap())
        })
        .collect();
    let queued: usize = sweeps.into_iter().map(|h| h.join().unwrap().messages.len()).sum();
    assert!(queued > 0, "the day has reminders due");
    let (items, rows): (i64, i64) = with_conn(&s.app, |c| {
        (reminder_log::table.count().get_result(c).unwrap(), outbox::table.count().get_result(c).unwrap())
    });
    assert_eq!(rows as usize, queued, "each message queued by exactly one of the two instances");
    assert!(items >= rows, "every message stands for at least one logged reminder item");
    let again = remind::run(&s.app.state.pool, &s.app.state.config, day, test_now(), Mode::Queue).unwrap();
    assert!(again.messages.is_empty(), "nothing is left to queue twice");
}
