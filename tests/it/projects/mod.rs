//! Registering approved projects over the API: templates become targets with planned checkpoints,
//! bad registrations are refused field by field, and the status engine evaluates indicators as of
//! any date (the way these tests travel through an execution period).

pub(crate) mod form;
pub(crate) mod indicators;
pub(crate) mod officer;
pub(crate) mod relative_targets;
pub(crate) mod roster;
pub(crate) mod state;

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::domain::role::Role;
use coop_tracker::web::build_app;
use serde_json::{Value, json};

use crate::common::{Browser, TestApp, test_now, with_conn};

pub(crate) fn guide_text() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/guides/2024-domestic-cooperation.md"),
    )
    .unwrap()
}

pub(crate) fn body(page: &crate::common::Page) -> Value {
    serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("{e}: {}", page.body))
}

pub(crate) fn institution(app: &TestApp, name: &str) {
    use coop_tracker::db::institution::{self, InstitutionFields};
    let fields = InstitutionFields {
        name,
        region_id: None,
        in_shanghai: true,
        research_office_name: None,
        research_office_email: None,
        updated_at: test_now(),
    };
    with_conn(app, |c| institution::insert(c, &fields, test_now()).unwrap());
}

/// Marks evidence as verified directly, without a submission and review, for tests about status.
pub(crate) fn verified(app: &TestApp, indicator_id: i64, by: i64, measured_on: &str, value: f64) {
    use coop_tracker::db::schema::evidence;
    use diesel::prelude::*;
    with_conn(app, |c| {
        diesel::insert_into(evidence::table)
            .values((
                evidence::indicator_id.eq(indicator_id),
                evidence::submitted_by.eq(by),
                evidence::value.eq(value),
                evidence::measured_on.eq(chrono::NaiveDate::parse_from_str(measured_on, "%Y-%m-%d").unwrap()),
                evidence::status.eq("accepted"),
                evidence::created_at.eq(test_now()),
                evidence::updated_at.eq(test_now()),
            ))
            .execute(c)
            .unwrap();
        // `db::evidence::review` does this in its transaction; here the test stands in for it.
        let project_id: i64 = coop_tracker::db::schema::indicators::table
            .find(indicator_id)
            .select(coop_tracker::db::schema::indicators::project_id)
            .first(c)
            .unwrap();
        coop_tracker::db::overdue::refresh(c, project_id, &[indicator_id]).unwrap();
    });
}

/// An app with a staff member (and token), PIs, a member, two institutions and the 2024 guide.
pub(crate) struct Setup {
    pub(crate) app: TestApp,
    pub(crate) staff_token: String,
    pub(crate) pi: i64,
    pub(crate) direction_id: i64,
}

pub(crate) fn setup() -> Setup {
    setup_with_env(&[])
}

/// [`setup`] with extra `COOP_*` settings.
pub(crate) fn setup_with_env(vars: &[(&str, &str)]) -> Setup {
    let app = TestApp::with_env(vars);
    let staff = app.user("staff@example.org", Role::Staff);
    let pi = app.user("pi@example.org", Role::Pi);
    app.user("other-pi@example.org", Role::Pi);
    app.user("member@example.org", Role::Member);
    institution(&app, "华东理工大学");
    institution(&app, "新疆大学");
    let (_, staff_token) = app.token(staff, None);
    let guide = coop_tracker::domain::guide::parse(&guide_text());
    let stored =
        with_conn(&app, |c| coop_tracker::db::guide::store(c, &guide, &guide_text(), None, test_now()).unwrap());
    let direction_id = with_conn(&app, |c| coop_tracker::db::guide::find(c, stored.id).unwrap().unwrap()).topics[0]
        .directions[0]
        .row
        .id;
    Setup { app, staff_token, pi, direction_id }
}

/// The id of a registered project's first indicator with a numeric target (`≥ 95 %`, say), for
/// tests that log a value; deliverables take "done" instead.
pub(crate) fn numeric_indicator(project: &Value) -> i64 {
    project["indicators"].as_array().unwrap().iter().find(|i| i["op"] == ">=").unwrap()["id"].as_i64().unwrap()
}

/// Registers [`registration`]'s project over the API as `staff` (a browser with a staff token):
/// the project's JSON and its [`numeric_indicator`].
pub(crate) async fn registered_project<S, B>(staff: &mut Browser<'_, S>, direction_id: i64) -> (Value, i64)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    register(staff, registration(direction_id)).await
}

/// Registers a project as given (another code, say) over the API as `staff`: its JSON and its
/// [`numeric_indicator`]. The one way the tests register a project with a PI and an indicator to
/// log a value on.
pub(crate) async fn register<S, B>(staff: &mut Browser<'_, S>, registration: Value) -> (Value, i64)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let created = staff.json(Method::POST, "/api/v1/projects", Some(registration)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let project = body(&created);
    let indicator = numeric_indicator(&project);
    (project, indicator)
}

/// The id of a registered project's first deliverable.
pub(crate) fn deliverable_indicator(project: &Value) -> i64 {
    project["indicators"].as_array().unwrap().iter().find(|i| i["op"] == "deliverable").unwrap()["id"].as_i64().unwrap()
}

pub(crate) fn registration(direction_id: i64) -> Value {
    json!({
        "code": "SH-KJ-2024-001",
        "title": "基于人工智能的合成生物产业升级关键技术",
        "direction_id": direction_id,
        "lead_institution": "华东理工大学",
        "partners": [{"institution": "新疆大学", "region": "新疆维吾尔自治区"}],
        "pi_email": "pi@example.org",
        "member_emails": ["member@example.org"],
        "funding_wan_yuan": 150,
        "contract_number": "2024310000001234",
        "recommendation_ref": "新科函〔2024〕88号"
    })
}

#[actix_web::test]
async fn a_registered_project_gets_its_directions_targets_with_checkpoints() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);

    let created = staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let project = body(&created);
    assert_eq!(project["code"], "SH-KJ-2024-001");
    assert_eq!(project["execution_start"], "2024-12-01", "the direction's period by default");
    let indicators = project["indicators"].as_array().unwrap();
    assert_eq!(indicators.len(), 9, "every template of 方向1 is copied");
    let accuracy = indicators.iter().find(|i| i["op"] == ">=" && i["value"] == 95.0).unwrap();
    let due: Vec<_> =
        accuracy["checkpoints"].as_array().unwrap().iter().map(|c| c["due_on"].as_str().unwrap()).collect();
    assert_eq!(due.len(), 2, "mid-term and end of term: {due:?}");
    assert_eq!(due[1], "2026-11-30");
    let deliverable = indicators.iter().find(|i| i["op"] == "deliverable").unwrap();
    assert_eq!(deliverable["checkpoints"].as_array().unwrap().len(), 1);
    assert_eq!(
        with_conn(&s.app, |c| coop_tracker::db::audit::list_actions(c, "project", 1).unwrap()),
        ["project.register"]
    );
}

#[actix_web::test]
async fn statuses_follow_the_calendar_and_the_verified_evidence() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let created = body(&staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await);
    let accuracy_id =
        created["indicators"].as_array().unwrap().iter().find(|i| i["value"] == 95.0).unwrap()["id"].as_i64().unwrap();

    let status_of = |report: &Value| -> Vec<String> {
        report.as_array().unwrap().iter().map(|i| i["status"].as_str().unwrap().to_owned()).collect()
    };
    let early = body(&staff.get("/api/v1/projects/SH-KJ-2024-001/indicators?as_of=2024-12-10").await);
    assert!(status_of(&early).iter().all(|s| s == "not_started"), "{:?}", status_of(&early));

    // The mid-term check (2025-12-01 or so) has passed with nothing verified: overdue, counted in days.
    let late = body(&staff.get("/api/v1/projects/SH-KJ-2024-001/indicators?as_of=2026-01-15").await);
    let accuracy = late.as_array().unwrap().iter().find(|i| i["id"] == accuracy_id).unwrap();
    assert_eq!(accuracy["status"], "overdue", "{accuracy}");
    assert!(accuracy["days_overdue"].as_i64().unwrap() > 30);

    verified(&s.app, accuracy_id, s.pi, "2025-10-20", 96.5);
    let after = body(&staff.get("/api/v1/projects/SH-KJ-2024-001/indicators?as_of=2026-01-15").await);
    let accuracy = after.as_array().unwrap().iter().find(|i| i["id"] == accuracy_id).unwrap();
    assert_eq!(accuracy["status"], "achieved", "{accuracy}");
    assert_eq!(accuracy["current"], 96.5);
    // Evidence is not known before it was measured.
    let before = body(&staff.get("/api/v1/projects/SH-KJ-2024-001/indicators?as_of=2025-10-01").await);
    let accuracy = before.as_array().unwrap().iter().find(|i| i["id"] == accuracy_id).unwrap();
    assert_ne!(accuracy["status"], "achieved");

    let project = body(&staff.get("/api/v1/projects/SH-KJ-2024-001?as_of=2026-01-15").await);
    assert_eq!(project["status"], "overdue", "the worst indicator decides");
    assert!(project["completion"].as_f64().unwrap() > 0.0);
    assert!(project["readiness"]["band"].is_string(), "{}", project["readiness"]);
}

#[actix_web::test]
async fn bad_registrations_are_refused_field_by_field_and_store_nothing() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let with = |changes: &[(&str, Value)]| {
        let mut body = registration(s.direction_id);
        for (key, value) in changes {
            body[*key] = value.clone();
        }
        body
    };
    for (label, request, field) in [
        ("unknown direction", with(&[("direction_id", json!(999_999))]), "direction_id"),
        ("above the cap", with(&[("funding_wan_yuan", json!(150.5))]), "funding_wan_yuan"),
        ("negative funding", with(&[("funding_wan_yuan", json!(-1))]), "funding_wan_yuan"),
        (
            "outside the period",
            with(&[("execution", json!({"start": "2024-12-01", "end": "2027-06-30"}))]),
            "execution",
        ),
        ("unknown PI", with(&[("pi_email", json!("nobody@example.org"))]), "pi_email"),
        ("a member as PI", with(&[("pi_email", json!("member@example.org"))]), "pi_email"),
        ("unknown institution", with(&[("lead_institution", json!("不存在的大学"))]), "lead_institution"),
        ("empty code", with(&[("code", json!("  "))]), "code"),
    ] {
        let page = staff.json(Method::POST, "/api/v1/projects", Some(request)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {}", page.body);
        let error = body(&page);
        let fields: Vec<_> = error["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_owned())
            .collect();
        assert!(fields.contains(&field.to_owned()), "{label}: {fields:?}");
    }
    let wrong_type =
        staff.json(Method::POST, "/api/v1/projects", Some(with(&[("funding_wan_yuan", json!("很多"))]))).await;
    assert_eq!(wrong_type.status, StatusCode::BAD_REQUEST);
    assert_eq!(body(&staff.get("/api/v1/projects").await).as_array().unwrap().len(), 0, "nothing was stored");

    assert_eq!(
        staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await.status,
        StatusCode::CREATED
    );
    let again = staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[actix_web::test]
async fn a_pi_sees_only_their_own_projects_and_cannot_register() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await;

    let (_, pi_token) = s.app.token(s.pi, None);
    let mut pi = Browser::with_token(&service, &pi_token);
    assert_eq!(pi.get("/api/v1/projects/SH-KJ-2024-001").await.status, StatusCode::OK);
    assert_eq!(body(&pi.get("/api/v1/projects").await).as_array().unwrap().len(), 1);
    let mut second = registration(s.direction_id);
    second["code"] = json!("SH-KJ-2024-002");
    assert_eq!(pi.json(Method::POST, "/api/v1/projects", Some(second)).await.status, StatusCode::FORBIDDEN);

    let other =
        with_conn(&s.app, |c| coop_tracker::db::user::find_by_email(c, "other-pi@example.org").unwrap().unwrap().id);
    let (_, other_token) = s.app.token(other, None);
    let mut stranger = Browser::with_token(&service, &other_token);
    assert_eq!(stranger.get("/api/v1/projects/SH-KJ-2024-001").await.status, StatusCode::NOT_FOUND);
    assert_eq!(body(&stranger.get("/api/v1/projects").await).as_array().unwrap().len(), 0);
}

#[actix_web::test]
async fn the_project_page_shows_each_indicator_as_of_a_date_to_those_who_may_see_it() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let created = body(&staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await);
    let accuracy_id =
        created["indicators"].as_array().unwrap().iter().find(|i| i["value"] == 95.0).unwrap()["id"].as_i64().unwrap();
    verified(&s.app, accuracy_id, s.pi, "2025-10-20", 96.5);

    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let list = pi.get("/projects").await;
    assert!(list.body.contains("SH-KJ-2024-001"), "{}", list.body);
    let page = pi.get("/projects/SH-KJ-2024-001?as_of=2026-01-15").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("发酵产量预测精度"), "{}", page.body);
    assert!(page.body.contains("已达标") && page.body.contains("96.5 %"), "the verified value and its status");
    assert!(page.body.contains("逾期") && page.body.contains("天"), "overdue indicators say for how long");
    assert!(page.body.contains("验收准备度"));

    let mut stranger = Browser::new(&service);
    stranger.login("other-pi@example.org").await;
    assert_eq!(stranger.get("/projects/SH-KJ-2024-001").await.status, StatusCode::NOT_FOUND);
    assert!(!stranger.get("/projects").await.body.contains("SH-KJ-2024-001"));
}

#[actix_web::test]
async fn the_overdue_list_follows_the_date_and_the_evidence_most_overdue_first() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let created = body(&staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await);
    let accuracy_id =
        created["indicators"].as_array().unwrap().iter().find(|i| i["value"] == 95.0).unwrap()["id"].as_i64().unwrap();

    let early = body(&staff.get("/api/v1/overdue?as_of=2024-12-10").await);
    assert_eq!(early["total"], 0);

    let page = body(&staff.get("/api/v1/overdue?as_of=2026-01-15&limit=100").await);
    let total = page["total"].as_i64().unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len() as i64, total);
    assert!(total >= 7, "every quantitative indicator missed its mid-term check: {page}");
    assert!(items.iter().all(|i| i["status"] == "overdue" && i["days_overdue"].as_i64().unwrap() > 0));
    assert!(items.iter().any(|i| i["indicator"] == "发酵产量预测精度" && i["planned"] == 95.0));
    let days: Vec<i64> = items.iter().map(|i| i["days_overdue"].as_i64().unwrap()).collect();
    assert!(days.windows(2).all(|w| w[0] >= w[1]), "most days overdue first: {days:?}");
    assert_eq!(items[0]["project_code"], "SH-KJ-2024-001");

    // Pages do not overlap and cover the list.
    let first = body(&staff.get("/api/v1/overdue?as_of=2026-01-15&limit=3").await);
    let second = body(&staff.get("/api/v1/overdue?as_of=2026-01-15&limit=3&offset=3").await);
    let names = |p: &Value| -> Vec<String> {
        p["items"].as_array().unwrap().iter().map(|i| i["indicator"].to_string()).collect()
    };
    assert_eq!([names(&first), names(&second)].concat(), names(&page)[..6].to_vec());

    verified(&s.app, accuracy_id, s.pi, "2025-10-20", 96.5);
    let after = body(&staff.get("/api/v1/overdue?as_of=2026-01-15&limit=100").await);
    assert_eq!(after["total"].as_i64().unwrap(), total - 1, "verified evidence takes it off the list");
    assert!(!after["items"].as_array().unwrap().iter().any(|i| i["indicator"] == "发酵产量预测精度"));

    let ended = body(&staff.get("/api/v1/overdue?as_of=2027-01-15&limit=100").await);
    assert!(ended["items"].as_array().unwrap().iter().all(|i| i["status"] == "missed"), "{ended}");

    assert_eq!(staff.get("/api/v1/overdue?limit=0").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(staff.get("/api/v1/overdue?as_of=not-a-date").await.status, StatusCode::BAD_REQUEST);
    let (_, pi_token) = s.app.token(s.pi, None);
    let mut pi = Browser::with_token(&service, &pi_token);
    assert_eq!(pi.get("/api/v1/overdue").await.status, StatusCode::FORBIDDEN);
}
