//! Staff tasks (CUS-12): my work list, a customer's open tasks, closing one.

use hcrm_domain::api::Problem;
use hcrm_domain::api::tasks::{MyTaskCounts, MyTasks, Task, TaskUpdate};
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

/// How many open tasks I have, by when they are due (the home page).
pub async fn my_counts(api: &Api) -> Result<MyTaskCounts, Problem> {
    api.get("/tasks/mine/counts").await
}

/// Where a page of all my open tasks is read, by due date (for `use_loaded`).
pub fn all_mine_open_path(limit: i64, offset: i64) -> String {
    format!("/tasks?mine=true&status=open&sort=due_on&limit={limit}&offset={offset}")
}
