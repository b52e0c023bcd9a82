//! `GET /api/v1/me`: who the token belongs to.

use actix_web::web::Json;
use serde::Serialize;

use crate::web::identity::ApiUser;

/// The token's owner.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    /// Account id.
    pub id: i64,
    /// Login address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// One of admin, staff, pi, member, expert.
    #[schema(value_type = String, example = "staff")]
    pub role: crate::domain::role::Role,
    /// `zh-CN` or `en`.
    pub locale: String,
}

/// The account behind the bearer token.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = Me), (status = 401, body = crate::web::error_page::ErrorBody)))]
pub async fn show(ApiUser(user): ApiUser) -> Json<Me> {
    Json(Me { id: user.id, email: user.email, name: user.name, role: user.role, locale: user.locale })
}
