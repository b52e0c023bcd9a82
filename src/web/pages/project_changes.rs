//! Forms that change a whole project from its page: freezing the baseline, assigning the officer in
//! charge (项目主管), and extending the execution period (延期). Commission staff and administrators
//! only.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::app::project_changes;
use crate::app::projects::{self, Project};
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
    let (code, now, user) = (code.into_inner(), state.clock.now(), current.user.clone());
    let (submitted, project_code) = (form.clone(), code.clone());
    let result = state
        .db(move |conn| Ok(project_changes::set_officer(conn, &user, &project_code, Some(&form.officer_email), now)?))
        .await;
    let (status, errors) = match result {
        Ok(()) => return Ok(see_other(&format!("/projects/{code}?done=saved"))),
        Err(error) => super::indicators::refused(error)?,
    };
    let user = current.user.clone();
    let project = state.db(move |conn| Ok(projects::find(conn, &user, &code)?)).await?;
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
    let (code, now, user) = (code.into_inner(), state.clock.now(), current.user.clone());
    let path = format!("/projects/{code}?done=saved");
    state.db(move |conn| Ok(project_changes::freeze_baseline(conn, &user, &code, now)?)).await?;
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
    let (code, now, today, user) = (code.into_inner(), state.clock.now(), state.today(), current.user.clone());
    let (submitted, project_code) = (form.clone(), code.clone());
    let result = match NaiveDate::parse_from_str(form.new_end.trim(), "%Y-%m-%d") {
        Ok(new_end) => {
            state
                .db(move |conn| {
                    let asked = (new_end, form.reason.as_str());
                    Ok(project_changes::extend(conn, &user, &project_code, asked, now, today)?)
                })
                .await
        }
        Err(_) => Err(AppError::field("new_end", "plan.date_invalid")),
    };
    let (status, errors) = match result {
        Ok(()) => return Ok(see_other(&format!("/projects/{code}?done=saved"))),
        Err(error) => super::indicators::refused(error)?,
    };
    let user = current.user.clone();
    let project = state.db(move |conn| Ok(projects::find(conn, &user, &code)?)).await?;
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
