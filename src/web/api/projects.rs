//! Approved projects over the API: register one, list those the caller may see, and read a project
//! with its indicators evaluated by the status engine as of a date.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Json};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::project::{self, Project, Registration};
use crate::db::{DbConnection, institution, user};
use crate::domain::guide::model::Period;
use crate::domain::role::Role;
use crate::error::{AppError, FieldError};
use crate::web::identity::{ApiUser, RoleCheck};
use crate::web::project_report::{IndicatorReport, ProjectReport, load, report};
use crate::web::state::AppState;

/// Who registers projects.
const STAFF: &[Role] = &[Role::Admin, Role::Staff];

/// A partner institution.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerInput {
    /// The institution's registered name.
    pub institution: String,
    /// Its region (created if new).
    pub region: Option<String>,
}

/// A project to register.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    /// 项目编号.
    pub code: String,
    /// Title.
    pub title: String,
    /// The direction it was approved under (from `GET /api/v1/guides/{id}`).
    pub direction_id: i64,
    /// 承担单位, by its registered name.
    pub lead_institution: String,
    /// 合作单位.
    #[serde(default)]
    pub partners: Vec<PartnerInput>,
    /// The PI's login e-mail (an account with the PI role).
    pub pi_email: String,
    /// Members' login e-mails.
    #[serde(default)]
    pub member_emails: Vec<String>,
    /// Awarded funding in 万元; not above the direction's cap.
    pub funding_wan_yuan: f64,
    /// The execution period; the direction's when absent.
    #[schema(value_type = Option<Object>)]
    pub execution: Option<Period>,
    /// Registered technology-contract number.
    pub contract_number: Option<String>,
    /// Recommendation-letter reference.
    pub recommendation_ref: Option<String>,
}

/// `?as_of=YYYY-MM-DD`; today (in the configured time zone) when absent.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AsOf {
    /// The date to evaluate at.
    pub as_of: Option<NaiveDate>,
}

fn as_of(state: &AppState, query: &AsOf) -> NaiveDate {
    query.as_of.unwrap_or_else(|| state.today())
}

/// Resolves names and e-mails to ids; every unknown one is reported.
fn resolve(conn: &mut DbConnection, body: &NewProject, now: chrono::NaiveDateTime) -> Result<Registration, AppError> {
    let mut errors = Vec::new();
    let institution_id = |conn: &mut DbConnection, name: &str| institution::find_id_by_name(conn, name.trim());
    let lead = institution_id(conn, &body.lead_institution)?;
    if lead.is_none() {
        errors.push(FieldError { field: "lead_institution", message: "project.institution_unknown" });
    }
    let mut partners = Vec::new();
    for partner in &body.partners {
        match institution_id(conn, &partner.institution)? {
            Some(id) => {
                let region = match partner.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
                    Some(name) => Some(institution::ensure_region(conn, name, now)?),
                    None => None,
                };
                partners.push((id, region));
            }
            None => errors.push(FieldError { field: "partners", message: "project.institution_unknown" }),
        }
    }
    let pi = user::find_by_email(conn, &body.pi_email)?;
    if pi.is_none() {
        errors.push(FieldError { field: "pi_email", message: "project.pi_unknown" });
    }
    let mut member_ids = Vec::new();
    for email in &body.member_emails {
        match user::find_by_email(conn, email)? {
            Some(member) => member_ids.push(member.id),
            None => errors.push(FieldError { field: "member_emails", message: "project.member_unknown" }),
        }
    }
    if !body.funding_wan_yuan.is_finite() || body.funding_wan_yuan < 0.0 || body.funding_wan_yuan > 1e9 {
        errors.push(FieldError { field: "funding_wan_yuan", message: "project.funding_invalid" });
    }
    let (Some(lead), Some(pi), true) = (lead, pi, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    Ok(Registration {
        code: body.code.clone(),
        title: body.title.clone(),
        direction_id: body.direction_id,
        lead_institution_id: lead,
        partners,
        pi_user_id: pi.id,
        member_ids,
        funding_yuan: (body.funding_wan_yuan * 10_000.0).round() as i64,
        execution: body.execution,
        contract_number: body.contract_number.clone(),
        recommendation_ref: body.recommendation_ref.clone(),
    })
}

/// Registers an approved project: its direction's indicator templates become its targets, each with
/// checkpoints at mid-term and end of term.
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", request_body = NewProject,
    responses((status = 201, body = ProjectReport), (status = 400, body = crate::web::error_page::ErrorBody),
        (status = 401, body = crate::web::error_page::ErrorBody), (status = 403, body = crate::web::error_page::ErrorBody),
        (status = 409, body = crate::web::error_page::ErrorBody), (status = 422, body = crate::web::error_page::ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: Json<NewProject>,
) -> Result<HttpResponse, AppError> {
    caller.require(STAFF)?;
    let (now, today) = (state.clock.now(), state.today());
    let body = body.into_inner();
    let ApiUser(user) = caller;
    let (project, tracked) = state
        .db(move |conn| {
            let registration = resolve(conn, &body, now)?;
            project::register(conn, &registration, Some(user.id), now)?;
            load(conn, &user, registration.code.trim())
        })
        .await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(report(project, tracked, today, &state.config.tracking)))
}

/// The projects the caller may see: all for commission staff, their own for a PI or member.
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects",
    responses((status = 200, body = [Project]), (status = 401, body = crate::web::error_page::ErrorBody)))]
pub async fn list(state: web::Data<AppState>, ApiUser(user): ApiUser) -> Result<Json<Vec<Project>>, AppError> {
    Ok(Json(state.db(move |conn| Ok(project::list_visible(conn, &user)?)).await?))
}

/// One project with its indicators evaluated as of a date, its status, completion and readiness.
#[utoipa::path(get, path = "/api/v1/projects/{code}", tag = "projects", params(("code" = String, Path, description = "项目编号"), AsOf),
    responses((status = 200, body = ProjectReport), (status = 401, body = crate::web::error_page::ErrorBody),
        (status = 404, body = crate::web::error_page::ErrorBody)))]
pub async fn show(
    state: web::Data<AppState>,
    ApiUser(user): ApiUser,
    code: web::Path<String>,
    query: web::Query<AsOf>,
) -> Result<Json<ProjectReport>, AppError> {
    let date = as_of(&state, &query);
    let code = code.into_inner();
    let (project, tracked) = state.db(move |conn| load(conn, &user, &code)).await?;
    Ok(Json(report(project, tracked, date, &state.config.tracking)))
}

/// A project's indicators evaluated as of a date.
#[utoipa::path(get, path = "/api/v1/projects/{code}/indicators", tag = "projects", params(("code" = String, Path, description = "项目编号"), AsOf),
    responses((status = 200, body = [IndicatorReport]), (status = 401, body = crate::web::error_page::ErrorBody),
        (status = 404, body = crate::web::error_page::ErrorBody)))]
pub async fn indicators(
    state: web::Data<AppState>,
    ApiUser(user): ApiUser,
    code: web::Path<String>,
    query: web::Query<AsOf>,
) -> Result<Json<Vec<IndicatorReport>>, AppError> {
    let date = as_of(&state, &query);
    let code = code.into_inner();
    let (project, tracked) = state.db(move |conn| load(conn, &user, &code)).await?;
    Ok(Json(report(project, tracked, date, &state.config.tracking).indicators))
}
