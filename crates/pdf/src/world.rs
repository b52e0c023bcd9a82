//! The typst `World` of one render: every file it can read is in memory.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::{LazyLock, OnceLock};

use typst::diag::{FileError, FileResult, PackageError, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{DiagSpan, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};

use crate::error::{Diagnostic, Location};
use crate::{Fonts, PdfError};

/// typst's standard library, built once: it is the same for every document.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The path of the main source; the one name every document has.
const MAIN: &str = "/main.typ";

/// The files and fonts one document may use.
pub(crate) struct MemoryWorld<'a> {
    fonts: &'a Fonts,
    main: FileId,
    files: HashMap<FileId, File>,
}

/// A file's bytes and, once something imports it, its parsed source.
struct File {
    bytes: Bytes,
    /// Parsed on first use only: most files are data or images, never parsed as typst.
    source: OnceLock<FileResult<Source>>,
}

impl<'a> MemoryWorld<'a> {
    /// Gathers `main` and `files`; fails on a path that is not valid or is given twice.
    pub(crate) fn new(fonts: &'a Fonts, main: &str, files: &[(&str, &[u8])]) -> Result<Self, PdfError> {
        let main_id = file_id(MAIN)?;
        let source = Source::new(main_id, main.to_owned());
        let main_file = File { bytes: Bytes::from_string(source.clone()), source: OnceLock::from(Ok(source)) };
        let mut map = HashMap::with_capacity(files.len() + 1);
        map.insert(main_id, main_file);
        for (path, data) in files {
            match map.entry(file_id(path)?) {
                Entry::Occupied(_) => {
                    return Err(PdfError::InvalidPath {
                        path: (*path).to_owned(),
                        reason: format!("given twice (or is {MAIN}, the main source)"),
                    });
                }
                Entry::Vacant(entry) => {
                    // Copied: typst keeps files in its cache beyond this call.
                    entry.insert(File { bytes: Bytes::new(data.to_vec()), source: OnceLock::new() });
                }
            }
        }
        Ok(Self { fonts, main: main_id, files: map })
    }

    /// typst's diagnostics with their spans turned into file, line and column.
    pub(crate) fn diagnostics(&self, diagnostics: &[SourceDiagnostic]) -> Vec<Diagnostic> {
        diagnostics
            .iter()
            .map(|diagnostic| Diagnostic {
                message: diagnostic.message.to_string(),
                location: self.location(diagnostic.span),
                hints: diagnostic
                    .hints
                    .iter()
                    .map(|hint| match self.location(hint.span) {
                        Some(location) => format!("{} ({location})", hint.v),
                        None => hint.v.to_string(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// Where a span starts; it may point into a source or into a data file (a JSON syntax error).
    fn location(&self, span: DiagSpan) -> Option<Location> {
        let id = span.id()?;
        let start = self.range(span)?.start;
        let text = self.files.get(&id)?.bytes.as_str().ok()?;
        let before = text.get(..start)?;
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        Some(Location {
            file: id.vpath().get_with_slash().to_owned(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        })
    }

    fn file_entry(&self, id: FileId) -> FileResult<&File> {
        if let VirtualRoot::Package(spec) = id.root() {
            // Never fetched: this machine, and the servers, may not reach the package registry.
            let reason = format!("typst packages are not available ({spec}); pass the files in instead");
            return Err(FileError::Package(PackageError::Other(Some(reason.into()))));
        }
        self.files.get(&id).ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }
}

/// The id of a path from the project root; `data.json` and `/data.json` are the same file.
fn file_id(path: &str) -> Result<FileId, PdfError> {
    let vpath = VirtualPath::new(path)
        .map_err(|err| PdfError::InvalidPath { path: path.to_owned(), reason: err.to_string() })?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl World for MemoryWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        let file = self.file_entry(id)?;
        file.source
            .get_or_init(|| {
                let text = file.bytes.as_str().map_err(|_| FileError::InvalidUtf8)?;
                Ok(Source::new(id, text.to_owned()))
            })
            .clone()
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.file_entry(id).map(|file| file.bytes.clone())
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.faces.get(index).cloned()
    }

    /// None: a report's date comes from the application's clock, passed in as data.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
