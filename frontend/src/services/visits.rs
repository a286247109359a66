//! Visits and spending (SVC-4): a customer's visits, their summary, recording one by hand.

use hcrm_domain::api::Problem;
use hcrm_domain::api::funnel::FunnelGroup;
use hcrm_domain::api::visits::{Visit, VisitCreate};
use uuid::Uuid;

use crate::services::{Api, Items};

/// The customer's most recent visits, newest first.
pub async fn of_customer(api: &Api, customer: Uuid) -> Result<Vec<Visit>, Problem> {
    let list: Items<Visit> = api
        .get(&format!("/visits?customer_id={customer}&limit=20"))
        .await?;
    Ok(list.into_vec())
}

/// Where the customer's visits and spending are read (for `use_loaded`).
pub fn summary_path(customer: Uuid) -> String {
    format!("/customers/{customer}/visit-summary")
}

pub async fn create(api: &Api, body: &VisitCreate) -> Result<Visit, Problem> {
    api.post("/visits", body).await
}

/// Where the funnel of a period is read (for `use_loaded`); empty dates: the server's default
/// (the last 30 days).
pub fn funnel_path(from: &str, to: &str, group: FunnelGroup) -> String {
    let mut pairs = vec![("group_by", group.code().to_string())];
    if !from.is_empty() {
        pairs.push(("from", from.to_string()));
    }
    if !to.is_empty() {
        pairs.push(("to", to.to_string()));
    }
    format!("/funnel{}", crate::services::query(&pairs))
}
