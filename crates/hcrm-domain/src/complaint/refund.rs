//! CMP-6: refunds and compensation of a complaint (投诉管理制度 四(四) 退款账务处理).
//!
//! The seed's flow: the responsible person (the consultant) starts the refund ("发起退费 OA
//! 流程"), the customer-service supervisor (客服主任) countersigns it as the second step
//! ("在第二环节中被加签"), the solution is approved by the customer-service director or the
//! president (客服总监或院长); once the patient has signed the necessary documents the cashier
//! pays cash, or the money reaches a bank card in about 7 working days. Compensation (赔偿)
//! goes through the same flow and is paid by the institution's cashier.

#[cfg(feature = "zones")]
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "zones")]
use crate::calendar::Calendar;
use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};
use crate::lifecycle::Lifecycle;
use crate::role::Role;

coded_enum! {
    /// 退款或赔偿 — what the money is.
    pub enum RefundKind {
        Refund = "refund", "退费", "Refund";
        Compensation = "compensation", "赔偿", "Compensation";
    }
}

coded_enum! {
    /// 退款方式 — how the patient gets the money.
    pub enum RefundMethod {
        Cash = "cash", "现金", "Cash";
        BankCard = "bank_card", "退至银行卡", "To a bank card";
    }
}

coded_enum! {
    /// 退款状态 — the approval chain of a refund (CMP-6).
    pub enum RefundStatus {
        Requested = "requested", "已发起", "Requested";
        Countersigned = "countersigned", "客服主任已加签", "Countersigned by the supervisor";
        Approved = "approved", "已审批", "Approved";
        Paid = "paid", "已支付", "Paid";
        Rejected = "rejected", "已驳回", "Rejected";
    }
}

/// Working days a bank-card refund takes to reach the patient ("约 7 个工作日").
pub const BANK_CARD_WORKING_DAYS: u32 = 7;

#[cfg(feature = "zones")]
impl RefundMethod {
    /// When the money is expected with the patient, paid at `paid_at`: at once in cash, after
    /// [`BANK_CARD_WORKING_DAYS`] working days of the institution's calendar to a bank card.
    pub fn expected_arrival(self, paid_at: DateTime<Utc>, calendar: &Calendar) -> DateTime<Utc> {
        match self {
            RefundMethod::Cash => paid_at,
            RefundMethod::BankCard => calendar.add_working_days(paid_at, BANK_CARD_WORKING_DAYS),
        }
    }
}

impl RefundStatus {
    /// Who may make the move to `self`, by role. Starting a refund and recording the payment
    /// are the case handlers' work (`complaint.write`); the two approval steps name roles.
    pub fn roles(self) -> Option<&'static [Role]> {
        match self {
            // 客服主任加签 (a director may stand in for the supervisor).
            RefundStatus::Countersigned => Some(&[Role::Supervisor, Role::Director]),
            // 客服总监或院长审批 (the executive stands above both).
            RefundStatus::Approved => Some(&[Role::Director, Role::President, Role::Executive]),
            // Either approver may turn it down at their step.
            RefundStatus::Rejected => Some(&[
                Role::Supervisor,
                Role::Director,
                Role::President,
                Role::Executive,
            ]),
            RefundStatus::Requested | RefundStatus::Paid => None,
        }
    }

    /// Whether a caller holding `roles` may move a refund to `self` (roles only; the
    /// permission `complaint.approve` or `complaint.write` is checked by the endpoint).
    pub fn may_be_made_by(self, roles: &[Role]) -> bool {
        match self.roles() {
            Some(allowed) => roles.iter().any(|r| allowed.contains(r)),
            None => true,
        }
    }

    /// Whether the refund still counts as money the case costs (not turned down).
    pub fn counts(self) -> bool {
        self != RefundStatus::Rejected
    }
}

impl Lifecycle for RefundStatus {
    fn states() -> &'static [Self] {
        &Self::ALL
    }

    fn state_code(self) -> &'static str {
        self.code()
    }

    fn allows(self, to: RefundStatus) -> bool {
        use RefundStatus::*;
        matches!(
            (self, to),
            (Requested, Countersigned)
                | (Countersigned, Approved)
                | (Approved, Paid)
                | (Requested | Countersigned, Rejected)
        )
    }
}

/// Why a refund's move is refused beyond the lifecycle (reported on the field `to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundRefused {
    /// The caller's roles do not take this step.
    NotYourStep,
    /// The one who started or countersigned the refund may not also approve it (four eyes).
    SamePerson,
    /// Paying needs the patient's signed documents (an attachment of the case).
    SignedDocumentMissing,
    /// Turning a refund down needs a reason.
    ReasonRequired,
}

impl RefundRefused {
    pub fn code(self) -> &'static str {
        match self {
            RefundRefused::NotYourStep => "transition_not_permitted",
            RefundRefused::SamePerson => "same_person",
            RefundRefused::SignedDocumentMissing => "signed_document_required",
            RefundRefused::ReasonRequired => "reason_required",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            RefundRefused::NotYourStep => "your roles do not take this step of the refund",
            RefundRefused::SamePerson => {
                "the person who started or countersigned the refund may not approve it"
            }
            RefundRefused::SignedDocumentMissing => {
                "the patient's signed documents must be attached before the money is paid"
            }
            RefundRefused::ReasonRequired => "say why the refund is turned down",
        }
    }
}

/// What the rule needs to know of a refund and of the caller for a move.
#[derive(Debug, Clone, Copy)]
pub struct RefundMove<'a, Id: PartialEq> {
    pub to: RefundStatus,
    pub roles: &'a [Role],
    pub caller: Id,
    pub created_by: Option<Id>,
    pub countersigned_by: Option<Id>,
    pub has_signed_document: bool,
    pub has_comment: bool,
}

/// The checks of a move beyond [`Lifecycle::allows`]: the step's roles, four eyes on the
/// approval, the signed documents before paying, a reason for turning it down.
pub fn check_refund_move<Id: PartialEq>(m: &RefundMove<'_, Id>) -> Result<(), RefundRefused> {
    if !m.to.may_be_made_by(m.roles) {
        return Err(RefundRefused::NotYourStep);
    }
    match m.to {
        RefundStatus::Approved
            if m.created_by.as_ref() == Some(&m.caller)
                || m.countersigned_by.as_ref() == Some(&m.caller) =>
        {
            Err(RefundRefused::SamePerson)
        }
        RefundStatus::Paid if !m.has_signed_document => Err(RefundRefused::SignedDocumentMissing),
        RefundStatus::Rejected if !m.has_comment => Err(RefundRefused::ReasonRequired),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RefundStatus::*;
    use chrono::TimeZone;

    #[test]
    fn the_approval_chain_moves_one_step_at_a_time() {
        assert_eq!(Requested.next(), vec![Countersigned, Rejected]);
        assert_eq!(Countersigned.next(), vec![Approved, Rejected]);
        assert_eq!(Approved.next(), vec![Paid]);
        assert!(Paid.next().is_empty());
        assert!(Rejected.next().is_empty());
        assert!(
            !Requested.allows(Approved),
            "no approval without the countersignature"
        );
        assert!(!Requested.allows(Paid));
    }

    #[test]
    fn each_step_is_taken_by_the_roles_the_seed_names() {
        use Role::*;
        for (to, role, ok) in [
            (Countersigned, Supervisor, true),
            (Countersigned, Agent, false),
            (Countersigned, President, false),
            (Countersigned, MedicalAffairs, false),
            (Approved, Supervisor, false),
            (Approved, Director, true),
            (Approved, President, true),
            (Approved, Executive, true),
            (Approved, MedicalAffairs, false),
            (Rejected, Supervisor, true),
            (Rejected, Agent, false),
            (Paid, Agent, true),
        ] {
            assert_eq!(to.may_be_made_by(&[role]), ok, "{role:?} → {to}");
        }
    }

    #[test]
    fn four_eyes_signed_documents_and_reasons() {
        let m = |to, caller: u8, has_signed_document, has_comment| RefundMove {
            to,
            roles: &[Role::Director],
            caller,
            created_by: Some(1u8),
            countersigned_by: Some(2u8),
            has_signed_document,
            has_comment,
        };
        assert_eq!(check_refund_move(&m(Approved, 3, false, false)), Ok(()));
        assert_eq!(
            check_refund_move(&m(Approved, 2, false, false)),
            Err(RefundRefused::SamePerson)
        );
        assert_eq!(
            check_refund_move(&m(Approved, 1, false, false)),
            Err(RefundRefused::SamePerson)
        );
        assert_eq!(
            check_refund_move(&m(Paid, 1, false, false)),
            Err(RefundRefused::SignedDocumentMissing)
        );
        assert_eq!(check_refund_move(&m(Paid, 1, true, false)), Ok(()));
        assert_eq!(
            check_refund_move(&m(Rejected, 3, false, false)),
            Err(RefundRefused::ReasonRequired)
        );
        assert_eq!(check_refund_move(&m(Rejected, 3, false, true)), Ok(()));
    }

    /// A bank-card refund paid on Wednesday 30 September 2026, the eve of National Day, arrives
    /// 7 working days later, skipping 1–7 October and counting the make-up Saturday 10 October.
    #[test]
    fn a_bank_card_refund_arrives_after_seven_working_days() {
        let cal = Calendar::mainland(chrono_tz::Asia::Shanghai);
        let paid = chrono_tz::Asia::Shanghai
            .with_ymd_and_hms(2026, 9, 30, 10, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(RefundMethod::Cash.expected_arrival(paid, &cal), paid);
        let arrives = RefundMethod::BankCard
            .expected_arrival(paid, &cal)
            .with_timezone(&chrono_tz::Asia::Shanghai);
        // Working days after 30 Sep: 8, 9, 10 (Sat, make-up), 12, 13, 14, 15 October.
        assert_eq!(arrives.date_naive().to_string(), "2026-10-15");
    }
}
