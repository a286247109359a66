//! 任务 — the general work queue: reminders from contact records (CUS-12) now, follow-ups,
//! care and in-visit services later. A task belongs to a person (`owner_id`) or a team queue
//! (`team`), may be due on a day, and may link to the customer and the record it came from.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::api::{FieldError, double_option};
use crate::customer::kinds::{TaskKind, TaskStatus};
use crate::validation;

/// One task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub kind: TaskKind,
    #[cfg_attr(feature = "openapi", schema(example = "周五电话确认复查时间"))]
    pub title: String,
    pub description: Option<String>,
    /// The person who does it; `null` while it waits in a team queue.
    pub owner_id: Option<Uuid>,
    /// The team queue (`follow_up`, `care` …).
    pub team: Option<String>,
    pub due_on: Option<NaiveDate>,
    /// A time of day, when it matters (a call at 15:00).
    pub due_at: Option<DateTime<Utc>>,
    pub status: TaskStatus,
    pub customer_id: Option<Uuid>,
    /// What made the task: `contact`, later `follow_up_plan`, `care_calendar` …
    pub source_type: Option<String>,
    /// The id of that record.
    pub source_id: Option<String>,
    pub outcome: Option<String>,
    /// When it was done or cancelled.
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<Uuid>,
    /// Open and due before today (Beijing date).
    pub overdue: bool,
    pub version: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The linked customer as a work list names them (CUS-12, X-13): given in lists
    /// (`GET /tasks`, `GET /tasks/mine`), absent on a single task and when none is linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<TaskCustomer>,
}

/// 客户 — who a task is about, enough to call them: the name, the form of address (尊称) and
/// the first phone, always masked (a work list is no place for full numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskCustomer {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "张建国"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "张大爷"))]
    pub form_of_address: String,
    /// The primary (else first) phone, masked.
    #[cfg_attr(feature = "openapi", schema(example = "138****5678"))]
    pub phone: Option<String>,
}

/// The signed-in user's work: open tasks overdue, due today and due in the coming week, and
/// how many there are of each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyTasks {
    /// Open, due today; by time of day.
    pub today: Vec<Task>,
    /// Open, due before today; oldest first.
    pub overdue: Vec<Task>,
    /// Open, due in the [`UPCOMING_DAYS`] after today; by date, then time of day.
    pub upcoming: Vec<Task>,
    /// Open tasks due after today or without a date (the coming week's included).
    pub upcoming_count: i64,
    /// How many of each there are (the lists stop at [`MY_TASKS_LIMIT`]).
    pub counts: MyTaskCounts,
}

/// How many open tasks the signed-in user has, by when they are due (the home page's
/// badges).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "overdue": 2, "today": 5, "upcoming": 12, "later": 37
})))]
pub struct MyTaskCounts {
    /// Due before today.
    pub overdue: i64,
    /// Due today.
    pub today: i64,
    /// Due in the [`UPCOMING_DAYS`] after today.
    pub upcoming: i64,
    /// Due after that, or without a date.
    pub later: i64,
}

/// Most tasks `today`, `overdue` and `upcoming` list each.
pub const MY_TASKS_LIMIT: i64 = 200;

/// The coming week: tasks due in this many days after today are "upcoming".
pub const UPCOMING_DAYS: i64 = 7;

/// A new task. Without `owner_id` and `team` it is the caller's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "kind": "follow_up", "title": "出院后第3天电话回访", "due_on": "2026-12-01",
    "customer_id": "0193a1d2-7c4e-7b10-8000-00000000000f"
})))]
#[serde(deny_unknown_fields)]
pub struct TaskCreate {
    /// Taken from the customer when one is linked; otherwise the caller's only institution.
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    /// Defaults to `other`.
    #[serde(default)]
    pub kind: Option<TaskKind>,
    #[validate(
        length(min = 1, max = 200),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub title: String,
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub description: Option<String>,
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    #[serde(default)]
    #[validate(
        length(max = 50),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub team: Option<String>,
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
    /// Sets `due_on` (its Beijing date) when that is absent.
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    #[serde(default)]
    #[validate(length(min = 1, max = 30), custom(function = "validation::line"))]
    pub source_type: Option<String>,
    #[serde(default)]
    #[validate(length(min = 1, max = 64), custom(function = "validation::line"))]
    pub source_id: Option<String>,
}

impl TaskCreate {
    pub fn cross_field_errors(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        if self.source_id.is_some() && self.source_type.is_none() {
            out.push(FieldError {
                field: "source_type".into(),
                code: "required".into(),
                message: "a source id needs its source type".into(),
            });
        }
        // The Beijing date needs the time-zone database: the server checks it (feature
        // `zones`); the web app leaves it to the server's answer.
        #[cfg(feature = "zones")]
        if let (Some(on), Some(at)) = (self.due_on, self.due_at)
            && beijing_date(at) != on
        {
            out.push(FieldError {
                field: "due_at".into(),
                code: "due_mismatch".into(),
                message: "the time is not on the due date (Beijing time)".into(),
            });
        }
        out
    }
}

/// The date of an instant in the group's home time zone (Beijing), where a request's due time
/// is checked against its due date before the task's institution is known.
#[cfg(feature = "zones")]
pub fn beijing_date(t: DateTime<Utc>) -> NaiveDate {
    crate::time::date_in(t, crate::time::HOME_TIME_ZONE.name())
}

/// Changes to a task; absent fields stay, `null` clears. Send the version in `If-Match`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"status": "done", "outcome": "已电话确认，周六上午复查"})))]
#[serde(deny_unknown_fields)]
pub struct TaskUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 200),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub title: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub description: Option<Option<String>>,
    /// Reassign: an active user of the task's institution; `null` leaves it to the team.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner_id: Option<Option<Uuid>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(
        length(max = 50),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub team: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub due_on: Option<Option<NaiveDate>>,
    /// `open` → `done`/`cancelled`, and back to `open` (reopen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<TaskStatus>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub outcome: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
}

/// Whether a task is overdue on `today`.
pub fn is_overdue(status: TaskStatus, due_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    status == TaskStatus::Open && due_on.is_some_and(|d| d < today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lifecycle;

    #[test]
    fn status_moves() {
        use TaskStatus::*;
        let table = [
            (Open, Open, true),
            (Open, Done, true),
            (Open, Cancelled, true),
            (Done, Open, true),
            (Done, Done, true),
            (Done, Cancelled, false),
            (Cancelled, Open, true),
            (Cancelled, Done, false),
            (Cancelled, Cancelled, true),
        ];
        assert_eq!(table.len(), TaskStatus::ALL.len().pow(2));
        for (from, to, ok) in table {
            let anyone = crate::PermissionSet::default();
            assert_eq!(from.check_move(to, &anyone).is_ok(), ok, "{from} → {to}");
        }
    }

    #[test]
    fn overdue_is_open_and_due_before_today() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let yesterday = today.pred_opt().unwrap();
        assert!(is_overdue(TaskStatus::Open, Some(yesterday), today));
        assert!(!is_overdue(TaskStatus::Open, Some(today), today));
        assert!(!is_overdue(TaskStatus::Open, None, today));
        assert!(!is_overdue(TaskStatus::Done, Some(yesterday), today));
        assert!(!is_overdue(TaskStatus::Cancelled, Some(yesterday), today));
    }

    #[test]
    fn due_time_must_fall_on_the_due_date_in_beijing() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // 17:00 UTC is 01:00 the next day in Beijing.
        assert_eq!(
            beijing_date(t("2026-11-30T17:00:00Z")),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
        let x: TaskCreate = serde_json::from_value(serde_json::json!({
            "title": "回访", "due_on": "2026-12-01", "due_at": "2026-11-30T17:00:00Z"
        }))
        .unwrap();
        assert!(x.cross_field_errors().is_empty());
        let x: TaskCreate = serde_json::from_value(serde_json::json!({
            "title": "回访", "due_on": "2026-11-30", "due_at": "2026-11-30T17:00:00Z"
        }))
        .unwrap();
        assert_eq!(x.cross_field_errors()[0].field, "due_at");
        let x: TaskCreate = serde_json::from_value(serde_json::json!({
            "title": "回访", "source_id": "abc"
        }))
        .unwrap();
        assert_eq!(x.cross_field_errors()[0].field, "source_type");
    }
}
