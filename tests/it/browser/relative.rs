//! Relative targets in a real headless Chromium: the progress form's preview of the change a typed
//! quantity makes against the baseline (app.js), and the registration form showing the chosen
//! direction's baseline fields only. Skipped, with a message, where chromedriver is not installed
//! (`.ci/run` installs it).

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::web::build_app;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::browser::{Served, headless, log_in, start_chromedriver};
use crate::common::{Browser, with_conn};
use crate::projects::{body, registration, setup};

/// The position in the direction of the indicator whose metric is `metric`.
fn position(app: &crate::common::TestApp, direction_id: i64, metric: &str) -> i32 {
    with_conn(app, |c| coop_tracker::db::guide::direction_templates(c, direction_id).unwrap())
        .into_iter()
        .find(|t| t.indicator.metric == metric)
        .unwrap()
        .position
}

/// Types `text` into the progress form's value field (cleared first) and reads the preview.
async fn preview(client: &Client, text: &str) -> String {
    let field = client.find(Locator::Id("ev-value")).await.unwrap();
    field.clear().await.unwrap();
    // Clearing fires no input event; typing does, key by key, as a person's typing does.
    field.send_keys(text).await.unwrap();
    client.find(Locator::Id("ev-change")).await.unwrap().text().await.unwrap()
}

#[actix_web::test]
async fn the_progress_form_previews_the_change_a_typed_quantity_makes_and_nothing_for_a_percentage() {
    let Some((_driver, port)) = start_chromedriver().await else {
        eprintln!("SKIPPED browser test: chromedriver not found (install chromium and chromium-driver)");
        return;
    };
    let s = setup();
    let (output, fluctuation) = {
        let service = test::init_service(build_app(s.app.state.clone())).await;
        let mut staff = Browser::with_token(&service, &s.staff_token);
        let mut body_with = registration(s.direction_id);
        let baseline = |metric: &str, value: f64, unit: &str| {
            json!({"position": position(&s.app, s.direction_id, metric), "baseline": value, "baseline_unit": unit,
                "baseline_on": "2024-11-30", "baseline_source": "2024年生产统计报表"})
        };
        body_with["baselines"] = json!([baseline("产量", 100.0, "吨"), baseline("产量波动", 8.5, "%")]);
        let created = staff.json(Method::POST, "/api/v1/projects", Some(body_with)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let project = body(&created);
        let id = |metric: &str| -> i64 {
            let indicators = project["indicators"].as_array().unwrap();
            indicators.iter().find(|i| i["metric"] == metric).unwrap()["id"].as_i64().unwrap()
        };
        (id("产量"), id("产量波动"))
    };
    let served = Served::start(s.app.state.clone());
    let base = served.base.clone();
    let pi = headless(port, (1280, 800)).await;
    log_in(&pi, &base, "pi@example.org").await;

    pi.goto(&format!("{base}/indicators/{output}")).await.unwrap();
    assert_eq!(preview(&pi, "112").await, "较基线 +12.0 %");
    assert_eq!(preview(&pi, "112 吨").await, "较基线 +12.0 %", "with the unit typed after it");
    assert_eq!(preview(&pi, "1,050").await, "较基线 +950.0 %", "thousands separated");
    assert_eq!(preview(&pi, "99.96").await, "较基线 0.0 %", "a change that rounds to nothing is never -0.0 %");
    // The PI who types the change itself sees no change: the server refuses a percentage here.
    assert_eq!(preview(&pi, "12%").await, "", "a percentage typed for a quantity in 吨");
    assert_eq!(preview(&pi, "12 %").await, "");
    assert_eq!(preview(&pi, "吨112").await, "", "what the server cannot read is not previewed");
    assert_eq!(preview(&pi, "1.2万").await, "", "the server reads it; the preview does not guess");

    // The server says the same of what it stores.
    preview(&pi, "112").await;
    pi.execute("document.getElementById('ev-measured-on').value = '2025-06-01';", vec![]).await.unwrap();
    pi.find(Locator::Css("#evidence-form button[type=submit]")).await.unwrap().click().await.unwrap();
    let row = pi.wait().for_element(Locator::Css("#evidence tbody tr")).await.unwrap();
    let text = row.text().await.unwrap();
    assert!(text.contains("112 吨（较基线 +12.0 %）"), "{text}");

    // A quantity measured in % (a fluctuation of 8.5 %): there "%" is its unit, and 7.65 % is a fall of 10 %.
    pi.goto(&format!("{base}/indicators/{fluctuation}")).await.unwrap();
    assert_eq!(preview(&pi, "7.65%").await, "较基线 -10.0 %");
    pi.close().await.unwrap();
    served.stop().await;
}

#[actix_web::test]
async fn the_registration_form_shows_and_sends_the_chosen_directions_baselines_only() {
    let Some((_driver, port)) = start_chromedriver().await else {
        eprintln!("SKIPPED browser test: chromedriver not found (install chromium and chromium-driver)");
        return;
    };
    let s = setup();
    let d = s.direction_id;
    let prefix = format!("baseline-{d}-{}", position(&s.app, d, "产量"));
    let served = Served::start(s.app.state.clone());
    let base = served.base.clone();
    let staff = headless(port, (1280, 1600)).await;
    log_in(&staff, &base, "staff@example.org").await;
    staff.goto(&format!("{base}/projects/new")).await.unwrap();
    let group = staff.find(Locator::Id(&format!("baselines-{d}"))).await.unwrap();
    assert!(!group.is_displayed().await.unwrap(), "no direction chosen yet: no baselines asked");
    let select = staff.find(Locator::Id("direction_id")).await.unwrap();
    select.select_by_value(&d.to_string()).await.unwrap();
    assert!(group.is_displayed().await.unwrap(), "the chosen direction's relative indicators");
    let others = staff.find_all(Locator::Css("fieldset[data-direction]")).await.unwrap();
    for other in others {
        if other.attr("data-direction").await.unwrap() != Some(d.to_string()) {
            assert!(!other.is_displayed().await.unwrap(), "another direction's stays hidden");
        }
    }

    for (id, text) in [
        ("code", "SH-KJ-2024-301"),
        ("title", "基于人工智能的合成生物产业升级关键技术"),
        ("lead_institution", "华东理工大学"),
        ("pi_email", "pi@example.org"),
        ("funding_wan_yuan", "150"),
        (&format!("{prefix}-value"), "100"),
        (&format!("{prefix}-unit"), "吨"),
        (&format!("{prefix}-source"), "2024年生产统计报表"),
    ] {
        staff.find(Locator::Id(id)).await.unwrap().send_keys(text).await.unwrap();
    }
    // A date input takes typed digits in the browser's locale order; setting the value is exact.
    let set_date = format!("document.getElementById('{prefix}-on').value = '2024-11-30';");
    staff.execute(&set_date, vec![]).await.unwrap();
    staff.find(Locator::Css("#register-project button[type=submit]")).await.unwrap().click().await.unwrap();
    let registered = staff.wait().for_element(Locator::Css("p.notice[role=status]")).await;
    assert!(registered.is_ok(), "{}", staff.source().await.unwrap());
    assert_eq!(staff.current_url().await.unwrap().path(), "/projects/SH-KJ-2024-301");
    staff.close().await.unwrap();
    served.stop().await;

    let target = with_conn(&s.app, |c| {
        let project = coop_tracker::db::project::find_by_code(c, "SH-KJ-2024-301").unwrap().unwrap();
        coop_tracker::db::project::tracked_indicators(c, project.id).unwrap()
    })
    .into_iter()
    .find(|i| i.metric == "产量")
    .unwrap()
    .target;
    let recorded: Value = json!([target.baseline, target.baseline_unit, target.baseline_on, target.baseline_source]);
    assert_eq!(recorded, json!([100.0, "吨", "2024-11-30", "2024年生产统计报表"]));
}
