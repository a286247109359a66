//! JSON shapes of the public API, shared by the server and the web app.

pub mod appointments;
pub mod audit;
pub mod auth;
pub mod calendars;
pub mod complaint_money;
pub mod complaint_stats;
pub mod complaints;
pub mod consultation_stats;
pub mod consultations;
pub mod contacts;
pub mod customers;
pub mod events;
pub mod funnel;
pub mod import;
mod import_columns;
pub mod in_visit;
pub mod integration;
pub mod merge;
pub mod notifications;
pub mod org;
pub mod relations;
pub mod sensitive;
pub mod service_times;
pub mod tasks;
pub mod timeline;
pub mod visits;

use serde::{Deserialize, Serialize};

/// One page of a list: the items, the total matching the filters, and the window asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Number of records matching the filters, over all pages.
    pub total: i64,
    /// `total` is a lower bound: more records match than were counted. A customer search
    /// counts up to 200 matches unless asked for `exact_total=true` (CUS-9, PERF-1).
    #[serde(default)]
    pub total_capped: bool,
    pub limit: i64,
    pub offset: i64,
}

/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: i64 = 200;
pub const DEFAULT_PAGE_SIZE: i64 = 50;

/// One invalid input field of a validation problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name as in the request (`code`, `roles[1]`).
    #[cfg_attr(feature = "openapi", schema(example = "code"))]
    pub field: String,
    /// Machine-readable reason; the web app translates it.
    #[cfg_attr(feature = "openapi", schema(example = "institution_code"))]
    pub code: String,
    /// English description.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "must be 2 to 6 upper-case letters or digits")
    )]
    pub message: String,
}

/// RFC 9457 problem details, sent as `application/problem+json` for every error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "https://hcrm.example/problems/validation",
    "title": "Invalid input",
    "status": 422,
    "detail": "2 fields are invalid",
    "errors": [{"field": "code", "code": "institution_code", "message": "must be 2 to 6 upper-case letters or digits"}]
})))]
pub struct Problem {
    /// A URI naming the kind of problem; its last segment is a stable code (`validation`).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For validation problems: every failing field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For `possible_duplicate` (CUS-10): the existing customers the new one may be.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<customers::DuplicateMatch>,
    /// For `merged` (a 404, issue 9 item 11): the customer this one was merged into, which
    /// clients open instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<uuid::Uuid>,
    /// For `invalid_transition` (409, CMP-4): the actions the case's flow has from its
    /// state (codes of `ComplaintAction`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_actions: Vec<String>,
    /// For `session_full` (409, SVC-2): the next sessions of the same doctor or resource
    /// (else of the department) with free places.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub free_sessions: Vec<appointments::FreeSession>,
}

impl Problem {
    /// The last segment of `type`, e.g. `validation`, `not_found`.
    pub fn code(&self) -> &str {
        self.kind.rsplit('/').next().unwrap_or(&self.kind)
    }
}

/// Deserializes a field that may be absent (leave unchanged), `null` (clear) or a value (set),
/// for nullable columns in update requests.
pub fn double_option<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}
