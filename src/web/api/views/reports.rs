//! A submitted report as the API lists it.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::app::reports;

/// A submitted report as listed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Snapshot {
    /// Id.
    pub id: i64,
    /// Kind.
    pub kind: String,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// Language.
    pub lang: String,
    /// Title.
    pub title: String,
    /// SHA-256 of the HTML file.
    pub html_sha256: String,
    /// Its size in bytes.
    pub html_bytes: i64,
    /// SHA-256 of the PDF file.
    pub pdf_sha256: String,
    /// Its size in bytes.
    pub pdf_bytes: i64,
    /// SHA-256 of the data it was made from.
    pub data_sha256: String,
    /// Who submitted it.
    pub submitted_by: Option<String>,
    /// When (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc")]
    pub submitted_at: NaiveDateTime,
}

impl From<reports::Snapshot> for Snapshot {
    fn from(s: reports::Snapshot) -> Self {
        Self {
            id: s.id,
            kind: s.kind,
            as_of: s.as_of,
            lang: s.lang,
            title: s.title,
            html_sha256: s.html_sha256,
            html_bytes: s.html_bytes,
            pdf_sha256: s.pdf_sha256,
            pdf_bytes: s.pdf_bytes,
            data_sha256: s.data_sha256,
            submitted_by: s.submitted_by,
            submitted_at: s.submitted_at,
        }
    }
}
