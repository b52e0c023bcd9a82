//! axe-core, run in a real headless Chromium, finds no serious or critical accessibility violation
//! on any page of the route table that answers with HTML, as each kind of visitor who may see it:
//! logged out, a PI (at a desk and on a phone), commission staff, and an administrator (the pages
//! only an administrator sees). Logged out, the first Tab stop must show our own focus ring.
//! Skipped, with a message, where chromedriver is not installed.
//!
//! axe-core is vendored under `tests/assets/axe-core/` (see its README) and injected into each
//! page by the test; the app never serves it.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::domain::role::Role;
use coop_tracker::web::{build_app, route_list};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::browser::{Served, headless, log_in, start_chromedriver};
use crate::common::{Browser, with_conn};
use crate::projects::setup;
use crate::route_access::fixture;

const AXE: &str = include_str!("../../assets/axe-core/axe.min.js");

/// Runs axe on the loaded page and hands back its serious and critical violations, one line each
/// node: rule, impact, the node's selector and axe's reason (the contrast ratio, say).
const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then((r) => done(r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => {
      const why = [...n.any, ...n.all, ...n.none].map((c) => c.message).filter(Boolean)[0] || v.help;
      return `${v.id} (${v.impact}) ${n.target.join(' ')}: ${why}`;
    }))))
  .catch((e) => done([`axe failed: ${e}`]));
"#;

/// One browser session: who it is said to be in failures, the e-mail it logs in with (`None`:
/// logged out), its window's size, and the pages it visits.
type Round<'a> = (&'a str, Option<&'a str>, (u32, u32), &'a [String]);

/// Who visits, by the e-mail they log in with (`None`: logged out).
const VISITORS: [Option<&str>; 4] =
    [None, Some("pi@example.org"), Some("staff@example.org"), Some("admin@example.org")];

/// The concrete paths of every GET route that answers `visitor` with an HTML page, found by asking
/// the app in-process (cheap) before the browser visits them (slow), and of the first that answers
/// with an HTML error page (one template serves every error, so once is enough).
async fn html_pages<S, B>(service: &S, paths: &[String], visitor: Option<&str>) -> Vec<String>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut browser = Browser::new(service);
    if let Some(email) = visitor {
        browser.login(email).await;
    }
    let mut pages = Vec::new();
    let mut error_page = None;
    for path in paths {
        let page = browser.get(path).await;
        let html =
            page.headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/html"));
        if html && page.status.is_success() {
            pages.push(path.clone());
        } else if html && page.status.is_client_error() {
            error_page.get_or_insert_with(|| path.clone());
        }
    }
    pages.extend(error_page);
    pages
}

/// Gives the fixture's indicator evidence in every review state beside its pending piece
/// (accepted, rejected, sent back for more, withdrawn), so that each state's badge and the PI's
/// answer-a-rejection to-do are on the pages axe reads.
async fn settle_evidence<S, B>(s: &crate::projects::Setup, service: &S, indicator: i64)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut pi = Browser::new(service);
    pi.login("pi@example.org").await;
    let mut staff = Browser::new(service);
    staff.login("staff@example.org").await;
    for (value, decision) in [("2", Some("accept")), ("3", Some("reject")), ("4", Some("more")), ("5", None)] {
        let submitted = pi
            .post_multipart(
                &format!("/indicators/{indicator}/evidence"),
                &[("value", value), ("measured_on", "2026-10-21"), ("note", "检测报告")],
                &[("files", "记录.pdf", b"%PDF-1.4\n%%EOF\n")],
            )
            .await;
        assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
        let id = latest_evidence(&s.app);
        match decision {
            Some(decision) => {
                let fields = [("decision", decision), ("comment", "缺少盖章")];
                let reviewed = staff.post(&format!("/evidence/{id}/review"), &fields).await;
                assert_eq!(reviewed.status, StatusCode::SEE_OTHER, "{}", reviewed.body);
            }
            // Only closing a project withdraws evidence, and a closed project hides its forms:
            // the state is set in the database instead.
            None => with_conn(&s.app, |c| {
                use coop_tracker::db::schema::evidence;
                use diesel::prelude::*;
                diesel::update(evidence::table.find(id)).set(evidence::status.eq("withdrawn")).execute(c).unwrap();
            }),
        }
    }
}

/// The newest piece of evidence's id.
fn latest_evidence(app: &crate::common::TestApp) -> i64 {
    with_conn(app, |c| {
        use coop_tracker::db::schema::evidence;
        use diesel::prelude::*;
        evidence::table.select(evidence::id).order(evidence::id.desc()).first::<i64>(c).unwrap()
    })
}

/// Visits each page and runs axe there; returns each violation, prefixed with who saw it where.
async fn audit(client: &Client, base: &str, who: &str, pages: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for path in pages {
        client.goto(&format!("{base}{path}")).await.unwrap();
        client.wait().for_element(Locator::Css("body")).await.unwrap();
        client.execute(AXE, vec![]).await.unwrap();
        let violations: Value = client.execute_async(RUN_AXE, vec![]).await.unwrap();
        for line in violations.as_array().unwrap() {
            found.push(format!("{who} {path}: {}", line.as_str().unwrap()));
        }
    }
    found
}

/// Presses Tab once on the login page: the keyboard's first stop is the skip link, which comes on
/// screen with our focus ring (axe does not judge focus styles). Returns what is wrong, if anything.
async fn first_tab_stop(client: &Client, base: &str) -> Option<String> {
    client.goto(&format!("{base}/login")).await.unwrap();
    let tab = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: Key::Tab.into() })
        .then(KeyAction::Up { value: Key::Tab.into() });
    client.perform_actions(tab).await.unwrap();
    let found = client
        .execute(
            r#"
            const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
            return [e.className, s.outlineStyle, parseFloat(s.outlineWidth), r.left >= 0 && r.top >= 0];
            "#,
            vec![],
        )
        .await
        .unwrap();
    let ok = found[0] == "skip" && found[1] == "solid" && found[2].as_f64().unwrap() >= 2.0 && found[3] == true;
    (!ok).then(|| format!("logged out /login: the first Tab stop is not a visible, ringed skip link: {found}"))
}

#[actix_web::test]
async fn axe_finds_no_serious_violation_on_any_html_page_in_chromium() {
    let Some((_driver, port)) = start_chromedriver().await else {
        eprintln!("SKIPPED browser test: chromedriver not found (install chromium and chromium-driver)");
        return;
    };
    let s = setup();
    s.app.user("admin@example.org", Role::Admin);
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let fixture = fixture(&s, &service).await;
    settle_evidence(&s, &service, fixture.indicator()).await;
    let paths: Vec<String> = route_list()
        .into_iter()
        .filter(|r| r.method == Method::GET && !r.path.starts_with("/api/"))
        .map(|r| fixture.path(&r.path))
        .collect();
    let mut seen = Vec::new();
    for visitor in VISITORS {
        seen.push(html_pages(&service, &paths, visitor).await);
    }
    let [anonymous, pi, staff, admin] = <[Vec<String>; 4]>::try_from(seen).unwrap();
    // An administrator sees every staff page as staff do; only the pages staff cannot see are new.
    let admin_only: Vec<String> = admin.iter().filter(|p| !staff.contains(p)).cloned().collect();
    assert!(anonymous.contains(&"/login".to_owned()), "{anonymous:?}");
    assert!(staff.len() >= 15 && pi.len() >= 8 && !admin_only.is_empty(), "{staff:?} {pi:?} {admin_only:?}");

    let served = Served::start(s.app.state.clone());
    let base = served.base.clone();
    let mut violations = Vec::new();
    let rounds: [Round; 5] = [
        ("logged out", None, (1366, 900), &anonymous),
        ("PI at 1366 px", Some("pi@example.org"), (1366, 900), &pi),
        ("PI at 390 px", Some("pi@example.org"), (390, 844), &pi),
        ("staff", Some("staff@example.org"), (1366, 900), &staff),
        ("admin", Some("admin@example.org"), (1366, 900), &admin_only),
    ];
    let mut visited = 0;
    for (who, email, window, pages) in rounds {
        let client = headless(port, window).await;
        if let Some(email) = email {
            log_in(&client, &base, email).await;
        }
        violations.extend(audit(&client, &base, who, pages).await);
        if email.is_none() {
            violations.extend(first_tab_stop(&client, &base).await);
        }
        visited += pages.len();
        client.close().await.unwrap();
    }
    served.stop().await;
    assert!(
        violations.is_empty(),
        "{} accessibility failures (axe's serious or critical violations, the focus ring) on {visited} page visits:\n{}",
        violations.len(),
        violations.join("\n")
    );
}
