//! Managing institutions (承担单位, 合作单位) and their research-office contacts: administrators and
//! commission staff, who register projects under them.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::institutions::{self, Institution, InstitutionInput};
use crate::domain::refusal::{FieldError, Refusal};
use crate::domain::role::Role;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::{FormErrors, PageCtx, render, render_with, see_other};
use crate::web::route_table::Routes;
use crate::web::state::AppState;

/// Who may manage institutions.
const MANAGERS: &[Role] = &[Role::Admin, Role::Staff];

/// Registers the institution routes.
pub fn routes(r: &mut Routes<'_>) {
    r.get("/institutions", list)
        .post("/institutions", create)
        .get("/institutions/new", new_form)
        .get("/institutions/{id}", edit_form)
        .post("/institutions/{id}", update);
}

#[derive(Template)]
#[template(path = "pages/institutions/list.html")]
struct InstitutionsPage {
    ctx: PageCtx,
    institutions: Vec<(Institution, Option<String>)>,
}

#[derive(Template)]
#[template(path = "pages/institutions/form.html")]
struct InstitutionFormPage {
    ctx: PageCtx,
    id: Option<i64>,
    form: InstitutionForm,
    /// Known region names, offered as suggestions.
    regions: Vec<String>,
    errors: FormErrors,
}

/// Renders the form with the known regions.
async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    status: StatusCode,
    id: Option<i64>,
    form: InstitutionForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let regions = state.db(|conn| Ok(institutions::region_names(conn)?)).await?;
    render_with(status, &InstitutionFormPage { ctx: PageCtx::new(req, Some(current)), id, form, regions, errors })
}

/// The institution form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstitutionForm {
    #[serde(default)]
    name: String,
    /// The region's name; created if new.
    #[serde(default)]
    region: String,
    /// A checkbox: present when ticked.
    in_shanghai: Option<String>,
    #[serde(default)]
    research_office_name: String,
    #[serde(default)]
    research_office_email: String,
}

impl InstitutionForm {
    fn input(&self) -> InstitutionInput {
        InstitutionInput {
            name: self.name.clone(),
            region: self.region.clone(),
            in_shanghai: self.in_shanghai.is_some(),
            research_office_name: self.research_office_name.clone(),
            research_office_email: self.research_office_email.clone(),
        }
    }
}

async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: Option<i64>,
    form: InstitutionForm,
) -> Result<HttpResponse, AppError> {
    current.require(MANAGERS)?;
    let (now, actor) = (state.clock.now(), current.user.id);
    let input = form.input();
    let result = state.db(move |conn| Ok(institutions::save(conn, id, &input, actor, now)?)).await;
    let (status, errors) = match result {
        Ok(_) => return Ok(see_other("/institutions?done=saved")),
        Err(AppError::Refused(Refusal::Validation(errors))) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(AppError::Refused(Refusal::Conflict(key))) => {
            (StatusCode::CONFLICT, vec![FieldError { field: "name", message: key }])
        }
        Err(other) => return Err(other),
    };
    form_page(&req, &state, &current, status, id, form, FormErrors(errors)).await
}

/// `GET /institutions`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    current.require(MANAGERS)?;
    let institutions = state.db(|conn| Ok(institutions::list(conn)?)).await?;
    render(&InstitutionsPage { ctx: PageCtx::new(&req, Some(&current)), institutions })
}

/// `GET /institutions/new`.
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    current.require(MANAGERS)?;
    form_page(&req, &state, &current, StatusCode::OK, None, InstitutionForm::default(), FormErrors::default()).await
}

/// `POST /institutions`.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<InstitutionForm>,
) -> Result<HttpResponse, AppError> {
    submit(req, state, current, None, form).await
}

/// `GET /institutions/{id}`.
pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    current.require(MANAGERS)?;
    let id = id.into_inner();
    let (found, region) = state.db(move |conn| Ok(institutions::find(conn, id)?)).await?;
    let form = InstitutionForm {
        name: found.name,
        region: region.unwrap_or_default(),
        in_shanghai: found.in_shanghai.then(|| "on".into()),
        research_office_name: found.research_office_name.unwrap_or_default(),
        research_office_email: found.research_office_email.unwrap_or_default(),
    };
    form_page(&req, &state, &current, StatusCode::OK, Some(id), form, FormErrors::default()).await
}

/// `POST /institutions/{id}`.
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<InstitutionForm>,
) -> Result<HttpResponse, AppError> {
    submit(req, state, current, Some(id.into_inner()), form).await
}
