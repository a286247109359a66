//! Money and accountability of a complaint (CMP-6, CMP-7) and its attachments (CMP-9):
//! refunds and compensation with their approval chain, the responsible staff with the
//! proposed and confirmed penalty level, improvement actions, and the files of the case.
//! Every record belongs to one complaint and carries its institution (scoped like the case).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::api::FieldError;
use crate::complaint::{
    AttachmentKind, FileFormat, Fines, PenaltyLevel, RefundKind, RefundMethod, RefundStatus,
};
use crate::validation;

/// The first and last years a date of these records may have (a due date, a payment):
/// dates far outside are typing mistakes, and some are beyond what a database keeps.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;

/// `due_on` within [`FIRST_YEAR`]..=[`LAST_YEAR`].
pub fn due_on_errors(due_on: Option<NaiveDate>) -> Vec<FieldError> {
    match due_on {
        Some(d) if !(FIRST_YEAR..=LAST_YEAR).contains(&d.year()) => {
            vec![field("due_on", "range", "must be in 2000 to 2100")]
        }
        _ => vec![],
    }
}

fn field(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

// ---------------------------------------------------------------------------------------
// Refunds (CMP-6)
// ---------------------------------------------------------------------------------------

/// 退款/赔偿 — money the case gives back or pays, with its approval chain (requested →
/// countersigned by the supervisor → approved by the director or president → paid; rejected
/// at either approval step).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Refund {
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub institution_id: Uuid,
    pub kind: RefundKind,
    /// In fen, more than 0.
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 0, maximum = 10000000000i64, example = 1280000)
    )]
    pub amount_fen: i64,
    pub method: RefundMethod,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "术后效果不满意，协商退还部分治疗费")
    )]
    pub reason: String,
    /// The patient's signed documents (an attachment of the same case); required to pay.
    pub signed_document_id: Option<Uuid>,
    pub status: RefundStatus,
    /// The moves the refund's state allows next (who may take them: see `RefundStatus`).
    pub next: Vec<RefundStatus>,
    pub countersigned_by: Option<Uuid>,
    pub countersigned_at: Option<DateTime<Utc>>,
    pub approved_by: Option<Uuid>,
    pub approved_at: Option<DateTime<Utc>>,
    pub rejected_by: Option<Uuid>,
    pub rejected_at: Option<DateTime<Utc>>,
    /// Why it was turned down.
    pub rejection_reason: Option<String>,
    pub paid_by: Option<Uuid>,
    pub paid_at: Option<DateTime<Utc>>,
    /// When the patient has the money: the payment itself in cash, 7 working days of the
    /// institution's calendar later to a bank card.
    pub expected_arrival_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new refund or compensation of a case (`complaint.write`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "kind": "refund", "amount_fen": 1280000, "method": "bank_card",
    "reason": "术后效果不满意，协商退还部分治疗费"
})))]
#[serde(deny_unknown_fields)]
pub struct RefundCreate {
    /// Defaults to `refund`.
    #[serde(default)]
    pub kind: Option<RefundKind>,
    /// In fen: 1 to ¥100,000,000.
    #[validate(custom(function = "validation::money_fen"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub amount_fen: i64,
    pub method: RefundMethod,
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "validation::not_blank"),
        custom(function = "validation::multiline")
    )]
    pub reason: String,
    /// The patient's signed documents, when already attached to the case.
    #[serde(default)]
    pub signed_document_id: Option<Uuid>,
}

impl RefundCreate {
    pub fn cross_field_errors(&self) -> Vec<FieldError> {
        if self.amount_fen == 0 {
            vec![field("amount_fen", "range", "a refund is more than 0 fen")]
        } else {
            vec![]
        }
    }
}

/// A step of a refund's approval chain. Send the refund's version in `If-Match`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"to": "countersigned", "comment": "同意，请院长审批"})))]
#[serde(deny_unknown_fields)]
pub struct RefundTransition {
    /// `countersigned` (supervisor), `approved` (director, president or executive — not the
    /// one who started or countersigned it), `rejected` (either approver; `comment` says
    /// why), `paid` (`complaint.write`; the signed documents must be attached).
    pub to: RefundStatus,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "validation::not_blank"),
        custom(function = "validation::multiline")
    )]
    pub comment: Option<String>,
    /// With `paid`: the patient's signed documents, if not attached before.
    #[serde(default)]
    pub signed_document_id: Option<Uuid>,
    /// With `paid`: when it was paid (default now; not in the future).
    #[serde(default)]
    pub paid_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub version: Option<i32>,
}

impl RefundTransition {
    pub fn cross_field_errors(&self, now: DateTime<Utc>) -> Vec<FieldError> {
        let mut out = Vec::new();
        if self.to != RefundStatus::Paid {
            if self.signed_document_id.is_some() {
                out.push(field(
                    "signed_document_id",
                    "only_when_paid",
                    "the signed documents are given with the payment",
                ));
            }
            if self.paid_at.is_some() {
                out.push(field(
                    "paid_at",
                    "only_when_paid",
                    "only a payment has a time",
                ));
            }
        }
        if self
            .paid_at
            .is_some_and(|t| t > now + chrono::Duration::minutes(5))
        {
            out.push(field("paid_at", "future", "must not be in the future"));
        } else if self.paid_at.is_some_and(|t| t.year() < FIRST_YEAR) {
            out.push(field("paid_at", "range", "must be in 2000 or later"));
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Responsibility and penalties (CMP-7)
// ---------------------------------------------------------------------------------------

/// 责任认定 — who is responsible for a case (the staff member, their direct supervisor, the
/// hospital leader), the facts the penalty depends on, the level the rule proposes and the
/// level a person with `complaint.approve` confirmed, with the fines of that level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Responsibility {
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub institution_id: Uuid,
    /// The case's number (`BJ01-2026-11-0007`).
    pub complaint_number: Option<String>,
    /// The responsible staff member as a user, a doctor, or only by name.
    pub staff_user_id: Option<Uuid>,
    pub staff_doctor_id: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(example = "李咨询"))]
    pub staff_name: String,
    pub department_id: Option<Uuid>,
    pub department_name: Option<String>,
    /// 上级主管.
    pub supervisor_user_id: Option<Uuid>,
    pub supervisor_name: Option<String>,
    /// 院领导.
    pub leader_user_id: Option<Uuid>,
    pub leader_name: Option<String>,
    /// 过失事由 — what the staff member did wrong.
    pub description: String,
    /// Direct economic loss (refunds and compensation), in fen.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub loss_fen: i64,
    /// 严重事故 (medical or safety).
    pub serious_accident: bool,
    /// 名誉及信誉度损失.
    pub reputation_damage: bool,
    /// 患者最终不满意.
    pub patient_dissatisfied: bool,
    /// The level the CMP-7 rule proposes from the loss and a serious accident.
    pub proposed_level: PenaltyLevel,
    /// The level a person confirmed; absent until then.
    pub confirmed_level: Option<PenaltyLevel>,
    pub confirmed_by: Option<Uuid>,
    pub confirmed_by_name: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    /// The institution's date of the confirmation: the month it is reviewed in.
    pub confirmed_on: Option<NaiveDate>,
    pub confirmation_note: Option<String>,
    /// The fines of the confirmed level (staff / supervisor / leader); absent until confirmed.
    pub fines: Option<Fines>,
    pub version: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new responsibility finding of a case (`complaint.write`). The staff member is a user, a
/// doctor or a name (one of them); the supervisor and leader a user or a name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "staff_name": "李咨询", "supervisor_name": "王主管", "leader_name": "赵院长",
    "description": "术前沟通不充分，未告知恢复期", "reputation_damage": false
})))]
#[serde(deny_unknown_fields)]
pub struct ResponsibilityCreate {
    #[serde(default)]
    pub staff_user_id: Option<Uuid>,
    #[serde(default)]
    pub staff_doctor_id: Option<Uuid>,
    /// Needed when neither a user nor a doctor is named; else their name is taken.
    #[serde(default)]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub staff_name: Option<String>,
    /// The staff member's department (of the case's institution); a doctor's by default.
    #[serde(default)]
    pub department_id: Option<Uuid>,
    #[serde(default)]
    pub supervisor_user_id: Option<Uuid>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub supervisor_name: Option<String>,
    #[serde(default)]
    pub leader_user_id: Option<Uuid>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub leader_name: Option<String>,
    #[validate(
        length(min = 1, max = 4000),
        custom(function = "validation::not_blank"),
        custom(function = "validation::multiline")
    )]
    pub description: String,
    /// The direct loss in fen; by default the case's refunds and compensation that were not
    /// turned down.
    #[serde(default)]
    #[validate(custom(function = "validation::money_fen"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub loss_fen: Option<i64>,
    #[serde(default)]
    pub serious_accident: bool,
    #[serde(default)]
    pub reputation_damage: bool,
    #[serde(default)]
    pub patient_dissatisfied: bool,
}

impl ResponsibilityCreate {
    pub fn cross_field_errors(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        if self.staff_user_id.is_some() && self.staff_doctor_id.is_some() {
            out.push(field(
                "staff_doctor_id",
                "conflict",
                "name the staff member as a user or as a doctor, not both",
            ));
        }
        if self.staff_user_id.is_none()
            && self.staff_doctor_id.is_none()
            && self.staff_name.is_none()
        {
            out.push(field(
                "staff_name",
                "required",
                "name the responsible staff member (user, doctor or name)",
            ));
        }
        out
    }
}

/// The confirmation of a penalty level by a person with `complaint.approve`. Send the
/// finding's version in `If-Match`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"level": "minor_demerit", "note": "与院长协商后确认"})))]
#[serde(deny_unknown_fields)]
pub struct ResponsibilityConfirm {
    /// The level confirmed: the proposed one or another (then `note` says why).
    pub level: PenaltyLevel,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "validation::not_blank"),
        custom(function = "validation::multiline")
    )]
    pub note: Option<String>,
    #[serde(default)]
    pub version: Option<i32>,
}

/// 上月处分审视 — the penalties confirmed in a month, for the executive office's review due
/// by the 10th of the month after (seed 003, 四(五)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PenaltyReview {
    /// `YYYY-MM`.
    #[cfg_attr(feature = "openapi", schema(example = "2026-11"))]
    pub month: String,
    /// The 10th of the month after.
    pub review_due_on: NaiveDate,
    /// The confirmed findings of the month in the caller's institutions, by confirmation.
    pub items: Vec<Responsibility>,
    /// The fines of all of them, person by person.
    pub totals: Fines,
}

// ---------------------------------------------------------------------------------------
// Improvement actions
// ---------------------------------------------------------------------------------------

/// 防范改善 — a measure against the case happening again, with its owner and due date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Improvement {
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub institution_id: Uuid,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "术前告知书增加恢复期说明，咨询师培训一次")
    )]
    pub text: String,
    /// A user of the case's institution.
    pub owner_id: Uuid,
    pub due_on: NaiveDate,
    pub done: bool,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<Uuid>,
    /// Not done and due before today (the institution's date).
    pub overdue: bool,
    pub version: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "text": "术前告知书增加恢复期说明", "owner_id": "0193a1d2-7c4e-7b10-8000-00000000000f",
    "due_on": "2026-12-14"
})))]
#[serde(deny_unknown_fields)]
pub struct ImprovementCreate {
    #[validate(
        length(min = 1, max = 4000),
        custom(function = "validation::not_blank"),
        custom(function = "validation::multiline")
    )]
    pub text: String,
    pub owner_id: Uuid,
    pub due_on: NaiveDate,
}

/// Changes to an improvement action; absent fields stay. Send the version in `If-Match`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"done": true})))]
#[serde(deny_unknown_fields)]
pub struct ImprovementUpdate {
    #[serde(default)]
    #[validate(
        length(min = 1, max = 4000),
        custom(function = "validation::not_blank"),
        custom(function = "validation::multiline")
    )]
    pub text: Option<String>,
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
    /// `true` records when and by whom; `false` reopens it.
    #[serde(default)]
    pub done: Option<bool>,
    #[serde(default)]
    pub version: Option<i32>,
}

/// 回访意愿 — whether the complainant wants a follow-up call on how the case was handled,
/// recorded as the case closes (from closing and archiving on). `wanted` is `null` and
/// `version` 0 until recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpWish {
    pub complaint_id: Uuid,
    pub wanted: Option<bool>,
    pub note: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: Option<DateTime<Utc>>,
    pub version: i32,
}

/// The complainant's wish for a follow-up call. Send the version read in `If-Match` (`"0"`
/// the first time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"wanted": true, "note": "希望院长亲自回访"})))]
#[serde(deny_unknown_fields)]
pub struct FollowUpWishUpdate {
    pub wanted: bool,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 1000),
        custom(function = "validation::not_blank"),
        custom(function = "validation::multiline")
    )]
    pub note: Option<String>,
    #[serde(default)]
    pub version: Option<i32>,
}

// ---------------------------------------------------------------------------------------
// Attachments (CMP-9)
// ---------------------------------------------------------------------------------------

/// 附件 — a file of a case: its name, format (known by its content), size and SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub institution_id: Uuid,
    pub kind: AttachmentKind,
    #[cfg_attr(feature = "openapi", schema(example = "处理协议书.pdf"))]
    pub file_name: String,
    pub format: FileFormat,
    /// The media type it is downloaded with.
    #[cfg_attr(feature = "openapi", schema(example = "application/pdf"))]
    pub content_type: String,
    pub size_bytes: i64,
    /// The SHA-256 of the content, 64 lower-case hex digits.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
    )]
    pub sha256: String,
    pub description: Option<String>,
    pub uploaded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// The attachment limit (CMP-9): the largest file taken, at most the server's 20 MB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"max_bytes": 20971520, "version": 0})))]
pub struct AttachmentSettings {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 20971520))]
    pub max_bytes: i64,
    /// 0 while the default holds.
    pub version: i32,
}

/// A new attachment limit (`setting.write`). Send the version read in `If-Match`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"max_bytes": 10485760, "version": 0})))]
#[serde(deny_unknown_fields)]
pub struct AttachmentSettingsUpdate {
    /// 1 byte to 20 MB (the server's ceiling, `MAX_ATTACHMENT_BYTES`).
    #[validate(range(min = 1, max = 20971520))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 20971520))]
    pub max_bytes: i64,
    #[serde(default)]
    pub version: Option<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refund_is_more_than_nothing_and_within_the_money_bound() {
        let r = |amount_fen| RefundCreate {
            kind: None,
            amount_fen,
            method: RefundMethod::Cash,
            reason: "退费".into(),
            signed_document_id: None,
        };
        assert_eq!(r(0).cross_field_errors()[0].field, "amount_fen");
        assert!(r(1).cross_field_errors().is_empty());
        assert!(r(-1).validate().is_err());
        assert!(r(validation::MAX_MONEY_FEN).validate().is_ok());
        assert!(r(validation::MAX_MONEY_FEN + 1).validate().is_err());
    }

    #[test]
    fn dates_stay_within_the_years_a_case_can_have() {
        let d = |y| NaiveDate::from_ymd_opt(y, 1, 1);
        assert!(due_on_errors(d(2026)).is_empty());
        assert!(due_on_errors(None).is_empty());
        assert_eq!(due_on_errors(d(1999))[0].code, "range");
        assert_eq!(due_on_errors(d(2101))[0].code, "range");
        let t = |paid_at: &str| RefundTransition {
            to: RefundStatus::Paid,
            comment: None,
            signed_document_id: None,
            paid_at: Some(paid_at.parse().unwrap()),
            version: None,
        };
        let now = "2026-12-07T00:00:00Z".parse().unwrap();
        assert!(t("2026-12-06T00:00:00Z").cross_field_errors(now).is_empty());
        assert_eq!(
            t("1212-01-01T00:00:00Z").cross_field_errors(now)[0].code,
            "range"
        );
        assert_eq!(
            t("2027-01-01T00:00:00Z").cross_field_errors(now)[0].code,
            "future"
        );
    }

    #[test]
    fn the_attachment_limit_is_at_most_the_servers() {
        assert_eq!(
            crate::complaint::attachment::MAX_ATTACHMENT_BYTES,
            20_971_520,
            "the schema's literal bound"
        );
        let u = |max_bytes| AttachmentSettingsUpdate {
            max_bytes,
            version: None,
        };
        assert!(u(0).validate().is_err());
        assert!(u(1).validate().is_ok());
        assert!(u(20_971_520).validate().is_ok());
        assert!(u(20_971_521).validate().is_err());
    }

    #[test]
    fn a_finding_names_its_staff_member_once() {
        let none = ResponsibilityCreate {
            description: "x".into(),
            ..Default::default()
        };
        assert_eq!(none.cross_field_errors()[0].field, "staff_name");
        let both = ResponsibilityCreate {
            staff_user_id: Some(Uuid::nil()),
            staff_doctor_id: Some(Uuid::nil()),
            ..none.clone()
        };
        assert_eq!(both.cross_field_errors()[0].field, "staff_doctor_id");
        let named = ResponsibilityCreate {
            staff_name: Some("李咨询".into()),
            ..none
        };
        assert!(named.cross_field_errors().is_empty());
    }
}
