//! What can go wrong, worded so that a log line tells the template author where to look.

use std::fmt;

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// [`Fonts::new`](crate::Fonts::new) was given no font files.
    #[error("no fonts were given")]
    NoFonts,
    /// One of the font files given to [`Fonts::new`](crate::Fonts::new) holds no readable font.
    #[error("font file {index} (counting from 0) holds no font that could be read")]
    NotAFont {
        /// Its position in the list.
        index: usize,
    },
    /// A path in `files` cannot name a file in the document (or names one twice).
    #[error("invalid file path {path:?}: {reason}")]
    InvalidPath {
        /// The path as given.
        path: String,
        /// Why it was refused.
        reason: String,
    },
    /// typst refused the document: a syntax error, a missing file, a failing function call.
    #[error("typst could not compile the document:\n{}", Lines(.0))]
    Compile(Vec<Diagnostic>),
    /// typst compiled the document but could not write it as PDF.
    #[error("typst could not write the PDF:\n{}", Lines(.0))]
    Export(Vec<Diagnostic>),
}

/// One message from typst, with where it points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What typst says, such as `unclosed delimiter` or `file not found (searched at /a.svg)`.
    pub message: String,
    /// The place in a source or data file it is about, when typst names one.
    pub location: Option<Location>,
    /// typst's suggestions, with their own place appended when they have one.
    pub hints: Vec<String>,
}

/// A place in one of the document's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file's path from the project root, such as `/main.typ`.
    pub file: String,
    /// Counting from 1.
    pub line: usize,
    /// Counting characters from 1.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

impl fmt::Display for Diagnostic {
    /// `/main.typ:3:5: message (hint: …; hint: …)`, the form compilers use, so editors can jump.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = &self.location {
            write!(f, "{location}: ")?;
        }
        f.write_str(&self.message)?;
        for (i, hint) in self.hints.iter().enumerate() {
            let open = if i == 0 { " (" } else { "; " };
            write!(f, "{open}hint: {hint}")?;
        }
        if !self.hints.is_empty() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// Diagnostics one to a line.
struct Lines<'a>(&'a [Diagnostic]);

impl fmt::Display for Lines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "  {diagnostic}")?;
        }
        Ok(())
    }
}
