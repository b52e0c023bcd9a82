//! The annual progress report (年度进展报告): one form with a row per indicator of a project, stored
//! as one submission with an evidence row per filled-in indicator; a wrong row stores nothing.

use std::collections::HashMap;

use crate::web::multipart_body::MultipartBody;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{Datelike, NaiveDate};

use crate::app::evidence::Reportable;
use crate::app::reports::Project;
use crate::app::submission::check_annual;
use crate::domain::guide::model::Op;
use crate::domain::proof::ProofKind;
use crate::domain::refusal::Refusal;
use crate::i18n::T;
use crate::web::error::AppError;
use crate::web::evidence::{quota, reportable_project, submit_annual};
use crate::web::evidence_upload;
use crate::web::identity::CurrentUser;
use crate::web::page::{FormErrors, PageCtx, encode_path_segment, render_with, see_other};
use crate::web::pages::evidence::{client_ip, refused};
use crate::web::route_table::Routes;
use crate::web::state::AppState;

/// Registers the annual report routes.
pub fn routes(r: &mut Routes<'_>) {
    r.get("/projects/{code}/annual-report", form).post("/projects/{code}/annual-report", submit);
}

/// One indicator's row.
struct Row {
    id: i64,
    metric: String,
    target: String,
    unit: String,
    deliverable: bool,
    proof: Vec<ProofKind>,
}

#[derive(Template)]
#[template(path = "pages/annual_report/form.html")]
struct FormPage {
    ctx: PageCtx,
    project: Project,
    rows: Vec<Row>,
    /// The text fields as typed.
    fields: HashMap<String, String>,
    /// Problems by indicator (0 for the report as a whole).
    errors: HashMap<i64, FormErrors>,
    /// A problem with the form as a whole, in the page's language.
    message: Option<String>,
    today: NaiveDate,
    max_mb: u64,
}

impl FormPage {
    fn text(&self, id: &i64, name: &str) -> &str {
        self.fields.get(&format!("{id}.{name}")).map_or("", String::as_str)
    }

    fn period_label(&self) -> &str {
        self.fields.get("period_label").map_or("", String::as_str)
    }

    fn error(&self, id: &i64, field: &str) -> Option<&'static str> {
        self.errors.get(id).and_then(|e| e.get(field))
    }

    /// A problem of the report as a whole (nothing filled in, say).
    fn report_error(&self, field: &str) -> Option<&'static str> {
        self.errors.get(&0).and_then(|e| e.get(field))
    }

    fn refused(&self) -> bool {
        !self.errors.is_empty() || self.message.is_some()
    }

    fn proof_label(&self, kind: &ProofKind) -> &'static str {
        self.ctx.t.get(kind.label_key())
    }

    fn limit(&self) -> String {
        self.ctx.t.fmt("evidence_page.limit", &[("limit", &self.max_mb)])
    }
}

fn row(tr: T, r: &Reportable) -> Row {
    let t = &r.indicator.target;
    Row {
        id: r.indicator.id,
        metric: r.indicator.metric.clone(),
        target: crate::i18n::format::target(tr, t),
        // The unit the value is reported in: a relative target's measured quantity's, never its %.
        unit: t.reported_unit().unwrap_or_default().to_owned(),
        deliverable: t.op == Op::Deliverable,
        proof: r.proof.clone(),
    }
}

#[expect(clippy::too_many_arguments, reason = "the page's parts, each from a different step")]
fn page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    status: StatusCode,
    reportables: &[Reportable],
    fields: HashMap<String, String>,
    errors: HashMap<i64, FormErrors>,
    message: Option<String>,
) -> Result<HttpResponse, AppError> {
    let project = reportables.first().map(|r| r.project.clone()).ok_or(AppError::Refused(Refusal::NotFound))?;
    let today = state.today();
    let ctx = PageCtx::new(req, Some(current));
    let tr = ctx.t;
    render_with(
        status,
        &FormPage {
            ctx,
            today: today.min(project.execution_end),
            project,
            rows: reportables.iter().map(|r| row(tr, r)).collect(),
            fields,
            errors,
            message,
            max_mb: state.config.uploads.max_file_bytes / (1024 * 1024),
        },
    )
}

/// `GET /projects/{code}/annual-report`: for the project's PI and members while it is open.
pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let reportables = reportable_project(&state, &current.user, code.into_inner()).await?;
    let label = format!("{}年度", state.today().year());
    let fields = HashMap::from([("period_label".to_owned(), label)]);
    page(&req, &state, &current, StatusCode::OK, &reportables, fields, HashMap::new(), None)
}

/// `POST /projects/{code}/annual-report`: stores the report and goes to the project's page; the form
/// again with each row's problems when any row is wrong.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    code: web::Path<String>,
    MultipartBody(payload): MultipartBody,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    // Rights first: a refused user's files are never read.
    let reportables = reportable_project(&state, &current.user, code.clone()).await?;
    let quota = quota(&state, &current.user).await?;
    let form = match evidence_upload::read(payload, Some(&req), &state.files(), state.config.uploads, quota).await {
        Ok(form) => form,
        Err(error) => {
            let (status, _, message) = refused(error, PageCtx::new(&req, Some(&current)).t)?;
            return page(&req, &state, &current, status, &reportables, HashMap::new(), HashMap::new(), message);
        }
    };
    let typed = form.fields.clone();
    let entries = match check_annual(&form, &reportables, state.today()) {
        Ok(entries) => entries,
        Err(rows) => {
            let errors = rows.into_iter().map(|(id, errors)| (id, FormErrors(errors))).collect();
            return page(&req, &state, &current, StatusCode::UNPROCESSABLE_ENTITY, &reportables, typed, errors, None);
        }
    };
    let project_id = reportables.first().map(|r| r.project.id).ok_or(AppError::Refused(Refusal::NotFound))?;
    let label = form.text("period_label").to_owned();
    match submit_annual(&state, &current.user, project_id, label, entries, form, client_ip(&req)).await {
        Ok(_) => Ok(see_other(&format!("/projects/{}?done=annual_submitted", encode_path_segment(&code)))),
        Err(error) => {
            let (status, errors, message) = refused(error, PageCtx::new(&req, Some(&current)).t)?;
            let errors = if errors.is_empty() { HashMap::new() } else { HashMap::from([(0, FormErrors(errors))]) };
            page(&req, &state, &current, status, &reportables, typed, errors, message)
        }
    }
}
