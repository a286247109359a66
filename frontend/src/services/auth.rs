//! The signed-in user's own two-factor sign-in (X-6c).

use hcrm_domain::api::Problem;
use hcrm_domain::api::auth::{TotpSetup, TotpSetupRequest};

use crate::services::Api;

pub const TOTP_ENABLE: &str = "/auth/totp/enable";
pub const TOTP_DISABLE: &str = "/auth/totp/disable";

/// A new secret for the authenticator app (the password is asked again).
pub async fn totp_setup(api: &Api, body: &TotpSetupRequest) -> Result<TotpSetup, Problem> {
    api.post("/auth/totp/setup", body).await
}
