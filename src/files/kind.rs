//! What an uploaded file is, decided by its content (magic numbers, and the parts list inside an
//! Office document), never by its name; and which names are acceptable to keep.
//!
//! Accepted: PDF, images (JPEG, PNG, GIF, WebP, TIFF, HEIC), Office documents old and new, OpenDocument,
//! archives (zip, 7z, rar, gzip) and plain UTF-8 text named .txt or .csv. Each type has an allow-list
//! of extensions, and the name must end in one of them: a PDF named `report.hta` would be saved by
//! the reviewer's browser as an HTML application and run when opened, and a PNG named `report.pdf`
//! misleads. Names lose their invisible format characters first (a right-to-left override makes
//! `报告\u{202E}fdp.hta` show as `报告ath.pdf`); they are stripped rather than refused, because
//! the person uploading cannot see them and so could not tell what to fix. A name stored before
//! these rules is shown and offered for download with its type's extension added.

use std::io::{Read, Seek};

use crate::zip_guard::{self, Limits};

/// An accepted type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKind {
    /// The MIME type stored and sent on download.
    pub content_type: &'static str,
    /// A short name for messages, e.g. `PDF`.
    pub label: &'static str,
    /// The extensions a file of this type may be named with (lower case), the usual one first.
    extensions: &'static [&'static str],
}

const fn kind(content_type: &'static str, label: &'static str, extensions: &'static [&'static str]) -> FileKind {
    FileKind { content_type, label, extensions }
}

const PDF: FileKind = kind("application/pdf", "PDF", &["pdf"]);
const JPEG: FileKind = kind("image/jpeg", "JPEG", &["jpg", "jpeg", "jfif"]);
const PNG: FileKind = kind("image/png", "PNG", &["png"]);
const GIF: FileKind = kind("image/gif", "GIF", &["gif"]);
const WEBP: FileKind = kind("image/webp", "WebP", &["webp"]);
const TIFF: FileKind = kind("image/tiff", "TIFF", &["tif", "tiff"]);
const HEIC: FileKind = kind("image/heic", "HEIC", &["heic", "heif"]);
const DOCX: FileKind =
    kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word", &["docx"]);
const XLSX: FileKind = kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel", &["xlsx"]);
const PPTX: FileKind =
    kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint", &["pptx"]);
/// Word 97–2003, Excel 97–2003, PowerPoint 97–2003 and WPS files share one container format.
const OLE: FileKind = kind("application/x-ole-storage", "Office 97–2003", &["doc", "xls", "ppt", "wps", "et", "dps"]);
const ODT: FileKind = kind("application/vnd.oasis.opendocument.text", "OpenDocument", &["odt"]);
const ODS: FileKind = kind("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument", &["ods"]);
const ODP: FileKind = kind("application/vnd.oasis.opendocument.presentation", "OpenDocument", &["odp"]);
const ZIP: FileKind = kind("application/zip", "ZIP", &["zip"]);
const SEVEN_Z: FileKind = kind("application/x-7z-compressed", "7z", &["7z"]);
const RAR: FileKind = kind("application/vnd.rar", "RAR", &["rar"]);
const GZIP: FileKind = kind("application/gzip", "gzip", &["gz", "tgz"]);
const CSV: FileKind = kind("text/csv; charset=utf-8", "CSV", &["csv"]);
const TEXT: FileKind = kind("text/plain; charset=utf-8", "text", &["txt"]);

const ALL: &[FileKind] =
    &[PDF, JPEG, PNG, GIF, WEBP, TIFF, HEIC, DOCX, XLSX, PPTX, OLE, ODT, ODS, ODP, ZIP, SEVEN_Z, RAR, GZIP, CSV, TEXT];

impl FileKind {
    /// The extensions allowed, as a message lists them: `.jpg / .jpeg / .jfif`.
    pub fn extension_list(&self) -> String {
        self.extensions.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(" / ")
    }
}

/// Why a file is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRefusal {
    /// The content is none of the accepted types.
    UnknownContent,
    /// The content is an accepted type, but the name does not end in one of its extensions.
    Extension {
        /// What the content is.
        kind: FileKind,
        /// The extension given, if the name has one.
        extension: Option<String>,
    },
    /// A zip (an Office document, an archive) that holds or declares more than may be opened.
    Archive(zip_guard::Excess),
}

/// The lower-case extension of a file name, if any.
fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_lowercase())
}

/// Recognises `content` (whose first bytes are `head`) and checks that `name` (already through
/// [`clean_name`]) ends in one of its type's extensions.
pub fn recognise<R: Read + Seek>(name: &str, head: &[u8], content: R) -> Result<FileKind, FileRefusal> {
    let ext = extension(name);
    let found = by_magic(head, content).map_err(FileRefusal::Archive)?.or_else(|| {
        // Text has no magic number; only a text name makes text acceptable.
        let named_text = ext.as_deref().is_some_and(|e| CSV.extensions.contains(&e) || TEXT.extensions.contains(&e));
        (named_text && is_text(head)).then(|| if ext.as_deref() == Some("csv") { CSV } else { TEXT })
    });
    let found = found.ok_or(FileRefusal::UnknownContent)?;
    match ext {
        Some(ext) if found.extensions.contains(&ext.as_str()) => Ok(found),
        extension => Err(FileRefusal::Extension { kind: found, extension }),
    }
}

fn by_magic<R: Read + Seek>(head: &[u8], content: R) -> Result<Option<FileKind>, zip_guard::Excess> {
    let starts = |magic: &[u8]| head.starts_with(magic);
    Ok(if starts(b"%PDF-") {
        Some(PDF)
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Some(JPEG)
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some(PNG)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some(GIF)
    } else if starts(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        Some(WEBP)
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Some(TIFF)
    } else if head.get(4..8) == Some(b"ftyp") && head.get(8..12).is_some_and(|brand| HEIC_BRANDS.contains(&brand)) {
        Some(HEIC)
    } else if starts(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some(OLE)
    } else if starts(b"7z\xBC\xAF\x27\x1C") {
        Some(SEVEN_Z)
    } else if starts(b"Rar!\x1a\x07") {
        Some(RAR)
    } else if starts(&[0x1F, 0x8B]) {
        Some(GZIP)
    } else if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        Some(zip_kind(content)?)
    } else {
        None
    })
}

const HEIC_BRANDS: &[&[u8]] = &[b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"];

/// A zip archive is an Office or OpenDocument file when its parts say so; otherwise an archive. It
/// is opened through the zip guard, so an archive declaring a bomb is refused here; one the reader
/// cannot parse is kept as a plain archive, as it was uploaded.
fn zip_kind<R: Read + Seek>(content: R) -> Result<FileKind, zip_guard::Excess> {
    let mut archive = match zip_guard::open(content, Limits::EVIDENCE) {
        Ok(archive) => archive,
        Err(zip_guard::Refusal::Unreadable) => return Ok(ZIP),
        Err(zip_guard::Refusal::TooBig(excess)) => return Err(excess),
    };
    match archive.read_prefix("mimetype", 100) {
        Ok(Some(bytes)) => {
            let text = String::from_utf8_lossy(&bytes);
            if let Some(kind) = [ODT, ODS, ODP].into_iter().find(|k| k.content_type == text.trim()) {
                return Ok(kind);
            }
        }
        Ok(None) | Err(zip_guard::Refusal::Unreadable) => {}
        Err(zip_guard::Refusal::TooBig(excess)) => return Err(excess),
    }
    if !archive.contains("[Content_Types].xml") {
        return Ok(ZIP);
    }
    let has = |prefix: &str| archive.names().any(|n| n.starts_with(prefix));
    Ok(if has("word/") {
        DOCX
    } else if has("xl/") {
        XLSX
    } else if has("ppt/") {
        PPTX
    } else {
        ZIP
    })
}

/// UTF-8 without control characters other than tab and line breaks (a cut in the middle of a
/// character at the end of the sampled head is allowed).
fn is_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
        Err(_) => return false,
    };
    !valid.is_empty() && !valid.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{feff}'))
}

/// Characters a name may hold that show nothing, or reorder what is around them: Unicode's format
/// characters (category Cf: bidirectional controls, zero-width spaces and joiners, the byte-order
/// mark, tags …), the line and paragraph separators, and the Hangul fillers that render blank.
const INVISIBLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{0600}', '\u{0605}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{06DD}', '\u{06DD}'),
    ('\u{070F}', '\u{070F}'),
    ('\u{0890}', '\u{0891}'),
    ('\u{08E2}', '\u{08E2}'),
    ('\u{115F}', '\u{1160}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{2028}', '\u{202E}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206F}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFA0}', '\u{FFA0}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{13430}', '\u{1343F}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0001}', '\u{E0001}'),
    ('\u{E0020}', '\u{E007F}'),
];

fn is_invisible(c: char) -> bool {
    INVISIBLE.iter().any(|&(low, high)| (low..=high).contains(&c))
}

/// A file name as kept: without invisible format characters and surrounding white space. Control
/// characters stay, for [`check_name`] to refuse.
pub fn clean_name(name: &str) -> String {
    name.chars().filter(|&c| !is_invisible(c)).collect::<String>().trim().to_owned()
}

/// The name a stored file is shown and downloaded under: cleaned, and ending in an extension of the
/// type its content was recognised as (names stored before extensions were enforced may not).
pub fn shown_name(stored: &str, content_type: &str) -> String {
    let name = clean_name(stored);
    let name = if name.is_empty() { "file".to_owned() } else { name };
    let allowed: &[&str] = ALL.iter().find(|k| k.content_type == content_type).map_or(&["bin"], |k| k.extensions);
    match extension(&name) {
        Some(ext) if allowed.contains(&ext.as_str()) => name,
        _ => format!("{name}.{}", allowed[0]),
    }
}

/// Why a file name cannot be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadName {
    /// Empty or only white space.
    Empty,
    /// Longer than 255 bytes.
    TooLong,
    /// Contains a path separator or is `.`/`..`: an attempt to name a path.
    Path,
    /// Contains a control character (NUL, a line break, …).
    Control,
}

/// Checks an uploaded file's name (after [`clean_name`]). Names are only ever shown and offered on
/// download, but one that tries to be a path or hides control characters is refused so that nothing
/// downstream (a saved download, a report, an e-mail) is misled.
pub fn check_name(name: &str) -> Result<(), BadName> {
    if name.trim().is_empty() {
        Err(BadName::Empty)
    } else if name.len() > 255 {
        Err(BadName::TooLong)
    } else if name.chars().any(|c| c.is_control()) {
        Err(BadName::Control)
    } else if name.contains(['/', '\\']) || name == "." || name == ".." {
        Err(BadName::Path)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in entries {
            writer.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn check(name: &str, content: &[u8]) -> Result<&'static str, FileRefusal> {
        recognise(name, &content[..content.len().min(8192)], Cursor::new(content)).map(|k| k.content_type)
    }

    fn wrong_extension(kind: FileKind, extension: Option<&str>) -> Result<&'static str, FileRefusal> {
        Err(FileRefusal::Extension { kind, extension: extension.map(str::to_owned) })
    }

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(check("检测报告.pdf", b"%PDF-1.7\n...").unwrap(), "application/pdf");
        assert_eq!(check("photo.JPG", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]).unwrap(), "image/jpeg");
        assert_eq!(check("scan.jfif", &[0xFF, 0xD8, 0xFF, 0xE1]).unwrap(), "image/jpeg");
        assert_eq!(check("IMG_0001.HEIC", b"\0\0\0\x18ftypheic\0\0\0\0").unwrap(), "image/heic");
        assert_eq!(
            check("合同.doc", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]).unwrap(),
            "application/x-ole-storage"
        );
        assert_eq!(check("签到表.csv", "姓名,单位\n张三,农科院\n".as_bytes()).unwrap(), "text/csv; charset=utf-8");
        assert_eq!(check("readme.txt", b"plain notes").unwrap(), "text/plain; charset=utf-8");
        assert_eq!(check("数据.tar.gz", &[0x1F, 0x8B, 8, 0]).unwrap(), "application/gzip");
    }

    #[test]
    fn zip_archives_are_told_apart_from_office_documents() {
        let docx = zip_with(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]);
        assert_eq!(check("报告.docx", &docx).unwrap(), DOCX.content_type);
        let xlsx = zip_with(&[("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")]);
        assert_eq!(check("台账.xlsx", &xlsx).unwrap(), XLSX.content_type);
        let odt = zip_with(&[("mimetype", b"application/vnd.oasis.opendocument.text")]);
        assert_eq!(check("a.odt", &odt).unwrap(), ODT.content_type);
        let plain = zip_with(&[("photos/1.jpg", b"x")]);
        assert_eq!(check("照片.zip", &plain).unwrap(), "application/zip");
        assert_eq!(check("照片.docx", &plain), wrong_extension(ZIP, Some("docx")), "an archive named as a Word file");
        assert_eq!(check("宏.docm", &docx), wrong_extension(DOCX, Some("docm")), "macro-enabled names are not Word's");
    }

    #[test]
    fn an_office_file_declaring_a_bomb_is_refused() {
        // 20 MB of one byte: deflate packs it into about 20 KB, far past the evidence ratio.
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        writer.start_file("[Content_Types].xml", zip::write::SimpleFileOptions::default()).unwrap();
        writer.write_all(b"<Types/>").unwrap();
        writer.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).unwrap();
        let block = vec![b'A'; 1024 * 1024];
        for _ in 0..20 {
            writer.write_all(&block).unwrap();
        }
        let bomb = writer.finish().unwrap().into_inner();
        assert!(bomb.len() < 100 * 1024, "{} bytes", bomb.len());
        assert_eq!(
            check("报告.docx", &bomb),
            Err(FileRefusal::Archive(zip_guard::Excess::Ratio { entry: "word/document.xml".into(), max: 200 }))
        );
    }

    #[test]
    fn unknown_content_is_refused() {
        assert_eq!(check("tool.exe", b"MZ\x90\0"), Err(FileRefusal::UnknownContent));
        assert_eq!(check("summary.pdf", b"\x7fELF\x02\x01"), Err(FileRefusal::UnknownContent));
        assert_eq!(
            check("page.html", b"<script>alert(1)</script>"),
            Err(FileRefusal::UnknownContent),
            "text only as .txt/.csv"
        );
        assert_eq!(check("notes.txt", b"binary\0data"), Err(FileRefusal::UnknownContent));
    }

    #[test]
    fn a_known_type_must_carry_one_of_its_own_extensions() {
        let pdf = b"%PDF-1.7\n...";
        for name in [
            "minutes-2026.hta",
            "minutes-2026.html",
            "minutes-2026.svg",
            "minutes-2026.js",
            "minutes-2026.exe",
            "minutes-2026.bat",
            "minutes-2026.ps1",
            "minutes-2026.jar",
        ] {
            let ext = name.rsplit_once('.').map(|(_, e)| e);
            assert_eq!(check(name, pdf), wrong_extension(PDF, ext), "{name}");
        }
        assert_eq!(check("minutes-2026.pdf.exe", pdf), wrong_extension(PDF, Some("exe")));
        assert_eq!(check("no-extension", pdf), wrong_extension(PDF, None));
        assert_eq!(
            check("minutes-2026.pdf.", pdf),
            wrong_extension(PDF, None),
            "Windows drops the trailing dot on saving"
        );
        assert_eq!(check("summary.pdf", b"\x89PNG\r\n\x1a\n"), wrong_extension(PNG, Some("pdf")));
        assert_eq!(
            check("minutes-2026.exe.pdf", pdf).unwrap(),
            "application/pdf",
            "the last extension is what opens it"
        );
        assert_eq!(PDF.extension_list(), ".pdf");
        assert_eq!(JPEG.extension_list(), ".jpg / .jpeg / .jfif");
    }

    #[test]
    fn invisible_characters_are_taken_out_of_names() {
        let disguised = "报告2026\u{202E}fdp.hta";
        assert_eq!(clean_name(disguised), "报告2026fdp.hta");
        assert_eq!(check(&clean_name(disguised), b"%PDF-1.7"), wrong_extension(PDF, Some("hta")));
        for hidden in ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'] {
            assert_eq!(clean_name(&format!("a{hidden}b.pdf")), "ab.pdf", "U+{:04X}", u32::from(hidden));
        }
        for hidden in ['\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{061C}', '\u{FEFF}', '\u{00AD}'] {
            assert_eq!(clean_name(&format!("a{hidden}b.pdf")), "ab.pdf", "U+{:04X}", u32::from(hidden));
        }
        assert_eq!(clean_name("\u{E0041}tag\u{2028}.pdf "), "tag.pdf", "tags, separators, surrounding space");
        assert_eq!(clean_name("检测报告 (终版).pdf"), "检测报告 (终版).pdf", "visible text is untouched");
        assert_eq!(clean_name("e\u{301}.pdf"), "e\u{301}.pdf", "combining marks are visible");
        assert_eq!(clean_name("\u{202E}\u{200B}"), "");
    }

    #[test]
    fn shown_names_end_in_their_types_extension() {
        assert_eq!(shown_name("检测报告.pdf", "application/pdf"), "检测报告.pdf");
        assert_eq!(shown_name("photo.JPEG", "image/jpeg"), "photo.JPEG");
        assert_eq!(shown_name("minutes-2026.hta", "application/pdf"), "minutes-2026.hta.pdf");
        assert_eq!(shown_name("报告2026\u{202E}fdp.hta", "application/pdf"), "报告2026fdp.hta.pdf");
        assert_eq!(shown_name("scan", "image/png"), "scan.png");
        assert_eq!(shown_name("\u{200B}", "application/pdf"), "file.pdf");
        assert_eq!(shown_name("data.csv", "text/csv; charset=utf-8"), "data.csv");
        assert_eq!(shown_name("x.exe", "application/x-unknown"), "x.exe.bin");
    }

    #[test]
    fn names_that_are_paths_or_hide_characters_are_refused() {
        assert_eq!(check_name("检测报告 (终版).pdf"), Ok(()));
        assert_eq!(check_name("../../etc/passwd"), Err(BadName::Path));
        assert_eq!(check_name("..\\boot.ini"), Err(BadName::Path));
        assert_eq!(check_name(".."), Err(BadName::Path));
        assert_eq!(check_name("a\0.pdf"), Err(BadName::Control));
        assert_eq!(check_name("a\n.pdf"), Err(BadName::Control));
        assert_eq!(check_name("  "), Err(BadName::Empty));
        assert_eq!(check_name(&"长".repeat(100)), Err(BadName::TooLong));
    }
}
