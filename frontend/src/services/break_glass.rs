//! Supervisors' review of break-glass access (X-6a).

use hcrm_domain::api::sensitive::{BreakGlassGrant, ReviewOutcome, ReviewRequest};
use hcrm_domain::api::{Page, Problem};
use uuid::Uuid;

use crate::services::Api;

/// Which grants a reviewer lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    /// Not reviewed yet.
    #[default]
    ToReview,
    /// Reviewed, optionally with one finding.
    Reviewed(Option<ReviewOutcome>),
}

/// The grants of the reviewer's institutions, newest first.
pub async fn list(api: &Api, show: Show) -> Result<Page<BreakGlassGrant>, Problem> {
    let filter = match show {
        Show::ToReview => "reviewed=false".to_string(),
        Show::Reviewed(None) => "reviewed=true".to_string(),
        Show::Reviewed(Some(o)) => format!("reviewed=true&outcome={}", o.code()),
    };
    api.get(&format!("/break-glass-reviews?{filter}&limit=200"))
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
