//! Changing one's own password (also where a generated password must be replaced).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::account;
use crate::domain::refusal::{FieldError, Refusal};
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::identity::CurrentUser;
use crate::web::page::{FormErrors, PageCtx, render, render_with, see_other};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "pages/account/password.html")]
struct PasswordPage {
    ctx: PageCtx,
    forced: bool,
    errors: FormErrors,
}

/// The change form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `GET /account/password`.
pub async fn form(req: HttpRequest, current: CurrentUser) -> Result<HttpResponse, AppError> {
    let forced = current.user.must_change_password;
    render(&PasswordPage { ctx: PageCtx::new(&req, Some(&current)), forced, errors: FormErrors::default() })
}

/// `POST /account/password`: needs the current password; ends the user's other sessions.
pub async fn change(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<ChangeForm>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let (user_id, session_id) = (current.user.id, current.session_id);
    let result = if form.password != form.confirm {
        Err(AppError::Refused(Refusal::Validation(vec![FieldError { field: "confirm", message: "password.mismatch" }])))
    } else {
        state
            .db(move |conn| {
                Ok(account::change_own_password(conn, user_id, session_id, &form.current, &form.password, now)?)
            })
            .await
    };
    match result {
        Ok(()) => Ok(see_other("/?done=password_changed")),
        Err(AppError::Refused(Refusal::Validation(errors))) => {
            let page = PasswordPage {
                ctx: PageCtx::new(&req, Some(&current)),
                forced: current.user.must_change_password,
                errors: FormErrors(errors),
            };
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}
