//! Clocks over real weeks of the Beijing calendar (08:00–12:00, 13:30–17:30, the official
//! 2026 schedule).

use chrono::{NaiveDateTime, TimeZone};

use super::*;

fn china() -> Calendar {
    Calendar::mainland(chrono_tz::Asia::Shanghai)
}

fn bj(s: &str) -> DateTime<Utc> {
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&local)
        .unwrap()
        .with_timezone(&Utc)
}

fn h(hours: f64) -> TimeDelta {
    TimeDelta::minutes((hours * 60.0) as i64)
}

#[test]
fn a_running_clock_shows_its_deadline_and_the_working_time_left() {
    let c = china();
    // 3 working days from the Friday before Spring Festival 2026.
    let clock = Clock::start(Limit::WorkingDays(3), bj("2026-02-13 10:00"));
    let view = clock.view(&c, bj("2026-02-24 09:00"));
    assert_eq!(view.state, ClockState::Running);
    assert_eq!(view.deadline, bj("2026-02-25 17:30"));
    // 3 + 4 hours on Tuesday from 09:00, 8 on Wednesday.
    assert_eq!(view.left, h(15.0));
}

#[test]
fn a_pause_moves_the_deadline_by_the_working_time_it_lasted() {
    let c = china();
    let mut clock = Clock::start(Limit::WorkingHours(8), bj("2026-12-07 09:00"));
    assert_eq!(
        clock.deadline(&c, bj("2026-12-07 09:00")),
        bj("2026-12-08 09:00")
    );
    clock.pause(&c, bj("2026-12-07 11:00"));
    // While paused the deadline moves with the pause; what was left stays.
    let paused = clock.view(&c, bj("2026-12-07 14:00"));
    assert_eq!(paused.state, ClockState::Paused);
    assert_eq!(paused.deadline, bj("2026-12-08 10:30"));
    assert_eq!(paused.left, h(6.0));
    // Pausing again changes nothing.
    clock.pause(&c, bj("2026-12-07 14:30"));
    clock.resume(&c, bj("2026-12-07 15:00"));
    // 1 h before lunch and 1.5 h after it were paused.
    assert_eq!(clock.paused_total, h(2.5));
    let running = clock.view(&c, bj("2026-12-07 15:00"));
    assert_eq!(running.state, ClockState::Running);
    assert_eq!(running.deadline, bj("2026-12-08 11:30"));
    assert_eq!(running.left, h(6.0));
    // Resuming a running clock changes nothing.
    clock.resume(&c, bj("2026-12-07 16:00"));
    assert_eq!(clock.paused_total, h(2.5));
}

#[test]
fn a_clock_stopped_in_time_is_met() {
    let c = china();
    let mut clock = Clock::start(Limit::CalendarHours(24), bj("2026-12-07 09:00"));
    clock.stop(&c, bj("2026-12-08 08:00"));
    let view = clock.view(&c, bj("2026-12-20 08:00"));
    assert_eq!(view.state, ClockState::Met);
    assert_eq!(view.left, h(1.0));
    assert_eq!(clock.breached_at, None);
}

#[test]
fn a_breached_clock_stays_breached() {
    let c = china();
    let mut clock = Clock::start(Limit::CalendarDays(7), bj("2026-09-30 10:00"));
    // Calendar days ignore the Golden Week.
    assert_eq!(
        clock.deadline(&c, bj("2026-09-30 10:00")),
        bj("2026-10-07 10:00")
    );
    let late = clock.view(&c, bj("2026-10-07 11:00"));
    assert_eq!(late.state, ClockState::Breached);
    assert_eq!(late.left, -h(1.0));
    // Pausing after the deadline records the breach; resuming and finishing keep it.
    clock.pause(&c, bj("2026-10-07 12:00"));
    assert_eq!(clock.breached_at, Some(bj("2026-10-07 10:00")));
    assert_eq!(
        clock.view(&c, bj("2026-10-09 12:00")).state,
        ClockState::Breached
    );
    clock.resume(&c, bj("2026-10-09 12:00"));
    clock.stop(&c, bj("2026-10-09 13:00"));
    let view = clock.view(&c, bj("2026-10-20 00:00"));
    assert_eq!(view.state, ClockState::Breached);
    // A clock stopped late without anyone having looked is breached too.
    let mut unseen = Clock::start(Limit::WorkingHours(4), bj("2026-12-07 08:00"));
    unseen.stop(&c, bj("2026-12-07 14:00"));
    assert_eq!(
        unseen.view(&c, bj("2026-12-08 00:00")).state,
        ClockState::Breached
    );
    assert_eq!(unseen.breached_at, Some(bj("2026-12-07 12:00")));
}

#[test]
fn warnings_and_escalations_fall_due_once_each_in_order() {
    let c = china();
    let policy = EscalationPolicy::default();
    // 3 working days from Monday 09:00: Thursday 17:30.
    let clock = Clock::start(Limit::WorkingDays(3), bj("2026-12-07 09:00"));
    let due = |at: &str, sent: &[Escalation]| clock.escalations_due(&c, policy, bj(at), sent);
    assert_eq!(due("2026-12-10 11:00", &[]), vec![]);
    // 4 working hours left from noon on Thursday (the lunch break is not worked).
    assert_eq!(due("2026-12-10 12:00", &[]), vec![Escalation::Warning]);
    assert_eq!(due("2026-12-10 15:00", &[Escalation::Warning]), vec![]);
    // Past the deadline.
    assert_eq!(
        due("2026-12-10 17:31", &[Escalation::Warning]),
        vec![Escalation::Breach]
    );
    assert_eq!(
        due("2026-12-10 17:31", &[]),
        vec![Escalation::Warning, Escalation::Breach]
    );
    // 24 working hours (three working days) past it: the president; the weekend does not count.
    let sent = [Escalation::Warning, Escalation::Breach];
    assert_eq!(due("2026-12-15 17:00", &sent), vec![]);
    assert_eq!(due("2026-12-15 17:30", &sent), vec![Escalation::President]);
    let all = [
        Escalation::Warning,
        Escalation::Breach,
        Escalation::President,
    ];
    assert_eq!(due("2026-12-31 17:30", &all), vec![]);
    // A paused or stopped clock raises nothing.
    let mut paused = clock.clone();
    paused.pause(&c, bj("2026-12-08 09:00"));
    assert_eq!(
        paused.escalations_due(&c, policy, bj("2026-12-20 09:00"), &[]),
        vec![]
    );
}
