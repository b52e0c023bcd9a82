//! Relative targets (产量提升10%以上) from registration to report: evidence is the measured quantity in
//! the baseline's unit, never the percentage; without a recorded baseline (value, unit, date, source)
//! nothing can be reported and the refusal says who must record it; the form shows the baseline and
//! previews the change; once accepted, the indicator, its page, the API and the report agree on
//! "112 吨（较基线 +12.0 %）" and 达标.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::db::schema::evidence;
use coop_tracker::web::build_app;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::{Browser, with_conn};
use crate::evidence::api::upload;
use crate::projects::{body, registration, setup};
use crate::reports::pdf_text;

const CODE: &str = "SH-KJ-2024-001";

fn evidence_count(app: &crate::common::TestApp) -> i64 {
    with_conn(app, |c| evidence::table.count().get_result(c).unwrap())
}

fn fields(page: &crate::common::Page) -> Vec<String> {
    body(page)["error"]["fields"]
        .as_array()
        .map(|f| f.iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

#[actix_web::test]
async fn a_pi_reports_the_measured_quantity_and_the_change_is_computed_from_the_recorded_baseline() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let project = body(&staff.json(Method::POST, "/api/v1/projects", Some(registration(s.direction_id))).await);
    let output = project["indicators"].as_array().unwrap().iter().find(|i| i["metric"] == "产量").unwrap();
    assert_eq!((output["change"].as_str(), output["unit"].as_str()), (Some("increase"), Some("%")), "{output}");
    let id = output["id"].as_i64().unwrap();
    let path = format!("/indicators/{id}/evidence");

    // No baseline yet: the form asks for nothing in %, and a report is refused, naming who sets it.
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let form = pi.get(&format!("/indicators/{id}")).await;
    assert!(!form.body.contains("数值 (%)"), "a relative target is never reported in %");
    assert!(form.body.contains("请联系科委项目主管先登记基线"), "the form says who must set the baseline");
    let refused = pi.post_multipart(&path, &[("value", "12"), ("measured_on", "2025-06-01")], &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("尚未登记基线"), "{}", refused.body);
    let mut api = Browser::with_token(&service, &s.app.token(s.pi, None).1);
    let over_api = upload(&mut api, id, &[("value", "12"), ("measured_on", "2025-06-01")], &[]).await;
    assert_eq!(over_api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", over_api.body);
    assert_eq!(fields(&over_api), ["value"]);
    assert_eq!(evidence_count(&s.app), 0, "a refused report stores nothing");

    // A baseline is a measurement: its value alone is refused, naming what is missing.
    let indicator = format!("/api/v1/indicators/{id}");
    let partial = staff.json(Method::PATCH, &indicator, Some(json!({"baseline": 100}))).await;
    assert_eq!(partial.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", partial.body);
    assert_eq!(fields(&partial), ["baseline_unit", "baseline_on", "baseline_source"]);
    let full = json!({"baseline": 100, "baseline_unit": "吨", "baseline_on": "2024-11-30", "baseline_source": "2024年生产统计报表"});
    let set = staff.json(Method::PATCH, &indicator, Some(full)).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(body(&set)["target"]["baseline_unit"], "吨");
    let page = pi.get(&format!("/indicators/{id}")).await;
    assert!(page.body.contains("<dd id=\"baseline-record\">100 吨（2024-11-30 测定，来源：2024年生产统计报表）</dd>"));

    // The form now asks for tons, shows the baseline beside the field and previews the change.
    let form = pi.get(&format!("/indicators/{id}")).await;
    assert!(form.body.contains("数值 (吨)"), "{}", form.body);
    assert!(form.body.contains("基线：100 吨（2024-11-30 测定，来源：2024年生产统计报表）"), "{}", form.body);
    assert!(form.body.contains("id=\"ev-change\""), "the preview's place");
    let annual = pi.get(&format!("/projects/{CODE}/annual-report")).await;
    assert!(annual.body.contains("aria-label=\"产量 数值\"> 吨"), "the annual report asks for tons too");
    // The PI who types "+12 %" is told to report the quantity; nothing is stored.
    let percent = pi.post_multipart(&path, &[("value", "12%"), ("measured_on", "2025-06-01")], &[]).await;
    assert_eq!(percent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(percent.body.contains("不要填写百分比"), "{}", percent.body);
    // A refused form shows the change the typed quantity would make.
    let undated = pi.post_multipart(&path, &[("value", "112吨"), ("measured_on", "")], &[]).await;
    assert_eq!(undated.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(undated.body.contains("较基线 +12.0 %"), "{}", undated.body);
    assert_eq!(evidence_count(&s.app), 0);

    let done = pi.post_multipart(&path, &[("value", "112"), ("measured_on", "2025-06-01")], &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let evidence_id: i64 = with_conn(&s.app, |c| evidence::table.select(evidence::id).first(c).unwrap());
    let review = staff
        .json(Method::POST, &format!("/api/v1/evidence/{evidence_id}/review"), Some(json!({"decision": "accept"})))
        .await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);

    // Every reading agrees: 112 吨 is +12 %, which meets 提升10%以上.
    let report = body(&staff.get(&format!("/api/v1/projects/{CODE}/indicators?as_of=2025-06-02")).await);
    let row: &Value = report.as_array().unwrap().iter().find(|i| i["id"] == id).unwrap();
    assert_eq!(row["status"], "achieved", "{row}");
    assert_eq!((row["current"].as_f64(), row["measured"].as_f64()), (Some(12.0), Some(112.0)), "{row}");
    let mut staff_pages = Browser::new(&service);
    staff_pages.login("staff@example.org").await;
    let page = staff_pages.get(&format!("/projects/{CODE}?as_of=2025-06-02")).await;
    assert!(page.body.contains("112 吨（较基线 +12.0 %）"), "{}", page.body);
    assert!(!page.body.contains("112 %"));
    let (status, pdf) = {
        let got = staff_pages
            .get(&format!("/projects/{CODE}/reports/generate?kind=progress&as_of=2025-06-02&format=pdf"))
            .await;
        (got.status, got.bytes.to_vec())
    };
    assert_eq!(status, StatusCode::OK);
    let text: String = pdf_text(&pdf).chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains("112吨（较基线+12.0%）"), "{text}");
}

/// Registers the test project over the API as staff and records the baseline of its 产量提升10%以上
/// (100 吨 on 2024-11-30); returns the indicator's id.
async fn output_with_baseline<S, B>(staff: &mut Browser<'_, S>, direction_id: i64) -> i64
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let project = body(&staff.json(Method::POST, "/api/v1/projects", Some(registration(direction_id))).await);
    let id = project["indicators"].as_array().unwrap().iter().find(|i| i["metric"] == "产量").unwrap()["id"]
        .as_i64()
        .unwrap();
    let baseline = json!({"baseline": 100, "baseline_unit": "吨", "baseline_on": "2024-11-30", "baseline_source": "2024年生产统计报表"});
    let set = staff.json(Method::PATCH, &format!("/api/v1/indicators/{id}"), Some(baseline)).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    id
}

/// The column of a CSV export headed `name`.
fn column(headers: &csv::StringRecord, name: &str) -> usize {
    headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {headers:?}"))
}

#[actix_web::test]
async fn the_dashboard_its_exports_the_forecast_and_the_chart_read_a_relative_target_as_the_pages_do() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let id = output_with_baseline(&mut api, s.direction_id).await;
    // 105 吨 against 100 吨 is +5 %, short of the +10 % planned at the mid-term check: overdue.
    crate::projects::verified(&s.app, id, s.pi, "2025-06-01", 105.0);

    let listed = body(&api.get("/api/v1/overdue?as_of=2026-01-15&limit=500").await);
    let item = listed["items"].as_array().unwrap().iter().find(|i| i["indicator_id"] == id).unwrap();
    assert_eq!(item["status"], "overdue", "{item}");
    let verified = item["verified"].as_f64().unwrap();
    assert!((verified - 5.0).abs() < 1e-9, "compared with the target in its own terms: {item}");
    assert_eq!((item["measured"].as_f64(), item["measured_unit"].as_str()), (Some(105.0), Some("吨")), "{item}");

    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let page = staff.get("/dashboard?as_of=2026-01-15").await;
    assert!(page.body.contains("<td data-label=\"已核实\">105 吨（较基线 +5.0 %）</td>"), "{}", page.body);

    // The export carries the same figures, each a number in its own column.
    let csv = staff.get("/dashboard/export.csv?as_of=2026-01-15").await;
    let mut reader = csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let row = reader.records().map(Result::unwrap).find(|r| &r[column(&headers, "指标")] == "产量").unwrap();
    let cell = |name: &str| row[column(&headers, name)].to_owned();
    assert_eq!(
        (cell("已核实"), cell("已核实值单位"), cell("较基线变化（%）")),
        ("105".into(), "吨".into(), "5".into())
    );
    assert_eq!(cell("单位"), "%", "the target's own unit stays beside the target");

    let xlsx = staff.get("/dashboard/export.xlsx?as_of=2026-01-15").await.bytes.to_vec();
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let range = workbook.worksheet_range_at(0).unwrap().unwrap();
    let at = |name: &str| column(&headers, name);
    let row = range.rows().skip(3).find(|r| r[at("指标")] == Data::String("产量".into())).unwrap();
    assert_eq!(
        (&row[at("已核实")], &row[at("已核实值单位")], &row[at("较基线变化（%）")]),
        (&Data::Float(105.0), &Data::String("吨".into()), &Data::Float(5.0))
    );

    // After the end the forecast is the change reached, in the same terms everywhere it is shown.
    let report = body(&api.get(&format!("/api/v1/projects/{CODE}/indicators?as_of=2026-12-01")).await);
    let row: &Value = report.as_array().unwrap().iter().find(|i| i["id"] == id).unwrap();
    let at_end = row["forecast"]["at_end"].as_f64().unwrap();
    assert!((at_end - 5.0).abs() < 1e-9, "the forecast is the change, as `current` is: {row}");
    let project = staff.get(&format!("/projects/{CODE}?as_of=2026-12-01")).await;
    assert!(
        project.body.contains("<td data-label=\"按进度预计到期末\">较基线 +5.0 %"),
        "the forecast column says what its % is: {}",
        project.body
    );
    let indicator = staff.get(&format!("/indicators/{id}?as_of=2026-12-01")).await;
    assert!(indicator.body.contains(">\n较基线变化 %\n</text>"), "the chart's value axis: {}", indicator.body);
    assert!(indicator.body.contains("预测 5%"), "the chart's forecast is the change, not 105: {}", indicator.body);
}

/// A form's fields as `Browser::post` takes them.
fn post(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The position in the test direction of the indicator whose metric is `metric`.
fn position(app: &crate::common::TestApp, direction_id: i64, metric: &str) -> i32 {
    with_conn(app, |c| coop_tracker::db::guide::direction_templates(c, direction_id).unwrap())
        .into_iter()
        .find(|t| t.indicator.metric == metric)
        .unwrap_or_else(|| panic!("no {metric}"))
        .position
}

fn project_count(app: &crate::common::TestApp) -> i64 {
    use coop_tracker::db::schema::projects;
    with_conn(app, |c| projects::table.count().get_result(c).unwrap())
}

#[actix_web::test]
async fn baselines_given_at_registration_over_the_api_are_whole_or_refused_naming_the_field() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let (output, fluctuation, accuracy) = (
        position(&s.app, s.direction_id, "产量"),
        position(&s.app, s.direction_id, "产量波动"),
        position(&s.app, s.direction_id, "发酵产量预测精度"),
    );
    let with = |baselines: Value| {
        let mut body = registration(s.direction_id);
        body["baselines"] = baselines;
        body
    };

    // A value alone is no baseline: each missing part is named, in the caller's language.
    let partial = with(json!([{"position": output, "baseline": 100}]));
    let refused = staff.json(Method::POST, "/api/v1/projects", Some(partial.clone())).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(
        fields(&refused),
        ["baselines[0].baseline_unit", "baselines[0].baseline_on", "baselines[0].baseline_source"]
    );
    assert!(refused.body.contains("请填写基线的计量单位"), "{}", refused.body);
    let english = staff
        .request(
            test::TestRequest::post()
                .uri("/api/v1/projects")
                .insert_header(("Accept-Language", "en"))
                .set_json(partial),
        )
        .await;
    assert!(english.body.contains("Enter the unit of the baseline"), "{}", english.body);

    // Every problem at once, the registration's own among them; nothing is stored.
    let full = |position: i32| {
        json!({"position": position, "baseline": 100, "baseline_unit": "吨", "baseline_on": "2024-11-30",
            "baseline_source": "2024年生产统计报表"})
    };
    let mut bad = with(json!([
        full(99),
        full(accuracy),
        {"position": output, "baseline": 0, "baseline_unit": "吨", "baseline_on": "2024-13-01", "baseline_source": "统计"},
        full(output),
        {"position": fluctuation},
    ]));
    bad["funding_wan_yuan"] = json!(1e6);
    let refused = staff.json(Method::POST, "/api/v1/projects", Some(bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(
        fields(&refused),
        [
            "funding_wan_yuan",
            "baselines[0].position",
            "baselines[1].position",
            "baselines[2].baseline",
            "baselines[2].baseline_on",
            "baselines[3].position",
            "baselines[4].baseline",
        ]
    );
    for message in
        ["所选方向没有这个序号的考核指标", "不是相对变化类指标", "基线值不能为 0", "基线日期须为日期", "只能填写一次"]
    {
        assert!(refused.body.contains(message), "{message}: {}", refused.body);
    }
    assert_eq!(project_count(&s.app), 0, "a refused registration stores nothing");

    // Whole baselines are recorded with the project: the PI can report against them at once.
    let mut fall = full(fluctuation);
    fall["baseline"] = json!(8.5);
    fall["baseline_unit"] = json!("%");
    let created = staff.json(Method::POST, "/api/v1/projects", Some(with(json!([full(output), fall])))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let project = body(&created);
    let indicator = |metric: &str| {
        project["indicators"].as_array().unwrap().iter().find(|i| i["metric"] == metric).unwrap().clone()
    };
    let recorded = indicator("产量");
    assert_eq!(
        (&recorded["baseline"], &recorded["baseline_unit"], &recorded["baseline_on"], &recorded["baseline_source"]),
        (&json!(100.0), &json!("吨"), &json!("2024-11-30"), &json!("2024年生产统计报表"))
    );
    assert_eq!(
        (&indicator("产量波动")["baseline"], &indicator("产量波动")["baseline_unit"]),
        (&json!(8.5), &json!("%"))
    );
    assert_eq!(indicator("发酵产量预测精度")["baseline"], Value::Null);
    // By code: on PostgreSQL the refused attempts above used up sequence values, so the id is not 1.
    let register = with_conn(&s.app, |c| {
        use coop_tracker::db::schema::projects;
        use diesel::prelude::*;
        let code = project["code"].as_str().unwrap();
        let id: i64 = projects::table.filter(projects::code.eq(code)).select(projects::id).first(c).unwrap();
        coop_tracker::db::audit::list_actions(c, "project", id).unwrap()
    });
    assert_eq!(register, ["project.register"], "recorded in the registration's own audit row");
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let id = recorded["id"].as_i64().unwrap();
    let form = pi.get(&format!("/indicators/{id}")).await;
    assert!(form.body.contains("基线：100 吨（2024-11-30 测定，来源：2024年生产统计报表）"), "{}", form.body);
    let path = format!("/indicators/{id}/evidence");
    let done = pi.post_multipart(&path, &[("value", "112"), ("measured_on", "2025-06-01")], &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

    let doc: Value = serde_json::from_str(&staff.get("/api/v1/openapi.json").await.body).unwrap();
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["NewProject"]["properties"]["baselines"]["items"]["$ref"], "#/components/schemas/BaselineInput");
    assert!(schemas["BaselineInput"]["properties"]["baseline_unit"].is_object(), "{}", schemas["BaselineInput"]);
}

#[actix_web::test]
async fn the_registration_form_asks_for_the_chosen_directions_baselines_beside_each_indicator() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let d = s.direction_id;
    let output = position(&s.app, d, "产量");
    let prefix = format!("baseline-{d}-{output}");
    let page = staff.get("/projects/new").await;
    assert!(page.body.contains(&format!("<fieldset class=\"baselines\" data-direction=\"{d}\"")), "{}", page.body);
    assert!(
        page.body.contains(&format!(
            "<fieldset class=\"baseline\" id=\"{prefix}\">\n      <legend>产量提升10%以上</legend>"
        ))
    );
    for part in ["value", "unit", "on", "source"] {
        assert!(page.body.contains(&format!("name=\"{prefix}-{part}\"")), "{part}");
    }

    let form = |extra: &[(String, &str)]| {
        let mut fields: Vec<(String, String)> = [
            ("code", "SH-KJ-2024-202"),
            ("title", "基于人工智能的合成生物产业升级关键技术"),
            ("direction_id", d.to_string().as_str()),
            ("lead_institution", "华东理工大学"),
            ("pi_email", "pi@example.org"),
            ("funding_wan_yuan", "150"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        fields.extend(extra.iter().map(|(k, v)| (k.clone(), (*v).to_owned())));
        fields
    };
    let part = |name: &str| format!("{prefix}-{name}");

    // Half a baseline: the missing parts are named beside their fields, what was typed is kept.
    let half = form(&[(part("value"), "100"), (part("unit"), "吨")]);
    let refused = staff.post("/projects", &post(&half)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains(&format!("id=\"{prefix}-on-error\">请填写基线的测定日期。")), "{}", refused.body);
    assert!(refused.body.contains(&format!("id=\"{prefix}-source-error\">请填写基线的来源")));
    assert!(refused.body.contains(&format!("name=\"{prefix}-unit\" value=\"吨\"")), "the typed unit is kept");
    let not_a_number =
        form(&[(part("value"), "一百"), (part("unit"), "吨"), (part("on"), "2024-11-30"), (part("source"), "年报")]);
    let refused = staff.post("/projects", &post(&not_a_number)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(&format!("id=\"{prefix}-value-error\">")), "{}", refused.body);
    // A baseline under a direction not chosen would be lost: refused, not dropped.
    let elsewhere = form(&[(format!("baseline-{}-1-value", d + 1000), "100")]);
    let refused = staff.post("/projects", &post(&elsewhere)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"baselines-error\">基线填写在未选择的方向下"), "{}", refused.body);
    let unknown = form(&[("baseline_of_everything".to_owned(), "1")]);
    assert_eq!(
        staff.post("/projects", &post(&unknown)).await.status,
        StatusCode::BAD_REQUEST,
        "unknown fields stay refused"
    );
    assert_eq!(project_count(&s.app), 0, "nothing stored");

    let whole = form(&[
        (part("value"), "1,200"),
        (part("unit"), "吨"),
        (part("on"), "2024-11-30"),
        (part("source"), "2024年生产统计报表"),
    ]);
    let done = staff.post("/projects", &post(&whole)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let target = with_conn(&s.app, |c| {
        let project = coop_tracker::db::project::find_by_code(c, "SH-KJ-2024-202").unwrap().unwrap();
        coop_tracker::db::project::tracked_indicators(c, project.id).unwrap()
    })
    .into_iter()
    .find(|i| i.metric == "产量")
    .unwrap()
    .target;
    assert_eq!(
        (
            target.baseline,
            target.baseline_unit.as_deref(),
            target.baseline_on.map(|d| d.to_string()),
            target.baseline_source.as_deref()
        ),
        (Some(1200.0), Some("吨"), Some("2024-11-30".to_owned()), Some("2024年生产统计报表"))
    );
}
