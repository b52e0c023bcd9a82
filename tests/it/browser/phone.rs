//! The pages on a phone (390 px, as partner teams log evidence from the field) and at a desk
//! (1366 px), in a real headless Chromium: no page is wider than the screen, no table cell or menu
//! link is squeezed to a character or two per line, the folded menu opens from its button, and the
//! PI's actions (log progress, answer a rejection) are within reach. Skipped, with a message, where
//! chromedriver is not installed (`.ci/run` installs it).

use actix_web::http::StatusCode;
use actix_web::test;
use coop_tracker::web::build_app;
use fantoccini::{Client, Locator};

use crate::browser::{Served, headless, log_in, start_chromedriver};
use crate::common::Browser;
use crate::projects::{register, registration, setup};

/// What a page looks like to the layout checks: how wide it is against the window, and the table
/// cell or menu link holding the fewest characters per line, with that figure and its text.
async fn measure(client: &Client) -> (f64, f64, f64, String) {
    let found = client
        .execute(
            r#"
            // Lines a box's text takes: the distinct tops of its text's line boxes.
            const lines = (e) => {
              const range = document.createRange();
              range.selectNodeContents(e);
              return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
            };
            // A phone's tables hide their header row (each cell names its column), leaving it to
            // screen readers in a 1 px box.
            const wide = (e) => e.getBoundingClientRect().width > 2;
            const shown = (e) => e.getClientRects().length > 0 && wide(e) && (!e.closest('thead') || wide(e.closest('thead')));
            const boxes = [...document.querySelectorAll('td, th, .top nav a')]
              .filter((e) => shown(e) && e.textContent.trim().length >= 4)
              .map((e) => {
                const text = e.textContent.trim().replace(/\s+/g, ' ');
                return [text.length / Math.max(lines(e), 1), text.slice(0, 30)];
              });
            boxes.sort((a, b) => a[0] - b[0]);
            const tightest = boxes[0] || [999, ''];
            return [document.documentElement.scrollWidth, window.innerWidth, tightest[0], tightest[1]];
            "#,
            vec![],
        )
        .await
        .unwrap();
    let values = found.as_array().unwrap();
    (
        values[0].as_f64().unwrap(),
        values[1].as_f64().unwrap(),
        values[2].as_f64().unwrap(),
        values[3].as_str().unwrap().to_owned(),
    )
}

/// Visits each page and checks it fits: nothing wider than the window, and no cell or menu link
/// holding fewer than two characters a line (the one-character columns of a squeezed table).
async fn check_pages(client: &Client, base: &str, pages: &[String]) {
    for path in pages {
        client.goto(&format!("{base}{path}")).await.unwrap();
        client.wait().for_element(Locator::Css("main")).await.unwrap();
        let (wide, window, per_line, text) = measure(client).await;
        assert!(wide <= window + 1.0, "{path}: {wide} px wide in a {window} px window");
        assert!(per_line >= 2.0, "{path}: “{text}” is squeezed to {per_line:.1} characters a line");
    }
}

#[actix_web::test]
async fn pages_fit_a_phone_and_a_desk_in_chromium() {
    let Some((_driver, port)) = start_chromedriver().await else {
        eprintln!("SKIPPED browser test: chromedriver not found (install chromium and chromium-driver)");
        return;
    };
    let s = setup();
    let (code, indicator) = {
        let service = test::init_service(build_app(s.app.state.clone())).await;
        let mut staff = Browser::with_token(&service, &s.staff_token);
        let (project, indicator) = register(&mut staff, registration(s.direction_id)).await;
        let mut pi = Browser::new(&service);
        pi.login("pi@example.org").await;
        let logged = pi
            .post_multipart(
                &format!("/indicators/{indicator}/evidence"),
                &[("value", "96.5"), ("measured_on", "2026-10-20"), ("note", "第三方检测报告，编号 2026-001")],
                &[("files.test_report", "检测报告.pdf", b"%PDF-1.4\n% a test report\n%%EOF\n")],
            )
            .await;
        assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", logged.body);
        (project["code"].as_str().unwrap().to_owned(), indicator)
    };
    let served = Served::start(s.app.state.clone());
    let base = served.base.clone();

    let phone = headless(port, (390, 844)).await;
    log_in(&phone, &base, "pi@example.org").await;
    // The menu is folded behind its button, and opens from it.
    let nav = phone.find(Locator::Css(".top nav")).await.unwrap();
    assert!(!nav.is_displayed().await.unwrap(), "the menu starts folded on a phone");
    phone.find(Locator::Css(".menu-button")).await.unwrap().click().await.unwrap();
    assert!(nav.is_displayed().await.unwrap(), "the button opens it");
    let pi_pages = [
        "/".to_owned(),
        "/projects".to_owned(),
        format!("/projects/{code}"),
        format!("/indicators/{indicator}"),
        format!("/projects/{code}/history"),
        format!("/projects/{code}/reports"),
        format!("/projects/{code}/annual-report"),
        "/account/notifications".to_owned(),
    ];
    check_pages(&phone, &base, &pi_pages).await;
    // The progress form is there to use: its button within the page's width.
    phone.goto(&format!("{base}/indicators/{indicator}")).await.unwrap();
    let submit = phone.find(Locator::Css("#evidence-form button[type=submit]")).await.unwrap();
    let (x, _, width, _) = submit.rectangle().await.unwrap();
    assert!(x >= 0.0 && x + width <= 390.0, "the submit button is on screen: {x} + {width}");
    phone.close().await.unwrap();

    let desk = headless(port, (1366, 900)).await;
    log_in(&desk, &base, "staff@example.org").await;
    let staff_pages =
        ["/", "/dashboard", "/review", "/projects", "/guides", "/institutions"].map(str::to_owned).to_vec();
    check_pages(&desk, &base, &staff_pages).await;
    let menu = desk.find(Locator::Css(".top nav")).await.unwrap();
    assert!(menu.is_displayed().await.unwrap(), "at a desk the menu is open");
    desk.close().await.unwrap();
    served.stop().await;
}
