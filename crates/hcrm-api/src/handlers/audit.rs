//! reading the audit trail (admin and director).

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use hcrm_db::audit::{self as store, Filter};
use hcrm_domain::api::Page;
use hcrm_domain::api::audit::{AuditAction, AuditEntity, AuditEvent};
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
    /// Only entries about this kind of record; another value is 422 (`unknown_value`).
    #[param(value_type = Option<AuditEntity>, inline, example = "customer")]
    entity_type: Option<String>,
    /// Only entries about this record (its whole id).
    #[param(example = "0193a5b2-7c1e-7d4a-9f00-2b1c3d4e5f60")]
    entity_id: Option<String>,
    /// Only what this user did.
    actor_id: Option<Uuid>,
    /// Only what was done with this API key.
    api_key_id: Option<Uuid>,
    /// Only this action; another value is 422 (`unknown_value`).
    #[param(value_type = Option<AuditAction>, inline, example = "break_glass")]
    action: Option<String>,
    institution_id: Option<Uuid>,
    /// Only events a supervisor must review (break-glass, token reuse).
    flagged: Option<bool>,
    /// From this instant (inclusive), RFC 3339.
    #[param(example = "2026-12-01T00:00:00+08:00")]
    from: Option<DateTime<Utc>>,
    /// Before this instant, RFC 3339; not before `from` (422 `range`).
    #[param(example = "2026-12-07T00:00:00+08:00")]
    to: Option<DateTime<Utc>>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// A coded filter's value, or 422 naming the parameter and the values it takes.
fn coded<T: Copy>(
    name: &'static str,
    value: Option<String>,
    from_code: fn(&str) -> Option<T>,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Result<Option<T>, ApiError> {
    let Some(text) = value.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    from_code(&text).map(Some).ok_or_else(|| {
        let values: Vec<&str> = all.iter().map(|v| code(*v)).collect();
        ApiError::field(
            name,
            "unknown_value",
            &format!("one of: {}", values.join(", ")),
        )
    })
}

/// The audit trail, newest first, filtered by time, user, action and kind of record.
/// Group-wide auditors see every entry; institution-bound ones only entries of their
/// institutions (never a group-wide user's sign-ins, which belong to no institution), whatever
/// `institution_id` asks for.
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
    if let (Some(from), Some(to)) = (q.from, q.to)
        && to < from
    {
        return Err(ApiError::field("to", "range", "`to` is before `from`"));
    }
    let filter = Filter {
        entity_type: coded(
            "entity_type",
            q.entity_type,
            AuditEntity::from_code,
            &AuditEntity::ALL,
            AuditEntity::code,
        )?,
        entity_id: q.entity_id,
        actor_id: q.actor_id,
        api_key_id: q.api_key_id,
        action: coded(
            "action",
            q.action,
            AuditAction::from_code,
            &AuditAction::ALL,
            AuditAction::code,
        )?,
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
