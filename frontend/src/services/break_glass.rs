//! Supervisors' review of break-glass access (X-6a).

use hcrm_domain::api::sensitive::{BreakGlassGrant, ReviewRequest};
use hcrm_domain::api::{Page, Problem};
use uuid::Uuid;

use crate::services::Api;

/// Grants not reviewed yet.
pub async fn pending(api: &Api) -> Result<Page<BreakGlassGrant>, Problem> {
    api.get("/break-glass-reviews?reviewed=false&limit=200")
        .await
}

pub async fn approve(api: &Api, id: Uuid) -> Result<BreakGlassGrant, Problem> {
    api.post_empty(&format!("/break-glass-reviews/{id}/approve"), None)
        .await
}

pub async fn review(api: &Api, id: Uuid, body: &ReviewRequest) -> Result<BreakGlassGrant, Problem> {
    api.post(&format!("/break-glass-reviews/{id}/review"), body)
        .await
}
