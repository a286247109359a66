//! CUS-11: the customer 360 timeline — everything about a customer as one stream, newest
//! first. Each module adds its own kinds of entry; `kind` is the stable code the web app
//! translates, `title` and `summary` are ready to show.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One thing that happened to or with a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// `customer_created`, `customer_merged`, `stage_changed`, `contact`, `task_created`,
    /// `task_completed`, `task_cancelled` …
    #[cfg_attr(feature = "openapi", schema(example = "contact"))]
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(example = "术后复查提醒"))]
    pub title: String,
    pub summary: Option<String>,
    /// The record the entry is about: `customer`, `contact`, `task`, `stage_change` …
    pub entity_type: String,
    pub entity_id: Uuid,
    /// Who did it, when known.
    pub actor_id: Option<Uuid>,
}

/// One page of the timeline. Ask for the next with `before=<next_before>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelinePage {
    pub items: Vec<TimelineEntry>,
    /// The cursor of the next (older) page; `null` on the last page.
    pub next_before: Option<DateTime<Utc>>,
}
