//! CMP-7: the penalty level a case proposes (投诉管理制度 四(六) 处分级别及懲罚标准) and the fines of
//! each level for the responsible staff member, their direct supervisor and the hospital
//! leader. The level is proposed by this rule and confirmed by a person.
//!
//! Where the seed's amount ranges meet (¥20,000 ends level II and starts level III; ¥50,000
//! ends III and starts IV) the amount belongs to the higher level. Losses above ¥100,000 stay
//! at level IV: level V is for serious medical or safety accidents, whatever the amount.

use chrono::{Datelike, Months, NaiveDate};
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
    /// The responsible staff member's (责任人).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub staff_fen: i64,
    /// Their direct supervisor's (上级主管).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub supervisor_fen: i64,
    /// The hospital leader's (院领导).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub leader_fen: i64,
}

impl Fines {
    pub const ZERO: Fines = Fines {
        staff_fen: 0,
        supervisor_fen: 0,
        leader_fen: 0,
    };

    /// The sum of two sets of fines, person by person.
    pub fn plus(self, other: Fines) -> Fines {
        Fines {
            staff_fen: self.staff_fen + other.staff_fen,
            supervisor_fen: self.supervisor_fen + other.supervisor_fen,
            leader_fen: self.leader_fen + other.leader_fen,
        }
    }
}

/// The month `YYYY-MM` as its first day and the first day of the month after; `None` when it
/// is no month.
pub fn month_range(month: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (y, m) = month.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let start = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
    let next = start.checked_add_months(Months::new(1))?;
    Some((start, next))
}

/// 四(五): the executive office reviews the previous month's penalties before the 10th — the
/// review of the month starting `start` is due on the 10th of the month after.
pub fn review_due_on(start: NaiveDate) -> NaiveDate {
    let next = start.checked_add_months(Months::new(1)).unwrap_or(start);
    next.with_day(10).unwrap_or(next)
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
        assert_eq!(
            PenaltyLevel::Suspension
                .fines()
                .plus(PenaltyLevel::WrittenWarning.fines()),
            Fines {
                staff_fen: 55_000,
                supervisor_fen: 110_000,
                leader_fen: 220_000
            }
        );
        let numerals: Vec<_> = PenaltyLevel::ALL.iter().map(|l| l.numeral()).collect();
        assert_eq!(numerals, ["I", "II", "III", "IV", "V"]);
    }

    #[test]
    fn the_review_of_a_month_is_due_on_the_tenth_of_the_next() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            month_range("2026-11"),
            Some((d("2026-11-01"), d("2026-12-01")))
        );
        assert_eq!(
            month_range("2026-12"),
            Some((d("2026-12-01"), d("2027-01-01")))
        );
        for bad in [
            "2026-13",
            "2026-1",
            "26-11",
            "2026/11",
            "",
            "2026-11-01",
            "abcd-ef",
        ] {
            assert_eq!(month_range(bad), None, "{bad}");
        }
        assert_eq!(review_due_on(d("2026-11-01")), d("2026-12-10"));
        assert_eq!(review_due_on(d("2026-12-01")), d("2027-01-10"));
    }
}
