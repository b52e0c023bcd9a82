//! The registration form for approved projects (`/projects/new`), for commission staff. It builds
//! the same [`NewProject`] as the API and goes through the same resolve and register, so both
//! refuse the same things with the same messages.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::direction::{self, DirectionChoice};
use crate::db::registration::{self, NewProject, PartnerInput};
use crate::db::{DbConnection, institution};
use crate::domain::guide::model::{Period, direction_name};
use crate::domain::role::Role;
use crate::error::{AppError, FieldError};
use crate::roster::{half_width, parse_partners, split_emails};
use crate::web::csrf::CsrfForm;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::{FormErrors, PageCtx, encode_path_segment, render_with, see_other};
use crate::web::state::AppState;

/// Who registers projects.
pub const STAFF: &[Role] = &[Role::Admin, Role::Staff];

/// The submitted form, kept as typed so it can be shown again.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    direction_id: String,
    #[serde(default)]
    lead_institution: String,
    /// One partner per line (or `；`-separated), each `单位名` or `单位名（地区）`.
    #[serde(default)]
    partners: String,
    #[serde(default)]
    pi_email: String,
    #[serde(default)]
    member_emails: String,
    #[serde(default)]
    officer_email: String,
    #[serde(default)]
    funding_wan_yuan: String,
    #[serde(default)]
    execution_start: String,
    #[serde(default)]
    execution_end: String,
    #[serde(default)]
    contract_number: String,
    #[serde(default)]
    recommendation_ref: String,
}

/// The form's values as typed, with the execution dates still to be completed from the direction.
struct Typed {
    project: NewProject,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

impl RegistrationForm {
    /// Turns the text fields into a registration; what cannot even be read (a funding that is not
    /// a number, a malformed date) is refused here, field by field.
    fn typed(&self) -> Result<Typed, AppError> {
        let mut errors = Vec::new();
        let direction_id = self.direction_id.trim().parse::<i64>().unwrap_or_else(|_| {
            errors.push(FieldError { field: "direction_id", message: "project.direction_unknown" });
            0
        });
        let funding = half_width(self.funding_wan_yuan.trim()).replace(',', "").parse::<f64>().unwrap_or_else(|_| {
            errors.push(FieldError { field: "funding_wan_yuan", message: "project.funding_invalid" });
            0.0
        });
        let mut date = |text: &str| match text.trim() {
            "" => None,
            text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| {
                    if !errors.iter().any(|e| e.field == "execution") {
                        errors.push(FieldError { field: "execution", message: "project_form.date_invalid" });
                    }
                })
                .ok(),
        };
        let (start, end) = (date(&self.execution_start), date(&self.execution_end));
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let project = NewProject {
            code: self.code.clone(),
            title: self.title.clone(),
            direction_id,
            lead_institution: self.lead_institution.clone(),
            partners: parse_partners(&self.partners)
                .into_iter()
                .map(|p| PartnerInput { institution: p.institution, region: p.region })
                .collect(),
            pi_email: self.pi_email.trim().to_owned(),
            member_emails: split_emails(&self.member_emails),
            officer_email: optional(&self.officer_email),
            funding_wan_yuan: funding,
            execution: None,
            contract_number: optional(&self.contract_number),
            recommendation_ref: optional(&self.recommendation_ref),
        };
        Ok(Typed { project, start, end })
    }
}

/// Completes a half-given execution period from the direction, then registers.
fn register(conn: &mut DbConnection, typed: Typed, actor: i64, now: chrono::NaiveDateTime) -> Result<(), AppError> {
    let mut project = typed.project;
    if typed.start.is_some() || typed.end.is_some() {
        let default = direction::find_period(conn, project.direction_id)?
            .ok_or(AppError::field("direction_id", "project.direction_unknown"))?;
        project.execution =
            Some(Period { start: typed.start.unwrap_or(default.start), end: typed.end.unwrap_or(default.end) });
    }
    registration::register(conn, &project, Some(actor), now).map(|_| ())
}

/// A direction in the select.
pub struct DirectionOption {
    /// Its id, the option's value.
    pub id: String,
    /// 方向N title · cap · period.
    pub label: String,
}

/// The directions of one topic of one guide.
pub struct DirectionGroup {
    /// Guide document number and topic.
    pub label: String,
    /// Its directions.
    pub options: Vec<DirectionOption>,
}

fn groups(choices: Vec<DirectionChoice>, ctx: &PageCtx) -> Vec<DirectionGroup> {
    let mut groups: Vec<DirectionGroup> = Vec::new();
    for choice in choices {
        let label = format!("{} · 专题{} {}", choice.doc_number, choice.topic_number, choice.topic_title);
        let cap = match choice.funding_cap_yuan {
            Some(cap) => ctx.t.fmt("project_form.cap", &[("cap", &wan(cap))]),
            None => ctx.t.get("project_form.no_cap").to_owned(),
        };
        let number = u32::try_from(choice.topic_number).unwrap_or_default();
        let name = direction_name(number, choice.number.and_then(|n| u32::try_from(n).ok()));
        let option = DirectionOption {
            id: choice.id.to_string(),
            label: format!("{name} {} · {cap} · {} – {}", choice.title, choice.execution.start, choice.execution.end),
        };
        match groups.last_mut() {
            Some(group) if group.label == label => group.options.push(option),
            _ => groups.push(DirectionGroup { label, options: vec![option] }),
        }
    }
    groups
}

/// Yuan as 万元, without trailing zeros.
fn wan(yuan: i64) -> String {
    let wan = yuan as f64 / 10_000.0;
    if wan.fract() == 0.0 { format!("{}", wan as i64) } else { format!("{wan}") }
}

#[derive(Template)]
#[template(path = "pages/projects/new.html")]
struct NewProjectPage {
    ctx: PageCtx,
    form: RegistrationForm,
    groups: Vec<DirectionGroup>,
    institutions: Vec<String>,
    errors: FormErrors,
}

async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    status: StatusCode,
    form: RegistrationForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (choices, institutions) =
        state.db(|conn| Ok((direction::list_choices(conn)?, institution::list(conn)?))).await?;
    let ctx = PageCtx::new(req, Some(current));
    let groups = groups(choices, &ctx);
    let institutions = institutions.into_iter().map(|(i, _)| i.name).collect();
    render_with(status, &NewProjectPage { ctx, form, groups, institutions, errors })
}

/// `GET /projects/new`.
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    form_page(&req, &state, &current, StatusCode::OK, RegistrationForm::default(), FormErrors::default()).await
}

/// `POST /projects`: registers and shows the project, or shows the form again with each problem
/// beside its field.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<RegistrationForm>,
) -> Result<HttpResponse, AppError> {
    current.require(STAFF)?;
    let (now, actor) = (state.clock.now(), current.user.id);
    let result = match form.typed() {
        Ok(typed) => state.db(move |conn| register(conn, typed, actor, now)).await,
        Err(e) => Err(e),
    };
    let (status, errors) = match result {
        Ok(()) => {
            let location = format!("/projects/{}?done=registered", encode_path_segment(form.code.trim()));
            return Ok(see_other(&location));
        }
        Err(AppError::Validation(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(AppError::Conflict(key)) => (StatusCode::CONFLICT, vec![FieldError { field: "code", message: key }]),
        Err(other) => return Err(other),
    };
    form_page(&req, &state, &current, status, form, FormErrors(errors)).await
}
