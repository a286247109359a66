//! the role → permission matrix. Every endpoint asks for one permission; a user has the
//! union of the permissions of their roles. Read the table column by column to review a role.

use serde::{Deserialize, Serialize};

use crate::i18n::{Label, Lang};
use crate::role::Role;

/// 权限 — one thing a role may do. Serialized as its dotted code (`customer.read`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Permission {
    #[serde(rename = "institution.read")]
    InstitutionRead,
    #[serde(rename = "institution.write")]
    InstitutionWrite,
    #[serde(rename = "department.read")]
    DepartmentRead,
    #[serde(rename = "department.write")]
    DepartmentWrite,
    #[serde(rename = "user.read")]
    UserRead,
    #[serde(rename = "user.write")]
    UserWrite,
    #[serde(rename = "audit.read")]
    AuditRead,
    /// Unmasked ID and phone numbers.
    #[serde(rename = "pii.read")]
    PiiRead,
    #[serde(rename = "customer.read")]
    CustomerRead,
    #[serde(rename = "customer.write")]
    CustomerWrite,
    /// Delete (archive) a customer.
    #[serde(rename = "customer.delete")]
    CustomerDelete,
    /// Link customers (family, employer, referrer) — CUS-7.
    #[serde(rename = "relation.write")]
    RelationWrite,
    /// Contact records, the 360 timeline and staff tasks: the service team's own work, not an
    /// integration client's (least privilege).
    #[serde(rename = "contact.read")]
    ContactRead,
    #[serde(rename = "contact.write")]
    ContactWrite,
    /// Merge duplicate customers (CUS-10).
    #[serde(rename = "customer.merge")]
    CustomerMerge,
    /// Import and export the archive (CUS-13).
    #[serde(rename = "customer.import")]
    CustomerImport,
    #[serde(rename = "customer.export")]
    CustomerExport,
    /// The medical-sensitive profile (CUS-5), every read audited.
    #[serde(rename = "medical.read")]
    MedicalRead,
    #[serde(rename = "medical.write")]
    MedicalWrite,
    /// VIP private details; an account manager only for their own customers.
    #[serde(rename = "private_notes.read")]
    PrivateNotesRead,
    #[serde(rename = "private_notes.write")]
    PrivateNotesWrite,
    /// Review break-glass accesses (X-6a).
    #[serde(rename = "break_glass.review")]
    BreakGlassReview,
    /// Consultations and appointments (SVC).
    #[serde(rename = "service.read")]
    ServiceRead,
    #[serde(rename = "service.write")]
    ServiceWrite,
    /// Visits and spending (SVC-4): the same staff as consultations; a machine client's key
    /// only through its `visits:*` scopes.
    #[serde(rename = "visit.read")]
    VisitRead,
    #[serde(rename = "visit.write")]
    VisitWrite,
    #[serde(rename = "complaint.read")]
    ComplaintRead,
    #[serde(rename = "complaint.write")]
    ComplaintWrite,
    #[serde(rename = "complaint.approve")]
    ComplaintApprove,
    #[serde(rename = "follow_up.read")]
    FollowUpRead,
    #[serde(rename = "follow_up.write")]
    FollowUpWrite,
    #[serde(rename = "member.read")]
    MemberRead,
    #[serde(rename = "member.write")]
    MemberWrite,
    #[serde(rename = "message.send")]
    MessageSend,
    #[serde(rename = "quality.read")]
    QualityRead,
    #[serde(rename = "quality.write")]
    QualityWrite,
    #[serde(rename = "report.read")]
    ReportRead,
    /// HIS pushes (INT).
    #[serde(rename = "integration.write")]
    IntegrationWrite,
    /// The stored HIS batches and their item results (the integration status page; a client
    /// reads its own).
    #[serde(rename = "integration.read")]
    IntegrationRead,
    /// Settings, calendars, templates.
    #[serde(rename = "setting.write")]
    SettingWrite,
    /// Clinic sessions (出诊): extra sessions, leaves and closures, generating the weeks ahead.
    #[serde(rename = "schedule.write")]
    ScheduleWrite,
    /// The business calendars (ORG-3) every deadline is counted on.
    #[serde(rename = "calendar.read")]
    CalendarRead,
    /// Working hours, rest days and the years of holidays of an institution's calendar.
    #[serde(rename = "calendar.write")]
    CalendarWrite,
    /// Outgoing webhooks (INT-3): subscriptions, their secrets, the delivery log, redelivery.
    #[serde(rename = "webhook.manage")]
    WebhookManage,
}

const X: bool = true;
const O: bool = false;

/// Columns: agent, follow_up_agent, account_manager, supervisor, director, medical_affairs,
/// president, executive, admin, integration (the order of [`Role::ALL`]).
#[rustfmt::skip]
const MATRIX: &[(Permission, [bool; 10])] = &[
    //                                 agt fup  am sup dir med pre exe adm int
    (Permission::InstitutionRead,     [X,  X,  X,  X,  X,  X,  X,  X,  X,  X]),
    (Permission::InstitutionWrite,    [O,  O,  O,  O,  O,  O,  O,  O,  X,  O]),
    (Permission::DepartmentRead,      [X,  X,  X,  X,  X,  X,  X,  X,  X,  X]),
    (Permission::DepartmentWrite,     [O,  O,  O,  O,  O,  O,  O,  O,  X,  O]),
    (Permission::UserRead,            [O,  O,  O,  X,  X,  O,  X,  X,  X,  O]),
    (Permission::UserWrite,           [O,  O,  O,  O,  O,  O,  O,  O,  X,  O]),
    (Permission::AuditRead,           [O,  O,  O,  O,  X,  O,  O,  O,  X,  O]),
    (Permission::PiiRead,             [O,  O,  X,  X,  X,  X,  O,  O,  O,  O]),
    (Permission::CustomerRead,        [X,  X,  X,  X,  X,  X,  X,  X,  X,  X]),
    (Permission::CustomerWrite,       [X,  X,  X,  X,  X,  O,  O,  O,  O,  X]),
    (Permission::CustomerDelete,      [X,  X,  X,  X,  X,  O,  O,  O,  O,  O]),
    (Permission::RelationWrite,       [X,  X,  X,  X,  X,  O,  O,  O,  O,  O]),
    (Permission::ContactRead,         [X,  X,  X,  X,  X,  X,  X,  X,  X,  O]),
    (Permission::ContactWrite,        [X,  X,  X,  X,  X,  O,  O,  O,  O,  O]),
    (Permission::CustomerMerge,       [O,  O,  O,  X,  X,  O,  O,  O,  O,  O]),
    (Permission::CustomerImport,      [O,  O,  O,  X,  X,  O,  O,  O,  O,  O]),
    (Permission::CustomerExport,      [O,  O,  O,  X,  X,  O,  O,  O,  O,  O]),
    (Permission::MedicalRead,         [O,  X,  X,  X,  X,  X,  O,  O,  O,  O]),
    (Permission::MedicalWrite,        [O,  X,  X,  X,  X,  X,  O,  O,  O,  O]),
    (Permission::PrivateNotesRead,    [O,  O,  X,  X,  X,  O,  X,  X,  O,  O]),
    (Permission::PrivateNotesWrite,   [O,  O,  X,  X,  X,  O,  O,  O,  O,  O]),
    (Permission::BreakGlassReview,    [O,  O,  O,  X,  X,  O,  O,  O,  O,  O]),
    (Permission::ServiceRead,         [X,  X,  X,  X,  X,  X,  X,  X,  O,  X]),
    (Permission::ServiceWrite,        [X,  O,  X,  X,  O,  O,  O,  O,  O,  X]),
    (Permission::VisitRead,           [X,  X,  X,  X,  X,  X,  X,  X,  O,  X]),
    (Permission::VisitWrite,          [X,  O,  X,  X,  O,  O,  O,  O,  O,  X]),
    (Permission::ComplaintRead,       [X,  X,  X,  X,  X,  X,  X,  X,  O,  O]),
    (Permission::ComplaintWrite,      [X,  X,  O,  X,  X,  X,  O,  O,  O,  O]),
    (Permission::ComplaintApprove,    [O,  O,  O,  X,  X,  X,  X,  X,  O,  O]),
    (Permission::FollowUpRead,        [X,  X,  X,  X,  X,  O,  X,  X,  O,  X]),
    (Permission::FollowUpWrite,       [O,  X,  O,  X,  X,  O,  O,  O,  O,  O]),
    (Permission::MemberRead,          [X,  O,  X,  X,  X,  O,  X,  X,  O,  O]),
    (Permission::MemberWrite,         [O,  O,  X,  X,  X,  O,  O,  O,  O,  O]),
    (Permission::MessageSend,         [X,  X,  X,  X,  X,  O,  O,  O,  O,  O]),
    (Permission::QualityRead,         [O,  O,  O,  X,  X,  O,  X,  X,  O,  O]),
    (Permission::QualityWrite,        [O,  O,  O,  X,  X,  O,  X,  O,  O,  O]),
    (Permission::ReportRead,          [O,  O,  O,  X,  X,  X,  X,  X,  O,  O]),
    (Permission::IntegrationWrite,    [O,  O,  O,  O,  O,  O,  O,  O,  O,  X]),
    (Permission::IntegrationRead,     [O,  O,  O,  O,  X,  O,  O,  O,  X,  X]),
    (Permission::SettingWrite,        [O,  O,  O,  O,  O,  O,  O,  O,  X,  O]),
    (Permission::ScheduleWrite,       [O,  O,  O,  X,  X,  O,  O,  O,  X,  O]),
    (Permission::CalendarRead,        [X,  X,  X,  X,  X,  X,  X,  X,  X,  O]),
    (Permission::CalendarWrite,       [O,  O,  O,  O,  X,  O,  O,  O,  X,  O]),
    (Permission::WebhookManage,       [O,  O,  O,  O,  O,  O,  O,  O,  X,  O]),
];

impl Permission {
    pub fn all() -> impl Iterator<Item = Permission> {
        MATRIX.iter().map(|(p, _)| *p)
    }

    pub fn code(self) -> &'static str {
        match self {
            Permission::InstitutionRead => "institution.read",
            Permission::InstitutionWrite => "institution.write",
            Permission::DepartmentRead => "department.read",
            Permission::DepartmentWrite => "department.write",
            Permission::UserRead => "user.read",
            Permission::UserWrite => "user.write",
            Permission::AuditRead => "audit.read",
            Permission::PiiRead => "pii.read",
            Permission::CustomerRead => "customer.read",
            Permission::CustomerWrite => "customer.write",
            Permission::CustomerDelete => "customer.delete",
            Permission::RelationWrite => "relation.write",
            Permission::ContactRead => "contact.read",
            Permission::ContactWrite => "contact.write",
            Permission::CustomerMerge => "customer.merge",
            Permission::CustomerImport => "customer.import",
            Permission::CustomerExport => "customer.export",
            Permission::MedicalRead => "medical.read",
            Permission::MedicalWrite => "medical.write",
            Permission::PrivateNotesRead => "private_notes.read",
            Permission::PrivateNotesWrite => "private_notes.write",
            Permission::BreakGlassReview => "break_glass.review",
            Permission::ServiceRead => "service.read",
            Permission::ServiceWrite => "service.write",
            Permission::VisitRead => "visit.read",
            Permission::VisitWrite => "visit.write",
            Permission::ComplaintRead => "complaint.read",
            Permission::ComplaintWrite => "complaint.write",
            Permission::ComplaintApprove => "complaint.approve",
            Permission::FollowUpRead => "follow_up.read",
            Permission::FollowUpWrite => "follow_up.write",
            Permission::MemberRead => "member.read",
            Permission::MemberWrite => "member.write",
            Permission::MessageSend => "message.send",
            Permission::QualityRead => "quality.read",
            Permission::QualityWrite => "quality.write",
            Permission::ReportRead => "report.read",
            Permission::IntegrationWrite => "integration.write",
            Permission::IntegrationRead => "integration.read",
            Permission::SettingWrite => "setting.write",
            Permission::ScheduleWrite => "schedule.write",
            Permission::CalendarRead => "calendar.read",
            Permission::CalendarWrite => "calendar.write",
            Permission::WebhookManage => "webhook.manage",
        }
    }

    /// Whether `role` holds this permission according to the matrix.
    pub fn granted_to(self, role: Role) -> bool {
        MATRIX
            .iter()
            .find(|(p, _)| *p == self)
            .is_some_and(|(_, roles)| roles[role.index()])
    }
}

impl Label for Permission {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            Permission::InstitutionRead => lang.pick("查看机构", "View institutions"),
            Permission::InstitutionWrite => lang.pick("管理机构", "Manage institutions"),
            Permission::DepartmentRead => lang.pick("查看科室与专家", "View departments"),
            Permission::DepartmentWrite => lang.pick("管理科室与专家", "Manage departments"),
            Permission::UserRead => lang.pick("查看员工", "View staff"),
            Permission::UserWrite => lang.pick("管理员工", "Manage staff"),
            Permission::AuditRead => lang.pick("查看审计日志", "View audit trail"),
            Permission::PiiRead => lang.pick("查看完整证件号与电话", "See unmasked ID and phone"),
            Permission::CustomerRead => lang.pick("查看客户档案", "View customers"),
            Permission::CustomerWrite => lang.pick("编辑客户档案", "Edit customers"),
            Permission::CustomerDelete => lang.pick("删除客户档案", "Delete customers"),
            Permission::RelationWrite => lang.pick("维护客户关系", "Link customers"),
            Permission::ContactRead => lang.pick("查看接触记录与任务", "View contacts and tasks"),
            Permission::ContactWrite => {
                lang.pick("登记接触记录与任务", "Record contacts and tasks")
            }
            Permission::CustomerMerge => lang.pick("合并重复客户", "Merge customers"),
            Permission::CustomerImport => lang.pick("导入客户", "Import customers"),
            Permission::CustomerExport => lang.pick("导出客户", "Export customers"),
            Permission::MedicalRead => lang.pick("查看医疗敏感信息", "View medical profile"),
            Permission::MedicalWrite => lang.pick("编辑医疗敏感信息", "Edit medical profile"),
            Permission::PrivateNotesRead => lang.pick("查看VIP私密信息", "View VIP private notes"),
            Permission::PrivateNotesWrite => lang.pick("编辑VIP私密信息", "Edit VIP private notes"),
            Permission::BreakGlassReview => lang.pick("审查紧急访问", "Review break-glass access"),
            Permission::ServiceRead => lang.pick("查看咨询与预约", "View consultations"),
            Permission::ServiceWrite => lang.pick("登记咨询与预约", "Record consultations"),
            Permission::VisitRead => lang.pick("查看就诊与消费", "View visits"),
            Permission::VisitWrite => lang.pick("登记就诊与消费", "Record visits"),
            Permission::ComplaintRead => lang.pick("查看投诉", "View complaints"),
            Permission::ComplaintWrite => lang.pick("处理投诉", "Handle complaints"),
            Permission::ComplaintApprove => lang.pick("审批投诉", "Approve complaints"),
            Permission::FollowUpRead => lang.pick("查看回访", "View follow-ups"),
            Permission::FollowUpWrite => lang.pick("执行回访", "Do follow-ups"),
            Permission::MemberRead => lang.pick("查看会员", "View members"),
            Permission::MemberWrite => lang.pick("管理会员", "Manage members"),
            Permission::MessageSend => lang.pick("发送消息", "Send messages"),
            Permission::QualityRead => lang.pick("查看服务质量", "View quality"),
            Permission::QualityWrite => lang.pick("服务质量检查", "Run inspections"),
            Permission::ReportRead => lang.pick("查看报表", "View reports"),
            Permission::IntegrationWrite => lang.pick("系统对接写入", "Integration writes"),
            Permission::IntegrationRead => lang.pick("查看对接批次", "Integration batches"),
            Permission::SettingWrite => lang.pick("系统设置", "Settings"),
            Permission::ScheduleWrite => lang.pick("管理出诊排班", "Manage clinic sessions"),
            Permission::CalendarRead => lang.pick("查看工作日历", "View calendars"),
            Permission::CalendarWrite => lang.pick("管理工作日历", "Manage calendars"),
            Permission::WebhookManage => lang.pick("管理事件推送", "Manage webhooks"),
        }
    }
}

/// The permissions of a set of roles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionSet(Vec<Permission>);

impl PermissionSet {
    pub fn for_roles(roles: &[Role]) -> PermissionSet {
        PermissionSet(
            Permission::all()
                .filter(|p| roles.iter().any(|r| p.granted_to(*r)))
                .collect(),
        )
    }

    pub fn contains(&self, permission: Permission) -> bool {
        self.0.contains(&permission)
    }

    pub fn to_vec(&self) -> Vec<Permission> {
        self.0.clone()
    }

    /// Only those also named in `scopes` (an API key's).
    pub fn restricted_to(&self, scopes: &[Permission]) -> PermissionSet {
        PermissionSet(
            self.0
                .iter()
                .copied()
                .filter(|p| scopes.contains(p))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_lists_every_permission_once_and_codes_match_serde() {
        let all: Vec<Permission> = Permission::all().collect();
        for (i, p) in all.iter().enumerate() {
            assert!(!all[i + 1..].contains(p), "{p:?} listed twice");
            let json = serde_json::to_string(p).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", p.code()));
        }
        assert_eq!(all.len(), 44);
    }

    #[test]
    fn spot_checks_of_the_matrix() {
        use Permission::*;
        // Admin manages the organisation but does not see unmasked personal data.
        assert!(UserWrite.granted_to(Role::Admin));
        assert!(!PiiRead.granted_to(Role::Admin));
        // Audit trail: admin and director only (issue #2).
        let auditors: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| AuditRead.granted_to(*r))
            .collect();
        assert_eq!(auditors, vec![Role::Director, Role::Admin]);
        // Agents cannot manage staff; integration clients cannot read complaints.
        assert!(!UserWrite.granted_to(Role::Agent));
        assert!(!ComplaintRead.granted_to(Role::Integration));
        assert!(IntegrationWrite.granted_to(Role::Integration));
        // ORG-3: every staff role reads the calendars deadlines are counted on; admin and
        // director change them; integration clients do neither.
        let editors: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| CalendarWrite.granted_to(*r))
            .collect();
        assert_eq!(editors, vec![Role::Director, Role::Admin]);
        assert!(
            Role::ALL
                .into_iter()
                .all(|r| CalendarRead.granted_to(r) != (r == Role::Integration))
        );
    }

    #[test]
    fn integration_clients_reach_only_what_a_his_needs() {
        use Permission::*;
        let his = PermissionSet::for_roles(&[Role::Integration]);
        for p in [
            PiiRead,
            CustomerDelete,
            RelationWrite,
            ContactRead,
            ContactWrite,
            MedicalRead,
        ] {
            assert!(!his.contains(p), "{p:?}");
        }
        assert!(his.contains(CustomerRead) && his.contains(CustomerWrite));
        // Staff who could edit customers keep every part of it.
        for role in [
            Role::Agent,
            Role::FollowUpAgent,
            Role::AccountManager,
            Role::Supervisor,
        ] {
            for p in [CustomerDelete, RelationWrite, ContactRead, ContactWrite] {
                assert!(p.granted_to(role), "{role:?} {p:?}");
            }
        }
        let key = his.restricted_to(&[CustomerRead, UserWrite]);
        assert_eq!(key.to_vec(), vec![CustomerRead]);
    }

    #[test]
    fn a_set_is_the_union_of_its_roles() {
        let agent = PermissionSet::for_roles(&[Role::Agent]);
        let admin = PermissionSet::for_roles(&[Role::Admin]);
        let both = PermissionSet::for_roles(&[Role::Agent, Role::Admin]);
        assert!(!agent.contains(Permission::UserWrite));
        assert!(both.contains(Permission::UserWrite));
        assert!(both.contains(Permission::ComplaintWrite));
        assert!(admin.to_vec().len() < both.to_vec().len());
        assert_eq!(PermissionSet::for_roles(&[]).to_vec(), vec![]);
    }
}
