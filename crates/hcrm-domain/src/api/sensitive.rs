//! The customer's sensitive sheets, each a separate sub-resource whose every read is audited
//! the medical-sensitive profile (CUS-5) and the VIP private notes. An update
//! replaces all four texts (absent or blank clears one) and needs the version read;
//! version 0 is a sheet not yet written.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::Role;
use crate::i18n::{Label, Lang};
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

/// private notes are for the customer's account manager, supervisors and up. With
/// `permission` (private_notes.read or .write) in `permissions`, a user may use it on a
/// customer unless they hold it only as an account manager — then only as the customer's
/// assigned one (`assigned`).
pub fn may_use_private_notes(
    roles: &[Role],
    permissions: &crate::PermissionSet,
    permission: crate::Permission,
    assigned: bool,
) -> bool {
    permissions.contains(permission)
        && (assigned
            || roles
                .iter()
                .any(|r| *r != Role::AccountManager && permission.granted_to(*r)))
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

/// 紧急访问事由 — why a record outside one's reach is needed now (X-6a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BreakGlassCategory {
    /// 急诊抢救
    Emergency,
    /// 患者来电
    PatientOnPhone,
    /// 连续诊疗 (the patient is under care elsewhere in the group)
    ContinuityOfCare,
}

impl BreakGlassCategory {
    pub const ALL: [BreakGlassCategory; 3] = [
        BreakGlassCategory::Emergency,
        BreakGlassCategory::PatientOnPhone,
        BreakGlassCategory::ContinuityOfCare,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BreakGlassCategory::Emergency => "emergency",
            BreakGlassCategory::PatientOnPhone => "patient_on_phone",
            BreakGlassCategory::ContinuityOfCare => "continuity_of_care",
        }
    }

    pub fn from_code(code: &str) -> Option<BreakGlassCategory> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

impl crate::i18n::Label for BreakGlassCategory {
    fn label(&self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            BreakGlassCategory::Emergency => lang.pick("急诊抢救", "Emergency"),
            BreakGlassCategory::PatientOnPhone => lang.pick("患者来电", "Patient on the phone"),
            BreakGlassCategory::ContinuityOfCare => lang.pick("连续诊疗", "Continuity of care"),
        }
    }
}

/// Self-opened grants a user may hold per 24 hours; beyond it a request waits for a
/// supervisor's approval.
pub const BREAK_GLASS_DAILY_CAP: i64 = 3;

/// Who may break the glass into an institution's records unless the institution chose
/// otherwise: the service staff, not administrators or machine clients.
pub fn default_break_glass_roles() -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| !matches!(r, Role::Admin | Role::Integration))
        .collect()
}

/// A reason a reviewer can check: at least 8 characters, of which at least 5 different
/// letters, digits or ideographs ("aaaaa" or "......" says nothing).
pub fn reason_of_substance(text: &str) -> Result<(), validator::ValidationError> {
    let text = text.trim();
    let mut distinct: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if text.chars().count() >= 8 && distinct.len() >= 5 {
        Ok(())
    } else {
        Err(
            validator::ValidationError::new("reason_of_substance").with_message(
                std::borrow::Cow::Borrowed(
                    "say in at least 8 characters why the record is needed now",
                ),
            ),
        )
    }
}

/// A request to break the glass (X-6a): read a customer outside one's reach for 30 minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"category": "patient_on_phone", "reason": "患者来电，急诊需要核对过敏史"})))]
#[serde(deny_unknown_fields)]
pub struct BreakGlassRequest {
    pub category: BreakGlassCategory,
    /// Why the record is needed now; the supervisor reads it.
    #[validate(
        length(max = 500),
        custom(function = "reason_of_substance"),
        custom(function = "validation::multiline")
    )]
    pub reason: String,
}

crate::customer::kinds::coded_enum! {
    /// 复核结论 — what the reviewer found a break-glass access to be (X-6a).
    pub enum ReviewOutcome {
        Appropriate = "appropriate", "合理", "Appropriate";
        Inappropriate = "inappropriate", "不合理", "Inappropriate";
        NeedsFollowUp = "needs_follow_up", "需跟进", "Needs follow-up";
    }
}

/// A supervisor's review of a break-glass access: the outcome, and a note (required when the
/// access was inappropriate, so that the finding says why).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"outcome": "appropriate", "note": "已核实：患者来电急诊，访问合理"})))]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "note_for_inappropriate", skip_on_field_errors = false))]
pub struct ReviewRequest {
    pub outcome: ReviewOutcome,
    /// Required (not blank) when `outcome` is `inappropriate`.
    #[serde(default)]
    #[validate(length(max = 500), custom(function = "validation::multiline"))]
    pub note: Option<String>,
}

/// An `inappropriate` finding says why: its note is required (`required` on `note`).
fn note_for_inappropriate(r: &ReviewRequest) -> Result<(), validator::ValidationError> {
    let blank = r.note.as_deref().is_none_or(|n| n.trim().is_empty());
    if r.outcome == ReviewOutcome::Inappropriate && blank {
        let mut e = validator::ValidationError::new("required");
        e.message = Some("say why the access was inappropriate".into());
        e.add_param("field".into(), &"note");
        return Err(e);
    }
    Ok(())
}

/// A break-glass grant (X-6a), as it is given and as the supervisor reviews it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreakGlassGrant {
    pub id: Uuid,
    pub user_id: Uuid,
    /// Who opened it (display name), so that a reviewer of another institution knows them.
    #[cfg_attr(feature = "openapi", schema(example = "王芳"))]
    pub user_name: String,
    pub customer_id: Uuid,
    /// The customer's name, so that the reviewer sees whose record was opened.
    #[cfg_attr(feature = "openapi", schema(example = "张三丰"))]
    pub customer_name: String,
    pub institution_id: Uuid,
    pub category: BreakGlassCategory,
    #[cfg_attr(feature = "openapi", schema(example = "患者来电，急诊需要核对过敏史"))]
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    /// Until when it opens the record; for a grant waiting for approval, its request time.
    pub expires_at: DateTime<Utc>,
    /// Over the daily cap: it opens nothing until a supervisor approves it.
    pub needs_approval: bool,
    pub approved_by: Option<Uuid>,
    pub approved_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// The reviewer's finding; absent while not reviewed (and for grants reviewed before
    /// outcomes were recorded).
    #[serde(default)]
    pub review_outcome: Option<ReviewOutcome>,
    pub review_note: Option<String>,
}

#[cfg(test)]
mod private_notes_tests {
    use super::*;
    use crate::{Permission, PermissionSet};

    #[test]
    fn private_notes_are_for_the_assigned_account_manager_and_supervisors_up() {
        use Role::*;
        let read = Permission::PrivateNotesRead;
        for (roles, assigned, ok) in [
            (&[AccountManager][..], true, true),
            (&[AccountManager][..], false, false),
            (&[Supervisor][..], false, true),
            (&[AccountManager, Supervisor][..], false, true),
            (&[Agent][..], true, false),
            (&[President][..], false, true),
        ] {
            let perms = PermissionSet::for_roles(roles);
            assert_eq!(
                may_use_private_notes(roles, &perms, read, assigned),
                ok,
                "{roles:?} assigned={assigned}"
            );
        }
        // A key's or session's permissions decide first.
        let none = PermissionSet::default();
        assert!(!may_use_private_notes(&[Supervisor], &none, read, true));
    }
}

#[cfg(test)]
mod break_glass_tests {
    use super::*;

    #[test]
    fn an_inappropriate_finding_needs_a_note() {
        let review = |outcome, note: Option<&str>| ReviewRequest {
            outcome,
            note: note.map(str::to_string),
        };
        for (outcome, note, ok) in [
            (ReviewOutcome::Appropriate, None, true),
            (ReviewOutcome::NeedsFollowUp, None, true),
            (
                ReviewOutcome::Inappropriate,
                Some("未见来电记录，访问不合理"),
                true,
            ),
            (ReviewOutcome::Inappropriate, None, false),
            (ReviewOutcome::Inappropriate, Some("   "), false),
        ] {
            let result = review(outcome, note).validate();
            assert_eq!(result.is_ok(), ok, "{outcome:?} {note:?}");
            if let Err(e) = result {
                let text = format!("{e:?}");
                assert!(
                    text.contains("\"note\"") && text.contains("required"),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn a_reason_must_say_something() {
        for bad in [
            "aaaaa",
            "aaaaaaaaaaaa",
            "........",
            "急诊",
            "12121212",
            "  ab  ",
        ] {
            assert!(reason_of_substance(bad).is_err(), "{bad:?}");
        }
        for good in [
            "患者来电，急诊需要核对过敏史",
            "急诊抢救需查看过敏史",
            "patient called",
        ] {
            assert!(reason_of_substance(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn categories_round_trip_and_the_default_roles_leave_out_admin_and_machines() {
        for c in BreakGlassCategory::ALL {
            assert_eq!(BreakGlassCategory::from_code(c.code()), Some(c));
            assert_eq!(
                serde_json::to_string(&c).unwrap_or_default(),
                format!("\"{}\"", c.code())
            );
        }
        let roles = default_break_glass_roles();
        assert!(roles.contains(&Role::Agent) && roles.contains(&Role::Supervisor));
        assert!(!roles.contains(&Role::Admin) && !roles.contains(&Role::Integration));
    }
}
