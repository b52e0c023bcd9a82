//! Reports for the pages and the API alike: generating one (gathered on a pooled connection, drawn and
//! rendered on the blocking pool, within the user's budget of reports per minute), freezing it, and
//! sending a file. A generated report is sent and forgotten: only a submitted (frozen) one is kept,
//! in the file store, so that no number of requests fills the disk.

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::download::disposition;
use super::state::AppState;
use crate::app::account::User;
use crate::app::reports::{self, Snapshot};
use crate::domain::refusal::Refusal;
use crate::i18n::Locale;
use crate::report::facts::Kind;
use crate::report::make::{self, Made};
use crate::report::output::{self, DownloadName};
use crate::web::error::AppError;

/// A report file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The HTML file.
    Html,
    /// The PDF file.
    Pdf,
}

impl Format {
    /// `html` or `pdf`; anything else is `None`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "html" => Some(Format::Html),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Pdf => "pdf",
        }
    }
}

/// A generated report and what it belongs to.
pub struct Generated {
    /// The report.
    pub made: Made,
    /// Its project (none for the portfolio).
    pub project_id: Option<i64>,
    /// Its guide (portfolio reports of one guide).
    pub guide_id: Option<i64>,
}

/// Not found unless `user` may see the project: checked before a request's other parameters, so that
/// someone without access learns nothing from how those are refused.
pub async fn ensure_visible(state: &AppState, user: &User, code: &str) -> Result<(), AppError> {
    let (user, code) = (user.clone(), code.to_owned());
    state.db(move |conn| Ok(reports::find_project(conn, Some(&user), &code)?).map(|_| ())).await
}

/// Generates one project's report as `user` (404 for a project they may not see).
pub async fn project_report(
    state: &AppState,
    user: &User,
    code: String,
    kind: Kind,
    as_of: NaiveDate,
    locale: Locale,
) -> Result<Generated, AppError> {
    let (user, now, tracking, zone) = (user.clone(), state.clock.now(), state.config.tracking, state.config.timezone);
    take_from_budget(state, &user)?;
    let facts = state
        .db(move |conn| {
            let project = reports::find_project(conn, Some(&user), &code)?;
            let id = project.id;
            Ok((reports::project_facts(conn, project, kind, as_of, &tracking, zone, now)?, id))
        })
        .await?;
    let (facts, project_id) = facts;
    let warning_days = state.config.tracking.warning_days;
    let made = web::block(move || make::project_report(&facts, locale, warning_days)).await??;
    Ok(Generated { made, project_id: Some(project_id), guide_id: None })
}

/// Generates the portfolio report (of one guide, or of everything) as `user`.
pub async fn portfolio_report(
    state: &AppState,
    user: &User,
    guide_id: Option<i64>,
    as_of: NaiveDate,
    locale: Locale,
) -> Result<Generated, AppError> {
    let (now, tracking) = (state.clock.now(), state.config.tracking);
    take_from_budget(state, user)?;
    let facts = state
        .db(move |conn| Ok(reports::portfolio_facts(conn, guide_id, as_of, &tracking, now, &mut |_, _| {})?))
        .await?;
    let made = web::block(move || make::portfolio_report(&facts, locale)).await??;
    Ok(Generated { made, project_id: None, guide_id })
}

/// One report from the user's budget, or 429 saying when the next one may be asked for.
fn take_from_budget(state: &AppState, user: &User) -> Result<(), AppError> {
    state
        .report_budget
        .take(user.id, state.clock.now())
        .map_err(|seconds| AppError::RateLimited("report.rate_limited", seconds))
}

/// Freezes a generated report on behalf of `by`.
pub async fn submit(state: &AppState, generated: Generated, by: i64, ip: Option<String>) -> Result<Snapshot, AppError> {
    let (files, now) = (state.files(), state.clock.now());
    state
        .db(move |conn| {
            Ok(reports::submit(
                conn,
                &files,
                &generated.made,
                generated.project_id,
                generated.guide_id,
                Some(by),
                now,
                ip.as_deref(),
            )?)
        })
        .await
}

/// Sends a freshly generated report's file.
pub fn send_made(made: &Made, format: Format) -> HttpResponse {
    let name = output::download_name(&made.scope, made.kind, made.as_of, made.locale, format.extension());
    let body = match format {
        Format::Html => made.html.clone().into_bytes(),
        Format::Pdf => made.pdf.clone(),
    };
    send(body, &name, format)
}

/// Sends a submitted report's file, exactly as it was frozen: refused when the stored bytes no longer
/// match the recorded SHA-256. 404 for a report the user may not see.
pub async fn send_frozen(state: &AppState, user: &User, id: i64, format: Format) -> Result<HttpResponse, AppError> {
    let user = user.clone();
    let (snapshot, scope) = state.db(move |conn| Ok(reports::frozen(conn, &user, id)?)).await?;
    let sha256 = match format {
        Format::Html => snapshot.html_sha256.clone(),
        Format::Pdf => snapshot.pdf_sha256.clone(),
    };
    let path = state.files().path_of(&sha256);
    let bytes = web::block(move || std::fs::read(path)).await?.map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context(format!("submitted report file {sha256} is missing")))
    })?;
    if hex::encode(Sha256::digest(&bytes)) != sha256 {
        tracing::error!(report = id, %sha256, "a submitted report's file does not match its recorded hash");
        return Err(AppError::Refused(Refusal::Conflict("report.hash_mismatch")));
    }
    let kind = Kind::parse(&snapshot.kind).unwrap_or(Kind::Progress);
    let locale = Locale::from_tag(&snapshot.lang).unwrap_or_default();
    let name = output::download_name(&scope, kind, snapshot.as_of, locale, format.extension());
    Ok(send(bytes, &name, format))
}

/// A report file response: HTML shown in the browser (with its own inline styles and embedded images,
/// and no scripts), PDF as a download.
fn send(body: Vec<u8>, name: &DownloadName, format: Format) -> HttpResponse {
    let content_type = match format {
        Format::Html => "text/html; charset=utf-8",
        Format::Pdf => "application/pdf",
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header(disposition(format == Format::Html, &name.text, &name.ascii))
        // A report page carries its styles and fonts inline; it runs no script and loads nothing.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'none'",
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(body)
}
