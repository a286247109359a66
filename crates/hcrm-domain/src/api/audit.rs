//! the audit trail.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};

coded_enum! {
    /// 审计操作 — what an entry of the audit trail says was done; stored as its code and
    /// filtered by it (`?action=`).
    pub enum AuditAction {
        Create = "create", "新建", "Created";
        Update = "update", "修改", "Changed";
        Delete = "delete", "删除", "Deleted";
        Deactivate = "deactivate", "停用", "Deactivated";
        Read = "read", "查看敏感信息", "Read sensitive data";
        Revoke = "revoke", "撤销", "Revoked";
        Review = "review", "复核", "Reviewed";
        Approve = "approve", "批准", "Approved";
        BreakGlass = "break_glass", "紧急查看", "Emergency access";
        Merge = "merge", "合并", "Merged";
        MergedAway = "merged_away", "被合并", "Merged into another";
        Import = "import", "导入", "Imported";
        Export = "export", "导出", "Exported";
        Login = "login", "登录", "Signed in";
        LoginFailed = "login_failed", "登录失败", "Failed sign-in";
        Logout = "logout", "退出登录", "Signed out";
        RefreshReuse = "refresh_reuse", "登录凭证被重复使用", "Sign-in token reused";
        TotpEnable = "totp_enable", "开启两步验证", "Two-factor sign-in on";
        TotpDisable = "totp_disable", "关闭两步验证", "Two-factor sign-in off";
        TotpFailed = "totp_failed", "两步验证更改失败", "Failed two-factor change";
        TotpReset = "totp_reset", "重置两步验证", "Two-factor sign-in reset";
    }
}

coded_enum! {
    /// 审计对象类型 — the kind of record an entry of the audit trail is about (`?entity_type=`).
    pub enum AuditEntity {
        Institution = "institution", "机构", "Institution";
        Department = "department", "科室", "Department";
        Doctor = "doctor", "医生", "Doctor";
        User = "user", "用户", "User";
        Session = "session", "登录", "Sign-in";
        Setting = "setting", "系统设置", "Setting";
        ApiKey = "api_key", "接口密钥", "API key";
        Customer = "customer", "客户", "Customer";
        CustomerRelation = "customer_relation", "客户关系", "Customer relation";
        CustomerMedical = "customer_medical", "医疗敏感信息", "Medical profile";
        CustomerPrivateNotes = "customer_private_notes", "VIP 私密信息", "VIP private notes";
        CustomerContacts = "customer_contacts", "客户联系记录", "Customer's contact records";
        CustomerTimeline = "customer_timeline", "客户时间线", "Customer timeline";
        CustomerImport = "customer_import", "客户导入", "Customer import";
        Contact = "contact", "联系记录", "Contact record";
        Task = "task", "待办", "Task";
        BreakGlass = "break_glass", "紧急查看授权", "Emergency access grant";
        ComplaintRefund = "complaint_refund", "投诉退款/赔偿", "Complaint refund";
        ComplaintResponsibility = "complaint_responsibility", "投诉责任认定", "Complaint responsibility";
        ComplaintImprovement = "complaint_improvement", "投诉改善措施", "Complaint improvement action";
        ComplaintAttachment = "complaint_attachment", "投诉附件", "Complaint attachment";
        Complaint = "complaint", "投诉", "Complaint";
        Calendar = "calendar", "工作日历", "Business calendar";
        Visit = "visit", "就诊记录", "Visit";
        CustomerVisits = "customer_visits", "客户就诊汇总", "Customer's visits";
        ClinicResource = "clinic_resource", "检查资源", "Examination resource";
        ClinicSession = "clinic_session", "出诊", "Clinic session";
        ScheduleException = "schedule_exception", "停诊", "Leave or closure";
        Appointment = "appointment", "预约", "Appointment";
        WaitlistEntry = "waitlist_entry", "候补", "Waitlist entry";
        Consultation = "consultation", "咨询", "Consultation";
        InVisitService = "in_visit_service", "诊中服务", "In-visit service";
        ServiceTime = "service_time", "服务时间记录", "Service time";
        WebhookSubscription = "webhook_subscription", "事件推送订阅", "Webhook subscription";
        WebhookDelivery = "webhook_delivery", "推送消息", "Webhook message";
        VisitCharge = "visit_charge", "收费/缴费明细", "Charge or payment";
        IntegrationBatch = "integration_batch", "对接批次", "Integration batch";
    }
}

/// One recorded action. Append-only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// The acting user; absent for failed sign-ins of unknown users and for system jobs.
    pub actor_id: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(example = "admin"))]
    pub actor_username: Option<String>,
    /// What happened.
    pub action: AuditAction,
    /// The kind of record it is about.
    pub entity_type: AuditEntity,
    /// The record's id (a user's for sign-ins, the institution's for an import).
    pub entity_id: Option<String>,
    pub institution_id: Option<Uuid>,
    /// Changed fields as `{"field": {"before": …, "after": …}}`; secrets are never recorded.
    /// Entries that record an act rather than a change hold its facts instead: a break-glass
    /// access `{"category", "reason", "minutes", "needs_approval"}`, an export `{"count",
    /// "format", "filters", "masked"}`, an import `{"format", "mode", "total_rows", "created",
    /// "updated", "skipped", "errors"}`, a read `{"fields", "via"}`, a review `{"outcome",
    /// "note"}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object, example = json!({"hotline": {"before": "010-1", "after": "010-2"}})))]
    pub changes: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(example = "127.0.0.1"))]
    pub remote_addr: Option<String>,
    /// Set for break-glass and other accesses a supervisor must review.
    pub flagged: bool,
    /// The API key a machine client acted with; absent for a signed-in user.
    #[serde(default)]
    pub api_key_id: Option<Uuid>,
    /// The key's name when the entry was written.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "HIS 生产环境"))]
    pub api_key_name: Option<String>,
}

/// Fields that change on every write and say nothing about what the user changed.
const NOISE: [&str; 2] = ["version", "updated_at"];

/// The changed top-level fields of a record as `{"field": {"before": …, "after": …}}`.
/// Pass `None` as `before` for a creation and as `after` for a deletion.
pub fn changes<T: Serialize>(before: Option<&T>, after: Option<&T>) -> serde_json::Value {
    use serde_json::{Map, Value};
    let as_map = |v: Option<&T>| match v.map(serde_json::to_value) {
        Some(Ok(Value::Object(m))) => m,
        _ => Map::new(),
    };
    // The two maps are taken apart, not copied: a HIS batch records a thousand of these.
    let (mut b, a) = (as_map(before), as_map(after));
    let change = |old: Value, new: Value| {
        let mut m = Map::new();
        m.insert("before".to_string(), old);
        m.insert("after".to_string(), new);
        Value::Object(m)
    };
    let mut out = Map::new();
    for (key, new) in a {
        let old = b.remove(&key).unwrap_or(Value::Null);
        if !NOISE.contains(&key.as_str()) && old != new {
            out.insert(key, change(old, new));
        }
    }
    // Fields only the record before has.
    for (key, old) in b {
        if !NOISE.contains(&key.as_str()) && !old.is_null() {
            out.insert(key, change(old, Value::Null));
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize)]
    struct Rec {
        name: &'static str,
        hotline: Option<&'static str>,
        version: i32,
    }

    #[test]
    fn only_changed_fields_are_recorded() {
        let before = Rec {
            name: "A",
            hotline: Some("1"),
            version: 1,
        };
        let after = Rec {
            name: "A",
            hotline: None,
            version: 2,
        };
        assert_eq!(
            changes(Some(&before), Some(&after)),
            json!({"hotline": {"before": "1", "after": null}})
        );
    }

    #[test]
    fn creation_records_every_field() {
        let rec = Rec {
            name: "A",
            hotline: None,
            version: 1,
        };
        assert_eq!(
            changes(None, Some(&rec)),
            json!({"name": {"before": null, "after": "A"}})
        );
    }
}
