//! CUS-12: contact records (联系记录) — every call, message, letter or visit with a customer
//! (or a relative or friend speaking for them), with what was agreed and the next step. A next
//! step with a date becomes a reminder task for the record's owner.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::api::FieldError;
use crate::customer::kinds::{ContactChannel, ContactParty, Direction};
use crate::validation;

/// How far ahead of the server's clock a client's `occurred_at` may be (clock skew).
pub const OCCURRED_AT_SKEW_SECS: i64 = 120;

/// 联系记录 — one contact with a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub institution_id: Uuid,
    pub channel: ContactChannel,
    pub direction: Direction,
    /// With whom: the customer, a relative, a friend, someone else.
    pub party: ContactParty,
    /// The relative or friend, when they are a customer too.
    pub party_customer_id: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(example = "复诊提醒"))]
    pub subject: String,
    pub content: Option<String>,
    /// What the customer said (客户反馈).
    pub feedback: Option<String>,
    /// What was agreed (达成协议).
    pub agreement: Option<String>,
    /// 下一步约定事项.
    pub next_step: Option<String>,
    pub next_step_on: Option<NaiveDate>,
    pub minutes_spent: Option<i32>,
    /// Money spent, in fen (分, X-10): 0 to ¥100,000,000.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub money_spent_fen: Option<i64>,
    /// The staff member who held the contact (the caller who recorded it).
    pub owner_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// The reminder task made from a dated next step.
    pub reminder_task_id: Option<Uuid>,
}

fn default_party() -> ContactParty {
    ContactParty::Customer
}

/// A new contact record. `occurred_at` defaults to now and may not be in the future; a
/// `next_step_on` needs a `next_step` and creates a reminder task due that day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "channel": "phone", "direction": "outbound", "party": "relative",
    "subject": "术后复查提醒", "content": "与患者女儿沟通复查安排",
    "feedback": "家属希望安排周末", "agreement": "周六上午复查",
    "next_step": "周五电话确认复查时间", "next_step_on": "2026-12-04",
    "minutes_spent": 12, "money_spent_fen": 0
})))]
#[serde(deny_unknown_fields)]
pub struct ContactCreate {
    pub channel: ContactChannel,
    pub direction: Direction,
    /// Defaults to `customer`.
    #[serde(default = "default_party")]
    pub party: ContactParty,
    /// The relative or friend as a customer; only with a party other than the customer.
    #[serde(default)]
    pub party_customer_id: Option<Uuid>,
    #[validate(
        length(min = 1, max = 200),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub subject: String,
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub content: Option<String>,
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub feedback: Option<String>,
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub agreement: Option<String>,
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub next_step: Option<String>,
    #[serde(default)]
    pub next_step_on: Option<NaiveDate>,
    #[serde(default)]
    #[validate(range(min = 0, max = 1440))]
    pub minutes_spent: Option<i32>,
    /// Money spent, in fen: 0 to ¥100,000,000 (`MAX_MONEY_FEN`; the schema's literal bound is
    /// checked against it by the OpenAPI test).
    #[serde(default)]
    #[validate(custom(function = "validation::money_fen"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub money_spent_fen: Option<i64>,
    /// When the contact took place; now when absent.
    #[serde(default)]
    pub occurred_at: Option<DateTime<Utc>>,
}

fn field(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

impl ContactCreate {
    /// The rules that span fields or need the clock (the API reports them per field).
    pub fn cross_field_errors(&self, now: DateTime<Utc>) -> Vec<FieldError> {
        let mut out = Vec::new();
        let has_next_step = self
            .next_step
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty());
        if self.next_step_on.is_some() && !has_next_step {
            out.push(field(
                "next_step_on",
                "next_step_required",
                "a date needs the next step it is for",
            ));
        }
        if self.party_customer_id.is_some() && self.party == ContactParty::Customer {
            out.push(field(
                "party_customer_id",
                "party_not_customer",
                "a linked person is only for a relative, friend or other party",
            ));
        }
        if self
            .occurred_at
            .is_some_and(|t| t > now + Duration::seconds(OCCURRED_AT_SKEW_SECS))
        {
            out.push(field(
                "occurred_at",
                "in_future",
                "a contact cannot have taken place in the future",
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(json: serde_json::Value) -> ContactCreate {
        serde_json::from_value(json).unwrap()
    }

    fn base() -> serde_json::Value {
        serde_json::json!({"channel": "phone", "direction": "inbound", "subject": "咨询"})
    }

    fn with(extra: serde_json::Value) -> ContactCreate {
        let mut v = base();
        for (k, val) in extra.as_object().unwrap() {
            v[k] = val.clone();
        }
        create(v)
    }

    fn codes(c: &ContactCreate, now: DateTime<Utc>) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = c
            .cross_field_errors(now)
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        if let Err(errors) = c.validate() {
            for (f, kind) in errors.into_errors() {
                if let validator::ValidationErrorsKind::Field(list) = kind {
                    out.extend(
                        list.into_iter()
                            .map(|e| (f.to_string(), e.code.to_string())),
                    );
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn defaults_and_field_rules() {
        let now = Utc::now();
        let c = create(base());
        assert_eq!(c.party, ContactParty::Customer);
        assert_eq!(codes(&c, now), vec![]);
        let table: Vec<(serde_json::Value, Vec<(&str, &str)>)> = vec![
            (
                serde_json::json!({"subject": ""}),
                vec![("subject", "blank"), ("subject", "length")],
            ),
            (
                serde_json::json!({"subject": "   "}),
                vec![("subject", "blank")],
            ),
            (serde_json::json!({"subject": "字".repeat(200)}), vec![]),
            (
                serde_json::json!({"subject": "字".repeat(201)}),
                vec![("subject", "length")],
            ),
            (serde_json::json!({"content": "x".repeat(4000)}), vec![]),
            (
                serde_json::json!({"content": "x".repeat(4001)}),
                vec![("content", "length")],
            ),
            (
                serde_json::json!({"feedback": "x".repeat(4001)}),
                vec![("feedback", "length")],
            ),
            (serde_json::json!({"minutes_spent": 0}), vec![]),
            (serde_json::json!({"minutes_spent": 1440}), vec![]),
            (
                serde_json::json!({"minutes_spent": 1441}),
                vec![("minutes_spent", "range")],
            ),
            (
                serde_json::json!({"minutes_spent": -1}),
                vec![("minutes_spent", "range")],
            ),
            (serde_json::json!({"money_spent_fen": 0}), vec![]),
            (
                serde_json::json!({"money_spent_fen": -1}),
                vec![("money_spent_fen", "range")],
            ),
            (
                serde_json::json!({"money_spent_fen": crate::validation::MAX_MONEY_FEN}),
                vec![],
            ),
            (
                serde_json::json!({"money_spent_fen": crate::validation::MAX_MONEY_FEN + 1}),
                vec![("money_spent_fen", "range")],
            ),
            (
                serde_json::json!({"money_spent_fen": i64::MAX}),
                vec![("money_spent_fen", "range")],
            ),
            (
                serde_json::json!({"subject": "复诊\u{200B}提醒"}),
                vec![("subject", "control_character")],
            ),
            (
                serde_json::json!({"subject": "复诊\n提醒"}),
                vec![("subject", "control_character")],
            ),
            (
                serde_json::json!({"subject": "\u{200B}"}),
                vec![("subject", "blank"), ("subject", "control_character")],
            ),
            (
                serde_json::json!({"content": "第一行\n\t第二行", "agreement": "周六\r\n上午"}),
                vec![],
            ),
            (
                serde_json::json!({"feedback": "A\u{202E}B"}),
                vec![("feedback", "control_character")],
            ),
            (
                serde_json::json!({"next_step_on": "2026-12-01"}),
                vec![("next_step_on", "next_step_required")],
            ),
            (
                serde_json::json!({"next_step": " ", "next_step_on": "2026-12-01"}),
                vec![("next_step_on", "next_step_required")],
            ),
            (
                serde_json::json!({"next_step": "回电", "next_step_on": "2026-12-01"}),
                vec![],
            ),
            (
                serde_json::json!({"party_customer_id": "0193a1d2-7c4e-7b10-8000-00000000000f"}),
                vec![("party_customer_id", "party_not_customer")],
            ),
            (
                serde_json::json!({"party": "relative", "party_customer_id": "0193a1d2-7c4e-7b10-8000-00000000000f"}),
                vec![],
            ),
        ];
        for (extra, want) in table {
            let c = with(extra.clone());
            let want: Vec<(String, String)> = want
                .into_iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            assert_eq!(codes(&c, now), want, "{extra}");
        }
    }

    #[test]
    fn occurred_at_may_not_be_in_the_future() {
        let now = Utc::now();
        let at = |t: DateTime<Utc>| with(serde_json::json!({"occurred_at": t}));
        assert!(codes(&at(now - Duration::days(3)), now).is_empty());
        assert!(codes(&at(now + Duration::seconds(OCCURRED_AT_SKEW_SECS)), now).is_empty());
        assert_eq!(
            codes(&at(now + Duration::hours(1)), now),
            vec![("occurred_at".to_string(), "in_future".to_string())]
        );
    }

    #[test]
    fn unknown_fields_and_values_are_refused() {
        let mut v = base();
        v["reminder_task_id"] = serde_json::json!(null);
        assert!(serde_json::from_value::<ContactCreate>(v).is_err());
        let mut v = base();
        v["channel"] = serde_json::json!("pigeon");
        assert!(serde_json::from_value::<ContactCreate>(v).is_err());
    }
}
