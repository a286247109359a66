//! `Idempotency-Key` on POSTs. The first request with a key is handled and its
//! successful answer remembered for 24 hours per caller; a replay of the same request gets
//! that answer (with `Idempotent-Replayed: true`), the same key with another request gets
//! 422, and a replay while the first is still running gets 409. A failed request forgets
//! its key so that the client can retry.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpResponse, ResponseError, web};
use hcrm_db::idempotency::{self, Begin};
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::auth::extract::{Checked, authorize};
use crate::auth::tokens;
use crate::error::ApiError;
use crate::state::AppState;
use hcrm_domain::Permission;

pub const HEADER: &str = "Idempotency-Key";

/// Sign-in, refresh and sign-out answers carry tokens: they are never kept, whatever the key.
const NEVER_KEPT: &str = "/api/v1/auth/";

/// Endpoints that keep their own replays in the transaction of their writes, so that a
/// server killed mid-request leaves no key "in progress" (a HIS batch, INT-1: its key is
/// claimed with the batch's rows and its answer stored with them).
const OWN_REPLAYS: &[&str] = &["/api/v1/integration/batches"];

/// Marks a response that carries a secret (a new API key, a two-factor secret): it is not
/// kept for replay — a retry runs again and makes a new one.
pub struct CarriesSecret;

/// `res`, marked as carrying a secret.
pub fn secret(mut res: HttpResponse) -> HttpResponse {
    res.extensions_mut().insert(CarriesSecret);
    res
}

fn problem(req: ServiceRequest, e: ApiError) -> ServiceResponse<BoxBody> {
    req.into_response(e.error_response())
}

/// Who the key belongs to: the signed-in user, or the API key. `None` when unauthenticated
/// (the guard will refuse the request anyway).
fn owner(req: &ServiceRequest, state: &AppState) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?
        .trim();
    if token.starts_with(tokens::API_KEY_PREFIX) {
        Some(format!("key:{}", tokens::refresh_hash(token)))
    } else {
        state
            .jwt
            .verify(token)
            .map(|(user, _)| format!("user:{user}"))
    }
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = req
        .headers()
        .get(HEADER)
        .map(|v| v.to_str().unwrap_or_default().to_string());
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let keepable = req.method() == Method::POST
        && !req.path().starts_with(NEVER_KEPT)
        && !OWN_REPLAYS.contains(&req.path());
    let (Some(key), Some(state), true) = (key, state, keepable) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Ok(problem(
            req,
            ApiError::field(
                HEADER,
                "idempotency_key",
                "must be 1 to 255 visible ASCII characters",
            ),
        ));
    }
    let Some(owner) = owner(&req, &state) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };

    let body = match req.extract::<web::Bytes>().await {
        Ok(b) => b,
        Err(_) => return Ok(problem(req, ApiError::PayloadTooLarge)),
    };
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str());
    hasher.update(req.uri().to_string());
    hasher.update(&body);
    let request_hash = hex::encode(hasher.finalize());
    let (_, mut payload) = actix_http::h1::Payload::create(true);
    payload.unread_data(body);
    req.set_payload(payload.into());

    let begun = {
        let (owner, key) = (owner.clone(), key.clone());
        state
            .db(move |c| Ok(idempotency::begin(c, &owner, &key, &request_hash)?))
            .await
    };
    match begun {
        Err(e) => return Ok(problem(req, e)),
        Ok(Begin::Mismatch) => {
            return Ok(problem(
                req,
                ApiError::field(
                    HEADER,
                    "idempotency_key_reused",
                    "this key was used for a different request",
                ),
            ));
        }
        Ok(Begin::InProgress) => return Ok(problem(req, ApiError::InProgress)),
        Ok(Begin::Replay {
            status,
            content_type,
            body,
            permission,
        }) => {
            // The replay is served only to a caller who may still make the request now.
            if let Err(e) = authorize_replay(req.request().clone(), permission).await {
                return Ok(problem(req, e));
            }
            let status = StatusCode::from_u16(u16::try_from(status).unwrap_or(200))
                .unwrap_or(StatusCode::OK);
            let mut res = HttpResponse::build(status);
            res.insert_header(("Idempotent-Replayed", "true"));
            if let Some(ct) = content_type {
                res.insert_header((header::CONTENT_TYPE, ct));
            }
            return Ok(req.into_response(res.body(body)));
        }
        Ok(Begin::New) => {}
    }

    let res = next.call(req).await;
    let res = match res {
        Ok(r) => r,
        Err(e) => {
            let _ = state
                .db(move |c| Ok(idempotency::abandon(c, &owner, &key)?))
                .await;
            return Err(e);
        }
    };
    if !res.status().is_success() {
        state
            .db(move |c| Ok(idempotency::abandon(c, &owner, &key)?))
            .await?;
        return Ok(res.map_into_boxed_body());
    }
    if res.response().extensions().get::<CarriesSecret>().is_some() {
        state
            .db(move |c| Ok(idempotency::abandon(c, &owner, &key)?))
            .await?;
        return Ok(res.map_into_boxed_body());
    }
    let permission = res
        .request()
        .extensions()
        .get::<Checked>()
        .map(|c| c.0.code());
    let (http_req, http_res) = res.into_parts();
    let (head, body) = http_res.into_parts();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| ApiError::Internal)?;
    let status = i32::from(head.status().as_u16());
    let content_type = head
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let text = String::from_utf8_lossy(&bytes).to_string();
    state
        .db(move |c| {
            Ok(idempotency::finish(
                c,
                &owner,
                &key,
                status,
                content_type.as_deref(),
                &text,
                permission,
            )?)
        })
        .await?;
    let res = head.set_body(bytes).map_into_boxed_body();
    Ok(ServiceResponse::new(http_req, res))
}

/// Authentication and the permission of the first request, again, before a replay.
async fn authorize_replay(
    req: actix_web::HttpRequest,
    permission: Option<String>,
) -> Result<(), ApiError> {
    match permission {
        Some(code) => {
            let permission = Permission::all()
                .find(|p| p.code() == code)
                .ok_or(ApiError::Forbidden)?;
            authorize(req, permission).await.map(|_| ())
        }
        // Kept before permissions were recorded (an upgrade): authentication at least.
        None => Caller::extract(&req).await.map(|_| ()),
    }
}
