//! The business calendars (ORG-3): `/calendars` — every path the calendar page calls.

use gloo_net::http::Method;
use hcrm_domain::api::calendars::{CalendarCheck, CalendarDetail, CalendarSummary, CalendarUpdate};
use hcrm_domain::api::{Page, Problem};
use uuid::Uuid;

use crate::services::{Api, query};

const BASE: &str = "/calendars";

/// The calendars of the caller's institutions, by institution code.
pub async fn list(api: &Api) -> Result<Vec<CalendarSummary>, Problem> {
    api.get::<Page<CalendarSummary>>(&format!("{BASE}?limit=200"))
        .await
        .map(|p| p.items)
}

/// One institution's calendar with the days of `year`.
pub async fn get(api: &Api, institution: Uuid, year: i32) -> Result<CalendarDetail, Problem> {
    api.get(&format!("{BASE}/{institution}?year={year}")).await
}

pub async fn update(
    api: &Api,
    institution: Uuid,
    version: i32,
    body: &CalendarUpdate,
) -> Result<CalendarDetail, Problem> {
    api.put(&format!("{BASE}/{institution}"), version, body)
        .await
}

/// Imports `year` from a CSV file, replacing it whole.
pub async fn import(
    api: &Api,
    institution: Uuid,
    year: i32,
    notice: &str,
    document_number: &str,
    file: &wasm_bindgen::JsValue,
) -> Result<CalendarDetail, Problem> {
    let q = query(&[
        ("notice", notice.to_string()),
        ("document_number", document_number.to_string()),
    ]);
    api.upload(
        &format!("{BASE}/{institution}/years/{year}/import{q}"),
        file,
        "text/csv",
    )
    .await
}

/// The CSV file of `year`.
pub async fn export(api: &Api, institution: Uuid, year: i32) -> Result<Vec<u8>, Problem> {
    api.download(&format!("{BASE}/{institution}/years/{year}/export"))
        .await
}

/// Removes an imported year: the shipped schedule applies again.
pub async fn reset_year(
    api: &Api,
    institution: Uuid,
    year: i32,
) -> Result<CalendarDetail, Problem> {
    api.request::<CalendarDetail, ()>(
        Method::DELETE,
        &format!("{BASE}/{institution}/years/{year}"),
        None,
        None,
    )
    .await
}

/// The deadline of `working_days` from `start`, a local time of the institution's zone
/// (`YYYY-MM-DDTHH:MM:SS`).
pub async fn check(
    api: &Api,
    institution: Uuid,
    start: &str,
    working_days: u32,
) -> Result<CalendarCheck, Problem> {
    let q = query(&[
        ("start_local", start.to_string()),
        ("working_days", working_days.to_string()),
    ]);
    api.get(&format!("{BASE}/{institution}/check{q}")).await
}
