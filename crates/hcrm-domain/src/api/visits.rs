//! 就诊与消费 (SVC-4): a customer's visits — outpatient, inpatient (admission and discharge),
//! surgery, a non-surgical treatment course, a health check-up — with the department, doctor,
//! diagnosis category and the money (in fen): the amount, the medical insurance's share, what
//! the patient paid and the arrears left. Entered by hand through `/api/v1/visits`; the HIS
//! path (issue 12) writes the same records through the same storage code.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::api::{FieldError, double_option};
use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};
use crate::validation;

coded_enum! {
    /// 就诊类型 — what kind of visit a record is.
    pub enum VisitKind {
        Outpatient = "outpatient", "门诊", "Outpatient";
        Inpatient = "inpatient", "住院", "Inpatient stay";
        Surgery = "surgery", "手术", "Surgery";
        TreatmentCourse = "treatment_course", "非手术疗程", "Treatment course";
        Checkup = "checkup", "体检", "Health check-up";
    }
}

coded_enum! {
    /// 初诊/复诊 — the patient's first visit (to the institution) or a return visit.
    pub enum VisitSequence {
        First = "first", "初诊", "First visit";
        Return = "return", "复诊", "Return visit";
    }
}

impl VisitKind {
    /// Kinds with an end (discharge, the course's last session); the others are one instant.
    pub fn has_end(self) -> bool {
        matches!(self, VisitKind::Inpatient | VisitKind::TreatmentCourse)
    }
}

/// One visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Visit {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub customer_id: Uuid,
    pub kind: VisitKind,
    pub sequence: VisitSequence,
    pub department_id: Option<Uuid>,
    pub doctor_id: Option<Uuid>,
    /// 诊断类别, as the hospital names it (an ICD chapter, 心血管疾病 …).
    #[cfg_attr(feature = "openapi", schema(example = "心血管疾病"))]
    pub diagnosis_category: Option<String>,
    /// The visit; the admission of a stay; the start of a course.
    pub visited_at: DateTime<Utc>,
    /// The discharge of a stay or the end of a course (`null` while it lasts).
    pub ended_at: Option<DateTime<Utc>>,
    /// 总费用, in fen.
    #[cfg_attr(
        feature = "openapi",
        schema(example = 1280000, minimum = 0, maximum = 10000000000i64)
    )]
    pub amount_fen: i64,
    /// 医保支付 — the medical insurance's share, in fen.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub insurance_fen: i64,
    /// 已付 — what the patient paid, in fen.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub paid_fen: i64,
    /// 欠费 — `amount_fen − insurance_fen − paid_fen`.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub arrears_fen: i64,
    /// The HIS's id of the visit, unique per institution.
    #[cfg_attr(feature = "openapi", schema(example = "ZY20261208-0042"))]
    pub external_id: Option<String>,
    pub note: Option<String>,
    pub version: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A visit to record. `sequence` defaults to `first` when the customer has no earlier visit
/// in the institution, else `return`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "customer_id": "0193a1d2-7c4e-7b10-8000-00000000000f", "kind": "inpatient",
    "visited_at": "2026-12-01T02:30:00Z", "diagnosis_category": "心血管疾病",
    "amount_fen": 1280000, "insurance_fen": 700000, "paid_fen": 500000,
    "external_id": "ZY20261201-0042"
})))]
#[serde(deny_unknown_fields)]
pub struct VisitCreate {
    pub customer_id: Uuid,
    pub kind: VisitKind,
    #[serde(default)]
    pub sequence: Option<VisitSequence>,
    /// A department of the customer's institution.
    #[serde(default)]
    pub department_id: Option<Uuid>,
    /// A doctor of the customer's institution.
    #[serde(default)]
    pub doctor_id: Option<Uuid>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub diagnosis_category: Option<String>,
    pub visited_at: DateTime<Utc>,
    /// Only for `inpatient` (the discharge) and `treatment_course` (its end).
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    #[validate(custom(function = "validation::money_fen"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub amount_fen: i64,
    #[serde(default)]
    #[validate(custom(function = "validation::money_fen"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub insurance_fen: i64,
    #[serde(default)]
    #[validate(custom(function = "validation::money_fen"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub paid_fen: i64,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 64),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub external_id: Option<String>,
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "validation::multiline"))]
    pub note: Option<String>,
}

/// Changes to a visit; absent fields stay, `null` clears. The customer and the kind stay (a
/// visit recorded for the wrong patient is a new record; merges move visits). Send the
/// version in `If-Match`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "ended_at": "2026-12-08T03:00:00Z", "paid_fen": 580000
})))]
#[serde(deny_unknown_fields)]
pub struct VisitUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<VisitSequence>,
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
    pub doctor_id: Option<Option<Uuid>>,
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
    pub diagnosis_category: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visited_at: Option<DateTime<Utc>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub ended_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "validation::money_fen"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub amount_fen: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "validation::money_fen"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub insurance_fen: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "validation::money_fen"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub paid_fen: Option<i64>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(
        length(min = 1, max = 64),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub external_id: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 2000), custom(function = "validation::multiline"))]
    pub note: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
}

/// The fields the cross-field rules read, as they will be stored (a create's, or a stored
/// visit with an update applied).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VisitFacts {
    pub kind: VisitKind,
    pub visited_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub amount_fen: i64,
    pub insurance_fen: i64,
    pub paid_fen: i64,
}

/// How far ahead of the server's clock a recorded time may be (clocks of a HIS and of this
/// server differ a little); a visit is recorded once it happened.
pub const CLOCK_SKEW_MINUTES: i64 = 10;

fn field(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

impl VisitFacts {
    /// The rules across fields: an end only for stays and courses, not before the start;
    /// nothing in the future; insurance and payments no more than the amount.
    pub fn errors(&self, now: DateTime<Utc>) -> Vec<FieldError> {
        let mut out = Vec::new();
        let latest = now + Duration::minutes(CLOCK_SKEW_MINUTES);
        if self.visited_at > latest {
            out.push(field(
                "visited_at",
                "in_future",
                "a visit is recorded once it happened",
            ));
        }
        if let Some(end) = self.ended_at {
            if !self.kind.has_end() {
                out.push(field(
                    "ended_at",
                    "not_for_kind",
                    "only an inpatient stay or a treatment course ends",
                ));
            } else if end < self.visited_at {
                out.push(field("ended_at", "range", "must not be before visited_at"));
            } else if end > latest {
                out.push(field(
                    "ended_at",
                    "in_future",
                    "an end is recorded once it happened",
                ));
            }
        }
        if self.insurance_fen.saturating_add(self.paid_fen) > self.amount_fen {
            out.push(field(
                "paid_fen",
                "exceeds_amount",
                "insurance_fen + paid_fen must not exceed amount_fen",
            ));
        }
        out
    }

    pub fn arrears_fen(&self) -> i64 {
        (self.amount_fen - self.insurance_fen - self.paid_fen).max(0)
    }
}

impl VisitCreate {
    pub fn facts(&self) -> VisitFacts {
        VisitFacts {
            kind: self.kind,
            visited_at: self.visited_at,
            ended_at: self.ended_at,
            amount_fen: self.amount_fen,
            insurance_fen: self.insurance_fen,
            paid_fen: self.paid_fen,
        }
    }
}

impl Visit {
    /// The facts of this visit once `u` is applied.
    pub fn facts_after(&self, u: &VisitUpdate) -> VisitFacts {
        VisitFacts {
            kind: self.kind,
            visited_at: u.visited_at.unwrap_or(self.visited_at),
            ended_at: u.ended_at.unwrap_or(self.ended_at),
            amount_fen: u.amount_fen.unwrap_or(self.amount_fen),
            insurance_fen: u.insurance_fen.unwrap_or(self.insurance_fen),
            paid_fen: u.paid_fen.unwrap_or(self.paid_fen),
        }
    }
}

/// 就诊与消费汇总 — a customer's visits and spending on the 360 page (all institutions the
/// caller reaches).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "visits": 7, "inpatient_stays": 1, "return_visits": 5, "amount_fen": 2356000,
    "insurance_fen": 980000, "paid_fen": 1276000, "arrears_fen": 100000,
    "first_visit_at": "2025-12-20T01:00:00Z", "last_visit_at": "2026-12-01T02:30:00Z",
    "last_visit_kind": "inpatient"
})))]
pub struct VisitSummary {
    pub visits: i64,
    pub inpatient_stays: i64,
    pub return_visits: i64,
    /// 总消费, in fen.
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 0, maximum = 9007199254740991i64)
    )]
    pub amount_fen: i64,
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 0, maximum = 9007199254740991i64)
    )]
    pub insurance_fen: i64,
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 0, maximum = 9007199254740991i64)
    )]
    pub paid_fen: i64,
    /// 欠费 — the sum of each visit's arrears.
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 0, maximum = 9007199254740991i64)
    )]
    pub arrears_fen: i64,
    pub first_visit_at: Option<DateTime<Utc>>,
    pub last_visit_at: Option<DateTime<Utc>>,
    pub last_visit_kind: Option<VisitKind>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn facts(kind: VisitKind) -> VisitFacts {
        VisitFacts {
            kind,
            visited_at: Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap(),
            ended_at: None,
            amount_fen: 10_000,
            insurance_fen: 4_000,
            paid_fen: 5_000,
        }
    }

    fn codes(f: &VisitFacts) -> Vec<(String, String)> {
        let now = Utc.with_ymd_and_hms(2026, 12, 8, 0, 0, 0).unwrap();
        f.errors(now)
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn ends_belong_to_stays_and_courses_and_follow_the_start() {
        let mut f = facts(VisitKind::Outpatient);
        assert!(codes(&f).is_empty());
        f.ended_at = Some(f.visited_at + Duration::days(1));
        assert_eq!(codes(&f), [("ended_at".into(), "not_for_kind".into())]);
        f.kind = VisitKind::Inpatient;
        assert!(codes(&f).is_empty());
        f.ended_at = Some(f.visited_at - Duration::minutes(1));
        assert_eq!(codes(&f), [("ended_at".into(), "range".into())]);
        f.kind = VisitKind::TreatmentCourse;
        f.ended_at = Some(f.visited_at + Duration::days(30));
        assert_eq!(codes(&f), [("ended_at".into(), "in_future".into())]);
    }

    #[test]
    fn nothing_is_recorded_before_it_happened() {
        let mut f = facts(VisitKind::Surgery);
        f.visited_at = Utc.with_ymd_and_hms(2026, 12, 8, 0, 9, 0).unwrap();
        assert!(codes(&f).is_empty(), "within the clock skew");
        f.visited_at = Utc.with_ymd_and_hms(2026, 12, 8, 0, 11, 0).unwrap();
        assert_eq!(codes(&f), [("visited_at".into(), "in_future".into())]);
    }

    #[test]
    fn insurance_and_payments_stay_within_the_amount_and_arrears_are_the_rest() {
        let mut f = facts(VisitKind::Checkup);
        assert_eq!(f.arrears_fen(), 1_000);
        f.paid_fen = 6_000;
        assert_eq!(f.arrears_fen(), 0);
        assert!(codes(&f).is_empty());
        f.paid_fen = 6_001;
        assert_eq!(codes(&f), [("paid_fen".into(), "exceeds_amount".into())]);
    }

    #[test]
    fn an_update_is_checked_as_it_will_be_stored() {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap();
        let v = Visit {
            id: Uuid::nil(),
            institution_id: Uuid::nil(),
            customer_id: Uuid::nil(),
            kind: VisitKind::Inpatient,
            sequence: VisitSequence::First,
            department_id: None,
            doctor_id: None,
            diagnosis_category: None,
            visited_at: at,
            ended_at: Some(at + Duration::days(3)),
            amount_fen: 100,
            insurance_fen: 0,
            paid_fen: 0,
            arrears_fen: 100,
            external_id: None,
            note: None,
            version: 1,
            created_by: None,
            created_at: at,
            updated_at: at,
        };
        let u = VisitUpdate {
            ended_at: Some(None),
            paid_fen: Some(100),
            ..VisitUpdate::default()
        };
        let f = v.facts_after(&u);
        assert_eq!(f.ended_at, None);
        assert_eq!(f.arrears_fen(), 0);
        let u = VisitUpdate {
            visited_at: Some(at + Duration::days(4)),
            ..VisitUpdate::default()
        };
        assert_eq!(
            codes(&v.facts_after(&u)),
            [("ended_at".into(), "range".into())]
        );
    }
}
