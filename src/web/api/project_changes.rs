//! Changes to a whole project over the API: freezing its baseline, and extending its execution period
//! (延期). Commission staff and administrators only.

use super::json_body::JsonBody;
use actix_web::web::{self, Json};
use chrono::NaiveDate;
use serde::Deserialize;

use super::views::projects::ProjectReport;
use crate::app::evaluation::{load, report};
use crate::app::project_changes;
use crate::web::error::AppError;
use crate::web::identity::{ApiUser, RoleCheck};
use crate::web::state::AppState;

use super::indicators::STAFF;

/// An extension of the execution period.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    /// The new last day, after the current one.
    pub new_end: NaiveDate,
    /// Why (the approval it rests on).
    #[schema(min_length = 1)]
    pub reason: String,
}

/// The officer in charge to assign.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Officer {
    /// The officer's login e-mail (active commission staff or an administrator); `null` or empty
    /// to assign none, so that officer reminders go to every staff member.
    pub officer_email: Option<String>,
}

/// Assigns the officer in charge (项目主管), or none; audited. Officer-step reminders go to the
/// officer, and to every staff member only while none is assigned.
#[utoipa::path(put, path = "/api/v1/projects/{code}/officer", tag = "projects",
    params(("code" = String, Path, description = "项目编号")), request_body = Officer,
    responses((status = 200, body = ProjectReport), (status = 400, body = crate::web::error_page::ErrorBody),
        (status = 403, body = crate::web::error_page::ErrorBody), (status = 404, body = crate::web::error_page::ErrorBody),
        (status = 422, body = crate::web::error_page::ErrorBody)))]
pub async fn set_officer(
    state: web::Data<AppState>,
    caller: ApiUser,
    code: web::Path<String>,
    body: JsonBody<Officer>,
) -> Result<Json<ProjectReport>, AppError> {
    caller.require(STAFF)?;
    let (now, today, ApiUser(user)) = (state.clock.now(), state.today(), caller);
    let (code, body) = (code.into_inner(), body.parse()?);
    let loaded = state
        .db(move |conn| {
            project_changes::set_officer(conn, &user, &code, body.officer_email.as_deref(), now)?;
            Ok(load(conn, &user, &code)?)
        })
        .await?;
    Ok(Json(report(loaded, today, &state.config.tracking).into()))
}

/// Freezes the project's baseline: each indicator's current spec becomes what acceptance compares
/// against, and later changes need a reason. Refused (409) when already frozen.
#[utoipa::path(post, path = "/api/v1/projects/{code}/baseline", tag = "projects",
    params(("code" = String, Path, description = "项目编号")),
    responses((status = 200, body = ProjectReport), (status = 403, body = crate::web::error_page::ErrorBody),
        (status = 404, body = crate::web::error_page::ErrorBody), (status = 409, body = crate::web::error_page::ErrorBody)))]
pub async fn freeze_baseline(
    state: web::Data<AppState>,
    caller: ApiUser,
    code: web::Path<String>,
) -> Result<Json<ProjectReport>, AppError> {
    caller.require(STAFF)?;
    let (now, today, ApiUser(user)) = (state.clock.now(), state.today(), caller);
    let code = code.into_inner();
    let loaded = state
        .db(move |conn| {
            project_changes::freeze_baseline(conn, &user, &code, now)?;
            Ok(load(conn, &user, &code)?)
        })
        .await?;
    Ok(Json(report(loaded, today, &state.config.tracking).into()))
}

/// Extends an open project (active, mid-term, in acceptance or already extended) to a later end: the
/// original end stays on record, the state becomes `extended`, and every indicator's open checkpoints
/// are re-planned over the longer period.
#[utoipa::path(post, path = "/api/v1/projects/{code}/extension", tag = "projects",
    params(("code" = String, Path, description = "项目编号")), request_body = Extension,
    responses((status = 200, body = ProjectReport), (status = 400, body = crate::web::error_page::ErrorBody),
        (status = 403, body = crate::web::error_page::ErrorBody), (status = 404, body = crate::web::error_page::ErrorBody),
        (status = 409, body = crate::web::error_page::ErrorBody), (status = 422, body = crate::web::error_page::ErrorBody)))]
pub async fn extend(
    state: web::Data<AppState>,
    caller: ApiUser,
    code: web::Path<String>,
    body: JsonBody<Extension>,
) -> Result<Json<ProjectReport>, AppError> {
    caller.require(STAFF)?;
    let (now, today, ApiUser(user)) = (state.clock.now(), state.today(), caller);
    let (code, body) = (code.into_inner(), body.parse()?);
    let loaded = state
        .db(move |conn| {
            project_changes::extend(conn, &user, &code, (body.new_end, &body.reason), now, today)?;
            Ok(load(conn, &user, &code)?)
        })
        .await?;
    Ok(Json(report(loaded, today, &state.config.tracking).into()))
}
