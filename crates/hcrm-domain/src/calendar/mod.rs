//! ORG-3: the business calendar of an institution — its time zone, working hours (several
//! intervals a day, e.g. 08:00–12:00 and 13:30–17:30), weekly rest days, official holidays and
//! make-up working days (调休上班: a Saturday or Sunday that is worked). Deadlines of CMP-5 are
//! computed on it.
//!
//! How a period of working days is counted follows the Civil Code (《民法典》): the day on which
//! the period starts is not counted (Art. 201); when the last day is a rest day the period ends
//! on the next working day (Art. 203); and where there are business hours, the period ends when
//! business stops that day (Art. 203) — here, the end of the day's last working interval.
//!
//! Pure: the calendar is built from data the caller loads (the shipped official schedule in
//! [`official`], or an institution's edited table).

pub mod institution;
pub mod official;
pub mod year_file;

pub use institution::DayOfWeek;
#[cfg(feature = "zones")]
pub use institution::assemble;

#[cfg(feature = "zones")]
use std::collections::BTreeMap;

#[cfg(feature = "zones")]
use chrono::{DateTime, Datelike, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};

coded_enum! {
    /// 特殊日期类型 — ORG-3: a day that is not as its weekday says.
    pub enum DayKind {
        Holiday = "holiday", "法定节假日", "Public holiday";
        MakeupWorkday = "makeup_workday", "调休上班", "Make-up working day";
    }
}

/// One dated exception to the weekly pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The holiday it belongs to (春节, National Day …), as the notice names it.
    pub name: String,
}

/// One working interval of a day, `start` < `end`, local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Interval {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "08:00:00"))]
    pub start: NaiveTime,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "12:00:00"))]
    pub end: NaiveTime,
}

impl Interval {
    /// `start`–`end` from "HH:MM" texts, for tables and tests.
    pub fn hm(start: &str, end: &str) -> Option<Interval> {
        let t = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").ok();
        Some(Interval {
            start: t(start)?,
            end: t(end)?,
        })
    }

    #[cfg(feature = "zones")]
    fn length(self) -> TimeDelta {
        self.end - self.start
    }
}

/// Why a calendar cannot be built; each names what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// No working interval, or an interval that ends before it starts.
    NoWorkingHours,
    InvalidInterval(Interval),
    /// Two intervals overlap or are not in order.
    OverlappingIntervals(Interval, Interval),
    /// Every day of the week is a rest day.
    NoWorkingWeekday,
    /// The same date listed twice.
    RepeatedDate(NaiveDate),
    /// A make-up working day on a day that is worked anyway.
    MakeupOnWorkingWeekday(NaiveDate),
}

impl CalendarError {
    /// The stable code the API reports for it.
    pub fn code(&self) -> &'static str {
        match self {
            CalendarError::NoWorkingHours => "no_working_hours",
            CalendarError::InvalidInterval(_) => "invalid_interval",
            CalendarError::OverlappingIntervals(..) => "overlapping_intervals",
            CalendarError::NoWorkingWeekday => "no_working_weekday",
            CalendarError::RepeatedDate(_) => "repeated_date",
            CalendarError::MakeupOnWorkingWeekday(_) => "makeup_on_working_weekday",
        }
    }
}

/// An institution's business calendar. It counts in the institution's time zone, so it needs
/// the time-zone database (feature `zones`): the server's; the web app shows what the API
/// computed and leaves the database out of its download (PERF-7).
#[cfg(feature = "zones")]
#[derive(Debug, Clone)]
pub struct Calendar {
    zone: chrono_tz::Tz,
    hours: Vec<Interval>,
    /// Rest days of the week, by `Weekday::num_days_from_monday`.
    rest: [bool; 7],
    days: BTreeMap<NaiveDate, DayKind>,
}

/// The usual weekly rest days.
pub const WEEKEND: [Weekday; 2] = [Weekday::Sat, Weekday::Sun];

#[cfg(feature = "zones")]
impl Calendar {
    /// Checks the parts and builds the calendar.
    pub fn new(
        zone: chrono_tz::Tz,
        hours: Vec<Interval>,
        rest_days: &[Weekday],
        days: &[SpecialDay],
    ) -> Result<Calendar, CalendarError> {
        if hours.is_empty() {
            return Err(CalendarError::NoWorkingHours);
        }
        for &interval in &hours {
            if interval.start >= interval.end {
                return Err(CalendarError::InvalidInterval(interval));
            }
        }
        for pair in hours.windows(2) {
            if pair[1].start < pair[0].end {
                return Err(CalendarError::OverlappingIntervals(pair[0], pair[1]));
            }
        }
        let mut rest = [false; 7];
        for day in rest_days {
            rest[day.num_days_from_monday() as usize] = true;
        }
        if rest.iter().all(|&r| r) {
            return Err(CalendarError::NoWorkingWeekday);
        }
        let mut map = BTreeMap::new();
        for day in days {
            if day.kind == DayKind::MakeupWorkday
                && !rest[day.date.weekday().num_days_from_monday() as usize]
            {
                return Err(CalendarError::MakeupOnWorkingWeekday(day.date));
            }
            if map.insert(day.date, day.kind).is_some() {
                return Err(CalendarError::RepeatedDate(day.date));
            }
        }
        Ok(Calendar {
            zone,
            hours,
            rest,
            days: map,
        })
    }

    /// The mainland-China default: 08:00–12:00 and 13:30–17:30, Saturday and Sunday off, and
    /// the official schedule shipped with the product.
    pub fn mainland(zone: chrono_tz::Tz) -> Calendar {
        let hours = MAINLAND_HOURS.to_vec();
        // The shipped table is checked by a test, so this cannot fail.
        Calendar::new(zone, hours.clone(), &WEEKEND, &official::days()).unwrap_or(Calendar {
            zone,
            hours,
            rest: [false, false, false, false, false, true, true],
            days: BTreeMap::new(),
        })
    }

    pub fn zone(&self) -> chrono_tz::Tz {
        self.zone
    }

    /// The working intervals of a working day, in order.
    pub fn hours(&self) -> &[Interval] {
        &self.hours
    }

    /// The weekly rest days, Monday first.
    pub fn rest_days(&self) -> Vec<Weekday> {
        [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ]
        .into_iter()
        .filter(|d| self.rest[d.num_days_from_monday() as usize])
        .collect()
    }

    /// The `n` working days after the day of `t`, in order: the days a period of `n` working
    /// days counts ([`Calendar::add_working_days`]), for a person to check.
    pub fn working_days_after(&self, t: DateTime<Utc>, n: u32) -> Vec<NaiveDate> {
        let mut d = self.local(t).date();
        (0..n)
            .map(|_| {
                d = self.next_working_day(d);
                d
            })
            .collect()
    }

    /// The local date and time of `t` in the calendar's zone.
    pub fn local_time(&self, t: DateTime<Utc>) -> NaiveDateTime {
        self.local(t)
    }

    /// Whether `date` is worked: a make-up working day always, a holiday never, otherwise by
    /// its weekday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.days.get(&date) {
            Some(DayKind::MakeupWorkday) => true,
            Some(DayKind::Holiday) => false,
            None => !self.rest[date.weekday().num_days_from_monday() as usize],
        }
    }

    /// The first working day after `date`. Terminates: past the last special day the weekly
    /// pattern holds, and it has a working weekday.
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        loop {
            d = d.succ_opt().unwrap_or(d);
            if self.is_working_day(d) {
                return d;
            }
        }
    }

    /// Adds `n` working days to `t`: the day of `t` is not counted, the deadline is the end of
    /// business (the end of the last working interval) of the `n`-th working day after it.
    /// `n = 0` is `t` itself.
    pub fn add_working_days(&self, t: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        if n == 0 {
            return t;
        }
        let mut d = self.local(t).date();
        for _ in 0..n {
            d = self.next_working_day(d);
        }
        self.instant(d, self.closing())
    }

    /// Adds `amount` of working time to `t`, counting only the working intervals of working
    /// days. A `t` outside working time starts at the next interval; the result is where the
    /// time runs out (the end of an interval when it runs out exactly there).
    pub fn add_working_time(&self, t: DateTime<Utc>, amount: TimeDelta) -> DateTime<Utc> {
        if amount <= TimeDelta::zero() {
            return t;
        }
        let mut left = amount;
        let start = self.local(t);
        let mut day = start.date();
        let mut from = start.time();
        loop {
            if self.is_working_day(day) {
                for &interval in &self.hours {
                    if interval.end <= from {
                        continue;
                    }
                    let begin = interval.start.max(from);
                    let available = interval.end - begin;
                    if left <= available {
                        return self.instant(day, begin + left);
                    }
                    left -= available;
                }
            }
            day = self.next_working_day(day);
            from = NaiveTime::MIN;
        }
    }

    /// Adds `hours` working hours to `t` ([`Calendar::add_working_time`]).
    pub fn add_working_hours(&self, t: DateTime<Utc>, hours: u32) -> DateTime<Utc> {
        self.add_working_time(t, TimeDelta::hours(i64::from(hours)))
    }

    /// Adds `hours` hours of the clock, whatever the day.
    pub fn add_calendar_hours(&self, t: DateTime<Utc>, hours: u32) -> DateTime<Utc> {
        t + TimeDelta::hours(i64::from(hours))
    }

    /// Adds `n` calendar days: the same local time `n` dates later.
    pub fn add_calendar_days(&self, t: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        let local = self.local(t);
        let date = local.date() + TimeDelta::days(i64::from(n));
        self.instant(date, local.time())
    }

    /// The working time between `from` and `to` (zero when `to` is not after `from`): what is
    /// left of a working-time clock, or how long it ran.
    pub fn working_time_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        if to <= from {
            return TimeDelta::zero();
        }
        let (start, end) = (self.local(from), self.local(to));
        let mut total = TimeDelta::zero();
        let mut day = start.date();
        while day <= end.date() {
            if self.is_working_day(day) {
                for &interval in &self.hours {
                    let lo = if day == start.date() {
                        interval.start.max(start.time())
                    } else {
                        interval.start
                    };
                    let hi = if day == end.date() {
                        interval.end.min(end.time())
                    } else {
                        interval.end
                    };
                    if hi > lo {
                        total += hi - lo;
                    }
                }
            }
            day = self.next_working_day(day);
        }
        total
    }

    /// Time left until `deadline`, negative once it has passed (wall-clock).
    pub fn time_left(&self, now: DateTime<Utc>, deadline: DateTime<Utc>) -> TimeDelta {
        deadline - now
    }

    /// Working time left until `deadline`, negative (the working time overdue) once past.
    pub fn working_time_left(&self, now: DateTime<Utc>, deadline: DateTime<Utc>) -> TimeDelta {
        if now <= deadline {
            self.working_time_between(now, deadline)
        } else {
            -self.working_time_between(deadline, now)
        }
    }

    /// The working time of one full working day.
    pub fn working_day_length(&self) -> TimeDelta {
        self.hours.iter().map(|i| i.length()).sum()
    }

    fn closing(&self) -> NaiveTime {
        self.hours.last().map_or(NaiveTime::MIN, |i| i.end)
    }

    fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&self.zone).naive_local()
    }

    /// The instant of local `date` at `time`; the earlier one when a clock change makes it
    /// ambiguous, the first valid minute after when it falls in a gap.
    fn instant(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let mut local = date.and_time(time);
        for _ in 0..180 {
            if let Some(t) = self.zone.from_local_datetime(&local).earliest() {
                return t.with_timezone(&Utc);
            }
            local += TimeDelta::minutes(1);
        }
        local.and_utc()
    }
}

/// `h:m` as a constant (an impossible time is midnight; the table below has none).
const fn hm(h: u32, m: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(h, m, 0) {
        Some(t) => t,
        None => NaiveTime::MIN,
    }
}

/// The working hours of a mainland hospital's offices: 08:00–12:00 and 13:30–17:30.
pub const MAINLAND_HOURS: [Interval; 2] = [
    Interval {
        start: hm(8, 0),
        end: hm(12, 0),
    },
    Interval {
        start: hm(13, 30),
        end: hm(17, 30),
    },
];

#[cfg(test)]
mod tests;
