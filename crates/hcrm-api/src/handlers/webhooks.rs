//! 事件推送 (INT-3): webhook subscriptions of the caller's institutions, their messages and
//! the log of every attempt, manual redelivery. The messages are written by the domain
//! events' `webhook_outbox` subscriber and sent by the server's webhook worker
//! (`hcrm-server`, Standard Webhooks signatures). `webhook.manage` for everything; another
//! institution's subscription or message is 404.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use base64::Engine;
use hcrm_db::audit::{Action, Entry};
use hcrm_db::webhooks::{self as store, Change, NewSubscription, outbox};
use hcrm_domain::api::webhooks::{
    WebhookDelivery, WebhookDeliveryDetail, WebhookDeliveryStatus, WebhookEventType,
    WebhookSecretShown, WebhookSubscription, WebhookSubscriptionCreate, WebhookSubscriptionUpdate,
};
use hcrm_domain::api::{FieldError, Page, Problem};
use rand::RngCore;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::{created, expected_version, institution_for_new, page, versioned, window};
use crate::state::AppState;

/// How long the previous secret keeps signing after a rotation.
const ROTATION_OVERLAP_HOURS: i64 = 24;

/// A new signing secret: `whsec_` and the base64 of 32 random bytes (Standard Webhooks:
/// 24–64 bytes).
fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// The URL rule of hcrm-domain with this server's address setting, as a field error.
fn check_url(state: &AppState, url: &str) -> Result<(), ApiError> {
    hcrm_domain::webhook::check_url(url.trim(), state.settings.webhook_allow_private)
        .map(|_| ())
        .map_err(|p| ApiError::field("url", p.code(), p.message()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    institution_id: Option<Uuid>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    status: Option<WebhookDeliveryStatus>,
    /// 1–200, default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

/// The event types a subscription may name — every kind of domain event, with its labels.
#[utoipa::path(tag = "webhooks", operation_id = "list_webhook_event_types", security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<WebhookEventType>),
        crate::contract::Forbidden<perm::WebhookManage>,
    ))]
#[get("/webhooks/event-types")]
pub async fn event_types(_auth: Authz<perm::WebhookManage>) -> HttpResponse {
    HttpResponse::Ok().json(WebhookEventType::all())
}

/// The webhook subscriptions of the caller's institutions, newest first.
#[utoipa::path(tag = "webhooks", operation_id = "list_webhooks", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Page<WebhookSubscription>),
        crate::contract::ListErrors<perm::WebhookManage>,
    ))]
#[get("/webhooks")]
pub async fn list(
    auth: Authz<perm::WebhookManage>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    let scope = auth.caller.scope();
    let result = state
        .db(move |c| Ok(store::list(c, &scope, q.institution_id, w)?))
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

/// Subscribe a receiver to events of one of the caller's institutions. The answer holds the
/// signing secret (`whsec_…`); it is not shown again (rotate it to get a new one).
#[utoipa::path(tag = "webhooks", operation_id = "create_webhook", security(("bearer" = [])),
    params(crate::contract::IdempotencyKey),
    request_body = WebhookSubscriptionCreate,
    responses(
        (status = 201, body = WebhookSecretShown, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::CreateErrors<perm::WebhookManage>,
    ))]
#[post("/webhooks")]
pub async fn create(
    auth: Authz<perm::WebhookManage>,
    state: web::Data<AppState>,
    body: JsonBody<WebhookSubscriptionCreate>,
) -> Result<HttpResponse, ApiError> {
    let x = body.valid()?;
    check_url(&state, &x.url)?;
    let caller = auth.caller;
    let secret = new_secret();
    let shown = secret.clone();
    let subscription = state
        .write(move |c| {
            let institution = institution_for_new(c, &caller.scope(), x.institution_id)?;
            let subscription = store::create(
                c,
                NewSubscription {
                    institution_id: institution,
                    url: x.url,
                    description: x.description,
                    event_types: x.event_types,
                    active: x.active.unwrap_or(true),
                    secret,
                    created_by: Some(caller.principal.id),
                },
            )?;
            caller.record(c, Entry::created(&subscription))?;
            Ok(subscription)
        })
        .await?;
    let version = subscription.version;
    Ok(crate::idempotency::secret(created(
        &WebhookSecretShown {
            secret: shown,
            subscription,
        },
        version,
    )))
}

/// One subscription of the caller's institutions.
#[utoipa::path(tag = "webhooks", operation_id = "get_webhook", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = WebhookSubscription, headers(("ETag" = String, description = "the version, for If-Match"))),
        crate::contract::ReadErrors<perm::WebhookManage>,
    ))]
#[get("/webhooks/{id}")]
pub async fn get(
    auth: Authz<perm::WebhookManage>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let s = state.db(move |c| Ok(store::get(c, &scope, id)?)).await?;
    Ok(versioned(&s, s.version))
}

/// Change a subscription: its URL, description, event types, or turn it off and on (on
/// again after a 410: its pending messages are then sent). Send the version read in
/// `If-Match` (or as `version`).
#[utoipa::path(tag = "webhooks", operation_id = "update_webhook", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IfMatch),
    request_body = WebhookSubscriptionUpdate,
    responses(
        (status = 200, body = WebhookSubscription, headers(("ETag" = String, description = "the new version"))),
        crate::contract::UpdateErrors<perm::WebhookManage>,
    ))]
#[patch("/webhooks/{id}")]
pub async fn update(
    auth: Authz<perm::WebhookManage>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<WebhookSubscriptionUpdate>,
) -> Result<HttpResponse, ApiError> {
    let u = body.valid()?;
    let version = expected_version(&req, u.version)?;
    if let Some(url) = &u.url {
        check_url(&state, url)?;
    }
    let (id, caller) = (id.into_inner(), auth.caller);
    let change = Change {
        url: u.url,
        description: u.description,
        event_types: u.event_types,
        active: u.active,
    };
    let s = state
        .write(move |c| {
            let (before, after) = store::update(c, &caller.scope(), id, version, &change)?;
            caller.record(c, Entry::changed(Action::Update, &before, &after))?;
            Ok(after)
        })
        .await?;
    Ok(versioned(&s, s.version))
}

/// Delete a subscription with its messages and their log.
#[utoipa::path(tag = "webhooks", operation_id = "delete_webhook", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 204, description = "deleted"),
        crate::contract::ActionErrors<perm::WebhookManage>,
    ))]
#[delete("/webhooks/{id}")]
pub async fn remove(
    auth: Authz<perm::WebhookManage>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    state
        .write(move |c| {
            let before = store::delete(c, &caller.scope(), id)?;
            caller.record(c, Entry::deleted(&before))?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replace the signing secret. The new one is in the answer (shown once); for 24 hours the
/// previous one signs too (a second `v1,` signature), so that the receiver can switch.
#[utoipa::path(tag = "webhooks", operation_id = "rotate_webhook_secret", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IdempotencyKey),
    responses(
        (status = 200, body = WebhookSecretShown),
        crate::contract::ActionErrors<perm::WebhookManage>,
    ))]
#[post("/webhooks/{id}/rotate-secret")]
pub async fn rotate(
    auth: Authz<perm::WebhookManage>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    let secret = new_secret();
    let shown = secret.clone();
    let until = hcrm_db::now() + chrono::Duration::hours(ROTATION_OVERLAP_HOURS);
    let subscription = state
        .write(move |c| {
            let (before, after) = store::rotate_secret(c, &caller.scope(), id, secret, until)?;
            caller.record(c, Entry::changed(Action::Update, &before, &after))?;
            Ok(after)
        })
        .await?;
    Ok(crate::idempotency::secret(HttpResponse::Ok().json(
        WebhookSecretShown {
            secret: shown,
            subscription,
        },
    )))
}

/// The messages of a subscription, newest first, with where each stands.
#[utoipa::path(tag = "webhooks", operation_id = "list_webhook_deliveries", security(("bearer" = [])),
    params(("id" = Uuid, Path), DeliveryQuery),
    responses(
        (status = 200, body = Page<WebhookDelivery>),
        crate::contract::ListErrors<perm::WebhookManage>,
        crate::contract::NotFound,
    ))]
#[get("/webhooks/{id}/deliveries")]
pub async fn deliveries(
    auth: Authz<perm::WebhookManage>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<DeliveryQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let w = window(q.limit, q.offset)?;
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let result = state
        .db(move |c| Ok(store::deliveries(c, &scope, id, q.status, w)?))
        .await?;
    Ok(HttpResponse::Ok().json(page(result, w)))
}

/// One message with every attempt (status, time taken, the answer's start, the error) and
/// the body it sends.
#[utoipa::path(tag = "webhooks", operation_id = "get_webhook_delivery", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = WebhookDeliveryDetail),
        crate::contract::ReadErrors<perm::WebhookManage>,
    ))]
#[get("/webhooks/deliveries/{id}")]
pub async fn delivery(
    auth: Authz<perm::WebhookManage>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let detail = state
        .db(move |c| {
            let (delivery, event) = store::delivery(c, &scope, id)?;
            Ok(WebhookDeliveryDetail {
                attempts: store::attempts(c, id)?,
                body: hcrm_domain::webhook::message_body(&event),
                delivery,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Send a message again, now, with the same `webhook-id`, in a new round of attempts (after
/// it was delivered, given up, or while it waits for a retry). 409 while a server is sending
/// it, or while its subscription is off.
#[utoipa::path(tag = "webhooks", operation_id = "redeliver_webhook_delivery", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IdempotencyKey),
    responses(
        (status = 202, body = WebhookDelivery),
        crate::contract::ActionErrors<perm::WebhookManage>,
        (status = 409, description = "being sent at this moment (`in_flight`) or the subscription is off (`inactive`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/webhooks/deliveries/{id}/redeliver")]
pub async fn redeliver(
    auth: Authz<perm::WebhookManage>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    let queued = state
        .write(move |c| {
            let refused = |code: &str, message: &str| {
                ApiError::WrongState(FieldError {
                    field: "id".into(),
                    code: code.into(),
                    message: message.into(),
                })
            };
            match outbox::redeliver(c, &caller.scope(), id)? {
                outbox::Redelivery::Queued(d) => {
                    let institution = hcrm_db::webhooks::get(c, &caller.scope(), d.subscription_id)?
                        .institution_id;
                    caller.record(
                        c,
                        Entry::of(
                            Action::Update,
                            "webhook_delivery",
                            Some(id.to_string()),
                            Some(institution),
                            serde_json::json!({"redeliver": {"before": null, "after": d.webhook_id}}),
                        ),
                    )?;
                    Ok(d)
                }
                outbox::Redelivery::InFlight => {
                    Err(refused("in_flight", "a server is sending it at this moment"))
                }
                outbox::Redelivery::Inactive => Err(refused(
                    "inactive",
                    "the subscription is off: turn it on first",
                )),
            }
        })
        .await?;
    Ok(HttpResponse::Accepted().json(queued))
}

/// This module's routes (registered in [`crate::modules::MODULES`]); the literal paths come
/// before `/webhooks/{id}`.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(event_types)
        .service(delivery)
        .service(redeliver)
        .service(list)
        .service(create)
        .service(get)
        .service(update)
        .service(remove)
        .service(rotate)
        .service(deliveries);
}
