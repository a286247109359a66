//! Organisation (ORG-1, ORG-2, ORG-4): institutions, departments, doctors and staff users.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::api::double_option;
use crate::i18n::{Label, Lang};
use crate::role::Role;
use crate::validation;

/// The group's home time zone (X-11): a new institution's unless told otherwise, and the
/// web app's for a user without an institution.
pub const HOME_TIME_ZONE: &str = "Asia/Shanghai";

/// 机构 — a hospital or clinic of the group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Institution {
    pub id: Uuid,
    /// Short code used in document numbers (ORG-1).
    #[cfg_attr(feature = "openapi", schema(example = "BJ01"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "北京和睦医院"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "北京"))]
    pub city: String,
    /// In the group's home city (京内) or not (京外); sets complaint deadlines (CMP-5).
    pub local: bool,
    #[cfg_attr(feature = "openapi", schema(example = "Asia/Shanghai"))]
    pub time_zone: String,
    pub address: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = "010-65432100"))]
    pub hotline: Option<String>,
    pub active: bool,
    /// The roles whose users may break the glass into this institution's records (X-6a).
    #[cfg_attr(feature = "openapi", schema(example = json!(["agent", "supervisor", "director"])))]
    pub break_glass_roles: Vec<Role>,
    /// Send it back in `If-Match` to update (X-7).
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The few fields of an institution that other records show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstitutionRef {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "BJ01"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "北京和睦医院"))]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "code": "BJ01", "name": "北京和睦医院", "city": "北京", "local": true,
    "time_zone": "Asia/Shanghai", "address": "北京市朝阳区将台路2号", "hotline": "010-65432100"
})))]
#[serde(deny_unknown_fields)]
pub struct InstitutionCreate {
    #[validate(custom(function = "validation::institution_code"))]
    pub code: String,
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub name: String,
    #[validate(
        length(min = 1, max = 50),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub city: String,
    pub local: bool,
    /// Defaults to `Asia/Shanghai`.
    #[serde(default)]
    #[validate(custom(function = "validation::time_zone"))]
    pub time_zone: Option<String>,
    #[serde(default)]
    #[validate(length(max = 200), custom(function = "validation::line"))]
    pub address: Option<String>,
    #[serde(default)]
    #[validate(custom(function = "validation::phone"))]
    pub hotline: Option<String>,
}

/// Changes to an institution; absent fields stay as they are, `null` clears a nullable one.
/// The code is fixed once documents carry it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"hotline": "010-65432199", "local": false})))]
#[serde(deny_unknown_fields)]
pub struct InstitutionUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 50),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "validation::time_zone"))]
    pub time_zone: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 200), custom(function = "validation::line"))]
    pub address: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(custom(function = "validation::phone"))]
    pub hotline: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The roles whose users may break the glass into this institution's records (X-6a);
    /// an empty list lets nobody. Administrators and integration clients never may.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "allowed_break_glass_roles"))]
    pub break_glass_roles: Option<Vec<Role>>,
    /// The version read; an alternative to the `If-Match` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
}

fn allowed_break_glass_roles(roles: &[Role]) -> Result<(), validator::ValidationError> {
    let allowed = crate::api::sensitive::default_break_glass_roles();
    if roles.iter().all(|r| allowed.contains(r)) {
        Ok(())
    } else {
        Err(
            validator::ValidationError::new("break_glass_role").with_message(
                std::borrow::Cow::Borrowed(
                    "administrators and integration clients cannot break the glass",
                ),
            ),
        )
    }
}

/// 科室 — a department of one institution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Department {
    pub id: Uuid,
    pub institution_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "心内科"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "CARD"))]
    pub code: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = "010-65432101"))]
    pub phone: Option<String>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "institution_id": "0193a1d2-7c4e-7b10-8000-000000000001", "name": "心内科", "code": "CARD", "phone": "010-65432101"
})))]
#[serde(deny_unknown_fields)]
pub struct DepartmentCreate {
    pub institution_id: Uuid,
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub name: String,
    #[serde(default)]
    #[validate(length(min = 1, max = 20), custom(function = "validation::line"))]
    pub code: Option<String>,
    #[serde(default)]
    #[validate(custom(function = "validation::phone"))]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "心血管内科"})))]
#[serde(deny_unknown_fields)]
pub struct DepartmentUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 20), custom(function = "validation::line"))]
    pub code: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(custom(function = "validation::phone"))]
    pub phone: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
}

/// 出诊时段 — the half-day slot of a consultation session (ORG-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HalfDay {
    Morning,
    Afternoon,
    Evening,
}

impl HalfDay {
    pub const ALL: [HalfDay; 3] = [HalfDay::Morning, HalfDay::Afternoon, HalfDay::Evening];

    pub fn code(self) -> &'static str {
        match self {
            HalfDay::Morning => "morning",
            HalfDay::Afternoon => "afternoon",
            HalfDay::Evening => "evening",
        }
    }

    pub fn from_code(code: &str) -> Option<HalfDay> {
        HalfDay::ALL.into_iter().find(|h| h.code() == code)
    }
}

impl Label for HalfDay {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            HalfDay::Morning => lang.pick("上午", "Morning"),
            HalfDay::Afternoon => lang.pick("下午", "Afternoon"),
            HalfDay::Evening => lang.pick("夜间", "Evening"),
        }
    }
}

/// One consultation session of a doctor: every given weekday, or one date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "schedule_has_weekday_or_date"))]
pub struct ScheduleSlot {
    /// 1 = Monday … 7 = Sunday; set this or `date`.
    #[serde(default)]
    #[validate(range(min = 1, max = 7))]
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub weekday: Option<u8>,
    /// A single date (an extra session); set this or `weekday`.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    pub half_day: HalfDay,
    /// Appointments the session takes.
    #[validate(range(min = 1, max = 500))]
    #[cfg_attr(feature = "openapi", schema(example = 20))]
    pub capacity: i32,
}

fn schedule_has_weekday_or_date(slot: &ScheduleSlot) -> Result<(), validator::ValidationError> {
    if slot.weekday.is_some() == slot.date.is_some() {
        let mut e = validator::ValidationError::new("weekday_or_date");
        e.message = Some("set exactly one of weekday and date".into());
        return Err(e);
    }
    Ok(())
}

/// 专家 — a doctor with a consultation schedule (出诊时间).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Doctor {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub department_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "李建国"))]
    pub name: String,
    /// 职称
    #[cfg_attr(feature = "openapi", schema(example = "主任医师"))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(example = json!(["冠心病", "高血压"])))]
    pub specialties: Vec<String>,
    pub schedule: Vec<ScheduleSlot>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "department_id": "0193a1d2-7c4e-7b10-8000-000000000002", "name": "李建国", "title": "主任医师",
    "specialties": ["冠心病", "高血压"],
    "schedule": [{"weekday": 2, "half_day": "morning", "capacity": 20}]
})))]
#[serde(deny_unknown_fields)]
pub struct DoctorCreate {
    pub department_id: Uuid,
    #[validate(
        length(min = 1, max = 50),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub name: String,
    #[validate(length(min = 1, max = 50), custom(function = "validation::line"))]
    pub title: String,
    #[serde(default)]
    #[validate(length(max = 20), custom(function = "validation::lines"))]
    pub specialties: Vec<String>,
    #[serde(default)]
    #[validate(length(max = 30), nested)]
    pub schedule: Vec<ScheduleSlot>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"title": "主任医师", "schedule": [{"weekday": 4, "half_day": "afternoon", "capacity": 15}]})))]
#[serde(deny_unknown_fields)]
pub struct DoctorUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 50),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 50), custom(function = "validation::line"))]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 20), custom(function = "validation::lines"))]
    pub specialties: Option<Vec<String>>,
    /// Replaces the whole schedule when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 30), nested)]
    pub schedule: Option<Vec<ScheduleSlot>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
}

/// A staff user (ORG-4). Never carries a password or its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "zhang.min"))]
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(example = "张敏"))]
    pub display_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "13812345678"))]
    pub phone: Option<String>,
    pub roles: Vec<Role>,
    pub group_wide: bool,
    pub institutions: Vec<InstitutionRef>,
    /// 直属上级
    pub supervisor_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub active: bool,
    pub version: i32,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "username": "zhang.min", "display_name": "张敏", "password": "Welcome2026",
    "phone": "13812345678", "roles": ["agent"],
    "institution_ids": ["0193a1d2-7c4e-7b10-8000-000000000001"], "group_wide": false
})))]
#[serde(deny_unknown_fields)]
pub struct UserCreate {
    #[validate(custom(function = "validation::username"))]
    pub username: String,
    #[validate(
        length(min = 1, max = 50),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub display_name: String,
    #[validate(custom(function = "validation::password"))]
    pub password: String,
    #[serde(default)]
    #[validate(custom(function = "validation::mobile"))]
    pub phone: Option<String>,
    #[validate(length(min = 1, max = 10))]
    pub roles: Vec<Role>,
    #[serde(default)]
    #[validate(length(max = 50))]
    pub institution_ids: Vec<Uuid>,
    #[serde(default)]
    pub group_wide: bool,
    #[serde(default)]
    pub supervisor_id: Option<Uuid>,
    #[serde(default)]
    pub department_id: Option<Uuid>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"display_name": "张敏", "roles": ["agent", "follow_up_agent"]})))]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 50),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub display_name: Option<String>,
    /// A new password; the user's refresh tokens are revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "validation::password"))]
    pub password: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(custom(function = "validation::mobile"))]
    pub phone: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 10))]
    pub roles: Option<Vec<Role>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 50))]
    pub institution_ids: Option<Vec<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_wide: Option<bool>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub supervisor_id: Option<Option<Uuid>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub department_id: Option<Option<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
}

/// Why a combination of roles, institutions and group-wide scope is not allowed, if it is not.
/// A group-wide user needs a role that may be group-wide; everyone else needs an institution.
pub fn scope_problem(
    roles: &[Role],
    group_wide: bool,
    institutions: usize,
) -> Option<(&'static str, &'static str)> {
    if group_wide && !roles.iter().any(|r| r.may_be_group_wide()) {
        return Some((
            "group_wide",
            "only director, executive and admin may be group-wide",
        ));
    }
    if !group_wide && institutions == 0 {
        return Some((
            "institution_ids",
            "a user who is not group-wide needs at least one institution",
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_tells_absent_from_null() {
        let absent: InstitutionUpdate = serde_json::from_str("{}").unwrap();
        assert_eq!(absent.hotline, None);
        let cleared: InstitutionUpdate = serde_json::from_str(r#"{"hotline": null}"#).unwrap();
        assert_eq!(cleared.hotline, Some(None));
        let set: InstitutionUpdate = serde_json::from_str(r#"{"hotline": "95555"}"#).unwrap();
        assert_eq!(set.hotline, Some(Some("95555".into())));
    }

    #[test]
    fn requests_reject_unknown_fields() {
        let r: Result<InstitutionCreate, _> = serde_json::from_str(
            r#"{"code":"BJ01","name":"a","city":"b","local":true,"admin":true}"#,
        );
        assert!(r.is_err());
    }

    #[test]
    fn institution_create_reports_each_bad_field() {
        let c = InstitutionCreate {
            code: "bj".into(),
            name: " ".into(),
            city: "北京".into(),
            local: true,
            time_zone: Some("Nowhere/City".into()),
            address: None,
            hotline: Some("call me".into()),
        };
        let errors = c.validate().unwrap_err();
        let field_errors = errors.field_errors();
        let mut fields: Vec<&str> = field_errors.keys().map(|k| k.as_ref()).collect();
        fields.sort();
        assert_eq!(fields, ["code", "hotline", "name", "time_zone"]);
    }

    #[test]
    fn schedule_slot_needs_weekday_or_date() {
        let both = ScheduleSlot {
            weekday: Some(1),
            date: NaiveDate::from_ymd_opt(2026, 12, 1),
            half_day: HalfDay::Morning,
            capacity: 10,
        };
        assert!(both.validate().is_err());
        let weekly = ScheduleSlot {
            date: None,
            ..both.clone()
        };
        assert!(weekly.validate().is_ok());
        let bad_day = ScheduleSlot {
            weekday: Some(8),
            ..weekly
        };
        assert!(bad_day.validate().is_err());
    }

    #[test]
    fn scope_rules() {
        assert!(scope_problem(&[Role::Admin], true, 0).is_none());
        assert_eq!(
            scope_problem(&[Role::Agent], true, 1).map(|p| p.0),
            Some("group_wide")
        );
        assert_eq!(
            scope_problem(&[Role::Agent], false, 0).map(|p| p.0),
            Some("institution_ids")
        );
        assert!(scope_problem(&[Role::Agent], false, 1).is_none());
    }
}
