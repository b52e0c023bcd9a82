//! The one error type of the web layer, and the error policy.
//!
//! Policy: users see a message in their language naming what they can do about it, never an
//! internal detail; operators see the full cause chain in the log. Expected outcomes (not found,
//! forbidden, invalid input, conflicts) come from below as a [`Refusal`]; what only a request can
//! fail with (no login, CSRF, a slow body, a file refused) are variants of their own; everything
//! unexpected is wrapped and becomes a 500 (or a 503 when the database is busy or unreachable). The response body is decided
//! per request by `web::error_page`: JSON under `/api`, an HTML page elsewhere, and a redirect to the
//! login page for an anonymous visitor to an HTML page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::domain::guide::GuideError;
use crate::domain::refusal::{Cause, Failure, Refusal};
use crate::i18n;

/// Everything a request can fail with: a refusal from below, or a failure of the request itself.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The operation was refused (not found, forbidden, invalid input, a conflict): see
    /// [`Refusal`].
    #[error("{0}")]
    Refused(Refusal),
    /// Not logged in (or an invalid, expired or revoked token).
    #[error("authentication required")]
    Unauthenticated,
    /// The user must replace a generated password before doing anything else.
    #[error("password change required")]
    PasswordChangeRequired,
    /// A state-changing form arrived without the matching CSRF token.
    #[error("CSRF token missing or wrong")]
    Csrf,
    /// Too many attempts of one kind (failed logins, reports generated): the key of the message,
    /// which names `{seconds}`, and the seconds to wait.
    #[error("rate limited for {1} s: {0}")]
    RateLimited(&'static str, u64),
    /// The request's body arrived too slowly (see `web::body_deadline`); the connection is closed.
    #[error("request body too slow")]
    BodyTooSlow,
    /// Another write holds the database (SQLite allows one writer, and a long import can hold it
    /// past the busy timeout): nothing was changed; try again after this many seconds.
    #[error("database busy; retry after {0} s")]
    Busy(u64),
    /// The request itself is malformed (bad JSON, wrong types); the key names the message.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// A body whose shape is wrong at one field (unknown, missing, or of the wrong type): the key
    /// names the problem, the string the field.
    #[error("bad field {1}: {0}")]
    BadField(&'static str, String),
    /// An upload over the size limit.
    #[error("payload too large")]
    TooLarge,
    /// One uploaded file over the per-file limit: its name and the limit in MiB.
    #[error("file '{0}' larger than {1} MiB")]
    FileTooLarge(String, u64),
    /// An uploaded file of a type not accepted: key and arguments naming it.
    #[error("unsupported file: {0} {1:?}")]
    FileType(&'static str, Vec<(&'static str, String)>),
    /// An uploaded archive (a workbook, an Office document) that holds or unpacks to more than may
    /// be opened: key and arguments naming the file.
    #[error("archive refused: {0} {1:?}")]
    Inflated(&'static str, Vec<(&'static str, String)>),
    /// A user's evidence uploads in the last 24 hours would pass the daily quota; `retry_after` is
    /// when the oldest of them leaves the window (none when this upload alone is over the quota).
    #[error("upload quota of {limit} bytes: {used} used")]
    UploadQuota {
        /// Bytes uploaded in the last 24 hours before this upload.
        used: u64,
        /// The quota in bytes.
        limit: u64,
        /// Seconds until some of the quota is free again.
        retry_after: Option<u64>,
    },
    /// The disk is full; nothing was kept.
    #[error("storage full")]
    StorageFull,
    /// The database could not be reached in time (the pool had no connection to give).
    #[error("database unavailable: {0}")]
    Unavailable(Cause),
    /// A page failed to render.
    #[error("template error: {0}")]
    Template(#[from] askama::Error),
    /// The blocking thread pool failed (a panic in a closure).
    #[error("blocking task failed: {0}")]
    Blocking(#[from] actix_web::error::BlockingError),
    /// Anything else unexpected.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A validation error on one field.
    pub fn field(field: &'static str, message: &'static str) -> Self {
        AppError::Refused(Refusal::field(field, message))
    }

    /// A stable, machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Refused(refusal) => refusal_code(refusal),
            AppError::Unauthenticated => "unauthenticated",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::Csrf => "csrf",
            AppError::RateLimited(..) => "rate_limited",
            AppError::BodyTooSlow => "timeout",
            AppError::Busy(_) | AppError::Unavailable(_) => "unavailable",
            AppError::BadRequest(_) | AppError::BadField(..) => "bad_request",
            AppError::TooLarge | AppError::FileTooLarge(..) | AppError::Inflated(..) => "too_large",
            AppError::UploadQuota { .. } => "quota",
            AppError::FileType(..) => "unsupported_file",
            AppError::StorageFull => "storage_full",
            AppError::Template(_) | AppError::Blocking(_) | AppError::Internal(_) => "internal",
        }
    }

    /// The message in a language, with its arguments filled in.
    pub fn message(&self, t: i18n::T) -> String {
        match self {
            AppError::Refused(refusal) => i18n::refusal::message(t, refusal),
            AppError::RateLimited(key, seconds) => t.fmt(key, &[("seconds", seconds)]),
            AppError::Busy(seconds) => t.fmt("error.busy", &[("seconds", seconds)]),
            AppError::FileTooLarge(name, limit) => {
                t.fmt("evidence.error.file_too_large", &[("name", name), ("limit", limit)])
            }
            AppError::UploadQuota { used, limit, .. } => {
                let mib = |bytes: &u64| format!("{:.1}", *bytes as f64 / (1024.0 * 1024.0));
                t.fmt("evidence.error.quota", &[("used", &mib(used)), ("limit", &(limit / (1024 * 1024)))])
            }
            AppError::FileType(key, args) | AppError::Inflated(key, args) => i18n::refusal::with_args(t, key, args),
            AppError::BadField(key, field) => t.fmt(key, &[("field", field)]),
            AppError::Unauthenticated => t.get("error.unauthenticated").to_owned(),
            AppError::PasswordChangeRequired => t.get("error.password_change_required").to_owned(),
            AppError::Csrf => t.get("error.csrf").to_owned(),
            AppError::BodyTooSlow => t.get("error.body_too_slow").to_owned(),
            AppError::BadRequest(key) => t.get(key).to_owned(),
            AppError::TooLarge => t.get("error.too_large").to_owned(),
            AppError::StorageFull => t.get("error.storage_full").to_owned(),
            AppError::Unavailable(_) => t.get("error.unavailable").to_owned(),
            AppError::Template(_) | AppError::Blocking(_) | AppError::Internal(_) => t.get("error.internal").to_owned(),
        }
    }

    /// Whether this is the server's fault (logged as an error) rather than the client's.
    pub fn is_internal(&self) -> bool {
        self.status_code().is_server_error()
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Refused(refusal) => match refusal {
                Refusal::NotFound => StatusCode::NOT_FOUND,
                Refusal::Forbidden | Refusal::ForbiddenBecause(_) => StatusCode::FORBIDDEN,
                Refusal::Conflict(_) | Refusal::ConflictWith(..) => StatusCode::CONFLICT,
                Refusal::Validation(_)
                | Refusal::ItemValidation(..)
                | Refusal::Rows(_)
                | Refusal::Unusable(..)
                | Refusal::Guide(_) => StatusCode::UNPROCESSABLE_ENTITY,
            },
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Csrf | AppError::PasswordChangeRequired => StatusCode::FORBIDDEN,
            AppError::RateLimited(..) => StatusCode::TOO_MANY_REQUESTS,
            AppError::BodyTooSlow => StatusCode::REQUEST_TIMEOUT,
            AppError::Busy(_) | AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::BadRequest(_) | AppError::BadField(..) => StatusCode::BAD_REQUEST,
            AppError::TooLarge | AppError::FileTooLarge(..) | AppError::Inflated(..) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UploadQuota { retry_after: Some(_), .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::UploadQuota { retry_after: None, .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::FileType(..) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::StorageFull => StatusCode::INSUFFICIENT_STORAGE,
            AppError::Template(_) | AppError::Blocking(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A bare response; `web::error_page` replaces the body with one fit for the request.
    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).finish()
    }
}

impl AppError {
    /// A roster file that cannot be read, naming it: 413 for a workbook that unpacks past the zip
    /// guard's limits, 422 for anything else.
    pub fn roster_file(name: &str, error: &crate::app::roster::SheetError) -> Self {
        let mut args = vec![("name", name.to_owned())];
        args.extend(error.args());
        match error {
            crate::app::roster::SheetError::Archive(_) => AppError::Inflated(error.message_key(), args),
            _ => AppError::Refused(Refusal::Unusable(error.message_key(), args)),
        }
    }
}

/// The machine-readable code of a refusal in API error bodies.
fn refusal_code(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::NotFound => "not_found",
        Refusal::Forbidden | Refusal::ForbiddenBecause(_) => "forbidden",
        Refusal::Validation(_) | Refusal::ItemValidation(..) | Refusal::Rows(_) => "validation",
        Refusal::Conflict(_) | Refusal::ConflictWith(..) => "conflict",
        Refusal::Unusable(..) | Refusal::Guide(_) => "unusable",
    }
}

/// How long a writer refused for a busy database is asked to wait: about one busy timeout, which a
/// write rarely holds the lock beyond.
const BUSY_RETRY_SECONDS: u64 = 5;

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        AppError::Refused(refusal)
    }
}

impl From<Failure> for AppError {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Refused(refusal) => AppError::Refused(refusal),
            Failure::Busy => AppError::Busy(BUSY_RETRY_SECONDS),
            Failure::Unavailable(cause) => AppError::Unavailable(cause),
            Failure::Internal(cause) => AppError::Internal(anyhow::Error::from_boxed(cause)),
        }
    }
}

impl From<GuideError> for AppError {
    fn from(error: GuideError) -> Self {
        AppError::Refused(Refusal::Guide(error))
    }
}

impl From<crate::report::make::ReportError> for AppError {
    fn from(error: crate::report::make::ReportError) -> Self {
        Failure::from(error).into()
    }
}
