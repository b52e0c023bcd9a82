//! Writing generated reports to the reports folder: `<dir>/<project code>/<kind>-<as-of>.{html,pdf}`
//! (`.en.html` for English, `portfolio/` for portfolio reports). Each file is written beside its final
//! name and renamed over it, so a reader never sees half a report.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::facts::Kind;
use crate::i18n::Locale;

/// The files of one generated report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The HTML file.
    pub html: PathBuf,
    /// The PDF file.
    pub pdf: PathBuf,
}

/// A folder name for a project code or guide number: letters, digits, `-`, `_` and `.` are kept, the
/// rest become `_`, so that no code can name a path outside the reports folder.
fn folder_name(scope: &str) -> String {
    let name: String =
        scope.chars().map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    if name.is_empty() || name.chars().all(|c| c == '.') { "_".to_owned() } else { name }
}

/// Where a report's files go: `<dir>/<scope>/<kind>-<as-of>[.en]`, without the extension.
pub fn base_path(dir: &Path, scope: &str, kind: Kind, as_of: NaiveDate, locale: Locale) -> PathBuf {
    let lang = match locale {
        Locale::ZhCn => "",
        Locale::En => ".en",
    };
    dir.join(folder_name(scope)).join(format!("{}-{as_of}{lang}", kind.file_stem()))
}

/// The names a report is downloaded under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadName {
    /// In the report's language, saying what it is: `SH-KJ-2024-001 中期检查报告 2026-12-01.pdf`,
    /// `项目组合报告 2026-12-01.pdf`.
    pub text: String,
    /// The same in ASCII, for clients that cannot read the other: `SH-KJ-2024-001-mid-term-2026-12-01.pdf`,
    /// `portfolio-2026-12-01.en.pdf`.
    pub ascii: String,
}

/// The names a report of `scope` (a project code, or `portfolio[-<guide number>]`) is downloaded
/// under.
pub fn download_name(scope: &str, kind: Kind, as_of: NaiveDate, locale: Locale, ext: &str) -> DownloadName {
    let lang = if locale == Locale::En { ".en" } else { "" };
    let title = locale.t().get(kind.title_key());
    let (text, stem) = if kind == Kind::Portfolio {
        // The scope already says "portfolio", and names the guide when there is one.
        match scope.strip_prefix("portfolio-") {
            Some(guide) => (format!("{title} {guide}"), folder_name(scope)),
            None => (title.to_owned(), "portfolio".to_owned()),
        }
    } else {
        (format!("{scope} {title}"), format!("{}-{}", folder_name(scope), kind.file_stem()))
    };
    let ascii: String = format!("{stem}-{as_of}{lang}.{ext}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    // No path separators or control characters in what a browser saves.
    let text: String = format!("{text} {as_of}.{ext}")
        .chars()
        .map(|c| if c.is_control() || matches!(c, '/' | '\\' | '"') { '_' } else { c })
        .collect();
    DownloadName { text, ascii }
}

/// Writes the HTML and PDF of a report, replacing earlier files of the same report.
pub fn write(base: &Path, html: &str, pdf: &[u8]) -> std::io::Result<Written> {
    let written = Written { html: with_suffix(base, "html"), pdf: with_suffix(base, "pdf") };
    if let Some(folder) = base.parent() {
        fs::create_dir_all(folder)?;
    }
    replace(&written.html, html.as_bytes())?;
    replace(&written.pdf, pdf)?;
    Ok(written)
}

/// `path` with `.ext` appended (`Path::with_extension` would replace the `.en` of an English report).
fn with_suffix(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

/// Writes `bytes` to a temporary file beside `path`, flushes it and renames it over `path`.
fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temporary = with_suffix(path, "partial");
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_download_says_what_it_is_in_the_reports_language() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let name = download_name("SH-KJ-2024-001", Kind::MidTerm, day, Locale::ZhCn, "pdf");
        assert_eq!(name.text, "SH-KJ-2024-001 中期检查报告 2026-12-01.pdf");
        assert_eq!(name.ascii, "SH-KJ-2024-001-mid-term-2026-12-01.pdf");
        let name = download_name("portfolio", Kind::Portfolio, day, Locale::En, "html");
        assert_eq!(name.ascii, "portfolio-2026-12-01.en.html", "said once, not portfolio-portfolio");
        assert!(!name.text.contains('/'), "{}", name.text);
        let name = download_name("portfolio-3", Kind::Portfolio, day, Locale::ZhCn, "pdf");
        assert_eq!(name.text, "项目组合进展报告 3 2026-12-01.pdf");
        assert_eq!(name.ascii, "portfolio-3-2026-12-01.pdf");
        let hostile = download_name("../a\"b/c", Kind::Annual, day, Locale::ZhCn, "pdf");
        assert!(!hostile.text.contains(['/', '"']) && !hostile.ascii.contains(['/', '"']), "{hostile:?}");
    }

    #[test]
    fn codes_cannot_leave_the_reports_folder() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let dir = Path::new("/r");
        assert_eq!(
            base_path(dir, "SH-KJ-2024-001", Kind::Acceptance, day, Locale::ZhCn),
            Path::new("/r/SH-KJ-2024-001/acceptance-2026-11-30")
        );
        assert_eq!(
            base_path(dir, "../../etc", Kind::MidTerm, day, Locale::En),
            Path::new("/r/.._.._etc/mid-term-2026-11-30.en")
        );
        assert_eq!(base_path(dir, "..", Kind::Progress, day, Locale::ZhCn), Path::new("/r/_/progress-2026-11-30"));
        let name = download_name("沪科/1", Kind::Annual, day, Locale::En, "pdf");
        assert_eq!(name.ascii, "___1-annual-2026-11-30.en.pdf");
        assert!(name.text.starts_with("沪科_1 ") && name.text.ends_with(" 2026-11-30.pdf"), "{}", name.text);
    }

    #[test]
    fn writing_replaces_whole_files_and_leaves_no_partial_ones() {
        let dir = tempfile::tempdir().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let base = base_path(dir.path(), "P-1", Kind::Progress, day, Locale::ZhCn);
        write(&base, "<p>一</p>", b"%PDF-1").unwrap();
        let written = write(&base, "<p>二</p>", b"%PDF-2").unwrap();
        assert_eq!(fs::read_to_string(&written.html).unwrap(), "<p>二</p>");
        assert_eq!(fs::read(&written.pdf).unwrap(), b"%PDF-2");
        let names: Vec<_> = fs::read_dir(base.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }
}
