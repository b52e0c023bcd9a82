//! Turns a typst document held entirely in memory into PDF bytes.
//!
//! The caller hands over the source of `/main.typ`, any other files the document reads (data for
//! `json()`, images for `image()`, modules for `#import`) and the fonts. Nothing is read from disk
//! or the network: no system fonts, no typst packages. That keeps the output the same on every
//! machine, and the same bytes for the same input, so a report's SHA-256 can be recorded.
//!
//! typst is used as a library; it takes minutes to build, which is why it lives in this crate of
//! its own rather than in the application.
//!
//! # Writing templates
//!
//! - The project's fonts are the family `Noto Sans CJK SC` (regular and bold), not `Noto Sans SC`:
//!   start with `#set text(font: "Noto Sans CJK SC", lang: "zh")`. An unknown family is only a
//!   warning in [`Rendered::warnings`]; the text then falls back to whatever font covers it.
//! - SVG `<text>` is drawn with the bundled fonts as real text. Its `font-family` is looked up
//!   among them, then the document's own `text.font` is tried: with the `#set text` above, any
//!   family (`sans-serif`, `SimHei`, none) ends in Noto Sans CJK SC and `font-weight="bold"` picks
//!   the bold face. Without it, text of an SVG whose family is not `Noto Sans CJK SC` vanishes
//!   without a warning, so charts should name that family as well.
//! - Paths: see [`render`].
//!
//! ```no_run
//! # fn main() -> Result<(), coop_pdf::PdfError> {
//! static REGULAR: &[u8] = &[]; // include_bytes!("NotoSansSC-Regular.otf") in real code
//! let fonts = coop_pdf::Fonts::new(&[REGULAR])?;
//! let main = r#"#set text(font: "Noto Sans CJK SC", lang: "zh")
//! #let data = json("/data.json")
//! = #data.title"#;
//! let pdf = coop_pdf::render(&fonts, main, &[("/data.json", r#"{"title": "结题验收报告"}"#.as_bytes())])?;
//! std::fs::write("report.pdf", &pdf.bytes).ok();
//! # Ok(()) }
//! ```

mod error;
mod world;

use typst::foundations::{Bytes, Smart};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst_layout::PagedDocument;

pub use error::{Diagnostic, Location, PdfError};
use world::MemoryWorld;

/// How many renders a memoised typst result may go unused before it is dropped.
///
/// typst memoises parsing, layout and shaping in a process-wide cache (`comemo`) that nothing
/// clears on its own, so a server rendering thousands of reports would grow without bound. Each
/// render ends by ageing every entry by one and dropping those unused for this many renders (of
/// any thread). What every report shares (the template, the fonts' shaping of fixed text, the
/// standard library) is hit on each render and stays warm; what belonged to one report's data
/// is gone a few renders later. Small because reports rarely repeat their data. Measured on the
/// three-page test report in release: 5 gives 20 ms a different report and 72 MB resident, flat
/// over 500 reports; 0 (clear everything) 23 ms and 57 MB.
const CACHE_MAX_AGE: usize = 5;

/// The fonts a document may use, parsed once and shared by every render.
///
/// Cheap to share between threads (`Send + Sync`): keep one in a `static OnceLock` and render
/// from as many threads as needed.
#[derive(Debug)]
pub struct Fonts {
    /// Every face, in the order of `book`'s indices.
    faces: Vec<Font>,
    /// The faces' metadata that typst selects from (family, weight, coverage).
    book: LazyHash<FontBook>,
}

impl Fonts {
    /// Parses fonts from OpenType/TrueType files or collections (`.otf`, `.ttf`, `.ttc`, `.otc`).
    ///
    /// The data is `'static` (usually `include_bytes!`) so that no copy of the megabytes of a CJK
    /// font is made. Fails when the list is empty or when one entry holds no font, since a document
    /// would silently use another face.
    pub fn new(files: &[&'static [u8]]) -> Result<Self, PdfError> {
        let mut faces = Vec::new();
        for (index, data) in files.iter().enumerate() {
            let before = faces.len();
            faces.extend(Font::iter(Bytes::new(*data)));
            if faces.len() == before {
                return Err(PdfError::NotAFont { index });
            }
        }
        if faces.is_empty() {
            return Err(PdfError::NoFonts);
        }
        let book = LazyHash::new(FontBook::from_fonts(&faces));
        Ok(Self { faces, book })
    }

    /// The family names to use in `#set text(font: ..)`, such as `Noto Sans CJK SC`, once each.
    pub fn families(&self) -> impl Iterator<Item = &str> {
        self.book.families().map(|(family, _)| family)
    }
}

/// A rendered document.
#[derive(Debug)]
pub struct Rendered {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// What typst warned about while compiling, such as a font family it does not know (it then
    /// falls back to another font). Worth logging: the PDF is made, but maybe not as intended.
    pub warnings: Vec<Diagnostic>,
}

/// Compiles `main`, the source of `/main.typ`, into a PDF.
///
/// `files` are the other files the document may read, by absolute path from the project root
/// (`"/data.json"`, `"/charts/1.svg"`; a path without the leading `/` means the same). In typst an
/// absolute path is taken from that root, and a relative one from the directory of the file that
/// names it. Use a fixed set of names (`/chart-1.svg` rather than `/chart-<report id>.svg`):
/// typst interns every path for the life of the process and allows at most 65,535.
///
/// `datetime.today()` fails: pass the date in the data, taken from the application's clock.
/// The PDF carries no creation date, so the same input gives the same bytes. typst's warnings
/// come back with the PDF; its errors, with file and line, as [`PdfError::Compile`].
///
/// CPU-bound (tens of milliseconds per report in release): call it from a blocking thread, not
/// from an async task. typst lays pages out in parallel on rayon's global pool.
pub fn render(fonts: &Fonts, main: &str, files: &[(&str, &[u8])]) -> Result<Rendered, PdfError> {
    let world = MemoryWorld::new(fonts, main, files)?;
    let result = compile(&world);
    typst::comemo::evict(CACHE_MAX_AGE);
    result
}

/// Compiles and exports; apart from [`render`] so that the cache is evicted on every outcome.
fn compile(world: &MemoryWorld) -> Result<Rendered, PdfError> {
    let compiled = typst::compile::<PagedDocument>(world);
    let warnings = world.diagnostics(&compiled.warnings);
    let document = compiled.output.map_err(|errors| PdfError::Compile(world.diagnostics(&errors)))?;
    let options = typst_pdf::PdfOptions {
        // The default names the typst version; the report need not tell.
        creator: Smart::Custom(None),
        // No creation date, so that the same input gives the same bytes.
        timestamp: None,
        ..typst_pdf::PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|errors| PdfError::Export(world.diagnostics(&errors)))?;
    Ok(Rendered { bytes, warnings })
}
