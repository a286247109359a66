//! reading the audit trail (admin and director).

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use hcrm_db::audit::{self as store, Filter};
use hcrm_domain::api::Page;
use hcrm_domain::api::audit::AuditEvent;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::error::ApiError;
use crate::handlers::{page, window};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `institution`, `department`, `doctor`, `user`, `session` …
    #[param(example = "user")]
    entity_type: Option<String>,
    entity_id: Option<String>,
    actor_id: Option<Uuid>,
    /// `create`, `update`, `deactivate`, `login`, `login_failed`, `logout`, `refresh_reuse` …
    #[param(example = "login_failed")]
    action: Option<String>,
    institution_id: Option<Uuid>,
    /// Only events a supervisor must review (break-glass, token reuse).
    flagged: Option<bool>,
    /// From this instant (inclusive), RFC 3339.
    from: Option<DateTime<Utc>>,
    /// Before this instant, RFC 3339.
    to: Option<DateTime<Utc>>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// The audit trail, newest first. Institution-bound auditors see their institutions' events.
#[utoipa::path(tag = "audit", operation_id = "list_audit_events", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<AuditEvent>),
        crate::contract::ListErrors<perm::AuditRead>,
    ))]
#[get("/audit-events")]
pub async fn list(
    auth: Authz<perm::AuditRead>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    let filter = Filter {
        entity_type: q.entity_type,
        entity_id: q.entity_id,
        actor_id: q.actor_id,
        action: q.action,
        institution_id: q.institution_id,
        flagged: q.flagged,
        from: q.from.map(|t| t.naive_utc()),
        to: q.to.map(|t| t.naive_utc()),
    };
    let scope = auth.caller.scope();
    let result = state
        .db(move |c| Ok(store::list(c, &scope, &filter, w)?))
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list);
}
