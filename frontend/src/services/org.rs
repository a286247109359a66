//! The organisation's endpoints (ORG-1 … ORG-4, X-3, X-5, X-6c): institutions, departments and
//! doctors, staff and their API keys, the audit trail and the sign-in policy — every path the
//! admin pages call, with the hcrm-domain shapes they send and read.

use hcrm_domain::api::auth::{ApiKey, ApiKeyCreate, ApiKeyCreated, SecuritySettings};
use hcrm_domain::api::org::{Doctor, DoctorUpdate, Institution};
use hcrm_domain::api::{Page, Problem};
use uuid::Uuid;

use crate::services::Api;

/// Collections: a list with filters (GET), create (POST), `{collection}/{id}` read and change.
pub const INSTITUTIONS: &str = "/institutions";
pub const DEPARTMENTS: &str = "/departments";
pub const DOCTORS: &str = "/doctors";
pub const USERS: &str = "/users";
pub const AUDIT_EVENTS: &str = "/audit-events";
const SECURITY: &str = "/settings/security";

/// The active institutions to choose from (filters, forms), by code.
pub async fn active_institutions(api: &Api) -> Result<Vec<Institution>, Problem> {
    api.get::<Page<Institution>>(&format!("{INSTITUTIONS}?active=true&sort=code&limit=200"))
        .await
        .map(|p| p.items)
}

/// Where a department's doctors are read (for `use_loaded`).
/// Where an institution's active departments are read (for `use_loaded`).
pub fn active_departments_path(institution: Uuid) -> String {
    format!("/departments?institution_id={institution}&active=true&limit=200")
}

pub fn doctors_of_department_path(department: Uuid) -> String {
    format!("{DOCTORS}?department_id={department}&limit=200")
}

pub async fn update_doctor(
    api: &Api,
    id: Uuid,
    version: i32,
    body: &DoctorUpdate,
) -> Result<Doctor, Problem> {
    api.patch(&format!("{DOCTORS}/{id}"), version, body).await
}

/// Turns a user's two-factor sign-in off (lost phone); their sessions end.
pub async fn reset_totp(api: &Api, user: Uuid) -> Result<(), Problem> {
    api.post_empty::<()>(&format!("{USERS}/{user}/totp/reset"), None)
        .await
}

/// Where a user's API keys are read (for `use_loaded`).
pub fn api_keys_path(user: Uuid) -> String {
    format!("{USERS}/{user}/api-keys")
}

pub async fn create_api_key(
    api: &Api,
    user: Uuid,
    body: &ApiKeyCreate,
) -> Result<ApiKeyCreated, Problem> {
    api.post(&api_keys_path(user), body).await
}

pub async fn revoke_api_key(api: &Api, id: Uuid) -> Result<ApiKey, Problem> {
    api.post_empty(&format!("/api-keys/{id}/revoke"), None)
        .await
}

pub async fn security(api: &Api) -> Result<SecuritySettings, Problem> {
    api.get(SECURITY).await
}

pub async fn put_security<B: serde::Serialize>(
    api: &Api,
    version: i32,
    body: &B,
) -> Result<SecuritySettings, Problem> {
    api.put(SECURITY, version, body).await
}
