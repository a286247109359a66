//! 站内通知 — a user's in-app notifications (the header's bell): what happened, about which
//! record, read or not. A shared piece: any module adds one per recipient in its own write
//! transaction (`hcrm_db::notifications::notify`); the complaint escalations (CMP-5b) are
//! the first. The text is written when the notification is made, in both languages, so
//! that it reads the same later whatever changed since.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::i18n::{Label, Lang};

crate::customer::kinds::coded_enum! {
    /// 通知类型 — what a notification is about.
    pub enum NotificationKind {
        ComplaintWarning = "complaint_warning", "投诉即将超时", "Complaint deadline near";
        ComplaintBreach = "complaint_breach", "投诉已超时", "Complaint deadline breached";
        ComplaintPresident = "complaint_president", "投诉超时上报院长", "Complaint breach for the president";
    }
}

/// One notification of the signed-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "0193a1d2-7c4e-7b10-8000-0000000000a1",
    "kind": "complaint_breach",
    "title_zh": "投诉 GZ01-2026-12-0007：移交时限——超时通报（主管、总监）",
    "title_en": "Complaint GZ01-2026-12-0007: hand-over — breach (supervisor and director)",
    "source_type": "complaint",
    "source_id": "0193a1d2-7c4e-7b10-8000-0000000000c7",
    "institution_id": "0193a1d2-7c4e-7b10-8000-000000000001",
    "created_at": "2026-12-07T02:00:00Z",
    "read_at": null
})))]
pub struct Notification {
    pub id: Uuid,
    pub kind: NotificationKind,
    pub title_zh: String,
    pub title_en: String,
    /// The record it is about (`complaint` …) and its id, for a link.
    pub source_type: Option<String>,
    pub source_id: Option<String>,
    pub institution_id: Uuid,
    pub created_at: DateTime<Utc>,
    /// `null` while unread.
    pub read_at: Option<DateTime<Utc>>,
}

impl Notification {
    /// The title in `lang`.
    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.title_zh,
            Lang::En => &self.title_en,
        }
    }
}

/// How many notifications the signed-in user has not read (the header's badge).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"unread": 3})))]
pub struct NotificationCounts {
    pub unread: i64,
}

/// What marking all as read did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"marked": 3})))]
pub struct NotificationsMarked {
    pub marked: i64,
}
