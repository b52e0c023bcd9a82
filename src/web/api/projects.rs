//! Approved projects over the API: register one, list those the caller may see, read a project
//! with its indicators evaluated by the status engine as of a date, and move it between states.

use super::json_body::JsonBody;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Json};
use serde::{Deserialize, Serialize};

use super::views::projects::{IndicatorReport, NewProject, Project, ProjectReport};
use crate::app::evaluation::{load, report};
use crate::app::projects::{self, StateMove};
use crate::app::registration;
use crate::domain::project_state::ProjectState;
use crate::domain::role::Role;
use crate::web::as_of::AsOf;
use crate::web::error::AppError;
use crate::web::identity::{ApiUser, RoleCheck};
use crate::web::state::AppState;

/// Who registers projects.
const STAFF: &[Role] = &[Role::Admin, Role::Staff];

/// Registers an approved project: its direction's indicator templates become its targets, each with
/// checkpoints at mid-term and end of term.
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", request_body = NewProject,
    responses((status = 201, body = ProjectReport), (status = 400, body = crate::web::error_page::ErrorBody),
        (status = 401, body = crate::web::error_page::ErrorBody), (status = 403, body = crate::web::error_page::ErrorBody),
        (status = 409, body = crate::web::error_page::ErrorBody), (status = 422, body = crate::web::error_page::ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: JsonBody<NewProject>,
) -> Result<HttpResponse, AppError> {
    caller.require(STAFF)?;
    let (now, today) = (state.clock.now(), state.today());
    let body = registration::NewProject::from(body.parse()?);
    let ApiUser(user) = caller;
    let loaded = state
        .db(move |conn| {
            let code = body.code.trim().to_owned();
            registration::register(conn, &user, body, (None, None), now)?;
            Ok(load(conn, &user, &code)?)
        })
        .await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(ProjectReport::from(report(
        loaded,
        today,
        &state.config.tracking,
    ))))
}

/// The projects the caller may see: all for commission staff, their own for a PI or member.
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects",
    responses((status = 200, body = [Project]), (status = 401, body = crate::web::error_page::ErrorBody)))]
pub async fn list(state: web::Data<AppState>, ApiUser(user): ApiUser) -> Result<Json<Vec<Project>>, AppError> {
    let projects = state.db(move |conn| Ok(projects::list(conn, &user)?)).await?;
    Ok(Json(projects.into_iter().map(Project::from).collect()))
}

/// One project with its indicators evaluated as of a date, its status, completion and readiness.
#[utoipa::path(get, path = "/api/v1/projects/{code}", tag = "projects", params(("code" = String, Path, description = "项目编号"), AsOf),
    responses((status = 200, body = ProjectReport), (status = 401, body = crate::web::error_page::ErrorBody),
        (status = 404, body = crate::web::error_page::ErrorBody)))]
pub async fn show(
    state: web::Data<AppState>,
    ApiUser(user): ApiUser,
    code: web::Path<String>,
    AsOf(date): AsOf,
) -> Result<Json<ProjectReport>, AppError> {
    let code = code.into_inner();
    let loaded = state.db(move |conn| Ok(load(conn, &user, &code)?)).await?;
    Ok(Json(report(loaded, date, &state.config.tracking).into()))
}

/// A project's indicators evaluated as of a date.
#[utoipa::path(get, path = "/api/v1/projects/{code}/indicators", tag = "projects", params(("code" = String, Path, description = "项目编号"), AsOf),
    responses((status = 200, body = [IndicatorReport]), (status = 401, body = crate::web::error_page::ErrorBody),
        (status = 404, body = crate::web::error_page::ErrorBody)))]
pub async fn indicators(
    state: web::Data<AppState>,
    ApiUser(user): ApiUser,
    code: web::Path<String>,
    AsOf(date): AsOf,
) -> Result<Json<Vec<IndicatorReport>>, AppError> {
    let code = code.into_inner();
    let loaded = state.db(move |conn| Ok(load(conn, &user, &code)?)).await?;
    Ok(Json(report(loaded, date, &state.config.tracking).indicators.into_iter().map(IndicatorReport::from).collect()))
}

/// A move to another state.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateChange {
    /// `active`, `mid_term`, `in_acceptance`, `accepted`, `accepted_rectified`, `failed` or
    /// `terminated` (`extended` is set by an extension only).
    #[schema(schema_with = super::schema::target_states)]
    pub state: String,
    /// Why; required for `failed` and `terminated`.
    #[schema(max_length = 2000, pattern = "^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]*$")]
    pub note: Option<String>,
    /// When closing (`accepted`, `accepted_rectified`, `failed`, `terminated`): withdraw the evidence
    /// still awaiting review, for this reason, in the same change. Without it such a close is
    /// refused (409) while any evidence awaits review, and the refusal names each piece.
    #[schema(max_length = 2000, pattern = "^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]*$")]
    pub withdraw_reason: Option<String>,
}

/// The outcome of a state change.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StateChanged {
    /// 项目编号.
    pub code: String,
    /// The state left.
    pub previous: String,
    /// The state now.
    pub state: String,
}

/// Moves a project to another state: a mid-term check starts and ends, acceptance starts and ends
/// in an outcome, or the project is terminated. Closed projects stay closed, and a project closes
/// only with no evidence awaiting review (or with `withdraw_reason`, which withdraws it; a reason
/// given with a move that does not close the project is refused, 422).
#[utoipa::path(post, path = "/api/v1/projects/{code}/state", tag = "projects", request_body = StateChange,
    params(("code" = String, Path, description = "项目编号")),
    responses((status = 200, body = StateChanged), (status = 401, body = crate::web::error_page::ErrorBody),
        (status = 403, body = crate::web::error_page::ErrorBody), (status = 404, body = crate::web::error_page::ErrorBody),
        (status = 409, body = crate::web::error_page::ErrorBody), (status = 422, body = crate::web::error_page::ErrorBody)))]
pub async fn change_state(
    state: web::Data<AppState>,
    caller: ApiUser,
    code: web::Path<String>,
    body: JsonBody<StateChange>,
) -> Result<Json<StateChanged>, AppError> {
    caller.require(STAFF)?;
    let body = body.parse()?;
    let to = ProjectState::parse(&body.state).ok_or(AppError::field("state", "project_state.unknown"))?;
    let (now, ApiUser(user), code) = (state.clock.now(), caller, code.into_inner());
    let (note, withdraw_reason) = (body.note, body.withdraw_reason);
    let lookup = code.clone();
    let previous = state
        .db(move |conn| {
            let asked = StateMove { to, note: note.as_deref(), withdraw_reason: withdraw_reason.as_deref() };
            Ok(projects::change_state(conn, &user, &lookup, asked, now)?)
        })
        .await?;
    Ok(Json(StateChanged { code, previous: previous.as_str().to_owned(), state: to.as_str().to_owned() }))
}
