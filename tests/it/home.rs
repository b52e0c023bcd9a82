//! The pages as their users meet them (issue 22): a PI's home is a to-do list whose items link to
//! where each is done and leave it once done; staff's home has their review queue and the projects in
//! their charge; the project page gives its particulars; after a review the reviewed item shows its
//! decision, with a link on to the next item waiting; long lists are searched and paged.

use actix_web::http::StatusCode;
use actix_web::test;
use coop_tracker::web::build_app;
use serde_json::json;

use crate::common::Browser;
use crate::projects::{register, registration, setup};

const CODE: &str = "SH-KJ-2024-001";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

/// The items of the to-do list on a home page, each as (class, link, text).
fn todo_items(page: &str) -> Vec<(String, String, String)> {
    let Some(start) = page.find("<ul class=\"todo\" id=\"todo\">") else { return Vec::new() };
    let list = &page[start..page[start..].find("</ul>").map_or(page.len(), |end| start + end)];
    list.split("<li class=\"")
        .skip(1)
        .map(|item| {
            let class = item.split('"').next().unwrap().to_owned();
            let link = item.split("href=\"").nth(1).unwrap().split('"').next().unwrap().replace("&amp;", "&");
            let text = item.split('>').nth(2).unwrap().split('<').next().unwrap().to_owned();
            (class, link, text)
        })
        .collect()
}

#[actix_web::test]
async fn a_pis_home_lists_what_to_do_each_a_link_and_drops_what_is_done() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let mut with_officer = registration(s.direction_id);
    with_officer["officer_email"] = json!("staff@example.org");
    let (_, accuracy) = register(&mut api, with_officer).await;

    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let home = pi.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    let items = todo_items(&home.body);
    // Today is 2026-11-22: the mid-term checkpoints have passed unmet and the period ends on 11-30.
    let overdue =
        items.iter().find(|(class, link, _)| class == "todo-overdue" && *link == format!("/indicators/{accuracy}"));
    let Some((_, _, text)) = overdue else { panic!("{items:?}") };
    assert!(text.contains(CODE) && text.contains("发酵产量预测精度") && text.contains("逾期"), "{text}");
    assert!(
        items.iter().any(|(class, link, text)| class == "todo-period_ends"
            && *link == format!("/projects/{CODE}/reports")
            && text.contains("2026-11-30")),
        "{items:?}"
    );
    assert!(items.iter().all(|(class, _, _)| class != "todo-answer"), "nothing sent back yet: {items:?}");
    assert!(home.body.contains(&format!("<a href=\"/projects/{CODE}\">{CODE}</a>")), "projects are links");

    // Staff send a value back: the PI owes an answer, first on the list, linking to the answer form.
    let logged = pi
        .post_multipart(
            &format!("/indicators/{accuracy}/evidence"),
            &[("value", "96.5"), ("measured_on", "2026-10-20"), ("note", "第三方检测")],
            &[("files.test_report", "检测报告.pdf", PDF)],
        )
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", logged.body);
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let staff_home = staff.get("/").await;
    assert!(staff_home.body.contains("<a class=\"card\" href=\"/review\" id=\"home-waiting\"><strong>1</strong>"));
    let queue = staff.get("/review").await;
    let first = queue.body.split("href=\"/evidence/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let sent_back =
        staff.post(&format!("/evidence/{first}/review"), &[("decision", "more"), ("comment", "请补充盖章页")]).await;
    assert_eq!(sent_back.status, StatusCode::SEE_OTHER, "{}", sent_back.body);

    let items = todo_items(&pi.get("/").await.body);
    let (class, link, text) = &items[0];
    assert_eq!(class, "todo-answer", "answers come first: {items:?}");
    assert_eq!(*link, format!("/indicators/{accuracy}?responds_to={first}#evidence-form"));
    assert!(text.contains("佐证需补充"), "{text}");
    let form = pi.get(link.split('#').next().unwrap()).await;
    assert!(form.body.contains(&format!("name=\"responds_to\" value=\"{first}\"")), "the link opens the answer form");

    let answered = pi
        .post_multipart(
            &format!("/indicators/{accuracy}/evidence"),
            &[("value", "96.5"), ("measured_on", "2026-10-20"), ("note", "补充盖章页"), ("responds_to", &first)],
            &[("files.test_report", "检测报告-盖章.pdf", PDF)],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let items = todo_items(&pi.get("/").await.body);
    assert!(items.iter().all(|(class, _, _)| class != "todo-answer"), "answered: {items:?}");

    // Staff's own projects: the counts of the projects in their charge, each a link to that list.
    let staff_home = staff.get("/").await;
    let in_charge = &staff_home.body[staff_home.body.find("id=\"home-in-charge\"").unwrap()..];
    let link = in_charge.split("href=\"").nth(1).unwrap().split('"').next().unwrap().replace("&amp;", "&");
    assert!(link.starts_with("/dashboard?status=missed&officer="), "{link}");
    let overdue_link = in_charge.split("href=\"").nth(2).unwrap().split('"').next().unwrap().replace("&amp;", "&");
    let count: i64 = in_charge
        .split("<strong class=\"status-overdue\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(count > 0, "{in_charge}");
    let listed = staff.get(&overdue_link).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert!(
        listed.body.contains(&format!("<span id=\"listed-total\">{count}</span>")),
        "the same count: {}",
        listed.body
    );
}

#[actix_web::test]
async fn the_project_page_gives_its_particulars() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    register(&mut api, registration(s.direction_id)).await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let page = pi.get(&format!("/projects/{CODE}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for (id, expected) in [
        ("project-pi", "测试pi".to_owned()),
        ("project-lead", "华东理工大学".to_owned()),
        ("project-partners", "新疆大学 <span class=\"muted\">(新疆维吾尔自治区)</span>".to_owned()),
        ("project-members", "测试member".to_owned()),
    ] {
        assert!(page.body.contains(&format!("id=\"{id}\">{expected}</dd>")), "{id}: {}", page.body);
    }
    assert!(page.body.contains("id=\"project-direction\">1. "), "{}", page.body);
}

#[actix_web::test]
async fn after_a_review_the_item_shows_its_decision_and_links_on_to_the_next() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let (_, accuracy) = register(&mut api, registration(s.direction_id)).await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    for day in ["2026-10-20", "2026-10-21"] {
        let logged = pi
            .post_multipart(
                &format!("/indicators/{accuracy}/evidence"),
                &[("value", "96.5"), ("measured_on", day), ("note", "")],
                &[("files.test_report", "检测报告.pdf", PDF)],
            )
            .await;
        assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", logged.body);
    }
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let queue = staff.get("/review").await;
    let ids: Vec<String> =
        queue.body.split("<a href=\"/evidence/").skip(1).map(|s| s.split('"').next().unwrap().to_owned()).collect();
    assert_eq!(ids.len(), 2, "{}", queue.body);
    let done = staff.post(&format!("/evidence/{}/review", ids[0]), &[("decision", "accept"), ("comment", "")]).await;
    assert_eq!(done.location(), format!("/evidence/{}?done=reviewed", ids[0]));
    let shown = staff.get(done.location()).await;
    assert!(shown.body.contains("审核已记录"), "{}", shown.body);
    assert!(shown.body.contains("id=\"evidence-status\">已通过"), "the decision on the item reviewed");
    assert!(!shown.body.contains("id=\"review-form\""), "reviewed once");
    assert!(shown.body.contains(&format!("id=\"next-pending\" href=\"/evidence/{}\"", ids[1])), "{}", shown.body);
}

#[actix_web::test]
async fn long_lists_are_searched_and_paged() {
    let s = setup();
    s.app.user("admin@example.org", coop_tracker::domain::role::Role::Admin);
    for n in 0..55 {
        s.app.user(&format!("expert{n:02}@example.org"), coop_tracker::domain::role::Role::Expert);
    }
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    register(&mut api, registration(s.direction_id)).await;

    let mut admin = Browser::new(&service);
    admin.login("admin@example.org").await;
    let rows = |page: &str| page.matches("<td data-label=\"姓名\"><a href=\"/admin/users/").count();
    let first = admin.get("/admin/users").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(rows(&first.body), 50, "a page of 50");
    assert!(first.body.contains("共 60 条"), "{}", first.body);
    assert!(first.body.contains("href=\"?page=2\" rel=\"next\""), "{}", first.body);
    assert_eq!(rows(&admin.get("/admin/users?page=2").await.body), 10);
    let found = admin.get("/admin/users?q=expert0").await;
    assert_eq!(rows(&found.body), 10, "expert00 … expert09");
    assert!(found.body.contains("value=\"expert0\""), "the search stays in its field");
    assert_eq!(rows(&admin.get("/admin/users?q=%25").await.body), 0, "a typed % is a character, not a wildcard");
    assert_eq!(rows(&admin.get("/admin/users?page=-3&q=").await.body), 50, "a page below 1 is the first");

    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    for (q, expected) in [("KJ-2024", 1), ("kj-2024", 1), ("合成生物", 1), ("没有这个项目", 0)] {
        let list = pi.get(&format!("/projects?q={}", urlencoding(q))).await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(list.body.matches(&format!("<a href=\"/projects/{CODE}\">")).count(), expected, "{q}");
    }
    let mut other = Browser::new(&service);
    other.login("other-pi@example.org").await;
    assert!(!other.get("/projects?q=KJ").await.body.contains(CODE), "a search finds only what the user may see");
}

/// Percent-encodes a query value.
fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}
