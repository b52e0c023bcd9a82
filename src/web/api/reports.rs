//! A project's reports over the API: list the submitted ones, generate one (and freeze it when staff
//! ask to submit it; otherwise nothing is kept), download a submitted one's files.

use super::json_body::JsonBody;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Json};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::views::reports::Snapshot;
use crate::app::reports;
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::i18n::Locale;
use crate::report::facts::Kind;
use crate::web::error::AppError;
use crate::web::identity::{ApiUser, RoleCheck};
use crate::web::report_files::{self, Format};
use crate::web::state::AppState;

/// Who may submit (freeze) a report.
const STAFF: &[Role] = &[Role::Admin, Role::Staff];

/// A submitted report with where to download its files.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubmittedReport {
    /// The stored report.
    #[serde(flatten)]
    pub report: Snapshot,
    /// `GET` this for the HTML file.
    pub html_url: String,
    /// `GET` this for the PDF file.
    pub pdf_url: String,
}

impl From<reports::Snapshot> for SubmittedReport {
    fn from(report: reports::Snapshot) -> Self {
        SubmittedReport {
            html_url: format!("/api/v1/reports/{}/html", report.id),
            pdf_url: format!("/api/v1/reports/{}/pdf", report.id),
            report: report.into(),
        }
    }
}

/// What to generate.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// `progress`, `annual`, `mid_term` or `acceptance`.
    #[schema(schema_with = super::schema::report_kinds)]
    pub kind: String,
    /// Evaluate as of this day; today when absent.
    pub as_of: Option<NaiveDate>,
    /// `zh-CN` (default) or `en`.
    #[schema(schema_with = super::schema::report_languages)]
    pub lang: Option<String>,
    /// Freeze it as submitted (commission staff only).
    #[serde(default)]
    pub submit: bool,
}

/// A generated report.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GeneratedReport {
    /// The kind.
    pub kind: String,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// The language.
    pub lang: String,
    /// The title as printed.
    pub title: String,
    /// SHA-256 of the HTML file.
    pub html_sha256: String,
    /// SHA-256 of the PDF file.
    pub pdf_sha256: String,
    /// Size of the PDF in bytes.
    pub pdf_bytes: usize,
    /// The submitted report, when `submit` was asked for.
    pub submitted: Option<SubmittedReport>,
}

/// The reports submitted for a project, newest first.
#[utoipa::path(get, path = "/api/v1/projects/{code}/reports", tag = "reports", params(("code" = String, Path, description = "项目编号")),
    responses((status = 200, body = [SubmittedReport]), (status = 401, body = crate::web::error_page::ErrorBody),
        (status = 404, body = crate::web::error_page::ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    ApiUser(user): ApiUser,
    code: web::Path<String>,
) -> Result<Json<Vec<SubmittedReport>>, AppError> {
    let code = code.into_inner();
    let (_, reports) = state.db(move |conn| Ok(reports::submitted_for_project(conn, &user, &code)?)).await?;
    Ok(Json(reports.into_iter().map(SubmittedReport::from).collect()))
}

/// Generates a report of the project: with `submit`, freezes it (staff only; 201, the files then
/// downloadable from the URLs given); without, says what it would be (200) and keeps nothing. Each
/// user may generate `reports.per_minute` reports a minute (429 with `Retry-After` beyond).
#[utoipa::path(post, path = "/api/v1/projects/{code}/reports", tag = "reports", params(("code" = String, Path, description = "项目编号")),
    request_body = ReportRequest,
    responses((status = 200, body = GeneratedReport), (status = 201, body = GeneratedReport),
        (status = 400, body = crate::web::error_page::ErrorBody),
        (status = 401, body = crate::web::error_page::ErrorBody), (status = 403, body = crate::web::error_page::ErrorBody),
        (status = 404, body = crate::web::error_page::ErrorBody), (status = 422, body = crate::web::error_page::ErrorBody),
        (status = 429, body = crate::web::error_page::ErrorBody)))]
pub async fn create(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    caller: ApiUser,
    code: web::Path<String>,
    body: JsonBody<ReportRequest>,
) -> Result<HttpResponse, AppError> {
    report_files::ensure_visible(&state, &caller.0, &code).await?;
    let body = body.parse()?;
    if body.submit {
        caller.require(STAFF)?;
    }
    let kind = Kind::parse(&body.kind)
        .filter(|k| *k != Kind::Portfolio)
        .ok_or_else(|| AppError::field("kind", "report.unknown_kind"))?;
    let locale = match body.lang.as_deref() {
        None => Locale::ZhCn,
        Some(tag) => Locale::from_tag(tag).ok_or_else(|| AppError::field("lang", "error.validation"))?,
    };
    let as_of = body.as_of.unwrap_or_else(|| state.today());
    let ApiUser(user) = caller;
    let generated = report_files::project_report(&state, &user, code.into_inner(), kind, as_of, locale).await?;
    let made = &generated.made;
    let mut response = GeneratedReport {
        kind: made.kind.as_str().to_owned(),
        as_of: made.as_of,
        lang: made.locale.tag().to_owned(),
        title: made.title.clone(),
        html_sha256: hex::encode(Sha256::digest(made.html.as_bytes())),
        pdf_sha256: hex::encode(Sha256::digest(&made.pdf)),
        pdf_bytes: made.pdf.len(),
        submitted: None,
    };
    if !body.submit {
        return Ok(HttpResponse::Ok().json(response));
    }
    let ip = req.peer_addr().map(|a| a.ip().to_string());
    response.submitted = Some(report_files::submit(&state, generated, user.id, ip).await?.into());
    Ok(HttpResponse::build(StatusCode::CREATED).json(response))
}

/// A submitted report's file (`html` or `pdf`), exactly as it was frozen.
#[utoipa::path(get, path = "/api/v1/reports/{id}/{format}", tag = "reports",
    params(("id" = i64, Path, description = "report id"), ("format" = String, Path, description = "html or pdf")),
    responses((status = 200, description = "the file"), (status = 401, body = crate::web::error_page::ErrorBody),
        (status = 404, body = crate::web::error_page::ErrorBody), (status = 409, body = crate::web::error_page::ErrorBody)))]
pub async fn download(
    state: web::Data<AppState>,
    ApiUser(user): ApiUser,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, format) = path.into_inner();
    let format = Format::parse(&format).ok_or(AppError::Refused(Refusal::NotFound))?;
    report_files::send_frozen(&state, &user, id, format).await
}
