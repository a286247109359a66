//! API keys for machine clients. A key acts as its integration user (roles and
//! institutions), is shown once, stored as a hash, and can be revoked.

use actix_web::{HttpResponse, get, post, web};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::{api_keys as store, users};
use hcrm_domain::api::Problem;
use hcrm_domain::api::auth::{ApiKey, ApiKeyCreate, ApiKeyCreated};
use hcrm_domain::{ApiScope, PermissionSet, Role};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authz, perm, tokens};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::state::AppState;

/// The API keys of a user (never the keys themselves).
#[utoipa::path(tag = "users", operation_id = "list_api_keys", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the user")),
    responses(
        (status = 200, body = Vec<ApiKey>),
        crate::contract::ReadErrors<perm::UserWrite>,
    ))]
#[get("/users/{id}/api-keys")]
pub async fn list(
    auth: Authz<perm::UserWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, scope) = (id.into_inner(), auth.caller.scope());
    let keys = state
        .db(move |c| {
            users::get(c, &scope, id)?;
            Ok(store::list_for_user(c, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(keys))
}

/// The scopes a new key of a user with `roles` gets: those asked for, each granting only
/// permissions the roles hold (else 422 `beyond_role`); absent, every such scope.
fn scopes_for(roles: &[Role], asked: Option<Vec<ApiScope>>) -> Result<Vec<ApiScope>, ApiError> {
    let held = PermissionSet::for_roles(roles);
    let Some(mut asked) = asked else {
        return Ok(ApiScope::ALL
            .into_iter()
            .filter(|s| s.within(&held))
            .collect());
    };
    if let Some(s) = asked.iter().find(|s| !s.within(&held)) {
        return Err(ApiError::field(
            "scopes",
            "beyond_role",
            &format!(
                "the user's roles do not hold everything {} grants",
                s.code()
            ),
        ));
    }
    if asked.is_empty() {
        return Err(ApiError::field(
            "scopes",
            "required",
            "name at least one scope",
        ));
    }
    asked.sort();
    asked.dedup();
    Ok(asked)
}

/// Create an API key for an integration user, with scopes. The response holds the key;
/// it is not stored and cannot be shown again.
#[utoipa::path(tag = "users", operation_id = "create_api_key", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the integration user"), crate::contract::IdempotencyKey),
    request_body = ApiKeyCreate,
    responses(
        (status = 201, body = ApiKeyCreated),
        crate::contract::CreateErrors<perm::UserWrite>,
        crate::contract::NotFound,
        (status = 422, description = "invalid fields or JSON of the wrong shape, an unknown scope, a scope beyond the user's roles (`beyond_role`), or the user is not an integration client", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/users/{id}/api-keys")]
pub async fn create(
    auth: Authz<perm::UserWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: JsonBody<ApiKeyCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let (id, caller) = (id.into_inner(), auth.caller);
    if body.expires_at.is_some_and(|t| t <= chrono::Utc::now()) {
        return Err(ApiError::field(
            "expires_at",
            "past",
            "must be in the future",
        ));
    }
    let key = tokens::new_api_key();
    let (prefix, hash) = tokens::api_key_stored(&key);
    let prefix = prefix.to_string();
    let created = state
        .write_auth(move |c| {
            let user = users::get(c, &caller.scope(), id)?;
            if !Role::is_machine_client(&user.roles) {
                return Err(ApiError::field(
                    "user",
                    "not_integration",
                    "API keys are for users with the integration role",
                ));
            }
            let scopes = scopes_for(&user.roles, body.scopes.clone())?;
            let api_key = store::create(
                c,
                store::NewKey {
                    user_id: id,
                    name: &body.name,
                    prefix: &prefix,
                    key_hash: hash,
                    expires_at: body.expires_at.map(|t| t.naive_utc()),
                    scopes: &scopes,
                    created_by: caller.principal.id,
                },
            )?;
            let changes = serde_json::json!({
                "name": {"before": null, "after": api_key.name},
                "prefix": {"before": null, "after": api_key.prefix},
                "scopes": {"before": null, "after": api_key.scopes},
            });
            let entry = Entry::of(
                Action::Create,
                "api_key",
                Some(api_key.id.to_string()),
                user.institutions.first().map(|i| i.id),
                changes,
            );
            caller.record(c, entry)?;
            Ok(api_key)
        })
        .await?;
    Ok(crate::idempotency::secret(HttpResponse::Created().json(
        ApiKeyCreated {
            key,
            api_key: created,
        },
    )))
}

/// Revoke an API key: it stops working at once.
#[utoipa::path(tag = "users", operation_id = "revoke_api_key", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the key"), crate::contract::IdempotencyKey),
    responses(
        (status = 200, body = ApiKey),
        crate::contract::ActionErrors<perm::UserWrite>,
    ))]
#[post("/api-keys/{id}/revoke")]
pub async fn revoke(
    auth: Authz<perm::UserWrite>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (id.into_inner(), auth.caller);
    let key = state
        .write_auth(move |c| {
            let key = store::get(c, id)?;
            let user = users::get(c, &caller.scope(), key.user_id)?;
            let key = store::revoke(c, id)?;
            let changes =
                serde_json::json!({"revoked_at": {"before": null, "after": key.revoked_at}});
            caller.record(
                c,
                Entry::of(
                    Action::Revoke,
                    "api_key",
                    Some(id.to_string()),
                    user.institutions.first().map(|i| i.id),
                    changes,
                ),
            )?;
            Ok(key)
        })
        .await?;
    Ok(HttpResponse::Ok().json(key))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list).service(create).service(revoke);
}
