//! 投诉 — the complaint case's API shapes (CMP-1 … CMP-5a). The vocabularies (channel,
//! classification, severity, state, action, clock) live in [`crate::complaint::flow`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::api::customers::field_error;
use crate::complaint::flow::{
    ClockKind, ComplaintAction, ComplaintCategory, ComplaintChannel, ComplaintSeverity,
    ComplaintState,
};
use crate::complaint::{ClockState, Limit};
use crate::validation;

pub use crate::complaint::flow::ComplaintLimits;

/// A department involved: one of the institution's departments, or a name when it is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "check_department"))]
pub struct InvolvedDepartment {
    #[serde(default)]
    pub department_id: Option<Uuid>,
    /// Free text when no department record fits; filled from the record when an id is given.
    #[serde(default)]
    #[validate(length(min = 1, max = 100), custom(function = "validation::line"))]
    #[cfg_attr(feature = "openapi", schema(example = "皮肤科"))]
    pub name: Option<String>,
}

fn check_department(d: &InvolvedDepartment) -> Result<(), ValidationError> {
    if d.department_id.is_none() && d.name.as_deref().is_none_or(validation::is_blank) {
        return Err(field_error(
            "name",
            "required",
            "give department_id or a name",
        ));
    }
    Ok(())
}

/// A staff member involved: a doctor record, a user, or a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "check_staff"))]
pub struct InvolvedStaff {
    #[serde(default)]
    pub doctor_id: Option<Uuid>,
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// Free text when neither record fits; filled from the record when an id is given.
    #[serde(default)]
    #[validate(length(min = 1, max = 100), custom(function = "validation::line"))]
    #[cfg_attr(feature = "openapi", schema(example = "李护士"))]
    pub name: Option<String>,
}

fn check_staff(s: &InvolvedStaff) -> Result<(), ValidationError> {
    if s.doctor_id.is_some() && s.user_id.is_some() {
        return Err(field_error(
            "user_id",
            "conflict",
            "give doctor_id or user_id, not both",
        ));
    }
    if s.doctor_id.is_none()
        && s.user_id.is_none()
        && s.name.as_deref().is_none_or(validation::is_blank)
    {
        return Err(field_error(
            "name",
            "required",
            "give doctor_id, user_id or a name",
        ));
    }
    Ok(())
}

/// A complainant not yet in the archive: created as a potential customer in the same
/// transaction as the complaint (the shared piece of every intake, see
/// [`NewPotentialCustomer`]).
pub use crate::api::customers::NewPotentialCustomer as NewComplainant;

/// 登记投诉 — CMP-1 intake. The complainant is `customer_id` (found by phone through the
/// customer search) or `new_customer`; the receiver is the caller (首诉负责制). With
/// `settled_on_spot` and an `outcome` the case is closed at once (the short path).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "channel": "phone",
    "customer_id": "0193a1d2-7c4e-7b10-8000-00000000000f",
    "description": "术后复查等候两小时无人告知",
    "occurred_at": "2026-12-04T02:00:00Z",
    "departments": [{"department_id": "0193a1d2-7c4e-7b10-8000-0000000000d1"}],
    "staff": [{"name": "前台张护士"}],
    "demands": "道歉并说明原因"
})))]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "check_create", skip_on_field_errors = false))]
pub struct ComplaintCreate {
    /// Taken from the customer when one is given; otherwise the caller's only institution.
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    pub channel: ComplaintChannel,
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    #[serde(default)]
    #[validate(nested)]
    pub new_customer: Option<crate::api::customers::NewPotentialCustomer>,
    /// What happened, in the complainant's words.
    #[validate(
        length(min = 1, max = 4000),
        custom(function = "validation::not_blank"),
        custom(function = "validation::multiline")
    )]
    pub description: String,
    /// When it happened (not in the future).
    #[serde(default)]
    pub occurred_at: Option<DateTime<Utc>>,
    /// When the complaint was received: defaults to now; may be earlier (a letter, a weekend
    /// call), never in the future.
    #[serde(default)]
    pub received_at: Option<DateTime<Utc>>,
    #[serde(default)]
    #[validate(length(max = 10), nested)]
    pub departments: Vec<InvolvedDepartment>,
    #[serde(default)]
    #[validate(length(max = 20), nested)]
    pub staff: Vec<InvolvedStaff>,
    /// 患者诉求.
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "validation::multiline"))]
    pub demands: Option<String>,
    #[serde(default)]
    pub category: Option<ComplaintCategory>,
    #[serde(default)]
    pub severity: Option<ComplaintSeverity>,
    /// 重大医疗纠纷: a reporting task goes to the institution's directors (《医疗纠纷预防和处理条例》
    /// 第二十八条).
    #[serde(default)]
    pub major_dispute: bool,
    /// Settled on the spot (首诉负责制): needs `outcome`; the case is closed at once.
    #[serde(default)]
    pub settled_on_spot: bool,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "validation::multiline")
    )]
    pub outcome: Option<String>,
}

fn check_create(c: &ComplaintCreate) -> Result<(), ValidationError> {
    match (c.customer_id, &c.new_customer) {
        (None, None) => {
            return Err(field_error(
                "customer_id",
                "required",
                "give customer_id or new_customer",
            ));
        }
        (Some(_), Some(_)) => {
            return Err(field_error(
                "new_customer",
                "conflict",
                "give customer_id or new_customer, not both",
            ));
        }
        _ => {}
    }
    if c.settled_on_spot && c.outcome.as_deref().is_none_or(validation::is_blank) {
        return Err(field_error(
            "outcome",
            "required",
            "a complaint settled on the spot records its outcome",
        ));
    }
    Ok(())
}

/// A clock as shown (CMP-5, CMP-5a).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintClock {
    pub kind: ClockKind,
    /// The national rule's clock (CMP-5a), counted apart from the group's targets.
    pub national: bool,
    pub limit: Limit,
    pub state: ClockState,
    pub started_at: DateTime<Utc>,
    /// Moves while paused.
    pub deadline: DateTime<Utc>,
    /// Seconds left until the deadline (negative once past; working time for working
    /// limits); for a paused clock what was left when it paused; for a stopped one what was
    /// left when it stopped.
    pub seconds_left: i64,
    pub paused_since: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub breached_at: Option<DateTime<Utc>>,
}

/// A person on the case, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintPerson {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "张客服"))]
    pub name: String,
}

/// The complainant as a case shows them: name, form of address and the primary phone,
/// masked unless the caller holds `pii.read`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Complainant {
    pub id: Uuid,
    pub name: String,
    pub form_of_address: String,
    pub phone: Option<String>,
}

/// 投诉案件 — one complaint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Complaint {
    pub id: Uuid,
    pub institution_id: Uuid,
    /// CMP-2: `CODE-YYYY-MM-NNNN`.
    #[cfg_attr(feature = "openapi", schema(example = "BJ01-2026-12-0007"))]
    pub number: String,
    pub channel: ComplaintChannel,
    pub customer_id: Uuid,
    pub complainant: Complainant,
    pub description: String,
    pub occurred_at: Option<DateTime<Utc>>,
    pub received_at: DateTime<Utc>,
    /// 首诉负责人: who received it; on the case until it is handed over.
    pub receiver: ComplaintPerson,
    /// Who handles it since acceptance (the supervisor who accepted).
    pub handler: Option<ComplaintPerson>,
    pub departments: Vec<InvolvedDepartment>,
    pub staff: Vec<InvolvedStaff>,
    pub demands: Option<String>,
    pub category: Option<ComplaintCategory>,
    /// Derived from `category`: a quality complaint (质量投诉).
    pub quality: Option<bool>,
    pub severity: Option<ComplaintSeverity>,
    pub major_dispute: bool,
    pub state: ComplaintState,
    /// Waiting on the patient (unreachable, documents outstanding): clocks paused.
    pub waiting_on_patient: bool,
    /// CMP-1: the reply promised to the complainant (≤ 3 working days of receipt).
    pub promised_reply_at: DateTime<Utc>,
    pub settled_on_spot: bool,
    /// The proposed solution (制定方案).
    pub solution: Option<String>,
    /// The outcome told to the complainant.
    pub outcome: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The group's clocks (step and whole case) and the national clock, running ones first.
    pub clocks: Vec<ComplaintClock>,
    /// The actions the caller may take now.
    pub allowed_actions: Vec<ComplaintAction>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One row of the complaint list (the supervisor's queue, by urgency).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintListItem {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub number: String,
    pub channel: ComplaintChannel,
    pub state: ComplaintState,
    pub category: Option<ComplaintCategory>,
    pub severity: Option<ComplaintSeverity>,
    pub major_dispute: bool,
    pub waiting_on_patient: bool,
    pub customer_id: Uuid,
    /// 尊称 of the complainant.
    pub complainant: String,
    pub received_at: DateTime<Utc>,
    pub receiver_id: Uuid,
    pub handler_id: Option<Uuid>,
    /// The most urgent running clock (least time left), if any runs.
    pub urgent_clock: Option<ClockKind>,
    pub urgent_deadline: Option<DateTime<Utc>>,
    pub urgent_seconds_left: Option<i64>,
    /// The national clock's time left (CMP-5a), while it runs.
    pub national_seconds_left: Option<i64>,
    /// Some clock of the case is breached.
    pub breached: bool,
    pub version: i32,
}

/// `POST /complaints/{id}/transitions`: take an action of the flow (CMP-4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "action": "analyse", "comment": "前台未告知等候原因", "category": "process",
    "severity": "general", "version": 4
})))]
#[serde(deny_unknown_fields)]
pub struct ComplaintTransition {
    pub action: ComplaintAction,
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "validation::multiline"))]
    pub comment: Option<String>,
    /// The version read (or `If-Match`); 412 when the case changed since.
    #[serde(default)]
    pub version: Option<i32>,
    /// Classification, needed by `analyse` unless already set.
    #[serde(default)]
    pub category: Option<ComplaintCategory>,
    #[serde(default)]
    pub severity: Option<ComplaintSeverity>,
    /// Mark (or unmark) a major medical dispute.
    #[serde(default)]
    pub major_dispute: Option<bool>,
    /// The solution, needed by `propose`.
    #[serde(default)]
    #[validate(
        length(min = 1, max = 4000),
        custom(function = "validation::multiline")
    )]
    pub solution: Option<String>,
    /// The outcome told to the patient (`agree`, `sign_agreement`, `conclude`).
    #[serde(default)]
    #[validate(
        length(min = 1, max = 4000),
        custom(function = "validation::multiline")
    )]
    pub outcome: Option<String>,
}

/// One entry of a case's history: who, when, which action, from and to which state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintHistoryEntry {
    pub id: Uuid,
    pub action: ComplaintAction,
    /// `null` for the intake.
    pub from_state: Option<ComplaintState>,
    pub to_state: ComplaintState,
    pub actor: ComplaintPerson,
    pub at: DateTime<Utc>,
    pub comment: Option<String>,
}

/// The list's filters (`GET /complaints`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct ComplaintFilter {
    #[serde(default)]
    pub state: Option<ComplaintState>,
    /// `true`: open cases only; `false`: closed only.
    #[serde(default)]
    pub open: Option<bool>,
    #[serde(default)]
    pub category: Option<ComplaintCategory>,
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    /// Cases with a breached clock (`true`) or none (`false`).
    #[serde(default)]
    pub breached: Option<bool>,
    /// Cases the caller received or handles.
    #[serde(default)]
    pub mine: Option<bool>,
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub offset: Option<i64>,
}
