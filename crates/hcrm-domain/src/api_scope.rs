//! the scopes of a machine client's API key. A key names scopes, never permissions;
//! each scope grants a fixed set of permissions of the matrix, and a key may do what its
//! user's roles allow AND one of its scopes grants (`PermissionSet::restricted_to`).
//! An admin gives a key only scopes whose permissions the user's roles hold all of.

use serde::{Deserialize, Serialize};

use crate::i18n::{Label, Lang};
use crate::permission::{Permission, PermissionSet};

/// 接口权限范围 — what an API key may reach. Serialized as its code (`patients:write`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ApiScope {
    /// Institutions, departments and doctors, to map the HIS's codes onto ours.
    #[serde(rename = "organisation:read")]
    OrganisationRead,
    /// Patients (customers) and their FHIR `Patient` resources.
    #[serde(rename = "patients:read")]
    PatientsRead,
    /// Create and change patients: the HIS's patient upserts and FHIR `POST Patient`.
    #[serde(rename = "patients:write")]
    PatientsWrite,
    #[serde(rename = "visits:read")]
    VisitsRead,
    /// The HIS's visits, admissions, discharges, surgeries, charges and payments.
    #[serde(rename = "visits:write")]
    VisitsWrite,
    /// Appointments, clinic sessions and consultations; FHIR `Appointment`.
    #[serde(rename = "appointments:read")]
    AppointmentsRead,
    #[serde(rename = "appointments:write")]
    AppointmentsWrite,
    #[serde(rename = "follow-ups:read")]
    FollowUpsRead,
    /// The client's integration batches and their per-item results.
    #[serde(rename = "batches:read")]
    BatchesRead,
    /// Complaints: beyond the integration role; only for a client user that also holds a
    /// role reading complaints.
    #[serde(rename = "complaints:read")]
    ComplaintsRead,
}

impl ApiScope {
    pub const ALL: [ApiScope; 10] = [
        ApiScope::OrganisationRead,
        ApiScope::PatientsRead,
        ApiScope::PatientsWrite,
        ApiScope::VisitsRead,
        ApiScope::VisitsWrite,
        ApiScope::AppointmentsRead,
        ApiScope::AppointmentsWrite,
        ApiScope::FollowUpsRead,
        ApiScope::BatchesRead,
        ApiScope::ComplaintsRead,
    ];

    /// The stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            ApiScope::OrganisationRead => "organisation:read",
            ApiScope::PatientsRead => "patients:read",
            ApiScope::PatientsWrite => "patients:write",
            ApiScope::VisitsRead => "visits:read",
            ApiScope::VisitsWrite => "visits:write",
            ApiScope::AppointmentsRead => "appointments:read",
            ApiScope::AppointmentsWrite => "appointments:write",
            ApiScope::FollowUpsRead => "follow-ups:read",
            ApiScope::BatchesRead => "batches:read",
            ApiScope::ComplaintsRead => "complaints:read",
        }
    }

    pub fn from_code(code: &str) -> Option<ApiScope> {
        ApiScope::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The permissions this scope grants (bounded by the key's user's roles). The two write
    /// scopes of the HIS path also grant `integration.write`, which the `/integration/`
    /// endpoints require besides the permission of each item's kind.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission as P;
        match self {
            ApiScope::OrganisationRead => &[P::InstitutionRead, P::DepartmentRead],
            ApiScope::PatientsRead => &[P::CustomerRead],
            ApiScope::PatientsWrite => &[P::CustomerWrite, P::IntegrationWrite],
            ApiScope::VisitsRead => &[P::VisitRead],
            ApiScope::VisitsWrite => &[P::VisitWrite, P::IntegrationWrite],
            ApiScope::AppointmentsRead => &[P::ServiceRead],
            ApiScope::AppointmentsWrite => &[P::ServiceWrite],
            ApiScope::FollowUpsRead => &[P::FollowUpRead],
            ApiScope::BatchesRead => &[P::IntegrationRead],
            ApiScope::ComplaintsRead => &[P::ComplaintRead],
        }
    }

    /// The permissions a key with `scopes` may use at most (its user's roles bound it too).
    pub fn granted(scopes: &[ApiScope]) -> Vec<Permission> {
        let mut out: Vec<Permission> = scopes
            .iter()
            .flat_map(|s| s.permissions().iter().copied())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Whether a user with `held` permissions may be given this scope: they hold every
    /// permission it grants.
    pub fn within(self, held: &PermissionSet) -> bool {
        self.permissions().iter().all(|p| held.contains(*p))
    }

    /// What the scope lets a client do, for the admin choosing scopes.
    pub fn description(self, lang: Lang) -> &'static str {
        match self {
            ApiScope::OrganisationRead => lang.pick(
                "读取机构、科室与医生，用于对照 HIS 编码",
                "Read institutions, departments and doctors, to map the HIS's codes",
            ),
            ApiScope::PatientsRead => lang.pick(
                "读取患者档案（含 FHIR Patient 查询）；证件号与电话遮蔽显示",
                "Read patients (FHIR Patient too); ID and phone numbers masked",
            ),
            ApiScope::PatientsWrite => lang.pick(
                "新建与更新患者：HIS 患者批量同步、FHIR 新建 Patient",
                "Create and update patients: HIS patient batches, FHIR Patient creation",
            ),
            ApiScope::VisitsRead => lang.pick(
                "读取就诊与消费记录",
                "Read visits and spending",
            ),
            ApiScope::VisitsWrite => lang.pick(
                "同步就诊：门诊、入院、出院、手术、疗程、体检及费用与缴费",
                "Push visits: outpatient, admission, discharge, surgery, courses, check-ups, charges and payments",
            ),
            ApiScope::AppointmentsRead => lang.pick(
                "读取预约、出诊与咨询（含 FHIR Appointment 查询）",
                "Read appointments, clinic sessions and consultations (FHIR Appointment too)",
            ),
            ApiScope::AppointmentsWrite => lang.pick(
                "预约与取消预约",
                "Book and cancel appointments",
            ),
            ApiScope::FollowUpsRead => lang.pick("读取回访计划与结果", "Read follow-up plans and outcomes"),
            ApiScope::BatchesRead => lang.pick(
                "读取本客户端的同步批次及逐条结果",
                "Read the client's integration batches and their per-item results",
            ),
            ApiScope::ComplaintsRead => lang.pick(
                "读取投诉（系统对接角色不含此权限，需同时具备可查看投诉的角色）",
                "Read complaints (beyond the integration role: the user needs a role that reads complaints)",
            ),
        }
    }
}

impl std::fmt::Display for ApiScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Label for ApiScope {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            ApiScope::OrganisationRead => lang.pick("读取机构与科室", "Read organisation"),
            ApiScope::PatientsRead => lang.pick("读取患者", "Read patients"),
            ApiScope::PatientsWrite => lang.pick("写入患者", "Write patients"),
            ApiScope::VisitsRead => lang.pick("读取就诊", "Read visits"),
            ApiScope::VisitsWrite => lang.pick("写入就诊", "Write visits"),
            ApiScope::AppointmentsRead => lang.pick("读取预约", "Read appointments"),
            ApiScope::AppointmentsWrite => lang.pick("写入预约", "Write appointments"),
            ApiScope::FollowUpsRead => lang.pick("读取回访", "Read follow-ups"),
            ApiScope::BatchesRead => lang.pick("读取同步批次", "Read batches"),
            ApiScope::ComplaintsRead => lang.pick("读取投诉", "Read complaints"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for s in ApiScope::ALL {
            assert_eq!(ApiScope::from_code(s.code()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap_or_default(),
                format!("\"{}\"", s.code())
            );
            assert!(!s.permissions().is_empty(), "{s:?} grants nothing");
            assert_ne!(s.description(Lang::Zh), s.description(Lang::En));
        }
        assert_eq!(ApiScope::from_code("customer.read"), None);
    }

    #[test]
    fn the_integration_role_holds_every_scope_but_complaints() {
        let his = PermissionSet::for_roles(&[Role::Integration]);
        let held: Vec<ApiScope> = ApiScope::ALL
            .into_iter()
            .filter(|s| s.within(&his))
            .collect();
        assert_eq!(held.len(), ApiScope::ALL.len() - 1);
        assert!(!ApiScope::ComplaintsRead.within(&his));
        // A client that is also a supervisor may read complaints.
        let both = PermissionSet::for_roles(&[Role::Integration, Role::Supervisor]);
        assert!(ApiScope::ComplaintsRead.within(&both));
        // Every permission of the integration role is reachable through some scope.
        let reachable = ApiScope::granted(&ApiScope::ALL);
        for p in his.to_vec() {
            assert!(reachable.contains(&p), "{p:?} has no scope");
        }
    }

    #[test]
    fn a_key_may_do_what_its_user_and_its_scopes_both_allow() {
        let his = PermissionSet::for_roles(&[Role::Integration]);
        let key = his.restricted_to(&ApiScope::granted(&[ApiScope::PatientsWrite]));
        assert!(key.contains(Permission::CustomerWrite));
        assert!(key.contains(Permission::IntegrationWrite));
        assert!(!key.contains(Permission::VisitWrite));
        assert!(!key.contains(Permission::CustomerRead));
        let visits = his.restricted_to(&ApiScope::granted(&[ApiScope::VisitsWrite]));
        assert!(visits.contains(Permission::VisitWrite));
        assert!(!visits.contains(Permission::CustomerWrite));
        // A scope beyond the user's roles grants nothing.
        let complaints = his.restricted_to(&ApiScope::granted(&[ApiScope::ComplaintsRead]));
        assert_eq!(complaints.to_vec(), vec![]);
        assert_eq!(
            ApiScope::granted(&[ApiScope::PatientsWrite, ApiScope::VisitsWrite]),
            vec![
                Permission::CustomerWrite,
                Permission::VisitWrite,
                Permission::IntegrationWrite
            ]
        );
    }
}
