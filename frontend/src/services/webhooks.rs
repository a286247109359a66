//! Outgoing webhooks (INT-3): subscriptions, their messages with the log of attempts, and
//! manual redelivery — every path the webhooks admin page calls.

use hcrm_domain::api::Problem;
use hcrm_domain::api::webhooks::{
    WebhookDelivery, WebhookSecretShown, WebhookSubscription, WebhookSubscriptionCreate,
    WebhookSubscriptionUpdate,
};
use uuid::Uuid;

use crate::services::Api;

pub const WEBHOOKS: &str = "/webhooks";

/// Where the subscriptions are read (for `use_loaded`).
pub fn list_path() -> String {
    format!("{WEBHOOKS}?limit=200")
}

/// Where a subscription's messages are read, newest first.
pub fn deliveries_path(subscription: Uuid) -> String {
    format!("{WEBHOOKS}/{subscription}/deliveries?limit=50")
}

/// Where one message with its attempts is read.
pub fn delivery_path(delivery: Uuid) -> String {
    format!("{WEBHOOKS}/deliveries/{delivery}")
}

pub async fn create(
    api: &Api,
    body: &WebhookSubscriptionCreate,
) -> Result<WebhookSecretShown, Problem> {
    api.post(WEBHOOKS, body).await
}

pub async fn update(
    api: &Api,
    id: Uuid,
    version: i32,
    body: &WebhookSubscriptionUpdate,
) -> Result<WebhookSubscription, Problem> {
    api.patch(&format!("{WEBHOOKS}/{id}"), version, body).await
}

pub async fn rotate(api: &Api, id: Uuid) -> Result<WebhookSecretShown, Problem> {
    api.post_empty(&format!("{WEBHOOKS}/{id}/rotate-secret"), None)
        .await
}

pub async fn redeliver(api: &Api, delivery: Uuid) -> Result<WebhookDelivery, Problem> {
    api.post_empty(&format!("{}/redeliver", delivery_path(delivery)), None)
        .await
}
