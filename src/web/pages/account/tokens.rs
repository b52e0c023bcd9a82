//! The user's API tokens: list, create (the secret is shown once), revoke.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::account;
use crate::db::api_token::{self, ApiToken};
use crate::error::AppError;
use crate::web::csrf::{CsrfForm, CsrfOnly};
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
    let tokens = state.db(move |conn| Ok(api_token::list_for_user(conn, user_id)?)).await?;
    render_with(status, &TokensPage { ctx: PageCtx::new(req, Some(current)), tokens, new_token, errors })
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
    /// Days until expiry; empty for none.
    #[serde(default)]
    expires_in_days: String,
}

/// Parses the optional lifetime in days typed into the form.
fn parse_days(days: &str, now: chrono::NaiveDateTime) -> Result<Option<chrono::NaiveDateTime>, AppError> {
    let days = days.trim();
    let days = if days.is_empty() {
        None
    } else {
        Some(days.parse::<i64>().map_err(|_| AppError::field("expires_in_days", "token.days_invalid"))?)
    };
    account::token_expiry(days, now)
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
    let result = match parse_days(&form.expires_in_days, now) {
        Ok(expires_at) => state.db(move |conn| account::issue_token(conn, user_id, &form.name, expires_at, now)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok((_, token)) => page(&req, &state, &current, StatusCode::OK, Some(token), FormErrors::default()).await,
        Err(AppError::Validation(errors)) => {
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
    state.db(move |conn| account::revoke_token(conn, user_id, token_id, now)).await?;
    Ok(see_other("/account/tokens?done=token_revoked"))
}
