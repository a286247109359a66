//! 预约 — the API shapes of clinic sessions, examination resources, schedule exceptions,
//! appointments, the waitlist and the directory (ORG-2, SVC-2, SVC-2a). The vocabularies and
//! rules live in [`crate::appointment`].

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::api::customers::field_error;
use crate::api::org::{HalfDay, ScheduleSlot};
use crate::appointment::{
    AppointmentAction, AppointmentKind, AppointmentStatus, ResourceKind, SessionOrigin,
    SessionStatus, WaitlistStatus,
};
use crate::customer::CustomerKind;
use crate::validation;

fn one_place() -> i32 {
    1
}

/// 检查资源 — an examination resource (ultrasound room, CT …) with its weekly schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClinicResource {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub department_id: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(example = "彩超二室"))]
    pub name: String,
    pub kind: ResourceKind,
    pub schedule: Vec<ScheduleSlot>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new examination resource: in `department_id`'s institution, else `institution_id`'s
/// (or the caller's only one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "department_id": "0193a1d2-7c4e-7b10-8000-000000000002", "name": "彩超二室", "kind": "ultrasound",
    "schedule": [{"weekday": 1, "half_day": "morning", "capacity": 30}]
})))]
#[serde(deny_unknown_fields)]
pub struct ClinicResourceCreate {
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    #[serde(default)]
    pub department_id: Option<Uuid>,
    #[validate(length(min = 1, max = 100), custom(function = "validation::line"))]
    pub name: String,
    pub kind: ResourceKind,
    #[serde(default)]
    #[validate(nested, length(max = 50))]
    pub schedule: Vec<ScheduleSlot>,
}

/// Changes to a resource; a given `schedule` replaces the whole schedule (sessions already
/// made stay as they are).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "彩超一室", "version": 1})))]
#[serde(deny_unknown_fields)]
pub struct ClinicResourceUpdate {
    #[serde(default)]
    #[validate(length(min = 1, max = 100), custom(function = "validation::line"))]
    pub name: Option<String>,
    #[serde(default)]
    pub kind: Option<ResourceKind>,
    #[serde(default)]
    #[validate(nested, length(max = 50))]
    pub schedule: Option<Vec<ScheduleSlot>>,
    #[serde(default)]
    pub active: Option<bool>,
    /// The version read, unless sent in `If-Match`.
    #[serde(default)]
    pub version: Option<i32>,
}

/// 出诊 — one half-day of one doctor (or resource) with its places.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClinicSession {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub department_id: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(example = "心内科"))]
    pub department_name: Option<String>,
    /// The doctor, or absent for a resource's session.
    pub doctor_id: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(example = "李建国"))]
    pub doctor_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = "主任医师"))]
    pub doctor_title: Option<String>,
    /// The examination resource, or absent for a doctor's session.
    pub resource_id: Option<Uuid>,
    pub resource_name: Option<String>,
    pub date: NaiveDate,
    pub half_day: HalfDay,
    pub capacity: i32,
    pub booked: i32,
    /// `capacity - booked`.
    pub free: i32,
    pub status: SessionStatus,
    pub origin: SessionOrigin,
    pub cancel_reason: Option<String>,
    pub version: i32,
}

/// 加诊 — an extra session of a doctor or a resource on one date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "doctor_id": "0193a1d2-7c4e-7b10-8000-000000000003", "date": "2026-12-12",
    "half_day": "afternoon", "capacity": 10
})))]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "doctor_or_resource_session"))]
pub struct ClinicSessionCreate {
    #[serde(default)]
    pub doctor_id: Option<Uuid>,
    #[serde(default)]
    pub resource_id: Option<Uuid>,
    pub date: NaiveDate,
    pub half_day: HalfDay,
    #[validate(range(min = 1, max = 500))]
    pub capacity: i32,
}

fn doctor_or_resource_session(s: &ClinicSessionCreate) -> Result<(), ValidationError> {
    doctor_or_resource(s.doctor_id, s.resource_id)
}

fn doctor_or_resource(doctor: Option<Uuid>, resource: Option<Uuid>) -> Result<(), ValidationError> {
    if doctor.is_some() == resource.is_some() {
        return Err(field_error(
            "doctor_id",
            "doctor_or_resource",
            "give exactly one of doctor_id and resource_id",
        ));
    }
    Ok(())
}

/// Make the sessions of the weekly schedules for `weeks` weeks from `from` (default today).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"weeks": 4})))]
#[serde(deny_unknown_fields)]
pub struct SessionGenerate {
    #[serde(default)]
    pub from: Option<NaiveDate>,
    #[validate(range(min = 1, max = 12))]
    pub weeks: u8,
    /// Only this institution's (default: every institution of the caller).
    #[serde(default)]
    pub institution_id: Option<Uuid>,
}

/// What a generation made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionGenerated {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Sessions made now; those that existed are left as they are.
    pub created: i64,
}

/// 停诊 — a doctor's leave (or a resource out of service) from `from` to `to`: their open
/// sessions in the range are cancelled, and each booking goes to the rebooking queue with a
/// task to tell the patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "doctor_id": "0193a1d2-7c4e-7b10-8000-000000000003", "from": "2026-12-14", "to": "2026-12-16",
    "reason": "外出学术会议"
})))]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "doctor_or_resource_exception"))]
pub struct ScheduleExceptionCreate {
    #[serde(default)]
    pub doctor_id: Option<Uuid>,
    #[serde(default)]
    pub resource_id: Option<Uuid>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[validate(
        length(min = 1, max = 500),
        custom(function = "validation::not_blank"),
        custom(function = "validation::multiline")
    )]
    pub reason: String,
}

fn doctor_or_resource_exception(s: &ScheduleExceptionCreate) -> Result<(), ValidationError> {
    doctor_or_resource(s.doctor_id, s.resource_id)?;
    if s.to < s.from {
        return Err(field_error("to", "before_from", "must not be before from"));
    }
    if (s.to - s.from).num_days() > 366 {
        return Err(field_error("to", "range", "at most a year"));
    }
    Ok(())
}

/// A recorded leave or out-of-service period, with what it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleException {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub doctor_id: Option<Uuid>,
    pub resource_id: Option<Uuid>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
    /// Open sessions it cancelled.
    pub sessions_cancelled: i32,
    /// Bookings it moved to the rebooking queue (each with a task for an agent).
    pub appointments_moved: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// The customer of an appointment, as lists show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointmentCustomer {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "王芳"))]
    pub name: String,
    pub kind: CustomerKind,
}

/// 预约 — one booking of one place, or of N places for an organization's group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Appointment {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub customer: AppointmentCustomer,
    pub session: ClinicSession,
    pub kind: AppointmentKind,
    pub places: i32,
    pub status: AppointmentStatus,
    pub note: Option<String>,
    pub cancel_reason: Option<String>,
    pub booked_by: Option<Uuid>,
    /// When the reminder task of the day before was made.
    pub reminded_at: Option<DateTime<Utc>>,
    /// When it was marked arrived, no-show or cancelled.
    pub ended_at: Option<DateTime<Utc>>,
    /// The moves the appointment has now.
    #[serde(default)]
    pub allowed_actions: Vec<AppointmentAction>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Book `places` in a session (one for a person; up to 200 for an organization's group).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "customer_id": "0193a1d2-7c4e-7b10-8000-000000000010",
    "session_id": "0193a1d2-7c4e-7b10-8000-000000000020", "kind": "expert_consultation",
    "note": "胸闷两周，要求心内科专家"
})))]
#[serde(deny_unknown_fields)]
pub struct AppointmentCreate {
    pub customer_id: Uuid,
    pub session_id: Uuid,
    pub kind: AppointmentKind,
    #[serde(default = "one_place")]
    #[validate(range(min = 1, max = 200))]
    pub places: i32,
    #[serde(default)]
    #[validate(length(max = 500), custom(function = "validation::multiline"))]
    pub note: Option<String>,
}

/// A move: `reschedule` (to `session_id`), `cancel` (with a `reason`), `arrive`, `no_show`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"action": "cancel", "reason": "患者出差", "version": 1})))]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "check_transition"))]
pub struct AppointmentTransition {
    pub action: AppointmentAction,
    /// The new session of a `reschedule`.
    #[serde(default)]
    pub session_id: Option<Uuid>,
    /// Why a `cancel`.
    #[serde(default)]
    #[validate(length(min = 1, max = 500), custom(function = "validation::multiline"))]
    pub reason: Option<String>,
    /// The version read, unless sent in `If-Match`.
    #[serde(default)]
    pub version: Option<i32>,
}

fn check_transition(t: &AppointmentTransition) -> Result<(), ValidationError> {
    match t.action {
        AppointmentAction::Reschedule if t.session_id.is_none() => Err(field_error(
            "session_id",
            "required",
            "a reschedule names the new session",
        )),
        AppointmentAction::Cancel if t.reason.as_deref().is_none_or(validation::is_blank) => Err(
            field_error("reason", "required", "a cancellation needs a reason"),
        ),
        _ => Ok(()),
    }
}

/// A session with free places, named by a 409 `session_full` (the next ones to offer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreeSession {
    pub session_id: Uuid,
    pub date: NaiveDate,
    pub half_day: HalfDay,
    pub free: i32,
    pub doctor_id: Option<Uuid>,
    pub doctor_name: Option<String>,
    pub resource_id: Option<Uuid>,
    pub resource_name: Option<String>,
}

/// 候补 — a patient waiting for a place in a (full) session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitlistEntry {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub session_id: Uuid,
    pub customer: AppointmentCustomer,
    pub places: i32,
    pub note: Option<String>,
    pub status: WaitlistStatus,
    /// When a freed place was offered (a task for the agent who put them on the list).
    pub offered_at: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// Put a customer on a session's waitlist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "customer_id": "0193a1d2-7c4e-7b10-8000-000000000010", "note": "只能周二上午"
})))]
#[serde(deny_unknown_fields)]
pub struct WaitlistCreate {
    pub customer_id: Uuid,
    #[serde(default = "one_place")]
    #[validate(range(min = 1, max = 200))]
    pub places: i32,
    #[serde(default)]
    #[validate(length(max = 500), custom(function = "validation::multiline"))]
    pub note: Option<String>,
}

/// A doctor in the directory: who, what, when, and how many places are left this week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectoryDoctor {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "李建国"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "主任医师"))]
    pub title: String,
    pub specialties: Vec<String>,
    /// 出诊时间 — the weekly (and dated) schedule.
    pub schedule: Vec<ScheduleSlot>,
    /// Free places in the open sessions from today to Sunday.
    pub free_this_week: i64,
}

/// An examination resource in the directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectoryResource {
    pub id: Uuid,
    pub name: String,
    pub kind: ResourceKind,
    pub schedule: Vec<ScheduleSlot>,
    pub free_this_week: i64,
}

/// A department with its active doctors and resources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectoryDepartment {
    pub id: Uuid,
    pub institution_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "心内科"))]
    pub name: String,
    pub phone: Option<String>,
    pub doctors: Vec<DirectoryDoctor>,
    pub resources: Vec<DirectoryResource>,
}

/// ORG-2: the read-only directory every service role sees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Directory {
    /// Today, where the first institution listed is.
    pub week_from: NaiveDate,
    /// The Sunday of this week.
    pub week_to: NaiveDate,
    pub departments: Vec<DirectoryDepartment>,
}
