//! Reports as single HTML files: styles inline and charts as embedded PNG images, so that a report
//! saved to disk or sent by e-mail shows the same as on the site, Chinese chart text included.

use askama::Template;
use base64::Engine;

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
}

#[derive(Template)]
#[template(path = "report/portfolio.html")]
struct PortfolioPage<'a> {
    view: &'a PortfolioView,
    charts: &'a Charts,
}

/// A project report as HTML.
pub fn project(view: &ProjectView, charts: &Charts) -> Result<String, askama::Error> {
    ProjectPage { view, charts }.render()
}

/// The portfolio report as HTML.
pub fn portfolio(view: &PortfolioView, charts: &Charts) -> Result<String, askama::Error> {
    PortfolioPage { view, charts }.render()
}
