//! Managing accounts: list, create (with a one-time password), edit, deactivate, reset password.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::account::{self, AccountInput, User};
use crate::app::users::{self, AccountChanges};
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::i18n::Locale;
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::{FormErrors, PageCtx, render, render_with, see_other};
use crate::web::pages::search_list::{Paging, SearchQuery};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "pages/admin/users.html")]
struct UsersPage {
    ctx: PageCtx,
    users: Vec<User>,
    paging: Paging,
}

#[derive(Template)]
#[template(path = "pages/admin/user_form.html")]
struct UserFormPage {
    ctx: PageCtx,
    /// `None` when creating.
    id: Option<i64>,
    form: UserForm,
    roles: [Role; 5],
    locales: [&'static str; 2],
    institutions: Vec<(i64, String)>,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "pages/admin/one_time_password.html")]
struct OneTimePasswordPage {
    ctx: PageCtx,
    email: String,
    password: String,
}

/// The account form, for both creating and editing.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    locale: String,
    #[serde(default)]
    institution_id: String,
    /// A checkbox: present when ticked.
    active: Option<String>,
}

impl UserForm {
    fn from_user(u: &User) -> Self {
        Self {
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.role.as_str().to_owned(),
            locale: u.locale.clone(),
            institution_id: u.institution_id.map(|i| i.to_string()).unwrap_or_default(),
            active: u.active.then(|| "on".to_owned()),
        }
    }

    fn role(&self) -> Result<Role, AppError> {
        self.role.parse().map_err(|_| AppError::field("role", "account.role_invalid"))
    }

    fn locale(&self) -> Locale {
        Locale::from_tag(&self.locale).unwrap_or_default()
    }

    fn institution(&self) -> Result<Option<i64>, AppError> {
        match self.institution_id.trim() {
            "" => Ok(None),
            id => id.parse().map(Some).map_err(|_| AppError::field("institution_id", "account.institution_invalid")),
        }
    }

    /// Whether `option` is the selected institution (for the template's select).
    pub fn has_institution(&self, option: &i64) -> bool {
        self.institution_id == option.to_string()
    }
}

/// Renders the form with the institution list.
async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    status: StatusCode,
    id: Option<i64>,
    form: UserForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let institutions = state.db(|conn| Ok(users::institution_choices(conn)?)).await?;
    let page = UserFormPage {
        ctx: PageCtx::new(req, Some(current)),
        id,
        form,
        roles: Role::ALL,
        locales: [Locale::ZhCn.tag(), Locale::En.tag()],
        institutions,
        errors,
    };
    render_with(status, &page)
}

/// `GET /admin/users`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    current.require(&[Role::Admin])?;
    let (text, (_, (offset, limit))) = (query.q.clone(), query.page());
    let (users, total) = state.db(move |conn| Ok(users::search(conn, &text, offset, limit)?)).await?;
    render(&UsersPage { ctx: PageCtx::new(&req, Some(&current)), users, paging: Paging::new(&query, total) })
}

/// `GET /admin/users/new`.
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    current.require(&[Role::Admin])?;
    let form = UserForm {
        role: Role::Pi.as_str().into(),
        locale: Locale::ZhCn.tag().into(),
        active: Some("on".into()),
        ..UserForm::default()
    };
    form_page(&req, &state, &current, StatusCode::OK, None, form, FormErrors::default()).await
}

/// `POST /admin/users`: creates the account and shows its one-time password.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<HttpResponse, AppError> {
    current.require(&[Role::Admin])?;
    let (now, actor) = (state.clock.now(), current.user.id);
    let input = form.role().and_then(|role| {
        Ok(AccountInput {
            email: form.email.clone(),
            name: form.name.clone(),
            role,
            locale: form.locale(),
            institution_id: form.institution()?,
            password: None,
        })
    });
    let result = match input {
        Ok(input) => state.db(move |conn| Ok(account::create(conn, &input, Some(actor), now)?)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(created) => render(&OneTimePasswordPage {
            ctx: PageCtx::new(&req, Some(&current)),
            email: created.email,
            password: created.generated_password.unwrap_or_default(),
        }),
        Err(AppError::Refused(Refusal::Validation(errors))) => {
            form_page(&req, &state, &current, StatusCode::UNPROCESSABLE_ENTITY, None, form, FormErrors(errors)).await
        }
        Err(AppError::Refused(Refusal::Conflict(key))) => {
            let errors = FormErrors(vec![crate::domain::refusal::FieldError { field: "email", message: key }]);
            form_page(&req, &state, &current, StatusCode::CONFLICT, None, form, errors).await
        }
        Err(other) => Err(other),
    }
}

/// `GET /admin/users/{id}`.
pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    current.require(&[Role::Admin])?;
    let id = id.into_inner();
    let found = state.db(move |conn| Ok(users::find(conn, id)?)).await?;
    form_page(&req, &state, &current, StatusCode::OK, Some(id), UserForm::from_user(&found), FormErrors::default())
        .await
}

/// `POST /admin/users/{id}`: saves name, role, language, institution and whether the account is
/// active. The last active administrator cannot be demoted or deactivated; deactivation ends the
/// account's sessions at once.
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<HttpResponse, AppError> {
    current.require(&[Role::Admin])?;
    let (now, actor, id) = (state.clock.now(), current.user.id, id.into_inner());
    let changes = form.role().and_then(|role| {
        Ok(AccountChanges {
            name: form.name.clone(),
            role,
            locale: form.locale(),
            institution_id: form.institution()?,
            active: form.active.is_some(),
        })
    });
    let result = match changes {
        Ok(changes) => state.db(move |conn| Ok(users::update(conn, id, &changes, actor, now)?)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other("/admin/users?done=saved")),
        Err(AppError::Refused(Refusal::Validation(errors))) => {
            form_page(&req, &state, &current, StatusCode::UNPROCESSABLE_ENTITY, Some(id), form, FormErrors(errors))
                .await
        }
        Err(AppError::Refused(Refusal::Conflict(key))) => {
            let errors = FormErrors(vec![crate::domain::refusal::FieldError { field: "role", message: key }]);
            form_page(&req, &state, &current, StatusCode::CONFLICT, Some(id), form, errors).await
        }
        Err(other) => Err(other),
    }
}

/// `POST /admin/users/{id}/password`: replaces the password with a generated one-time password.
pub async fn reset_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    _: CsrfForm<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    current.require(&[Role::Admin])?;
    let (now, actor, id) = (state.clock.now(), current.user.id, id.into_inner());
    let (email, password) = state.db(move |conn| Ok(users::reset_password(conn, id, actor, now)?)).await?;
    render(&OneTimePasswordPage { ctx: PageCtx::new(&req, Some(&current)), email, password })
}
