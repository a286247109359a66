//! Complaints (CMP): the pure rules — the case number (CMP-2) and the proposed penalty level
//! (CMP-7). The case's states, clocks and storage build on these.

pub mod number;
pub mod penalty;

pub use number::ComplaintNumber;
pub use penalty::{Fines, PenaltyFacts, PenaltyLevel};
