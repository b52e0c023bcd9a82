//! In a real headless Chromium: staff see a project's charts drawn inline, generate its report as
//! HTML from the project's report page, and see the dashboard's charts load. Skipped, with a message,
//! without chromedriver.

use actix_web::http::Method;
use actix_web::test;
use coop_tracker::web::build_app;
use fantoccini::Locator;

use crate::browser::{Served, headless, log_in, start_chromedriver};
use crate::common::Browser;
use crate::projects::{registration, setup, verified};

#[actix_web::test]
async fn staff_see_the_charts_and_open_a_report_in_chromium() {
    let Some((_driver, port)) = start_chromedriver().await else {
        eprintln!("SKIPPED browser test: chromedriver not found (install chromium and chromium-driver)");
        return;
    };
    let s = setup();
    let accuracy_id = {
        let service = test::init_service(build_app(s.app.state.clone())).await;
        let mut staff = Browser::with_token(&service, &s.staff_token);
        let created = staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await;
        let project: serde_json::Value = serde_json::from_str(&created.body).unwrap();
        let accuracy = project["indicators"].as_array().unwrap().iter().find(|i| i["value"] == 95.0).unwrap();
        verified(&s.app, accuracy["id"].as_i64().unwrap(), s.pi, "2025-10-20", 96.5);
        accuracy["id"].as_i64().unwrap()
    };
    let served = Served::start(s.app.state.clone());
    let base = served.base.clone();
    let client = headless(port, (1280, 1600)).await;

    log_in(&client, &base, "staff@example.org").await;

    // The overview and the timeline, inline SVG laid out at a real size, with the indicators' names.
    client.goto(&format!("{base}/projects/SH-KJ-2024-001?as_of=2026-01-15")).await.unwrap();
    let sizes = client
        .execute(
            "return [...document.querySelectorAll('#project-charts svg')].map(s => s.getBoundingClientRect().width);",
            vec![],
        )
        .await
        .unwrap();
    let widths: Vec<f64> = sizes.as_array().unwrap().iter().map(|w| w.as_f64().unwrap()).collect();
    assert_eq!(widths.len(), 2, "overview and timeline: {widths:?}");
    assert!(widths.iter().all(|w| *w > 300.0), "{widths:?}");
    let text = client.find(Locator::Id("project-charts")).await.unwrap().text().await.unwrap();
    assert!(text.contains("发酵产量预测精度"), "{text}");
    client.execute("document.getElementById('project-charts').scrollIntoView();", vec![]).await.unwrap();
    let shot = client.screenshot().await.unwrap();
    std::fs::write(std::env::temp_dir().join("coop-project-charts.png"), shot).unwrap();

    // The indicator's own page draws its progress: the verified value and the target are labelled.
    client.goto(&format!("{base}/indicators/{accuracy_id}")).await.unwrap();
    let chart = client.find(Locator::Css("#indicator-chart svg")).await.unwrap();
    let text = chart.text().await.unwrap();
    assert!(text.contains("目标 95%"), "{text}");
    client.goto(&format!("{base}/projects/SH-KJ-2024-001?as_of=2026-01-15")).await.unwrap();

    // The report page's HTML button opens the report itself.
    client.find(Locator::Id("reports-link")).await.unwrap().click().await.unwrap();
    client.wait().for_element(Locator::Id("report-generate")).await.unwrap();
    client.find(Locator::Css("#report-generate button[value=html]")).await.unwrap().click().await.unwrap();
    let mut title = String::new();
    for _ in 0..100 {
        title = client.title().await.unwrap();
        if title.contains("项目进展报告") {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(title.contains("项目进展报告"), "{title}");
    let images = client
        .execute("return [...document.images].filter(i => i.complete && i.naturalWidth > 0).length;", vec![])
        .await
        .unwrap();
    assert!(images.as_u64().unwrap() >= 3, "the embedded charts load: {images}");

    // Saved and opened from disk, the report still draws its Chinese in the font it carries (this
    // machine's Chromium has no Chinese font of its own).
    let saved = std::env::temp_dir().join(format!("coop-report-{}.html", std::process::id()));
    std::fs::write(&saved, client.source().await.unwrap()).unwrap();
    client.goto(&format!("file://{}", saved.display())).await.unwrap();
    let mut faces = 0;
    for _ in 0..100 {
        faces = client
            .execute(
                "return [...document.fonts].filter(f => f.family.includes('Coop Sans') && f.status === 'loaded').length;",
                vec![],
            )
            .await
            .unwrap()
            .as_u64()
            .unwrap();
        if faces >= 1 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(faces >= 1, "the embedded font loads from the file");
    let drawn =
        client.execute("return document.fonts.check('14px \"Coop Sans\"', '项目进展报告');", vec![]).await.unwrap();
    assert_eq!(drawn, serde_json::Value::Bool(true), "its glyphs are there");
    std::fs::remove_file(&saved).unwrap();

    // The dashboard's charts are images the browser can decode.
    client.goto(&format!("{base}/dashboard?as_of=2026-01-15")).await.unwrap();
    let mut loaded = 0;
    for _ in 0..100 {
        loaded = client
            .execute(
                "return [...document.querySelectorAll('#dashboard-charts img')].filter(i => i.complete && i.naturalWidth == 800).length;",
                vec![],
            )
            .await
            .unwrap()
            .as_u64()
            .unwrap();
        if loaded == 3 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(loaded, 3, "region, topic and trend charts load");

    client.close().await.unwrap();
    served.stop().await;
}
