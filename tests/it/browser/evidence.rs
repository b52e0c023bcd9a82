//! Evidence in a real headless Chromium: a PI fills in the progress form and attaches a file through
//! the file input, the value shows as awaiting review, and staff accept it from the review queue.
//! Skipped, with a message, where chromedriver is not installed (`.ci/run` installs it).

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::web::build_app;
use fantoccini::Locator;

use crate::browser::{Served, headless, log_in, start_chromedriver};
use crate::common::Browser;
use crate::projects::{body, registration, setup};

#[actix_web::test]
async fn a_pi_logs_evidence_with_a_file_and_staff_accept_it_in_chromium() {
    let Some((_driver, port)) = start_chromedriver().await else {
        eprintln!("SKIPPED browser test: chromedriver not found (install chromium and chromium-driver)");
        return;
    };
    let s = setup();
    let indicator_id = {
        let service = test::init_service(build_app(s.app.state.clone())).await;
        let mut staff = Browser::with_token(&service, &s.staff_token);
        let page = staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await;
        assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
        let project = body(&page);
        project["indicators"].as_array().unwrap().iter().find(|i| i["unit"] == "%").unwrap()["id"].as_i64().unwrap()
    };
    let served = Served::start(s.app.state.clone());
    let base = served.base.clone();

    let report = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("检测报告.pdf");
    std::fs::write(&report, b"%PDF-1.4\n% a test report\n%%EOF\n").unwrap();

    let pi = headless(port, (1280, 800)).await;
    log_in(&pi, &base, "pi@example.org").await;
    pi.goto(&format!("{base}/indicators/{indicator_id}")).await.unwrap();
    pi.find(Locator::Id("ev-value")).await.unwrap().send_keys("96.5").await.unwrap();
    // A date input takes typed digits in the browser's locale order; setting the value is exact.
    pi.execute("document.getElementById('ev-measured-on').value = '2026-06-30';", vec![]).await.unwrap();
    pi.find(Locator::Id("ev-note")).await.unwrap().send_keys("第三方检测报告，编号 2026-001").await.unwrap();
    let file_input = pi.find(Locator::Css("#checklist input[type=file]")).await.unwrap();
    file_input.send_keys(&report.to_string_lossy()).await.unwrap();
    pi.find(Locator::Css("#evidence-form button[type=submit]")).await.unwrap().click().await.unwrap();
    let row = pi.wait().for_element(Locator::Css("#evidence tbody tr")).await.unwrap();
    let text = row.text().await.unwrap();
    assert!(text.contains("96.5") && text.contains("检测报告.pdf"), "{text}");
    assert!(row.find(Locator::Css(".evidence-pending")).await.is_ok(), "{text}");
    pi.close().await.unwrap();

    let staff = headless(port, (1280, 800)).await;
    log_in(&staff, &base, "staff@example.org").await;
    staff.goto(&format!("{base}/review")).await.unwrap();
    staff.find(Locator::Css("main table a[href^='/evidence/']")).await.unwrap().click().await.unwrap();
    let accept = staff.wait().for_element(Locator::Css("input[name=decision][value=accept]")).await;
    let Ok(accept) = accept else { panic!("{}", staff.source().await.unwrap()) };
    accept.click().await.unwrap();
    staff.find(Locator::Css("form[action$='/review'] button[type=submit]")).await.unwrap().click().await.unwrap();
    // The review shows the item with its decision; waiting for it keeps the next load from racing the post.
    staff.wait().for_element(Locator::Css("#evidence-status.evidence-accepted")).await.unwrap();
    staff.goto(&format!("{base}/indicators/{indicator_id}")).await.unwrap();
    let row = staff.wait().for_element(Locator::Css("#evidence tbody tr")).await;
    let Ok(row) = row else { panic!("{}", staff.source().await.unwrap()) };
    assert!(row.find(Locator::Css(".evidence-accepted")).await.is_ok(), "{}", row.text().await.unwrap());
    staff.close().await.unwrap();
    served.stop().await;
}
