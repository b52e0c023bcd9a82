//! Killing the real server in the middle of many concurrent evidence uploads loses nothing that was
//! committed and leaves nothing inconsistent: every stored file's object exists with its hash, every
//! evidence row has all its files, the audit chain verifies, and `files gc` removes only what no row
//! names. The server starts again afterwards.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use coop_tracker::db::DbConnection;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::evidence::api::{multipart, pdf};
use crate::projects::registration;

/// Files per upload: each evidence row must end up with exactly this many.
const FILES_PER_UPLOAD: usize = 2;

pub(crate) fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_coop-tracker"));
    command.env_remove("DATABASE_URL").env_remove("COOP_DATABASE_URL").env("COOP_LOG", "warn");
    command
}

fn run(data: &Path, args: &[&str]) -> Output {
    bin().arg("--data-dir").arg(data).args(args).output().unwrap()
}

/// Adds an account and returns its API token.
pub(crate) fn user_with_token(data: &Path, email: &str, role: &str) -> String {
    let out = run(data, &["user", "add", "--email", email, "--name", email, "--role", role, "--token"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    stdout.lines().find_map(|l| l.strip_prefix("API token: ")).unwrap().trim().to_owned()
}

/// One HTTP/1.1 exchange on a fresh connection: the status and the body.
fn http(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Ok((status, body))
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `serve` and waits until it answers `/healthz`.
pub(crate) fn start(data: &Path, port: u16) -> Child {
    let mut child = bin()
        .arg("--data-dir")
        .arg(data)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if http(port, "GET", "/healthz", &[], b"").is_ok_and(|(status, _)| status == 200) {
            return child;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    panic!("the server did not answer");
}

fn connect(data: &Path) -> coop_tracker::db::pool::DbPool {
    let overrides = coop_tracker::config::Overrides { data_dir: Some(data.to_owned()), ..Default::default() };
    let config = coop_tracker::config::Config::load(&overrides, &|_| None).unwrap();
    coop_tracker::db::connect(&config).unwrap()
}

fn object_path(data: &Path, sha256: &str) -> PathBuf {
    data.join("files/objects").join(&sha256[..2]).join(sha256)
}

/// Every object file and every leftover upload on disk.
fn on_disk(data: &Path) -> (Vec<String>, usize) {
    let mut objects = Vec::new();
    if let Ok(dirs) = std::fs::read_dir(data.join("files/objects")) {
        for dir in dirs.flatten() {
            for file in std::fs::read_dir(dir.path()).unwrap().flatten() {
                objects.push(file.file_name().to_string_lossy().into_owned());
            }
        }
    }
    let incoming = std::fs::read_dir(data.join("files/incoming")).map_or(0, |f| f.count());
    (objects, incoming)
}

/// Checks the database against the store; returns the hashes the database names.
fn check_consistency(conn: &mut DbConnection, data: &Path) -> Vec<String> {
    use coop_tracker::db::schema::{evidence, evidence_files, files};
    let stored: Vec<(i64, String, i64)> =
        files::table.select((files::id, files::sha256, files::size_bytes)).load(conn).unwrap();
    for (_, sha256, size) in &stored {
        let content = std::fs::read(object_path(data, sha256))
            .unwrap_or_else(|e| panic!("the object of files row {sha256} is missing: {e}"));
        assert_eq!(hex::encode(Sha256::digest(&content)), *sha256, "the object's content matches its hash");
        assert_eq!(content.len() as i64, *size);
    }
    let rows: Vec<i64> = evidence::table.select(evidence::id).load(conn).unwrap();
    for id in rows {
        let attached: Vec<i64> = evidence_files::table
            .filter(evidence_files::evidence_id.eq(id))
            .select(evidence_files::file_id)
            .load(conn)
            .unwrap();
        assert_eq!(attached.len(), FILES_PER_UPLOAD, "evidence {id} has all its files");
        for file_id in attached {
            assert!(stored.iter().any(|(f, ..)| *f == file_id), "evidence {id} names a file row that exists");
        }
    }
    stored.into_iter().map(|(_, sha256, _)| sha256).collect()
}

/// Uploads from several threads until `stop`; each thread returns the evidence ids the server
/// acknowledged with 201 (the kill cuts many other requests off, which is expected).
fn upload_until(
    port: u16,
    token: &str,
    indicator: i64,
    stop: &Arc<AtomicBool>,
    round: usize,
) -> Vec<std::thread::JoinHandle<Vec<i64>>> {
    (0..8)
        .map(|worker| {
            let (stop, token) = (Arc::clone(stop), token.to_owned());
            std::thread::spawn(move || {
                let mut accepted = Vec::new();
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let a = pdf(&format!("round {round} worker {worker} upload {n} a"), 300 * 1024);
                    let b = pdf(&format!("round {round} worker {worker} upload {n} b"), 200 * 1024);
                    let (content_type, body) = multipart(
                        &[("value", "96"), ("measured_on", "2026-11-01"), ("note", "crash test")],
                        &[("files", "a.pdf", &a), ("files.test_report", "b.pdf", &b)],
                    );
                    let auth = format!("Bearer {token}");
                    let path = format!("/api/v1/indicators/{indicator}/evidence");
                    let headers = [("Authorization", auth.as_str()), ("Content-Type", content_type.as_str())];
                    if let Ok((201, answer)) = http(port, "POST", &path, &headers, &body) {
                        let submitted: serde_json::Value = serde_json::from_str(&answer).unwrap();
                        accepted.extend(
                            submitted["evidence_ids"].as_array().unwrap().iter().map(|id| id.as_i64().unwrap()),
                        );
                    }
                }
                accepted
            })
        })
        .collect()
}

#[test]
fn killing_the_server_during_uploads_leaves_a_consistent_store_that_gc_cleans() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let guide = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/guides/2024-domestic-cooperation.md");
    let imported = run(data, &["guide", "import", guide.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let staff = user_with_token(data, "staff@example.org", "staff");
    let pi = user_with_token(data, "pi@example.org", "pi");
    user_with_token(data, "member@example.org", "member");
    let direction_id = {
        use coop_tracker::db::institution::{self, InstitutionFields};
        use coop_tracker::db::schema::directions;
        let pool = connect(data);
        let conn = &mut pool.get().unwrap();
        let now = crate::common::test_now();
        for name in ["华东理工大学", "新疆大学"] {
            let fields = InstitutionFields {
                name,
                region_id: None,
                in_shanghai: true,
                research_office_name: None,
                research_office_email: None,
                updated_at: now,
            };
            institution::insert(conn, &fields, now).unwrap();
        }
        directions::table.order(directions::id.asc()).select(directions::id).first::<i64>(conn).unwrap()
    };

    let port = free_port();
    let mut server = start(data, port);
    let auth = format!("Bearer {staff}");
    let json = [("Authorization", auth.as_str()), ("Content-Type", "application/json")];
    let (status, body) =
        http(port, "POST", "/api/v1/projects", &json, registration(direction_id).to_string().as_bytes()).unwrap();
    assert_eq!(status, 201, "{body}");
    let project: serde_json::Value = serde_json::from_str(&body).unwrap();
    let indicator =
        project["indicators"].as_array().unwrap().iter().find(|i| i["op"] == ">=" && i["value"] == 95.0).unwrap()["id"]
            .as_i64()
            .unwrap();

    let mut accepted_total = 0;
    // Early (uploads still arriving), in the thick of it, and later on.
    for (round, kill_after) in [150u64, 700, 1800].into_iter().enumerate() {
        let stop = Arc::new(AtomicBool::new(false));
        let workers = upload_until(port, &pi, indicator, &stop, round);
        std::thread::sleep(Duration::from_millis(kill_after));
        server.kill().unwrap(); // SIGKILL on Unix: no shutdown code runs.
        server.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        let accepted: Vec<i64> = workers.into_iter().flat_map(|w| w.join().unwrap()).collect();

        let pool = connect(data);
        let conn = &mut pool.get().unwrap();
        check_consistency(conn, data);
        let stored: Vec<i64> = {
            use coop_tracker::db::schema::evidence;
            evidence::table.filter(evidence::id.eq_any(&accepted)).select(evidence::id).load(conn).unwrap()
        };
        assert_eq!(stored.len(), accepted.len(), "round {round}: every acknowledged upload is stored");
        #[derive(QueryableByName)]
        struct Check {
            #[diesel(sql_type = diesel::sql_types::Text)]
            integrity_check: String,
        }
        let check: Check = diesel::sql_query("PRAGMA integrity_check").get_result(conn).unwrap();
        assert_eq!(check.integrity_check, "ok", "round {round}");
        accepted_total += accepted.len();
        let verify = run(data, &["audit", "verify"]);
        assert!(verify.status.success(), "round {round}: {}", String::from_utf8_lossy(&verify.stderr));

        server = start(data, port);
        let (status, _) = http(port, "GET", "/api/v1/me", &[("Authorization", &format!("Bearer {pi}"))], b"").unwrap();
        assert_eq!(status, 200, "round {round}: the server answers after the kill");
    }
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(accepted_total > 0, "some uploads were acknowledged before the kills");

    let pool = connect(data);
    let referenced = check_consistency(&mut pool.get().unwrap(), data);
    assert!(!referenced.is_empty(), "some uploads were committed");
    // Leftovers a cut-off upload can leave, planted so that gc has something to remove whatever the kills hit.
    let orphan = "0".repeat(64);
    std::fs::create_dir_all(object_path(data, &orphan).parent().unwrap()).unwrap();
    std::fs::write(object_path(data, &orphan), b"orphan").unwrap();
    std::fs::create_dir_all(data.join("files/incoming")).unwrap();
    std::fs::write(data.join("files/incoming/upload-cut-off"), b"partial").unwrap();

    let kept = run(data, &["files", "gc"]);
    assert!(kept.status.success());
    assert!(object_path(data, &orphan).exists(), "young files are left alone by default");

    let gc = run(data, &["files", "gc", "--min-age-seconds", "0"]);
    let stdout = String::from_utf8_lossy(&gc.stdout);
    assert!(gc.status.success(), "{}", String::from_utf8_lossy(&gc.stderr));
    assert!(stdout.contains(&format!("{} files are in use", referenced.len())), "{stdout}");
    let (objects, incoming) = on_disk(data);
    assert_eq!(incoming, 0, "no unfinished upload is left");
    let mut objects = objects;
    objects.sort();
    let mut referenced = referenced;
    referenced.sort();
    assert_eq!(objects, referenced, "exactly the referenced objects remain");
    check_consistency(&mut pool.get().unwrap(), data);
}
