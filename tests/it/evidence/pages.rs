//! Logging progress and reviewing it through the pages: a PI reports a value with a PDF on the
//! indicator's page, staff work through the review queue, a rejection's reason reaches the PI, who
//! answers it, and an acceptance moves the verified value and the status; the annual progress report
//! stores one submission for several indicators; bad input is shown back (escaped) and stores
//! nothing; evidence stays with those who may see its project; the project page lists the history.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use coop_tracker::db::schema::{audit_log, evidence, evidence_files, files, submissions};
use coop_tracker::domain::role::Role;
use coop_tracker::web::build_app;
use diesel::prelude::*;
use serde_json::Value;

use crate::common::{Browser, TestApp, with_conn};
use crate::projects::{Setup, body, registration, setup};

const CODE: &str = "SH-KJ-2024-001";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

/// Rows of evidence, attached files, stored files, submissions and audit entries.
fn counts(app: &TestApp) -> [i64; 5] {
    with_conn(app, |c| {
        [
            evidence::table.count().get_result(c).unwrap(),
            evidence_files::table.count().get_result(c).unwrap(),
            files::table.count().get_result(c).unwrap(),
            submissions::table.count().get_result(c).unwrap(),
            audit_log::table.count().get_result(c).unwrap(),
        ]
    })
}

fn latest_evidence(app: &TestApp) -> (i64, String, Option<i64>) {
    with_conn(app, |c| {
        evidence::table
            .order(evidence::id.desc())
            .select((evidence::id, evidence::status, evidence::responds_to))
            .first(c)
            .unwrap()
    })
}

/// Registers the project over the API and returns the ids of the accuracy indicator (≥ 95 %) and of
/// a deliverable.
async fn register<S, B>(s: &Setup, service: &S) -> (i64, i64)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut api = Browser::with_token(service, &s.staff_token);
    let (project, accuracy) = crate::projects::registered_project(&mut api, s.direction_id).await;
    (accuracy, crate::projects::deliverable_indicator(&project))
}

fn status_of(report: &Value, id: i64) -> String {
    report.as_array().unwrap().iter().find(|i| i["id"] == id).unwrap()["status"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_value_logged_with_a_pdf_is_rejected_answered_and_accepted() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let (accuracy, _) = register(&s, &service).await;
    let mut api = Browser::with_token(&service, &s.staff_token);
    let report_path = format!("/api/v1/projects/{CODE}/indicators");
    let status_before = status_of(&body(&api.get(&report_path).await), accuracy);

    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let form = pi.get(&format!("/indicators/{accuracy}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("记录进展"), "the PI gets the form");
    assert!(form.body.contains("name=\"files.test_report\""), "one input per kind of proof asked for");
    assert!(form.body.contains("第三方检测报告"));
    assert!(form.body.contains("min=\"2024-12-01\" max=\"2026-11-22\""), "dates within execution and up to today");

    let path = format!("/indicators/{accuracy}/evidence");
    let done = pi
        .post_multipart(
            &path,
            &[("value", "96.5"), ("measured_on", "2026-10-20"), ("note", "第三方检测")],
            &[("files.test_report", "检测报告.pdf", PDF)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), format!("/indicators/{accuracy}?done=evidence_submitted"));
    let (first, status, _) = latest_evidence(&s.app);
    assert_eq!(status, "pending");
    let shown = pi.get(done.location()).await;
    assert!(shown.body.contains("进展已提交"), "notice shown");
    assert!(shown.body.contains("待审核"));
    assert!(shown.body.contains(&format!("href=\"/evidence/{first}/files/1\"")), "download link");
    let project = pi.get(&format!("/projects/{CODE}")).await;
    assert!(project.body.contains("待审核 96.5 %（1 条）"), "pending beside the verified value");
    assert_eq!(status_of(&body(&api.get(&report_path).await), accuracy), status_before, "pending does not count");
    let file = pi.get(&format!("/evidence/{first}/files/1")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.bytes.starts_with(b"%PDF-1.4"));

    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    assert!(staff.get("/").await.body.contains("href=\"/review\""), "staff have the queue in the menu");
    let queue = staff.get("/review").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("共 1 条待审核"), "{}", queue.body);
    assert!(queue.body.contains(&format!("href=\"/evidence/{first}\"")));
    assert!(queue.body.contains("<td data-label=\"填报值\">96.5 %</td>"), "the value in the queue: {}", queue.body);
    let page = staff.get(&format!("/evidence/{first}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"review-form\""));
    assert!(page.body.contains("☑ 第三方检测报告"), "the checklist is ticked");

    let review = format!("/evidence/{first}/review");
    let before = counts(&s.app);
    let refused = staff.post(&review, &[("decision", "reject"), ("comment", " ")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("退回或要求补充时请写明理由"));
    assert_eq!(counts(&s.app), before, "a refused review changes nothing");
    assert_eq!(latest_evidence(&s.app).1, "pending");

    let rejected = staff.post(&review, &[("decision", "reject"), ("comment", "检测报告缺少盖章")]).await;
    assert_eq!(rejected.status, StatusCode::SEE_OTHER, "{}", rejected.body);
    assert_eq!(rejected.location(), format!("/evidence/{first}?done=reviewed"), "the reviewed item, with its decision");
    let decided = staff.get(rejected.location()).await;
    assert!(decided.body.contains("审核已记录") && decided.body.contains("已退回"), "{}", decided.body);
    assert!(!decided.body.contains("id=\"next-pending\""), "nothing else waits");
    let again = staff.post(&review, &[("decision", "accept"), ("comment", "")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "reviewed once");
    assert!(again.body.contains("这条佐证已经审核过了"));

    let shown = pi.get(&format!("/indicators/{accuracy}")).await;
    assert!(shown.body.contains("检测报告缺少盖章"), "the PI reads the reason");
    assert!(shown.body.contains("已退回"));
    let answer_link = format!("/indicators/{accuracy}?responds_to={first}");
    assert!(shown.body.contains(&answer_link), "a link to answer it");
    let answer = pi.get(&answer_link).await;
    assert!(answer.body.contains(&format!("name=\"responds_to\" value=\"{first}\"")));
    let done = pi
        .post_multipart(
            &path,
            &[
                ("responds_to", &first.to_string()),
                ("value", "97"),
                ("measured_on", "2026-11-01"),
                ("note", "补充盖章版"),
            ],
            &[("files.test_report", "检测报告（盖章）.pdf", b"%PDF-1.4\n% stamped\n")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let (second, status, responds_to) = latest_evidence(&s.app);
    assert_eq!((status.as_str(), responds_to), ("pending", Some(first)));

    assert!(staff.get("/review").await.body.contains(&format!("href=\"/evidence/{second}\"")));
    let page = staff.get(&format!("/evidence/{second}")).await;
    assert!(page.body.contains(&format!("href=\"/evidence/{first}\"")), "links the answered evidence");
    let accepted = staff.post(&format!("/evidence/{second}/review"), &[("decision", "accept"), ("comment", "")]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    assert_eq!(status_of(&body(&api.get(&report_path).await), accuracy), "achieved");
    let project = pi.get(&format!("/projects/{CODE}")).await;
    assert!(project.body.contains("<td data-label=\"已核实\">97 %"), "the verified value");
    assert!(!project.body.contains("待审核 97"), "nothing pending any more");
    assert!(pi.get(&format!("/indicators/{accuracy}")).await.body.contains("已通过"));

    for page in [project.body, pi.get(&format!("/projects/{CODE}/history")).await.body] {
        assert!(page.contains("data-action=\"evidence.submit\">提交进展"), "history lists submissions");
        assert!(page.contains("data-action=\"evidence.review\">审核佐证"), "and reviews");
        assert!(page.contains("data-action=\"project.register\">登记项目"));
        // Each entry in words: the decision and its reason, not the stored JSON.
        assert!(page.contains("<span class=\"muted\">状态</span> <del>待审核</del> → 已退回"), "{page}");
        assert!(page.contains("<span class=\"muted\">理由</span> 检测报告缺少盖章"), "{page}");
        assert!(!page.contains("{&quot;") && !page.contains("\"after\""), "no raw detail: {page}");
    }
}

#[actix_web::test]
async fn an_annual_report_stores_one_submission_or_nothing() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let (accuracy, deliverable) = register(&s, &service).await;
    let mut member = Browser::new(&service);
    member.login("member@example.org").await;
    let project = member.get(&format!("/projects/{CODE}")).await;
    assert!(project.body.contains(&format!("href=\"/projects/{CODE}/annual-report\"")), "contributors get the link");
    let form = member.get(&format!("/projects/{CODE}/annual-report")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"2026年度\""));
    assert!(form.body.contains(&format!("name=\"{deliverable}.done\"")));

    let path = format!("/projects/{CODE}/annual-report");
    let (acc_value, acc_date) = (format!("{accuracy}.value"), format!("{accuracy}.measured_on"));
    let (del_done, del_date) = (format!("{deliverable}.done"), format!("{deliverable}.measured_on"));
    let before = counts(&s.app);
    let wrong = member
        .post_multipart(
            &path,
            &[
                ("period_label", "2026年度"),
                (&acc_value, "很高"),
                (&acc_date, "2026-10-01"),
                (&del_done, "on"),
                (&del_date, "2026-09-30"),
            ],
            &[(&format!("files.{accuracy}.test_report"), "report.pdf", PDF)],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong.body);
    assert!(wrong.body.contains("请填写数字"), "the row's problem is shown");
    assert!(wrong.body.contains("value=\"很高\""), "values kept");
    assert_eq!(counts(&s.app), before, "nothing stored when a row is wrong");

    let done = member
        .post_multipart(
            &path,
            &[
                ("period_label", "2026年度"),
                (&acc_value, "96"),
                (&acc_date, "2026-10-01"),
                (&del_done, "on"),
                (&del_date, "2026-09-30"),
            ],
            &[(&format!("files.{accuracy}.test_report"), "report.pdf", PDF)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), format!("/projects/{CODE}?done=annual_submitted"));
    let (submission, kind, label): (i64, String, Option<String>) = with_conn(&s.app, |c| {
        submissions::table.select((submissions::id, submissions::kind, submissions::period_label)).first(c).unwrap()
    });
    assert_eq!((kind.as_str(), label.as_deref()), ("annual_report", Some("2026年度")));
    let rows: Vec<i64> = with_conn(&s.app, |c| {
        evidence::table.filter(evidence::submission_id.eq(submission)).select(evidence::indicator_id).load(c).unwrap()
    });
    assert_eq!(rows.len(), 2, "one evidence row per indicator reported");
    assert!(rows.contains(&accuracy) && rows.contains(&deliverable));
    let after = counts(&s.app);
    assert_eq!([after[0] - before[0], after[1] - before[1], after[3] - before[3]], [2, 1, 1]);
    assert!(member.get(done.location()).await.body.contains("年度进展报告已提交"));
}

#[actix_web::test]
async fn bad_input_is_shown_back_escaped_and_changes_nothing() {
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let (accuracy, _) = register(&s, &service).await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let path = format!("/indicators/{accuracy}/evidence");
    let before = counts(&s.app);
    for (label, value, date, message) in [
        ("not a number", "九十五点", "2026-10-01", "请填写数字"),
        ("in the future", "96", "2026-11-25", "测定日期不能晚于今天"),
        ("before execution", "96", "2024-11-01", "测定日期须在项目执行期内"),
        ("empty", "", "2026-10-01", "请填写本次测得的数值"),
        ("no date", "96", "", "请填写测定日期"),
    ] {
        let page = pi
            .post_multipart(
                &path,
                &[("value", value), ("measured_on", date), ("note", "<script>alert(1)</script>")],
                &[("files.test_report", "report.pdf", PDF)],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {}", page.body);
        assert!(page.body.contains(message), "{label}: message beside the field");
        assert!(page.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"), "{label}: the note kept, escaped");
        assert!(!page.body.contains("<script>alert"), "{label}: never raw");
        assert!(page.body.contains("请重新选择要上传的文件"), "{label}: files must be chosen again");
        assert_eq!(counts(&s.app), before, "{label}: nothing stored");
    }
    assert!(pi.get(&format!("/indicators/{accuracy}")).await.body.contains("每个文件不超过 50 MB"), "limit stated");
    let not_pdf = pi
        .post_multipart(&path, &[("value", "96"), ("measured_on", "2026-10-01")], &[("files", "report.pdf", b"hello")])
        .await;
    assert_eq!(not_pdf.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", not_pdf.body);
    assert!(not_pdf.body.contains("report.pdf"), "the refused file is named");
    assert_eq!(counts(&s.app), before, "a refused file stores nothing");
}

#[actix_web::test]
async fn evidence_stays_with_those_who_may_see_its_project() {
    let s = setup();
    s.app.user("expert@example.org", Role::Expert);
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let (accuracy, _) = register(&s, &service).await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let done = pi
        .post_multipart(
            &format!("/indicators/{accuracy}/evidence"),
            &[("value", "96"), ("measured_on", "2026-10-01")],
            &[("files.test_report", "report.pdf", PDF)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let (id, ..) = latest_evidence(&s.app);
    assert_eq!(pi.get("/review").await.status, StatusCode::FORBIDDEN, "PIs do not review");
    assert_eq!(pi.get(&format!("/evidence/{id}")).await.status, StatusCode::OK);
    let mut member = Browser::new(&service);
    member.login("member@example.org").await;
    assert_eq!(member.get(&format!("/evidence/{id}")).await.status, StatusCode::OK);
    for email in ["other-pi@example.org", "expert@example.org"] {
        let mut outsider = Browser::new(&service);
        outsider.login(email).await;
        assert_eq!(outsider.get(&format!("/evidence/{id}")).await.status, StatusCode::NOT_FOUND, "{email}");
        assert_eq!(outsider.get(&format!("/evidence/{id}/files/1")).await.status, StatusCode::NOT_FOUND, "{email}");
        assert_eq!(outsider.get(&format!("/projects/{CODE}/history")).await.status, StatusCode::NOT_FOUND, "{email}");
    }
    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let refused = staff
        .post_multipart(
            &format!("/indicators/{accuracy}/evidence"),
            &[("value", "96"), ("measured_on", "2026-10-01")],
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "staff review, they do not report");
    assert_eq!(staff.get(&format!("/projects/{CODE}/annual-report")).await.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn staff_are_warned_of_a_file_also_in_another_projects_evidence() {
    use coop_tracker::db::schema::directions;
    let s = setup();
    let service = test::init_service(build_app(s.app.state.clone())).await;
    let (accuracy, _) = register(&s, &service).await;
    let other_direction: i64 = with_conn(&s.app, |c| {
        directions::table
            .filter(directions::id.ne(s.direction_id))
            .order(directions::id)
            .select(directions::id)
            .first(c)
            .unwrap()
    });
    let mut other = registration(other_direction);
    other["code"] = "SH-KJ-2024-002".into();
    other["pi_email"] = "other-pi@example.org".into();
    other["member_emails"] = serde_json::json!([]);
    let mut api = Browser::with_token(&service, &s.staff_token);
    let created = api.json(Method::POST, "/api/v1/projects", Some(other)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let other_indicator =
        body(&created)["indicators"].as_array().unwrap().iter().find(|i| i["op"] != "deliverable").unwrap()["id"]
            .as_i64()
            .unwrap();

    let mut other_pi = Browser::new(&service);
    other_pi.login("other-pi@example.org").await;
    let done = other_pi
        .post_multipart(
            &format!("/indicators/{other_indicator}/evidence"),
            &[("value", "5"), ("measured_on", "2026-10-01")],
            &[("files", "report.pdf", PDF)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let done = pi
        .post_multipart(
            &format!("/indicators/{accuracy}/evidence"),
            &[("value", "96"), ("measured_on", "2026-10-01")],
            &[("files.test_report", "检测报告.pdf", PDF)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let (id, ..) = latest_evidence(&s.app);

    let mut staff = Browser::new(&service);
    staff.login("staff@example.org").await;
    let page = staff.get(&format!("/evidence/{id}")).await;
    assert!(page.body.contains("此文件也出现在以下项目的佐证中：SH-KJ-2024-002"), "{}", page.body);
    assert!(!pi.get(&format!("/evidence/{id}")).await.body.contains("此文件也出现在"), "only staff are warned");
    assert_eq!(other_pi.get(&format!("/evidence/{id}")).await.status, StatusCode::NOT_FOUND, "another project's PI");
}

#[actix_web::test]
async fn a_file_over_the_limit_is_refused_with_its_name_and_stores_nothing() {
    let s = setup();
    let mut state = s.app.state.clone();
    let mut config = (*state.config).clone();
    config.uploads.max_file_bytes = 1024 * 1024;
    state.config = std::sync::Arc::new(config);
    let service = test::init_service(build_app(state)).await;
    let (accuracy, _) = register(&s, &service).await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;
    let mut big = PDF.to_vec();
    big.resize(1024 * 1024 + 1, b' ');
    let before = counts(&s.app);
    let page = pi
        .post_multipart(
            &format!("/indicators/{accuracy}/evidence"),
            &[("value", "96"), ("measured_on", "2026-10-01")],
            &[("files.test_report", "大报告.pdf", &big)],
        )
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", page.body);
    assert!(page.body.contains("文件“大报告.pdf”超过 1 MB 的上限"), "{}", page.body);
    assert!(page.body.contains("id=\"evidence-form\""), "the form is shown again");
    assert_eq!(counts(&s.app), before);
}
