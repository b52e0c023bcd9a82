//! Turns an [`AppError`] into the response the request deserves: a JSON body under `/api`, a
//! friendly page in the user's language elsewhere, and a trip to the login page for an anonymous
//! visitor. Causes of internal errors are logged, never shown.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use askama::Template;
use serde::Serialize;

use super::page::{PageCtx, request_locale};
use crate::domain::refusal::{FieldError, ItemError, Refusal};
use crate::i18n;
use crate::web::error::AppError;

/// The error page.
#[derive(Template)]
#[template(path = "pages/error.html")]
struct ErrorPage<'a> {
    ctx: PageCtx,
    status: u16,
    message: &'a str,
    fields: Vec<String>,
}

/// The JSON error body of the API.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
    /// Every problem of a refused roster import, by row.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowMessage>,
}

/// A problem with one row of a roster.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RowMessage {
    /// The row as the spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// The column, by its field name (`funding_wan_yuan`, `header`, …).
    pub field: &'static str,
    /// The column as the roster's header names it, in the response's language.
    pub column: String,
    /// What is wrong with it.
    pub message: String,
}

/// What went wrong, for programs and for people.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `not_found`, `validation`.
    pub code: &'static str,
    /// A sentence for people, in the language of `Accept-Language` (Chinese by default).
    pub message: String,
    /// Per-field problems of a validation error.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldMessage>,
}

/// A problem with one field.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldMessage {
    /// The field; one of a list's items by its path (`baselines[1].baseline_unit`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// Middleware: replaces the bare body of an error response with the rendered one.
pub async fn render_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, actix_web::Error> {
    let res = next.call(req).await?;
    let Some(app_error) = res.response().error().and_then(|e| e.as_error::<AppError>()) else {
        return Ok(res.map_into_left_body());
    };
    let rendered = respond(res.request(), app_error);
    let (req, _) = res.into_parts();
    Ok(ServiceResponse::new(req, rendered).map_into_right_body())
}

/// Builds the response for an error on a request.
pub fn respond(req: &HttpRequest, error: &AppError) -> HttpResponse {
    if error.is_internal() {
        tracing::error!(path = req.path(), error = format!("{error:#}"), "request failed");
    }
    let status = error.status_code();
    let api = req.path().starts_with("/api/");
    if !api {
        match error {
            AppError::Unauthenticated => {
                let next = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let location = format!("/login?next={}", encode_query(next));
                return HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish();
            }
            AppError::PasswordChangeRequired => {
                return HttpResponse::SeeOther().insert_header((header::LOCATION, "/account/password")).finish();
            }
            _ => {}
        }
    }
    let mut builder = HttpResponse::build(status);
    if let AppError::RateLimited(_, seconds)
    | AppError::Busy(seconds)
    | AppError::UploadQuota { retry_after: Some(seconds), .. } = error
    {
        builder.insert_header((header::RETRY_AFTER, seconds.to_string()));
    }
    let t = request_locale(req, None).t();
    let message = error.message(t);
    let (field_errors, item_errors): (&[FieldError], &[ItemError]) = match error {
        AppError::Refused(Refusal::Validation(fields)) => (fields, &[]),
        AppError::Refused(Refusal::ItemValidation(fields, items)) => (fields, items),
        _ => (&[], &[]),
    };
    if api {
        let fields = field_errors
            .iter()
            .map(|f| FieldMessage { field: f.field.to_owned(), message: t.get(f.message).to_owned() })
            .chain(item_errors.iter().map(|i| FieldMessage { field: i.path(), message: t.get(i.message).to_owned() }))
            .collect();
        if matches!(error, AppError::Unauthenticated) {
            builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        let rows = match error {
            AppError::Refused(Refusal::Rows(rows)) => rows
                .iter()
                .map(|r| RowMessage {
                    row: r.row,
                    field: r.field,
                    column: i18n::refusal::row_column(t, r),
                    message: i18n::refusal::row_message(t, r),
                })
                .collect(),
            _ => Vec::new(),
        };
        return builder.json(ErrorBody { error: ErrorDetail { code: error.code(), message, fields }, rows });
    }
    let mut fields: Vec<String> = field_errors
        .iter()
        .map(|f| f.message)
        .chain(item_errors.iter().map(|i| i.message))
        .map(|key| t.get(key).to_owned())
        .collect();
    if let AppError::Refused(Refusal::Rows(rows)) = error {
        fields.extend(rows.iter().map(|r| i18n::refusal::row_line(t, r)));
    }
    let page = ErrorPage { ctx: PageCtx::new(req, None), status: status.as_u16(), message: &message, fields };
    match page.render() {
        Ok(body) => builder.content_type(header::ContentType::html()).body(body),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            builder.content_type(header::ContentType::plaintext()).body(message)
        }
    }
}

/// Percent-encodes a path for use as a query value.
fn encode_query(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Handler for every path no route matches.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::Refused(Refusal::NotFound))
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_encoding_keeps_paths_readable_and_escapes_the_rest() {
        assert_eq!(super::encode_query("/admin/users?x=1&y"), "/admin/users%3Fx%3D1%26y");
    }
}
