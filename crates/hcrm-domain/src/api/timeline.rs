//! CUS-11: the customer 360 timeline — everything about a customer as one stream, newest
//! first. Each module adds its own kinds of entry.
//!
//! An entry carries codes and parameters only, never display text: the web app words
//! it in the reader's language from `kind` and the coded fields. The text fields hold only
//! what users wrote (a contact's subject, a task's outcome …), shown as written.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::consultations::{ConsultationChannel, ConsultationOutcome};
use crate::api::visits::VisitKind;
use crate::customer::kinds::coded_enum;
use crate::customer::{ContactChannel, Direction, LifecycleStage, TaskKind, TaskStatus};
use crate::i18n::{Label, Lang};

coded_enum! {
    /// 时间线条目类型 — what an entry of the timeline records; it says which of the entry's
    /// parameters are set.
    pub enum TimelineEntryKind {
        CustomerCreated = "customer_created", "建档", "Customer created";
        CustomerMerged = "customer_merged", "合并重复档案", "Duplicate merged";
        StageChanged = "stage_changed", "阶段变更", "Stage changed";
        Contact = "contact", "联系", "Contact";
        TaskCreated = "task_created", "新建待办", "Task created";
        TaskCompleted = "task_completed", "待办完成", "Task done";
        TaskCancelled = "task_cancelled", "待办取消", "Task cancelled";
        ComplaintReceived = "complaint_received", "收到投诉", "Complaint received";
        ComplaintClosed = "complaint_closed", "投诉结案", "Complaint closed";
        Visit = "visit", "就诊", "Visit";
        VisitEnded = "visit_ended", "出院/疗程结束", "Discharged / course ended";
        AppointmentBooked = "appointment_booked", "预约", "Appointment booked";
        AppointmentArrived = "appointment_arrived", "到诊", "Arrived";
        AppointmentNoShow = "appointment_no_show", "爽约", "No-show";
        AppointmentCancelled = "appointment_cancelled", "取消预约", "Appointment cancelled";
        ConsultationReceived = "consultation_received", "咨询", "Consultation";
        ConsultationClosed = "consultation_closed", "咨询结束", "Consultation closed";
    }
}

coded_enum! {
    /// 阶段变更原因（系统） — the reasons the system itself writes into the stage history
    /// (CUS-3) when no user typed one; any other reason is the user's own words.
    pub enum SystemStageReason {
        Created = "created", "建档", "Customer created";
        Import = "import", "批量导入", "Imported from a file";
    }
}

impl SystemStageReason {
    /// A stage history reason as the reader sees it: the label of a system reason, else the
    /// words as the user wrote them.
    pub fn display(reason: &str, lang: Lang) -> &str {
        SystemStageReason::from_code(reason).map_or(reason, |r| r.label(lang))
    }
}

/// One thing that happened to or with a customer. Which parameters are set depends on `kind`:
///
/// | kind | subject | note | other |
/// |---|---|---|---|
/// | `customer_created` | the customer's name | — | — |
/// | `customer_merged` | the duplicate's name | — | — |
/// | `stage_changed` | — | the reason | `from_stage`, `to_stage` |
/// | `contact` | the subject | the content's first 120 characters | `channel`, `direction` |
/// | `task_created` | the task's title | — | `task_kind`, `due_on` |
/// | `task_completed`, `task_cancelled` | the task's title | the outcome | `task_status` |
/// | `visit`, `visit_ended` | the diagnosis category | — | `visit_kind`, `amount_fen` |
/// | `appointment_booked`, `…_arrived`, `…_no_show` | the doctor's or resource's name | — | `due_on` (the session's day) |
/// | `appointment_cancelled` | the doctor's or resource's name | the reason | `due_on` |
/// | `consultation_received` | the topic | the question's first 120 characters | `consultation_channel` |
/// | `consultation_closed` | the topic | the answer's first 120 characters | `consultation_outcome` |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub kind: TimelineEntryKind,
    /// The record the entry is about: `customer`, `contact`, `task`, `stage_change` …
    #[cfg_attr(feature = "openapi", schema(example = "contact"))]
    pub entity_type: String,
    pub entity_id: Uuid,
    /// Who did it, when known.
    pub actor_id: Option<Uuid>,
    /// The record's name as users wrote it (see the table above).
    #[cfg_attr(feature = "openapi", schema(example = "术后复查提醒"))]
    #[serde(default)]
    pub subject: Option<String>,
    /// Free text users wrote about it (see the table above).
    #[serde(default)]
    pub note: Option<String>,
    /// How a contact took place.
    #[serde(default)]
    pub channel: Option<ContactChannel>,
    /// Who started a contact.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// The stage a customer left.
    #[serde(default)]
    pub from_stage: Option<LifecycleStage>,
    /// The stage a customer entered.
    #[serde(default)]
    pub to_stage: Option<LifecycleStage>,
    #[serde(default)]
    pub task_kind: Option<TaskKind>,
    #[serde(default)]
    pub task_status: Option<TaskStatus>,
    /// The day a task is due; an appointment's day.
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
    /// The kind of a visit (SVC-4).
    #[serde(default)]
    pub visit_kind: Option<VisitKind>,
    /// A visit's amount, in fen.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub amount_fen: Option<i64>,
    /// How a consultation came in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consultation_channel: Option<ConsultationChannel>,
    /// What came of a consultation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consultation_outcome: Option<ConsultationOutcome>,
}

impl TimelineEntry {
    /// An entry of `kind` with no parameters yet.
    pub fn new(
        at: DateTime<Utc>,
        kind: TimelineEntryKind,
        entity_type: &str,
        entity_id: Uuid,
        actor_id: Option<Uuid>,
    ) -> TimelineEntry {
        TimelineEntry {
            at,
            kind,
            entity_type: entity_type.to_string(),
            entity_id,
            actor_id,
            subject: None,
            note: None,
            channel: None,
            direction: None,
            from_stage: None,
            to_stage: None,
            task_kind: None,
            task_status: None,
            due_on: None,
            visit_kind: None,
            amount_fen: None,
            consultation_channel: None,
            consultation_outcome: None,
        }
    }
}

/// One page of the timeline. Ask for the next with `before=<next_before>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelinePage {
    pub items: Vec<TimelineEntry>,
    /// The cursor of the next (older) page; `null` on the last page.
    pub next_before: Option<DateTime<Utc>>,
}
