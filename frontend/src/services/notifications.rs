//! The signed-in user's in-app notifications (the header's bell; issue 10).

use hcrm_domain::api::Problem;
use hcrm_domain::api::notifications::{Notification, NotificationCounts, NotificationsMarked};
use uuid::Uuid;

use crate::services::Api;

/// Where the newest notifications are read (for `use_loaded`).
pub const RECENT_PATH: &str = "/notifications?limit=10";

/// How many are unread (the badge).
pub async fn counts(api: &Api) -> Result<NotificationCounts, Problem> {
    api.get("/notifications/counts").await
}

pub async fn mark_read(api: &Api, id: Uuid) -> Result<Notification, Problem> {
    api.post_empty(&format!("/notifications/{id}/read"), None)
        .await
}

pub async fn mark_all_read(api: &Api) -> Result<NotificationsMarked, Problem> {
    api.post_empty("/notifications/read-all", None).await
}
