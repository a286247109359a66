//! ORG-3: the official mainland-China schedule shipped with the product — public holidays and
//! make-up working days (调休上班) of the current and next year, as the State Council's general
//! office announced them. `data/cn-official-holidays-2025-2026.csv` holds the days; [`NOTICES`]
//! names each year's source notice. Institutions start from this table and may edit or import
//! a year of their own.

use chrono::{Datelike, NaiveDate};

use super::{DayKind, SpecialDay};

/// The shipped table: `date,kind,name` lines, `#` comments, one header line.
const TABLE: &str = include_str!("../../data/cn-official-holidays-2025-2026.csv");

/// The notice each shipped year comes from.
pub const NOTICES: &[(i32, &str)] = &[
    (2025, "国务院办公厅关于2025年部分节假日安排的通知"),
    (2026, "国务院办公厅关于2026年部分节假日安排的通知"),
];

/// Every shipped day, in date order. A line that cannot be read is left out; a test checks
/// that none is.
pub fn days() -> Vec<SpecialDay> {
    lines().filter_map(|line| read(line).ok()).collect()
}

/// The shipped days of `year`.
pub fn year(year: i32) -> Vec<SpecialDay> {
    days()
        .into_iter()
        .filter(|d| d.date.year() == year)
        .collect()
}

fn lines() -> impl Iterator<Item = &'static str> {
    TABLE
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("date,"))
}

fn read(line: &str) -> Result<SpecialDay, String> {
    let mut parts = line.splitn(3, ',');
    let (Some(date), Some(kind), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(line.to_string());
    };
    Ok(SpecialDay {
        date: NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| line.to_string())?,
        kind: DayKind::from_code(kind).ok_or_else(|| line.to_string())?,
        name: name.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_line_is_read_and_each_year_has_its_notice() {
        let unread: Vec<_> = lines().filter(|l| read(l).is_err()).collect();
        assert!(unread.is_empty(), "{unread:?}");
        let days = days();
        assert_eq!(days.len(), lines().count());
        for day in &days {
            assert!(
                NOTICES.iter().any(|(y, _)| *y == day.date.year()),
                "{day:?}"
            );
        }
        assert!(days.windows(2).all(|w| w[0].date < w[1].date));
        assert_eq!(
            year(2026).len(),
            days.iter().filter(|d| d.date.year() == 2026).count()
        );
    }

    /// The shipped days agree, day by day over both years, with tyme4rs — an independent
    /// table of the statutory holidays and make-up working days.
    #[test]
    fn the_shipped_days_agree_with_an_independent_source() {
        use tyme4rs::tyme::holiday::LegalHoliday;
        let shipped = days();
        let mut disagree = Vec::new();
        let mut date = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        while date.year() <= 2026 {
            let ours = shipped.iter().find(|d| d.date == date).map(|d| d.kind);
            let theirs = LegalHoliday::from_ymd(
                date.year() as isize,
                date.month() as usize,
                date.day() as usize,
            )
            .map(|h| {
                if h.is_work() {
                    DayKind::MakeupWorkday
                } else {
                    DayKind::Holiday
                }
            });
            if ours != theirs {
                disagree.push(format!("{date}: ours {ours:?}, tyme4rs {theirs:?}"));
            }
            date = date.succ_opt().unwrap();
        }
        assert!(disagree.is_empty(), "{disagree:#?}");
    }
}
