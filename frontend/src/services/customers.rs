//! The customer archive's endpoints (CUS-1 … CUS-13, X-6a): every path of `/customers` the web
//! app calls, with the hcrm-domain shapes it sends and reads.

use hcrm_domain::api::Page;
use hcrm_domain::api::Problem;
use hcrm_domain::api::contacts::{Contact, ContactCreate};
use hcrm_domain::api::customers::{
    Customer, CustomerCreate, CustomerSummary, CustomerUpdate, MergeRequest, MergeResult,
    StageChange,
};
use hcrm_domain::api::import::{ExportFormat, ImportMode, ImportReport};
use hcrm_domain::api::merge::{DuplicateCheck, DuplicateCheckResult, DuplicateReport};
use hcrm_domain::api::relations::{Relation, RelationCreate};
use hcrm_domain::api::sensitive::{BreakGlassGrant, BreakGlassRequest};
use hcrm_domain::api::tasks::Task;
use hcrm_domain::api::timeline::TimelinePage;
use uuid::Uuid;

use crate::services::{Api, Items, query};

const BASE: &str = "/customers";

fn one(id: Uuid) -> String {
    format!("{BASE}/{id}")
}

/// Where one customer is read (for `use_loaded`).
pub fn one_path(id: Uuid) -> String {
    one(id)
}

pub async fn get(api: &Api, id: Uuid) -> Result<Customer, Problem> {
    api.get(&one(id)).await
}

/// A page of the search (`q`, filters, `limit`, `offset` …; empty values are left out).
pub async fn search(
    api: &Api,
    params: &[(&str, String)],
) -> Result<Page<CustomerSummary>, Problem> {
    api.get(&format!("{BASE}{}", query(params))).await
}

/// `confirm_duplicate`: create even though the server found a possible duplicate (CUS-10).
pub async fn create(
    api: &Api,
    body: &CustomerCreate,
    confirm_duplicate: bool,
) -> Result<Customer, Problem> {
    let path = if confirm_duplicate {
        format!("{BASE}?confirm_duplicate=true")
    } else {
        BASE.to_string()
    };
    api.post(&path, body).await
}

pub async fn update(
    api: &Api,
    id: Uuid,
    version: i32,
    body: &CustomerUpdate,
) -> Result<Customer, Problem> {
    api.patch(&one(id), version, body).await
}

pub async fn stage_history(api: &Api, id: Uuid) -> Result<Vec<StageChange>, Problem> {
    api.get(&format!("{}/stage-history", one(id))).await
}

/// A page of the 360 timeline, older than `before` (the previous page's `next_before`).
pub async fn timeline(
    api: &Api,
    id: Uuid,
    limit: u32,
    before: Option<&str>,
) -> Result<TimelinePage, Problem> {
    let q = query(&[
        ("limit", limit.to_string()),
        ("before", before.unwrap_or_default().to_string()),
    ]);
    api.get(&format!("{}/timeline{q}", one(id))).await
}

pub async fn contacts(api: &Api, id: Uuid) -> Result<Vec<Contact>, Problem> {
    let list: Items<Contact> = api.get(&format!("{}/contacts?limit=50", one(id))).await?;
    Ok(list.into_vec())
}

pub async fn add_contact(api: &Api, id: Uuid, body: &ContactCreate) -> Result<Contact, Problem> {
    api.post(&format!("{}/contacts", one(id)), body).await
}

/// Where the customer's relations are read (for `use_loaded`).
pub fn relations_path(id: Uuid) -> String {
    format!("{}/relations", one(id))
}

pub type Relations = Items<Relation>;

pub async fn add_relation(api: &Api, id: Uuid, body: &RelationCreate) -> Result<Relation, Problem> {
    api.post(&relations_path(id), body).await
}

pub async fn remove_relation(api: &Api, id: Uuid, relation: Uuid) -> Result<(), Problem> {
    let path = format!("{}/{relation}", relations_path(id));
    api.request::<serde_json::Value, ()>(gloo_net::http::Method::DELETE, &path, None, None)
        .await
        .map(drop)
}

/// The sections of a customer that need their own permission (CUS-5, X-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensitive {
    Medical,
    PrivateNotes,
}

impl Sensitive {
    fn path(self, id: Uuid) -> String {
        let segment = match self {
            Sensitive::Medical => "medical",
            Sensitive::PrivateNotes => "private-notes",
        };
        format!("{}/{segment}", one(id))
    }
}

/// The section as JSON: the page shows and edits it field by field
/// ([`MedicalProfile::FIELDS`](hcrm_domain::api::sensitive::MedicalProfile::FIELDS) …).
pub async fn sensitive(
    api: &Api,
    id: Uuid,
    section: Sensitive,
) -> Result<serde_json::Value, Problem> {
    api.get(&section.path(id)).await
}

pub async fn put_sensitive(
    api: &Api,
    id: Uuid,
    section: Sensitive,
    version: i32,
    body: &serde_json::Map<String, serde_json::Value>,
) -> Result<serde_json::Value, Problem> {
    api.put(&section.path(id), version, body).await
}

/// Merges the duplicate `body.from_id` into customer `id` at the `version` read (CUS-10).
pub async fn merge(
    api: &Api,
    id: Uuid,
    version: i32,
    body: &MergeRequest,
) -> Result<MergeResult, Problem> {
    api.post_versioned(&format!("{}/merge", one(id)), version, body)
        .await
}

/// The customers a phone or ID number already names, while it is typed (CUS-10).
pub async fn check_duplicates(
    api: &Api,
    body: &DuplicateCheck,
) -> Result<DuplicateCheckResult, Problem> {
    api.post(&format!("{BASE}/duplicate-check"), body).await
}

/// Reports a suspected duplicate of customer `id` to the supervisors (a task).
pub async fn report_duplicate(
    api: &Api,
    id: Uuid,
    body: &DuplicateReport,
) -> Result<Task, Problem> {
    api.post(&format!("{}/duplicate-reports", one(id)), body)
        .await
}

/// Opens a record outside one's reach for 30 minutes (X-6a).
pub async fn break_glass(
    api: &Api,
    id: Uuid,
    body: &BreakGlassRequest,
) -> Result<BreakGlassGrant, Problem> {
    api.post(&format!("{}/break-glass", one(id)), body).await
}

/// The caller's own grant for customer `id` that is open now (404 when none).
pub async fn open_grant(api: &Api, id: Uuid) -> Result<BreakGlassGrant, Problem> {
    api.get(&format!("{}/break-glass", one(id))).await
}

/// The import template: the header row of every column (CUS-13).
pub async fn import_template(api: &Api, format: ExportFormat) -> Result<Vec<u8>, Problem> {
    api.download(&format!("{BASE}/import/template?format={}", format.code()))
        .await
}

/// Imports (or with `dry_run` checks) a CSV or XLSX file (CUS-13).
pub async fn import(
    api: &Api,
    mode: ImportMode,
    dry_run: bool,
    file: &wasm_bindgen::JsValue,
    content_type: &str,
) -> Result<ImportReport, Problem> {
    let path = format!("{BASE}/import?mode={}&dry_run={dry_run}", mode.code());
    api.upload(&path, file, content_type).await
}

/// The file of an export with the search's filters (CUS-13); `unmasked` needs pii.read.
pub async fn export(
    api: &Api,
    format: ExportFormat,
    unmasked: bool,
    filters: &[(&str, String)],
) -> Result<Vec<u8>, Problem> {
    let mut params = vec![
        ("format", format.code().to_string()),
        ("unmasked", if unmasked { "true" } else { "" }.to_string()),
    ];
    params.extend(filters.iter().cloned());
    api.download(&format!("{BASE}/export{}", query(&params)))
        .await
}
