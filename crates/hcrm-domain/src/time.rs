//! instants are stored in UTC; dates ("today", "overdue", ages, deadlines) are those of
//! the institution's time zone. One place computes them.

use chrono::{DateTime, NaiveDate, Utc};

/// The group's home time zone, for an institution whose zone cannot be read.
pub const HOME_TIME_ZONE: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

/// The time zone named `name` (IANA, as institutions store it); the home zone when unknown.
pub fn zone(name: &str) -> chrono_tz::Tz {
    name.parse().unwrap_or(HOME_TIME_ZONE)
}

/// The date of instant `t` in time zone `name`.
pub fn date_in(t: DateTime<Utc>, name: &str) -> NaiveDate {
    t.with_timezone(&zone(name)).date_naive()
}

/// Today in the group's home time zone, for what spans institutions.
pub fn today_at_home() -> NaiveDate {
    date_in(Utc::now(), HOME_TIME_ZONE.name())
}

/// Today in time zone `name`.
pub fn today_in(name: &str) -> NaiveDate {
    date_in(Utc::now(), name)
}

/// The first instant of `date` in time zone `name` (its midnight, or the first instant after
/// a gap at midnight), for periods given as dates.
pub fn day_start(date: NaiveDate, name: &str) -> DateTime<Utc> {
    use chrono::TimeZone;
    let tz = zone(name);
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    match tz.from_local_datetime(&midnight).earliest() {
        Some(t) => t.with_timezone(&Utc),
        // No midnight that day (a zone that skips it): an hour later exists.
        None => tz
            .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
            .earliest()
            .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_home_zone_is_the_one_the_api_names() {
        assert_eq!(HOME_TIME_ZONE.name(), crate::api::org::HOME_TIME_ZONE);
    }

    #[test]
    fn dates_are_those_of_the_zone() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        // 17:00 UTC is 01:00 the next day in Beijing, 21:00 the same day in Urumqi (UTC+6).
        assert_eq!(
            date_in(t("2026-11-30T17:00:00Z"), "Asia/Shanghai"),
            d(2026, 12, 1)
        );
        assert_eq!(
            date_in(t("2026-11-30T17:00:00Z"), "Asia/Urumqi"),
            d(2026, 11, 30)
        );
        assert_eq!(
            date_in(t("2026-11-30T15:59:59Z"), "Asia/Shanghai"),
            d(2026, 11, 30)
        );
        // An unreadable zone is the home zone.
        assert_eq!(
            date_in(t("2026-11-30T17:00:00Z"), "Mars/Olympus"),
            d(2026, 12, 1)
        );
    }

    #[test]
    fn a_day_starts_at_its_midnight_in_the_zone() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(
            day_start(d, "Asia/Shanghai"),
            "2026-11-30T16:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            day_start(d, "UTC"),
            "2026-12-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }
}
