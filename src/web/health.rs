//! `GET /healthz`: whether the service can reach its database, for load balancers and operators.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::state::AppState;

/// 200 with `{"status":"ok"}` when a query succeeds, 503 otherwise.
pub async fn check(state: web::Data<AppState>) -> HttpResponse {
    let result = state.db(|conn| Ok(crate::app::health::database(conn)?)).await;
    match result {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ok", "database": "ok" })),
        Err(error) => {
            tracing::warn!(%error, "health check failed");
            HttpResponse::ServiceUnavailable().json(json!({ "status": "unavailable", "database": "unreachable" }))
        }
    }
}
