//! Multipart abuse (issue 9) on every route that takes a form with files: bodies that are cut off,
//! never closed, unnamed, or padded with headers no browser sends get 400 or 413 with a message;
//! evidence with too many files, unusable file names, dates out of range and values that are not
//! finite numbers gets 422. Nothing is stored: every table's row count, and no file kept or left
//! half-written in the store's incoming folder.

use actix_web::http::StatusCode;
use actix_web::test;
use coop_tracker::web::build_app;

use crate::common::{Browser, Page, row_counts};
use crate::evidence::api::{pdf, stored_files, upload};
use crate::projects::{body, setup};

const BOUNDARY: &str = "----coop-abuse-5e1";

/// A text part.
fn text(name: &str, value: &str) -> String {
    format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
}

/// Broken bodies by name, each after `prefix` (the CSRF part for a page), with the status expected.
fn broken_bodies(prefix: &str) -> Vec<(&'static str, Vec<u8>, StatusCode)> {
    let file_head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"r.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    );
    let close = format!("--{BOUNDARY}--\r\n");
    let padding = "a".repeat(200 * 1024);
    let bodies: Vec<(&str, String, StatusCode)> = vec![
        ("no closing boundary", format!("{prefix}{}", text("value", "96.5")), StatusCode::BAD_REQUEST),
        ("cut off inside a file", format!("{prefix}{file_head}%PDF-1.4\n% half a rep"), StatusCode::BAD_REQUEST),
        (
            "cut off inside a part's headers",
            format!("{prefix}--{BOUNDARY}\r\nContent-Disposition: form-data; na"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "a part without Content-Disposition",
            format!("{prefix}--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\n96.5\r\n{close}"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "headers that do not parse",
            format!("{prefix}--{BOUNDARY}\r\nContent Disposition form-data\r\n\r\n96.5\r\n{close}"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "200 KB of part headers",
            format!(
                "{prefix}--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"note\"\r\nX-Pad: {padding}\r\n\r\n备注\r\n{close}"
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "a 200 KB file name",
            format!(
                "{prefix}--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{padding}.pdf\"\r\n\r\n%PDF-1.4\r\n{close}"
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "a 200 KB preamble without a line end",
            format!("{padding}{prefix}{}{close}", text("value", "1")),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    bodies.into_iter().map(|(name, body, status)| (name, body.into_bytes(), status)).collect()
}

/// Who posts to a route: over the API with a token, or as a logged-in browser with a CSRF token.
enum Sender {
    PiToken,
    StaffToken,
    Pi,
    Staff,
}

/// The error message of an API answer or an error page.
fn message(page: &Page) -> String {
    match serde_json::from_str::<serde_json::Value>(&page.body) {
        Ok(json) => json["error"]["message"].as_str().unwrap_or_default().to_owned(),
        Err(_) => ["表单内容无法识别", "超过大小限制"]
            .into_iter()
            .find(|m| page.body.contains(m))
            .unwrap_or_default()
            .to_owned(),
    }
}

#[actix_web::test]
async fn broken_multipart_bodies_are_refused_on_every_upload_route_and_change_nothing() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let (project, indicator) = crate::projects::registered_project(&mut api, s.direction_id).await;
    let code = project["code"].as_str().unwrap().to_owned();
    let (_, pi_token) = s.app.token(s.pi, None);
    let mut pi_api = Browser::with_token(&service, &pi_token);
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let evidence = format!("/indicators/{indicator}/evidence");
    let annual = format!("/projects/{code}/annual-report");
    // Every route that reads multipart/form-data, with who may post to it.
    let routes = [
        (format!("/api/v1{evidence}"), Sender::PiToken),
        ("/api/v1/projects/import".to_owned(), Sender::StaffToken),
        (evidence, Sender::Pi),
        (annual, Sender::Pi),
        ("/projects/import/check".to_owned(), Sender::Staff),
        ("/projects/import".to_owned(), Sender::Staff),
        ("/guides/preview".to_owned(), Sender::Staff),
    ];
    let before = row_counts(&s.app);
    let mut wrong = Vec::new();
    let mut tried = 0;
    for (path, sender) in routes {
        let client = match sender {
            Sender::PiToken => &mut pi_api,
            Sender::StaffToken => &mut api,
            Sender::Pi => &mut pi,
            Sender::Staff => &mut staff,
        };
        let page = matches!(sender, Sender::Pi | Sender::Staff);
        let prefix = if page { text("csrf_token", &client.csrf()) } else { String::new() };
        for (name, payload, status) in broken_bodies(&prefix) {
            let req = test::TestRequest::post()
                .uri(&path)
                .insert_header(("content-type", format!("multipart/form-data; boundary={BOUNDARY}")))
                .set_payload(payload);
            let answer = client.request(req).await;
            tried += 1;
            if answer.status != status || message(&answer).is_empty() {
                wrong.push(format!("{path} with {name}: {} (expected {status}) {:.300}", answer.status, answer.body));
            }
        }
        let req = test::TestRequest::post()
            .uri(&path)
            .insert_header(("content-type", "multipart/form-data"))
            .set_payload(format!("{prefix}{}--{BOUNDARY}--\r\n", text("value", "1")));
        let answer = client.request(req).await;
        tried += 1;
        if answer.status != StatusCode::BAD_REQUEST || message(&answer).is_empty() {
            wrong.push(format!("{path} without a boundary: {} {:.300}", answer.status, answer.body));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {tried} broken bodies were not refused as expected:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(tried, 7 * 9);
    assert_eq!(row_counts(&s.app), before, "a refused body changed something");
    assert_eq!(stored_files(&s.app), (0, 0), "no file kept or left half-written");
}

#[actix_web::test]
async fn evidence_with_too_many_files_bad_names_or_values_out_of_range_is_refused_field_by_field() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let (_, indicator) = crate::projects::registered_project(&mut staff, s.direction_id).await;
    let (_, pi_token) = s.app.token(s.pi, None);
    let mut pi = Browser::with_token(&service, &pi_token);
    let report = pdf("abuse", 2048);
    let good = [("value", "96.5"), ("measured_on", "2026-11-01")];

    let before = row_counts(&s.app);
    let many: Vec<(&str, &str, &[u8])> = (0..500).map(|_| ("files", "r.pdf", report.as_slice())).collect();
    let refused = upload(&mut pi, indicator, &good, &many).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{:.300}", refused.body);
    assert!(
        body(&refused)["error"]["message"].as_str().unwrap().contains("20"),
        "the limit is named: {}",
        refused.body
    );

    let long_name = format!("{}.pdf", "长".repeat(100));
    let huge_number = "9".repeat(400);
    for (what, name) in
        [("a NUL", "a\u{0}b.pdf"), ("an escape sequence", "a\u{1b}[2Jb.pdf"), ("300 bytes", long_name.as_str())]
    {
        let refused = upload(&mut pi, indicator, &good, &[("files", name, &report)]).await;
        assert!(refused.status.is_client_error(), "a file name with {what}: {} {}", refused.status, refused.body);
        assert!(!body(&refused)["error"]["message"].as_str().unwrap_or_default().is_empty(), "{what}: a message");
    }

    let out_of_range = [
        ("measured_on", "275760-09-13"),
        ("measured_on", "2026-02-30"),
        ("measured_on", "0000-01-01"),
        ("measured_on", "-2026-11-01"),
        ("measured_on", "2026-11-01T00:00:00Z"),
        ("value", "NaN"),
        ("value", "inf"),
        ("value", "-infinity"),
        ("value", "1e400"),
        ("value", "0x1F"),
        ("value", huge_number.as_str()),
        ("note", "备注\u{0}"),
    ];
    for (field, bad) in out_of_range {
        let mut fields: Vec<(&str, &str)> = good.iter().copied().filter(|&(f, _)| f != field).collect();
        fields.push((field, bad));
        let refused = upload(&mut pi, indicator, &fields, &[("files", "r.pdf", &report)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{field} = {bad:.40}: {:.300}", refused.body);
        let named: Vec<String> = body(&refused)["error"]["fields"]
            .as_array()
            .map(|f| f.iter().filter_map(|f| f["field"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        assert!(named.iter().any(|f| f == field), "{field} = {bad:.40} names the field: {}", refused.body);
    }
    assert_eq!(row_counts(&s.app), before, "a refused report changed something");
    assert_eq!(stored_files(&s.app), (0, 0), "no file kept or left half-written");

    let accepted = upload(&mut pi, indicator, &good, &[("files", "r.pdf", &report)]).await;
    assert_eq!(accepted.status, StatusCode::CREATED, "the same report, well formed: {}", accepted.body);
}
