//! Progress, acceptance and portfolio reports with their charts. Three separate steps: gathering the
//! data as of a date (the only one that reads the database), drawing the charts, and rendering HTML and
//! PDF from the data and the charts; the last two are pure.

pub mod chart;
pub mod facts;
pub mod figures;
pub mod gather;
pub mod html;
pub mod make;
pub mod output;
pub mod project;
pub mod view;

#[cfg(test)]
mod tests;
