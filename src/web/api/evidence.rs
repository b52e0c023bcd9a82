//! Evidence (佐证材料) over the API: report a value with its files, list and read evidence, download
//! a file, review pending evidence, page through the review queue and a project's audit history.
//!
//! Visibility comes before rights: evidence of a project the caller may not see answers 404 (its
//! existence is not confirmed), and only then does a missing right answer 403.

use super::json_body::JsonBody;
use crate::web::multipart_body::MultipartBody;
use actix_web::http::{StatusCode, header};
use actix_web::web::{self, Json};
use actix_web::{HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::views::evidence::{EvidenceView, QueueItem, Submitted};
use crate::app;
use crate::app::project_history::AuditRow;
use crate::app::review::Decision;
use crate::web::as_of::AsOf;
use crate::web::error::AppError;
use crate::web::evidence::{quota, reportable, submit_single};
use crate::web::evidence_download;
use crate::web::evidence_upload;
use crate::web::identity::ApiUser;
use crate::web::state::AppState;

/// The page size when none is asked for.
const DEFAULT_LIMIT: u32 = 50;
/// The largest page served, so that one request cannot ask for the whole log.
const MAX_LIMIT: u32 = 500;

/// `?offset=&limit=`: one page of a list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Paging {
    /// Entries to skip (default 0).
    pub offset: Option<u32>,
    /// Entries to return: default 50, at most 500 (larger asks get 500).
    pub limit: Option<u32>,
}

impl Paging {
    /// The offset and limit, with the limit kept within 1..=500.
    fn bounds(&self) -> (i64, i64) {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        (i64::from(self.offset.unwrap_or(0)), i64::from(limit))
    }
}

/// The multipart body of a report. File fields may repeat.
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "describes the multipart body for the OpenAPI document only")]
pub struct EvidenceUpload {
    /// The value measured (a number, or `a-b` for a range); required unless `done` is set for a deliverable.
    value: Option<String>,
    /// `true` (or `on`) when a deliverable is done.
    done: Option<bool>,
    /// When it was measured, `YYYY-MM-DD`: inside the execution period and not in the future.
    #[schema(value_type = String, format = Date)]
    measured_on: String,
    /// A note for the reviewer (at most 5000 characters).
    note: Option<String>,
    /// The id of rejected evidence, or evidence asked for more, that this report answers.
    responds_to: Option<i64>,
    /// Proof files (PDF, images, Office documents, archives), recognised by content. A field named
    /// `files.<kind>` (e.g. `files.test_report`) attaches the file as that kind of proof.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// The client address recorded in the audit log.
fn client_ip(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|a| a.ip().to_string())
}

/// Reports a value of an indicator with its proof files (the PI or a member of the project). It
/// waits for review; `Location` names the evidence created. Rights are checked before the body is
/// read, and a refused report keeps nothing: no row, no file.
#[utoipa::path(post, path = "/api/v1/indicators/{id}/evidence", tag = "evidence",
    params(("id" = i64, Path, description = "indicator id")),
    request_body(content = EvidenceUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = Submitted, headers(("Location" = String, description = "/api/v1/evidence/{id}"))),
        (status = 400, body = crate::web::error_page::ErrorBody), (status = 401, body = crate::web::error_page::ErrorBody),
        (status = 403, body = crate::web::error_page::ErrorBody), (status = 404, body = crate::web::error_page::ErrorBody),
        (status = 409, body = crate::web::error_page::ErrorBody), (status = 413, body = crate::web::error_page::ErrorBody),
        (status = 415, body = crate::web::error_page::ErrorBody), (status = 422, body = crate::web::error_page::ErrorBody),
        (status = 507, body = crate::web::error_page::ErrorBody)))]
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(user): ApiUser,
    id: web::Path<i64>,
    MultipartBody(payload): MultipartBody,
) -> Result<HttpResponse, AppError> {
    let reportable = reportable(&state, &user, id.into_inner()).await?;
    let quota = quota(&state, &user).await?;
    // The API authenticates with a bearer token, which a forged cross-site form cannot carry.
    let form = evidence_upload::read(payload, None, &state.files(), state.config.uploads, quota).await?;
    let submitted = submit_single(&state, &user, &reportable, form, client_ip(&req)).await?;
    let mut response = HttpResponse::build(StatusCode::CREATED);
    if let Some(first) = submitted.evidence_ids.first() {
        response.insert_header((header::LOCATION, format!("/api/v1/evidence/{first}")));
    }
    Ok(response.json(Submitted::from(submitted)))
}

/// A project's evidence measured on or before `as_of` (today when absent), newest first, with files
/// and reviews; for staff and administrators, where else each file was used.
#[utoipa::path(get, path = "/api/v1/projects/{code}/evidence", tag = "evidence",
    params(("code" = String, Path, description = "项目编号"), AsOf),
    responses((status = 200, body = [EvidenceView]), (status = 401, body = crate::web::error_page::ErrorBody),
        (status = 404, body = crate::web::error_page::ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    ApiUser(user): ApiUser,
    code: web::Path<String>,
    AsOf(as_of): AsOf,
) -> Result<Json<Vec<EvidenceView>>, AppError> {
    let code = code.into_inner();
    let views = state.db(move |conn| Ok(app::evidence::list(conn, &user, &code, as_of)?)).await?;
    Ok(Json(views.into_iter().map(EvidenceView::from).collect()))
}

/// One piece of evidence with its files and reviews.
#[utoipa::path(get, path = "/api/v1/evidence/{id}", tag = "evidence", params(("id" = i64, Path, description = "evidence id")),
    responses((status = 200, body = EvidenceView), (status = 401, body = crate::web::error_page::ErrorBody),
        (status = 404, body = crate::web::error_page::ErrorBody)))]
pub async fn show(
    state: web::Data<AppState>,
    ApiUser(user): ApiUser,
    id: web::Path<i64>,
) -> Result<Json<EvidenceView>, AppError> {
    let id = id.into_inner();
    let view = state.db(move |conn| Ok(app::evidence::show(conn, &user, id)?)).await?;
    Ok(Json(view.into()))
}

/// The `n`th file (from 1) of a piece of evidence, as an attachment under its uploaded name.
#[utoipa::path(get, path = "/api/v1/evidence/{id}/files/{n}", tag = "evidence",
    params(("id" = i64, Path, description = "evidence id"), ("n" = usize, Path, description = "the file's number, from 1")),
    responses((status = 200, description = "the file's content", content_type = "application/octet-stream"),
        (status = 401, body = crate::web::error_page::ErrorBody), (status = 404, body = crate::web::error_page::ErrorBody)))]
pub async fn download(
    state: web::Data<AppState>,
    ApiUser(user): ApiUser,
    path: web::Path<(i64, usize)>,
) -> Result<HttpResponse, AppError> {
    let (id, n) = path.into_inner();
    evidence_download::send(&state, &user, id, n).await
}

/// A review decision.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// `accept`, `reject` or `more` (ask the PI for more evidence).
    #[schema(value_type = super::views::evidence::Decision)]
    pub decision: String,
    /// The reason; required unless accepting (at most 2000 characters).
    #[serde(default)]
    #[schema(max_length = 2000, pattern = "^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]*$")]
    pub comment: String,
}

/// A recorded review.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Reviewed {
    /// The review.
    pub review_id: i64,
    /// The evidence's status now: `accepted`, `rejected` or `needs_more`.
    pub status: &'static str,
}

/// Reviews pending evidence (commission staff): accepting it makes the value count toward the
/// indicator's status; rejecting it or asking for more needs a comment. Evidence is reviewed once.
#[utoipa::path(post, path = "/api/v1/evidence/{id}/review", tag = "evidence", params(("id" = i64, Path, description = "evidence id")),
    request_body = ReviewRequest,
    responses((status = 200, body = Reviewed), (status = 400, body = crate::web::error_page::ErrorBody),
        (status = 401, body = crate::web::error_page::ErrorBody), (status = 403, body = crate::web::error_page::ErrorBody),
        (status = 404, body = crate::web::error_page::ErrorBody), (status = 409, body = crate::web::error_page::ErrorBody),
        (status = 422, body = crate::web::error_page::ErrorBody)))]
pub async fn review(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(user): ApiUser,
    id: web::Path<i64>,
    body: JsonBody<ReviewRequest>,
) -> Result<Json<Reviewed>, AppError> {
    let (id, now, ip) = (id.into_inner(), state.clock.now(), client_ip(&req));
    let (config, today) = (state.config.clone(), state.today());
    let reviewed = state
        .db(move |conn| {
            // Rights before the body: who may not review learns nothing from a malformed one.
            app::review::reviewable(conn, &user, id)?;
            let body = body.parse()?;
            // Parsed here rather than by serde so that a misspelt decision names its field.
            let decision =
                Decision::parse(body.decision.trim()).ok_or(AppError::field("decision", "review.error.decision"))?;
            let review = (id, decision, body.comment.as_str());
            let review_id = app::review::decide(conn, &user, review, (&config, today), (ip.as_deref(), now))?;
            Ok(Reviewed { review_id, status: decision.stored().as_str() })
        })
        .await?;
    state.deliver_mail_soon();
    Ok(Json(reviewed))
}

/// Pending evidence, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewQueue {
    /// How much evidence awaits review in all.
    pub total: i64,
    /// This page of it.
    pub items: Vec<QueueItem>,
}

/// The review queue (commission staff): pending evidence of every project, oldest first.
#[utoipa::path(get, path = "/api/v1/review-queue", tag = "evidence", params(Paging),
    responses((status = 200, body = ReviewQueue), (status = 400, body = crate::web::error_page::ErrorBody),
        (status = 401, body = crate::web::error_page::ErrorBody), (status = 403, body = crate::web::error_page::ErrorBody)))]
pub async fn queue(
    state: web::Data<AppState>,
    ApiUser(user): ApiUser,
    paging: web::Query<Paging>,
) -> Result<Json<ReviewQueue>, AppError> {
    let (offset, limit) = paging.bounds();
    let (items, total) = state.db(move |conn| Ok(app::review::queue(conn, &user, offset, limit)?)).await?;
    Ok(Json(ReviewQueue { total, items: items.into_iter().map(QueueItem::from).collect() }))
}

/// One entry of a project's history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEntryView {
    /// Position in the audit log.
    pub id: i64,
    /// When (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc")]
    pub at: NaiveDateTime,
    /// Who; none for the system (command line, scheduler).
    pub actor_user_id: Option<i64>,
    /// What happened, e.g. `evidence.submit`, `evidence.review`.
    pub action: String,
    /// The kind of thing changed, e.g. `evidence`.
    pub entity: String,
    /// Which one.
    pub entity_id: Option<i64>,
    /// The values written, as `before`/`after` for a change.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    /// The hash of the entry before it in the log (the chain spans every project).
    pub prev_hash: Option<String>,
    /// This entry's hash, as `coop-tracker audit verify` checks it.
    pub hash: Option<String>,
}

impl From<AuditRow> for AuditEntryView {
    fn from(row: AuditRow) -> Self {
        // Every row is written from serialised JSON; a row that is not shows as the text it holds.
        let detail = serde_json::from_str(&row.detail).unwrap_or(serde_json::Value::String(row.detail));
        Self {
            id: row.id,
            at: row.at,
            actor_user_id: row.actor_user_id,
            action: row.action,
            entity: row.entity,
            entity_id: row.entity_id,
            detail,
            prev_hash: row.prev_hash,
            hash: row.hash,
        }
    }
}

/// One page of a project's history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    /// Entries, newest first.
    pub entries: Vec<AuditEntryView>,
    /// Whether older entries follow.
    pub more: bool,
}

/// A project's history from the audit log, newest first: registration, changes of targets and
/// plans, evidence and reviews.
#[utoipa::path(get, path = "/api/v1/projects/{code}/audit", tag = "projects",
    params(("code" = String, Path, description = "项目编号"), Paging),
    responses((status = 200, body = AuditPage), (status = 400, body = crate::web::error_page::ErrorBody),
        (status = 401, body = crate::web::error_page::ErrorBody), (status = 404, body = crate::web::error_page::ErrorBody)))]
pub async fn history(
    state: web::Data<AppState>,
    ApiUser(user): ApiUser,
    code: web::Path<String>,
    paging: web::Query<Paging>,
) -> Result<Json<AuditPage>, AppError> {
    let (code, (offset, limit)) = (code.into_inner(), paging.bounds());
    let (rows, more) =
        state.db(move |conn| Ok(app::project_history::page(conn, &user, &code, (offset, limit))?)).await?;
    Ok(Json(AuditPage { entries: rows.into_iter().map(AuditEntryView::from).collect(), more }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_default_to_fifty_and_stop_at_five_hundred() {
        assert_eq!(Paging { offset: None, limit: None }.bounds(), (0, 50));
        assert_eq!(Paging { offset: Some(10), limit: Some(5000) }.bounds(), (10, 500));
        assert_eq!(Paging { offset: None, limit: Some(0) }.bounds(), (0, 1));
    }
}
