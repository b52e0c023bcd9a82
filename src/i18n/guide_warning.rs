//! How what the validation of a call guide found reads in a language: one sentence naming the line,
//! the same on the preview page, in the API's dry run and import, and on the command line.

use serde::Serialize;

use super::T;
use crate::domain::guide::{Guide, Problem, Warning};

/// The sentence for a problem at a line: 第 3 行：专题1方向1没有执行期限…
pub fn describe(t: T, line: usize, problem: &Problem) -> String {
    let message = t.fmt(
        problem.message_key(),
        &[("name", &problem.name()), ("text", &problem.text()), ("found", &problem.found())],
    );
    t.fmt("guide.at_line", &[("line", &line), ("message", &message)])
}

/// A warning as API clients and `guide parse --json` receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarningView {
    /// 1-based line of the guide.
    pub line: usize,
    /// A stable code: `no_doc_number`, `bad_execution`, `unread` …
    pub code: &'static str,
    /// Whether the guide cannot be imported because of it.
    pub blocking: bool,
    /// The sentence, in the requested language.
    pub message: String,
}

/// Every warning of a guide, in its order, in a language.
pub fn views(t: T, warnings: &[Warning]) -> Vec<WarningView> {
    warnings
        .iter()
        .map(|w| WarningView {
            line: w.line,
            code: w.problem.code(),
            blocking: w.problem.blocks_import(),
            message: describe(t, w.line, &w.problem),
        })
        .collect()
}

/// The parse as `guide parse --json` prints it and the API's dry run returns it: the guide, with
/// its warnings as [`WarningView`]s in a language.
pub fn parse_json(t: T, guide: &Guide) -> serde_json::Value {
    let mut value = serde_json::to_value(guide).unwrap_or_default();
    value["warnings"] = serde_json::to_value(views(t, &guide.warnings)).unwrap_or_default();
    value
}
