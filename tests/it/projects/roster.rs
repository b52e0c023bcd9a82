//! Importing project rosters (立项名单) from CSV and Excel over the API, the web page and the
//! command line: every bad row is reported with its spreadsheet row number and column, and a roster
//! is imported whole or not at all.

use actix_web::http::StatusCode;
use coop_tracker::db::schema::{audit_log, project_partners, projects, regions};
use coop_tracker::web::build_app;
use diesel::prelude::*;

use crate::common::{Browser, TestApp, with_conn};
use crate::projects::{body, setup};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rosters").join(name)).unwrap()
}

fn project_count(app: &TestApp) -> i64 {
    with_conn(app, |c| projects::table.count().get_result(c).unwrap())
}

/// (row, field) of each problem in a 422 body.
fn problems(page: &crate::common::Page) -> Vec<(i64, String)> {
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
    body(page)["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("no rows: {}", page.body))
        .iter()
        .map(|r| (r["row"].as_i64().unwrap(), r["field"].as_str().unwrap().to_owned()))
        .collect()
}

/// A roster workbook as staff fill it in Excel: real date cells, funding as numbers, the code of one
/// project typed as a number.
fn xlsx_roster() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let headers = [
        "项目编号",
        "项目名称",
        "方向",
        "承担单位",
        "合作单位",
        "项目负责人邮箱",
        "资助经费（万元）",
        "执行开始",
        "执行结束",
    ];
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    let rows = [
        (
            "SH-XL-001",
            "云南特色功能型花卉新种质创制",
            "沪科指南〔2024〕42号/1/3",
            "新疆大学；华东理工大学（上海）",
            88.0,
        ),
        ("SH-XL-002", "青海盐湖卤水提锂", "沪科指南〔2024〕42号/1/4", "", 150.0),
    ];
    for (i, (code, title, direction, partners, funding)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, *code).unwrap();
        sheet.write_string(row, 1, *title).unwrap();
        sheet.write_string(row, 2, *direction).unwrap();
        sheet.write_string(row, 3, "华东理工大学").unwrap();
        if !partners.is_empty() {
            sheet.write_string(row, 4, *partners).unwrap();
        }
        sheet.write_string(row, 5, "pi@example.org").unwrap();
        sheet.write_number(row, 6, *funding).unwrap();
        sheet.write_datetime_with_format(row, 7, ExcelDateTime::from_ymd(2025, 3, 1).unwrap(), &date).unwrap();
        sheet.write_datetime_with_format(row, 8, ExcelDateTime::from_ymd(2026, 9, 30).unwrap(), &date).unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

#[actix_web::test]
async fn a_csv_roster_is_imported_whole_and_a_second_import_is_refused_row_by_row() {
    let s = setup();
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);

    let page = api.post_multipart("/api/v1/projects/import", &[], &[("file", "名单.csv", &fixture("valid.csv"))]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let imported = body(&page);
    assert_eq!(imported["imported"], 3);
    assert_eq!(imported["codes"], serde_json::json!(["SH-KJ-2024-101", "SH-KJ-2024-102", "SH-KJ-2024-103"]));
    assert_eq!(project_count(&s.app), 3);

    // Each row is registered like a single registration: targets, audit row, partners with regions.
    let first = body(&api.get("/api/v1/projects/SH-KJ-2024-101").await);
    assert_eq!(first["indicators"].as_array().unwrap().len(), 9, "{first}");
    assert_eq!(first["contract_number"], "2024310000001234");
    assert_eq!(first["recommendation_ref"], "新科函〔2024〕88号");
    assert_eq!(first["execution_end"], "2026-11-30", "the direction's period when the cells are empty");
    let second = body(&api.get("/api/v1/projects/SH-KJ-2024-102").await);
    assert_eq!(
        (second["execution_start"].as_str(), second["execution_end"].as_str()),
        (Some("2025-01-01"), Some("2026-06-30"))
    );
    assert_eq!(second["funding_yuan"], 1_205_000);
    let third = body(&api.get("/api/v1/projects/SH-KJ-2024-103").await);
    assert_eq!(third["title"], "能力提升与需求挖掘, 南疆");
    assert_eq!(third["execution_end"], "2025-11-30", "专题3's only direction, counted though unnumbered");
    let registered: i64 = with_conn(&s.app, |c| {
        audit_log::table.filter(audit_log::action.eq("project.register")).count().get_result(c).unwrap()
    });
    assert_eq!(registered, 3);
    let region: Option<String> = with_conn(&s.app, |c| {
        project_partners::table
            .inner_join(regions::table)
            .inner_join(projects::table)
            .filter(projects::code.eq("SH-KJ-2024-101"))
            .select(regions::name)
            .first(c)
            .optional()
            .unwrap()
    });
    assert_eq!(region.as_deref(), Some("新疆维吾尔自治区"));

    let again =
        api.post_multipart("/api/v1/projects/import", &[], &[("file", "名单.csv", &fixture("valid.csv"))]).await;
    assert_eq!(problems(&again), [(2, "code".into()), (3, "code".into()), (4, "code".into())]);
    assert!(again.body.contains("该项目编号已被使用"), "{}", again.body);
    assert_eq!(project_count(&s.app), 3, "no duplicates");
}

#[actix_web::test]
async fn a_roster_with_bad_rows_reports_each_by_row_and_column_and_imports_nothing() {
    let s = setup();
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    assert_eq!(project_count(&s.app), 0);

    let page =
        api.post_multipart("/api/v1/projects/import", &[], &[("file", "bad.csv", &fixture("bad-rows.csv"))]).await;
    let expected: Vec<(i64, String)> = [
        (3, "funding_wan_yuan"),
        (4, "direction"),
        (5, "funding_wan_yuan"),
        (6, "execution"),
        (7, "pi_email"),
        (8, "code"),
        (9, "lead_institution"),
        (10, "execution_start"),
        (11, "pi_email"),
        (11, "funding_wan_yuan"),
    ]
    .into_iter()
    .map(|(row, field)| (row, field.to_owned()))
    .collect();
    assert_eq!(problems(&page), expected);
    let error = body(&page);
    assert_eq!(error["error"]["code"], "validation");
    assert!(error["error"]["message"].as_str().unwrap().contains("9 行有误"), "{error}");
    let messages: Vec<&str> =
        error["rows"].as_array().unwrap().iter().map(|r| r["message"].as_str().unwrap()).collect();
    assert!(messages[0].contains("超过了该方向的经费额度上限"), "{messages:?}");
    assert!(messages[2].contains("“一百”不是数字"), "{messages:?}");
    assert!(messages[5].contains("第 2 行"), "the duplicate names the first row: {messages:?}");
    assert_eq!(error["rows"][0]["column"], "资助经费（万元）");
    assert_eq!(project_count(&s.app), 0, "row 2 was valid but nothing is imported");
    let audited: i64 = with_conn(&s.app, |c| {
        audit_log::table.filter(audit_log::action.eq("project.register")).count().get_result(c).unwrap()
    });
    assert_eq!(audited, 0);

    // In the caller's language.
    api.headers.push(("accept-language".into(), "en".into()));
    let english =
        api.post_multipart("/api/v1/projects/import", &[], &[("file", "bad.csv", &fixture("bad-rows.csv"))]).await;
    let error = body(&english);
    assert_eq!(error["rows"][2]["message"], "“一百” is not a number.");
    assert_eq!(error["rows"][0]["column"], "Funding (in 10,000 yuan)");

    let missing =
        api.post_multipart("/api/v1/projects/import", &[], &[("file", "m.csv", &fixture("missing-columns.csv"))]).await;
    let found = problems(&missing);
    for field in ["header", "direction", "pi_email", "funding_wan_yuan"] {
        assert!(found.contains(&(1, field.to_owned())), "{field}: {found:?}");
    }
}

#[actix_web::test]
async fn a_dry_run_checks_against_the_database_and_stores_nothing() {
    let s = setup();
    let regions_before: i64 = with_conn(&s.app, |c| regions::table.count().get_result(c).unwrap());
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let page = api
        .post_multipart("/api/v1/projects/import?dry_run=true", &[], &[("file", "valid.csv", &fixture("valid.csv"))])
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let checked = body(&page);
    assert_eq!((checked["imported"].as_i64(), checked["dry_run"].as_bool()), (Some(0), Some(true)));
    assert_eq!(checked["codes"].as_array().unwrap().len(), 3);
    assert_eq!(project_count(&s.app), 0);
    // The workbook names a region the database does not know yet (上海).
    let page =
        api.post_multipart("/api/v1/projects/import?dry_run=true", &[], &[("file", "r.xlsx", &xlsx_roster())]).await;
    assert_eq!(body(&page)["codes"].as_array().unwrap().len(), 2, "{}", page.body);
    let regions_after: i64 = with_conn(&s.app, |c| regions::table.count().get_result(c).unwrap());
    assert_eq!(regions_after, regions_before, "not even the partners' regions are kept");
    // The multipart field works as the query parameter does.
    let page = api
        .post_multipart("/api/v1/projects/import", &[("dry_run", "true")], &[("file", "v.csv", &fixture("valid.csv"))])
        .await;
    assert_eq!(body(&page)["dry_run"], true);
    assert_eq!(project_count(&s.app), 0);
    let page = api
        .post_multipart("/api/v1/projects/import?dry_run=true", &[], &[("file", "bad.csv", &fixture("bad-rows.csv"))])
        .await;
    assert_eq!(problems(&page).len(), 10);
}

#[actix_web::test]
async fn an_excel_roster_with_date_cells_is_checked_then_confirmed_on_the_web_page() {
    let s = setup();
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let list = staff.get("/projects").await;
    assert!(list.body.contains("href=\"/projects/import\""), "the list links to the import");
    let form = staff.get("/projects/import").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("资助经费（万元）"), "the page lists the columns");

    let checked = staff.post_multipart("/projects/import/check", &[], &[("file", "名单.xlsx", &xlsx_roster())]).await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
    assert!(checked.body.contains("SH-XL-001") && checked.body.contains("SH-XL-002"), "{}", checked.body);
    assert!(checked.body.contains("确认导入 2 个项目"));
    assert_eq!(project_count(&s.app), 0, "checking stores nothing");

    let content = checked.body.split("name=\"content\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let done = staff.post_multipart("/projects/import", &[("content", &content)], &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/projects?done=imported");
    assert_eq!(project_count(&s.app), 2);
    let dates: Vec<(String, chrono::NaiveDate, chrono::NaiveDate)> = with_conn(&s.app, |c| {
        projects::table
            .order(projects::code.asc())
            .select((projects::code, projects::execution_start, projects::execution_end))
            .load(c)
            .unwrap()
    });
    assert_eq!(dates[0].1.to_string(), "2025-03-01", "a real date cell: {dates:?}");
    assert_eq!(dates[1].2.to_string(), "2026-09-30");
    assert!(staff.get("/projects?done=imported").await.body.contains("立项名单已导入"));
    let shanghai: i64 =
        with_conn(&s.app, |c| regions::table.filter(regions::name.eq("上海")).count().get_result(c).unwrap());
    assert_eq!(shanghai, 1, "the partner's region is created by a real import");

    // Confirming the same roster again (a double click, a back button) imports nothing twice.
    let twice = staff.post_multipart("/projects/import", &[("content", &content)], &[]).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("该项目编号已被使用"), "{}", twice.body);
    assert_eq!(project_count(&s.app), 2);

    let bad =
        staff.post_multipart("/projects/import/check", &[], &[("file", "bad.csv", &fixture("bad-rows.csv"))]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains(
            "<td data-label=\"行\">5</td><td data-label=\"列\">资助经费（万元）</td><td data-label=\"问题\">“一百”不是数字。</td>"
        ),
        "{}",
        bad.body
    );
    assert!(!bad.body.contains("confirm-import"), "no confirm step for a bad roster");
    let gbk = staff
        .post_multipart("/projects/import/check", &[], &[("file", "gbk.csv", &[0xCF, 0xEE, 0xC4, 0xBF, b'\n'])])
        .await;
    assert_eq!(gbk.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(gbk.body.contains("不是 UTF-8 编码"), "{}", gbk.body);
}

#[actix_web::test]
async fn a_pi_may_not_import_rosters() {
    let s = setup();
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    assert_eq!(pi.get("/projects/import").await.status, StatusCode::FORBIDDEN);
    let page = pi.post_multipart("/projects/import/check", &[], &[("file", "v.csv", &fixture("valid.csv"))]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(!pi.get("/projects").await.body.contains("/projects/import"), "no link for a PI");
    let (_, token) = s.app.token(s.pi, None);
    let mut api = Browser::with_token(&service, &token);
    let page = api.post_multipart("/api/v1/projects/import", &[], &[("file", "v.csv", &fixture("valid.csv"))]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(project_count(&s.app), 0);
}

#[test]
fn the_command_line_prints_each_problem_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let roster = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rosters/missing-columns.csv");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_coop-tracker"))
        .args(["--data-dir", dir.path().to_str().unwrap(), "project", "import", roster.to_str().unwrap(), "--dry-run"])
        .env_remove("DATABASE_URL")
        .env_remove("COOP_DATABASE_URL")
        .env("COOP_LOG", "warn")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines.iter().any(|l| l.contains("第 1 行，表头：无法识别的列“备注”。")), "{stderr}");
    assert!(lines.iter().any(|l| l.contains("第 1 行，方向：缺少必填列“方向”。")), "{stderr}");
    assert!(
        lines.last().unwrap().starts_with("error: ") && lines.last().unwrap().contains("未导入任何项目"),
        "{stderr}"
    );
}

#[test]
fn the_command_line_imports_a_roster_or_lists_every_bad_row() {
    use secrecy::ExposeSecret;
    let s = setup();
    let config = &s.app.state.config;
    let cli = |file: &str, dry_run: bool| {
        let roster = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rosters").join(file);
        let mut args = vec![
            "--data-dir".to_owned(),
            config.data_dir.to_str().unwrap().to_owned(),
            "--database-url".to_owned(),
            config.database.target.expose_secret().to_owned(),
            "project".to_owned(),
            "import".to_owned(),
            roster.to_str().unwrap().to_owned(),
        ];
        if dry_run {
            args.push("--dry-run".to_owned());
        }
        std::process::Command::new(env!("CARGO_BIN_EXE_coop-tracker"))
            .args(args)
            .env("COOP_LOG", "warn")
            .output()
            .unwrap()
    };

    let out = cli("bad-rows.csv", false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("第 3 行，资助经费（万元）：资助经费超过了该方向的经费额度上限。"), "{stderr}");
    assert!(stderr.contains("第 10 行，执行开始：“2024/13/40”不是有效日期"), "{stderr}");
    assert_eq!(stderr.lines().filter(|l| l.contains("行，")).count(), 10, "one line per problem: {stderr}");
    assert_eq!(project_count(&s.app), 0);

    let out = cli("valid.csv", true);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(project_count(&s.app), 0, "a dry run imports nothing");

    let out = cli("valid.csv", false);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("3 projects imported: SH-KJ-2024-101, SH-KJ-2024-102, SH-KJ-2024-103"), "{stdout}");
    assert_eq!(project_count(&s.app), 3);
}
