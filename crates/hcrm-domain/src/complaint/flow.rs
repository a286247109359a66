//! CMP-4: the complaint case's states and the actions that move it, with who may take each
//! action (seed 003 四(八) 投诉处理流程图 and 四(九) 投诉流程说明; seed 004 首问负责制).
//!
//! A state is the step the case is in — the work still to do — so a step's SLA clock
//! ([`StepClock`]) runs while the case is in its state. The whole-case clock (CMP-5, 7 / 14
//! calendar days from acceptance to 结案备档) and the national clock (CMP-5a, feedback within 5 /
//! 10 working days of receipt) run beside them.
//!
//! | from | action | to | roles (any of) | permission |
//! |---|---|---|---|---|
//! | received | hand_over | handed_over | agent, follow_up_agent, supervisor, director, medical_affairs | write |
//! | received, handed_over | accept | accepted | supervisor, director | write |
//! | accepted | investigate | investigating | supervisor, director | write |
//! | investigating | analyse | analysed | supervisor, director, medical_affairs | write |
//! | analysed | propose | proposed | supervisor, director, medical_affairs | write |
//! | proposed | approve / reject (→ analysed) | approved | non-quality: director, president; quality: medical_affairs | approve |
//! | approved | negotiate | negotiating | supervisor, director (+ medical_affairs for quality) | write |
//! | negotiating | agree | procedures | supervisor, director (+ medical_affairs for quality) | write |
//! | negotiating | escalate | president_review | supervisor, director (+ medical_affairs for quality) | write |
//! | president_review | agree | procedures | president, supervisor, director | approve |
//! | president_review | request_consultation (quality) | expert_consultation | president, medical_affairs | approve |
//! | president_review | refer_to_legal (non-quality) | legal | president | approve |
//! | expert_consultation | approve_consultation | agreement | executive | approve |
//! | agreement | sign_agreement | procedures | medical_affairs | write |
//! | agreement | refer_to_legal | legal | medical_affairs, president | approve |
//! | legal | conclude | procedures | executive, president, director | approve |
//! | procedures | finish_procedures | archiving | supervisor, director | write |
//! | archiving | archive | internal_handling | supervisor, director | write |
//! | internal_handling | finish_internal_handling | improvement | director, president | approve |
//! | improvement | complete | closed | supervisor, director, medical_affairs | write |
//! | any open state | pause / resume | (same) | agent, follow_up_agent, supervisor, director, medical_affairs | write |
//!
//! "approve" is `complaint.approve`, "write" `complaint.write`; a caller needs the permission
//! and one of the roles. `pause` sets the case waiting on the patient (every running clock
//! pauses), `resume` ends the wait; neither changes the state.

use serde::{Deserialize, Serialize};

use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};
use crate::lifecycle::Lifecycle;
use crate::permission::{Permission, PermissionSet};
use crate::role::Role;

coded_enum! {
    /// 投诉渠道 — CMP-1: where the complaint came in.
    pub enum ComplaintChannel {
        InPerson = "in_person", "院内当面", "In person";
        Phone = "phone", "电话/呼叫中心", "Phone / call centre";
        OnlineChat = "online_chat", "在线咨询（商务通）", "Online chat";
        Web = "web", "网站", "Web";
        Email = "email", "电子邮件", "E-mail";
        Letter = "letter", "信函", "Letter";
        SuggestionBox = "suggestion_box", "意见箱", "Suggestion box";
        Sms = "sms", "短信", "SMS";
        FollowUpFeedback = "follow_up_feedback", "回访反馈", "Follow-up feedback";
        Other = "other", "其他", "Other";
    }
}

coded_enum! {
    /// 投诉性质 — CMP-3: quality complaints (医疗效果、医疗配套) and non-quality ones (服务类、
    /// 患者建议类).
    pub enum ComplaintCategory {
        MedicalEffect = "medical_effect", "医疗效果", "Medical effect";
        MedicalSupport = "medical_support", "医疗配套", "Medical support";
        Attitude = "attitude", "服务态度", "Service attitude";
        Process = "process", "服务流程", "Process";
        Environment = "environment", "就医环境", "Environment";
        Billing = "billing", "收费", "Billing";
        Suggestion = "suggestion", "患者建议", "Suggestion";
    }
}

impl ComplaintCategory {
    /// 质量投诉: medical effect and medical support.
    pub fn is_quality(self) -> bool {
        matches!(
            self,
            ComplaintCategory::MedicalEffect | ComplaintCategory::MedicalSupport
        )
    }
}

coded_enum! {
    /// 严重程度 — CMP-3.
    pub enum ComplaintSeverity {
        Minor = "minor", "轻微", "Minor";
        General = "general", "一般", "General";
        Serious = "serious", "严重", "Serious";
        Critical = "critical", "重大", "Critical";
    }
}

coded_enum! {
    /// 投诉案件状态 — CMP-4: the step the case is in.
    pub enum ComplaintState {
        Received = "received", "已登记（待移交）", "Received (to hand over)";
        HandedOver = "handed_over", "已移交客服部", "Handed over";
        Accepted = "accepted", "已受理", "Accepted";
        Investigating = "investigating", "调查取证", "Investigating";
        Analysed = "analysed", "已定性（制定方案）", "Analysed (solution to propose)";
        Proposed = "proposed", "方案待审批", "Solution awaiting approval";
        Approved = "approved", "方案已审批", "Solution approved";
        Negotiating = "negotiating", "协商解决", "Negotiating with the patient";
        PresidentReview = "president_review", "院长重新沟通", "President re-negotiating";
        ExpertConsultation = "expert_consultation", "集团医务部专家会诊", "Group expert consultation";
        Agreement = "agreement", "签订处理协议书", "Signing the agreement";
        Legal = "legal", "集团法务部处理", "Group legal department";
        Procedures = "procedures", "手续处理", "Procedures (refund, records)";
        Archiving = "archiving", "结案备档", "Closing and archiving";
        InternalHandling = "internal_handling", "内部处理", "Internal handling";
        Improvement = "improvement", "防范改善", "Improvement";
        Closed = "closed", "已结案", "Closed";
    }
}

coded_enum! {
    /// 投诉处理动作 — CMP-4.
    pub enum ComplaintAction {
        HandOver = "hand_over", "移交客服部", "Hand over";
        Accept = "accept", "受理", "Accept";
        Investigate = "investigate", "开始调查", "Investigate";
        Analyse = "analyse", "分析定性", "Analyse";
        Propose = "propose", "提出方案", "Propose a solution";
        Approve = "approve", "批准方案", "Approve";
        Reject = "reject", "退回方案", "Send the solution back";
        Negotiate = "negotiate", "与患者协商", "Negotiate";
        Agree = "agree", "患者同意", "Patient agrees";
        Escalate = "escalate", "患者不同意，上报院长", "Patient disagrees: to the president";
        RequestConsultation = "request_consultation", "提请集团专家会诊", "Request expert consultation";
        ApproveConsultation = "approve_consultation", "批准会诊意见", "Approve the consultation's opinion";
        SignAgreement = "sign_agreement", "签订处理协议书", "Agreement signed";
        ReferToLegal = "refer_to_legal", "交集团法务部", "Refer to the legal department";
        Conclude = "conclude", "法务处理完毕", "Legal handling concluded";
        FinishProcedures = "finish_procedures", "手续处理完毕", "Procedures done";
        Archive = "archive", "结案备档", "Close and archive";
        FinishInternalHandling = "finish_internal_handling", "内部处理完毕", "Internal handling done";
        Complete = "complete", "改善完成", "Improvement done";
        Pause = "pause", "等待患者（暂停计时）", "Wait on the patient (pause clocks)";
        Resume = "resume", "恢复处理", "Resume";
        SettleOnSpot = "settle_on_spot", "当场解决", "Settled on the spot";
        Receive = "receive", "登记投诉", "Complaint received";
    }
}

coded_enum! {
    /// SLA 时钟 — CMP-5 (the group's targets) and CMP-5a (the national rule).
    pub enum ClockKind {
        HandOver = "hand_over", "移交时限", "Hand-over";
        Investigation = "investigation", "调查及首次联系时限", "Investigation and first contact";
        Analysis = "analysis", "分析定性时限", "Analysis";
        Approval = "approval", "审批时限", "Approval";
        Procedures = "procedures", "手续处理时限", "Procedures";
        Archive = "archive", "结案备档时限", "Archiving";
        InternalHandling = "internal_handling", "内部处理时限", "Internal handling";
        Improvement = "improvement", "防范改善时限", "Improvement";
        Case = "case", "结案时限（集团）", "Whole case (group target)";
        National = "national", "国家规定反馈时限", "National feedback limit";
    }
}

impl ClockKind {
    /// The clock of the national rule (CMP-5a), shown and counted apart.
    pub fn is_national(self) -> bool {
        self == ClockKind::National
    }
}

impl ComplaintState {
    /// Open: not closed.
    pub fn is_open(self) -> bool {
        self != ComplaintState::Closed
    }

    /// The step clock that runs while the case is in this state.
    pub fn step_clock(self) -> Option<ClockKind> {
        use ComplaintState::*;
        Some(match self {
            Received => ClockKind::HandOver,
            Accepted | Investigating => ClockKind::Investigation,
            Analysed => ClockKind::Analysis,
            Proposed => ClockKind::Approval,
            Procedures => ClockKind::Procedures,
            Archiving => ClockKind::Archive,
            InternalHandling => ClockKind::InternalHandling,
            Improvement => ClockKind::Improvement,
            _ => return None,
        })
    }
}

/// Which classification a move needs to be known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Branch {
    /// Any case.
    Any,
    /// Quality complaints only (医疗效果、医疗配套).
    Quality,
    /// Non-quality complaints only.
    NonQuality,
}

/// One row of the flow: `from --action--> to`, for `roles` holding `permission`.
#[derive(Debug, Clone, Copy)]
pub struct Move {
    pub from: ComplaintState,
    pub action: ComplaintAction,
    pub to: ComplaintState,
    pub branch: Branch,
    pub roles: &'static [Role],
    pub permission: Permission,
}

const RECEIVERS: &[Role] = &[
    Role::Agent,
    Role::FollowUpAgent,
    Role::Supervisor,
    Role::Director,
    Role::MedicalAffairs,
];
const SERVICE: &[Role] = &[Role::Supervisor, Role::Director];
const SERVICE_OR_MEDICAL: &[Role] = &[Role::Supervisor, Role::Director, Role::MedicalAffairs];
const W: Permission = Permission::ComplaintWrite;
const A: Permission = Permission::ComplaintApprove;

macro_rules! moves {
    ($($from:ident $action:ident $to:ident $branch:ident $roles:expr, $perm:ident;)*) => {
        /// Every move of the flow (the table of the module's documentation).
        pub const MOVES: &[Move] = &[$(Move {
            from: ComplaintState::$from,
            action: ComplaintAction::$action,
            to: ComplaintState::$to,
            branch: Branch::$branch,
            roles: $roles,
            permission: $perm,
        }),*];
    };
}

moves! {
    Received HandOver HandedOver Any RECEIVERS, W;
    Received Accept Accepted Any SERVICE, W;
    HandedOver Accept Accepted Any SERVICE, W;
    Accepted Investigate Investigating Any SERVICE, W;
    Investigating Analyse Analysed Any SERVICE_OR_MEDICAL, W;
    Analysed Propose Proposed Any SERVICE_OR_MEDICAL, W;
    Proposed Approve Approved NonQuality &[Role::Director, Role::President], A;
    Proposed Reject Analysed NonQuality &[Role::Director, Role::President], A;
    Proposed Approve Approved Quality &[Role::MedicalAffairs], A;
    Proposed Reject Analysed Quality &[Role::MedicalAffairs], A;
    Approved Negotiate Negotiating NonQuality SERVICE, W;
    Approved Negotiate Negotiating Quality SERVICE_OR_MEDICAL, W;
    Negotiating Agree Procedures NonQuality SERVICE, W;
    Negotiating Agree Procedures Quality SERVICE_OR_MEDICAL, W;
    Negotiating Escalate PresidentReview NonQuality SERVICE, W;
    Negotiating Escalate PresidentReview Quality SERVICE_OR_MEDICAL, W;
    PresidentReview Agree Procedures Any &[Role::President, Role::Supervisor, Role::Director], A;
    PresidentReview RequestConsultation ExpertConsultation Quality &[Role::President, Role::MedicalAffairs], A;
    PresidentReview ReferToLegal Legal NonQuality &[Role::President], A;
    ExpertConsultation ApproveConsultation Agreement Quality &[Role::Executive], A;
    Agreement SignAgreement Procedures Quality &[Role::MedicalAffairs], W;
    Agreement ReferToLegal Legal Quality &[Role::MedicalAffairs, Role::President], A;
    Legal Conclude Procedures Any &[Role::Executive, Role::President, Role::Director], A;
    Procedures FinishProcedures Archiving Any SERVICE, W;
    Archiving Archive InternalHandling Any SERVICE, W;
    InternalHandling FinishInternalHandling Improvement Any &[Role::Director, Role::President], A;
    Improvement Complete Closed Any SERVICE_OR_MEDICAL, W;
}

/// Who may pause and resume (wait on the patient): whoever works the case.
pub const PAUSERS: &[Role] = RECEIVERS;

/// What the flow needs to know about a case to tell its moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFacts {
    pub state: ComplaintState,
    /// `None` until analysed.
    pub category: Option<ComplaintCategory>,
    pub waiting_on_patient: bool,
}

fn branch_fits(branch: Branch, category: Option<ComplaintCategory>) -> bool {
    match (branch, category) {
        (Branch::Any, _) => true,
        (Branch::Quality, Some(c)) => c.is_quality(),
        (Branch::NonQuality, Some(c)) => !c.is_quality(),
        // Before classification only `Any` moves exist (no branch move comes before analysed).
        (_, None) => false,
    }
}

fn holds(roles: &[Role], permissions: &PermissionSet, m: &Move) -> bool {
    permissions.contains(m.permission) && roles.iter().any(|r| m.roles.contains(r))
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionRefused {
    /// The flow has no such action from here (409): `allowed` are the actions the flow has
    /// from this state (whoever may take them).
    NotAllowed {
        state: ComplaintState,
        action: ComplaintAction,
        allowed: Vec<ComplaintAction>,
    },
    /// The action exists but not for this caller (403).
    NotPermitted {
        action: ComplaintAction,
        roles: Vec<Role>,
    },
}

/// The flow of one case.
impl CaseFacts {
    fn moves(self) -> impl Iterator<Item = &'static Move> {
        MOVES
            .iter()
            .filter(move |m| m.from == self.state && branch_fits(m.branch, self.category))
    }

    /// The actions the flow has from here (pause or resume included while open).
    pub fn actions(self) -> Vec<ComplaintAction> {
        let mut out: Vec<ComplaintAction> = Vec::new();
        if self.waiting_on_patient {
            // While waiting on the patient the case only resumes.
            return if self.state.is_open() {
                vec![ComplaintAction::Resume]
            } else {
                out
            };
        }
        for m in self.moves() {
            if !out.contains(&m.action) {
                out.push(m.action);
            }
        }
        if self.state.is_open() {
            out.push(ComplaintAction::Pause);
        }
        out
    }

    /// The actions a caller with `roles` (and so `permissions`) may take from here.
    pub fn actions_for(self, roles: &[Role], permissions: &PermissionSet) -> Vec<ComplaintAction> {
        self.actions()
            .into_iter()
            .filter(|a| self.check(*a, roles, permissions).is_ok())
            .collect()
    }

    /// The state `action` leads to for this caller, or why not. Pause and resume keep the
    /// state.
    pub fn check(
        self,
        action: ComplaintAction,
        roles: &[Role],
        permissions: &PermissionSet,
    ) -> Result<ComplaintState, ActionRefused> {
        let allowed = self.actions();
        if !allowed.contains(&action) {
            return Err(ActionRefused::NotAllowed {
                state: self.state,
                action,
                allowed,
            });
        }
        if matches!(action, ComplaintAction::Pause | ComplaintAction::Resume) {
            let ok = permissions.contains(Permission::ComplaintWrite)
                && roles.iter().any(|r| PAUSERS.contains(r));
            return if ok {
                Ok(self.state)
            } else {
                Err(ActionRefused::NotPermitted {
                    action,
                    roles: PAUSERS.to_vec(),
                })
            };
        }
        let candidates: Vec<&Move> = self.moves().filter(|m| m.action == action).collect();
        if let Some(m) = candidates.iter().find(|m| holds(roles, permissions, m)) {
            return Ok(m.to);
        }
        let mut who: Vec<Role> = Vec::new();
        for m in candidates {
            for r in m.roles {
                if !who.contains(r) {
                    who.push(*r);
                }
            }
        }
        Err(ActionRefused::NotPermitted { action, roles: who })
    }
}

/// The states and their moves as a [`Lifecycle`] (the graph, whoever moves it). Roles and
/// classification are checked by [`CaseFacts::check`].
impl Lifecycle for ComplaintState {
    fn states() -> &'static [Self] {
        &Self::ALL
    }

    fn state_code(self) -> &'static str {
        self.code()
    }

    fn allows(self, to: ComplaintState) -> bool {
        MOVES.iter().any(|m| m.from == self && m.to == to)
    }
}

/// The clock limits and escalation timing of CMP-5 and CMP-5a (a setting: `complaints`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ComplaintLimits {
    /// 接到投诉工作人员 → 客服部: 12 hours.
    pub hand_over: super::Limit,
    /// Investigation done and first contact with the patient: 3 working days from acceptance.
    pub investigation: super::Limit,
    pub analysis: super::Limit,
    pub approval: super::Limit,
    pub procedures: super::Limit,
    pub archive: super::Limit,
    pub internal_handling: super::Limit,
    pub improvement: super::Limit,
    /// The whole case for a `local` institution (京内): 7 calendar days from acceptance.
    pub case_local: super::Limit,
    /// The whole case elsewhere (京外): 14 calendar days.
    pub case_other: super::Limit,
    /// CMP-5a: feedback within 5 working days of receipt.
    pub national: super::Limit,
    /// CMP-5a: 10 working days when several departments are involved.
    pub national_several_departments: super::Limit,
    /// CMP-1: the reply promised to the patient at intake, ≤ 3 working days.
    pub promised_reply: super::Limit,
    /// Warn this many minutes before a deadline (working time for working limits).
    pub warn_before_minutes: u32,
    /// Report a breach to the president this many minutes past the deadline.
    pub president_after_minutes: u32,
}

impl Default for ComplaintLimits {
    fn default() -> Self {
        use super::Limit::*;
        ComplaintLimits {
            hand_over: CalendarHours(12),
            investigation: WorkingDays(3),
            analysis: CalendarHours(24),
            approval: CalendarHours(24),
            procedures: CalendarHours(48),
            archive: CalendarHours(24),
            internal_handling: CalendarHours(48),
            improvement: CalendarDays(7),
            case_local: CalendarDays(7),
            case_other: CalendarDays(14),
            national: WorkingDays(5),
            national_several_departments: WorkingDays(10),
            promised_reply: WorkingDays(3),
            warn_before_minutes: 240,
            president_after_minutes: 24 * 60,
        }
    }
}

impl ComplaintLimits {
    /// The limit of a step clock; the case and national clocks need the institution's kind
    /// and the departments: [`ComplaintLimits::case`], [`ComplaintLimits::national_for`].
    pub fn step(&self, kind: ClockKind) -> Option<super::Limit> {
        Some(match kind {
            ClockKind::HandOver => self.hand_over,
            ClockKind::Investigation => self.investigation,
            ClockKind::Analysis => self.analysis,
            ClockKind::Approval => self.approval,
            ClockKind::Procedures => self.procedures,
            ClockKind::Archive => self.archive,
            ClockKind::InternalHandling => self.internal_handling,
            ClockKind::Improvement => self.improvement,
            ClockKind::Case | ClockKind::National => return None,
        })
    }

    pub fn case(&self, local: bool) -> super::Limit {
        if local {
            self.case_local
        } else {
            self.case_other
        }
    }

    pub fn national_for(&self, departments: usize) -> super::Limit {
        if departments > 1 {
            self.national_several_departments
        } else {
            self.national
        }
    }

    pub fn escalation(&self) -> super::EscalationPolicy {
        super::EscalationPolicy {
            warn_before: chrono::TimeDelta::minutes(self.warn_before_minutes.into()),
            president_after: chrono::TimeDelta::minutes(self.president_after_minutes.into()),
        }
    }

    /// Every limit is more than nothing and at most a year; the fields that are not.
    pub fn invalid_fields(&self) -> Vec<&'static str> {
        let ok = |l: super::Limit| {
            use super::Limit::*;
            match l {
                WorkingDays(n) | CalendarDays(n) => (1..=366).contains(&n),
                WorkingHours(n) | CalendarHours(n) => (1..=366 * 24).contains(&n),
            }
        };
        let mut bad = Vec::new();
        for (name, l) in [
            ("hand_over", self.hand_over),
            ("investigation", self.investigation),
            ("analysis", self.analysis),
            ("approval", self.approval),
            ("procedures", self.procedures),
            ("archive", self.archive),
            ("internal_handling", self.internal_handling),
            ("improvement", self.improvement),
            ("case_local", self.case_local),
            ("case_other", self.case_other),
            ("national", self.national),
            (
                "national_several_departments",
                self.national_several_departments,
            ),
            ("promised_reply", self.promised_reply),
        ] {
            if !ok(l) {
                bad.push(name);
            }
        }
        if self.warn_before_minutes > 7 * 24 * 60 {
            bad.push("warn_before_minutes");
        }
        if self.president_after_minutes > 30 * 24 * 60 {
            bad.push("president_after_minutes");
        }
        bad
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComplaintAction as A;
    use ComplaintState as S;

    fn perms(roles: &[Role]) -> PermissionSet {
        PermissionSet::for_roles(roles)
    }

    fn facts(state: S, category: Option<ComplaintCategory>) -> CaseFacts {
        CaseFacts {
            state,
            category,
            waiting_on_patient: false,
        }
    }

    fn walk(category: ComplaintCategory, path: &[(A, Role, S)]) {
        let mut state = S::Received;
        for (action, role, to) in path {
            let f = facts(state, Some(category));
            let got = f.check(*action, &[*role], &perms(&[*role]));
            assert_eq!(got, Ok(*to), "{state} --{action} by {role:?}");
            assert!(state.allows(*to) || state == *to);
            state = *to;
        }
    }

    #[test]
    fn the_main_path_and_the_disagreement_branches() {
        use Role::*;
        let main = [
            (A::HandOver, Agent, S::HandedOver),
            (A::Accept, Supervisor, S::Accepted),
            (A::Investigate, Supervisor, S::Investigating),
            (A::Analyse, Supervisor, S::Analysed),
            (A::Propose, Supervisor, S::Proposed),
            (A::Approve, Director, S::Approved),
            (A::Negotiate, Supervisor, S::Negotiating),
            (A::Agree, Supervisor, S::Procedures),
            (A::FinishProcedures, Supervisor, S::Archiving),
            (A::Archive, Supervisor, S::InternalHandling),
            (A::FinishInternalHandling, Director, S::Improvement),
            (A::Complete, Supervisor, S::Closed),
        ];
        walk(ComplaintCategory::Attitude, &main);
        // Non-quality disagreement: president, then legal.
        walk(
            ComplaintCategory::Billing,
            &[
                (A::Accept, Supervisor, S::Accepted),
                (A::Investigate, Supervisor, S::Investigating),
                (A::Analyse, Supervisor, S::Analysed),
                (A::Propose, Supervisor, S::Proposed),
                (A::Approve, President, S::Approved),
                (A::Negotiate, Supervisor, S::Negotiating),
                (A::Escalate, Supervisor, S::PresidentReview),
                (A::ReferToLegal, President, S::Legal),
                (A::Conclude, Executive, S::Procedures),
            ],
        );
        // Quality: medical affairs approves; consultation, agreement, legal.
        walk(
            ComplaintCategory::MedicalEffect,
            &[
                (A::Accept, Director, S::Accepted),
                (A::Investigate, Supervisor, S::Investigating),
                (A::Analyse, MedicalAffairs, S::Analysed),
                (A::Propose, MedicalAffairs, S::Proposed),
                (A::Approve, MedicalAffairs, S::Approved),
                (A::Negotiate, MedicalAffairs, S::Negotiating),
                (A::Escalate, Supervisor, S::PresidentReview),
                (A::RequestConsultation, President, S::ExpertConsultation),
                (A::ApproveConsultation, Executive, S::Agreement),
                (A::ReferToLegal, MedicalAffairs, S::Legal),
                (A::Conclude, President, S::Procedures),
            ],
        );
        walk(
            ComplaintCategory::MedicalSupport,
            &[
                (A::Accept, Supervisor, S::Accepted),
                (A::Investigate, Supervisor, S::Investigating),
                (A::Analyse, Supervisor, S::Analysed),
                (A::Propose, Supervisor, S::Proposed),
                (A::Reject, MedicalAffairs, S::Analysed),
                (A::Propose, Supervisor, S::Proposed),
                (A::Approve, MedicalAffairs, S::Approved),
                (A::Negotiate, Supervisor, S::Negotiating),
                (A::Escalate, Supervisor, S::PresidentReview),
                (
                    A::RequestConsultation,
                    MedicalAffairs,
                    S::ExpertConsultation,
                ),
                (A::ApproveConsultation, Executive, S::Agreement),
                (A::SignAgreement, MedicalAffairs, S::Procedures),
            ],
        );
    }

    #[test]
    fn wrong_actions_name_the_allowed_ones_and_wrong_people_are_refused() {
        use Role::*;
        let f = facts(S::Received, None);
        assert_eq!(f.actions(), vec![A::HandOver, A::Accept, A::Pause]);
        assert_eq!(
            f.check(A::Approve, &[Director], &perms(&[Director])),
            Err(ActionRefused::NotAllowed {
                state: S::Received,
                action: A::Approve,
                allowed: vec![A::HandOver, A::Accept, A::Pause],
            })
        );
        // Agents receive and hand over, they do not accept.
        assert_eq!(
            f.check(A::Accept, &[Agent], &perms(&[Agent])),
            Err(ActionRefused::NotPermitted {
                action: A::Accept,
                roles: vec![Supervisor, Director],
            })
        );
        assert_eq!(
            f.actions_for(&[Agent], &perms(&[Agent])),
            vec![A::HandOver, A::Pause]
        );
        // Approval: director/president for non-quality, medical affairs for quality.
        let p = facts(S::Proposed, Some(ComplaintCategory::Process));
        assert!(
            p.check(A::Approve, &[MedicalAffairs], &perms(&[MedicalAffairs]))
                .is_err()
        );
        assert!(
            p.check(A::Approve, &[Supervisor], &perms(&[Supervisor]))
                .is_err()
        );
        assert!(
            p.check(A::Approve, &[President], &perms(&[President]))
                .is_ok()
        );
        let q = facts(S::Proposed, Some(ComplaintCategory::MedicalEffect));
        assert!(
            q.check(A::Approve, &[Director], &perms(&[Director]))
                .is_err()
        );
        // The consultation exists for quality complaints only.
        let r = facts(S::PresidentReview, Some(ComplaintCategory::Attitude));
        assert!(matches!(
            r.check(A::RequestConsultation, &[President], &perms(&[President])),
            Err(ActionRefused::NotAllowed { .. })
        ));
        // A role listed but without the permission (admin holds neither) is refused.
        assert!(matches!(
            f.check(A::HandOver, &[Admin], &perms(&[Admin])),
            Err(ActionRefused::NotPermitted { .. })
        ));
        // Waiting on the patient: only resume.
        let w = CaseFacts {
            waiting_on_patient: true,
            ..f
        };
        assert_eq!(w.actions(), vec![A::Resume]);
        assert_eq!(
            w.check(A::Resume, &[Agent], &perms(&[Agent])),
            Ok(S::Received)
        );
        // Closed: nothing.
        assert_eq!(
            facts(S::Closed, Some(ComplaintCategory::Billing)).actions(),
            vec![]
        );
    }

    #[test]
    fn every_move_is_reachable_for_someone_holding_its_permission() {
        for m in MOVES {
            assert!(!m.roles.is_empty());
            for r in m.roles {
                assert!(
                    m.permission.granted_to(*r),
                    "{:?} {:?} {r:?}",
                    m.from,
                    m.action
                );
            }
        }
        for r in PAUSERS {
            assert!(Permission::ComplaintWrite.granted_to(*r));
        }
    }

    #[test]
    fn default_limits_are_the_seeds_and_valid() {
        let l = ComplaintLimits::default();
        assert!(l.invalid_fields().is_empty());
        assert_eq!(l.case(true), super::super::Limit::CalendarDays(7));
        assert_eq!(l.case(false), super::super::Limit::CalendarDays(14));
        assert_eq!(l.national_for(1), super::super::Limit::WorkingDays(5));
        assert_eq!(l.national_for(2), super::super::Limit::WorkingDays(10));
        let bad = ComplaintLimits {
            analysis: super::super::Limit::CalendarHours(0),
            ..l
        };
        assert_eq!(bad.invalid_fields(), vec!["analysis"]);
    }
}
