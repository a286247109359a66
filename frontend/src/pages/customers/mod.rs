//! 客户档案 — the customer archive screens (CUS-1 … CUS-13, X-6, X-6a, X-13): search, the 360
//! page, create/edit, merge, import/export. Every shape it sends or reads is hcrm-domain's.

pub mod break_glass;
pub mod contacts;
pub mod form;
pub mod import;
pub mod list;
pub mod merge;
pub mod picker;
pub mod profile;
pub mod relations;
pub mod search;
pub mod sensitive;
pub mod tasks;
pub mod timeline;
pub mod view;
pub mod visits;

use chrono::{DateTime, Local, Utc};

pub use crate::services::Items;
pub use hcrm_domain::api::contacts::{Contact, ContactCreate};
pub use hcrm_domain::api::relations::RelationCreate;
pub use hcrm_domain::api::sensitive::{BreakGlassGrant, BreakGlassRequest};
pub use hcrm_domain::api::tasks::{MyTasks, Task, TaskUpdate};

/// When a task is due, as text.
pub fn due_text(t: &Task) -> String {
    match (t.due_at, t.due_on) {
        (Some(at), _) => local_time(at),
        (None, Some(on)) => on.to_string(),
        (None, None) => String::new(),
    }
}

/// An instant in the browser's time zone, to the minute.
pub fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

/// An instant in time zone `zone` (IANA, e.g. the institution's as the API gives it, X-11),
/// to the minute, "2026-12-07 09:30". The browser's zone when `zone` is empty or unknown.
pub fn zoned_time(t: DateTime<Utc>, zone: &str) -> String {
    crate::clock::wall_clock(t, zone)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| local_time(t))
}
