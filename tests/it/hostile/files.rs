//! Hostile evidence files (issue 20): a PDF under a name that runs when opened (`.hta`, `.exe`, …, or
//! disguised by a right-to-left override) is refused with 415 naming it, on the page and over the API,
//! and nothing is kept; invisible characters never reach a kept name, and every download ends in the
//! extension of the type its content was recognised as, for names stored before these rules too;
//! where else a file was used is shown to staff and administrators only; and each user's uploads
//! stay within the daily quota, two at once included.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::domain::role::Role;
use coop_tracker::web::build_app;
use diesel::prelude::*;
use serde_json::json;

use crate::common::{Browser, Page, row_counts, test_now, with_conn};
use crate::evidence::api::{pdf, stored_files, upload};
use crate::projects::{Setup, body, registration, setup, setup_with_env};

/// A report of the accuracy indicator that passes every check but the file's.
const GOOD: &[(&str, &str)] = &[("value", "96.5"), ("measured_on", "2026-11-01")];

/// The message of an API error.
fn message(page: &Page) -> String {
    body(page)["error"]["message"].as_str().unwrap_or_default().to_owned()
}

/// Registers a project under `code` led by `pi_email` (with member@example.org on it when
/// `with_member`) and returns its accuracy indicator.
async fn project<S, B>(s: &Setup, service: &S, code: &str, pi_email: &str, with_member: bool) -> i64
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut staff = Browser::with_token(service, &s.staff_token);
    let mut registered = registration(s.direction_id);
    registered["code"] = json!(code);
    registered["contract_number"] = json!(format!("20243100000{}", &code[code.len() - 3..]));
    registered["pi_email"] = json!(pi_email);
    if !with_member {
        registered["member_emails"] = json!([]);
    }
    let created = staff.json(Method::POST, "/api/v1/projects", Some(registered)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    crate::projects::numeric_indicator(&body(&created))
}

fn user_id(s: &Setup, email: &str) -> i64 {
    with_conn(&s.app, |c| coop_tracker::db::user::find_by_email(c, email).unwrap().unwrap().id)
}

#[actix_web::test]
async fn a_pdf_under_a_name_that_would_run_is_refused_on_the_page_and_over_the_api() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let indicator = project(&s, &service, "SH-KJ-2024-001", "pi@example.org", true).await;
    let mut api = Browser::with_token(&service, &s.app.token(s.pi, None).1);
    let mut browser = Browser::new(&service);
    browser.login("pi@example.org").await;
    let report = pdf("finding 1", 4096);
    let names = [
        "report.hta",
        "report.html",
        "report.svg",
        "report.js",
        "report.exe",
        "report.bat",
        "report.ps1",
        "report.jar",
        "报告2026\u{202E}fdp.hta",
    ];
    let before = row_counts(&s.app);
    for name in names {
        // The override is taken out of the name before it is checked and shown.
        let shown = name.replace('\u{202E}', "");
        let refused = upload(&mut api, indicator, GOOD, &[("files", name, &report)]).await;
        assert_eq!(refused.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "API, {name}: {}", refused.body);
        let said = message(&refused);
        assert!(said.contains(&format!("“{shown}”")) && said.contains(".pdf"), "API, {name}: {said}");
        assert!(!said.contains('\u{202E}'), "the override is not echoed: {said:?}");

        let refused = browser
            .post_multipart(&format!("/indicators/{indicator}/evidence"), GOOD, &[("files", name, &report)])
            .await;
        assert_eq!(refused.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "page, {name}");
        assert!(refused.body.contains(&shown) && refused.body.contains("须以 .pdf 结尾"), "page, {name}: not named");
    }
    let no_extension = upload(&mut api, indicator, GOOD, &[("files", "report", &report)]).await;
    assert_eq!(no_extension.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", no_extension.body);
    assert!(message(&no_extension).contains("没有扩展名"), "{}", no_extension.body);
    assert_eq!(row_counts(&s.app), before, "a refused file changed something");
    assert_eq!(stored_files(&s.app), (0, 0), "nothing kept or left half-written");

    let accepted = upload(&mut api, indicator, GOOD, &[("files", "report.pdf", &report)]).await;
    assert_eq!(accepted.status, StatusCode::CREATED, "the same file named as what it is: {}", accepted.body);
}

#[actix_web::test]
async fn invisible_characters_leave_kept_names_and_downloads_end_in_the_types_extension() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let indicator = project(&s, &service, "SH-KJ-2024-001", "pi@example.org", true).await;
    let mut api = Browser::with_token(&service, &s.app.token(s.pi, None).1);
    let report = pdf("invisible", 4096);
    let sent = "检测\u{200B}报告\u{2066}终版\u{202E}\u{FEFF}.pdf";
    let created = upload(&mut api, indicator, GOOD, &[("files", sent, &report)]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = body(&created)["evidence_ids"][0].as_i64().unwrap();
    let kept: String = with_conn(&s.app, |c| {
        use coop_tracker::db::schema::evidence_files;
        evidence_files::table.select(evidence_files::original_name).first(c).unwrap()
    });
    assert_eq!(kept, "检测报告终版.pdf", "stored without the invisible characters");
    assert_eq!(body(&api.get(&format!("/api/v1/evidence/{id}")).await)["files"][0]["name"], "检测报告终版.pdf");
    let download = api.get(&format!("/api/v1/evidence/{id}/files/1")).await;
    let disposition = download.headers.get("content-disposition").unwrap().to_str().unwrap().to_owned();
    assert!(disposition.contains("%E6%A3%80%E6%B5%8B%E6%8A%A5%E5%91%8A"), "{disposition}");
    assert!(!disposition.contains("%E2%80") && !disposition.contains("%E2%81"), "{disposition}");
    assert!(disposition.ends_with(".pdf"), "{disposition}");

    // Names kept before extensions were enforced: shown and downloaded with the PDF's extension.
    let mut browser = Browser::new(&service);
    browser.login("pi@example.org").await;
    for (stored, shown) in [("report.hta", "report.hta.pdf"), ("报告2026\u{202E}fdp.hta", "报告2026fdp.hta.pdf")] {
        with_conn(&s.app, |c| {
            use coop_tracker::db::schema::evidence_files;
            diesel::update(evidence_files::table).set(evidence_files::original_name.eq(stored)).execute(c).unwrap()
        });
        assert_eq!(body(&api.get(&format!("/api/v1/evidence/{id}")).await)["files"][0]["name"], shown);
        for path in [format!("/api/v1/evidence/{id}/files/1"), format!("/evidence/{id}/files/1")] {
            let client = if path.starts_with("/api") { &mut api } else { &mut browser };
            let download = client.get(&path).await;
            assert_eq!(download.status, StatusCode::OK, "{path}");
            assert_eq!(&download.bytes[..], &report[..]);
            assert_eq!(download.headers.get("content-type").unwrap(), "application/pdf");
            let disposition = download.headers.get("content-disposition").unwrap().to_str().unwrap();
            assert!(disposition.starts_with("attachment;"), "{disposition}");
            assert!(disposition.ends_with(".hta.pdf"), "{path}, {stored:?}: {disposition}");
            assert!(!disposition.contains("%E2%80%AE"), "{disposition}");
        }
        let page = browser.get(&format!("/evidence/{id}")).await;
        assert!(page.body.contains(shown) && !page.body.contains('\u{202E}'), "{stored:?} on the page");
    }
}

#[actix_web::test]
async fn where_else_a_file_was_used_is_shown_to_staff_and_administrators_only() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let own = project(&s, &service, "SH-KJ-2024-001", "pi@example.org", true).await;
    let elsewhere = project(&s, &service, "SH-KJ-2024-002", "other-pi@example.org", false).await;
    s.app.user("admin@example.org", Role::Admin);
    let expert = s.app.user("expert@example.org", Role::Expert);
    with_conn(&s.app, |c| {
        use coop_tracker::db::schema::{project_members, projects};
        let project: i64 =
            projects::table.filter(projects::code.eq("SH-KJ-2024-001")).select(projects::id).first(c).unwrap();
        diesel::insert_into(project_members::table)
            .values((
                project_members::project_id.eq(project),
                project_members::user_id.eq(expert),
                project_members::role.eq("expert"),
                project_members::added_at.eq(test_now()),
            ))
            .execute(c)
            .unwrap();
    });
    let shared = pdf("uploaded to both projects", 8192);
    let mut pi = Browser::with_token(&service, &s.app.token(s.pi, None).1);
    let created = upload(&mut pi, own, GOOD, &[("files", "检测报告.pdf", &shared)]).await;
    let evidence = body(&created)["evidence_ids"][0].as_i64().unwrap();
    let mut other_pi = Browser::with_token(&service, &s.app.token(user_id(&s, "other-pi@example.org"), None).1);
    let recycled = upload(&mut other_pi, elsewhere, GOOD, &[("files", "报告.pdf", &shared)]).await;
    assert_eq!(recycled.status, StatusCode::CREATED, "{}", recycled.body);

    let mut wrong = Vec::new();
    for (email, sees) in [
        ("admin@example.org", true),
        ("staff@example.org", true),
        ("pi@example.org", false),
        ("member@example.org", false),
        ("expert@example.org", false),
    ] {
        let mut api = Browser::with_token(&service, &s.app.token(user_id(&s, email), None).1);
        let one = body(&api.get(&format!("/api/v1/evidence/{evidence}")).await);
        let listed = body(&api.get("/api/v1/projects/SH-KJ-2024-001/evidence").await);
        for (route, file) in [("one", &one["files"][0]), ("list", &listed[0]["files"][0])] {
            let expected = if sees { Some(&json!(["SH-KJ-2024-002"])) } else { None };
            if file.get("reused_in") != expected {
                wrong.push(format!("{email}, {route}: {file}"));
            }
        }
        let mut browser = Browser::new(&service);
        browser.login(email).await;
        let page = browser.get(&format!("/evidence/{evidence}")).await;
        assert_eq!(page.status, StatusCode::OK, "{email}");
        if page.body.contains("SH-KJ-2024-002") != sees {
            wrong.push(format!("{email}: the page {} the other project", if sees { "does not name" } else { "names" }));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The `Retry-After` header of an answer.
fn retry_after(page: &Page) -> Option<&str> {
    page.headers.get("retry-after").and_then(|v| v.to_str().ok())
}

#[actix_web::test]
async fn uploads_past_the_daily_quota_are_refused_and_keep_nothing() {
    let s = setup_with_env(&[("COOP_DAILY_UPLOAD_MB", "1")]);
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let indicator = project(&s, &service, "SH-KJ-2024-001", "pi@example.org", true).await;
    let mut pi = Browser::with_token(&service, &s.app.token(s.pi, None).1);
    let kib = |n: usize, seed: &str| pdf(seed, n * 1024);

    let first = upload(&mut pi, indicator, GOOD, &[("files", "a.pdf", &kib(700, "a"))]).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let before = row_counts(&s.app);
    let over = upload(&mut pi, indicator, GOOD, &[("files", "b.pdf", &kib(400, "b"))]).await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS, "{}", over.body);
    assert_eq!(body(&over)["error"]["code"], "quota");
    assert_eq!(retry_after(&over), Some("86400"), "the first upload leaves the window in 24 hours");
    let said = message(&over);
    assert!(said.contains("最多上传 1 MB") && said.contains("已上传 0.7 MB"), "{said}");
    assert_eq!(row_counts(&s.app), before, "nothing stored");
    assert_eq!(stored_files(&s.app), (1, 0), "only the first file is kept");
    let mut browser = Browser::new(&service);
    browser.login("pi@example.org").await;
    let page = browser
        .post_multipart(&format!("/indicators/{indicator}/evidence"), GOOD, &[("files", "c.pdf", &kib(400, "c"))])
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.body.contains("最多上传 1 MB 佐证文件"), "the page says why");
    let without_files = upload(&mut pi, indicator, GOOD, &[]).await;
    assert_eq!(without_files.status, StatusCode::CREATED, "a value without files needs no quota");
    let fits = upload(&mut pi, indicator, GOOD, &[("files", "d.pdf", &kib(300, "d"))]).await;
    assert_eq!(fits.status, StatusCode::CREATED, "700 + 300 KiB is within 1 MiB: {}", fits.body);

    // Another user has a quota of their own; one upload larger than the whole quota is 413.
    let mut member = Browser::with_token(&service, &s.app.token(user_id(&s, "member@example.org"), None).1);
    let alone = upload(&mut member, indicator, GOOD, &[("files", "e.pdf", &kib(1500, "e"))]).await;
    assert_eq!(alone.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", alone.body);
    assert_eq!(retry_after(&alone), None);
    // Two uploads at once that each fit but not together: one of them is refused.
    let member_token = s.app.token(user_id(&s, "member@example.org"), None).1;
    let (mut one, mut two) =
        (Browser::with_token(&service, &member_token), Browser::with_token(&service, &member_token));
    let (f, g) = (kib(600, "f"), kib(600, "g"));
    let (a, b) = futures_util::future::join(
        upload(&mut one, indicator, GOOD, &[("files", "f.pdf", &f)]),
        upload(&mut two, indicator, GOOD, &[("files", "g.pdf", &g)]),
    )
    .await;
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 429], "{} / {}", a.body, b.body);

    // A day later the first uploads have left the window.
    with_conn(&s.app, |c| {
        use coop_tracker::db::schema::evidence_files;
        let day_before = test_now() - chrono::Duration::hours(25);
        diesel::update(evidence_files::table).set(evidence_files::uploaded_at.eq(day_before)).execute(c).unwrap()
    });
    let next_day = upload(&mut pi, indicator, GOOD, &[("files", "h.pdf", &kib(700, "h"))]).await;
    assert_eq!(next_day.status, StatusCode::CREATED, "{}", next_day.body);
}
