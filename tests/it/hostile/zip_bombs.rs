//! Zip bombs (issue 20, finding 5): a roster workbook of about 1.5 MB whose sheet unpacks to 1.5 GiB
//! made a server hold 2.3 GB per request. Here a real server process gets such workbooks, honest and
//! lying about their size, on the API and on the page, and answers 413 naming the file while its
//! peak resident memory (`VmHWM`) stays under 200 MB. An Office evidence file declaring a bomb is
//! refused the same way, and a workbook of two cells far apart (which would have made calamine ask
//! for a grid of seventeen billion cells) is refused as too large.

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::Duration;

use actix_web::http::StatusCode;
use coop_tracker::web::build_app;

use crate::common::{Browser, PASSWORD, row_counts};
use crate::evidence::api::{multipart, stored_files, upload};
use crate::evidence::crash::{bin, free_port, start, user_with_token};
use crate::projects::{body, setup};

const MIB: usize = 1024 * 1024;

/// Bits written least significant first, as deflate packs them.
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    at: usize,
}

impl Bits {
    /// `count` bits of `value`, lowest first (header fields, extra bits).
    fn value(&mut self, value: u32, count: usize) {
        for i in 0..count {
            self.bit(value >> i & 1 == 1);
        }
    }

    /// A Huffman code of `length` bits, which deflate packs from its most significant bit.
    fn code(&mut self, code: u32, length: usize) {
        for i in (0..length).rev() {
            self.bit(code >> i & 1 == 1);
        }
    }

    fn bit(&mut self, one: bool) {
        if self.at / 8 == self.bytes.len() {
            self.bytes.push(0);
        }
        if one {
            self.bytes[self.at / 8] |= 1 << (self.at % 8);
        }
        self.at += 1;
    }

    /// `count` zero bits at once.
    fn zeros(&mut self, count: usize) {
        self.at += count;
        self.bytes.resize(self.at.div_ceil(8), 0);
    }

    fn align(&mut self) {
        self.zeros((8 - self.at % 8) % 8);
    }
}

/// A raw deflate stream: `prefix` stored as it is, then one letter repeated `repeats` × 258 + 1
/// times, as a zip compressor at its best would write it. Each 258 bytes is one match of length 258
/// at distance 1, and the block's code tables give both a 1-bit code, so 258 bytes cost 2 bits: about
/// 1,032:1, the most deflate can do. Built bit by bit because compressing gigabytes in a debug build
/// takes minutes; the bytes are what any deflate reader (the zip crate, zlib) unpacks.
fn deflate_bomb(prefix: &[u8], repeats: usize) -> Vec<u8> {
    let mut bits = Bits::default();
    // A stored block with the prefix, not the last.
    bits.value(0, 1);
    bits.value(0b00, 2);
    bits.align();
    let length = u16::try_from(prefix.len()).unwrap();
    bits.value(u32::from(length), 16);
    bits.value(u32::from(!length), 16);
    for byte in prefix {
        bits.value(u32::from(*byte), 8);
    }
    // The last block, with its own code tables.
    bits.value(1, 1);
    bits.value(0b10, 2);
    bits.value(286 - 257, 5); // literal/length codes 0..=285
    bits.value(2 - 1, 5); // distance codes 0 and 1
    bits.value(18 - 4, 4); // code-length codes, in their order, up to the one for length 1
    // Code lengths of the code-length alphabet, in the order 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11,
    // 4, 12, 3, 13, 2, 14, 1: symbol 18 (a run of zeros) gets 1 bit, symbols 1 and 2 get 2 bits.
    for length in [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2] {
        bits.value(length, 3);
    }
    // Canonical codes of that alphabet: 18 → 0, 1 → 10, 2 → 11.
    let zeros = |bits: &mut Bits, mut run: u32| {
        while run > 0 {
            let take = run.min(138);
            bits.code(0b0, 1);
            bits.value(take - 11, 7);
            run -= take;
        }
    };
    // Literal/length code lengths: 'A' (65) and end-of-block (256) 2 bits, length 258 (285) 1 bit.
    zeros(&mut bits, 65);
    bits.code(0b11, 2);
    zeros(&mut bits, 190);
    bits.code(0b11, 2);
    zeros(&mut bits, 28);
    bits.code(0b10, 2);
    // Distance code lengths: distance 1 (code 0) and code 1, 1 bit each.
    bits.code(0b10, 2);
    bits.code(0b10, 2);
    // Canonical codes: 285 → 0, 'A' → 10, end-of-block → 11; distance 1 → 0.
    bits.code(0b10, 2);
    bits.zeros(repeats * 2);
    bits.code(0b11, 2);
    bits.bytes
}

/// A one-entry zip holding `packed` (raw deflate) as `name`, declaring `size` unpacked bytes and a
/// zero checksum: nothing that opens it reads that far.
fn one_entry_zip(name: &str, packed: &[u8], size: u32) -> Vec<u8> {
    let name_length = u16::try_from(name.len()).unwrap();
    let packed_length = u32::try_from(packed.len()).unwrap();
    let mut zip = Vec::new();
    let u16s = |zip: &mut Vec<u8>, values: &[u16]| values.iter().for_each(|v| zip.extend_from_slice(&v.to_le_bytes()));
    let u32s = |zip: &mut Vec<u8>, values: &[u32]| values.iter().for_each(|v| zip.extend_from_slice(&v.to_le_bytes()));
    // Local header: version 2.0, no flags, deflate, 1980-01-01, checksum, sizes, name.
    zip.extend_from_slice(b"PK\x03\x04");
    u16s(&mut zip, &[20, 0, 8, 0, 0x21]);
    u32s(&mut zip, &[0, packed_length, size]);
    u16s(&mut zip, &[name_length, 0]);
    zip.extend_from_slice(name.as_bytes());
    zip.extend_from_slice(packed);
    let directory = u32::try_from(zip.len()).unwrap();
    // Central directory header: the same, with no comment or attributes, at offset 0.
    zip.extend_from_slice(b"PK\x01\x02");
    u16s(&mut zip, &[20, 20, 0, 8, 0, 0x21]);
    u32s(&mut zip, &[0, packed_length, size]);
    u16s(&mut zip, &[name_length, 0, 0, 0, 0]);
    u32s(&mut zip, &[0, 0]);
    zip.extend_from_slice(name.as_bytes());
    let directory_size = u32::try_from(zip.len()).unwrap() - directory;
    // End of central directory: one entry.
    zip.extend_from_slice(b"PK\x05\x06");
    u16s(&mut zip, &[0, 0, 1, 1]);
    u32s(&mut zip, &[directory_size, directory]);
    u16s(&mut zip, &[0]);
    zip
}

/// The parts around a workbook's first sheet (content types, relationships, the workbook).
const WORKBOOK_PARTS: [(&str, &str); 4] = [
    (
        "[Content_Types].xml",
        r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    ),
    (
        "_rels/.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    ),
    (
        "xl/workbook.xml",
        r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    ),
    (
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
    ),
];

/// The sheet XML up to where the bomb's letters start: one inline-string cell.
const SHEET_HEAD: &str = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>"#;

/// A roster workbook (the zip crate writes it) whose sheet unpacks to `unpacked` bytes and declares
/// `declared` of them.
fn workbook_bomb(unpacked: usize, declared: u32) -> Vec<u8> {
    let repeats = (unpacked - SHEET_HEAD.len() - 1) / 258;
    let sheet = one_entry_zip("xl/worksheets/sheet1.xml", &deflate_bomb(SHEET_HEAD.as_bytes(), repeats), declared);
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in WORKBOOK_PARTS {
        writer.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        writer.write_all(content.as_bytes()).unwrap();
    }
    let mut source = zip::ZipArchive::new(Cursor::new(sheet)).unwrap();
    writer.raw_copy_file(source.by_index_raw(0).unwrap()).unwrap();
    writer.finish().unwrap().into_inner()
}

#[test]
fn the_hand_built_bomb_unpacks_to_what_it_says() {
    let small = workbook_bomb(3 * MIB, 0);
    let mut archive = zip::ZipArchive::new(Cursor::new(small)).unwrap();
    let mut sheet = archive.by_name("xl/worksheets/sheet1.xml").unwrap();
    let mut text = Vec::new();
    // The checksum is not the content's, so the read ends in an error after the last byte.
    let _ = sheet.read_to_end(&mut text);
    let letters = text.len() - SHEET_HEAD.len();
    assert_eq!(&text[..SHEET_HEAD.len()], SHEET_HEAD.as_bytes());
    assert!(text[SHEET_HEAD.len()..].iter().all(|b| *b == b'A'));
    assert_eq!(letters, (3 * MIB - SHEET_HEAD.len() - 1) / 258 * 258 + 1);
}

/// An answer from the real server: status, headers (names in lower case) and body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

/// A client of the real server that keeps its cookies, as a browser would.
#[derive(Default)]
struct Client {
    cookies: HashMap<String, String>,
}

impl Client {
    /// One HTTP/1.1 exchange on a fresh connection.
    fn send(&mut self, port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        let cookie: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\nCookie: {}\r\n",
            body.len(),
            cookie.join("; ")
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        // The server may answer and close before it has read a refused body whole.
        let _ = stream.write_all(body);
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let text = String::from_utf8_lossy(&response).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
        let headers: Vec<(String, String)> = head
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
            .collect();
        for (_, cookie) in headers.iter().filter(|(name, _)| name == "set-cookie") {
            if let Some((name, value)) = cookie.split(';').next().and_then(|c| c.split_once('=')) {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        Answer { status, headers, body: body.to_owned() }
    }

    /// The CSRF token of the form on a page.
    fn form_token(&mut self, port: u16, path: &str) -> String {
        let page = self.send(port, "GET", path, &[], b"");
        let marker = "name=\"csrf_token\" value=\"";
        let start =
            page.body.find(marker).unwrap_or_else(|| panic!("no form on {path}: {}", page.status)) + marker.len();
        page.body[start..].split('"').next().unwrap().to_owned()
    }

    fn log_in(&mut self, port: u16, email: &str) {
        let token = self.form_token(port, "/login");
        let form =
            format!("csrf_token={token}&email={}&password={}", email.replace('@', "%40"), PASSWORD.replace(' ', "+"));
        let answer = self.send(
            port,
            "POST",
            "/login",
            &[("content-type", "application/x-www-form-urlencoded")],
            form.as_bytes(),
        );
        assert_eq!(answer.status, 303, "login as {email}: {}", answer.body);
    }
}

/// The peak resident memory of a process so far, in KiB.
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn roster_bombs_are_refused_while_the_server_stays_small() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let token = user_with_token(data, "staff@example.org", "staff");
    let mut add = bin()
        .arg("--data-dir")
        .arg(data)
        .args(["user", "add", "--email", "officer@example.org", "--name", "officer", "--role", "staff"])
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(PASSWORD.as_bytes()).unwrap();
    assert!(add.wait().unwrap().success());
    // 1.5 GiB of sheet, declared as it is and declared as 4 KiB; each file is under the roster's
    // 2 MiB upload limit, so that limit is not what stops them.
    let gib = 1536 * MIB;
    let bombs =
        [("名单.xlsx", workbook_bomb(gib, u32::try_from(gib).unwrap())), ("lying.xlsx", workbook_bomb(gib, 4096))];
    for (name, bomb) in &bombs {
        assert!(bomb.len() < 2 * MIB, "{name}: {} bytes", bomb.len());
    }

    let port = free_port();
    let mut server = start(data, port);
    let pid = server.id();
    let at_start = peak_kib(pid);
    let mut answers = Vec::new();
    let bearer = format!("Bearer {token}");
    for (name, bomb) in &bombs {
        let (content_type, payload) = multipart(&[], &[("file", name, bomb)]);
        let headers = [("authorization", bearer.as_str()), ("content-type", content_type.as_str())];
        answers.push((
            format!("API, {name}"),
            Client::default().send(port, "POST", "/api/v1/projects/import", &headers, &payload),
        ));
    }
    let mut browser = Client::default();
    browser.log_in(port, "officer@example.org");
    for (name, bomb) in &bombs {
        let token = browser.form_token(port, "/projects/import");
        let (content_type, payload) = multipart(&[("csrf_token", &token)], &[("file", name, bomb)]);
        let answer = browser.send(port, "POST", "/projects/import/check", &[("content-type", &content_type)], &payload);
        answers.push((format!("page, {name}"), answer));
    }
    let peak = peak_kib(pid);
    server.kill().unwrap();
    server.wait().unwrap();

    eprintln!("roster bombs: peak resident memory {peak} KiB, {at_start} KiB at start");
    assert!(peak < 200 * 1024, "peak resident memory {peak} KiB (at start {at_start} KiB)");
    for (what, answer) in &answers {
        assert_eq!(answer.status, 413, "{what}: {:.500}", answer.body);
        let name = if what.contains("lying") { "lying.xlsx" } else { "名单.xlsx" };
        let said = &answer.body;
        assert!(said.contains(name) && said.contains("32 MB"), "{what} names the file and the limit: {said:.500}");
        let page = what.starts_with("page");
        let html = answer.headers.iter().any(|(name, value)| name == "content-type" && value.starts_with("text/html"));
        assert_eq!(html, page, "{what}: an HTML page for the browser, JSON for the API");
    }
}

#[actix_web::test]
async fn an_office_evidence_file_declaring_a_bomb_and_a_sprawling_roster_are_refused_naming_the_file() {
    let s = setup();
    let service = actix_web::test::init_service(build_app(s.app.state.clone())).await;
    let mut staff = Browser::with_token(&service, &s.staff_token);
    let (_, indicator) = crate::projects::registered_project(&mut staff, s.direction_id).await;
    let mut pi = Browser::with_token(&service, &s.app.token(s.pi, None).1);
    let before = row_counts(&s.app);
    // A Word document whose body declares 300 MiB packed into a few hundred KiB.
    let body_xml = one_entry_zip(
        "word/document.xml",
        &deflate_bomb(b"<w:document>", 300 * MIB / 258),
        u32::try_from(300 * MIB).unwrap(),
    );
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    writer.start_file("[Content_Types].xml", zip::write::SimpleFileOptions::default()).unwrap();
    writer.write_all(b"<Types/>").unwrap();
    writer.raw_copy_file(zip::ZipArchive::new(Cursor::new(body_xml)).unwrap().by_index_raw(0).unwrap()).unwrap();
    let docx = writer.finish().unwrap().into_inner();
    let refused = upload(
        &mut pi,
        indicator,
        &[("value", "96.5"), ("measured_on", "2026-11-01")],
        &[("files", "报告.docx", &docx)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", refused.body);
    let message = body(&refused)["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("报告.docx") && message.contains("word/document.xml"), "{message}");
    assert_eq!(row_counts(&s.app), before);
    assert_eq!(stored_files(&s.app), (0, 0));

    // Two cells far apart: calamine's range would span 1,048,576 rows by 16,384 columns.
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in WORKBOOK_PARTS {
        writer.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        writer.write_all(content.as_bytes()).unwrap();
    }
    writer.start_file("xl/worksheets/sheet1.xml", zip::write::SimpleFileOptions::default()).unwrap();
    let far_apart = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>项目编号</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#;
    writer.write_all(far_apart.as_bytes()).unwrap();
    let sprawling = writer.finish().unwrap().into_inner();
    let (content_type, payload) = multipart(&[], &[("file", "稀疏.xlsx", &sprawling)]);
    let req = actix_web::test::TestRequest::post()
        .uri("/api/v1/projects/import")
        .insert_header(("content-type", content_type))
        .set_payload(payload);
    let refused = staff.request(req).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let message = body(&refused)["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("稀疏.xlsx") && message.contains("256"), "{message}");
    assert_eq!(row_counts(&s.app), before);
}
