//! 客户档案 — the customer archive screens (CUS-1 … CUS-13, X-6, X-6a, X-13): search, the 360
//! page, create/edit, merge, import/export, plus the shapes of endpoints hcrm-domain does not
//! describe yet (break-glass grants, contacts, tasks, timeline, relations).

pub mod break_glass;
pub mod form;
pub mod import;
pub mod list;
pub mod merge;
pub mod search;
pub mod tasks;
pub mod view;

use chrono::{DateTime, Local, NaiveDate, Utc};
use hcrm_domain::api::customers::CustomerSummary;
use hcrm_domain::customer::{
    ContactChannel, ContactParty, Direction, RelationKind, TaskKind, TaskStatus,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A break-glass grant (X-6a), as `/customers/{id}/break-glass` and the review list send it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BreakGlassGrant {
    pub id: Uuid,
    pub user_id: Uuid,
    pub customer_id: Uuid,
    #[serde(default)]
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    #[serde(default)]
    pub reviewed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub review_note: Option<String>,
}

#[derive(Serialize)]
pub struct BreakGlassRequest<'a> {
    pub reason: &'a str,
}

/// A contact record (CUS-12).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Contact {
    pub id: Uuid,
    pub channel: ContactChannel,
    pub direction: Direction,
    #[serde(default)]
    pub party: Option<ContactParty>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub feedback: Option<String>,
    #[serde(default)]
    pub agreement: Option<String>,
    #[serde(default)]
    pub next_step: Option<String>,
    #[serde(default)]
    pub next_step_on: Option<NaiveDate>,
    #[serde(default, alias = "contacted_at", alias = "at")]
    pub created_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactCreate {
    pub channel: ContactChannel,
    pub direction: Direction,
    pub party: ContactParty,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step_on: Option<NaiveDate>,
}

/// A task (a reminder from a contact's next step, a follow-up …).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Task {
    pub id: Uuid,
    #[serde(default)]
    pub kind: Option<TaskKind>,
    #[serde(default)]
    pub status: Option<TaskStatus>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, alias = "description")]
    pub note: Option<String>,
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    #[serde(default)]
    pub customer_name: Option<String>,
    #[serde(default, alias = "due_date", alias = "due_at")]
    pub due_on: Option<serde_json::Value>,
    #[serde(default)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub version: i32,
}

impl Task {
    /// The due date as text (a date or an instant).
    pub fn due_text(&self) -> String {
        match &self.due_on {
            Some(serde_json::Value::String(s)) => match s.parse::<DateTime<Utc>>() {
                Ok(t) => local_time(t),
                Err(_) => s.clone(),
            },
            _ => String::new(),
        }
    }
}

/// `GET /tasks/mine`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct MyTasks {
    #[serde(default)]
    pub today: Vec<Task>,
    #[serde(default)]
    pub overdue: Vec<Task>,
    #[serde(default)]
    pub upcoming_count: i64,
}

/// One line of the 360 timeline.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub entity_type: Option<String>,
    #[serde(default)]
    pub entity_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Timeline {
    #[serde(default)]
    pub items: Vec<TimelineEntry>,
    #[serde(default)]
    pub next_before: Option<serde_json::Value>,
}

/// A relation between two customers, seen from the customer of the page (CUS-7).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Relation {
    pub id: Uuid,
    pub kind: RelationKind,
    #[serde(default, alias = "other", alias = "related_customer", alias = "to")]
    pub related: Option<CustomerSummary>,
    #[serde(default, alias = "other_id", alias = "related_id", alias = "to_id")]
    pub related_customer_id: Option<Uuid>,
    #[serde(default, alias = "other_name", alias = "related_name")]
    pub related_customer_name: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

impl Relation {
    pub fn other_id(&self) -> Option<Uuid> {
        self.related
            .as_ref()
            .map(|c| c.id)
            .or(self.related_customer_id)
    }

    pub fn other_name(&self) -> String {
        self.related
            .as_ref()
            .map(|c| c.name.clone())
            .or_else(|| self.related_customer_name.clone())
            .unwrap_or_default()
    }
}

#[derive(Serialize)]
pub struct RelationCreate {
    pub kind: RelationKind,
    pub related_customer_id: Uuid,
}

/// The rows of a customer import (CUS-13).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct ImportReport {
    #[serde(default)]
    pub total_rows: i64,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub updated: i64,
    #[serde(default)]
    pub skipped: i64,
    #[serde(default)]
    pub errors: Vec<ImportError>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ImportError {
    pub row: i64,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// A list endpoint answers with a bare array or a page; either reads as its items.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Items<T> {
    Page { items: Vec<T> },
    List(Vec<T>),
}

impl<T> Items<T> {
    pub fn into_vec(self) -> Vec<T> {
        match self {
            Items::Page { items } | Items::List(items) => items,
        }
    }
}

/// An instant in the browser's time zone, to the minute.
pub fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}
