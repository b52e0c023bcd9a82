//! Importing a project roster from the browser: upload, check (every row against the database,
//! nothing stored), then confirm. The confirm form carries the checked file back (hex-encoded), so
//! nothing is kept on the server between the two steps, and the file is checked again in full when
//! confirmed: a roster confirmed twice is refused the second time with "already registered".

use crate::web::multipart_body::MultipartBody;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use askama::Template;

use super::project_form::STAFF;
use crate::app::roster::{self, Column, MAX_ROSTER_BYTES};
use crate::domain::refusal::Refusal;
use crate::domain::roster::RosterRow;
use crate::web::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::{PageCtx, render, render_with, see_other};
use crate::web::route_table::Routes;
use crate::web::state::AppState;
use crate::web::upload;

/// Registers the import routes.
pub fn routes(r: &mut Routes<'_>) {
    r.get("/projects/import", form).post("/projects/import", confirm).post("/projects/import/check", check);
}

/// One problem as the error table shows it.
pub struct ProblemRow {
    /// Row number.
    pub row: usize,
    /// Column name.
    pub column: String,
    /// Message.
    pub message: String,
}

#[derive(Template)]
#[template(path = "pages/projects/import.html")]
struct ImportPage {
    ctx: PageCtx,
    /// A problem with the file as a whole.
    file_error: Option<String>,
    problems: Vec<ProblemRow>,
    /// The rows a check found valid.
    preview: Vec<RosterRow>,
    /// The checked file, hex-encoded, for the confirm form.
    content: String,
}

impl ImportPage {
    fn empty(ctx: PageCtx) -> Self {
        ImportPage { ctx, file_error: None, problems: Vec::new(), preview: Vec::new(), content: String::new() }
    }

    fn headers(&self) -> Vec<&'static str> {
        Column::ALL.iter().map(|c| c.aliases()[0]).collect()
    }

    fn confirm_label(&self) -> String {
        self.ctx.t.fmt("roster.confirm", &[("count", &self.preview.len())])
    }
}

/// `GET /projects/import`.
pub async fn form(req: HttpRequest, current: CurrentUser) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    render(&ImportPage::empty(PageCtx::new(&req, Some(&current))))
}

/// Reads, parses and imports (or only checks) a roster; the page shows the outcome.
async fn run(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    (name, bytes): (Option<String>, Vec<u8>),
    dry_run: bool,
) -> Result<Result<(Vec<RosterRow>, Vec<u8>), (StatusCode, ImportPage)>, AppError> {
    let ctx = PageCtx::new(req, Some(current));
    // The confirmation carries the checked content without its name.
    let name = name.unwrap_or_else(|| ctx.t.get("roster.file").to_owned());
    // Unpacking and parsing a workbook is work for the blocking pool, not an async worker.
    let (read, bytes) = web::block(move || (roster::read(&bytes), bytes)).await?;
    let parsed = match read {
        Ok(parsed) => parsed,
        Err(error) => {
            let error = AppError::roster_file(&name, &error);
            let page = ImportPage { file_error: Some(error.message(ctx.t)), ..ImportPage::empty(ctx) };
            return Ok(Err((error.status_code(), page)));
        }
    };
    let rows = parsed.rows.clone();
    let (now, user) = (state.clock.now(), current.user.clone());
    match state.db(move |conn| Ok(roster::import(conn, Some(&user), &parsed, dry_run, now)?)).await {
        Ok(_) => Ok(Ok((rows, bytes))),
        Err(AppError::Refused(Refusal::Rows(problems))) => {
            let t = ctx.t;
            let problems = problems
                .iter()
                .map(|p| ProblemRow {
                    row: p.row,
                    column: crate::i18n::refusal::row_column(t, p),
                    message: crate::i18n::refusal::row_message(t, p),
                })
                .collect();
            Ok(Err((StatusCode::UNPROCESSABLE_ENTITY, ImportPage { problems, ..ImportPage::empty(ctx) })))
        }
        Err(other) => Err(other),
    }
}

/// `POST /projects/import/check` (multipart, `file`): every problem, or a preview to confirm.
pub async fn check(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    MultipartBody(payload): MultipartBody,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let upload = upload::read(&req, payload, MAX_ROSTER_BYTES + 64 * 1024).await?;
    let Some(file) = upload.files.into_iter().find(|f| f.field == "file") else {
        let ctx = PageCtx::new(&req, Some(&current));
        let file_error = Some(ctx.t.get("roster.no_file").to_owned());
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &ImportPage { file_error, ..ImportPage::empty(ctx) });
    };
    match run(&req, &state, &current, (Some(file.file_name), file.bytes), true).await? {
        Ok((preview, bytes)) => render(&ImportPage {
            preview,
            content: hex::encode(bytes),
            ..ImportPage::empty(PageCtx::new(&req, Some(&current)))
        }),
        Err((status, page)) => render_with(status, &page),
    }
}

/// `POST /projects/import` (multipart, `content`: the checked file): imports every row or none.
pub async fn confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    MultipartBody(payload): MultipartBody,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let upload = upload::read(&req, payload, 2 * MAX_ROSTER_BYTES + 64 * 1024).await?;
    let content = upload.fields.get("content").map_or("", String::as_str);
    let bytes = hex::decode(content.trim()).map_err(|_| AppError::BadRequest("error.bad_form"))?;
    match run(&req, &state, &current, (None, bytes), false).await? {
        Ok(_) => Ok(see_other("/projects?done=imported")),
        Err((status, page)) => render_with(status, &page),
    }
}
