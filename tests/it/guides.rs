//! Importing call guides: the command line, the staff pages (upload, review beside the source,
//! correct, save) and the JSON API, with re-imports and their refusal when projects depend on a
//! changed indicator.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::db::guide;
use coop_tracker::domain::role::Role;
use coop_tracker::web::build_app;
use serde_json::{Value, json};

use crate::common::{Browser, TestApp, test_now, with_conn};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/guides").join(name))
        .unwrap()
}

fn guide_2024() -> String {
    fixture("2024-domestic-cooperation.md")
}

/// Registers a project under the first direction whose first template it copies, as issue 4's
/// registration will; enough for the re-import rules.
fn project_using_first_template(app: &TestApp, guide_id: i64) -> String {
    use coop_tracker::db::schema::{directions, indicator_templates, indicators, institutions, projects, topics};
    use diesel::prelude::*;
    let pi = app.user("pi@example.org", Role::Pi);
    with_conn(app, |conn| {
        let (direction_id, start, end): (i64, chrono::NaiveDate, chrono::NaiveDate) = directions::table
            .inner_join(topics::table)
            .filter(topics::guide_id.eq(guide_id))
            .order((topics::number.asc(), directions::position.asc()))
            .select((directions::id, directions::execution_start, directions::execution_end))
            .first(conn)
            .unwrap();
        let (template_id, metric, op, value): (i64, String, String, Option<f64>) = indicator_templates::table
            .filter(indicator_templates::direction_id.eq(direction_id))
            .filter(indicator_templates::op.ne("deliverable"))
            .order(indicator_templates::position.asc())
            .select((
                indicator_templates::id,
                indicator_templates::metric,
                indicator_templates::op,
                indicator_templates::value,
            ))
            .first(conn)
            .unwrap();
        let institution: i64 = diesel::insert_into(institutions::table)
            .values((
                institutions::name.eq("华东理工大学"),
                institutions::in_shanghai.eq(true),
                institutions::created_at.eq(test_now()),
                institutions::updated_at.eq(test_now()),
            ))
            .returning(institutions::id)
            .get_result(conn)
            .unwrap();
        let project: i64 = diesel::insert_into(projects::table)
            .values((
                projects::code.eq("SH-2024-001"),
                projects::title.eq("合成生物产业升级"),
                projects::direction_id.eq(direction_id),
                projects::lead_institution_id.eq(institution),
                projects::pi_user_id.eq(pi),
                projects::funding_yuan.eq(1_500_000i64),
                projects::execution_start.eq(start),
                projects::execution_end.eq(end),
                projects::original_end.eq(end),
                projects::created_at.eq(test_now()),
                projects::updated_at.eq(test_now()),
            ))
            .returning(projects::id)
            .get_result(conn)
            .unwrap();
        diesel::insert_into(indicators::table)
            .values((
                indicators::project_id.eq(project),
                indicators::template_id.eq(template_id),
                indicators::position.eq(1),
                indicators::metric.eq(&metric),
                indicators::op.eq(&op),
                indicators::value.eq(value),
                indicators::created_at.eq(test_now()),
                indicators::updated_at.eq(test_now()),
            ))
            .execute(conn)
            .unwrap();
        metric
    })
}

#[actix_web::test]
async fn staff_upload_review_correct_and_save_a_guide() {
    let app = TestApp::new();
    app.user("staff@example.org", Role::Staff);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;

    let text = guide_2024();
    let preview =
        staff.post_multipart("/guides/preview", &[("text", "")], &[("file", "指南.md", text.as_bytes())]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("沪科指南〔2024〕42号"));
    assert!(preview.body.contains("<dd id=\"file-name\">指南.md</dd>"), "the uploaded file is named");
    assert!(preview.body.contains("<mark id=\"src-i-0-0-1\""), "indicators are linked to their source words");
    assert!(preview.body.contains("name=\"i-0-0-1-value\" value=\"95\""), "the parsed target is editable");

    // Correct the first direction's accuracy target from 95 % to 96 %, and save.
    let mut fields: Vec<(&str, &str)> = vec![("source", text.as_str()), ("i-0-0-1-value", "96")];
    let saved = staff.post("/guides", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let id: i64 = saved.location().trim_start_matches("/guides/").split('?').next().unwrap().parse().unwrap();
    let stored = with_conn(&app, |c| guide::find(c, id).unwrap().unwrap());
    assert_eq!(stored.topics.len(), 3);
    let accuracy = &stored.topics[0].directions[0].indicators[1].indicator;
    assert_eq!(accuracy.value, Some(96.0));
    assert_eq!(accuracy.confidence, 1.0);
    assert!(accuracy.source.contains("95%"), "the source span is kept: {}", accuracy.source);

    let show = staff.get(&format!("/guides/{id}")).await;
    assert_eq!(show.status, StatusCode::OK);
    assert!(show.body.contains("新疆维吾尔自治区") && show.body.contains("对口地区"), "regions are listed");
    assert!(staff.get("/guides").await.body.contains("沪科指南〔2024〕42号"));

    // An invalid correction re-shows the form with the message and stores nothing new.
    fields[1] = ("i-0-0-1-value", "很多");
    let refused = staff.post("/guides", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("请输入数字"), "{}", refused.body);
    let unchanged = with_conn(&app, |c| guide::find(c, id).unwrap().unwrap());
    assert_eq!(unchanged.topics[0].directions[0].indicators[1].indicator.value, Some(96.0));
}

#[actix_web::test]
async fn unreadable_uploads_name_the_line_and_store_nothing() {
    let app = TestApp::new();
    app.user("staff@example.org", Role::Staff);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;

    let broken = b"\xe6\xb2\xaa\xe7\xa7\x91\n\xff\xfe\xfd garbage\n";
    let page = staff.post_multipart("/guides/preview", &[], &[("file", "guide.txt", broken)]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("第 2 行") && page.body.contains("UTF-8"), "{}", page.body);

    let page = staff.post_multipart("/guides/preview", &[("text", "这不是一份指南。")], &[]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("没有找到专题标题"), "{}", page.body);

    // Parsed but not storable: no execution period.
    let undated = "沪科指南〔2025〕3号\n专题一、测试专题\n方向1. 测试方向\n考核指标：建立平台不少于1个。\n";
    let page = staff.post("/guides", &[("source", undated)]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("第 3 行") && page.body.contains("没有执行期限"), "{}", page.body);

    let big = vec![b'a'; coop_tracker::web::upload::MAX_GUIDE_BYTES + 1];
    let page = staff.post_multipart("/guides/preview", &[], &[("file", "big.txt", &big)]).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(with_conn(&app, |c| guide::list(c).unwrap()).is_empty());
}

#[actix_web::test]
async fn guide_pages_are_for_staff_only() {
    let app = TestApp::new();
    app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    for path in ["/guides", "/guides/new"] {
        assert_eq!(pi.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let text = guide_2024();
    assert_eq!(pi.post("/guides", &[("source", &text)]).await.status, StatusCode::FORBIDDEN);
    assert!(with_conn(&app, |c| guide::list(c).unwrap()).is_empty());
}

#[actix_web::test]
async fn the_api_imports_lists_shows_and_dry_runs_guides() {
    let app = TestApp::new();
    let staff = app.user("staff@example.org", Role::Staff);
    let (_, token) = app.token(staff, None);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut client = Browser::with_token(&service, &token);

    let dry = client.json(Method::POST, "/api/v1/guides", Some(json!({"text": guide_2024(), "dry_run": true}))).await;
    assert_eq!(dry.status, StatusCode::OK);
    let parse: Value = serde_json::from_str(&dry.body).unwrap();
    assert_eq!(parse["doc_number"], "沪科指南〔2024〕42号");
    assert!(client.get("/api/v1/guides").await.body == "[]", "a dry run stores nothing");

    let created = client.json(Method::POST, "/api/v1/guides", Some(json!({"text": guide_2024()}))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let created: Value = serde_json::from_str(&created.body).unwrap();
    assert_eq!(created["created"], true);
    let id = created["guide"]["id"].as_i64().unwrap();
    let first = &created["guide"]["topics"][0]["directions"][0];
    assert_eq!(first["execution_start"], "2024-12-01");
    assert_eq!(first["funding_cap_yuan"], 1_500_000);
    assert_eq!(first["indicators"][1]["op"], ">=");
    assert_eq!(first["indicators"][1]["unit"], "%");

    let again = client.json(Method::POST, "/api/v1/guides", Some(json!({"text": guide_2024()}))).await;
    assert_eq!(again.status, StatusCode::OK, "a re-import updates in place");
    let again: Value = serde_json::from_str(&again.body).unwrap();
    assert_eq!((again["created"].as_bool(), again["guide"]["id"].as_i64()), (Some(false), Some(id)));

    let listed: Value = serde_json::from_str(&client.get("/api/v1/guides").await.body).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let shown = client.get(&format!("/api/v1/guides/{id}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(client.get("/api/v1/guides/999999").await.status, StatusCode::NOT_FOUND);

    let garbage = client.json(Method::POST, "/api/v1/guides", Some(json!({"text": "随便写点什么"}))).await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = serde_json::from_str(&garbage.body).unwrap();
    assert!(error["error"]["message"].as_str().unwrap().starts_with("第 1 行"), "{error}");
}

#[actix_web::test]
async fn re_import_refuses_to_change_an_indicator_a_project_uses_and_says_which() {
    let app = TestApp::new();
    let staff = app.user("staff@example.org", Role::Staff);
    let (_, token) = app.token(staff, None);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut client = Browser::with_token(&service, &token);
    let created = client.json(Method::POST, "/api/v1/guides", Some(json!({"text": guide_2024()}))).await;
    let id = serde_json::from_str::<Value>(&created.body).unwrap()["guide"]["id"].as_i64().unwrap();
    let metric = project_using_first_template(&app, id);

    // The same text again is fine: nothing a project uses changes.
    let same = client.json(Method::POST, "/api/v1/guides", Some(json!({"text": guide_2024()}))).await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.body);

    let changed = guide_2024().replacen("不低于95%", "不低于98%", 1);
    let refused = client.json(Method::POST, "/api/v1/guides", Some(json!({"text": changed}))).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    let message =
        serde_json::from_str::<Value>(&refused.body).unwrap()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("SH-2024-001") && message.contains(&metric), "{message}");
    let stored = with_conn(&app, |c| guide::find(c, id).unwrap().unwrap());
    let values: Vec<_> = stored.topics[0].directions[0].indicators.iter().filter_map(|t| t.indicator.value).collect();
    assert!(values.contains(&95.0) && !values.contains(&98.0), "nothing changed: {values:?}");
}

/// A guide that can be imported but has what staff must check: words of a 考核指标 that name a
/// target with no number (line 4), and a direction from which no indicator is read (line 6).
const WARNED: &str = "沪科指南〔2025〕9号\n专题一、测试专题\n方向1. 第一方向\n考核指标：示范推广种植面积显著扩大；建立平台不少于1个。\n执行期限：2025年1月1日至2026年12月31日。\n方向2. 第二方向\n研究目标：开展联合研究。\n执行期限：2025年1月1日至2026年12月31日。\n";

/// The (line, code, message) of each warning in an API answer.
fn warnings_of(body: &str) -> Vec<(i64, String, String)> {
    let value: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    value["warnings"]
        .as_array()
        .unwrap_or_else(|| panic!("no warnings in {body}"))
        .iter()
        .map(|w| {
            (w["line"].as_i64().unwrap(), w["code"].as_str().unwrap().into(), w["message"].as_str().unwrap().into())
        })
        .collect()
}

/// The warnings the preview page lists, as text.
fn page_warnings(body: &str) -> Vec<String> {
    let Some(list) = body.split("id=\"guide-warnings\">").nth(1) else { return Vec::new() };
    let list = list.split("</ul>").next().unwrap_or_default();
    list.split("<li")
        .skip(1)
        .map(|item| item.split_once('>').unwrap().1.split("</li>").next().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn the_preview_the_dry_run_and_the_import_give_the_same_warnings_in_the_users_language() {
    let app = TestApp::new();
    let staff = app.user("staff@example.org", Role::Staff);
    let (_, token) = app.token(staff, None);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut client = Browser::with_token(&service, &token);
    let mut page = Browser::new(&service);
    page.login("staff@example.org").await;

    let dry = client.json(Method::POST, "/api/v1/guides", Some(json!({"text": WARNED, "dry_run": true}))).await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    let warned = warnings_of(&dry.body);
    let found: Vec<_> = warned.iter().map(|(line, code, _)| (*line, code.as_str())).collect();
    assert_eq!(found, [(4, "unread"), (6, "no_indicators")]);
    assert!(warned[0].2.starts_with("第 4 行：") && warned[0].2.contains("示范推广种植面积显著扩大"), "{warned:?}");
    assert!(warned[1].2.starts_with("第 6 行：") && warned[1].2.contains("专题1方向2"), "{warned:?}");

    let preview = page.post_multipart("/guides/preview", &[("text", WARNED)], &[]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let listed = page_warnings(&preview.body);
    assert_eq!(listed, warned.iter().map(|w| w.2.clone()).collect::<Vec<_>>(), "the page words them as the API");

    let english = client
        .request(
            test::TestRequest::post()
                .uri("/api/v1/guides")
                .insert_header(("accept-language", "en"))
                .set_json(json!({"text": WARNED, "dry_run": true})),
        )
        .await;
    let english = warnings_of(&english.body);
    assert!(english[0].2.starts_with("Line 4: ") && english[1].2.starts_with("Line 6: "), "{english:?}");

    let imported = client.json(Method::POST, "/api/v1/guides", Some(json!({"text": WARNED}))).await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.body);
    assert_eq!(warnings_of(&imported.body), warned, "the import reports what the dry run did");
}

#[actix_web::test]
async fn a_guide_the_import_refuses_is_refused_by_the_dry_run_and_the_preview_at_the_same_line() {
    let app = TestApp::new();
    let staff = app.user("staff@example.org", Role::Staff);
    let (_, token) = app.token(staff, None);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut client = Browser::with_token(&service, &token);
    let mut page = Browser::new(&service);
    page.login("staff@example.org").await;

    let unnumbered = WARNED.replacen("沪科指南〔2025〕9号", "上海市科学技术委员会", 1);
    let misdated = WARNED.replacen("2026年12月31日", "2026年2月30日", 1);
    for (text, line, words) in [(unnumbered, 1, "没有找到文号"), (misdated, 5, "读不出有效的起止日期")]
    {
        let mut messages = Vec::new();
        for dry_run in [true, false] {
            let answer =
                client.json(Method::POST, "/api/v1/guides", Some(json!({"text": text, "dry_run": dry_run}))).await;
            assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "dry run {dry_run}: {}", answer.body);
            let error: Value = serde_json::from_str(&answer.body).unwrap();
            messages.push(error["error"]["message"].as_str().unwrap().to_owned());
        }
        assert_eq!(messages[0], messages[1], "the dry run refuses as the import does");
        assert!(messages[0].starts_with(&format!("第 {line} 行：")) && messages[0].contains(words), "{messages:?}");

        let preview = page.post_multipart("/guides/preview", &[("text", &text)], &[]).await;
        assert_eq!(preview.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(preview.body.contains(&messages[0]), "the preview says the same: {}", preview.body);
        assert!(!preview.body.contains("id=\"save-guide\""), "saving is not offered");
        let saved = page.post("/guides", &[("source", &text)]).await;
        assert_eq!(saved.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(saved.body.contains(&messages[0]), "saving refuses at the same line: {}", saved.body);
    }
    assert!(with_conn(&app, |c| guide::list(c).unwrap()).is_empty(), "nothing was stored");
}

/// Letters typed for digits in 考核指标 (I个, l项, O篇, a full-width Ｉ) on lines 4 and 5: besides one
/// target a clause still gives, nothing to import but warnings quoting them.
const LETTERS: &str = "沪科指南〔2025〕9号\n专题一、测试专题\n方向1. 第一方向\n考核指标：培育新品种I个以上、推广面积1000亩；发表论文O篇；\n申请专利不少于Ｉ个；授权发明专利l项。\n执行期限：2025年1月1日至2026年12月31日。\n";

#[actix_web::test]
async fn a_letter_for_a_digit_is_a_warning_naming_the_line_and_the_letters_in_preview_dry_run_and_import() {
    let app = TestApp::new();
    let staff = app.user("staff@example.org", Role::Staff);
    let (_, token) = app.token(staff, None);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut client = Browser::with_token(&service, &token);
    let mut page = Browser::new(&service);
    page.login("staff@example.org").await;

    let dry = client.json(Method::POST, "/api/v1/guides", Some(json!({"text": LETTERS, "dry_run": true}))).await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    let warned = warnings_of(&dry.body);
    let found: Vec<_> = warned.iter().map(|(line, code, _)| (*line, code.as_str())).collect();
    assert_eq!(
        found,
        [(4, "letter_for_digit"), (4, "letter_for_digit"), (5, "letter_for_digit"), (5, "letter_for_digit")]
    );
    for ((_, _, message), (line, letters)) in
        warned.iter().zip([(4, "“I个”"), (4, "“O篇”"), (5, "“I个”"), (5, "“l项”")])
    {
        assert!(message.starts_with(&format!("第 {line} 行：")), "{message}");
        assert!(message.contains(letters) && message.contains("疑似字母代替数字"), "{message}");
    }
    let parse: Value = serde_json::from_str(&dry.body).unwrap();
    let read: Vec<&str> = parse["topics"][0]["directions"][0]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metric"].as_str().unwrap())
        .collect();
    assert_eq!(read, ["推广面积"], "no digit guessed, no deliverable made of the letters");

    let preview = page.post_multipart("/guides/preview", &[("text", LETTERS)], &[]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_eq!(page_warnings(&preview.body), warned.iter().map(|w| w.2.clone()).collect::<Vec<_>>());

    let english = client
        .request(
            test::TestRequest::post()
                .uri("/api/v1/guides")
                .insert_header(("accept-language", "en"))
                .set_json(json!({"text": LETTERS, "dry_run": true})),
        )
        .await;
    let english = warnings_of(&english.body);
    assert!(
        english[1].2.starts_with("Line 4: ") && english[1].2.contains("a letter where a digit is expected"),
        "{english:?}"
    );
    assert!(english[1].2.contains("“O篇”"), "{english:?}");

    let imported = client.json(Method::POST, "/api/v1/guides", Some(json!({"text": LETTERS}))).await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.body);
    assert_eq!(warnings_of(&imported.body), warned, "the import reports what the dry run did");
    let stored = with_conn(&app, |c| guide::list(c).unwrap());
    let stored = with_conn(&app, |c| guide::find(c, stored[0].id).unwrap().unwrap());
    let metrics: Vec<&str> =
        stored.topics[0].directions[0].indicators.iter().map(|t| t.indicator.metric.as_str()).collect();
    assert_eq!(metrics, ["推广面积"]);
}

/// A guide of nothing but short indicator phrases, `bytes` long: what makes a parse far larger than
/// its text.
fn indicator_soup(bytes: usize) -> String {
    let mut text = String::from("沪科指南〔2024〕42号\n专题一、攻关\n");
    let mut n = 0;
    while text.len() < bytes {
        n += 1;
        let phrases: Vec<String> = (1..40).map(|k| format!("指标{k}不少于{k}种")).collect();
        text.push_str(&format!(
            "方向{n}. 研究{n}\n考核指标：{}。\n执行期限：2024年12月1日至2026年11月30日。\n",
            phrases.join("；")
        ));
    }
    text
}

#[actix_web::test]
async fn a_dry_run_that_would_answer_megabytes_is_refused_with_its_size() {
    let app = TestApp::new();
    let staff = app.user("staff@example.org", Role::Staff);
    let (_, token) = app.token(staff, None);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut client = Browser::with_token(&service, &token);

    // Within the body limit (256 KB), a parse of about 1.5 MB: it was sent whole.
    let soup = indicator_soup(240 * 1024);
    let refused = client.json(Method::POST, "/api/v1/guides", Some(json!({"text": soup, "dry_run": true}))).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", &refused.body[..refused.body.len().min(300)]);
    assert!(refused.body.len() < 4096, "a short answer, not the parse: {} bytes", refused.body.len());
    let message = body_message(&refused.body);
    assert!(message.contains("超过 1024 KB 的上限"), "{message}");
    let size: usize = message.split("结果有 ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(size > 1024, "the size it would have had: {message}");
    assert!(client.get("/api/v1/guides").await.body == "[]", "nothing stored");

    // A real guide, and a smaller soup, are answered as before.
    let real = client.json(Method::POST, "/api/v1/guides", Some(json!({"text": guide_2024(), "dry_run": true}))).await;
    assert_eq!(real.status, StatusCode::OK);
    let small = client
        .json(Method::POST, "/api/v1/guides", Some(json!({"text": indicator_soup(20 * 1024), "dry_run": true})))
        .await;
    assert_eq!(small.status, StatusCode::OK);
}

fn body_message(body: &str) -> String {
    serde_json::from_str::<Value>(body).unwrap()["error"]["message"].as_str().unwrap().to_owned()
}
