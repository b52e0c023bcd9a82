//! Evidence as listed and shown: with its files and reviews, by project or indicator as of a date,
//! where else its files are attached, and one file to send.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::by_name::ByName;
use crate::db::project::Project;
use crate::db::schema::{evidence, evidence_files, files, indicators, projects, reviews, submissions, users};
use crate::domain::evidence_status::EvidenceStatus;
use crate::domain::proof::ProofKind;

/// One attached file as listed.
#[derive(Debug, Clone)]
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
    pub kind: Option<ProofKind>,
    /// SHA-256 of the content.
    pub sha256: String,
    /// Codes of other projects whose evidence holds the same file (possibly recycled evidence); for
    /// commission staff and administrators only, `None` for everyone else.
    pub reused_in: Option<Vec<String>>,
}

/// A review as listed.
#[derive(Debug, Clone)]
pub struct ReviewView {
    /// Accepted, rejected or needs more.
    pub decision: EvidenceStatus,
    /// The reviewer's reason.
    pub reason: Option<String>,
    /// The reviewer's name.
    pub reviewer: String,
    /// When (UTC).
    pub at: NaiveDateTime,
}

/// Evidence with its files and reviews.
#[derive(Debug, Clone)]
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
    /// Where it stands in review.
    pub status: EvidenceStatus,
    /// When it was submitted (UTC).
    pub created_at: NaiveDateTime,
    /// The evidence it answers.
    pub responds_to: Option<i64>,
    /// Attached files.
    pub files: Vec<FileView>,
    /// Reviews, oldest first.
    pub reviews: Vec<ReviewView>,
}

/// A file row as listed: evidence, name, kind, size, type, hash.
type FileRow = (i64, String, Option<ByName<ProofKind>>, i64, String, String);

/// A review row as listed: evidence, decision, reason, reviewer, when.
type ReviewRow = (i64, ByName<EvidenceStatus>, Option<String>, String, NaiveDateTime);

type EvidenceRow = (
    i64,
    i64,
    String,
    Option<i64>,
    String,
    Option<f64>,
    Option<f64>,
    bool,
    NaiveDate,
    String,
    ByName<EvidenceStatus>,
    NaiveDateTime,
    Option<i64>,
);

/// Evidence of a project measured on or before `as_of`, newest first: as of a date, what was
/// measured after it does not exist yet (the status engine reads observations the same way).
pub fn for_project(conn: &mut DbConnection, project_id: i64, as_of: NaiveDate) -> QueryResult<Vec<EvidenceView>> {
    let ids: Vec<i64> = evidence::table
        .inner_join(indicators::table)
        .filter(indicators::project_id.eq(project_id))
        .filter(evidence::measured_on.le(as_of))
        .order((evidence::created_at.desc(), evidence::id.desc()))
        .select(evidence::id)
        .load(conn)?;
    views(conn, &ids)
}

/// Evidence of one indicator measured on or before `as_of`, newest first (see [`for_project`]).
pub fn for_indicator(conn: &mut DbConnection, indicator_id: i64, as_of: NaiveDate) -> QueryResult<Vec<EvidenceView>> {
    let ids: Vec<i64> = evidence::table
        .filter(evidence::indicator_id.eq(indicator_id))
        .filter(evidence::measured_on.le(as_of))
        .order((evidence::created_at.desc(), evidence::id.desc()))
        .select(evidence::id)
        .load(conn)?;
    views(conn, &ids)
}

/// The project a piece of evidence belongs to.
pub fn project_of(conn: &mut DbConnection, evidence_id: i64) -> QueryResult<Option<Project>> {
    projects::table
        .inner_join(indicators::table.inner_join(evidence::table))
        .filter(evidence::id.eq(evidence_id))
        .select(Project::as_select())
        .first(conn)
        .optional()
}

/// One piece of evidence with the project it belongs to.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<(Project, EvidenceView)>> {
    let Some(project) = project_of(conn, id)? else { return Ok(None) };
    let Some(view) = views(conn, &[id])?.into_iter().next() else { return Ok(None) };
    Ok(Some((project, view)))
}

/// Loads evidence by id with files and reviews, in the order of `ids`.
fn views(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<EvidenceView>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<EvidenceRow> = evidence::table
        .inner_join(indicators::table)
        .inner_join(users::table)
        .left_join(submissions::table)
        .filter(evidence::id.eq_any(ids))
        .select((
            evidence::id,
            evidence::indicator_id,
            indicators::metric,
            evidence::submission_id,
            users::name,
            evidence::value,
            evidence::value_max,
            evidence::done,
            evidence::measured_on,
            evidence::note,
            evidence::status,
            evidence::created_at,
            evidence::responds_to,
        ))
        .load(conn)?;
    let kinds: HashMap<i64, String> = submissions::table
        .filter(submissions::id.eq_any(rows.iter().filter_map(|r| r.3).collect::<Vec<_>>()))
        .select((submissions::id, submissions::kind))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let mut files = files_of(conn, ids)?;
    let mut reviews = reviews_of(conn, ids)?;
    let mut by_id: HashMap<i64, EvidenceView> = rows
        .into_iter()
        .map(
            |(
                id,
                indicator_id,
                metric,
                submission_id,
                submitted_by,
                value,
                value_max,
                done,
                measured_on,
                note,
                status,
                created_at,
                responds_to,
            )| {
                let view = EvidenceView {
                    id,
                    indicator_id,
                    metric,
                    submission_kind: submission_id.and_then(|s| kinds.get(&s).cloned()),
                    submission_id,
                    submitted_by,
                    value,
                    value_max,
                    done,
                    measured_on,
                    note,
                    status: status.get(),
                    created_at,
                    responds_to,
                    files: files.remove(&id).unwrap_or_default(),
                    reviews: reviews.remove(&id).unwrap_or_default(),
                };
                (id, view)
            },
        )
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

fn files_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Vec<FileView>>> {
    let rows: Vec<FileRow> = evidence_files::table
        .inner_join(files::table)
        .filter(evidence_files::evidence_id.eq_any(ids))
        .order(evidence_files::id.asc())
        .select((
            evidence_files::evidence_id,
            evidence_files::original_name,
            evidence_files::kind,
            files::size_bytes,
            files::content_type,
            files::sha256,
        ))
        .load(conn)?;
    let mut by_evidence: HashMap<i64, Vec<FileView>> = HashMap::new();
    for (evidence_id, name, kind, size, content_type, sha256) in rows {
        let list = by_evidence.entry(evidence_id).or_default();
        list.push(FileView {
            n: list.len() + 1,
            name,
            size,
            content_type,
            kind: kind.map(ByName::get),
            sha256,
            reused_in: None,
        });
    }
    Ok(by_evidence)
}

/// Fills in, for commission staff only, where else each file of these views is attached: the codes of
/// other projects whose evidence holds the same content (possibly recycled evidence). Anyone else
/// must not learn which other projects exist or what they hold, so the views leave it out.
pub fn show_reuse(conn: &mut DbConnection, views: &mut [EvidenceView]) -> QueryResult<()> {
    let hashes: Vec<&str> = views.iter().flat_map(|v| &v.files).map(|f| f.sha256.as_str()).collect();
    if hashes.is_empty() {
        return Ok(());
    }
    // Where each of these files is attached, with the project of each attachment.
    let uses: Vec<(String, i64, String)> = evidence_files::table
        .inner_join(files::table)
        .inner_join(evidence::table.inner_join(indicators::table.inner_join(projects::table)))
        .filter(files::sha256.eq_any(&hashes))
        .select((files::sha256, evidence_files::evidence_id, projects::code))
        .load(conn)?;
    let mut codes_of_file: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut code_of_evidence: HashMap<i64, &str> = HashMap::new();
    for (sha256, evidence_id, code) in &uses {
        code_of_evidence.insert(*evidence_id, code);
        let codes = codes_of_file.entry(sha256).or_default();
        if !codes.contains(&code.as_str()) {
            codes.push(code);
        }
    }
    for view in views {
        let own = code_of_evidence.get(&view.id).copied().unwrap_or_default();
        for file in &mut view.files {
            let codes = codes_of_file.get(file.sha256.as_str()).map_or(&[][..], Vec::as_slice);
            file.reused_in = Some(codes.iter().filter(|c| **c != own).map(|c| (*c).to_owned()).collect());
        }
    }
    Ok(())
}

fn reviews_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Vec<ReviewView>>> {
    let rows: Vec<ReviewRow> = reviews::table
        .inner_join(users::table)
        .filter(reviews::evidence_id.eq_any(ids))
        .order(reviews::id.asc())
        .select((reviews::evidence_id, reviews::decision, reviews::reason, users::name, reviews::created_at))
        .load(conn)?;
    let mut by_evidence: HashMap<i64, Vec<ReviewView>> = HashMap::new();
    for (evidence_id, ByName(decision), reason, reviewer, at) in rows {
        by_evidence.entry(evidence_id).or_default().push(ReviewView { decision, reason, reviewer, at });
    }
    Ok(by_evidence)
}

/// A file to send: where its content is and how to name it.
#[derive(Debug, Clone)]
pub struct Download {
    /// SHA-256, which locates the content in the store.
    pub sha256: String,
    /// The name it was uploaded under, as stored (the use cases send it with its type's extension).
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
}

/// The `n`th file (from 1) of a piece of evidence.
pub fn download(conn: &mut DbConnection, evidence_id: i64, n: usize) -> QueryResult<Option<Download>> {
    let Some(offset) = n.checked_sub(1) else { return Ok(None) };
    let Ok(offset) = i64::try_from(offset) else { return Ok(None) };
    evidence_files::table
        .inner_join(files::table)
        .filter(evidence_files::evidence_id.eq(evidence_id))
        .order(evidence_files::id.asc())
        .offset(offset)
        .select((files::sha256, evidence_files::original_name, files::content_type, files::size_bytes))
        .first::<(String, String, String, i64)>(conn)
        .optional()
        .map(|row| row.map(|(sha256, name, content_type, size)| Download { sha256, name, content_type, size }))
}
