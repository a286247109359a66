//! The GB/T 2260 division table (issue 9 item 7) for the address picker; the API checks
//! addresses against the same table.

use actix_web::{HttpResponse, get};
use hcrm_domain::customer::division::{Province, divisions};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{Authz, perm};
use crate::error::ApiError;

/// The provinces of the Chinese mainland with their cities and districts (GB/T 2260). A
/// customer's `address.province`, `city` and `district` are names from it.
#[utoipa::path(tag = "customers", operation_id = "list_divisions", security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<Province>, example = json!([{"code": "11", "name": "北京市",
            "cities": [{"code": "1101", "name": "北京市", "districts": ["东城区", "西城区", "朝阳区"]}]}])),
        crate::contract::Forbidden<perm::CustomerRead>,
    ))]
#[get("/divisions")]
pub async fn list(_auth: Authz<perm::CustomerRead>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(divisions()))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list);
}
