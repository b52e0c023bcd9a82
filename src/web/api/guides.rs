//! Call guides over the API: list, show, and import from text (or only parse it, with `dry_run`).

use super::json_body::JsonBody;
use actix_web::web::{self, Json};
use actix_web::{HttpRequest, HttpResponse, http::StatusCode};
use serde::{Deserialize, Serialize};

use super::views::guides::{GuideSummary, StoredGuide, WarningView};
use crate::app::guides;
use crate::domain::guide as parser;
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::i18n::guide_warning;
use crate::web::error::AppError;
use crate::web::identity::{ApiUser, RoleCheck};
use crate::web::page::request_locale;
use crate::web::state::AppState;

/// Who works with guides.
const STAFF: &[Role] = &[Role::Admin, Role::Staff];

/// A guide to import.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGuide {
    /// The guide as published: Markdown, or plain text copied from the PDF.
    #[schema(min_length = 1)]
    pub text: String,
    /// Only parse and return the result; store nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// The outcome of an import.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportedGuide {
    /// Whether the document number was new (else the stored guide was updated in place).
    pub created: bool,
    /// The stored guide.
    pub guide: StoredGuide,
    /// What the validation found, in the language of `Accept-Language`: the same list a dry run
    /// and the preview page give for the same text.
    pub warnings: Vec<WarningView>,
}

/// Lists the stored guides, newest first.
#[utoipa::path(get, path = "/api/v1/guides", tag = "guides",
    responses((status = 200, body = [GuideSummary]), (status = 401, body = crate::web::error_page::ErrorBody),
        (status = 403, body = crate::web::error_page::ErrorBody)))]
pub async fn list(state: web::Data<AppState>, user: ApiUser) -> Result<Json<Vec<GuideSummary>>, AppError> {
    user.require(STAFF)?;
    let guides = state.db(|conn| Ok(guides::list(conn)?)).await?;
    Ok(Json(guides.into_iter().map(GuideSummary::from).collect()))
}

/// One guide with its topics, directions and indicator templates.
#[utoipa::path(get, path = "/api/v1/guides/{id}", tag = "guides", params(("id" = i64, Path, description = "guide id")),
    responses((status = 200, body = StoredGuide), (status = 401, body = crate::web::error_page::ErrorBody),
        (status = 403, body = crate::web::error_page::ErrorBody), (status = 404, body = crate::web::error_page::ErrorBody)))]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i64>,
) -> Result<Json<StoredGuide>, AppError> {
    user.require(STAFF)?;
    let id = id.into_inner();
    Ok(Json(state.db(move |conn| Ok(guides::find(conn, id)?)).await?.into()))
}

/// The largest dry run answered. A real guide parses to about one and a half times its text (the
/// 2024 guide's 15 KB to 22 KB); text made of nothing but short indicator phrases reached ten times
/// the body limit, megabytes per request.
const DRY_RUN_LIMIT_BYTES: usize = 1024 * 1024;

/// The dry run's JSON, or 422 saying how large it would have been.
fn dry_run_answer(parse: &serde_json::Value) -> Result<HttpResponse, AppError> {
    let body = serde_json::to_vec(parse).map_err(anyhow::Error::from)?;
    if body.len() > DRY_RUN_LIMIT_BYTES {
        let kib = |bytes: usize| bytes.div_ceil(1024).to_string();
        return Err(AppError::Refused(Refusal::Unusable(
            "guide.dry_run_too_large",
            vec![("size", kib(body.len())), ("limit", kib(DRY_RUN_LIMIT_BYTES))],
        )));
    }
    Ok(HttpResponse::Ok().content_type("application/json").body(body))
}

/// Parses a guide and stores it (201), or with `dry_run` returns the parse (200) in the shape of
/// `coop-tracker guide parse --json`, its `warnings` worded in the language of `Accept-Language`.
/// A guide that cannot be used is refused with 422 naming the line, by the dry run exactly as by
/// the import; a re-import that would change an indicator a project uses is refused with 409.
#[utoipa::path(post, path = "/api/v1/guides", tag = "guides", request_body = NewGuide,
    responses((status = 201, body = ImportedGuide), (status = 200, description = "the parse, for dry_run", body = Object),
        (status = 400, body = crate::web::error_page::ErrorBody), (status = 401, body = crate::web::error_page::ErrorBody),
        (status = 403, body = crate::web::error_page::ErrorBody), (status = 409, body = crate::web::error_page::ErrorBody),
        (status = 413, body = crate::web::error_page::ErrorBody), (status = 422, body = crate::web::error_page::ErrorBody)))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    body: JsonBody<NewGuide>,
) -> Result<HttpResponse, AppError> {
    user.require(STAFF)?;
    let NewGuide { text, dry_run } = body.parse()?;
    let parsed = parser::parse(&text);
    parsed.check_importable()?;
    let t = request_locale(&req, None).t();
    if dry_run {
        return dry_run_answer(&guide_warning::parse_json(t, &parsed));
    }
    let warnings = guide_warning::views(t, &parsed.warnings).into_iter().map(WarningView::from).collect();
    let (now, actor) = (state.clock.now(), user.0.id);
    let (created, stored) = state
        .db(move |conn| {
            let outcome = guides::import(conn, &parsed, &text, actor, now)?;
            let stored = guides::find(conn, outcome.id)?;
            Ok((outcome.created, stored))
        })
        .await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok(HttpResponse::build(status).json(ImportedGuide { created, guide: stored.into(), warnings }))
}
