//! Schemas the derive cannot infer: strings limited to a set of names. With them (and the length,
//! range and pattern attributes on the input types) the OpenAPI document is as strict as the
//! validation behind it, so a client generating requests from it sends what the server accepts.
//! Text fields carry the pattern `^[^\x00-\x1F\x7F-\x9F]*$` (no control characters, as
//! `domain::text::is_line` checks) or, where line breaks are allowed,
//! `^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$` (`domain::text::is_paragraphs`).

use utoipa::openapi::Object;
use utoipa::openapi::schema::{ObjectBuilder, Type};

use crate::domain::project_state::ProjectState;

fn one_of(names: Vec<&'static str>) -> Object {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(names)).build()
}

/// The kinds of report a project has (`mid-term` is accepted for `mid_term`).
pub fn report_kinds() -> Object {
    one_of(vec!["progress", "annual", "mid_term", "mid-term", "acceptance"])
}

/// The languages reports are written in.
pub fn report_languages() -> Object {
    one_of(vec!["zh-CN", "en"])
}

/// The states a project can be moved to by hand (`extended` comes with an extension only).
pub fn target_states() -> Object {
    one_of(ProjectState::ALL.into_iter().filter(|s| *s != ProjectState::Extended).map(ProjectState::as_str).collect())
}

/// How checkpoints are spread over the execution period.
pub fn schedules() -> Object {
    one_of(vec!["midterm_and_end", "half_yearly", "quarterly"])
}
