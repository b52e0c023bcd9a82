//! Storing a submission: its evidence rows, their files (already in the file store) and an audit
//! row per piece, all or nothing.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::can_contribute;
use crate::db::DbConnection;
use crate::db::audit::{self, AuditEntry};
use crate::db::by_name::ByName;
use crate::db::project::Project;
use crate::db::schema::{evidence, evidence_files, files, indicators, submissions};
use crate::db::user::User;
use crate::domain::evidence::Checked;
use crate::domain::evidence_status::EvidenceStatus;
use crate::domain::proof::ProofKind;
use crate::domain::refusal::{Failure, Refusal};

/// A file already in the store, to attach.
#[derive(Debug, Clone)]
pub struct FileUpload {
    /// Lower-case hex SHA-256.
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// MIME type recognised from the content.
    pub content_type: String,
    /// The name it was uploaded under.
    pub original_name: String,
    /// The kind of proof it was attached as.
    pub kind: Option<ProofKind>,
}

/// One indicator's report within a submission.
#[derive(Debug, Clone)]
pub struct NewEntry {
    /// The indicator.
    pub indicator_id: i64,
    /// The checked value and date.
    pub checked: Checked,
    /// The PI's note.
    pub note: String,
    /// The rejected evidence (or the one asked for more) this answers.
    pub responds_to: Option<i64>,
    /// Files to attach.
    pub files: Vec<FileUpload>,
}

/// One report, or an annual progress report (年度进展报告) covering several indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmissionKind {
    /// A single indicator's report.
    Single,
    /// 年度进展报告.
    AnnualReport,
}

impl SubmissionKind {
    fn as_str(self) -> &'static str {
        match self {
            SubmissionKind::Single => "single",
            SubmissionKind::AnnualReport => "annual_report",
        }
    }
}

/// What was stored.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// The submission.
    pub submission_id: i64,
    /// The evidence rows, in the order of the entries.
    pub evidence_ids: Vec<i64>,
}

/// Stores a submission: its entries, their files (already in the file store) and one audit row
/// per entry, all or nothing. Rights, the project's state, and links to earlier evidence are
/// checked here; the values were checked against the targets by the caller.
pub fn submit(
    conn: &mut DbConnection,
    actor: &User,
    project_id: i64,
    kind: SubmissionKind,
    period_label: Option<&str>,
    entries: &[NewEntry],
    (ip, now): (Option<&str>, NaiveDateTime),
) -> Result<Submitted, Failure> {
    if entries.is_empty() {
        return Err(Refusal::field("value", "evidence.error.empty").into());
    }
    crate::db::write_transaction(conn, |conn| {
        let project = crate::db::project_state::hold_open(conn, project_id)?;
        if !can_contribute(conn, actor, &project)? {
            return Err(Failure::Refused(Refusal::Forbidden));
        }
        let submission_id: i64 = diesel::insert_into(submissions::table)
            .values((
                submissions::project_id.eq(project_id),
                submissions::kind.eq(kind.as_str()),
                submissions::period_label.eq(period_label),
                submissions::submitted_by.eq(actor.id),
                submissions::created_at.eq(now),
            ))
            .returning(submissions::id)
            .get_result(conn)?;
        let mut evidence_ids = Vec::with_capacity(entries.len());
        for entry in entries {
            evidence_ids.push(insert_entry(conn, actor, &project, submission_id, entry, (ip, now))?);
        }
        Ok(Submitted { submission_id, evidence_ids })
    })
}

fn insert_entry(
    conn: &mut DbConnection,
    actor: &User,
    project: &Project,
    submission_id: i64,
    entry: &NewEntry,
    (ip, now): (Option<&str>, NaiveDateTime),
) -> Result<i64, Failure> {
    let owner: Option<i64> =
        indicators::table.find(entry.indicator_id).select(indicators::project_id).first(conn).optional()?;
    if owner != Some(project.id) {
        return Err(Failure::Refused(Refusal::NotFound));
    }
    if let Some(earlier) = entry.responds_to {
        let answered: Option<(i64, ByName<EvidenceStatus>)> =
            evidence::table.find(earlier).select((evidence::indicator_id, evidence::status)).first(conn).optional()?;
        match answered {
            Some((indicator, status)) if indicator == entry.indicator_id && status.get().is_sent_back() => {}
            _ => return Err(Refusal::field("responds_to", "evidence.error.responds_to").into()),
        }
    }
    let reported = entry.checked.reported;
    let id: i64 = diesel::insert_into(evidence::table)
        .values((
            evidence::indicator_id.eq(entry.indicator_id),
            evidence::submission_id.eq(submission_id),
            evidence::submitted_by.eq(actor.id),
            evidence::value.eq(reported.map(|r| r.value)),
            evidence::value_max.eq(reported.and_then(|r| r.value_max)),
            evidence::done.eq(entry.checked.done),
            evidence::measured_on.eq(entry.checked.measured_on),
            evidence::note.eq(entry.note.trim()),
            evidence::status.eq(ByName(EvidenceStatus::Pending)),
            evidence::responds_to.eq(entry.responds_to),
            evidence::created_at.eq(now),
            evidence::updated_at.eq(now),
        ))
        .returning(evidence::id)
        .get_result(conn)?;
    let mut attached = Vec::new();
    for upload in &entry.files {
        let file_id = file_row(conn, upload, now)?;
        // The same content twice in one report is attached once.
        let already: i64 = evidence_files::table
            .filter(evidence_files::evidence_id.eq(id))
            .filter(evidence_files::file_id.eq(file_id))
            .count()
            .get_result(conn)?;
        if already > 0 {
            continue;
        }
        diesel::insert_into(evidence_files::table)
            .values((
                evidence_files::evidence_id.eq(id),
                evidence_files::file_id.eq(file_id),
                evidence_files::original_name.eq(&upload.original_name),
                evidence_files::uploaded_by.eq(actor.id),
                evidence_files::uploaded_at.eq(now),
                evidence_files::kind.eq(upload.kind.map(ByName)),
            ))
            .execute(conn)?;
        attached.push(json!({ "name": upload.original_name, "sha256": upload.sha256, "size": upload.size,
            "kind": upload.kind.map(ProofKind::as_str) }));
    }
    let detail = json!({ "after": { "indicator_id": entry.indicator_id, "submission_id": submission_id,
        "value": reported.map(|r| r.value), "value_max": reported.and_then(|r| r.value_max), "done": entry.checked.done,
        "measured_on": entry.checked.measured_on, "note": entry.note.trim(), "status": EvidenceStatus::Pending,
        "responds_to": entry.responds_to, "files": attached } });
    audit::record(
        conn,
        &AuditEntry {
            actor: Some(actor.id),
            action: "evidence.submit",
            entity: "evidence",
            entity_id: Some(id),
            project_id: Some(project.id),
            detail,
            ip,
        },
        now,
    )?;
    Ok(id)
}

/// The `files` row for some content, created when it is new. Two uploads of the same new content
/// may race; the loser finds the winner's row.
fn file_row(conn: &mut DbConnection, upload: &FileUpload, now: NaiveDateTime) -> QueryResult<i64> {
    let find = |conn: &mut DbConnection| {
        files::table.filter(files::sha256.eq(&upload.sha256)).select(files::id).first::<i64>(conn).optional()
    };
    if let Some(id) = find(conn)? {
        return Ok(id);
    }
    // A savepoint, so that a unique violation does not abort the caller's transaction on PostgreSQL.
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(files::table)
            .values((
                files::sha256.eq(&upload.sha256),
                files::size_bytes.eq(upload.size),
                files::content_type.eq(&upload.content_type),
                files::created_at.eq(now),
            ))
            .returning(files::id)
            .get_result::<i64>(conn)
    });
    match inserted {
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            find(conn)?.ok_or(diesel::result::Error::NotFound)
        }
        other => other,
    }
}
