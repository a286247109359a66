//! OPS-2, complaints (CMP-1 … CMP-9): cases of the last weeks in every state of the flow,
//! both branches of a disagreement, some handled in time and some late (breached clocks),
//! some waiting on the patient, with refunds and confirmed penalties — all through hcrm-db's
//! own functions (`complaints::create`, `make_move`, the money functions), so that numbers,
//! clocks and history are what the product itself records. The moves happen in the past, at
//! the times a real case would have had them, and the escalation job runs once at the end.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use hcrm_db::complaint_money::{accountability, attachments, refunds};
use hcrm_db::complaints::{self, MoveInput, NewComplaint};
use hcrm_db::{DbConn, DbError, customers, departments};
use hcrm_domain::api::complaints::InvolvedDepartment;
use hcrm_domain::complaint::flow::CaseFacts;
use hcrm_domain::complaint::{
    AttachmentKind, ComplaintAction, ComplaintCategory, ComplaintChannel, ComplaintSeverity,
    ComplaintState, FileFormat, PenaltyFacts, PenaltyLevel, RefundKind, RefundMethod, RefundStatus,
};
use hcrm_domain::{PermissionSet, Role, Scope};
use uuid::Uuid;

use ComplaintAction as A;

/// The main path of a case, non-quality or quality alike, to closed.
const MAIN: [ComplaintAction; 12] = [
    A::HandOver,
    A::Accept,
    A::Investigate,
    A::Analyse,
    A::Propose,
    A::Approve,
    A::Negotiate,
    A::Agree,
    A::FinishProcedures,
    A::Archive,
    A::FinishInternalHandling,
    A::Complete,
];

/// One demo case: how far along the main path (or which branch), its classification, how
/// long ago it came in and how many hours each step took.
struct Case {
    channel: ComplaintChannel,
    category: Option<ComplaintCategory>,
    severity: ComplaintSeverity,
    description: &'static str,
    demands: &'static str,
    days_ago: i64,
    hours_per_step: i64,
    /// The actions taken, in order.
    path: Vec<ComplaintAction>,
    /// Waiting on the patient at the end.
    paused: bool,
    /// A refund of this many fen.
    refund_fen: Option<i64>,
}

fn main_to(n: usize) -> Vec<ComplaintAction> {
    MAIN[..n].to_vec()
}

fn escalated(then: &[ComplaintAction]) -> Vec<ComplaintAction> {
    let mut p = main_to(7);
    p.push(A::Escalate);
    p.extend_from_slice(then);
    p
}

fn cases() -> Vec<Case> {
    use ComplaintCategory as C;
    use ComplaintChannel as Ch;
    use ComplaintSeverity as S;
    let case = |channel, category, severity, description, demands, days_ago, hours, path| Case {
        channel,
        category,
        severity,
        description,
        demands,
        days_ago,
        hours_per_step: hours,
        path,
        paused: false,
        refund_fen: None,
    };
    let mut out = vec![
        case(
            Ch::Phone,
            None,
            S::General,
            "预约后到院仍等候一个半小时，无人解释",
            "希望说明原因并改进",
            0,
            1,
            main_to(0),
        ),
        case(
            Ch::OnlineChat,
            Some(C::Billing),
            S::Minor,
            "体检套餐收费与网上报价不一致",
            "退还差价",
            1,
            2,
            main_to(1),
        ),
        case(
            Ch::InPerson,
            Some(C::Attitude),
            S::General,
            "导诊台护士态度生硬",
            "当面道歉",
            2,
            3,
            main_to(2),
        ),
        case(
            Ch::Letter,
            Some(C::Process),
            S::General,
            "出院结算排队时间过长，流程反复",
            "简化流程",
            9,
            20,
            main_to(3),
        ),
        case(
            Ch::Phone,
            Some(C::MedicalEffect),
            S::Serious,
            "白内障术后视力恢复不如预期",
            "免费复查并给出说法",
            4,
            4,
            main_to(4),
        ),
        case(
            Ch::Email,
            Some(C::Environment),
            S::Minor,
            "病房空调夜间噪音大",
            "更换病房",
            5,
            5,
            main_to(5),
        ),
        case(
            Ch::Web,
            Some(C::Billing),
            S::General,
            "检查项目重复收费",
            "退还重复费用",
            6,
            4,
            main_to(6),
        ),
        case(
            Ch::Phone,
            Some(C::Attitude),
            S::General,
            "医生问诊时间过短，未解答疑问",
            "重新安排问诊",
            7,
            3,
            main_to(7),
        ),
        case(
            Ch::FollowUpFeedback,
            Some(C::Process),
            S::Minor,
            "回访时反映取药等候时间长",
            "增加取药窗口",
            10,
            5,
            main_to(8),
        ),
        case(
            Ch::InPerson,
            Some(C::MedicalSupport),
            S::General,
            "化验报告延迟两天出具",
            "说明原因",
            12,
            6,
            main_to(9),
        ),
        case(
            Ch::Phone,
            Some(C::Billing),
            S::Serious,
            "住院押金退款迟迟未到账",
            "尽快退款并补偿",
            16,
            8,
            main_to(10),
        ),
        case(
            Ch::Letter,
            Some(C::MedicalEffect),
            S::Serious,
            "膝关节术后疼痛持续",
            "承担后续治疗费用",
            20,
            10,
            main_to(11),
        ),
        case(
            Ch::Phone,
            Some(C::Attitude),
            S::Minor,
            "收费处工作人员解释不耐心",
            "道歉",
            14,
            3,
            main_to(12),
        ),
        case(
            Ch::SuggestionBox,
            Some(C::Suggestion),
            S::Minor,
            "建议门诊增设母婴室",
            "",
            13,
            4,
            main_to(12),
        ),
        case(
            Ch::Phone,
            Some(C::Process),
            S::General,
            "专家号预约后被临时取消且未通知",
            "优先安排就诊",
            25,
            30,
            main_to(12),
        ),
        case(
            Ch::InPerson,
            Some(C::Billing),
            S::Serious,
            "体检后被推荐的额外项目未说明费用",
            "全额退还额外费用",
            11,
            6,
            escalated(&[]),
        ),
        case(
            Ch::Letter,
            Some(C::Billing),
            S::Critical,
            "对赔偿金额分歧较大，多次协商未果",
            "赔偿五万元",
            22,
            8,
            escalated(&[A::ReferToLegal]),
        ),
        case(
            Ch::Phone,
            Some(C::MedicalEffect),
            S::Critical,
            "产后感染，认为与手术操作有关",
            "赔偿并追究责任",
            15,
            6,
            escalated(&[A::RequestConsultation]),
        ),
        case(
            Ch::Email,
            Some(C::MedicalEffect),
            S::Serious,
            "眼科激光术后干眼严重",
            "赔偿治疗费用",
            21,
            6,
            escalated(&[A::RequestConsultation, A::ApproveConsultation]),
        ),
    ];
    // Waiting on the patient: the patient has to bring the outside hospital's report.
    let mut waiting = case(
        Ch::Phone,
        Some(C::MedicalEffect),
        S::General,
        "外院复查结果与本院诊断不符",
        "重新诊断",
        8,
        5,
        main_to(3),
    );
    waiting.paused = true;
    out.push(waiting);
    let mut waiting = case(
        Ch::Web,
        Some(C::Billing),
        S::Minor,
        "医保报销材料缺失",
        "补开材料",
        3,
        2,
        main_to(2),
    );
    waiting.paused = true;
    out.push(waiting);
    // Refunds where the money moves.
    for (i, fen) in [
        (6, 12_000),
        (9, 8_000),
        (10, 350_000),
        (11, 2_500_000),
        (16, 5_000_000),
    ] {
        out[i].refund_fen = Some(fen);
    }
    out
}

/// Who takes `action` on a case of `category` at institution `sh`: the roles of seed 003.
fn actor(
    action: ComplaintAction,
    category: Option<ComplaintCategory>,
    sh: bool,
) -> (&'static str, Role) {
    let quality = category.is_some_and(ComplaintCategory::is_quality);
    let supervisor = if sh {
        "supervisor.sh01"
    } else {
        "supervisor.bj01"
    };
    match action {
        A::HandOver => (
            if sh { "supervisor.sh01" } else { "agent.bj01" },
            if sh { Role::Supervisor } else { Role::Agent },
        ),
        A::Approve if quality && !sh => ("medical.bj01", Role::MedicalAffairs),
        A::Approve | A::FinishInternalHandling | A::Conclude => ("director", Role::Director),
        A::RequestConsultation | A::ReferToLegal => ("president.bj01", Role::President),
        A::ApproveConsultation => ("executive", Role::Executive),
        _ => (supervisor, Role::Supervisor),
    }
}

/// The patient's signed refund confirmation as the demo keeps it: a one-page PDF.
const SIGNED_CONFIRMATION: &[u8] = b"%PDF-1.4\n\
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n\
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n\
trailer<</Root 1 0 R>>\n%%EOF\n";

/// Attaches the patient's signed confirmation to case `complaint` and records refund
/// `refund` (at version `version`) paid against it at `at`, by `by`, with the arrival a bank
/// card refund is expected at on the institution's calendar.
#[allow(clippy::too_many_arguments)]
fn pay_against_signature(
    conn: &mut DbConn,
    complaint: Uuid,
    institution: Uuid,
    refund: Uuid,
    version: i32,
    case: &Case,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    use sha2::{Digest, Sha256};
    let document = attachments::create(
        conn,
        attachments::NewAttachment {
            complaint_id: complaint,
            institution_id: institution,
            kind: AttachmentKind::SignedDocument,
            file_name: "退费确认书（患者签字）.pdf".to_string(),
            format: FileFormat::Pdf,
            sha256: hex::encode(Sha256::digest(SIGNED_CONFIRMATION)),
            description: Some(format!("患者签字确认：{}", case.demands)),
            uploaded_by: by,
        },
        SIGNED_CONFIRMATION,
    )?;
    let calendar = hcrm_db::calendars::calendar_of(conn, institution)?;
    refunds::transition(
        conn,
        &Scope::Group,
        complaint,
        refund,
        version,
        &refunds::Move {
            to: RefundStatus::Paid,
            by,
            comment: None,
            signed_document_id: Some(document),
            paid_at: Some(at),
            expected_arrival_at: Some(RefundMethod::BankCard.expected_arrival(at, &calendar)),
        },
    )?;
    Ok(())
}

/// How many cases, refunds and confirmed findings were made.
pub struct Made {
    pub complaints: usize,
    pub refunds: usize,
    /// Refunds paid, each with the patient's signed documents attached to the case.
    pub paid: usize,
    pub findings: usize,
}

/// Makes the demo complaints of BJ01 (all of the cases) and SH01 (a few), inside the
/// caller's write transaction.
pub fn fill(
    conn: &mut DbConn,
    staff: &HashMap<&str, String>,
    now: DateTime<Utc>,
) -> Result<Made, DbError> {
    let user = |name: &str| -> Result<Uuid, DbError> {
        staff
            .get(name)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| DbError::Corrupt(format!("demo user {name}")))
    };
    let mut made = Made {
        complaints: 0,
        refunds: 0,
        paid: 0,
        findings: 0,
    };
    for (code, sh) in [("BJ01", false), ("SH01", true)] {
        let inst = hcrm_db::institutions::find_by_code(conn, code)?.id;
        let scope = Scope::Institutions(vec![inst]);
        let people = customers::list(
            conn,
            &scope,
            &customers::Filter::default(),
            customers::Sort::CreatedAt,
            false,
            hcrm_db::ListWindow {
                limit: 40,
                offset: 0,
            },
            customers::Count::UpTo(40),
        )?
        .items;
        let (depts, _) = departments::list(
            conn,
            &scope,
            &departments::Filter {
                institution_id: Some(inst),
                ..Default::default()
            },
            departments::Sort::Name,
            false,
            hcrm_db::ListWindow {
                limit: 20,
                offset: 0,
            },
        )?;
        let all = cases();
        // SH01 (no medical-affairs user of its own): a few non-escalated cases.
        let chosen: Vec<&Case> = if sh {
            [0, 2, 7, 12, 14]
                .iter()
                .filter_map(|i| all.get(*i))
                .collect()
        } else {
            all.iter().collect()
        };
        for (n, case) in chosen.into_iter().enumerate() {
            let Some(customer) = people.get(n % people.len().max(1)) else {
                break;
            };
            let received = now - Duration::days(case.days_ago) - Duration::hours(2 + n as i64 % 5);
            let receiver = user(if sh { "supervisor.sh01" } else { "agent.bj01" })?;
            let department = depts
                .get(n % depts.len().max(1))
                .map(|d| InvolvedDepartment {
                    department_id: Some(d.id),
                    name: Some(d.name.clone()),
                });
            let id = complaints::create(
                conn,
                NewComplaint {
                    institution_id: inst,
                    channel: case.channel,
                    customer_id: customer.id,
                    receiver_id: receiver,
                    description: case.description.to_string(),
                    occurred_at: Some(received - Duration::days(1)),
                    received_at: received,
                    departments: department.into_iter().collect(),
                    staff: Vec::new(),
                    demands: Some(case.demands.to_string()).filter(|d| !d.is_empty()),
                    category: case.category,
                    severity: Some(case.severity),
                    major_dispute: case.severity == ComplaintSeverity::Critical,
                    settled: None,
                },
                received,
            )?;
            made.complaints += 1;
            let (mut state, mut version) = (ComplaintState::Received, 1);
            let mut at = received;
            let take = |conn: &mut DbConn,
                        action: ComplaintAction,
                        at: DateTime<Utc>,
                        state: &mut ComplaintState,
                        version: &mut i32|
             -> Result<(), DbError> {
                let (who, role) = actor(action, case.category, sh);
                let facts = CaseFacts {
                    state: *state,
                    category: case.category,
                    waiting_on_patient: false,
                };
                let to = facts
                    .check(action, &[role], &PermissionSet::for_roles(&[role]))
                    .map_err(|e| DbError::Corrupt(format!("demo move {action:?}: {e:?}")))?;
                let input = MoveInput {
                    comment: None,
                    category: case.category,
                    severity: Some(case.severity),
                    major_dispute: None,
                    solution: (action == A::Propose)
                        .then(|| format!("{}：核实后{}", case.description, case.demands)),
                    outcome: (action == A::Agree).then(|| "患者同意处理方案".to_string()),
                };
                let (_, after) = complaints::make_move(
                    conn,
                    &Scope::Group,
                    id,
                    *version,
                    action,
                    to,
                    &input,
                    user(who)?,
                    at,
                )?;
                *state = after.state;
                *version = after.version;
                Ok(())
            };
            for action in &case.path {
                at += Duration::hours(case.hours_per_step);
                take(conn, *action, at.min(now), &mut state, &mut version)?;
            }
            if case.paused {
                at += Duration::hours(1);
                take(conn, A::Pause, at.min(now), &mut state, &mut version)?;
            }
            if let Some(fen) = case.refund_fen {
                let refund = refunds::create(
                    conn,
                    refunds::NewRefund {
                        complaint_id: id,
                        institution_id: inst,
                        kind: if fen > 100_000 {
                            RefundKind::Compensation
                        } else {
                            RefundKind::Refund
                        },
                        amount_fen: fen,
                        method: RefundMethod::BankCard,
                        reason: format!("{}（{}）", case.demands, case.description),
                        signed_document_id: None,
                        created_by: user(if sh { "supervisor.sh01" } else { "agent.bj01" })?,
                    },
                )?;
                made.refunds += 1;
                // Cases past the procedures step have their refund approved.
                if !matches!(
                    state,
                    ComplaintState::Approved | ComplaintState::Negotiating | ComplaintState::Legal
                ) {
                    let mut v = 1;
                    for (to, who) in [
                        (
                            RefundStatus::Countersigned,
                            if sh {
                                "supervisor.sh01"
                            } else {
                                "supervisor.bj01"
                            },
                        ),
                        (RefundStatus::Approved, "director"),
                    ] {
                        let (_, after) = refunds::transition(
                            conn,
                            &Scope::Group,
                            id,
                            refund,
                            v,
                            &refunds::Move {
                                to,
                                by: user(who)?,
                                comment: None,
                                signed_document_id: None,
                                paid_at: None,
                                expected_arrival_at: None,
                            },
                        )?;
                        v = after.version;
                    }
                    // Past the procedures step the money has moved: the patient signed the
                    // refund confirmation (退费确认书), it is attached to the case, and the
                    // refund is paid against it (CMP-6).
                    if matches!(
                        state,
                        ComplaintState::Archiving
                            | ComplaintState::InternalHandling
                            | ComplaintState::Improvement
                            | ComplaintState::Closed
                    ) {
                        pay_against_signature(
                            conn,
                            id,
                            inst,
                            refund,
                            v,
                            case,
                            user(if sh { "supervisor.sh01" } else { "agent.bj01" })?,
                            at.min(now),
                        )?;
                        made.paid += 1;
                    }
                }
            }
            // Internal handling reached: who was responsible, the level confirmed.
            if matches!(
                state,
                ComplaintState::InternalHandling
                    | ComplaintState::Improvement
                    | ComplaintState::Closed
            ) && case.category != Some(ComplaintCategory::Suggestion)
            {
                let loss_fen = case.refund_fen.unwrap_or(0);
                let level = PenaltyLevel::propose(PenaltyFacts {
                    loss_fen,
                    serious_accident: false,
                });
                let finding = accountability::create(
                    conn,
                    accountability::NewResponsibility {
                        complaint_id: id,
                        institution_id: inst,
                        staff_user_id: None,
                        staff_doctor_id: None,
                        staff_name: ["李护士", "王收费员", "赵医生", "陈导诊"][n % 4].to_string(),
                        department_id: depts.get(n % depts.len().max(1)).map(|d| d.id),
                        supervisor_user_id: None,
                        supervisor_name: Some("科室主任".to_string()),
                        leader_user_id: None,
                        leader_name: Some("分管副院长".to_string()),
                        description: case.description.to_string(),
                        loss_fen,
                        serious_accident: false,
                        reputation_damage: false,
                        patient_dissatisfied: false,
                        proposed_level: level,
                        created_by: user(if sh {
                            "supervisor.sh01"
                        } else {
                            "supervisor.bj01"
                        })?,
                    },
                )?;
                accountability::confirm(
                    conn,
                    &Scope::Group,
                    id,
                    finding,
                    1,
                    &accountability::Confirmation {
                        level,
                        note: None,
                        by: user("director")?,
                    },
                )?;
                made.findings += 1;
            }
        }
    }
    // The escalation job notes the breaches and alerts the supervisors and directors.
    complaints::clocks::escalate(conn, now)?;
    Ok(made)
}
