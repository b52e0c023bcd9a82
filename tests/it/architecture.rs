//! The import rules of `docs/architecture.md`, checked: every path a folder of `src/` names
//! (`use crate::db::…`, `crate::report::x(…)`, `diesel::…`) must be one its layer may use. Test
//! code inside `src/` (`#[cfg(test)]` items) is left out: a test may reach anywhere.
//!
//! The rules are the table below, and the document states the same table; any arrow they forbid
//! fails the test, naming the file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What each top-level module of `src/` may use: modules of the crate, and crates beyond `std`
/// and [`UTILITIES`]. A module not named here is a composition root (`cli`, `server`, `demo`,
/// `backup`, `main`, `lib`), which wires everything together and may use anything.
const RULES: &[(&str, &[&str], &[&str])] = &[
    // (module, crate modules it may use, external crates it may use)
    ("domain", &[], &["chrono", "serde"]),
    ("i18n", &["domain"], &["toml"]),
    ("config", &["domain", "i18n"], &["toml", "cron", "lettre"]),
    ("auth", &["domain"], &["argon2", "hmac"]),
    ("zip_guard", &[], &["zip"]),
    ("fonts", &[], &[]),
    ("roster", &["domain", "i18n", "zip_guard"], &["calamine", "csv"]),
    ("files", &["domain", "zip_guard"], &["zip"]),
    ("db", &["domain", "config"], &["diesel", "diesel_migrations", "libsqlite3_sys", "pq_sys"]),
    ("report", &["domain", "i18n", "config", "fonts"], &["askama", "plotters", "png", "coop_pdf", "hb_subset"]),
    ("export", &["domain", "i18n"], &["csv", "rust_xlsxwriter", "unicode_width"]),
    ("mail", &["domain", "i18n", "config", "auth"], &["lettre", "askama"]),
    ("app", &["domain", "db", "report", "mail", "i18n", "config", "files", "roster", "auth", "export"], &[]),
    ("jobs", &["app", "domain", "db", "mail", "i18n", "config", "auth"], &["cron", "lettre"]),
    (
        "web",
        &["app", "domain", "report", "i18n", "config", "auth", "fonts", "export"],
        &[
            "actix_web",
            "actix_multipart",
            "askama",
            "futures_util",
            "serde_urlencoded",
            "serde_path_to_error",
            "utoipa",
            "rlimit",
            "hmac",
        ],
    ),
];

/// Crates every module but `domain` may use: errors, logs, encodings, hashes and randomness.
const UTILITIES: &[&str] = &[
    "anyhow",
    "thiserror",
    "tracing",
    "chrono",
    "chrono_tz",
    "serde",
    "serde_json",
    "sha2",
    "hex",
    "base64",
    "secrecy",
    "rand",
    "memchr",
    "percent_encoding",
    "form_urlencoded",
];

/// The crates this one depends on, named as code names them (`coop-pdf` as `coop_pdf`).
fn dependencies() -> BTreeSet<String> {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let mut names = BTreeSet::new();
    let mut in_dependencies = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
        } else if in_dependencies && let Some((name, _)) = line.split_once('=') {
            let name = name.trim();
            if !name.is_empty() && !name.starts_with('#') {
                names.insert(name.replace('-', "_"));
            }
        }
    }
    names
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without comments, string literals and `#[cfg(test)]` items, so that only code that
/// is compiled into the program is read.
fn code_of(source: &str) -> String {
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &source[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |end| end + 2);
        } else if let Some(item) = rest.strip_prefix("#[cfg(test)]") {
            i += skip_item(item) + "#[cfg(test)]".len();
        } else if let Some(body) = rest.strip_prefix('"') {
            i += 1 + closing_quote(body);
            out.push_str("\"\"");
        } else if let Some(length) = char_literal(rest) {
            i += length;
        } else if rest.starts_with("r#\"") {
            i += rest.find("\"#").map_or(rest.len(), |end| end + 2);
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The length of a character literal starting the text (`'"'`, `'\\''`), none for a lifetime.
fn char_literal(text: &str) -> Option<usize> {
    let body = text.strip_prefix('\'')?;
    if body.starts_with('\\') {
        return body[2..].find('\'').map(|end| end + 4);
    }
    let c = body.chars().next()?;
    body[c.len_utf8()..].starts_with('\'').then_some(c.len_utf8() + 2)
}

/// Bytes up to and including the end of a string literal's body.
fn closing_quote(body: &str) -> usize {
    let mut escaped = false;
    for (at, c) in body.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return at + 1,
            _ => escaped = false,
        }
    }
    body.len()
}

/// Bytes of the next item: to its `;`, or to the brace closing its body.
fn skip_item(text: &str) -> usize {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return at + 1;
                }
            }
            ';' if depth == 0 => return at + 1,
            _ => {}
        }
    }
    text.len()
}

/// The crate modules and external crates a piece of code names, as `crate::x` and `x::` paths,
/// including inside grouped `use` lines (`use crate::{db, report::x}`).
fn named(code: &str, crates: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let words: Vec<(usize, &str)> = words(code);
    for (n, &(at, word)) in words.iter().enumerate() {
        let after = &code[at + word.len()..];
        if word == "crate" && after.starts_with("::") {
            let rest = after[2..].trim_start();
            if let Some(group) = rest.strip_prefix('{') {
                let inner = &group[..group.find('}').unwrap_or(group.len())];
                for item in inner.split(',') {
                    let head: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    if !head.is_empty() && head != "self" {
                        found.insert(head);
                    }
                }
            } else if let Some(&(_, next)) = words.get(n + 1) {
                found.insert(next.to_owned());
            }
        } else if after.starts_with("::") && crates.contains(word) {
            // `x::y` where x is a dependency, not a field or local path: preceded by nothing that
            // makes it a member (`.x::` cannot occur) or a deeper path segment.
            let before = code[..at].trim_end();
            if !before.ends_with("::") {
                found.insert(word.to_owned());
            }
        }
    }
    found
}

fn words(code: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (at, c) in code.char_indices() {
        let part = c.is_ascii_alphanumeric() || c == '_';
        match (part, start) {
            (true, None) => start = Some(at),
            (false, Some(s)) => {
                out.push((s, &code[s..at]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &code[s..]));
    }
    out
}

#[test]
fn every_folder_uses_only_what_its_layer_may() {
    let crates = dependencies();
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let modules: BTreeSet<String> = files
        .iter()
        .map(|f| {
            f.strip_prefix(&src)
                .unwrap()
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned()
        })
        .collect();
    let mut wrong: BTreeSet<(String, String)> = BTreeSet::new();
    for file in &files {
        let relative = file.strip_prefix(root()).unwrap().to_string_lossy().replace('\\', "/");
        let module = file
            .strip_prefix(&src)
            .unwrap()
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        let Some(&(_, may_modules, may_crates)) = RULES.iter().find(|(m, _, _)| *m == module) else { continue };
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        for name in named(&code, &crates) {
            let allowed = if modules.contains(&name) {
                name == module || may_modules.contains(&name.as_str())
            } else {
                let utility = module != "domain" && UTILITIES.contains(&name.as_str());
                utility || may_crates.contains(&name.as_str()) || !crates.contains(&name)
            };
            if !allowed {
                wrong.insert((relative.clone(), name));
            }
        }
    }
    assert!(wrong.is_empty(), "arrows the rules of docs/architecture.md forbid:\n{wrong:#?}");
}

#[test]
fn the_reader_finds_arrows_in_every_form_they_are_written() {
    let crates: BTreeSet<String> = ["diesel".to_owned(), "serde".to_owned()].into();
    let code = code_of(
        "use crate::{db::x, report, self};\n// crate::mail in a comment\nlet s = \"crate::jobs\";\n\
         fn f() { crate::web::g(); diesel::insert_into(t); let q = '\"'; let e = '\\''; }\n\
         use serde::Serialize;\n#[cfg(test)]\nmod tests { use crate::app; }\nfn g<'a>(x: &'a str) { crate::jobs::h(); }\n",
    );
    let found = named(&code, &crates);
    let expected: BTreeSet<String> =
        ["db", "report", "web", "diesel", "serde", "jobs"].iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(found, expected);
}

/// The use cases may hand on a type from a layer below (a row shaped for a page, an input form, a
/// handle such as the connection pool) so that web can name it, but never a function or a module:
/// an operation web performs must be a use case, not a query passed through.
#[test]
fn the_use_cases_hand_on_types_never_functions() {
    let mut files = Vec::new();
    rust_files(&root().join("src/app"), &mut files);
    let mut passed_through = Vec::new();
    for file in files {
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        for statement in code.split(';') {
            let statement = statement.trim();
            let Some(path) = statement.rsplit("pub use ").next().filter(|_| statement.contains("pub use ")) else {
                continue;
            };
            let group = path.find('{').map_or(path, |open| &path[open + 1..path.rfind('}').unwrap_or(path.len())]);
            let tail = if path.contains('{') { group.to_owned() } else { path.rsplit("::").next().unwrap().to_owned() };
            for item in tail.split(',') {
                let name = item.rsplit(" as ").next().unwrap().trim();
                let original = item.split(" as ").next().unwrap().trim().rsplit("::").next().unwrap();
                if !name.starts_with(|c: char| c.is_ascii_uppercase())
                    || !original.starts_with(|c: char| c.is_ascii_uppercase())
                {
                    passed_through.push(format!("{}: {}", file.display(), item.trim()));
                }
            }
        }
    }
    assert!(passed_through.is_empty(), "functions or modules handed on by the use cases:\n{passed_through:#?}");
}
