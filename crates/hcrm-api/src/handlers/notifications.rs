//! 站内通知 — the signed-in user's in-app notifications (issue 10; the complaint
//! escalations of CMP-5b are the first kind): the header's unread count, the list, marking
//! read. Every staff user reaches their own, and only their own: another user's notification
//! is a 404 like an unknown one. Integration clients have none (403).

use actix_web::{HttpResponse, get, post, web};
use hcrm_db::notifications as store;
use hcrm_domain::api::notifications::{Notification, NotificationCounts, NotificationsMarked};
use hcrm_domain::api::{Page, Problem};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::handlers::tasks::require_staff;
use crate::handlers::{page, window};
use crate::state::AppState;

/// A staff user who has set up two-factor sign-in where their role must.
fn own(caller: &Caller) -> Result<Uuid, ApiError> {
    if caller.totp_required && !caller.principal.totp_enabled {
        return Err(ApiError::TotpEnrollmentRequired);
    }
    require_staff(caller)?;
    Ok(caller.principal.id)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `true`: only unread; `false`: only read ones.
    unread: Option<bool>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// The signed-in user's notifications, newest first.
#[utoipa::path(tag = "notifications", operation_id = "list_notifications", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<Notification>),
        (status = 400, description = "a malformed query string: unknown parameter, wrong type (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "an integration client (`forbidden`), or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "an invalid `limit` (1–200) or `offset` (`validation`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/notifications")]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let me = own(&caller)?;
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    let found = state
        .db(move |c| Ok(store::list(c, me, q.unread, w)?))
        .await?;
    Ok(HttpResponse::Ok().json(page(found, w)))
}

/// How many notifications the signed-in user has not read (the header's badge).
#[utoipa::path(tag = "notifications", operation_id = "get_notification_counts", security(("bearer" = [])),
    responses(
        (status = 200, body = NotificationCounts),
        (status = 403, description = "an integration client (`forbidden`), or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/notifications/counts")]
pub async fn counts(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let me = own(&caller)?;
    let unread = state.db(move |c| Ok(store::unread_count(c, me)?)).await?;
    Ok(HttpResponse::Ok().json(NotificationCounts { unread }))
}

/// Mark every unread notification of the signed-in user read.
#[utoipa::path(tag = "notifications", operation_id = "set_notifications_read", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    responses(
        (status = 200, body = NotificationsMarked),
        (status = 403, description = "an integration client (`forbidden`), or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/notifications/read-all")]
pub async fn read_all(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let me = own(&caller)?;
    let marked = state
        .write(move |c| Ok(store::mark_all_read(c, me, chrono::Utc::now())?))
        .await?;
    Ok(HttpResponse::Ok().json(NotificationsMarked { marked }))
}

/// Mark one notification of the signed-in user read (again: it keeps its first reading).
#[utoipa::path(tag = "notifications", operation_id = "set_notification_read", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IdempotencyKey),
    responses(
        (status = 200, body = Notification),
        (status = 403, description = "an integration client (`forbidden`), or the caller's role must set up two-factor sign-in first (`totp_enrollment_required`)", body = Problem, content_type = "application/problem+json"),
        crate::contract::NotFound,
    ))]
#[post("/notifications/{id}/read")]
pub async fn read(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let me = own(&caller)?;
    let id = id.into_inner();
    let found = state
        .write(move |c| Ok(store::mark_read(c, me, id, chrono::Utc::now())?))
        .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(counts)
        .service(read_all)
        .service(read);
}
