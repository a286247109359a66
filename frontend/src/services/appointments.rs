//! Appointments (ORG-2, SVC-2): the directory, clinic sessions with free places, bookings,
//! their transitions and the waitlist — every path the web app calls.

use chrono::NaiveDate;
use hcrm_domain::api::Problem;
use hcrm_domain::api::appointments::{
    Appointment, AppointmentCreate, AppointmentTransition, WaitlistCreate, WaitlistEntry,
};
use uuid::Uuid;

use crate::services::{Api, query};

/// Where the read-only directory of departments and doctors is read.
pub fn directory_path() -> String {
    "/directory".to_string()
}

/// Where a department's (or a doctor's) clinic sessions over `days` from `from` are read;
/// `free_only`: only those with a free place.
pub fn sessions_path(
    department: Option<Uuid>,
    doctor: Option<Uuid>,
    from: NaiveDate,
    days: u32,
    free_only: bool,
) -> String {
    let id = |v: Option<Uuid>| v.map(|u| u.to_string()).unwrap_or_default();
    format!(
        "/clinic-sessions{}",
        query(&[
            ("department_id", id(department)),
            ("doctor_id", id(doctor)),
            ("from", from.to_string()),
            ("days", days.to_string()),
            ("free_only", free_only.to_string()),
            ("limit", "200".into()),
        ])
    )
}

/// Where a day's appointments are read (today's arrivals), optionally of one department.
pub fn of_day_path(day: NaiveDate, department: Option<Uuid>) -> String {
    format!(
        "/appointments{}",
        query(&[
            ("from", day.to_string()),
            ("to", day.to_string()),
            (
                "department_id",
                department.map(|u| u.to_string()).unwrap_or_default()
            ),
            ("limit", "200".into()),
        ])
    )
}

/// Where a customer's coming appointments are read (the console's "next appointment").
pub fn coming_of_customer_path(customer: Uuid, today: NaiveDate) -> String {
    format!(
        "/appointments{}",
        query(&[
            ("customer_id", customer.to_string()),
            ("status", "booked".into()),
            ("from", today.to_string()),
            ("limit", "5".into()),
        ])
    )
}

pub async fn book(api: &Api, body: &AppointmentCreate) -> Result<Appointment, Problem> {
    api.post("/appointments", body).await
}

pub async fn transition(
    api: &Api,
    a: &Appointment,
    body: &AppointmentTransition,
) -> Result<Appointment, Problem> {
    api.post_versioned(
        &format!("/appointments/{}/transitions", a.id),
        a.version,
        body,
    )
    .await
}

pub async fn join_waitlist(
    api: &Api,
    session: Uuid,
    body: &WaitlistCreate,
) -> Result<WaitlistEntry, Problem> {
    api.post(&format!("/clinic-sessions/{session}/waitlist"), body)
        .await
}
