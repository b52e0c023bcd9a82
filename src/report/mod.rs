//! Progress, acceptance and portfolio reports with their charts: facts (gathered as of a date by
//! `app::reports`) turned into words, charts, HTML and PDF. Nothing here reads the database.

pub mod chart;
mod embedded_font;
pub mod facts;
pub mod figures;
pub mod html;
pub mod make;
pub mod output;
pub mod view;

#[cfg(test)]
mod tests;
