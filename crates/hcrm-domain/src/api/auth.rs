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
