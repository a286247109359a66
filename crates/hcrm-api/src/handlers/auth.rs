//! sign-in, token refresh with rotation, sign-out, and who am I.

use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post, web};
use chrono::Duration;
use hcrm_db::audit::Action;
use hcrm_db::users::Principal;
use hcrm_db::{DbConn, audit, auth as store, users};
use hcrm_domain::api::Problem;
use hcrm_domain::api::auth::{LoginRequest, Me, RefreshRequest, TokenResponse};
use hcrm_domain::{PermissionSet, Role};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::extract::remote_addr;
use crate::auth::{Caller, cookie, tokens, totp};
use crate::body::{JsonBody, OptionalJsonBody};
use crate::error::ApiError;
use crate::state::AppState;

fn event(
    action: Action,
    user: Option<Uuid>,
    username: &str,
    addr: Option<String>,
    flagged: bool,
) -> audit::Entry {
    // Before the guard: no `Caller` yet, so who and from where are filled in here.
    let entry = audit::Entry::of(
        action,
        "session",
        user.map(|u| u.to_string()),
        None,
        serde_json::json!({}),
    );
    audit::Entry {
        actor_id: user,
        actor_username: Some(username.to_string()),
        remote_addr: addr,
        ..entry.flagged(flagged)
    }
}

/// Issues an access token and a refresh token of `family`, storing the latter's hash.
fn issue(
    conn: &mut DbConn,
    state: &AppState,
    user: Uuid,
    family: &str,
) -> Result<TokenResponse, ApiError> {
    let refresh_token = tokens::new_refresh_token();
    let expires = hcrm_db::now() + Duration::days(state.settings.refresh_ttl_days);
    store::insert_refresh(
        conn,
        user,
        family,
        tokens::refresh_hash(&refresh_token),
        expires,
    )?;
    let access = state
        .jwt
        .issue(user, family, state.settings.access_ttl_secs)
        .map_err(|_| ApiError::Internal)?;
    Ok(TokenResponse {
        access_token: access,
        refresh_token: Some(refresh_token),
        token_type: "Bearer".into(),
        expires_in: state.settings.access_ttl_secs,
    })
}

/// Sign in with username and password (and the authenticator code when two-factor sign-in
/// is on: without it the answer is 401 `totp_required`, then send it as `totp_code`).
///
/// After 5 failed attempts for a username within 15 minutes further attempts get 429 with
/// `Retry-After` until the oldest failure leaves the window. Every sign-in and failure is audited.
#[utoipa::path(tag = "auth", operation_id = "sign_in",
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        crate::contract::BodyErrors,
        (status = 401, description = "wrong username or password (`invalid_credentials`), code needed (`totp_required`) or wrong (`invalid_totp`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "too many failed attempts; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest {
        username,
        password: pw,
        totp_code,
    } = body.valid()?;
    let addr = remote_addr(&req);
    let limits = state.settings.attempt_limits();

    // The attempt is reserved (counted) before the password is checked, so that parallel
    // attempts cannot all pass the count first. Sign-in attempts change no user, role or
    // sign-in another request could hold: they leave the auth cache warm (`write`), so that a
    // flood of them cannot make every other request read its user afresh.
    let (attempt, found) = state
        .write({
            let (username, addr) = (username.clone(), addr.clone());
            move |c| {
                let attempt = match store::reserve_attempt(c, &username, addr.as_deref(), limits)? {
                    store::Reservation::Reserved(id) => id,
                    store::Reservation::Throttled { retry_after_secs } => {
                        return Err(ApiError::TooManyAttempts {
                            retry_after: retry_after_secs,
                        });
                    }
                };
                let found = match users::credentials(c, &username)? {
                    Some((id, hash, active)) => {
                        // Integration clients authenticate with API keys only (least privilege).
                        let machine = Role::is_machine_client(&users::roles(c, id)?);
                        Some((id, hash, active && !machine, users::totp(c, id)?))
                    }
                    None => None,
                };
                Ok((attempt, found))
            }
        })
        .await?;

    // Unknown users cost the same Argon2 check.
    let (hash, user) = match &found {
        Some((id, hash, usable, _)) => (hash.clone(), usable.then_some(*id)),
        None => (state.passwords.dummy_hash().await?, None),
    };
    let password_ok = state.passwords.verify(pw, hash).await? && user.is_some();
    let second_factor = match (&found, password_ok) {
        (Some((_, _, _, t)), true) if t.enabled => {
            Some((t.secret.clone().unwrap_or_default(), totp_code))
        }
        _ => None,
    };
    // The right password without the code of a two-factor user: ask for it; neither a failure
    // nor a success (a success would reset the count that limits guessing the code).
    if let Some((_, None)) = &second_factor {
        let attempt = attempt.clone();
        state
            .write(move |c| Ok(store::forget_attempt(c, &attempt)?))
            .await?;
        return Err(ApiError::TotpRequired);
    }

    let state2 = state.clone();
    let result = state
        .write(move |c| {
            let totp_ok = match &second_factor {
                None => true,
                Some((secret, Some(code))) => {
                    match (user, totp::matching_step(secret, code, totp::unix_now())) {
                        (Some(id), Some(step)) => users::use_totp_step(c, id, step)?,
                        _ => false,
                    }
                }
                Some((_, None)) => false,
            };
            let ok = password_ok && totp_ok;
            match user.filter(|_| ok) {
                Some(id) => {
                    store::succeed_attempt(c, &attempt)?;
                    users::record_login(c, id)?;
                    audit::record(c, event(Action::Login, Some(id), &username, addr, false))?;
                    let family = Uuid::now_v7().to_string();
                    issue(c, &state2, id, &family).map(Ok)
                }
                None => {
                    let known = found.map(|(id, ..)| id);
                    audit::record(c, event(Action::LoginFailed, known, &username, addr, false))?;
                    Ok(Err(if password_ok {
                        ApiError::InvalidTotp
                    } else {
                        ApiError::InvalidCredentials
                    }))
                }
            }
        })
        .await?;
    result.map(|t| tokens_answer(&req, &state, t, true))
}

/// The tokens as JSON and the refresh token as the cookie; the body keeps the refresh token
/// only for a client that sent it in the body (or signed in): never to the web app's scripts.
fn tokens_answer(
    req: &HttpRequest,
    state: &AppState,
    mut t: TokenResponse,
    in_body: bool,
) -> HttpResponse {
    let mut res = HttpResponse::Ok();
    if let Some(token) = &t.refresh_token {
        res.insert_header(cookie::set(req, &state.settings, token));
    }
    if !in_body {
        t.refresh_token = None;
    }
    res.json(t)
}

/// The refresh token of the body, else of the cookie; and whether it came in the body.
fn presented(body: Option<RefreshRequest>, req: &HttpRequest) -> Option<(String, bool)> {
    match body.and_then(|b| b.refresh_token) {
        Some(t) => Some((t, true)),
        None => cookie::read(req).map(|t| (t, false)),
    }
}

/// Exchange a refresh token for a new pair. The old refresh token stops working; presenting
/// it again (a sign that it was stolen) revokes every token of that sign-in.
///
/// The token comes in the body or, without one, in the `hcrm_refresh` cookie (the web app);
/// a token from the cookie is answered in the cookie only, and a refused one clears it.
#[utoipa::path(tag = "auth", operation_id = "refresh_tokens",
    request_body(content = Option<RefreshRequest>, description = "optional: without it (or without `refresh_token`) the `hcrm_refresh` cookie is used"),
    responses(
        (status = 200, body = TokenResponse, headers(("Set-Cookie" = String, description = "`hcrm_refresh=<new refresh token>; Path=/api/v1/auth; Max-Age=…; HttpOnly; SameSite=Strict` (`; Secure` over TLS)"))),
        crate::contract::BodyErrors,
        (status = 401, description = "no, unknown, expired, revoked or reused refresh token", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: OptionalJsonBody<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let Some((presented, in_body)) = presented(body.valid()?, &req) else {
        return Err(ApiError::Unauthorized("no refresh token"));
    };
    let hash = tokens::refresh_hash(&presented);
    let addr = remote_addr(&req);
    let state2 = state.clone();
    let outcome = state
        .write_auth(move |c| {
            let Some(token) = store::find_refresh(c, &hash)? else {
                return Ok(Err("invalid refresh token"));
            };
            let user = token.user()?;
            if token.revoked_at.is_some() || token.expires_at < hcrm_db::now() {
                return Ok(Err("refresh token expired or revoked"));
            }
            if token.used_at.is_some() || !store::consume_refresh(c, token.id)? {
                store::revoke_family(c, &token.family_id)?;
                let name = users::principal(c, user)
                    .map(|p| p.username)
                    .unwrap_or_default();
                audit::record(
                    c,
                    event(Action::RefreshReuse, Some(user), &name, addr, true),
                )?;
                return Ok(Err("refresh token reused; the session is revoked"));
            }
            let principal = users::principal(c, user)?;
            if !principal.active {
                return Ok(Err("the account is deactivated"));
            }
            issue(c, &state2, user, &token.family_id).map(Ok)
        })
        .await?;
    match outcome {
        Ok(t) => Ok(tokens_answer(&req, &state, t, in_body)),
        Err(why) if !in_body => {
            let mut res = ApiError::Unauthorized(why).error_response();
            let (name, value) = cookie::clear(&req, &state.settings);
            res.headers_mut().append(name, value);
            Ok(res)
        }
        Err(why) => Err(ApiError::Unauthorized(why)),
    }
}

/// Sign out: revoke the refresh token (of the body, else of the `hcrm_refresh` cookie) and
/// every token rotated from the same sign-in; the cookie is cleared.
#[utoipa::path(tag = "auth", operation_id = "sign_out",
    request_body(content = Option<RefreshRequest>, description = "optional: without it (or without `refresh_token`) the `hcrm_refresh` cookie is used"),
    responses(
        (status = 204, description = "signed out (also for an unknown or missing token)", headers(("Set-Cookie" = String, description = "`hcrm_refresh=; Path=/api/v1/auth; Max-Age=0; …`: the cookie is cleared"))),
        crate::contract::BodyErrors,
    ))]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: OptionalJsonBody<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let cleared = cookie::clear(&req, &state.settings);
    let Some((presented, _)) = presented(body.valid()?, &req) else {
        return Ok(HttpResponse::NoContent().insert_header(cleared).finish());
    };
    let hash = tokens::refresh_hash(&presented);
    let addr = remote_addr(&req);
    state
        .write_auth(move |c| {
            if let Some(token) = store::find_refresh(c, &hash)? {
                store::revoke_family(c, &token.family_id)?;
                let user = token.user()?;
                let name = users::principal(c, user)
                    .map(|p| p.username)
                    .unwrap_or_default();
                audit::record(c, event(Action::Logout, Some(user), &name, addr, false))?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().insert_header(cleared).finish())
}

pub(crate) fn me_of(conn: &mut DbConn, p: &Principal) -> Result<Me, ApiError> {
    let institutions = hcrm_db::institutions::refs(conn, p.scope().institution_ids())?;
    let required = hcrm_db::settings::security(conn)?.totp_required_roles;
    let time_zone = match institutions.first() {
        Some(first) => hcrm_db::institutions::time_zone_of(conn, first.id)?,
        None => hcrm_domain::api::org::HOME_TIME_ZONE.to_string(),
    };
    Ok(Me {
        id: p.id,
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        roles: p.roles.clone(),
        group_wide: p.group_wide,
        institutions,
        permissions: PermissionSet::for_roles(&p.roles).to_vec(),
        totp_enabled: p.totp_enabled,
        totp_required: hcrm_domain::api::auth::totp_required(&p.roles, &required),
        time_zone,
    })
}

/// The signed-in user: roles, institutions and permissions.
#[utoipa::path(tag = "auth", operation_id = "get_current_user", security(("bearer" = [])),
    responses(
        (status = 200, body = Me),
    ))]
#[get("/auth/me")]
pub async fn me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let me = state.db(move |c| me_of(c, &caller.principal)).await?;
    Ok(HttpResponse::Ok().json(me))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(me);
}
