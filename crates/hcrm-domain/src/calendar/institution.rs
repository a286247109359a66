//! ORG-3: an institution's calendar from what it stores — its working intervals, its weekly
//! rest days and the years of special days it imported — over the shipped official schedule.
//!
//! A year the institution imported replaces the shipped year whole; a year it did not import
//! is the shipped one (and past the shipped years, the weekly pattern alone). So a release
//! that ships next year's official schedule reaches every institution that did not import
//! that year itself, without a data migration.

#[cfg(feature = "zones")]
use std::collections::BTreeMap;

#[cfg(feature = "zones")]
use chrono::Datelike;
use chrono::Weekday;
use serde::{Deserialize, Serialize};

#[cfg(feature = "zones")]
use super::{Calendar, CalendarError, DayKind, Interval, SpecialDay, official};
use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};

coded_enum! {
    /// 星期 — a day of the week, as the API names weekly rest days.
    pub enum DayOfWeek {
        Monday = "monday", "星期一", "Monday";
        Tuesday = "tuesday", "星期二", "Tuesday";
        Wednesday = "wednesday", "星期三", "Wednesday";
        Thursday = "thursday", "星期四", "Thursday";
        Friday = "friday", "星期五", "Friday";
        Saturday = "saturday", "星期六", "Saturday";
        Sunday = "sunday", "星期日", "Sunday";
    }
}

impl DayOfWeek {
    pub fn weekday(self) -> Weekday {
        match self {
            DayOfWeek::Monday => Weekday::Mon,
            DayOfWeek::Tuesday => Weekday::Tue,
            DayOfWeek::Wednesday => Weekday::Wed,
            DayOfWeek::Thursday => Weekday::Thu,
            DayOfWeek::Friday => Weekday::Fri,
            DayOfWeek::Saturday => Weekday::Sat,
            DayOfWeek::Sunday => Weekday::Sun,
        }
    }

    pub fn of(day: Weekday) -> DayOfWeek {
        DayOfWeek::ALL[day.num_days_from_monday() as usize]
    }
}

/// The calendar of an institution in `zone` with `hours` and `rest_days`, whose imported
/// years are `stored` (year → its special days; a year may be empty). Every other year is
/// the shipped official one.
///
/// A make-up working day on a day the institution works anyway (a hospital open on Saturdays)
/// changes nothing and is left out, so that changing the rest days never makes the stored or
/// shipped days unusable.
#[cfg(feature = "zones")]
pub fn assemble(
    zone: chrono_tz::Tz,
    hours: Vec<Interval>,
    rest_days: &[Weekday],
    stored: &BTreeMap<i32, Vec<SpecialDay>>,
) -> Result<Calendar, CalendarError> {
    let mut days: Vec<SpecialDay> = official::days()
        .into_iter()
        .filter(|d| !stored.contains_key(&d.date.year()))
        .collect();
    days.extend(stored.values().flatten().cloned());
    days.retain(|d| d.kind == DayKind::Holiday || rest_days.contains(&d.date.weekday()));
    days.sort_by_key(|d| d.date);
    Calendar::new(zone, hours, rest_days, &days)
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;
    use crate::calendar::{MAINLAND_HOURS, WEEKEND};

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn nothing_stored_is_the_mainland_default() {
        let c = assemble(
            chrono_tz::Asia::Shanghai,
            MAINLAND_HOURS.to_vec(),
            &WEEKEND,
            &BTreeMap::new(),
        )
        .unwrap();
        let m = Calendar::mainland(chrono_tz::Asia::Shanghai);
        let mut d = date("2025-01-01");
        while d <= date("2027-12-31") {
            assert_eq!(c.is_working_day(d), m.is_working_day(d), "{d}");
            d = d.succ_opt().unwrap();
        }
    }

    #[test]
    fn a_stored_year_replaces_the_shipped_one_and_others_stay() {
        let mut stored = BTreeMap::new();
        // 2026 imported with only one holiday: the shipped Spring Festival is gone.
        stored.insert(
            2026,
            vec![SpecialDay {
                date: date("2026-03-02"),
                kind: DayKind::Holiday,
                name: "院庆".into(),
            }],
        );
        let c = assemble(
            chrono_tz::Asia::Shanghai,
            MAINLAND_HOURS.to_vec(),
            &WEEKEND,
            &stored,
        )
        .unwrap();
        assert!(!c.is_working_day(date("2026-03-02")));
        assert!(c.is_working_day(date("2026-02-16")));
        assert!(!c.is_working_day(date("2026-02-14")));
        // 2025 is still the shipped year: Spring Festival 2025 rests, Sun 26 Jan works.
        assert!(!c.is_working_day(date("2025-01-29")));
        assert!(c.is_working_day(date("2025-01-26")));
    }

    #[test]
    fn make_up_days_on_worked_weekdays_are_dropped() {
        // Open Monday to Saturday: the shipped Saturday make-up days change nothing.
        let c = assemble(
            chrono_tz::Asia::Shanghai,
            MAINLAND_HOURS.to_vec(),
            &[Weekday::Sun],
            &BTreeMap::new(),
        )
        .unwrap();
        assert!(c.is_working_day(date("2026-02-14")));
        assert!(c.is_working_day(date("2026-02-28")));
        // A holiday on a Saturday is still a holiday.
        assert!(!c.is_working_day(date("2026-02-21")));
        // Sun 20 Sep 2026 is still a make-up working day.
        assert!(c.is_working_day(date("2026-09-20")));
        let t = Utc.with_ymd_and_hms(2026, 2, 12, 2, 0, 0).unwrap();
        assert_eq!(
            c.working_days_after(t, 3),
            vec![date("2026-02-13"), date("2026-02-14"), date("2026-02-24")]
        );
    }

    #[test]
    fn days_of_the_week_convert_both_ways() {
        for d in DayOfWeek::ALL {
            assert_eq!(DayOfWeek::of(d.weekday()), d);
        }
        assert_eq!(DayOfWeek::of(Weekday::Sun).code(), "sunday");
    }
}
