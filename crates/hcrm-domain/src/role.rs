//! Section 0 of the spec: who uses HCRM.

use serde::{Deserialize, Serialize};

use crate::i18n::{Label, Lang};

/// 角色 — a staff role. A user may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 客服专员 / 咨询员 / 导医
    Agent,
    /// 回访员
    FollowUpAgent,
    /// 客户经理
    AccountManager,
    /// 客服主任 (one institution)
    Supervisor,
    /// 客服总监 (group level)
    Director,
    /// 医务部
    MedicalAffairs,
    /// 院长
    President,
    /// 总经理 / 总经办
    Executive,
    /// 系统管理员
    Admin,
    /// HIS and other machine clients
    Integration,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::Agent,
        Role::FollowUpAgent,
        Role::AccountManager,
        Role::Supervisor,
        Role::Director,
        Role::MedicalAffairs,
        Role::President,
        Role::Executive,
        Role::Admin,
        Role::Integration,
    ];

    /// The stable code stored in the database and used on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::FollowUpAgent => "follow_up_agent",
            Role::AccountManager => "account_manager",
            Role::Supervisor => "supervisor",
            Role::Director => "director",
            Role::MedicalAffairs => "medical_affairs",
            Role::President => "president",
            Role::Executive => "executive",
            Role::Admin => "admin",
            Role::Integration => "integration",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Section 0: `director`, `executive` and `admin` may be group-wide (all institutions).
    pub fn may_be_group_wide(self) -> bool {
        matches!(self, Role::Director | Role::Executive | Role::Admin)
    }

    /// Staff: users with some role besides `integration` — they do the service work (contacts,
    /// tasks) and look after customers. No roles at all is no staff member either.
    pub fn any_staff(roles: &[Role]) -> bool {
        roles.iter().any(|r| *r != Role::Integration)
    }

    /// A machine client (HIS): any user holding `integration` signs in with an API key only
    /// and reaches only what its key's scopes name (least privilege, issue 7).
    pub fn is_machine_client(roles: &[Role]) -> bool {
        roles.contains(&Role::Integration)
    }

    /// Position in the permission matrix's columns.
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Label for Role {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            Role::Agent => lang.pick("客服专员", "Service agent"),
            Role::FollowUpAgent => lang.pick("回访员", "Follow-up agent"),
            Role::AccountManager => lang.pick("客户经理", "Account manager"),
            Role::Supervisor => lang.pick("客服主任", "Service supervisor"),
            Role::Director => lang.pick("客服总监", "Service director"),
            Role::MedicalAffairs => lang.pick("医务部", "Medical affairs"),
            Role::President => lang.pick("院长", "President"),
            Role::Executive => lang.pick("总经理", "Executive"),
            Role::Admin => lang.pick("系统管理员", "Administrator"),
            Role::Integration => lang.pick("系统对接", "Integration client"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
            let json = serde_json::to_string(&role).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", role.code()));
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn staff_and_machine_clients() {
        use Role::*;
        for (roles, staff, machine) in [
            (&[][..], false, false),
            (&[Integration][..], false, true),
            (&[Agent][..], true, false),
            (&[Integration, Agent][..], true, true),
            (&[Admin][..], true, false),
        ] {
            assert_eq!(Role::any_staff(roles), staff, "{roles:?}");
            assert_eq!(Role::is_machine_client(roles), machine, "{roles:?}");
        }
    }

    #[test]
    fn only_director_executive_admin_may_be_group_wide() {
        let wide: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.may_be_group_wide())
            .collect();
        assert_eq!(wide, vec![Role::Director, Role::Executive, Role::Admin]);
    }
}
