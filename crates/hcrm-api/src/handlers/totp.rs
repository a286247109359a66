//! X-6c: two-factor sign-in. A user sets it up (password → secret → authenticator app →
//! confirm with a code), may turn it off with the password and a code unless a role requires
//! it; an admin resets it for a user who lost the device.
//!
//! Issue 7 item 14: set-up and turning off ask for the password again, so that a stolen access
//! token alone can neither bind another phone nor remove the second factor. Wrong passwords
//! and codes (set-up, enable, disable) count per user like sign-ins — 5 within 15 minutes,
//! then 429 with `Retry-After` — in the sign-in attempts table under `totp:<user id>`
//! (usernames cannot contain `:`); a success starts the count afresh. As at sign-in, the
//! attempt is reserved (counted) before the password or code is checked, so parallel guesses
//! cannot pass the count together. Every failure, and every refusal beyond the limit, is
//! audited (`totp_failed`).

use actix_web::{HttpResponse, post, web};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::{DbConn, auth as attempts, users};
use hcrm_domain::api::Problem;
use hcrm_domain::api::auth::{
    Me, TotpCode, TotpDisableRequest, TotpSetup, TotpSetupRequest, totp_required,
};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, Caller, perm, totp};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::auth::me_of;
use crate::state::AppState;

fn attempts_key(user: Uuid) -> String {
    format!("totp:{user}")
}

/// Why a two-factor change failed, for the count and the audit trail.
#[derive(Clone, Copy)]
enum Failure {
    Password,
    Code,
    /// Refused unseen, beyond the allowance: audited, not counted again.
    Throttled,
}

/// Audits a failed `step` of `caller` (its reserved attempt already counts as a failure).
fn record_failure(
    c: &mut DbConn,
    caller: &Caller,
    step: &str,
    failure: Failure,
) -> Result<(), ApiError> {
    let id = caller.principal.id;
    let reason = match failure {
        Failure::Password => "password",
        Failure::Code => "code",
        Failure::Throttled => "throttled",
    };
    caller.record(
        c,
        Entry::of(
            Action::TotpFailed,
            "user",
            Some(id.to_string()),
            None,
            serde_json::json!({"step": step, "reason": reason}),
        ),
    )?;
    Ok(())
}

fn wrong_password() -> ApiError {
    ApiError::field("password", "invalid_password", "the password is wrong")
}

/// Reserves one two-factor attempt of the caller — it counts as failed until
/// [`attempts::succeed_attempt`] — or refuses (audited) beyond the allowance.
async fn reserve(
    state: &web::Data<AppState>,
    caller: &Caller,
    step: &'static str,
) -> Result<String, ApiError> {
    let limits = state.settings.attempt_limits();
    let (id, addr, who) = (
        caller.principal.id,
        caller.remote_addr.clone(),
        caller.clone(),
    );
    let reserved = state
        .write(move |c| {
            Ok(attempts::reserve_attempt(
                c,
                &attempts_key(id),
                addr.as_deref(),
                limits,
            )?)
        })
        .await?;
    match reserved {
        attempts::Reservation::Reserved(attempt) => Ok(attempt),
        attempts::Reservation::Throttled { retry_after_secs } => {
            state
                .write(move |c| record_failure(c, &who, step, Failure::Throttled))
                .await?;
            Err(ApiError::TooManyAttempts {
                retry_after: retry_after_secs,
            })
        }
    }
}

/// Reserves an attempt, then checks the caller's password (Argon2, on the password pool). A
/// wrong password is audited before the error is returned; the attempt is given back.
async fn reauthenticate(
    state: &web::Data<AppState>,
    caller: &Caller,
    step: &'static str,
    pw: String,
) -> Result<String, ApiError> {
    let attempt = reserve(state, caller, step).await?;
    let username = caller.principal.username.clone();
    let stored = state
        .db(move |c| Ok(users::credentials(c, &username)?.map(|(_, hash, _)| hash)))
        .await?;
    let hash = match stored {
        Some(hash) => hash,
        None => state.passwords.dummy_hash().await?,
    };
    if state.passwords.verify(pw, hash).await? {
        return Ok(attempt);
    }
    let who = caller.clone();
    state
        .write(move |c| record_failure(c, &who, step, Failure::Password))
        .await?;
    Err(wrong_password())
}

/// Start setting up two-factor sign-in: a new secret for the authenticator app. It takes
/// effect once confirmed with `/auth/totp/enable`. Needs the password again; wrong passwords
/// count towards the limit of 5 failed two-factor attempts per 15 minutes.
#[utoipa::path(tag = "auth", operation_id = "set_up_totp", security(("bearer" = [])),
    request_body = TotpSetupRequest,
    responses(
        (status = 200, body = TotpSetup),
        crate::contract::BodyErrors,
        (status = 409, description = "two-factor sign-in is already on", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid fields or JSON of the wrong shape, or a wrong password (`invalid_password` on `password`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "too many failed two-factor attempts; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/totp/setup")]
pub async fn setup(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<TotpSetupRequest>,
) -> Result<HttpResponse, ApiError> {
    let pw = body.valid()?.password;
    if caller.principal.totp_enabled {
        return Err(ApiError::Duplicate {
            field: None,
            detail: "two-factor sign-in is already on; turn it off first".into(),
        });
    }
    let attempt = reauthenticate(&state, &caller, "setup", pw).await?;
    let secret = totp::new_secret();
    let out = TotpSetup {
        otpauth_uri: totp::uri(&secret, &caller.principal.username),
        secret: secret.clone(),
    };
    let id = caller.principal.id;
    state
        .write_auth(move |c| {
            attempts::succeed_attempt(c, &attempt)?;
            Ok(users::set_totp_secret(c, id, Some(&secret), false)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Confirm the setup with the app's current code: two-factor sign-in is on from now. Wrong
/// codes count towards the limit of 5 failed two-factor attempts per 15 minutes.
#[utoipa::path(tag = "auth", operation_id = "enable_totp", security(("bearer" = [])),
    request_body = TotpCode,
    responses(
        (status = 200, body = Me),
        crate::contract::BodyErrors,
        (status = 422, description = "invalid fields or JSON of the wrong shape, no setup started, or a wrong code", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "too many failed two-factor attempts; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/totp/enable")]
pub async fn enable(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<TotpCode>,
) -> Result<HttpResponse, ApiError> {
    let code = body.valid()?.code;
    // The state first: it is no secret, and no attempt should be spent on it.
    let id = caller.principal.id;
    let secret = state
        .db(move |c| {
            let t = users::totp(c, id)?;
            t.secret.filter(|_| !t.enabled).ok_or_else(|| {
                ApiError::field("code", "totp_not_started", "start with /auth/totp/setup")
            })
        })
        .await?;
    let attempt = reserve(&state, &caller, "enable").await?;
    // A failure is committed (audited; its attempt counted) and then answered: Ok(Err(…)).
    let outcome = state
        .write_auth(move |c| {
            let Some(step) = totp::matching_step(&secret, &code, totp::unix_now()) else {
                record_failure(c, &caller, "enable", Failure::Code)?;
                return Ok(Err(ApiError::field(
                    "code",
                    "invalid_totp",
                    "the code is wrong",
                )));
            };
            attempts::succeed_attempt(c, &attempt)?;
            users::set_totp_secret(c, id, Some(&secret), true)?;
            users::use_totp_step(c, id, step)?;
            caller.record(
                c,
                Entry::of(
                    Action::TotpEnable,
                    "user",
                    Some(id.to_string()),
                    None,
                    serde_json::json!({"totp_enabled": {"before": false, "after": true}}),
                ),
            )?;
            let principal = users::principal(c, id)?;
            me_of(c, &principal).map(Ok)
        })
        .await?;
    Ok(HttpResponse::Ok().json(outcome?))
}

/// Turn two-factor sign-in off with the password and a current code (not allowed while a
/// role requires it). Wrong passwords and codes count towards the limit of 5 failed
/// two-factor attempts per 15 minutes.
#[utoipa::path(tag = "auth", operation_id = "disable_totp", security(("bearer" = [])),
    request_body = TotpDisableRequest,
    responses(
        (status = 200, body = Me),
        crate::contract::BodyErrors,
        (status = 422, description = "invalid fields or JSON of the wrong shape; not on, required by a role, a wrong password (`invalid_password`) or a wrong code (`invalid_totp`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "too many failed two-factor attempts; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/totp/disable")]
pub async fn disable(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<TotpDisableRequest>,
) -> Result<HttpResponse, ApiError> {
    let TotpDisableRequest { password: pw, code } = body.valid()?;
    // The role rule and the state first: they are no secret, and no attempt should be spent.
    let principal = caller.principal.clone();
    state
        .db(move |c| {
            if totp_required(
                &principal.roles,
                &hcrm_db::settings::security(c)?.totp_required_roles,
            ) {
                return Err(ApiError::field(
                    "code",
                    "totp_required_by_role",
                    "your role requires two-factor sign-in",
                ));
            }
            if !users::totp(c, principal.id)?.enabled {
                return Err(ApiError::field(
                    "code",
                    "totp_not_enabled",
                    "two-factor sign-in is not on",
                ));
            }
            Ok(())
        })
        .await?;
    let attempt = reauthenticate(&state, &caller, "disable", pw).await?;
    let outcome = state
        .write_auth(move |c| {
            let id = caller.principal.id;
            let t = users::totp(c, id)?;
            let secret = t.secret.filter(|_| t.enabled).ok_or_else(|| {
                ApiError::field("code", "totp_not_enabled", "two-factor sign-in is not on")
            })?;
            let used = match totp::matching_step(&secret, &code, totp::unix_now()) {
                Some(step) => users::use_totp_step(c, id, step)?,
                None => false,
            };
            if !used {
                record_failure(c, &caller, "disable", Failure::Code)?;
                return Ok(Err(ApiError::field(
                    "code",
                    "invalid_totp",
                    "the code is wrong or was already used",
                )));
            }
            attempts::succeed_attempt(c, &attempt)?;
            users::set_totp_secret(c, id, None, false)?;
            caller.record(
                c,
                Entry::of(
                    Action::TotpDisable,
                    "user",
                    Some(id.to_string()),
                    None,
                    serde_json::json!({"totp_enabled": {"before": true, "after": false}}),
                ),
            )?;
            let principal = users::principal(c, id)?;
            me_of(c, &principal).map(Ok)
        })
        .await?;
    Ok(HttpResponse::Ok().json(outcome?))
}

/// Reset a user's two-factor sign-in (lost device): it is off, and their sessions end.
#[utoipa::path(tag = "users", operation_id = "reset_user_totp", security(("bearer" = [])),
    params(("id" = Uuid, Path), crate::contract::IdempotencyKey),
    responses(
        (status = 204, description = "reset"),
        crate::contract::ActionErrors<perm::UserWrite>,
    ))]
#[post("/users/{id}/totp/reset")]
pub async fn reset(
    auth: Authz<perm::UserWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    state
        .write_auth(move |c| {
            let user = users::get(c, &caller.scope(), id)?;
            users::set_totp_secret(c, id, None, false)?;
            hcrm_db::auth::revoke_user(c, id)?;
            caller.record(
                c,
                Entry::of(
                    Action::TotpReset,
                    "user",
                    Some(id.to_string()),
                    user.institutions.first().map(|i| i.id),
                    serde_json::json!({}),
                ),
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(setup)
        .service(enable)
        .service(disable)
        .service(reset);
}
