//! Managing accounts: list, create (with a one-time password), edit, deactivate, reset password.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use crate::app::account::{self, AccountInput, PasswordChange};
use crate::auth::secret;
use crate::db::audit::{self, AuditEntry};
use crate::db::institution;
use crate::db::user::{self, User, UserChanges};
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::i18n::Locale;
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::error::AppError;
use crate::web::identity::{CurrentUser, RoleCheck};
use crate::web::page::{FormErrors, PageCtx, render, render_with, see_other};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "pages/admin/users.html")]
struct UsersPage {
    ctx: PageCtx,
    users: Vec<User>,
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
    let institutions = state
        .db(|conn| Ok(institution::list(conn)?.into_iter().map(|(i, _)| (i.id, i.name)).collect::<Vec<_>>()))
        .await?;
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
) -> Result<HttpResponse, AppError> {
    current.require(&[Role::Admin])?;
    let users = state.db(|conn| Ok(user::list(conn)?)).await?;
    render(&UsersPage { ctx: PageCtx::new(&req, Some(&current)), users })
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
    let found = state.db(move |conn| Ok(user::find(conn, id)?)).await?.ok_or(AppError::Refused(Refusal::NotFound))?;
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
    let checked = (|| {
        let name = account::check_name(&form.name).map_err(|e| AppError::Refused(Refusal::Validation(vec![e])))?;
        Ok::<_, AppError>((name, form.role()?, form.institution()?))
    })();
    let (locale, active) = (form.locale(), form.active.is_some());
    let result = match checked {
        Ok((name, role, institution_id)) => {
            state
                .db(move |conn| {
                    crate::db::write_transaction(conn, |conn| {
                        let before = user::find(conn, id)?.ok_or(AppError::Refused(Refusal::NotFound))?;
                        let loses_admin = before.role == Role::Admin && before.active && (role != Role::Admin || !active);
                        if loses_admin && user::count_active_admins(conn)? <= 1 {
                            return Err(AppError::Refused(Refusal::Conflict("account.last_admin")));
                        }
                        let changes = UserChanges { name: &name, role: role.as_str(), locale: locale.tag(), institution_id: Some(institution_id), active, updated_at: now };
                        user::update(conn, id, &changes)?;
                        if !active {
                            crate::db::session::delete_for_user(conn, id)?;
                        }
                        let detail = json!({ "name": name, "role": role, "locale": locale.tag(), "institution_id": institution_id, "active": active });
                        audit::record(conn, &AuditEntry { actor: Some(actor), action: "user.update", entity: "user", entity_id: Some(id), project_id: None, detail, ip: None }, now)?;
                        Ok(())
                    })
                })
                .await
        }
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
    let password = secret::generated_password();
    let chosen = password.clone();
    let email = state
        .db(move |conn| {
            let found = user::find(conn, id)?.ok_or(AppError::Refused(Refusal::NotFound))?;
            account::set_password(conn, id, &chosen, PasswordChange::Reset { must_change: true }, Some(actor), now)?;
            Ok(found.email)
        })
        .await?;
    render(&OneTimePasswordPage { ctx: PageCtx::new(&req, Some(&current)), email, password })
}
