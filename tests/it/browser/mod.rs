//! A real headless Chromium, driven through chromedriver: log in, see the home page, log out.
//! Skipped, with a message, where chromedriver is not installed (`.ci/run` installs it).

pub(crate) mod axe;
pub(crate) mod evidence;
pub(crate) mod phone;
pub(crate) mod relative;
pub(crate) mod reminders;
pub(crate) mod reports;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use coop_tracker::domain::role::Role;
use coop_tracker::web::build_app;
use coop_tracker::web::state::AppState;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::common::{PASSWORD, TestApp};

/// The app as a real server on a loopback port, for a browser to visit.
pub(crate) struct Served {
    /// `http://127.0.0.1:<port>`.
    pub(crate) base: String,
    handle: actix_web::dev::ServerHandle,
}

impl Served {
    /// Serves the app on a free port with one worker, on the test's runtime.
    pub(crate) fn start(state: AppState) -> Served {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server =
            actix_web::HttpServer::new(move || build_app(state.clone())).workers(1).listen(listener).unwrap().run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Served { base, handle }
    }

    /// Stops the server.
    pub(crate) async fn stop(self) {
        self.handle.stop(true).await;
    }
}

/// A headless Chromium session through the chromedriver on `port`, with a window of `width`×`height`.
pub(crate) async fn headless(port: u16, (width, height): (u32, u32)) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-default-apps", "--disable-extensions", format!("--window-size={width},{height}")] }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap()
}

/// Logs in through the login form and waits for the home page.
pub(crate) async fn log_in(client: &Client, base: &str, email: &str) {
    client.goto(&format!("{base}/login")).await.unwrap();
    client.find(Locator::Id("email")).await.unwrap().send_keys(email).await.unwrap();
    client.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    client.find(Locator::Id("login-submit")).await.unwrap().click().await.unwrap();
    client.wait().for_element(Locator::Id("welcome")).await.unwrap();
}

/// Stops chromedriver when the test ends, however it ends.
pub(crate) struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub(crate) async fn start_chromedriver() -> Option<(Driver, u16)> {
    let path = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = free_port();
    let child =
        Command::new(&path).arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()).spawn().ok()?;
    let driver = Driver(child);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some((driver, port));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

#[actix_web::test]
async fn log_in_see_the_home_page_and_log_out_in_chromium() {
    let Some((_driver, port)) = start_chromedriver().await else {
        eprintln!("SKIPPED browser test: chromedriver not found (install chromium and chromium-driver)");
        return;
    };
    let app = TestApp::new();
    app.user("pi@example.org", Role::Pi);
    let served = Served::start(app.state.clone());
    let base = served.base.clone();
    let client = headless(port, (1280, 800)).await;

    client.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(client.current_url().await.unwrap().path(), "/login");
    client.find(Locator::Id("email")).await.unwrap().send_keys("pi@example.org").await.unwrap();
    client.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    client.find(Locator::Id("login-submit")).await.unwrap().click().await.unwrap();

    let welcome = client.wait().for_element(Locator::Id("welcome")).await.unwrap();
    assert_eq!(welcome.text().await.unwrap(), "欢迎，测试pi");
    assert!(client.source().await.unwrap().contains("我的项目"));
    let screenshot = client.screenshot().await.unwrap();
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-home.png");
    std::fs::write(&shot, &screenshot).unwrap();
    assert!(screenshot.len() > 10_000, "a rendered page, not a blank one");

    // Logging out sits in the account menu, folded until opened.
    client.find(Locator::Css(".account summary")).await.unwrap().click().await.unwrap();
    client.find(Locator::Id("logout")).await.unwrap().click().await.unwrap();
    client.wait().for_element(Locator::Id("login-submit")).await.unwrap();
    let source = client.source().await.unwrap();
    assert!(source.contains("您已退出登录"), "{source}");
    client.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(client.current_url().await.unwrap().path(), "/login", "the session is gone");

    client.close().await.unwrap();
    served.stop().await;
}
