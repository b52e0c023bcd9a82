//! Making a report from its facts: the view in one language, the charts, the HTML and the PDF. Pure
//! apart from the PDF fonts parsed once per process (`app::reports::submit` freezes what was made).

use std::sync::OnceLock;

use serde::Serialize;

use super::facts::{Kind, PortfolioFacts, ProjectFacts};
use super::html::Charts;
use super::{figures, html, view};
use crate::domain::refusal::Failure;
use crate::i18n::Locale;

/// The PDF templates, compiled into the binary.
const COMMON_TYP: &str = include_str!("../../templates/report/common.typ");
const PROJECT_TYP: &str = include_str!("../../templates/report/project.typ");
const PORTFOLIO_TYP: &str = include_str!("../../templates/report/portfolio.typ");

/// Why a report could not be made. Each is a fault of the program (a template, a font), never of the
/// user's data, which is only ever printed.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A chart could not be drawn.
    #[error(transparent)]
    Chart(#[from] super::chart::ChartError),
    /// The HTML template failed.
    #[error("the HTML report template failed: {0}")]
    Html(#[from] askama::Error),
    /// The PDF could not be made.
    #[error(transparent)]
    Pdf(#[from] coop_pdf::PdfError),
    /// The data could not be written as JSON.
    #[error("the report data could not be serialised: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<ReportError> for Failure {
    fn from(error: ReportError) -> Self {
        Failure::Internal(error.into())
    }
}

/// A made report.
#[derive(Debug, Clone)]
pub struct Made {
    /// Which report.
    pub kind: Kind,
    /// The project's code, or `portfolio` (with the guide's number).
    pub scope: String,
    /// The as-of date.
    pub as_of: chrono::NaiveDate,
    /// The language.
    pub locale: Locale,
    /// The title as printed.
    pub title: String,
    /// The HTML file.
    pub html: String,
    /// The PDF file.
    pub pdf: Vec<u8>,
    /// The facts as JSON: what a submitted report keeps beside its files.
    pub data: String,
}

fn pdf_fonts() -> Result<&'static coop_pdf::Fonts, ReportError> {
    static FONTS: OnceLock<coop_pdf::Fonts> = OnceLock::new();
    if let Some(fonts) = FONTS.get() {
        return Ok(fonts);
    }
    let fonts = coop_pdf::Fonts::new(&[crate::fonts::REGULAR, crate::fonts::BOLD])?;
    Ok(FONTS.get_or_init(|| fonts))
}

/// What the PDF template reads as `/data.json`.
#[derive(Serialize)]
struct PdfData<'a, V> {
    view: &'a V,
    charts: Vec<&'a str>,
}

fn pdf<V: Serialize>(template: &str, view: &V, charts: &Charts) -> Result<Vec<u8>, ReportError> {
    let data =
        serde_json::to_vec(&PdfData { view, charts: charts.all().iter().map(|f| f.caption.as_str()).collect() })?;
    let names: Vec<String> = (0..charts.all().len()).map(|i| format!("/chart-{i}.svg")).collect();
    let mut files: Vec<(&str, &[u8])> = vec![("/data.json", &data), ("/common.typ", COMMON_TYP.as_bytes())];
    files.extend(names.iter().map(String::as_str).zip(charts.all().iter().map(|f| f.svg.as_bytes())));
    let rendered = coop_pdf::render(pdf_fonts()?, template, &files)?;
    for warning in &rendered.warnings {
        tracing::warn!(message = %warning.message, "PDF template warning");
    }
    Ok(rendered.bytes)
}

/// Makes one project's report in one language.
pub fn project_report(facts: &ProjectFacts, locale: Locale, warning_days: i64) -> Result<Made, ReportError> {
    let view = view::project(facts, locale);
    let charts = figures::project(facts, locale, warning_days)?;
    Ok(Made {
        kind: facts.kind,
        scope: facts.project.code.clone(),
        as_of: facts.as_of,
        locale,
        title: format!("{} {}", view.title, view.code),
        html: html::project(&view, &charts)?,
        pdf: pdf(PROJECT_TYP, &view, &charts)?,
        data: serde_json::to_string(facts)?,
    })
}

/// Makes the portfolio report in one language.
pub fn portfolio_report(facts: &PortfolioFacts, locale: Locale) -> Result<Made, ReportError> {
    let view = view::portfolio(facts, locale);
    let charts = figures::portfolio(facts, locale)?;
    let scope = match &facts.guide {
        Some((number, _)) => format!("portfolio-{number}"),
        None => "portfolio".to_owned(),
    };
    Ok(Made {
        kind: Kind::Portfolio,
        scope,
        as_of: facts.as_of,
        locale,
        title: format!("{} · {}", view.title, view.scope),
        html: html::portfolio(&view, &charts)?,
        pdf: pdf(PORTFOLIO_TYP, &view, &charts)?,
        data: serde_json::to_string(facts)?,
    })
}
