use chrono::NaiveDate;

use super::*;
use crate::lifecycle::MoveRefused;
use crate::permission::PermissionSet;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

#[test]
fn the_moves_of_an_appointment() {
    use AppointmentStatus::*;
    let anyone = PermissionSet::default();
    assert_eq!(Booked.next(), vec![Arrived, NoShow, Cancelled, Rebooking]);
    assert_eq!(Rebooking.next(), vec![Booked, Cancelled]);
    assert_eq!(NoShow.next(), vec![Arrived]);
    assert!(Arrived.next().is_empty());
    assert!(Cancelled.next().is_empty());
    assert_eq!(
        Cancelled.check_move(Arrived, &anyone),
        Err(MoveRefused::NotAMove {
            from: "cancelled",
            to: "arrived",
            allowed: vec![]
        })
    );
    assert!(Booked.holds_places() && Arrived.holds_places() && NoShow.holds_places());
    assert!(!Cancelled.holds_places() && !Rebooking.holds_places());
}

#[test]
fn the_actions_from_each_status() {
    use AppointmentAction as A;
    use AppointmentStatus::*;
    assert_eq!(
        A::allowed_from(Booked),
        vec![A::Reschedule, A::Cancel, A::Arrive, A::NoShow]
    );
    assert_eq!(A::allowed_from(Rebooking), vec![A::Reschedule, A::Cancel]);
    assert_eq!(A::allowed_from(NoShow), vec![A::Arrive]);
    assert!(A::allowed_from(Cancelled).is_empty());
    assert!(A::allowed_from(Arrived).is_empty());
    assert_eq!(A::Reschedule.target(Rebooking), Booked);
    assert_eq!(A::Reschedule.target(Booked), Booked);
}

#[test]
fn who_may_book_how_many_places_when() {
    let today = d(2026, 12, 8);
    let ok = check_booking(
        CustomerKind::Individual,
        1,
        today,
        SessionStatus::Open,
        today,
    );
    assert_eq!(ok, Ok(()));
    let cases = [
        (
            CustomerKind::Individual,
            2,
            today,
            SessionStatus::Open,
            Err(BookingRefused::GroupNeedsOrganization),
        ),
        (
            CustomerKind::Organization,
            30,
            today,
            SessionStatus::Open,
            Ok(()),
        ),
        (
            CustomerKind::Organization,
            200,
            today,
            SessionStatus::Open,
            Ok(()),
        ),
        (
            CustomerKind::Organization,
            201,
            today,
            SessionStatus::Open,
            Err(BookingRefused::PlacesRange),
        ),
        (
            CustomerKind::Individual,
            0,
            today,
            SessionStatus::Open,
            Err(BookingRefused::PlacesRange),
        ),
        (
            CustomerKind::Individual,
            1,
            d(2026, 12, 7),
            SessionStatus::Open,
            Err(BookingRefused::PastSession),
        ),
        (
            CustomerKind::Individual,
            1,
            d(2026, 12, 9),
            SessionStatus::Cancelled,
            Err(BookingRefused::SessionCancelled),
        ),
    ];
    for (kind, places, date, status, expected) in cases {
        assert_eq!(
            check_booking(kind, places, date, status, today),
            expected,
            "{kind:?} {places} {date} {status:?}"
        );
    }
}

#[test]
fn arrival_and_no_show_not_before_the_day() {
    let day = d(2026, 12, 10);
    assert_eq!(
        check_attendance(AppointmentAction::Arrive, day, d(2026, 12, 9)),
        Err(TooEarly::Arrival)
    );
    assert_eq!(
        check_attendance(AppointmentAction::NoShow, day, d(2026, 12, 9)),
        Err(TooEarly::NoShow)
    );
    assert_eq!(
        check_attendance(AppointmentAction::Arrive, day, day),
        Ok(())
    );
    assert_eq!(
        check_attendance(AppointmentAction::NoShow, day, d(2026, 12, 11)),
        Ok(())
    );
    assert_eq!(
        check_attendance(AppointmentAction::Cancel, day, d(2026, 12, 1)),
        Ok(())
    );
    assert_eq!(reminder_day(day), d(2026, 12, 9));
}

#[test]
fn schedule_slots_fall_on_their_days() {
    // 2026-12-07 is a Monday.
    let (from, to) = (d(2026, 12, 7), d(2026, 12, 20));
    assert_eq!(
        slot_dates(Some(2), None, from, to),
        vec![d(2026, 12, 8), d(2026, 12, 15)]
    );
    assert_eq!(
        slot_dates(Some(7), None, from, to),
        vec![d(2026, 12, 13), d(2026, 12, 20)]
    );
    assert_eq!(
        slot_dates(None, Some(d(2026, 12, 9)), from, to),
        vec![d(2026, 12, 9)]
    );
    assert!(slot_dates(None, Some(d(2026, 12, 21)), from, to).is_empty());
    assert_eq!(
        rest_of_week(d(2026, 12, 9)),
        (d(2026, 12, 9), d(2026, 12, 13))
    );
    assert_eq!(
        rest_of_week(d(2026, 12, 13)),
        (d(2026, 12, 13), d(2026, 12, 13))
    );
    assert!(half_day_rank("morning") < half_day_rank("afternoon"));
    assert!(half_day_rank("afternoon") < half_day_rank("evening"));
}
