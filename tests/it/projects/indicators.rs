//! Staff maintaining a project's indicators over the API: target edits before and after the baseline
//! freeze (revisions, reasons), project-specific indicators from a task-book phrase, refused edits that
//! change nothing, re-plans that keep history and the checkpoints already due, the status engine
//! following the new plan, and extensions. Each test fixes "today" where the story needs it.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use chrono::NaiveDateTime;
use coop_tracker::domain::clock::Clock;
use coop_tracker::web::build_app;
use serde_json::{Value, json};

use crate::common::{Browser, with_conn};
use crate::projects::{Setup, body, registration, setup, verified};

const CODE: &str = "SH-KJ-2024-001";

/// The app state with "today" moved to `date` (10:00 in Shanghai).
fn on(s: &Setup, date: &str) -> coop_tracker::web::state::AppState {
    let mut state = s.app.state.clone();
    state.clock =
        Clock::Fixed(NaiveDateTime::parse_from_str(&format!("{date} 02:00:00"), "%Y-%m-%d %H:%M:%S").unwrap());
    state
}

/// The registered project's indicator whose metric is `metric`.
fn indicator<'a>(project: &'a Value, metric: &str) -> &'a Value {
    project["indicators"].as_array().unwrap().iter().find(|i| i["metric"] == metric).unwrap()
}

fn dues(checkpoints: &Value) -> Vec<(String, Option<f64>, String)> {
    checkpoints
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (c["due_on"].as_str().unwrap().to_owned(), c["planned"].as_f64(), c["kind"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn fields(page: &crate::common::Page) -> Vec<String> {
    body(page)["error"]["fields"]
        .as_array()
        .map(|f| f.iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

/// A relative target's baseline as staff record it: value, unit, date and source together.
fn baseline_record(value: f64) -> Value {
    json!({"baseline": value, "baseline_unit": "吨", "baseline_on": "2024-11-30", "baseline_source": "2024年生产统计报表"})
}

fn cp(due_on: &str, planned: Option<f64>, kind: &str) -> (String, Option<f64>, String) {
    (due_on.to_owned(), planned, kind.to_owned())
}

#[actix_web::test]
async fn edits_need_a_reason_once_the_baseline_is_frozen_and_leave_revisions() {
    let s = setup();
    let service = test::init_service(build_app(on(&s, "2025-06-01"))).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let project = body(&staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await);
    let systems = indicator(&project, "实时生产工艺调控与质量预测系统")["id"].as_i64().unwrap();
    let path = format!("/api/v1/indicators/{systems}");

    let edited = staff.json(Method::PATCH, &path, Some(json!({"value": 3, "class": "economic"}))).await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    let edited = body(&edited);
    assert_eq!((edited["target"]["value"].as_f64(), edited["target"]["class"].as_str()), (Some(3.0), Some("economic")));
    assert_eq!(edited["revisions"].as_array().unwrap().len(), 1, "a revision before the freeze too");
    assert_eq!(edited["revisions"][0]["before"]["value"], 2.0);
    assert_eq!(edited["revisions"][0]["reason"], Value::Null);
    // The new target re-plans the open checkpoints: the end of term now plans 3.
    assert_eq!(dues(&edited["checkpoints"]).last().unwrap().1, Some(3.0));
    assert_eq!(edited["plan_history"].as_array().unwrap().len(), 2);

    // Three systems delivered: the target of 3 is met.
    verified(&s.app, systems, s.pi, "2025-05-20", 3.0);
    let freeze = format!("/api/v1/projects/{CODE}/baseline");
    let refused = staff.json(Method::POST, &freeze, None).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "relative targets still lack a baseline: {}", refused.body);
    assert!(body(&refused)["error"]["message"].as_str().unwrap().contains("产量"), "{}", refused.body);
    for (metric, baseline) in [("产量", 120.0), ("产量波动", 8.0)] {
        let id = indicator(&project, metric)["id"].as_i64().unwrap();
        let set = staff.json(Method::PATCH, &format!("/api/v1/indicators/{id}"), Some(baseline_record(baseline))).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    }
    let frozen = staff.json(Method::POST, &freeze, None).await;
    assert_eq!(frozen.status, StatusCode::OK, "{}", frozen.body);
    let frozen = body(&frozen);
    assert!(frozen["baseline_frozen_at"].is_string());
    assert_eq!(indicator(&frozen, "实时生产工艺调控与质量预测系统")["frozen"]["value"], 3.0);
    assert_eq!(indicator(&frozen, "产量")["frozen"]["baseline"], 120.0);

    let twice = staff.json(Method::POST, &freeze, None).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(body(&twice)["error"]["message"].as_str().unwrap().contains("不能重复冻结"), "{}", twice.body);

    let readiness_at_freeze = frozen["readiness"]["score"].as_f64().unwrap();
    let same = staff.json(Method::PATCH, &path, Some(json!({"value": 3}))).await;
    assert_eq!(same.status, StatusCode::OK, "an unchanged target needs no reason: {}", same.body);
    let without_reason = staff.json(Method::PATCH, &path, Some(json!({"value": 4}))).await;
    assert_eq!(without_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&without_reason), ["reason"]);
    let unchanged = body(&staff.get(&path).await);
    assert_eq!(
        (unchanged["target"]["value"].as_f64(), unchanged["revisions"].as_array().unwrap().len()),
        (Some(3.0), 1)
    );

    let with_reason =
        staff.json(Method::PATCH, &path, Some(json!({"value": 4, "reason": "任务书变更（科委函〔2025〕12号）"}))).await;
    assert_eq!(with_reason.status, StatusCode::OK, "{}", with_reason.body);
    let detail = body(&with_reason);
    let revisions = detail["revisions"].as_array().unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!(
        (revisions[1]["before"]["value"].as_f64(), revisions[1]["after"]["value"].as_f64()),
        (Some(3.0), Some(4.0))
    );
    assert_eq!(revisions[1]["reason"], "任务书变更（科委函〔2025〕12号）");
    assert_eq!(revisions[1]["revision"], 2);
    assert_eq!(detail["frozen"]["value"], 3.0, "the frozen spec does not move");

    let report = body(&staff.get(&format!("/api/v1/projects/{CODE}")).await);
    let row = indicator(&report, "实时生产工艺调控与质量预测系统");
    assert_eq!((row["value"].as_f64(), row["frozen"]["value"].as_f64()), (Some(4.0), Some(3.0)));
    assert_ne!(row["status"], "achieved", "3 of the current 4 systems");
    assert_eq!(
        report["readiness"]["score"].as_f64(),
        Some(readiness_at_freeze),
        "acceptance readiness holds the project to the frozen 3"
    );
    let actions = with_conn(&s.app, |c| coop_tracker::db::audit::list_actions(c, "indicator", systems).unwrap());
    assert_eq!(actions, ["indicator.update", "indicator.update"]);
}

#[actix_web::test]
async fn a_task_book_phrase_becomes_a_project_specific_indicator_with_a_plan() {
    let s = setup();
    let service = test::init_service(build_app(on(&s, "2025-06-01"))).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let project = body(&staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await);
    for (metric, baseline) in [("产量", 120.0), ("产量波动", 8.0)] {
        let id = indicator(&project, metric)["id"].as_i64().unwrap();
        staff.json(Method::PATCH, &format!("/api/v1/indicators/{id}"), Some(baseline_record(baseline))).await;
    }
    assert_eq!(
        staff.json(Method::POST, &format!("/api/v1/projects/{CODE}/baseline"), None).await.status,
        StatusCode::OK
    );

    let path = format!("/api/v1/projects/{CODE}/indicators");
    let added = staff
        .json(
            Method::POST,
            &path,
            Some(json!({"phrase": "培养技术人员不少于40人次", "class": "social", "reason": "任务书第三条"})),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let added = body(&added);
    let t = &added["target"];
    assert_eq!(
        (t["op"].as_str(), t["value"].as_f64(), t["unit"].as_str(), t["aggregation"].as_str(), t["class"].as_str()),
        (Some(">="), Some(40.0), Some("人次"), Some("sum"), Some("social"))
    );
    assert!(added["metric"].as_str().unwrap().contains("技术人员"), "{}", added["metric"]);
    assert_eq!(added["added_after_baseline"], true);
    assert_eq!(added["revisions"][0]["reason"], "任务书第三条");
    assert_eq!(added["revisions"][0]["before"], Value::Null);
    assert_eq!(added["frozen"], Value::Null);
    // Like registration: the mid-term check (linear: 364 of 729 days of 40) and the end of term.
    assert_eq!(
        dues(&added["checkpoints"]),
        [cp("2025-11-30", Some(20.0), "mid_term"), cp("2026-11-30", Some(40.0), "end_of_term")]
    );

    let explicit = staff
        .json(Method::POST, &path, Some(json!({"metric": "企业技术标准", "op": "deliverable", "condition": "经备案"})))
        .await;
    assert_eq!(explicit.status, StatusCode::CREATED, "{}", explicit.body);
    assert_eq!(dues(&body(&explicit)["checkpoints"]), [cp("2026-11-30", None, "deliverable")]);

    let unreadable = staff.json(Method::POST, &path, Some(json!({"phrase": "加强合作交流"}))).await;
    assert_eq!(unreadable.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&unreadable), ["phrase"]);
    assert!(unreadable.body.contains("无法从这段文字中识别出考核指标"), "{}", unreadable.body);

    let report = body(&staff.get(&format!("/api/v1/projects/{CODE}")).await);
    let indicators = report["indicators"].as_array().unwrap();
    assert_eq!(indicators.len(), 11);
    assert_eq!(indicators.iter().filter(|i| i["added_after_baseline"] == true).count(), 2);
    assert_eq!(indicators.iter().filter(|i| i["frozen"].is_object()).count(), 9);
}

#[actix_web::test]
async fn invalid_edits_are_refused_field_by_field_and_change_nothing() {
    let s = setup();
    let service = test::init_service(build_app(on(&s, "2025-06-01"))).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let project = body(&staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await);
    let id = indicator(&project, "实时生产工艺调控与质量预测系统")["id"].as_i64().unwrap();
    let path = format!("/api/v1/indicators/{id}");
    let before = body(&staff.get(&path).await);

    let table: Vec<(Value, Vec<&str>)> = vec![
        (json!({"op": "between", "min": 5, "max": 3}), vec!["min"]),
        (json!({"change": "increase"}), vec!["unit"]),
        (json!({"weight": 0}), vec!["weight"]),
        (json!({"weight": -1, "value": null}), vec!["value", "weight"]),
        (json!({"op": "deliverable", "value": 3}), vec!["value"]),
        (json!({"baseline": 5}), vec!["baseline"]),
        (json!({"aggregation": "mean"}), vec!["aggregation"]),
        (json!({"op": "≈"}), vec!["op"]),
        (json!({"metric": "  "}), vec!["metric"]),
        (json!({"phrase": "不少于3套"}), vec!["phrase"]),
    ];
    for (change, expected) in table {
        let refused = staff.json(Method::PATCH, &path, Some(change.clone())).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{change}: {}", refused.body);
        assert_eq!(fields(&refused), expected, "{change}");
    }
    let not_a_number = staff.json(Method::PATCH, &path, Some(json!({"value": "三"}))).await;
    assert_eq!(not_a_number.status, StatusCode::BAD_REQUEST);
    let after = body(&staff.get(&path).await);
    assert_eq!(after, before, "refused edits change nothing");
    let weight = staff.json(Method::PATCH, &path, Some(json!({"weight": 2.5, "class": "social"}))).await;
    assert_eq!(weight.status, StatusCode::OK, "{}", weight.body);
    let after = body(&weight);
    assert_eq!(after["revisions"].as_array().unwrap().len(), 1, "only the valid edit left a revision");
    assert_eq!(after["plan_history"], before["plan_history"], "a weight does not move the plan");
    let actions = with_conn(&s.app, |c| coop_tracker::db::audit::list_actions(c, "indicator", id).unwrap());
    assert_eq!(actions, ["indicator.update"]);
}

#[actix_web::test]
async fn replanning_keeps_history_and_the_checkpoints_already_due() {
    let s = setup();
    let service = test::init_service(build_app(on(&s, "2026-01-15"))).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let project = body(&staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await);
    let lines = indicator(&project, "集成示范应用生产线")["id"].as_i64().unwrap();
    let path = format!("/api/v1/indicators/{lines}/plan");
    let mid_term = cp("2025-11-30", Some(5.0), "mid_term");

    let quarterly = staff.json(Method::PUT, &path, Some(json!({"schedule": "quarterly", "profile": "linear"}))).await;
    assert_eq!(quarterly.status, StatusCode::OK, "{}", quarterly.body);
    let quarterly = body(&quarterly);
    assert_eq!(
        dues(&quarterly["checkpoints"]),
        [
            mid_term.clone(),
            cp("2026-03-01", Some(6.0), "quarterly"),
            cp("2026-06-01", Some(8.0), "quarterly"),
            cp("2026-09-01", Some(9.0), "quarterly"),
            cp("2026-11-30", Some(10.0), "end_of_term"),
        ]
    );
    let history = quarterly["plan_history"].as_array().unwrap();
    assert_eq!((history.len(), history[0]["version"].as_i64()), (2, Some(2)));
    assert!(history[0]["superseded_at"].is_null() && history[1]["superseded_at"].is_string());

    let half =
        body(&staff.json(Method::PUT, &path, Some(json!({"schedule": "half_yearly", "profile": "full_target"}))).await);
    assert_eq!(
        dues(&half["checkpoints"]),
        [mid_term.clone(), cp("2026-06-01", Some(10.0), "half_yearly"), cp("2026-11-30", Some(10.0), "end_of_term")]
    );

    let manual = json!({"profile": "manual", "checkpoints": [
        {"due_on": "2026-04-30", "planned": 7}, {"due_on": "2026-11-30", "planned": 10}]});
    let manual = body(&staff.json(Method::PUT, &path, Some(manual)).await);
    assert_eq!(
        dues(&manual["checkpoints"]),
        [mid_term, cp("2026-04-30", Some(7.0), "manual"), cp("2026-11-30", Some(10.0), "manual")]
    );
    assert_eq!(manual["plan_history"].as_array().unwrap().len(), 4);
    let actions = with_conn(&s.app, |c| coop_tracker::db::audit::list_actions(c, "indicator", lines).unwrap());
    assert_eq!(actions, ["indicator.replan"; 3]);

    let refusals: Vec<(Value, &str)> = vec![
        (
            json!({"profile": "manual", "checkpoints": [{"due_on": "2025-12-15", "planned": 6}, {"due_on": "2026-11-30", "planned": 10}]}),
            "checkpoints",
        ),
        (json!({"profile": "manual", "checkpoints": [{"due_on": "2027-01-31", "planned": 10}]}), "checkpoints"),
        (json!({"profile": "manual", "checkpoints": [{"due_on": "2026-11-30", "planned": 8}]}), "checkpoints"),
        (json!({"profile": "manual", "checkpoints": []}), "checkpoints"),
        (json!({"due_on": "2026-06-30"}), "due_on"),
    ];
    for (plan, field) in refusals {
        let refused = staff.json(Method::PUT, &path, Some(plan.clone())).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{plan}: {}", refused.body);
        assert_eq!(fields(&refused), [field], "{plan}");
    }
    let bad_number = json!({"profile": "manual", "checkpoints": [{"due_on": "2026-11-30", "planned": "十"}]});
    assert_eq!(staff.json(Method::PUT, &path, Some(bad_number)).await.status, StatusCode::BAD_REQUEST);
    let after = body(&staff.get(&format!("/api/v1/indicators/{lines}")).await);
    assert_eq!(after["plan_history"].as_array().unwrap().len(), 4, "refused plans store nothing");

    // A target change keeps a hand-entered plan while it still reaches the target, else falls back.
    let edit = format!("/api/v1/indicators/{lines}");
    let lowered = body(&staff.json(Method::PATCH, &edit, Some(json!({"value": 9}))).await);
    assert_eq!(
        dues(&lowered["checkpoints"]),
        [
            cp("2025-11-30", Some(5.0), "mid_term"),
            cp("2026-04-30", Some(7.0), "manual"),
            cp("2026-11-30", Some(10.0), "manual")
        ]
    );
    let raised = body(&staff.json(Method::PATCH, &edit, Some(json!({"value": 12}))).await);
    assert_eq!(
        dues(&raised["checkpoints"]),
        [cp("2025-11-30", Some(5.0), "mid_term"), cp("2026-11-30", Some(12.0), "end_of_term")]
    );

    let deliverable = indicator(&project, "人工智能工艺优化技术")["id"].as_i64().unwrap();
    let path = format!("/api/v1/indicators/{deliverable}/plan");
    let outside = staff.json(Method::PUT, &path, Some(json!({"due_on": "2027-03-01"}))).await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&outside), ["due_on"]);
    assert!(outside.body.contains("截止日期不在执行期限之内"), "{}", outside.body);
    let due = body(&staff.json(Method::PUT, &path, Some(json!({"due_on": "2026-09-30"}))).await);
    assert_eq!(dues(&due["checkpoints"]), [cp("2026-09-30", None, "deliverable")]);
}

#[actix_web::test]
async fn the_status_as_of_a_date_follows_the_new_plan() {
    let s = setup();
    let service = test::init_service(build_app(on(&s, "2025-06-01"))).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let project = body(&staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await);
    let lines = indicator(&project, "集成示范应用生产线")["id"].as_i64().unwrap();
    verified(&s.app, lines, s.pi, "2025-05-20", 3.0);
    let status = |report: &Value| indicator(report, "集成示范应用生产线")["status"].as_str().unwrap().to_owned();
    let as_of = format!("/api/v1/projects/{CODE}?as_of=2025-09-15");

    assert_eq!(status(&body(&staff.get(&as_of).await)), "on_track", "the mid-term check is months away");
    let replanned = staff
        .json(Method::PUT, &format!("/api/v1/indicators/{lines}/plan"), Some(json!({"schedule": "quarterly"})))
        .await;
    assert_eq!(replanned.status, StatusCode::OK, "{}", replanned.body);
    let report = body(&staff.get(&as_of).await);
    assert_eq!(status(&report), "overdue", "the 2025-09-01 quarterly checkpoint plans 4 and 3 are verified");
    assert_eq!(indicator(&report, "集成示范应用生产线")["days_overdue"], 14);
    let overdue = body(&staff.get("/api/v1/overdue?as_of=2025-09-15&limit=100").await);
    assert!(overdue.to_string().contains("集成示范应用生产线"), "the overdue list was refreshed: {overdue}");
}

#[actix_web::test]
async fn an_extension_moves_the_end_keeps_the_original_and_replans_open_checkpoints() {
    let s = setup();
    let service = test::init_service(build_app(on(&s, "2026-01-15"))).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let project = body(&staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await);
    for (metric, baseline) in [("产量", 120.0), ("产量波动", 8.0)] {
        let id = indicator(&project, metric)["id"].as_i64().unwrap();
        staff.json(Method::PATCH, &format!("/api/v1/indicators/{id}"), Some(baseline_record(baseline))).await;
    }
    staff.json(Method::POST, &format!("/api/v1/projects/{CODE}/baseline"), None).await;
    let bases = indicator(&project, "人工智能工业优化示范应用基地")["id"].as_i64().unwrap();
    let by_hand = json!({"profile": "manual", "checkpoints": [
        {"due_on": "2026-06-30", "planned": 1}, {"due_on": "2026-11-30", "planned": 2}]});
    let by_hand = staff.json(Method::PUT, &format!("/api/v1/indicators/{bases}/plan"), Some(by_hand)).await;
    assert_eq!(by_hand.status, StatusCode::OK, "{}", by_hand.body);
    let late = format!("/api/v1/projects/{CODE}?as_of=2026-12-15");
    let lines = |report: &Value| indicator(report, "集成示范应用生产线").clone();
    assert_eq!(lines(&body(&staff.get(&late).await))["status"], "missed", "without an extension the term is over");

    let path = format!("/api/v1/projects/{CODE}/extension");
    let extended = staff
        .json(Method::POST, &path, Some(json!({"new_end": "2027-05-31", "reason": "疫情影响，科委批复延期"})))
        .await;
    assert_eq!(extended.status, StatusCode::OK, "{}", extended.body);
    let extended = body(&extended);
    assert_eq!(
        (extended["execution_end"].as_str(), extended["original_end"].as_str(), extended["state"].as_str()),
        (Some("2027-05-31"), Some("2026-11-30"), Some("extended"))
    );
    let row = lines(&extended);
    let plan = dues(&row["checkpoints"]);
    assert_eq!(plan.first().unwrap(), &cp("2025-11-30", Some(5.0), "mid_term"), "the passed mid-term check stays");
    assert_eq!(plan.last().unwrap(), &cp("2027-05-31", Some(10.0), "end_of_term"));
    assert!(plan.iter().all(|c| c.0 != "2026-11-30"), "the old end of term is superseded: {plan:?}");
    assert_eq!(row["frozen"]["value"], 10.0, "the frozen baseline stays for acceptance");
    assert_eq!(
        dues(&indicator(&extended, "人工智能工业优化示范应用基地")["checkpoints"]),
        [
            cp("2025-11-30", Some(1.0), "mid_term"),
            cp("2026-06-30", Some(1.0), "manual"),
            cp("2027-05-31", Some(2.0), "manual")
        ],
        "a hand-entered plan keeps its dates and moves its last one to the new end"
    );
    let deliverable = dues(&indicator(&extended, "人工智能工艺优化技术")["checkpoints"]);
    assert_eq!(deliverable, [cp("2027-05-31", None, "deliverable")]);
    let detail = body(&staff.get(&format!("/api/v1/indicators/{}", row["id"])).await);
    assert_eq!(detail["plan_history"].as_array().unwrap().len(), 2);
    assert_ne!(lines(&body(&staff.get(&late).await))["status"], "missed");
    let project_id = with_conn(&s.app, |c| coop_tracker::db::project::find_by_code(c, CODE).unwrap().unwrap().id);
    let actions = with_conn(&s.app, |c| coop_tracker::db::audit::list_actions(c, "project", project_id).unwrap());
    assert_eq!(actions, ["project.register", "project.baseline_freeze", "project.extend"]);

    let refusals: Vec<(Value, &str)> = vec![
        (json!({"new_end": "2027-01-31", "reason": "再次延期"}), "new_end"),
        (json!({"new_end": "2027-05-31", "reason": "再次延期"}), "new_end"),
        (json!({"new_end": "2027-12-31", "reason": "  "}), "reason"),
    ];
    for (request, field) in refusals {
        let refused = staff.json(Method::POST, &path, Some(request.clone())).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{request}: {}", refused.body);
        assert_eq!(fields(&refused), [field], "{request}");
    }
    assert_eq!(body(&staff.get(&format!("/api/v1/projects/{CODE}")).await)["execution_end"], "2027-05-31");

    with_conn(&s.app, |c| {
        use coop_tracker::db::schema::projects;
        use diesel::prelude::*;
        diesel::update(projects::table.filter(projects::code.eq(CODE)))
            .set(projects::state.eq("accepted"))
            .execute(c)
            .unwrap();
    });
    let closed = staff.json(Method::POST, &path, Some(json!({"new_end": "2027-12-31", "reason": "再次延期"}))).await;
    assert_eq!(closed.status, StatusCode::CONFLICT, "{}", closed.body);
    assert!(closed.body.contains("不能再修改"), "{}", closed.body);
}

#[actix_web::test]
async fn a_pi_sees_indicators_but_cannot_change_them() {
    let s = setup();
    let service = test::init_service(build_app(on(&s, "2025-06-01"))).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let project = body(&staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await);
    let id = indicator(&project, "集成示范应用生产线")["id"].as_i64().unwrap();
    let (_, pi_token) = s.app.token(s.pi, None);
    let mut pi = Browser::with_token(&service, &pi_token);

    assert_eq!(pi.get(&format!("/api/v1/indicators/{id}")).await.status, StatusCode::OK);
    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (Method::PATCH, format!("/api/v1/indicators/{id}"), Some(json!({"value": 1}))),
        (Method::PUT, format!("/api/v1/indicators/{id}/plan"), Some(json!({"schedule": "quarterly"}))),
        (
            Method::POST,
            format!("/api/v1/projects/{CODE}/indicators"),
            Some(json!({"phrase": "培养技术人员不少于40人次"})),
        ),
        (Method::POST, format!("/api/v1/projects/{CODE}/baseline"), None),
        (
            Method::POST,
            format!("/api/v1/projects/{CODE}/extension"),
            Some(json!({"new_end": "2027-05-31", "reason": "x"})),
        ),
    ];
    for (method, path, request) in attempts {
        assert_eq!(pi.json(method.clone(), &path, request).await.status, StatusCode::FORBIDDEN, "{method} {path}");
    }
    let after = body(&staff.get(&format!("/api/v1/projects/{CODE}")).await);
    assert_eq!((after["indicators"].as_array().unwrap().len(), &after["baseline_frozen_at"]), (9, &Value::Null));
    assert_eq!(indicator(&after, "集成示范应用生产线")["value"], 10.0);

    let other = s.app.user("stranger-pi@example.org", coop_tracker::domain::role::Role::Pi);
    let (_, other_token) = s.app.token(other, None);
    let mut stranger = Browser::with_token(&service, &other_token);
    assert_eq!(stranger.get(&format!("/api/v1/indicators/{id}")).await.status, StatusCode::NOT_FOUND);

    let doc = staff.get("/api/v1/openapi.json").await.body;
    for path in
        ["/api/v1/indicators/{id}/plan", "/api/v1/projects/{code}/extension", "/api/v1/projects/{code}/baseline"]
    {
        assert!(doc.contains(path), "{path} is documented");
    }
}

#[actix_web::test]
async fn staff_change_indicators_on_their_pages_and_see_errors_in_their_language() {
    let s = setup();
    let service = test::init_service(build_app(on(&s, "2025-06-01"))).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let project = body(&api.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await);
    let lines = indicator(&project, "集成示范应用生产线")["id"].as_i64().unwrap();
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;

    let page = staff.get(&format!("/projects/{CODE}")).await;
    let link = format!("href=\"/indicators/{lines}?as_of=2025-06-01\"");
    assert!(page.body.contains(&link), "each indicator links to its page as of the same date");
    assert!(page.body.contains(&format!("action=\"/projects/{CODE}/baseline\"")));
    assert!(page.body.contains("id=\"extension\""));

    let path = format!("/indicators/{lines}");
    let form = |value: &'static str| -> Vec<(&'static str, &'static str)> {
        vec![
            ("metric", "集成示范应用生产线"),
            ("condition", ""),
            ("op", ">="),
            ("value", value),
            ("min", ""),
            ("max", ""),
            ("unit", "条"),
            ("change", ""),
            ("baseline", ""),
            ("aggregation", "latest"),
            ("weight", "1"),
            ("class", "technical"),
            ("reason", ""),
        ]
    };
    let refused = staff.post(&path, &form("十二")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("请输入数字"), "{}", refused.body);
    assert!(refused.body.contains("value=\"十二\""), "the form keeps what was typed");
    assert_eq!(body(&api.get(&format!("/api/v1/indicators/{lines}")).await)["target"]["value"], 10.0);

    let saved = staff.post(&path, &form("12")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = staff.get(&path).await;
    assert!(page.body.contains("不低于 12 条"), "{}", page.body);
    assert!(
        page.body.contains("id=\"revisions\"") && page.body.contains("不低于 10 条"),
        "the revision shows before and after"
    );

    let bad_plan = staff.post(&format!("{path}/plan"), &[("profile", "manual"), ("checkpoints", "2026-13-01 5")]).await;
    assert_eq!(bad_plan.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_plan.body.contains("请填写有效日期"), "{}", bad_plan.body);
    let plan = staff.post(&format!("{path}/plan"), &[("schedule", "half_yearly"), ("profile", "linear")]).await;
    assert_eq!(plan.status, StatusCode::SEE_OTHER, "{}", plan.body);
    let page = staff.get(&path).await;
    assert!(page.body.contains("id=\"plan-history\"") && page.body.contains("半年"), "{}", page.body);

    let deliverable = indicator(&project, "人工智能工艺优化技术")["id"].as_i64().unwrap();
    let deliverable_page = staff.get(&format!("/indicators/{deliverable}")).await;
    assert!(deliverable_page.body.contains("name=\"due_on\"") && !deliverable_page.body.contains("name=\"schedule\""));
    let new_form = staff.get(&format!("/projects/{CODE}/indicators/new")).await;
    assert_eq!(new_form.status, StatusCode::OK);
    assert!(new_form.body.contains("name=\"phrase\""));
    let unreadable = staff.post(&format!("/projects/{CODE}/indicators"), &[("phrase", "加强交流")]).await;
    assert_eq!(unreadable.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unreadable.body.contains("无法从这段文字中识别出考核指标"), "{}", unreadable.body);
    let added = staff.post(&format!("/projects/{CODE}/indicators"), &[("phrase", "发表高水平论文不少于3篇")]).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let new_page = staff.get(added.location()).await;
    assert!(new_page.body.contains("不低于 3 篇"), "{}", new_page.body);

    for (metric, baseline) in [("产量", "120"), ("产量波动", "8")] {
        let id = indicator(&project, metric)["id"].as_i64().unwrap();
        api.json(
            Method::PATCH,
            &format!("/api/v1/indicators/{id}"),
            Some(baseline_record(baseline.parse::<f64>().unwrap())),
        )
        .await;
    }
    let frozen = staff.post(&format!("/projects/{CODE}/baseline"), &[]).await;
    assert_eq!(frozen.status, StatusCode::SEE_OTHER, "{}", frozen.body);
    assert!(staff.get(&format!("/projects/{CODE}")).await.body.contains("冻结于"));
    let twice = staff.post(&format!("/projects/{CODE}/baseline"), &[]).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(twice.body.contains("不能重复冻结"), "{}", twice.body);
    let no_reason = staff.post(&path, &form("13")).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("须填写修改原因"), "{}", no_reason.body);
    let mut with_reason = form("13");
    with_reason.retain(|(name, _)| *name != "reason");
    with_reason.push(("reason", "任务书变更"));
    assert_eq!(staff.post(&path, &with_reason).await.status, StatusCode::SEE_OTHER);
    let project_page = staff.get(&format!("/projects/{CODE}")).await;
    assert!(project_page.body.contains("冻结时目标 不低于 12 条"), "{}", project_page.body);
    assert!(!project_page.body.contains("基线冻结后新增"), "the 论文 indicator was added before the freeze");

    staff.get("/lang/en").await;
    let earlier =
        staff.post(&format!("/projects/{CODE}/extension"), &[("new_end", "2026-06-30"), ("reason", "delay")]).await;
    assert_eq!(earlier.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(earlier.body.contains("The new end date must be after the current end date."), "{}", earlier.body);
    let extended =
        staff.post(&format!("/projects/{CODE}/extension"), &[("new_end", "2027-03-31"), ("reason", "delay")]).await;
    assert_eq!(extended.status, StatusCode::SEE_OTHER, "{}", extended.body);
    assert_eq!(body(&api.get(&format!("/api/v1/projects/{CODE}")).await)["execution_end"], "2027-03-31");
}

#[actix_web::test]
async fn a_pi_reads_the_indicator_page_without_its_forms() {
    let s = setup();
    let service = test::init_service(build_app(on(&s, "2025-06-01"))).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let project = body(&api.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await);
    let lines = indicator(&project, "集成示范应用生产线")["id"].as_i64().unwrap();
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;

    let page = pi.get(&format!("/indicators/{lines}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("集成示范应用生产线") && !page.body.contains("id=\"edit\""), "{}", page.body);
    assert!(!pi.get(&format!("/projects/{CODE}")).await.body.contains("id=\"extension\""));
    let attempt = pi.post(&format!("/indicators/{lines}"), &[("op", ">="), ("value", "1"), ("weight", "1")]).await;
    assert_eq!(attempt.status, StatusCode::FORBIDDEN);
    assert_eq!(pi.post(&format!("/projects/{CODE}/baseline"), &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(body(&api.get(&format!("/api/v1/indicators/{lines}")).await)["target"]["value"], 10.0);
}
