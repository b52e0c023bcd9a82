//! The command line, run as the real binary: configuration errors exit 2 with one line; the user
//! and backup commands work on a fresh data folder.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    run_with_env(args, stdin, &[])
}

fn run_with_env(args: &[&str], stdin: Option<&str>, vars: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coop-tracker"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("COOP_DATABASE_URL")
        .env("COOP_LOG", "warn")
        .envs(vars.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn configuration_mistakes_stop_with_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let unwritable = blocker.join("sub");
    let bad_cron = dir.path().join("bad.toml");
    std::fs::write(&bad_cron, "[schedules]\noutbox = \"every day\"\n").unwrap();
    let bad_sweep = dir.path().join("bad-sweep.toml");
    std::fs::write(&bad_sweep, "[schedules]\nreminders = \"0 9 * * Moonday\"\n").unwrap();
    let cases: [(&str, Vec<&str>); 4] = [
        ("scheme 'mysql'", vec!["--data-dir", data, "--database-url", "mysql://root@localhost/x", "migrate"]),
        ("not writable", vec!["--data-dir", unwritable.to_str().unwrap(), "migrate"]),
        ("schedules.outbox", vec!["--data-dir", data, "--config", bad_cron.to_str().unwrap(), "migrate"]),
        (
            "schedules.reminders = '0 9 * * Moonday' is not a cron expression",
            vec!["--data-dir", data, "--config", bad_sweep.to_str().unwrap(), "serve", "--bind", "127.0.0.1:1"],
        ),
    ];
    for (expected, args) in cases {
        let out = run(&args, None);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}

#[test]
fn users_are_added_listed_and_backed_up_on_a_fresh_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();

    let out = run(&["--data-dir", data, "migrate"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("coop-tracker.sqlite3").exists());

    let out = run(
        &[
            "--data-dir",
            data,
            "user",
            "add",
            "--email",
            "zhang@example.org",
            "--name",
            "张敏",
            "--role",
            "staff",
            "--password-stdin",
            "--token",
        ],
        Some("a long enough password\n"),
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("API token: coop_"), "{stdout}");
    assert!(stdout.contains("UTC (api_token_max_days = 365)"), "every token expires, and says when: {stdout}");

    let out = run(
        &["--data-dir", data, "user", "add", "--email", "zhang@example.org", "--name", "重复", "--role", "pi"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("already uses this e-mail"), "{}", text(&out.stderr));

    let out =
        run(&["--data-dir", data, "user", "add", "--email", "x@example.org", "--name", "x", "--role", "boss"], None);
    assert_eq!(out.status.code(), Some(2), "clap refuses an unknown role");

    let out = run(&["--data-dir", data, "user", "set-password", "--email", "zhang@example.org"], None);
    assert!(text(&out.stdout).contains("one-time password"), "{}", text(&out.stdout));

    let out = run(&["--data-dir", data, "user", "token", "--email", "zhang@example.org", "--name", "load test"], None);
    let second = text(&out.stdout);
    let first = stdout.lines().find(|l| l.starts_with("API token: ")).unwrap();
    assert!(second.starts_with("API token: coop_") && second.trim_end() != first, "a new token each time: {second}");
    let out = run(&["--data-dir", data, "user", "token", "--email", "nobody@example.org"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no user with e-mail nobody@example.org"), "{}", text(&out.stderr));

    let list = text(&run(&["--data-dir", data, "user", "list"], None).stdout);
    assert!(list.contains("zhang@example.org\tstaff\tactive\t张敏"), "{list}");

    let backup = dir.path().join("backup");
    let out = run(&["--data-dir", data, "backup", "--to", backup.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("backup written to"), "{}", text(&out.stdout));
    let again = run(&["--data-dir", data, "backup", "--to", backup.to_str().unwrap()], None);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("already exists"));
    let checked = run(&["--data-dir", data, "restore", "--from", backup.to_str().unwrap(), "--dry-run"], None);
    assert!(text(&checked.stdout).contains("is whole"), "{}", text(&checked.stderr));

    let fresh = dir.path().join("fresh");
    let fresh = fresh.to_str().unwrap();
    let restored = run(&["--data-dir", fresh, "restore", "--from", backup.to_str().unwrap()], None);
    assert!(restored.status.success(), "{}", text(&restored.stderr));
    assert!(text(&run(&["--data-dir", fresh, "user", "list"], None).stdout).contains("zhang@example.org"));
    let over = run(&["--data-dir", data, "restore", "--from", backup.to_str().unwrap()], None);
    assert_eq!(over.status.code(), Some(1));
    assert!(text(&over.stderr).contains("--replace"), "{}", text(&over.stderr));
}

#[test]
fn help_documents_every_command() {
    let out = run(&["--help"], None);
    let help = text(&out.stdout);
    for command in ["serve", "migrate", "user", "backup", "restore", "remind"] {
        assert!(help.contains(command), "{help}");
    }
    let serve = text(&run(&["serve", "--help"], None).stdout);
    assert!(serve.contains("--demo") && serve.contains("--bind"), "{serve}");
}

/// Reads an HTTP response from a raw request on loopback (the test needs no HTTP client).
fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

#[test]
fn first_serve_creates_an_administrator_with_a_working_one_time_password() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let bind = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_coop-tracker"))
        .args(["--data-dir", dir.path().to_str().unwrap(), "serve", "--bind", &bind])
        .env_remove("DATABASE_URL")
        .env("COOP_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let password = stdout
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.split("one-time password (change it at first login): ").nth(1).map(str::to_owned))
        .expect("serve printed no one-time password");
    let health = (0..100).find_map(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        http_get(port, "/healthz")
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(health.unwrap().starts_with("HTTP/1.1 200"), "the server answered");

    let config = coop_tracker::config::Config::load(
        &coop_tracker::config::Overrides { data_dir: Some(dir.path().to_owned()), ..Default::default() },
        &|_| None,
    )
    .unwrap();
    let pool = coop_tracker::db::connect(&config).unwrap();
    let admin = coop_tracker::db::user::find_by_email(&mut pool.get().unwrap(), "admin@localhost").unwrap().unwrap();
    assert_eq!(admin.role, coop_tracker::domain::role::Role::Admin);
    assert!(admin.must_change_password);
    assert!(coop_tracker::auth::password::verify(&password, admin.password_hash.as_deref()));
}

#[test]
fn the_command_line_parses_to_json_and_imports() {
    use std::process::Command;
    let bin = env!("CARGO_BIN_EXE_coop-tracker");
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/guides/2024-domestic-cooperation.md");
    let out = Command::new(bin).args(["guide", "parse"]).arg(&path).arg("--json").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is exactly one JSON document");
    assert_eq!(parsed["topics"].as_array().unwrap().len(), 3);

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let import = |file: &std::path::Path| {
        Command::new(bin)
            .args(["--data-dir", data, "guide", "import", "--lang", "en"])
            .arg(file)
            .env("COOP_LOG", "warn")
            .env_remove("DATABASE_URL")
            .output()
            .unwrap()
    };
    let first = import(&path);
    assert!(String::from_utf8_lossy(&first.stdout).starts_with("imported 沪科指南〔2024〕42号"), "{first:?}");
    let second = import(&path);
    assert!(String::from_utf8_lossy(&second.stdout).starts_with("updated 沪科指南〔2024〕42号"), "{second:?}");

    let nonsense = dir.path().join("nonsense.txt");
    std::fs::write(&nonsense, "第一行\n第二行\n").unwrap();
    let refused = import(&nonsense);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Line 1: No document number"), "{refused:?}");
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)))
}

#[test]
fn remind_run_queues_each_reminder_once_and_a_dry_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let seeded = run(&["--data-dir", data, "demo", "seed", "--projects", "60", "--as-of", "2026-07-01"], None);
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let sweep = |extra: &[&str]| {
        let mut args = vec!["--data-dir", data, "remind", "run", "--as-of", "2026-07-01", "--json"];
        args.extend_from_slice(extra);
        json(&run(&args, None))
    };
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v["messages"].as_array().unwrap().iter().map(|m| m["idempotency_key"].as_str().unwrap().to_owned()).collect()
    };
    let mail_files = || std::fs::read_dir(dir.path().join("outbox-mail")).map(|d| d.count()).unwrap_or(0);

    let dry = sweep(&["--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    let messages = dry["messages"].as_array().unwrap();
    assert!(!messages.is_empty(), "{dry}");
    for m in messages {
        for field in ["rule", "to", "subject", "idempotency_key", "audience", "locale"] {
            assert!(m[field].is_string(), "{field} in {m}");
        }
    }
    assert_eq!(keys(&sweep(&["--dry-run"])), keys(&dry), "a dry run changes nothing");
    assert_eq!(mail_files(), 0);

    let real = sweep(&[]);
    assert_eq!(keys(&real), keys(&dry), "the run queues what the dry run said");
    assert_eq!(real["delivered"]["sent"].as_u64().unwrap() as usize, messages.len());
    assert!(
        real["seconds"]["sweep"].as_f64().unwrap() > 0.0 && real["seconds"]["delivery"].as_f64().is_some(),
        "{real}"
    );
    assert!(dry["seconds"]["delivery"].is_null(), "{dry}");
    assert_eq!(mail_files(), messages.len(), "without SMTP, one .eml file per message");
    let again = sweep(&[]);
    assert!(again["messages"].as_array().unwrap().is_empty(), "{again}");
    assert_eq!(mail_files(), messages.len());

    // Three months later the sweep catches up the last 30 days and counts what it could not reach.
    let later = json(&run(&["--data-dir", data, "remind", "run", "--as-of", "2026-09-30", "--json"], None));
    let covered = later["covered"].as_array().unwrap();
    assert_eq!(
        (covered.len(), covered[0].as_str(), covered[29].as_str()),
        (30, Some("2026-09-01"), Some("2026-09-30"))
    );
    assert_eq!(
        (later["skipped"]["from"].as_str(), later["skipped"]["until"].as_str()),
        (Some("2026-07-02"), Some("2026-08-31"))
    );
    assert!(later["skipped"]["items"].as_u64().unwrap() > 0, "{later}");
    // A public holiday sends nothing: the day before sent ahead for it, the day after sends late.
    let holiday = json(&run(&["--data-dir", data, "remind", "run", "--as-of", "2026-10-01", "--json"], None));
    assert!(holiday["messages"].as_array().unwrap().is_empty(), "{holiday}");
    assert_eq!(holiday["covered"], serde_json::json!(["2026-10-01"]));
    assert!(holiday["skipped"].is_null());
}

/// The code of the first demo project (in code order) in a data folder.
fn first_project_code(data: &str) -> String {
    use coop_tracker::db::schema::projects;
    use diesel::prelude::*;
    let overrides = coop_tracker::config::Overrides { data_dir: Some(data.into()), ..Default::default() };
    let config = coop_tracker::config::Config::load(&overrides, &|_| None).unwrap();
    let pool = coop_tracker::db::connect(&config).unwrap();
    projects::table.order(projects::code.asc()).select(projects::code).first(&mut pool.get().unwrap()).unwrap()
}

#[test]
fn report_writes_html_and_pdf_freezes_on_submit_and_refuses_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let seeded = run(&["--data-dir", data, "demo", "seed", "--projects", "12", "--as-of", "2026-07-01"], None);
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let code = first_project_code(data);

    let made = run(
        &[
            "--data-dir",
            data,
            "report",
            "acceptance",
            "--project",
            &code,
            "--as-of",
            "2026-07-01",
            "--out",
            out,
            "--submit",
        ],
        None,
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    let printed = text(&made.stdout);
    let pdf = dir.path().join(format!("out/{code}/acceptance-2026-07-01.pdf"));
    assert!(printed.contains(pdf.to_str().unwrap()), "{printed}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    assert!(dir.path().join(format!("out/{code}/acceptance-2026-07-01.html")).exists());
    assert!(printed.contains("submitted as report 1"), "{printed}");

    let english =
        run(&["--data-dir", data, "report", "mid-term", "--project", &code, "--lang", "en", "--out", out], None);
    assert!(english.status.success(), "{}", text(&english.stderr));
    assert!(text(&english.stdout).contains(".en.pdf"));

    let portfolio = run(&["--data-dir", data, "report", "portfolio", "--as-of", "2026-07-01", "--out", out], None);
    assert!(portfolio.status.success(), "{}", text(&portfolio.stderr));
    assert!(dir.path().join("out/portfolio/portfolio-2026-07-01.pdf").exists());

    let refused = |args: &[&str], says: &str| {
        let mut all = vec!["--data-dir", data, "report"];
        all.extend_from_slice(args);
        let output = run(&all, None);
        assert!(!output.status.success(), "{args:?} should fail");
        let stderr = text(&output.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    };
    refused(&["progress", "--project", "NO-SUCH", "--out", out], "no project with code 'NO-SUCH'");
    refused(
        &["progress", "--project", &code, "--as-of", "2020-01-01", "--out", out],
        "before the project's execution period",
    );
    refused(&["portfolio", "--guide", "沪科〔1999〕1号", "--out", out], "no call guide");
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, b"a file, not a folder").unwrap();
    let unwritable = blocker.join("reports");
    refused(&["progress", "--project", &code, "--out", unwritable.to_str().unwrap()], "cannot write the report");
}

/// `guide parse` and `guide import` report what the pages and the API report for the same text,
/// at the same lines and in the same words (zh by default, English with `--lang en`).
#[test]
fn the_command_line_warns_and_refuses_as_the_pages_and_the_api_do() {
    let dir = tempfile::tempdir().unwrap();
    let warned = dir.path().join("warned.txt");
    std::fs::write(&warned, "沪科指南〔2025〕9号\n专题一、测试专题\n方向1. 第一方向\n考核指标：示范推广种植面积显著扩大；建立平台不少于1个。\n执行期限：2025年1月1日至2026年12月31日。\n方向2. 第二方向\n研究目标：开展联合研究。\n执行期限：2025年1月1日至2026年12月31日。\n").unwrap();
    let parsed = json(&run(&["guide", "parse", warned.to_str().unwrap(), "--json"], None));
    let found: Vec<_> = parsed["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["line"].as_i64().unwrap(), w["code"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(found, [(4, "unread".to_owned()), (6, "no_indicators".to_owned())]);
    assert!(parsed["warnings"][0]["message"].as_str().unwrap().starts_with("第 4 行："), "{parsed}");
    let summary = run(&["guide", "parse", warned.to_str().unwrap(), "--lang", "en"], None);
    assert!(text(&summary.stderr).contains("Line 6: No indicator was read for 专题1方向2"), "{summary:?}");

    let data = dir.path().join("data");
    let unnumbered = dir.path().join("unnumbered.txt");
    std::fs::write(
        &unnumbered,
        std::fs::read_to_string(&warned).unwrap().replacen("沪科指南〔2025〕9号", "上海市科委", 1),
    )
    .unwrap();
    let refused = run(&["--data-dir", data.to_str().unwrap(), "guide", "import", unnumbered.to_str().unwrap()], None);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).contains("第 1 行：没有找到文号"), "{refused:?}");
}

/// Drops what a test made on the PostgreSQL server, even when the test fails.
struct PgLeftovers {
    admin_url: String,
    statements: Vec<String>,
}

impl Drop for PgLeftovers {
    fn drop(&mut self) {
        use diesel::{Connection, RunQueryDsl};
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.admin_url) {
            for statement in &self.statements {
                let _ = diesel::sql_query(statement).execute(&mut conn);
            }
        }
    }
}

fn pg_database_exists(admin_url: &str, name: &str) -> bool {
    use diesel::{Connection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = diesel::PgConnection::establish(admin_url).unwrap();
    let count: Count = diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result(&mut conn)
        .unwrap();
    count.n == 1
}

#[test]
fn migrate_creates_a_missing_postgresql_database_or_says_at_once_in_one_line_what_to_run() {
    use diesel::{Connection, RunQueryDsl};
    let Some(admin_url) = std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) else {
        eprintln!("SKIPPED creating a PostgreSQL database: TEST_DATABASE_URL is not set (this run is on SQLite)");
        return;
    };
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    let host = base.rsplit('@').next().unwrap().trim_start_matches("postgres://").trim_start_matches("postgresql://");
    let suffix = &coop_tracker::auth::secret::random_token()[..10];
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();

    // A name that must be quoted: capitals, a space and a double quote (percent-encoded in the URL).
    let created = format!("Coop Missing\"{suffix}");
    let role = format!("coop_no_createdb_{}", suffix);
    let absent = format!("coop_absent_{}", suffix);
    let _cleanup = PgLeftovers {
        admin_url: admin_url.clone(),
        statements: vec![
            format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", created.replace('"', "\"\"")),
            format!("DROP DATABASE IF EXISTS {absent} WITH (FORCE)"),
            format!("DROP ROLE IF EXISTS {role}"),
        ],
    };
    let url = format!("{base}/Coop%20Missing%22{suffix}");
    let out = run(&["--data-dir", data, "--database-url", &url, "migrate"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "database is up to date");
    assert!(pg_database_exists(&admin_url, &created), "the database {created} was created");
    let again = run(&["--data-dir", data, "--database-url", &url, "user", "list"], None);
    assert!(again.status.success(), "the created database is migrated and usable: {}", text(&again.stderr));

    // A role without CREATEDB gets one line naming what to run, at once, and nothing is created.
    let mut admin = diesel::PgConnection::establish(&admin_url).unwrap();
    diesel::sql_query(format!("CREATE ROLE {role} LOGIN")).execute(&mut admin).unwrap();
    let url = format!("postgres://{role}@{host}/{absent}");
    let started = std::time::Instant::now();
    let out = run(&["--data-dir", data, "--database-url", &url, "migrate"], None);
    let took = started.elapsed();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(&format!("CREATE DATABASE \"{absent}\" OWNER \"{role}\";")), "{stderr}");
    assert!(took < std::time::Duration::from_secs(3), "at once, not after the pool's timeout: {took:?}");
    assert!(!pg_database_exists(&admin_url, &absent));
}

#[test]
fn mail_over_smtp_needs_addresses_its_readers_reach_and_every_message_has_a_message_id() {
    use mailparse::MailHeaderMap;
    let (sink, port) = crate::common::SmtpSink::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let seeded = run(&["--data-dir", data, "demo", "seed", "--projects", "12", "--as-of", "2026-07-01"], None);
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let smtp = [("COOP_SMTP_HOST", "127.0.0.1"), ("COOP_SMTP_PORT", port.as_str()), ("COOP_SMTP_TLS", "none")];
    let base_url = ("COOP_BASE_URL", "https://kw.example.gov.cn");
    let sender = ("COOP_SMTP_FROM", "科委项目管理 <noreply@kw.example.gov.cn>");
    fn joined<'a>(first: &[(&'a str, &'a str)], extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        first.iter().chain(extra).copied().collect()
    }
    let with = |extra: &[(&'static str, &'static str)]| joined(&smtp, extra);
    let remind = ["--data-dir", data, "remind", "run", "--as-of", "2026-07-01", "--json"];

    // Unset, base_url is the loopback bind address and the sender noreply@localhost: refused at once.
    let serve = ["--data-dir", data, "serve", "--bind", "127.0.0.1:1"];
    let refusals = [
        (&remind[..], with(&[sender]), "base_url is http://127.0.0.1:8080"),
        (&serve[..], with(&[sender]), "COOP_BASE_URL"),
        (&remind[..], with(&[base_url]), "smtp.from 'coop-tracker <noreply@localhost>'"),
    ];
    for (args, vars, says) in refusals {
        let out = run_with_env(args, None, &vars);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(says) && stderr.contains("smtp.allow_local_addresses"), "{stderr}");
    }
    assert!(sink.received.lock().unwrap().is_empty(), "nothing was sent");

    let out = json(&run_with_env(&remind, None, &with(&[base_url, sender])));
    let sent = out["delivered"]["sent"].as_u64().unwrap() as usize;
    assert!(sent > 0, "{out}");
    let raw = sink.wait_for(sent);
    assert_eq!(raw.len(), sent);
    let mut ids = std::collections::BTreeSet::new();
    for message in &raw {
        let mail = mailparse::parse_mail(message.as_bytes()).unwrap();
        let id = mail.headers.get_first_value("Message-ID").expect("a Message-ID");
        assert!(id.starts_with('<') && id.ends_with("@kw.example.gov.cn>"), "{id}");
        ids.insert(id);
        let bodies: Vec<String> = mail.subparts.iter().map(|p| p.get_body().unwrap()).collect();
        assert!(bodies.iter().all(|b| b.contains("https://kw.example.gov.cn/")), "{bodies:?}");
        assert!(bodies.iter().all(|b| !b.contains("127.0.0.1")), "{bodies:?}");
    }
    assert_eq!(ids.len(), sent, "each message its own Message-ID");

    // Told so explicitly, a test installation mails its loopback links.
    let allowed = run_with_env(
        &["--data-dir", data, "remind", "digest", "--as-of", "2026-07-01", "--json"],
        None,
        &with(&[("COOP_SMTP_ALLOW_LOCAL_ADDRESSES", "true")]),
    );
    assert!(allowed.status.success(), "{}", text(&allowed.stderr));
}
