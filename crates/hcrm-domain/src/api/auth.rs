//! Sign-in, tokens and the signed-in user's profile (X-3).

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::api::org::InstitutionRef;
use crate::permission::Permission;
use crate::role::Role;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"username": "admin", "password": "change-me-2026"})))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 64))]
    pub username: String,
    #[validate(length(min = 1, max = 128))]
    pub password: String,
    /// The 6-digit code of the authenticator app, for users with two-factor sign-in (X-6c).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "crate::validation::totp_code"))]
    pub totp_code: Option<String>,
}

/// The refresh token to exchange (refresh) or revoke (sign-out). API clients send it here;
/// the web app sends no body at all and the browser adds the `hcrm_refresh` cookie. When both
/// are present the body wins.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"refresh_token": "rt_3k9w…"})))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token of the last login or refresh; leave it out to use the cookie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 256))]
    pub refresh_token: Option<String>,
}

/// Tokens returned by login and refresh. Keep the refresh token secret; it rotates on use.
/// It is also set as the `hcrm_refresh` cookie (`HttpOnly; SameSite=Strict;
/// Path=/api/v1/auth`, `Secure` over TLS).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiJ9…",
    "refresh_token": "rt_3k9w…",
    "token_type": "Bearer",
    "expires_in": 900
})))]
pub struct TokenResponse {
    pub access_token: String,
    /// The new refresh token: always after login; after refresh only when the old one came
    /// in the request body — one presented in the cookie is answered in the cookie alone, out
    /// of reach of the page's scripts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// The signed-in user with what they may do and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "zhang.min"))]
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(example = "张敏"))]
    pub display_name: String,
    /// Roles this build does not know (a newer server) are left out when reading.
    #[serde(deserialize_with = "known")]
    pub roles: Vec<Role>,
    /// True when the user sees every institution of the group.
    pub group_wide: bool,
    /// The institutions whose data the user may see (all of them when `group_wide`).
    pub institutions: Vec<InstitutionRef>,
    /// Permissions this build does not know (a newer server) are left out when reading, so
    /// that a web app cached in the browser still signs in after the server is upgraded.
    #[serde(deserialize_with = "known")]
    pub permissions: Vec<Permission>,
    /// Two-factor sign-in is on (X-6c).
    pub totp_enabled: bool,
    /// A role of the user requires two-factor sign-in; until it is on, only the
    /// `/auth` endpoints answer (403 `totp_enrollment_required` elsewhere).
    pub totp_required: bool,
    /// The time zone whose date is the user's "today" (X-11) — the web app's default day for
    /// arrivals, consultations and statistics, and its check of birth dates — rather than the
    /// browser's: that of the first of the user's institutions (by code), the group's home
    /// zone without one.
    #[cfg_attr(feature = "openapi", schema(example = "Asia/Shanghai"))]
    #[serde(default = "home_time_zone")]
    pub time_zone: String,
}

fn home_time_zone() -> String {
    crate::api::org::HOME_TIME_ZONE.to_string()
}

/// A list of codes, keeping those this build knows.
fn known<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let raw: Vec<serde_json::Value> = Deserialize::deserialize(d)?;
    Ok(raw
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect())
}

impl Me {
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}

/// An API key of a machine client (X-3). The key itself is shown only once, at creation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    pub id: Uuid,
    /// The integration user the key acts as (its roles and institutions apply).
    pub user_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "HIS 生产环境"))]
    pub name: String,
    /// The first characters of the key, to recognise it.
    #[cfg_attr(feature = "openapi", schema(example = "hk_3f9a1c"))]
    pub prefix: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    /// What the key may reach (X-3): its scopes. A request made with the key may do what its
    /// user's roles allow and one of these scopes grants (`ApiScope::permissions`).
    #[cfg_attr(feature = "openapi", schema(example = json!(["patients:read", "patients:write", "visits:write"])))]
    pub scopes: Vec<crate::ApiScope>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "HIS 生产环境", "expires_at": "2027-12-31T16:00:00Z", "scopes": ["patients:read", "patients:write", "visits:write", "batches:read"]})))]
#[serde(deny_unknown_fields)]
pub struct ApiKeyCreate {
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::validation::not_blank"),
        custom(function = "crate::validation::line")
    )]
    pub name: String,
    /// When the key stops working; never when absent.
    #[serde(default)]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// What the key may reach (least privilege): scopes whose permissions the user's roles
    /// all hold (else 422 `beyond_role`). Absent: every such scope.
    #[serde(default)]
    pub scopes: Option<Vec<crate::ApiScope>>,
}

/// The new key — store it now, it cannot be shown again — and its record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyCreated {
    /// Send as `Authorization: Bearer <key>`.
    #[cfg_attr(feature = "openapi", schema(example = "hk_3f9a1c0d…"))]
    pub key: String,
    pub api_key: ApiKey,
}

/// A new two-factor secret to enter into an authenticator app, then confirm with a code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpSetup {
    /// Base32, for typing into the app.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    )]
    pub secret: String,
    /// `otpauth://` URI, for a QR code.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "otpauth://totp/HCRM:zhang.min?secret=JBSW…&issuer=HCRM")
    )]
    pub otpauth_uri: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"code": "492039"})))]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    #[validate(custom(function = "crate::validation::totp_code"))]
    pub code: String,
}

/// Starting two-factor set-up: the user's password again, so that a stolen access token alone
/// cannot bind another phone to the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"password": "change-me-2026"})))]
#[serde(deny_unknown_fields)]
pub struct TotpSetupRequest {
    /// The signed-in user's current password.
    #[validate(length(min = 1, max = 128))]
    pub password: String,
}

/// Turning two-factor sign-in off: the password again and a current code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"password": "change-me-2026", "code": "492039"})))]
#[serde(deny_unknown_fields)]
pub struct TotpDisableRequest {
    /// The signed-in user's current password.
    #[validate(length(min = 1, max = 128))]
    pub password: String,
    /// The authenticator app's current code.
    #[validate(custom(function = "crate::validation::totp_code"))]
    pub code: String,
}

/// Sign-in policy (X-6c): which roles must use two-factor sign-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecuritySettings {
    pub totp_required_roles: Vec<Role>,
    /// 0 until first saved; send it back to change the settings.
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"totp_required_roles": ["admin", "director"], "version": 0})))]
#[serde(deny_unknown_fields)]
pub struct SecuritySettingsUpdate {
    #[validate(length(max = 10))]
    pub totp_required_roles: Vec<Role>,
    #[serde(default)]
    pub version: Option<i32>,
}

/// Whether a user with `roles` must use two-factor sign-in under `required` roles.
pub fn totp_required(roles: &[Role], required: &[Role]) -> bool {
    roles.iter().any(|r| required.contains(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totp_is_required_when_any_role_is() {
        assert!(totp_required(&[Role::Agent, Role::Admin], &[Role::Admin]));
        assert!(!totp_required(
            &[Role::Agent],
            &[Role::Admin, Role::Director]
        ));
        assert!(!totp_required(&[Role::Admin], &[]));
    }

    #[test]
    fn me_from_a_newer_server_keeps_the_roles_and_permissions_it_knows() {
        let me: Me = serde_json::from_value(serde_json::json!({
            "id": "0193a1d2-7c4e-7b10-8000-000000000001", "username": "a", "display_name": "A",
            "roles": ["agent", "astronaut"], "group_wide": false, "institutions": [],
            "permissions": ["customer.read", "moon.landing"],
            "totp_enabled": false, "totp_required": false
        }))
        .unwrap();
        assert_eq!(me.roles, [Role::Agent]);
        assert_eq!(me.permissions, [Permission::CustomerRead]);
        assert!(serde_json::from_value::<Me>(serde_json::json!({"roles": 1})).is_err());
    }

    #[test]
    fn login_takes_an_optional_code() {
        let r: LoginRequest = serde_json::from_str(r#"{"username":"a","password":"b"}"#).unwrap();
        assert_eq!(r.totp_code, None);
        let r: LoginRequest =
            serde_json::from_str(r#"{"username":"a","password":"b","totp_code":"12345"}"#).unwrap();
        assert!(r.validate().is_err());
    }
}
