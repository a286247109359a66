//! OPS-3: liveness and readiness.

use actix_web::{HttpResponse, get, web};
use diesel::connection::SimpleConnection;

use crate::error::ApiError;
use crate::state::AppState;

/// The process is alive.
#[utoipa::path(tag = "operations", operation_id = "check_liveness", responses((status = 200, description = "alive", body = String, example = "ok")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// The database answers; 503 problem+json when it does not.
#[utoipa::path(tag = "operations", operation_id = "check_readiness", responses(
    (status = 200, description = "ready", body = String, example = "ready"),
    (status = 503, description = "database unreachable", body = hcrm_domain::api::Problem, content_type = "application/problem+json"),
))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .db(|c| {
            c.batch_execute("SELECT 1")
                .map_err(|_| ApiError::Unavailable)
        })
        .await?;
    Ok(HttpResponse::Ok().content_type("text/plain").body("ready"))
}
