//! The checkpoint calendar feed: a secret address shown once, served without a login to calendar
//! programs, listing the current plan of the user's own projects; a new address retires the old one.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::db::schema::{indicators, milestones, projects};
use coop_tracker::web::build_app;
use diesel::prelude::*;

use crate::common::{Browser, with_conn};
use crate::projects::{registration, setup};

fn feed_path(page: &str) -> String {
    let start = page.find("<code id=\"calendar-url\">").expect("the new address is shown") + 24;
    let url = &page[start..start + page[start..].find("</code>").unwrap()];
    let path = &url[url.find("/calendar/").unwrap()..];
    assert!(path.ends_with(".ics"), "{url}");
    path.to_owned()
}

#[actix_web::test]
async fn a_pi_subscribes_to_their_projects_checkpoints() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let created = staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let planned: i64 = with_conn(&s.app, |c| {
        milestones::table
            .inner_join(indicators::table.inner_join(projects::table))
            .filter(projects::code.eq("SH-KJ-2024-001"))
            .filter(milestones::superseded_at.is_null())
            .count()
            .get_result(c)
            .unwrap()
    });

    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let page = pi.get("/account/calendar").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("calendar-url"), "no address until one is made");
    let path = feed_path(&pi.post("/account/calendar", &[]).await.body);

    let mut calendar_program = Browser::new(&service);
    let feed = calendar_program.get(&path).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/calendar"));
    let text = feed.body.replace("\r\n ", "");
    assert_eq!(text.matches("BEGIN:VEVENT").count() as i64, planned, "one event per checkpoint of the plan");
    assert!(text.contains("SUMMARY:[SH-KJ-2024-001] 中期检查：发酵产量预测精度 95 %"), "{text}");
    assert!(text.contains("DTSTART;VALUE=DATE:20261130"), "the end of term");
    assert!(text.contains("URL:http://127.0.0.1:8080/projects/SH-KJ-2024-001"), "{text}");

    // Another PI's feed does not show the project; a new address retires the old one.
    let mut other = Browser::new(&service);
    other.login("other-pi@example.org").await;
    let other_path = feed_path(&other.post("/account/calendar", &[]).await.body);
    let other_feed = calendar_program.get(&other_path).await;
    assert_eq!(other_feed.status, StatusCode::OK);
    assert!(!other_feed.body.contains("BEGIN:VEVENT"));
    let renewed = feed_path(&pi.post("/account/calendar", &[]).await.body);
    assert_ne!(renewed, path);
    assert_eq!(calendar_program.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(calendar_program.get(&renewed).await.status, StatusCode::OK);
    assert_eq!(calendar_program.get("/calendar/not-a-token.ics").await.status, StatusCode::NOT_FOUND);
    assert_eq!(calendar_program.get("/account/calendar").await.status, StatusCode::SEE_OTHER, "the page needs a login");
}
