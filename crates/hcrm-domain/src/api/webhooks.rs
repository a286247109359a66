//! 事件推送 (INT-3): webhook subscriptions of an institution, the messages sent to them (the
//! outbox) and the log of every attempt. Event types are the domain events' kinds
//! ([`DomainEventKind`]): one registry for the modules that raise them and the receivers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::api::double_option;
use crate::api::events::DomainEventKind;
use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};
use crate::validation;

coded_enum! {
    /// 推送状态 — where a message stands.
    pub enum WebhookDeliveryStatus {
        Pending = "pending", "待发送", "Pending";
        Delivered = "delivered", "已送达", "Delivered";
        Failed = "failed", "已放弃", "Given up";
    }
}

coded_enum! {
    /// 停用原因 — why the server turned a subscription off by itself.
    pub enum WebhookDisabledReason {
        Gone = "gone", "接收方已注销（410）", "Receiver gone (410)";
    }
}

/// One subscription (never its secret, which is shown once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookSubscription {
    pub id: Uuid,
    /// Its events are this institution's.
    pub institution_id: Uuid,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "https://his.example.cn/hcrm/events")
    )]
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<DomainEventKind>,
    pub active: bool,
    /// Set when the server turned it off (the receiver answered 410).
    pub disabled_reason: Option<WebhookDisabledReason>,
    /// The secret's first characters, to tell which one a receiver holds.
    #[cfg_attr(feature = "openapi", schema(example = "whsec_MfKQ"))]
    pub secret_hint: String,
    /// After a rotation, the previous secret also signs until then.
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn check_event_types(list: &[DomainEventKind]) -> Result<(), ValidationError> {
    if list.is_empty() {
        return Err(ValidationError::new("required"));
    }
    if list.len() > DomainEventKind::ALL.len() {
        return Err(ValidationError::new("length"));
    }
    Ok(())
}

/// A new subscription. The URL must be `http://` or `https://`; see the README on which
/// addresses a server delivers to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"url": "https://his.example.cn/hcrm/events", "description": "HIS 生产环境", "event_types": ["complaint_created", "appointment_booked"]})))]
#[serde(deny_unknown_fields)]
pub struct WebhookSubscriptionCreate {
    /// One of the caller's institutions; may be left out by a caller with only one.
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    #[validate(length(min = 1, max = 2000))]
    pub url: String,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 200),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub description: Option<String>,
    #[validate(custom(function = "check_event_types"))]
    pub event_types: Vec<DomainEventKind>,
    /// Default true.
    #[serde(default)]
    pub active: Option<bool>,
}

/// A change of a subscription; send the version read in `If-Match` (or as `version`).
/// Turning it on again clears `disabled_reason`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"active": false})))]
#[serde(deny_unknown_fields)]
pub struct WebhookSubscriptionUpdate {
    #[serde(default)]
    #[validate(length(min = 1, max = 2000))]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    #[validate(
        length(min = 1, max = 200),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub description: Option<Option<String>>,
    #[serde(default)]
    #[validate(custom(function = "check_event_types"))]
    pub event_types: Option<Vec<DomainEventKind>>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub version: Option<i32>,
}

/// A new subscription or a rotated secret: the signing secret (`whsec_` + base64 of 32
/// bytes) — store it now, it cannot be shown again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookSecretShown {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    )]
    pub secret: String,
    pub subscription: WebhookSubscription,
}

/// One message: one event for one subscription, with where its sending stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    pub id: Uuid,
    pub subscription_id: Uuid,
    /// The event's id: the `webhook-id` header of every attempt (the receiver's idempotency
    /// key).
    pub webhook_id: String,
    pub event_type: DomainEventKind,
    pub subject_type: String,
    pub subject_id: Uuid,
    pub status: WebhookDeliveryStatus,
    /// Attempts in the current round (a redelivery starts a new one).
    pub attempts: i32,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// One attempt to send a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookAttempt {
    pub id: Uuid,
    pub attempted_at: DateTime<Utc>,
    pub duration_ms: i32,
    /// The receiver's HTTP status; absent when there was no answer.
    pub status_code: Option<i32>,
    /// A 2xx answer.
    pub success: bool,
    /// The answer's first 500 characters.
    pub response_excerpt: Option<String>,
    /// Why there was no answer (timeout, refused, address not allowed …).
    pub error: Option<String>,
    /// The server that sent it.
    pub server: String,
}

/// A message with its attempts and the body it sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDeliveryDetail {
    pub delivery: WebhookDelivery,
    pub attempts: Vec<WebhookAttempt>,
    /// The JSON body every attempt sends.
    pub body: serde_json::Value,
}

/// An event type a subscription may name, with its labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEventType {
    pub code: DomainEventKind,
    pub label_zh: String,
    pub label_en: String,
}

impl WebhookEventType {
    /// Every kind, in the registry's order.
    pub fn all() -> Vec<WebhookEventType> {
        DomainEventKind::ALL
            .into_iter()
            .map(|k| WebhookEventType {
                code: k,
                label_zh: k.label(Lang::Zh).to_string(),
                label_en: k.label(Lang::En).to_string(),
            })
            .collect()
    }
}
