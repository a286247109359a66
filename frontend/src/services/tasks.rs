//! Staff tasks (CUS-12): my work list, a customer's open tasks, closing one.

use hcrm_domain::api::Problem;
use hcrm_domain::api::tasks::{MyTasks, Task, TaskUpdate};
use uuid::Uuid;

use crate::services::Api;

pub async fn mine(api: &Api) -> Result<MyTasks, Problem> {
    api.get("/tasks/mine").await
}

/// Where a customer's open tasks are read (for `use_loaded`).
pub fn open_of_customer_path(customer: Uuid) -> String {
    format!("/tasks?customer_id={customer}&status=open&limit=50")
}

pub async fn update(api: &Api, id: Uuid, version: i32, body: &TaskUpdate) -> Result<Task, Problem> {
    api.patch(&format!("/tasks/{id}"), version, body).await
}
