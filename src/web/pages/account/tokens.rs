//! The user's API tokens: list, create (the secret is shown once), revoke.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::account::{self, ApiToken};
use crate::domain::refusal::Refusal;
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::error::AppError;
use crate::web::identity::CurrentUser;
use crate::web::page::{FormErrors, PageCtx, render_with, see_other};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "pages/account/tokens.html")]
struct TokensPage {
    ctx: PageCtx,
    tokens: Vec<ApiToken>,
    new_token: Option<String>,
    errors: FormErrors,
    /// The longest lifetime a token may be given, in days.
    max_days: i64,
    /// The lifetime field's label, naming that limit.
    days_label: String,
}

async fn page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    status: StatusCode,
    new_token: Option<String>,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let user_id = current.user.id;
    let tokens = state.db(move |conn| Ok(account::tokens(conn, user_id)?)).await?;
    let max_days = state.config.api_token_max_days;
    let ctx = PageCtx::new(req, Some(current));
    let days_label = ctx.t.fmt("token.days", &[("max", &max_days)]);
    render_with(status, &TokensPage { ctx, tokens, new_token, errors, max_days, days_label })
}

/// `GET /account/tokens`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    page(&req, &state, &current, StatusCode::OK, None, FormErrors::default()).await
}

/// The new-token form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
    /// Days until expiry: required.
    #[serde(default)]
    expires_in_days: String,
}

/// `POST /account/tokens`: shows the new secret on the page, once.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<CreateForm>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let user_id = current.user.id;
    let days = form.expires_in_days.trim().parse::<i64>().ok();
    let result = match account::token_expiry(days, state.config.api_token_max_days, now) {
        Ok(expires_at) => {
            state.db(move |conn| Ok(account::issue_token(conn, user_id, &form.name, expires_at, now)?)).await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok((_, token)) => page(&req, &state, &current, StatusCode::OK, Some(token), FormErrors::default()).await,
        Err(AppError::Refused(Refusal::Validation(errors))) => {
            page(&req, &state, &current, StatusCode::UNPROCESSABLE_ENTITY, None, FormErrors(errors)).await
        }
        Err(other) => Err(other),
    }
}

/// `POST /account/tokens/{id}/revoke`.
pub async fn revoke(
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    _: CsrfForm<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    let (now, user_id, token_id) = (state.clock.now(), current.user.id, id.into_inner());
    state.db(move |conn| Ok(account::revoke_token(conn, user_id, token_id, now)?)).await?;
    Ok(see_other("/account/tokens?done=token_revoked"))
}
