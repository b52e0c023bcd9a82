//! Evidence as the API shows it (with its files and reviews), what a report stored, the review
//! queue's entries, and the decisions a review takes.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use crate::app::{evidence, review, submission};
use crate::domain::proof::ProofKind;

/// What was stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Submitted {
    /// The submission.
    pub submission_id: i64,
    /// The evidence rows, in the order of the entries.
    pub evidence_ids: Vec<i64>,
}

impl From<submission::Submitted> for Submitted {
    fn from(s: submission::Submitted) -> Self {
        Self { submission_id: s.submission_id, evidence_ids: s.evidence_ids }
    }
}

/// One attached file as listed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FileView {
    /// Its number within the evidence, from 1, as in `/files/{n}`.
    pub n: usize,
    /// The name it was uploaded under, as stored: the use cases show it (and send it) with its
    /// type's extension, so that a name stored before extensions were enforced cannot mislead.
    pub name: String,
    /// Size in bytes.
    pub size: i64,
    /// MIME type recognised from the content.
    pub content_type: String,
    /// The kind of proof it was attached as.
    #[schema(value_type = Option<String>)]
    pub kind: Option<ProofKind>,
    /// SHA-256 of the content.
    pub sha256: String,
    /// Codes of other projects whose evidence holds the same file (possibly recycled evidence); for
    /// commission staff and administrators only, absent for everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reused_in: Option<Vec<String>>,
}

impl From<evidence::FileView> for FileView {
    fn from(f: evidence::FileView) -> Self {
        Self {
            n: f.n,
            name: f.name,
            size: f.size,
            content_type: f.content_type,
            kind: f.kind,
            sha256: f.sha256,
            reused_in: f.reused_in,
        }
    }
}

/// A review as listed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewView {
    /// `accepted`, `rejected` or `needs_more`.
    pub decision: String,
    /// The reviewer's reason.
    pub reason: Option<String>,
    /// The reviewer's name.
    pub reviewer: String,
    /// When (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc")]
    pub at: NaiveDateTime,
}

impl From<evidence::ReviewView> for ReviewView {
    fn from(r: evidence::ReviewView) -> Self {
        Self { decision: r.decision.as_str().to_owned(), reason: r.reason, reviewer: r.reviewer, at: r.at }
    }
}

/// Evidence with its files and reviews.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EvidenceView {
    /// Id.
    pub id: i64,
    /// The indicator.
    pub indicator_id: i64,
    /// What the indicator measures.
    pub metric: String,
    /// The submission it came in.
    pub submission_id: Option<i64>,
    /// `single` or `annual_report`.
    pub submission_kind: Option<String>,
    /// Who reported it.
    pub submitted_by: String,
    /// The value (low end of a range).
    pub value: Option<f64>,
    /// The high end of a range.
    pub value_max: Option<f64>,
    /// A deliverable is done.
    pub done: bool,
    /// When it was measured.
    pub measured_on: NaiveDate,
    /// The PI's note.
    pub note: String,
    /// `pending`, `accepted`, `rejected`, `needs_more` or `withdrawn`.
    pub status: String,
    /// When it was submitted (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc")]
    pub created_at: NaiveDateTime,
    /// The evidence it answers.
    pub responds_to: Option<i64>,
    /// Attached files.
    pub files: Vec<FileView>,
    /// Reviews, oldest first.
    pub reviews: Vec<ReviewView>,
}

impl From<evidence::EvidenceView> for EvidenceView {
    fn from(e: evidence::EvidenceView) -> Self {
        Self {
            id: e.id,
            indicator_id: e.indicator_id,
            metric: e.metric,
            submission_id: e.submission_id,
            submission_kind: e.submission_kind,
            submitted_by: e.submitted_by,
            value: e.value,
            value_max: e.value_max,
            done: e.done,
            measured_on: e.measured_on,
            note: e.note,
            status: e.status.as_str().to_owned(),
            created_at: e.created_at,
            responds_to: e.responds_to,
            files: e.files.into_iter().map(FileView::from).collect(),
            reviews: e.reviews.into_iter().map(ReviewView::from).collect(),
        }
    }
}

/// One entry of the review queue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    /// The evidence.
    pub evidence_id: i64,
    /// Its project's code.
    pub project_code: String,
    /// Its project's title.
    pub project_title: String,
    /// The indicator.
    pub indicator_id: i64,
    /// What the indicator measures.
    pub metric: String,
    /// Who submitted it.
    pub submitted_by: String,
    /// When (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc")]
    pub created_at: NaiveDateTime,
}

impl From<review::QueueItem> for QueueItem {
    fn from(q: review::QueueItem) -> Self {
        Self {
            evidence_id: q.evidence_id,
            project_code: q.project_code,
            project_title: q.project_title,
            indicator_id: q.indicator_id,
            metric: q.metric,
            submitted_by: q.submitted_by,
            created_at: q.created_at,
        }
    }
}

/// The schema of a review's decision: the names [`review::Decision`] is written with, from its own
/// list, so that the document cannot offer a decision the API does not take.
pub struct Decision;

impl utoipa::PartialSchema for Decision {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(review::Decision::ALL.map(review::Decision::name)))
            .description(Some("A staff decision."))
            .into()
    }
}

impl utoipa::ToSchema for Decision {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Decision")
    }
}
