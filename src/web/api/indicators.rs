//! Project indicators over the API: read one with its plans and history, add a project-specific one
//! from the task book, change a target (with a reason once the baseline is frozen), and re-plan its
//! checkpoints. Commission staff and administrators change; whoever may see the project reads.

use super::json_body::JsonBody;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Json};
use chrono::NaiveDate;
use serde::Deserialize;

use super::views::indicators::{IndicatorDetail, TargetChanges};
use crate::app::indicator_input;
use crate::app::indicators::{self, PlanChoice};
use crate::domain::plan::{Profile, Schedule};
use crate::domain::role::Role;
use crate::web::error::AppError;
use crate::web::identity::{ApiUser, RoleCheck};
use crate::web::state::AppState;

/// Who changes indicators.
pub(super) const STAFF: &[Role] = &[Role::Admin, Role::Staff];

/// How planned values are set.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProfileName {
    /// In proportion to the time elapsed (cumulative counts).
    Linear,
    /// The full target at every checkpoint (thresholds).
    FullTarget,
    /// The `checkpoints` given.
    Manual,
}

/// One checkpoint entered by hand.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualCheckpoint {
    /// Due date, inside the execution period and not before today.
    pub due_on: NaiveDate,
    /// The value planned for it.
    pub planned: f64,
}

/// A new plan for an indicator.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlan {
    /// `midterm_and_end` (default), `half_yearly` or `quarterly`.
    #[serde(default)]
    #[schema(schema_with = super::schema::schedules)]
    pub schedule: Schedule,
    /// `linear`, `full_target` or `manual`; the target's default when absent.
    pub profile: Option<ProfileName>,
    /// The checkpoints of a manual plan.
    #[serde(default)]
    pub checkpoints: Vec<ManualCheckpoint>,
    /// A deliverable's due date (end of term when absent).
    pub due_on: Option<NaiveDate>,
}

/// One indicator with its current and frozen target, its plan, plan history and revisions.
#[utoipa::path(get, path = "/api/v1/indicators/{id}", tag = "indicators", params(("id" = i64, Path, description = "indicator id")),
    responses((status = 200, body = IndicatorDetail), (status = 401, body = crate::web::error_page::ErrorBody),
        (status = 404, body = crate::web::error_page::ErrorBody)))]
pub async fn show(
    state: web::Data<AppState>,
    ApiUser(user): ApiUser,
    id: web::Path<i64>,
) -> Result<Json<IndicatorDetail>, AppError> {
    let id = id.into_inner();
    Ok(Json(state.db(move |conn| Ok(indicators::detail(conn, &user, id)?.1)).await?.into()))
}

/// Adds a project-specific indicator from the task book: a `phrase` read by the indicator parser
/// and/or explicit fields. It gets a plan like registration gives (checkpoints already due left out).
#[utoipa::path(post, path = "/api/v1/projects/{code}/indicators", tag = "indicators",
    params(("code" = String, Path, description = "项目编号")), request_body = TargetChanges,
    responses((status = 201, body = IndicatorDetail), (status = 400, body = crate::web::error_page::ErrorBody),
        (status = 403, body = crate::web::error_page::ErrorBody), (status = 404, body = crate::web::error_page::ErrorBody),
        (status = 409, body = crate::web::error_page::ErrorBody), (status = 422, body = crate::web::error_page::ErrorBody)))]
pub async fn add(
    state: web::Data<AppState>,
    caller: ApiUser,
    code: web::Path<String>,
    body: JsonBody<TargetChanges>,
) -> Result<HttpResponse, AppError> {
    caller.require(STAFF)?;
    let (now, today, ApiUser(user)) = (state.clock.now(), state.today(), caller);
    let (code, body) = (code.into_inner(), indicator_input::TargetChanges::from(body.parse()?));
    let detail = state
        .db(move |conn| {
            let id = indicators::add(conn, &user, &code, &body, now, today)?;
            Ok(indicators::detail(conn, &user, id)?.1)
        })
        .await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(IndicatorDetail::from(detail)))
}

/// Changes an indicator's target, wording, aggregation, weight or class (fields left out stay, `null`
/// clears). Once the baseline is frozen a `reason` is required and the change is kept as a revision; a change of the target re-plans the
/// checkpoints not yet due.
#[utoipa::path(patch, path = "/api/v1/indicators/{id}", tag = "indicators", params(("id" = i64, Path, description = "indicator id")),
    request_body = TargetChanges,
    responses((status = 200, body = IndicatorDetail), (status = 400, body = crate::web::error_page::ErrorBody),
        (status = 403, body = crate::web::error_page::ErrorBody), (status = 404, body = crate::web::error_page::ErrorBody),
        (status = 409, body = crate::web::error_page::ErrorBody), (status = 422, body = crate::web::error_page::ErrorBody)))]
pub async fn update(
    state: web::Data<AppState>,
    caller: ApiUser,
    id: web::Path<i64>,
    body: JsonBody<TargetChanges>,
) -> Result<Json<IndicatorDetail>, AppError> {
    caller.require(STAFF)?;
    let (now, today, ApiUser(user)) = (state.clock.now(), state.today(), caller);
    let (id, body) = (id.into_inner(), indicator_input::TargetChanges::from(body.parse()?));
    let detail = state
        .db(move |conn| {
            indicators::update(conn, &user, id, &body, now, today)?;
            Ok(indicators::detail(conn, &user, id)?.1)
        })
        .await?;
    Ok(Json(detail.into()))
}

/// Re-plans an indicator: a schedule (mid-term and end, half-yearly, quarterly) with a linear or
/// full-target profile, or checkpoints entered by hand; a deliverable's due date. Checkpoints already
/// due are kept; the old plan stays in the history.
#[utoipa::path(put, path = "/api/v1/indicators/{id}/plan", tag = "indicators", params(("id" = i64, Path, description = "indicator id")),
    request_body = NewPlan,
    responses((status = 200, body = IndicatorDetail), (status = 400, body = crate::web::error_page::ErrorBody),
        (status = 403, body = crate::web::error_page::ErrorBody), (status = 404, body = crate::web::error_page::ErrorBody),
        (status = 409, body = crate::web::error_page::ErrorBody), (status = 422, body = crate::web::error_page::ErrorBody)))]
pub async fn plan(
    state: web::Data<AppState>,
    caller: ApiUser,
    id: web::Path<i64>,
    body: JsonBody<NewPlan>,
) -> Result<Json<IndicatorDetail>, AppError> {
    caller.require(STAFF)?;
    let (now, today, ApiUser(user)) = (state.clock.now(), state.today(), caller);
    let (id, body) = (id.into_inner(), body.parse()?);
    let profile = body.profile.map(|name| match name {
        ProfileName::Linear => Profile::Linear,
        ProfileName::FullTarget => Profile::FullTarget,
        ProfileName::Manual => Profile::Manual(body.checkpoints.iter().map(|c| (c.due_on, c.planned)).collect()),
    });
    let plan = PlanChoice { schedule: body.schedule, profile, due_on: body.due_on };
    let detail = state
        .db(move |conn| {
            indicators::replan(conn, &user, id, plan, now, today)?;
            Ok(indicators::detail(conn, &user, id)?.1)
        })
        .await?;
    Ok(Json(detail.into()))
}

/// The kinds of proof an indicator asks for.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProofList {
    /// Kinds such as `test_report`, `contract`, `photos`, `sign_in_sheet`, `patent`, `publication`,
    /// `certificate`, `application_proof`, `financial`, `delivery`; empty for the defaults.
    pub kinds: Vec<String>,
}

/// Sets the kinds of proof (佐证材料) the submission form asks for; an empty list restores the defaults
/// for the indicator's unit and class.
#[utoipa::path(put, path = "/api/v1/indicators/{id}/proof", tag = "indicators", params(("id" = i64, Path, description = "indicator id")),
    request_body = ProofList,
    responses((status = 200, body = IndicatorDetail), (status = 400, body = crate::web::error_page::ErrorBody),
        (status = 403, body = crate::web::error_page::ErrorBody), (status = 404, body = crate::web::error_page::ErrorBody),
        (status = 409, body = crate::web::error_page::ErrorBody), (status = 422, body = crate::web::error_page::ErrorBody)))]
pub async fn set_proof(
    state: web::Data<AppState>,
    caller: ApiUser,
    id: web::Path<i64>,
    body: JsonBody<ProofList>,
) -> Result<Json<IndicatorDetail>, AppError> {
    caller.require(STAFF)?;
    let body = body.parse()?;
    let kinds = crate::domain::proof::parse_list(&body.kinds.join(","))
        .map_err(|_| AppError::field("kinds", "proof.unknown"))?;
    let (now, ApiUser(user), id) = (state.clock.now(), caller, id.into_inner());
    Ok(Json(
        state
            .db(move |conn| {
                indicators::set_proof(conn, &user, id, &kinds, now)?;
                Ok(indicators::detail(conn, &user, id)?.1)
            })
            .await?
            .into(),
    ))
}
