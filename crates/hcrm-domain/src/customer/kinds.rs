//! The closed vocabularies of the customer archive (CUS-1, -2, -3, -7, -8, -12), each with a
//! stable code (the serde name, stored in the database) and labels in both languages.

use serde::{Deserialize, Serialize};

use crate::i18n::{Label, Lang};

/// Writes a field-less enum with `ALL`, `code()`, `from_code()`, `Display` and `Label` from one
/// table, so a variant can never be missing from one of them. Each variant's doc comment is its
/// Chinese label; the code must equal serde's snake_case name (a test checks every variant).
use crate::lifecycle::Lifecycle;

macro_rules! coded_enum {
    (
        $(#[doc = $doc:literal])*
        pub enum $name:ident {
            $($variant:ident = $code:literal, $zh:literal, $en:literal;)+
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(#[doc = $zh] $variant,)+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: [$name; <[&str]>::len(&[$(stringify!($variant)),+])] =
                [$($name::$variant),+];

            /// The stable code stored in the database and used in the API.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                $name::ALL.into_iter().find(|v| v.code() == code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl Label for $name {
            fn label(&self, lang: Lang) -> &'static str {
                match self {
                    $($name::$variant => lang.pick($zh, $en),)+
                }
            }
        }
    };
}

/// Other modules of the crate write their vocabularies with the same table.
pub(crate) use coded_enum;

coded_enum! {
    /// 性别 — gender, as recorded on the profile or read from the ID number.
    pub enum Gender {
        Male = "male", "男", "Male";
        Female = "female", "女", "Female";
        Unknown = "unknown", "未知", "Unknown";
    }
}

coded_enum! {
    /// 客户类型 — CUS-1: a person or a body (company, insurer, school, partner hospital …).
    pub enum CustomerKind {
        Individual = "individual", "散客", "Individual";
        Organization = "organization", "团体客户", "Organization";
    }
}

coded_enum! {
    /// 客户类别 — CUS-2. A customer may be in several categories at once.
    pub enum CustomerCategory {
        Outpatient = "outpatient", "门诊患者", "Outpatient";
        Inpatient = "inpatient", "住院患者", "Inpatient";
        RelativeOrFriend = "relative_or_friend", "陪同探视亲友", "Accompanying relative or friend";
        HealthCheck = "health_check", "体检客户", "Health-check client";
        Partner = "partner", "合作伙伴", "Partner";
        Internal = "internal", "内部员工", "Internal staff";
    }
}

coded_enum! {
    /// 客户生命周期阶段 — CUS-3. Its moves are a [`Lifecycle`].
    pub enum LifecycleStage {
        Potential = "potential", "潜在", "Potential";
        Current = "current", "现实", "Current";
        Loyal = "loyal", "忠实", "Loyal";
        Dissatisfied = "dissatisfied", "不满", "Dissatisfied";
        Lost = "lost", "流失", "Lost";
    }
}

/// CUS-3 transitions. Loyalty is earned one step at a time (potential → current → loyal);
/// any customer may become dissatisfied or be lost; a dissatisfied or lost customer who is
/// won back is current again (loyalty has to be earned anew). Staying put is not a move:
/// stage history records changes only.
impl Lifecycle for LifecycleStage {
    fn states() -> &'static [Self] {
        &Self::ALL
    }

    fn state_code(self) -> &'static str {
        self.code()
    }

    fn allows(self, to: LifecycleStage) -> bool {
        use LifecycleStage::*;
        self != to
            && matches!(
                (self, to),
                (_, Dissatisfied | Lost)
                    | (Potential, Current)
                    | (Current, Loyal)
                    | (Dissatisfied | Lost, Current)
            )
    }
}

coded_enum! {
    /// 医患关系类型 — CUS-8: how closely the hospital works with the customer.
    pub enum RelationshipType {
        Basic = "basic", "基本型", "Basic";
        Passive = "passive", "被动型", "Passive";
        Responsible = "responsible", "负责型", "Responsible";
        Proactive = "proactive", "能动型", "Proactive";
        Partner = "partner", "伙伴型", "Partnership";
    }
}

coded_enum! {
    /// 来源渠道 — CUS-4: how the customer came to the hospital.
    pub enum SourceChannel {
        Advertising = "advertising", "广告", "Advertising";
        Referral = "referral", "介绍", "Referral";
        Web = "web", "网络", "Web";
        WalkIn = "walk_in", "自行来院", "Walk-in";
        Partner = "partner", "合作机构", "Partner institution";
        His = "his", "HIS导入", "Imported from HIS";
        Other = "other", "其他", "Other";
    }
}

coded_enum! {
    /// 证件类型 — CUS-4: the identity document on the profile. Only the resident identity
    /// card has a checkable number ([`super::id_number::parse_resident_id`]).
    pub enum IdType {
        ResidentId = "resident_id", "居民身份证", "Resident identity card";
        Passport = "passport", "护照", "Passport";
        HkMacauPermit = "hk_macau_permit", "港澳通行证", "Hong Kong/Macau travel permit";
        TaiwanPermit = "taiwan_permit", "台胞证", "Taiwan compatriot permit";
        Other = "other", "其他", "Other";
    }
}

coded_enum! {
    /// 客户关系 — CUS-7: a directed link between two customers, read "*from* is the
    /// ⟨kind⟩ of *to*" (for `EmployeeOf`: *from* works for *to*; for `ReferredBy`: *from* was
    /// introduced by *to*). Store one direction and show the other with [`RelationKind::inverse`].
    pub enum RelationKind {
        Spouse = "spouse", "配偶", "Spouse";
        Parent = "parent", "父母", "Parent";
        Child = "child", "子女", "Child";
        Sibling = "sibling", "兄弟姐妹", "Sibling";
        Relative = "relative", "其他亲属", "Other relative";
        Friend = "friend", "朋友", "Friend";
        EmployeeOf = "employee_of", "任职于", "Employee of";
        Employer = "employer", "雇主", "Employer of";
        ReferredBy = "referred_by", "介绍人", "Referred by";
        Referrer = "referrer", "介绍了", "Referred";
    }
}

impl RelationKind {
    /// The same link seen from the other end: if A is B's parent, B is A's child.
    pub fn inverse(self) -> RelationKind {
        use RelationKind::*;
        match self {
            Parent => Child,
            Child => Parent,
            EmployeeOf => Employer,
            Employer => EmployeeOf,
            ReferredBy => Referrer,
            Referrer => ReferredBy,
            Spouse | Sibling | Relative | Friend => self,
        }
    }

    /// Which kinds of customer the link may join: family and friendship are between people;
    /// a person is employed by an organization (and an organization employs a person); anyone
    /// may introduce anyone (a company sends its staff, a patient brings a partner clinic).
    pub fn allowed(self, from: CustomerKind, to: CustomerKind) -> bool {
        use CustomerKind::*;
        use RelationKind::*;
        match self {
            Spouse | Parent | Child | Sibling | Relative | Friend => {
                from == Individual && to == Individual
            }
            EmployeeOf => from == Individual && to == Organization,
            Employer => from == Organization && to == Individual,
            ReferredBy | Referrer => true,
        }
    }
}

coded_enum! {
    /// 联系渠道 — CUS-12: how a contact with the customer took place.
    pub enum ContactChannel {
        Phone = "phone", "电话", "Phone";
        Sms = "sms", "短信", "SMS";
        Wechat = "wechat", "微信", "WeChat";
        Qq = "qq", "QQ", "QQ";
        Email = "email", "邮件", "E-mail";
        Letter = "letter", "信函", "Letter";
        Visit = "visit", "上门拜访", "Home visit";
        FaceToFace = "face_to_face", "面谈", "Face to face";
        OnlineChat = "online_chat", "在线咨询", "Online chat";
    }
}

coded_enum! {
    /// 学历 — CUS-4: the highest education (issue 9 item 7: a select, no longer free text).
    pub enum Education {
        None = "none", "无", "None";
        Primary = "primary", "小学", "Primary school";
        JuniorHigh = "junior_high", "初中", "Junior high school";
        SeniorHigh = "senior_high", "高中/中专", "Senior high or vocational school";
        College = "college", "大专", "Junior college";
        Bachelor = "bachelor", "本科", "Bachelor's degree";
        Master = "master", "硕士", "Master's degree";
        Doctorate = "doctorate", "博士", "Doctorate";
        Other = "other", "其他", "Other";
    }
}

coded_enum! {
    /// 婚姻状况 — CUS-4.
    pub enum MaritalStatus {
        Single = "single", "未婚", "Single";
        Married = "married", "已婚", "Married";
        Divorced = "divorced", "离异", "Divorced";
        Widowed = "widowed", "丧偶", "Widowed";
        Other = "other", "其他", "Other";
    }
}

coded_enum! {
    /// 偏好语言 — CUS-4: the language to speak with the customer.
    pub enum PreferredLanguage {
        Zh = "zh", "普通话", "Mandarin Chinese";
        Yue = "yue", "粤语", "Cantonese";
        En = "en", "英语", "English";
        Ja = "ja", "日语", "Japanese";
        Ko = "ko", "韩语", "Korean";
        Other = "other", "其他", "Other";
    }
}

coded_enum! {
    /// 联系方向 — CUS-12: who started the contact.
    pub enum Direction {
        Inbound = "inbound", "呼入/来访", "Inbound";
        Outbound = "outbound", "呼出/回访", "Outbound";
    }
}

coded_enum! {
    /// 联系对象 — CUS-12: with whom the contact was held.
    pub enum ContactParty {
        Customer = "customer", "本人", "Customer";
        Relative = "relative", "亲属", "Relative";
        Friend = "friend", "朋友", "Friend";
        Other = "other", "其他", "Other";
    }
}

coded_enum! {
    /// 任务状态 — a task (reminder, follow-up …) of a staff member.
    pub enum TaskStatus {
        Open = "open", "待办", "Open";
        Done = "done", "已完成", "Done";
        Cancelled = "cancelled", "已取消", "Cancelled";
    }
}

/// A task is done or cancelled, and a closed one reopened.
impl Lifecycle for TaskStatus {
    fn states() -> &'static [Self] {
        &Self::ALL
    }

    fn state_code(self) -> &'static str {
        self.code()
    }

    fn allows(self, to: TaskStatus) -> bool {
        use TaskStatus::*;
        matches!(
            (self, to),
            (Open, Done | Cancelled) | (Done | Cancelled, Open)
        )
    }
}

coded_enum! {
    /// 任务类型 — CUS-12: a next step with a date becomes a `Reminder` for its owner.
    pub enum TaskKind {
        Reminder = "reminder", "提醒", "Reminder";
        FollowUp = "follow_up", "回访", "Follow-up";
        Care = "care", "关怀", "Care";
        InVisit = "in_visit", "诊中服务", "In-visit service";
        DuplicateReview = "duplicate_review", "疑似重复客户", "Suspected duplicate";
        Callback = "callback", "咨询回电", "Call back";
        Complaint = "complaint", "投诉处理", "Complaint";
        Appointment = "appointment", "预约服务", "Appointment";
        Other = "other", "其他", "Other";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Code ↔ serde name ↔ `from_code`, and two non-empty, distinct-per-language labels, for
    /// every value of one enum.
    fn check_enum<T>(all: &[T], code: fn(T) -> &'static str, from: fn(&str) -> Option<T>)
    where
        T: Copy + PartialEq + std::fmt::Debug + Serialize + serde::de::DeserializeOwned + Label,
    {
        let mut codes = Vec::new();
        for &v in all {
            let c = code(v);
            assert_eq!(from(c), Some(v), "{c}");
            assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{c}\""));
            assert_eq!(serde_json::from_str::<T>(&format!("\"{c}\"")).unwrap(), v);
            assert!(!v.label(Lang::Zh).is_empty() && !v.label(Lang::En).is_empty());
            assert!(!codes.contains(&c), "duplicate code {c}");
            codes.push(c);
        }
        assert_eq!(from("no_such_code"), None);
    }

    #[test]
    fn every_enum_round_trips_its_codes() {
        check_enum(&Gender::ALL, Gender::code, Gender::from_code);
        check_enum(
            &CustomerKind::ALL,
            CustomerKind::code,
            CustomerKind::from_code,
        );
        check_enum(
            &CustomerCategory::ALL,
            CustomerCategory::code,
            CustomerCategory::from_code,
        );
        check_enum(
            &LifecycleStage::ALL,
            LifecycleStage::code,
            LifecycleStage::from_code,
        );
        check_enum(
            &RelationshipType::ALL,
            RelationshipType::code,
            RelationshipType::from_code,
        );
        check_enum(
            &SourceChannel::ALL,
            SourceChannel::code,
            SourceChannel::from_code,
        );
        check_enum(&IdType::ALL, IdType::code, IdType::from_code);
        check_enum(
            &RelationKind::ALL,
            RelationKind::code,
            RelationKind::from_code,
        );
        check_enum(
            &ContactChannel::ALL,
            ContactChannel::code,
            ContactChannel::from_code,
        );
        check_enum(&Direction::ALL, Direction::code, Direction::from_code);
        check_enum(
            &ContactParty::ALL,
            ContactParty::code,
            ContactParty::from_code,
        );
        check_enum(&TaskStatus::ALL, TaskStatus::code, TaskStatus::from_code);
        check_enum(&TaskKind::ALL, TaskKind::code, TaskKind::from_code);
        check_enum(&Education::ALL, Education::code, Education::from_code);
        check_enum(
            &MaritalStatus::ALL,
            MaritalStatus::code,
            MaritalStatus::from_code,
        );
        check_enum(
            &PreferredLanguage::ALL,
            PreferredLanguage::code,
            PreferredLanguage::from_code,
        );
    }

    #[test]
    fn sizes_and_labels_follow_the_spec() {
        assert_eq!(CustomerCategory::ALL.len(), 6);
        assert_eq!(LifecycleStage::ALL.len(), 5);
        assert_eq!(RelationshipType::ALL.len(), 5);
        assert_eq!(ContactChannel::ALL.len(), 9);
        assert_eq!(RelationKind::ALL.len(), 10);
        let rows: [(&dyn Label, &str, &str); 8] = [
            (&CustomerKind::Organization, "团体客户", "Organization"),
            (&LifecycleStage::Loyal, "忠实", "Loyal"),
            (&RelationshipType::Proactive, "能动型", "Proactive"),
            (&SourceChannel::His, "HIS导入", "Imported from HIS"),
            (&IdType::TaiwanPermit, "台胞证", "Taiwan compatriot permit"),
            (&ContactChannel::FaceToFace, "面谈", "Face to face"),
            (&Direction::Outbound, "呼出/回访", "Outbound"),
            (&TaskKind::InVisit, "诊中服务", "In-visit service"),
        ];
        for (value, zh, en) in rows {
            assert_eq!(value.label(Lang::Zh), zh);
            assert_eq!(value.label(Lang::En), en);
        }
        assert_eq!(SourceChannel::WalkIn.to_string(), "walk_in");
        assert_eq!(IdType::HkMacauPermit.code(), "hk_macau_permit");
    }

    #[test]
    fn lifecycle_transitions() {
        use LifecycleStage::*;
        // (from, to, allowed) — every pair of the 5×5 table.
        let table = [
            (Potential, Potential, false),
            (Potential, Current, true),
            (Potential, Loyal, false),
            (Potential, Dissatisfied, true),
            (Potential, Lost, true),
            (Current, Potential, false),
            (Current, Current, false),
            (Current, Loyal, true),
            (Current, Dissatisfied, true),
            (Current, Lost, true),
            (Loyal, Potential, false),
            (Loyal, Current, false),
            (Loyal, Loyal, false),
            (Loyal, Dissatisfied, true),
            (Loyal, Lost, true),
            (Dissatisfied, Potential, false),
            (Dissatisfied, Current, true),
            (Dissatisfied, Loyal, false),
            (Dissatisfied, Dissatisfied, false),
            (Dissatisfied, Lost, true),
            (Lost, Potential, false),
            (Lost, Current, true),
            (Lost, Loyal, false),
            (Lost, Dissatisfied, true),
            (Lost, Lost, false),
        ];
        assert_eq!(table.len(), LifecycleStage::ALL.len().pow(2));
        for (from, to, allowed) in table {
            assert_eq!(from.allows(to), allowed, "{from} → {to}");
        }
    }

    #[test]
    fn relation_inverses() {
        use RelationKind::*;
        let table = [
            (Spouse, Spouse),
            (Parent, Child),
            (Child, Parent),
            (Sibling, Sibling),
            (Relative, Relative),
            (Friend, Friend),
            (EmployeeOf, Employer),
            (Employer, EmployeeOf),
            (ReferredBy, Referrer),
            (Referrer, ReferredBy),
        ];
        assert_eq!(table.len(), RelationKind::ALL.len());
        for (kind, inverse) in table {
            assert_eq!(kind.inverse(), inverse, "{kind}");
            assert_eq!(kind.inverse().inverse(), kind);
        }
    }

    #[test]
    fn relation_allowed_between_kinds() {
        use CustomerKind::{Individual as P, Organization as O};
        use RelationKind::*;
        // (kind, P→P, P→O, O→P, O→O)
        let table = [
            (Spouse, true, false, false, false),
            (Parent, true, false, false, false),
            (Child, true, false, false, false),
            (Sibling, true, false, false, false),
            (Relative, true, false, false, false),
            (Friend, true, false, false, false),
            (EmployeeOf, false, true, false, false),
            (Employer, false, false, true, false),
            (ReferredBy, true, true, true, true),
            (Referrer, true, true, true, true),
        ];
        assert_eq!(table.len(), RelationKind::ALL.len());
        for (kind, pp, po, op, oo) in table {
            assert_eq!(kind.allowed(P, P), pp, "{kind} P→P");
            assert_eq!(kind.allowed(P, O), po, "{kind} P→O");
            assert_eq!(kind.allowed(O, P), op, "{kind} O→P");
            assert_eq!(kind.allowed(O, O), oo, "{kind} O→O");
            // A link allowed one way is allowed the other way round as its inverse.
            for (a, b) in [(P, P), (P, O), (O, P), (O, O)] {
                assert_eq!(kind.allowed(a, b), kind.inverse().allowed(b, a));
            }
        }
    }
}
