//! 领域事件 — what happened, raised once by the module where it happens and read by the
//! modules that act on it (admission assistance now; follow-up plans, tiers, points and the
//! outgoing webhooks later, INT-2/INT-3). One vocabulary for all modules: a module adds its
//! kinds here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};

coded_enum! {
    /// 事件类型 — the kind of a domain event; with the record it is about, it happens once.
    pub enum DomainEventKind {
        VisitRecorded = "visit_recorded", "就诊已记录", "Visit recorded";
        VisitAdmitted = "visit_admitted", "入院", "Admitted";
        VisitDischarged = "visit_discharged", "出院", "Discharged";
        VisitSurgery = "visit_surgery", "手术", "Surgery";
        VisitCourseEnded = "visit_course_ended", "疗程结束", "Treatment course ended";
        SpendingRecorded = "spending_recorded", "消费已记录", "Spending recorded";
        PaymentRecorded = "payment_recorded", "缴费已记录", "Payment recorded";
    }
}

/// One domain event as stored: `seq` orders them (a consumer's cursor), `id` names it to
/// the outside (a webhook's `webhook-id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DomainEvent {
    pub seq: i64,
    pub id: Uuid,
    pub kind: DomainEventKind,
    /// The record it is about (`visit` …).
    pub subject_type: String,
    pub subject_id: Uuid,
    pub institution_id: Uuid,
    pub customer_id: Option<Uuid>,
    /// When it happened (a discharge's time), not when it was recorded.
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    /// The record's facts at the time, as JSON.
    pub payload: serde_json::Value,
}
