//! True times: the API writes every timestamp with the offset it really has, and pages show times
//! in the configured zone.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::domain::role::Role;
use coop_tracker::web::{build_app, route_list};
use serde_json::{Value, json};

use crate::common::{Browser, TestApp, test_now, with_conn};

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

/// A guide's window was stored as Beijing wall-clock time, the only time not in UTC; the migration
/// moves stored windows to UTC (and back), leaving a guide without a window alone, and the API and
/// the pages read the same opening afterwards.
#[actix_web::test]
async fn the_migration_moves_stored_guide_windows_to_utc_and_back() {
    use coop_tracker::db::DbConnection;
    use coop_tracker::db::schema::guides;
    use diesel::migration::{Migration, MigrationSource};
    use diesel::prelude::*;
    use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

    const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
    const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");
    fn named<DB: diesel::backend::Backend>(source: &impl MigrationSource<DB>) -> Box<dyn Migration<DB>> {
        let all = source.migrations().unwrap();
        all.into_iter().find(|m| m.name().to_string().ends_with("_guide_window_utc")).expect("the migration")
    }
    /// Undoes (or redoes) the migration on the test's database.
    fn migrate(conn: &mut DbConnection, up: bool) {
        match conn {
            DbConnection::Sqlite(c) => {
                let m = named(&SQLITE);
                if up { c.run_migration(&*m).map(|_| ()) } else { c.revert_migration(&*m).map(|_| ()) }
            }
            DbConnection::Pg(c) => {
                let m = named(&POSTGRES);
                if up { c.run_migration(&*m).map(|_| ()) } else { c.revert_migration(&*m).map(|_| ()) }
            }
        }
        .unwrap();
    }
    let at = |text: &str| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    let windows =
        |conn: &mut DbConnection| -> Vec<(String, Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>)> {
            guides::table
                .select((guides::doc_number, guides::opens_at, guides::closes_at))
                .order(guides::doc_number)
                .load(conn)
                .unwrap()
        };

    let app = TestApp::new();
    let staff = app.user("staff@example.org", Role::Staff);
    let (_, token) = app.token(staff, None);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut api = Browser::with_token(&service, &token);
    let without_window = "沪科指南〔2025〕9号\n专题一、测试专题\n方向1. 第一方向\n考核指标：建立平台不少于1个。\n执行期限：2025年1月1日至2026年12月31日。\n";
    for text in [guide_2024(), without_window.to_owned()] {
        let created = api.json(Method::POST, "/api/v1/guides", Some(json!({"text": text}))).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    }
    let utc = vec![
        ("沪科指南〔2024〕42号".to_owned(), Some(at("2024-11-14 01:00")), Some(at("2024-12-03 08:30"))),
        ("沪科指南〔2025〕9号".to_owned(), None, None),
    ];
    let mut conn = app.conn();
    assert_eq!(windows(&mut conn), utc, "an import stores the instants in UTC");

    migrate(&mut conn, false);
    let beijing = vec![
        ("沪科指南〔2024〕42号".to_owned(), Some(at("2024-11-14 09:00")), Some(at("2024-12-03 16:30"))),
        ("沪科指南〔2025〕9号".to_owned(), None, None),
    ];
    assert_eq!(windows(&mut conn), beijing, "as the tracker stored them before");
    migrate(&mut conn, true);
    assert_eq!(windows(&mut conn), utc, "the migration converts what was stored before");
    drop(conn);

    let listed: Value = serde_json::from_str(&api.get("/api/v1/guides").await.body).unwrap();
    let opening: Vec<&Value> = listed.as_array().unwrap().iter().map(|g| &g["opens_at"]).collect();
    assert_eq!(opening, [&json!(null), &json!("2024-11-14T09:00:00+08:00")], "{listed}");
    let mut browser = Browser::new(&service);
    browser.login("staff@example.org").await;
    assert!(browser.get("/guides").await.body.contains("2024-11-14 09:00 – 2024-12-03 16:30"));
}

/// The parse a staff member checks before saving (the preview page, the API's dry run, `guide
/// parse --json`) says what the stored guide will: the window in the configured zone on the page,
/// RFC 3339 with the guide's own offset in JSON.
#[actix_web::test]
async fn the_preview_and_the_dry_run_give_the_window_as_the_stored_guide_does() {
    for (zone, shown) in
        [("Asia/Shanghai", "2024-11-14 09:00 – 2024-12-03 16:30"), ("UTC", "2024-11-14 01:00 – 2024-12-03 08:30")]
    {
        let app = TestApp::with_env(&[("COOP_TIMEZONE", zone)]);
        let staff = app.user("staff@example.org", Role::Staff);
        let (_, token) = app.token(staff, None);
        let service = test::init_service(build_app(app.state.clone())).await;
        let mut api = Browser::with_token(&service, &token);
        let dry = api.json(Method::POST, "/api/v1/guides", Some(json!({"text": guide_2024(), "dry_run": true}))).await;
        assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
        let parse: Value = serde_json::from_str(&dry.body).unwrap();
        assert_eq!(
            parse["application_window"],
            json!({"opens": "2024-11-14T09:00:00+08:00", "closes": "2024-12-03T16:30:00+08:00"}),
            "{zone}"
        );

        let mut browser = Browser::new(&service);
        browser.login("staff@example.org").await;
        let preview = browser.post_multipart("/guides/preview", &[("text", &guide_2024())], &[]).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        assert!(preview.body.contains(&format!("<dd>{shown}</dd>")), "{zone}: {}", preview.body);
    }
}

/// Whether a JSON string is written like a timestamp (`2026-11-22T02:00:00…` or, without the `T`,
/// `2026-11-22 02:00:00`), as opposed to a date or other text.
fn looks_like_a_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 16
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b' ')
        && b[11..13].iter().all(u8::is_ascii_digit)
        && b[13] == b':'
}

/// Every timestamp in `value`, by its JSON path: (path, text, whether it is RFC 3339 with an offset).
fn timestamps(value: &Value, path: &str, found: &mut Vec<(String, String, bool)>) {
    match value {
        Value::String(text) if looks_like_a_timestamp(text) => {
            found.push((path.to_owned(), text.clone(), chrono::DateTime::parse_from_rfc3339(text).is_ok()));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                timestamps(item, &format!("{path}/{i}"), found);
            }
        }
        Value::Object(fields) => {
            for (name, field) in fields {
                timestamps(field, &format!("{path}/{name}"), found);
            }
        }
        _ => {}
    }
}

/// Every timestamp the JSON API sends is RFC 3339 with its offset: every GET route under /api/v1 is
/// read on a project with a frozen baseline, a re-planned indicator, reviewed evidence, a submitted
/// report and tokens, with the guide's dry run besides; the instants audit rows record in their
/// details (shown by `GET /api/v1/projects/{code}/audit` and the history page) are checked too.
#[actix_web::test]
async fn every_timestamp_the_api_sends_carries_its_offset() {
    let s = crate::projects::setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let fixture = crate::route_access::fixture(&s, &service).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let code = "SH-KJ-2024-001";

    let project: Value = serde_json::from_str(&staff.get(&format!("/api/v1/projects/{code}")).await.body).unwrap();
    for indicator in project["indicators"].as_array().unwrap().iter().filter(|i| i["change"].is_string()) {
        let baseline = json!({"baseline": 100, "baseline_unit": "吨", "baseline_on": "2024-11-30", "baseline_source": "2024年生产统计报表"});
        let set = staff.json(Method::PATCH, &format!("/api/v1/indicators/{}", indicator["id"]), Some(baseline)).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    }
    let frozen = staff.json(Method::POST, &format!("/api/v1/projects/{code}/baseline"), None).await;
    assert_eq!(frozen.status, StatusCode::OK, "{}", frozen.body);
    let indicator = fixture.path("/api/v1/indicators/{id}");
    let replanned = staff.json(Method::PUT, &format!("{indicator}/plan"), Some(json!({"schedule": "quarterly"}))).await;
    assert_eq!(replanned.status, StatusCode::OK, "{}", replanned.body);
    let review = fixture.path("/api/v1/evidence/{id}/review");
    let reviewed = staff.json(Method::POST, &review, Some(json!({"decision": "accept"}))).await;
    assert_eq!(reviewed.status, StatusCode::OK, "{}", reviewed.body);
    // A token with an expiry, issued as the account page issues it (the API makes none since issue 20).
    let staff_id: i64 = with_conn(&s.app, |c| {
        use coop_tracker::db::schema::users;
        use diesel::prelude::*;
        users::table.filter(users::role.eq("staff")).select(users::id).order(users::id).first(c).unwrap()
    });
    s.app.token(staff_id, Some(test_now() + chrono::Duration::days(30)));
    // A dead letter, due later than any delivery the requests above start in the background looks.
    let dead = with_conn(&s.app, |c| {
        use coop_tracker::db::outbox::{self, NewOutboxMessage};
        let later = test_now() + chrono::Duration::days(1);
        let message = NewOutboxMessage {
            idempotency_key: "times-dead-letter",
            kind: "test",
            to_user_id: Some(s.pi),
            to_address: "pi@example.org",
            locale: "zh-CN",
            subject: "提醒",
            body_text: "正文",
            body_html: None,
            next_attempt_at: later,
            created_at: test_now(),
            list_unsubscribe: None,
            reminder: None,
            password_reset_id: None,
        };
        outbox::enqueue(c, &message).unwrap();
        let id = {
            use coop_tracker::db::schema::outbox as table;
            use diesel::prelude::*;
            table::table.filter(table::idempotency_key.eq("times-dead-letter")).select(table::id).first(c).unwrap()
        };
        outbox::mark_failed(c, id, "test", "SMTP: refused", None, test_now()).unwrap();
        id
    });
    let mut desk = Browser::new(&service);
    desk.login("staff@example.org").await;
    let retried = desk.post(&format!("/admin/outbox/{dead}/retry"), &[]).await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER, "{}", retried.body);

    let mut found = Vec::new();
    for route in route_list().into_iter().filter(|r| r.method == Method::GET && r.path.starts_with("/api/")) {
        let path = fixture.path(&route.path);
        let page = staff.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        let json =
            page.headers.get("content-type").is_some_and(|t| t.to_str().unwrap().starts_with("application/json"));
        if json {
            timestamps(&serde_json::from_str(&page.body).unwrap(), &format!("GET {path} "), &mut found);
        }
    }
    let dry = staff.json(Method::POST, "/api/v1/guides", Some(json!({"text": guide_2024(), "dry_run": true}))).await;
    timestamps(&serde_json::from_str(&dry.body).unwrap(), "dry run ", &mut found);
    let details: Vec<(String, String)> = with_conn(&s.app, |c| {
        use coop_tracker::db::schema::audit_log;
        use diesel::prelude::*;
        audit_log::table.select((audit_log::action, audit_log::detail)).load(c).unwrap()
    });
    for (action, detail) in &details {
        timestamps(&serde_json::from_str(detail).unwrap(), &format!("audit {action} "), &mut found);
    }

    let naive: Vec<_> = found.iter().filter(|(_, _, ok)| !ok).collect();
    assert!(naive.is_empty(), "timestamps without their offset:\n{naive:#?}");
    // The walk reached the places that once lacked it, so that it cannot pass by reading nothing.
    for place in [
        "/plan_history/1/created_at",
        "/plan_history/1/superseded_at",
        "audit project.baseline_freeze /frozen_at",
        "audit token.create /expires_at",
        "audit outbox.retry /after/next_attempt_at",
        "dry run /application_window/opens",
        "/reviews/0/at",
    ] {
        assert!(found.iter().any(|(path, _, _)| path.contains(place)), "{place} not read; read: {found:#?}");
    }
}

/// The OpenAPI document promises `date-time` for every instant the API sends.
#[actix_web::test]
async fn the_openapi_document_says_date_time_for_every_instant() {
    let app = TestApp::new();
    let service = test::init_service(build_app(app.state.clone())).await;
    let doc: Value = serde_json::from_str(&Browser::new(&service).get("/api/v1/openapi.json").await.body).unwrap();
    let mut instants = Vec::new();
    for (schema, body) in doc["components"]["schemas"].as_object().unwrap() {
        for (name, property) in body["properties"].as_object().into_iter().flatten() {
            if name.ends_with("_at") || name == "at" {
                instants.push((format!("{schema}.{name}"), property["format"].clone()));
            }
        }
    }
    assert!(instants.len() > 10, "{instants:?}");
    let wrong: Vec<_> = instants.iter().filter(|(_, format)| format != "date-time").collect();
    assert!(wrong.is_empty(), "{wrong:?}");
}
