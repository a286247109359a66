//! Complaints (CMP-1 … CMP-9): every path of `/complaints` the web app calls, with the
//! hcrm-domain shapes it sends and reads.

use hcrm_domain::api::Problem;
use hcrm_domain::api::complaint_money::{
    Attachment, Improvement, ImprovementCreate, ImprovementUpdate, Refund, RefundCreate,
    RefundTransition, Responsibility, ResponsibilityConfirm, ResponsibilityCreate,
};
use hcrm_domain::api::complaints::{
    Complaint, ComplaintCreate, ComplaintSettings, ComplaintTransition, ComplaintUpdate,
};
use uuid::Uuid;

use crate::services::{Api, query};

pub const BASE: &str = "/complaints";

/// Where one case is read (for `use_loaded`).
pub fn one_path(id: Uuid) -> String {
    format!("{BASE}/{id}")
}

/// Where a case's history is read.
pub fn history_path(id: Uuid) -> String {
    format!("{BASE}/{id}/history")
}

/// Where a page of the queue is read; empty filters are left out.
pub fn list_path(params: &[(&str, String)]) -> String {
    format!("{BASE}{}", query(params))
}

/// Where a customer's open cases are read, the most urgent first (the agent console).
pub fn open_of_customer_path(customer: Uuid) -> String {
    format!("{BASE}?customer_id={customer}&open=true&limit=20")
}

pub async fn create(api: &Api, body: &ComplaintCreate) -> Result<Complaint, Problem> {
    api.post(BASE, body).await
}

/// Takes an action of the flow (CMP-4); the case as it is after.
pub async fn transition(
    api: &Api,
    id: Uuid,
    body: &ComplaintTransition,
) -> Result<Complaint, Problem> {
    api.post(&format!("{BASE}/{id}/transitions"), body).await
}

/// Corrects a case's details (the version read goes in `If-Match`); the case as it is after.
pub async fn update(api: &Api, id: Uuid, body: &ComplaintUpdate) -> Result<Complaint, Problem> {
    api.patch(&one_path(id), body.version.unwrap_or(0), body)
        .await
}

// Money and accountability (CMP-6, CMP-7) and attachments (CMP-9).

/// Where a case's refunds, responsibility findings, improvement actions or attachments are
/// read (for `use_loaded`), and created (POST).
pub fn part_path(id: Uuid, part: &str) -> String {
    format!("{BASE}/{id}/{part}")
}

pub async fn create_refund(api: &Api, id: Uuid, body: &RefundCreate) -> Result<Refund, Problem> {
    api.post(&part_path(id, "refunds"), body).await
}

pub async fn move_refund(
    api: &Api,
    id: Uuid,
    refund: &Refund,
    body: &RefundTransition,
) -> Result<Refund, Problem> {
    let path = format!("{}/{}/transitions", part_path(id, "refunds"), refund.id);
    api.post_versioned(&path, refund.version, body).await
}

pub async fn create_responsibility(
    api: &Api,
    id: Uuid,
    body: &ResponsibilityCreate,
) -> Result<Responsibility, Problem> {
    api.post(&part_path(id, "responsibilities"), body).await
}

pub async fn confirm_responsibility(
    api: &Api,
    id: Uuid,
    r: &Responsibility,
    body: &ResponsibilityConfirm,
) -> Result<Responsibility, Problem> {
    let path = format!(
        "{}/{}/confirmation",
        part_path(id, "responsibilities"),
        r.id
    );
    api.post_versioned(&path, r.version, body).await
}

/// The penalty slip (员工过失处罚单) as a self-contained HTML page in `lang`.
pub async fn penalty_slip(
    api: &Api,
    id: Uuid,
    responsibility: Uuid,
    lang: hcrm_domain::Lang,
) -> Result<Vec<u8>, Problem> {
    let path = format!(
        "{}/{responsibility}/slip?lang={}",
        part_path(id, "responsibilities"),
        lang.pick("zh", "en")
    );
    api.download(&path).await
}

pub async fn create_improvement(
    api: &Api,
    id: Uuid,
    body: &ImprovementCreate,
) -> Result<Improvement, Problem> {
    api.post(&part_path(id, "improvements"), body).await
}

pub async fn update_improvement(
    api: &Api,
    id: Uuid,
    i: &Improvement,
    body: &ImprovementUpdate,
) -> Result<Improvement, Problem> {
    let path = format!("{}/{}", part_path(id, "improvements"), i.id);
    api.patch(&path, i.version, body).await
}

/// Uploads a file as the request body; `kind`, `file_name`, `description` in the query.
pub async fn upload_attachment(
    api: &Api,
    id: Uuid,
    params: &[(&str, String)],
    file: &wasm_bindgen::JsValue,
) -> Result<Attachment, Problem> {
    let path = format!("{}{}", part_path(id, "attachments"), query(params));
    api.upload(&path, file, "application/octet-stream").await
}

pub async fn download_attachment(api: &Api, id: Uuid, a: &Attachment) -> Result<Vec<u8>, Problem> {
    api.download(&format!(
        "{}/{}/content",
        part_path(id, "attachments"),
        a.id
    ))
    .await
}

/// Where a month's confirmed penalties are read (`YYYY-MM`; empty: last month, the API's
/// default) — the review due by the 10th (CMP-7).
pub fn penalties_path(month: &str) -> String {
    if month.is_empty() {
        "/penalties".to_string()
    } else {
        format!("/penalties?month={month}")
    }
}

/// Where the complaint limits are read (admin).
pub const SETTINGS_PATH: &str = "/settings/complaints";

/// Saves the complaint limits with the version read.
pub async fn put_settings(
    api: &Api,
    body: &ComplaintSettings,
) -> Result<ComplaintSettings, Problem> {
    api.put(SETTINGS_PATH, body.version.unwrap_or(0), body)
        .await
}
