//! Typed ids (issue 8 item 2): a newtype per entity over a UUID v7, stored as text on both
//! backends, so that a customer id cannot be passed where an institution id is expected, nor
//! the two customers of a merge be swapped.
//!
//! They live here, not in hcrm-domain: the JSON API (and so the OpenAPI document and the web
//! app) carries plain UUID strings, the DTOs keep `Uuid`, and hcrm-domain stays free of
//! diesel for its wasm build. Handlers turn a path's `Uuid` into the typed id with `from`;
//! rows carry the typed ids and read back without parsing by hand (a malformed stored id is a
//! deserialization error, which diesel reports).

use std::fmt;

use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;
use uuid::Uuid;

use crate::conn::Db;

macro_rules! typed_ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow, serde::Serialize, serde::Deserialize,
        )]
        #[diesel(sql_type = Text)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new id (UUID v7: time-ordered, so new rows go to the end of indexes).
            pub fn new() -> Self {
                $name(Uuid::now_v7())
            }

            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                $name(u)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl ToSql<Text, Pg> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                use std::io::Write;
                out.write_all(self.0.hyphenated().to_string().as_bytes())?;
                Ok(IsNull::No)
            }
        }

        impl ToSql<Text, Sqlite> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.0.hyphenated().to_string());
                Ok(IsNull::No)
            }
        }

        impl ToSql<Text, Db> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Db>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }

        impl FromSql<Text, Pg> for $name {
            fn from_sql(bytes: <Pg as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
                Ok($name(Uuid::parse_str(&text)?))
            }
        }

        impl FromSql<Text, Sqlite> for $name {
            fn from_sql(bytes: <Sqlite as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Sqlite>>::from_sql(bytes)?;
                Ok($name(Uuid::parse_str(&text)?))
            }
        }

        impl FromSql<Text, Db> for $name {
            fn from_sql(bytes: <Db as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                bytes.from_sql::<$name, Text>()
            }
        }
    )*};
}

typed_ids! {
    /// 客户 — a customer.
    CustomerId;
    /// 机构 — an institution (hospital) of the group.
    InstitutionId;
    /// 用户 — a user (staff member or integration client).
    UserId;
    /// 科室 — a department.
    DepartmentId;
    /// 医生 — a doctor.
    DoctorId;
    /// 检查资源 — an examination resource (ultrasound room, CT …).
    ResourceId;
    /// 检查资源排班 — one slot of a resource's weekly (or dated) schedule.
    ResourceSlotId;
    /// 出诊 — one half-day clinic session of a doctor or resource.
    SessionId;
    /// 停诊 — a doctor's leave or a resource out of service.
    ScheduleExceptionId;
    /// 预约 — an appointment.
    AppointmentId;
    /// 候补 — a waitlist entry.
    WaitlistEntryId;
    /// 联系记录 — a contact record.
    ContactId;
    /// 任务 — a task.
    TaskId;
    /// 客户关系 — a relation between two customers.
    RelationId;
    /// 破窗授权 — a break-glass grant.
    GrantId;
    /// An API key.
    ApiKeyId;
    /// 阶段变更 — one change of a customer's lifecycle stage.
    StageChangeId;
    /// 审计记录 — one entry of the audit trail.
    AuditEventId;
    /// A stored refresh token (its hash).
    RefreshTokenId;
    /// 出诊时段 — one slot of a doctor's clinic schedule.
    ScheduleSlotId;
    /// 投诉 — a complaint case.
    ComplaintId;
    /// 投诉处理记录 — one step of a complaint's history.
    ComplaintEventId;
    /// 投诉时钟 — one SLA clock of a complaint (CMP-5).
    ComplaintClockId;
    /// 投诉涉及 — a department or person a complaint involves.
    InvolvedPartyId;
    /// 投诉附件 — a complaint's attachment.
    AttachmentId;
    /// 退费/赔偿 — a complaint's refund or compensation.
    RefundId;
    /// 责任认定 — a person held responsible in a complaint, with the penalty.
    ResponsibilityId;
    /// 整改措施 — an improvement action of a complaint.
    ImprovementId;
    /// 站内通知 — one user's in-app notification.
    NotificationId;
    /// 收费/缴费明细 — a money line of a visit (issue 12).
    VisitChargeId;
    /// 对接批次 — a batch a HIS sent (issue 12).
    IntegrationBatchId;
    /// 就诊 — a visit (SVC-4).
    VisitId;
    /// 领域事件 — a domain event (INT-2).
    DomainEventId;
    /// 咨询 — a consultation (SVC-1).
    ConsultationId;
    /// 限时服务记录 — a service time measured against a target (SVC-6).
    ServiceTimeId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_id_is_its_uuid_string_in_json() {
        let u = Uuid::now_v7();
        let id = CustomerId::from(u);
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{u}\""));
        let back: CustomerId = serde_json::from_str(&format!("\"{u}\"")).unwrap();
        assert_eq!(back, id);
        assert_eq!(id.to_string(), u.to_string());
    }
}
