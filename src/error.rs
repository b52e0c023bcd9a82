//! The one error type of the web layer, and the error policy.
//!
//! Policy: users see a message in their language naming what they can do about it, never an
//! internal detail; operators see the full cause chain in the log. Expected outcomes (not found,
//! forbidden, invalid input, conflicts) are variants of their own; everything unexpected is wrapped
//! and becomes a 500 (or a 503 when the database pool is exhausted). The response body is decided
//! per request by `web::error_page`: JSON under `/api`, an HTML page elsewhere, and a redirect to the
//! login page for an anonymous visitor to an HTML page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

/// A message shown beside one form field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The field's name in the form or JSON body.
    pub field: &'static str,
    /// Catalogue key of the message.
    pub message: &'static str,
}

/// A message shown beside one field of one item of a list in the input: the baseline of the
/// second indicator listed, say. Named as a JSON path names it, `baselines[1].baseline_unit`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ItemError {
    /// The list's field in the form or JSON body.
    pub list: &'static str,
    /// The item's index in that list, from 0.
    pub index: usize,
    /// The item's field.
    pub field: &'static str,
    /// Catalogue key of the message.
    pub message: &'static str,
}

impl ItemError {
    /// The field's path in the body: `baselines[1].baseline_unit`.
    pub fn path(&self) -> String {
        format!("{}[{}].{}", self.list, self.index, self.field)
    }
}

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such page or record (or one the user may not know exists).
    #[error("not found")]
    NotFound,
    /// Not logged in (or an invalid, expired or revoked token).
    #[error("authentication required")]
    Unauthenticated,
    /// Logged in, but the role or project does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// Refused whoever asks this way, with a message saying how to do it instead (the key).
    #[error("forbidden: {0}")]
    ForbiddenBecause(&'static str),
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
    /// The input is well-formed but breaks a rule.
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    /// Like [`AppError::Validation`], with problems at fields of a list's items as well: the body's
    /// own fields, then the items'.
    #[error("validation failed: {0:?} {1:?}")]
    ItemValidation(Vec<FieldError>, Vec<ItemError>),
    /// The change conflicts with the current state (duplicate, last administrator, …).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// A conflict whose message names things (`{project}` uses `{metric}`): key and arguments.
    #[error("conflict: {0} {1:?}")]
    ConflictWith(&'static str, Vec<(&'static str, String)>),
    /// Input that cannot be used, with a message naming where (`line {line}: …`): key and arguments.
    #[error("unusable input: {0} {1:?}")]
    Unusable(&'static str, Vec<(&'static str, String)>),
    /// A roster with bad rows: every problem, by row and column. Nothing was imported.
    #[error("roster has {} problems", .0.len())]
    Rows(Vec<crate::roster::RowError>),
    /// A call guide that cannot be read or stored; names the line.
    #[error("unusable guide: {0}")]
    Guide(#[from] crate::domain::guide::GuideError),
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
    /// The database pool had no connection to give in time.
    #[error("database pool exhausted: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// A query failed.
    #[error("database error: {0}")]
    Db(diesel::result::Error),
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
        AppError::Validation(vec![FieldError { field, message }])
    }

    /// A stable, machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden | AppError::ForbiddenBecause(_) => "forbidden",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::Csrf => "csrf",
            AppError::RateLimited(..) => "rate_limited",
            AppError::BodyTooSlow => "timeout",
            AppError::Busy(_) => "unavailable",
            AppError::BadRequest(_) | AppError::BadField(..) => "bad_request",
            AppError::Validation(_) | AppError::ItemValidation(..) | AppError::Rows(_) => "validation",
            AppError::Conflict(_) | AppError::ConflictWith(..) => "conflict",
            AppError::Unusable(..) | AppError::Guide(_) => "unusable",
            AppError::TooLarge | AppError::FileTooLarge(..) | AppError::Inflated(..) => "too_large",
            AppError::UploadQuota { .. } => "quota",
            AppError::FileType(..) => "unsupported_file",
            AppError::StorageFull => "storage_full",
            AppError::Pool(_) => "unavailable",
            AppError::Db(_) | AppError::Template(_) | AppError::Blocking(_) | AppError::Internal(_) => "internal",
        }
    }

    /// Catalogue key of the message shown to the user.
    pub fn message_key(&self) -> &'static str {
        match self {
            AppError::NotFound => "error.not_found",
            AppError::Unauthenticated => "error.unauthenticated",
            AppError::Forbidden => "error.forbidden",
            AppError::PasswordChangeRequired => "error.password_change_required",
            AppError::Csrf => "error.csrf",
            AppError::RateLimited(key, _) => key,
            AppError::BodyTooSlow => "error.body_too_slow",
            AppError::Busy(_) => "error.busy",
            AppError::BadRequest(key) | AppError::Conflict(key) | AppError::BadField(key, _) => key,
            AppError::ForbiddenBecause(key) => key,
            AppError::ConflictWith(key, _) | AppError::Unusable(key, _) => key,
            AppError::TooLarge => "error.too_large",
            AppError::FileTooLarge(..) => "evidence.error.file_too_large",
            AppError::FileType(key, _) | AppError::Inflated(key, _) => key,
            AppError::UploadQuota { .. } => "evidence.error.quota",
            AppError::StorageFull => "error.storage_full",
            AppError::Guide(error) => error.problem.message_key(),
            AppError::Validation(_) | AppError::ItemValidation(..) => "error.validation",
            AppError::Rows(_) => "roster.invalid",
            AppError::Pool(_) => "error.unavailable",
            AppError::Db(_) | AppError::Template(_) | AppError::Blocking(_) | AppError::Internal(_) => "error.internal",
        }
    }

    /// The message in a language, with its arguments filled in.
    pub fn message(&self, t: crate::i18n::T) -> String {
        match self {
            AppError::RateLimited(key, seconds) => t.fmt(key, &[("seconds", seconds)]),
            AppError::Busy(seconds) => t.fmt("error.busy", &[("seconds", seconds)]),
            AppError::Rows(rows) => {
                let count = rows.iter().map(|r| r.row).collect::<std::collections::BTreeSet<_>>().len();
                t.fmt("roster.invalid", &[("rows", &count)])
            }
            AppError::FileTooLarge(name, limit) => {
                t.fmt("evidence.error.file_too_large", &[("name", name), ("limit", limit)])
            }
            AppError::UploadQuota { used, limit, .. } => {
                let mib = |bytes: &u64| format!("{:.1}", *bytes as f64 / (1024.0 * 1024.0));
                t.fmt("evidence.error.quota", &[("used", &mib(used)), ("limit", &(limit / (1024 * 1024)))])
            }
            AppError::ConflictWith(key, args)
            | AppError::Unusable(key, args)
            | AppError::FileType(key, args)
            | AppError::Inflated(key, args) => {
                let args: Vec<(&str, &dyn std::fmt::Display)> =
                    args.iter().map(|(k, v)| (*k, v as &dyn std::fmt::Display)).collect();
                t.fmt(key, &args)
            }
            AppError::BadField(key, field) => t.fmt(key, &[("field", field)]),
            AppError::Guide(error) => crate::i18n::guide_warning::describe(t, error.line, &error.problem),
            _ => t.get(self.message_key()).to_owned(),
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
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::ForbiddenBecause(_) | AppError::Csrf | AppError::PasswordChangeRequired => {
                StatusCode::FORBIDDEN
            }
            AppError::RateLimited(..) => StatusCode::TOO_MANY_REQUESTS,
            AppError::BodyTooSlow => StatusCode::REQUEST_TIMEOUT,
            AppError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::BadRequest(_) | AppError::BadField(..) => StatusCode::BAD_REQUEST,
            AppError::Validation(_) | AppError::ItemValidation(..) | AppError::Rows(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            AppError::Conflict(_) | AppError::ConflictWith(..) => StatusCode::CONFLICT,
            AppError::Unusable(..) | AppError::Guide(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooLarge | AppError::FileTooLarge(..) | AppError::Inflated(..) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UploadQuota { retry_after: Some(_), .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::UploadQuota { retry_after: None, .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::FileType(..) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::StorageFull => StatusCode::INSUFFICIENT_STORAGE,
            AppError::Pool(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(_) | AppError::Template(_) | AppError::Blocking(_) | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
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
    pub fn roster_file(name: &str, error: &crate::roster::sheet::SheetError) -> Self {
        let mut args = vec![("name", name.to_owned())];
        args.extend(error.args());
        match error {
            crate::roster::sheet::SheetError::Archive(_) => AppError::Inflated(error.message_key(), args),
            _ => AppError::Unusable(error.message_key(), args),
        }
    }
}

/// How long a writer refused for a busy database is asked to wait: about one busy timeout, which a
/// write rarely holds the lock beyond.
const BUSY_RETRY_SECONDS: u64 = 5;

impl From<diesel::result::Error> for AppError {
    /// A query's failure; SQLite's "database is locked" (another writer held the lock past the busy
    /// timeout) is [`AppError::Busy`], which the client can retry, not an internal error.
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &error {
            Error::DatabaseError(DatabaseErrorKind::Unknown, info)
                if matches!(info.message(), "database is locked" | "database is busy") =>
            {
                AppError::Busy(BUSY_RETRY_SECONDS)
            }
            _ => AppError::Db(error),
        }
    }
}

impl From<crate::db::guide::StoreError> for AppError {
    fn from(error: crate::db::guide::StoreError) -> Self {
        use crate::db::guide::StoreError;
        match error {
            StoreError::InUse { project, metric, direction } => AppError::ConflictWith(
                "guide.in_use",
                vec![("project", project), ("metric", metric), ("direction", direction)],
            ),
            StoreError::DirectionInUse { project, direction } => {
                AppError::ConflictWith("guide.direction_in_use", vec![("project", project), ("direction", direction)])
            }
            StoreError::Db(e) => AppError::from(e),
            StoreError::Invalid(error) => AppError::Guide(error),
        }
    }
}
