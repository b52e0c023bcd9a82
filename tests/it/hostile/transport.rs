//! Slow senders, against the server as `serve` runs it (`server::start_http` on a loopback port): a
//! client that announces a body and then sends it slowly, or never, is answered 408 and cut off
//! once the body deadline passes, and the connections such clients hold are capped, so that a flood
//! of them neither runs the process out of file descriptors nor keeps it from answering for long.
//! Before, a `POST /login` announcing 1000 bytes and sending a few was held open for good, and
//! 1,100 of them left `/healthz` dead with "Too many open files".

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::TestApp;

/// The idle deadline the tests configure: the longest wait for the next piece of a body.
const IDLE_SECONDS: u64 = 2;
/// The slowest average rate they allow after it.
const MIN_RATE: &str = "1024";

/// A running server on its own database, stopped when dropped.
struct Served {
    addr: SocketAddr,
    app: TestApp,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Served {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

fn serve(max_connections: &str) -> Served {
    let idle = IDLE_SECONDS.to_string();
    let app = TestApp::with_env(&[
        ("COOP_BODY_IDLE_SECONDS", &idle),
        ("COOP_BODY_MIN_BYTES_PER_SECOND", MIN_RATE),
        ("COOP_MAX_CONNECTIONS", max_connections),
    ]);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = coop_tracker::server::start_http(app.state.clone(), listener).unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    Served { addr, app, handle }
}

/// A request head announcing a body of `length` bytes, and the first `sent` of them.
fn head(path: &str, content_type: &str, length: usize, extra: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n{extra}\r\n"
    )
    .into_bytes()
}

/// Reads until the server closes the connection (or 30 s pass): what it sent, and after how long
/// from `since`.
async fn until_closed(stream: &mut (impl AsyncRead + Unpin), since: Instant) -> (String, Duration) {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let deadline = since + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
            Err(_) => panic!("the server still held the connection after 30 s"),
        }
    }
    (String::from_utf8_lossy(&received).into_owned(), since.elapsed())
}

/// Whether the connection was cut within the deadline's reach, with a 408.
fn assert_cut(what: &str, response: &str, after: Duration, latest: Duration) {
    println!("{what}: cut after {after:?}");
    assert!(response.starts_with("HTTP/1.1 408"), "{what}: {response}");
    assert!(after >= Duration::from_millis(IDLE_SECONDS * 1000 - 300), "{what}: cut too early, after {after:?}");
    assert!(after <= latest, "{what}: cut only after {after:?}");
}

#[actix_web::test]
async fn a_body_that_stalls_or_trickles_is_answered_408_and_cut_off() {
    let served = serve("64");
    let latest = Duration::from_secs(IDLE_SECONDS + 3);

    // A login form announcing 1000 bytes, a few sent, then nothing.
    let mut stalled = TcpStream::connect(served.addr).await.unwrap();
    let started = Instant::now();
    let mut request = head("/login", "application/x-www-form-urlencoded", 1000, "");
    request.extend_from_slice(b"email=a");
    stalled.write_all(&request).await.unwrap();
    let (response, after) = until_closed(&mut stalled, started).await;
    assert_cut("stalled form", &response, after, latest);
    assert!(response.contains("请求内容发送过慢"), "worded for a person: {response}");

    // A JSON body to the API, with a token, sent a few bytes a second: never idle for long, but far
    // below the rate.
    let (_, token) =
        served.app.token(served.app.user("staff@example.org", coop_tracker::domain::role::Role::Staff), None);
    let (mut reader, mut writer) = TcpStream::connect(served.addr).await.unwrap().into_split();
    let started = Instant::now();
    let auth = format!("Authorization: Bearer {token}\r\nAccept-Language: en\r\n");
    writer.write_all(&head("/api/v1/guides", "application/json", 100_000, &auth)).await.unwrap();
    let trickle = async {
        for _ in 0..40 {
            if writer.write_all(b"{\"t\": ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    };
    let ((response, after), ()) = tokio::join!(until_closed(&mut reader, started), trickle);
    assert_cut("trickled JSON", &response, after, latest);
    assert!(response.contains("\"code\":\"timeout\""), "{response}");
    assert!(response.contains("arrived too slowly"), "in the language asked for: {response}");

    // An honest client on a slow line is read to the end: 8 KiB in four pieces half a second apart
    // (a guide to check that is no guide, so the answer is the parser's 422).
    let mut honest = TcpStream::connect(served.addr).await.unwrap();
    let started = Instant::now();
    let text = "考核指标".repeat(700);
    let body = serde_json::json!({ "text": text, "dry_run": true }).to_string();
    let extra = format!("Authorization: Bearer {token}\r\nConnection: close\r\n");
    honest.write_all(&head("/api/v1/guides", "application/json", body.len(), &extra)).await.unwrap();
    for piece in body.as_bytes().chunks(body.len().div_ceil(4)) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        honest.write_all(piece).await.unwrap();
    }
    let (response, _) = until_closed(&mut honest, started).await;
    assert!(response.starts_with("HTTP/1.1 422") || response.starts_with("HTTP/1.1 200"), "{response}");
}

#[actix_web::test]
async fn a_flood_of_stalled_connections_is_capped_and_the_service_still_answers() {
    // Four connections at once (shared out between the workers); twelve clients stall.
    let served = serve("4");
    let started = Instant::now();
    let mut stalled = Vec::new();
    for _ in 0..12 {
        let mut stream = TcpStream::connect(served.addr).await.unwrap();
        let mut request = head("/login", "application/x-www-form-urlencoded", 1000, "");
        request.extend_from_slice(b"email=a");
        stream.write_all(&request).await.unwrap();
        stalled.push(actix_web::rt::spawn(async move { until_closed(&mut stream, started).await }));
    }
    let mut health = TcpStream::connect(served.addr).await.unwrap();
    health.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await.unwrap();

    let (answer, answered_after) = until_closed(&mut health, started).await;
    let mut cuts = Vec::new();
    for handle in stalled {
        cuts.push(handle.await.unwrap());
    }
    for (response, after) in &cuts {
        assert!(response.starts_with("HTTP/1.1 408"), "{response} after {after:?}");
    }
    // Served a few at a time, each cut at the deadline: the last cut comes rounds later.
    let last = cuts.iter().map(|(_, after)| *after).max().unwrap();
    println!(
        "stalled clients cut after {:?}; /healthz answered after {answered_after:?}",
        cuts.iter().map(|c| c.1).collect::<Vec<_>>()
    );
    assert!(last >= Duration::from_secs(2 * IDLE_SECONDS) - Duration::from_millis(300), "all served at once: {last:?}");
    // And the service answered, as soon as the queue ahead of it was cut.
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answered_after <= Duration::from_secs(6 * IDLE_SECONDS + 5), "{answered_after:?}");
}
