//! Nothing secret reaches the logs (issue 9): the real server, logging at debug level, is sent a
//! password, a bearer token, a password-reset link and a calendar feed's address, and none of them
//! appears in what it wrote.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const PASSWORD: &str = "a-very-secret-password-9d1";

fn bin(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_coop-tracker"));
    command.env_remove("DATABASE_URL").env_remove("COOP_DATABASE_URL").arg("--data-dir").arg(data);
    command
}

/// One HTTP/1.1 exchange; returns the status, the headers and the body.
fn http(port: u16, request: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (head[9..12].parse().unwrap(), head.to_owned(), body.to_owned())
}

fn get(port: u16, path: &str, extra: &str) -> (u16, String, String) {
    http(port, &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{extra}\r\n"))
}

fn post_form(port: u16, path: &str, cookie: &str, form: &str) -> (u16, String, String) {
    http(
        port,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ),
    )
}

fn cookie(head: &str, name: &str) -> String {
    head.lines()
        .filter_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .unwrap_or_default()
}

fn csrf(body: &str) -> String {
    let at = body.find("name=\"csrf_token\" value=\"").unwrap() + "name=\"csrf_token\" value=\"".len();
    body[at..].split('"').next().unwrap().to_owned()
}

#[test]
fn passwords_tokens_reset_links_and_feed_addresses_stay_out_of_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut add = bin(data)
        .args([
            "user",
            "add",
            "--email",
            "pi@example.org",
            "--name",
            "李",
            "--role",
            "pi",
            "--password-stdin",
            "--token",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    let added = add.wait_with_output().unwrap();
    let token = String::from_utf8_lossy(&added.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("API token: ").map(str::to_owned))
        .unwrap();

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = std::fs::File::create(data.join("server.log")).unwrap();
    let mut server = bin(data)
        .env("COOP_LOG", "debug")
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(Duration::from_millis(50));
    }

    // A login with the password, a wrong one, and an API call with the token.
    let (_, head, body) = get(port, "/login", "");
    let csrf_cookie = cookie(&head, "coop_csrf");
    let form = format!("csrf_token={}&email=pi%40example.org&password={PASSWORD}", csrf(&body));
    let (status, head, _) = post_form(port, "/login", &csrf_cookie, &form);
    assert_eq!(status, 303);
    let session = cookie(&head, "coop_session");
    let wrong = format!("csrf_token={}&email=pi%40example.org&password={PASSWORD}-wrong", csrf(&body));
    post_form(port, "/login", &csrf_cookie, &wrong);
    assert_eq!(get(port, "/api/v1/me", &format!("Authorization: Bearer {token}\r\n")).0, 200);

    // A calendar feed address, made and read.
    let cookies = format!("{csrf_cookie}; {session}");
    let (_, _, page) = get(port, "/account/calendar", &format!("Cookie: {cookies}\r\n"));
    let (_, _, renewed) = post_form(port, "/account/calendar", &cookies, &format!("csrf_token={}", csrf(&page)));
    let feed_at = renewed.find("/calendar/").unwrap();
    let feed: String = renewed[feed_at..].chars().take_while(|c| !"\"<& ".contains(*c)).collect();
    assert_eq!(get(port, &feed, "").0, 200, "{feed}");
    let feed_token = feed.trim_start_matches("/calendar/").trim_end_matches(".ics").to_owned();

    // A reset link, requested and followed.
    let (_, head, body) = get(port, "/password/forgot", "");
    let form = format!("csrf_token={}&email=pi%40example.org", csrf(&body));
    post_form(port, "/password/forgot", &cookie(&head, "coop_csrf"), &form);
    // Delivered in the background, without SMTP as a file.
    let mut mail = String::new();
    for _ in 0..200 {
        mail = std::fs::read_dir(data.join("outbox-mail"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| crate::password::decoded_parts(&std::fs::read_to_string(e.path()).unwrap()))
            .collect();
        if mail.contains("/password/reset?token=") {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let link = crate::password::reset_link(&mail);
    let reset_token = link.split_once("token=").unwrap().1.to_owned();
    assert_eq!(get(port, &link, "").0, 200);

    server.kill().unwrap();
    server.wait().unwrap();
    let written = std::fs::read_to_string(data.join("server.log")).unwrap();
    assert!(written.contains("GET /password/reset"), "the requests were logged: {written}");
    let session_value = session.split_once('=').unwrap().1;
    for (what, secret) in [
        ("password", PASSWORD),
        ("API token", &token),
        ("session", session_value),
        ("feed address", &feed_token),
        ("reset token", &reset_token),
    ] {
        assert!(!written.contains(secret), "the {what} is in the log:\n{written}");
    }
}
