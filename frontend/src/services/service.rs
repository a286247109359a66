//! The service centre's records (SVC-1, SVC-3, SVC-6): consultations and their daily
//! statistics, in-visit services and their day board, service time limits and their report.

use hcrm_domain::api::Problem;
use hcrm_domain::api::consultations::{Consultation, ConsultationClose, ConsultationCreate};
use hcrm_domain::api::in_visit::{InVisitTask, InVisitUpdate};
use hcrm_domain::api::service_times::{ServiceTime, ServiceTimeCreate, ServiceTimeLimits};
use uuid::Uuid;

use crate::services::Api;

pub async fn create_consultation(
    api: &Api,
    body: &ConsultationCreate,
) -> Result<Consultation, Problem> {
    api.post("/consultations", body).await
}

pub async fn close_consultation(
    api: &Api,
    id: Uuid,
    version: i32,
    body: &ConsultationClose,
) -> Result<Consultation, Problem> {
    api.post_versioned(&format!("/consultations/{id}/close"), version, body)
        .await
}

/// Where a page of consultations is read (for `use_loaded`); `filters` are query pairs.
pub fn consultations_path(filters: &str, limit: i64, offset: i64) -> String {
    let sep = if filters.is_empty() { "" } else { "&" };
    format!("/consultations?limit={limit}&offset={offset}{sep}{filters}")
}

/// Where the daily statistics of `from`–`to` are read (for `use_loaded`).
pub fn statistics_path(from: &str, to: &str) -> String {
    format!("/consultations/statistics?from={from}&to={to}")
}

/// The statistics as a CSV file.
pub async fn statistics_csv(
    api: &Api,
    from: &str,
    to: &str,
    lang: &str,
) -> Result<Vec<u8>, Problem> {
    api.download(&format!(
        "/consultations/statistics?from={from}&to={to}&format=csv&lang={lang}"
    ))
    .await
}

pub async fn update_in_visit(
    api: &Api,
    id: Uuid,
    version: i32,
    body: &InVisitUpdate,
) -> Result<InVisitTask, Problem> {
    api.patch(&format!("/in-visit-services/{id}"), version, body)
        .await
}

/// Where a day's board is read (for `use_loaded`).
pub fn board_path(date: &str) -> String {
    format!("/in-visit-services/board?date={date}")
}

/// Where the time limits are read (for `use_loaded`).
pub const LIMITS_PATH: &str = "/settings/service-time-limits";

pub async fn save_limits(
    api: &Api,
    version: i32,
    body: &ServiceTimeLimits,
) -> Result<ServiceTimeLimits, Problem> {
    api.put(LIMITS_PATH, version, body).await
}

pub async fn record_time(api: &Api, body: &ServiceTimeCreate) -> Result<ServiceTime, Problem> {
    api.post("/service-times", body).await
}

/// Where a month's report is read (for `use_loaded`).
pub fn time_report_path(month: &str) -> String {
    format!("/service-times/report?month={month}")
}
