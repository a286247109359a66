//! The customer's sensitive sheets, each a separate sub-resource whose every read is audited
//! the medical-sensitive profile (CUS-5) and the VIP private notes. An update
//! replaces all four texts (absent or blank clears one) and needs the version read;
//! version 0 is a sheet not yet written.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::validation;

/// 医疗敏感信息 — CUS-5. Read needs `medical.read` or a break-glass grant (X-6a).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MedicalProfile {
    /// 过敏史
    #[cfg_attr(feature = "openapi", schema(example = "青霉素过敏"))]
    pub allergies: Option<String>,
    /// 遗传/家族病史
    pub family_history: Option<String>,
    /// 慢性病 — a chronic patient needing long-term care is a VIP candidate.
    pub chronic_conditions: Option<String>,
    /// 医疗信息需求
    pub information_needs: Option<String>,
    /// 0 while nothing was written yet.
    pub version: i32,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<Uuid>,
}

impl MedicalProfile {
    pub const FIELDS: [&'static str; 4] = [
        "allergies",
        "family_history",
        "chronic_conditions",
        "information_needs",
    ];

    fn texts(&self) -> [&Option<String>; 4] {
        [
            &self.allergies,
            &self.family_history,
            &self.chronic_conditions,
            &self.information_needs,
        ]
    }

    /// The names of the fields that differ (for the audit trail, which never holds the text).
    pub fn changed_fields(&self, other: &MedicalProfile) -> Vec<&'static str> {
        changed(Self::FIELDS, self.texts(), other.texts())
    }
}

/// The new medical-sensitive profile; send the version read in `If-Match` or as `version`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "allergies": "青霉素过敏", "family_history": "父亲高血压", "chronic_conditions": "2型糖尿病",
    "information_needs": "糖尿病饮食指导", "version": 0
})))]
#[serde(deny_unknown_fields)]
pub struct MedicalProfileUpdate {
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub allergies: Option<String>,
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub family_history: Option<String>,
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub chronic_conditions: Option<String>,
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub information_needs: Option<String>,
    /// The version read (0 for a profile not written yet), unless sent in `If-Match`.
    #[serde(default)]
    pub version: Option<i32>,
}

/// VIP 私密信息 — X-6: 喜好、习惯、家庭背景、特殊要求, for the customer's account manager,
/// supervisors and up.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrivateNotes {
    /// 喜好
    #[cfg_attr(feature = "openapi", schema(example = "喜欢安静的单人病房，爱喝龙井"))]
    pub preferences: Option<String>,
    /// 习惯
    pub habits: Option<String>,
    /// 家庭背景
    pub family_background: Option<String>,
    /// 特殊要求
    pub special_requirements: Option<String>,
    /// 0 while nothing was written yet.
    pub version: i32,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<Uuid>,
}

impl PrivateNotes {
    pub const FIELDS: [&'static str; 4] = [
        "preferences",
        "habits",
        "family_background",
        "special_requirements",
    ];

    fn texts(&self) -> [&Option<String>; 4] {
        [
            &self.preferences,
            &self.habits,
            &self.family_background,
            &self.special_requirements,
        ]
    }

    /// The names of the fields that differ (for the audit trail, which never holds the text).
    pub fn changed_fields(&self, other: &PrivateNotes) -> Vec<&'static str> {
        changed(Self::FIELDS, self.texts(), other.texts())
    }
}

/// The new private notes; send the version read in `If-Match` or as `version`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "preferences": "喜欢安静的单人病房，爱喝龙井", "habits": "早睡早起，每天散步",
    "family_background": "独子在美国工作", "special_requirements": "就诊请安排女医生",
    "version": 0
})))]
#[serde(deny_unknown_fields)]
pub struct PrivateNotesUpdate {
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub preferences: Option<String>,
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub habits: Option<String>,
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub family_background: Option<String>,
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub special_requirements: Option<String>,
    /// The version read (0 for notes not written yet), unless sent in `If-Match`.
    #[serde(default)]
    pub version: Option<i32>,
}

fn changed(
    names: [&'static str; 4],
    a: [&Option<String>; 4],
    b: [&Option<String>; 4],
) -> Vec<&'static str> {
    names
        .into_iter()
        .zip(a.into_iter().zip(b))
        .filter(|(_, (x, y))| x != y)
        .map(|(name, _)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_fields_names_only_what_differs() {
        let before = MedicalProfile {
            allergies: Some("青霉素".into()),
            ..Default::default()
        };
        let after = MedicalProfile {
            allergies: Some("青霉素".into()),
            chronic_conditions: Some("高血压".into()),
            version: 2,
            ..Default::default()
        };
        assert_eq!(before.changed_fields(&after), vec!["chronic_conditions"]);
        assert!(before.changed_fields(&before).is_empty());
        let notes = PrivateNotes {
            habits: Some("早睡".into()),
            ..Default::default()
        };
        assert_eq!(
            PrivateNotes::default().changed_fields(&notes),
            vec!["habits"]
        );
    }

    #[test]
    fn texts_longer_than_4000_characters_are_refused() {
        let ok = MedicalProfileUpdate {
            allergies: Some("敏".repeat(4000)),
            ..Default::default()
        };
        assert!(ok.validate().is_ok());
        let long = PrivateNotesUpdate {
            habits: Some("x".repeat(4001)),
            ..Default::default()
        };
        assert!(long.validate().is_err());
    }
}

/// A request to break the glass (X-6a): read a customer outside one's reach for 30 minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"reason": "患者来电，急诊需要核对过敏史"})))]
#[serde(deny_unknown_fields)]
pub struct BreakGlassRequest {
    /// Why the record is needed now; the supervisor reads it.
    #[validate(
        length(min = 5, max = 500),
        custom(function = "validation::not_blank"),
        custom(function = "validation::multiline")
    )]
    pub reason: String,
}

/// A break-glass grant (X-6a), as it is given and as the supervisor reviews it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreakGlassGrant {
    pub id: Uuid,
    pub user_id: Uuid,
    pub customer_id: Uuid,
    /// The customer's name, so that the reviewer sees whose record was opened.
    #[cfg_attr(feature = "openapi", schema(example = "张三丰"))]
    pub customer_name: String,
    pub institution_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "患者来电，急诊需要核对过敏史"))]
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_note: Option<String>,
}
