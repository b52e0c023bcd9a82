//! Why an operation did not happen: the one error vocabulary below the web.
//!
//! A [`Refusal`] is an expected outcome the person can do something about (a field to correct, a
//! record that is not theirs, a state that does not allow the change), named by catalogue keys so
//! that each adapter says it in the reader's language: the web as a page or a JSON body with its
//! status, the command line as one line. A [`Failure`] is what an operation below the web returns:
//! a refusal, or something that went wrong that the person cannot fix (the database busy or
//! unreachable, a bug). Nothing here knows HTTP; `web::error::AppError` maps these to responses.

use std::fmt;

use super::guide::GuideError;

/// Placeholder values of a message: `("project", "SH-2024-001")`.
pub type Args = Vec<(&'static str, String)>;

/// A message shown beside one form field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The field's name in the form or JSON body.
    pub field: &'static str,
    /// Catalogue key of the message.
    pub message: &'static str,
}

/// A message shown beside one field of one item of a list in the input: the baseline of the
/// second indicator listed, say. Named as a JSON path names it, `baselines[1].baseline_unit`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ItemError {
    /// The list's field in the form or JSON body.
    pub list: &'static str,
    /// The item's index in that list, from 0.
    pub index: usize,
    /// The item's field.
    pub field: &'static str,
    /// Catalogue key of the message.
    pub message: &'static str,
}

impl ItemError {
    /// The field's path in the body: `baselines[1].baseline_unit`.
    pub fn path(&self) -> String {
        format!("{}[{}].{}", self.list, self.index, self.field)
    }
}

/// A problem with one cell of a roster (or its header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The row number as the spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// The column's field name, `header` for a header problem, `execution` for the period as a
    /// whole, `file` for the file itself.
    pub field: &'static str,
    /// Catalogue key of the message.
    pub message: &'static str,
    /// Values for the message's placeholders.
    pub args: Args,
}

impl RowError {
    /// A problem without placeholders.
    pub fn new(row: usize, field: &'static str, message: &'static str) -> Self {
        RowError { row, field, message, args: Vec::new() }
    }
}

/// An operation refused, and why.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// No such record (or one the person may not know exists).
    NotFound,
    /// The person's role or projects do not allow this.
    Forbidden,
    /// Refused whoever asks this way, with a message saying how to do it instead (the key).
    ForbiddenBecause(&'static str),
    /// The input breaks a rule at these fields.
    Validation(Vec<FieldError>),
    /// Like [`Refusal::Validation`], with problems at fields of a list's items as well: the
    /// input's own fields, then the items'.
    ItemValidation(Vec<FieldError>, Vec<ItemError>),
    /// The change conflicts with the current state (duplicate, last administrator, …).
    Conflict(&'static str),
    /// A conflict whose message names things (`{project}` uses `{metric}`): key and arguments.
    ConflictWith(&'static str, Args),
    /// Input that cannot be used, with a message naming where (`line {line}: …`).
    Unusable(&'static str, Args),
    /// A roster with bad rows: every problem, by row and column. Nothing was imported.
    Rows(Vec<RowError>),
    /// A call guide that cannot be read or stored; names the line.
    Guide(GuideError),
}

impl Refusal {
    /// A refusal of one field's value.
    pub fn field(field: &'static str, message: &'static str) -> Self {
        Refusal::Validation(vec![FieldError { field, message }])
    }
}

impl fmt::Display for Refusal {
    /// For logs and tests; people read the catalogue message instead.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotFound => f.write_str("not found"),
            Refusal::Forbidden => f.write_str("forbidden"),
            Refusal::ForbiddenBecause(key) => write!(f, "forbidden: {key}"),
            Refusal::Validation(fields) => write!(f, "validation failed: {fields:?}"),
            Refusal::ItemValidation(fields, items) => write!(f, "validation failed: {fields:?} {items:?}"),
            Refusal::Conflict(key) => write!(f, "conflict: {key}"),
            Refusal::ConflictWith(key, args) => write!(f, "conflict: {key} {args:?}"),
            Refusal::Unusable(key, args) => write!(f, "unusable input: {key} {args:?}"),
            Refusal::Rows(rows) => write!(f, "roster has {} problems", rows.len()),
            Refusal::Guide(error) => write!(f, "unusable guide: {error}"),
        }
    }
}

impl std::error::Error for Refusal {}

impl From<GuideError> for Refusal {
    fn from(error: GuideError) -> Self {
        Refusal::Guide(error)
    }
}

/// The cause of a failure, kept for the operator's log.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// What an operation below the web returns when it did not happen.
#[derive(Debug)]
pub enum Failure {
    /// Refused, for a reason the person can act on.
    Refused(Refusal),
    /// Another write holds the database (SQLite allows one writer, and a long import can hold it
    /// past the busy timeout): nothing was changed; trying again shortly will do.
    Busy,
    /// The database could not be reached in time (the pool had no connection to give).
    Unavailable(Cause),
    /// Anything else: a fault of the system, not of the input.
    Internal(Cause),
}

impl Failure {
    /// An unexpected failure with a message for the log.
    pub fn internal(message: impl Into<String>) -> Self {
        Failure::Internal(message.into().into())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Refused(refusal) => refusal.fmt(f),
            Failure::Busy => f.write_str("database busy"),
            Failure::Unavailable(cause) => write!(f, "database unavailable: {cause}"),
            Failure::Internal(cause) => cause.fmt(f),
        }
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Failure::Refused(_) | Failure::Busy => None,
            Failure::Unavailable(cause) | Failure::Internal(cause) => Some(cause.as_ref()),
        }
    }
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Self {
        Failure::Refused(refusal)
    }
}

impl From<GuideError> for Failure {
    fn from(error: GuideError) -> Self {
        Failure::Refused(Refusal::Guide(error))
    }
}
