//! 咨询 — SVC-1: a question from a customer on any channel, answered or referred to a
//! specialist while the first receiver stays its owner until it is closed (首问负责制, seed
//! 004), and its outcome: answered, an appointment booked, a call back needed (a task on the
//! shared queue) or a complaint raised (the complaint intake prefilled from it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::api::customers::{NewPotentialCustomer, field_error};
use crate::api::double_option;
use crate::api::tasks::TaskCustomer;
use crate::complaint::ComplaintChannel;
use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};
use crate::lifecycle::Lifecycle;
use crate::validation;

coded_enum! {
    /// 咨询渠道 — how the question came in (seed 002: 热线、QQ、微信、网络在线、来院、邮件).
    pub enum ConsultationChannel {
        Hotline = "hotline", "热线电话", "Hotline";
        Qq = "qq", "QQ", "QQ";
        Wechat = "wechat", "微信", "WeChat";
        WebChat = "web_chat", "网络在线咨询", "Web chat";
        WalkIn = "walk_in", "来院咨询", "Walk-in";
        Email = "email", "电子邮件", "E-mail";
    }
}

impl ConsultationChannel {
    /// The complaint channel of a complaint raised in a consultation of this channel.
    pub fn complaint_channel(self) -> ComplaintChannel {
        match self {
            ConsultationChannel::Hotline => ComplaintChannel::Phone,
            ConsultationChannel::Qq
            | ConsultationChannel::Wechat
            | ConsultationChannel::WebChat => ComplaintChannel::OnlineChat,
            ConsultationChannel::WalkIn => ComplaintChannel::InPerson,
            ConsultationChannel::Email => ComplaintChannel::Email,
        }
    }
}

coded_enum! {
    /// 咨询结果 — what came of a consultation.
    pub enum ConsultationOutcome {
        Answered = "answered", "已解答", "Answered";
        AppointmentBooked = "appointment_booked", "已预约", "Appointment booked";
        CallbackNeeded = "callback_needed", "需回电", "Call back needed";
        ComplaintRaised = "complaint_raised", "转投诉", "Complaint raised";
    }
}

impl ConsultationOutcome {
    /// Whether a consultation may be closed with this outcome: a call back still owed keeps
    /// it open (its task is the owner's work until done).
    pub fn closes(self) -> bool {
        self != ConsultationOutcome::CallbackNeeded
    }
}

coded_enum! {
    /// 咨询状态 — open while its owner still owes the customer something.
    pub enum ConsultationState {
        Open = "open", "处理中", "Open";
        Closed = "closed", "已结束", "Closed";
    }
}

/// A consultation is closed once; a closed one is reopened when the customer comes back on it.
impl Lifecycle for ConsultationState {
    fn states() -> &'static [Self] {
        &Self::ALL
    }

    fn state_code(self) -> &'static str {
        self.code()
    }

    fn allows(self, to: ConsultationState) -> bool {
        self != to
    }
}

/// A staff member on a consultation, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationPerson {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "李客服"))]
    pub name: String,
}

/// What the complaint intake (`POST /complaints`) needs from a consultation whose outcome is
/// `complaint_raised`: the web app opens the intake with these filled in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintPrefill {
    pub institution_id: Uuid,
    pub customer_id: Uuid,
    pub channel: ComplaintChannel,
    /// The question as the customer put it.
    pub description: String,
    /// The consultation's department, as the intake's `departments` names one.
    pub department_id: Option<Uuid>,
}

/// 咨询 — one consultation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consultation {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub channel: ConsultationChannel,
    pub customer_id: Uuid,
    /// Who asked: name, form of address and the first phone, masked.
    pub customer: TaskCustomer,
    /// 首问负责人 — the first receiver, the owner until it is closed.
    pub owner: ConsultationPerson,
    /// The colleague it was referred to, if any; the owner stays the owner.
    pub referred_to: Option<ConsultationPerson>,
    /// The specialist doctor it was referred to (the customer is given the doctor's clinic
    /// and number), if any.
    pub referred_doctor: Option<ConsultationPerson>,
    pub referral_note: Option<String>,
    pub department_id: Option<Uuid>,
    /// The department's name.
    pub department: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = "体检套餐"))]
    pub topic: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "入职体检需要空腹吗？周六能做吗？")
    )]
    pub question: String,
    pub answer: Option<String>,
    pub outcome: Option<ConsultationOutcome>,
    pub state: ConsultationState,
    /// The call-back task (outcome `callback_needed`) on the shared task queue.
    pub callback_task_id: Option<Uuid>,
    pub received_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<Uuid>,
    /// With outcome `complaint_raised`: the complaint intake's fields.
    pub complaint_prefill: Option<ComplaintPrefill>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One consultation of a list.
pub type ConsultationListItem = Consultation;

/// 登记咨询 — the customer is `customer_id` (found by the caller's number) or
/// `new_customer` (created as a potential customer in the same request). The caller is the
/// owner (首问负责制). An `outcome` other than `callback_needed` with `close: true` closes it
/// at once; `callback_needed` makes the call-back task, due `callback_due_at` (default two
/// hours from now).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "channel": "hotline",
    "customer_id": "0193a1d2-7c4e-7b10-8000-00000000000f",
    "department_id": "0193a1d2-7c4e-7b10-8000-0000000000d1",
    "topic": "体检套餐",
    "question": "入职体检需要空腹吗？周六能做吗？",
    "answer": "需要空腹，周六上午可以",
    "outcome": "answered",
    "close": true
})))]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "check_create", skip_on_field_errors = false))]
pub struct ConsultationCreate {
    /// Taken from the customer when one is given; otherwise the caller's only institution.
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    pub channel: ConsultationChannel,
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    #[serde(default)]
    #[validate(nested)]
    pub new_customer: Option<NewPotentialCustomer>,
    /// A department of the consultation's institution.
    #[serde(default)]
    pub department_id: Option<Uuid>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub topic: Option<String>,
    #[validate(
        length(min = 1, max = 4000),
        custom(function = "validation::not_blank"),
        custom(function = "validation::multiline")
    )]
    pub question: String,
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub answer: Option<String>,
    /// A colleague (an active staff member of the institution) it is referred to.
    #[serde(default)]
    pub referred_to_id: Option<Uuid>,
    /// A specialist doctor of the institution it is referred to.
    #[serde(default)]
    pub referred_doctor_id: Option<Uuid>,
    #[serde(default)]
    #[validate(length(max = 1000), custom(function = "validation::multiline"))]
    pub referral_note: Option<String>,
    #[serde(default)]
    pub outcome: Option<ConsultationOutcome>,
    /// When the customer is to be called back (outcome `callback_needed`); default in two
    /// hours.
    #[serde(default)]
    pub callback_due_at: Option<DateTime<Utc>>,
    /// Close it at once (needs an outcome that closes, see `outcome`).
    #[serde(default)]
    pub close: bool,
    /// When the question came in: default now; never in the future nor over 30 days back.
    #[serde(default)]
    pub received_at: Option<DateTime<Utc>>,
}

fn check_create(c: &ConsultationCreate) -> Result<(), ValidationError> {
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
    check_close(c.close, c.outcome)?;
    if c.callback_due_at.is_some() && c.outcome != Some(ConsultationOutcome::CallbackNeeded) {
        return Err(field_error(
            "callback_due_at",
            "callback_not_needed",
            "a call-back time goes with the outcome callback_needed",
        ));
    }
    Ok(())
}

/// Closing needs an outcome that closes.
fn check_close(close: bool, outcome: Option<ConsultationOutcome>) -> Result<(), ValidationError> {
    if !close {
        return Ok(());
    }
    match outcome {
        None => Err(field_error(
            "outcome",
            "required",
            "a consultation is closed with its outcome",
        )),
        Some(o) if !o.closes() => Err(field_error(
            "outcome",
            "callback_open",
            "a consultation that owes a call back stays open until the call is made",
        )),
        Some(_) => Ok(()),
    }
}

/// Changes to an open consultation; absent fields stay, `null` clears. The version in
/// `If-Match`. The owner never changes (首问负责制): a referral names the specialist.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "referred_to_id": "0193a1d2-7c4e-7b10-8000-0000000000a7",
    "referral_note": "请心内科护士长解答术后用药"
})))]
#[serde(deny_unknown_fields)]
pub struct ConsultationUpdate {
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub department_id: Option<Option<Uuid>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub topic: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 4000),
        custom(function = "validation::not_blank"),
        custom(function = "validation::multiline")
    )]
    pub question: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub answer: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub referred_to_id: Option<Option<Uuid>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub referred_doctor_id: Option<Option<Uuid>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 1000), custom(function = "validation::multiline"))]
    pub referral_note: Option<Option<String>>,
    /// `callback_needed` makes the call-back task (once); the others are recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<ConsultationOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_due_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
}

/// 结束咨询 — close with the outcome (not `callback_needed`) and, if not yet given, the
/// answer. The owner closes it, or a supervisor or director for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "outcome": "appointment_booked", "answer": "已预约周二上午心内科王主任专家号", "version": 2
})))]
#[serde(deny_unknown_fields)]
pub struct ConsultationClose {
    pub outcome: ConsultationOutcome,
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub answer: Option<String>,
    #[serde(default)]
    pub version: Option<i32>,
}

impl ConsultationClose {
    pub fn cross_field_errors(&self) -> Vec<crate::api::FieldError> {
        match check_close(true, Some(self.outcome)) {
            Ok(()) => vec![],
            Err(e) => vec![crate::api::FieldError {
                field: "outcome".into(),
                code: e.code.to_string(),
                message: e.message.map(|m| m.to_string()).unwrap_or_default(),
            }],
        }
    }
}

/// The complaint intake's fields from a consultation whose outcome is `complaint_raised`.
pub fn complaint_prefill(c: &Consultation) -> Option<ComplaintPrefill> {
    (c.outcome == Some(ConsultationOutcome::ComplaintRaised)).then(|| ComplaintPrefill {
        institution_id: c.institution_id,
        customer_id: c.customer_id,
        channel: c.channel.complaint_channel(),
        description: c.question.clone(),
        department_id: c.department_id,
    })
}

/// The title of a call-back task, in the institution's working language (the task list shows
/// titles as written).
pub fn callback_title(customer_name: &str, topic: Option<&str>) -> String {
    match topic {
        Some(t) => format!("回电：{customer_name}（{t}）"),
        None => format!("回电：{customer_name}"),
    }
}

/// The default wait before a call back is due, in minutes.
pub const CALLBACK_DEFAULT_MINUTES: i64 = 120;

#[cfg(test)]
mod tests {
    use super::*;
    use validator::Validate;

    fn create(v: serde_json::Value) -> ConsultationCreate {
        serde_json::from_value(v).unwrap()
    }

    fn field_codes(c: &ConsultationCreate) -> Vec<String> {
        match c.validate() {
            Ok(()) => vec![],
            Err(e) => e
                .errors()
                .values()
                .flat_map(|k| match k {
                    validator::ValidationErrorsKind::Field(v) => {
                        v.iter().map(|e| e.code.to_string()).collect::<Vec<_>>()
                    }
                    _ => vec![],
                })
                .collect(),
        }
    }

    #[test]
    fn closing_needs_an_outcome_that_closes() {
        let id = "0193a1d2-7c4e-7b10-8000-00000000000f";
        let ok = create(serde_json::json!({"channel": "hotline", "customer_id": id,
            "question": "几点上班", "outcome": "answered", "close": true}));
        assert!(ok.validate().is_ok());
        let none = create(serde_json::json!({"channel": "hotline", "customer_id": id,
            "question": "几点上班", "close": true}));
        assert_eq!(field_codes(&none), ["required"]);
        let callback = create(serde_json::json!({"channel": "qq", "customer_id": id,
            "question": "几点上班", "outcome": "callback_needed", "close": true}));
        assert_eq!(field_codes(&callback), ["callback_open"]);
        let neither = create(serde_json::json!({"channel": "qq", "question": "几点上班"}));
        assert_eq!(field_codes(&neither), ["required"]);
        let due = create(serde_json::json!({"channel": "qq", "customer_id": id,
            "question": "几点上班", "outcome": "answered",
            "callback_due_at": "2026-12-08T02:00:00Z"}));
        assert_eq!(field_codes(&due), ["callback_not_needed"]);
        let close: ConsultationClose =
            serde_json::from_value(serde_json::json!({"outcome": "callback_needed"})).unwrap();
        assert_eq!(close.cross_field_errors()[0].code, "callback_open");
    }

    #[test]
    fn a_raised_complaint_keeps_the_channel_customer_and_question() {
        use ConsultationChannel::*;
        let table = [
            (Hotline, ComplaintChannel::Phone),
            (Qq, ComplaintChannel::OnlineChat),
            (Wechat, ComplaintChannel::OnlineChat),
            (WebChat, ComplaintChannel::OnlineChat),
            (WalkIn, ComplaintChannel::InPerson),
            (Email, ComplaintChannel::Email),
        ];
        assert_eq!(table.len(), ConsultationChannel::ALL.len());
        for (from, to) in table {
            assert_eq!(from.complaint_channel(), to);
        }
        assert!(
            ConsultationOutcome::ALL
                .iter()
                .filter(|o| !o.closes())
                .count()
                == 1
        );
        assert_eq!(
            callback_title("王女士", Some("体检")),
            "回电：王女士（体检）"
        );
        assert_eq!(
            ConsultationState::Closed.label(Lang::Zh),
            "已结束",
            "labels in both languages"
        );
    }
}
