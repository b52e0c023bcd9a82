//! Forms that change a whole project from its page: freezing the baseline, assigning the officer in
//! charge (项目主管), and extending the execution period (延期). Commission staff and administrators
//! only.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::project::{self, Project};
use crate::db::{extension, indicator};
use crate::domain::refusal::Refusal;
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::{FormErrors, PageCtx, render_with, see_other};
use crate::web::pages::indicators::STAFF;
use crate::web::route_table::Routes;
use crate::web::state::AppState;

/// Registers the routes.
pub fn routes(r: &mut Routes<'_>) {
    r.post("/projects/{code}/baseline", freeze_baseline)
        .post("/projects/{code}/officer", set_officer)
        .post("/projects/{code}/extension", extend);
}

/// The officer form: a staff member's login e-mail, or empty for none.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerForm {
    #[serde(default)]
    officer_email: String,
}

#[derive(Template)]
#[template(path = "pages/projects/officer.html")]
struct OfficerPage {
    ctx: PageCtx,
    project: Project,
    form: OfficerForm,
    errors: FormErrors,
}

/// `POST /projects/{code}/officer`: back to the project page, or the form with its error.
pub async fn set_officer(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    code: web::Path<String>,
    CsrfForm(form): CsrfForm<OfficerForm>,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let (code, now, actor) = (code.into_inner(), state.clock.now(), current.user.id);
    let (submitted, project_code) = (form.clone(), code.clone());
    let result = state
        .db(move |conn| {
            let project = project::find_by_code(conn, &project_code)?.ok_or(AppError::Refused(Refusal::NotFound))?;
            Ok(project::set_officer(conn, project.id, Some(&form.officer_email), Some(actor), now)?).map(|_| ())
        })
        .await;
    let (status, errors) = match result {
        Ok(()) => return Ok(see_other(&format!("/projects/{code}?done=saved"))),
        Err(error) => super::indicators::refused(error)?,
    };
    let project =
        state.db(move |conn| project::find_by_code(conn, &code)?.ok_or(AppError::Refused(Refusal::NotFound))).await?;
    render_with(
        status,
        &OfficerPage { ctx: PageCtx::new(&req, Some(&current)), project, form: submitted, errors: FormErrors(errors) },
    )
}

/// `POST /projects/{code}/baseline`: back to the project page; freezing twice shows the conflict.
pub async fn freeze_baseline(
    state: web::Data<AppState>,
    current: CurrentUser,
    code: web::Path<String>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let (code, now, actor) = (code.into_inner(), state.clock.now(), current.user.id);
    let path = format!("/projects/{code}?done=saved");
    state
        .db(move |conn| {
            let project = project::find_by_code(conn, &code)?.ok_or(AppError::Refused(Refusal::NotFound))?;
            Ok(indicator::freeze_baseline(conn, project.id, Some(actor), now)?)
        })
        .await?;
    Ok(see_other(&path))
}

/// The extension form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionForm {
    #[serde(default)]
    new_end: String,
    #[serde(default)]
    reason: String,
}

#[derive(Template)]
#[template(path = "pages/projects/extension.html")]
struct ExtensionPage {
    ctx: PageCtx,
    project: Project,
    form: ExtensionForm,
    errors: FormErrors,
}

/// `POST /projects/{code}/extension`: back to the project page, or the form with its errors.
pub async fn extend(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    code: web::Path<String>,
    CsrfForm(form): CsrfForm<ExtensionForm>,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let (code, now, today, actor) = (code.into_inner(), state.clock.now(), state.today(), current.user.id);
    let (submitted, project_code) = (form.clone(), code.clone());
    let result = state
        .db(move |conn| {
            let project = project::find_by_code(conn, &project_code)?.ok_or(AppError::Refused(Refusal::NotFound))?;
            let Ok(new_end) = NaiveDate::parse_from_str(form.new_end.trim(), "%Y-%m-%d") else {
                return Err(AppError::field("new_end", "plan.date_invalid"));
            };
            Ok(extension::extend(conn, project.id, new_end, &form.reason, Some(actor), now, today)?)
        })
        .await;
    let (status, errors) = match result {
        Ok(()) => return Ok(see_other(&format!("/projects/{code}?done=saved"))),
        Err(error) => super::indicators::refused(error)?,
    };
    let project =
        state.db(move |conn| project::find_by_code(conn, &code)?.ok_or(AppError::Refused(Refusal::NotFound))).await?;
    render_with(
        status,
        &ExtensionPage {
            ctx: PageCtx::new(&req, Some(&current)),
            project,
            form: submitted,
            errors: FormErrors(errors),
        },
    )
}
