//! Evidence (佐证材料): submissions of reported values with their files, the review queue, and
//! reviews. Only accepted evidence counts toward an indicator's status; pending evidence is shown
//! beside it. Every write records an audit row in the same transaction, and accepting evidence
//! recomputes the indicator's status timeline there too.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::DbConnection;
use super::audit::{self, AuditEntry};
use super::indicator::find_open_project;
use super::project::Project;
use super::schema::{
    evidence, evidence_files, files, indicators, project_members, projects, reviews, submissions, users,
};
use super::user::User;
use crate::domain::evidence::Checked;
use crate::domain::proof::ProofKind;
use crate::domain::refusal::{Failure, Refusal};
use crate::domain::role::Role;
use crate::files::kind::shown_name;

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
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Submitted {
    /// The submission.
    pub submission_id: i64,
    /// The evidence rows, in the order of the entries.
    pub evidence_ids: Vec<i64>,
}

/// Whether a user may report progress on a project: its PI, or one of its members.
pub fn can_contribute(conn: &mut DbConnection, user: &User, project: &Project) -> QueryResult<bool> {
    if !matches!(user.role, Role::Pi | Role::Member) {
        return Ok(false);
    }
    if project.pi_user_id == user.id {
        return Ok(true);
    }
    let member: i64 = project_members::table
        .filter(project_members::project_id.eq(project.id))
        .filter(project_members::user_id.eq(user.id))
        .filter(project_members::role.eq("member"))
        .count()
        .get_result(conn)?;
    Ok(member > 0)
}

/// Whether a user may review evidence: commission staff.
pub fn can_review(user: &User) -> bool {
    user.role.sees_portfolio()
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
        let project = super::project_state::hold_open(conn, project_id)?;
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
        let answered: Option<(i64, String)> =
            evidence::table.find(earlier).select((evidence::indicator_id, evidence::status)).first(conn).optional()?;
        match answered {
            Some((indicator, status))
                if indicator == entry.indicator_id && matches!(status.as_str(), "rejected" | "needs_more") => {}
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
            evidence::status.eq("pending"),
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
                evidence_files::kind.eq(upload.kind.map(ProofKind::as_str)),
            ))
            .execute(conn)?;
        attached.push(json!({ "name": upload.original_name, "sha256": upload.sha256, "size": upload.size,
            "kind": upload.kind.map(ProofKind::as_str) }));
    }
    let detail = json!({ "after": { "indicator_id": entry.indicator_id, "submission_id": submission_id,
        "value": reported.map(|r| r.value), "value_max": reported.and_then(|r| r.value_max), "done": entry.checked.done,
        "measured_on": entry.checked.measured_on, "note": entry.note.trim(), "status": "pending",
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

/// A staff decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The value counts from now on.
    Accept,
    /// The value does not count; a reason is required.
    Reject,
    /// The PI is asked for more evidence; a reason is required.
    More,
}

impl Decision {
    /// The evidence status and the review decision it leads to.
    pub fn stored(self) -> &'static str {
        match self {
            Decision::Accept => "accepted",
            Decision::Reject => "rejected",
            Decision::More => "needs_more",
        }
    }

    /// Parses the form and API spelling.
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "accept" => Some(Decision::Accept),
            "reject" => Some(Decision::Reject),
            "more" => Some(Decision::More),
            _ => None,
        }
    }
}

/// Records a review of pending evidence: only staff may, anything but an acceptance needs a
/// comment, and evidence is reviewed once (409 after). Accepting it updates the status timeline.
pub fn review(
    conn: &mut DbConnection,
    reviewer: &User,
    evidence_id: i64,
    decision: Decision,
    comment: &str,
    (ip, now): (Option<&str>, NaiveDateTime),
) -> Result<i64, Failure> {
    if !can_review(reviewer) {
        return Err(Failure::Refused(Refusal::Forbidden));
    }
    let comment = comment.trim();
    if decision != Decision::Accept && comment.is_empty() {
        return Err(Refusal::field("comment", "review.error.reason_required").into());
    }
    if comment.chars().count() > 2000 {
        return Err(Refusal::field("comment", "review.error.too_long").into());
    }
    if !crate::domain::text::is_paragraphs(comment, 2000) {
        return Err(Refusal::field("comment", "error.text_invalid").into());
    }
    crate::db::write_transaction(conn, |conn| {
        let (indicator_id, status): (i64, String) = evidence::table
            .find(evidence_id)
            .select((evidence::indicator_id, evidence::status))
            .first(conn)
            .optional()?
            .ok_or(Failure::Refused(Refusal::NotFound))?;
        let project_id: i64 = indicators::table.find(indicator_id).select(indicators::project_id).first(conn)?;
        find_open_project(conn, project_id)?;
        if status != "pending" {
            return Err(Failure::Refused(Refusal::Conflict("review.error.already_reviewed")));
        }
        // The status condition makes a concurrent second review update nothing.
        let changed = diesel::update(evidence::table.find(evidence_id).filter(evidence::status.eq("pending")))
            .set((evidence::status.eq(decision.stored()), evidence::updated_at.eq(now)))
            .execute(conn)?;
        if changed == 0 {
            return Err(Failure::Refused(Refusal::Conflict("review.error.already_reviewed")));
        }
        let review_id: i64 = diesel::insert_into(reviews::table)
            .values((
                reviews::evidence_id.eq(evidence_id),
                reviews::reviewer_id.eq(reviewer.id),
                reviews::decision.eq(decision.stored()),
                reviews::reason.eq((!comment.is_empty()).then_some(comment)),
                reviews::created_at.eq(now),
            ))
            .returning(reviews::id)
            .get_result(conn)?;
        audit::record(
            conn,
            &AuditEntry {
                actor: Some(reviewer.id),
                action: "evidence.review",
                entity: "evidence",
                entity_id: Some(evidence_id),
                project_id: Some(project_id),
                detail: json!({ "review_id": review_id, "before": { "status": status },
                    "after": { "status": decision.stored(), "reason": comment } }),
                ip,
            },
            now,
        )?;
        if decision == Decision::Accept {
            super::overdue::refresh(conn, project_id, &[indicator_id])?;
        }
        Ok(review_id)
    })
}

/// A piece of evidence awaiting review, as a refusal to close its project names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Awaiting {
    /// The evidence.
    pub id: i64,
    /// What its indicator measures.
    pub metric: String,
    /// When it was measured.
    pub measured_on: NaiveDate,
}

/// A project's evidence awaiting review, oldest first: what closing the project has to settle.
pub fn awaiting_review(conn: &mut DbConnection, project_id: i64) -> QueryResult<Vec<Awaiting>> {
    let rows: Vec<(i64, String, NaiveDate)> = evidence::table
        .inner_join(indicators::table)
        .filter(indicators::project_id.eq(project_id))
        .filter(evidence::status.eq("pending"))
        .order((evidence::created_at.asc(), evidence::id.asc()))
        .select((evidence::id, indicators::metric, evidence::measured_on))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, metric, measured_on)| Awaiting { id, metric, measured_on }).collect())
}

/// Withdraws evidence awaiting review, with the staff's reason, inside the caller's transaction
/// (closing a project does this for its pending evidence); one audit row per piece. Evidence
/// reviewed meanwhile makes the whole change a conflict, so nothing is half-settled.
pub(crate) fn withdraw(
    conn: &mut DbConnection,
    project_id: i64,
    ids: &[i64],
    reason: &str,
    (actor, now): (Option<i64>, NaiveDateTime),
) -> Result<(), Failure> {
    for &id in ids {
        let changed = diesel::update(evidence::table.find(id).filter(evidence::status.eq("pending")))
            .set((evidence::status.eq("withdrawn"), evidence::updated_at.eq(now)))
            .execute(conn)?;
        if changed == 0 {
            return Err(Failure::Refused(Refusal::Conflict("review.error.already_reviewed")));
        }
        audit::record(
            conn,
            &AuditEntry {
                actor,
                action: "evidence.withdraw",
                entity: "evidence",
                entity_id: Some(id),
                project_id: Some(project_id),
                detail: json!({ "before": { "status": "pending" }, "after": { "status": "withdrawn", "reason": reason } }),
                ip: None,
            },
            now,
        )?;
    }
    Ok(())
}

/// One attached file as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileView {
    /// Its number within the evidence, from 1, as in `/files/{n}`.
    pub n: usize,
    /// The name it was uploaded under, as shown and downloaded: see [`crate::files::kind::shown_name`].
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

/// A review as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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

/// Evidence with its files and reviews.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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

/// A file row as listed: evidence, name, kind, size, type, hash.
type FileRow = (i64, String, Option<String>, i64, String, String);

/// A pending value as read: indicator, value, high end, done, date.
type PendingRow = (i64, Option<f64>, Option<f64>, bool, NaiveDate);

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
    String,
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
                    status,
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
            name: shown_name(&name, &content_type),
            size,
            content_type,
            kind: kind.as_deref().and_then(ProofKind::parse),
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
    let rows: Vec<(i64, String, Option<String>, String, NaiveDateTime)> = reviews::table
        .inner_join(users::table)
        .filter(reviews::evidence_id.eq_any(ids))
        .order(reviews::id.asc())
        .select((reviews::evidence_id, reviews::decision, reviews::reason, users::name, reviews::created_at))
        .load(conn)?;
    let mut by_evidence: HashMap<i64, Vec<ReviewView>> = HashMap::new();
    for (evidence_id, decision, reason, reviewer, at) in rows {
        by_evidence.entry(evidence_id).or_default().push(ReviewView { decision, reason, reviewer, at });
    }
    Ok(by_evidence)
}

/// One entry of the review queue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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

/// Pending evidence of open projects, oldest first, one page of it, and how much awaits review in
/// all. A closed project's evidence cannot be reviewed any more, so it is not in the queue: closing
/// settles it (see `db::project_state`), and what was left pending by closings before that rule is
/// shown as unreviewed on its pages instead.
pub fn queue(conn: &mut DbConnection, offset: i64, limit: i64) -> QueryResult<(Vec<QueueItem>, i64)> {
    let total: i64 = evidence::table
        .inner_join(indicators::table.inner_join(projects::table))
        .filter(evidence::status.eq("pending"))
        .filter(projects::state.ne_all(super::project_state::closed_names()))
        .count()
        .get_result(conn)?;
    let rows: Vec<(i64, String, String, i64, String, String, NaiveDateTime)> = evidence::table
        .inner_join(indicators::table.inner_join(projects::table))
        .inner_join(users::table)
        .filter(evidence::status.eq("pending"))
        .filter(projects::state.ne_all(super::project_state::closed_names()))
        .order((evidence::created_at.asc(), evidence::id.asc()))
        .offset(offset)
        .limit(limit)
        .select((
            evidence::id,
            projects::code,
            projects::title,
            evidence::indicator_id,
            indicators::metric,
            users::name,
            evidence::created_at,
        ))
        .load(conn)?;
    let items =
        rows.into_iter()
            .map(|(evidence_id, project_code, project_title, indicator_id, metric, submitted_by, created_at)| {
                QueueItem { evidence_id, project_code, project_title, indicator_id, metric, submitted_by, created_at }
            })
            .collect();
    Ok((items, total))
}

/// A file to send: where its content is and how to name it.
#[derive(Debug, Clone)]
pub struct Download {
    /// SHA-256, which locates the content in the store.
    pub sha256: String,
    /// The name to download it under: see [`crate::files::kind::shown_name`].
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
        .map(|row| {
            row.map(|(sha256, name, content_type, size)| Download {
                sha256,
                name: shown_name(&name, &content_type),
                content_type,
                size,
            })
        })
}

/// The stored proof lists (comma-separated kinds; empty for the defaults) of some indicators.
pub fn proof_lists(conn: &mut DbConnection, indicator_ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    Ok(indicators::table
        .filter(indicators::id.eq_any(indicator_ids))
        .select((indicators::id, indicators::evidence_kinds))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

/// Sets the kinds of proof an indicator asks for; an empty list restores the defaults. Staff only,
/// on an open project; audited with the list before and after.
pub fn set_proof_list(
    conn: &mut DbConnection,
    actor: &User,
    indicator_id: i64,
    kinds: &[ProofKind],
    now: NaiveDateTime,
) -> Result<(), Failure> {
    if !actor.role.sees_portfolio() {
        return Err(Failure::Refused(Refusal::Forbidden));
    }
    let list = crate::domain::proof::format_list(kinds);
    crate::db::write_transaction(conn, |conn| {
        let (project_id, before): (i64, String) = indicators::table
            .find(indicator_id)
            .select((indicators::project_id, indicators::evidence_kinds))
            .first(conn)
            .optional()?
            .ok_or(Failure::Refused(Refusal::NotFound))?;
        find_open_project(conn, project_id)?;
        if before == list {
            return Ok(());
        }
        diesel::update(indicators::table.find(indicator_id))
            .set((indicators::evidence_kinds.eq(&list), indicators::updated_at.eq(now)))
            .execute(conn)?;
        audit::record(
            conn,
            &AuditEntry {
                actor: Some(actor.id),
                action: "indicator.proof_kinds",
                entity: "indicator",
                entity_id: Some(indicator_id),
                project_id: Some(project_id),
                detail: json!({ "before": before, "after": list }),
                ip: None,
            },
            now,
        )?;
        Ok(())
    })
}

/// Every stored file's hash, evidence files and submitted reports': what the file store must keep.
pub fn stored_hashes(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    use super::schema::reports;
    let mut hashes: Vec<String> = files::table.select(files::sha256).load(conn)?;
    for (html, pdf) in
        reports::table.select((reports::html_sha256, reports::pdf_sha256)).load::<(String, String)>(conn)?
    {
        hashes.push(html);
        hashes.push(pdf);
    }
    Ok(hashes)
}

/// Whether any row (an evidence file, a submitted report's HTML or PDF) names this content.
pub fn is_stored(conn: &mut DbConnection, sha256: &str) -> QueryResult<bool> {
    use super::schema::reports;
    let files: i64 = files::table.filter(files::sha256.eq(sha256)).count().get_result(conn)?;
    let reports: i64 = reports::table
        .filter(reports::html_sha256.eq(sha256).or(reports::pdf_sha256.eq(sha256)))
        .count()
        .get_result(conn)?;
    Ok(files + reports > 0)
}

/// Holds the lock on one stored object until the transaction ends: taken by a transaction that
/// commits a row naming the object (before it makes sure the object is there) and by `files gc`
/// (before it re-checks the rows and unlinks). On SQLite the write transaction this must run in
/// already holds the database's one write lock; PostgreSQL gets an advisory lock per object.
pub fn hold_object(conn: &mut DbConnection, sha256: &str) -> QueryResult<()> {
    advisory_lock(conn, &format!("object:{sha256}"))
}

/// Holds the lock on a user's upload quota until the transaction ends, so that two uploads at once
/// cannot both fit in what is left (see [`hold_object`] for SQLite).
pub fn hold_upload_quota(conn: &mut DbConnection, user_id: i64) -> QueryResult<()> {
    advisory_lock(conn, &format!("upload-quota:{user_id}"))
}

/// A transaction-scoped PostgreSQL advisory lock keyed by the first 8 bytes of the name's SHA-256.
fn advisory_lock(conn: &mut DbConnection, name: &str) -> QueryResult<()> {
    use sha2::{Digest, Sha256};
    if let DbConnection::Pg(pg) = conn {
        let digest = Sha256::digest(name.as_bytes());
        let key = i64::from_be_bytes([
            digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
        ]);
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)").bind::<diesel::sql_types::BigInt, _>(key).execute(pg)?;
    }
    Ok(())
}

/// The bytes of evidence files a user attached since `since`, and when the oldest of them was.
pub fn uploaded_since(
    conn: &mut DbConnection,
    user_id: i64,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    // diesel sums a BIGINT as NUMERIC, which neither backend needs here; the cast keeps it an integer.
    let bytes: i64 = evidence_files::table
        .inner_join(files::table)
        .filter(evidence_files::uploaded_by.eq(user_id))
        .filter(evidence_files::uploaded_at.gt(since))
        .select(diesel::dsl::sql::<diesel::sql_types::BigInt>("CAST(COALESCE(SUM(files.size_bytes), 0) AS BIGINT)"))
        .first(conn)?;
    let oldest: Option<NaiveDateTime> = evidence_files::table
        .filter(evidence_files::uploaded_by.eq(user_id))
        .filter(evidence_files::uploaded_at.gt(since))
        .select(diesel::dsl::min(evidence_files::uploaded_at))
        .first(conn)?;
    Ok((bytes, oldest))
}

/// A value awaiting review, shown beside the verified one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Pending {
    /// The value (low end of a range).
    pub value: Option<f64>,
    /// The high end of a range.
    pub value_max: Option<f64>,
    /// A deliverable reported done.
    pub done: bool,
    /// When it was measured.
    pub measured_on: NaiveDate,
    /// How many reports of the indicator await review.
    pub count: usize,
}

/// The values awaiting review of some indicators, each indicator's in the order they were measured.
#[derive(Debug, Clone, Default)]
pub struct PendingValues(HashMap<i64, Vec<PendingRow>>);

impl PendingValues {
    /// An indicator's latest pending value measured on or before `as_of`, and how many such await
    /// review: as of a date, a value measured after it is not shown.
    pub fn as_of(&self, indicator_id: i64, as_of: NaiveDate) -> Option<Pending> {
        let rows = self.0.get(&indicator_id)?;
        // The rows are in the order measured.
        let count = rows.partition_point(|row| row.4 <= as_of);
        let &(_, value, value_max, done, measured_on) = rows[..count].last()?;
        Some(Pending { value, value_max, done, measured_on, count })
    }
}

/// The values awaiting review of some indicators (filtered by date with [`PendingValues::as_of`]).
pub fn pending_by_indicator(conn: &mut DbConnection, indicator_ids: &[i64]) -> QueryResult<PendingValues> {
    let rows: Vec<PendingRow> = evidence::table
        .filter(evidence::indicator_id.eq_any(indicator_ids))
        .filter(evidence::status.eq("pending"))
        .order((evidence::measured_on.asc(), evidence::id.asc()))
        .select((evidence::indicator_id, evidence::value, evidence::value_max, evidence::done, evidence::measured_on))
        .load(conn)?;
    let mut pending: HashMap<i64, Vec<PendingRow>> = HashMap::new();
    for row in rows {
        pending.entry(row.0).or_default().push(row);
    }
    Ok(PendingValues(pending))
}

/// A recorded review and what its notice to the submitter names.
#[derive(Debug, Clone, Queryable)]
pub struct Decided {
    /// `accepted`, `rejected` or `needs_more`.
    pub decision: String,
    /// The reviewer's reason, if any.
    pub reason: Option<String>,
    /// The evidence reviewed.
    pub evidence_id: i64,
    /// Its indicator.
    pub indicator_id: i64,
    /// When the value was measured.
    pub measured_on: NaiveDate,
    /// Who submitted it.
    pub submitted_by: i64,
    /// What the indicator measures.
    pub metric: String,
    /// The project.
    pub project_id: i64,
}

/// The review `review_id` with what its notice names.
pub fn decided(conn: &mut DbConnection, review_id: i64) -> QueryResult<Decided> {
    reviews::table
        .inner_join(evidence::table.on(evidence::id.eq(reviews::evidence_id)))
        .inner_join(indicators::table.on(indicators::id.eq(evidence::indicator_id)))
        .filter(reviews::id.eq(review_id))
        .select((
            reviews::decision,
            reviews::reason,
            evidence::id,
            indicators::id,
            evidence::measured_on,
            evidence::submitted_by,
            indicators::metric,
            indicators::project_id,
        ))
        .first(conn)
}
