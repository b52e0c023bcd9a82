//! Administration of accounts and institutions through the pages, with the audit trail.

use actix_web::http::StatusCode;
use actix_web::test;
use coop_tracker::db::{audit, user};
use coop_tracker::domain::role::Role;
use coop_tracker::web::build_app;

use crate::common::{Browser, TestApp, with_conn};

fn extract(body: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no #{id} in {body}")) + marker.len();
    body[start..].split('<').next().unwrap().to_owned()
}

#[actix_web::test]
async fn an_admin_creates_a_user_who_must_change_the_one_time_password() {
    let app = TestApp::new();
    app.user("admin@example.org", Role::Admin);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut admin = Browser::new(&service);
    admin.login("admin@example.org").await;

    let page = admin
        .post("/admin/users", &[("email", "Li.Wei@Example.org"), ("name", "李伟"), ("role", "pi"), ("locale", "zh-CN")])
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let password = extract(&page.body, "one-time-password");
    assert_eq!(extract(&page.body, "one-time-email"), "li.wei@example.org");

    let created = with_conn(&app, |c| user::find_by_email(c, "li.wei@example.org").unwrap().unwrap());
    assert_eq!(created.role, Role::Pi);
    assert!(created.must_change_password);
    assert_eq!(with_conn(&app, |c| audit::list_actions(c, "user", created.id).unwrap()), ["user.create"]);

    let mut pi = Browser::new(&service);
    let login = pi.post("/login", &[("email", "li.wei@example.org"), ("password", &password)]).await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
    let home = pi.get("/").await;
    assert_eq!(home.location(), "/account/password", "a one-time password must be replaced first");
    let changed = pi
        .post(
            "/account/password",
            &[
                ("current", &password),
                ("password", "李伟为自己设置的新密码很长"),
                ("confirm", "李伟为自己设置的新密码很长"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let home = pi.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("我的项目"));
}

#[actix_web::test]
async fn invalid_and_duplicate_users_are_refused_with_field_messages() {
    let app = TestApp::new();
    app.user("admin@example.org", Role::Admin);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut admin = Browser::new(&service);
    admin.login("admin@example.org").await;

    let page = admin.post("/admin/users", &[("email", "not-an-email"), ("name", ""), ("role", "pi")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("请输入有效的电子邮箱地址"), "{}", page.body);
    assert!(page.body.contains("请填写姓名"));
    assert!(page.body.contains("value=\"not-an-email\""), "the form keeps what was typed");

    let page = admin.post("/admin/users", &[("email", "ADMIN@example.org"), ("name", "重复"), ("role", "staff")]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("该邮箱已被其他账号使用"));

    let page = admin.post("/admin/users", &[("email", "x@example.org"), ("name", "角色错"), ("role", "root")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(with_conn(&app, |c| user::count(c).unwrap()), 1, "nothing was created");
}

#[actix_web::test]
async fn the_last_administrator_cannot_be_demoted_and_deactivation_ends_sessions() {
    let app = TestApp::new();
    let admin_id = app.user("admin@example.org", Role::Admin);
    let pi_id = app.user("pi@example.org", Role::Pi);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut admin = Browser::new(&service);
    admin.login("admin@example.org").await;
    let mut pi = Browser::new(&service);
    pi.login("pi@example.org").await;

    let page = admin
        .post(&format!("/admin/users/{admin_id}"), &[("name", "管理员"), ("role", "staff"), ("active", "on")])
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("最后一位系统管理员"));

    let page = admin.post(&format!("/admin/users/{pi_id}"), &[("name", "李伟"), ("role", "pi")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(pi.get("/").await.status, StatusCode::SEE_OTHER, "the deactivated user's session ended");
    assert_eq!(with_conn(&app, |c| audit::list_actions(c, "user", pi_id).unwrap()), ["user.create", "user.update"]);
}

#[actix_web::test]
async fn institutions_are_created_with_their_region_and_names_stay_unique() {
    let app = TestApp::new();
    app.user("admin@example.org", Role::Admin);
    let service = test::init_service(build_app(app.state.clone())).await;
    let mut admin = Browser::new(&service);
    admin.login("admin@example.org").await;
    let fields = [("name", "新疆大学"), ("region", "新疆维吾尔自治区"), ("research_office_email", "kyc@xju.example")];
    let page = admin.post("/institutions", &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let list = admin.get("/institutions").await;
    assert!(list.body.contains("新疆大学") && list.body.contains("新疆维吾尔自治区"));
    let again = admin.post("/institutions", &fields).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("已有同名单位"));
    let bad = admin.post("/institutions", &[("name", "某单位"), ("research_office_email", "nope")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}
