//! Complaints (CMP-1 … CMP-9): every path of `/complaints` the web app calls, with the
//! hcrm-domain shapes it sends and reads.

use hcrm_domain::api::Problem;
use hcrm_domain::api::complaints::{Complaint, ComplaintCreate, ComplaintTransition};
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
