//! The caller's own API tokens.

use actix_web::HttpResponse;
use actix_web::web::{self, Json};
use chrono::NaiveDateTime;
use serde::Serialize;

use crate::app::account::{self, ApiToken};
use crate::domain::refusal::Refusal;
use crate::web::error::AppError;
use crate::web::identity::ApiUser;
use crate::web::state::AppState;

/// A token as listed (never its secret).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenView {
    /// Token id.
    pub id: i64,
    /// Its label.
    pub name: String,
    /// Its first characters.
    pub prefix: String,
    /// Creation (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc")]
    pub created_at: NaiveDateTime,
    /// Last use (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc_option")]
    pub last_used_at: Option<NaiveDateTime>,
    /// Expiry (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc_option")]
    pub expires_at: Option<NaiveDateTime>,
    /// Revocation (UTC).
    #[serde(serialize_with = "crate::domain::timestamp::utc_option")]
    pub revoked_at: Option<NaiveDateTime>,
}

impl From<ApiToken> for TokenView {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name,
            prefix: t.token_prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// Lists the caller's tokens, newest first.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account",
    responses((status = 200, body = [TokenView]), (status = 401, body = crate::web::error_page::ErrorBody)))]
pub async fn list(state: web::Data<AppState>, ApiUser(user): ApiUser) -> Result<Json<Vec<TokenView>>, AppError> {
    let tokens = state.db(move |conn| Ok(account::tokens(conn, user.id)?)).await?;
    Ok(Json(tokens.into_iter().map(TokenView::from).collect()))
}

/// Refuses to create a token. A token made with a token could outlive the one that made it, so
/// that a leaked token would keep itself alive; tokens are made only by a person logged in at
/// `/account/tokens`, each with an expiry.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account",
    responses((status = 401, body = crate::web::error_page::ErrorBody), (status = 403, body = crate::web::error_page::ErrorBody)))]
pub async fn create(_caller: ApiUser) -> Result<HttpResponse, AppError> {
    Err(AppError::Refused(Refusal::ForbiddenBecause("token.session_only")))
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account", params(("id" = i64, Path, description = "token id")),
    responses((status = 204), (status = 401, body = crate::web::error_page::ErrorBody), (status = 404, body = crate::web::error_page::ErrorBody)))]
pub async fn revoke(
    state: web::Data<AppState>,
    ApiUser(user): ApiUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (now, token_id) = (state.clock.now(), id.into_inner());
    state.db(move |conn| Ok(account::revoke_token(conn, user.id, token_id, now)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
