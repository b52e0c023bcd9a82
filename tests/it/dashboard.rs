//! The commission's dashboard and the overdue API over a two-project portfolio: filters by guide,
//! year, direction, region, institution and PI, at-risk indicators before a checkpoint, counts per
//! status, ordering, and the CSV and Excel exports agreeing with the list.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::domain::role::Role;
use coop_tracker::web::build_app;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::{Browser, TestApp, test_now, with_conn};
use crate::projects::{body, guide_text, institution, verified};

struct Portfolio {
    app: TestApp,
    staff_token: String,
    guide_id: i64,
    /// Project A: direction 1.1, partner in Xinjiang, PI pi@.
    direction_a: i64,
    /// Project B: direction 1.2, partner in Tibet, PI other-pi@.
    direction_b: i64,
    pi_b: i64,
}

fn project(code: &str, direction_id: i64, partner: &str, region: &str, pi: &str, lead: &str) -> Value {
    json!({
        "code": code, "title": format!("{code} 项目"), "direction_id": direction_id,
        "lead_institution": lead, "partners": [{"institution": partner, "region": region}],
        "pi_email": pi, "funding_wan_yuan": 20
    })
}

async fn portfolio<S, B>(service: &S, app: TestApp) -> Portfolio
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let staff = app.user("staff@example.org", Role::Staff);
    app.user("pi@example.org", Role::Pi);
    let pi_b = app.user("other-pi@example.org", Role::Pi);
    for name in ["华东理工大学", "上海交通大学", "新疆大学", "西藏农牧科学院"] {
        institution(&app, name);
    }
    let (_, staff_token) = app.token(staff, None);
    let guide = coop_tracker::domain::guide::parse(&guide_text());
    let stored =
        with_conn(&app, |c| coop_tracker::db::guide::store(c, &guide, &guide_text(), None, test_now()).unwrap());
    let topics = with_conn(&app, |c| coop_tracker::db::guide::find(c, stored.id).unwrap().unwrap()).topics;
    let (direction_a, direction_b) = (topics[0].directions[0].row.id, topics[0].directions[1].row.id);
    let mut api = Browser::with_token(service, &staff_token);
    for body in [
        project("A-001", direction_a, "新疆大学", "新疆维吾尔自治区", "pi@example.org", "华东理工大学"),
        project("B-001", direction_b, "西藏农牧科学院", "西藏自治区", "other-pi@example.org", "上海交通大学"),
    ] {
        let created = api.json(Method::POST, "/api/v1/projects", Some(body)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    }
    Portfolio { app, staff_token, guide_id: stored.id, direction_a, direction_b, pi_b }
}

fn id_of(app: &TestApp, table: &str, name: &str) -> i64 {
    use coop_tracker::db::schema::{institutions, regions};
    with_conn(app, |c| match table {
        "regions" => regions::table.filter(regions::name.eq(name)).select(regions::id).first(c).unwrap(),
        _ => institutions::table.filter(institutions::name.eq(name)).select(institutions::id).first(c).unwrap(),
    })
}

#[actix_web::test]
async fn the_overdue_api_filters_the_portfolio() {
    let app = TestApp::new();
    let service = test::init_service(build_app(app.state.clone())).await;
    let p = portfolio(&service, app).await;
    let mut api = Browser::with_token(&service, &p.staff_token);
    let get = |q: String| format!("/api/v1/overdue?as_of=2026-01-15&limit=500{q}");

    let all = body(&api.get(&get(String::new())).await);
    let total = all["total"].as_i64().unwrap();
    let count = |page: &Value, code: &str| {
        page["items"].as_array().unwrap().iter().filter(|i| i["project_code"] == code).count() as i64
    };
    let (a, b) = (count(&all, "A-001"), count(&all, "B-001"));
    assert!(a > 0 && b > 0 && a + b == total, "both projects have overdue indicators: {a} + {b} = {total}");

    let xinjiang = id_of(&p.app, "regions", "新疆维吾尔自治区");
    let tibet = id_of(&p.app, "regions", "西藏自治区");
    let sjtu = id_of(&p.app, "institutions", "上海交通大学");
    for (query, expected) in [
        (format!("&direction={}", p.direction_a), a),
        (format!("&direction={}", p.direction_b), b),
        (format!("&region={xinjiang}"), a),
        (format!("&region={tibet}"), b),
        (format!("&institution={sjtu}"), b),
        (format!("&pi={}", p.pi_b), b),
        ("&pi_name=other-pi%40example.org".to_owned(), b),
        // A part of a name or e-mail, any case, lists what it matches, or nothing: never an error.
        ("&pi_name=OTHER-pi".to_owned(), b),
        ("&pi_name=nobody".to_owned(), 0),
        ("&pi_name=%25".to_owned(), 0),
        ("&institution_name=%E4%BA%A4%E9%80%9A".to_owned(), b),
        ("&institution_name=%E5%A4%A7%E5%AD%A6".to_owned(), a + b),
        (format!("&guide={}", p.guide_id), total),
        (format!("&guide={}", p.guide_id + 1000), 0),
        ("&year=2024".to_owned(), total),
        ("&year=2023".to_owned(), 0),
        (format!("&region={tibet}&direction={}", p.direction_a), 0),
    ] {
        let page = body(&api.get(&get(query.clone())).await);
        assert_eq!(page["total"].as_i64().unwrap(), expected, "{query}: {page}");
        assert_eq!(page["items"].as_array().unwrap().len() as i64, expected, "{query}");
    }

    // The reverse order is the same list reversed.
    let least = body(&api.get(&get("&sort=least_overdue".into())).await);
    let days = |page: &Value| -> Vec<i64> {
        page["items"].as_array().unwrap().iter().map(|i| i["days_overdue"].as_i64().unwrap()).collect()
    };
    let mut reversed = days(&all);
    reversed.reverse();
    assert_eq!(days(&least), reversed);
    assert!(days(&all).windows(2).all(|w| w[0] >= w[1]));

    for bad in ["&status=late", "&sort=sideways", "&region=xinjiang"] {
        assert_eq!(api.get(&get(bad.into())).await.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[actix_web::test]
async fn at_risk_indicators_are_those_due_within_the_window_and_not_yet_met() {
    let app = TestApp::new();
    let service = test::init_service(build_app(app.state.clone())).await;
    let p = portfolio(&service, app).await;
    let mut api = Browser::with_token(&service, &p.staff_token);

    let report = body(&api.get("/api/v1/projects/A-001?as_of=2025-11-20").await);
    let next_due: Vec<&str> = report["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "at_risk")
        .map(|i| i["due_soon"].as_str().unwrap())
        .collect();
    assert!(!next_due.is_empty(), "ten days before the mid-term check, unmet indicators are at risk: {report}");

    let at_risk = body(&api.get("/api/v1/overdue?as_of=2025-11-20&status=at_risk&limit=500").await);
    let items = at_risk["items"].as_array().unwrap();
    assert!(items.iter().all(|i| i["status"] == "at_risk" && i["days_overdue"] == 0), "{at_risk}");
    let a_items: Vec<&Value> = items.iter().filter(|i| i["project_code"] == "A-001").collect();
    assert_eq!(a_items.len(), next_due.len(), "the list and the project agree");
    for item in &a_items {
        let due = chrono::NaiveDate::parse_from_str(item["milestone_due"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let days = (due - chrono::NaiveDate::from_ymd_opt(2025, 11, 20).unwrap()).num_days();
        assert!((0..=30).contains(&days), "due within the warning window: {item}");
    }
    let overdue = body(&api.get("/api/v1/overdue?as_of=2025-11-20").await);
    assert_eq!(overdue["total"], 0, "nothing has passed yet");

    // Verified evidence meeting the mid-term plan takes the indicator off the at-risk list.
    let accuracy = a_items.iter().find(|i| i["indicator"] == "发酵产量预测精度").unwrap();
    let pi = with_conn(&p.app, |c| coop_tracker::db::user::find_by_email(c, "pi@example.org").unwrap().unwrap().id);
    verified(&p.app, accuracy["indicator_id"].as_i64().unwrap(), pi, "2025-11-01", 96.0);
    let after = body(&api.get("/api/v1/overdue?as_of=2025-11-20&status=at_risk&limit=500").await);
    assert_eq!(after["total"].as_i64().unwrap(), at_risk["total"].as_i64().unwrap() - 1);
}

#[actix_web::test]
async fn the_dashboard_counts_filters_pages_and_exports_what_the_api_lists() {
    let app = TestApp::new();
    let service = test::init_service(build_app(app.state.clone())).await;
    let p = portfolio(&service, app).await;
    let mut api = Browser::with_token(&service, &p.staff_token);
    let overdue = body(&api.get("/api/v1/overdue?as_of=2026-01-15&status=overdue&limit=500").await);
    let listed = body(&api.get("/api/v1/overdue?as_of=2026-01-15&status=overdue,missed,at_risk&limit=500").await);
    let total = listed["total"].as_i64().unwrap();

    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let page = staff.get("/dashboard?as_of=2026-01-15").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&format!("data-status=\"overdue\">{}</strong>", overdue["total"])),
        "the overdue count matches the API: {}",
        page.body
    );
    assert!(page.body.contains(&format!("<span id=\"listed-total\">{total}</span>")));
    assert!(page.body.contains("href=\"/projects/A-001?as_of=2026-01-15\""));
    assert!(page.body.contains("<option value=\"2024\""), "the guide year is offered as a filter");

    let filtered = staff.get(&format!("/dashboard?as_of=2026-01-15&direction={}&region=&pi=", p.direction_b)).await;
    assert_eq!(filtered.status, StatusCode::OK, "empty filter fields are ignored");
    assert!(!filtered.body.contains("/projects/A-001") && filtered.body.contains("/projects/B-001"));
    assert!(staff.get("/dashboard?as_of=2024-12-10").await.body.contains("该日期没有符合条件的指标"));

    // A PI is searched for by a part of the name or e-mail, any case; the field keeps what was typed,
    // and text no PI's name holds lists nothing, with the other filters kept: never an error page.
    let by_part = staff.get("/dashboard?as_of=2026-01-15&pi_name=Other-PI").await;
    assert_eq!(by_part.status, StatusCode::OK, "{}", by_part.body);
    assert!(!by_part.body.contains("/projects/A-001") && by_part.body.contains("/projects/B-001"));
    assert!(by_part.body.contains("name=\"pi_name\" type=\"search\" value=\"Other-PI\""), "{}", by_part.body);
    let direction = p.direction_a;
    let unknown = staff.get(&format!("/dashboard?as_of=2026-01-15&direction={direction}&pi_name=nobody")).await;
    assert_eq!(unknown.status, StatusCode::OK, "{}", unknown.body);
    assert!(unknown.body.contains("该日期没有符合条件的指标"));
    assert!(unknown.body.contains(&format!("<option value=\"{direction}\" selected>")), "the filters stay");
    // Both PIs of the fixture are called 测试pi: both projects are listed.
    let shared = staff.get("/dashboard?as_of=2026-01-15&pi_name=%E6%B5%8B%E8%AF%95pi").await;
    assert!(shared.body.contains("/projects/A-001") && shared.body.contains("/projects/B-001"));

    // The fields suggest names as they are typed: PIs by name or e-mail, lead institutions by name.
    let suggested = body(&staff.get("/dashboard/suggest/pi?q=OTHER").await);
    assert_eq!(suggested, json!([{"value": "other-pi@example.org", "label": "测试pi"}]));
    let suggested = body(&staff.get("/dashboard/suggest/institution?q=%E4%BA%A4%E9%80%9A").await);
    assert_eq!(suggested, json!([{"value": "上海交通大学", "label": "上海交通大学"}]));
    assert_eq!(body(&staff.get("/dashboard/suggest/pi?q=%25").await), json!([]), "% is taken literally");
    assert_eq!(body(&staff.get("/dashboard/suggest/pi?q=").await), json!([]));
    // A partner institution is not a lead institution: not suggested.
    assert_eq!(body(&staff.get("/dashboard/suggest/institution?q=%E6%96%B0%E7%96%86").await), json!([]));
    assert_eq!(staff.get("/dashboard/suggest/officer?q=a").await.status, StatusCode::NOT_FOUND);

    // A list narrowed by id (the home page's link to an officer's projects) says so by name and
    // offers to widen it again.
    let staff_id =
        with_conn(&p.app, |c| coop_tracker::db::user::find_by_email(c, "staff@example.org").unwrap().unwrap().id);
    let mine = staff.get(&format!("/dashboard?as_of=2026-01-15&officer={staff_id}&status=overdue")).await;
    assert!(mine.body.contains("id=\"narrowed\""), "{}", mine.body);
    assert!(mine.body.contains("href=\"?as_of=2026-01-15&#38;status=overdue\""), "the widening link: {}", mine.body);

    // The charts follow the filters: a part of the portfolio with no indicators draws nothing.
    let chart = |q: &str| format!("/dashboard/charts/region.png?as_of=2026-01-15{q}");
    let all_regions = staff.get(&chart("")).await;
    assert_eq!(all_regions.status, StatusCode::OK);
    let one_direction = staff.get(&chart(&format!("&direction={direction}"))).await;
    assert_eq!(one_direction.status, StatusCode::OK);
    assert_ne!(all_regions.bytes, one_direction.bytes, "one direction's projects are a smaller chart");
    for name in ["region", "topic"] {
        let none = staff.get(&format!("/dashboard/charts/{name}.png?as_of=2026-01-15&pi_name=nobody")).await;
        assert_eq!(none.status, StatusCode::NO_CONTENT, "{name}");
    }
    assert!(page.body.contains("/dashboard/charts/region.png?as_of=2026-01-15"));
    let filtered_page = staff.get(&format!("/dashboard?as_of=2026-01-15&direction={direction}")).await;
    assert!(
        filtered_page.body.contains(&format!("/dashboard/charts/topic.png?as_of=2026-01-15&#38;direction={direction}")),
        "the page asks for the filtered charts"
    );

    // Pages of 5 follow one another through the whole list.
    let mut seen = 0;
    let mut offset = 0;
    while offset < total {
        let page = staff.get(&format!("/dashboard?as_of=2026-01-15&limit=5&offset={offset}")).await;
        seen += page.body.matches("<td data-label=\"状态\" class=\"status-").count() as i64;
        offset += 5;
    }
    assert_eq!(seen, total);

    let csv = staff.get("/dashboard/export.csv?as_of=2026-01-15").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers.get("content-disposition").unwrap().to_str().unwrap().contains("overdue-2026-01-15.csv"));
    let text = csv.body.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(&reader.headers().unwrap()[0], "项目编号");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len() as i64, total, "the export holds the whole list, not a page");
    assert_eq!(rows[0][0], *listed["items"][0]["project_code"].as_str().unwrap());

    let xlsx = staff.get("/dashboard/export.xlsx?as_of=2026-01-15&status=overdue").await.bytes.to_vec();
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let range = workbook.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(range.get_value((2, 0)), Some(&Data::String("项目编号".into())));
    let data_rows = range.rows().skip(3).filter(|r| !matches!(r[0], Data::Empty)).count() as i64;
    assert_eq!(data_rows, overdue["total"].as_i64().unwrap());
    assert!(matches!(range.get_value((3, 13)), Some(Data::Float(days)) if *days > 0.0), "days overdue are numbers");

    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    assert_eq!(pi.get("/dashboard").await.status, StatusCode::FORBIDDEN);
    assert_eq!(pi.get("/dashboard/export.csv").await.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn the_timelines_follow_the_configured_warning_window() {
    use coop_tracker::db::overdue::{self, Filter};
    use coop_tracker::domain::status::Status;
    let app = TestApp::new();
    let service = test::init_service(build_app(app.state.clone())).await;
    let p = portfolio(&service, app).await;
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 11, 20).unwrap();
    let at_risk = Filter { statuses: vec![Status::AtRisk], ..Filter::default() };
    let count = |app: &TestApp| with_conn(app, |c| overdue::count(c, as_of, &at_risk).unwrap());
    assert!(count(&p.app) > 0, "ten days before the mid-term check, with the default 30-day window");
    assert!(!with_conn(&p.app, |c| overdue::rebuild_if_stale(c, 30).unwrap()), "nothing to rebuild");
    assert!(with_conn(&p.app, |c| overdue::rebuild_if_stale(c, 5).unwrap()), "a new window rebuilds");
    assert_eq!(count(&p.app), 0, "ten days out is outside a five-day window");
    assert!(with_conn(&p.app, |c| overdue::rebuild_if_stale(c, 30).unwrap()));
    assert!(count(&p.app) > 0);
}
