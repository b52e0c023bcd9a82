//! What an uploaded file is, decided by its content (magic numbers, and the parts list inside an
//! Office document), never by its name; and which names are acceptable to keep.
//!
//! Accepted: PDF, images (JPEG, PNG, GIF, WebP, TIFF, HEIC), Office documents old and new, OpenDocument,
//! archives (zip, 7z, rar, gzip) and plain UTF-8 text named .txt or .csv. A file whose name carries
//! the extension of another accepted type (a PNG named `report.pdf`) is refused too: the mismatch is
//! a mistake or an attempt to mislead a reviewer.

use std::io::{Read, Seek};

/// An accepted type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKind {
    /// The MIME type stored and sent on download.
    pub content_type: &'static str,
    /// A short name for messages, e.g. `PDF`.
    pub label: &'static str,
    /// Extensions that name this type (lower case).
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

/// Why a file is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The content is none of the accepted types.
    UnknownContent,
    /// The content is one accepted type, the name says another.
    Mismatch {
        /// What the content is.
        content: &'static str,
        /// The extension given.
        extension: String,
    },
}

/// The lower-case extension of a file name, if any.
fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_lowercase())
}

/// Recognises `content` (whose first bytes are `head`) and checks that `name` does not contradict it.
pub fn recognise<R: Read + Seek>(name: &str, head: &[u8], content: R) -> Result<FileKind, Refusal> {
    let ext = extension(name);
    let found = by_magic(head, content).or_else(|| {
        // Text has no magic number; only a text name makes text acceptable.
        let named_text = ext.as_deref().is_some_and(|e| CSV.extensions.contains(&e) || TEXT.extensions.contains(&e));
        (named_text && is_text(head)).then(|| if ext.as_deref() == Some("csv") { CSV } else { TEXT })
    });
    let found = found.ok_or(Refusal::UnknownContent)?;
    match ext {
        Some(ext)
            if ALL.iter().any(|k| k.extensions.contains(&ext.as_str()))
                && !found.extensions.contains(&ext.as_str()) =>
        {
            Err(Refusal::Mismatch { content: found.label, extension: ext })
        }
        _ => Ok(found),
    }
}

fn by_magic<R: Read + Seek>(head: &[u8], content: R) -> Option<FileKind> {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(b"%PDF-") {
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
        Some(zip_kind(content))
    } else {
        None
    }
}

const HEIC_BRANDS: &[&[u8]] = &[b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"];

/// A zip archive is an Office or OpenDocument file when its parts say so; otherwise an archive.
fn zip_kind<R: Read + Seek>(content: R) -> FileKind {
    let Ok(mut archive) = zip::ZipArchive::new(content) else { return ZIP };
    if let Ok(mut mimetype) = archive.by_name("mimetype") {
        let mut text = String::new();
        if mimetype.by_ref().take(100).read_to_string(&mut text).is_ok()
            && let Some(kind) = [ODT, ODS, ODP].into_iter().find(|k| k.content_type == text.trim())
        {
            return kind;
        }
    }
    if archive.index_for_name("[Content_Types].xml").is_none() {
        return ZIP;
    }
    let has = |prefix: &str| archive.file_names().any(|n| n.starts_with(prefix));
    if has("word/") {
        DOCX
    } else if has("xl/") {
        XLSX
    } else if has("ppt/") {
        PPTX
    } else {
        ZIP
    }
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

/// Checks an uploaded file's name. Names are only ever shown and offered on download, but one that
/// tries to be a path or hides control characters is refused so that nothing downstream (a saved
/// download, a report, an e-mail) is misled.
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

    fn check(name: &str, content: &[u8]) -> Result<&'static str, Refusal> {
        recognise(name, &content[..content.len().min(8192)], Cursor::new(content)).map(|k| k.content_type)
    }

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(check("检测报告.pdf", b"%PDF-1.7\n...").unwrap(), "application/pdf");
        assert_eq!(check("photo.JPG", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]).unwrap(), "image/jpeg");
        assert_eq!(check("no-extension", b"\x89PNG\r\n\x1a\n....").unwrap(), "image/png");
        assert_eq!(check("scan.jfif", &[0xFF, 0xD8, 0xFF, 0xE1]).unwrap(), "image/jpeg");
        assert_eq!(check("IMG_0001.HEIC", b"\0\0\0\x18ftypheic\0\0\0\0").unwrap(), "image/heic");
        assert_eq!(
            check("合同.doc", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]).unwrap(),
            "application/x-ole-storage"
        );
        assert_eq!(check("签到表.csv", "姓名,单位\n张三,农科院\n".as_bytes()).unwrap(), "text/csv; charset=utf-8");
        assert_eq!(check("readme.txt", b"plain notes").unwrap(), "text/plain; charset=utf-8");
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
        assert_eq!(
            check("照片.docx", &plain),
            Err(Refusal::Mismatch { content: "ZIP", extension: "docx".into() }),
            "an archive named as a Word file"
        );
    }

    #[test]
    fn unknown_content_and_misleading_names_are_refused() {
        assert_eq!(check("tool.exe", b"MZ\x90\0"), Err(Refusal::UnknownContent));
        assert_eq!(check("summary.pdf", b"\x7fELF\x02\x01"), Err(Refusal::UnknownContent));
        assert_eq!(
            check("page.html", b"<script>alert(1)</script>"),
            Err(Refusal::UnknownContent),
            "text only as .txt/.csv"
        );
        assert_eq!(check("notes.txt", b"binary\0data"), Err(Refusal::UnknownContent));
        assert_eq!(
            check("summary.pdf", b"\x89PNG\r\n\x1a\n"),
            Err(Refusal::Mismatch { content: "PNG", extension: "pdf".into() })
        );
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
