//! Forgotten passwords: a one-time link by e-mail, then a new password.
//!
//! The request page answers the same whether or not the address has an account, so it cannot be
//! used to find out who is registered.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::password_reset;
use crate::domain::refusal::{FieldError, Refusal};
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::page::{FormErrors, PageCtx, render, render_with, see_other};
use crate::web::pages::session::known_device_cookie;
use crate::web::rate_limit;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "pages/password/forgot.html")]
struct ForgotPage {
    ctx: PageCtx,
}

#[derive(Template)]
#[template(path = "pages/password/reset.html")]
struct ResetPage<'a> {
    ctx: PageCtx,
    token: &'a str,
    valid: bool,
    errors: FormErrors,
}

/// The request form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// `GET /password/forgot`.
pub async fn request_form(req: HttpRequest) -> Result<HttpResponse, AppError> {
    render(&ForgotPage { ctx: PageCtx::new(&req, None) })
}

/// `POST /password/forgot`: queues the link for an active account, then says the same thing
/// either way. The link's token is made when the message is sent (see `app::password_reset`).
pub async fn request(
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let queued = state.db(move |conn| Ok(password_reset::request(conn, &form.email, now)?)).await?;
    if queued {
        state.deliver_mail_soon();
    }
    Ok(see_other("/login?done=reset_sent"))
}

/// Query of the reset page.
#[derive(Debug, Deserialize)]
pub struct ResetQuery {
    #[serde(default)]
    token: String,
}

/// `GET /password/reset?token=…`.
pub async fn reset_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ResetQuery>,
) -> Result<HttpResponse, AppError> {
    let (token, now) = (query.token.clone(), state.clock.now());
    let valid = state.db(move |conn| Ok(password_reset::is_live(conn, &token, now)?)).await?;
    let page = ResetPage { ctx: PageCtx::new(&req, None), token: &query.token, valid, errors: FormErrors::default() };
    render_with(if valid { StatusCode::OK } else { StatusCode::NOT_FOUND }, &page)
}

/// The new-password form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /password/reset`: uses up the token, sets the password, ends every session, API token and
/// other reset link of the account, and makes this browser a known device of it: whoever opened
/// the link proved they read the account's mail, so a login back-off caused by someone else at
/// the same address does not keep them out (see `web::rate_limit`).
pub async fn reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<HttpResponse, AppError> {
    if form.password != form.confirm {
        let errors = FormErrors(vec![FieldError { field: "confirm", message: "password.mismatch" }]);
        let page = ResetPage { ctx: PageCtx::new(&req, None), token: &form.token, valid: true, errors };
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let now = state.clock.now();
    let (token, password) = (form.token.clone(), form.password.clone());
    let result = state
        .db(move |conn| {
            let (user_id, hash) = password_reset::reset(conn, &token, &password, now)?;
            Ok(rate_limit::device_cookie_value(user_id, &hash))
        })
        .await;
    match result {
        Ok(device) => {
            let mut response = see_other("/login?done=password_reset");
            response
                .add_cookie(&known_device_cookie(device, state.config.secure_cookies))
                .map_err(|e| AppError::Internal(e.into()))?;
            Ok(response)
        }
        Err(AppError::Refused(Refusal::Validation(errors))) => {
            let page = ResetPage {
                ctx: PageCtx::new(&req, None),
                token: &form.token,
                valid: true,
                errors: FormErrors(errors),
            };
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(AppError::Refused(Refusal::NotFound)) => {
            let page =
                ResetPage { ctx: PageCtx::new(&req, None), token: "", valid: false, errors: FormErrors::default() };
            render_with(StatusCode::NOT_FOUND, &page)
        }
        Err(other) => Err(other),
    }
}
