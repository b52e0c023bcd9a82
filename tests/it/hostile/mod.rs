//! Hostile input on every route that takes a body (issue 9): malformed, oversized and mistyped
//! bodies get a 4xx with a message and change nothing, compared row by row and in the audit log
//! before and after; markup in every free-text field comes back escaped on every page.

pub(crate) mod auth;
pub(crate) mod files;
pub(crate) mod multipart;
pub(crate) mod transport;
pub(crate) mod zip_bombs;

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::domain::role::Role;
use coop_tracker::web::route_table::Listed;
use coop_tracker::web::{build_app, route_list};
use diesel::prelude::*;
use serde_json::json;

use crate::common::{Browser, row_counts, with_conn};
use crate::projects::{body, registration, setup};

/// Bodies no JSON route accepts, by name.
fn hostile_json() -> Vec<(&'static str, String)> {
    vec![
        ("truncated", "{\"code\": \"SH".to_owned()),
        ("an array", "[]".to_owned()),
        ("a string", "\"项目\"".to_owned()),
        ("a number", "42".to_owned()),
        ("null", "null".to_owned()),
        ("NaN", "{\"value\": NaN}".to_owned()),
        ("a NUL byte", "{\"title\": \"a\u{0}b\"".to_owned()),
        ("nested 100,000 deep", format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))),
        ("over the size limit", format!("{{\"title\": \"{}\"}}", "长".repeat(200_000))),
        ("not UTF-8", String::from_utf8_lossy(&[0x7b, 0xff, 0xfe, 0x7d]).into_owned()),
        (UNKNOWN_FIELD, "{\"zz_unknown\": 1}".to_owned()),
    ]
}

/// The hostile body whose refusal must name the field.
const UNKNOWN_FIELD: &str = "an unknown field";

/// Who may send a body to the route: staff, or the PI where only contributors may.
fn sender(route: &Listed) -> &'static str {
    if route.path.ends_with("/evidence") { "pi@example.org" } else { "staff@example.org" }
}

#[actix_web::test]
async fn every_json_route_refuses_malformed_bodies_with_a_message_and_changes_nothing() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let (_, indicator) = crate::projects::registered_project(&mut staff, s.direction_id).await;
    let (_, pi_token) = s.app.token(s.pi, None);
    let mut pi = Browser::with_token(&service, &pi_token);
    let routes: Vec<Listed> = route_list()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/") && [Method::POST, Method::PUT, Method::PATCH].contains(&r.method))
        .collect();
    let before = row_counts(&s.app);
    let mut wrong = Vec::new();
    let mut tried = 0;
    for route in &routes {
        let path = route
            .path
            .replace("{code}", "SH-KJ-2024-001")
            .replace("{id}", &indicator.to_string())
            .replace("{year}", "2030");
        for (name, payload) in hostile_json() {
            let client = if sender(route) == "pi@example.org" { &mut pi } else { &mut staff };
            let req = test::TestRequest::default()
                .method(route.method.clone())
                .uri(&path)
                .insert_header(("content-type", "application/json"))
                .set_payload(payload);
            let page = client.request(req).await;
            tried += 1;
            let message = serde_json::from_str::<serde_json::Value>(&page.body)
                .ok()
                .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
                .unwrap_or_default();
            // Uploads read multipart, freezing a baseline takes no body, there is no evidence to
            // review here (404 first), and a token never makes a token (403 first); every other
            // route names the field it does not know.
            let reads_json =
                !["/import", "/indicators/{id}/evidence", "/baseline", "/evidence/{id}/review", "/v1/tokens"]
                    .iter()
                    .any(|p| route.path.ends_with(p));
            let unnamed = name == UNKNOWN_FIELD && reads_json && !message.contains("zz_unknown");
            if !page.status.is_client_error() || message.is_empty() || unnamed {
                wrong.push(format!("{} {path} with {name}: {} {}", route.method, page.status, page.body));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {tried} hostile bodies were not refused with a message:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(row_counts(&s.app), before, "a refused body changed something");
    assert!(routes.len() >= 10, "only {} JSON routes found", routes.len());
}

#[actix_web::test]
async fn every_form_refuses_oversized_and_mistyped_bodies_and_changes_nothing() {
    let s = setup();
    s.app.user("admin@example.org", Role::Admin);
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let (_, indicator) = crate::projects::registered_project(&mut api, s.direction_id).await;
    let mut admin = Browser::new(&service);
    admin.login("admin@example.org").await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let forms: Vec<Listed> = route_list()
        .into_iter()
        .filter(|r| r.method == Method::POST && !r.path.starts_with("/api/") && r.path != "/logout")
        .collect();
    let before = row_counts(&s.app);
    let mut wrong = Vec::new();
    let mut tried = 0;
    let mut named = 0;
    for route in &forms {
        let path = route
            .path
            .replace("{code}", "SH-KJ-2024-001")
            .replace("{id}", &indicator.to_string())
            .replace("{year}", "2030");
        let contributes = route.path.ends_with("/evidence") || route.path.ends_with("/annual-report");
        let browser = if contributes { &mut pi } else { &mut admin };
        let csrf = browser.csrf();
        let bodies: [(&str, &str, String); 3] = [
            (
                "over the size limit",
                "application/x-www-form-urlencoded",
                format!("csrf_token={csrf}&title={}", "x".repeat(3 * 1024 * 1024)),
            ),
            ("JSON instead of a form", "application/json", format!("{{\"csrf_token\": \"{csrf}\"}}")),
            (UNKNOWN_FIELD, "application/x-www-form-urlencoded", format!("csrf_token={csrf}&zz_unknown=1")),
        ];
        for (name, content_type, payload) in bodies {
            let req =
                test::TestRequest::post().uri(&path).insert_header(("content-type", content_type)).set_payload(payload);
            let page = browser.request(req).await;
            tried += 1;
            if !page.status.is_client_error() {
                wrong.push(format!("POST {path} with {name}: {} {}", page.status, page.location()));
            }
            named += usize::from(name == UNKNOWN_FIELD && page.body.contains("zz_unknown"));
        }
    }
    assert!(wrong.is_empty(), "{} of {tried} hostile forms were not refused:\n{}", wrong.len(), wrong.join("\n"));
    assert_eq!(row_counts(&s.app), before, "a refused form changed something");
    // The multipart forms refuse a URL-encoded body as such, and the guide's correction form takes
    // fields named after the guide's indicators; every other form names the field it does not know.
    assert_eq!(named, forms.len() - 6, "forms that named the unknown field");
}

/// Markup and look-alike characters that must come back as text.
const MARKUP: &str = "<script>alert('coop')</script><img src=x onerror=alert(1)>";

#[actix_web::test]
async fn markup_in_free_text_comes_back_escaped_on_every_page() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    crate::projects::institution(&s.app, &format!("研究院{MARKUP}"));
    let mut registered = registration(s.direction_id);
    // Markup, an SQL-looking string, a right-to-left override, a zero-width space, an emoji and a
    // combining accent: all text, stored and shown as typed.
    let title = format!("合成生物{MARKUP}'; DROP TABLE projects; --\u{202e}\u{200b}🧪e\u{301}");
    registered["title"] = json!(title);
    registered["lead_institution"] = json!(format!("研究院{MARKUP}"));
    let created = api.json(Method::POST, "/api/v1/projects", Some(registered)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(body(&created)["title"], title, "stored exactly as typed");
    let indicator = crate::projects::numeric_indicator(&body(&created));
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let submitted = pi
        .post_multipart(
            &format!("/indicators/{indicator}/evidence"),
            &[("value", "1"), ("measured_on", "2026-10-20"), ("note", &format!("备注{MARKUP}"))],
            &[("files", "<b onmouseover=alert(1)>报告.pdf", b"%PDF-1.4\n%%EOF\n")],
        )
        .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
    let evidence = with_conn(&s.app, |c| {
        use coop_tracker::db::schema::evidence;
        evidence::table.select(evidence::id).order(evidence::id.desc()).first::<i64>(c).unwrap()
    });
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let reviewed = staff
        .post(&format!("/evidence/{evidence}/review"), &[("decision", "reject"), ("comment", &format!("意见{MARKUP}"))])
        .await;
    assert_eq!(reviewed.status, StatusCode::SEE_OTHER, "{}", reviewed.body);

    let mut pages = 0;
    for route in route_list().into_iter().filter(|r| r.method == Method::GET && !r.path.contains("{name}")) {
        let path = route
            .path
            .replace("{code}", "SH-KJ-2024-001")
            .replace("/indicators/{id}", &format!("/indicators/{indicator}"))
            .replace("/evidence/{id}", &format!("/evidence/{evidence}"))
            .replace("{id}", "1")
            .replace("{n}", "1")
            .replace("{format}", "html")
            .replace("{tag}", "zh-CN")
            .replace("{file}", "none.ics");
        for browser in [&mut staff, &mut pi] {
            let page = browser.get(&path).await;
            pages += 1;
            assert!(!page.body.contains("<script>alert"), "raw markup on {path}");
            assert!(!page.body.contains("<img src=x"), "raw markup on {path}");
            assert!(!page.body.contains("<b onmouseover"), "raw markup on {path}");
        }
    }
    let shown = staff.get("/projects/SH-KJ-2024-001").await.body;
    assert!(shown.contains("合成生物&#60;script&#62;") || shown.contains("合成生物&lt;script&gt;"), "{shown}");
    let outbox = with_conn(&s.app, |c| {
        use coop_tracker::db::schema::outbox;
        outbox::table.select(outbox::body_html).load::<Option<String>>(c).unwrap()
    });
    assert!(!outbox.is_empty(), "the rejection was mailed");
    for html in outbox.into_iter().flatten() {
        assert!(!html.contains("<script>alert") && !html.contains("<img src=x"), "raw markup in a mail: {html}");
    }
    assert!(pages > 60, "only {pages} pages looked at");

    // Reports: the HTML escapes it; the PDF (data handed to typst as JSON) prints it as text.
    for kind in ["progress", "annual", "mid-term", "acceptance"] {
        let html = staff.get(&format!("/projects/SH-KJ-2024-001/reports/generate?kind={kind}&format=html")).await;
        assert_eq!(html.status, StatusCode::OK, "{kind}: {:.300}", html.body);
        for raw in ["<script>alert", "<img src=x", "<b onmouseover"] {
            assert!(!html.body.contains(raw), "raw markup in the {kind} report");
        }
        assert!(
            html.body.contains("合成生物&#60;script&#62;") || html.body.contains("合成生物&lt;script&gt;"),
            "{kind}"
        );
    }
    let pdf = staff.get("/projects/SH-KJ-2024-001/reports/generate?kind=acceptance&format=pdf").await;
    assert_eq!(pdf.status, StatusCode::OK);
    let text = crate::reports::pdf_text(&pdf.bytes);
    assert!(text.contains("<script>alert('coop')</script>"), "the title printed as typed: {text:.2000}");
}

#[actix_web::test]
async fn nul_bytes_and_control_characters_in_free_text_are_refused_with_a_message() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let before = row_counts(&s.app);
    for bad in ["合成\u{0}生物", "合成\u{7}生物", "合成\u{1b}[31m生物"] {
        let mut registered = registration(s.direction_id);
        registered["title"] = json!(bad);
        let page = api.json(Method::POST, "/api/v1/projects", Some(registered)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}: {}", page.body);
        assert!(page.body.contains("title"), "the field is named: {}", page.body);
        let page = staff.post("/institutions", &[("name", bad), ("in_shanghai", "on")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}: {}", page.body);
    }
    assert_eq!(row_counts(&s.app), before, "nothing stored");
}
