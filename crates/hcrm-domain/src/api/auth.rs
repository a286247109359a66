//! Sign-in, tokens and the signed-in user's profile.

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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"refresh_token": "rt_3k9w…"})))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 256))]
    pub refresh_token: String,
}

/// Tokens returned by login and refresh. Keep the refresh token secret; it rotates on use.
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
    pub refresh_token: String,
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
    pub roles: Vec<Role>,
    /// True when the user sees every institution of the group.
    pub group_wide: bool,
    /// The institutions whose data the user may see (all of them when `group_wide`).
    pub institutions: Vec<InstitutionRef>,
    pub permissions: Vec<Permission>,
}

impl Me {
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}

/// An API key of a machine client. The key itself is shown only once, at creation.
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "HIS 生产环境", "expires_at": "2027-12-31T16:00:00Z"})))]
#[serde(deny_unknown_fields)]
pub struct ApiKeyCreate {
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::validation::not_blank")
    )]
    pub name: String,
    /// When the key stops working; never when absent.
    #[serde(default)]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
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
