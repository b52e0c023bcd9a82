//! In a real headless Chromium: a staff member turns the weekly digest off and chooses English for
//! their e-mail, then looks at the outbox page. Skipped, with a message, without chromedriver.

use coop_tracker::db::schema::users;
use coop_tracker::domain::role::Role;
use diesel::prelude::*;
use fantoccini::Locator;

use crate::browser::{Served, headless, log_in, start_chromedriver};
use crate::common::{TestApp, with_conn};

#[actix_web::test]
async fn staff_turn_the_digest_off_choose_english_mail_and_see_the_outbox_in_chromium() {
    let Some((_driver, port)) = start_chromedriver().await else {
        eprintln!("SKIPPED browser test: chromedriver not found (install chromium and chromium-driver)");
        return;
    };
    let app = TestApp::new();
    let staff = app.user("staff@example.org", Role::Staff);
    let served = Served::start(app.state.clone());
    let base = served.base.clone();
    let client = headless(port, (1280, 800)).await;

    log_in(&client, &base, "staff@example.org").await;

    client.goto(&format!("{base}/account/notifications")).await.unwrap();
    let digest = client.find(Locator::Id("digest")).await.unwrap();
    assert_eq!(digest.prop("checked").await.unwrap().as_deref(), Some("true"), "digests are on by default");
    digest.click().await.unwrap();
    client.find(Locator::Css("#locale option[value='en']")).await.unwrap().click().await.unwrap();
    client.find(Locator::Css("#notifications button[type=submit]")).await.unwrap().click().await.unwrap();
    let mut saved = false;
    for _ in 0..100 {
        if client.current_url().await.unwrap().query() == Some("done=saved") {
            saved = true;
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(saved, "the form was saved and the page reloaded");
    let (locale, opted_out): (String, bool) =
        with_conn(&app, |c| users::table.find(staff).select((users::locale, users::digest_opt_out)).first(c).unwrap());
    assert_eq!((locale.as_str(), opted_out), ("en", true));
    assert_eq!(
        client.find(Locator::Id("digest")).await.unwrap().prop("checked").await.unwrap().as_deref(),
        Some("false")
    );

    client.goto(&format!("{base}/admin/outbox")).await.unwrap();
    let source = client.source().await.unwrap();
    assert!(source.contains("E-mail delivery") || source.contains("邮件发送状态"), "{source}");

    client.close().await.unwrap();
    served.stop().await;
}
