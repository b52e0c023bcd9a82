//! Report pages: a project's reports (generate any kind as of a date, in either language; staff
//! submit and freeze one; every submitted report listed for download), the portfolio report for
//! staff, and downloads of submitted reports exactly as they were frozen.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::app::guides;
use crate::app::reports::{self, Project, Snapshot};
use crate::domain::refusal::Refusal;
use crate::i18n::Locale;
use crate::report::facts::Kind;
use crate::web::as_of::AsOf;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::{PageCtx, encode_path_segment, render, see_other};
use crate::web::pages::evidence::client_ip;
use crate::web::pages::project_form::STAFF;
use crate::web::report_files::{self, Format};
use crate::web::route_table::Routes;
use crate::web::state::AppState;

/// Registers the report routes.
pub fn routes(r: &mut Routes<'_>) {
    r.get("/projects/{code}/reports", project_page)
        .post("/projects/{code}/reports", project_submit)
        .get("/projects/{code}/reports/generate", project_generate)
        .get("/reports", portfolio_page)
        .post("/reports", portfolio_submit)
        .get("/reports/generate", portfolio_generate)
        .get("/reports/{id}/{format}", download);
}

/// What to generate: kind, language (the page's when empty), format (and `as_of`, read by [`AsOf`]).
#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    kind: Option<String>,
    lang: Option<String>,
    format: Option<String>,
    guide: Option<String>,
}

/// The submit form: the same fields, with the CSRF token.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    guide: String,
}

/// A submitted report as listed.
struct Listed {
    snapshot: Snapshot,
    kind_key: &'static str,
}

fn listed(snapshots: Vec<Snapshot>) -> Vec<Listed> {
    snapshots
        .into_iter()
        .map(|snapshot| Listed {
            kind_key: Kind::parse(&snapshot.kind).map_or("report.list", Kind::title_key),
            snapshot,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "pages/reports/project.html")]
struct ProjectPage {
    ctx: PageCtx,
    project: Project,
    kinds: Vec<(&'static str, &'static str)>,
    today: NaiveDate,
    staff: bool,
    submitted: Vec<Listed>,
}

#[derive(Template)]
#[template(path = "pages/reports/portfolio.html")]
struct PortfolioPage {
    ctx: PageCtx,
    guides: Vec<(String, String)>,
    today: NaiveDate,
    submitted: Vec<Listed>,
}

impl ProjectPage {
    fn short(&self, sha: &str) -> String {
        sha.chars().take(12).collect()
    }
}

impl PortfolioPage {
    fn short(&self, sha: &str) -> String {
        sha.chars().take(12).collect()
    }
}

fn parse_locale(text: Option<&str>, fallback: Locale) -> Locale {
    text.and_then(Locale::from_tag).unwrap_or(fallback)
}

fn parse_project_kind(text: Option<&str>) -> Result<Kind, AppError> {
    text.and_then(Kind::parse)
        .filter(|k| *k != Kind::Portfolio)
        .ok_or_else(|| AppError::field("kind", "report.unknown_kind"))
}

/// `GET /projects/{code}/reports`.
pub async fn project_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (user, code) = (current.user.clone(), code.into_inner());
    let (project, submitted) = state.db(move |conn| Ok(reports::submitted_for_project(conn, &user, &code)?)).await?;
    render(&ProjectPage {
        ctx: PageCtx::new(&req, Some(&current)),
        project,
        kinds: Kind::PROJECT.iter().map(|k| (k.as_str(), k.title_key())).collect(),
        today: state.today(),
        staff: current.user.role.sees_portfolio(),
        submitted: listed(submitted),
    })
}

/// `GET /projects/{code}/reports/generate?kind=&as_of=&lang=&format=`: the report, made now.
pub async fn project_generate(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    code: web::Path<String>,
    query: web::Query<ReportQuery>,
    AsOf(as_of): AsOf,
) -> Result<HttpResponse, AppError> {
    report_files::ensure_visible(&state, &current.user, &code).await?;
    let page_locale = crate::web::page::request_locale(&req, Some(&current));
    let kind = parse_project_kind(query.kind.as_deref())?;
    let locale = parse_locale(query.lang.as_deref(), page_locale);
    let format =
        Format::parse(query.format.as_deref().unwrap_or("html")).ok_or(AppError::Refused(Refusal::NotFound))?;
    let generated = report_files::project_report(&state, &current.user, code.into_inner(), kind, as_of, locale).await?;
    Ok(report_files::send_made(&generated.made, format))
}

/// `POST /projects/{code}/reports`: staff generate and freeze a report.
pub async fn project_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    code: web::Path<String>,
    CsrfForm(form): CsrfForm<SubmitForm>,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let page_locale = crate::web::page::request_locale(&req, Some(&current));
    let kind = parse_project_kind(Some(&form.kind))?;
    let as_of = AsOf::typed(&form.as_of, state.today())?;
    let locale = parse_locale(Some(&form.lang), page_locale);
    let code = code.into_inner();
    let generated = report_files::project_report(&state, &current.user, code.clone(), kind, as_of, locale).await?;
    report_files::submit(&state, generated, current.user.id, client_ip(&req)).await?;
    Ok(see_other(&format!("/projects/{}/reports?done=report_submitted", encode_path_segment(&code))))
}

/// The guide of a portfolio report by its id as chosen on the form (empty: every project).
async fn chosen_guide(state: &AppState, text: Option<&str>) -> Result<Option<i64>, AppError> {
    let Some(number) = text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned) else { return Ok(None) };
    let id = state.db(move |conn| Ok(guides::find_by_doc_number(conn, &number)?)).await?;
    id.map(Some).ok_or_else(|| AppError::field("guide", "report.unknown_guide"))
}

/// `GET /reports`: the portfolio report form and the submitted portfolio reports (staff).
pub async fn portfolio_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let (guides, submitted) = state
        .db(|conn| {
            let guides = guides::list(conn)?.into_iter().map(|g| (g.doc_number, g.title)).collect();
            Ok((guides, reports::submitted_portfolio(conn)?))
        })
        .await?;
    render(&PortfolioPage {
        ctx: PageCtx::new(&req, Some(&current)),
        guides,
        today: state.today(),
        submitted: listed(submitted),
    })
}

/// `GET /reports/generate?guide=&as_of=&lang=&format=` (staff).
pub async fn portfolio_generate(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    query: web::Query<ReportQuery>,
    AsOf(as_of): AsOf,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let page_locale = crate::web::page::request_locale(&req, Some(&current));
    let locale = parse_locale(query.lang.as_deref(), page_locale);
    let format =
        Format::parse(query.format.as_deref().unwrap_or("html")).ok_or(AppError::Refused(Refusal::NotFound))?;
    let guide_id = chosen_guide(&state, query.guide.as_deref()).await?;
    let generated = report_files::portfolio_report(&state, &current.user, guide_id, as_of, locale).await?;
    Ok(report_files::send_made(&generated.made, format))
}

/// `POST /reports`: staff generate and freeze a portfolio report.
pub async fn portfolio_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<SubmitForm>,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let page_locale = crate::web::page::request_locale(&req, Some(&current));
    let as_of = AsOf::typed(&form.as_of, state.today())?;
    let locale = parse_locale(Some(&form.lang), page_locale);
    let guide_id = chosen_guide(&state, Some(&form.guide)).await?;
    let generated = report_files::portfolio_report(&state, &current.user, guide_id, as_of, locale).await?;
    report_files::submit(&state, generated, current.user.id, client_ip(&req)).await?;
    Ok(see_other("/reports?done=report_submitted"))
}

/// `GET /reports/{id}/{html|pdf}`: a submitted report as it was frozen.
pub async fn download(
    state: web::Data<AppState>,
    current: CurrentUser,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, format) = path.into_inner();
    let format = Format::parse(&format).ok_or(AppError::Refused(Refusal::NotFound))?;
    report_files::send_frozen(&state, &current.user, id, format).await
}
