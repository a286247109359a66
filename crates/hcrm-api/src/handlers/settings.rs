//! Settings an admin edits. X-6c: which roles must use two-factor sign-in.

use actix_web::{HttpRequest, HttpResponse, get, put, web};
use hcrm_db::audit::{Action, Entry};
use hcrm_db::{DbConn, settings};
use hcrm_domain::api::Problem;
use hcrm_domain::api::auth::{SecuritySettings, SecuritySettingsUpdate};

use crate::auth::{Authz, perm};
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::handlers::expected_version;
use crate::state::AppState;

const SECURITY: &str = "security";

/// The sign-in policy; the defaults (no role required) until an admin saves it.
pub fn load_security(conn: &mut DbConn) -> Result<SecuritySettings, ApiError> {
    Ok(match settings::get(conn, SECURITY)? {
        None => SecuritySettings {
            totp_required_roles: vec![],
            version: 0,
        },
        Some((value, version)) => SecuritySettings {
            totp_required_roles: serde_json::from_value(value["totp_required_roles"].clone())
                .unwrap_or_default(),
            version,
        },
    })
}

/// The sign-in policy (X-6c).
#[utoipa::path(tag = "settings", security(("bearer" = [])), responses(
    (status = 200, body = SecuritySettings),
    (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "lacks setting.write", body = Problem, content_type = "application/problem+json"),
))]
#[get("/settings/security")]
pub async fn get_security(
    _auth: Authz<perm::SettingWrite>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let s = state.db(load_security).await?;
    Ok(HttpResponse::Ok().json(s))
}

/// Change which roles must use two-factor sign-in. Users of those roles without it can then
/// only reach `/auth` until they set it up.
#[utoipa::path(tag = "settings", security(("bearer" = [])), request_body = SecuritySettingsUpdate,
    params(("If-Match" = Option<String>, Header, description = "the version read (0 before the first save)")),
    responses(
    (status = 200, body = SecuritySettings),
    (status = 401, description = "not signed in", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "lacks setting.write", body = Problem, content_type = "application/problem+json"),
    (status = 412, description = "changed by someone else since it was read", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "invalid fields", body = Problem, content_type = "application/problem+json"),
    (status = 428, description = "no version given", body = Problem, content_type = "application/problem+json"),
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
            let before = load_security(c)?;
            let mut roles = body.totp_required_roles.clone();
            roles.sort();
            roles.dedup();
            settings::put(
                c,
                SECURITY,
                &serde_json::json!({"totp_required_roles": roles}),
                version,
            )?;
            let after = load_security(c)?;
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
