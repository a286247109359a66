//! CUS-11: the customer 360 timeline — one merged, newest-first stream of everything about a
//! customer, from every module registered in `hcrm_db::merge::MODULES` (timeline sources).

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use hcrm_db::timeline;
use hcrm_domain::api::timeline::TimelinePage;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::error::ApiError;
use crate::handlers::customer_access::customer_read;
use crate::handlers::window;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    /// 1–200, default 50.
    limit: Option<i64>,
    /// Entries older than this instant (RFC 3339): the `next_before` of the previous page.
    #[param(example = "2026-11-25T08:30:00.123456Z")]
    before: Option<DateTime<Utc>>,
}

/// The customer's timeline, newest first: profile and stage changes, contacts, tasks, and
/// later modules' records. Page with `before=<next_before>`. Reads under a break-glass grant
/// are audited and flagged (X-6a).
#[utoipa::path(tag = "customers", operation_id = "get_customer_timeline", security(("bearer" = [])),
    params(("id" = Uuid, Path), TimelineQuery),
    responses(
        (status = 200, body = TimelinePage),
        crate::contract::ListErrors<perm::ContactRead>,
        crate::contract::NotFound,
    ))]
#[get("/customers/{id}/timeline")]
pub async fn get(
    auth: Authz<perm::ContactRead>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<TimelineQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, None)?;
    let before = q.before.map(|b| b.naive_utc());
    let (id, caller) = (id.into_inner(), auth.caller);
    let page = state
        .db(move |c| {
            customer_read(c, &caller, id, "customer_timeline", &["timeline"])?;
            Ok(timeline::page(c, id.into(), before, w.limit)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get);
}
