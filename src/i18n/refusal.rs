//! A refusal in words: the one place a [`Refusal`] becomes the sentence a person reads, on a page,
//! in an API error body or on the command line.

use super::T;
use crate::domain::refusal::{Refusal, RowError};

/// The message for a refusal, with its arguments filled in.
pub fn message(t: T, refusal: &Refusal) -> String {
    match refusal {
        Refusal::NotFound => t.get("error.not_found").to_owned(),
        Refusal::Forbidden => t.get("error.forbidden").to_owned(),
        Refusal::ForbiddenBecause(key) | Refusal::Conflict(key) => t.get(key).to_owned(),
        Refusal::Validation(_) | Refusal::ItemValidation(..) => t.get("error.validation").to_owned(),
        Refusal::ConflictWith(key, args) | Refusal::Unusable(key, args) => with_args(t, key, args),
        Refusal::Rows(rows) => {
            let count = rows.iter().map(|r| r.row).collect::<std::collections::BTreeSet<_>>().len();
            t.fmt("roster.invalid", &[("rows", &count)])
        }
        Refusal::Guide(error) => super::guide_warning::describe(t, error.line, &error.problem),
    }
}

/// A message whose placeholders are named strings.
pub fn with_args(t: T, key: &str, args: &[(&'static str, String)]) -> String {
    let args: Vec<(&str, &dyn std::fmt::Display)> =
        args.iter().map(|(k, v)| (*k, v as &dyn std::fmt::Display)).collect();
    t.fmt(key, &args)
}

/// A roster problem's message.
pub fn row_message(t: T, row: &RowError) -> String {
    with_args(t, row.message, &row.args)
}

/// The name of a roster problem's column in a language (its header for roster columns).
pub fn row_column(t: T, row: &RowError) -> String {
    t.get(column_key(row.field)).to_owned()
}

/// One line naming a roster problem's row, column and problem, for the command line and error pages.
pub fn row_line(t: T, row: &RowError) -> String {
    t.fmt("roster.row_line", &[("row", &row.row), ("column", &row_column(t, row)), ("message", &row_message(t, row))])
}

/// The catalogue key naming a field in roster error lists.
fn column_key(field: &str) -> &'static str {
    match field {
        "code" => "roster.column.code",
        "title" => "roster.column.title",
        "direction" | "direction_id" => "roster.column.direction",
        "lead_institution" => "roster.column.lead_institution",
        "partners" => "roster.column.partners",
        "pi_email" => "roster.column.pi_email",
        "member_emails" => "roster.column.member_emails",
        "officer_email" => "roster.column.officer_email",
        "funding_wan_yuan" => "roster.column.funding_wan_yuan",
        "execution_start" => "roster.column.execution_start",
        "execution_end" => "roster.column.execution_end",
        "execution" => "roster.column.execution",
        "contract_number" => "roster.column.contract_number",
        "recommendation_ref" => "roster.column.recommendation_ref",
        "header" => "roster.column.header",
        _ => "roster.column.file",
    }
}
