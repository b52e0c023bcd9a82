//! Reports as single HTML files: styles inline and charts as embedded PNG images, so that a report
//! saved to disk or sent by e-mail shows the same as on the site, Chinese chart text included, and
//! the subset of the Chinese font its text uses.

use askama::Template;
use base64::Engine;

use super::embedded_font::font_faces;
use super::view::{PortfolioView, ProjectView};

/// A drawn chart with its caption.
#[derive(Debug, Clone)]
pub struct Figure {
    /// What it shows, in the report's language.
    pub caption: String,
    /// Vector drawing, for pages and PDFs.
    pub svg: String,
    /// Raster drawing, for HTML files that must look right without the bundled font.
    pub png: Vec<u8>,
}

impl Figure {
    /// The PNG as a `data:` URI.
    pub fn data_uri(&self) -> String {
        format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(&self.png))
    }
}

/// The charts of a report, in the order they are shown.
#[derive(Debug, Clone, Default)]
pub struct Charts(pub Vec<Figure>);

impl Charts {
    /// Every chart.
    pub fn all(&self) -> &[Figure] {
        &self.0
    }
}

#[derive(Template)]
#[template(path = "report/project.html")]
struct ProjectPage<'a> {
    view: &'a ProjectView,
    charts: &'a Charts,
    /// The `@font-face` rules carrying the glyphs the report writes.
    fonts: &'a str,
}

#[derive(Template)]
#[template(path = "report/portfolio.html")]
struct PortfolioPage<'a> {
    view: &'a PortfolioView,
    charts: &'a Charts,
    /// The `@font-face` rules carrying the glyphs the report writes.
    fonts: &'a str,
}

/// A project report as HTML.
pub fn project(view: &ProjectView, charts: &Charts) -> Result<String, askama::Error> {
    // Rendered once to learn the characters it writes, then with the font cut down to them.
    let text = ProjectPage { view, charts, fonts: "" }.render()?;
    ProjectPage { view, charts, fonts: &font_faces(&text) }.render()
}

/// The portfolio report as HTML.
pub fn portfolio(view: &PortfolioView, charts: &Charts) -> Result<String, askama::Error> {
    let text = PortfolioPage { view, charts, fonts: "" }.render()?;
    PortfolioPage { view, charts, fonts: &font_faces(&text) }.render()
}
