//! Importing a project roster over the API: a multipart upload, checked row by row, all rows
//! registered or none.

use crate::web::multipart_body::MultipartBody;
use actix_web::web::{self, Json};
use serde::{Deserialize, Serialize};

use crate::app::roster::{self, MAX_ROSTER_BYTES};
use crate::domain::role::Role;
use crate::web::error::AppError;
use crate::web::identity::{ApiUser, RoleCheck};
use crate::web::state::AppState;
use crate::web::upload;

/// Who imports rosters.
const STAFF: &[Role] = &[Role::Admin, Role::Staff];

/// `?dry_run=true`: check every row against the database and store nothing.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ImportQuery {
    /// Only check.
    #[serde(default)]
    pub dry_run: bool,
}

/// The outcome of an import.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportedRoster {
    /// How many projects were registered (0 for a dry run).
    pub imported: usize,
    /// The codes of the projects registered, or that a dry run found valid, in file order.
    pub codes: Vec<String>,
    /// Whether this was only a check.
    pub dry_run: bool,
}

/// The multipart body: the roster file and, optionally, `dry_run`.
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "describes the multipart body for the OpenAPI document only")]
pub struct RosterUpload {
    /// The roster: `.xlsx`, or CSV in UTF-8, one project per row under a header row.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `true` to check only (the query parameter works too).
    dry_run: Option<bool>,
}

/// Registers every project of a roster, or none: any bad row answers 422 with every problem by
/// row number (the header is row 1) and column. Importing the same roster twice reports each code
/// as already registered.
#[utoipa::path(post, path = "/api/v1/projects/import", tag = "projects", params(ImportQuery),
    request_body(content = RosterUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = ImportedRoster), (status = 401, body = crate::web::error_page::ErrorBody),
        (status = 403, body = crate::web::error_page::ErrorBody), (status = 413, body = crate::web::error_page::ErrorBody,
            description = "the body, or the workbook once unpacked, is over its limit"),
        (status = 422, body = crate::web::error_page::ErrorBody)))]
pub async fn import(
    state: web::Data<AppState>,
    caller: ApiUser,
    query: web::Query<ImportQuery>,
    MultipartBody(payload): MultipartBody,
) -> Result<Json<ImportedRoster>, AppError> {
    caller.require(STAFF)?;
    let upload = upload::read_unchecked(payload, MAX_ROSTER_BYTES + 64 * 1024).await?;
    let dry_run = query.dry_run || upload.fields.get("dry_run").is_some_and(|v| v.trim() == "true");
    let file = upload.files.into_iter().find(|f| f.field == "file").ok_or(AppError::field("file", "roster.no_file"))?;
    // Unpacking and parsing a workbook is work for the blocking pool, not an async worker.
    let parsed =
        web::block(move || roster::read(&file.bytes).map_err(|e| AppError::roster_file(&file.file_name, &e))).await??;
    let (now, ApiUser(user)) = (state.clock.now(), caller);
    let codes = state.db(move |conn| Ok(roster::import(conn, Some(&user), &parsed, dry_run, now)?)).await?;
    Ok(Json(ImportedRoster { imported: if dry_run { 0 } else { codes.len() }, codes, dry_run }))
}
