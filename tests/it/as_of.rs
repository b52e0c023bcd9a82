//! Time travel: as of a date, nothing measured after it is shown or counted, on the project and
//! indicator pages, the API's indicators and evidence, and a report; the same evidence appears
//! once the date reaches its measurement.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::web::build_app;
use serde_json::{Value, json};

use crate::common::Browser;
use crate::projects::state::pending_evidence;
use crate::projects::{body, registered_project, setup};

const CODE: &str = "SH-KJ-2024-001";
/// Before the value below was measured, and after.
const BEFORE: &str = "2025-06-01";
const AFTER: &str = "2026-07-01";

fn indicator_of(indicators: &Value, id: i64) -> &Value {
    indicators.as_array().unwrap().iter().find(|i| i["id"] == id).unwrap()
}

/// The project page's table of indicators.
fn indicator_table(page: &str) -> &str {
    let start = page.find("<table id=\"indicators\">").unwrap();
    &page[start..start + page[start..].find("</table>").unwrap()]
}

#[actix_web::test]
async fn evidence_measured_after_the_date_is_not_shown_on_the_api_the_pages_or_a_report() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let (_, indicator) = registered_project(&mut api, s.direction_id).await;
    let id = pending_evidence(&s.app, indicator, 77.7, "2026-06-30");

    // The API's indicators: the pending value only once it was measured.
    let before = api.json(Method::GET, &format!("/api/v1/projects/{CODE}/indicators?as_of={BEFORE}"), None).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert_eq!(indicator_of(&body(&before), indicator)["pending"], Value::Null, "{}", before.body);
    let after = api.json(Method::GET, &format!("/api/v1/projects/{CODE}/indicators?as_of={AFTER}"), None).await;
    let after = body(&after);
    let pending = &indicator_of(&after, indicator)["pending"];
    assert_eq!((pending["value"].clone(), pending["count"].clone()), (json!(77.7), json!(1)));
    let project = body(&api.json(Method::GET, &format!("/api/v1/projects/{CODE}?as_of={BEFORE}"), None).await);
    assert_eq!(indicator_of(&project["indicators"], indicator)["pending"], Value::Null);

    // The API's evidence list.
    let listed = |page: crate::common::Page| {
        body(&page).as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect::<Vec<_>>()
    };
    let path = format!("/api/v1/projects/{CODE}/evidence");
    assert_eq!(listed(api.json(Method::GET, &format!("{path}?as_of={BEFORE}"), None).await), Vec::<i64>::new());
    assert_eq!(listed(api.json(Method::GET, &format!("{path}?as_of={AFTER}"), None).await), [id]);

    // The project page, and the indicator page it links to with the same date.
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let page = staff.get(&format!("/projects/{CODE}?as_of={BEFORE}")).await;
    // The change history below lists the submission with its own time; the table is as of the date.
    assert!(!indicator_table(&page.body).contains("77.7"), "{}", page.body);
    assert!(page.body.contains(&format!("href=\"/indicators/{indicator}?as_of={BEFORE}\"")), "{}", page.body);
    assert!(indicator_table(&staff.get(&format!("/projects/{CODE}?as_of={AFTER}")).await.body).contains("待审核 77.7"));
    let evidence_link = format!("href=\"/evidence/{id}\"");
    let page = staff.get(&format!("/indicators/{indicator}?as_of={BEFORE}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("id=\"as-of\">{BEFORE}<")), "{}", page.body);
    assert!(!page.body.contains(&evidence_link) && !page.body.contains("77.7"), "{}", page.body);
    let page = staff.get(&format!("/indicators/{indicator}?as_of={AFTER}")).await;
    assert!(page.body.contains(&evidence_link), "{}", page.body);

    // A report as of each date.
    for (as_of, shown) in [(BEFORE, false), (AFTER, true)] {
        let made = api
            .json(
                Method::POST,
                &format!("/api/v1/projects/{CODE}/reports"),
                Some(json!({"kind": "progress", "as_of": as_of})),
            )
            .await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let html = staff.get(&format!("/projects/{CODE}/reports/generate?kind=progress&as_of={as_of}")).await;
        assert_eq!(html.status, StatusCode::OK);
        assert_eq!(html.body.contains("77.7"), shown, "report as of {as_of}");
    }
}
