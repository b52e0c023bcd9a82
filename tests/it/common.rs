//! The test harness: a [`TestApp`] per test on its own database, a cookie-keeping [`Browser`] that
//! fills in CSRF tokens like a real one, and a real SMTP server on loopback.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::test;
use chrono::NaiveDateTime;
use coop_tracker::app::account::{self, AccountInput};
use coop_tracker::config::{Config, Overrides};
use coop_tracker::db::schema::audit_log;
use coop_tracker::db::{self, DbConnection};
use coop_tracker::domain::clock::Clock;
use coop_tracker::domain::role::Role;
use coop_tracker::i18n::Locale;
use coop_tracker::mail::Mailer;
use coop_tracker::web::state::AppState;
use diesel::{Connection, ExpressionMethods, PgConnection, QueryDsl, RunQueryDsl};

/// The password every test account gets.
pub const PASSWORD: &str = "correct horse battery";

/// The fixed "now" of every test: 22 November 2026, 10:00 in Shanghai.
pub fn test_now() -> NaiveDateTime {
    NaiveDateTime::parse_from_str("2026-11-22 02:00:00", "%Y-%m-%d %H:%M:%S").unwrap()
}

/// A PostgreSQL database created for one test and dropped after it.
struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).execute(&mut conn);
        }
    }
}

/// The database URL for a new test: a fresh PostgreSQL database when `TEST_DATABASE_URL` is set,
/// else `None` (the default SQLite file in the test's data folder).
fn fresh_database() -> Option<(String, PgDatabase)> {
    let admin_url = std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
    let name = format!("coop_test_{}", &coop_tracker::auth::secret::random_token()[..16]);
    let mut conn = PgConnection::establish(&admin_url).expect("TEST_DATABASE_URL must reach PostgreSQL");
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn).unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    Some((format!("{base}/{name}"), PgDatabase { admin_url, name }))
}

/// Which backend this run tests, for messages.
pub fn backend_name() -> &'static str {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) { "postgres" } else { "sqlite" }
}

/// One application instance on its own database.
pub struct TestApp {
    /// The state handlers see.
    pub state: AppState,
    /// The data folder, removed when the test ends.
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

impl TestApp {
    /// A fresh app with default settings.
    pub fn new() -> Self {
        Self::with_env(&[])
    }

    /// A fresh app with extra `COOP_*` settings.
    pub fn with_env(vars: &[(&str, &str)]) -> Self {
        Self::connected_through(vars, |url| url.to_owned())
    }

    /// A fresh app whose PostgreSQL URL is rewritten first (to reach the server through a proxy
    /// that a test can cut).
    pub fn connected_through(vars: &[(&str, &str)], rewrite: impl Fn(&str) -> String) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let pg = fresh_database();
        let overrides = Overrides {
            data_dir: Some(dir.path().to_owned()),
            database_url: pg.as_ref().map(|(url, _)| rewrite(url)),
            ..Overrides::default()
        };
        let mut vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        // Reports go to the test's own folder, never into the checkout's reports/.
        vars.entry("COOP_REPORTS_DIR".into())
            .or_insert_with(|| dir.path().join("reports").to_string_lossy().into_owned());
        let config = Config::load(&overrides, &|k| vars.get(k).cloned()).unwrap();
        let pool = db::connect(&config).unwrap();
        let mailer = Mailer::from_config(&config).unwrap();
        let state = AppState::new(config, pool, mailer, Clock::Fixed(test_now()));
        Self { state, _dir: dir, _pg: pg.map(|(_, db)| db) }
    }

    /// A pooled connection for arranging and checking data directly.
    pub fn conn(&self) -> diesel::r2d2::PooledConnection<coop_tracker::db::connection::DbManager> {
        self.state.pool.get().unwrap()
    }

    /// Creates an active account with [`PASSWORD`] and returns its id.
    pub fn user(&self, email: &str, role: Role) -> i64 {
        let input = AccountInput {
            email: email.into(),
            name: format!("测试{}", role),
            role,
            locale: Locale::ZhCn,
            institution_id: None,
            password: Some(PASSWORD.into()),
        };
        account::create(&mut self.conn(), &input, None, test_now()).unwrap().id
    }

    /// Issues an API token for a user, by default valid for the longest lifetime allowed.
    pub fn token(&self, user_id: i64, expires_at: Option<NaiveDateTime>) -> (i64, String) {
        let longest = test_now() + chrono::Duration::days(self.state.config.api_token_max_days);
        account::issue_token(&mut self.conn(), user_id, "test", expires_at.unwrap_or(longest), test_now()).unwrap()
    }

    /// A password-reset link for a user as if sent at `sent_at` (valid two hours from then): its token.
    pub fn reset_link(&self, user_id: i64, sent_at: NaiveDateTime) -> String {
        use coop_tracker::db::password_reset;
        let token = coop_tracker::auth::secret::random_token();
        let expires = sent_at + chrono::Duration::hours(password_reset::LINK_HOURS);
        let mut conn = self.conn();
        let unsent = coop_tracker::auth::secret::hash(&coop_tracker::auth::secret::random_token());
        let id = password_reset::insert(&mut conn, user_id, &unsent, sent_at, expires).unwrap();
        let hash = coop_tracker::auth::secret::hash(&token);
        assert!(password_reset::mint(&mut conn, id, &hash, sent_at, expires).unwrap().is_some());
        token
    }
}

/// Runs a closure with a connection of the app (for assertions on stored state).
pub fn with_conn<T>(app: &TestApp, f: impl FnOnce(&mut DbConnection) -> T) -> T {
    f(&mut app.conn())
}

/// A response reduced to what tests look at.
#[derive(Debug)]
pub struct Page {
    /// Status code.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body as text.
    pub body: String,
    /// Body as sent, for downloads that are not text.
    pub bytes: actix_web::web::Bytes,
}

impl Page {
    /// The `Location` header.
    pub fn location(&self) -> &str {
        self.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

/// Drives the app like a browser: keeps cookies and fills in each form's CSRF token.
pub struct Browser<'a, S> {
    service: &'a S,
    cookies: HashMap<String, String>,
    /// Extra headers for every request (an API token, say).
    pub headers: Vec<(String, String)>,
}

impl<'a, S, B> Browser<'a, S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// A browser with no cookies.
    pub fn new(service: &'a S) -> Self {
        Self { service, cookies: HashMap::new(), headers: Vec::new() }
    }

    /// An API client that sends a bearer token.
    pub fn with_token(service: &'a S, token: &str) -> Self {
        let mut client = Self::new(service);
        client.headers = vec![("authorization".into(), format!("Bearer {token}"))];
        client
    }

    /// The same browser sent to another instance of the app, as a load balancer would: same cookies
    /// and headers.
    pub fn switch_to<'b, S2, B2>(&self, service: &'b S2) -> Browser<'b, S2>
    where
        S2: Service<actix_http::Request, Response = ServiceResponse<B2>, Error = actix_web::Error>,
        B2: MessageBody,
    {
        Browser { service, cookies: self.cookies.clone(), headers: self.headers.clone() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn send(&mut self, req: test::TestRequest) -> Page {
        let mut req = req.insert_header(("cookie", self.cookie_header())).peer_addr("10.0.0.1:4000".parse().unwrap());
        for (k, v) in &self.headers {
            req = req.insert_header((k.as_str(), v.as_str()));
        }
        let res = test::call_service(self.service, req.to_request()).await;
        for cookie in res.response().cookies() {
            if cookie.max_age().is_some_and(|a| a.is_zero() || a.is_negative()) || cookie.value().is_empty() {
                self.cookies.remove(cookie.name());
            } else {
                self.cookies.insert(cookie.name().to_owned(), cookie.value().to_owned());
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let body = test::read_body(res).await;
        Page { status, headers, body: String::from_utf8_lossy(&body).into_owned(), bytes: body }
    }

    /// Sends a request built by the test (a multipart body without a CSRF field, say) with the
    /// browser's cookies and headers.
    pub async fn request(&mut self, req: test::TestRequest) -> Page {
        self.send(req).await
    }

    /// GET a path.
    pub async fn get(&mut self, path: &str) -> Page {
        self.send(test::TestRequest::get().uri(path)).await
    }

    /// The CSRF token the pages of this browser carry in their forms (after any page has been
    /// loaded): bound to its secret and its session cookie, as the server makes it.
    pub fn csrf(&self) -> String {
        use coop_tracker::web::csrf::{CSRF_COOKIE, SECURE_CSRF_COOKIE};
        // An app whose base URL is https names the cookie `__Host-…`.
        let Some(secret) = self.cookies.get(SECURE_CSRF_COOKIE).or_else(|| self.cookies.get(CSRF_COOKIE)) else {
            return String::new();
        };
        coop_tracker::web::csrf::form_token(secret, self.cookies.get("coop_session").map(String::as_str))
    }

    /// POST a form with the CSRF token filled in.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        if self.csrf().is_empty() {
            self.get("/login").await;
        }
        let csrf = self.csrf();
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", &csrf)];
        form.extend_from_slice(fields);
        self.post_raw(path, &form).await
    }

    /// POST a form exactly as given (no CSRF token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.send(test::TestRequest::post().uri(path).set_form(fields)).await
    }

    /// POST a `multipart/form-data` form with the CSRF token filled in: text fields, then files
    /// as (field, file name, bytes).
    pub async fn post_multipart(&mut self, path: &str, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Page {
        if self.csrf().is_empty() {
            self.get("/login").await;
        }
        let boundary = "----coop-test-boundary-7d93";
        let mut body = Vec::new();
        let csrf = self.csrf();
        for (name, value) in std::iter::once(("csrf_token", csrf.as_str())).chain(fields.iter().copied()) {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(value.as_bytes());
            body.extend_from_slice(b"\r\n");
        }
        for (name, file_name, bytes) in files {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let req = test::TestRequest::post()
            .uri(path)
            .insert_header(("content-type", format!("multipart/form-data; boundary={boundary}")))
            .set_payload(body);
        self.send(req).await
    }

    /// Sends a JSON request with the given method.
    pub async fn json(&mut self, method: actix_web::http::Method, path: &str, body: Option<serde_json::Value>) -> Page {
        let mut req = test::TestRequest::default().method(method).uri(path);
        if let Some(body) = body {
            req = req.set_json(body);
        }
        self.send(req).await
    }

    /// Logs in and checks that it worked.
    pub async fn login(&mut self, email: &str) {
        let page = self.post("/login", &[("email", email), ("password", PASSWORD)]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "login as {email} failed: {}", page.body);
        assert!(self.cookies.contains_key("coop_session"));
    }

    /// Whether the browser holds a cookie.
    pub fn has_cookie(&self, name: &str) -> bool {
        self.cookies.contains_key(name)
    }

    /// A cookie's value, if the browser holds it.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// Sets a cookie as another site or an attacker could have planted it.
    pub fn plant_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }
}

/// A real SMTP server on loopback that keeps every message it receives.
#[derive(Clone, Default)]
pub struct SmtpSink {
    current: Vec<u8>,
    /// Every received message, raw.
    pub received: Arc<Mutex<Vec<String>>>,
}

impl mailin_embedded::Handler for SmtpSink {
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        let message = String::from_utf8_lossy(&std::mem::take(&mut self.current)).into_owned();
        self.received.lock().unwrap().push(message);
        mailin_embedded::response::OK
    }
}

impl SmtpSink {
    /// Starts the server on a free port and returns the sink and the port.
    pub fn start() -> (Self, String) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let sink = SmtpSink::default();
        let mut server = mailin_embedded::Server::new(sink.clone());
        server.with_name("sink.test").with_ssl(mailin_embedded::SslConfig::None).unwrap().with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        (sink, port.to_string())
    }

    /// Waits up to five seconds for `count` messages and returns them.
    pub fn wait_for(&self, count: usize) -> Vec<String> {
        for _ in 0..100 {
            let received = self.received.lock().unwrap().clone();
            if received.len() >= count {
                return received;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        self.received.lock().unwrap().clone()
    }
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Every table's row count: what "changes nothing" is checked on.
pub fn row_counts(app: &TestApp) -> Vec<(String, i64)> {
    with_conn(app, row_counts_in)
}

#[derive(diesel::QueryableByName)]
struct Table {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

/// [`row_counts`] over any connection: every table the database has (from its own catalogue, so a
/// new table is counted without a test to update), but diesel's record of migrations.
pub fn row_counts_in(c: &mut DbConnection) -> Vec<(String, i64)> {
    let catalogue = match c {
        DbConnection::Sqlite(_) => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        DbConnection::Pg(_) => "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()",
    };
    let mut tables: Vec<String> = diesel::sql_query(catalogue)
        .load::<Table>(c)
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .filter(|name| name != "__diesel_schema_migrations")
        .collect();
    tables.sort();
    assert!(tables.len() > 20, "the catalogue lists {tables:?}");
    tables
        .into_iter()
        .map(|table| {
            let count: Count = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}")).get_result(c).unwrap();
            (table, count.n)
        })
        .collect()
}

/// The details (JSON) of every audit row of one action, oldest first.
pub fn audit_details(app: &TestApp, action: &str) -> Vec<serde_json::Value> {
    with_conn(app, |c| {
        audit_log::table
            .filter(audit_log::action.eq(action))
            .order(audit_log::id.asc())
            .select(audit_log::detail)
            .load::<String>(c)
            .unwrap()
    })
    .iter()
    .map(|d| serde_json::from_str(d).unwrap())
    .collect()
}
