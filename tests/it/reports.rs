//! Reports end to end: generated from the live record over the pages and the API (and kept only when
//! submitted), checked by reading the PDF's text back with pdftotext, frozen on submission and
//! downloaded later exactly as they were, whatever changed since; refused clearly; and bounded, so
//! that no one can fill the disk or the server's time with them.

use std::process::Command;

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::web::build_app;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::common::{Browser, with_conn};
use crate::projects::{Setup, body, registration, setup, verified};

/// The text of a PDF, read by poppler's pdftotext (installed by `.ci/run`).
pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed: .ci/run installs it");
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Whitespace removed: pdftotext's layout spaces CJK table cells apart.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A registered project with two verified values, one pending value, as staff over the API.
async fn project_with_evidence() -> (Setup, Value) {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let created = staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let project = body(&created);
    let id_of = |value: f64| {
        project["indicators"].as_array().unwrap().iter().find(|i| i["value"] == value).unwrap()["id"].as_i64().unwrap()
    };
    verified(&s.app, id_of(95.0), s.pi, "2025-10-20", 96.5);
    (s, project)
}

/// A download's status, bytes and content type.
fn parts(page: crate::common::Page) -> (StatusCode, Vec<u8>, String) {
    let content_type = page.headers.get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (page.status, page.bytes.to_vec(), content_type)
}

#[actix_web::test]
async fn the_acceptance_report_pdf_says_what_the_record_says() {
    let (s, project) = project_with_evidence().await;
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);

    let made = staff
        .json(
            Method::POST,
            "/api/v1/projects/SH-KJ-2024-001/reports",
            Some(json!({ "kind": "acceptance", "as_of": "2026-11-30" })),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "not submitted, so nothing is kept: {}", made.body);
    let made = body(&made);
    assert_eq!(made["kind"], "acceptance");
    assert!(made["submitted"].is_null());

    // The files as the project's reports page hands them out: the ones the API described.
    let mut page = Browser::new(&service);
    page.login("staff@example.org").await;
    let generate = "/projects/SH-KJ-2024-001/reports/generate?kind=acceptance&as_of=2026-11-30";
    let (status, pdf, _) = parts(page.get(&format!("{generate}&format=pdf")).await);
    assert_eq!(status, StatusCode::OK);
    let html = page.get(&format!("{generate}&format=html")).await.body;
    assert_eq!(hex::encode(Sha256::digest(&pdf)), made["pdf_sha256"]);
    assert!(pdf.starts_with(b"%PDF-"));

    let text = pdf_text(&pdf);
    let flat = squeezed(&text);
    for expected in [
        "结题验收报告",
        "SH-KJ-2024-001",
        "基于人工智能的合成生物产业升级关键技术",
        "华东理工大学",
        "新疆大学",
        "150万元",
        "2024310000001234",
        "验收专家组意见",
        "市科委意见",
    ] {
        assert!(flat.contains(&squeezed(expected)), "{expected} missing from the PDF:\n{text}");
    }
    // Every indicator's metric and the verified figure behind the one with evidence.
    for indicator in project["indicators"].as_array().unwrap() {
        let metric = squeezed(indicator["metric"].as_str().unwrap());
        let head: String = metric.chars().take(8).collect();
        assert!(flat.contains(&head), "indicator {metric} missing from the PDF");
    }
    assert!(flat.contains("96.5%"), "the verified value is printed:\n{text}");
    assert!(flat.contains("达标"), "{text}");
    assert!(text.contains("第 1 页"), "page numbers: {text}");
    // The HTML says the same, with its charts embedded as images.
    assert!(html.contains("结题验收报告") && html.contains("96.5"));
    assert!(html.contains("data:image/png;base64,"), "charts are embedded");

    // English on request.
    let (status, pdf, _) = parts(page.get(&format!("{generate}&format=pdf&lang=en")).await);
    assert_eq!(status, StatusCode::OK);
    let flat = squeezed(&pdf_text(&pdf));
    assert!(flat.contains("End-of-termacceptancereport"), "{flat}");
    assert!(flat.contains("SH-KJ-2024-001"));
}

#[actix_web::test]
async fn a_submitted_report_is_frozen_and_downloads_unchanged_after_the_data_changes() {
    let (s, project) = project_with_evidence().await;
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;

    let page = staff.get("/projects/SH-KJ-2024-001/reports").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"report-submit\""), "staff see the submit form");
    let submitted = staff
        .post("/projects/SH-KJ-2024-001/reports", &[("kind", "progress"), ("as_of", "2026-06-30"), ("lang", "zh-CN")])
        .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);

    let listed =
        body(&Browser::with_token(&service, &s.staff_token).get("/api/v1/projects/SH-KJ-2024-001/reports").await);
    let report = &listed.as_array().unwrap()[0];
    assert_eq!(report["kind"], "progress");
    assert_eq!(report["as_of"], "2026-06-30");
    assert_eq!(report["submitted_by"], "测试staff");
    let id = report["id"].as_i64().unwrap();
    let (status, frozen_pdf, content_type) = parts(staff.get(&format!("/reports/{id}/pdf")).await);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/pdf");
    assert_eq!(hex::encode(Sha256::digest(&frozen_pdf)), report["pdf_sha256"]);
    let (_, frozen_html, _) = parts(staff.get(&format!("/reports/{id}/html")).await);

    // New verified evidence changes what a new report says, not what the submitted one says.
    let tank =
        project["indicators"].as_array().unwrap().iter().find(|i| i["value"] == 400.0).unwrap()["id"].as_i64().unwrap();
    verified(&s.app, tank, s.pi, "2026-03-01", 420.0);
    let (_, fresh, _) =
        parts(staff.get("/projects/SH-KJ-2024-001/reports/generate?kind=progress&as_of=2026-06-30&format=pdf").await);
    assert_ne!(hex::encode(Sha256::digest(&fresh)), report["pdf_sha256"], "the live report moved on");
    assert!(squeezed(&pdf_text(&fresh)).contains("420吨"));
    assert!(!squeezed(&pdf_text(&frozen_pdf)).contains("420吨"));
    let (_, again_pdf, _) = parts(staff.get(&format!("/reports/{id}/pdf")).await);
    let (_, again_html, _) = parts(staff.get(&format!("/reports/{id}/html")).await);
    assert_eq!(again_pdf, frozen_pdf, "byte for byte as submitted");
    assert_eq!(again_html, frozen_html);

    // The data it was made from is kept with its hash, and the submission is on the audit chain.
    let data = with_conn(&s.app, |c| coop_tracker::db::report::data(c, id).unwrap().unwrap());
    assert_eq!(hex::encode(Sha256::digest(data.as_bytes())), report["data_sha256"]);
    assert!(data.contains("\"as_of\":\"2026-06-30\""));
    assert_eq!(
        with_conn(&s.app, |c| coop_tracker::db::audit::list_actions(c, "report", id).unwrap()),
        ["report.submit"]
    );
    // Rows never change: the database refuses.
    let update = with_conn(&s.app, |c| {
        use diesel::prelude::*;
        diesel::sql_query("UPDATE reports SET title = 'x'").execute(c)
    });
    assert!(update.is_err(), "a submitted report cannot be altered");

    // A stored file that no longer matches its hash is not handed out as the submitted report.
    let path = s.app.state.files().path_of(report["pdf_sha256"].as_str().unwrap());
    std::fs::write(&path, b"%PDF-tampered").unwrap();
    let (status, _, _) = parts(staff.get(&format!("/reports/{id}/pdf")).await);
    assert_eq!(status, StatusCode::CONFLICT);
}

#[actix_web::test]
async fn who_may_generate_submit_and_download() {
    let (s, _) = project_with_evidence().await;
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let made = staff
        .json(
            Method::POST,
            "/api/v1/projects/SH-KJ-2024-001/reports",
            Some(json!({ "kind": "annual", "submit": true })),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = body(&made)["submitted"]["id"].as_i64().unwrap();

    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let (status, bytes, _) =
        parts(pi.get("/projects/SH-KJ-2024-001/reports/generate?kind=acceptance&format=html").await);
    assert_eq!(status, StatusCode::OK, "the PI generates their own project's reports");
    assert!(String::from_utf8(bytes).unwrap().contains("结题验收报告"));
    assert_eq!(parts(pi.get(&format!("/reports/{id}/pdf")).await).0, StatusCode::OK);
    let page = pi.get("/projects/SH-KJ-2024-001/reports").await;
    assert!(!page.body.contains("id=\"report-submit\""), "only staff submit");
    let refused = pi.post("/projects/SH-KJ-2024-001/reports", &[("kind", "progress")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(pi.get("/reports").await.status, StatusCode::FORBIDDEN, "the portfolio report is for staff");

    let mut other = Browser::new(&service);
    other.login("other-pi@example.org").await;
    assert_eq!(other.get("/projects/SH-KJ-2024-001/reports").await.status, StatusCode::NOT_FOUND);
    assert_eq!(parts(other.get(&format!("/reports/{id}/pdf")).await).0, StatusCode::NOT_FOUND);
    assert_eq!(
        other.get("/projects/SH-KJ-2024-001/reports/generate?kind=progress").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn bad_requests_are_refused_clearly_and_change_nothing() {
    let (s, _) = project_with_evidence().await;
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let ask = |kind: &str, as_of: &str| json!({ "kind": kind, "as_of": as_of, "submit": true });

    let unknown =
        staff.json(Method::POST, "/api/v1/projects/NO-SUCH/reports", Some(ask("progress", "2026-01-01"))).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let early =
        staff.json(Method::POST, "/api/v1/projects/SH-KJ-2024-001/reports", Some(ask("progress", "2024-11-30"))).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", early.body);
    assert!(early.body.contains("as_of"), "{}", early.body);
    let kind =
        staff.json(Method::POST, "/api/v1/projects/SH-KJ-2024-001/reports", Some(ask("poem", "2026-01-01"))).await;
    assert_eq!(kind.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", kind.body);

    let mut page = Browser::new(&service);
    page.login("staff@example.org").await;
    let early = page.get("/projects/SH-KJ-2024-001/reports/generate?kind=acceptance&as_of=2024-01-01").await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("统计日期早于项目执行期开始日"), "{}", early.body);
    let garbled = page.get("/projects/SH-KJ-2024-001/reports/generate?kind=acceptance&as_of=30.11.2026").await;
    assert_eq!(garbled.status, StatusCode::BAD_REQUEST);
    assert!(garbled.body.contains("统计日期应写作"), "{}", garbled.body);

    let rows = with_conn(&s.app, |c| coop_tracker::db::report::for_project(c, 1).unwrap());
    assert!(rows.is_empty(), "nothing was submitted");
}

/// Every file under `dir`, recursively (none when it does not exist).
fn files_under(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries.map(|e| e.unwrap().path()).map(|path| if path.is_dir() { files_under(&path) } else { 1 }).sum()
}

#[actix_web::test]
async fn generating_reports_keeps_nothing_and_is_bounded_in_dates_and_rate() {
    // A member could once have any number of reports, as of any date up to 9999, written to the
    // reports folder (200 requests wrote 102 MB in 5 s) and rendered on the server.
    let s = crate::projects::setup_with_env(&[("COOP_REPORTS_PER_MINUTE", "4")]);
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let project = body(&staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await);
    let end: chrono::NaiveDate = project["execution_end"].as_str().unwrap().parse().unwrap();
    let last_day = end + chrono::Months::new(12);
    let data_files = files_under(&s.app.state.config.data_dir);
    let (_, pi_token) = s.app.token(s.pi, None);

    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let generate = "/projects/SH-KJ-2024-001/reports/generate?kind=progress";
    // A report may be made up to a year after the execution period ends, not later.
    let far = pi.get(&format!("{generate}&as_of=9999-12-31&format=pdf")).await;
    assert_eq!(far.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(far.body.contains("统计日期晚于项目执行期结束一年之后"), "{}", far.body);
    let last = pi.get(&format!("{generate}&as_of={last_day}&format=pdf")).await;
    assert_eq!(last.status, StatusCode::OK, "{}", last.body);
    let over = pi.get(&format!("{generate}&as_of={}&format=html", last_day.succ_opt().unwrap())).await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    let api = Browser::with_token(&service, &pi_token)
        .json(Method::POST, "/api/v1/projects/SH-KJ-2024-001/reports", Some(json!({ "kind": "annual" })))
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);

    // Four a minute each: the fifth is refused with when to come back, in the user's language.
    let refused = pi.get(&format!("{generate}&format=pdf")).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers.get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(refused.body.contains("生成报告过于频繁"), "{}", refused.body);
    let english = Browser::with_token(&service, &pi_token)
        .json(Method::POST, "/api/v1/projects/SH-KJ-2024-001/reports", Some(json!({ "kind": "annual", "lang": "en" })))
        .await;
    assert_eq!(english.status, StatusCode::TOO_MANY_REQUESTS, "the budget is the user's, over pages and API");
    // Someone else's budget is their own.
    let mut other = Browser::new(&service);
    other.login("staff@example.org").await;
    assert_eq!(other.get(&format!("{generate}&format=pdf")).await.status, StatusCode::OK);
    let portfolio = other.get("/reports/generate?as_of=9999-12-31").await;
    assert_eq!(portfolio.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(portfolio.body.contains("最晚的执行期结束一年之后"), "{}", portfolio.body);

    // Nothing was written: no reports folder, no new file in the data folder.
    assert!(!s.app.state.config.reports_dir.exists(), "the reports folder is the command line's");
    assert_eq!(files_under(&s.app.state.config.data_dir), data_files);
}

#[actix_web::test]
async fn the_portfolio_report_lists_every_project_with_a_table_of_contents() {
    let (s, _) = project_with_evidence().await;
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    assert_eq!(staff.get("/reports").await.status, StatusCode::OK);
    let (status, pdf, _) = parts(staff.get("/reports/generate?as_of=2026-01-15&format=pdf").await);
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&pdf);
    let flat = squeezed(&text);
    for expected in
        ["项目组合进展报告", "目录", "SH-KJ-2024-001", "逾期指标", "按合作地区统计的指标状态", "新疆维吾尔自治区"]
    {
        assert!(flat.contains(expected), "{expected} missing:\n{text}");
    }
    let submitted = staff.post("/reports", &[("as_of", "2026-01-15"), ("lang", "en"), ("guide", "")]).await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
    let list = staff.get("/reports").await;
    assert!(list.body.contains("/reports/1/pdf"), "{}", list.body);
    let unknown = staff.get("/reports/generate?guide=NO-SUCH&format=pdf").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
}
