//! Table tests over real weeks of the official schedule: Spring Festival 2026 (Sat 14 Feb
//! works, 15–23 Feb rest, Sat 28 Feb works) and National Day 2026 (Sun 20 Sep works, 25–27 Sep
//! and 1–7 Oct rest, Sat 10 Oct works).

use super::*;

fn china() -> Calendar {
    Calendar::mainland(chrono_tz::Asia::Shanghai)
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A Beijing local time as an instant.
fn bj(s: &str) -> DateTime<Utc> {
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&local)
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn the_shipped_schedule_builds_a_calendar() {
    let built = Calendar::new(
        chrono_tz::Asia::Shanghai,
        MAINLAND_HOURS.to_vec(),
        &WEEKEND,
        &official::days(),
    );
    assert!(built.is_ok(), "{built:?}");
    assert_eq!(china().working_day_length(), TimeDelta::hours(8));
}

#[test]
fn working_days_follow_holidays_and_make_up_days() {
    let c = china();
    for (day, works) in [
        ("2026-02-13", true),  // Friday
        ("2026-02-14", true),  // Saturday, made up
        ("2026-02-15", false), // Sunday, Spring Festival
        ("2026-02-16", false),
        ("2026-02-17", false), // 除夕 / New Year
        ("2026-02-20", false), // Friday in the break
        ("2026-02-23", false), // Monday, last day off
        ("2026-02-24", true),
        ("2026-02-28", true),  // Saturday, made up
        ("2026-03-01", false), // Sunday
        ("2026-09-19", false), // Saturday
        ("2026-09-20", true),  // Sunday, made up
        ("2026-09-25", false), // Friday, Mid-autumn
        ("2026-09-28", true),
        ("2026-10-01", false),
        ("2026-10-07", false),
        ("2026-10-08", true),
        ("2026-10-10", true),  // Saturday, made up
        ("2026-10-11", false), // Sunday
        ("2026-12-05", false), // an ordinary Saturday
        ("2026-12-07", true),  // an ordinary Monday
    ] {
        assert_eq!(c.is_working_day(date(day)), works, "{day}");
    }
}

#[test]
fn working_days_count_from_the_next_day_and_end_at_close_of_business() {
    let c = china();
    for (received, n, due) in [
        // Friday before the break: the made-up Saturday counts, then the days after the break.
        ("2026-02-13 10:00", 3, "2026-02-25 17:30"),
        // Received on the made-up Saturday: five days end on the next made-up Saturday.
        ("2026-02-14 09:00", 5, "2026-02-28 17:30"),
        // Received on the first day of the break.
        ("2026-02-15 11:00", 1, "2026-02-24 17:30"),
        // Thursday before National Day's made-up Sunday.
        ("2026-09-17 15:00", 3, "2026-09-21 17:30"),
        // The national rule's 5 working days over the Golden Week.
        ("2026-09-30 16:00", 5, "2026-10-13 17:30"),
        // 10 when several departments are involved.
        ("2026-09-30 16:00", 10, "2026-10-20 17:30"),
        // Received during the holiday.
        ("2026-10-03 10:00", 1, "2026-10-08 17:30"),
        // An ordinary week: Friday evening + 3 → Wednesday.
        ("2026-12-04 19:00", 3, "2026-12-09 17:30"),
    ] {
        assert_eq!(
            c.add_working_days(bj(received), n),
            bj(due),
            "{received} + {n} working days"
        );
    }
    assert_eq!(
        c.add_working_days(bj("2026-12-04 19:00"), 0),
        bj("2026-12-04 19:00")
    );
}

#[test]
fn working_hours_count_only_working_intervals() {
    let c = china();
    for (start, hours, due) in [
        // 1.5 h on Friday, 8 h on the made-up Saturday, 2.5 h after the break.
        ("2026-02-13 16:00", 12, "2026-02-24 10:30"),
        // 4 h on Wednesday afternoon (from 13:30), 8 + 8 over the holiday's end, 4 h on the
        // made-up Saturday: runs out exactly at the end of the morning.
        ("2026-09-30 13:00", 24, "2026-10-10 12:00"),
        // Started in the lunch break.
        ("2026-12-07 12:30", 1, "2026-12-07 14:30"),
        // Started before opening.
        ("2026-12-07 07:00", 2, "2026-12-07 10:00"),
        // Crosses the lunch break.
        ("2026-12-07 11:00", 2, "2026-12-07 14:30"),
        // Started after closing on Friday: Monday.
        ("2026-12-04 18:00", 1, "2026-12-07 09:00"),
        // 48 h = six working days.
        ("2026-12-07 08:00", 48, "2026-12-14 17:30"),
    ] {
        assert_eq!(
            c.add_working_hours(bj(start), hours),
            bj(due),
            "{start} + {hours} working hours"
        );
    }
    assert_eq!(
        c.add_working_time(bj("2026-12-07 09:00"), TimeDelta::zero()),
        bj("2026-12-07 09:00")
    );
}

#[test]
fn calendar_time_ignores_the_calendar() {
    let c = china();
    assert_eq!(
        c.add_calendar_days(bj("2026-09-30 10:00"), 7),
        bj("2026-10-07 10:00")
    );
    assert_eq!(
        c.add_calendar_days(bj("2026-02-10 23:30"), 14),
        bj("2026-02-24 23:30")
    );
    assert_eq!(
        c.add_calendar_hours(bj("2026-02-14 20:00"), 12),
        bj("2026-02-15 08:00")
    );
}

#[test]
fn working_time_between_undoes_adding_it() {
    let c = china();
    for start in [
        "2026-02-13 16:00",
        "2026-02-15 11:00",
        "2026-09-30 13:00",
        "2026-12-07 12:30",
        "2026-12-04 18:00",
    ] {
        for minutes in [1, 30, 90, 240, 480, 721, 1440, 2880] {
            let amount = TimeDelta::minutes(minutes);
            let due = c.add_working_time(bj(start), amount);
            assert_eq!(
                c.working_time_between(bj(start), due),
                amount,
                "{start} + {minutes} min"
            );
        }
    }
}

#[test]
fn time_left_turns_negative_after_the_deadline() {
    let c = china();
    let due = bj("2026-12-08 10:00");
    assert_eq!(
        c.time_left(bj("2026-12-08 09:00"), due),
        TimeDelta::hours(1)
    );
    // Working time left from Friday 17:00 to Tuesday 10:00: 0.5 + 8 + 2 hours.
    assert_eq!(
        c.working_time_left(bj("2026-12-04 17:00"), due),
        TimeDelta::minutes(630)
    );
    // Overdue since Tuesday 10:00; at Tuesday 14:00 that is 2 + 0.5 working hours.
    assert_eq!(
        c.working_time_left(bj("2026-12-08 14:00"), due),
        -TimeDelta::minutes(150)
    );
    assert_eq!(c.working_time_between(due, due), TimeDelta::zero());
}

#[test]
fn each_institution_counts_in_its_own_time_zone() {
    let urumqi = Calendar::mainland(chrono_tz::Asia::Urumqi);
    // 01:00 UTC is 09:00 in Beijing but 07:00 in Urumqi (UTC+6), before opening.
    let t: DateTime<Utc> = "2026-12-07T01:00:00Z".parse().unwrap();
    assert_eq!(
        china().add_working_hours(t, 1),
        "2026-12-07T02:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(
        urumqi.add_working_hours(t, 1),
        "2026-12-07T03:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    // Close of business 17:30 local.
    assert_eq!(
        urumqi.add_working_days(t, 1),
        "2026-12-08T11:30:00Z".parse::<DateTime<Utc>>().unwrap()
    );
}

#[test]
fn a_calendar_is_checked_when_built() {
    let zone = chrono_tz::Asia::Shanghai;
    let i = |a, b| Interval::hm(a, b).unwrap();
    let day = |d: &str, kind| SpecialDay {
        date: date(d),
        kind,
        name: String::new(),
    };
    let err = |hours: Vec<Interval>, rest: &[Weekday], days: &[SpecialDay]| {
        Calendar::new(zone, hours, rest, days).unwrap_err().code()
    };
    assert_eq!(err(vec![], &WEEKEND, &[]), "no_working_hours");
    assert_eq!(
        err(vec![i("12:00", "08:00")], &WEEKEND, &[]),
        "invalid_interval"
    );
    assert_eq!(
        err(vec![i("08:00", "08:00")], &WEEKEND, &[]),
        "invalid_interval"
    );
    assert_eq!(
        err(
            vec![i("08:00", "12:00"), i("11:00", "17:00")],
            &WEEKEND,
            &[]
        ),
        "overlapping_intervals"
    );
    assert_eq!(
        err(
            vec![i("13:00", "17:00"), i("08:00", "12:00")],
            &WEEKEND,
            &[]
        ),
        "overlapping_intervals"
    );
    let all = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    assert_eq!(
        err(vec![i("08:00", "12:00")], &all, &[]),
        "no_working_weekday"
    );
    assert_eq!(
        err(
            vec![i("08:00", "12:00")],
            &WEEKEND,
            &[
                day("2026-10-01", DayKind::Holiday),
                day("2026-10-01", DayKind::Holiday)
            ]
        ),
        "repeated_date"
    );
    assert_eq!(
        err(
            vec![i("08:00", "12:00")],
            &WEEKEND,
            &[day("2026-12-07", DayKind::MakeupWorkday)]
        ),
        "makeup_on_working_weekday"
    );
    // Adjacent intervals are fine, and a six-day week.
    assert!(
        Calendar::new(
            zone,
            vec![i("08:00", "12:00"), i("12:00", "16:00")],
            &[Weekday::Sun],
            &[]
        )
        .is_ok()
    );
}

#[test]
fn a_holiday_on_every_day_of_a_long_stretch_still_finds_the_next_working_day() {
    let zone = chrono_tz::Asia::Shanghai;
    let days: Vec<SpecialDay> = (0..400)
        .map(|k| SpecialDay {
            date: date("2027-01-01") + TimeDelta::days(k),
            kind: DayKind::Holiday,
            name: String::new(),
        })
        .filter(|d| d.date.weekday().num_days_from_monday() < 5)
        .collect();
    let c = Calendar::new(zone, MAINLAND_HOURS.to_vec(), &WEEKEND, &days).unwrap();
    assert_eq!(c.next_working_day(date("2026-12-31")), date("2028-02-07"));
}
