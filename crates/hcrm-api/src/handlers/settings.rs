//! Settings an admin edits. X-6c: which roles must use two-factor sign-in.

use actix_web::{HttpRequest, HttpResponse, get, put, web};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::settings;
use hcrm_domain::api::auth::{SecuritySettings, SecuritySettingsUpdate};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::expected_version;
use crate::state::AppState;

use hcrm_db::settings::SECURITY;

/// The sign-in policy (X-6c).
#[utoipa::path(tag = "settings", operation_id = "get_security_settings", security(("bearer" = [])),
    responses(
        (status = 200, body = SecuritySettings),
        crate::contract::Forbidden<perm::SettingWrite>,
    ))]
#[get("/settings/security")]
pub async fn get_security(
    _auth: Authz<perm::SettingWrite>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let s = state.db(|c| Ok(settings::security(c)?)).await?;
    Ok(HttpResponse::Ok().json(s))
}

/// Change which roles must use two-factor sign-in. Users of those roles without it can then
/// only reach `/auth` until they set it up.
#[utoipa::path(tag = "settings", operation_id = "update_security_settings", security(("bearer" = [])),
    params(crate::contract::IfMatch),
    request_body = SecuritySettingsUpdate,
    responses(
        (status = 200, body = SecuritySettings),
        crate::contract::ChangeErrors<perm::SettingWrite>,
    ))]
#[put("/settings/security")]
pub async fn put_security(
    auth: Authz<perm::SettingWrite>,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<SecuritySettingsUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.valid()?;
    let version = expected_version(&req, body.version)?;
    let caller = auth.caller;
    let saved = state
        .write_auth(move |c| {
            let before = settings::security(c)?;
            let mut roles = body.totp_required_roles.clone();
            roles.sort();
            roles.dedup();
            settings::put(
                c,
                SECURITY,
                &serde_json::json!({"totp_required_roles": roles}),
                version,
            )?;
            let after = settings::security(c)?;
            let changes = hcrm_domain::api::audit::changes(Some(&before), Some(&after));
            caller.record(
                c,
                Entry::of(
                    Action::Update,
                    "setting",
                    Some(SECURITY.to_string()),
                    None,
                    changes,
                ),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// This module's routes (registered in [`crate::modules::MODULES`]).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_security).service(put_security);
}
