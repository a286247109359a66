//! CMP-7: the penalty level a case proposes (投诉管理制度 四(六) 处分级别及懲罚标准) and the fines of
//! each level for the responsible staff member, their direct supervisor and the hospital
//! leader. The level is proposed by this rule and confirmed by a person.
//!
//! Where the seed's amount ranges meet (¥20,000 ends level II and starts level III; ¥50,000
//! ends III and starts IV) the amount belongs to the higher level. Losses above ¥100,000 stay
//! at level IV: level V is for serious medical or safety accidents, whatever the amount.

use serde::{Deserialize, Serialize};

use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};

coded_enum! {
    /// 处分级别 — CMP-7, I to V.
    pub enum PenaltyLevel {
        WrittenWarning = "written_warning", "I 级 书面警告", "Level I, written warning";
        MinorDemerit = "minor_demerit", "II 级 记小过", "Level II, minor demerit";
        MajorDemerit = "major_demerit", "III 级 记大过", "Level III, major demerit";
        Suspension = "suspension", "IV 级 停职查看", "Level IV, suspension";
        Dismissal = "dismissal", "V 级 解雇", "Level V, dismissal";
    }
}

/// What the case established, as far as the penalty depends on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PenaltyFacts {
    /// Direct economic loss to the company — refunds and compensation — in fen.
    pub loss_fen: i64,
    /// A serious medical or safety accident (严重事故).
    pub serious_accident: bool,
}

/// The fines of one level, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fines {
    pub staff_fen: i64,
    pub supervisor_fen: i64,
    pub leader_fen: i64,
}

/// ¥ in fen.
const fn yuan(y: i64) -> i64 {
    y * 100
}

impl PenaltyLevel {
    /// The level the facts propose.
    pub fn propose(facts: PenaltyFacts) -> PenaltyLevel {
        match facts {
            PenaltyFacts {
                serious_accident: true,
                ..
            } => PenaltyLevel::Dismissal,
            PenaltyFacts { loss_fen, .. } if loss_fen >= yuan(50_000) => PenaltyLevel::Suspension,
            PenaltyFacts { loss_fen, .. } if loss_fen >= yuan(20_000) => PenaltyLevel::MajorDemerit,
            PenaltyFacts { loss_fen, .. } if loss_fen > 0 => PenaltyLevel::MinorDemerit,
            _ => PenaltyLevel::WrittenWarning,
        }
    }

    /// The fines of the level for staff / supervisor / leader (1 : 2 : 4).
    pub fn fines(self) -> Fines {
        let staff = match self {
            PenaltyLevel::WrittenWarning => yuan(50),
            PenaltyLevel::MinorDemerit => yuan(200),
            PenaltyLevel::MajorDemerit => yuan(300),
            PenaltyLevel::Suspension => yuan(500),
            PenaltyLevel::Dismissal => yuan(1_000),
        };
        Fines {
            staff_fen: staff,
            supervisor_fen: staff * 2,
            leader_fen: staff * 4,
        }
    }

    /// The roman numeral printed on the penalty slip.
    pub fn numeral(self) -> &'static str {
        match self {
            PenaltyLevel::WrittenWarning => "I",
            PenaltyLevel::MinorDemerit => "II",
            PenaltyLevel::MajorDemerit => "III",
            PenaltyLevel::Suspension => "IV",
            PenaltyLevel::Dismissal => "V",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_follows_the_loss_and_an_accident_at_each_boundary() {
        use PenaltyLevel::*;
        let facts = |loss_fen, serious_accident| PenaltyFacts {
            loss_fen,
            serious_accident,
        };
        for (loss, accident, level) in [
            (0, false, WrittenWarning), // no direct loss, service compensation only
            (1, false, MinorDemerit),   // any refund
            (1_999_999, false, MinorDemerit), // ¥19,999.99
            (2_000_000, false, MajorDemerit), // ¥20,000
            (4_999_999, false, MajorDemerit), // ¥49,999.99
            (5_000_000, false, Suspension), // ¥50,000
            (10_000_000, false, Suspension), // ¥100,000
            (50_000_000, false, Suspension), // above the table without an accident
            (0, true, Dismissal),       // serious accident, whatever the loss
            (10_000_000, true, Dismissal),
        ] {
            assert_eq!(
                PenaltyLevel::propose(facts(loss, accident)),
                level,
                "{loss} fen, accident {accident}"
            );
        }
    }

    #[test]
    fn fines_of_each_level_for_staff_supervisor_and_leader() {
        for (level, staff, supervisor, leader) in [
            (PenaltyLevel::WrittenWarning, 50, 100, 200),
            (PenaltyLevel::MinorDemerit, 200, 400, 800),
            (PenaltyLevel::MajorDemerit, 300, 600, 1_200),
            (PenaltyLevel::Suspension, 500, 1_000, 2_000),
            (PenaltyLevel::Dismissal, 1_000, 2_000, 4_000),
        ] {
            assert_eq!(
                level.fines(),
                Fines {
                    staff_fen: staff * 100,
                    supervisor_fen: supervisor * 100,
                    leader_fen: leader * 100
                },
                "{level}"
            );
        }
        let numerals: Vec<_> = PenaltyLevel::ALL.iter().map(|l| l.numeral()).collect();
        assert_eq!(numerals, ["I", "II", "III", "IV", "V"]);
    }
}
