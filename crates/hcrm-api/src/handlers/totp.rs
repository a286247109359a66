//! X-6c: two-factor sign-in. A user sets it up (secret → authenticator app → confirm with a
//! code), may turn it off with a code unless a role requires it; an admin resets it for a
//! user who lost the device.

use actix_web::{HttpResponse, post, web};
use hcrm_db::{audit, users};
use hcrm_domain::api::Problem;
use hcrm_domain::api::auth::{Me, TotpCode, TotpSetup, totp_required};
use uuid::Uuid;

use crate::auth::{Authz, Caller, perm, totp};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::auth::me_of;
use crate::handlers::settings::load_security;
use crate::state::AppState;

/// Start setting up two-factor sign-in: a new secret for the authenticator app. It takes
/// effect once confirmed with `/auth/totp/enable`.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses(
    (status = 200, body = TotpSetup),
    (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "two-factor sign-in is already on", body = Problem, content_type = "application/problem+json"),
))]
#[post("/auth/totp/setup")]
pub async fn setup(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    if caller.principal.totp_enabled {
        return Err(ApiError::Duplicate {
            field: None,
            detail: "two-factor sign-in is already on; turn it off first".into(),
        });
    }
    let secret = totp::new_secret();
    let out = TotpSetup {
        otpauth_uri: totp::uri(&secret, &caller.principal.username),
        secret: secret.clone(),
    };
    let id = caller.principal.id;
    state
        .write(move |c| Ok(users::set_totp_secret(c, id, Some(&secret), false)?))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Confirm the setup with the app's current code: two-factor sign-in is on from now.
#[utoipa::path(tag = "auth", security(("bearer" = [])), request_body = TotpCode, responses(
    (status = 200, body = Me),
    (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "no setup started, or a wrong code", body = Problem, content_type = "application/problem+json"),
))]
#[post("/auth/totp/enable")]
pub async fn enable(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<TotpCode>,
) -> Result<HttpResponse, ApiError> {
    let code = body.valid()?.code;
    let me = state
        .write(move |c| {
            let id = caller.principal.id;
            let t = users::totp(c, id)?;
            let secret = t.secret.filter(|_| !t.enabled).ok_or_else(|| {
                ApiError::field("code", "totp_not_started", "start with /auth/totp/setup")
            })?;
            let step = totp::matching_step(&secret, &code, totp::unix_now())
                .ok_or_else(|| ApiError::field("code", "invalid_totp", "the code is wrong"))?;
            users::set_totp_secret(c, id, Some(&secret), true)?;
            users::use_totp_step(c, id, step)?;
            audit::record(
                c,
                caller.audit(
                    "totp_enable",
                    "user",
                    id,
                    None,
                    serde_json::json!({"totp_enabled": {"before": false, "after": true}}),
                ),
            )?;
            let principal = users::principal(c, id)?;
            me_of(c, &principal)
        })
        .await?;
    Ok(HttpResponse::Ok().json(me))
}

/// Turn two-factor sign-in off with a current code (not allowed while a role requires it).
#[utoipa::path(tag = "auth", security(("bearer" = [])), request_body = TotpCode, responses(
    (status = 200, body = Me),
    (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "not on, required by a role, or a wrong code", body = Problem, content_type = "application/problem+json"),
))]
#[post("/auth/totp/disable")]
pub async fn disable(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<TotpCode>,
) -> Result<HttpResponse, ApiError> {
    let code = body.valid()?.code;
    let me = state
        .write(move |c| {
            let id = caller.principal.id;
            if totp_required(
                &caller.principal.roles,
                &load_security(c)?.totp_required_roles,
            ) {
                return Err(ApiError::field(
                    "code",
                    "totp_required_by_role",
                    "your role requires two-factor sign-in",
                ));
            }
            let t = users::totp(c, id)?;
            let secret = t.secret.filter(|_| t.enabled).ok_or_else(|| {
                ApiError::field("code", "totp_not_enabled", "two-factor sign-in is not on")
            })?;
            let step = totp::matching_step(&secret, &code, totp::unix_now())
                .ok_or_else(|| ApiError::field("code", "invalid_totp", "the code is wrong"))?;
            if !users::use_totp_step(c, id, step)? {
                return Err(ApiError::field(
                    "code",
                    "invalid_totp",
                    "the code was already used",
                ));
            }
            users::set_totp_secret(c, id, None, false)?;
            audit::record(
                c,
                caller.audit(
                    "totp_disable",
                    "user",
                    id,
                    None,
                    serde_json::json!({"totp_enabled": {"before": true, "after": false}}),
                ),
            )?;
            let principal = users::principal(c, id)?;
            me_of(c, &principal)
        })
        .await?;
    Ok(HttpResponse::Ok().json(me))
}

/// Reset a user's two-factor sign-in (lost device): it is off, and their sessions end.
#[utoipa::path(tag = "users", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 204, description = "reset"),
    (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "lacks user.write", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "no such user in the caller's scope", body = Problem, content_type = "application/problem+json"),
))]
#[post("/users/{id}/totp/reset")]
pub async fn reset(
    auth: Authz<perm::UserWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    state
        .write(move |c| {
            let user = users::get(c, &caller.scope(), id)?;
            users::set_totp_secret(c, id, None, false)?;
            hcrm_db::auth::revoke_user(c, id)?;
            audit::record(
                c,
                caller.audit(
                    "totp_reset",
                    "user",
                    id,
                    user.institutions.first().map(|i| i.id),
                    serde_json::json!({}),
                ),
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
