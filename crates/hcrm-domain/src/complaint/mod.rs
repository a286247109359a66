//! Complaints (CMP): the pure rules — the case number (CMP-2), the SLA clocks (CMP-5) and the
//! proposed penalty level (CMP-7). The case's states, clocks and storage build on these.

pub mod attachment;
pub mod clock;
pub mod edit;
pub mod flow;
pub mod follow_up_wish;
pub mod number;
pub mod penalty;
pub mod refund;

pub use attachment::{AttachmentKind, FileFormat};
pub use clock::{Clock, ClockState, ClockView, Escalation, EscalationPolicy, Limit};
pub use flow::{
    ClockKind, ComplaintAction, ComplaintCategory, ComplaintChannel, ComplaintLimits,
    ComplaintSeverity, ComplaintState,
};
pub use number::ComplaintNumber;
pub use penalty::{Fines, PenaltyFacts, PenaltyLevel};
pub use refund::{RefundKind, RefundMethod, RefundStatus};
